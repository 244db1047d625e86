// The virus / unauthorised access desk in a real Chromium: a virus report with the damage fields
// submitted through the public form, the receipt number shown after commit, the desk finding and
// reviewing it, and axe-core finding no serious or critical violation on the desk's public pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  PASSWORD, TOTP_SECRET, clickAndWait, formatViolations, launchBrowser, loginThroughUi, newContext, runAxe, screenshot, startServer, type Server,
} from './support.js';
import type { Actor } from '../src/platform/context.js';
import type { IncidentReportsService } from '../src/modules/incident-reports/service.js';

const BLOCKING = new Set(['serious', 'critical']);
const STAFF_EMAIL = 'incidents-e2e@ipa.example.jp';

async function meta(page: Page): Promise<Record<string, string>> {
  return page.locator('dl.meta').evaluate((dl) => {
    const out: Record<string, string> = {};
    for (const dt of Array.from(dl.querySelectorAll('dt'))) {
      const dd = dt.nextElementSibling;
      if (dd && dd.tagName === 'DD') out[(dt.textContent ?? '').trim()] = (dd.textContent ?? '').trim();
    }
    return out;
  });
}

describe('incident reports in the browser', () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let reporter: Page; let staff: Page; let axePage: Page;
  const contexts: BrowserContext[] = [];
  let ref = '';
  let studyId = '';

  beforeAll(async () => {
    server = await startServer();
    await server.platform.ctx.auth.createUser({ email: STAFF_EMAIL, displayName: '届出 担当', password: PASSWORD, kind: 'staff', roles: ['intake_handler', 'analyst'], totpSecret: TOTP_SECRET });
    // One published write-up, so that its public page is checked too.
    const svc = server.platform.ctx.services.get('incident-reports') as IncidentReportsService;
    const actor = (userId: string, displayName: string): Actor => ({ userId, kind: 'staff', displayName, organisationId: null, roles: [], permissions: new Set() });
    const study = await svc.saveStudy(null, { half: '2020-H2', kind: 'unauthorized', titleJa: 'VPN 装置経由の侵入事例', titleEn: 'Intrusion through a VPN device', bodyJa: '修正プログラム未適用の VPN 装置から侵入された。', bodyEn: 'Attackers entered through an unpatched VPN device.', sourceRefs: '' }, actor('00000000-0000-4000-8000-000000000001', '作成者'));
    await svc.reviewStudy(study.id, actor('00000000-0000-4000-8000-000000000002', 'レビュー者'));
    await svc.publishStudy(study.id, actor('00000000-0000-4000-8000-000000000002', 'レビュー者'));
    studyId = study.id;
    browser = await launchBrowser();
    const page = async (bypassCSP = false) => { const c = await newContext(browser!, { bypassCSP }); contexts.push(c); return c.newPage(); };
    reporter = await page();
    staff = await page();
    axePage = await page(true);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const url = (p: string) => `${server!.baseUrl}${p}`;
  const path = (p: Page) => new URL(p.url()).pathname;

  it('1. a company reports a virus infection with damage through the public form and sees its receipt number', async () => {
    await reporter.goto(url('/incident-reports'));
    await clickAndWait(reporter, () => reporter.getByRole('link', { name: 'コンピュータウイルスの届出' }).click());
    expect(path(reporter)).toBe('/incident-reports/new/virus');
    // Submitting with damage but no kind of damage is refused, naming the field, and keeps the input.
    await reporter.getByRole('radio', { name: '企業' }).check();
    await reporter.locator('#f-reporterName').fill('届出 太郎');
    await reporter.locator('#f-reporterEmail').fill('taro@mihon-seisakusho.example.jp');
    await reporter.locator('#f-organisationName').fill('みほん製作所');
    await reporter.locator('#f-sector').selectOption('manufacturing');
    await reporter.locator('#f-size').selectOption('medium');
    await reporter.locator('#f-malwareName').fill('Emotet');
    await reporter.getByRole('checkbox', { name: 'メール', exact: true }).check();
    await reporter.locator('#f-os').fill('Windows 10');
    await reporter.getByRole('radio', { name: '被害有り' }).check();
    await reporter.locator('#f-description').fill('取引先を装うメールの添付ファイルを開いたところ感染し、なりすましメールが送信された。');
    await clickAndWait(reporter, () => reporter.getByRole('button', { name: '届け出る' }).click());
    expect(await reporter.getByRole('alert').textContent()).toContain('被害の内容');
    expect(await reporter.locator('#f-reporterName').inputValue()).toBe('届出 太郎');

    await reporter.getByRole('checkbox', { name: 'ウイルス感染（端末の不具合）' }).check();
    await reporter.getByRole('checkbox', { name: '他の端末・取引先への拡散（なりすましメール送信等）' }).check();
    await clickAndWait(reporter, () => reporter.getByRole('button', { name: '届け出る' }).click());
    expect(path(reporter)).toMatch(/^\/track\/[A-Za-z0-9_-]{20,}$/);
    const receipt = await reporter.getByRole('status').textContent();
    const m = /受付番号 (IPA-V-\d{4}-\d{5}) で受け付けました。/.exec(receipt ?? '');
    expect(m, `receipt text: ${receipt}`).not.toBeNull();
    ref = m![1];
    const info = await meta(reporter);
    expect(info['受付番号']).toBe(ref);
    expect(info['被害の有無']).toBe('被害有り');
    expect(info['被害の内容']).toBe('ウイルス感染（端末の不具合）、他の端末・取引先への拡散（なりすましメール送信等）');
    await screenshot(reporter, 'incident-report-received');
  });

  it('2. the desk finds the report, starts the review and classifies it', async () => {
    await loginThroughUi(staff, server!.baseUrl, STAFF_EMAIL, PASSWORD, TOTP_SECRET);
    await staff.goto(url('/staff/cases?type=incident.virus'));
    await staff.getByLabel('キーワード').fill(ref);
    await clickAndWait(staff, () => staff.getByRole('button', { name: '検索', exact: true }).click());
    await clickAndWait(staff, () => staff.getByRole('link', { name: ref, exact: true }).click());
    expect(path(staff)).toBe(`/staff/cases/${ref}`);
    const info = await meta(staff);
    expect(info['状態']).toBe('受付');
    expect(info['受付経路']).toBe('ウェブフォーム');
    expect(info['ウイルス名（判明している場合）']).toBe('Emotet');
    expect(info['被害の有無']).toBe('被害有り');
    await clickAndWait(staff, () => staff.getByRole('button', { name: '内容確認を開始', exact: true }).click());
    expect((await meta(staff))['状態']).toBe('内容確認中');
    await staff.getByLabel('分類', { exact: true }).selectOption({ label: 'Emotet 等のメール型ウイルス' });
    await clickAndWait(staff, () => staff.getByRole('button', { name: '分類を保存' }).click());
    expect((await meta(staff))['分類']).toContain('Emotet 等のメール型ウイルス');
    await screenshot(staff, 'incident-report-staff');
  });

  it('3. axe-core finds no serious or critical violation on the public pages', async () => {
    const pages = [
      '/incident-reports', '/incident-reports/new/virus', '/incident-reports/new/unauthorized', '/incident-reports/statistics',
      '/incident-reports/statistics?fy=2020&lang=en', '/incident-reports/case-studies', `/incident-reports/case-studies/${studyId}`,
    ];
    const failures: string[] = [];
    for (const p of pages) {
      await axePage.goto(url(p));
      const blocking = (await runAxe(axePage)).filter((v) => BLOCKING.has(v.impact ?? ''));
      if (blocking.length) failures.push(formatViolations(p, blocking));
    }
    // The form with errors shown, too (back in Japanese: the English page set the language cookie).
    await axePage.goto(url('/incident-reports/new/unauthorized?lang=ja'));
    await clickAndWait(axePage, () => axePage.getByRole('button', { name: '届け出る' }).click(), { allowError: true });
    const withErrors = (await runAxe(axePage)).filter((v) => BLOCKING.has(v.impact ?? ''));
    expect(await axePage.getByRole('alert').textContent()).toContain('入力内容を確認してください');
    if (withErrors.length) failures.push(formatViolations('form with errors', withErrors));
    expect(failures, failures.join('\n')).toEqual([]);
  });
});
