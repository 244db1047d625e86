// OSV JSON (https://ossf.github.io/osv-schema/) for package-based advisories: those with affected
// rows carrying a purl of a type OSV knows (npm, PyPI, Maven, Go, crates.io, …). Valid against
// ossf/osv-schema's validation/schema.json (see fixtures/README.md).
//
// The id is `x_JVNDB-YYYY-NNNNNN`: OSV ids are `<DB>-<ENTRYID>` with a registered prefix, and `x_` is
// the schema's prefix for databases that OSV.dev does not aggregate (the bare JVNDB ID would fail the
// schema). CVE IDs are aliases; JVN IDs and the JVNDB ID go to database_specific.
import type { Advisory } from '../service.js';
import {
  advisoryUrl, isoSeconds, jvnUrl, NotExportable, packageOf, rangeKind, truncate, type Affected, type ExportOptions, type PackageRef,
} from './common.js';
import semver from 'semver';

export const OSV_SCHEMA_VERSION = '1.7.5';
export const osvId = (a: Advisory) => `x_${a.jvndbId}`;

const REF_TYPES: Record<string, string> = {
  advisory: 'ADVISORY', vendor: 'ADVISORY', patch: 'FIX', exploit: 'EVIDENCE', mitigation: 'ADVISORY', report: 'REPORT', other: 'WEB',
};
const SEMVER_ECOSYSTEMS = new Set(['npm', 'crates.io', 'Go', 'Hex', 'Pub', 'SwiftURL']);

type Event = { introduced: string } | { fixed: string } | { last_affected: string };

function rangeOf(row: Affected, pkg: PackageRef) {
  const kind = rangeKind(row);
  if (kind === 'exact') return { versions: [row.versionStart!] };
  if (kind !== 'range') return null;
  const events: Event[] = [{ introduced: row.versionStart ?? '0' }];
  if (row.versionEnd) events.push(row.versionEndIncluding ? { last_affected: row.versionEnd } : { fixed: row.versionEnd });
  const all = [row.versionStart, row.versionEnd].filter((v): v is string => !!v);
  const type = SEMVER_ECOSYSTEMS.has(pkg.ecosystem) && all.every((v) => semver.valid(v) !== null) ? 'SEMVER' : 'ECOSYSTEM';
  return {
    range: {
      type, events,
      // OSV has no "introduced after": an excluded lower bound is recorded here.
      ...(row.versionStart && row.versionStartIncluding === false ? { database_specific: { introduced_exclusive: true } } : {}),
    },
  };
}

/** True when the advisory has at least one affected package OSV can name. */
export const hasPackages = (a: Advisory) => a.affected.some((r) => packageOf(r.purl));

export function toOsv(a: Advisory, o: ExportOptions): object {
  const packages = new Map<string, { pkg: PackageRef; ranges: object[]; versions: string[]; texts: string[] }>();
  for (const row of a.affected) {
    const pkg = packageOf(row.purl);
    if (!pkg) continue;
    const key = `${pkg.ecosystem}\u0000${pkg.name}`;
    let p = packages.get(key);
    if (!p) packages.set(key, (p = { pkg, ranges: [], versions: [], texts: [] }));
    const r = rangeOf(row, pkg);
    if (r?.range) p.ranges.push(r.range);
    if (r?.versions) for (const v of r.versions) if (!p.versions.includes(v)) p.versions.push(v);
    if (!r && row.versionText) p.texts.push(row.versionText);
  }
  if (!packages.size) throw new NotExportable('OSV', { ja: 'パッケージ（purl）で特定できる影響製品がありません。', en: 'no affected product is identified as a package (purl).' });

  const severity = a.cvss
    .filter((c) => c.version === '3.1' || c.version === '3.0' || c.version === '4.0')
    .sort((x, y) => (x.version < y.version ? 1 : -1))
    .filter((c, i, arr) => arr.findIndex((d) => d.version[0] === c.version[0]) === i) // one v3 (3.1 over 3.0), one v4
    .map((c) => ({ type: c.version === '4.0' ? 'CVSS_V4' : 'CVSS_V3', score: c.vector }));
  const v2 = a.cvss.find((c) => c.version === '2.0');
  if (v2) severity.push({ type: 'CVSS_V2', score: v2.vector });

  const refs = [
    { type: 'ADVISORY', url: advisoryUrl(o, a) },
    ...a.jvnIds.map((j) => ({ type: 'ADVISORY', url: jvnUrl(j) })).filter((r) => r.url),
    ...a.references.map((r) => ({ type: REF_TYPES[r.type] ?? 'WEB', url: r.url })),
  ].filter((r, i, arr) => arr.findIndex((x) => x.url === r.url) === i);

  const summary = a.title.en || a.title.ja;
  const details = [a.overview.en || a.overview.ja, a.impact.en || a.impact.ja, a.solution.en || a.solution.ja].filter(Boolean).join('\n\n');
  const modified = isoSeconds(a.modifiedAt ?? a.updatedAt)!;
  return {
    schema_version: OSV_SCHEMA_VERSION,
    id: osvId(a),
    modified,
    ...(a.firstPublishedAt ? { published: isoSeconds(a.firstPublishedAt) } : {}),
    ...(a.cveIds.length ? { aliases: a.cveIds } : {}),
    summary: truncate(summary, 120),
    ...(details ? { details } : {}),
    ...(severity.length ? { severity } : {}),
    affected: [...packages.values()].map((p) => ({
      package: { ecosystem: p.pkg.ecosystem, name: p.pkg.name, purl: p.pkg.purl },
      ...(p.ranges.length ? { ranges: p.ranges } : {}),
      ...(p.versions.length ? { versions: p.versions } : {}),
      ...(p.texts.length ? { database_specific: { version_text: p.texts } } : {}),
    })),
    references: refs,
    database_specific: {
      jvndb_id: a.jvndbId,
      jvn_ids: a.jvnIds,
      cwe_ids: a.cweIds,
      severity: a.severity,
      kev: a.kev,
      ...(a.kevAdded ? { kev_added: a.kevAdded } : {}),
      ...(a.title.ja ? { title_ja: a.title.ja } : {}),
      ...(a.overview.ja ? { details_ja: a.overview.ja } : {}),
      url: advisoryUrl(o, a),
    },
  };
}
