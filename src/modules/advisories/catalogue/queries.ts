// Read models of the vendor/product dictionaries and the quarterly registration report. Only
// published (or revised) advisories are counted; drafts stay invisible to the public.
import { sql } from 'kysely';
import type { Executor } from '../../../platform/context.js';
import { jstMidnight } from '../../../platform/i18n/dates.js';

export interface VendorRow { id: number; name: string; cpeVendor: string | null; products: number; advisories: number }
export interface ProductRow { id: number; name: string; cpeProduct: string | null; vendorId: number; vendor: string; cpeVendor: string | null; advisories: number }

const likeTerm = (q: string) => `%${q.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%`;
const PUBLISHED = sql`a.state in ('published', 'revised')`;

export async function listVendors(db: Executor, opts: { q?: string; offset: number; limit: number }): Promise<{ total: number; items: VendorRow[] }> {
  const where = opts.q ? sql`v.key like ${likeTerm(opts.q)} or v.cpe_vendor like ${likeTerm(opts.q)}` : sql`true`;
  const [count, rows] = await Promise.all([
    sql<{ n: number }>`select count(*)::int as n from advisories_vendors v where ${where}`.execute(db),
    // Counts are taken for the page's vendors only (the join is driven by the page, not the whole table).
    sql<{ id: number; name: string; cpe_vendor: string | null; products: number; advisories: number }>`
      with page as (select * from advisories_vendors v where ${where} order by v.name, v.id limit ${opts.limit} offset ${opts.offset})
      select page.id, page.name, page.cpe_vendor,
        (select count(*)::int from advisories_products p where p.vendor_id = page.id) as products,
        (select count(distinct x.advisory_id)::int from advisories_products p join advisories_affected x on x.product_id = p.id join advisories a on a.id = x.advisory_id
          where p.vendor_id = page.id and ${PUBLISHED}) as advisories
      from page order by page.name, page.id`.execute(db),
  ]);
  return { total: Number(count.rows[0].n), items: rows.rows.map((r) => ({ id: r.id, name: r.name, cpeVendor: r.cpe_vendor, products: Number(r.products), advisories: Number(r.advisories) })) };
}

export async function getVendor(db: Executor, id: number): Promise<{ vendor: VendorRow; products: ProductRow[] } | null> {
  const v = (await sql<{ id: number; name: string; cpe_vendor: string | null }>`select id, name, cpe_vendor from advisories_vendors where id = ${id}`.execute(db)).rows[0];
  if (!v) return null;
  const products = (await sql<{ id: number; name: string; cpe_product: string | null; advisories: number }>`
    select p.id, p.name, p.cpe_product,
      (select count(distinct x.advisory_id)::int from advisories_affected x join advisories a on a.id = x.advisory_id where x.product_id = p.id and ${PUBLISHED}) as advisories
    from advisories_products p where p.vendor_id = ${id} order by p.name, p.id limit 2000`.execute(db)).rows
    .map((p) => ({ id: p.id, name: p.name, cpeProduct: p.cpe_product, vendorId: v.id, vendor: v.name, cpeVendor: v.cpe_vendor, advisories: Number(p.advisories) }));
  const advisories = (await sql<{ n: number }>`select count(distinct x.advisory_id)::int as n from advisories_products p join advisories_affected x on x.product_id = p.id join advisories a on a.id = x.advisory_id where p.vendor_id = ${id} and ${PUBLISHED}`.execute(db)).rows[0].n;
  return { vendor: { id: v.id, name: v.name, cpeVendor: v.cpe_vendor, products: products.length, advisories: Number(advisories) }, products };
}

export async function getProduct(db: Executor, id: number): Promise<ProductRow | null> {
  const r = (await sql<{ id: number; name: string; cpe_product: string | null; vendor_id: number; vendor: string; cpe_vendor: string | null; advisories: number }>`
    select p.id, p.name, p.cpe_product, v.id as vendor_id, v.name as vendor, v.cpe_vendor,
      (select count(distinct x.advisory_id)::int from advisories_affected x join advisories a on a.id = x.advisory_id where x.product_id = p.id and ${PUBLISHED}) as advisories
    from advisories_products p join advisories_vendors v on v.id = p.vendor_id where p.id = ${id}`.execute(db)).rows[0];
  return r ? { id: r.id, name: r.name, cpeProduct: r.cpe_product, vendorId: r.vendor_id, vendor: r.vendor, cpeVendor: r.cpe_vendor, advisories: Number(r.advisories) } : null;
}

// ------------------------------------------------------------------ quarterly report

export interface QuarterReport {
  year: number; quarter: number; from: Date; to: Date;
  months: Array<{ year: number; month: number; count: number }>;
  total: number; previousQuarter: number; sameQuarterLastYear: number; cumulative: number; kev: number;
  severity: Array<{ severity: string; count: number }>;
  cwe: Array<{ cwe: string; count: number }>;
  products: Array<{ productId: number; product: string; vendor: string; count: number }>;
  vendors: Array<{ vendorId: number; vendor: string; count: number }>;
}

/** Calendar quarter in JST: quarter 1 = January–March. */
export function quarterRange(year: number, quarter: number): { from: Date; to: Date } {
  const m = (quarter - 1) * 3 + 1;
  return { from: jstMidnight(year, m, 1), to: quarter === 4 ? jstMidnight(year + 1, 1, 1) : jstMidnight(year, m + 3, 1) };
}

async function registered(db: Executor, from: Date, to: Date): Promise<number> {
  return Number((await sql<{ n: number }>`select count(*)::int as n from advisories where first_published_at >= ${from} and first_published_at < ${to}`.execute(db)).rows[0].n);
}

export async function quarterReport(db: Executor, year: number, quarter: number, cumulativeAt: (at: Date) => Promise<number>): Promise<QuarterReport> {
  const { from, to } = quarterRange(year, quarter);
  const prev = quarter === 1 ? quarterRange(year - 1, 4) : quarterRange(year, quarter - 1);
  const last = quarterRange(year - 1, quarter);
  const inQuarter = sql`a.first_published_at >= ${from} and a.first_published_at < ${to}`;
  const [months, sev, cwe, products, vendors, kev, previousQuarter, sameQuarterLastYear, cumulative] = await Promise.all([
    sql<{ m: number; n: number }>`select extract(month from a.first_published_at at time zone 'Asia/Tokyo')::int as m, count(*)::int as n from advisories a where ${inQuarter} group by 1`.execute(db),
    sql<{ severity: string | null; n: number }>`select a.severity, count(*)::int as n from advisories a where ${inQuarter} group by 1`.execute(db),
    sql<{ cwe: string; n: number }>`select c as cwe, count(*)::int as n from advisories a cross join unnest(a.cwe_ids) c where ${inQuarter} group by 1 order by 2 desc, 1 limit 10`.execute(db),
    sql<{ product_id: number; product: string; vendor: string; n: number }>`
      select p.id as product_id, p.name as product, v.name as vendor, count(distinct a.id)::int as n
      from advisories a join advisories_affected x on x.advisory_id = a.id join advisories_products p on p.id = x.product_id join advisories_vendors v on v.id = p.vendor_id
      where ${inQuarter} group by p.id, p.name, v.name order by 4 desc, 2 limit 10`.execute(db),
    sql<{ vendor_id: number; vendor: string; n: number }>`
      select v.id as vendor_id, v.name as vendor, count(distinct a.id)::int as n
      from advisories a join advisories_affected x on x.advisory_id = a.id join advisories_products p on p.id = x.product_id join advisories_vendors v on v.id = p.vendor_id
      where ${inQuarter} group by v.id, v.name order by 3 desc, 2 limit 10`.execute(db),
    sql<{ n: number }>`select count(*)::int as n from advisories a where ${inQuarter} and a.kev`.execute(db),
    registered(db, prev.from, prev.to), registered(db, last.from, last.to), cumulativeAt(to),
  ]);
  const monthList = [0, 1, 2].map((i) => {
    const month = (quarter - 1) * 3 + 1 + i;
    return { year, month, count: Number(months.rows.find((r) => Number(r.m) === month)?.n ?? 0) };
  });
  const order = ['critical', 'high', 'medium', 'low', 'none', null];
  return {
    year, quarter, from, to, months: monthList, total: monthList.reduce((s, m) => s + m.count, 0), previousQuarter, sameQuarterLastYear, cumulative,
    kev: Number(kev.rows[0].n),
    severity: order.map((s) => ({ severity: s ?? 'unscored', count: Number(sev.rows.find((r) => r.severity === s)?.n ?? 0) })),
    cwe: cwe.rows.map((r) => ({ cwe: r.cwe, count: Number(r.n) })),
    products: products.rows.map((r) => ({ productId: r.product_id, product: r.product, vendor: r.vendor, count: Number(r.n) })),
    vendors: vendors.rows.map((r) => ({ vendorId: r.vendor_id, vendor: r.vendor, count: Number(r.n) })),
  };
}
