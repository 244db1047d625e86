// Alerts (注意喚起 / 緊急対策) on PGlite and PostgreSQL: workflow and permissions, gap-free public ids,
// links to advisories and products, public pages and API, staff pages, and the FY2020 demo.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, startTestPlatform, type TestPlatform } from '../../../../test/harness.js';
import { loginAs, type Session } from '../../../../test/session.js';
import { seedReportLines } from '../../../../test/shared-reference.js';
import { SYSTEM_ACTOR, type Actor } from '../../../platform/context.js';
import { AppError } from '../../../platform/http/errors.js';
import { jstParts } from '../../../platform/i18n/dates.js';
import type { AdvisoriesService } from '../service.js';
import { loadAdvisoriesDemo } from '../demo.js';
import { alertsOf } from './index.js';
import { loadAlertsDemo } from './demo.js';
import type { AlertsService } from './service.js';

const PASSWORD = 'alerts test password 1';
const TOTP = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const staffActor = (perms: string[]): Actor => ({ userId: null, kind: 'staff', displayName: 'tester', organisationId: null, roles: [], permissions: new Set(perms) });
const ANALYST = staffActor(['advisories.alerts']);
const PUBLISHER = staffActor(['advisories.alerts', 'advisories.alerts.publish']);
const ADV = staffActor(['advisories.write', 'advisories.publish']);
const form = (s: Session, url: string, fields: Record<string, string>) => ({
  method: 'POST' as const, url, payload: new URLSearchParams({ _csrf: s.csrf, ...fields }).toString(),
  headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
});

describe.each(BACKENDS)('alerts on %s', (backend) => {
  let p: TestPlatform;
  let alerts: AlertsService;
  let advisories: AdvisoriesService;
  const year = jstParts(new Date()).y;
  const jvndb: string[] = [];

  beforeAll(async () => {
    p = await startTestPlatform(backend);
    alerts = alertsOf(p.ctx);
    advisories = p.ctx.services.get('advisories') as AdvisoriesService;
    for (const [i, a] of [
      { title: { ja: 'Apache HTTP Server におけるパス・トラバーサルの脆弱性', en: 'Path traversal in Apache HTTP Server' }, cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
        affected: [{ vendor: 'Apache Software Foundation', product: 'Apache HTTP Server', cpe: 'cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*' }] },
      { title: { ja: 'SampleCMS におけるクロスサイトスクリプティング', en: '' } },
    ].entries()) {
      const d = await advisories.create({ ...a, cveIds: [`CVE-2021-4177${i}`] }, ADV);
      await advisories.submitForReview(d.id, ADV);
      jvndb.push((await advisories.publish(d.id, ADV)).jvndbId!);
    }
  }, 120_000);
  afterAll(async () => { await p?.destroy(); });

  const input = (over: Record<string, unknown> = {}) => ({
    kind: 'emergency', title: { ja: 'Apache HTTP Server の脆弱性対策について（CVE-2021-41773）', en: 'Apache HTTP Server vulnerability (CVE-2021-41773)' },
    summary: { ja: '悪用が確認されています。', en: 'Being exploited.' }, body: { ja: '直ちに 2.4.51 に更新してください。', en: 'Update to 2.4.51 now.' },
    advisories: [jvndb[0]], products: [{ cpe: 'cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*' }, { title: 'その他の派生製品' }], ...over,
  });

  it('validates input with bilingual reasons and checks links against the database', async () => {
    const bad = await alerts.create({ kind: 'warning', title: {}, url: 'javascript:alert(1)', advisories: ['JVN-1'], products: [{ cpe: 'cpe:2.3:a:broken' }, {}], publicDate: '2021-02-30' }, ANALYST).catch((e) => e);
    expect(bad).toBeInstanceOf(AppError);
    expect((bad as AppError).status).toBe(422);
    expect((bad as AppError).details.map((d) => d.field).sort()).toEqual(['advisories[0]', 'kind', 'products[0].cpe', 'products[1]', 'publicDate', 'title', 'url']);
    expect((bad as AppError).details.find((d) => d.field === 'kind')!.message.ja).toContain('種別');
    const unknown = await alerts.create(input({ advisories: ['JVNDB-1999-999999'] }), ANALYST).catch((e) => e);
    expect((unknown as AppError).details).toEqual([{ field: 'advisories[0]', message: { ja: '脆弱性対策情報 JVNDB-1999-999999 は登録されていません。', en: 'Advisory JVNDB-1999-999999 does not exist.' } }]);
    expect((await alerts.create(input({ products: [{ productId: 999999 }] }), ANALYST).catch((e) => e) as AppError).details[0].field).toBe('products[0].productId');
    expect(Number((await sql<{ n: number }>`select count(*)::int as n from advisories_alerts`.execute(p.ctx.db)).rows[0].n)).toBe(0);
  });

  it('walks draft → published → revised → withdrawn with permissions, revisions and audit entries', async () => {
    await expect(alerts.create(input(), staffActor([]))).rejects.toMatchObject({ status: 403 });
    const a = await alerts.create(input(), ANALYST);
    expect(a).toMatchObject({ state: 'draft', alertId: null, kind: 'emergency', revision: 1 });
    expect(a.advisories.map((x) => x.jvndbId)).toEqual([jvndb[0]]);
    // The CPE resolves to the product of the linked advisory; the free-text product keeps its name.
    const adv = (await advisories.get(jvndb[0]))!;
    expect(a.products[0]).toMatchObject({ productId: adv.affected[0].productId, cpe: 'cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*', title: 'Apache Software Foundation Apache HTTP Server' });
    expect(a.products[1]).toMatchObject({ productId: null, cpe: null, title: 'その他の派生製品' });
    expect(await alerts.get(a.id)).toBeNull(); // drafts are not public
    const draft2 = await alerts.update(a.id, input({ summary: { ja: '悪用が確認されています（追記）', en: 'Being exploited (more).' } }), ANALYST);
    expect(draft2).toMatchObject({ state: 'draft', revision: 2, modifiedAt: null });

    await expect(alerts.publish(a.id, ANALYST)).rejects.toMatchObject({ status: 403 });
    const pub = await alerts.publish(a.id, PUBLISHER);
    expect(pub).toMatchObject({ state: 'published', alertId: `IPA-ALERT-${year}-0001` });
    expect(pub.firstPublishedAt).toBeTruthy(); expect(pub.publicDate).toEqual(pub.firstPublishedAt);
    await expect(alerts.publish(a.id, PUBLISHER)).rejects.toMatchObject({ status: 409 });

    await expect(alerts.update(a.id, input(), ANALYST)).rejects.toMatchObject({ status: 403 });
    const rev = await alerts.update(a.id, input({ advisories: [jvndb[0], jvndb[1]] }), PUBLISHER, '関連情報を追加');
    expect(rev).toMatchObject({ state: 'revised', alertId: pub.alertId, firstPublishedAt: pub.firstPublishedAt });
    expect(rev.advisories.map((x) => x.jvndbId)).toEqual([jvndb[0], jvndb[1]]);
    expect(rev.modifiedAt!.getTime()).toBeGreaterThanOrEqual(pub.modifiedAt!.getTime());

    await expect(alerts.withdraw(a.id, ANALYST)).rejects.toMatchObject({ status: 403 });
    const wd = await alerts.withdraw(a.id, PUBLISHER, '誤記のため');
    expect(wd.state).toBe('withdrawn');
    await expect(alerts.update(a.id, input(), PUBLISHER)).rejects.toMatchObject({ status: 409 });
    await expect(alerts.withdraw(a.id, PUBLISHER)).rejects.toMatchObject({ status: 409 });
    expect((await alerts.get(pub.alertId!))!.state).toBe('withdrawn'); // still answerable by id
    expect((await alerts.list({}, { offset: 0, limit: 10 })).total).toBe(0); // not listed

    expect((await alerts.revisions(a.id)).map((r) => [r.revision, r.kind])).toEqual([[1, 'created'], [2, 'updated'], [3, 'published'], [4, 'revised'], [5, 'withdrawn']]);
    const snap = (await sql<{ snapshot: { alertId: string; state: string } }>`select snapshot from advisories_alert_revisions where alert_id = ${a.id} and revision = 4`.execute(p.ctx.db)).rows[0].snapshot;
    expect(snap).toMatchObject({ alertId: pub.alertId, state: 'revised' });
    const audit = await p.ctx.audit.list({ subjectType: 'advisory_alert', subjectId: a.id });
    expect(audit.map((e) => e.action).sort()).toEqual(['advisories.alert.created', 'advisories.alert.published', 'advisories.alert.revised', 'advisories.alert.updated', 'advisories.alert.withdrawn']);
  });

  it('numbers publications gap-free per year, also when a publication fails or runs concurrently', async () => {
    // A publication that fails after taking its number rolls back and returns the number.
    const blocked = await alerts.create(input({ kind: 'alert', title: { ja: '番号の巻き戻し', en: '' } }), ANALYST);
    const next = `IPA-ALERT-${year}-0002`;
    const squatter = '00000000-0000-4000-8000-000000000001';
    await sql`insert into advisories_alerts (id, alert_id, kind, state, title_ja) values (${squatter}, ${next}, 'alert', 'draft', 'x')`.execute(p.ctx.db);
    await expect(alerts.publish(blocked.id, PUBLISHER)).rejects.toBeTruthy();
    expect((await alerts.get(blocked.id, { includeDrafts: true }))!.state).toBe('draft');
    await sql`delete from advisories_alerts where id = ${squatter}`.execute(p.ctx.db);
    expect((await alerts.publish(blocked.id, PUBLISHER)).alertId).toBe(next);

    const drafts = await Promise.all([1, 2, 3, 4, 5].map((i) => alerts.create(input({ kind: 'alert', title: { ja: `同時公開 ${i}`, en: '' } }), ANALYST)));
    const ids = (await Promise.all(drafts.map((d) => alerts.publish(d.id, PUBLISHER)))).map((a) => a.alertId).sort();
    expect(ids).toEqual([3, 4, 5, 6, 7].map((n) => `IPA-ALERT-${year}-${String(n).padStart(4, '0')}`));
    expect((await sql<{ n: number }>`select n from advisories_alert_counters where year = ${year}`.execute(p.ctx.db)).rows[0].n).toBe(7);
  });

  it('serves the public list with filters and pagination, the alert page and the JSON API', async () => {
    // One emergency alert (published) and enough alerts for two pages.
    const em = await alerts.publish((await alerts.create(input({ title: { ja: '緊急: Apache HTTP Server の脆弱性', en: 'Emergency: Apache HTTP Server' } }), ANALYST)).id, PUBLISHER);
    for (let i = 0; i < 14; i++) await alerts.publish((await alerts.create(input({ kind: 'alert', advisories: [], products: [], title: { ja: `注意喚起 ${i}`, en: `Alert ${i}` } }), ANALYST)).id, PUBLISHER);
    const total = (await alerts.list({}, { offset: 0, limit: 1 })).total;
    expect(total).toBe(21);

    const list = await p.app.inject({ method: 'GET', url: '/advisories/alerts' });
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('<p>21 件'); expect(list.body).toContain('rel="next"');
    expect((await p.app.inject({ method: 'GET', url: '/advisories/alerts?page=2' })).body).toContain('2 / 2');
    const emList = await p.app.inject({ method: 'GET', url: `/advisories/alerts?kind=emergency&year=${year}` });
    expect(emList.body).toContain('<p>1 件'); expect(emList.body).toContain(em.alertId!); expect(emList.body).toContain('<strong class="badge emergency">緊急対策</strong>');
    expect((await p.app.inject({ method: 'GET', url: '/advisories/alerts?year=2001' })).body).toContain('<p>0 件');
    expect((await p.app.inject({ method: 'GET', url: '/advisories/alerts?kind=<script>&year=abc&page=-4' })).statusCode).toBe(200);

    const page = await p.app.inject({ method: 'GET', url: `/advisories/alerts/${em.alertId}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('緊急対策：'); expect(page.body).toContain(`href="/advisories/${jvndb[0]}"`);
    expect(page.body).toContain(`href="/advisories?productId=${em.products[0].productId}"`);
    const en = await p.app.inject({ method: 'GET', url: `/advisories/alerts/${em.alertId}?lang=en` });
    expect(en.body).toContain('Emergency countermeasure:'); expect(en.body).toContain('Path traversal in Apache HTTP Server');
    expect((await p.app.inject({ method: 'GET', url: '/advisories/alerts/IPA-ALERT-1999-0001' })).statusCode).toBe(404);
    expect((await p.app.inject({ method: 'GET', url: '/advisories/alerts/not-an-id', headers: { accept: 'text/html' } })).statusCode).toBe(404);
    const withdrawn = await p.app.inject({ method: 'GET', url: `/advisories/alerts/IPA-ALERT-${year}-0001` });
    expect(withdrawn.statusCode).toBe(200); expect(withdrawn.body).toContain('取り下げられました');

    const api = await p.app.inject({ method: 'GET', url: '/api/v1/alerts?kind=emergency' });
    expect(api.statusCode).toBe(200);
    expect(api.json()).toMatchObject({ total: 1, items: [{ id: em.alertId, kind: 'emergency', state: 'published', advisories: [{ id: jvndb[0], severity: 'critical', url: `/advisories/${jvndb[0]}` }] }] });
    const paged = (await p.app.inject({ method: 'GET', url: '/api/v1/alerts?limit=5&offset=20' })).json();
    expect(paged).toMatchObject({ total: 21, offset: 20, limit: 5 }); expect(paged.items).toHaveLength(1);
    expect((await p.app.inject({ method: 'GET', url: '/api/v1/alerts?kind=warning' })).statusCode).toBe(422);
    expect((await p.app.inject({ method: 'GET', url: '/api/v1/alerts?limit=1000' })).statusCode).toBe(422);
    const one = await p.app.inject({ method: 'GET', url: `/api/v1/alerts/${em.alertId}` });
    expect(one.json()).toMatchObject({ id: em.alertId, url_html: `/advisories/alerts/${em.alertId}` });
    const missing = await p.app.inject({ method: 'GET', url: '/api/v1/alerts/IPA-ALERT-1999-0001' });
    expect(missing.statusCode).toBe(404); expect(missing.json().error.messages.ja).toContain('注意喚起');
    const openapi = (await p.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/v1/alerts', '/api/v1/alerts/{alertId}']));
  });

  it('lets analysts draft and publishers publish through the staff pages (CSRF, permissions, errors)', async () => {
    const au = p.ctx.auth;
    await au.createUser({ email: 'analyst@ipa.example.jp', displayName: '分析', password: PASSWORD, kind: 'staff', roles: ['analyst'], totpSecret: TOTP });
    await au.createUser({ email: 'publisher@ipa.example.jp', displayName: '公表', password: PASSWORD, kind: 'staff', roles: ['publisher'], totpSecret: TOTP });
    await au.createUser({ email: 'consultant@ipa.example.jp', displayName: '相談', password: PASSWORD, kind: 'staff', roles: ['consultant'], totpSecret: TOTP });
    const analyst = await loginAs(p.app, 'analyst@ipa.example.jp', PASSWORD, TOTP);
    const publisher = await loginAs(p.app, 'publisher@ipa.example.jp', PASSWORD, TOTP);
    const other = await loginAs(p.app, 'consultant@ipa.example.jp', PASSWORD, TOTP);

    expect((await p.app.inject({ method: 'GET', url: '/staff/advisories/alerts', headers: { accept: 'text/html' } })).statusCode).toBe(303);
    expect((await p.app.inject({ method: 'GET', url: '/staff/advisories/alerts', headers: { accept: 'text/html', cookie: other.cookie } })).statusCode).toBe(403);
    const staffList = await p.app.inject({ method: 'GET', url: '/staff/advisories/alerts', headers: { accept: 'text/html', cookie: analyst.cookie } });
    expect(staffList.statusCode).toBe(200); expect(staffList.body).toContain('新しい注意喚起を作成');
    const bench = await p.app.inject({ method: 'GET', url: '/staff', headers: { accept: 'text/html', cookie: analyst.cookie } });
    expect(bench.body).toContain('/staff/advisories/alerts');

    const fields = { kind: 'alert', title_ja: 'フォームから作成した注意喚起', title_en: 'Created with the form', summary_ja: '概要', summary_en: '', body_ja: '本文', body_en: '',
      url: 'https://www.ipa.go.jp/security/', publicDate: '', advisories: `${jvndb[0]}\n${jvndb[1]}`, products: 'cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:* | Apache HTTP Server 2.4 系' };
    const noCsrf = await p.app.inject({ ...form(analyst, '/staff/advisories/alerts/new', fields), payload: new URLSearchParams(fields).toString() });
    expect(noCsrf.statusCode).toBe(403);
    const invalid = await p.app.inject(form(analyst, '/staff/advisories/alerts/new', { ...fields, title_ja: '', title_en: '', advisories: 'JVNDB-2099-000001' }));
    expect(invalid.statusCode).toBe(422);
    expect(invalid.body).toContain('タイトル（日本語または英語）は必須です。'); expect(invalid.body).toContain('JVNDB-2099-000001 は登録されていません');
    expect(invalid.body).toContain('aria-invalid="true"');
    const created = await p.app.inject(form(analyst, '/staff/advisories/alerts/new', fields));
    expect(created.statusCode).toBe(303);
    const uuid = /alerts\/([0-9a-f-]{36})/.exec(created.headers.location as string)![1];
    const edit = await p.app.inject({ method: 'GET', url: `/staff/advisories/alerts/${uuid}`, headers: { accept: 'text/html', cookie: analyst.cookie } });
    expect(edit.statusCode).toBe(200); expect(edit.body).toContain(jvndb[1]); expect(edit.body).toContain('Apache HTTP Server 2.4 系');
    expect(edit.body).not.toContain('公開する（ID を採番）'); // the analyst may not publish
    expect((await p.app.inject(form(analyst, `/staff/advisories/alerts/${uuid}/publish`, {}))).statusCode).toBe(403);
    expect((await p.app.inject({ method: 'GET', url: `/staff/advisories/alerts/${uuid}`, headers: { accept: 'text/html', cookie: publisher.cookie } })).body).toContain('公開する（ID を採番）');
    expect((await p.app.inject(form(publisher, `/staff/advisories/alerts/${uuid}/publish`, {}))).statusCode).toBe(303);
    const published = (await alerts.get(uuid))!;
    expect(published.alertId).toMatch(new RegExp(`^IPA-ALERT-${year}-\\d{4}$`));
    expect(published.products[0]).toMatchObject({ title: 'Apache HTTP Server 2.4 系', cpe: 'cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*' });
    // A change after publication needs the publisher and becomes a revision with its note.
    expect((await p.app.inject(form(analyst, `/staff/advisories/alerts/${uuid}`, { ...fields, note: 'x' }))).statusCode).toBe(403);
    expect((await p.app.inject(form(publisher, `/staff/advisories/alerts/${uuid}`, { ...fields, summary_ja: '概要を更新', note: '概要を更新' }))).statusCode).toBe(303);
    expect((await alerts.get(uuid))!.state).toBe('revised');
    expect((await p.app.inject({ method: 'GET', url: `/advisories/alerts/${published.alertId}` })).body).toContain('概要を更新');
    expect((await p.app.inject(form(publisher, `/staff/advisories/alerts/${uuid}/withdraw`, { note: 'テスト' }))).statusCode).toBe(303);
    expect((await alerts.get(uuid))!.state).toBe('withdrawn');
    expect((await p.app.inject({ method: 'GET', url: '/staff/advisories/alerts/00000000-0000-0000-0000-000000000000', headers: { accept: 'text/html', cookie: analyst.cookie } })).statusCode).toBe(404);

    // Staff JSON endpoints.
    const j = await p.app.inject({ method: 'POST', url: '/api/v1/staff/alerts', payload: input({ kind: 'alert' }), headers: { cookie: analyst.cookie } });
    expect(j.statusCode).toBe(201);
    expect((await p.app.inject({ method: 'POST', url: `/api/v1/staff/alerts/${j.json().uuid}/publish`, payload: {}, headers: { cookie: analyst.cookie } })).statusCode).toBe(403);
    const jp = await p.app.inject({ method: 'POST', url: `/api/v1/staff/alerts/${j.json().uuid}/publish`, payload: {}, headers: { cookie: publisher.cookie } });
    expect(jp.statusCode).toBe(200); expect(jp.json().id).toMatch(/^IPA-ALERT-/);
    const bad = await p.app.inject({ method: 'PUT', url: `/api/v1/staff/alerts/${j.json().uuid}`, payload: { kind: 'nope', title: {} }, headers: { cookie: publisher.cookie } });
    expect(bad.statusCode).toBe(422); expect(bad.json().error.details.map((d: { field: string }) => d.field)).toEqual(['kind', 'title']);
  });

  it('loads the FY2020 demo alerts of the annual report (注意喚起 3, 緊急対策 0), linked to demo advisories', async () => {
    // The report: 脆弱性対策情報の公表（96 件。注意喚起（3 件）緊急対策（0 件）
    const line = seedReportLines().find((l) => l.includes('注意喚起（') && l.includes('緊急対策（'))!;
    const [, alertsN, emergencyN] = /注意喚起（(\d+) 件）緊急対策（(\d+) 件）/.exec(line)!.map(Number);
    await loadAdvisoriesDemo(p.ctx);
    await loadAlertsDemo(p.ctx);
    await loadAlertsDemo(p.ctx); // idempotent
    expect(await p.ctx.stats.fiscalYearValue('advisories.alerts.issued', 2020, 'period')).toBe(alertsN);
    expect(await p.ctx.stats.fiscalYearValue('advisories.alerts.emergency', 2020, 'period')).toBe(emergencyN);
    const table = await p.ctx.stats.table('advisories.alerts-issued', 2020);
    expect(table.rows.map((r) => r.cells[0])).toEqual([3, 0]);
    const demo = await alerts.list({ year: 2020 }, { offset: 0, limit: 10 });
    expect(demo.items.map((a) => a.alertId).sort()).toEqual(['IPA-ALERT-2020-0001', 'IPA-ALERT-2020-0002']);
    expect((await alerts.get('IPA-ALERT-2021-0001'))!.firstPublishedAt!.toISOString()).toBe('2021-02-17T01:00:00.000Z');
    const wp = (await alerts.get('IPA-ALERT-2020-0002'))!;
    expect(wp.products).toMatchObject([{ title: 'WordPress Foundation WordPress', vendor: 'WordPress Foundation', product: 'WordPress' }]);
    // Linked: up to three earlier FY2020 demo advisories that affect the alert's product.
    expect(wp.advisories.length).toBe(3);
    for (const l of wp.advisories) {
      const adv = (await advisories.get(l.jvndbId))!;
      expect(l.jvndbId).toMatch(/^JVNDB-2020-/);
      expect(adv.affected.map((x) => x.productId)).toContain(wp.products[0].productId);
      expect(adv.firstPublishedAt!.getTime()).toBeLessThan(wp.firstPublishedAt!.getTime());
    }
    expect((await p.app.inject({ method: 'GET', url: '/advisories/alerts/IPA-ALERT-2020-0002' })).body).toContain(`href="/advisories/${wp.advisories[0].jvndbId}"`);
    const page = await p.app.inject({ method: 'GET', url: '/advisories/alerts?year=2020' });
    expect(page.body).toContain('IPA-ALERT-2020-0002'); expect(page.body).toMatch(/<option value="2020" selected/);
  }, 120_000);
});
