// Batched reading of published advisories for the bulk files, the feed and the CLI: one query for a
// batch of advisory rows (keyset on jvndb_id, so memory stays at one batch however large a year is)
// and one query per child table for the whole batch. The result has the shape of the service's
// `Advisory`, so the same converters serve the single-advisory routes (which use svc.get).
import { sql } from 'kysely';
import type { Executor } from '../../../platform/context.js';
import type { Advisory, AdvisoryState, Revision } from '../service.js';
import type { CvssResult, Severity } from '../../../shared/cvss.js';

export const BATCH = 500;

interface Row {
  id: string; jvndb_id: string; state: AdvisoryState; title_ja: string; title_en: string; overview_ja: string; overview_en: string;
  impact_ja: string; impact_en: string; solution_ja: string; solution_en: string; cve_ids: string[]; jvn_ids: string[]; cwe_ids: string[];
  severity: Severity | null; public_date: Date | null; first_published_at: Date | null; modified_at: Date | null; kev: boolean; kev_added: string | Date | null;
  source: string; source_ref: string | null; revision: number; updated_at: Date;
}

const dateOnly = (v: string | Date | null) => (v == null ? null : typeof v === 'string' ? v.slice(0, 10) : new Date(v.getTime() - v.getTimezoneOffset() * 60000).toISOString().slice(0, 10));
const PUBLISHED = sql`a.state in ('published', 'revised') and a.jvndb_id is not null`;

async function hydrate(db: Executor, rows: Row[]): Promise<Advisory[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const cv = await sql<{ advisory_id: string; version: string; vector: string; base_score: number; severity: Severity }>`
    select advisory_id, version, vector, base_score, severity from advisories_cvss where advisory_id = any(${ids}::uuid[]) order by version desc`.execute(db);
  const af = await sql<{ advisory_id: string; product_id: number; vendor_id: number; vendor: string; product: string; cpe23: string | null; version_text: string | null; version_start: string | null; start_including: boolean | null; version_end: string | null; end_including: boolean | null; purl: string | null }>`
    select a.advisory_id, a.product_id, a.cpe23, a.version_text, a.version_start, a.start_including, a.version_end, a.end_including, a.purl,
      p.vendor_id, v.name as vendor, p.name as product
    from advisories_affected a join advisories_products p on p.id = a.product_id join advisories_vendors v on v.id = p.vendor_id
    where a.advisory_id = any(${ids}::uuid[]) order by a.advisory_id, a.sort`.execute(db);
  const rf = await sql<{ advisory_id: string; url: string; type: string; title: string | null }>`
    select advisory_id, url, type, title from advisories_references where advisory_id = any(${ids}::uuid[]) order by advisory_id, sort`.execute(db);
  const group = <T extends { advisory_id: string }>(list: T[]) => {
    const m = new Map<string, T[]>();
    for (const x of list) { const l = m.get(x.advisory_id); if (l) l.push(x); else m.set(x.advisory_id, [x]); }
    return m;
  };
  const cvs = group(cv.rows); const afs = group(af.rows); const rfs = group(rf.rows);
  return rows.map((r) => ({
    id: r.id, jvndbId: r.jvndb_id, state: r.state, severity: r.severity,
    title: { ja: r.title_ja, en: r.title_en }, overview: { ja: r.overview_ja, en: r.overview_en },
    impact: { ja: r.impact_ja, en: r.impact_en }, solution: { ja: r.solution_ja, en: r.solution_en },
    cveIds: r.cve_ids, jvnIds: r.jvn_ids, cweIds: r.cwe_ids,
    cvss: (cvs.get(r.id) ?? []).map((c) => ({ version: c.version as CvssResult['version'], vector: c.vector, baseScore: Number(c.base_score), severity: c.severity })),
    affected: (afs.get(r.id) ?? []).map((a) => ({
      vendor: a.vendor, product: a.product, vendorId: a.vendor_id, productId: a.product_id, cpe: a.cpe23, purl: a.purl, versionText: a.version_text,
      versionStart: a.version_start, versionStartIncluding: a.start_including, versionEnd: a.version_end, versionEndIncluding: a.end_including,
    })),
    references: (rfs.get(r.id) ?? []).map((x) => ({ url: x.url, type: x.type, title: x.title })),
    publicDate: r.public_date, firstPublishedAt: r.first_published_at, modifiedAt: r.modified_at, kev: r.kev, kevAdded: dateOnly(r.kev_added),
    source: r.source, sourceRef: r.source_ref, revision: r.revision, updatedAt: r.updated_at,
  }));
}

const COLS = sql`a.id, a.jvndb_id, a.state, a.title_ja, a.title_en, a.overview_ja, a.overview_en, a.impact_ja, a.impact_en, a.solution_ja, a.solution_en,
  a.cve_ids, a.jvn_ids, a.cwe_ids, a.severity, a.public_date, a.first_published_at, a.modified_at, a.kev, a.kev_added, a.source, a.source_ref, a.revision, a.updated_at`;

/** The published advisories whose JVNDB ID is of `year`, in JVNDB ID order, `batch` at a time. */
export async function* advisoriesOfYear(db: Executor, year: number, batch = BATCH): AsyncGenerator<Advisory[]> {
  const prefix = `JVNDB-${year}-`;
  let after = '';
  for (;;) {
    const rows = await sql<Row>`select ${COLS} from advisories a
      where ${PUBLISHED} and a.jvndb_id > ${after > prefix ? after : prefix} and a.jvndb_id < ${`JVNDB-${year}-999999z`}
      order by a.jvndb_id limit ${batch}`.execute(db);
    if (!rows.rows.length) return;
    yield hydrate(db, rows.rows);
    if (rows.rows.length < batch) return;
    after = rows.rows[rows.rows.length - 1].jvndb_id;
  }
}

/** The most recently changed published advisories (newest first), for the Atom feed. */
export async function recentlyChanged(db: Executor, limit: number): Promise<Advisory[]> {
  const rows = await sql<Row>`select ${COLS} from advisories a where ${PUBLISHED} order by a.updated_at desc, a.id desc limit ${limit}`.execute(db);
  return hydrate(db, rows.rows);
}

/** Revisions of many advisories at once (for CSAF revision histories in bulk). */
export async function revisionsOf(db: Executor, ids: string[]): Promise<Map<string, Revision[]>> {
  const out = new Map<string, Revision[]>();
  if (!ids.length) return out;
  const r = await sql<Revision & { advisory_id: string }>`select advisory_id, revision, at, actor, kind, note from advisories_revisions
    where advisory_id = any(${ids}::uuid[]) order by advisory_id, revision`.execute(db);
  for (const x of r.rows) {
    const { advisory_id, ...rev } = x;
    const l = out.get(advisory_id); if (l) l.push(rev); else out.set(advisory_id, [rev]);
  }
  return out;
}

export interface YearSummary { year: number; count: number; maxUpdated: Date }

/** Published advisories per JVNDB year with the latest change of each year (the bulk cache key). */
export async function yearSummaries(db: Executor): Promise<YearSummary[]> {
  const r = await sql<{ year: number; count: number; max_updated: Date }>`
    select substr(a.jvndb_id, 7, 4)::int as year, count(*)::int as count, max(a.updated_at) as max_updated
    from advisories a where ${PUBLISHED} group by 1 order by 1 desc`.execute(db);
  return r.rows.map((x) => ({ year: Number(x.year), count: Number(x.count), maxUpdated: new Date(x.max_updated) }));
}

export async function yearSummary(db: Executor, year: number): Promise<YearSummary> {
  const r = await sql<{ count: number; max_updated: Date | null }>`
    select count(*)::int as count, max(a.updated_at) as max_updated from advisories a
    where ${PUBLISHED} and a.jvndb_id > ${`JVNDB-${year}-`} and a.jvndb_id < ${`JVNDB-${year}-999999z`}`.execute(db);
  const x = r.rows[0];
  return { year, count: Number(x.count), maxUpdated: x.max_updated ? new Date(x.max_updated) : new Date(0) };
}
