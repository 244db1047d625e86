// The management dashboard in Chromium: department staff drill from the dashboard into a KPI and
// enter an actual with evidence, planning staff check it, the approver approves it, downloads the
// report workbook, finalises the fiscal year, and the public report passes axe-core.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import ExcelJS from 'exceljs';
import {
  PASSWORD, TOTP_SECRET, clickAndWait, formatViolations, launchBrowser, loginThroughUi, newContext, runAxe, screenshot, startServer, tableRows, type Server,
} from './support.js';

const KPI = 'I/1/kpi-⑤';
const KPI_PATH = `/staff/plan/kpis/${encodeURIComponent(KPI)}`;

describe('plan dashboard, manual actuals and the annual report in Chromium', () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  async function pageFor(email: string): Promise<Page> {
    const ctx = await newContext(browser!);
    contexts.push(ctx);
    const page = await ctx.newPage();
    await loginThroughUi(page, server!.baseUrl, email, PASSWORD, TOTP_SECRET);
    return page;
  }

  beforeAll(async () => {
    server = await startServer();
    const a = server.platform.ctx.auth;
    for (const [email, name, role] of [['dept@ipa.example.jp', '部門 由紀', 'department'], ['planner@ipa.example.jp', '企画 洋平', 'planner'], ['approver@ipa.example.jp', '承認 剛', 'approver']]) {
      await a.createUser({ email, displayName: name, password: PASSWORD, kind: 'staff', roles: [role], totpSecret: TOTP_SECRET });
    }
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.close();
  });

  it('drills into a KPI, enters, checks and approves an actual, downloads and finalises the report', async () => {
    const base = server!.baseUrl;

    // Department staff: dashboard → KPI → plan item → back, then enter the FY2021 half-year actual.
    const dept = await pageFor('dept@ipa.example.jp');
    await dept.goto(`${base}/staff/plan?fy=2020`);
    const dash = await tableRows(dept);
    const row = dash.find((r) => r[0].includes('⑤'));
    expect(row, 'KPI ⑤ on the dashboard').toBeTruthy();
    expect(row!.join(' ')).toContain('200');
    await clickAndWait(dept, () => dept.locator(`a[href="${KPI_PATH}"]`).first().click());
    expect(new URL(dept.url()).pathname).toBe(KPI_PATH);
    await expect(dept.locator('svg[role="img"]').count()).resolves.toBeGreaterThan(0);
    await clickAndWait(dept, () => dept.locator('dl.facts a[href^="/staff/plan/node?code="]').click());
    expect(await dept.locator('main h1').textContent()).toContain('新たな脅威');
    await dept.goBack();

    await dept.locator('#actual-fy').selectOption('2021');
    await dept.locator('#actual-primary').fill('60');
    await dept.locator('#actual-asof').fill('2021-09-30');
    await dept.locator('#actual-note').fill('上期（4〜9月）の受講者数');
    await dept.locator('#actual-evidence').setInputFiles({ name: '受講者名簿.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 list') });
    await clickAndWait(dept, () => dept.getByRole('button', { name: '実績を入力' }).click());
    expect(new URL(dept.url()).pathname).toBe(KPI_PATH);
    expect((await tableRows(dept)).some((r) => r.some((c) => c === '入力済'))).toBe(true);
    await screenshot(dept, 'plan-entered');

    // Planning staff check it.
    const planner = await pageFor('planner@ipa.example.jp');
    await planner.goto(`${base}${KPI_PATH}`);
    await clickAndWait(planner, () => planner.getByRole('button', { name: '確認', exact: true }).click());
    expect((await tableRows(planner)).some((r) => r.some((c) => c === '確認済'))).toBe(true);

    // The approver approves; the FY2021 row now shows the approved figure and its rate.
    const approver = await pageFor('approver@ipa.example.jp');
    await approver.goto(`${base}${KPI_PATH}`);
    await clickAndWait(approver, () => approver.getByRole('button', { name: '承認', exact: true }).click());
    const rows = await tableRows(approver);
    expect(rows.some((r) => r.some((c) => c === '承認済'))).toBe(true);
    const fy2021 = rows.find((r) => r[0].startsWith('令和3年度'))!;
    expect(fy2021.join(' ')).toMatch(/60\s?名/);
    expect(fy2021.join(' ')).toContain('承認済み入力');

    // The report: draft page, workbook download, finalisation, public revision.
    await approver.goto(`${base}/staff/plan/report/2020`);
    expect(await approver.locator('main h1').textContent()).toContain('令和2年度業務実績報告書');
    const [download] = await Promise.all([approver.waitForEvent('download'), approver.locator('a[href$="/report.xlsx"]').first().click()]);
    const file = await download.path();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(file!) as unknown as ArrayBuffer);
    expect(wb.worksheets.length).toBeGreaterThanOrEqual(19);
    await clickAndWait(approver, () => approver.getByRole('button', { name: /確定する/ }).click());
    expect(new URL(approver.url()).pathname + new URL(approver.url()).search).toBe('/annual-report/2020?revision=1');
    await screenshot(approver, 'plan-report-finalised');

    // The finalised report is public, and accessible.
    const pub = await (await newContext(browser!, { bypassCSP: true }).then((c) => { contexts.push(c); return c; })).newPage();
    for (const path of ['/annual-report', '/annual-report/2020']) {
      const res = await pub.goto(`${base}${path}`);
      expect(res?.status()).toBe(200);
      const blocking = (await runAxe(pub)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(blocking, formatViolations(path, blocking)).toEqual([]);
    }
  });
});
