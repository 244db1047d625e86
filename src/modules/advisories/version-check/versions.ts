// Version comparison for the version checker, with three documented rule sets
// (docs/modules/advisories/version-check.md):
//  - semver: Semantic Versioning 2.0.0 through the `semver` package (prerelease < release);
//  - debian: dpkg's algorithm (Debian Policy §5.6.12: epoch, upstream version, revision; `~` sorts
//    before everything, even the end of the string), implemented here because no maintained npm
//    package provides it;
//  - generic: dotted/alphanumeric versions split into numeric and letter segments.
// The rule is chosen from the component's ecosystem (purl type); a semver comparison whose operands
// are not both valid semver falls back to the generic rule, which orders prereleases the same way.
import semver from 'semver';

export type Scheme = 'semver' | 'debian' | 'generic';

/** purl types whose versions follow (or are close to) Semantic Versioning. */
const SEMVER_TYPES = new Set(['npm', 'cargo', 'golang', 'hex', 'pub', 'composer', 'swift', 'cocoapods', 'nuget', 'gem', 'conan']);

/** The comparison rule for a component: deb → Debian, npm and other semver ecosystems → semver, otherwise generic. */
export function schemeFor(purlType: string | null | undefined): Scheme {
  const t = (purlType ?? '').toLowerCase();
  if (t === 'deb') return 'debian';
  if (SEMVER_TYPES.has(t)) return 'semver';
  return 'generic';
}

// ------------------------------------------------------------------ semver

// The grammar of semver.org (strict). Checking it first avoids the exceptions `semver` throws
// internally on invalid input, which cost far more than a comparison.
const SEMVER_RE = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const semverCache = new Map<string, semver.SemVer | null>();
function toSemver(v: string): semver.SemVer | null {
  let r = semverCache.get(v);
  if (r !== undefined) return r;
  const s = v.trim().replace(/^v(?=\d)/i, '');
  r = SEMVER_RE.test(s) ? semver.parse(s) : null;
  if (semverCache.size > 50_000) semverCache.clear();
  semverCache.set(v, r);
  return r;
}

export function compareSemver(a: string, b: string): number {
  const x = toSemver(a); const y = toSemver(b);
  if (!x || !y) return compareGeneric(a, b);
  return semver.compare(x, y);
}

// ------------------------------------------------------------------ Debian (dpkg)

export interface DebianVersion { epoch: number; upstream: string; revision: string }

/**
 * Splits `[epoch:]upstream[-revision]`: the epoch is the part before the first colon (digits), the
 * revision the part after the last hyphen. Returns the reason when the string is not a valid Debian
 * version (Debian Policy §5.6.12).
 */
export function parseDebian(v: string): { ok: true; value: DebianVersion } | { ok: false; reason: string } {
  const s = v.trim();
  if (!s) return { ok: false, reason: 'empty version' };
  if (/\s/.test(s)) return { ok: false, reason: 'contains whitespace' };
  let epoch = 0; let rest = s;
  const colon = s.indexOf(':');
  if (colon >= 0) {
    const e = s.slice(0, colon);
    if (!/^\d+$/.test(e)) return { ok: false, reason: `epoch "${e}" is not a number` };
    epoch = Number(e); rest = s.slice(colon + 1);
  }
  const dash = rest.lastIndexOf('-');
  const upstream = dash >= 0 ? rest.slice(0, dash) : rest;
  const revision = dash >= 0 ? rest.slice(dash + 1) : '';
  if (!upstream) return { ok: false, reason: 'empty upstream version' };
  if (!/^\d/.test(upstream)) return { ok: false, reason: 'upstream version must start with a digit' };
  if (!/^[A-Za-z0-9.+~:-]+$/.test(upstream)) return { ok: false, reason: `invalid character in upstream version "${upstream}"` };
  if (dash >= 0 && !/^[A-Za-z0-9.+~]+$/.test(revision)) return { ok: false, reason: `invalid Debian revision "${revision}"` };
  return { ok: true, value: { epoch, upstream, revision } };
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** dpkg's order(): digits and the end 0, letters their code, `~` −1, other characters code + 256. */
function order(c: number | undefined): number {
  if (c === undefined || isDigit(c)) return 0;
  if (isAlpha(c)) return c;
  if (c === 126) return -1; // '~'
  return c + 256;
}

/** dpkg's verrevcmp(): alternating non-digit and digit runs. */
export function verrevcmp(a: string, b: string): number {
  let i = 0; let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const ac = order(i < a.length ? a.charCodeAt(i) : undefined);
      const bc = order(j < b.length ? b.charCodeAt(j) : undefined);
      if (ac !== bc) return ac - bc;
      i++; j++;
    }
    while (i < a.length && a.charCodeAt(i) === 48) i++;
    while (j < b.length && b.charCodeAt(j) === 48) j++;
    while (i < a.length && j < b.length && isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++; j++;
    }
    if (i < a.length && isDigit(a.charCodeAt(i))) return 1;
    if (j < b.length && isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

export function compareDebian(a: string, b: string): number {
  const pa = parseDebian(a); const pb = parseDebian(b);
  // Lenient on malformed input: compare the whole strings with the same algorithm.
  const x: DebianVersion = pa.ok ? pa.value : { epoch: 0, upstream: a.trim(), revision: '' };
  const y: DebianVersion = pb.ok ? pb.value : { epoch: 0, upstream: b.trim(), revision: '' };
  if (x.epoch !== y.epoch) return x.epoch > y.epoch ? 1 : -1;
  return sign(verrevcmp(x.upstream, y.upstream)) || sign(verrevcmp(x.revision, y.revision));
}

// ------------------------------------------------------------------ generic

/** Letter segments that mark a prerelease (ordered); `a`/`b` only when a number follows (1.0a1, not 1.0.2a). */
const PRE_RANK: Record<string, number> = { dev: 0, snapshot: 0, alpha: 1, a: 1, beta: 2, b: 2, pre: 3, preview: 3, rc: 4, cr: 4 };
type Tok = { n: true; v: string } | { n: false; v: string; pre: number | null };

function tokens(v: string): Tok[] {
  const s = v.trim().toLowerCase().replace(/^v(?=\d)/, '');
  const out: Tok[] = [];
  const re = /(\d+)|([a-z]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    if (m[1] !== undefined) out.push({ n: true, v: m[1].replace(/^0+(?=\d)/, '') });
    else {
      const word = m[2];
      const followedByDigit = /\d/.test(s.charAt(re.lastIndex));
      const rank = PRE_RANK[word];
      out.push({ n: false, v: word, pre: rank === undefined || ((word === 'a' || word === 'b') && !followedByDigit) ? null : rank });
    }
  }
  return out;
}

const numCmp = (a: string, b: string) => (a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0);
const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

/**
 * Numeric segments compare numerically (1.10 > 1.9, 1.01 = 1.1); letter segments lexically, except
 * prerelease words (dev < alpha < beta < pre < rc), which sort before a release; a number beats a
 * letter segment at the same place. When one version runs out, trailing zeros are ignored
 * (1.0 = 1.0.0); a remaining prerelease word makes the longer one older (1.0rc1 < 1.0); anything else
 * makes it newer (1.0a > 1.0, 1.0.2g > 1.0.2, 1.0-1 > 1.0).
 */
export function compareGeneric(a: string, b: string): number {
  const x = tokens(a); const y = tokens(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const p = x[i]; const q = y[i];
    if (p.n && q.n) { const c = numCmp(p.v, q.v); if (c) return sign(c); continue; }
    if (!p.n && !q.n) {
      if (p.pre !== null && q.pre !== null) { if (p.pre !== q.pre) return sign(p.pre - q.pre); continue; }
      if (p.pre !== null) return -1;
      if (q.pre !== null) return 1;
      if (p.v !== q.v) return p.v < q.v ? -1 : 1;
      continue;
    }
    // number vs letters: a prerelease word is older, any other word too (rpm's rule: numbers are newer).
    return p.n ? 1 : -1;
  }
  const rest = (t: Tok[]) => { let k = n; while (k < t.length && t[k].n && t[k].v === '0') k++; return t[k]; };
  if (x.length > n) { const r = rest(x); return !r ? 0 : !r.n && r.pre !== null ? -1 : 1; }
  if (y.length > n) { const r = rest(y); return !r ? 0 : !r.n && r.pre !== null ? 1 : -1; }
  return 0;
}

// ------------------------------------------------------------------ dispatch and ranges

export function compareVersions(a: string, b: string, scheme: Scheme): number {
  if (scheme === 'debian') return compareDebian(a, b);
  if (scheme === 'semver') return compareSemver(a, b);
  return compareGeneric(a, b);
}

export interface VersionRange { start?: string | null; startIncluding?: boolean | null; end?: string | null; endIncluding?: boolean | null }

/** True when `v` lies in the range; a missing bound is open; including defaults: start true, end false. */
export function inRange(v: string, r: VersionRange, scheme: Scheme): boolean {
  if (r.start) {
    const c = compareVersions(v, r.start, scheme);
    if (c < 0 || (c === 0 && r.startIncluding === false)) return false;
  }
  if (r.end) {
    const c = compareVersions(v, r.end, scheme);
    if (c > 0 || (c === 0 && !r.endIncluding)) return false;
  }
  return true;
}
