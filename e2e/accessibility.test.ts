// axe-core on every public page, the login pages, the error pages and the staff and party case
// pages, in a real Chromium. Fails on any violation of impact "serious" or "critical" and prints
// what and where; lesser findings are listed once at the end for information.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SYSTEM_ACTOR } from '../src/platform/context.js';
import type { VulnDeskService } from '../src/modules/vuln-desk/service.js';
import { totpNow } from '../test/session.js';
import {
  PASSWORD, TOTP_SECRET, clickAndWait, createCast, formatViolations, launchBrowser, loginThroughUi, newContext, runAxe, screenshot,
  startServer, type AxeViolation, type Cast, type Server,
} from './support.js';

const BLOCKING = new Set(['serious', 'critical']);

describe('accessibility of the pages (axe-core in Chromium)', () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let publicContext: BrowserContext;
  let staffContext: BrowserContext;
  let operatorContext: BrowserContext;
  let publicPage: Page;
  let staffPage: Page;
  let operatorPage: Page;
  let cast: Cast;
  let trackingPath: string;
  let ref: string;
  const minor: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    cast = await createCast(server.platform);
    // One website report with an attachment-free body, so that there is a tracking page and a case.
    const res = await server.platform.app.inject({
      method: 'POST', url: '/api/v1/vulnerability-reports',
      payload: {
        kind: 'web', reporterName: '発見 花子', reporterEmail: 'finder@example.jp', siteUrl: 'https://www.city.mihon.example.jp/search',
        siteOperator: 'みほん市役所', cwe: 'CWE-79', description: '検索語がエスケープされずに出力される。', reproduction: '?q=<script>alert(1)</script> を開く。',
      },
    });
    expect(res.statusCode).toBe(201);
    ref = res.json().ref;
    trackingPath = new URL(res.json().trackingUrl).pathname;
    // The operator becomes a party so that its portal shows the case.
    const svc = server.platform.ctx.services.get('vuln-desk') as VulnDeskService;
    const record = await server.platform.ctx.cases.load(ref);
    await svc.addOperatorContact(record!.id, { organisationId: cast.orgs.operator.id }, SYSTEM_ACTOR);

    browser = await launchBrowser();
    // The pages forbid inline scripts (CSP); axe is injected as one, so these contexts bypass the CSP.
    publicContext = await newContext(browser, { bypassCSP: true });
    staffContext = await newContext(browser, { bypassCSP: true });
    operatorContext = await newContext(browser, { bypassCSP: true });
    publicPage = await publicContext.newPage();
    staffPage = await staffContext.newPage();
    operatorPage = await operatorContext.newPage();
  });

  afterAll(async () => {
    if (minor.length) console.info(`axe findings below "serious" (not failing):\n${minor.join('\n')}`);
    await browser?.close();
    await server?.close();
  });

  async function check(page: Page, label: string): Promise<AxeViolation[]> {
    const violations = await runAxe(page);
    const blocking = violations.filter((v) => BLOCKING.has(v.impact ?? ''));
    const rest = violations.filter((v) => !BLOCKING.has(v.impact ?? ''));
    if (rest.length) minor.push(formatViolations(label, rest));
    expect(blocking, `serious/critical axe violations on ${label}:\n${formatViolations(label, blocking)}`).toEqual([]);
    return violations;
  }

  async function visit(page: Page, path: string, status = 200): Promise<void> {
    const res = await page.goto(`${server!.baseUrl}${path}`);
    expect(res?.status(), `status of ${path}`).toBe(status);
    await page.locator('main h1').waitFor();
  }

  it('the checker itself reports a known serious violation', async () => {
    const page = await publicContext.newPage();
    try {
      await page.setContent('<!doctype html><html lang="ja"><head><title>t</title></head><body><main><h1>t</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><p style="color:#ccc;background:#fff">薄い文字</p></main></body></html>');
      const ids = (await runAxe(page)).filter((v) => BLOCKING.has(v.impact ?? '')).map((v) => v.id);
      expect(ids).toEqual(expect.arrayContaining(['image-alt', 'color-contrast']));
    } finally {
      await page.close();
    }
  });

  const publicPaths: Array<[string, number]> = [
    ['/', 200],
    ['/?lang=en', 200],
    ['/vulnerability-reports', 200],
    ['/vulnerability-reports/new/product', 200],
    ['/vulnerability-reports/new/web', 200],
    ['/vulnerability-reports/statistics?lang=ja', 200],
    ['/vulnerability-reports/statistics?lang=en', 200],
    ['/login?lang=ja', 200],
    ['/password-reset', 200],
    ['/no-such-page', 404],
  ];

  for (const [path, status] of publicPaths) {
    it(`public page ${path}`, async () => {
      await visit(publicPage, path, status);
      await check(publicPage, path);
    });
  }

  it('the website report form re-rendered with validation errors', async () => {
    await visit(publicPage, '/vulnerability-reports/new/web?lang=ja');
    await clickAndWait(publicPage, () => publicPage.getByRole('button', { name: '届け出る' }).click());
    expect(await publicPage.getByRole('alert').textContent()).toContain('入力内容を確認してください。');
    expect(await publicPage.locator('#f-reporterEmail').getAttribute('aria-invalid')).toBe('true');
    await check(publicPage, 'web form with errors');
    await screenshot(publicPage, 'a11y-web-form-errors');
  });

  it('the reporter tracking page', async () => {
    await visit(publicPage, trackingPath);
    expect(await publicPage.locator('dl.meta').textContent()).toContain(ref);
    await check(publicPage, 'tracking page');
  });

  it('an unknown tracking link (404 page)', async () => {
    await visit(publicPage, '/track/not-a-valid-token-at-all-000000', 404);
    await check(publicPage, 'unknown tracking link');
  });

  it('the TOTP page and the staff workbench, case list and case page', async () => {
    await staffPage.goto(`${server!.baseUrl}/login?lang=ja`);
    await staffPage.locator('#email').fill(cast.desk.email);
    await staffPage.locator('#password').fill(PASSWORD);
    await clickAndWait(staffPage, () => staffPage.getByRole('button', { name: 'ログイン' }).click());
    expect(new URL(staffPage.url()).pathname).toBe('/login/totp');
    await check(staffPage, '/login/totp');
    await staffPage.locator('#code').fill(totpNow(TOTP_SECRET));
    await clickAndWait(staffPage, () => staffPage.getByRole('button', { name: '確認' }).click());
    expect(new URL(staffPage.url()).pathname).toBe('/staff');
    await check(staffPage, '/staff');

    await visit(staffPage, '/staff/cases');
    await staffPage.getByRole('link', { name: ref }).waitFor();
    await check(staffPage, '/staff/cases');

    await visit(staffPage, `/staff/cases/${ref}`);
    await staffPage.getByRole('heading', { level: 2, name: '届出の取扱い' }).waitFor();
    await check(staffPage, `/staff/cases/${ref}`);
    await screenshot(staffPage, 'a11y-staff-case');

    await visit(staffPage, `/staff/cases/${ref}?lang=en`);
    await staffPage.getByRole('heading', { level: 2, name: 'Desk actions' }).waitFor();
    await check(staffPage, `/staff/cases/${ref}?lang=en`);
  });

  it('the operator portal: case list and case page', async () => {
    await loginThroughUi(operatorPage, server!.baseUrl, cast.operator.email, PASSWORD);
    await visit(operatorPage, '/cases');
    await operatorPage.getByRole('link', { name: ref }).waitFor();
    await check(operatorPage, '/cases');
    await visit(operatorPage, `/cases/${ref}`);
    await check(operatorPage, `/cases/${ref}`);
  });
});
