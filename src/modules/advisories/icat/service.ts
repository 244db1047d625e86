// icat (サイバーセキュリティ注意喚起サービス): site registration and keys, the widget's content (latest
// alerts and high/critical advisories, optionally for some products), and the count of embedding
// sites: every frame/feed request of an active key records the embedding page's host for the JST day.
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Actor, AppContext, Executor } from '../../../platform/context.js';
import { conflict, forbidden, notFound, validationFailed, type FieldError } from '../../../platform/http/errors.js';
import { fiscalYear, jstParts } from '../../../platform/i18n/dates.js';
import type { Bi } from '../service.js';

export const ICAT_PERM = 'advisories.icat';
export const KEY_RE = /^icat_[A-Za-z0-9_-]{20,64}$/;
/** Distinct hosts recorded per site and day; further hosts are recorded as unknown (bounds forged Referer floods). */
export const MAX_HOSTS_PER_DAY = 100;
export const MAX_PRODUCTS = 10;
export type SiteState = 'active' | 'suspended';

export interface IcatSite {
  id: string; key: string; name: string; url: string; origin: string; email: string; state: SiteState; source: string; note: string;
  createdAt: Date; stateChangedAt: Date | null;
}
export interface SiteListItem extends IcatSite { lastSeen: string | null; hosts30d: number }
export interface RegistrationInput { name?: string; url?: string; email?: string }
export interface WidgetItem {
  type: 'alert' | 'emergency' | 'advisory'; id: string; title: Bi; summary: Bi; path: string; date: Date; modified: Date | null; severity: string | null;
}
/** A product filter: a product id of the dictionary, or the CPE vendor:product pair. */
export type ProductRef = { productId: number } | { vendor: string; product: string };

const err = (field: string, ja: string, en: string): FieldError => ({ field, message: { ja, en } });
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const EMAIL_RE = /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const CPE_PART = /^[A-Za-z0-9._~%\\-]{1,100}$/;

export function validateRegistration(input: RegistrationInput): { name: string; url: string; origin: string; email: string; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const name = str(input.name); const rawUrl = str(input.url); const email = str(input.email);
  if (!name) errors.push(err('name', 'サイト名は必須です。', 'The site name is required.'));
  else if (name.length > 200) errors.push(err('name', 'サイト名は 200 文字以内で入力してください。', 'The site name must be at most 200 characters.'));
  let url = ''; let origin = '';
  if (!rawUrl) errors.push(err('url', 'サイトの URL は必須です。', 'The site URL is required.'));
  else {
    try {
      const u = new URL(rawUrl);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('scheme');
      if (u.username || u.password) throw new Error('credentials');
      if (!u.hostname || rawUrl.length > 2000) throw new Error('host');
      url = u.href; origin = u.origin;
    } catch {
      errors.push(err('url', 'サイトの URL は http:// または https:// で始まる URL を入力してください（例: https://www.example.jp/）。', 'Enter the site URL starting with http:// or https:// (e.g. https://www.example.jp/).'));
    }
  }
  if (!email) errors.push(err('email', '連絡先メールアドレスは必須です。', 'The contact e-mail address is required.'));
  else if (email.length > 254 || !EMAIL_RE.test(email)) errors.push(err('email', 'メールアドレスの形式が正しくありません。', 'The e-mail address is not valid.'));
  return { name, url, origin, email, errors };
}

/** Parses `product`: up to 10 comma-separated product ids or CPE `vendor:product` pairs. */
export function parseProducts(raw: string | undefined): ProductRef[] {
  const s = (raw ?? '').trim();
  if (!s) return [];
  const parts = s.split(',').map((x) => x.trim()).filter(Boolean);
  const bad = () => validationFailed([err('product', `product は製品 ID または CPE の「ベンダ:製品」をカンマ区切りで ${MAX_PRODUCTS} 件まで指定してください（例: 1234 または apache:http_server）。`,
    `product must be up to ${MAX_PRODUCTS} comma-separated product ids or CPE vendor:product pairs (e.g. 1234 or apache:http_server).`)]);
  if (parts.length > MAX_PRODUCTS || s.length > 1000) throw bad();
  return parts.map((p) => {
    if (/^\d{1,9}$/.test(p)) return { productId: Number(p) };
    const m = p.split(/(?<!\\):/);
    if (m.length === 2 && CPE_PART.test(m[0]) && CPE_PART.test(m[1])) return { vendor: m[0].toLowerCase(), product: m[1].toLowerCase() };
    throw bad();
  });
}

interface SiteRow { id: string; key: string; name: string; url: string; origin: string; email: string; state: SiteState; source: string; note: string; created_at: Date; state_changed_at: Date | null }
const toSite = (r: SiteRow): IcatSite => ({
  id: r.id, key: r.key, name: r.name, url: r.url, origin: r.origin, email: r.email, state: r.state, source: r.source, note: r.note, createdAt: r.created_at, stateChangedAt: r.state_changed_at,
});
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** JST calendar date (YYYY-MM-DD) of an instant. */
export function jstDay(d: Date): string { const p = jstParts(d); return `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`; }

export interface IcatService {
  register(input: RegistrationInput, actor: Actor, opts?: { baseUrl?: string }): Promise<IcatSite>;
  byKey(key: string): Promise<IcatSite | null>;
  list(f: { state?: SiteState; q?: string }, page: { offset: number; limit: number }): Promise<{ total: number; items: SiteListItem[] }>;
  setState(id: string, state: SiteState, actor: Actor, note?: string): Promise<IcatSite>;
  /** Resolves product filters to dictionary ids (unknown products resolve to nothing). */
  resolveProducts(refs: ProductRef[]): Promise<{ ids: number[]; cpes: Array<{ vendor: string; product: string }> }>;
  items(opts: { products?: ProductRef[]; alerts?: number; advisories?: number }): Promise<{ alerts: WidgetItem[]; advisories: WidgetItem[] }>;
  recordHit(siteId: string, host: string, at?: Date): Promise<void>;
  distinctSites(from: Date, to: Date): Promise<number>;
  views(from: Date, to: Date): Promise<number>;
  monthly(fy: number): Promise<{ months: Array<{ year: number; month: number; sites: number; views: number }>; sites: number; views: number }>;
}

export function createIcatService(ctx: AppContext): IcatService {
  const db = () => ctx.db;
  const missing = () => notFound({ ja: '登録サイト', en: 'registered site' });

  async function resolveProducts(refs: ProductRef[], trx: Executor = db()) {
    const ids = new Set<number>(); const cpes: Array<{ vendor: string; product: string }> = [];
    for (const r of refs) {
      if ('productId' in r) {
        const x = await sql<{ id: number }>`select id from advisories_products where id = ${r.productId}`.execute(trx);
        if (x.rows[0]) ids.add(x.rows[0].id);
      } else {
        cpes.push(r);
        const plain = (s: string) => s.replace(/\\(.)/g, '$1').replace(/_/g, ' ');
        const x = await sql<{ id: number }>`select p.id from advisories_products p join advisories_vendors v on v.id = p.vendor_id
          where (lower(p.cpe_product) = ${r.product} and lower(v.cpe_vendor) = ${r.vendor}) or (p.key = ${plain(r.product)} and v.key = ${plain(r.vendor)})`.execute(trx);
        for (const row of x.rows) ids.add(row.id);
      }
    }
    return { ids: [...ids], cpes };
  }

  /** Distinct (site, host) pairs with a known host seen on a JST day in [from, to). */
  async function distinctSites(from: Date, to: Date): Promise<number> {
    const r = await sql<{ n: number }>`select count(*)::int as n from (select distinct site_id, host from advisories_icat_hits
      where host <> '' and day >= ${jstDay(from)}::date and day < ${jstDay(to)}::date) x`.execute(db());
    return Number(r.rows[0].n);
  }
  async function views(from: Date, to: Date): Promise<number> {
    const r = await sql<{ n: string | number }>`select coalesce(sum(views), 0)::bigint as n from advisories_icat_hits where day >= ${jstDay(from)}::date and day < ${jstDay(to)}::date`.execute(db());
    return Number(r.rows[0].n);
  }

  return {
    async register(input, actor) {
      const v = validateRegistration(input);
      if (v.errors.length) throw validationFailed(v.errors);
      const id = randomUUID();
      const key = `icat_${randomBytes(24).toString('base64url')}`;
      return db().transaction().execute(async (trx) => {
        const r = await sql<SiteRow>`insert into advisories_icat_sites (id, key, name, url, origin, email, state, source)
          values (${id}, ${key}, ${v.name}, ${v.url}, ${v.origin}, ${v.email}, 'active', ${actor.kind === 'staff' ? 'staff' : 'public'}) returning *`.execute(trx);
        const site = toSite(r.rows[0]);
        await ctx.audit.record({ action: 'advisories.icat.registered', actor, subjectType: 'icat_site', subjectId: id, details: { origin: v.origin } }, trx);
        const base = ctx.config.baseUrl.replace(/\/$/, '');
        await ctx.mail.enqueue({
          to: v.email, key: `icat-registered:${id}`,
          subject: 'icat 利用登録のお知らせ / Your icat widget key',
          text: [
            `${v.name} (${v.origin}) の icat 利用登録を受け付けました。キー: ${key}`,
            '次のいずれかをページに貼り付けてください。表示は登録したサイト（オリジン）のページに限られます。',
            `<script src="${base}/icat/widget.js" data-key="${key}" async></script>`,
            `<iframe src="${base}/icat/frame?key=${key}" sandbox="allow-popups allow-popups-to-escape-sandbox" title="サイバーセキュリティ注意喚起（icat）" width="300" height="400"></iframe>`,
            `JSON: ${base}/icat/feed.json?key=${key}`,
            '',
            `Your icat registration for ${v.name} (${v.origin}) is active. Key: ${key}`,
            'Paste one of the snippets above into your pages; the widget is shown only on pages of the registered origin.',
          ].join('\n'),
        }, trx);
        return site;
      });
    },

    async byKey(key) {
      if (!KEY_RE.test(key)) return null;
      const r = await sql<SiteRow>`select * from advisories_icat_sites where key = ${key}`.execute(db());
      return r.rows[0] ? toSite(r.rows[0]) : null;
    },

    async list(f, page) {
      const conds = [sql`true`];
      if (f.state) conds.push(sql`s.state = ${f.state}`);
      const q = (f.q ?? '').trim().toLowerCase().slice(0, 100);
      if (q) {
        const like = '%' + q.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
        conds.push(sql`(lower(s.name) like ${like} or lower(s.origin) like ${like} or lower(s.email) like ${like})`);
      }
      const where = sql.join(conds, sql` and `);
      const since = jstDay(new Date(Date.now() - 30 * 86400_000));
      const [count, rows] = await Promise.all([
        sql<{ n: number }>`select count(*)::int as n from advisories_icat_sites s where ${where}`.execute(db()),
        sql<SiteRow & { last_seen: string | null; hosts30d: number }>`
          select s.*, (select max(h.day)::text from advisories_icat_hits h where h.site_id = s.id) as last_seen,
                 (select count(distinct h.host)::int from advisories_icat_hits h where h.site_id = s.id and h.host <> '' and h.day >= ${since}::date) as hosts30d
          from advisories_icat_sites s where ${where} order by s.created_at desc, s.id limit ${page.limit} offset ${page.offset}`.execute(db()),
      ]);
      return {
        total: Number(count.rows[0].n),
        items: rows.rows.map((r) => ({ ...toSite(r), lastSeen: r.last_seen == null ? null : String(r.last_seen).slice(0, 10), hosts30d: Number(r.hosts30d) })),
      };
    },

    async setState(id, state, actor, note = '') {
      if (actor.kind !== 'system' && !actor.permissions.has(ICAT_PERM)) throw forbidden();
      if (!UUID_RE.test(id)) throw missing();
      return db().transaction().execute(async (trx) => {
        const cur = (await sql<SiteRow>`select * from advisories_icat_sites where id = ${id}::uuid for update`.execute(trx)).rows[0];
        if (!cur) throw missing();
        if (cur.state === state) throw conflict('icat_state_unchanged', { ja: `このサイトはすでに${state === 'active' ? '有効' : '停止中'}です。`, en: `The site is already ${state}.` });
        const r = await sql<SiteRow>`update advisories_icat_sites set state = ${state}, state_changed_at = now(), note = ${note.slice(0, 500)} where id = ${id}::uuid returning *`.execute(trx);
        await ctx.audit.record({ action: state === 'suspended' ? 'advisories.icat.suspended' : 'advisories.icat.activated', actor, subjectType: 'icat_site', subjectId: id, details: { note: note || undefined } }, trx);
        return toSite(r.rows[0]);
      });
    },

    resolveProducts: (refs) => resolveProducts(refs),

    async items(opts) {
      const nAlerts = Math.max(0, Math.min(20, opts.alerts ?? 5));
      const nAdv = Math.max(0, Math.min(50, opts.advisories ?? 10));
      const filtered = !!opts.products?.length;
      const { ids, cpes } = filtered ? await resolveProducts(opts.products!) : { ids: [] as number[], cpes: [] as Array<{ vendor: string; product: string }> };
      const cpeLikes = cpes.map((c) => `cpe:2.3:_:${c.vendor.replace(/[\\%_]/g, (x) => '\\' + x)}:${c.product.replace(/[\\%_]/g, (x) => '\\' + x)}:%`);
      const alertFilter = !filtered ? sql`true` : sql`(
        exists (select 1 from advisories_alert_products x where x.alert_id = al.id and (x.product_id = any(${ids}::int[]) or lower(x.cpe) like any(${cpeLikes}::text[])))
        or exists (select 1 from advisories_alert_links l join advisories_affected f on f.advisory_id = l.advisory_id where l.alert_id = al.id and f.product_id = any(${ids}::int[])))`;
      const advFilter = !filtered ? sql`true` : sql`exists (select 1 from advisories_affected f where f.advisory_id = a.id and f.product_id = any(${ids}::int[]))`;
      const [al, adv] = await Promise.all([
        nAlerts === 0 ? { rows: [] } : sql<{ alert_id: string; kind: 'alert' | 'emergency'; title_ja: string; title_en: string; summary_ja: string; summary_en: string; first_published_at: Date; public_date: Date | null; modified_at: Date | null }>`
          select al.alert_id, al.kind, al.title_ja, al.title_en, al.summary_ja, al.summary_en, al.first_published_at, al.public_date, al.modified_at from advisories_alerts al
          where al.state in ('published', 'revised') and ${alertFilter} order by al.first_published_at desc, al.alert_id desc limit ${nAlerts}`.execute(db()),
        nAdv === 0 || (filtered && ids.length === 0) ? { rows: [] } : sql<{ jvndb_id: string; title_ja: string; title_en: string; overview_ja: string; overview_en: string; severity: string; first_published_at: Date; public_date: Date | null; modified_at: Date | null }>`
          select a.jvndb_id, a.title_ja, a.title_en, '' as overview_ja, '' as overview_en, a.severity, a.first_published_at, a.public_date, a.modified_at from advisories a
          where a.state in ('published', 'revised') and a.severity in ('high', 'critical') and a.first_published_at is not null and ${advFilter}
          order by a.first_published_at desc, a.jvndb_id desc limit ${nAdv}`.execute(db()),
      ]);
      return {
        alerts: al.rows.map((r) => ({
          type: r.kind === 'emergency' ? 'emergency' : 'alert', id: r.alert_id, title: { ja: r.title_ja, en: r.title_en }, summary: { ja: r.summary_ja, en: r.summary_en },
          path: `/advisories/alerts/${r.alert_id}`, date: r.public_date ?? r.first_published_at, modified: r.modified_at, severity: null,
        })),
        advisories: adv.rows.map((r) => ({
          type: 'advisory', id: r.jvndb_id, title: { ja: r.title_ja, en: r.title_en }, summary: { ja: r.overview_ja, en: r.overview_en },
          path: `/advisories/${r.jvndb_id}`, date: r.first_published_at, modified: r.modified_at, severity: r.severity,
        })),
      };
    },

    async recordHit(siteId, rawHost, at = new Date()) {
      const day = jstDay(at);
      let host = rawHost;
      // Common case: the (site, host, day) row exists — one statement.
      const upd = await sql`update advisories_icat_hits set views = views + 1 where site_id = ${siteId} and host = ${host} and day = ${day}::date`.execute(db());
      if (Number(upd.numAffectedRows ?? 0) > 0) return;
      if (host) {
        // A new host beyond the daily cap is recorded as unknown, so forged Referer headers cannot grow the table without bound.
        const r = await sql<{ n: number }>`select count(*)::int as n from advisories_icat_hits where site_id = ${siteId} and day = ${day}::date`.execute(db());
        if (Number(r.rows[0].n) >= MAX_HOSTS_PER_DAY) host = '';
      }
      await sql`insert into advisories_icat_hits (site_id, host, day, views) values (${siteId}, ${host}, ${day}::date, 1)
        on conflict (site_id, host, day) do update set views = advisories_icat_hits.views + 1`.execute(db());
    },

    distinctSites,
    views,

    async monthly(fy) {
      const p = fiscalYear(fy);
      const r = await sql<{ y: number; m: number; sites: number; views: string | number }>`
        select extract(year from day)::int as y, extract(month from day)::int as m, count(distinct (site_id, host)) filter (where host <> '')::int as sites, coalesce(sum(views), 0)::bigint as views
        from advisories_icat_hits where day >= ${jstDay(p.from)}::date and day < ${jstDay(p.to)}::date group by 1, 2`.execute(db());
      const months = Array.from({ length: 12 }, (_, i) => {
        const month = ((i + 3) % 12) + 1; const year = month >= 4 ? fy : fy + 1;
        const row = r.rows.find((x) => Number(x.y) === year && Number(x.m) === month);
        return { year, month, sites: Number(row?.sites ?? 0), views: Number(row?.views ?? 0) };
      });
      const [sites, total] = await Promise.all([distinctSites(p.from, p.to), views(p.from, p.to)]);
      return { months, sites, views: total };
    },
  };
}
