// The consultation desk end to end through the HTTP app, on PGlite and PostgreSQL: staff-entered
// consultations with the call duration, referral and follow-up; the public web form; validation in
// both languages; CSRF; the knowledge base (trigram index); categories; partners; advisories with
// revisions; the staff list with filters, pagination and the anonymised CSV; audit and access control.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, startTestPlatform, type TestPlatform } from '../../../test/harness.js';
import { anonymous, loginAs, type Session } from '../../../test/session.js';
import { fiscalYear } from '../../platform/i18n/dates.js';
import type { ConsultationService, ConsultationData } from './service.js';
import { CONSULTATION } from './case-types.js';
import { SYSTEM_ACTOR } from '../../platform/context.js';

const PASSWORD = 'correct horse battery staple';
const TOTP = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

describe.each(BACKENDS)('consultation desk on %s', (backend) => {
  let p: TestPlatform;
  let svc: ConsultationService;
  let consultant: Session; let analyst: Session; let publisher: Session; let intake: Session;
  let partnerId: string;

  beforeAll(async () => {
    p = await startTestPlatform(backend);
    svc = p.ctx.services.get('consultation') as ConsultationService;
    const a = p.ctx.auth;
    await a.createUser({ email: 'soudan@ipa.example.jp', displayName: '相談 由紀', password: PASSWORD, kind: 'staff', roles: ['consultant'], totpSecret: TOTP });
    await a.createUser({ email: 'bunseki@ipa.example.jp', displayName: '分析 健', password: PASSWORD, kind: 'staff', roles: ['analyst'], totpSecret: TOTP });
    await a.createUser({ email: 'kohyo@ipa.example.jp', displayName: '公表 美咲', password: PASSWORD, kind: 'staff', roles: ['publisher'], totpSecret: TOTP });
    await a.createUser({ email: 'uketsuke@ipa.example.jp', displayName: '受付 花子', password: PASSWORD, kind: 'staff', roles: ['intake_handler'], totpSecret: TOTP });
    consultant = await loginAs(p.app, 'soudan@ipa.example.jp', PASSWORD, TOTP);
    analyst = await loginAs(p.app, 'bunseki@ipa.example.jp', PASSWORD, TOTP);
    publisher = await loginAs(p.app, 'kohyo@ipa.example.jp', PASSWORD, TOTP);
    intake = await loginAs(p.app, 'uketsuke@ipa.example.jp', PASSWORD, TOTP);
    await svc.savePartner({ name: '情報処理推進機構', kind: 'council', joinedOn: '2015-04-01', isIpa: 'on' }, SYSTEM_ACTOR);
    partnerId = (await svc.savePartner({ name: 'みほん消費生活センター', nameEn: 'Mihon consumer centre', kind: 'council', scope: '契約トラブル', contact: '188', joinedOn: '2016-04-01' }, SYSTEM_ACTOR)).id;
    await svc.saveKb({ kind: 'template', title: 'iPhone のカレンダー照会の削除手順', body: '設定 → カレンダー → アカウント から削除します。', category: 'iphone_calendar', keywords: 'カレンダー 照会 削除' }, { ...SYSTEM_ACTOR, displayName: 'test' });
    await svc.saveKb({ kind: 'method', title: '偽のセキュリティ警告', body: '警告音と電話番号でサポート詐欺に誘導する。', category: 'fake_warning', keywords: 'サポート詐欺' }, { ...SYSTEM_ACTOR, displayName: 'test' });
  }, 120_000);
  afterAll(async () => { await p?.destroy(); });

  const form = (s: Session | null, url: string, fields: Record<string, string | string[]>, opts: { csrf?: boolean } = {}) => {
    const body = new URLSearchParams();
    if (s && opts.csrf !== false) body.append('_csrf', s.csrf);
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    return p.app.inject({ method: 'POST', url, payload: body.toString(), headers: { ...(s ? { cookie: s.cookie } : {}), 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' } });
  };
  const get = (s: Session | null, url: string) => p.app.inject({ method: 'GET', url, headers: { ...(s ? { cookie: s.cookie } : {}), accept: 'text/html' } });
  const audits = async (action: string) => Number((await sql<{ n: number }>`select count(*)::int as n from audit_log where action = ${action}`.execute(p.ctx.db)).rows[0].n);

  it('records a phone consultation with call duration, categories, referral and follow-up', async () => {
    const page = await get(consultant, '/staff/consultation/new');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('src="/consultation/assets/call-timer.js"');
    expect(page.body).toContain('target="kb-results"');
    const idem = '0e8a7c52-6a51-4c1b-9d1e-3b0a4f1e2d3c';
    const fields = {
      idempotencyKey: idem, channel: 'phone_auto', callDuration: '12:34', device: 'iphone', os: 'iOS 14.4', categories: ['iphone_calendar', 'fake_warning'],
      summary: 'カレンダーにウイルス感染の通知が出る', advice: '照会カレンダーの削除方法を案内', kbRefs: 'KB-1', consulterName: '相談 太郎', consulterPhone: '03-0000-0000',
      referralPartner: partnerId, referralNote: '課金の返金について', outcome: 'follow_up', followUpOn: '2031-01-10',
    };
    const res = await form(consultant, '/staff/consultation/new', fields);
    expect(res.statusCode).toBe(303);
    const ref = /\/staff\/cases\/(IPA-C-\d{4}-\d{5})$/.exec(res.headers.location as string)![1];
    const c = (await p.ctx.cases.load(ref))!;
    expect(c.state).toBe('follow_up');
    expect(c.dueAt).not.toBeNull();
    const d = c.data as unknown as ConsultationData;
    expect(d).toMatchObject({ channel: 'phone_auto', callSeconds: 754, category: 'iphone_calendar', categories: ['iphone_calendar', 'fake_warning'], device: 'iphone', kbRefs: [1], consulter: { name: '相談 太郎', phone: '03-0000-0000', email: null } });
    expect(d.referrals).toHaveLength(1);
    expect(await p.ctx.cases.countEvents(CONSULTATION, fiscalYear(2000).from, new Date(Date.now() + 1000), { kind: 'referral' })).toBe(1);
    // A retry of the same form creates nothing new.
    const again = await form(consultant, '/staff/consultation/new', fields);
    expect(again.headers.location).toBe(res.headers.location);
    // The case page shows the consulter's contact to staff, and the read is audited.
    const before = await audits('case.read');
    const casePage = await get(consultant, `/staff/cases/${ref}`);
    expect(casePage.statusCode).toBe(200);
    expect(casePage.body).toContain('03-0000-0000');
    expect(casePage.body).toContain('12:34');
    expect(await audits('case.read')).toBe(before + 1);
    // Follow-up: the consultant refers again and closes.
    const r2 = await form(consultant, `/staff/consultation/${ref}/referral`, { partnerId, note: '再案内' });
    expect(r2.statusCode).toBe(303);
    const close = await p.app.inject({ method: 'POST', url: `/api/v1/cases/${ref}/transitions`, payload: { name: 'complete', reason: 'referred' }, headers: { cookie: consultant.cookie } });
    expect(close.statusCode).toBe(200);
    expect((await p.ctx.cases.load(ref))!.state).toBe('closed');
    expect(await p.ctx.stats.get('consultation.referrals')!.period(p.ctx, new Date(0), new Date(Date.now() + 1000))).toBe(2);
  });

  it('refuses invalid consultations naming each field in Japanese and English, and forms without CSRF', async () => {
    const res = await form(consultant, '/staff/consultation/new', { channel: 'pigeon', callDuration: '12 min', categories: 'no_such', summary: '', outcome: 'follow_up' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('「受付手段」の値が正しくありません。');
    expect(res.body).toContain('「通話時間」は「分」または「分:秒」');
    expect(res.body).toContain('「相談内容」は必須です。');
    expect(res.body).toContain('「フォローアップ予定日」は必須です。');
    await expect(svc.validate({ channel: 'email', categories: [], summary: '' }, 'staff')).rejects.toMatchObject({
      status: 422, details: expect.arrayContaining([expect.objectContaining({ field: 'summary', message: { ja: '「相談内容」は必須です。', en: '"What happened" is required.' } })]),
    });
    const noCsrf = await form(consultant, '/staff/consultation/new', { channel: 'email', categories: 'other', summary: 'x' }, { csrf: false });
    expect(noCsrf.statusCode).toBe(403);
    const referredWithout = await form(consultant, '/staff/consultation/new', { channel: 'email', categories: 'other', summary: 'x', outcome: 'referred' });
    expect(referredWithout.statusCode).toBe(422);
  });

  it('takes the public web form, acknowledges by mail and shows the receipt after commit', async () => {
    const s = await anonymous(p.app, '/consultation/new');
    const bad = await form(s, '/consultation/new', { summary: '', consulterEmail: 'nope' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('「メールアドレス」の形式が正しくありません。');
    expect(bad.body).toContain('「個人情報の取扱いへの同意」が必要です。');
    const en = await p.app.inject({ method: 'POST', url: '/consultation/new?lang=en', payload: new URLSearchParams({ _csrf: s.csrf, summary: '' }).toString(), headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' } });
    expect(en.body).toContain('&quot;What happened&quot; is required.');
    const ok = await form(s, '/consultation/new', { idempotencyKey: '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d', summary: '不審な SMS が届いた', categories: 'suspicious_mail_sms', device: 'android', consulterEmail: 'Citizen@Example.jp', consent: 'on' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toMatch(/^\/track\/[A-Za-z0-9_-]+\?received=1$/);
    const track = await get(s, ok.headers.location as string);
    const ref = /IPA-C-\d{4}-\d{5}/.exec(track.body)![0];
    const c = (await p.ctx.cases.load(ref))!;
    expect(c.data).toMatchObject({ channel: 'web_form', source: 'web_form', consulter: { email: 'citizen@example.jp' } });
    const mails = await sql<{ to_addr: string }>`select to_addr from mail_outbox where subject like ${'%' + ref + '%'}`.execute(p.ctx.db);
    expect(mails.rows.map((m) => m.to_addr)).toEqual(['citizen@example.jp']);
  });

  it('searches the knowledge base in Japanese through the trigram index', async () => {
    const idx = await sql<{ indexdef: string }>`select indexdef from pg_indexes where indexname = 'consultation_kb_search'`.execute(p.ctx.db);
    expect(idx.rows[0].indexdef).toContain('gin_trgm_ops');
    const res = await get(consultant, '/staff/consultation/kb?q=' + encodeURIComponent('カレンダー 削除'));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('KB-1');
    expect(res.body).not.toContain('偽のセキュリティ警告');
    const api = await p.app.inject({ method: 'GET', url: '/api/v1/consultation/kb?q=' + encodeURIComponent('サポート詐欺'), headers: { cookie: analyst.cookie } });
    expect(api.json().items.map((i: { code: string }) => i.code)).toEqual(['KB-2']);
    // A consultant adds an entry; the publisher may not.
    const add = await form(consultant, '/staff/consultation/kb', { kind: 'method', title: 'QR コードから偽サイトへ誘導', body: '駐車場の QR コードを貼り替える手口', keywords: 'QR' });
    expect(add.statusCode).toBe(303);
    expect((await svc.searchKb('qr')).length).toBe(1);
    expect((await form(publisher, '/staff/consultation/kb', { kind: 'method', title: 'x', body: 'y' })).statusCode).toBe(403);
  });

  it('lets staff edit the category taxonomy without changing past consultations', async () => {
    const add = await form(analyst, '/staff/consultation/categories', { key: 'qr_code_fraud', labelJa: 'QR コード詐欺', labelEn: 'QR code fraud', active: 'on' });
    expect(add.statusCode).toBe(303);
    const rename = await form(consultant, '/staff/consultation/categories', { key: 'qr_code_fraud', labelJa: 'QR コードの悪用', labelEn: 'QR code abuse', active: 'on' });
    expect(rename.statusCode).toBe(303);
    expect((await svc.categories()).find((c) => c.key === 'qr_code_fraud')!.label_ja).toBe('QR コードの悪用');
    const retire = await form(consultant, '/staff/consultation/categories', { key: 'qr_code_fraud', labelJa: 'QR コードの悪用', labelEn: 'QR code abuse' });
    expect(retire.statusCode).toBe(303);
    const refused = await form(consultant, '/staff/consultation/new', { channel: 'email', categories: 'qr_code_fraud', summary: 'x' });
    expect(refused.statusCode).toBe(422);
    expect((await form(consultant, '/staff/consultation/categories', { key: 'Bad Key', labelJa: '', labelEn: '' })).statusCode).toBe(422);
    expect((await form(intake, '/staff/consultation/categories', { key: 'x_y', labelJa: 'a', labelEn: 'b' })).statusCode).toBe(403);
    expect(await audits('consultation.category.updated')).toBe(2);
  });

  it('keeps the partner directory with joining dates and counts partners added and cooperation', async () => {
    const before = await p.ctx.stats.get('consultation.partners.added')!.period(p.ctx, new Date(Date.now() - 86400_000), new Date(Date.now() + 2 * 86400_000));
    const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
    const add = await form(analyst, '/staff/consultation/partners', { name: 'ためし相談室', kind: 'council', scope: 'スマホの契約', contact: '0120-000-000', joinedOn: today });
    expect(add.statusCode).toBe(303);
    expect(await p.ctx.stats.get('consultation.partners.added')!.period(p.ctx, new Date(Date.now() - 86400_000), new Date(Date.now() + 2 * 86400_000))).toBe(before + 1);
    expect((await form(analyst, '/staff/consultation/partners', { name: '', kind: 'x', joinedOn: '2020-13-01' })).statusCode).toBe(422);
    const coop = await form(consultant, '/staff/consultation/cooperation', { partnerId, kind: 'shared', subject: '偽 SMS の送信元の共有' });
    expect(coop.statusCode).toBe(303);
    expect(await p.ctx.stats.get('consultation.partners.cooperation')!.period(p.ctx, new Date(Date.now() - 60_000), new Date(Date.now() + 60_000))).toBe(1);
    const page = await get(intake, '/staff/consultation/partners');
    expect(page.statusCode).toBe(403);
    const list = await get(analyst, '/staff/consultation/partners');
    expect(list.body).toContain('ためし相談室');
    expect(list.body).toContain(today);
  });

  it('publishes and revises advisories with a public revision history and view counts', async () => {
    const create = await form(analyst, '/staff/consultation/advisories', { slug: 'qr-code', title: 'QR コードに注意', body: '第1版の本文', category: 'other' });
    expect(create.statusCode).toBe(303);
    const id = /\/staff\/consultation\/advisories\/([0-9a-f-]{36})$/.exec(create.headers.location as string)![1];
    expect((await get(null, '/consultation/advisories/qr-code')).statusCode).toBe(404); // a draft is not public
    expect((await form(analyst, `/staff/consultation/advisories/${id}/publish`, {})).statusCode).toBe(403);
    expect((await form(publisher, `/staff/consultation/advisories/${id}/publish`, {})).statusCode).toBe(303);
    const noNote = await form(analyst, `/staff/consultation/advisories/${id}`, { title: 'QR コードに注意', body: '第2版の本文', changeNote: '' });
    expect(noNote.statusCode).toBe(422);
    expect((await form(analyst, `/staff/consultation/advisories/${id}`, { title: 'QR コードに注意（更新）', body: '第2版の本文', changeNote: '新しい手口を追加' })).statusCode).toBe(303);
    expect((await get(null, '/consultation/advisories/qr-code')).body).toContain('第1版の本文'); // the draft stays private
    await form(publisher, `/staff/consultation/advisories/${id}/publish`, {});
    const pub = await get(null, '/consultation/advisories/qr-code');
    expect(pub.body).toContain('第2版の本文');
    expect(pub.body).toContain('新しい手口を追加');
    expect(pub.body).toContain('更新 1 回');
    const old = await get(null, '/consultation/advisories/qr-code?revision=1');
    expect(old.body).toContain('第1版の本文');
    const a = (await svc.publishedAdvisories()).find((x) => x.slug === 'qr-code')!;
    expect(a.views).toBe(3); // every public page view counts; the 404 of the draft does not
    expect(a.revisions).toBe(2);
    expect((await get(null, '/consultation/advisories')).body).toContain('QR コードに注意（更新）');
  });

  it('lists consultations with filters, pagination and an anonymised CSV, audited; access is by role', async () => {
    for (let i = 0; i < 3; i++) await form(consultant, '/staff/consultation/new', { channel: 'email', categories: 'sextortion', device: 'windows', summary: `仮想通貨を要求する文面 ${i}`, consulterEmail: `victim${i}@example.jp`, outcome: 'advised' });
    const listAudit = await audits('consultation.list');
    const page1 = await get(consultant, '/staff/consultation?category=sextortion&limit=2');
    expect(page1.statusCode).toBe(200);
    expect(page1.body).toContain('3 件');
    const next = /href="(\/staff\/consultation\?[^"]*cursor=[^"]+)"/.exec(page1.body)![1].replace(/&amp;/g, '&');
    const page2 = await get(consultant, next);
    expect((page2.body.match(/href="\/staff\/cases\/IPA-C-/g) ?? []).length).toBe(1);
    expect(await audits('consultation.list')).toBe(listAudit + 2);
    expect((await get(consultant, '/staff/consultation?channel=phone_auto')).body).toContain('1 件');
    const csv = await p.app.inject({ method: 'GET', url: '/staff/consultation?category=sextortion&format=csv', headers: { cookie: analyst.cookie } });
    expect(csv.statusCode).toBe(200);
    expect(csv.body.split('\n').filter(Boolean)).toHaveLength(4);
    expect(csv.body).not.toContain('victim');
    expect(csv.body).not.toContain('仮想通貨を要求する文面');
    expect(csv.body).not.toMatch(/IPA-C-/);
    expect(await audits('consultation.export')).toBe(1);
    expect((await get(publisher, '/staff/consultation')).statusCode).toBe(403);
    expect((await get(intake, '/staff/consultation')).statusCode).toBe(403);
    expect((await get(null, '/staff/consultation')).statusCode).toBe(303);
    const refCase = (await p.ctx.cases.search({ type: CONSULTATION }, { limit: 1 })).items[0];
    expect((await get(intake, `/staff/cases/${refCase.ref}`)).statusCode).toBe(404);
    expect(p.ctx.cases.typeDef(CONSULTATION).retention).toEqual({ days: 365, personalKeys: ['consulter.name', 'consulter.email', 'consulter.phone', 'summary'] });
  });

  it('serves the public quarterly report, its JSON and the call-timer script under the CSP', async () => {
    const res = await get(null, '/consultation/reports?year=2019&q=1');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await get(null, '/consultation/reports?year=2019&q=5')).statusCode).toBe(422);
    const json = await p.app.inject({ method: 'GET', url: '/api/v1/consultation/reports?year=2019&q=1' });
    expect(json.json()).toMatchObject({ year: 2019, quarter: 1, current: { total: 0 } });
    const js = await get(null, '/consultation/assets/call-timer.js');
    expect(js.headers['content-type']).toContain('javascript');
    expect(js.body).toContain('f-callDuration');
  });
});
