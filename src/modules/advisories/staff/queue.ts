// The staff work queue: advisories in any state, filtered by state, source and keyword, newest
// change first, with counts per state and a CSV of the filtered list.
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../../platform/context.js';

export const STATES = ['draft', 'review', 'published', 'revised'] as const;
export const SOURCES = ['staff', 'case', 'nvd', 'kev', 'cve5', 'jvn', 'demo'] as const;

export interface QueueFilter { state?: string; source?: string; q?: string }
export interface QueueRow {
  id: string; jvndb_id: string | null; state: string; source: string; source_ref: string | null; title_ja: string; title_en: string;
  cve_ids: string[]; severity: string | null; public_date: Date | null; first_published_at: Date | null; modified_at: Date | null; updated_at: Date; revision: number;
}

/** Keeps only known values; the page and the CSV use the same normalised filter. */
export function normaliseFilter(q: Record<string, unknown>): QueueFilter {
  const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const state = str(q.state); const source = str(q.source); const kw = str(q.q).slice(0, 200);
  return {
    state: (STATES as readonly string[]).includes(state) || state === 'open' ? state : undefined,
    source: (SOURCES as readonly string[]).includes(source) ? source : undefined,
    q: kw || undefined,
  };
}

function where(f: QueueFilter): RawBuilder<unknown> {
  const conds: RawBuilder<unknown>[] = [sql`true`];
  if (f.state === 'open') conds.push(sql`a.state in ('draft', 'review')`);
  else if (f.state) conds.push(sql`a.state = ${f.state}`);
  if (f.source) conds.push(sql`a.source = ${f.source}`);
  if (f.q) {
    const id = f.q.toUpperCase();
    if (/^JVNDB-\d{4}-\d{6}$/.test(id)) conds.push(sql`a.jvndb_id = ${id}`);
    else if (/^CVE-\d{4}-\d{4,}$/.test(id)) conds.push(sql`${id} = any(a.cve_ids)`);
    else if (/^JVN(VU)?#\d{6,8}$/.test(id)) conds.push(sql`${id} = any(a.jvn_ids)`);
    else if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(f.q)) conds.push(sql`a.id = ${f.q.toLowerCase()}::uuid`);
    else {
      // Case references and other source references match exactly; otherwise every term must occur.
      const terms = f.q.toLowerCase().split(/\s+/).slice(0, 8).map((t) => sql`a.search_text like ${'%' + t.replace(/[\\%_]/g, (c) => '\\' + c) + '%'}`);
      conds.push(sql`(a.source_ref = ${f.q} or (${sql.join(terms, sql` and `)}))`);
    }
  }
  return sql.join(conds, sql` and `);
}

const COLS = sql`a.id, a.jvndb_id, a.state, a.source, a.source_ref, a.title_ja, a.title_en, a.cve_ids, a.severity, a.public_date, a.first_published_at, a.modified_at, a.updated_at, a.revision`;

export async function queuePage(db: Executor, f: QueueFilter, page: { offset: number; limit: number }): Promise<{ total: number; items: QueueRow[] }> {
  const w = where(f);
  const [count, rows] = await Promise.all([
    sql<{ n: number }>`select count(*)::int as n from advisories a where ${w}`.execute(db),
    sql<QueueRow>`select ${COLS} from advisories a where ${w} order by a.updated_at desc, a.id desc limit ${page.limit} offset ${page.offset}`.execute(db),
  ]);
  return { total: Number(count.rows[0].n), items: rows.rows };
}

/** Counts per state (of the whole database, ignoring the filter), for the tabs above the queue. */
export async function stateCounts(db: Executor): Promise<Record<string, number>> {
  const r = await sql<{ state: string; n: number }>`select state, count(*)::int as n from advisories group by state`.execute(db);
  const out: Record<string, number> = Object.fromEntries(STATES.map((s) => [s, 0]));
  for (const row of r.rows) out[row.state] = Number(row.n);
  return out;
}

/** Every row matching the filter, in pages of 1,000 (keyset on updated_at, id), up to `max`. */
export async function* queueAll(db: Executor, f: QueueFilter, max = 100_000): AsyncGenerator<QueueRow> {
  const w = where(f);
  // The cursor keeps updated_at as text: a JS Date would drop PostgreSQL's microseconds and skip rows.
  let after: { at: string; id: string } | null = null; let n = 0;
  for (;;) {
    const rows: Array<QueueRow & { at_text: string }> = (await sql<QueueRow & { at_text: string }>`select ${COLS}, a.updated_at::text as at_text from advisories a where ${w}
      ${after ? sql`and (a.updated_at, a.id) < (${after.at}::timestamptz, ${after.id}::uuid)` : sql``}
      order by a.updated_at desc, a.id desc limit 1000`.execute(db)).rows;
    for (const r of rows) { if (n++ >= max) return; yield r; }
    if (rows.length < 1000) return;
    const last = rows[rows.length - 1];
    after = { at: last.at_text, id: last.id };
  }
}
