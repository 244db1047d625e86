// Data access for the MyJVN API: one count and one page query per list (indexed, see index.ts
// migration), then the page hydrated in three batched queries (CVSS, affected products with their
// dictionary names, references) — never one query per advisory.
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../../platform/context.js';
import type { Severity } from '../../../shared/cvss.js';
import { cpeComponent, partOf } from './xml.js';
import type { CpePattern } from './params.js';

export interface Range { from?: Date; to?: Date }
export interface OverviewFilter {
  keyword?: string;
  productIds?: number[];
  /** Products named by cpeName / productName (ANDed with productIds). */
  cpeProductIds?: number[];
  vendorIds?: number[];
  cvss?: { versions: string[]; severity?: Severity; vector?: string; partial?: boolean };
  public?: Range; modified?: Range; created?: Range;
}

export interface Names { vendorCpe: string; productCpe: string; part?: string }
export interface ItemAffected extends Names { vendorId: number; productId: number; vendor: string; product: string; cpe: string | null; versionText: string | null; versionStart: string | null; startIncluding: boolean | null; versionEnd: string | null; endIncluding: boolean | null; purl: string | null }
export interface Item {
  id: string; jvndbId: string; titleJa: string; titleEn: string; overviewJa: string; overviewEn: string;
  impactJa: string; impactEn: string; solutionJa: string; solutionEn: string;
  cveIds: string[]; jvnIds: string[]; cweIds: string[]; publicDate: Date | null; firstPublishedAt: Date | null; modifiedAt: Date | null; revision: number;
  cvss: Array<{ version: string; vector: string; baseScore: number; severity: Severity }>;
  affected: ItemAffected[];
  references: Array<{ url: string; type: string; title: string | null }>;
}

const PUBLIC = sql`a.state in ('published', 'revised')`;

/**
 * Dictionary ids whose CPE names match the patterns: `vendors` mode gives vendor ids (for
 * getVendorList), `products` mode gives product ids (a vendor-only pattern gives all its products).
 */
export async function resolveCpe(db: Executor, pats: CpePattern[], mode: 'vendors' | 'products'): Promise<number[]> {
  const out = new Set<number>();
  const vexpr = sql`lower(coalesce(v.cpe_vendor, replace(v.key, ' ', '_')))`;
  for (const p of pats) {
    const r = mode === 'vendors'
      ? await sql<{ id: number }>`select v.id from advisories_vendors v where ${vexpr} like ${p.vendor} limit 5000`.execute(db)
      : await sql<{ id: number }>`select p.id from advisories_products p join advisories_vendors v on v.id = p.vendor_id
        where ${vexpr} like ${p.vendor} and lower(coalesce(p.cpe_product, replace(p.key, ' ', '_'))) like ${p.product ?? '%'} limit 5000`.execute(db);
    for (const x of r.rows) out.add(Number(x.id));
  }
  return [...out];
}

function rangeConds(col: RawBuilder<unknown>, r: Range | undefined, out: RawBuilder<unknown>[]) {
  if (r?.from) out.push(sql`${col} >= ${r.from}`);
  if (r?.to) out.push(sql`${col} < ${r.to}`);
}

export function overviewWhere(f: OverviewFilter): RawBuilder<unknown> {
  const c: RawBuilder<unknown>[] = [PUBLIC];
  rangeConds(sql`a.public_date`, f.public, c);
  rangeConds(sql`a.modified_at`, f.modified, c);
  rangeConds(sql`a.first_published_at`, f.created, c);
  if (f.keyword) c.push(sql`a.search_text like ${'%' + f.keyword.toLowerCase().replace(/[\\%_]/g, (x) => '\\' + x) + '%'}`);
  if (f.productIds) c.push(sql`exists (select 1 from advisories_affected x where x.advisory_id = a.id and x.product_id = any(${f.productIds}::int[]))`);
  if (f.cpeProductIds) c.push(sql`exists (select 1 from advisories_affected x where x.advisory_id = a.id and x.product_id = any(${f.cpeProductIds}::int[]))`);
  if (f.vendorIds) c.push(sql`exists (select 1 from advisories_affected x join advisories_products p on p.id = x.product_id where x.advisory_id = a.id and p.vendor_id = any(${f.vendorIds}::int[]))`);
  if (f.cvss) {
    const cc: RawBuilder<unknown>[] = [sql`c.advisory_id = a.id`, sql`c.version = any(${f.cvss.versions}::text[])`];
    if (f.cvss.severity) cc.push(sql`c.severity = ${f.cvss.severity}`);
    if (f.cvss.vector) {
      // The base vector without its "CVSS:x.y/" prefix; a partial (v4.0) vector matches metric by metric.
      const body = sql`regexp_replace(c.vector, '^CVSS:[0-9.]+/', '')`;
      if (f.cvss.partial) for (const m of f.cvss.vector.split('/')) cc.push(sql`('/' || ${body} || '/') like ${'%/' + m.replace(/[\\%_]/g, (x) => '\\' + x) + '/%'}`);
      else cc.push(sql`(${body} = ${f.cvss.vector} or ${body} like ${f.cvss.vector.replace(/[\\%_]/g, (x) => '\\' + x) + '/%'})`);
    }
    c.push(sql`exists (select 1 from advisories_cvss c where ${sql.join(cc, sql` and `)})`);
  }
  return sql.join(c, sql` and `);
}

interface Row {
  id: string; jvndb_id: string; title_ja: string; title_en: string; overview_ja: string; overview_en: string; impact_ja: string; impact_en: string;
  solution_ja: string; solution_en: string; cve_ids: string[]; jvn_ids: string[]; cwe_ids: string[];
  public_date: Date | null; first_published_at: Date | null; modified_at: Date | null; revision: number;
}

/** Published advisories matching the filter, newest change first: total and one page. */
export async function overviewPage(db: Executor, f: OverviewFilter, start: number, max: number): Promise<{ total: number; items: Item[] }> {
  const where = overviewWhere(f);
  const [count, rows] = await Promise.all([
    sql<{ n: number }>`select count(*)::int as n from advisories a where ${where}`.execute(db),
    sql<Row>`select a.id, a.jvndb_id, a.title_ja, a.title_en, a.overview_ja, a.overview_en, '' as impact_ja, '' as impact_en, '' as solution_ja, '' as solution_en,
      a.cve_ids, a.jvn_ids, a.cwe_ids, a.public_date, a.first_published_at, a.modified_at, a.revision
      from advisories a where ${where} order by a.modified_at desc, a.jvndb_id desc limit ${max} offset ${start - 1}`.execute(db),
  ]);
  return { total: Number(count.rows[0].n), items: await hydrate(db, rows.rows) };
}

/** Advisories by JVNDB id (published or revised only), in the order asked. */
export async function detailItems(db: Executor, ids: string[]): Promise<Item[]> {
  if (!ids.length) return [];
  const r = await sql<Row>`select a.id, a.jvndb_id, a.title_ja, a.title_en, a.overview_ja, a.overview_en, a.impact_ja, a.impact_en, a.solution_ja, a.solution_en,
    a.cve_ids, a.jvn_ids, a.cwe_ids, a.public_date, a.first_published_at, a.modified_at, a.revision
    from advisories a where a.jvndb_id = any(${ids}::text[]) and ${PUBLIC}`.execute(db);
  const items = await hydrate(db, r.rows);
  return ids.map((id) => items.find((i) => i.jvndbId === id)).filter((i): i is Item => !!i);
}

export async function revisionsOf(db: Executor, advisoryIds: string[]): Promise<Map<string, Array<{ revision: number; at: Date; kind: string; note: string }>>> {
  const out = new Map<string, Array<{ revision: number; at: Date; kind: string; note: string }>>();
  if (!advisoryIds.length) return out;
  const r = await sql<{ advisory_id: string; revision: number; at: Date; kind: string; note: string }>`
    select advisory_id, revision, at, kind, note from advisories_revisions where advisory_id = any(${advisoryIds}::uuid[])
    and kind in ('published', 'updated', 'imported', 'kev_flagged') order by advisory_id, revision`.execute(db);
  for (const x of r.rows) {
    const list = out.get(x.advisory_id) ?? [];
    list.push({ revision: Number(x.revision), at: new Date(x.at), kind: x.kind, note: x.note });
    out.set(x.advisory_id, list);
  }
  return out;
}

const names = (vendorCpe: string | null, vendorKey: string, productCpe: string | null, productKey: string, cpe: string | null): Names => ({
  vendorCpe: cpeComponent(vendorCpe ?? vendorKey) || 'unknown', productCpe: cpeComponent(productCpe ?? productKey) || 'unknown', part: partOf(cpe),
});

async function hydrate(db: Executor, rows: Row[]): Promise<Item[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [cv, af, rf] = await Promise.all([
    sql<{ advisory_id: string; version: string; vector: string; base_score: number; severity: Severity }>`
      select advisory_id, version, vector, base_score, severity from advisories_cvss where advisory_id = any(${ids}::uuid[]) order by version`.execute(db),
    sql<{ advisory_id: string; product_id: number; vendor_id: number; vendor: string; product: string; vkey: string; pkey: string; cpe_vendor: string | null; cpe_product: string | null;
      cpe23: string | null; version_text: string | null; version_start: string | null; start_including: boolean | null; version_end: string | null; end_including: boolean | null; purl: string | null }>`
      select x.advisory_id, x.product_id, p.vendor_id, v.name as vendor, p.name as product, v.key as vkey, p.key as pkey, v.cpe_vendor, p.cpe_product,
        x.cpe23, x.version_text, x.version_start, x.start_including, x.version_end, x.end_including, x.purl
      from advisories_affected x join advisories_products p on p.id = x.product_id join advisories_vendors v on v.id = p.vendor_id
      where x.advisory_id = any(${ids}::uuid[]) order by x.advisory_id, x.sort`.execute(db),
    sql<{ advisory_id: string; url: string; type: string; title: string | null }>`
      select advisory_id, url, type, title from advisories_references where advisory_id = any(${ids}::uuid[]) order by advisory_id, sort`.execute(db),
  ]);
  const by = <T extends { advisory_id: string }>(list: T[]) => {
    const m = new Map<string, T[]>();
    for (const x of list) { const l = m.get(x.advisory_id); if (l) l.push(x); else m.set(x.advisory_id, [x]); }
    return m;
  };
  const cvm = by(cv.rows); const afm = by(af.rows); const rfm = by(rf.rows);
  return rows.map((r) => ({
    id: r.id, jvndbId: r.jvndb_id, titleJa: r.title_ja, titleEn: r.title_en, overviewJa: r.overview_ja, overviewEn: r.overview_en,
    impactJa: r.impact_ja, impactEn: r.impact_en, solutionJa: r.solution_ja, solutionEn: r.solution_en,
    cveIds: r.cve_ids, jvnIds: r.jvn_ids, cweIds: r.cwe_ids,
    publicDate: r.public_date, firstPublishedAt: r.first_published_at, modifiedAt: r.modified_at, revision: Number(r.revision),
    cvss: (cvm.get(r.id) ?? []).map((c) => ({ version: c.version, vector: c.vector, baseScore: Number(c.base_score), severity: c.severity })),
    affected: (afm.get(r.id) ?? []).map((a) => ({
      ...names(a.cpe_vendor, a.vkey, a.cpe_product, a.pkey, a.cpe23),
      vendorId: Number(a.vendor_id), productId: Number(a.product_id), vendor: a.vendor, product: a.product, cpe: a.cpe23, versionText: a.version_text,
      versionStart: a.version_start, startIncluding: a.start_including, versionEnd: a.version_end, endIncluding: a.end_including, purl: a.purl,
    })),
    references: (rfm.get(r.id) ?? []).map((x) => ({ url: x.url, type: x.type, title: x.title })),
  }));
}

// ------------------------------------------------------------------ vendors and products

export interface VendorRow { id: number; name: string; vendorCpe: string }
export interface ProductRow { id: number; name: string; vendorId: number; vendor: string; vendorCpe: string; productCpe: string }

export async function vendorPage(db: Executor, f: { keyword?: string; vendorIds?: number[] }, start: number, max: number): Promise<{ total: number; items: VendorRow[] }> {
  const c: RawBuilder<unknown>[] = [sql`true`];
  if (f.keyword) c.push(sql`v.name ilike ${'%' + f.keyword.replace(/[\\%_]/g, (x) => '\\' + x) + '%'}`);
  if (f.vendorIds) c.push(sql`v.id = any(${f.vendorIds}::int[])`);
  const where = sql.join(c, sql` and `);
  const [count, rows] = await Promise.all([
    sql<{ n: number }>`select count(*)::int as n from advisories_vendors v where ${where}`.execute(db),
    sql<{ id: number; name: string; key: string; cpe_vendor: string | null }>`select v.id, v.name, v.key, v.cpe_vendor from advisories_vendors v where ${where}
      order by v.name, v.id limit ${max} offset ${start - 1}`.execute(db),
  ]);
  return { total: Number(count.rows[0].n), items: rows.rows.map((v) => ({ id: Number(v.id), name: v.name, vendorCpe: cpeComponent(v.cpe_vendor ?? v.key) || 'unknown' })) };
}

export async function productPage(db: Executor, f: { keyword?: string; vendorIds?: number[]; productIds?: number[] }, start: number, max: number): Promise<{ total: number; items: ProductRow[] }> {
  const c: RawBuilder<unknown>[] = [sql`true`];
  if (f.keyword) c.push(sql`p.name ilike ${'%' + f.keyword.replace(/[\\%_]/g, (x) => '\\' + x) + '%'}`);
  if (f.vendorIds) c.push(sql`p.vendor_id = any(${f.vendorIds}::int[])`);
  if (f.productIds) c.push(sql`p.id = any(${f.productIds}::int[])`);
  const where = sql.join(c, sql` and `);
  const [count, rows] = await Promise.all([
    sql<{ n: number }>`select count(*)::int as n from advisories_products p where ${where}`.execute(db),
    sql<{ id: number; name: string; key: string; cpe_product: string | null; vendor_id: number; vendor: string; vkey: string; cpe_vendor: string | null }>`
      select p.id, p.name, p.key, p.cpe_product, p.vendor_id, v.name as vendor, v.key as vkey, v.cpe_vendor
      from advisories_products p join advisories_vendors v on v.id = p.vendor_id where ${where}
      order by v.name, v.id, p.name, p.id limit ${max} offset ${start - 1}`.execute(db),
  ]);
  return {
    total: Number(count.rows[0].n),
    items: rows.rows.map((p) => ({
      id: Number(p.id), name: p.name, vendorId: Number(p.vendor_id), vendor: p.vendor,
      vendorCpe: cpeComponent(p.cpe_vendor ?? p.vkey) || 'unknown', productCpe: cpeComponent(p.cpe_product ?? p.key) || 'unknown',
    })),
  };
}

// ------------------------------------------------------------------ alerts

export interface AlertItem {
  id: string; alertId: string; kind: 'alert' | 'emergency'; titleJa: string; titleEn: string; summaryJa: string; summaryEn: string; url: string | null;
  publicDate: Date | null; firstPublishedAt: Date | null; modifiedAt: Date | null;
  products: Array<{ title: string; cpe: string | null; vendor: string | null; product: string | null; names: Names | null }>;
  advisories: Array<{ jvndbId: string; titleJa: string; titleEn: string; firstPublishedAt: Date | null; modifiedAt: Date | null }>;
}
export interface AlertFilter { modifiedYear?: number; createdYear?: number; modified?: Range; created?: Range; public?: Range; productIds?: number[]; vendorIds?: number[]; cpe?: CpePattern[]; keyword?: string }

export async function alertPage(db: Executor, f: AlertFilter, start: number, max: number): Promise<{ total: number; items: AlertItem[] }> {
  const c: RawBuilder<unknown>[] = [sql`l.state in ('published', 'revised')`];
  const yearRange = (y: number) => ({ from: new Date(Date.UTC(y, 0, 1) - 9 * 3600_000), to: new Date(Date.UTC(y + 1, 0, 1) - 9 * 3600_000) });
  rangeConds(sql`l.modified_at`, f.modifiedYear ? yearRange(f.modifiedYear) : undefined, c);
  rangeConds(sql`l.first_published_at`, f.createdYear ? yearRange(f.createdYear) : undefined, c);
  rangeConds(sql`l.modified_at`, f.modified, c);
  rangeConds(sql`l.first_published_at`, f.created, c);
  rangeConds(sql`l.public_date`, f.public, c);
  if (f.keyword) {
    const k = '%' + f.keyword.replace(/[\\%_]/g, (x) => '\\' + x) + '%';
    c.push(sql`(l.title_ja ilike ${k} or l.title_en ilike ${k} or l.summary_ja ilike ${k} or l.summary_en ilike ${k})`);
  }
  const prod: RawBuilder<unknown>[] = [];
  if (f.productIds) {
    prod.push(sql`exists (select 1 from advisories_alert_products ap where ap.alert_id = l.id and ap.product_id = any(${f.productIds}::int[]))`);
    prod.push(sql`exists (select 1 from advisories_alert_links k join advisories_affected x on x.advisory_id = k.advisory_id where k.alert_id = l.id and x.product_id = any(${f.productIds}::int[]))`);
  }
  if (f.vendorIds) prod.push(sql`exists (select 1 from advisories_alert_products ap join advisories_products p on p.id = ap.product_id where ap.alert_id = l.id and p.vendor_id = any(${f.vendorIds}::int[]))`);
  for (const p of f.cpe ?? []) {
    // Products named only by a CPE (not in the dictionary) are matched on the CPE string itself.
    prod.push(sql`exists (select 1 from advisories_alert_products ap where ap.alert_id = l.id and lower(split_part(regexp_replace(ap.cpe, '^cpe:(2\\.3:|/)', ''), ':', 2)) like ${p.vendor}
      and lower(split_part(regexp_replace(ap.cpe, '^cpe:(2\\.3:|/)', ''), ':', 3)) like ${p.product ?? '%'})`);
  }
  if (f.productIds || f.vendorIds || f.cpe) c.push(prod.length ? sql`(${sql.join(prod, sql` or `)})` : sql`false`);
  const where = sql.join(c, sql` and `);
  const [count, rows] = await Promise.all([
    sql<{ n: number }>`select count(*)::int as n from advisories_alerts l where ${where}`.execute(db),
    sql<{ id: string; alert_id: string; kind: 'alert' | 'emergency'; title_ja: string; title_en: string; summary_ja: string; summary_en: string; url: string | null;
      public_date: Date | null; first_published_at: Date | null; modified_at: Date | null }>`
      select l.id, l.alert_id, l.kind, l.title_ja, l.title_en, l.summary_ja, l.summary_en, l.url, l.public_date, l.first_published_at, l.modified_at
      from advisories_alerts l where ${where} order by l.modified_at desc nulls last, l.alert_id desc limit ${max} offset ${start - 1}`.execute(db),
  ]);
  const ids = rows.rows.map((r) => r.id);
  const [pr, ad] = ids.length ? await Promise.all([
    sql<{ alert_id: string; title: string; cpe: string | null; vendor: string | null; product: string | null; vkey: string | null; pkey: string | null; cpe_vendor: string | null; cpe_product: string | null }>`
      select ap.alert_id, ap.title, ap.cpe, v.name as vendor, p.name as product, v.key as vkey, p.key as pkey, v.cpe_vendor, p.cpe_product
      from advisories_alert_products ap left join advisories_products p on p.id = ap.product_id left join advisories_vendors v on v.id = p.vendor_id
      where ap.alert_id = any(${ids}::uuid[]) order by ap.alert_id, ap.sort`.execute(db),
    sql<{ alert_id: string; jvndb_id: string; title_ja: string; title_en: string; first_published_at: Date | null; modified_at: Date | null }>`
      select k.alert_id, a.jvndb_id, a.title_ja, a.title_en, a.first_published_at, a.modified_at from advisories_alert_links k join advisories a on a.id = k.advisory_id
      where k.alert_id = any(${ids}::uuid[]) and ${PUBLIC} order by k.alert_id, a.jvndb_id`.execute(db),
  ]) : [{ rows: [] }, { rows: [] }];
  return {
    total: Number(count.rows[0].n),
    items: rows.rows.map((r) => ({
      id: r.id, alertId: r.alert_id, kind: r.kind, titleJa: r.title_ja, titleEn: r.title_en, summaryJa: r.summary_ja, summaryEn: r.summary_en, url: r.url,
      publicDate: r.public_date, firstPublishedAt: r.first_published_at, modifiedAt: r.modified_at,
      products: pr.rows.filter((p) => p.alert_id === r.id).map((p) => ({
        title: p.title, cpe: p.cpe, vendor: p.vendor, product: p.product,
        names: p.vkey && p.pkey ? names(p.cpe_vendor, p.vkey, p.cpe_product, p.pkey, p.cpe) : null,
      })),
      advisories: ad.rows.filter((a) => a.alert_id === r.id).map((a) => ({ jvndbId: a.jvndb_id, titleJa: a.title_ja, titleEn: a.title_en, firstPublishedAt: a.first_published_at, modifiedAt: a.modified_at })),
    })),
  };
}

// ------------------------------------------------------------------ statistics

export interface StatFilter { cweId?: string; productIds?: number[]; vendorIds?: number[] }
export interface StatRow { key: string; all: number; critical: number; high: number; medium: number; low: number; none: number }

/**
 * Counts of published advisories per period (`y` → YYYY, `q` → YYYY-nQ, `m` → YYYY-MM, JST) of the
 * chosen date column, with the CVSS severity of the given versions (the newest version present).
 */
export async function statistics(db: Executor, f: StatFilter, by: 'y' | 'q' | 'm', dateCol: 'public' | 'created', range: Range, versions: string[]): Promise<StatRow[]> {
  const col = dateCol === 'public' ? sql`coalesce(a.public_date, a.first_published_at)` : sql`a.first_published_at`;
  const c: RawBuilder<unknown>[] = [PUBLIC, sql`${col} is not null`];
  rangeConds(col, range, c);
  if (f.cweId) c.push(sql`${f.cweId} = any(a.cwe_ids)`);
  if (f.productIds) c.push(sql`exists (select 1 from advisories_affected x where x.advisory_id = a.id and x.product_id = any(${f.productIds}::int[]))`);
  if (f.vendorIds) c.push(sql`exists (select 1 from advisories_affected x join advisories_products p on p.id = x.product_id where x.advisory_id = a.id and p.vendor_id = any(${f.vendorIds}::int[]))`);
  const fmt = by === 'y' ? 'YYYY' : by === 'm' ? 'YYYY-MM' : 'YYYY-"Q"Q';
  const r = await sql<{ k: string; n: number; c: number; h: number; m: number; l: number; z: number }>`
    select k, count(*)::int as n, count(*) filter (where s = 'critical')::int as c, count(*) filter (where s = 'high')::int as h,
      count(*) filter (where s = 'medium')::int as m, count(*) filter (where s = 'low')::int as l, count(*) filter (where s = 'none')::int as z
    from (select to_char(${col} at time zone 'Asia/Tokyo', ${fmt}) as k,
      (select cv.severity from advisories_cvss cv where cv.advisory_id = a.id and cv.version = any(${versions}::text[]) order by cv.version desc limit 1) as s
      from advisories a where ${sql.join(c, sql` and `)}) t group by k`.execute(db);
  return r.rows.map((x) => {
    // to_char's quarter format gives "YYYY-Q1"; MyJVN writes "YYYY-1Q".
    const key = by === 'q' ? x.k.replace(/-Q(\d)$/, '-$1Q') : x.k;
    return { key, all: Number(x.n), critical: Number(x.c), high: Number(x.h), medium: Number(x.m), low: Number(x.l), none: Number(x.z) };
  });
}

export async function totals(db: Executor): Promise<{ vulinfo: number; vendor: number; product: number }> {
  const r = await sql<{ a: number; v: number; p: number }>`select (select count(*) from advisories a where ${PUBLIC})::int as a,
    (select count(*) from advisories_vendors)::int as v, (select count(*) from advisories_products)::int as p`.execute(db);
  return { vulinfo: Number(r.rows[0].a), vendor: Number(r.rows[0].v), product: Number(r.rows[0].p) };
}

export async function firstYear(db: Executor, dateCol: 'public' | 'created'): Promise<number | null> {
  const col = dateCol === 'public' ? sql`coalesce(a.public_date, a.first_published_at)` : sql`a.first_published_at`;
  const r = await sql<{ y: number | null }>`select extract(year from min(${col}) at time zone 'Asia/Tokyo')::int as y from advisories a where ${PUBLIC}`.execute(db);
  return r.rows[0]?.y == null ? null : Number(r.rows[0].y);
}

/** Recently changed published advisories for the JVNRSS feed. */
export async function recent(db: Executor, limit: number): Promise<Item[]> {
  const r = await sql<Row>`select a.id, a.jvndb_id, a.title_ja, a.title_en, a.overview_ja, a.overview_en, '' as impact_ja, '' as impact_en, '' as solution_ja, '' as solution_en,
    a.cve_ids, a.jvn_ids, a.cwe_ids, a.public_date, a.first_published_at, a.modified_at, a.revision
    from advisories a where ${PUBLIC} order by a.modified_at desc, a.jvndb_id desc limit ${limit}`.execute(db);
  return hydrate(db, r.rows);
}
