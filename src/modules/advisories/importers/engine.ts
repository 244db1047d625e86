// The bulk import engine shared by every format. Records are mapped and validated in JS first (a bad
// record never reaches the database), then written in batches of up to BATCH_SIZE records, one
// transaction each, with set-based statements (unnest of typed arrays) for advisories, CVSS rows,
// affected products, references, revisions and the audit entries (one recordMany per batch).
// Existing advisories are looked up per batch; vendor/product dictionary ids are cached for the run.
//
// On a PostgreSQL server two batches are written at once (two backends on the two cores) while the
// next one is mapped: a batch's body (lookups, dictionary names, advisories, children, revisions)
// runs while its predecessor is still open; its tail (JVNDB counter, audit chain, commit) waits
// until the predecessor has committed, so batches commit in record order. What keeps that safe
// (details at Batch and writeInTrx):
// - two batches in flight never share a record key (CVE or JVNDB id); a batch waits for the one
//   in flight that has its key;
// - JVNDB numbers are planned after the predecessor's planned ones and checked in the tail, where
//   the counter row is raised in the same transaction; on a mismatch the batch rolls back and is
//   written again alone, so numbers stay gap-free and in record order;
// - each new vendor/product name is inserted by exactly one open batch; a later batch needing it
//   writes the rows that reference it after that batch's commit (a foreign key cannot see an
//   uncommitted row);
// - when a batch fails, the batches after it roll back first; it is written again alone (then
//   record by record if the database still refuses it, so only the offending record is reported
//   and nothing of it is committed), then they are, in order;
// - one import run writes at a time (RUN_LOCK); runs take turns between batches.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
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
/**
 * Held (session-level, on a connection of its own) by the import run writing on a PostgreSQL
 * server; a second run (the CLI and an upload at once, or two processes) waits for it. Between two
 * of its batches a run hands it over to a waiting run and queues again, so runs take turns.
 * Within a run, batches overlap safely because they wait for one another in a known order (see
 * Batch); two runs' batches could wait for each other through the database while one of them
 * waits for its predecessor in JS, which no deadlock detector sees.
 */
const RUN_LOCK = 724_302;

export interface RunInfo { format: ImportFormat; fileName?: string | null; sha256?: string | null; size?: number | null }
export interface ImportOptions extends RunInfo {
  actor: Actor; batchSize?: number; onProgress?: (records: number) => void;
  /** Batches written at once: 2 on a PostgreSQL server, 1 on PGlite (one session). */
  inFlight?: number;
}
export interface RunResult extends ImportResult {
  runId: string; total: number; skipped: number; errorCount: number; ms: number;
  /** Batches whose first transaction did not commit (written again alone, or record by record). */
  retried: number;
}

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
const iso = (d: Date | string | null | undefined) => (d == null ? null : typeof d === 'string' ? d : d.toISOString());

// MAMORI_IMPORT_TIMING=1: wall time per statement kind, summed over the run and printed to stderr at
// its end (with two batches in flight the sums overlap).
const TIMING = process.env.MAMORI_IMPORT_TIMING ? new Map<string, { ms: number; n: number }>() : null;
function timed<T>(label: string, p: Promise<T>): Promise<T> {
  if (!TIMING) return p;
  const t = performance.now();
  return p.finally(() => { const e = TIMING.get(label) ?? { ms: 0, n: 0 }; e.ms += performance.now() - t; e.n++; TIMING.set(label, e); });
}
function printTiming(): void {
  if (!TIMING) return;
  for (const [k, v] of [...TIMING].sort((a, b) => b[1].ms - a[1].ms)) process.stderr.write(`${k.padEnd(24)} ${(v.ms / 1000).toFixed(2).padStart(8)} s ${String(v.n).padStart(7)}\n`);
  TIMING.clear();
}

// Time-ordered ids (UUID version 7) for new advisories: the rows of one batch sit together in the
// primary key and in every child table's (advisory_id, …) key, so a bulk load appends to the right
// edge of those indexes instead of touching a random page of each per row (and the foreign-key
// checks of the children find their parents in recently used pages).
let uuidMs = 0; let uuidSeq = 0; let uuidPool = Buffer.alloc(0); let uuidAt = 0;
export function uuidv7(): string {
  let ms = Date.now();
  if (ms <= uuidMs) { ms = uuidMs; if (++uuidSeq > 0xfff) { ms = ++uuidMs; uuidSeq = 0; } } else { uuidMs = ms; uuidSeq = 0; }
  if (uuidAt + 8 > uuidPool.length) { uuidPool = randomBytes(8 * 4096); uuidAt = 0; }
  const b = Buffer.allocUnsafe(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = 0x70 | (uuidSeq >> 8); b[7] = uuidSeq & 0xff; // the 12-bit sequence keeps ids of one millisecond in order
  uuidPool.copy(b, 8, uuidAt, uuidAt + 8); uuidAt += 8;
  b[8] = 0x80 | (b[8] & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A text[] literal, for array-valued columns passed through unnest (which cannot carry ragged arrays). */
const arrayLiteral = (list: string[]) => `{${list.map((s) => `"${s.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;

/**
 * Rows as one typed array per column: `unnest($1::uuid[], $2::text[], …) as x(…)` is parsed by
 * PostgreSQL faster than the same rows as one JSON document (which is parsed whole, then taken
 * apart): ~37 ms instead of ~56 ms for 2,000 advisories. `text[]` columns travel as array literals.
 */
class Rows {
  readonly cols: unknown[][];
  constructor(private readonly spec: ReadonlyArray<readonly [string, string]>) { this.cols = spec.map(() => []); }
  get length() { return this.cols[0].length; }
  add(...values: unknown[]) { for (let i = 0; i < values.length; i++) this.cols[i].push(values[i]); }
  /**
   * `rows from (unnest(…), …) as x(…)`. A jsonb column travels as one JSON array of the values
   * (json_array_elements; each element is then parsed once, by the cast in select()): escaping
   * JSON text into an array literal costs more in JS than that saves.
   */
  from(): RawBuilder<unknown> {
    const fns = this.spec.map(([, t], i) => (t === 'jsonb' ? sql`json_array_elements(${JSON.stringify(this.cols[i])}::json)` : sql`unnest(${this.cols[i]}::${sql.raw(t === 'text[]' ? 'text' : t)}[])`));
    return sql`rows from (${sql.join(fns)}) as x(${sql.raw(this.spec.map(([n]) => n).join(', '))})`;
  }
  /** The column list of a select from x, with array columns cast back. */
  select(): RawBuilder<unknown> { return sql.raw(this.spec.map(([n, t]) => (t === 'text[]' ? `x.${n}::text[]` : t === 'jsonb' ? `x.${n}::jsonb` : `x.${n}`)).join(', ')); }
  names(): RawBuilder<unknown> { return sql.raw(this.spec.map(([n]) => n).join(', ')); }
}
const spec = (s: Array<readonly [string, string]>) => s.map(([n, t]) => [n, t] as const);
const ADVISORY_COLS = spec([['id', 'uuid'], ['jvndb_id', 'text'], ['state', 'text'], ['title_ja', 'text'], ['title_en', 'text'], ['overview_ja', 'text'], ['overview_en', 'text'],
  ['impact_ja', 'text'], ['impact_en', 'text'], ['solution_ja', 'text'], ['solution_en', 'text'], ['cve_ids', 'text[]'], ['jvn_ids', 'text[]'], ['cwe_ids', 'text[]'], ['severity', 'text'],
  ['public_date', 'timestamptz'], ['first_published_at', 'timestamptz'], ['modified_at', 'timestamptz'], ['kev', 'boolean'], ['kev_added', 'date'], ['source', 'text'], ['source_ref', 'text'],
  ['source_version', 'text'], ['content_hash', 'text'], ['revision', 'integer'], ['search_text', 'text'], ['updated_at', 'timestamptz'], ['import_run_id', 'uuid']]);
const CVSS_COLS = spec([['advisory_id', 'uuid'], ['version', 'text'], ['vector', 'text'], ['base_score', 'double precision'], ['severity', 'text']]);
const AFFECTED_COLS = spec([['advisory_id', 'uuid'], ['sort', 'integer'], ['product_id', 'integer'], ['cpe23', 'text'], ['version_text', 'text'], ['version_start', 'text'],
  ['start_including', 'boolean'], ['version_end', 'text'], ['end_including', 'boolean'], ['purl', 'text']]);
const REFERENCE_COLS = spec([['advisory_id', 'uuid'], ['sort', 'integer'], ['url', 'text'], ['type', 'text'], ['title', 'text']]);
const REVISION_COLS = spec([['advisory_id', 'uuid'], ['revision', 'integer'], ['at', 'timestamptz'], ['actor', 'text'], ['kind', 'text'], ['note', 'text'], ['snapshot', 'jsonb']]);

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

function signal<T>() { let resolve!: (v: T) => void; const promise = new Promise<T>((r) => (resolve = r)); return { promise, resolve }; }

/** The batch must be written again alone: its predecessor failed, or what it planned no longer holds. */
class Retry extends Error {}
/** Deadlock, lock timeout, serialization failure: worth writing the batch again whole, alone. */
const CONCURRENCY_ERRORS = new Set(['40P01', '55P03', '40001']);

let batchSeq = 0;
/**
 * A batch of prepared records and its place in the pipeline. `pred` is the batch started just
 * before it, if that one was still in flight: this batch's lookups wait until `pred` has planned
 * (its rows are locked and its new dictionary names and JVNDB numbers are known), rows referencing
 * `pred`'s new names wait for `pred`'s commit, and the tail waits for `pred` to be done.
 */
class Batch {
  /** Start order (set again when started; a record written on its own keeps the one it was made with). */
  seq = ++batchSeq;
  readonly keys = new Set<string>();
  pred: Batch | null = null;
  /** Written alone (a retry, or a record on its own): the counter row is locked before planning numbers. */
  exclusive = false;
  /** The counter value this attempt expects to leave (JVNDB numbers of its year), once planned. */
  numbering: { year: number; end: number } | null = null;
  /**
   * Dictionary names (vendor keys, vendor id + product keys) this attempt inserts, and those it
   * leaves to a batch before it and inserts itself afterwards if still missing (all products of such
   * a vendor). A later batch leaves every name claimed here to this batch and waits for its commit,
   * so no name is ever inserted by two open transactions (each would wait for the other).
   */
  readonly newVendors = new Set<string>();
  readonly newProducts = new Set<string>();
  readonly laterVendors = new Set<string>();
  readonly laterProducts = new Set<string>();
  failed = false;
  private planned$ = signal<void>();
  private readonly settled$ = signal<boolean>();
  private readonly done$ = signal<void>();
  readonly started = signal<void>();
  task: Promise<void> = Promise.resolve();
  constructor(public items: Prepared[]) {
    for (const p of items) {
      if (p.m.jvndbId) this.keys.add(p.m.jvndbId);
      if (p.m.cve) this.keys.add(p.m.cve);
      for (const c of p.valid.cveIds) this.keys.add(c);
    }
  }
  /** True once the first attempt committed; false as soon as it failed (before any retry). */
  get settled() { return this.settled$.promise; }
  /** Everything of the batch is committed or reported (after retries). */
  get done() { return this.done$.promise; }
  /** Resolves when planned, or when the batch failed meanwhile (then `failed` is true). */
  plannedOrFailed() { return Promise.race([this.planned$.promise, this.settled$.promise]); }
  markPlanned() { this.planned$.resolve(); }
  /** After an attempt that did not commit: nothing it planned holds any more. */
  reset() { this.numbering = null; for (const s of [this.newVendors, this.newProducts, this.laterVendors, this.laterProducts]) s.clear(); }
  fail() {
    this.reset();
    if (this.failed) return;
    this.failed = true;
    this.planned$ = signal<void>();
    this.settled$.resolve(false);
  }
  finish() {
    this.reset(); this.settled$.resolve(true); this.done$.resolve();
    // Each batch points to the one before it: drop the link and the records, or the whole run stays in memory.
    this.pred = null; this.items = []; this.keys.clear();
  }
  overlaps(o: Batch) { const [a, b] = this.keys.size < o.keys.size ? [this.keys, o.keys] : [o.keys, this.keys]; for (const k of a) if (b.has(k)) return true; return false; }
}

interface TrxOut { outcomes: Array<Outcome | ImportError>; deferred: Prepared[]; vendors: Map<string, number>; products: Map<string, number> }

/**
 * Imports records of one format. `records` may be any (async) iterable, so large sources stream.
 * Returns the counts and the per-record errors (capped at ERROR_CAP; `errorCount` is complete).
 */
export async function runImport(ctx: AppContext, records: Iterable<RawRecord> | AsyncIterable<RawRecord>, opts: ImportOptions): Promise<RunResult> {
  const { actor } = opts;
  if (actor.kind !== 'system' && !actor.permissions.has(PERM.import)) throw forbidden();
  const t0 = Date.now();
  const runId = await startRun(ctx, opts, actor);
  const res = { created: 0, updated: 0, unchanged: 0, stale: 0, skipped: 0, total: 0, errorCount: 0, errors: [] as ImportError[], retried: 0 };
  const addError = (e: ImportError) => { res.errorCount++; if (res.errors.length < ERROR_CAP) res.errors.push(e); };
  const vendorCache = new Map<string, number>();
  const productCache = new Map<string, number>();
  const size = Math.max(1, opts.batchSize ?? BATCH_SIZE);
  // PGlite is one session: a second transaction would wait for the first to end.
  const inFlight = ctx.database.kind === 'postgres' ? Math.max(1, opts.inFlight ?? 2) : 1;
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

  // ---- the pipeline: batches wait in order; up to `inFlight` run, never two sharing a key ----
  const waiting: Batch[] = [];
  const running: Batch[] = [];
  let last: Batch | null = null;
  let afterBatch = () => {};
  let beforeStart = () => true;
  function pump() {
    // Nothing new starts while a failed batch is retried: its retry must not meet locks of a batch after it.
    while (waiting.length && running.length < inFlight && !running.some((r) => r.failed || r.overlaps(waiting[0])) && beforeStart()) {
      const b = waiting.shift()!;
      b.seq = ++batchSeq;
      b.pred = last && running.includes(last) ? last : null;
      last = b;
      running.push(b);
      b.started.resolve();
      b.task = run(b).finally(() => { running.splice(running.indexOf(b), 1); afterBatch(); pump(); });
    }
  }
  let fatal: unknown = null;
  const runAttempt = (b: Batch, pred: Batch | null) => timed('transaction', ctx.db.transaction().execute((trx) => writeInTrx(trx, b, pred)));

  function account(b: Batch, out: TrxOut) {
    for (const [k, v] of out.vendors) vendorCache.set(k, v);
    for (const [k, v] of out.products) productCache.set(k, v);
    for (const o of out.outcomes) if (typeof o === 'string') res[o]++; else addError(o);
    // Two records of one batch changed one advisory: the later one is written next, before any batch not yet started.
    if (out.deferred.length) { const d = new Batch(out.deferred); waiting.unshift(d); }
  }

  async function run(b: Batch): Promise<void> {
    try {
      let out: TrxOut | null = null;
      try {
        out = await runAttempt(b, b.pred);
      } catch (e) {
        b.fail(); res.retried++;
        // Batches started after this one wait for it (they roll back on seeing it fail); let them,
        // so that its retry meets no lock of theirs, and retry it alone once its predecessor is done.
        await Promise.all(running.filter((r) => r.seq > b.seq).map((r) => r.settled));
        if (b.pred) await b.pred.done;
        b.exclusive = true;
        // Written again whole when the failure may come from running alongside other writers;
        // a record the database refuses goes straight to record-by-record.
        if (b.pred || e instanceof Retry || CONCURRENCY_ERRORS.has((e as { code?: string }).code ?? '')) {
          try { out = await runAttempt(b, null); } catch { b.reset(); out = null; }
        }
        if (!out) {
          // Still refused: record by record, each alone, so only the offending record is reported.
          for (const p of b.items) {
            const single = new Batch([p]); single.exclusive = true;
            try {
              account(single, await runAttempt(single, null));
            } catch (err) {
              single.reset();
              const msg = err instanceof Error ? err.message : String(err);
              addError({ index: p.rec.index, path: p.rec.path, message: `database error: ${msg}`, messageJa: `データベースエラー: ${msg}`, line: p.rec.line });
            }
          }
          b.finish();
          return;
        }
      }
      account(b, out);
      b.finish();
    } catch (e) {
      fatal ??= e;
      b.finish();
    }
  }

  async function writeInTrx(trx: Executor, b: Batch, pred: Batch | null): Promise<TrxOut> {
    const batch = b.items;
    const outcomes: Array<Outcome | ImportError> = [];
    const deferred: Prepared[] = [];
    const vendors = new Map<string, number>(); const products = new Map<string, number>();
    const out = { outcomes, deferred, vendors, products };
    const superseded = () => { if (pred?.failed) throw new Retry(); };
    const earlier = () => running.filter((r) => r.seq < b.seq && r !== b);
    const now = new Date();
    const year = jstParts(now).y;
    let plans: Plan[] = [];
    let needNumbers = 0; let base = 0;
    const vkey = (v: string) => v.toLowerCase();
    const pkey = (vendorId: number, product: string) => `${vendorId}\u0000${product.toLowerCase()}`;
    const vid = (name: string) => vendorCache.get(vkey(name)) ?? vendors.get(vkey(name));
    type Plan = { p: Prepared; kind: 'create' | 'update' | 'kevflag'; row?: Existing };

    // ---- planning: lookups, outcomes, dictionary names, JVNDB numbers ----
    try {
      if (pred) { await pred.plannedOrFailed(); superseded(); }
      // synchronous_commit off: an import can always be re-run (it is idempotent), so a batch need
      // not wait for its WAL to reach the disk; a crash loses at most the last batches, never half
      // of one. enable_seqscan off: during a bulk load the statistics lag behind the table, and the
      // planner matched a batch's CVEs by a sequential scan comparing every row with every CVE
      // (~0.4 s per batch at 10,000 rows). gin_pending_list_limit: new rows' trigrams queue in the
      // search index's pending list, merged every 64 MB rather than every 4 MB.
      await timed('settings', sql`select set_config('synchronous_commit', 'off', true), set_config('enable_seqscan', 'off', true),
        set_config('gin_pending_list_limit', '65536', true)`.execute(trx));
      const cves = [...new Set(batch.flatMap((p) => (p.m.cve ? [p.m.cve] : [])))];
      const jvndbs = [...new Set(batch.flatMap((p) => (p.m.jvndbId ? [p.m.jvndbId] : [])))];
      // Two queries, not one with OR: each can use its index (GIN on cve_ids, unique on jvndb_id).
      const cols = sql`id, jvndb_id, state, source, source_ref, source_version, content_hash, kev, kev_added::text as kev_added, revision, first_published_at, public_date, cve_ids`;
      const found = new Map<string, Existing>();
      if (cves.length) for (const r of (await timed('lookup', sql<Existing>`select ${cols} from advisories where cve_ids && ${cves}::text[] for update`.execute(trx))).rows) found.set(r.id, r);
      if (jvndbs.length) for (const r of (await timed('lookup', sql<Existing>`select ${cols} from advisories where jvndb_id = any(${jvndbs}::text[]) for update`.execute(trx))).rows) found.set(r.id, r);
      const byJvndb = new Map<string, Existing>(); const byCveAll = new Map<string, Existing[]>();
      for (const r of found.values()) {
        if (r.jvndb_id) byJvndb.set(r.jvndb_id, r);
        for (const c of r.cve_ids) { const l = byCveAll.get(c); if (l) l.push(r); else byCveAll.set(c, [r]); }
      }
      const byCve = (cve: string) => (byCveAll.get(cve) ?? []).slice()
        .sort((x, y) => Number(y.source_ref === cve) - Number(x.source_ref === cve) || (x.first_published_at ? new Date(x.first_published_at).getTime() : Infinity) - (y.first_published_at ? new Date(y.first_published_at).getTime() : Infinity))[0];

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

      // Dictionary names not yet cached: inserted here, unless a batch still in flight claims them
      // (then used, or inserted if still missing, after its commit). Claimed before this batch counts
      // as planned, so a later batch never inserts them too.
      const claimedV = new Set(earlier().flatMap((r) => [...r.newVendors, ...r.laterVendors]));
      const claimedP = new Set(earlier().flatMap((r) => [...r.newProducts, ...r.laterProducts]));
      for (const { p, kind } of plans) if (kind !== 'kevflag') for (const a of p.valid.affected) {
        const k = vkey(a.vendor);
        if (claimedV.has(k)) b.laterVendors.add(k);
        else if (vendorCache.has(k)) {
          const pk = pkey(vendorCache.get(k)!, a.product);
          if (productCache.has(pk)) continue;
          if (claimedP.has(pk)) b.laterProducts.add(pk); else b.newProducts.add(pk);
        } else b.newVendors.add(k);
      }

      // JVNDB numbers for new CVE-sourced advisories: after the planned end of the latest batch in
      // flight that numbers this year, else after the counter as committed. Checked in the tail.
      needNumbers = plans.filter((x) => x.kind !== 'kevflag' && !(x.row?.jvndb_id ?? x.p.m.jvndbId)).length;
      if (needNumbers) {
        const prior = earlier().filter((r) => r.numbering?.year === year).pop();
        if (b.exclusive) {
          await timed('counter', sql`insert into advisories_counters (year, n) values (${year}, 0) on conflict (year) do nothing`.execute(trx));
          base = Number((await timed('counter', sql<{ n: number }>`select n from advisories_counters where year = ${year} for update`.execute(trx))).rows[0].n);
        } else if (prior) base = prior.numbering!.end;
        else base = Number((await timed('counter', sql<{ n: number }>`select n from advisories_counters where year = ${year}`.execute(trx))).rows[0]?.n ?? 0);
        b.numbering = { year, end: base + needNumbers };
      }
    } finally {
      b.markPlanned();
    }
    superseded();
    const writes = plans.filter((x) => x.kind !== 'kevflag');
    const flags = plans.filter((x) => x.kind === 'kevflag');

    // ---- body ----
    const insertVendors = async (keys: Set<string>) => {
      const rows = new Rows(spec([['name', 'text'], ['key', 'text'], ['cpe_vendor', 'text']]));
      const seen = new Set<string>();
      for (const { p } of writes) for (const a of p.valid.affected) {
        const k = vkey(a.vendor);
        if (seen.has(k) || !keys.has(k)) continue;
        seen.add(k); rows.add(a.vendor, k, a.cpe ? a.cpe.split(/(?<!\\):/)[3] ?? null : null);
      }
      if (!rows.length) return;
      await timed('vendors', sql`insert into advisories_vendors (name, key, cpe_vendor) select ${rows.select()} from ${rows.from()} on conflict (key) do nothing`.execute(trx));
      for (const r of (await timed('vendors', sql<{ id: number; key: string }>`select id, key from advisories_vendors where key = any(${[...seen]}::text[])`.execute(trx))).rows) vendors.set(r.key, r.id);
    };
    const insertProducts = async (want: (pk: string) => boolean) => {
      const rows = new Rows(spec([['vendor_id', 'integer'], ['name', 'text'], ['key', 'text'], ['cpe_product', 'text']]));
      const seen = new Set<string>();
      for (const { p } of writes) for (const a of p.valid.affected) {
        const v = vid(a.vendor); if (v === undefined) continue;
        const pk = pkey(v, a.product);
        if (seen.has(pk) || productCache.has(pk) || products.has(pk) || !want(pk)) continue;
        seen.add(pk); rows.add(v, a.product, a.product.toLowerCase(), a.cpe ? a.cpe.split(/(?<!\\):/)[4] ?? null : null);
      }
      if (!rows.length) return;
      await timed('products', sql`insert into advisories_products (vendor_id, name, key, cpe_product) select ${rows.select()} from ${rows.from()} on conflict (vendor_id, key) do nothing`.execute(trx));
      const vendorIds = rows.cols[0] as number[]; const keys = rows.cols[2] as string[];
      for (const r of (await timed('products', sql<{ id: number; vendor_id: number; key: string }>`select p.id, p.vendor_id, p.key from advisories_products p
          join unnest(${vendorIds}::integer[], ${keys}::text[]) as x(vendor_id, key) on p.vendor_id = x.vendor_id and p.key = x.key`.execute(trx))).rows) {
        products.set(`${r.vendor_id}\u0000${r.key}`, r.id);
      }
    };
    // Products of vendors new in this batch are new too (their keys need the vendor's id).
    if (b.newVendors.size) await insertVendors(b.newVendors);
    if (b.newVendors.size) for (const { p } of writes) for (const a of p.valid.affected) { const k = vkey(a.vendor); if (b.newVendors.has(k) && vendors.has(k)) b.newProducts.add(pkey(vendors.get(k)!, a.product)); }
    if (b.newProducts.size) await insertProducts((pk) => b.newProducts.has(pk));

    const inserts = new Rows(ADVISORY_COLS); const updates = new Rows(ADVISORY_COLS);
    const cvss = new Rows(CVSS_COLS); const refs = new Rows(REFERENCE_COLS);
    const revisions = new Rows(REVISION_COLS);
    const audit: AuditEntryInput[] = [];
    let nextNo = base + 1;
    const ids = new Map<Prepared, { kind: Plan['kind']; id: string; jvndbId: string; state: string; revision: number; firstPublished: Date; modified: Date; publicDate: Date | null; kev: boolean; kevAdded: string | null; severity: string | null; sourceRef: string | null }>();
    for (const { p, kind, row } of writes) {
      const { m, valid: v } = p;
      const id = row?.id ?? uuidv7();
      const jvndbId = row?.jvndb_id ?? m.jvndbId ?? `JVNDB-${year}-${String(nextNo++).padStart(6, '0')}`;
      const state = kind === 'create' ? 'published' : 'revised';
      const revision = (row?.revision ?? 0) + 1;
      const firstPublished = m.firstPublished ?? row?.first_published_at ?? now;
      const modified = m.modified ?? now;
      const publicDate = v.publicDate ?? row?.public_date ?? null;
      const kev = m.kevAdded !== null ? true : row?.kev ?? false;
      const kevAdded = m.kevAdded ?? row?.kev_added ?? null;
      const severity = maxSeverity(v.cvss);
      const sourceRef = m.jvndbId ?? m.cve;
      (kind === 'create' ? inserts : updates).add(id, jvndbId, state, v.title.ja, v.title.en, v.overview.ja, v.overview.en, v.impact.ja, v.impact.en, v.solution.ja, v.solution.en,
        arrayLiteral(v.cveIds), arrayLiteral(v.jvnIds), arrayLiteral(v.cweIds), severity, iso(publicDate), iso(firstPublished), iso(modified), kev, kevAdded,
        m.source, sourceRef, m.version, p.hash, revision, searchTextOf(v, jvndbId), iso(now), runId);
      for (const c of v.cvss) cvss.add(id, c.version, c.vector, c.baseScore, c.severity);
      v.references.forEach((r, i) => refs.add(id, i, r.url, r.type, r.title));
      ids.set(p, { kind, id, jvndbId, state, revision, firstPublished, modified, publicDate, kev, kevAdded, severity, sourceRef });
    }
    if (inserts.length) {
      await timed('advisories', sql`insert into advisories (${inserts.names()}) select ${inserts.select()} from ${inserts.from()}`.execute(trx));
    }
    if (updates.length) {
      const changed = updates.cols[0] as string[];
      await timed('advisories', sql`update advisories a set ${sql.raw(ADVISORY_COLS.slice(1).map(([n, t]) => `${n} = x.${n}${t === 'text[]' ? '::text[]' : ''}`).join(', '))}
        from ${updates.from()} where a.id = x.id`.execute(trx));
      await timed('children', sql`delete from advisories_cvss where advisory_id = any(${changed}::uuid[])`.execute(trx));
      await timed('children', sql`delete from advisories_affected where advisory_id = any(${changed}::uuid[])`.execute(trx));
      await timed('children', sql`delete from advisories_references where advisory_id = any(${changed}::uuid[])`.execute(trx));
    }
    if (cvss.length) await timed('cvss', sql`insert into advisories_cvss (${cvss.names()}) select ${cvss.select()} from ${cvss.from()}`.execute(trx));
    if (refs.length) await timed('references', sql`insert into advisories_references (${refs.names()}) select ${refs.select()} from ${refs.from()}`.execute(trx));

    // KEV entries for advisories that exist: only the flag changes; the snapshot is the stored advisory with it.
    if (flags.length) {
      const flagged = flags.map((f) => f.row!.id);
      const full = await loadSnapshots(trx, flagged);
      const list = flags.map(({ p, row }) => ({ id: row!.id, kev_added: p.m.kevAdded, revision: row!.revision + 1 }));
      await sql`update advisories a set kev = true, kev_added = x.kev_added, revision = x.revision, updated_at = ${now}, modified_at = ${now}, import_run_id = ${runId}
        from jsonb_to_recordset(${JSON.stringify(list)}::jsonb) as x(id uuid, kev_added date, revision integer) where a.id = x.id`.execute(trx);
      for (const { p, row } of flags) {
        const snap = { ...full.get(row!.id)!, kev: true, kevAdded: p.m.kevAdded, revision: row!.revision + 1, modifiedAt: now, updatedAt: now };
        revisions.add(row!.id, row!.revision + 1, iso(now), actorName(actor), 'kev_flagged', `CISA KEV ${p.m.kevAdded}`, snap);
        audit.push({ action: 'advisories.kev_flagged', actor, subjectType: 'advisory', subjectId: row!.id, details: { cve: p.m.cve, dateAdded: p.m.kevAdded, runId } });
        outcomes.push('updated');
      }
    }

    // Names a batch in flight inserts: usable once it has committed (a foreign key cannot see an
    // uncommitted row). If it did not commit, this batch is written again after it.
    if (b.laterVendors.size || b.laterProducts.size) {
      if (pred && !(await pred.settled)) throw new Retry();
      superseded();
      const missingV = new Set([...b.laterVendors].filter((k) => !vendorCache.has(k)));
      if (missingV.size) await insertVendors(missingV);
      await insertProducts(() => true);
    }
    const pid = (vendor: string, product: string) => { const pk = pkey(vid(vendor)!, product); return productCache.get(pk) ?? products.get(pk); };

    const affected = new Rows(AFFECTED_COLS);
    for (const { p } of writes) {
      const { m, valid: v } = p;
      const w = ids.get(p)!;
      const aff = v.affected.map((a, i) => {
        const productId = pid(a.vendor, a.product);
        if (productId === undefined) throw new Error(`no id for product ${a.vendor} / ${a.product}`);
        affected.add(w.id, i, productId, a.cpe, a.versionText, a.versionStart, a.versionStartIncluding, a.versionEnd, a.versionEndIncluding, a.purl);
        return { vendor: a.vendor, product: a.product, vendorId: vid(a.vendor)!, productId, cpe: a.cpe, purl: a.purl, versionText: a.versionText, versionStart: a.versionStart, versionStartIncluding: a.versionStartIncluding, versionEnd: a.versionEnd, versionEndIncluding: a.versionEndIncluding };
      });
      // The revision snapshot in the shape the service's reads give (built here instead of re-reading).
      const snapshot = {
        id: w.id, jvndbId: w.jvndbId, state: w.state, severity: w.severity, title: v.title, overview: v.overview, impact: v.impact, solution: v.solution, cveIds: v.cveIds, jvnIds: v.jvnIds, cweIds: v.cweIds,
        cvss: [...v.cvss].sort((a, c) => c.version.localeCompare(a.version)), affected: aff, references: v.references,
        publicDate: w.publicDate, firstPublishedAt: w.firstPublished, modifiedAt: w.modified, kev: w.kev, kevAdded: w.kevAdded, source: m.source, sourceRef: w.sourceRef, revision: w.revision, updatedAt: now,
        ...(m.sourceHistory ? { sourceHistory: m.sourceHistory } : {}),
      };
      revisions.add(w.id, w.revision, iso(now), actorName(actor), 'imported', m.note, snapshot);
      audit.push({ action: 'advisories.imported', actor, subjectType: 'advisory', subjectId: w.id, details: { jvndbId: w.jvndbId, revision: w.revision, state: w.state, source: m.source, runId } });
      outcomes.push(w.kind === 'create' ? 'created' : 'updated');
    }
    if (affected.length) await timed('affected', sql`insert into advisories_affected (${affected.names()}) select ${affected.select()} from ${affected.from()}`.execute(trx));
    if (revisions.length) await timed('revisions', sql`insert into advisories_revisions (${revisions.names()}) select ${revisions.select()} from ${revisions.from()}`.execute(trx));

    // ---- tail: in order, once the predecessor has committed ----
    if (pred) {
      if (!(await timed('wait for predecessor', pred.settled))) throw new Retry();
      await pred.done;
    }
    if (!plans.length) return out;
    // Imported JVN ids raise their year's counter, so later local publications never reuse them.
    const raise = new Map<number, number>();
    for (const { p, kind } of writes) if (kind === 'create' && p.m.jvndbId) {
      const [, y, n] = JVNDB_RE.exec(p.m.jvndbId)!;
      raise.set(Number(y), Math.max(raise.get(Number(y)) ?? 0, Number(n)));
    }
    if (raise.size) {
      await timed('counter', sql`insert into advisories_counters (year, n) select * from unnest(${[...raise.keys()]}::integer[], ${[...raise.values()]}::integer[])
        on conflict (year) do update set n = greatest(advisories_counters.n, excluded.n)`.execute(trx));
    }
    if (needNumbers) {
      // The counter row is locked until commit. A short lock timeout: whoever holds it (a staff
      // publication) may be waiting for one of this batch's new JVNDB ids, so give way to it.
      if (!b.exclusive) await sql`select set_config('lock_timeout', '200ms', true)`.execute(trx);
      const r = await timed('counter', sql<{ n: number }>`insert into advisories_counters (year, n) values (${year}, ${needNumbers})
        on conflict (year) do update set n = advisories_counters.n + excluded.n returning n`.execute(trx));
      if (!b.exclusive) await sql`select set_config('lock_timeout', '0', true)`.execute(trx);
      if (Number(r.rows[0].n) !== base + needNumbers) throw new Retry();
    }
    await timed('audit', ctx.audit.recordMany(audit, trx));
    return out;
  }

  // ---- one run at a time on a server (RUN_LOCK), taking turns between batches ----
  let gate: Kysely<any> | null = null;
  let yielding = false; let handing = false;
  const lockRun = (c: Kysely<any>) => timed('run lock', sql`select pg_advisory_lock(${sql.lit(RUN_LOCK)})`.execute(c));
  const unlockRun = (c: Kysely<any>) => sql`select pg_advisory_unlock(${sql.lit(RUN_LOCK)})`.execute(c);
  async function checkWaiting() {
    if (!gate || yielding) return;
    const r = await sql<{ w: boolean }>`select exists (select 1 from pg_locks where locktype = 'advisory' and classid = 0 and objid = ${RUN_LOCK} and objsubid = 1 and not granted) as w`.execute(gate);
    if (r.rows[0].w && !yielding) { yielding = true; pump(); }
  }
  async function handOver() {
    handing = true;
    try { await unlockRun(gate!); await lockRun(gate!); } catch (e) { fatal ??= e; } finally { handing = false; yielding = false; pump(); }
  }
  afterBatch = () => { if (gate) void checkWaiting().catch((e) => { fatal ??= e; }); };
  beforeStart = () => { if (!yielding) return true; if (!running.length && !handing) void handOver(); return false; };

  const pipeline = async () => {
    let items: Prepared[] = [];
    let keys = new Set<string>();
    const flush = async () => {
      if (!items.length) return;
      const b = new Batch(items); items = []; keys = new Set();
      waiting.push(b); pump();
      await b.started.promise; // at most `inFlight` batches written while the next one is mapped
      opts.onProgress?.(res.total);
    };
    let lastYield = performance.now();
    for await (const rec of records) {
      if (fatal) break;
      // Mapping runs while batches are written; the database's replies are read only when the
      // event loop gets a turn, so give it one every few milliseconds (awaiting an iterator does not).
      if (running.length && performance.now() - lastYield > 4) { await new Promise((r) => setImmediate(r)); lastYield = performance.now(); }
      res.total++;
      const p = prepare(rec);
      if (!p) continue;
      const key = p.m.jvndbId ?? p.m.cve!;
      if (keys.has(key)) await flush(); // the same advisory twice: the later record sees the earlier one committed
      items.push(p); keys.add(key);
      if (items.length >= size) await flush();
    }
    await flush();
    while (running.length || waiting.length || handing) {
      if (running.length) await Promise.all(running.map((r) => r.task));
      else { pump(); await new Promise((r) => setTimeout(r, 5)); } // handing the run lock over, or about to
    }
    if (fatal) throw fatal;
  };
  try {
    if (ctx.database.kind === 'postgres') {
      await ctx.db.connection().execute(async (c) => {
        gate = c as Kysely<any>;
        await lockRun(gate);
        try { await pipeline(); } finally { gate = null; await unlockRun(c as Kysely<any>); }
      });
    } else await pipeline();
  } catch (e) {
    while (running.length) await Promise.all(running.map((r) => r.task));
    await finishRun(ctx, runId, res, e instanceof AppError ? e.text.en : e instanceof Error ? e.message : String(e)).catch(() => undefined);
    throw e;
  }
  await finishRun(ctx, runId, res);
  printTiming();
  return { ...res, runId, ms: Date.now() - t0 };
}

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
