// The vulnerability countermeasure database (脆弱性対策情報データベース, JVN iPedia): advisories with
// JVNDB IDs, CVSS scored by the shared library, vendor/product dictionaries with stable numeric ids,
// a revision row for every change, the staff workflow, importers (CISA KEV, NVD CVE API 2.0), search
// and the monthly registration figures.
import { randomUUID, createHash } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { Actor, AppContext, Executor } from '../../platform/context.js';
import type { CaseRecord } from '../../platform/cases/types.js';
import { AppError, forbidden, notFound, validationFailed, type FieldError } from '../../platform/http/errors.js';
import { fiscalYear, jstMidnight, jstParts } from '../../platform/i18n/dates.js';
import { parseCvss, CvssError, type CvssResult, type Severity } from '../../shared/cvss.js';

export const PERM = { write: 'advisories.write', publish: 'advisories.publish', import: 'advisories.import' } as const;
export type AdvisoryState = 'draft' | 'review' | 'published' | 'revised';
export type Bi = { ja: string; en: string };

export interface AffectedInput {
  vendor: string; product: string; cpe?: string | null; versionText?: string | null;
  versionStart?: string | null; versionStartIncluding?: boolean | null; versionEnd?: string | null; versionEndIncluding?: boolean | null; purl?: string | null;
}
export interface AdvisoryInput {
  title?: Partial<Bi>; overview?: Partial<Bi>; impact?: Partial<Bi>; solution?: Partial<Bi>;
  cveIds?: string[]; jvnIds?: string[]; cweIds?: string[];
  /** CVSS vectors of any version (2.0, 3.0, 3.1, 4.0); scores and severities are computed. */
  cvss?: string[];
  affected?: AffectedInput[];
  references?: Array<{ url: string; type?: string; title?: string | null }>;
  /** 公表日 (YYYY-MM-DD or ISO instant). */
  publicDate?: string | null;
}
export interface ValidAdvisory {
  title: Bi; overview: Bi; impact: Bi; solution: Bi; cveIds: string[]; jvnIds: string[]; cweIds: string[];
  cvss: CvssResult[]; affected: Array<Required<{ [K in keyof AffectedInput]: NonNullable<AffectedInput[K]> | null }> & { vendor: string; product: string }>;
  references: Array<{ url: string; type: string; title: string | null }>; publicDate: Date | null;
}

export interface Advisory extends ValidAdvisory {
  id: string; jvndbId: string | null; state: AdvisoryState; severity: Severity | null;
  firstPublishedAt: Date | null; modifiedAt: Date | null; kev: boolean; kevAdded: string | null;
  source: string; sourceRef: string | null; revision: number; updatedAt: Date;
  affected: Array<ValidAdvisory['affected'][number] & { vendorId: number; productId: number }>;
}
export interface Revision { revision: number; at: Date; actor: string; kind: string; note: string }
export interface ImportError { index: number; path: string; message: string; /** Japanese message, when the check has one. */ messageJa?: string; /** Line in the source (XML, JSON lines). */ line?: number }
export interface ImportResult {
  created: number; updated: number; unchanged: number; stale: number; errors: ImportError[];
  /** Records deliberately not imported (REJECTED CVE records). */ skipped?: number;
  /** Errors in total (the list is capped). */ errorCount?: number;
  /** The provenance row (advisories_import_runs). */ runId?: string;
}

/** Search results are counted exactly up to this many; see AdvisoriesService.search. */
export const SEARCH_COUNT_CAP = 5000;
/** Heap pages read by the sample that decides "more than SEARCH_COUNT_CAP" (surelyAboveCap), and its margin in standard errors. */
const SAMPLE_PAGES = 400;
const SAMPLE_Z = 6;
/** Share of the statistics sample above which a trigram is too common to be worth reading from the index (indexPattern). */
const RARE_GRAM = 0.025;

export interface SearchFilters {
  q?: string; vendorId?: number; productId?: number; cwe?: string; severity?: Severity[]; kev?: boolean;
  /** CPE vendor and product (from a CPE 2.3 name or 2.2 URI; see parseCpeFilter). */
  cpe?: { vendor: string; product: string | null };
  from?: Date; to?: Date; includeUnpublished?: boolean;
}

export interface AdvisoriesService {
  create(input: AdvisoryInput, actor: Actor): Promise<Advisory>;
  update(id: string, input: AdvisoryInput, actor: Actor, note?: string): Promise<Advisory>;
  submitForReview(id: string, actor: Actor): Promise<Advisory>;
  publish(id: string, actor: Actor): Promise<Advisory>;
  createDraftFromCase(record: CaseRecord, actor: Actor, trx: Executor): Promise<void>;
  get(idOrJvndb: string, opts?: { includeUnpublished?: boolean }): Promise<Advisory | null>;
  /** Published advisories by JVNDB ID or uuid, in the order asked; unknown and unpublished ones left out. */
  getMany(keys: string[]): Promise<Advisory[]>;
  /** JVNDB IDs of published advisories, newest first, below `before` (paging). */
  publishedKeys(opts: { before?: string; limit: number }): Promise<string[]>;
  /** JVNDB IDs of advisories changed at or after `since` (any state), with their last change. */
  changedSince(since: Date): Promise<Array<{ jvndbId: string; updatedAt: Date }>>;
  /**
   * A time before which every change is visible now: the start of the oldest transaction that has
   * written and not yet ended (its rows will carry that time or later), or the database's now().
   */
  changeMark(): Promise<Date>;
  revisions(id: string): Promise<Revision[]>;
  /**
   * Matching advisories, newest public date first. `total` is exact up to SEARCH_COUNT_CAP; above it
   * `total` is the cap and `totalExact` false (counting 60,000 matches of a common word costs ~0.4 s).
   */
  search(f: SearchFilters, page: { offset: number; limit: number }): Promise<{ total: number; totalExact: boolean; items: Advisory[] }>;
  /** Published advisories ordered by (updatedAt, id), after a cursor; for incremental sync. */
  listChanged(opts: { modifiedSince?: Date; after?: { at: Date; id: string }; limit: number }): Promise<Advisory[]>;
  vendors(): Promise<Array<{ id: number; name: string; products: number }>>;
  importKev(doc: unknown, actor: Actor): Promise<ImportResult>;
  importNvd(doc: unknown, actor: Actor): Promise<ImportResult>;
  /** Bulk import of parsed records of one format (NVD items `{cve}`, KEV entries, CVE 5 records, HND Vulinfo nodes, OKA documents); idempotent, batched. */
  importRecords(format: ImportFormatName, records: Iterable<unknown> | AsyncIterable<unknown>, actor: Actor, info?: { fileName?: string; sha256?: string; size?: number }): Promise<ImportResult>;
  /** Called (synchronously, inside the writing transaction) whenever this process changes an advisory. */
  onChange(listener: () => void): void;
  registeredBetween(from: Date, to: Date): Promise<number>;
  registeredBefore(at: Date): Promise<number>;
  /** 登録件数 per month of a fiscal year (April first) and the cumulative total at its end. */
  monthly(fy: number): Promise<{ months: Array<{ year: number; month: number; count: number }>; total: number; cumulative: number }>;
}

// ---------------------------------------------------------------- validation

/** Vendor and product of a CPE 2.3 formatted string or a CPE 2.2 URI used as a search filter; null if malformed. */
export function parseCpeFilter(raw: string): { vendor: string; product: string | null } | null {
  const s = raw.trim().toLowerCase();
  let parts: string[];
  if (s.startsWith('cpe:2.3:')) parts = s.slice(8).split(/(?<!\\):/);
  else if (s.startsWith('cpe:/')) parts = s.slice(5).split(':');
  else return null;
  const [part, vendor, product] = parts;
  if (!part || !/^[aho*]$/.test(part) || !vendor || vendor === '*' || vendor === '-' || !/^[^\s]{1,200}$/.test(vendor)) return null;
  return { vendor, product: product && product !== '*' && product !== '-' ? product : null };
}

const CVE_RE = /^CVE-\d{4}-\d{4,}$/;
const JVN_RE = /^JVN(VU)?#\d{6,8}$/;
const CWE_RE = /^(CWE-\d{1,5}|NVD-CWE-Other|NVD-CWE-noinfo)$/;
// CPE 2.3 formatted string: 13 colon-separated components, escaped colons allowed.
const CPE_RE = /^cpe:2\.3:[aho*-](?::(?:[^:\\]|\\.)+){10}$/;
const PURL_RE = /^pkg:[a-z][a-z0-9.+-]*\/[^\s]+$/;
const REF_TYPES = new Set(['advisory', 'patch', 'vendor', 'exploit', 'mitigation', 'report', 'other']);
const LIMIT = { title: 500, text: 20000 };
const SEV_ORDER: Severity[] = ['none', 'low', 'medium', 'high', 'critical'];

const err = (field: string, ja: string, en: string): FieldError => ({ field, message: { ja, en } });
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

function parseDate(raw: string): Date | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) { const [y, m, d] = raw.split('-').map(Number); const dt = jstMidnight(y, m, d); return Number.isNaN(dt.getTime()) ? null : dt; }
  const dt = new Date(raw);
  return /^\d{4}-\d{2}-\d{2}T/.test(raw) && !Number.isNaN(dt.getTime()) ? dt : null;
}

/**
 * Reads a Japanese/English text pair (trimmed) and reports either language over `max` characters;
 * with `required`, at least one language must be given. Shared by advisories and alerts.
 */
export function bilingualField(value: Partial<Bi> | undefined, name: string, max: number, errors: FieldError[], required = false): Bi {
  const out = { ja: str(value?.ja), en: str(value?.en) };
  for (const l of ['ja', 'en'] as const) if (out[l].length > max) errors.push(err(`${name}.${l}`, `${max} 文字以内で入力してください。`, `At most ${max} characters.`));
  if (required && !out.ja && !out.en) errors.push(err(name, 'タイトル（日本語または英語）は必須です。', 'A title (Japanese or English) is required.'));
  return out;
}

export function validateAdvisory(input: AdvisoryInput): { valid: ValidAdvisory; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const bi = (name: keyof Pick<AdvisoryInput, 'title' | 'overview' | 'impact' | 'solution'>, max: number): Bi => bilingualField(input[name], name, max, errors, name === 'title');
  const title = bi('title', LIMIT.title);
  const list = (name: 'cveIds' | 'jvnIds' | 'cweIds', re: RegExp, label: string) => {
    const vals = (input[name] ?? []).map(str);
    vals.forEach((v, i) => { if (!re.test(v)) errors.push(err(`${name}[${i}]`, `${label} の形式が正しくありません: ${v}`, `Invalid ${label}: ${v}`)); });
    return [...new Set(vals)];
  };
  const cveIds = list('cveIds', CVE_RE, 'CVE ID'); const jvnIds = list('jvnIds', JVN_RE, 'JVN ID'); const cweIds = list('cweIds', CWE_RE, 'CWE');
  const cvss: CvssResult[] = [];
  (input.cvss ?? []).forEach((v, i) => {
    try {
      const r = parseCvss(str(v));
      if (cvss.some((c) => c.version === r.version)) errors.push(err(`cvss[${i}]`, `CVSS v${r.version} のベクトルが重複しています。`, `Duplicate CVSS v${r.version} vector.`));
      else cvss.push(r);
    } catch (e) {
      const text = e instanceof CvssError ? e.text : { ja: String(e), en: String(e) };
      errors.push({ field: `cvss[${i}]`, message: text });
    }
  });
  const affected: ValidAdvisory['affected'] = [];
  (input.affected ?? []).forEach((a, i) => {
    const vendor = str(a.vendor); const product = str(a.product); const cpe = str(a.cpe) || null; const purl = str(a.purl) || null;
    if (!vendor) errors.push(err(`affected[${i}].vendor`, 'ベンダ名は必須です。', 'The vendor is required.'));
    if (!product) errors.push(err(`affected[${i}].product`, '製品名は必須です。', 'The product is required.'));
    if (cpe && !CPE_RE.test(cpe)) errors.push(err(`affected[${i}].cpe`, `CPE 2.3 名の形式が正しくありません: ${cpe}`, `Not a CPE 2.3 formatted string: ${cpe}`));
    if (purl && !PURL_RE.test(purl)) errors.push(err(`affected[${i}].purl`, `purl の形式が正しくありません: ${purl}`, `Not a package URL: ${purl}`));
    affected.push({
      vendor, product, cpe, purl, versionText: str(a.versionText) || null,
      versionStart: str(a.versionStart) || null, versionStartIncluding: a.versionStart ? a.versionStartIncluding ?? true : null,
      versionEnd: str(a.versionEnd) || null, versionEndIncluding: a.versionEnd ? a.versionEndIncluding ?? false : null,
    });
  });
  const references: ValidAdvisory['references'] = [];
  (input.references ?? []).forEach((r, i) => {
    const url = str(r.url); const type = str(r.type) || 'other';
    let ok = false; try { ok = ['http:', 'https:'].includes(new URL(url).protocol); } catch { ok = false; }
    if (!ok) errors.push(err(`references[${i}].url`, `URL が正しくありません: ${url}`, `Invalid URL: ${url}`));
    if (!REF_TYPES.has(type)) errors.push(err(`references[${i}].type`, `参照の種類が正しくありません: ${type}`, `Unknown reference type: ${type}`));
    if (!references.some((x) => x.url === url)) references.push({ url, type, title: str(r.title) || null });
  });
  let publicDate: Date | null = null;
  if (input.publicDate) {
    publicDate = parseDate(str(input.publicDate));
    if (!publicDate) errors.push(err('publicDate', '公表日の形式が正しくありません（YYYY-MM-DD）。', 'Invalid public date (YYYY-MM-DD).'));
  }
  return {
    valid: { title, overview: bi('overview', LIMIT.text), impact: bi('impact', LIMIT.text), solution: bi('solution', LIMIT.text), cveIds, jvnIds, cweIds, cvss, affected, references, publicDate },
    errors,
  };
}

export function maxSeverity(cvss: CvssResult[]): Severity | null {
  let best: Severity | null = null;
  for (const c of cvss) if (!best || SEV_ORDER.indexOf(c.severity) > SEV_ORDER.indexOf(best)) best = c.severity;
  return best;
}
const hashOf = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');
export const searchTextOf = (v: ValidAdvisory, jvndb: string | null) =>
  [jvndb ?? '', ...v.cveIds, ...v.jvnIds, v.title.ja, v.title.en, v.overview.ja, v.overview.en, ...v.affected.map((a) => `${a.vendor} ${a.product}`)].join(' ').toLowerCase();

// ---------------------------------------------------------------- service

interface Row {
  id: string; jvndb_id: string | null; state: AdvisoryState; title_ja: string; title_en: string; overview_ja: string; overview_en: string;
  impact_ja: string; impact_en: string; solution_ja: string; solution_en: string; cve_ids: string[]; jvn_ids: string[]; cwe_ids: string[];
  severity: Severity | null; public_date: Date | null; first_published_at: Date | null; modified_at: Date | null; kev: boolean; kev_added: string | Date | null;
  source: string; source_ref: string | null; source_version: string | null; content_hash: string | null; revision: number; updated_at: Date;
}

const actorName = (a: Actor) => a.userId ?? a.displayName;
const dateOnly = (v: string | Date | null) => (v == null ? null : typeof v === 'string' ? v.slice(0, 10) : new Date(v.getTime() - v.getTimezoneOffset() * 60000).toISOString().slice(0, 10));

interface CvssRow { advisory_id?: string; version: string; vector: string; base_score: number; severity: Severity }
interface AffectedRow {
  advisory_id?: string; product_id: number; vendor_id: number; vendor: string; product: string; cpe23: string | null; version_text: string | null;
  version_start: string | null; start_including: boolean | null; version_end: string | null; end_including: boolean | null; purl: string | null;
}
interface RefRow { advisory_id?: string; url: string; type: string; title: string | null }

function build(r: Row, cv: CvssRow[], af: AffectedRow[], rf: RefRow[]): Advisory {
  return {
    id: r.id, jvndbId: r.jvndb_id, state: r.state, severity: r.severity,
    title: { ja: r.title_ja, en: r.title_en }, overview: { ja: r.overview_ja, en: r.overview_en },
    impact: { ja: r.impact_ja, en: r.impact_en }, solution: { ja: r.solution_ja, en: r.solution_en },
    cveIds: r.cve_ids, jvnIds: r.jvn_ids, cweIds: r.cwe_ids,
    cvss: cv.map((c) => ({ version: c.version as CvssResult['version'], vector: c.vector, baseScore: Number(c.base_score), severity: c.severity })),
    affected: af.map((a) => ({
      vendor: a.vendor, product: a.product, vendorId: a.vendor_id, productId: a.product_id, cpe: a.cpe23, purl: a.purl, versionText: a.version_text,
      versionStart: a.version_start, versionStartIncluding: a.start_including, versionEnd: a.version_end, versionEndIncluding: a.end_including,
    })),
    references: rf.map((x) => ({ url: x.url, type: x.type, title: x.title })),
    publicDate: r.public_date, firstPublishedAt: r.first_published_at, modifiedAt: r.modified_at, kev: r.kev, kevAdded: dateOnly(r.kev_added),
    source: r.source, sourceRef: r.source_ref, revision: r.revision, updatedAt: r.updated_at,
  };
}

export function createAdvisoriesService(ctx: AppContext): AdvisoriesService {
  const db = () => ctx.db;
  const listeners: Array<() => void> = [];
  const changed = () => { for (const l of listeners) l(); };

  function need(actor: Actor, perm: string) {
    if (actor.kind !== 'system' && !actor.permissions.has(perm)) throw forbidden();
  }

  async function rowById(id: string, trx: Executor, lock = false): Promise<Row | null> {
    const isUuid = /^[0-9a-f-]{36}$/i.test(id);
    const r = lock
      ? await sql<Row>`select * from advisories where ${isUuid ? sql`id = ${id}::uuid` : sql`jvndb_id = ${id}`} for update`.execute(trx)
      : await sql<Row>`select * from advisories where ${isUuid ? sql`id = ${id}::uuid` : sql`jvndb_id = ${id}`}`.execute(trx);
    return r.rows[0] ?? null;
  }

  async function hydrate(rows: Row[], trx: Executor): Promise<Advisory[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [cv, af, rf] = await Promise.all([
      sql<CvssRow>`select * from advisories_cvss where advisory_id = any(${ids}::uuid[]) order by version desc`.execute(trx),
      sql<AffectedRow>`
        select a.*, p.vendor_id, v.name as vendor, p.name as product from advisories_affected a join advisories_products p on p.id = a.product_id join advisories_vendors v on v.id = p.vendor_id
        where a.advisory_id = any(${ids}::uuid[]) order by a.sort`.execute(trx),
      sql<RefRow>`select * from advisories_references where advisory_id = any(${ids}::uuid[]) order by sort`.execute(trx),
    ]);
    return rows.map((r) => build(r, cv.rows.filter((c) => c.advisory_id === r.id), af.rows.filter((a) => a.advisory_id === r.id), rf.rows.filter((x) => x.advisory_id === r.id)));
  }

  /** One advisory with its children in a single round trip through advisories_doc() (plans cached per connection). */
  async function getJoined(id: string, trx: Executor): Promise<Advisory | null> {
    return fromDoc((await sql<{ d: unknown }>`select advisories_doc(${id}) as d`.execute(trx)).rows[0]?.d);
  }
  function fromDoc(raw: unknown): Advisory | null {
    if (!raw) return null;
    const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { row: Row & Record<string, unknown>; cvss: CvssRow[]; affected: AffectedRow[]; refs: RefRow[] };
    const r = doc.row;
    // Timestamps arrive as ISO strings inside JSON.
    const at = (v: unknown) => (v == null ? null : new Date(v as string));
    const row: Row = { ...r, public_date: at(r.public_date), first_published_at: at(r.first_published_at), modified_at: at(r.modified_at), updated_at: at(r.updated_at)! };
    return build(row, doc.cvss, doc.affected, doc.refs);
  }

  async function productId(trx: Executor, vendor: string, product: string, cpe: string | null): Promise<number> {
    const parts = cpe ? cpe.split(/(?<!\\):/) : [];
    const vkey = vendor.toLowerCase(); const pkey = product.toLowerCase();
    await sql`insert into advisories_vendors (name, key, cpe_vendor) values (${vendor}, ${vkey}, ${parts[3] ?? null}) on conflict (key) do nothing`.execute(trx);
    const v = (await sql<{ id: number }>`select id from advisories_vendors where key = ${vkey}`.execute(trx)).rows[0];
    await sql`insert into advisories_products (vendor_id, name, key, cpe_product) values (${v.id}, ${product}, ${pkey}, ${parts[4] ?? null}) on conflict (vendor_id, key) do nothing`.execute(trx);
    return (await sql<{ id: number }>`select id from advisories_products where vendor_id = ${v.id} and key = ${pkey}`.execute(trx)).rows[0].id;
  }

  async function nextJvndb(trx: Executor, at: Date): Promise<string> {
    const year = jstParts(at).y;
    const r = await sql<{ n: number }>`insert into advisories_counters (year, n) values (${year}, 1) on conflict (year) do update set n = advisories_counters.n + 1 returning n`.execute(trx);
    return `JVNDB-${year}-${String(r.rows[0].n).padStart(6, '0')}`;
  }

  async function snapshot(trx: Executor, id: string): Promise<Advisory> {
    const row = await rowById(id, trx);
    return (await hydrate([row!], trx))[0];
  }

  /** Writes the content of an advisory (children replaced) and appends a revision row. */
  async function write(trx: Executor, opts: {
    id: string | null; v: ValidAdvisory; state: AdvisoryState; actor: Actor; kind: string; note?: string;
    source?: string; sourceRef?: string | null; sourceVersion?: string | null; contentHash?: string | null;
    publish?: boolean; kev?: { added: string | null };
  }): Promise<string> {
    const { v } = opts;
    changed();
    const now = new Date();
    let id = opts.id;
    let jvndb: string | null = null;
    let revision = 1;
    let firstPublished: Date | null = null;
    if (id) {
      const cur = (await rowById(id, trx, true))!;
      jvndb = cur.jvndb_id; revision = cur.revision + 1; firstPublished = cur.first_published_at;
    } else id = randomUUID();
    if (opts.publish && !jvndb) { jvndb = await nextJvndb(trx, now); firstPublished = now; }
    const published = opts.state === 'published' || opts.state === 'revised';
    const modified = published ? now : null;
    const sev = maxSeverity(v.cvss);
    const text = searchTextOf(v, jvndb);
    const kevCols = opts.kev ? sql`, kev = ${opts.kev.added !== null}, kev_added = ${opts.kev.added}::date` : sql``;
    if (revision === 1) {
      await sql`insert into advisories (id, jvndb_id, state, title_ja, title_en, overview_ja, overview_en, impact_ja, impact_en, solution_ja, solution_en,
        cve_ids, jvn_ids, cwe_ids, severity, public_date, first_published_at, modified_at, kev, kev_added, source, source_ref, source_version, content_hash, revision, search_text, updated_at)
        values (${id}, ${jvndb}, ${opts.state}, ${v.title.ja}, ${v.title.en}, ${v.overview.ja}, ${v.overview.en}, ${v.impact.ja}, ${v.impact.en}, ${v.solution.ja}, ${v.solution.en},
        ${v.cveIds}::text[], ${v.jvnIds}::text[], ${v.cweIds}::text[], ${sev}, ${v.publicDate}, ${firstPublished}, ${modified}, ${opts.kev?.added != null}, ${opts.kev?.added ?? null}::date,
        ${opts.source ?? 'staff'}, ${opts.sourceRef ?? null}, ${opts.sourceVersion ?? null}, ${opts.contentHash ?? null}, 1, ${text}, ${now})`.execute(trx);
    } else {
      await sql`update advisories set jvndb_id = ${jvndb}, state = ${opts.state}, title_ja = ${v.title.ja}, title_en = ${v.title.en}, overview_ja = ${v.overview.ja}, overview_en = ${v.overview.en},
        impact_ja = ${v.impact.ja}, impact_en = ${v.impact.en}, solution_ja = ${v.solution.ja}, solution_en = ${v.solution.en},
        cve_ids = ${v.cveIds}::text[], jvn_ids = ${v.jvnIds}::text[], cwe_ids = ${v.cweIds}::text[], severity = ${sev}, public_date = coalesce(${v.publicDate}, public_date),
        first_published_at = ${firstPublished}, modified_at = coalesce(${modified}, modified_at), revision = ${revision}, search_text = ${text}, updated_at = ${now}
        ${opts.source ? sql`, source = ${opts.source}, source_ref = ${opts.sourceRef ?? null}, source_version = ${opts.sourceVersion ?? null}, content_hash = ${opts.contentHash ?? null}` : sql``}
        ${kevCols}
        where id = ${id}`.execute(trx);
      await sql`delete from advisories_cvss where advisory_id = ${id}`.execute(trx);
      await sql`delete from advisories_affected where advisory_id = ${id}`.execute(trx);
      await sql`delete from advisories_references where advisory_id = ${id}`.execute(trx);
    }
    for (const c of v.cvss) await sql`insert into advisories_cvss (advisory_id, version, vector, base_score, severity) values (${id}, ${c.version}, ${c.vector}, ${c.baseScore}, ${c.severity})`.execute(trx);
    let i = 0;
    for (const a of v.affected) {
      const pid = await productId(trx, a.vendor, a.product, a.cpe);
      await sql`insert into advisories_affected (advisory_id, sort, product_id, cpe23, version_text, version_start, start_including, version_end, end_including, purl)
        values (${id}, ${i++}, ${pid}, ${a.cpe}, ${a.versionText}, ${a.versionStart}, ${a.versionStartIncluding}, ${a.versionEnd}, ${a.versionEndIncluding}, ${a.purl})`.execute(trx);
    }
    i = 0;
    for (const r of v.references) await sql`insert into advisories_references (advisory_id, sort, url, type, title) values (${id}, ${i++}, ${r.url}, ${r.type}, ${r.title})`.execute(trx);
    await appendRevision(trx, id, revision, opts.actor, opts.kind, opts.note ?? '', now);
    await ctx.audit.record({ action: `advisories.${opts.kind}`, actor: opts.actor, subjectType: 'advisory', subjectId: id, details: { jvndbId: jvndb, revision, state: opts.state } }, trx);
    return id;
  }

  async function appendRevision(trx: Executor, id: string, revision: number, actor: Actor, kind: string, note: string, at: Date) {
    const snap = await snapshot(trx, id);
    await sql`insert into advisories_revisions (advisory_id, revision, at, actor, kind, note, snapshot) values (${id}, ${revision}, ${at}, ${actorName(actor)}, ${kind}, ${note}, ${JSON.stringify(snap)}::jsonb)`.execute(trx);
  }

  async function transitionState(id: string, actor: Actor, from: AdvisoryState[], to: AdvisoryState, kind: string): Promise<Advisory> {
    return db().transaction().execute(async (trx) => {
      const cur = await rowById(id, trx, true);
      if (!cur) throw notFound({ ja: '脆弱性対策情報', en: 'advisory' });
      if (!from.includes(cur.state)) throw new AppError(409, 'invalid_state', { ja: `現在の状態（${cur.state}）ではこの操作はできません。`, en: `Not possible in state ${cur.state}.` });
      changed();
      const now = new Date();
      let jvndb = cur.jvndb_id;
      if (to === 'published' && !jvndb) jvndb = await nextJvndb(trx, now);
      await sql`update advisories set state = ${to}, jvndb_id = ${jvndb}, revision = revision + 1, updated_at = ${now},
        first_published_at = ${to === 'published' ? sql`coalesce(first_published_at, ${now})` : sql`first_published_at`},
        modified_at = ${to === 'published' ? sql`${now}` : sql`modified_at`},
        public_date = ${to === 'published' ? sql`coalesce(public_date, ${now})` : sql`public_date`},
        search_text = ${jvndb && !cur.jvndb_id ? sql`${jvndb.toLowerCase()} || search_text` : sql`search_text`}
        where id = ${cur.id}`.execute(trx);
      await appendRevision(trx, cur.id, cur.revision + 1, actor, kind, '', now);
      await ctx.audit.record({ action: `advisories.${kind}`, actor, subjectType: 'advisory', subjectId: cur.id, details: { jvndbId: jvndb, from: cur.state, to } }, trx);
      return snapshot(trx, cur.id);
    });
  }

  // Imports run through the bulk engine in importers/ (loaded on first use: it imports this file).
  function importer(kind: 'kev' | 'nvd') {
    return async (doc: unknown, actor: Actor): Promise<ImportResult> => {
      need(actor, PERM.import);
      const { recordsOfDoc } = await import('./importers/sources.js');
      const list = recordsOfDoc(kind, doc, kind === 'kev' ? 'KEV' : 'NVD');
      return importRecordsOf(kind, list.map((r, index) => ({ index, ...r })), actor);
    };
  }
  async function importRecordsOf(format: ImportFormatName, records: Iterable<{ index: number; path: string; raw: unknown }> | AsyncIterable<{ index: number; path: string; raw: unknown }>, actor: Actor, info: { fileName?: string; sha256?: string; size?: number } = {}): Promise<ImportResult> {
    need(actor, PERM.import);
    const { runImport } = await import('./importers/engine.js');
    return runImport(ctx, records, { actor, format, ...info });
  }

  /**
   * The conditions of a search. Vendor, product and CPE filters are conditions on the narrow
   * advisories_search_facets copy (alias s): on their own they are the whole search (`facets`);
   * with a keyword they are a semi-join of the advisory conditions (alias a).
   */
  async function searchWhere(f: SearchFilters, trx: Executor) {
    const conds = [f.includeUnpublished ? sql`true` : sql`a.state in ('published', 'revised')`];
    // The same conditions with keywords matched through their rarer trigrams only (see indexPattern).
    const indexed = [...conds];
    const q = (f.q ?? '').trim();
    let lookup = false;
    if (q) {
      const id = q.toUpperCase();
      lookup = true;
      if (/^JVNDB-\d{4}-\d{6}$/.test(id)) conds.push(sql`a.jvndb_id = ${id}`);
      // Containment (@>), not `= any(...)`: only the former can use the GIN array indexes.
      else if (CVE_RE.test(id)) conds.push(sql`a.cve_ids @> array[${id}]::text[]`);
      else if (JVN_RE.test(id)) conds.push(sql`a.jvn_ids @> array[${id}]::text[]`);
      else {
        lookup = false;
        for (const term of q.toLowerCase().split(/\s+/).slice(0, 8)) {
          const like = sql`a.search_text like ${'%' + term.replace(/[\\%_]/g, (c) => '\\' + c) + '%'}`;
          conds.push(like);
          const pattern = [...term].length > 3 ? indexPattern(term, await searchTextSample(trx)) : null;
          // The pattern (the chosen trigrams in order) is what the index is asked for; strpos is the
          // exact test and no index condition. `<> 0`, not `> 0`: the planner then takes it as
          // almost always true instead of a third of the rows, and keeps combining indexes.
          indexed.push(pattern ? sql`a.search_text like ${pattern} and strpos(a.search_text, ${term}) <> 0` : like);
        }
      }
      if (lookup) indexed.push(conds[conds.length - 1]);
    }
    const product: RawBuilder<unknown>[] = [];
    if (f.productId) product.push(sql`s.product_ids @> array[${f.productId}]::int[]`);
    if (f.vendorId) product.push(sql`s.vendor_ids @> array[${f.vendorId}]::int[]`);
    if (f.cpe) {
      product.push(sql`s.product_ids && array(select p.id from advisories_products p join advisories_vendors v on v.id = p.vendor_id
        where v.cpe_vendor = ${f.cpe.vendor} ${f.cpe.product ? sql`and p.cpe_product = ${f.cpe.product}` : sql``})`);
    }
    if (product.length && !q) {
      const fc = [f.includeUnpublished ? sql`true` : sql`s.state in ('published', 'revised')`, ...product];
      if (f.cwe) fc.push(sql`s.cwe_ids @> array[${f.cwe.toUpperCase()}]::text[]`);
      if (f.severity?.length) fc.push(sql`s.severity = any(${f.severity}::text[])`);
      if (f.kev !== undefined) fc.push(sql`s.kev = ${f.kev}`);
      if (f.from) fc.push(sql`s.public_date >= ${f.from}`);
      if (f.to) fc.push(sql`s.public_date < ${f.to}`);
      return { where: null, indexed: null, facets: sql.join(fc, sql` and `), keyword: false, lookup: false, terms: 0 };
    }
    const rest: RawBuilder<unknown>[] = [];
    if (f.cwe) rest.push(sql`a.cwe_ids @> array[${f.cwe.toUpperCase()}]::text[]`);
    if (f.severity?.length) rest.push(sql`a.severity = any(${f.severity}::text[])`);
    if (f.kev !== undefined) rest.push(sql`a.kev = ${f.kev}`);
    if (f.from) rest.push(sql`a.public_date >= ${f.from}`);
    if (f.to) rest.push(sql`a.public_date < ${f.to}`);
    if (product.length) rest.push(sql`exists (select 1 from advisories_search_facets s where s.advisory_id = a.id and ${sql.join(product, sql` and `)})`);
    const terms = q.split(/\s+/).filter(Boolean);
    const keyword = terms.some((t) => t.length >= 3);
    return { where: sql.join([...conds, ...rest], sql` and `), indexed: sql.join([...indexed, ...rest], sql` and `), facets: null, keyword, lookup, terms: lookup ? 0 : terms.length };
  }

  /**
   * A LIKE pattern implied by a keyword that asks the trigram index for its rarer trigrams only. A
   * common word's trigram lists are long and the index reads every list it is given in full (the
   * twelve of クロスサイトスクリプティング, ~70,000 rows each, took ~40 ms); one list finds the same
   * candidates. Trigrams frequent in the column's statistics sample (the pg_stats histogram, ~100
   * rows) are left out when rarer ones remain — e.g. "ndo" (vendor) in "windows" gives %win%dow% —
   * and when all are frequent the rarest (of equals the middle one) is kept. Every match of the
   * keyword matches the pattern. Null: ask for all trigrams (no statistics, or none frequent).
   */
  function indexPattern(term: string, sample: string[] | null): string | null {
    if (!sample?.length) return null;
    const chars = [...term];
    const grams: Array<{ at: number; n: number }> = [];
    for (let i = 0; i + 3 <= chars.length && grams.length < 40; i++) {
      const g = chars.slice(i, i + 3).join('');
      if (/^[\p{L}\p{N}]{3}$/u.test(g)) grams.push({ at: i, n: sample.reduce((k, v) => k + (v.includes(g) ? 1 : 0), 0) });
    }
    const rare = grams.filter((x) => x.n <= sample.length * RARE_GRAM);
    if (!grams.length || rare.length === grams.length) return null;
    const mid = (chars.length - 3) / 2;
    const kept = rare.length ? rare : [grams.reduce((a, b) => (b.n < a.n || (b.n === a.n && Math.abs(b.at - mid) < Math.abs(a.at - mid)) ? b : a))];
    // Non-overlapping, each between wildcards: adjoining trigrams would form the left-out ones again.
    const parts: string[] = [];
    let next = 0;
    for (const x of kept) if (x.at >= next) { parts.push(chars.slice(x.at, x.at + 3).join('')); next = x.at + 3; }
    return `%${parts.join('%')}%`;
  }

  let textSample: { at: number; values: string[] } | null = null;
  /** The search_text histogram of pg_stats (refreshed by ANALYZE), cached for ten minutes once there is one. */
  async function searchTextSample(trx: Executor): Promise<string[] | null> {
    if (textSample && Date.now() - textSample.at < 600_000) return textSample.values;
    const r = await sql<{ v: string[] | null }>`select histogram_bounds::text::text[] as v from pg_stats
      where schemaname = current_schema() and tablename = 'advisories' and attname = 'search_text'`.execute(trx);
    const values = r.rows[0]?.v;
    textSample = values?.length ? { at: Date.now(), values } : null;
    return values ?? null;
  }

  /**
   * Whether a sample of the table shows, beyond reasonable doubt, more than SEARCH_COUNT_CAP
   * matches: then proving it by counting 5,001 of them (0.05–0.1 s for a common word, whose
   * trigram lists hold tens of thousands of rows) is skipped. SYSTEM sampling keeps each heap page
   * with probability p; Σh/p estimates the count (h: matches on a sampled page) with standard error
   * √Σh²/p. The claim needs the estimate minus SAMPLE_Z standard errors above the cap, so a false
   * claim is a > 6σ event; near the cap the sample never decides and the matches are counted.
   */
  async function surelyAboveCap(trx: Executor, where: RawBuilder<unknown>, terms: number): Promise<boolean> {
    // The planner's estimate only spares the sample where it expects few matches (an estimate too
    // high costs a sample; one too low, a count — never a wrong total). It multiplies the shares of
    // several keywords as if they were independent, which they seldom are (sql インジェクション:
    // 1,965 estimated, 23,841 matches), hence the lower bar for them.
    const plan = (await sql<{ 'QUERY PLAN': unknown }>`explain (format json) select 1 from advisories a where ${where}`.execute(trx)).rows[0]['QUERY PLAN'];
    const estimated = Number((typeof plan === 'string' ? JSON.parse(plan) : plan as Array<{ Plan: { 'Plan Rows': number } }>)[0].Plan['Plan Rows']);
    if (estimated < SEARCH_COUNT_CAP / (terms > 1 ? 5 : 2)) return false;
    const pages = Number((await sql<{ n: number }>`select (pg_relation_size('advisories') / current_setting('block_size')::int)::int as n`.execute(trx)).rows[0].n);
    // Small tables are counted outright.
    if (pages < SAMPLE_PAGES * 4) return false;
    const p = SAMPLE_PAGES / pages;
    const r = await sql<{ s1: number; s2: number }>`select coalesce(sum(h), 0)::float8 as s1, coalesce(sum(h * h), 0)::float8 as s2
      from (select count(*) filter (where ${where}) as h from advisories a tablesample system (${p * 100}) repeatable (0) group by (a.ctid::text::point)[0]) x`.execute(trx);
    const { s1, s2 } = r.rows[0];
    return Number(s1) - SAMPLE_Z * Math.sqrt(Number(s2)) > SEARCH_COUNT_CAP * p;
  }

  /**
   * Counts the matches of `matches` (id, public_date, jvndb_id) up to the cap and, when they are
   * within it, returns the ids of the page too: the matches are read once through the indexes and
   * sorted, and only the page's rows are fetched afterwards.
   */
  async function countCapped(trx: Executor, matches: RawBuilder<unknown>, page: { offset: number; limit: number }) {
    const r = await sql<{ n: number; ids: string[] | null }>`with m as materialized (${matches} limit ${SEARCH_COUNT_CAP + 1})
      select n, case when n <= ${SEARCH_COUNT_CAP} then array(select id::text from m order by public_date desc nulls last, jvndb_id desc nulls last limit ${page.limit} offset ${page.offset}) end as ids
      from (select count(*)::int as n from m) c`.execute(trx);
    return { n: Number(r.rows[0].n), ids: r.rows[0].ids };
  }

  /** The advisories of a result page, in the order given, with their children: one statement. */
  async function advisoriesByIds(ids: string[], trx: Executor): Promise<Advisory[]> {
    if (!ids.length) return [];
    const r = await sql<Row & { cvss_j: CvssRow[]; affected_j: AffectedRow[]; refs_j: RefRow[] }>`select a.*,
        coalesce((select json_agg(c order by c.version desc) from advisories_cvss c where c.advisory_id = a.id), '[]') as cvss_j,
        coalesce((select json_agg(json_build_object('product_id', x.product_id, 'vendor_id', p.vendor_id, 'vendor', v.name, 'product', p.name, 'cpe23', x.cpe23,
            'version_text', x.version_text, 'version_start', x.version_start, 'start_including', x.start_including, 'version_end', x.version_end,
            'end_including', x.end_including, 'purl', x.purl) order by x.sort)
          from advisories_affected x join advisories_products p on p.id = x.product_id join advisories_vendors v on v.id = p.vendor_id where x.advisory_id = a.id), '[]') as affected_j,
        coalesce((select json_agg(f order by f.sort) from advisories_references f where f.advisory_id = a.id), '[]') as refs_j
      from advisories a where a.id = any(${ids}::uuid[])`.execute(trx);
    const json = <T>(v: T | string): T => (typeof v === 'string' ? JSON.parse(v) as T : v);
    const byId = new Map(r.rows.map((x) => [x.id, x]));
    return ids.flatMap((id) => {
      const x = byId.get(id);
      if (!x) return [];
      const { cvss_j, affected_j, refs_j, ...row } = x;
      return [build(row, json(cvss_j), json(affected_j), json(refs_j))];
    });
  }

  async function registeredBefore(at: Date): Promise<number> {
    const r = await sql<{ n: number }>`select (select count(*) from advisories where first_published_at < ${at})::int
      + (select coalesce(sum(count), 0) from advisories_registration_baseline where before <= ${at})::int as n`.execute(db());
    return Number(r.rows[0].n);
  }

  return {
    async create(input, actor) {
      need(actor, PERM.write);
      const { valid, errors } = validateAdvisory(input);
      if (errors.length) throw validationFailed(errors);
      return db().transaction().execute(async (trx) => snapshot(trx, await write(trx, { id: null, v: valid, state: 'draft', actor, kind: 'created' })));
    },
    async update(id, input, actor, note) {
      need(actor, PERM.write);
      const { valid, errors } = validateAdvisory(input);
      if (errors.length) throw validationFailed(errors);
      return db().transaction().execute(async (trx) => {
        const cur = await rowById(id, trx, true);
        if (!cur) throw notFound({ ja: '脆弱性対策情報', en: 'advisory' });
        // Changing a published advisory needs the publish permission and makes it 'revised'.
        const published = cur.state === 'published' || cur.state === 'revised';
        if (published) need(actor, PERM.publish);
        return snapshot(trx, await write(trx, { id: cur.id, v: valid, state: published ? 'revised' : cur.state, actor, kind: 'updated', note }));
      });
    },
    async submitForReview(id, actor) { need(actor, PERM.write); return transitionState(id, actor, ['draft'], 'review', 'submitted'); },
    async publish(id, actor) { need(actor, PERM.publish); return transitionState(id, actor, ['review'], 'published', 'published'); },

    async createDraftFromCase(record, actor, trx) {
      const d = record.data as {
        advisory?: { title?: string; summary?: string; affectedProducts?: string; cvssVector?: string | null; solution?: string };
        product?: { name?: string; vendor?: string; versions?: string }; cwe?: string; impact?: string;
      };
      const adv = d.advisory;
      if (!adv?.title) return;
      const existing = await sql<{ id: string }>`select id from advisories where source = 'case' and source_ref = ${record.ref}`.execute(trx);
      if (existing.rows.length) return; // a case is published once; a second call must not duplicate the draft
      const input: AdvisoryInput = {
        title: { ja: adv.title }, overview: { ja: adv.summary ?? '' }, impact: { ja: d.impact ?? '' }, solution: { ja: adv.solution ?? '' },
        cweIds: d.cwe && CWE_RE.test(d.cwe) ? [d.cwe] : [],
        cvss: adv.cvssVector ? [adv.cvssVector] : [],
        affected: d.product?.name && d.product.vendor ? [{ vendor: d.product.vendor, product: d.product.name, versionText: d.product.versions ?? adv.affectedProducts ?? null }] : [],
      };
      const { valid, errors } = validateAdvisory(input);
      if (errors.length) throw validationFailed(errors);
      await write(trx, { id: null, v: valid, state: 'draft', actor, kind: 'created', note: `from case ${record.ref}`, source: 'case', sourceRef: record.ref });
    },

    async get(idOrJvndb, opts = {}) {
      const a = await getJoined(idOrJvndb, db());
      if (!a || (!opts.includeUnpublished && a.state !== 'published' && a.state !== 'revised')) return null;
      return a;
    },
    async getMany(keys) {
      const r = await sql<{ d: unknown }>`select advisories_doc(k) as d from unnest(${keys}::text[]) with ordinality u(k, n) order by n`.execute(db());
      return r.rows.map((x) => fromDoc(x.d)).filter((a): a is Advisory => !!a && (a.state === 'published' || a.state === 'revised'));
    },
    async publishedKeys(opts) {
      const conds = [sql`state in ('published', 'revised')`, sql`jvndb_id is not null`];
      if (opts.before) conds.push(sql`jvndb_id < ${opts.before}`);
      const r = await sql<{ jvndb_id: string }>`select jvndb_id from advisories where ${sql.join(conds, sql` and `)} order by jvndb_id desc limit ${opts.limit}`.execute(db());
      return r.rows.map((x) => x.jvndb_id);
    },
    async changedSince(since) {
      const r = await sql<{ jvndb_id: string; updated_at: Date }>`select jvndb_id, updated_at from advisories where updated_at >= ${since} and jvndb_id is not null`.execute(db());
      return r.rows.map((x) => ({ jvndbId: x.jvndb_id, updatedAt: new Date(x.updated_at) }));
    },
    async changeMark() {
      const r = await sql<{ m: Date }>`select coalesce((select min(xact_start) from pg_stat_activity
        where backend_xid is not null and pid <> pg_backend_pid() and datname = current_database()), now()) as m`.execute(db());
      return new Date(r.rows[0].m);
    },
    async revisions(id) {
      const r = await sql<{ revision: number; at: Date; actor: string; kind: string; note: string }>`select revision, at, actor, kind, note from advisories_revisions where advisory_id = ${id} order by revision`.execute(db());
      return r.rows;
    },
    async search(f, page) {
      const w = await searchWhere(f, db());
      const order = sql`order by public_date desc nulls last, jvndb_id desc nulls last limit ${page.limit} offset ${page.offset}`;
      // Up to the cap the matches are found through the indexes (trigram, GIN arrays, KEV, dates)
      // and sorted; above it they are dense enough (≥ 1.7 % of 300,000) to walk the public-date
      // index and stop after the page. Which case applies is decided by a sample (surelyAboveCap)
      // or else by counting up to the cap.
      return db().transaction().execute(async (trx) => {
        if (w.facets) {
          const c = await countCapped(trx, sql`select s.advisory_id as id, s.public_date, s.jvndb_id from advisories_search_facets s where ${w.facets}`, page);
          const ids = c.ids ?? (await sql<{ id: string }>`select s.advisory_id::text as id from advisories_search_facets s where ${w.facets} ${order}`.execute(trx)).rows.map((x) => x.id);
          const exact = c.n <= SEARCH_COUNT_CAP;
          return { total: exact ? c.n : SEARCH_COUNT_CAP, totalExact: exact, items: await advisoriesByIds(ids, trx) };
        }
        const where = w.where!;
        // Keyword counts must not use a sequential scan: a word matching a few thousand rows spread
        // over the table would be read through most of it before the cap is reached.
        if (w.keyword) await sql`set local enable_seqscan = off`.execute(trx);
        let exact = false; let n = SEARCH_COUNT_CAP; let ids: string[] | null = null;
        if (w.lookup || !(await surelyAboveCap(trx, where, w.terms))) {
          const c = await countCapped(trx, sql`select a.id, a.public_date, a.jvndb_id from advisories a where ${w.indexed!}`, page);
          exact = c.n <= SEARCH_COUNT_CAP; ids = c.ids;
          if (exact) n = c.n;
        }
        if (!ids) {
          // A bitmap plan would read every match (the trigram lists of a common word) before sorting.
          if (!f.includeUnpublished) await sql`set local enable_bitmapscan = off`.execute(trx);
          ids = (await sql<{ id: string }>`select a.id::text as id from advisories a where ${where} ${order}`.execute(trx)).rows.map((x) => x.id);
        }
        return { total: n, totalExact: exact, items: await advisoriesByIds(ids, trx) };
      });
    },
    async listChanged(opts) {
      const conds = [sql`state in ('published', 'revised')`];
      if (opts.modifiedSince) conds.push(sql`updated_at >= ${opts.modifiedSince}`);
      if (opts.after) conds.push(sql`(updated_at, id) > (${opts.after.at}, ${opts.after.id}::uuid)`);
      const rows = await sql<Row>`select * from advisories where ${sql.join(conds, sql` and `)} order by updated_at, id limit ${opts.limit}`.execute(db());
      return hydrate(rows.rows, db());
    },
    async vendors() {
      const r = await sql<{ id: number; name: string; products: number }>`select v.id, v.name, count(p.id)::int as products from advisories_vendors v left join advisories_products p on p.vendor_id = v.id group by v.id order by v.name limit 1000`.execute(db());
      return r.rows;
    },
    importKev: importer('kev'),
    importNvd: importer('nvd'),
    async importRecords(format, records, actor, info) {
      async function* numbered() { let index = 0; for await (const raw of records) { yield { index, path: `[${index}]`, raw }; index++; } }
      return importRecordsOf(format, numbered(), actor, info);
    },
    async registeredBetween(from, to) {
      const r = await sql<{ n: number }>`select count(*)::int as n from advisories where first_published_at >= ${from} and first_published_at < ${to}`.execute(db());
      return Number(r.rows[0].n);
    },
    registeredBefore,
    onChange(listener) { listeners.push(listener); },
    async monthly(fy) {
      const p = fiscalYear(fy);
      const r = await sql<{ y: number; m: number; n: number }>`
        select extract(year from first_published_at at time zone 'Asia/Tokyo')::int as y, extract(month from first_published_at at time zone 'Asia/Tokyo')::int as m, count(*)::int as n
        from advisories where first_published_at >= ${p.from} and first_published_at < ${p.to} group by 1, 2`.execute(db());
      const months = Array.from({ length: 12 }, (_, i) => {
        const month = ((i + 3) % 12) + 1; const year = month >= 4 ? fy : fy + 1;
        return { year, month, count: Number(r.rows.find((x) => Number(x.y) === year && Number(x.m) === month)?.n ?? 0) };
      });
      return { months, total: months.reduce((s, m) => s + m.count, 0), cumulative: await registeredBefore(p.to) };
    },
  };
}

// ---------------------------------------------------------------- import mappings

// The format mappings (NVD, KEV, CVE JSON 5, MyJVN HND/OKA) and the bulk writer live in importers/.
export type ImportFormatName = 'nvd' | 'kev' | 'cve5' | 'hnd' | 'oka';
