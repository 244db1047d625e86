import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret, TOTP } from 'otpauth';
import { BACKENDS, cookiesOf, startTestPlatform, type TestPlatform } from '../../../test/harness.js';
import type { OutgoingMail } from '../mail/mail.js';
import { AppError } from '../http/errors.js';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { hashToken } from './tokens.js';
import { newTotpSecret } from './totp.js';
import { safeNext } from './routes.js';
import type { User } from './auth.js';

const PASSWORD = 'correct horse battery staple';
const MAX_FAILURES = 3;

/** A cookie-keeping client over app.inject, one per simulated browser (and IP address). */
class Browser {
  jar: Record<string, string> = {};
  constructor(private readonly p: TestPlatform, private readonly ip: string) {}

  async request(method: 'GET' | 'POST' | 'DELETE', url: string, opts: { form?: Record<string, string | string[]>; json?: unknown; accept?: string } = {}) {
    const headers: Record<string, string> = { accept: opts.accept ?? 'text/html' };
    const cookie = Object.entries(this.jar).map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie) headers.cookie = cookie;
    let payload: string | undefined;
    if (opts.form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(opts.form)) for (const x of ([] as string[]).concat(v)) params.append(k, x);
      payload = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (opts.json !== undefined) {
      payload = JSON.stringify(opts.json);
      headers['content-type'] = 'application/json';
    }
    const res = await this.p.app.inject({ method, url, headers, payload, remoteAddress: this.ip });
    for (const [k, v] of Object.entries(cookiesOf(res))) {
      if (v === '') delete this.jar[k];
      else this.jar[k] = v;
    }
    return res;
  }
  get(url: string, accept?: string) { return this.request('GET', url, { accept }); }
  async csrf(): Promise<string> {
    let res = await this.get('/login');
    // Logged-in (or half-logged-in) browsers are redirected away from /login; the token is per browser.
    if (res.statusCode === 303) res = await this.get('/password-reset');
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (!m) throw new Error('no CSRF token on /login');
    expect(this.jar.mamori_csrf).toBeTruthy();
    return m[1];
  }
  async post(url: string, form: Record<string, string | string[]>, withCsrf = true) {
    return this.request('POST', url, { form: withCsrf ? { ...form, _csrf: await this.csrf() } : form });
  }
  login(email: string, password = PASSWORD, next?: string) {
    return this.post('/login', { email, password, ...(next ? { next } : {}) });
  }
}

/** A TOTP code for the step `offset` steps from now, avoiding the last moments of a step. */
async function code(secret: string, offset = 0): Promise<string> {
  if (TOTP.remaining({ period: 30 }) < 1500) await new Promise((r) => setTimeout(r, TOTP.remaining({ period: 30 }) + 100));
  return TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() + offset * 30_000 });
}

describe.each(BACKENDS)('auth (%s)', (backend) => {
  let p: TestPlatform;
  const mails: OutgoingMail[] = [];
  let ipSeq = 0;
  const browser = () => new Browser(p, `10.0.${Math.floor(++ipSeq / 250)}.${ipSeq % 250 + 1}`);
  const users: Record<string, User> = {};
  const secrets: Record<string, string> = {};
  let orgId = '';

  beforeAll(async () => {
    p = await startTestPlatform(backend, { modules: [], config: { loginMaxFailures: MAX_FAILURES } });
    // Record what the auth service enqueues, then let the real outbox store it.
    const real = p.ctx.mail;
    p.ctx.mail = {
      enqueue: async (m, trx) => { mails.push(m); return real.enqueue(m, trx); },
      deliverPending: () => real.deliverPending(),
      close: () => real.close(),
    };
    p.ctx.auth.grant('test.read', ['analyst'], { ja: 'テスト', en: 'Test' });
    const org = await p.ctx.auth.createOrganisation({ name: '株式会社テスト', nameEn: 'Test Ltd.', kind: 'vendor', email: 'psirt@test.example' });
    orgId = org.id;
    const mk = async (key: string, kind: User['kind'], roles: string[] = [], withTotp = false) => {
      if (withTotp) secrets[key] = newTotpSecret();
      users[key] = await p.ctx.auth.createUser({
        email: `${key}@Example.JP`, displayName: `User ${key}`, password: PASSWORD, kind, roles,
        organisationId: kind === 'org' ? orgId : undefined, totpSecret: secrets[key],
      });
    };
    await mk('org1', 'org');
    await mk('org2', 'org');
    await mk('lockme', 'org');
    await mk('resetme', 'org');
    await mk('admin', 'staff', ['administrator'], true);
    await mk('apiadmin', 'staff', ['administrator'], true);
    await mk('analyst', 'staff', ['analyst'], true);
    await mk('newstaff', 'staff', ['administrator']);
  });
  afterAll(async () => { await p?.destroy(); });

  it('hashes passwords with scrypt and verifies them', async () => {
    const h1 = await hashPassword(PASSWORD);
    const h2 = await hashPassword(PASSWORD);
    expect(h1).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(h1).not.toBe(h2);
    expect(await verifyPassword(PASSWORD, h1)).toBe(true);
    expect(await verifyPassword(PASSWORD + ' ', h1)).toBe(false);
    expect(await verifyPassword(PASSWORD, 'garbage')).toBe(false);
    expect(passwordProblem('short')).toMatchObject({ ja: expect.stringContaining('12'), en: expect.stringContaining('12') });
    expect(passwordProblem('twelve chars')).toBeNull();
    await expect(p.ctx.auth.createUser({ email: 'x@example.jp', displayName: 'X', password: 'short', kind: 'public' }))
      .rejects.toMatchObject({ status: 422 });
    expect(users.org1.email).toBe('org1@example.jp');
    const row = await p.ctx.db.selectFrom('users').select('password_hash').where('id', '=', users.org1.id).executeTakeFirstOrThrow();
    expect(row.password_hash.startsWith('scrypt$')).toBe(true);
    await expect(p.ctx.auth.createUser({ email: 'ORG1@example.jp', displayName: 'dup', password: PASSWORD, kind: 'public' }))
      .rejects.toSatisfy((e: unknown) => e instanceof AppError && e.status === 409);
  });

  it('grants only what is granted (administrator is not a superuser)', () => {
    const auth = p.ctx.auth;
    expect([...auth.permissionsOf(['administrator'])].sort()).toEqual(['admin.users', 'audit.read']);
    expect(auth.permissionsOf(['auditor']).has('audit.read')).toBe(true);
    expect(auth.permissionsOf(['auditor']).has('admin.users')).toBe(false);
    auth.grant('test.read', ['auditor'], { ja: 'テスト', en: 'Test' });
    expect(auth.permissionsOf(['analyst']).has('test.read')).toBe(true);
    expect(auth.permissionsOf(['auditor']).has('test.read')).toBe(true);
    // Organisation users never hold staff permissions, whatever their roles column says.
    expect(auth.actorOf({ ...users.org1, roles: ['administrator'] }).permissions.size).toBe(0);
  });

  it('requires the CSRF token on the login form', async () => {
    const b = browser();
    await b.get('/login');
    const res = await b.post('/login', { email: 'org1@example.jp', password: PASSWORD }, false);
    expect(res.statusCode).toBe(403);
    expect(b.jar.mamori_session).toBeUndefined();
  });

  it('logs in with the form and resolves the session cookie to an actor', async () => {
    const b = browser();
    const page = await b.get('/login');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<label for="email">/);
    expect(page.body).toMatch(/<label for="password">/);
    const res = await b.login('ORG1@example.jp');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account');
    const setCookie = ([] as string[]).concat(res.headers['set-cookie'] as string | string[]).find((c) => c.startsWith('mamori_session='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const token = b.jar.mamori_session;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The database holds only the hash of the token.
    const rows = await p.ctx.db.selectFrom('sessions').select(['id', 'second_factor_ok']).where('user_id', '=', users.org1.id).execute();
    expect(rows.map((r) => r.id)).toContain(hashToken(token));
    expect(rows.map((r) => r.id)).not.toContain(token);

    const account = await b.get('/account');
    expect(account.statusCode).toBe(200);
    expect(account.body).toContain('User org1');
    expect(account.body).toContain('株式会社テスト');
    const en = await b.get('/account?lang=en');
    expect(en.body).toContain('Test Ltd.');

    const api = await b.get('/api/v1/session', 'application/json');
    expect(api.statusCode).toBe(200);
    expect(api.json().user).toMatchObject({ id: users.org1.id, kind: 'org', organisationId: orgId, permissions: [] });

    const audit = await p.ctx.audit.list({ action: 'auth.login', subjectId: users.org1.id });
    expect(audit.length).toBeGreaterThanOrEqual(1);

    // Already logged in: /login goes straight on.
    const again = await b.get('/login');
    expect(again.statusCode).toBe(303);
  });

  it('redirects only to local paths after login', async () => {
    expect(safeNext('/cases/1?x=2')).toBe('/cases/1?x=2');
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', '/a\nb', '']) expect(safeNext(bad)).toBeNull();
    const b = browser();
    expect((await b.login('org2@example.jp', PASSWORD, '//evil.example/x')).headers.location).toBe('/account');
    const b2 = browser();
    expect((await b2.login('org2@example.jp', PASSWORD, '/account?from=next')).headers.location).toBe('/account?from=next');
  });

  it('refuses wrong credentials with one generic message', async () => {
    const b = browser();
    const wrong = await b.login('org2@example.jp', 'wrong password!!');
    const unknown = await b.login('nobody@example.jp', 'wrong password!!');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    for (const res of [wrong, unknown]) {
      expect(res.body).toContain('role="alert"');
      expect(res.body).toContain('メールアドレスまたはパスワードが正しくありません。');
      expect(res.body).toContain('href="#email"');
    }
    expect(b.jar.mamori_session).toBeUndefined();
    const failed = await p.ctx.audit.list({ action: 'auth.login_failed' });
    expect(failed.some((e) => e.details?.reason === 'unknown_email')).toBe(true);
    expect(failed.some((e) => e.subjectId === users.org2.id && e.details?.reason === 'bad_password')).toBe(true);

    const missing = await b.post('/login', { email: '', password: '' });
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toContain('aria-invalid="true"');
  });

  it(`locks an address after ${MAX_FAILURES} failures, whether or not it has an account`, async () => {
    const b = browser();
    for (let i = 0; i < MAX_FAILURES - 1; i++) expect((await b.login('lockme@example.jp', 'not the password')).statusCode).toBe(401);
    expect((await b.login('lockme@example.jp', 'not the password')).statusCode).toBe(429);
    // Even the right password is refused while locked.
    const locked = await browser().login('lockme@example.jp');
    expect(locked.statusCode).toBe(429);
    expect(locked.body).toContain('15');
    const row = await p.ctx.db.selectFrom('users').select(['failed_logins', 'locked_until']).where('id', '=', users.lockme.id).executeTakeFirstOrThrow();
    expect(row.failed_logins).toBe(MAX_FAILURES);
    expect(row.locked_until!.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);

    const c = browser();
    for (let i = 0; i < MAX_FAILURES - 1; i++) expect((await c.login('ghost@example.jp', 'not the password')).statusCode).toBe(401);
    expect((await c.login('ghost@example.jp', 'not the password')).statusCode).toBe(429);

    const api = await browser().request('POST', '/api/v1/session', { json: { email: 'lockme@example.jp', password: PASSWORD }, accept: 'application/json' });
    expect(api.statusCode).toBe(429);
    expect(api.json().error.code).toBe('login_locked');
  });

  it('enforces TOTP for staff before any permission is usable', async () => {
    const b = browser();
    const res = await b.login('admin@example.jp', PASSWORD, '/admin/users');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login/totp?next=%2Fadmin%2Fusers');
    expect(b.jar.mamori_session).toBeTruthy();
    // Password only: public everywhere.
    expect((await b.get('/admin/users', 'application/json')).statusCode).toBe(401);
    const html = await b.get('/admin/users');
    expect(html.statusCode).toBe(303);
    expect(html.headers.location).toBe('/login?next=%2Fadmin%2Fusers');
    expect((await b.get('/login')).headers.location).toBe('/login/totp');
    expect((await b.get('/api/v1/session', 'application/json')).statusCode).toBe(401);

    const form = await b.get('/login/totp?next=%2Fadmin%2Fusers');
    expect(form.statusCode).toBe(200);
    expect(form.body).toMatch(/<label for="code">/);
    const bad = await b.post('/login/totp', { code: '000000', next: '/admin/users' });
    expect(bad.statusCode).toBe(401);
    expect(bad.body).toContain('role="alert"');
    const pendingToken = b.jar.mamori_session;
    const used = await code(secrets.admin);
    const good = await b.post('/login/totp', { code: used, next: '/admin/users' });
    expect(good.statusCode).toBe(303);
    expect(good.headers.location).toBe('/admin/users');
    // A new token once the second factor is done.
    expect(b.jar.mamori_session).not.toBe(pendingToken);
    const list = await b.get('/admin/users');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('org1@example.jp');
    const me = (await b.get('/api/v1/session', 'application/json')).json();
    expect(me.user.permissions).toEqual(['admin.users', 'audit.read']);

    // The same code cannot be used twice.
    const c = browser();
    await c.login('admin@example.jp');
    expect((await c.post('/login/totp', { code: used })).statusCode).toBe(401);
    expect((await p.ctx.audit.list({ action: 'auth.login_failed', subjectId: users.admin.id })).some((e) => e.details?.reason === 'totp_replayed')).toBe(true);
  });

  it('logs staff in through the JSON API only with a TOTP code', async () => {
    const b = browser();
    const noCode = await b.request('POST', '/api/v1/session', { json: { email: 'apiadmin@example.jp', password: PASSWORD }, accept: 'application/json' });
    expect(noCode.statusCode).toBe(401);
    expect(noCode.json().error.code).toBe('totp_required');
    expect(b.jar.mamori_session).toBeUndefined();
    const ok = await b.request('POST', '/api/v1/session', { json: { email: 'apiadmin@example.jp', password: PASSWORD, totp: await code(secrets.apiadmin) }, accept: 'application/json' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().user).toMatchObject({ email: 'apiadmin@example.jp', kind: 'staff', totpEnabled: true });
    expect((await b.get('/admin/users', 'application/json')).statusCode).toBe(200);
    const out = await b.request('DELETE', '/api/v1/session', { accept: 'application/json' });
    expect(out.statusCode).toBe(204);
    expect((await b.get('/api/v1/session', 'application/json')).statusCode).toBe(401);

    const enrol = await browser().request('POST', '/api/v1/session', { json: { email: 'newstaff@example.jp', password: PASSWORD }, accept: 'application/json' });
    expect(enrol.statusCode).toBe(403);
    expect(enrol.json().error.code).toBe('totp_enrolment_required');

    const openapi = await p.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(Object.keys(openapi.json().paths)).toContain('/api/v1/session');
  });

  it('sends staff without TOTP to enrolment and completes the login there', async () => {
    const b = browser();
    const res = await b.login('newstaff@example.jp');
    expect(res.headers.location).toBe('/account/totp-enrol');
    expect((await b.get('/admin/users', 'application/json')).statusCode).toBe(401);
    const page = await b.get('/account/totp-enrol');
    expect(page.statusCode).toBe(200);
    const secret = /<code id="totp-secret">([A-Z2-7 ]+)<\/code>/.exec(page.body)![1].replace(/ /g, '');
    expect(page.body).toContain('otpauth://totp/Mamori:newstaff%40example.jp?');
    expect(page.body).not.toMatch(/<img|chart\.googleapis|qrserver/);
    // Reloading keeps the same secret (the user may have scanned it already).
    expect((await b.get('/account/totp-enrol')).body).toContain(/<code id="totp-secret">([A-Z2-7 ]+)<\/code>/.exec(page.body)![1]);
    const wrong = await b.post('/account/totp-enrol', { code: '123456' });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain('role="alert"');
    const done = await b.post('/account/totp-enrol', { code: await code(secret) });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/staff');
    expect((await b.get('/admin/users', 'application/json')).statusCode).toBe(200);
    expect((await p.ctx.auth.getUser(users.newstaff.id))!.totpEnabled).toBe(true);
    expect((await p.ctx.audit.list({ action: 'auth.totp_enrol', subjectId: users.newstaff.id })).length).toBe(1);
    // Next time the code is asked for.
    const again = browser();
    expect((await again.login('newstaff@example.jp')).headers.location).toBe('/login/totp');
    expect((await again.post('/login/totp', { code: await code(secret, 1) })).statusCode).toBe(303);
  });

  it('lets organisation users opt in to TOTP and then asks for it', async () => {
    const user = await p.ctx.auth.createUser({ email: 'optin@example.jp', displayName: 'Opt In', password: PASSWORD, kind: 'org', organisationId: orgId });
    const b = browser();
    expect((await b.login('optin@example.jp')).headers.location).toBe('/account');
    const page = await b.get('/account/totp-enrol');
    const secret = /<code id="totp-secret">([A-Z2-7 ]+)<\/code>/.exec(page.body)![1].replace(/ /g, '');
    const done = await b.post('/account/totp-enrol', { code: await code(secret) });
    expect(done.headers.location).toBe('/account?totp=1');
    expect((await p.ctx.auth.getUser(user.id))!.totpEnabled).toBe(true);
    expect((await browser().login('optin@example.jp')).headers.location).toBe('/login/totp');
  });

  it('logout invalidates the session', async () => {
    const b = browser();
    await b.login('org2@example.jp');
    const token = b.jar.mamori_session;
    expect((await b.get('/account')).statusCode).toBe(200);
    const out = await b.post('/logout', {});
    expect(out.statusCode).toBe(303);
    expect(b.jar.mamori_session).toBeUndefined();
    const row = await p.ctx.db.selectFrom('sessions').select('id').where('id', '=', hashToken(token)).executeTakeFirst();
    expect(row).toBeUndefined();
    // Replaying the old cookie does not work.
    b.jar.mamori_session = token;
    const again = await b.get('/account');
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe('/login?next=%2Faccount');
    expect((await p.ctx.audit.list({ action: 'auth.logout', subjectId: users.org2.id })).length).toBe(1);
  });

  it('resets a password by e-mail with a single-use token', async () => {
    const other = browser();
    await other.login('resetme@example.jp');
    expect((await other.get('/account')).statusCode).toBe(200);

    const b = browser();
    const before = mails.length;
    const known = await b.post('/password-reset', { email: 'ResetMe@example.jp' });
    const unknown = await b.post('/password-reset', { email: 'nobody@example.jp' });
    expect(known.statusCode).toBe(200);
    expect(unknown.statusCode).toBe(200);
    expect(known.body).toBe(unknown.body);
    expect(mails.length).toBe(before + 1);
    const mail = mails[mails.length - 1];
    expect(mail.to).toBe('resetme@example.jp');
    const link = new RegExp(`${p.config.baseUrl}/password-reset/([A-Za-z0-9_-]{43})`).exec(mail.text)!;
    expect(link).toBeTruthy();
    const token = link[1];
    // Stored in the outbox within the same transaction as the token.
    const outbox = await p.ctx.db.selectFrom('mail_outbox').select(['to_addr']).where('to_addr', '=', 'resetme@example.jp').execute();
    expect(outbox.length).toBe(1);
    const stored = await p.ctx.db.selectFrom('password_resets').select(['token_hash']).where('user_id', '=', users.resetme.id).execute();
    expect(stored.map((r) => r.token_hash)).toEqual([hashToken(token)]);

    expect((await b.get(`/password-reset/${token}`)).statusCode).toBe(200);
    const short = await b.post(`/password-reset/${token}`, { password: 'too short', password_confirm: 'too short' });
    expect(short.statusCode).toBe(422);
    expect(short.body).toContain('12');
    const NEW = 'a brand new long passphrase';
    const ok = await b.post(`/password-reset/${token}`, { password: NEW, password_confirm: NEW });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/login?reset=1');
    // Single use.
    expect((await b.get(`/password-reset/${token}`)).statusCode).toBe(410);
    expect((await b.post(`/password-reset/${token}`, { password: 'another long passphrase', password_confirm: 'another long passphrase' })).statusCode).toBe(410);
    // Other sessions are gone, the old password no longer works, the new one does.
    expect((await other.get('/account', 'application/json')).statusCode).toBe(401);
    expect((await browser().login('resetme@example.jp')).statusCode).toBe(401);
    expect((await browser().login('resetme@example.jp', NEW)).statusCode).toBe(303);
    expect((await p.ctx.audit.list({ action: 'auth.password_reset', subjectId: users.resetme.id })).length).toBe(1);
  });

  it('lets administrators create and disable users; others are forbidden', async () => {
    const admin = browser();
    await admin.login('admin@example.jp');
    expect((await admin.post('/login/totp', { code: await code(secrets.admin, 1) })).statusCode).toBe(303);

    const bad = await admin.post('/admin/users', { email: 'not-an-email', display_name: '', kind: 'org', roles: ['analyst'] });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('role="alert"');
    expect(bad.body).toContain('href="#organisation_id"');

    const before = mails.length;
    const created = await admin.post('/admin/users', { email: 'new.analyst@example.jp', display_name: '新しい 分析者', kind: 'staff', roles: ['analyst', 'publisher'] });
    expect(created.statusCode).toBe(303);
    const user = (await p.ctx.auth.findUserByEmail('new.analyst@example.jp'))!;
    expect(user).toMatchObject({ kind: 'staff', roles: ['analyst', 'publisher'], totpEnabled: false });
    expect(mails.length).toBe(before + 1);
    expect(mails[mails.length - 1].to).toBe('new.analyst@example.jp');
    expect((await p.ctx.audit.list({ action: 'auth.user_create', subjectId: user.id })).length).toBe(1);

    const orgUser = await admin.request('POST', '/admin/users', { json: { email: 'org.person@example.jp', display_name: 'Org Person', kind: 'org', organisation_id: orgId }, accept: 'application/json' });
    expect(orgUser.statusCode).toBe(201);
    expect(orgUser.json().user).toMatchObject({ kind: 'org', organisationId: orgId, roles: [] });
    const dup = await admin.request('POST', '/admin/users', { json: { email: 'org.person@example.jp', display_name: 'Again', kind: 'org', organisation_id: orgId }, accept: 'application/json' });
    expect(dup.statusCode).toBe(422);

    const page2 = await admin.get('/admin/users?page=2');
    expect(page2.statusCode).toBe(200);

    // An analyst (fully logged in) lacks admin.users.
    const analyst = browser();
    await analyst.login('analyst@example.jp');
    expect((await analyst.post('/login/totp', { code: await code(secrets.analyst) })).statusCode).toBe(303);
    expect((await analyst.get('/admin/users')).statusCode).toBe(403);
    expect((await analyst.post(`/admin/users/${user.id}/disable`, {})).statusCode).toBe(403);
    // An organisation user too.
    const org = browser();
    await org.login('org1@example.jp');
    expect((await org.get('/admin/users', 'application/json')).statusCode).toBe(403);

    // Disabling ends the user's sessions at once.
    const victim = browser();
    await victim.login('org1@example.jp');
    expect((await victim.get('/account')).statusCode).toBe(200);
    const dis = await admin.post(`/admin/users/${users.org1.id}/disable`, {});
    expect(dis.statusCode).toBe(303);
    expect((await victim.get('/account', 'application/json')).statusCode).toBe(401);
    expect((await browser().login('org1@example.jp')).statusCode).toBe(401);
    expect((await p.ctx.audit.list({ action: 'auth.user_disable', subjectId: users.org1.id })).length).toBe(1);
    const me = (await admin.get('/api/v1/session', 'application/json')).json().user.id;
    expect((await admin.post(`/admin/users/${me}/disable`, {})).statusCode).toBe(409);
  });
});
