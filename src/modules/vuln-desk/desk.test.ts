// The vulnerability report desk end to end through the HTTP app, on PGlite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as openpgp from 'openpgp';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { BACKENDS, startTestPlatform, type TestPlatform } from '../../../test/harness.js';
import { anonymous, loginAs, multipart, type Session } from '../../../test/session.js';
import type { Organisation } from '../../platform/auth/auth.js';

const PASSWORD = 'correct horse battery staple';
const TOTP = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

const productReport = (over: Record<string, unknown> = {}) => ({
  kind: 'product', reporterName: '発見 太郎', reporterEmail: 'finder@example.jp', reporterAffiliation: '個人',
  consentToShare: true, wishCredit: true, productName: 'SampleCMS', productVersions: '2.0.0 - 2.3.1', vendorName: 'サンプル株式会社',
  productCategory: 'software', cwe: 'CWE-79', summary: 'SampleCMS における格納型クロスサイトスクリプティング',
  description: 'コメント欄に <script>alert(1)</script> を入力すると実行される。', reproduction: '1. ログイン 2. コメント投稿',
  impact: '閲覧者のブラウザ上で任意のスクリプトが実行される', discoveredOn: '2026-11-01', ...over,
});

describe.each(BACKENDS)('vulnerability report desk on %s', (backend) => {
  let p: TestPlatform;
  let staff: Session; let coordinatorStaff: Session; let publisher: Session; let jpcert: Session; let vendorA: Session; let vendorB: Session;
  let orgs: Record<string, Organisation>;

  beforeAll(async () => {
    p = await startTestPlatform(backend);
    const a = p.ctx.auth;
    orgs = {
      jpcert: await a.createOrganisation({ name: 'JPCERT コーディネーションセンター', nameEn: 'JPCERT/CC', kind: 'coordinator', email: 'coord@jpcert.example.jp' }),
      vendorA: await a.createOrganisation({ name: 'ベンダA', kind: 'vendor', email: 'psirt@vendor-a.example.jp' }),
      vendorB: await a.createOrganisation({ name: 'ベンダB', kind: 'vendor', email: 'psirt@vendor-b.example.jp' }),
      power: await a.createOrganisation({ name: '電力会社', kind: 'priority_recipient', category: 'electric_power', email: 'soc@power.example.jp' }),
    };
    await a.createUser({ email: 'desk@ipa.example.jp', displayName: '受付 花子', password: PASSWORD, kind: 'staff', roles: ['intake_handler', 'analyst'], totpSecret: TOTP });
    await a.createUser({ email: 'coord@ipa.example.jp', displayName: '調整 次郎', password: PASSWORD, kind: 'staff', roles: ['coordinator'], totpSecret: TOTP });
    await a.createUser({ email: 'pub@ipa.example.jp', displayName: '公表 三郎', password: PASSWORD, kind: 'staff', roles: ['publisher'], totpSecret: TOTP });
    await a.createUser({ email: 'user@jpcert.example.jp', displayName: 'JPCERT 担当', password: PASSWORD, kind: 'org', organisationId: orgs.jpcert.id });
    await a.createUser({ email: 'user@vendor-a.example.jp', displayName: 'ベンダA 担当', password: PASSWORD, kind: 'org', organisationId: orgs.vendorA.id });
    await a.createUser({ email: 'user@vendor-b.example.jp', displayName: 'ベンダB 担当', password: PASSWORD, kind: 'org', organisationId: orgs.vendorB.id });
    staff = await loginAs(p.app, 'desk@ipa.example.jp', PASSWORD, TOTP);
    coordinatorStaff = await loginAs(p.app, 'coord@ipa.example.jp', PASSWORD, TOTP);
    publisher = await loginAs(p.app, 'pub@ipa.example.jp', PASSWORD, TOTP);
    jpcert = await loginAs(p.app, 'user@jpcert.example.jp', PASSWORD);
    vendorA = await loginAs(p.app, 'user@vendor-a.example.jp', PASSWORD);
    vendorB = await loginAs(p.app, 'user@vendor-b.example.jp', PASSWORD);
  });
  afterAll(async () => { await p?.destroy(); });

  const countCases = async () => Number((await sql<{ n: number }>`select count(*)::int as n from cases`.execute(p.ctx.db)).rows[0].n);
  const api = (s: Session | null, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    p.app.inject({ method, url, payload: payload as never, headers: s ? { cookie: s.cookie } : {} });
  const form = (s: Session, url: string, fields: Record<string, string>) =>
    p.app.inject({ method: 'POST', url, payload: new URLSearchParams({ _csrf: s.csrf, ...fields }).toString(), headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' } });
  const transition = (s: Session, ref: string, name: string, extra: Record<string, unknown> = {}) => api(s, 'POST', `/api/v1/cases/${ref}/transitions`, { name, ...extra });
  const stats = async (asOf = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10)) => (await api(null, 'GET', `/api/v1/vulnerability-reports/statistics?asOf=${asOf}`)).json().statistics;

  it('receives a product report over the JSON API, acknowledges it by mail, and is idempotent', async () => {
    const before = await countCases();
    const res = await p.app.inject({ method: 'POST', url: '/api/v1/vulnerability-reports', payload: productReport(), headers: { 'idempotency-key': 'retry-test-0001' } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.ref).toMatch(/^IPA-P-\d{4}-\d{5}$/);
    expect(body.trackingUrl).toMatch(/\/track\/[A-Za-z0-9_-]{20,}$/);
    const again = await p.app.inject({ method: 'POST', url: '/api/v1/vulnerability-reports', payload: productReport(), headers: { 'idempotency-key': 'retry-test-0001' } });
    expect(again.statusCode).toBe(200);
    expect(again.json().ref).toBe(body.ref);
    expect(again.json().trackingUrl).toBe(body.trackingUrl);
    expect(await countCases()).toBe(before + 1);
    const mails = await sql<{ to_addr: string; subject: string }>`select to_addr, subject from mail_outbox where subject like ${'%' + body.ref + '%'}`.execute(p.ctx.db);
    expect(mails.rows).toHaveLength(1);
    expect(mails.rows[0].to_addr).toBe('finder@example.jp');
  });

  it('refuses invalid reports naming each field in Japanese and English, storing nothing', async () => {
    const before = await countCases();
    const res = await p.app.inject({ method: 'POST', url: '/api/v1/vulnerability-reports', payload: { kind: 'web', reporterEmail: 'not-an-address', siteUrl: 'javascript:alert(1)', description: '' } });
    expect(res.statusCode).toBe(422);
    const err = res.json().error;
    expect(err.code).toBe('validation_failed');
    const fields = err.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(['description', 'reporterEmail', 'reporterName', 'reproduction', 'siteUrl']);
    const email = err.details.find((d: { field: string }) => d.field === 'reporterEmail');
    expect(email.messages.ja).toContain('連絡先メールアドレス');
    expect(email.messages.en).toContain('Contact e-mail');
    const badKind = await p.app.inject({ method: 'POST', url: '/api/v1/vulnerability-reports', payload: { kind: 'other' } });
    expect(badKind.statusCode).toBe(422);
    const badJson = await p.app.inject({ method: 'POST', url: '/api/v1/vulnerability-reports', payload: '{"kind":', headers: { 'content-type': 'application/json' } });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().error.code).toBe('invalid_json');
    expect(await countCases()).toBe(before);
  });

  it('accepts a report encrypted to the published PGP key and refuses what it cannot decrypt', async () => {
    const keyRes = await p.app.inject({ method: 'GET', url: '/.well-known/pgp-key.asc' });
    expect(keyRes.statusCode).toBe(200);
    const publicKey = await openpgp.readKey({ armoredKey: keyRes.body });
    const secret = { description: '暗号化された説明: 認証回避が可能', reproduction: 'curl -X POST …', productName: 'SecretRouter', productVersions: '1.0', vendorName: 'ベンダA' };
    const armored = await openpgp.encrypt({ message: await openpgp.createMessage({ text: JSON.stringify(secret) }), encryptionKeys: publicKey });
    const res = await p.app.inject({ method: 'POST', url: '/api/v1/vulnerability-reports', payload: { kind: 'product', reporterName: '暗号 花子', reporterEmail: 'pgp@example.jp', pgpMessage: armored } });
    expect(res.statusCode).toBe(201);
    const c = await p.ctx.cases.load(res.json().ref);
    expect(c!.data.description).toBe(secret.description);
    expect(c!.data.encrypted).toBe(true);

    const before = await countCases();
    const garbage = await p.app.inject({ method: 'POST', url: '/api/v1/vulnerability-reports', payload: { ...productReport(), pgpMessage: '-----BEGIN PGP MESSAGE-----\n\nnot really\n-----END PGP MESSAGE-----' } });
    expect(garbage.statusCode).toBe(422);
    expect(garbage.json().error.details[0].field).toBe('pgpMessage');
    const other = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email: 'x@example.jp' }], format: 'object' });
    const wrongKey = await openpgp.encrypt({ message: await openpgp.createMessage({ text: 'hello' }), encryptionKeys: other.publicKey });
    const wrong = await p.app.inject({ method: 'POST', url: '/api/v1/vulnerability-reports', payload: { ...productReport(), pgpMessage: wrongKey } });
    expect(wrong.statusCode).toBe(422);
    expect(await countCases()).toBe(before);
  });

  it('takes the web form with an attachment, shows the receipt only after commit, and keeps the file encrypted', async () => {
    const s = await anonymous(p.app);
    const poc = Buffer.from('<html><script>alert("PoC-MARKER-12345")</script></html>');
    const body = multipart({
      _csrf: s.csrf, idempotencyKey: '3f2b8f9e-1d2c-4e5f-8a9b-0c1d2e3f4a5b', kind: 'web', reporterName: 'ウェブ 次郎', reporterEmail: 'web@example.jp',
      siteUrl: 'https://shop.example.jp/search', siteOperator: 'みほん商店', cwe: 'CWE-79', description: '検索語が出力時にエスケープされない', reproduction: '?q=<script>',
    }, [{ field: 'attachments', filename: '../../poc.html', contentType: 'text/html', data: poc }]);
    const res = await p.app.inject({ method: 'POST', url: '/vulnerability-reports/new/web', payload: body.payload, headers: { ...body.headers, cookie: s.cookie, accept: 'text/html' } });
    expect(res.statusCode).toBe(303);
    const location = res.headers.location as string;
    expect(location).toMatch(/^\/track\/[A-Za-z0-9_-]+\?received=1$/);
    const page = await p.app.inject({ method: 'GET', url: location, headers: { accept: 'text/html', cookie: s.cookie } });
    expect(page.statusCode).toBe(200);
    const ref = /IPA-W-\d{4}-\d{5}/.exec(page.body)![0];
    expect(page.body).toContain('受付番号');
    // Stored encrypted: the plaintext marker is nowhere in the files table.
    const raw = await sql<{ n: number }>`select count(*)::int as n from files where position(${Buffer.from('PoC-MARKER-12345')} in content) > 0`.execute(p.ctx.db).catch(() => null);
    if (raw) expect(Number(raw.rows[0].n)).toBe(0);
    const link = /href="(\/track\/[^"]+\/files\/[0-9a-f-]{36})"/.exec(page.body)![1];
    const dl = await p.app.inject({ method: 'GET', url: link });
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-disposition']).toMatch(/^attachment;/);
    expect(dl.headers['content-type']).toBe('application/octet-stream');
    expect(dl.rawPayload.equals(poc)).toBe(true);
    expect(String(dl.headers['content-disposition'])).not.toContain('..');
    // The same form posted again (a network retry) gives the same receipt.
    const again = await p.app.inject({ method: 'POST', url: '/vulnerability-reports/new/web', payload: body.payload, headers: { ...body.headers, cookie: s.cookie, accept: 'text/html' } });
    expect(again.headers.location).toBe(location);
    expect((await sql<{ n: number }>`select count(*)::int as n from cases where ref = ${ref}`.execute(p.ctx.db)).rows[0].n).toBe(1);
  });

  it('refuses forms without a CSRF token, oversize uploads and forged tracking links', async () => {
    const s = await anonymous(p.app);
    const before = await countCases();
    const noCsrf = await p.app.inject({ method: 'POST', url: '/vulnerability-reports/new/web', payload: new URLSearchParams({ kind: 'web', reporterEmail: 'a@example.jp' }).toString(), headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' } });
    expect(noCsrf.statusCode).toBe(403);
    const big = multipart({ _csrf: s.csrf, kind: 'web', reporterName: 'x', reporterEmail: 'a@example.jp', siteUrl: 'https://a.example.jp', description: 'd', reproduction: 'r' },
      [{ field: 'attachments', filename: 'big.bin', data: Buffer.alloc(p.config.maxAttachmentBytes + 10, 1) }]);
    const tooBig = await p.app.inject({ method: 'POST', url: '/vulnerability-reports/new/web', payload: big.payload, headers: { ...big.headers, cookie: s.cookie } });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error.code).toBe('too_large');
    expect(await countCases()).toBe(before);
    for (const url of ['/track/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '/track/..%2F..%2Fetc', '/track/x']) {
      const r = await p.app.inject({ method: 'GET', url });
      expect(r.statusCode).toBe(404);
    }
  });

  it('walks a product report through coordination to publication, with party visibility', async () => {
    const res = await p.app.inject({ method: 'POST', url: '/api/v1/vulnerability-reports', payload: productReport({ productName: 'RouterOS-X', summary: 'RouterOS-X の認証回避' }) });
    const ref = res.json().ref as string;
    const other = (await p.app.inject({ method: 'POST', url: '/api/v1/vulnerability-reports', payload: productReport({ productName: 'Other' }) })).json().ref as string;
    const s0 = await stats();

    // Nobody outside the desk sees an unforwarded case.
    for (const who of [jpcert, vendorA, vendorB, null]) expect((await api(who, 'GET', `/api/v1/cases/${ref}`)).statusCode).toBe(who ? 404 : 401);
    // Illegal transitions are refused with the current state named.
    const illegal = await transition(staff, ref, 'publish');
    expect([403, 409]).toContain(illegal.statusCode);
    const illegal2 = await transition(coordinatorStaff, ref, 'forward_to_coordinator');
    expect(illegal2.statusCode).toBe(409);
    expect(illegal2.json().error.message).toContain('受付');

    expect((await transition(staff, ref, 'start_check')).statusCode).toBe(200);
    expect((await transition(staff, ref, 'forward_to_coordinator')).statusCode).toBe(200);
    expect((await api(jpcert, 'GET', `/api/v1/cases/${ref}`)).statusCode).toBe(200);
    expect((await api(jpcert, 'GET', `/api/v1/cases/${other}`)).statusCode).toBe(404);
    expect((await api(vendorA, 'GET', `/api/v1/cases/${ref}`)).statusCode).toBe(404);

    // Only a coordinator may contact the developer; doing so makes the vendor a party and sets the 45-day target.
    const cd = await form(coordinatorStaff, `/staff/vuln/${ref}/contact-developer`, { organisationId: orgs.vendorA.id });
    expect(cd.statusCode).toBe(303);
    const c = await p.ctx.cases.load(ref);
    expect(c!.state).toBe('coordinating');
    const days = (c!.dueAt!.getTime() - Date.now()) / 86400_000;
    expect(days).toBeGreaterThan(44.9); expect(days).toBeLessThan(45.1);
    expect((await api(vendorA, 'GET', `/api/v1/cases/${ref}`)).statusCode).toBe(200);
    expect((await api(vendorB, 'GET', `/api/v1/cases/${ref}`)).statusCode).toBe(404);

    // A staff message to the vendor only; the vendor replies; the reporter does not see the vendor's messages.
    const note = multipart({ _csrf: coordinatorStaff.csrf, body: 'INTERNAL-NOTE: 開発者の連絡先を確認済み' });
    const staffMsg = await p.app.inject({ method: 'POST', url: `/staff/cases/${ref}/messages`, payload: note.payload, headers: { ...note.headers, cookie: coordinatorStaff.cookie } });
    expect(staffMsg.statusCode).toBe(303);
    const vendorParty = (await p.ctx.cases.partiesOf(c!.id)).find((x) => x.role === 'vendor')!;
    const toVendor = multipart({ _csrf: coordinatorStaff.csrf, body: 'VENDOR-ONLY-MESSAGE', to: vendorParty.id });
    await p.app.inject({ method: 'POST', url: `/staff/cases/${ref}/messages`, payload: toVendor.payload, headers: { ...toVendor.headers, cookie: coordinatorStaff.cookie } });
    const vendorView = (await api(vendorA, 'GET', `/api/v1/cases/${ref}`)).json();
    expect(vendorView.messages.map((m: { body: string }) => m.body)).toEqual(['VENDOR-ONLY-MESSAGE']);
    const reply = multipart({ _csrf: vendorA.csrf, body: '修正版 2.3.2 を公開予定です' }, [{ field: 'files', filename: 'patch.diff', data: Buffer.from('--- a\n+++ b\n') }]);
    expect((await p.app.inject({ method: 'POST', url: `/cases/${ref}/messages`, payload: reply.payload, headers: { ...reply.headers, cookie: vendorA.cookie } })).statusCode).toBe(303);
    const propose = await form(vendorA, `/cases/${ref}/vuln/propose-date`, { proposedDate: '2027-01-15' });
    expect(propose.statusCode).toBe(303);

    // Priority provision before publication.
    expect((await form(coordinatorStaff, `/staff/vuln/${ref}/priority`, { organisationId: orgs.power.id })).statusCode).toBe(303);

    // Publication needs the advisory fields, and the CVSS vector is checked by the library.
    const early = await transition(publisher, ref, 'publish');
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('precondition_failed');
    const badCvss = await form(staff, `/staff/vuln/${ref}/advisory`, { advisoryTitle: 'RouterOS-X における認証回避', cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H' });
    expect(badCvss.statusCode).toBe(422);
    expect(badCvss.body).toContain('A');
    expect((await form(staff, `/staff/vuln/${ref}/advisory`, { advisoryTitle: 'RouterOS-X における認証回避', advisorySummary: '認証を回避される', affectedProducts: 'RouterOS-X 2.0.0 - 2.3.1', cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', solution: '2.3.2 に更新する' })).statusCode).toBe(303);
    const adv = (await p.ctx.cases.load(ref))!.data.advisory as { cvss: { baseScore: number; severity: string } };
    expect(adv.cvss.baseScore).toBe(9.8);
    expect(adv.cvss.severity).toBe('critical');
    expect((await transition(publisher, ref, 'publish')).statusCode).toBe(200);

    const s1 = await stats();
    expect(s1.publications - s0.publications).toBe(1);
    expect(s1.closed.published.total - s0.closed.published.total).toBe(1);
    expect(s1.providedToDevelopers - s0.providedToDevelopers).toBe(1);
    expect(s1.priorityProvisions.electric_power.total - s0.priorityProvisions.electric_power.total).toBe(1);
    const history = (await api(staff, 'GET', `/api/v1/cases/${ref}`)).json().history;
    expect(history.filter((h: { kind: string }) => h.kind === 'transition').map((h: { to: string }) => h.to)).toEqual(['checking', 'forwarded', 'coordinating', 'published']);
    expect(history.every((h: { actor: string }) => h.actor)).toBe(true);
  });

  it('requires a closure reason and counts closures and web provisions', async () => {
    const res = await p.app.inject({ method: 'POST', url: '/api/v1/vulnerability-reports', payload: { kind: 'web', reporterName: 'w', reporterEmail: 'w@example.jp', siteUrl: 'https://city.example.lg.jp/', description: 'XSS', reproduction: 'x' } });
    const ref = res.json().ref;
    const s0 = await stats();
    const noReason = await transition(staff, ref, 'close');
    expect(noReason.statusCode).toBe(422);
    await transition(staff, ref, 'start_check');
    await transition(coordinatorStaff, ref, 'contact_operator');
    expect((await stats()).inHandling.web.detailsNotSent - s0.inHandling.web.detailsNotSent).toBe(1);
    await transition(coordinatorStaff, ref, 'provide_details');
    await transition(coordinatorStaff, ref, 'close', { reason: 'fixed' });
    const s1 = await stats();
    expect(s1.providedToOperators - s0.providedToOperators).toBe(1);
    expect(s1.closed.web.total - s0.closed.web.total).toBe(1);
    expect(s1.inHandling.web.total - s0.inHandling.web.total).toBe(-1);
  });

  it('lists cases with filters, stable pagination and CSV in UTF-8 and Shift_JIS', async () => {
    const page1 = (await api(staff, 'GET', '/api/v1/cases?type=vuln.product&limit=2&sort=received_asc')).json();
    expect(page1.items).toHaveLength(2);
    const page2 = (await api(staff, 'GET', `/api/v1/cases?type=vuln.product&limit=2&sort=received_asc&cursor=${page1.next}`)).json();
    const all = (await api(staff, 'GET', '/api/v1/cases?type=vuln.product&limit=500&sort=received_asc')).json();
    expect([...page1.items, ...page2.items].map((c: { ref: string }) => c.ref)).toEqual(all.items.slice(0, 4).map((c: { ref: string }) => c.ref));
    const filtered = (await api(staff, 'GET', '/api/v1/cases?q=RouterOS-X')).json();
    expect(filtered.items.every((c: { title: string; data: unknown }) => JSON.stringify(c).includes('RouterOS-X'))).toBe(true);
    expect(filtered.total).toBeGreaterThan(0);
    const csv = await p.app.inject({ method: 'GET', url: '/staff/cases?type=vuln.product&format=csv&encoding=shift_jis', headers: { cookie: staff.cookie } });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('Shift_JIS');
    expect(iconv.decode(csv.rawPayload, 'Shift_JIS')).toContain('受付番号');
    const utf = await p.app.inject({ method: 'GET', url: '/staff/cases?type=vuln.web&format=csv', headers: { cookie: staff.cookie } });
    expect(utf.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
    // Vendors and the public cannot list cases.
    expect((await api(vendorA, 'GET', '/api/v1/cases')).statusCode).toBe(403);
    expect((await api(null, 'GET', '/api/v1/cases')).statusCode).toBe(401);
  });

  it('audits every read of a case and keeps the audit chain valid', async () => {
    const ref = (await p.app.inject({ method: 'POST', url: '/api/v1/vulnerability-reports', payload: productReport({ productName: 'Audited' }) })).json().ref;
    const c = await p.ctx.cases.load(ref);
    await api(staff, 'GET', `/api/v1/cases/${ref}`);
    await p.app.inject({ method: 'GET', url: `/staff/cases/${ref}`, headers: { cookie: staff.cookie, accept: 'text/html' } });
    const reads = await p.ctx.audit.list({ subjectType: 'case', subjectId: c!.id, action: 'case.read' });
    expect(reads.length).toBe(2);
    expect((await p.ctx.audit.verify()).ok).toBe(true);
  });

  it('lets a reporter sign up, set a password from the e-mailed link, report while logged in and follow the case', async () => {
    const anon = await anonymous(p.app, '/register');
    const reg = await p.app.inject({ method: 'POST', url: '/register', payload: new URLSearchParams({ _csrf: anon.csrf, email: 'member@example.jp', display_name: '会員 一郎' }).toString(), headers: { cookie: anon.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' } });
    expect(reg.statusCode).toBe(200);
    const mail = await sql<{ body_text: string }>`select body_text from mail_outbox where to_addr = 'member@example.jp'`.execute(p.ctx.db);
    expect(mail.rows).toHaveLength(1);
    const token = /\/password-reset\/([A-Za-z0-9_-]+)/.exec(mail.rows[0].body_text)![1];
    const page = await anonymous(p.app, `/password-reset/${token}`);
    const set = await p.app.inject({ method: 'POST', url: `/password-reset/${token}`, payload: new URLSearchParams({ _csrf: page.csrf, password: PASSWORD, password_confirm: PASSWORD }).toString(), headers: { cookie: page.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' } });
    expect([200, 303]).toContain(set.statusCode);
    const member = await loginAs(p.app, 'member@example.jp', PASSWORD);
    const res = await p.app.inject({ method: 'POST', url: '/api/v1/vulnerability-reports', payload: productReport({ reporterEmail: 'member@example.jp', productName: 'MemberProduct' }), headers: { cookie: member.cookie } });
    expect(res.statusCode).toBe(201);
    const list = await p.app.inject({ method: 'GET', url: '/cases', headers: { cookie: member.cookie, accept: 'text/html' } });
    expect(list.body).toContain(res.json().ref);
    expect((await api(member, 'GET', `/api/v1/cases/${res.json().ref}`)).statusCode).toBe(200);
    // Signing up again with the same address reveals nothing and creates no second account.
    const again = await p.app.inject({ method: 'POST', url: '/register', payload: new URLSearchParams({ _csrf: anon.csrf, email: 'member@example.jp', display_name: 'x' }).toString(), headers: { cookie: anon.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' } });
    expect(again.statusCode).toBe(200);
    expect(again.body).toBe(reg.body);
  });

  it('serves the quarterly statistics page in both languages with CSV', async () => {
    const ja = await p.app.inject({ method: 'GET', url: '/vulnerability-reports/statistics?fy=2026&q=3', headers: { accept: 'text/html' } });
    expect(ja.statusCode).toBe(200);
    expect(ja.body).toContain('全取扱中件数');
    const en = await p.app.inject({ method: 'GET', url: '/vulnerability-reports/statistics?fy=2026&lang=en', headers: { accept: 'text/html' } });
    expect(en.body).toContain('All in handling');
    const csv = await p.app.inject({ method: 'GET', url: '/vulnerability-reports/statistics?fy=2026&format=csv' });
    expect(csv.body).toContain('受付件数');
    const bad = await p.app.inject({ method: 'GET', url: '/api/v1/vulnerability-reports/statistics?asOf=2021-02-30' });
    expect(bad.statusCode).toBe(422);
  });
});

describe('rate limiting of the public report forms', () => {
  it('answers 429 with the common error shape once a client exceeds the limit', async () => {
    const p = await startTestPlatform('pglite', { config: { publicFormRateLimit: 2 } });
    try {
      const send = () => p.app.inject({ method: 'POST', url: '/api/v1/vulnerability-reports', payload: productReport() });
      expect((await send()).statusCode).toBe(201);
      expect((await send()).statusCode).toBe(201);
      const third = await send();
      expect(third.statusCode).toBe(429);
      expect(third.json().error.code).toBe('rate_limited');
      expect(third.headers['retry-after']).toBeDefined();
    } finally {
      await p.destroy();
    }
  });
});
