// The kernel's HTTP contract: health and readiness, the OpenAPI document, one error shape,
// security headers, the language switch and Japanese fiscal-year dates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startTestPlatform, type TestPlatform } from './harness.js';
import { loginAs } from './session.js';
import { fiscalQuarter, fiscalYear, fiscalYearOf, formatWareki, endOfJstDay, calendarQuarter, isoDate } from '../src/platform/i18n/dates.js';
import { toCsv } from '../src/platform/stats/csv.js';
import iconv from 'iconv-lite';

describe.each(BACKENDS)('kernel HTTP on %s', (backend) => {
  let p: TestPlatform;
  beforeAll(async () => { p = await startTestPlatform(backend); });
  afterAll(async () => { await p?.destroy(); });

  it('answers /healthz and /readyz', async () => {
    const h = await p.app.inject({ method: 'GET', url: '/healthz' });
    expect(h.statusCode).toBe(200);
    expect(h.json()).toEqual({ status: 'ok' });
    const r = await p.app.inject({ method: 'GET', url: '/readyz' });
    expect(r.statusCode).toBe(200);
    expect(r.json().status).toBe('ready');
  });

  it('publishes an OpenAPI 3.1 document with the desk and case APIs, and the docs page', async () => {
    const res = await p.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    for (const path of ['/api/v1/vulnerability-reports', '/api/v1/vulnerability-reports/statistics', '/api/v1/cases', '/api/v1/cases/{ref}/transitions', '/api/v1/session', '/api/v1/audit']) {
      expect(doc.paths[path], path).toBeDefined();
    }
    const docs = await p.app.inject({ method: 'GET', url: '/api/docs/' });
    expect([200, 302]).toContain(docs.statusCode);
  });

  it('uses one JSON error shape and a bilingual error page', async () => {
    const api = await p.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ error: { code: 'not_found', messages: { ja: expect.any(String), en: expect.any(String) }, details: [] } });
    const en = await p.app.inject({ method: 'GET', url: '/api/v1/nothing-here?lang=en' });
    expect(en.json().error.message).toBe('The page was not found.');
    const page = await p.app.inject({ method: 'GET', url: '/nothing-here', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('ページが見つかりません');
    expect(page.body).not.toMatch(/at .*\.ts:\d+/);
  });

  it('sends a strict CSP and other security headers on every page', async () => {
    const res = await p.app.inject({ method: 'GET', url: '/vulnerability-reports', headers: { accept: 'text/html' } });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('switches language on every page and remembers it', async () => {
    const ja = await p.app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    expect(ja.body).toContain('<html lang="ja"');
    expect(ja.body).toContain('href="/?lang=en"');
    const en = await p.app.inject({ method: 'GET', url: '/?lang=en', headers: { accept: 'text/html' } });
    expect(en.body).toContain('<html lang="en"');
    const cookie = String(en.headers['set-cookie']).match(/mamori_lang=en/);
    expect(cookie).not.toBeNull();
    const again = await p.app.inject({ method: 'GET', url: '/vulnerability-reports', headers: { accept: 'text/html', cookie: 'mamori_lang=en' } });
    expect(again.body).toContain('<html lang="en"');
    // An API call's ?lang= chooses the language of that answer only.
    const api = await p.app.inject({ method: 'GET', url: '/api/openapi.json?lang=en' });
    expect(api.headers['set-cookie']).toBeUndefined();
  });

  it('keeps TOTP secrets sealed at rest while second-factor login still works', async () => {
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    await p.ctx.auth.createUser({ email: 'sealed@ipa.example.jp', displayName: 'sealed', password: 'a long enough password', kind: 'staff', roles: ['auditor'], totpSecret: secret });
    const row = await p.ctx.db.selectFrom('users').select('totp_secret').where('email', '=', 'sealed@ipa.example.jp').executeTakeFirstOrThrow();
    expect(row.totp_secret).toMatch(/^v1:/);
    expect(row.totp_secret).not.toContain(secret);
    const s = await loginAs(p.app, 'sealed@ipa.example.jp', 'a long enough password', secret);
    expect((await p.app.inject({ method: 'GET', url: '/api/v1/audit', headers: { cookie: s.cookie } })).statusCode).toBe(200);
  });

  it('escapes user input in pages', async () => {
    const res = await p.app.inject({ method: 'GET', url: '/vulnerability-reports/new/web?lang=ja&x=%3Cscript%3E', headers: { accept: 'text/html' } });
    expect(res.body).not.toContain('<script>');
  });
});

describe('fiscal years, quarters and 令和 dates', () => {
  it('computes JST fiscal years and quarters', () => {
    expect(isoDate(fiscalYear(2020).from)).toBe('2020-04-01');
    expect(isoDate(new Date(fiscalYear(2020).to.getTime() - 1))).toBe('2021-03-31');
    expect(fiscalYear(2020).label.ja).toBe('令和2年度（2020年度）');
    expect(fiscalYearOf(new Date('2021-03-31T14:59:59Z'))).toBe(2020); // 23:59:59 JST
    expect(fiscalYearOf(new Date('2021-03-31T15:00:00Z'))).toBe(2021); // 00:00 JST on 1 April
    expect(isoDate(fiscalQuarter(2020, 4).from)).toBe('2021-01-01');
    expect(isoDate(fiscalQuarter(2020, 3).to)).toBe('2021-01-01');
    expect(isoDate(calendarQuarter(2020, 4).from)).toBe('2020-10-01');
    expect(endOfJstDay('2021-03-31').toISOString()).toBe('2021-03-31T15:00:00.000Z');
    expect(() => endOfJstDay('2021-02-30')).toThrow();
  });
  it('formats 令和 dates, with 元年 for the first year', () => {
    expect(formatWareki(new Date('2021-03-31T03:00:00Z'))).toBe('令和3年3月31日');
    expect(formatWareki(new Date('2019-05-01T03:00:00Z'))).toBe('令和元年5月1日');
    expect(formatWareki(new Date('2019-04-30T03:00:00Z'))).toBe('平成31年4月30日');
  });
  it('writes CSV for Excel: BOM, CRLF, quoting, formula guard, Shift_JIS', () => {
    const utf = toCsv([['受付番号', 'a,b', '=1+1', 'line\nbreak']]);
    expect(utf.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
    expect(utf.subarray(3).toString('utf8')).toBe('受付番号,"a,b",\'=1+1,"line\nbreak"\r\n');
    const sjis = toCsv([['受付番号']], 'shift_jis');
    expect(iconv.decode(sjis, 'Shift_JIS')).toBe('受付番号\r\n');
  });
});
