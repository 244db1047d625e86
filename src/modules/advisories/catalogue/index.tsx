// Catalogue part: public vendor and product pages (with the stable numeric ids MyJVN uses), their
// JSON API, and the quarterly registration report (JVN iPedia の登録状況, calendar quarters).
import { Type } from '@sinclair/typebox';
import type { AdvisoriesPart } from '../part.js';
import { notFound, validationFailed } from '../../../platform/http/errors.js';
import { pageContext, sendPage } from '../../../platform/http/request.js';
import { jstParts } from '../../../platform/i18n/dates.js';
import { csvContentType, csvDisposition, parseCsvEncoding, toCsv } from '../../../platform/stats/csv.js';
import { getProduct, getVendor, listVendors, quarterReport } from './queries.js';
import { ProductPage, QuarterlyPage, VendorListPage, VendorPage, quarterLabel } from './pages.js';

const PAGE = 100;
const positiveId = (raw: string) => (/^\d{1,9}$/.test(raw) && Number(raw) > 0 ? Number(raw) : null);
const Vendor = Type.Object({ id: Type.Integer(), name: Type.String(), cpeVendor: Type.Union([Type.String(), Type.Null()]), products: Type.Integer(), advisories: Type.Integer() });
const Product = Type.Object({ id: Type.Integer(), name: Type.String(), cpeProduct: Type.Union([Type.String(), Type.Null()]), vendorId: Type.Integer(), vendor: Type.String(), cpeVendor: Type.Union([Type.String(), Type.Null()]), advisories: Type.Integer() });

function quarterOf(q: Record<string, string | undefined>): { year: number; quarter: number } {
  const now = jstParts(new Date());
  const year = q.year === undefined ? now.y : Number(q.year);
  const quarter = q.quarter === undefined ? Math.floor((now.m - 1) / 3) + 1 : Number(q.quarter);
  const errors = [];
  if (!Number.isInteger(year) || year < 1998 || year > 2100) errors.push({ field: 'year', message: { ja: '年は 1998〜2100 の整数で指定してください。', en: 'The year must be an integer from 1998 to 2100.' } });
  if (!Number.isInteger(quarter) || quarter < 1 || quarter > 4) errors.push({ field: 'quarter', message: { ja: '四半期は 1〜4 で指定してください。', en: 'The quarter must be 1 to 4.' } });
  if (errors.length) throw validationFailed(errors);
  return { year, quarter };
}

export const part: AdvisoriesPart = {
  name: 'catalogue',
  nav: [{ href: '/advisories/vendors', label: { ja: 'ベンダ・製品', en: 'Vendors and products' } }],
  async routes(app, ctx, svc) {
    app.get('/advisories/vendors', async (req, reply) => {
      const q = req.query as { q?: string; page?: string };
      const query = (q.q ?? '').slice(0, 100).trim();
      const page = Math.max(1, Math.min(100000, Number(q.page) || 1));
      const res = await listVendors(ctx.db, { q: query || undefined, offset: (page - 1) * PAGE, limit: PAGE });
      return sendPage(reply, <VendorListPage ctx={pageContext(req)} q={query} total={res.total} items={res.items} page={page} pageSize={PAGE} />);
    });
    app.get('/advisories/vendors/:id', async (req, reply) => {
      const id = positiveId((req.params as { id: string }).id);
      const v = id ? await getVendor(ctx.db, id) : null;
      if (!v) throw notFound({ ja: 'ベンダ', en: 'vendor' });
      const latest = await svc.search({ vendorId: v.vendor.id }, { offset: 0, limit: 20 });
      return sendPage(reply, <VendorPage ctx={pageContext(req)} vendor={v.vendor} products={v.products} latest={latest.items} />);
    });
    app.get('/advisories/products/:id', async (req, reply) => {
      const id = positiveId((req.params as { id: string }).id);
      const p = id ? await getProduct(ctx.db, id) : null;
      if (!p) throw notFound({ ja: '製品', en: 'product' });
      const page = Math.max(1, Math.min(10000, Number((req.query as { page?: string }).page) || 1));
      const res = await svc.search({ productId: p.id }, { offset: (page - 1) * 50, limit: 50 });
      return sendPage(reply, <ProductPage ctx={pageContext(req)} product={p} items={res.items} total={res.totalExact ? res.total : p.advisories} page={page} pageSize={50} />);
    });

    app.get('/api/v1/vendors', {
      schema: {
        tags: ['advisories'], summary: 'Vendor dictionary (stable numeric ids)',
        querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })), offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) }),
        response: { 200: Type.Object({ total: Type.Integer(), items: Type.Array(Vendor) }) },
      },
    }, async (req) => {
      const q = req.query as { q?: string; offset?: number; limit?: number };
      return listVendors(ctx.db, { q: q.q?.trim() || undefined, offset: q.offset ?? 0, limit: q.limit ?? 100 });
    });
    app.get('/api/v1/vendors/:id', {
      schema: { tags: ['advisories'], summary: 'A vendor and its products', params: Type.Object({ id: Type.Integer({ minimum: 1 }) }), response: { 200: Type.Object({ vendor: Vendor, products: Type.Array(Product) }) } },
    }, async (req) => {
      const v = await getVendor(ctx.db, (req.params as { id: number }).id);
      if (!v) throw notFound({ ja: 'ベンダ', en: 'vendor' });
      return v;
    });
    app.get('/api/v1/products/:id', {
      schema: { tags: ['advisories'], summary: 'A product', params: Type.Object({ id: Type.Integer({ minimum: 1 }) }), response: { 200: Product } },
    }, async (req) => {
      const p = await getProduct(ctx.db, (req.params as { id: number }).id);
      if (!p) throw notFound({ ja: '製品', en: 'product' });
      return p;
    });

    app.get('/advisories/quarterly', async (req, reply) => {
      const { year, quarter } = quarterOf(req.query as Record<string, string>);
      const r = await quarterReport(ctx.db, year, quarter, (at) => svc.registeredBefore(at));
      return sendPage(reply, <QuarterlyPage ctx={pageContext(req)} r={r} />);
    });
    app.get('/advisories/quarterly.csv', async (req, reply) => {
      const q = req.query as Record<string, string>;
      const { year, quarter } = quarterOf(q);
      const r = await quarterReport(ctx.db, year, quarter, (at) => svc.registeredBefore(at));
      const rows: unknown[][] = [['区分 / Section', '項目 / Item', '件数 / Count']];
      for (const m of r.months) rows.push(['登録件数 / Registered', `${m.year}-${String(m.month).padStart(2, '0')}`, m.count]);
      rows.push(['登録件数 / Registered', '四半期計 / Quarter', r.total], ['登録件数 / Registered', '累計 / Cumulative', r.cumulative],
        ['登録件数 / Registered', '前四半期 / Previous quarter', r.previousQuarter], ['登録件数 / Registered', '前年同期 / Same quarter last year', r.sameQuarterLastYear],
        ['KEV', 'CISA KEV', r.kev]);
      for (const s of r.severity) rows.push(['深刻度 / Severity', s.severity, s.count]);
      for (const c of r.cwe) rows.push(['CWE', c.cwe, c.count]);
      for (const p of r.products) rows.push(['製品 / Product', `${p.vendor} ${p.product}`, p.count]);
      for (const v of r.vendors) rows.push(['ベンダ / Vendor', v.vendor, v.count]);
      const enc = parseCsvEncoding(q.encoding);
      return reply.type(csvContentType(enc)).header('content-disposition', csvDisposition(`jvn-ipedia-${year}-q${quarter}.csv`))
        .send(toCsv([[quarterLabel(year, quarter, true)], ...rows], enc));
    });
  },
};
