// Vendor/product pages and API, CPE search, and the quarterly report, on the generated demo data
// (FY2020's 10,465 registrations with products) plus one staff-written advisory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { BACKENDS, startTestPlatform, type TestPlatform } from '../../../../test/harness.js';
import { SYSTEM_ACTOR } from '../../../platform/context.js';
import type { AdvisoriesService } from '../service.js';
import { advisoriesModule } from '../definition.js';
import { loadAdvisoriesDemo } from '../demo.js';
import { parseCpeFilter } from '../service.js';

describe('parseCpeFilter', () => {
  it('takes vendor and product from CPE 2.3 names and 2.2 URIs', () => {
    expect(parseCpeFilter('cpe:2.3:a:apache:tomcat:9.0.1:*:*:*:*:*:*:*')).toEqual({ vendor: 'apache', product: 'tomcat' });
    expect(parseCpeFilter('cpe:/a:Apache:Tomcat')).toEqual({ vendor: 'apache', product: 'tomcat' });
    expect(parseCpeFilter('cpe:2.3:o:linux')).toEqual({ vendor: 'linux', product: null });
    expect(parseCpeFilter('cpe:2.3:a:foo\\:bar:baz')).toEqual({ vendor: 'foo\\:bar', product: 'baz' });
    for (const bad of ['apache:tomcat', 'cpe:2.3:x:apache:tomcat', 'cpe:2.3:a:*:tomcat', 'cpe:2.3:a', '']) expect(parseCpeFilter(bad)).toBeNull();
  });
});

for (const backend of BACKENDS) {
  describe(`advisory catalogue on ${backend}`, () => {
    let p: TestPlatform; let svc: AdvisoriesService;
    beforeAll(async () => {
      p = await startTestPlatform(backend, { modules: [advisoriesModule] });
      svc = p.ctx.services.get('advisories') as AdvisoriesService;
      await loadAdvisoriesDemo(p.ctx);
    }, 300_000);
    afterAll(async () => { await p?.destroy(); });

    it('lists vendors with product and advisory counts, and serves vendor and product pages and JSON', async () => {
      const list = await p.app.inject({ method: 'GET', url: '/api/v1/vendors?q=apache&limit=10' });
      expect(list.statusCode).toBe(200);
      const apache = list.json().items.find((v: { name: string }) => v.name === 'Apache Software Foundation');
      expect(apache).toMatchObject({ cpeVendor: 'apache_software_foundation', products: 4 });
      // The advisory count comes from the data: check it against a direct count.
      const direct = await sql<{ n: number }>`select count(distinct x.advisory_id)::int as n from advisories_affected x join advisories_products p on p.id = x.product_id where p.vendor_id = ${apache.id}`.execute(p.ctx.db);
      expect(apache.advisories).toBe(Number(direct.rows[0].n));
      expect(apache.advisories).toBeGreaterThan(0);

      const vendor = await p.app.inject({ method: 'GET', url: `/api/v1/vendors/${apache.id}` });
      const products = vendor.json().products as Array<{ id: number; name: string; advisories: number }>;
      expect(products.map((x) => x.name).sort()).toEqual(['HTTP Server', 'Log4j', 'Struts', 'Tomcat']);
      expect(products.reduce((s, x) => s + x.advisories, 0)).toBe(apache.advisories); // one affected product per generated advisory

      const page = await p.app.inject({ method: 'GET', url: `/advisories/vendors/${apache.id}`, headers: { accept: 'text/html' } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Tomcat'); expect(page.body).toContain(`/advisories/products/`);
      const tomcat = products.find((x) => x.name === 'Tomcat')!;
      const prodPage = await p.app.inject({ method: 'GET', url: `/advisories/products/${tomcat.id}`, headers: { accept: 'text/html' } });
      expect(prodPage.statusCode).toBe(200);
      expect(prodPage.body).toContain(`${tomcat.advisories.toLocaleString('ja-JP')}`);
      expect(prodPage.body).toMatch(/v &lt; \d+\.\d+\.0/); // the affected version range is shown
      expect((await p.app.inject({ method: 'GET', url: `/api/v1/products/${tomcat.id}` })).json()).toMatchObject({ name: 'Tomcat', vendor: 'Apache Software Foundation' });

      expect((await p.app.inject({ method: 'GET', url: '/advisories/vendors/999999', headers: { accept: 'text/html' } })).statusCode).toBe(404);
      expect((await p.app.inject({ method: 'GET', url: '/advisories/products/abc', headers: { accept: 'text/html' } })).statusCode).toBe(404);
      expect((await p.app.inject({ method: 'GET', url: '/api/v1/vendors/0' })).statusCode).toBe(422);
      const html = await p.app.inject({ method: 'GET', url: '/advisories/vendors?q=zzzz-none', headers: { accept: 'text/html' } });
      expect(html.body).toContain('該当するベンダはありません');
    }, 60_000);

    it('searches by CPE vendor and product, and refuses a malformed CPE', async () => {
      const one = await svc.create({ title: { ja: 'テスト製品の脆弱性', en: 'Test product flaw' }, affected: [{ vendor: 'Example Corp', product: 'Widget', cpe: 'cpe:2.3:a:example:widget:*:*:*:*:*:*:*:*', versionEnd: '2.0', versionEndIncluding: false }] }, SYSTEM_ACTOR);
      await svc.submitForReview(one.id, SYSTEM_ACTOR); await svc.publish(one.id, SYSTEM_ACTOR);
      const byCpe = await p.app.inject({ method: 'GET', url: '/api/v1/advisories?cpe=cpe:2.3:a:example:widget:1.0:*:*:*:*:*:*:*' });
      expect(byCpe.statusCode).toBe(200);
      expect(byCpe.json().items.map((a: { title: { en: string } }) => a.title.en)).toEqual(['Test product flaw']);
      const v22 = await p.app.inject({ method: 'GET', url: '/api/v1/advisories?cpe=cpe:/a:example' });
      expect(v22.json().total).toBe(1);
      const tomcat = await p.app.inject({ method: 'GET', url: '/api/v1/advisories?cpe=cpe:2.3:a:apache_software_foundation:tomcat&limit=1' });
      const count = await sql<{ n: number }>`select count(*)::int as n from advisories_affected x join advisories_products p on p.id = x.product_id where p.cpe_product = 'tomcat'`.execute(p.ctx.db);
      expect(tomcat.json().total).toBe(Number(count.rows[0].n));
      // Version filter: the range is v < 2.0 (generic rules: 1.10 > 1.9, 2.0 is the fixed version).
      const inRange = await p.app.inject({ method: 'GET', url: '/api/v1/advisories?cpe=cpe:2.3:a:example:widget&version=1.10' });
      expect(inRange.json().total).toBe(1);
      expect((await p.app.inject({ method: 'GET', url: '/api/v1/advisories?cpe=cpe:2.3:a:example:widget&version=2.0' })).json().total).toBe(0);
      expect((await p.app.inject({ method: 'GET', url: `/api/v1/advisories?productId=${one.affected[0].productId}&version=2.0.1` })).json().total).toBe(0);
      expect((await p.app.inject({ method: 'GET', url: `/api/v1/advisories?productId=${one.affected[0].productId}&version=0.9` })).json().total).toBe(1);
      const noProduct = await p.app.inject({ method: 'GET', url: '/api/v1/advisories?version=1.0' });
      expect(noProduct.statusCode).toBe(422); expect(noProduct.json().error.details[0].field).toBe('version');
      expect((await p.app.inject({ method: 'GET', url: '/api/v1/advisories?cpe=cpe:/a:example:widget&version=1.0%3Cscript%3E' })).statusCode).toBe(422);
      const bad = await p.app.inject({ method: 'GET', url: '/api/v1/advisories?cpe=apache' });
      expect(bad.statusCode).toBe(422);
      expect(bad.json().error.details[0].field).toBe('cpe');
      const page = await p.app.inject({ method: 'GET', url: '/advisories?cpe=cpe%3A2.3%3Aa%3Aexample%3Awidget', headers: { accept: 'text/html' } });
      expect(page.body).toContain('テスト製品の脆弱性');
    }, 60_000);

    it('compresses API responses with gzip or brotli as the client asks, and caches single advisories until they change', async () => {
      for (const [enc, undo] of [['br', brotliDecompressSync], ['gzip', gunzipSync]] as const) {
        const res = await p.app.inject({ method: 'GET', url: '/api/v1/advisories?limit=50', headers: { 'accept-encoding': enc } });
        expect(res.headers['content-encoding']).toBe(enc);
        const body = JSON.parse(undo(res.rawPayload).toString('utf8'));
        expect(body.items).toHaveLength(50);
      }
      const plain = await p.app.inject({ method: 'GET', url: '/api/v1/advisories?limit=50' });
      expect(plain.headers['content-encoding']).toBeUndefined();
      // The by-ID JSON is cached (json-cache.ts; inject reaches the route, which stores and serves it) and evicted on a change.
      const first = await p.app.inject({ method: 'GET', url: '/api/v1/advisories/JVNDB-2020-000002' });
      const again = await p.app.inject({ method: 'GET', url: '/api/v1/advisories/JVNDB-2020-000002' });
      expect(again.headers.etag).toBe(first.headers.etag);
      const adv = await svc.get('JVNDB-2020-000002');
      await svc.update(adv!.id, { title: { ja: '更新後のタイトル', en: 'Updated title' } }, SYSTEM_ACTOR);
      const after = await p.app.inject({ method: 'GET', url: '/api/v1/advisories/JVNDB-2020-000002' });
      expect(after.headers.etag).not.toBe(first.headers.etag);
      expect(after.json().title.ja).toBe('更新後のタイトル');
      // A change made by another process (here: SQL behind the service's back, not even setting
      // updated_at) arrives through NOTIFY; the row trigger moves updated_at, which sync clients need too.
      const before = (await svc.get('JVNDB-2020-000002'))!.updatedAt;
      await sql`update advisories set title_ja = 'SQL で更新' where jvndb_id = 'JVNDB-2020-000002'`.execute(p.ctx.db);
      let seen = '';
      for (let i = 0; i < 50 && seen !== 'SQL で更新'; i++) {
        await new Promise((r) => setTimeout(r, 20));
        seen = (await p.app.inject({ method: 'GET', url: '/api/v1/advisories/JVNDB-2020-000002' })).json().title.ja;
      }
      expect(seen).toBe('SQL で更新');
      expect((await svc.get('JVNDB-2020-000002'))!.updatedAt.getTime()).toBeGreaterThan(before.getTime());
    }, 60_000);

    it('reports a quarter of registrations: months, cumulative, severities, CWEs, products and vendors', async () => {
      const r = await p.app.inject({ method: 'GET', url: '/advisories/quarterly.csv?year=2020&quarter=2' });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toContain('text/csv');
      const rows = r.body.replace(/^\uFEFF/, '').trim().split(/\r?\n/).map((l) => l.split(','));
      const cell = (section: string, item: string) => Number(rows.find((x) => x[0].includes(section) && x[1]?.includes(item))?.[2]);
      // April–June 2020 in the annual report: 1,452 + 1,297 + 1,523.
      expect([cell('登録件数', '2020-04'), cell('登録件数', '2020-05'), cell('登録件数', '2020-06')]).toEqual([1452, 1297, 1523]);
      expect(cell('登録件数', '四半期計')).toBe(4272);
      expect(cell('登録件数', '累計')).toBe(116622 + 4272);
      const sevRows = rows.filter((x) => x[0].includes('深刻度'));
      expect(sevRows.reduce((s, x) => s + Number(x[2]), 0)).toBe(4272);
      const cwe = rows.filter((x) => x[0] === 'CWE');
      expect(cwe.length).toBe(10);
      expect(cwe[0][1]).toBe('CWE-79'); // the generator's most frequent weakness
      const q3 = await p.app.inject({ method: 'GET', url: '/advisories/quarterly.csv?year=2020&quarter=3' });
      const rows3 = q3.body.replace(/^\uFEFF/, '').trim().split(/\r?\n/).map((l) => l.split(','));
      expect(Number(rows3.find((x) => x[1]?.includes('前四半期'))?.[2])).toBe(4272);

      const html = await p.app.inject({ method: 'GET', url: '/advisories/quarterly?year=2021&quarter=1', headers: { accept: 'text/html' } });
      expect(html.statusCode).toBe(200);
      expect(html.body).toContain('2021年第1四半期（1月～3月）');
      expect(html.body).toContain((479 + 425 + 791).toLocaleString('ja-JP'));
      expect(html.body).toContain(`${(116622 + 10465).toLocaleString('ja-JP')}`); // cumulative at the end of March 2021 = 127,087
      const empty = await p.app.inject({ method: 'GET', url: '/advisories/quarterly?year=2010&quarter=1', headers: { accept: 'text/html' } });
      expect(empty.body).toContain('この四半期の登録はありません');
      expect((await p.app.inject({ method: 'GET', url: '/advisories/quarterly?year=2020&quarter=5' })).statusCode).toBe(422);
    }, 60_000);
  });
}
