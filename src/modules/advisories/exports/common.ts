// Helpers shared by the export formats: export errors, text selection, purl → ecosystem, ranges.
import { PackageURL } from 'packageurl-js';
import semver from 'semver';
import { AppError } from '../../../platform/http/errors.js';
import type { Text } from '../../../platform/i18n/i18n.js';
import type { Advisory } from '../service.js';

export type Affected = Advisory['affected'][number];

/** The advisory exists but cannot be expressed in the format (no CVE, no package, no product). */
export class NotExportable extends AppError {
  constructor(format: string, reason: Text) {
    super(404, 'not_exportable', { ja: `この脆弱性対策情報は ${format} 形式で提供できません: ${reason.ja}`, en: `This advisory is not available as ${format}: ${reason.en}` });
  }
}

export interface ExportOptions {
  /** Public base URL (config.baseUrl) for links to the advisory pages. */
  baseUrl: string;
}

export const advisoryUrl = (o: ExportOptions, a: Advisory) => `${o.baseUrl}/advisories/${a.jvndbId}`;

/** JVN pages of the advisory's JVN IDs (JVN#12345678 → https://jvn.jp/jp/JVN12345678/, JVNVU#… → /vu/). */
export function jvnUrl(id: string): string {
  const m = /^JVN(VU)?#(\d+)$/.exec(id);
  if (!m) return '';
  return m[1] ? `https://jvn.jp/vu/JVNVU${m[2]}/` : `https://jvn.jp/jp/JVN${m[2]}/`;
}

/** ISO instant without milliseconds (several schemas accept only whole seconds or are stricter about fractions). */
export const isoSeconds = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z') : null);

/** Picks the text in `lang`, else the other language. */
export const pick = (t: { ja: string; en: string }, lang: 'ja' | 'en') => (lang === 'ja' ? t.ja || t.en : t.en || t.ja);

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

export interface PackageRef { ecosystem: string; name: string; purl: string; type: string; cveCollection: string | null }

/** purl type → OSV ecosystem name, package name convention and the CVE collectionURL. */
const ECOSYSTEMS: Record<string, { eco: string; name: (p: PackageURL) => string; collection?: string }> = {
  npm: { eco: 'npm', name: (p) => (p.namespace ? `${p.namespace}/${p.name}` : p.name), collection: 'https://registry.npmjs.org' },
  pypi: { eco: 'PyPI', name: (p) => p.name, collection: 'https://pypi.python.org' },
  maven: { eco: 'Maven', name: (p) => `${p.namespace}:${p.name}`, collection: 'https://repo.maven.apache.org/maven2' },
  golang: { eco: 'Go', name: (p) => (p.namespace ? `${p.namespace}/${p.name}` : p.name), collection: 'https://golang.org/pkg' },
  cargo: { eco: 'crates.io', name: (p) => p.name, collection: 'https://crates.io' },
  gem: { eco: 'RubyGems', name: (p) => p.name, collection: 'https://rubygems.org' },
  nuget: { eco: 'NuGet', name: (p) => p.name, collection: 'https://nuget.org/packages' },
  composer: { eco: 'Packagist', name: (p) => (p.namespace ? `${p.namespace}/${p.name}` : p.name), collection: 'https://packagist.org' },
  hex: { eco: 'Hex', name: (p) => p.name, collection: 'https://repo.hex.pm' },
  pub: { eco: 'Pub', name: (p) => p.name, collection: 'https://pub.dev' },
  cran: { eco: 'CRAN', name: (p) => p.name, collection: 'https://cran.r-project.org' },
  hackage: { eco: 'Hackage', name: (p) => p.name, collection: 'https://hackage.haskell.org' },
  deb: { eco: 'Debian', name: (p) => p.name, collection: 'https://packages.debian.org' },
  apk: { eco: 'Alpine', name: (p) => p.name },
  swift: { eco: 'SwiftURL', name: (p) => `${p.namespace}/${p.name}` },
};

/** Parses an affected row's purl; null when absent, unparsable or of a type OSV has no ecosystem for. */
export function packageOf(purl: string | null): PackageRef | null {
  if (!purl) return null;
  let p: PackageURL;
  try { p = PackageURL.fromString(purl); } catch { return null; }
  const e = ECOSYSTEMS[p.type];
  if (!e) return null;
  if (p.type === 'maven' && !p.namespace) return null;
  // The package itself, without a version: ranges say which versions are affected.
  const bare = new PackageURL(p.type, p.namespace ?? undefined, p.name, undefined, p.qualifiers ?? undefined, undefined).toString();
  return { ecosystem: e.eco, name: e.name(p), purl: bare, type: p.type, cveCollection: e.collection ?? null };
}

/** Version numbering used by CVE `versionType` and vers schemes. */
export function versionScheme(a: Affected, pkg: PackageRef | null): 'semver' | 'python' | 'maven' | 'custom' {
  if (pkg?.type === 'pypi') return 'python';
  if (pkg?.type === 'maven') return 'maven';
  const vs = [a.versionStart, a.versionEnd].filter((v): v is string => !!v);
  if (vs.length && vs.every((v) => semver.valid(v) !== null)) return 'semver';
  return 'custom';
}

export type RangeKind = 'none' | 'exact' | 'range' | 'text';
/** What an affected row says about versions. */
export function rangeKind(a: Affected): RangeKind {
  if (a.versionStart && a.versionEnd && a.versionStart === a.versionEnd && a.versionStartIncluding !== false && a.versionEndIncluding) return 'exact';
  if (a.versionStart || a.versionEnd) return 'range';
  if (a.versionText) return 'text';
  return 'none';
}

/** The range of a row as a vers string (https://github.com/package-url/purl-spec/blob/master/VERSION-RANGE-SPEC.rst). */
export function versOf(a: Affected, scheme: string): string {
  const c: string[] = [];
  if (a.versionStart) c.push(`${a.versionStartIncluding === false ? '>' : '>='}${encodeURIComponent(a.versionStart)}`);
  if (a.versionEnd) c.push(`${a.versionEndIncluding ? '<=' : '<'}${encodeURIComponent(a.versionEnd)}`);
  return `vers:${scheme}/${c.join('|')}`;
}
