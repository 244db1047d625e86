// icat on PGlite and PostgreSQL: registration and keys, the embed script (run against a fake DOM),
// the sandboxed frame with its own CSP, the JSON feed, no cookies on embed responses, product
// filters, suspension, the count of distinct embedding sites, and the FY2020 demo's 980 sites.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { sql } from 'kysely';
import { BACKENDS, startTestPlatform, type TestPlatform } from '../../../../test/harness.js';
import { anonymous, loginAs, type Session } from '../../../../test/session.js';
import { seedReportLines } from '../../../../test/shared-reference.js';
import { SYSTEM_ACTOR, type Actor } from '../../../platform/context.js';
import { jstMidnight, jstParts } from '../../../platform/i18n/dates.js';
import type { AdvisoriesService } from '../service.js';
import { alertsOf } from '../alerts/index.js';
import { icatOf } from './index.js';
import { loadIcatDemo } from './demo.js';
import { MAX_HOSTS_PER_DAY } from './service.js';

const PASSWORD = 'icat test password 1';
const TOTP = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const ADV: Actor = { userId: null, kind: 'staff', displayName: 't', organisationId: null, roles: [], permissions: new Set(['advisories.write', 'advisories.publish']) };
const setCookies = (res: { headers: Record<string, unknown> }) => res.headers['set-cookie'];
const post = (s: Session, url: string, fields: Record<string, string>, csrf = true) => ({
  method: 'POST' as const, url, payload: new URLSearchParams({ ...(csrf ? { _csrf: s.csrf } : {}), ...fields }).toString(),
  headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
});

describe.each(BACKENDS)('icat on %s', (backend) => {
  let p: TestPlatform;
  const adv: Record<string, { jvndbId: string; productId: number }> = {};
  let keyA = ''; let siteA = '';
  let staff: Session;

  beforeAll(async () => {
    p = await startTestPlatform(backend);
    const svc = p.ctx.services.get('advisories') as AdvisoriesService;
    const make = async (name: string, title: string, vector: string, vendor: string, product: string, cpe: string) => {
      const d = await svc.create({ title: { ja: title, en: title }, cvss: [vector], affected: [{ vendor, product, cpe }] }, ADV);
      await svc.submitForReview(d.id, ADV);
      const a = await svc.publish(d.id, ADV);
      adv[name] = { jvndbId: a.jvndbId!, productId: a.affected[0].productId };
    };
    await make('apache', 'Apache HTTP Server の緊急の脆弱性', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'Apache', 'HTTP Server', 'cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*');
    await make('router', 'ExampleRouter の重要な脆弱性', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 'Example', 'Router', 'cpe:2.3:h:example:router:1.0:*:*:*:*:*:*:*');
    await make('medium', 'SampleCMS の警告レベルの脆弱性', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 'Sample', 'CMS', 'cpe:2.3:a:sample:cms:1.0:*:*:*:*:*:*:*');
    const alerts = alertsOf(p.ctx);
    const em = await alerts.create({ kind: 'emergency', title: { ja: 'Apache HTTP Server の緊急対策', en: 'Apache HTTP Server emergency' }, advisories: [adv.apache.jvndbId] }, SYSTEM_ACTOR);
    await alerts.publish(em.id, SYSTEM_ACTOR);
    const general = await alerts.create({ kind: 'alert', title: { ja: '年末年始の情報セキュリティ対策', en: 'Security over the holidays' } }, SYSTEM_ACTOR);
    await alerts.publish(general.id, SYSTEM_ACTOR);
    const draft = await alerts.create({ kind: 'alert', title: { ja: '未公開の下書き', en: 'Unpublished draft' } }, SYSTEM_ACTOR);
    void draft;
  }, 120_000);
  afterAll(async () => { await p?.destroy(); });

  const frame = (query: string, headers: Record<string, string> = {}) => p.app.inject({ method: 'GET', url: `/icat/frame?${query}`, headers });

  it('registers a site from the public form and issues its key at once (CSRF, validation, mail, rate limit)', async () => {
    const anon = await anonymous(p.app, '/icat');
    expect(anon.csrf).not.toBe('');
    const fields = { name: 'サンプル新聞', url: 'https://www.example-a.jp/news/', email: 'web@example-a.jp' };
    expect((await p.app.inject(post(anon, '/icat/register', fields, false))).statusCode).toBe(403);
    const bad = await p.app.inject(post(anon, '/icat/register', { name: '', url: 'javascript:alert(1)', email: 'not-an-address' }));
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('サイト名は必須です。'); expect(bad.body).toContain('http:// または https://'); expect(bad.body).toContain('メールアドレスの形式が正しくありません。');
    expect(bad.body).toContain('aria-invalid="true"');
    const ok = await p.app.inject(post(anon, '/icat/register', fields));
    expect(ok.statusCode).toBe(201);
    keyA = /<code>(icat_[A-Za-z0-9_-]+)<\/code>/.exec(ok.body)![1];
    expect(ok.body).toContain('https://www.example-a.jp'); expect(ok.body).toContain(`/icat/widget.js&quot; data-key=&quot;${keyA}&quot;`);
    expect(ok.body).toContain('sandbox=&quot;allow-popups allow-popups-to-escape-sandbox&quot;');
    const site = (await icatOf(p.ctx).byKey(keyA))!;
    expect(site).toMatchObject({ name: 'サンプル新聞', origin: 'https://www.example-a.jp', url: 'https://www.example-a.jp/news/', email: 'web@example-a.jp', state: 'active', source: 'public' });
    siteA = site.id;
    const mail = (await sql<{ to_addr: string; body_text: string }>`select to_addr, body_text from mail_outbox where body_text like ${'%' + keyA + '%'}`.execute(p.ctx.db)).rows;
    expect(mail).toHaveLength(1); expect(mail[0].to_addr).toBe('web@example-a.jp');
    expect((await p.ctx.audit.list({ subjectType: 'icat_site', subjectId: siteA })).map((e) => e.action)).toEqual(['advisories.icat.registered']);
    // The public form is rate limited.
    const codes: number[] = [];
    for (let i = 0; i < p.config.publicFormRateLimit + 2; i++) codes.push((await p.app.inject(post(anon, '/icat/register', { name: '', url: '', email: '' }))).statusCode);
    expect(codes).toContain(429);
  });

  it('serves widget.js, which only inserts a sandboxed iframe for its key (run against a fake DOM), without cookies', async () => {
    const res = await p.app.inject({ method: 'GET', url: '/icat/widget.js?lang=en', headers: { cookie: 'mamori_lang=ja' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/javascript');
    expect(setCookies(res)).toBeUndefined();
    // Control: the same request elsewhere on the site does get the language cookie.
    expect(String(setCookies(await p.app.inject({ method: 'GET', url: '/advisories/alerts?lang=en', headers: { cookie: 'mamori_lang=ja' } })))).toContain('mamori_lang=en');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.body).not.toMatch(/cookie|fetch\(|XMLHttpRequest|innerHTML|eval\(|localStorage|postMessage|document\.write/);
    const run = (attrs: Record<string, string>) => {
      const inserted: Array<{ tag: string; attrs: Record<string, string> }> = [];
      const script = { src: 'https://mamori.example.jp/icat/widget.js', getAttribute: (n: string) => attrs[n] ?? null, nextSibling: null, parentNode: { insertBefore: (el: { tag: string; attrs: Record<string, string> }) => inserted.push(el) } };
      const document = { currentScript: script, baseURI: 'https://www.example-a.jp/news/', createElement: (tag: string) => ({ tag, attrs: {} as Record<string, string>, style: {}, setAttribute(k: string, v: string) { this.attrs[k] = v; } }) };
      runInNewContext(res.body, { document, window: { console: { warn() {} } }, URL });
      return inserted;
    };
    const [el, ...more] = run({ 'data-key': keyA, 'data-product': 'apache:http_server,42', 'data-lang': 'en', 'data-limit': '5' });
    expect(more).toEqual([]);
    expect(el.tag).toBe('iframe');
    expect(el.attrs.sandbox).toBe('allow-popups allow-popups-to-escape-sandbox');
    expect(el.attrs.src).toBe(`https://mamori.example.jp/icat/frame?key=${keyA}&product=apache%3Ahttp_server%2C42&lang=en&limit=5`);
    expect(el.attrs.title).toBe('Cybersecurity alerts (icat)');
    expect(el.attrs.referrerpolicy).toBe('strict-origin');
    expect(run({ 'data-key': '"><script>alert(1)</script>' })).toEqual([]);
    expect(run({})).toEqual([]);
  });

  it('renders the frame with its own CSP (frame-ancestors of the registered origin, no scripts, sandbox) and filters by product', async () => {
    const res = await frame(`key=${keyA}&lang=en`, { referer: 'https://www.example-a.jp/', cookie: 'mamori_lang=ja' });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'self' https://www.example-a.jp;");
    expect(csp).toContain("default-src 'none'"); expect(csp).not.toContain('script-src'); expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain('sandbox allow-popups allow-popups-to-escape-sandbox');
    expect(res.headers['x-frame-options']).toBeUndefined();
    expect(setCookies(res)).toBeUndefined();
    const html = res.body;
    expect(html).not.toContain('<script');
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
    expect(csp).toContain(`style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    const anchors = html.match(/<a [^>]*>/g)!;
    expect(anchors.length).toBeGreaterThan(3);
    for (const a of anchors) { expect(a).toContain('target="_blank"'); expect(a).toContain('rel="noopener noreferrer"'); }
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<strong class="em">Emergency</strong>'); expect(html).toContain('Security over the holidays');
    expect(html).toContain(`href="/advisories/${adv.apache.jvndbId}"`); expect(html).toContain(`href="/advisories/${adv.router.jvndbId}"`);
    expect(html).not.toContain(adv.medium.jvndbId); expect(html).not.toContain('Unpublished draft');
    expect(html).toMatch(/<h2 id="icat-alerts">/); expect(html).toContain('aria-labelledby="icat-adv"');

    const byId = (await frame(`key=${keyA}&product=${adv.apache.productId}`)).body;
    expect(byId).toContain(adv.apache.jvndbId); expect(byId).not.toContain(adv.router.jvndbId);
    expect(byId).toContain('Apache HTTP Server の緊急対策'); expect(byId).not.toContain('年末年始');
    const byCpe = (await frame(`key=${keyA}&product=example:router`)).body;
    expect(byCpe).toContain(adv.router.jvndbId); expect(byCpe).not.toContain(adv.apache.jvndbId); expect(byCpe).not.toContain('緊急対策');
    const both = (await frame(`key=${keyA}&product=example:router,${adv.apache.productId}`)).body;
    expect(both).toContain(adv.router.jvndbId); expect(both).toContain(adv.apache.jvndbId);
    const none = (await frame(`key=${keyA}&product=nobody:nothing`)).body;
    expect(none).toContain('現在、該当する情報はありません。'); expect(none).not.toContain('JVNDB-');
    const badProduct = await frame(`key=${keyA}&product=${encodeURIComponent('<b>!!')}`);
    expect(badProduct.statusCode).toBe(422); expect(badProduct.body).toContain('product は製品 ID または CPE');
    expect(badProduct.headers['content-security-policy']).toContain('https://www.example-a.jp');
  });

  it('answers unknown and suspended keys with errors, and lets staff suspend and reactivate a site', async () => {
    const unknown = await frame('key=icat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(unknown.statusCode).toBe(404); expect(unknown.body).toContain('このキーは登録されていません');
    expect(unknown.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect((await frame('')).statusCode).toBe(404);
    expect((await frame('key=%3Cscript%3E')).statusCode).toBe(404);
    const feedUnknown = await p.app.inject({ method: 'GET', url: '/icat/feed.json?key=icat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(feedUnknown.statusCode).toBe(404); expect(feedUnknown.json().error.code).toBe('unknown_key');
    expect(feedUnknown.headers['access-control-allow-origin']).toBe('*');

    const au = p.ctx.auth;
    await au.createUser({ email: 'analyst@ipa.example.jp', displayName: '分析', password: PASSWORD, kind: 'staff', roles: ['analyst'], totpSecret: TOTP });
    await au.createUser({ email: 'planner@ipa.example.jp', displayName: '企画', password: PASSWORD, kind: 'staff', roles: ['planner'], totpSecret: TOTP });
    staff = await loginAs(p.app, 'analyst@ipa.example.jp', PASSWORD, TOTP);
    const other = await loginAs(p.app, 'planner@ipa.example.jp', PASSWORD, TOTP);
    expect((await p.app.inject({ method: 'GET', url: '/staff/advisories/icat', headers: { accept: 'text/html', cookie: other.cookie } })).statusCode).toBe(403);
    const list = await p.app.inject({ method: 'GET', url: '/staff/advisories/icat?q=example-a', headers: { accept: 'text/html', cookie: staff.cookie } });
    expect(list.statusCode).toBe(200); expect(list.body).toContain('サンプル新聞'); expect(list.body).toContain('web@example-a.jp');
    expect((await p.app.inject(post(other, `/staff/advisories/icat/${siteA}/suspend`, {}))).statusCode).toBe(403);
    expect((await p.app.inject(post(staff, `/staff/advisories/icat/${siteA}/suspend`, {}, false))).statusCode).toBe(403);
    expect((await p.app.inject(post(staff, `/staff/advisories/icat/${siteA}/suspend`, { note: '不正利用の疑い' }))).statusCode).toBe(303);
    const suspended = await frame(`key=${keyA}`, { referer: 'https://www.example-a.jp/' });
    expect(suspended.statusCode).toBe(403); expect(suspended.body).toContain('このキーは停止されています。');
    expect(suspended.headers['content-security-policy']).toContain("frame-ancestors 'self' https://www.example-a.jp");
    const feedSuspended = await p.app.inject({ method: 'GET', url: `/icat/feed.json?key=${keyA}` });
    expect(feedSuspended.statusCode).toBe(403); expect(feedSuspended.json().error.messages.en).toBe('This key has been suspended.');
    expect((await p.app.inject(post(staff, `/staff/advisories/icat/${siteA}/suspend`, {}))).statusCode).toBe(409);
    expect((await p.app.inject({ method: 'GET', url: '/staff/advisories/icat?state=suspended', headers: { accept: 'text/html', cookie: staff.cookie } })).body).toContain('不正利用の疑い');
    expect((await p.app.inject(post(staff, `/staff/advisories/icat/${siteA}/activate`, {}))).statusCode).toBe(303);
    expect((await frame(`key=${keyA}`)).statusCode).toBe(200);
    expect((await p.app.inject(post(staff, '/staff/advisories/icat/00000000-0000-0000-0000-000000000000/suspend', {}))).statusCode).toBe(404);
    expect((await p.ctx.audit.list({ subjectType: 'icat_site', subjectId: siteA })).map((e) => e.action).sort()).toEqual(['advisories.icat.activated', 'advisories.icat.registered', 'advisories.icat.suspended']);
  });

  it('serves the JSON feed (JSON Feed 1.1, CORS without credentials, no cookies)', async () => {
    const res = await p.app.inject({ method: 'GET', url: `/icat/feed.json?key=${keyA}&lang=en`, headers: { origin: 'https://app.example-c.jp', cookie: 'mamori_lang=ja' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(setCookies(res)).toBeUndefined();
    const feed = res.json();
    expect(feed).toMatchObject({ version: 'https://jsonfeed.org/version/1.1', language: 'en' });
    const ids = feed.items.map((i: { id: string }) => i.id);
    expect(ids).toEqual(expect.arrayContaining([adv.apache.jvndbId, adv.router.jvndbId]));
    expect(ids).not.toContain(adv.medium.jvndbId);
    const em = feed.items.find((i: { tags: string[] }) => i.tags.includes('emergency'));
    expect(em).toMatchObject({ title: 'Apache HTTP Server emergency', _icat: { type: 'emergency', title: { ja: 'Apache HTTP Server の緊急対策' } } });
    expect(em.url).toBe(`${p.config.baseUrl.replace(/\/$/, '')}/advisories/alerts/${em.id}`);
    const crit = feed.items.find((i: { id: string }) => i.id === adv.apache.jvndbId);
    expect(crit.tags).toEqual(['advisory', 'critical']);
    const dates = feed.items.map((i: { date_published: string }) => i.date_published);
    expect([...dates].sort().reverse()).toEqual(dates);
    const filtered = (await p.app.inject({ method: 'GET', url: `/icat/feed.json?key=${keyA}&product=example:router` })).json();
    expect(filtered.items.map((i: { id: string }) => i.id)).toEqual([adv.router.jvndbId]);
    expect((await p.app.inject({ method: 'GET', url: `/icat/feed.json?key=${keyA}&limit=1000` })).statusCode).toBe(422);
    expect((await p.app.inject({ method: 'GET', url: '/icat/feed.json?key=nope' })).statusCode).toBe(422);
    expect((await p.app.inject({ method: 'GET', url: `/icat/feed.json?key=${keyA}&product=a:b:c` })).json().error.details[0].field).toBe('product');
    const openapi = (await p.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(Object.keys(openapi.paths)).toContain('/icat/feed.json');
  });

  it('counts distinct embedding sites (key × host per day) and publishes them as statistics', async () => {
    const icat = icatOf(p.ctx);
    const c = await icat.register({ name: 'Counting', url: 'https://count.example.jp', email: 'c@count.example.jp' }, SYSTEM_ACTOR);
    const today = jstParts(new Date());
    const from = jstMidnight(today.y, today.m, today.d); const to = jstMidnight(today.y, today.m, today.d + 1);
    const sitesBefore = await p.ctx.stats.between('advisories.icat.sites', from, to);
    const viewsBefore = await p.ctx.stats.between('advisories.icat.views', from, to);
    await frame(`key=${c.key}`, { referer: 'https://count.example.jp/a' });
    await frame(`key=${c.key}`, { referer: 'https://count.example.jp/b?x=1' });
    await frame(`key=${c.key}`, { referer: 'https://mirror.count.example.jp/' });
    await p.app.inject({ method: 'GET', url: `/icat/feed.json?key=${c.key}`, headers: { origin: 'https://dashboard.example.org' } });
    await frame(`key=${c.key}`); // no Referer: a view, not a site
    await frame(`key=${c.key}`, { referer: 'http://localhost/icat' }); // our own pages: not counted at all
    await frame('key=icat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', { referer: 'https://elsewhere.example/' }); // unknown key: nothing
    const rows = (await sql<{ host: string; views: number }>`select host, views from advisories_icat_hits where site_id = ${c.id} order by host`.execute(p.ctx.db)).rows;
    expect(rows.map((r) => [r.host, Number(r.views)])).toEqual([['', 1], ['count.example.jp', 2], ['dashboard.example.org', 1], ['mirror.count.example.jp', 1]]);
    expect(await p.ctx.stats.between('advisories.icat.sites', from, to)).toBe(sitesBefore + 3);
    expect(await p.ctx.stats.between('advisories.icat.views', from, to)).toBe(viewsBefore + 5);
    // The next day counts the same sites again as active in that day, but a period over both days counts each pair once.
    await icat.recordHit(c.id, 'count.example.jp', new Date(to.getTime() + 3600_000));
    expect(await icat.distinctSites(from, new Date(to.getTime() + 86400_000))).toBe(await icat.distinctSites(from, to));
    // Forged Referer floods are bounded: beyond the daily cap, new hosts are recorded as unknown.
    const day = new Date('2019-01-15T03:00:00Z');
    for (let i = 0; i <= MAX_HOSTS_PER_DAY; i++) await icat.recordHit(c.id, `h${i}.flood.example`, day);
    const flood = (await sql<{ hosts: number; unknown: number }>`select count(*) filter (where host <> '')::int as hosts, coalesce(sum(views) filter (where host = ''), 0)::int as unknown
      from advisories_icat_hits where site_id = ${c.id} and day = date '2019-01-15'`.execute(p.ctx.db)).rows[0];
    expect(flood).toEqual({ hosts: MAX_HOSTS_PER_DAY, unknown: 1 });
  });

  it('reproduces the 980 embedding websites of FY2020 from the demo data', async () => {
    const line = seedReportLines().find((l) => l.includes('icat') && l.includes('ウェブサイト利用数'))!;
    const reported = Number(/ウェブサイト利用数\s*([\d,]+)\s*サイト/.exec(line)![1].replace(/,/g, ''));
    expect(reported).toBe(980);
    const t0 = Date.now();
    await loadIcatDemo(p.ctx);
    await loadIcatDemo(p.ctx); // idempotent
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(await p.ctx.stats.fiscalYearValue('advisories.icat.sites', 2020, 'period')).toBe(reported);
    expect(await p.ctx.stats.fiscalYearValue('advisories.icat.sites', 2019, 'period')).toBe(7); // demo: 7 sites seen only in March 2020 (the flood test's day is in FY2018)
    expect(await p.ctx.stats.fiscalYearValue('advisories.icat.sites', 2021, 'period')).toBe(8);
    expect(await p.ctx.stats.fiscalYearValue('advisories.icat.views', 2020, 'period')).toBeGreaterThan(100_000);
    const table = await p.ctx.stats.table('advisories.icat-usage', 2020);
    expect(table.rows[0].cells.at(-1)).toBe('980');
    expect(table.rows[0].cells.slice(0, 12).every((c) => Number(String(c).replace(/,/g, '')) > 0)).toBe(true);
    expect(Number(String(table.rows[0].cells[11]).replace(/,/g, ''))).toBeGreaterThanOrEqual(930); // March 2021: every demo site
    const counts = (await sql<{ sites: number }>`select count(*)::int as sites from advisories_icat_sites where source = 'demo'`.execute(p.ctx.db)).rows[0];
    expect(counts.sites).toBe(950);
    const page = await p.app.inject({ method: 'GET', url: '/staff/advisories/icat?fy=2020', headers: { accept: 'text/html', cookie: staff.cookie } });
    expect(page.body).toContain('<strong>980</strong>');
  }, 120_000);
});
