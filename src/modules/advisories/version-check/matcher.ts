// Matching an inventory against the published advisories: one set-based query for all components
// (arrays of purl keys and CPE vendor:product keys unnested and joined on indexed keys), then version
// ranges compared in memory with the component's rule. No per-component queries.
import { sql } from 'kysely';
import type { Executor } from '../../../platform/context.js';
import type { FieldError } from '../../../platform/http/errors.js';
import type { Severity } from '../../../shared/cvss.js';
import { cpeVersion, parseCpe23 } from './identifiers.js';
import { normalise, type Component, type RawComponent } from './inventory.js';
import { compareVersions, inRange } from './versions.js';

export type MatchStatus = 'affected' | 'possibly_affected';
/** invalid: no usable purl or CPE name (the reasons are in errors). */
export type ComponentStatus = MatchStatus | 'not_affected' | 'invalid';

export interface AdvisoryMatch {
  id: string; title: { ja: string; en: string }; severity: Severity | null; cvssScore: number | null; kev: boolean;
  status: MatchStatus; matchedBy: 'purl' | 'cpe';
  /** Why: the range, the exact version, the free text of the advisory. */
  versionStart: string | null; versionStartIncluding: boolean | null; versionEnd: string | null; versionEndIncluding: boolean | null;
  versionText: string | null;
  /** The first version outside the affected range (versionEnd when excluding), if known. */
  fixedVersion: string | null;
}
export interface ComponentResult {
  index: number; ref: string | null; name: string | null; group: string | null; version: string | null;
  purl: string | null; cpe: string | null; scheme: string; status: ComponentStatus;
  errors: Array<{ field: string; message: string; messages: { ja: string; en: string } }>;
  advisories: AdvisoryMatch[];
}
export interface CheckResult {
  summary: { components: number; affected: number; possiblyAffected: number; notAffected: number; invalid: number; advisories: number; kev: number };
  components: ComponentResult[];
}

interface MatchRow {
  via: 'purl' | 'cpe'; k: string; jvndb_id: string; title_ja: string; title_en: string; severity: Severity | null; kev: boolean; score: number | null;
  cpe23: string | null; version_text: string | null; version_start: string | null; start_including: boolean | null; version_end: string | null; end_including: boolean | null;
}

const SEV: Array<Severity | null> = [null, 'none', 'low', 'medium', 'high', 'critical'];

const AF = sql.raw('af.advisory_id, af.cpe23, af.version_text, af.version_start, af.start_including, af.version_end, af.end_including');

/** Fetches every affected-product row whose purl or CPE key is in the inventory. */
async function fetchMatches(db: Executor, purlKeys: string[], cpeKeys: string[]): Promise<MatchRow[]> {
  if (!purlKeys.length && !cpeKeys.length) return [];
  const q = matchQuery(purlKeys, cpeKeys);
  if ((db as { isTransaction?: boolean }).isTransaction) return (await q.execute(db)).rows;
  // JIT compilation (PostgreSQL's default above a cost of 100,000) costs more than it saves here.
  return db.transaction().execute(async (trx) => {
    await sql`set local jit = off`.execute(trx);
    return (await q.execute(trx)).rows;
  });
}

/** The set-based query (exported for EXPLAIN in performance work). */
export function matchQuery(purlKeys: string[], cpeKeys: string[]) {
  const vendors = cpeKeys.map((k) => k.slice(0, k.indexOf(':')));
  const products = cpeKeys.map((k) => k.slice(k.indexOf(':') + 1));
  // LATERAL … offset 0 keeps every lookup an index probe per key (the planner would otherwise
  // hash-join whole tables when it expects many rows), which also keeps the cost under JIT's threshold.
  return sql<MatchRow>`
    with pk as (select distinct unnest(${purlKeys}::text[]) as k),
    ck as (select distinct * from unnest(${cpeKeys}::text[], ${vendors}::text[], ${products}::text[]) as t(k, vendor, product)),
    m as (
      select 'purl' as via, pk.k, af.* from pk cross join lateral (select ${AF} from advisories_affected af where af.vc_purl_key = pk.k offset 0) af
      union all
      select 'cpe', ck.k, af.* from ck cross join lateral (select ${AF} from advisories_affected af where af.vc_cpe_key = ck.k offset 0) af
      union all
      select 'cpe', ck.k, af.* from ck cross join lateral (
        select ${AF} from advisories_products p
        join advisories_vendors v on v.id = p.vendor_id and lower(v.cpe_vendor) = ck.vendor
        join advisories_affected af on af.product_id = p.id and af.cpe23 is null
        where lower(p.cpe_product) = ck.product offset 0) af
    ),
    ids as (select distinct advisory_id from m),
    d as (select a.* from ids cross join lateral (
      select a.id, a.jvndb_id, a.title_ja, a.title_en, a.severity, a.kev, (select max(c.base_score) from advisories_cvss c where c.advisory_id = a.id) as score
      from advisories a where a.id = ids.advisory_id and a.state in ('published', 'revised') offset 0) a)
    select m.*, d.jvndb_id, d.title_ja, d.title_en, d.severity, d.kev, d.score from m join d on d.id = m.advisory_id`;
}

const exactCache = new Map<string, string | null>();
/** The concrete version a stored CPE names (memoised: the same CPE recurs across rows and checks). */
function exactVersion(cpe23: string): string | null {
  let v = exactCache.get(cpe23);
  if (v === undefined) {
    const p = parseCpe23(cpe23);
    v = p.ok ? cpeVersion(p.value) : null;
    if (exactCache.size > 100_000) exactCache.clear();
    exactCache.set(cpe23, v);
  }
  return v;
}

/** The verdict of one affected-product row for one component version. */
function judge(c: Component, row: MatchRow): { status: MatchStatus; fixed: string | null } | null {
  // A CPE naming a concrete version (and update, e.g. 2.0:beta9) is an exact match, as in NVD's
  // configurations; the importer also stores it as a one-version range, without the update.
  const exact = row.cpe23 ? exactVersion(row.cpe23) : null;
  if (exact) {
    if (!c.version) return { status: 'possibly_affected', fixed: null };
    return compareVersions(c.version, exact, c.scheme) === 0 ? { status: 'affected', fixed: null } : null;
  }
  if (row.version_start || row.version_end) {
    if (!c.version) return { status: 'possibly_affected', fixed: null };
    const range = { start: row.version_start, startIncluding: row.start_including, end: row.version_end, endIncluding: row.end_including };
    if (!inRange(c.version, range, c.scheme)) return null;
    return { status: 'affected', fixed: row.version_end && !row.end_including ? row.version_end : null };
  }
  if (row.version_text) return { status: 'possibly_affected', fixed: null };
  // A CPE with any version and no range: every version is affected (NVD's meaning).
  if (row.cpe23) return { status: 'affected', fixed: null };
  return { status: 'possibly_affected', fixed: null };
}

const bilingual = (errors: FieldError[], lang: 'ja' | 'en') => errors.map((e) => ({ field: e.field, message: e.message[lang], messages: e.message }));

/** Checks raw components against the published advisories. */
export async function checkComponents(db: Executor, raw: RawComponent[], lang: 'ja' | 'en' = 'ja'): Promise<CheckResult> {
  const comps = raw.map((r, i) => normalise(r, i));
  const purlKeys = [...new Set(comps.map((c) => c.purlKey).filter((k): k is string => !!k))];
  const cpeKeys = [...new Set(comps.map((c) => c.cpeKey).filter((k): k is string => !!k))];
  const rows = await fetchMatches(db, purlKeys, cpeKeys);
  const byKey = new Map<string, MatchRow[]>();
  for (const r of rows) {
    const key = `${r.via}|${r.k}`;
    const list = byKey.get(key);
    if (list) list.push(r); else byKey.set(key, [r]);
  }
  const advisoryIds = new Set<string>(); const kevIds = new Set<string>();
  const summary: CheckResult['summary'] = { components: comps.length, affected: 0, possiblyAffected: 0, notAffected: 0, invalid: 0, advisories: 0, kev: 0 };
  const results = comps.map((c): ComponentResult => {
    const candidates = [...(c.purlKey ? byKey.get(`purl|${c.purlKey}`) ?? [] : []), ...(c.cpeKey ? byKey.get(`cpe|${c.cpeKey}`) ?? [] : [])];
    const found = new Map<string, AdvisoryMatch>();
    for (const row of candidates) {
      const v = judge(c, row);
      if (!v) continue;
      const prev = found.get(row.jvndb_id);
      if (prev && (prev.status === 'affected' || v.status !== 'affected')) {
        if (prev.status === v.status && !prev.fixedVersion && v.fixed) prev.fixedVersion = v.fixed;
        continue;
      }
      found.set(row.jvndb_id, {
        id: row.jvndb_id, title: { ja: row.title_ja, en: row.title_en }, severity: row.severity, cvssScore: row.score === null ? null : Number(row.score), kev: row.kev,
        status: v.status, matchedBy: row.via, versionStart: row.version_start, versionStartIncluding: row.start_including,
        versionEnd: row.version_end, versionEndIncluding: row.end_including, versionText: row.version_text, fixedVersion: v.fixed,
      });
    }
    const advisories = [...found.values()].sort((a, b) =>
      (a.status === b.status ? 0 : a.status === 'affected' ? -1 : 1) || SEV.indexOf(b.severity) - SEV.indexOf(a.severity) || (b.cvssScore ?? -1) - (a.cvssScore ?? -1) || a.id.localeCompare(b.id));
    for (const a of advisories) { advisoryIds.add(a.id); if (a.kev) kevIds.add(a.id); }
    const identified = !!(c.purlKey || c.cpeKey);
    const status: ComponentStatus = advisories.some((a) => a.status === 'affected') ? 'affected' : advisories.length ? 'possibly_affected' : identified ? 'not_affected' : 'invalid';
    if (status === 'affected') summary.affected++; else if (status === 'possibly_affected') summary.possiblyAffected++;
    else if (status === 'invalid') summary.invalid++; else summary.notAffected++;
    return { index: c.index, ref: c.ref, name: c.name, group: c.group, version: c.version, purl: c.purl, cpe: c.cpe, scheme: c.scheme, status, errors: bilingual(c.errors, lang), advisories };
  });
  summary.advisories = advisoryIds.size; summary.kev = kevIds.size;
  return { summary, components: results };
}

/** Adds one use of the checker to today's count (JST day). */
export async function countUse(db: Executor): Promise<void> {
  await sql`insert into advisories_vc_uses (day, uses) values ((now() at time zone 'Asia/Tokyo')::date, 1)
    on conflict (day) do update set uses = advisories_vc_uses.uses + 1`.execute(db);
}

/** Uses in [from, to), by JST day. */
export async function usesBetween(db: Executor, from: Date, to: Date): Promise<number> {
  const r = await sql<{ n: string | number | null }>`select coalesce(sum(uses), 0) as n from advisories_vc_uses
    where day >= (${from}::timestamptz at time zone 'Asia/Tokyo')::date and day < (${to}::timestamptz at time zone 'Asia/Tokyo')::date`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}
