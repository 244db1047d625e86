// Component identifiers: CPE 2.3 formatted strings (NISTIR 7695 §6.2), CPE 2.2 URIs (converted to
// 2.3) and package URLs (packageurl-js). Parsing never throws: an invalid string yields its reason,
// which the checker reports on the component.
import { PackageURL } from 'packageurl-js';

export interface Cpe {
  /** The CPE 2.3 formatted string (a 2.2 URI is converted). */
  cpe23: string;
  part: string; vendor: string; product: string; version: string; update: string;
}
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

// The formatted-string grammar of the CPE 2.3 naming specification (NISTIR 7695, Figure 6-3).
const AVSTRING = String.raw`((\?*|\*?)([a-zA-Z0-9\-._]|(\\[\\*?!"#$%&'()+,/:;<=>@\[\]^\x60{|}~]))+(\?*|\*?))|[*-]`;
const CPE23_RE = new RegExp(String.raw`^cpe:2\.3:[aho*-](:(${AVSTRING})){5}(:(([a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?)|[*-]))(:(${AVSTRING})){4}$`);
const COMPONENT_RE = new RegExp(String.raw`^(${AVSTRING})$`);
const NAMES = ['part', 'vendor', 'product', 'version', 'update', 'edition', 'language', 'sw_edition', 'target_sw', 'target_hw', 'other'];

/** Splits a formatted string on unescaped colons. */
export function splitCpe(s: string): string[] { return s.split(/(?<!\\):/); }

export function parseCpe23(raw: string): Parsed<Cpe> {
  const s = raw.trim();
  if (!s.startsWith('cpe:2.3:')) return { ok: false, reason: 'a CPE 2.3 name starts with "cpe:2.3:"' };
  const parts = splitCpe(s);
  if (parts.length !== 13) return { ok: false, reason: `a CPE 2.3 name has 13 colon-separated components, found ${parts.length}` };
  if (!CPE23_RE.test(s)) {
    if (!/^[aho*-]$/.test(parts[2])) return { ok: false, reason: `part must be a, o or h, found "${parts[2]}"` };
    for (let i = 3; i < 13; i++) {
      if (i === 8 ? !/^(([a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?)|[*-])$/.test(parts[i]) : !COMPONENT_RE.test(parts[i])) {
        return { ok: false, reason: `invalid ${NAMES[i - 2]} component "${parts[i]}" (special characters must be escaped with \\)` };
      }
    }
    return { ok: false, reason: 'not a CPE 2.3 formatted string' };
  }
  const low = parts.map((p) => p.toLowerCase());
  return { ok: true, value: { cpe23: s, part: low[2], vendor: low[3], product: low[4], version: parts[5], update: parts[6] } };
}

/** A CPE 2.2 URI (`cpe:/a:vendor:product:version:update:edition:language`), converted to a 2.3 formatted string. */
export function parseCpe22(raw: string): Parsed<Cpe> {
  const s = raw.trim();
  const m = /^cpe:\/([aho])?((?::[^:]*){0,6})$/i.exec(s);
  if (!m) return { ok: false, reason: 'not a CPE 2.2 URI (cpe:/part:vendor:product:version:update:edition:language)' };
  const comps = m[2] ? m[2].slice(1).split(':') : [];
  const out: string[] = [];
  for (const c of comps) {
    let dec: string;
    try { dec = decodeURIComponent(c); } catch { return { ok: false, reason: `invalid percent-encoding in "${c}"` }; }
    if (!/^[\x21-\x7e]*$/.test(dec)) return { ok: false, reason: `invalid character in "${c}"` };
    // Empty = ANY; "-" = NA; other punctuation is escaped in a formatted string.
    out.push(dec === '' ? '*' : dec === '-' ? '-' : dec.toLowerCase().replace(/[^a-z0-9\-._]/g, (ch) => '\\' + ch));
  }
  while (out.length < 6) out.push('*');
  const cpe23 = `cpe:2.3:${(m[1] ?? '*').toLowerCase()}:${out.join(':')}:*:*:*:*`;
  return parseCpe23(cpe23);
}

export function parseCpe(raw: string): Parsed<Cpe> {
  const s = raw.trim();
  if (/^cpe:\//i.test(s)) return parseCpe22(s);
  return parseCpe23(s);
}

const unescapeCpe = (v: string) => v.replace(/\\(.)/g, '$1');
/** The matching key of a CPE: `vendor:product` (lower case, unescaped as stored in the product dictionary). */
export function cpeKey(c: Cpe): string | null {
  if (c.vendor === '*' || c.vendor === '-' || c.product === '*' || c.product === '-') return null;
  return `${c.vendor}:${c.product}`;
}
export { unescapeCpe };

/** The version a CPE names (version, plus the update when it is a concrete value), or null for ANY/NA. */
export function cpeVersion(c: Cpe): string | null {
  const v = unescapeCpe(c.version);
  if (!v || v === '*' || v === '-' || /[*?]/.test(v)) return null;
  const u = unescapeCpe(c.update);
  return u && u !== '*' && u !== '-' && !/[*?]/.test(u) ? `${v}-${u}` : v;
}

export interface Purl { purl: string; type: string; namespace: string | null; name: string; version: string | null }

export function parsePurl(raw: string): Parsed<Purl> {
  const s = raw.trim();
  try {
    const p = PackageURL.fromString(s);
    return { ok: true, value: { purl: p.toString(), type: p.type.toLowerCase(), namespace: p.namespace ?? null, name: p.name, version: p.version ?? null } };
  } catch (e) {
    return { ok: false, reason: (e as Error).message.replace(/^Invalid purl: /, '') };
  }
}

/**
 * The matching key of a package URL: `pkg:type/namespace/name`, lower case, without version,
 * qualifiers or subpath, `%40` decoded, pypi's `_` as `-`. The migration computes the same key from
 * the stored purl of an affected product (generated column `vc_purl_key`), so both sides agree.
 */
export function purlKey(purl: string): string {
  let k = purl.split('#')[0].split('?')[0].toLowerCase().replace(/%40/g, '@');
  k = k.replace(/@[^/]*$/, '');
  if (k.startsWith('pkg:pypi/')) k = k.replace(/_/g, '-');
  return k;
}
/** The SQL mirror of purlKey, for the generated column (immutable functions only). */
export const PURL_KEY_SQL = String.raw`case when purl is null then null else (case when lower(purl) like 'pkg:pypi/%' then replace(regexp_replace(replace(lower(split_part(split_part(purl, '#', 1), '?', 1)), '%40', '@'), '@[^/]*$', ''), '_', '-') else regexp_replace(replace(lower(split_part(split_part(purl, '#', 1), '?', 1)), '%40', '@'), '@[^/]*$', '') end) end`;
