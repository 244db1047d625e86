// The acceptance walk of a website vulnerability report, entirely through the browser: the public
// statistics, an anonymous finder's report with a PoC file, the desk's handling with the operator
// みほん市役所 (party, message, details), the operator's reply from its portal, verification and
// closure, the finder's tracking page (also in English), and the statistics moving by exactly one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { fiscalYearOf, jstParts } from '../src/platform/i18n/dates.js';
import {
  PASSWORD, TOTP_SECRET, clickAndWait, createCast, launchBrowser, loginThroughUi, newContext, screenshot, startServer, tableRows,
  type Cast, type Server,
} from './support.js';

interface Figure { total: number; increase: number }
interface WebFigures { received: Figure; closed: Figure; inHandling: number }

function figure(text: string | undefined): Figure {
  const m = /^([\d,]+)（([+-][\d,]+)）$/.exec(text ?? '');
  if (!m) throw new Error(`not a "total（+increase）" figure: ${JSON.stringify(text)}`);
  return { total: Number(m[1].replace(/,/g, '')), increase: Number(m[2].replace(/,/g, '')) };
}

/** The website figures of the statistics page currently shown (Japanese). */
async function webFigures(page: Page): Promise<WebFigures> {
  const rows = await tableRows(page);
  const find = (a: string, b: string) => {
    const row = rows.find((r) => r[0] === a && r[1] === b);
    if (!row) throw new Error(`no row ${a} / ${b} in ${JSON.stringify(rows)}`);
    return row[2];
  };
  return {
    received: figure(find('受付件数', 'ウェブ')),
    closed: figure(find('提供/公表（終了）件数', 'ウェブ')),
    inHandling: Number(find('ウェブ', '全取扱中件数').replace(/,/g, '')),
  };
}

/** The dt → dd pairs of the page's meta list (state, reference, …). */
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

const STAFF_MESSAGE = 'みほん市役所 ご担当者様: 検索ページにクロスサイトスクリプティングの脆弱性が届け出られました。詳細をご確認ください。';
const OPERATOR_REPLY = '情報政策課です。検索語の出力をエスケープするよう修正し、本日公開しました。';

describe('a website vulnerability report from the form to closure, in the browser', () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let cast: Cast;
  let stats: Page;
  let reporter: Page;
  let staff: Page;
  let operator: Page;
  const contexts: BrowserContext[] = [];
  let before: WebFigures;
  let ref = '';
  let trackingUrl = '';

  const fy = fiscalYearOf(new Date());
  const month = jstParts(new Date()).m;
  const quarter = month >= 4 ? Math.floor((month - 4) / 3) + 1 : 4;

  beforeAll(async () => {
    server = await startServer();
    cast = await createCast(server.platform);
    // One website report already in handling, so that "in handling" is not trivially zero.
    const res = await server.platform.app.inject({
      method: 'POST', url: '/api/v1/vulnerability-reports',
      payload: { kind: 'web', reporterName: '先行 一郎', reporterEmail: 'earlier@example.jp', siteUrl: 'https://shop.example.jp/', description: '既存の届出', reproduction: '省略' },
    });
    expect(res.statusCode).toBe(201);
    browser = await launchBrowser();
    const page = async () => { const c = await newContext(browser!); contexts.push(c); return c.newPage(); };
    stats = await page();
    reporter = await page();
    staff = await page();
    operator = await page();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const url = (path: string) => `${server!.baseUrl}${path}`;
  const path = (p: Page) => new URL(p.url()).pathname;

  it('1. the public statistics for the current fiscal quarter', async () => {
    await stats.goto(url('/vulnerability-reports/statistics'));
    await stats.locator('main h1', { hasText: `${fy}年度` }).waitFor();
    await clickAndWait(stats, () => stats.getByRole('link', { name: `第${quarter}四半期`, exact: true }).click());
    expect(await stats.locator('main h1').textContent()).toContain(`${fy}年度第${quarter}四半期`);
    expect(await stats.locator('[aria-current="page"]').textContent()).toBe(`第${quarter}四半期`);
    before = await webFigures(stats);
    expect(before.received.total).toBeGreaterThanOrEqual(1);
    expect(before.inHandling).toBeGreaterThanOrEqual(1);
  });

  it('2. an anonymous finder reports a website vulnerability with a PoC file', async () => {
    await reporter.goto(url('/vulnerability-reports'));
    await clickAndWait(reporter, () => reporter.getByRole('link', { name: 'ウェブサイトの脆弱性関連情報の届出' }).click());
    expect(path(reporter)).toBe('/vulnerability-reports/new/web');
    await reporter.locator('#f-reporterName').fill('発見 花子');
    await reporter.locator('#f-reporterEmail').fill('hanako@finder.example.jp');
    await reporter.locator('#f-siteUrl').fill('https://www.city.mihon.example.jp/search');
    await reporter.locator('#f-siteOperator').fill('みほん市役所');
    await reporter.locator('#f-cwe').fill('CWE-79');
    await reporter.locator('#f-summary').fill('みほん市役所サイトの検索ページにおける反射型 XSS');
    await reporter.locator('#f-description').fill('検索ページで、検索語がエスケープされずに結果ページへ出力されます。');
    await reporter.locator('#f-reproduction').fill('1. https://www.city.mihon.example.jp/search?q=%3Cscript%3Ealert(1)%3C/script%3E を開く\n2. ダイアログが表示される');
    await reporter.locator('#f-attachments').setInputFiles({ name: 'poc.html', mimeType: 'text/html', buffer: Buffer.from('<a href="https://www.city.mihon.example.jp/search?q=%3Cscript%3Ealert(1)%3C/script%3E">PoC</a>\n') });
    const yearBefore = jstParts(new Date()).y;
    await clickAndWait(reporter, () => reporter.getByRole('button', { name: '届け出る' }).click());
    expect(path(reporter)).toMatch(/^\/track\/[A-Za-z0-9_-]{20,}$/);

    const receipt = await reporter.getByRole('status').textContent();
    const m = /受付番号 (IPA-W-(\d{4})-\d{5}) で受け付けました。/.exec(receipt ?? '');
    expect(m, `receipt text: ${receipt}`).not.toBeNull();
    ref = m![1];
    expect([yearBefore, jstParts(new Date()).y]).toContain(Number(m![2]));
    const u = new URL(reporter.url());
    trackingUrl = `${u.origin}${u.pathname}`;
    const info = await meta(reporter);
    expect(info['受付番号']).toBe(ref);
    expect(info['現在の状況']).toBe('受付');
    // The PoC arrived with the report and is offered for download only.
    const poc = reporter.getByRole('link', { name: 'poc.html' });
    await poc.waitFor();
    expect(await poc.getAttribute('download')).not.toBeNull();
    await screenshot(reporter, 'web-report-received');
  });

  it('3. the desk checks the report, contacts the operator, messages it and sends the details', async () => {
    await loginThroughUi(staff, server!.baseUrl, cast.desk.email, PASSWORD, TOTP_SECRET);
    expect(path(staff)).toBe('/staff');
    // From the workbench to the open website reports, then find the case by its number.
    await clickAndWait(staff, () => staff.getByRole('link', { name: 'ウェブサイトの脆弱性関連情報' }).click());
    expect(path(staff)).toBe('/staff/cases');
    await staff.getByLabel('キーワード').fill(ref);
    await clickAndWait(staff, () => staff.getByRole('button', { name: '検索', exact: true }).click());
    await clickAndWait(staff, () => staff.getByRole('link', { name: ref, exact: true }).click());
    expect(path(staff)).toBe(`/staff/cases/${ref}`);
    expect((await meta(staff))['状態']).toBe('受付');
    expect((await meta(staff))['対象サイト']).toBe('https://www.city.mihon.example.jp/search（みほん市役所）');

    await clickAndWait(staff, () => staff.getByRole('button', { name: '内容確認を開始', exact: true }).click());
    expect((await meta(staff))['状態']).toBe('内容確認中（運営者未連絡）');

    await clickAndWait(staff, () => staff.getByRole('button', { name: /^運営者へ連絡/ }).click());
    expect((await meta(staff))['状態']).toBe('送付先確認中（詳細未送付）');

    // The desk panel: add the registered operator organisation as a party.
    await staff.getByLabel('登録済みの運営者').selectOption({ label: 'みほん市役所' });
    await clickAndWait(staff, () => staff.getByRole('button', { name: '追加して連絡' }).click());
    const parties = staff.locator('section[aria-labelledby="h-parties"]');
    expect(await parties.textContent()).toContain('ウェブサイト運営者: みほん市役所');

    // A message addressed to the operator party only.
    await staff.getByRole('checkbox', { name: 'ウェブサイト運営者（みほん市役所）' }).check();
    await staff.locator('#msg-body').fill(STAFF_MESSAGE);
    await clickAndWait(staff, () => staff.getByRole('button', { name: '送信', exact: true }).click());
    const sent = staff.locator('article.message', { hasText: STAFF_MESSAGE });
    await sent.waitFor();
    expect(await sent.locator('.head').textContent()).toContain('ウェブサイト運営者（みほん市役所）');

    await clickAndWait(staff, () => staff.getByRole('button', { name: '詳細を運営者へ送付', exact: true }).click());
    expect((await meta(staff))['状態']).toBe('詳細送付済');
  });

  it('4. the operator reads the message in its portal and replies', async () => {
    await loginThroughUi(operator, server!.baseUrl, cast.operator.email, PASSWORD);
    await operator.goto(url('/cases'));
    await clickAndWait(operator, () => operator.getByRole('link', { name: ref, exact: true }).click());
    expect(path(operator)).toBe(`/cases/${ref}`);
    expect((await meta(operator))['現在の状況']).toBe('詳細送付済');
    await operator.locator('article.message', { hasText: STAFF_MESSAGE }).waitFor();
    // The finder's own submission (with the PoC) is not shown to the operator.
    expect(await operator.locator('article.message').count()).toBe(1);
    await operator.locator('#msg-body').fill(OPERATOR_REPLY);
    await clickAndWait(operator, () => operator.getByRole('button', { name: '送信', exact: true }).click());
    expect(path(operator)).toBe(`/cases/${ref}`);
    await operator.locator('article.message', { hasText: OPERATOR_REPLY }).waitFor();
  });

  it('5. the desk sees the reply, verifies the fix and closes the case as fixed', async () => {
    await staff.reload();
    const reply = staff.locator('article.message', { hasText: OPERATOR_REPLY });
    await reply.waitFor();
    expect(await reply.locator('.head').textContent()).toContain('みほん市役所');

    await clickAndWait(staff, () => staff.getByRole('button', { name: '修正確認を開始', exact: true }).click());
    expect((await meta(staff))['状態']).toBe('修正確認中');

    await staff.getByLabel('理由').selectOption({ label: '修正完了' });
    await clickAndWait(staff, () => staff.getByRole('button', { name: '終了', exact: true }).click());
    expect((await meta(staff))['状態']).toBe('終了（修正完了）');
    // No actions remain on a closed case.
    expect(await staff.locator('#h-actions').count()).toBe(0);
    const history = await staff.locator('section[aria-labelledby="h-history"]').textContent();
    for (const step of ['受付 → 内容確認中（運営者未連絡）', '送付先確認中（詳細未送付） → 詳細送付済', '修正確認中 → 終了（修正完了）']) expect(history).toContain(step);
    await screenshot(staff, 'web-report-staff-closed');
  });

  it('6. the finder sees the closure on the tracking page, also in English', async () => {
    await reporter.goto(trackingUrl);
    expect((await meta(reporter))['現在の状況']).toBe('終了');
    // A closed case takes no more messages.
    expect(await reporter.locator('#msg-body').count()).toBe(0);
    await clickAndWait(reporter, () => reporter.getByRole('link', { name: 'English' }).click());
    expect(new URL(reporter.url()).searchParams.get('lang')).toBe('en');
    expect(await reporter.locator('html').getAttribute('lang')).toBe('en');
    const en = await meta(reporter);
    expect(en['Reference']).toBe(ref);
    expect(en['Current status']).toBe('Closed');
    expect(await reporter.getByRole('heading', { level: 2, name: 'Messages' }).count()).toBe(1);
    await reporter.getByRole('link', { name: '日本語' }).waitFor();
  });

  it('7. the statistics count one more website report received and closed', async () => {
    await stats.reload();
    await stats.locator('main h1', { hasText: `${fy}年度第${quarter}四半期` }).waitFor();
    const after = await webFigures(stats);
    expect(after.received.total).toBe(before.received.total + 1);
    expect(after.received.increase).toBe(before.received.increase + 1);
    expect(after.closed.total).toBe(before.closed.total + 1);
    expect(after.closed.increase).toBe(before.closed.increase + 1);
    expect(after.inHandling).toBe(before.inHandling);
    await screenshot(stats, 'web-report-statistics');
  });
});
