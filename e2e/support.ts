// Shared pieces of the browser tests: Debian's Chromium driven by playwright-core (never a
// downloaded browser), the real platform listening on an ephemeral port, a small cast of accounts,
// logging in through the real forms, reading tables and running axe-core on a page.
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestPlatform, type TestPlatform } from '../test/harness.js';
import { totpNow } from '../test/session.js';
import type { Organisation, User } from '../src/platform/auth/auth.js';

export const CHROMIUM = process.env.MAMORI_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const PASSWORD = 'e2e correct horse battery staple';
export const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
/** Screenshots go here, outside the repository. */
export const SCREENSHOT_DIR = join(tmpdir(), 'mamori-e2e');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
}

/** A fresh browser context (its own cookies) with generous but finite timeouts. */
export async function newContext(browser: Browser, opts: { bypassCSP?: boolean } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 }, bypassCSP: opts.bypassCSP });
  context.setDefaultTimeout(20_000);
  context.setDefaultNavigationTimeout(30_000);
  return context;
}

export interface Server { platform: TestPlatform; baseUrl: string; close(): Promise<void> }

/** The real platform on in-memory PGlite, listening on 127.0.0.1 at an ephemeral port. */
export async function startServer(): Promise<Server> {
  const platform = await startTestPlatform('pglite');
  try {
    await platform.app.listen({ port: 0, host: '127.0.0.1' });
  } catch (e) {
    await platform.destroy();
    throw e;
  }
  const addr = platform.app.server.address();
  if (!addr || typeof addr === 'string') throw new Error(`unexpected listen address ${String(addr)}`);
  return { platform, baseUrl: `http://127.0.0.1:${addr.port}`, close: () => platform.destroy() };
}

export interface Cast {
  orgs: { jpcert: Organisation; operator: Organisation };
  /** Staff with every desk role (TOTP secret TOTP_SECRET). */
  desk: User;
  /** The website operator's organisation user (password only). */
  operator: User;
}

/** The accounts the tests need: JPCERT/CC, the operator みほん市役所 with its user, a desk member. */
export async function createCast(platform: TestPlatform): Promise<Cast> {
  const a = platform.ctx.auth;
  const jpcert = await a.createOrganisation({ name: 'JPCERT コーディネーションセンター', nameEn: 'JPCERT/CC', kind: 'coordinator', email: 'coordination@jpcert.example.jp' });
  const operator = await a.createOrganisation({ name: 'みほん市役所', nameEn: 'Mihon City Office', kind: 'site_operator', email: 'webmaster@city.mihon.example.jp' });
  const desk = await a.createUser({
    email: 'desk@ipa.example.jp', displayName: '窓口 誠', password: PASSWORD, kind: 'staff',
    roles: ['intake_handler', 'coordinator', 'analyst', 'publisher'], totpSecret: TOTP_SECRET,
  });
  const operatorUser = await a.createUser({ email: 'web@city.mihon.example.jp', displayName: 'みほん市役所 情報政策課', password: PASSWORD, kind: 'org', organisationId: operator.id });
  return { orgs: { jpcert, operator }, desk, operator: operatorUser };
}

/**
 * Logs in through /login (and /login/totp when a secret is given) and checks that the browser has
 * left the login pages. TOTP codes are single-use per user: log each user in once per platform.
 */
export async function loginThroughUi(page: Page, baseUrl: string, email: string, password: string, totpSecret?: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await clickAndWait(page, () => page.getByRole('button', { name: /^(ログイン|Log in)$/ }).click());
  if (totpSecret) {
    await expectPath(page, '/login/totp', `login of ${email}`);
    await page.locator('#code').fill(totpNow(totpSecret));
    await clickAndWait(page, () => page.getByRole('button', { name: /^(確認|Verify)$/ }).click());
  }
  if (new URL(page.url()).pathname.startsWith('/login')) {
    const alert = await page.getByRole('alert').allTextContents();
    throw new Error(`login of ${email} failed, still at ${page.url()}: ${alert.join(' ')}`);
  }
}

async function expectPath(page: Page, path: string, what: string): Promise<void> {
  const at = new URL(page.url()).pathname;
  if (at !== path) throw new Error(`${what}: expected to be at ${path}, but at ${page.url()}: ${(await page.getByRole('alert').allTextContents()).join(' ')}`);
}

/** Every table row of the page as the trimmed text of its cells (th and td). */
export async function tableRows(page: Page): Promise<string[][]> {
  return page.locator('table tr').evaluateAll((rows) => rows.map((r) => Array.from(r.children).map((c) => (c.textContent ?? '').trim())));
}

/**
 * Clicks something that submits a form or follows a link, waits for the next page to load, and
 * fails with the page's message if that page is the error page (unless allowError).
 */
export async function clickAndWait(page: Page, click: () => Promise<void>, opts: { allowError?: boolean } = {}): Promise<void> {
  await Promise.all([page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() }), click()]);
  await page.waitForLoadState('load');
  if (opts.allowError) return;
  const h1 = (await page.locator('main h1').first().textContent().catch(() => null))?.trim() ?? '';
  if (/^(エラー（\d+）|Error \(\d+\))$/.test(h1)) {
    throw new Error(`${h1} at ${page.url()}: ${(await page.getByRole('alert').allTextContents()).join(' ').trim()}`);
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

// ---- axe-core ------------------------------------------------------------------------------

let axeSource: string | undefined;
function axeScript(): string {
  if (!axeSource) {
    const require = createRequire(import.meta.url);
    axeSource = readFileSync(join(dirname(require.resolve('axe-core')), 'axe.min.js'), 'utf8');
  }
  return axeSource;
}

export interface AxeViolation { id: string; impact: string | null; help: string; helpUrl: string; targets: string[] }

/**
 * Runs axe-core on the page as it is. The page's CSP forbids inline scripts, so the context must be
 * created with bypassCSP for the injected script to run.
 */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: axeScript() });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx?: unknown, opts?: unknown): Promise<{ violations: Array<{ id: string; impact?: string | null; help: string; helpUrl: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, helpUrl: v.helpUrl, targets: v.nodes.map((n) => n.target.map(String).join(' ')) }));
  });
}

export function formatViolations(url: string, violations: AxeViolation[]): string {
  return violations.map((v) => `${url}: [${v.impact}] ${v.id} — ${v.help} (${v.helpUrl})\n    ${v.targets.slice(0, 10).join('\n    ')}`).join('\n');
}
