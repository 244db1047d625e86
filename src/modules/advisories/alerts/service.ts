// Alerts (注意喚起) and emergency countermeasures (緊急対策): their own publication type with public ids
// `IPA-ALERT-YYYY-NNNN` (gap-free per JST year of first publication), linked to advisories (by JVNDB
// id) and to affected products (CPE 2.3, resolved to the product dictionary when it knows the
// product). Workflow: draft → published → revised (any change after publication) → withdrawn.
// Every change is a revision row and an audit entry in the same transaction.
//
// Other parts (MyJVN getAlertList, icat) read advisories_alerts directly: `alert_id` is null until
// first publication; public rows are those in state published/revised; `modified_at` is the last
// public change; `public_date` the date the alert is dated (defaults to the first publication).
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Actor, AppContext, Executor } from '../../../platform/context.js';
import { AppError, conflict, forbidden, notFound, validationFailed, type FieldError } from '../../../platform/http/errors.js';
import { jstMidnight, jstParts } from '../../../platform/i18n/dates.js';
import { bilingualField, type Bi } from '../service.js';

export const ALERT_PERM = { write: 'advisories.alerts', publish: 'advisories.alerts.publish' } as const;
export const ALERT_KINDS = ['alert', 'emergency'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export type AlertState = 'draft' | 'published' | 'revised' | 'withdrawn';
export const ALERT_ID_RE = /^IPA-ALERT-\d{4}-\d{4,}$/;
export const KIND_LABEL: Record<AlertKind, Bi> = { alert: { ja: '注意喚起', en: 'Security alert' }, emergency: { ja: '緊急対策', en: 'Emergency countermeasure' } };
export const STATE_LABEL: Record<AlertState, Bi> = {
  draft: { ja: '下書き', en: 'Draft' }, published: { ja: '公開', en: 'Published' }, revised: { ja: '更新', en: 'Revised' }, withdrawn: { ja: '取り下げ', en: 'Withdrawn' },
};

export interface AlertProductInput { cpe?: string | null; productId?: number | null; title?: string | null }
export interface AlertInput {
  kind?: string; title?: Partial<Bi>; summary?: Partial<Bi>; body?: Partial<Bi>;
  /** An external page with the full text (http/https), optional. */
  url?: string | null;
  /** The date the alert is dated (YYYY-MM-DD or ISO instant); defaults to the first publication. */
  publicDate?: string | null;
  /** JVNDB ids of linked advisories. */
  advisories?: string[];
  products?: AlertProductInput[];
}
export interface AlertProduct { productId: number | null; cpe: string | null; title: string; vendor: string | null; product: string | null }
export interface LinkedAdvisory { id: string; jvndbId: string; title: Bi; severity: string | null; public: boolean }
export interface Alert {
  id: string; alertId: string | null; kind: AlertKind; state: AlertState;
  title: Bi; summary: Bi; body: Bi; url: string | null;
  publicDate: Date | null; firstPublishedAt: Date | null; modifiedAt: Date | null; revision: number; createdAt: Date; updatedAt: Date;
  advisories: LinkedAdvisory[]; products: AlertProduct[];
}
export interface AlertRevision { revision: number; at: Date; actor: string; kind: string; note: string }
export interface AlertFilter { kind?: AlertKind; year?: number; states?: AlertState[]; q?: string }

export interface AlertsService {
  create(input: AlertInput, actor: Actor): Promise<Alert>;
  update(id: string, input: AlertInput, actor: Actor, note?: string): Promise<Alert>;
  /** Assigns the public id; `at` (the publication instant) is honoured for the system actor only (demo, imports). */
  publish(id: string, actor: Actor, at?: Date): Promise<Alert>;
  withdraw(id: string, actor: Actor, note?: string): Promise<Alert>;
  /** By uuid or public id; drafts and withdrawn alerts only with `includeDrafts` (withdrawn ones are public by id). */
  get(idOrAlertId: string, opts?: { includeDrafts?: boolean }): Promise<Alert | null>;
  list(f: AlertFilter, page: { offset: number; limit: number }): Promise<{ total: number; items: Alert[] }>;
  revisions(id: string): Promise<AlertRevision[]>;
  /** JST years in which public alerts were first published, newest first. */
  years(): Promise<number[]>;
  /** Alerts first published in [from, to), optionally of one kind (withdrawn ones included: they were issued). */
  publishedBetween(from: Date, to: Date, kind?: AlertKind): Promise<number>;
}

// ---------------------------------------------------------------- validation

const CPE_RE = /^cpe:2\.3:[aho*-](?::(?:[^:\\]|\\.)+){10}$/;
const JVNDB_RE = /^JVNDB-\d{4}-\d{6}$/;
const LIMIT = { title: 300, summary: 2000, body: 50000, url: 2000, links: 200, products: 200 };
const err = (field: string, ja: string, en: string): FieldError => ({ field, message: { ja, en } });
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

function parseDate(raw: string): Date | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
    const [y, m, d] = raw.split('-').map(Number);
    const probe = new Date(Date.UTC(y, m - 1, d));
    if (probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) return null;
    return jstMidnight(y, m, d);
  }
  const dt = new Date(raw);
  return /^\d{4}-\d{2}-\d{2}T/.test(raw) && !Number.isNaN(dt.getTime()) ? dt : null;
}

/** Splits a CPE 2.3 formatted string into its components (escaped colons kept). */
export function cpeParts(cpe: string): string[] { return cpe.split(/(?<!\\):/); }

interface ValidAlert {
  kind: AlertKind; title: Bi; summary: Bi; body: Bi; url: string | null; publicDate: Date | null;
  /** With the index of the entry in the input, for error paths. */
  advisories: Array<{ jvndbId: string; index: number }>; products: Array<{ cpe: string | null; productId: number | null; title: string; index: number }>;
}

/** Shape checks; advisory ids and product ids are checked against the database in `resolve`. */
export function validateAlert(input: AlertInput): { valid: ValidAlert; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const kind = str(input.kind) || 'alert';
  if (!(ALERT_KINDS as readonly string[]).includes(kind)) errors.push(err('kind', `種別が正しくありません: ${kind}（alert または emergency）`, `Unknown kind: ${kind} (alert or emergency).`));
  const bi = (name: 'title' | 'summary' | 'body', max: number): Bi => bilingualField(input[name], name, max, errors, name === 'title');
  const title = bi('title', LIMIT.title);
  const summary = bi('summary', LIMIT.summary); const body = bi('body', LIMIT.body);
  const url = str(input.url) || null;
  if (url) {
    let ok = false; try { ok = ['http:', 'https:'].includes(new URL(url).protocol); } catch { ok = false; }
    if (!ok || url.length > LIMIT.url) errors.push(err('url', `URL が正しくありません（http または https）: ${url.slice(0, 100)}`, `Invalid URL (http or https): ${url.slice(0, 100)}`));
  }
  let publicDate: Date | null = null;
  if (input.publicDate) {
    publicDate = parseDate(str(input.publicDate));
    if (!publicDate) errors.push(err('publicDate', '公表日の形式が正しくありません（YYYY-MM-DD）。', 'Invalid public date (YYYY-MM-DD).'));
  }
  const advisories: ValidAlert['advisories'] = [];
  const advIn = Array.isArray(input.advisories) ? input.advisories : [];
  if (advIn.length > LIMIT.links) errors.push(err('advisories', `関連する脆弱性対策情報は ${LIMIT.links} 件までです。`, `At most ${LIMIT.links} linked advisories.`));
  advIn.slice(0, LIMIT.links).forEach((raw, i) => {
    const id = str(raw).toUpperCase();
    if (!JVNDB_RE.test(id)) errors.push(err(`advisories[${i}]`, `JVNDB ID の形式が正しくありません: ${str(raw).slice(0, 40)}`, `Not a JVNDB id: ${str(raw).slice(0, 40)}`));
    else if (!advisories.some((x) => x.jvndbId === id)) advisories.push({ jvndbId: id, index: i });
  });
  const products: ValidAlert['products'] = [];
  const prIn = Array.isArray(input.products) ? input.products : [];
  if (prIn.length > LIMIT.products) errors.push(err('products', `製品は ${LIMIT.products} 件までです。`, `At most ${LIMIT.products} products.`));
  prIn.slice(0, LIMIT.products).forEach((p, i) => {
    const cpe = str(p?.cpe) || null;
    const pid = p?.productId == null || (p.productId as unknown) === '' ? null : Number(p.productId);
    const title = str(p?.title).slice(0, 300);
    const before = errors.length;
    if (cpe && !CPE_RE.test(cpe)) errors.push(err(`products[${i}].cpe`, `CPE 2.3 名の形式が正しくありません: ${cpe.slice(0, 100)}`, `Not a CPE 2.3 formatted string: ${cpe.slice(0, 100)}`));
    if (pid !== null && (!Number.isInteger(pid) || pid < 1)) errors.push(err(`products[${i}].productId`, '製品 ID が正しくありません。', 'Invalid product id.'));
    if (!cpe && pid === null && !title) errors.push(err(`products[${i}]`, 'CPE 名、製品 ID または製品名のいずれかが必要です。', 'A CPE name, a product id or a product name is required.'));
    if (errors.length === before && !products.some((x) => (cpe && x.cpe === cpe) || (pid !== null && x.productId === pid && !cpe))) products.push({ cpe, productId: pid, title, index: i });
  });
  return { valid: { kind: kind as AlertKind, title, summary, body, url, publicDate, advisories, products }, errors };
}

// ---------------------------------------------------------------- service

interface Row {
  id: string; alert_id: string | null; kind: AlertKind; state: AlertState; title_ja: string; title_en: string; summary_ja: string; summary_en: string;
  body_ja: string; body_en: string; url: string | null; public_date: Date | null; first_published_at: Date | null; modified_at: Date | null;
  revision: number; created_at: Date; updated_at: Date;
}
const actorName = (a: Actor) => a.userId ?? a.displayName;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createAlertsService(ctx: AppContext): AlertsService {
  const db = () => ctx.db;

  function need(actor: Actor, perm: string) {
    if (actor.kind !== 'system' && !actor.permissions.has(perm)) throw forbidden();
  }
  const missing = () => notFound({ ja: '注意喚起', en: 'alert' });

  async function rowOf(id: string, trx: Executor, lock = false): Promise<Row | null> {
    const where = UUID_RE.test(id) ? sql`id = ${id}::uuid` : ALERT_ID_RE.test(id) ? sql`alert_id = ${id}` : null;
    if (!where) return null;
    const r = lock ? await sql<Row>`select * from advisories_alerts where ${where} for update`.execute(trx) : await sql<Row>`select * from advisories_alerts where ${where}`.execute(trx);
    return r.rows[0] ?? null;
  }

  async function hydrate(rows: Row[], trx: Executor): Promise<Alert[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    const [links, prods] = await Promise.all([
      sql<{ alert_id: string; id: string; jvndb_id: string; title_ja: string; title_en: string; severity: string | null; state: string }>`
        select l.alert_id, a.id, a.jvndb_id, a.title_ja, a.title_en, a.severity, a.state from advisories_alert_links l join advisories a on a.id = l.advisory_id
        where l.alert_id = any(${ids}::uuid[]) order by a.jvndb_id`.execute(trx),
      sql<{ alert_id: string; product_id: number | null; cpe: string | null; title: string; vendor: string | null; product: string | null }>`
        select x.alert_id, x.product_id, x.cpe, x.title, v.name as vendor, p.name as product from advisories_alert_products x
        left join advisories_products p on p.id = x.product_id left join advisories_vendors v on v.id = p.vendor_id
        where x.alert_id = any(${ids}::uuid[]) order by x.sort`.execute(trx),
    ]);
    return rows.map((r) => ({
      id: r.id, alertId: r.alert_id, kind: r.kind, state: r.state,
      title: { ja: r.title_ja, en: r.title_en }, summary: { ja: r.summary_ja, en: r.summary_en }, body: { ja: r.body_ja, en: r.body_en }, url: r.url,
      publicDate: r.public_date, firstPublishedAt: r.first_published_at, modifiedAt: r.modified_at, revision: r.revision, createdAt: r.created_at, updatedAt: r.updated_at,
      advisories: links.rows.filter((l) => l.alert_id === r.id).map((l) => ({
        id: l.id, jvndbId: l.jvndb_id, title: { ja: l.title_ja, en: l.title_en }, severity: l.severity, public: l.state === 'published' || l.state === 'revised',
      })),
      products: prods.rows.filter((p) => p.alert_id === r.id).map((p) => ({ productId: p.product_id, cpe: p.cpe, title: p.title, vendor: p.vendor, product: p.product })),
    }));
  }

  /**
   * Checks linked advisories and products against the database and returns advisory uuids and
   * resolved products; throws every error at once (the shape errors found before, and these).
   */
  async function resolve(trx: Executor, v: ValidAlert, shapeErrors: FieldError[]): Promise<{ advisoryIds: string[]; products: Array<{ productId: number | null; cpe: string | null; title: string }> }> {
    const errors: FieldError[] = [...shapeErrors];
    const advisoryIds: string[] = [];
    if (v.advisories.length) {
      const r = await sql<{ id: string; jvndb_id: string }>`select id, jvndb_id from advisories where jvndb_id = any(${v.advisories.map((x) => x.jvndbId)}::text[])`.execute(trx);
      for (const { jvndbId: j, index: i } of v.advisories) {
        const hit = r.rows.find((x) => x.jvndb_id === j);
        if (!hit) errors.push(err(`advisories[${i}]`, `脆弱性対策情報 ${j} は登録されていません。`, `Advisory ${j} does not exist.`));
        else advisoryIds.push(hit.id);
      }
    }
    const products: Array<{ productId: number | null; cpe: string | null; title: string }> = [];
    for (const p of v.products) {
      const i = p.index;
      let productId = p.productId; let title = p.title;
      if (productId !== null) {
        const r = await sql<{ name: string; vendor: string }>`select p.name, v.name as vendor from advisories_products p join advisories_vendors v on v.id = p.vendor_id where p.id = ${productId}`.execute(trx);
        if (!r.rows[0]) { errors.push(err(`products[${i}].productId`, `製品 ID ${productId} は登録されていません。`, `Product ${productId} does not exist.`)); continue; }
        title ||= `${r.rows[0].vendor} ${r.rows[0].name}`;
      } else if (p.cpe) {
        // The product dictionary keeps the CPE vendor/product parts; fall back to the case-folded names.
        const [, , , vendor, product] = cpeParts(p.cpe);
        const plain = (s: string) => s.replace(/\\(.)/g, '$1').replace(/_/g, ' ').toLowerCase();
        const r = await sql<{ id: number; name: string; vendor: string }>`
          select p.id, p.name, v.name as vendor from advisories_products p join advisories_vendors v on v.id = p.vendor_id
          where (p.cpe_product = ${product} and v.cpe_vendor = ${vendor}) or (p.key = ${plain(product)} and v.key = ${plain(vendor)})
          order by (p.cpe_product = ${product}) desc nulls last, p.id limit 1`.execute(trx);
        if (r.rows[0]) { productId = r.rows[0].id; title ||= `${r.rows[0].vendor} ${r.rows[0].name}`; }
        title ||= `${plain(vendor)} ${plain(product)}`;
      }
      products.push({ productId, cpe: p.cpe, title });
    }
    if (errors.length) throw validationFailed(errors);
    return { advisoryIds, products };
  }

  async function snapshot(trx: Executor, id: string): Promise<Alert> {
    const row = await rowOf(id, trx);
    return (await hydrate([row!], trx))[0];
  }

  async function appendRevision(trx: Executor, a: Alert, actor: Actor, kind: string, note: string, at: Date) {
    await sql`insert into advisories_alert_revisions (alert_id, revision, at, actor, kind, note, snapshot)
      values (${a.id}, ${a.revision}, ${at}, ${actorName(actor)}, ${kind}, ${note}, ${JSON.stringify(a)}::jsonb)`.execute(trx);
    await ctx.audit.record({ action: `advisories.alert.${kind}`, actor, subjectType: 'advisory_alert', subjectId: a.id, details: { alertId: a.alertId, revision: a.revision, note: note || undefined } }, trx);
  }

  async function writeLinks(trx: Executor, id: string, r: Awaited<ReturnType<typeof resolve>>) {
    await sql`delete from advisories_alert_links where alert_id = ${id}`.execute(trx);
    await sql`delete from advisories_alert_products where alert_id = ${id}`.execute(trx);
    for (const a of r.advisoryIds) await sql`insert into advisories_alert_links (alert_id, advisory_id) values (${id}, ${a})`.execute(trx);
    for (const [i, p] of r.products.entries()) {
      await sql`insert into advisories_alert_products (alert_id, sort, product_id, cpe, title) values (${id}, ${i}, ${p.productId}, ${p.cpe}, ${p.title})`.execute(trx);
    }
  }


  function filterWhere(f: AlertFilter) {
    const states = f.states?.length ? f.states : (['published', 'revised'] as AlertState[]);
    const conds = [sql`state = any(${states}::text[])`];
    if (f.kind) conds.push(sql`kind = ${f.kind}`);
    if (f.year) conds.push(sql`first_published_at >= ${jstMidnight(f.year, 1, 1)} and first_published_at < ${jstMidnight(f.year + 1, 1, 1)}`);
    const q = (f.q ?? '').trim().toLowerCase().slice(0, 100);
    if (q) {
      const like = '%' + q.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
      conds.push(sql`(lower(title_ja) like ${like} or lower(title_en) like ${like} or lower(coalesce(alert_id, '')) like ${like})`);
    }
    return sql.join(conds, sql` and `);
  }

  return {
    async create(input, actor) {
      need(actor, ALERT_PERM.write);
      const { valid: v, errors } = validateAlert(input ?? {});
      return db().transaction().execute(async (trx) => {
        const links = await resolve(trx, v, errors);
        const id = randomUUID();
        await sql`insert into advisories_alerts (id, kind, state, title_ja, title_en, summary_ja, summary_en, body_ja, body_en, url, public_date, revision)
          values (${id}, ${v.kind}, 'draft', ${v.title.ja}, ${v.title.en}, ${v.summary.ja}, ${v.summary.en}, ${v.body.ja}, ${v.body.en}, ${v.url}, ${v.publicDate}, 1)`.execute(trx);
        await writeLinks(trx, id, links);
        const a = await snapshot(trx, id);
        await appendRevision(trx, a, actor, 'created', '', new Date());
        return a;
      });
    },

    async update(id, input, actor, note = '') {
      need(actor, ALERT_PERM.write);
      const { valid: v, errors } = validateAlert(input ?? {});
      return db().transaction().execute(async (trx) => {
        const cur = await rowOf(id, trx, true);
        if (!cur) throw missing();
        if (cur.state === 'withdrawn') throw conflict('alert_withdrawn', { ja: '取り下げた注意喚起は編集できません。', en: 'A withdrawn alert cannot be edited.' });
        const published = cur.state !== 'draft';
        if (published) need(actor, ALERT_PERM.publish);
        const links = await resolve(trx, v, errors);
        const now = new Date();
        await sql`update advisories_alerts set kind = ${v.kind}, title_ja = ${v.title.ja}, title_en = ${v.title.en}, summary_ja = ${v.summary.ja}, summary_en = ${v.summary.en},
          body_ja = ${v.body.ja}, body_en = ${v.body.en}, url = ${v.url},
          public_date = ${published ? sql`coalesce(${v.publicDate}, public_date)` : sql`${v.publicDate}`},
          state = ${published ? 'revised' : 'draft'}, modified_at = ${published ? now : null}, revision = revision + 1, updated_at = now()
          where id = ${cur.id}`.execute(trx);
        await writeLinks(trx, cur.id, links);
        const a = await snapshot(trx, cur.id);
        await appendRevision(trx, a, actor, published ? 'revised' : 'updated', note.slice(0, 500), now);
        return a;
      });
    },

    async publish(id, actor, at) {
      need(actor, ALERT_PERM.publish);
      const when = at && actor.kind === 'system' ? at : new Date();
      return db().transaction().execute(async (trx) => {
        const cur = await rowOf(id, trx, true);
        if (!cur) throw missing();
        if (cur.state !== 'draft') throw conflict('alert_not_draft', { ja: '下書きの注意喚起だけを公開できます。', en: 'Only a draft alert can be published.' });
        const year = jstParts(when).y;
        const n = (await sql<{ n: number }>`insert into advisories_alert_counters (year, n) values (${year}, 1)
          on conflict (year) do update set n = advisories_alert_counters.n + 1 returning n`.execute(trx)).rows[0].n;
        const alertId = `IPA-ALERT-${year}-${String(n).padStart(4, '0')}`;
        await sql`update advisories_alerts set state = 'published', alert_id = ${alertId}, first_published_at = ${when}, modified_at = ${when},
          public_date = coalesce(public_date, ${when}), revision = revision + 1, updated_at = now() where id = ${cur.id}`.execute(trx);
        const a = await snapshot(trx, cur.id);
        await appendRevision(trx, a, actor, 'published', '', when);
        return a;
      });
    },

    async withdraw(id, actor, note = '') {
      need(actor, ALERT_PERM.publish);
      return db().transaction().execute(async (trx) => {
        const cur = await rowOf(id, trx, true);
        if (!cur) throw missing();
        if (cur.state !== 'published' && cur.state !== 'revised') throw conflict('alert_not_published', { ja: '公開中の注意喚起だけを取り下げられます。', en: 'Only a published alert can be withdrawn.' });
        const now = new Date();
        await sql`update advisories_alerts set state = 'withdrawn', modified_at = ${now}, revision = revision + 1, updated_at = now() where id = ${cur.id}`.execute(trx);
        const a = await snapshot(trx, cur.id);
        await appendRevision(trx, a, actor, 'withdrawn', note.slice(0, 500), now);
        return a;
      });
    },

    async get(idOrAlertId, opts = {}) {
      const row = await rowOf(idOrAlertId, db());
      if (!row) return null;
      if (!opts.includeDrafts && row.state === 'draft') return null;
      return (await hydrate([row], db()))[0];
    },

    async list(f, page) {
      const where = filterWhere(f);
      const [count, rows] = await Promise.all([
        sql<{ n: number }>`select count(*)::int as n from advisories_alerts where ${where}`.execute(db()),
        sql<Row>`select * from advisories_alerts where ${where}
          order by coalesce(first_published_at, created_at) desc, alert_id desc nulls last, id limit ${page.limit} offset ${page.offset}`.execute(db()),
      ]);
      return { total: Number(count.rows[0].n), items: await hydrate(rows.rows, db()) };
    },

    async revisions(id) {
      if (!UUID_RE.test(id)) return [];
      const r = await sql<AlertRevision>`select revision, at, actor, kind, note from advisories_alert_revisions where alert_id = ${id}::uuid order by revision`.execute(db());
      return r.rows;
    },

    async years() {
      const r = await sql<{ y: number }>`select distinct extract(year from first_published_at at time zone 'Asia/Tokyo')::int as y from advisories_alerts
        where first_published_at is not null and state in ('published', 'revised') order by 1 desc`.execute(db());
      return r.rows.map((x) => Number(x.y));
    },

    async publishedBetween(from, to, kind) {
      const r = await sql<{ n: number }>`select count(*)::int as n from advisories_alerts where first_published_at >= ${from} and first_published_at < ${to}
        ${kind ? sql`and kind = ${kind}` : sql``}`.execute(db());
      return Number(r.rows[0].n);
    },
  };
}

/** Turns a staff form's text areas into input: advisories one per line (or comma-separated); products one per line as `cpe` or `cpe | title`, or `#productId | title`. */
export function parseLinkLines(advisoriesText: string, productsText: string): Pick<AlertInput, 'advisories' | 'products'> {
  const advisories = advisoriesText.split(/[\s,、]+/).map((s) => s.trim()).filter(Boolean);
  const products: AlertProductInput[] = productsText.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).map((line) => {
    const [head, ...rest] = line.split(/\s+\|\s+/);
    const title = rest.join(' | ').trim() || null;
    const m = /^#(\d+)$/.exec(head.trim());
    if (m) return { productId: Number(m[1]), title };
    if (head.startsWith('cpe:')) return { cpe: head.trim(), title };
    return { title: line };
  });
  return { advisories, products };
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
