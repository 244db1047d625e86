// The virus / unauthorised access desk end to end through the HTTP app, on PGlite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, startTestPlatform, type TestPlatform } from '../../../test/harness.js';
import { anonymous, loginAs, multipart, type Session } from '../../../test/session.js';
import { fiscalYearOf } from '../../platform/i18n/dates.js';

const PASSWORD = 'correct horse battery staple';
const TOTP = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

const virusReport = (over: Record<string, unknown> = {}) => ({
  kind: 'virus', reporterType: 'company', reporterName: '届出 太郎', reporterEmail: 'taro@company.example.jp', organisationName: 'みほん製作所',
  sector: 'manufacturing', size: 'medium', malwareName: 'Emotet', detectionRoutes: ['mail'], os: 'Windows 10', software: 'ウイルス対策ソフト',
  damaged: true, damageTypes: ['infection', 'spread'], occurredOn: '2026-11-01', description: '請求書を装うメールの添付ファイルを開いて感染した。', ...over,
});
const unauthorizedReport = (over: Record<string, unknown> = {}) => ({
  kind: 'unauthorized', reporterType: 'individual', reporterName: '個人 花子', reporterEmail: 'hanako@example.jp',
  attackMethods: ['password_list'], affectedSystems: ['cloud'], reportedToPolice: true, damaged: true, damageTypes: ['impersonation'],
  description: 'クラウドのアカウントに身に覚えのないログインがあった。', ...over,
});

describe.each(BACKENDS)('incident report desk on %s', (backend) => {
  let p: TestPlatform;
  let intake: Session; let analyst: Session; let publisher: Session; let both: Session; let vulnOnly: Session;

  beforeAll(async () => {
    p = await startTestPlatform(backend);
    const a = p.ctx.auth;
    await a.createUser({ email: 'intake@ipa.example.jp', displayName: '受付 一', password: PASSWORD, kind: 'staff', roles: ['intake_handler'], totpSecret: TOTP });
    await a.createUser({ email: 'analyst@ipa.example.jp', displayName: '分析 二', password: PASSWORD, kind: 'staff', roles: ['analyst'], totpSecret: TOTP });
    await a.createUser({ email: 'pub@ipa.example.jp', displayName: '公開 三', password: PASSWORD, kind: 'staff', roles: ['publisher'], totpSecret: TOTP });
    await a.createUser({ email: 'both@ipa.example.jp', displayName: '兼務 四', password: PASSWORD, kind: 'staff', roles: ['analyst', 'publisher'], totpSecret: TOTP });
    await a.createUser({ email: 'coord@ipa.example.jp', displayName: '調整 五', password: PASSWORD, kind: 'staff', roles: ['coordinator'], totpSecret: TOTP });
    intake = await loginAs(p.app, 'intake@ipa.example.jp', PASSWORD, TOTP);
    analyst = await loginAs(p.app, 'analyst@ipa.example.jp', PASSWORD, TOTP);
    publisher = await loginAs(p.app, 'pub@ipa.example.jp', PASSWORD, TOTP);
    both = await loginAs(p.app, 'both@ipa.example.jp', PASSWORD, TOTP);
    vulnOnly = await loginAs(p.app, 'coord@ipa.example.jp', PASSWORD, TOTP);
  });
  afterAll(async () => { await p?.destroy(); });

  const countCases = async () => Number((await sql<{ n: number }>`select count(*)::int as n from cases where type like 'incident.%'`.execute(p.ctx.db)).rows[0].n);
  const api = (s: Session | null, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    p.app.inject({ method, url, payload: payload as never, headers: s ? { cookie: s.cookie } : {} });
  const form = (s: Session, url: string, fields: Record<string, string | string[]>) => {
    const body = new URLSearchParams({ _csrf: s.csrf });
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    return p.app.inject({ method: 'POST', url, payload: body.toString(), headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' } });
  };
  const transition = (s: Session, ref: string, name: string, extra: Record<string, unknown> = {}) => api(s, 'POST', `/api/v1/cases/${ref}/transitions`, { name, ...extra });
  const fy = fiscalYearOf(new Date());

  it('receives a virus report over the JSON API, acknowledges it by mail, is idempotent and counts it', async () => {
    const before = await countCases();
    const s0 = await p.ctx.stats.fiscalYearValue('incident-reports.virus.damaged', fy, 'period');
    const res = await p.app.inject({ method: 'POST', url: '/api/v1/incident-reports', payload: virusReport(), headers: { 'idempotency-key': 'incident-retry-0001' } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.ref).toMatch(/^IPA-V-\d{4}-\d{5}$/);
    expect(body.kind).toBe('virus');
    expect(body.trackingUrl).toMatch(/\/track\/[A-Za-z0-9_-]{20,}$/);
    const again = await p.app.inject({ method: 'POST', url: '/api/v1/incident-reports', payload: virusReport(), headers: { 'idempotency-key': 'incident-retry-0001' } });
    expect(again.statusCode).toBe(200);
    expect(again.json().ref).toBe(body.ref);
    expect(await countCases()).toBe(before + 1);
    const c = await p.ctx.cases.load(body.ref);
    expect(c!.data).toMatchObject({ channel: 'api', damaged: true, damageTypes: ['infection', 'spread'], detectionRoutes: ['mail'], sector: 'manufacturing' });
    // The case title carries no personal data.
    expect(c!.title).not.toContain('届出 太郎');
    const mails = await sql<{ to_addr: string; body_text: string }>`select to_addr, body_text from mail_outbox where subject like ${'%' + body.ref + '%'}`.execute(p.ctx.db);
    expect(mails.rows).toHaveLength(1);
    expect(mails.rows[0].to_addr).toBe('taro@company.example.jp');
    expect(mails.rows[0].body_text).toContain('/track/');
    expect(await p.ctx.stats.fiscalYearValue('incident-reports.virus.damaged', fy, 'period')).toBe(s0 + 1);
    const u = await p.app.inject({ method: 'POST', url: '/api/v1/incident-reports', payload: unauthorizedReport() });
    expect(u.statusCode).toBe(201);
    expect(u.json().ref).toMatch(/^IPA-U-\d{4}-\d{5}$/);
  });

  it('refuses invalid reports naming each field in Japanese and English, storing nothing', async () => {
    const before = await countCases();
    const res = await p.app.inject({ method: 'POST', url: '/api/v1/incident-reports', payload: virusReport({ reporterEmail: 'nope', organisationName: '', detectionRoutes: [], damageTypes: [], description: '', occurredOn: '2999-01-01' }) });
    expect(res.statusCode).toBe(422);
    const err = res.json().error;
    expect(err.details.map((d: { field: string }) => d.field).sort()).toEqual(['damageTypes', 'description', 'detectionRoutes', 'occurredOn', 'organisationName', 'reporterEmail']);
    const email = err.details.find((d: { field: string }) => d.field === 'reporterEmail');
    expect(email.messages.ja).toContain('連絡先メールアドレス');
    expect(email.messages.en).toContain('Contact e-mail');
    const noDamageWithTypes = await p.app.inject({ method: 'POST', url: '/api/v1/incident-reports', payload: unauthorizedReport({ damaged: false, attackMethods: ['teleport'] }) });
    expect(noDamageWithTypes.statusCode).toBe(422);
    expect(noDamageWithTypes.json().error.details.map((d: { field: string }) => d.field).sort()).toEqual(['attackMethods', 'damageTypes']);
    const badKind = await p.app.inject({ method: 'POST', url: '/api/v1/incident-reports', payload: { ...virusReport(), kind: 'other' } });
    expect(badKind.statusCode).toBe(422);
    expect(await countCases()).toBe(before);
  });

  it('takes the public form with the damage fields and an attachment, shows the receipt only after commit, and keeps the file encrypted', async () => {
    const s = await anonymous(p.app, '/incident-reports/new/virus');
    expect(s.csrf).not.toBe('');
    const log = Buffer.from('detection log LOG-MARKER-98765');
    const fields = {
      _csrf: s.csrf, idempotencyKey: '6f2b8f9e-1d2c-4e5f-8a9b-0c1d2e3f4a5c', kind: 'virus', reporterType: 'organisation', reporterName: '学校 事務', reporterEmail: 'office@school.example.jp',
      organisationName: 'みほん高等学校', sector: 'education', size: 'small', detectionRoutes: ['usb', 'network'], damaged: 'yes', damageTypes: ['infection'],
      description: 'USB メモリ経由で感染した。',
    };
    const body = multipart(fields, [{ field: 'attachments', filename: '../log.txt', contentType: 'text/plain', data: log }]);
    const res = await p.app.inject({ method: 'POST', url: '/incident-reports/new/virus', payload: body.payload, headers: { ...body.headers, cookie: s.cookie, accept: 'text/html' } });
    expect(res.statusCode).toBe(303);
    const location = res.headers.location as string;
    expect(location).toMatch(/^\/track\/[A-Za-z0-9_-]+\?received=1$/);
    const page = await p.app.inject({ method: 'GET', url: location, headers: { accept: 'text/html' } });
    const ref = /受付番号 (IPA-V-\d{4}-\d{5}) で受け付けました。/.exec(page.body)![1];
    const c = await p.ctx.cases.load(ref);
    expect(c!.data).toMatchObject({ channel: 'web', reporterType: 'organisation', detectionRoutes: ['usb', 'network'], damaged: true });
    const raw = await sql<{ n: number }>`select count(*)::int as n from files where position(${Buffer.from('LOG-MARKER-98765')} in content) > 0`.execute(p.ctx.db).catch(() => null);
    if (raw) expect(Number(raw.rows[0].n)).toBe(0);
    const link = /href="(\/track\/[^"]+\/files\/[0-9a-f-]{36})"/.exec(page.body)![1];
    const dl = await p.app.inject({ method: 'GET', url: link });
    expect(dl.headers['content-disposition']).toMatch(/^attachment;/);
    expect(dl.headers['content-type']).toBe('application/octet-stream');
    expect(dl.rawPayload.equals(log)).toBe(true);
    const again = await p.app.inject({ method: 'POST', url: '/incident-reports/new/virus', payload: body.payload, headers: { ...body.headers, cookie: s.cookie, accept: 'text/html' } });
    expect(again.headers.location).toBe(location);
    // Errors come back on the form, with the choices kept and each field named.
    const bad = await p.app.inject({ method: 'POST', url: '/incident-reports/new/virus', payload: new URLSearchParams({ ...fields, damaged: 'yes', damageTypes: '', detectionRoutes: 'usb', reporterEmail: 'x', idempotencyKey: 'c2b8f9e6-1d2c-4e5f-8a9b-0c1d2e3f4a5d' } as Record<string, string>).toString(), headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('href="#f-damageTypes"');
    expect(bad.body).toContain('href="#f-reporterEmail"');
    expect(bad.body).toMatch(/id="f-detectionRoutes-usb" name="detectionRoutes" value="usb" checked/);
    // No CSRF token, no report.
    const before = await countCases();
    const noCsrf = await p.app.inject({ method: 'POST', url: '/incident-reports/new/virus', payload: new URLSearchParams({ kind: 'virus', reporterEmail: 'a@example.jp' }).toString(), headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' } });
    expect(noCsrf.statusCode).toBe(403);
    expect(await countCases()).toBe(before);
  });

  it('lets intake staff enter an e-mail or paper report with the channel recorded; others may not', async () => {
    const fields = { idempotencyKey: '7a2b8f9e-1d2c-4e5f-8a9b-0c1d2e3f4a5e', channel: 'paper', reporterType: 'company', reporterName: '郵送 次郎', reporterEmail: 'post@shop.example.jp', organisationName: 'みほん商店',
      sector: 'wholesale_retail', size: 'small', attackMethods: ['vulnerability'], affectedSystems: ['website'], damaged: 'yes', damageTypes: ['data_leak', 'unauthorized_payment'], description: '書面での届出（EC サイトの改ざん）' };
    const res = await form(intake, '/staff/incident-reports/new/unauthorized', fields);
    expect(res.statusCode).toBe(303);
    const ref = /\/staff\/cases\/(IPA-U-\d{4}-\d{5})$/.exec(res.headers.location as string)![1];
    expect((await p.ctx.cases.load(ref))!.data).toMatchObject({ channel: 'paper', damageTypes: ['data_leak', 'unauthorized_payment'] });
    expect((await form(analyst, '/staff/incident-reports/new/unauthorized', fields)).statusCode).toBe(403);
    const anon = await anonymous(p.app, '/incident-reports/new/virus');
    expect((await form(anon, '/staff/incident-reports/new/unauthorized', fields)).statusCode).toBe(401);
    // Staff of the vulnerability desk alone do not see these reports.
    expect((await api(vulnOnly, 'GET', `/api/v1/cases/${ref}`)).statusCode).toBe(404);
  });

  it('reviews a report with a follow-up hearing and a classification, audits every read, and closes it', async () => {
    const ref = (await p.app.inject({ method: 'POST', url: '/api/v1/incident-reports', payload: unauthorizedReport({ reporterName: '経過 三郎' }) })).json().ref as string;
    const c = await p.ctx.cases.load(ref);
    expect((await transition(intake, ref, 'start_review')).statusCode).toBe(200);
    expect((await transition(publisher, ref, 'start_hearing')).statusCode).toBe(403);
    expect((await transition(analyst, ref, 'start_hearing')).statusCode).toBe(200);
    const badHearing = await form(analyst, `/staff/incident-reports/${ref}/hearing`, { hearingOn: '2999-01-01', hearingMethod: 'phone', hearingNote: '' });
    expect(badHearing.statusCode).toBe(422);
    expect((await form(analyst, `/staff/incident-reports/${ref}/hearing`, { hearingOn: '2026-11-20', hearingMethod: 'phone', hearingNote: 'HEARING-NOTE: 多要素認証は未設定だった' })).statusCode).toBe(303);
    expect((await transition(analyst, ref, 'finish_hearing')).statusCode).toBe(200);
    const early = await transition(analyst, ref, 'close', { reason: 'classified' });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('precondition_failed');
    expect((await form(analyst, `/staff/incident-reports/${ref}/classify`, { classification: 'no-such', classificationNote: '' })).statusCode).toBe(422);
    expect((await form(analyst, `/staff/incident-reports/${ref}/classify`, { classification: 'cloud_account', notable: 'on', classificationNote: 'パスワードの使い回し' })).statusCode).toBe(303);
    expect((await transition(analyst, ref, 'close', { reason: 'classified' })).statusCode).toBe(200);
    const data = (await p.ctx.cases.load(ref))!.data as { classification: { code: string; notable: boolean }; hearings: Array<{ note: string }> };
    expect(data.classification).toMatchObject({ code: 'cloud_account', notable: true });
    expect(data.hearings[0].note).toContain('HEARING-NOTE');
    const pageRes = await p.app.inject({ method: 'GET', url: `/staff/cases/${ref}`, headers: { cookie: analyst.cookie, accept: 'text/html' } });
    expect(pageRes.body).toContain('HEARING-NOTE');
    expect(pageRes.body).toContain('クラウド・メールアカウントの乗っ取り');
    const reads = await p.ctx.audit.list({ subjectType: 'case', subjectId: c!.id, action: 'case.read' });
    expect(reads.length).toBeGreaterThanOrEqual(4);
    // The reporter's tracking page shows the status but never the desk's internal notes.
    const token = /\/track\/([A-Za-z0-9_-]+)/.exec((await sql<{ body_text: string }>`select body_text from mail_outbox where subject like ${'%' + ref + '%'}`.execute(p.ctx.db)).rows[0].body_text)![1];
    const track = await p.app.inject({ method: 'GET', url: `/track/${token}`, headers: { accept: 'text/html' } });
    expect(track.statusCode).toBe(200);
    expect(track.body).toContain('終了');
    expect(track.body).not.toContain('HEARING-NOTE');
    expect((await p.ctx.audit.verify()).ok).toBe(true);
  });

  it('records requests for reports after public disclosures and links the report that came back', async () => {
    const bad = await form(intake, '/staff/incident-reports/requests', { organisationName: '', disclosureUrl: 'javascript:alert(1)', disclosedOn: '2026-13-01', kind: 'unauthorized' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('公表ページの URL');
    const ok = await form(intake, '/staff/incident-reports/requests', { organisationName: 'サンプル通販株式会社', sector: 'wholesale_retail', disclosureUrl: 'https://www.sample-tsuhan.example.jp/news/1.html', disclosedOn: '2026-11-10', requestedOn: '2026-11-12', kind: 'unauthorized' });
    expect(ok.statusCode).toBe(303);
    const svc = p.ctx.services.get('incident-reports') as { listRequests(): Promise<Array<{ id: string; status: string; caseRef: string | null; organisationName: string }>> };
    const r = (await svc.listRequests()).find((x) => x.organisationName === 'サンプル通販株式会社')!;
    expect(r.status).toBe('requested');
    const ref = (await p.app.inject({ method: 'POST', url: '/api/v1/incident-reports', payload: unauthorizedReport({ reporterType: 'company', organisationName: 'サンプル通販株式会社', sector: 'wholesale_retail', size: 'medium' }) })).json().ref;
    expect((await form(intake, `/staff/incident-reports/requests/${r.id}`, { status: 'reported', caseRef: '' })).statusCode).toBe(422);
    expect((await form(intake, `/staff/incident-reports/requests/${r.id}`, { status: 'reported', caseRef: ref })).statusCode).toBe(303);
    expect((await svc.listRequests()).find((x) => x.id === r.id)).toMatchObject({ status: 'reported', caseRef: ref });
    const history = (await api(intake, 'GET', `/api/v1/cases/${ref}`)).json().history as Array<{ kind: string }>;
    expect(history.some((h) => h.kind === 'linked_request')).toBe(true);
    const list = await p.app.inject({ method: 'GET', url: '/staff/incident-reports/requests', headers: { cookie: intake.cookie, accept: 'text/html' } });
    expect(list.body).toContain(ref);
    expect((await p.app.inject({ method: 'GET', url: '/staff/incident-reports/requests', headers: { cookie: publisher.cookie, accept: 'text/html' } })).statusCode).toBe(403);
    expect((await p.ctx.audit.list({ subjectType: 'incident_request', subjectId: r.id })).map((a) => a.action).sort()).toEqual(['incidents.request.create', 'incidents.request.update']);
  });

  it('publishes staff-written write-ups only after review by someone else', async () => {
    const source = (await p.app.inject({ method: 'POST', url: '/api/v1/incident-reports', payload: virusReport({ description: 'RAW-REPORT-TEXT 個人名入り' }) })).json().ref;
    const fields = { half: '2026-H2', kind: 'virus', titleJa: 'USB メモリ経由の感染事例', titleEn: 'Infection through a USB drive', bodyJa: '教育機関で USB メモリ経由の感染がありました。', bodyEn: 'A school was infected through a USB drive.', sourceRefs: source };
    expect((await form(intake, '/staff/incident-reports/studies', fields)).statusCode).toBe(403);
    const bad = await form(both, '/staff/incident-reports/studies', { ...fields, half: '2026-H3', titleEn: '' });
    expect(bad.statusCode).toBe(422);
    const created = await form(both, '/staff/incident-reports/studies', fields);
    expect(created.statusCode).toBe(303);
    const id = /studies\/([0-9a-f-]{36})$/.exec(created.headers.location as string)![1];
    expect((await p.app.inject({ method: 'GET', url: `/incident-reports/case-studies/${id}` })).statusCode).toBe(404);
    const self = await form(both, `/staff/incident-reports/studies/${id}/review`, {});
    expect(self.statusCode).toBe(409);
    expect((await form(publisher, `/staff/incident-reports/studies/${id}/publish`, {})).statusCode).toBe(409);
    expect((await form(analyst, `/staff/incident-reports/studies/${id}/review`, {})).statusCode).toBe(403);
    expect((await form(publisher, `/staff/incident-reports/studies/${id}/review`, {})).statusCode).toBe(303);
    expect((await form(publisher, `/staff/incident-reports/studies/${id}/publish`, {})).statusCode).toBe(303);
    const pub = await p.app.inject({ method: 'GET', url: `/incident-reports/case-studies/${id}`, headers: { accept: 'text/html' } });
    expect(pub.statusCode).toBe(200);
    expect(pub.body).toContain('USB メモリ経由の感染事例');
    expect(pub.body).not.toContain(source);
    expect(pub.body).not.toContain('RAW-REPORT-TEXT');
    expect((await p.app.inject({ method: 'GET', url: `/incident-reports/case-studies/${id}?lang=en`, headers: { accept: 'text/html' } })).body).toContain('A school was infected');
    expect((await form(both, `/staff/incident-reports/studies/${id}`, fields)).statusCode).toBe(409);
    expect((await p.app.inject({ method: 'GET', url: '/incident-reports/case-studies', headers: { accept: 'text/html' } })).body).toContain('2026年下半期');
  });

  it('serves the yearly statistics in both languages with a chart, CSV and JSON', async () => {
    const ja = await p.app.inject({ method: 'GET', url: '/incident-reports/statistics', headers: { accept: 'text/html' } });
    expect(ja.statusCode).toBe(200);
    expect(ja.body).toContain('届出状況');
    expect(ja.body).toContain('<svg');
    expect(ja.body).toContain('不正アクセスの手口');
    const en = await p.app.inject({ method: 'GET', url: '/incident-reports/statistics?lang=en', headers: { accept: 'text/html' } });
    expect(en.body).toContain('Password list (credential stuffing) attack');
    const csv = await p.app.inject({ method: 'GET', url: '/incident-reports/statistics?format=csv&encoding=shift_jis' });
    expect(csv.headers['content-type']).toContain('Shift_JIS');
    const json = (await p.app.inject({ method: 'GET', url: `/api/v1/incident-reports/statistics?fy=${fy}` })).json();
    expect(json.statistics.virus.received).toBe(await p.ctx.stats.fiscalYearValue('incident-reports.virus.received', fy, 'period'));
    expect(json.statistics.unauthorized.byChannel.paper).toBeGreaterThanOrEqual(1);
    expect((await p.app.inject({ method: 'GET', url: '/api/v1/incident-reports/statistics?year=1999' })).statusCode).toBe(422);
    expect((await p.app.inject({ method: 'GET', url: '/incident-reports/statistics?year=abc', headers: { accept: 'text/html' } })).statusCode).toBe(422);
  });
});

describe('rate limiting of the public incident forms', () => {
  it('answers 429 once a client exceeds the limit', async () => {
    const p = await startTestPlatform('pglite', { config: { publicFormRateLimit: 2 } });
    try {
      const send = () => p.app.inject({ method: 'POST', url: '/api/v1/incident-reports', payload: virusReport() });
      expect((await send()).statusCode).toBe(201);
      expect((await send()).statusCode).toBe(201);
      const third = await send();
      expect(third.statusCode).toBe(429);
      expect(third.json().error.code).toBe('rate_limited');
    } finally {
      await p.destroy();
    }
  });
});
