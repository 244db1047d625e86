// The bulk import engine shared by every format. Records are mapped and validated in JS first (a bad
// record never reaches the database), then written in batches: one transaction per batch of up to
// 500 records, with set-based statements (jsonb_to_recordset) for advisories, CVSS rows, affected
// products, references, revisions and the audit entries (one recordMany per batch). Existing
// advisories are looked up per batch; vendor/product dictionary ids are cached for the run. If a
// batch transaction fails anyway (a database error), the batch is retried one record per
// transaction, so only the offending record is reported and nothing is half-committed.
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Actor, AppContext, Executor } from '../../../platform/context.js';
import { AppError, forbidden } from '../../../platform/http/errors.js';
import type { AuditEntryInput } from '../../../platform/audit/audit.js';
import { jstParts } from '../../../platform/i18n/dates.js';
import { CvssError, parseCvss, type CvssResult } from '../../../shared/cvss.js';
import { PERM, maxSeverity, searchTextOf, validateAdvisory, type ImportError, type ImportResult, type ValidAdvisory } from '../service.js';
import { JVNDB_RE, RecordError, type ImportFormat, type MappedRecord, type RawRecord } from './common.js';
import { mapNvd } from './formats/nvd.js';
import { mapKev } from './formats/kev.js';
import { mapCve5 } from './formats/cve5.js';
import { mapHnd } from './formats/hnd.js';
import { mapOka } from './formats/oka.js';

export const BATCH_SIZE = 2000;
/** Errors kept in memory and in the run row; the count is always complete. */
export const ERROR_CAP = 1000;
/** Serialises concurrent import batches (CLI and upload at once). */
const IMPORT_LOCK = 724_301;

export interface RunInfo { format: ImportFormat; fileName?: string | null; sha256?: string | null; size?: number | null }
export interface ImportOptions extends RunInfo { actor: Actor; batchSize?: number; onProgress?: (records: number) => void }
export interface RunResult extends ImportResult { runId: string; total: number; skipped: number; errorCount: number; ms: number }

type Outcome = 'created' | 'updated' | 'unchanged' | 'stale';
interface Prepared { rec: RawRecord; m: MappedRecord; valid: ValidAdvisory; hash: string }
interface Existing {
  id: string; jvndb_id: string | null; state: string; source: string; source_ref: string | null; source_version: string | null; content_hash: string | null;
  kev: boolean; kev_added: string | null; revision: number; first_published_at: Date | null; public_date: Date | null; cve_ids: string[];
}

const actorName = (a: Actor) => a.userId ?? a.displayName;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const ts = (s: string | null) => (s ? Date.parse(/T[\d:.]+$/.test(s) ? `${s}Z` : s) : NaN);
/** True when version a is strictly newer than b (both known). */
const newer = (a: string | null, b: string | null) => { const x = ts(a); const y = ts(b); return !Number.isNaN(x) && !Number.isNaN(y) && x > y; };

export function mapRecord(format: ImportFormat, rec: RawRecord): MappedRecord {
  switch (format) {
    case 'nvd': return mapNvd(rec.raw, rec.path);
    case 'kev': return mapKev(rec.raw, rec.path);
    case 'cve5': return mapCve5(rec.raw, rec.path);
    case 'hnd': return mapHnd(rec.raw, rec.path, rec.lang ?? 'ja');
    case 'oka': return mapOka(rec.raw, rec.path);
  }
}

export async function startRun(ctx: AppContext, info: RunInfo, actor: Actor): Promise<string> {
  const id = randomUUID();
  await sql`insert into advisories_import_runs (id, format, file_name, sha256, size, actor, started_at, status)
    values (${id}, ${info.format}, ${info.fileName ?? null}, ${info.sha256 ?? null}, ${info.size ?? null}, ${actorName(actor)}, ${new Date()}, 'running')`.execute(ctx.db);
  return id;
}

export async function finishRun(ctx: AppContext, id: string, r: Omit<RunResult, 'runId' | 'ms'> | null, failure?: string): Promise<void> {
  await sql`update advisories_import_runs set finished_at = ${new Date()}, status = ${failure ? 'failed' : 'finished'}, message = ${failure ?? null},
    total = ${r?.total ?? 0}, created = ${r?.created ?? 0}, updated = ${r?.updated ?? 0}, unchanged = ${r?.unchanged ?? 0}, stale = ${r?.stale ?? 0},
    skipped = ${r?.skipped ?? 0}, error_count = ${r?.errorCount ?? 0}, errors = ${JSON.stringify((r?.errors ?? []).slice(0, ERROR_CAP))}::jsonb
    where id = ${id}`.execute(ctx.db);
}

/**
 * Imports records of one format. `records` may be any (async) iterable, so large sources stream.
 * Returns the counts and the per-record errors (capped at ERROR_CAP; `errorCount` is complete).
 */
export async function runImport(ctx: AppContext, records: Iterable<RawRecord> | AsyncIterable<RawRecord>, opts: ImportOptions): Promise<RunResult> {
  const { actor } = opts;
  if (actor.kind !== 'system' && !actor.permissions.has(PERM.import)) throw forbidden();
  const t0 = Date.now();
  const runId = await startRun(ctx, opts, actor);
  const res = { created: 0, updated: 0, unchanged: 0, stale: 0, skipped: 0, total: 0, errorCount: 0, errors: [] as ImportError[] };
  const addError = (e: ImportError) => { res.errorCount++; if (res.errors.length < ERROR_CAP) res.errors.push(e); };
  const vendorCache = new Map<string, number>();
  const productCache = new Map<string, number>();
  const size = Math.max(1, opts.batchSize ?? BATCH_SIZE);
  const cvssCache = new Map<string, CvssResult | CvssError>();

  function prepare(rec: RawRecord): Prepared | null {
    try {
      const m = mapRecord(opts.format, rec);
      if (m.skip) { res.skipped++; return null; }
      // CVSS vectors repeat across records: scored once per run (the library is the slow part), same checks as validateAdvisory.
      const { valid, errors } = validateAdvisory({ ...m.input, cvss: [] });
      (m.input.cvss ?? []).forEach((vec, i) => {
        let r = cvssCache.get(vec);
        if (!r) { try { r = parseCvss(vec.trim()); } catch (e) { r = e instanceof CvssError ? e : new CvssError({ ja: String(e), en: String(e) }); } if (cvssCache.size < 10_000) cvssCache.set(vec, r); }
        if (r instanceof CvssError) errors.push({ field: `cvss[${i}]`, message: r.text });
        else if (valid.cvss.some((c) => c.version === r.version)) errors.push({ field: `cvss[${i}]`, message: { ja: `CVSS v${r.version} のベクトルが重複しています。`, en: `Duplicate CVSS v${r.version} vector.` } });
        else valid.cvss.push(r);
      });
      if (errors.length) {
        for (const e of errors) addError({ index: rec.index, path: `${rec.path}/${e.field}`, message: e.message.en, messageJa: e.message.ja, line: rec.line });
        return null;
      }
      const hash = sha(JSON.stringify(m.source === 'jvn' ? [valid, m.firstPublished, m.modified, m.sourceHistory] : valid));
      return { rec, m, valid, hash };
    } catch (e) {
      if (e instanceof RecordError) addError({ index: rec.index, path: e.path, message: e.message, messageJa: e.ja, line: rec.line });
      else if (e instanceof AppError) addError({ index: rec.index, path: rec.path, message: e.text.en, messageJa: e.text.ja, line: rec.line });
      else throw e;
      return null;
    }
  }

  async function writeBatch(batch: Prepared[]): Promise<void> {
    let out: Awaited<ReturnType<typeof writeInTrx>>;
    try {
      out = await ctx.db.transaction().execute((trx) => writeInTrx(trx, batch));
    } catch (e) {
      if (batch.length === 1) {
        const p = batch[0];
        const msg = e instanceof Error ? e.message : String(e);
        addError({ index: p.rec.index, path: p.rec.path, message: `database error: ${msg}`, messageJa: `データベースエラー: ${msg}`, line: p.rec.line });
        return;
      }
      for (const p of batch) await writeBatch([p]);
      return;
    }
    for (const [k, v] of out.vendors) vendorCache.set(k, v);
    for (const [k, v] of out.products) productCache.set(k, v);
    for (const o of out.outcomes) if (typeof o === 'string') res[o]++; else addError(o);
    if (out.deferred.length) await writeBatch(out.deferred);
  }

  async function writeInTrx(trx: Executor, batch: Prepared[]) {
    const outcomes: Array<Outcome | ImportError> = [];
    const deferred: Prepared[] = [];
    const vendors = new Map<string, number>(); const products = new Map<string, number>();
    await sql`select pg_advisory_xact_lock(${sql.lit(IMPORT_LOCK)})`.execute(trx);
    // An import can always be re-run (it is idempotent), so a batch need not wait for its WAL to
    // reach the disk: a crash loses at most the last moments of batches, never half of one.
    await sql`set local synchronous_commit = off`.execute(trx);
    // During a bulk load the table's statistics lag behind its size: the planner would match a
    // batch's CVEs by a sequential scan comparing every row with every CVE (~0.4 s per batch at
    // 10,000 rows). The lookups below must use the indexes.
    await sql`set local enable_seqscan = off`.execute(trx);
    // New rows' trigrams queue in the search index's pending list; a larger list defers merging it
    // to autovacuum instead of stalling a batch each time 4 MB fill up.
    await sql`set local gin_pending_list_limit = '64MB'`.execute(trx);
    const cves = [...new Set(batch.flatMap((p) => (p.m.cve ? [p.m.cve] : [])))];
    const jvndbs = [...new Set(batch.flatMap((p) => (p.m.jvndbId ? [p.m.jvndbId] : [])))];
    // Two queries, not one with OR: each can use its index (GIN on cve_ids, unique on jvndb_id).
    const cols = sql`id, jvndb_id, state, source, source_ref, source_version, content_hash, kev, kev_added::text as kev_added, revision, first_published_at, public_date, cve_ids`;
    const found: Existing[] = [];
    if (cves.length) found.push(...(await sql<Existing>`select ${cols} from advisories where cve_ids && ${cves}::text[] for update`.execute(trx)).rows);
    if (jvndbs.length) for (const r of (await sql<Existing>`select ${cols} from advisories where jvndb_id = any(${jvndbs}::text[]) for update`.execute(trx)).rows) if (!found.some((f) => f.id === r.id)) found.push(r);
    const byJvndb = new Map(found.filter((r) => r.jvndb_id).map((r) => [r.jvndb_id!, r]));
    const byCve = (cve: string) => found.filter((r) => r.cve_ids.includes(cve))
      .sort((a, b) => Number(b.source_ref === cve) - Number(a.source_ref === cve) || (a.first_published_at ? new Date(a.first_published_at).getTime() : Infinity) - (b.first_published_at ? new Date(b.first_published_at).getTime() : Infinity))[0];

    type Plan = { p: Prepared; kind: 'create' | 'update' | 'kevflag'; row?: Existing };
    const plans: Plan[] = [];
    const touched = new Set<string>();
    for (const p of batch) {
      const { m } = p;
      const row = m.jvndbId ? byJvndb.get(m.jvndbId) : byCve(m.cve!);
      const plan = (kind: Plan['kind']) => {
        if (row && touched.has(row.id)) { deferred.push(p); return; } // two records of this batch change one advisory: the second waits for the next transaction
        if (row) touched.add(row.id);
        plans.push({ p, kind, row });
      };
      if (m.source === 'jvn') {
        if (!row) plan('create');
        else if (row.source !== 'jvn') outcomes.push({ index: p.rec.index, path: p.rec.path, line: p.rec.line, message: `${m.jvndbId} is already used by another advisory (source ${row.source})`, messageJa: `${m.jvndbId} は別の脆弱性対策情報（${row.source}）が使用しています。` });
        else if (row.content_hash === p.hash) outcomes.push('unchanged');
        else if (newer(row.source_version, m.version)) outcomes.push('stale');
        else if (!newer(m.version, row.source_version)) outcomes.push('unchanged'); // the same version in the other feed's form (HND vs OKA)
        else plan('update');
      } else if (m.source === 'kev') {
        if (!row) plan('create');
        else if (row.kev && row.kev_added === m.kevAdded) outcomes.push('unchanged');
        else plan('kevflag');
      } else if (!row) plan('create');
      else if (!['nvd', 'cve5', 'kev'].includes(row.source)) outcomes.push('unchanged'); // staff-written and JVN advisories are never overwritten
      else if (row.source === m.source && row.content_hash === p.hash && (m.kevAdded === null || row.kev_added === m.kevAdded)) outcomes.push('unchanged');
      else if (row.source === m.source && newer(row.source_version, m.version)) outcomes.push('stale');
      else if (row.source !== m.source && row.source !== 'kev' && !newer(m.version, row.source_version)) outcomes.push('stale'); // another CVE source: only a strictly newer record replaces it
      else plan('update');
    }
    const writes = plans.filter((x) => x.kind !== 'kevflag');
    const flags = plans.filter((x) => x.kind === 'kevflag');
    if (!plans.length) return { outcomes, deferred, vendors, products };

    // Vendor and product dictionaries: bulk upserts of the names not yet cached for this run.
    const vkey = (v: string) => v.toLowerCase();
    const needV = new Map<string, { name: string; key: string; cpe_vendor: string | null }>();
    for (const { p } of writes) for (const a of p.valid.affected) {
      const k = vkey(a.vendor);
      if (!vendorCache.has(k) && !needV.has(k)) needV.set(k, { name: a.vendor, key: k, cpe_vendor: a.cpe ? a.cpe.split(/(?<!\\):/)[3] ?? null : null });
    }
    if (needV.size) {
      const list = JSON.stringify([...needV.values()]);
      await sql`insert into advisories_vendors (name, key, cpe_vendor) select name, key, cpe_vendor from jsonb_to_recordset(${list}::jsonb) as x(name text, key text, cpe_vendor text) on conflict (key) do nothing`.execute(trx);
      for (const r of (await sql<{ id: number; key: string }>`select id, key from advisories_vendors where key = any(${[...needV.keys()]}::text[])`.execute(trx)).rows) vendors.set(r.key, r.id);
    }
    const vid = (name: string) => vendorCache.get(vkey(name)) ?? vendors.get(vkey(name))!;
    const pkey = (vendorId: number, product: string) => `${vendorId}\u0000${product.toLowerCase()}`;
    const needP = new Map<string, { vendor_id: number; name: string; key: string; cpe_product: string | null }>();
    for (const { p } of writes) for (const a of p.valid.affected) {
      const v = vid(a.vendor); const k = pkey(v, a.product);
      if (!productCache.has(k) && !needP.has(k)) needP.set(k, { vendor_id: v, name: a.product, key: a.product.toLowerCase(), cpe_product: a.cpe ? a.cpe.split(/(?<!\\):/)[4] ?? null : null });
    }
    if (needP.size) {
      const list = JSON.stringify([...needP.values()]);
      await sql`insert into advisories_products (vendor_id, name, key, cpe_product) select vendor_id, name, key, cpe_product from jsonb_to_recordset(${list}::jsonb) as x(vendor_id integer, name text, key text, cpe_product text) on conflict (vendor_id, key) do nothing`.execute(trx);
      const keys = JSON.stringify([...needP.values()].map((x) => ({ vendor_id: x.vendor_id, key: x.key })));
      for (const r of (await sql<{ id: number; vendor_id: number; key: string }>`select p.id, p.vendor_id, p.key from advisories_products p join jsonb_to_recordset(${keys}::jsonb) as x(vendor_id integer, key text) on p.vendor_id = x.vendor_id and p.key = x.key`.execute(trx)).rows) {
        products.set(`${r.vendor_id}\u0000${r.key}`, r.id);
      }
    }
    const pid = (vendor: string, product: string) => { const k = pkey(vid(vendor), product); return productCache.get(k) ?? products.get(k)!; };

    // JVNDB ids: imported JVN ids are kept and raise the year's counter; new CVE-sourced advisories get the next numbers of this year.
    const now = new Date();
    const raise = new Map<number, number>();
    for (const { p, kind } of writes) if (kind === 'create' && p.m.jvndbId) {
      const [, y, n] = JVNDB_RE.exec(p.m.jvndbId)!;
      raise.set(Number(y), Math.max(raise.get(Number(y)) ?? 0, Number(n)));
    }
    if (raise.size) {
      const list = JSON.stringify([...raise].map(([year, n]) => ({ year, n })));
      await sql`insert into advisories_counters (year, n) select year, n from jsonb_to_recordset(${list}::jsonb) as x(year integer, n integer)
        on conflict (year) do update set n = greatest(advisories_counters.n, excluded.n)`.execute(trx);
    }
    const needNumbers = writes.filter((x) => x.kind === 'create' && !x.p.m.jvndbId).length;
    let nextNo = 0; const year = jstParts(now).y;
    if (needNumbers) {
      const r = await sql<{ n: number }>`insert into advisories_counters (year, n) values (${year}, ${needNumbers}) on conflict (year) do update set n = advisories_counters.n + excluded.n returning n`.execute(trx);
      nextNo = Number(r.rows[0].n) - needNumbers + 1;
    }

    const inserts: unknown[] = []; const updates: unknown[] = []; const cvss: unknown[] = []; const affected: unknown[] = []; const refs: unknown[] = [];
    const revisions: unknown[] = []; const audit: AuditEntryInput[] = [];
    for (const { p, kind, row } of writes) {
      const { m, valid: v } = p;
      const id = row?.id ?? randomUUID();
      const jvndbId = row?.jvndb_id ?? m.jvndbId ?? `JVNDB-${year}-${String(nextNo++).padStart(6, '0')}`;
      const state = kind === 'create' ? 'published' : 'revised';
      const revision = (row?.revision ?? 0) + 1;
      const firstPublished = m.firstPublished ?? row?.first_published_at ?? now;
      const modified = m.modified ?? now;
      const publicDate = v.publicDate ?? row?.public_date ?? null;
      const kev = m.kevAdded !== null ? true : row?.kev ?? false;
      const kevAdded = m.kevAdded ?? row?.kev_added ?? null;
      const severity = maxSeverity(v.cvss);
      const cols = {
        id, jvndb_id: jvndbId, state, title_ja: v.title.ja, title_en: v.title.en, overview_ja: v.overview.ja, overview_en: v.overview.en,
        impact_ja: v.impact.ja, impact_en: v.impact.en, solution_ja: v.solution.ja, solution_en: v.solution.en,
        cve_ids: v.cveIds, jvn_ids: v.jvnIds, cwe_ids: v.cweIds, severity, public_date: publicDate, first_published_at: firstPublished, modified_at: modified,
        kev, kev_added: kevAdded, source: m.source, source_ref: m.jvndbId ?? m.cve, source_version: m.version, content_hash: p.hash, revision,
        search_text: searchTextOf(v, jvndbId), updated_at: now, import_run_id: runId,
      };
      (kind === 'create' ? inserts : updates).push(cols);
      for (const c of v.cvss) cvss.push({ advisory_id: id, version: c.version, vector: c.vector, base_score: c.baseScore, severity: c.severity });
      const aff = v.affected.map((a, i) => {
        const productId = pid(a.vendor, a.product);
        affected.push({ advisory_id: id, sort: i, product_id: productId, cpe23: a.cpe, version_text: a.versionText, version_start: a.versionStart, start_including: a.versionStartIncluding, version_end: a.versionEnd, end_including: a.versionEndIncluding, purl: a.purl });
        return { vendor: a.vendor, product: a.product, vendorId: vid(a.vendor), productId, cpe: a.cpe, purl: a.purl, versionText: a.versionText, versionStart: a.versionStart, versionStartIncluding: a.versionStartIncluding, versionEnd: a.versionEnd, versionEndIncluding: a.versionEndIncluding };
      });
      v.references.forEach((r, i) => refs.push({ advisory_id: id, sort: i, url: r.url, type: r.type, title: r.title }));
      // The revision snapshot in the shape the service's reads give (built here instead of re-reading).
      const snapshot = {
        id, jvndbId, state, severity, title: v.title, overview: v.overview, impact: v.impact, solution: v.solution, cveIds: v.cveIds, jvnIds: v.jvnIds, cweIds: v.cweIds,
        cvss: [...v.cvss].sort((a, b) => b.version.localeCompare(a.version)), affected: aff, references: v.references,
        publicDate, firstPublishedAt: firstPublished, modifiedAt: modified, kev, kevAdded, source: m.source, sourceRef: cols.source_ref, revision, updatedAt: now,
        ...(m.sourceHistory ? { sourceHistory: m.sourceHistory } : {}),
      };
      revisions.push({ advisory_id: id, revision, at: now, actor: actorName(actor), kind: 'imported', note: m.note, snapshot });
      audit.push({ action: 'advisories.imported', actor, subjectType: 'advisory', subjectId: id, details: { jvndbId, revision, state, source: m.source, runId } });
      outcomes.push(kind === 'create' ? 'created' : 'updated');
    }

    if (inserts.length) {
      await sql`insert into advisories (id, jvndb_id, state, title_ja, title_en, overview_ja, overview_en, impact_ja, impact_en, solution_ja, solution_en,
          cve_ids, jvn_ids, cwe_ids, severity, public_date, first_published_at, modified_at, kev, kev_added, source, source_ref, source_version, content_hash, revision, search_text, updated_at, import_run_id)
        select id, jvndb_id, state, title_ja, title_en, overview_ja, overview_en, impact_ja, impact_en, solution_ja, solution_en,
          cve_ids, jvn_ids, cwe_ids, severity, public_date, first_published_at, modified_at, kev, kev_added, source, source_ref, source_version, content_hash, revision, search_text, updated_at, import_run_id
        from jsonb_to_recordset(${JSON.stringify(inserts)}::jsonb) as ${ROWTYPE}`.execute(trx);
    }
    if (updates.length) {
      const ids = updates.map((u) => (u as { id: string }).id);
      await sql`update advisories a set jvndb_id = x.jvndb_id, state = x.state, title_ja = x.title_ja, title_en = x.title_en, overview_ja = x.overview_ja, overview_en = x.overview_en,
          impact_ja = x.impact_ja, impact_en = x.impact_en, solution_ja = x.solution_ja, solution_en = x.solution_en, cve_ids = x.cve_ids, jvn_ids = x.jvn_ids, cwe_ids = x.cwe_ids,
          severity = x.severity, public_date = x.public_date, first_published_at = x.first_published_at, modified_at = x.modified_at, kev = x.kev, kev_added = x.kev_added,
          source = x.source, source_ref = x.source_ref, source_version = x.source_version, content_hash = x.content_hash, revision = x.revision, search_text = x.search_text,
          updated_at = x.updated_at, import_run_id = x.import_run_id
        from jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) as ${ROWTYPE} where a.id = x.id`.execute(trx);
      await sql`delete from advisories_cvss where advisory_id = any(${ids}::uuid[])`.execute(trx);
      await sql`delete from advisories_affected where advisory_id = any(${ids}::uuid[])`.execute(trx);
      await sql`delete from advisories_references where advisory_id = any(${ids}::uuid[])`.execute(trx);
    }
    if (cvss.length) await sql`insert into advisories_cvss (advisory_id, version, vector, base_score, severity) select * from jsonb_to_recordset(${JSON.stringify(cvss)}::jsonb) as x(advisory_id uuid, version text, vector text, base_score double precision, severity text)`.execute(trx);
    if (affected.length) {
      await sql`insert into advisories_affected (advisory_id, sort, product_id, cpe23, version_text, version_start, start_including, version_end, end_including, purl)
        select * from jsonb_to_recordset(${JSON.stringify(affected)}::jsonb) as x(advisory_id uuid, sort integer, product_id integer, cpe23 text, version_text text, version_start text, start_including boolean, version_end text, end_including boolean, purl text)`.execute(trx);
    }
    if (refs.length) await sql`insert into advisories_references (advisory_id, sort, url, type, title) select * from jsonb_to_recordset(${JSON.stringify(refs)}::jsonb) as x(advisory_id uuid, sort integer, url text, type text, title text)`.execute(trx);

    // KEV entries for advisories that exist: only the flag changes; the snapshot is the stored advisory with it.
    if (flags.length) {
      const ids = flags.map((f) => f.row!.id);
      const full = await loadSnapshots(trx, ids);
      const list = flags.map(({ p, row }) => ({ id: row!.id, kev_added: p.m.kevAdded, revision: row!.revision + 1 }));
      await sql`update advisories a set kev = true, kev_added = x.kev_added, revision = x.revision, updated_at = ${now}, modified_at = ${now}, import_run_id = ${runId}
        from jsonb_to_recordset(${JSON.stringify(list)}::jsonb) as x(id uuid, kev_added date, revision integer) where a.id = x.id`.execute(trx);
      for (const { p, row } of flags) {
        const snap = { ...full.get(row!.id)!, kev: true, kevAdded: p.m.kevAdded, revision: row!.revision + 1, modifiedAt: now, updatedAt: now };
        revisions.push({ advisory_id: row!.id, revision: row!.revision + 1, at: now, actor: actorName(actor), kind: 'kev_flagged', note: `CISA KEV ${p.m.kevAdded}`, snapshot: snap });
        audit.push({ action: 'advisories.kev_flagged', actor, subjectType: 'advisory', subjectId: row!.id, details: { cve: p.m.cve, dateAdded: p.m.kevAdded, runId } });
        outcomes.push('updated');
      }
    }
    if (revisions.length) {
      await sql`insert into advisories_revisions (advisory_id, revision, at, actor, kind, note, snapshot)
        select * from jsonb_to_recordset(${JSON.stringify(revisions)}::jsonb) as x(advisory_id uuid, revision integer, at timestamptz, actor text, kind text, note text, snapshot jsonb)`.execute(trx);
    }
    await ctx.audit.recordMany(audit, trx);
    return { outcomes, deferred, vendors, products };
  }

  try {
    let batch: Prepared[] = [];
    let keys = new Set<string>();
    let pending: Promise<void> | null = null;
    const flush = async () => {
      if (!batch.length) return;
      const b = batch; batch = []; keys = new Set();
      if (pending) await pending;
      pending = writeBatch(b);
      pending.catch(() => undefined); // awaited at the next flush; this only prevents an unhandled-rejection warning meanwhile
      opts.onProgress?.(res.total);
    };
    for await (const rec of records) {
      res.total++;
      const p = prepare(rec);
      if (!p) continue;
      const key = p.m.jvndbId ?? p.m.cve!;
      if (keys.has(key)) await flush(); // the same advisory twice: the later record sees the earlier one committed
      batch.push(p); keys.add(key);
      if (batch.length >= size) await flush();
    }
    await flush();
    if (pending) await pending;
  } catch (e) {
    await finishRun(ctx, runId, res, e instanceof AppError ? e.text.en : e instanceof Error ? e.message : String(e)).catch(() => undefined);
    throw e;
  }
  await finishRun(ctx, runId, res);
  return { ...res, runId, ms: Date.now() - t0 };
}

const ROWTYPE = sql`x(id uuid, jvndb_id text, state text, title_ja text, title_en text, overview_ja text, overview_en text, impact_ja text, impact_en text, solution_ja text, solution_en text,
  cve_ids text[], jvn_ids text[], cwe_ids text[], severity text, public_date timestamptz, first_published_at timestamptz, modified_at timestamptz, kev boolean, kev_added date,
  source text, source_ref text, source_version text, content_hash text, revision integer, search_text text, updated_at timestamptz, import_run_id uuid)`;

/** The stored advisories in the shape of the service's reads (for the snapshot of a KEV flag). */
async function loadSnapshots(trx: Executor, ids: string[]): Promise<Map<string, Record<string, unknown>>> {
  const [rows, cv, af, rf] = await Promise.all([
    sql<Record<string, any>>`select * from advisories where id = any(${ids}::uuid[])`.execute(trx),
    sql<Record<string, any>>`select * from advisories_cvss where advisory_id = any(${ids}::uuid[]) order by version desc`.execute(trx),
    sql<Record<string, any>>`select a.*, p.vendor_id, v.name as vendor, p.name as product from advisories_affected a join advisories_products p on p.id = a.product_id
      join advisories_vendors v on v.id = p.vendor_id where a.advisory_id = any(${ids}::uuid[]) order by a.sort`.execute(trx),
    sql<Record<string, any>>`select * from advisories_references where advisory_id = any(${ids}::uuid[]) order by sort`.execute(trx),
  ]);
  return new Map(rows.rows.map((r) => [r.id as string, {
    id: r.id, jvndbId: r.jvndb_id, state: r.state, severity: r.severity,
    title: { ja: r.title_ja, en: r.title_en }, overview: { ja: r.overview_ja, en: r.overview_en }, impact: { ja: r.impact_ja, en: r.impact_en }, solution: { ja: r.solution_ja, en: r.solution_en },
    cveIds: r.cve_ids, jvnIds: r.jvn_ids, cweIds: r.cwe_ids,
    cvss: cv.rows.filter((c) => c.advisory_id === r.id).map((c) => ({ version: c.version, vector: c.vector, baseScore: Number(c.base_score), severity: c.severity })),
    affected: af.rows.filter((a) => a.advisory_id === r.id).map((a) => ({
      vendor: a.vendor, product: a.product, vendorId: a.vendor_id, productId: a.product_id, cpe: a.cpe23, purl: a.purl, versionText: a.version_text,
      versionStart: a.version_start, versionStartIncluding: a.start_including, versionEnd: a.version_end, versionEndIncluding: a.end_including,
    })),
    references: rf.rows.filter((x) => x.advisory_id === r.id).map((x) => ({ url: x.url, type: x.type, title: x.title })),
    publicDate: r.public_date, firstPublishedAt: r.first_published_at, modifiedAt: r.modified_at, kev: r.kev, kevAdded: r.kev_added,
    source: r.source, sourceRef: r.source_ref, revision: r.revision, updatedAt: r.updated_at,
  }]));
}
