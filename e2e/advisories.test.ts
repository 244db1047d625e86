// The vulnerability countermeasure database in Chromium: a visitor searches JVN iPedia by keyword,
// opens an advisory, follows it to the product page, and checks an uploaded CycloneDX SBOM with the
// version checker; axe-core finds no serious or critical violation on the public pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { clickAndWait, formatViolations, launchBrowser, newContext, runAxe, screenshot, startServer, tableRows, type Server } from './support.js';
import { SYSTEM_ACTOR } from '../src/platform/context.js';
import type { AdvisoriesService } from '../src/modules/advisories/service.js';

const BLOCKING = new Set(['serious', 'critical']);

describe('the advisory database in the browser', () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let jvndb = '';

  beforeAll(async () => {
    server = await startServer();
    const svc = server.platform.ctx.services.get('advisories') as AdvisoriesService;
    const publish = async (input: Parameters<AdvisoriesService['create']>[0]) => {
      const a = await svc.create(input, SYSTEM_ACTOR);
      await svc.submitForReview(a.id, SYSTEM_ACTOR);
      return svc.publish(a.id, SYSTEM_ACTOR);
    };
    const a = await publish({
      title: { ja: 'ミニマイズ用ライブラリ e2ewidget におけるプロトタイプ汚染の脆弱性', en: 'Prototype pollution in e2ewidget' },
      overview: { ja: 'e2ewidget にはプロトタイプ汚染の脆弱性が存在します。', en: 'e2ewidget is vulnerable to prototype pollution.' },
      solution: { ja: '4.2.0 以降へアップデートしてください。', en: 'Update to 4.2.0 or later.' },
      cveIds: ['CVE-2026-99001'], cweIds: ['CWE-1321'], cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
      affected: [{ vendor: 'E2E Project', product: 'e2ewidget', purl: 'pkg:npm/e2ewidget', cpe: 'cpe:2.3:a:e2e_project:e2ewidget:*:*:*:*:*:node.js:*:*', versionStart: '4.0.0', versionStartIncluding: true, versionEnd: '4.2.0', versionEndIncluding: false }],
      references: [{ url: 'https://example.jp/e2ewidget/security', type: 'vendor', title: 'e2ewidget security notice' }],
      publicDate: '2026-11-02',
    });
    jvndb = a.jvndbId!;
    await publish({ title: { ja: 'e2ewidget-cli における情報漏えい', en: 'Information exposure in e2ewidget-cli' }, cvss: ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N'],
      affected: [{ vendor: 'E2E Project', product: 'e2ewidget-cli', purl: 'pkg:npm/e2ewidget-cli', versionEnd: '1.0.0', versionEndIncluding: false }] });
    browser = await launchBrowser();
    page = await (await newContext(browser, { bypassCSP: true })).newPage(); // axe is injected as an inline script
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const url = (p: string) => `${server!.baseUrl}${p}`;

  it('searches, opens an advisory and its product page', async () => {
    await page.goto(url('/advisories'));
    await page.getByLabel('キーワード・ID（JVNDB / CVE / JVN）').fill('プロトタイプ汚染 e2ewidget');
    await clickAndWait(page, () => page.getByRole('button', { name: '検索' }).click());
    const rows = (await tableRows(page)).filter((r) => r[0].startsWith('JVNDB-'));
    expect(rows.map((r) => r[0])).toEqual([jvndb]);
    expect(rows[0][2]).toBe('緊急'); // CVSS 9.8, computed by the server

    await clickAndWait(page, () => page.getByRole('link', { name: jvndb }).click());
    expect(new URL(page.url()).pathname).toBe(`/advisories/${jvndb}`);
    expect(await page.locator('h1').innerText()).toContain('プロトタイプ汚染');
    const body = await page.locator('main').innerText();
    expect(body).toContain('CVE-2026-99001');
    expect(body).toContain('9.8');
    expect(body).toContain('CSAF 2.0');
    await screenshot(page, 'advisory-page');

    await clickAndWait(page, () => page.locator('main a', { hasText: /^e2ewidget$/ }).first().click());
    expect(await page.locator('h1').innerText()).toContain('e2ewidget');
    expect((await tableRows(page)).filter((r) => r[0].startsWith('JVNDB-')).map((r) => r[0])).toEqual([jvndb]);
  });

  it('checks an uploaded CycloneDX SBOM with the version checker', async () => {
    await page.goto(url('/advisories/version-check'));
    const sbom = {
      bomFormat: 'CycloneDX', specVersion: '1.5', version: 1,
      components: [
        { type: 'library', name: 'e2ewidget', version: '4.1.3', purl: 'pkg:npm/e2ewidget@4.1.3' },
        { type: 'library', name: 'e2ewidget-cli', version: '1.2.0', purl: 'pkg:npm/e2ewidget-cli@1.2.0' },
        { type: 'library', name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0' },
      ],
    };
    await page.locator('input[type=file][name=file]').setInputFiles({ name: 'bom.cdx.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(sbom)) });
    await clickAndWait(page, () => page.getByRole('button', { name: '照合する' }).click());
    const text = await page.locator('main').innerText();
    expect(text).toContain(jvndb); // 4.1.3 is inside [4.0.0, 4.2.0)
    expect(text).toContain('4.2.0'); // the fixed version
    const rows = (await tableRows(page)).filter((r) => r.some((c) => c.includes('JVNDB-')));
    expect(rows.length).toBe(1); // e2ewidget-cli 1.2.0 is past its fix; left-pad is not in the database
    await screenshot(page, 'version-check-result');
    const violations = (await runAxe(page)).filter((v) => BLOCKING.has(v.impact ?? ''));
    expect(violations, formatViolations(page.url(), violations)).toEqual([]);
  });

  it('has no serious or critical accessibility violations on the public pages', async () => {
    for (const p of ['/advisories', `/advisories/${jvndb}`, '/advisories/vendors', '/advisories/quarterly?year=2026&quarter=4', '/advisories/statistics?fy=2026',
      '/advisories/version-check', '/advisories/alerts', '/advisories/bulk/', '/icat', '/advisories?lang=en']) {
      await page.goto(url(p));
      const violations = (await runAxe(page)).filter((v) => BLOCKING.has(v.impact ?? ''));
      expect(violations, formatViolations(p, violations)).toEqual([]);
    }
  });
});
