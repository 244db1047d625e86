// The consultation desk in Chromium: a consultant (相談員) records a phone consultation — timing the
// call with the start/stop buttons (same-origin script under the strict CSP), searching the knowledge
// base in another tab and referring the caller to a partner desk — and axe-core finds no serious or
// critical violation on the public pages (web form, advisories, quarterly report).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  PASSWORD, TOTP_SECRET, clickAndWait, formatViolations, launchBrowser, loginThroughUi, newContext, runAxe, screenshot, startServer, type Server,
} from './support.js';
import { SYSTEM_ACTOR } from '../src/platform/context.js';
import type { ConsultationService } from '../src/modules/consultation/service.js';

const BLOCKING = new Set(['serious', 'critical']);

describe('the consultation desk in the browser', () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  let staff: Page;
  let partnerName = '';

  beforeAll(async () => {
    server = await startServer();
    const ctx = server.platform.ctx;
    const svc = ctx.services.get('consultation') as ConsultationService;
    await ctx.auth.createUser({ email: 'soudan@ipa.example.jp', displayName: '相談 由紀', password: PASSWORD, kind: 'staff', roles: ['consultant'], totpSecret: TOTP_SECRET });
    await svc.savePartner({ name: '情報処理推進機構 安心相談窓口', kind: 'council', joinedOn: '2015-04-01', isIpa: 'on' }, SYSTEM_ACTOR);
    partnerName = (await svc.savePartner({ name: 'みほん消費生活センター', kind: 'council', scope: '契約・返金のトラブル', contact: '188', joinedOn: '2016-04-01' }, SYSTEM_ACTOR)).name;
    const sys = { ...SYSTEM_ACTOR, displayName: '安心相談窓口' };
    await svc.saveKb({ kind: 'template', title: '回答: 偽警告が表示されたときの閉じ方', body: 'ブラウザを終了します。表示された番号には電話しないでください。', category: 'fake_warning', keywords: '偽警告 閉じ方 サポート詐欺' }, sys);
    await svc.saveKb({ kind: 'method', title: 'iPhone に表示される不審なカレンダー通知', body: 'カレンダーの照会が追加される。', category: 'iphone_calendar', keywords: 'カレンダー' }, sys);
    const id = await svc.createAdvisory({ slug: 'iphone-calendar', title: 'iPhone に突然表示される不審なカレンダー通知に注意!', body: '照会カレンダーの削除方法を紹介します。', category: 'iphone_calendar' }, sys);
    await svc.publish(id, SYSTEM_ACTOR, new Date('2020-05-21T05:00:00Z'));
    await svc.saveDraft(id, { title: 'iPhone に突然表示される不審なカレンダー通知に注意!', body: '照会カレンダーの削除方法を紹介します（iOS 14 対応）。', changeNote: 'iOS 14 の削除手順を追加' }, sys);
    await svc.publish(id, SYSTEM_ACTOR, new Date('2020-10-07T05:00:00Z'));
    for (const [channel, categories] of [['phone_auto', 'fake_warning'], ['email', 'sextortion'], ['fax', 'other']]) {
      await svc.record({ channel, categories, summary: '既存の相談', device: 'windows', outcome: 'advised' }, SYSTEM_ACTOR);
    }
    browser = await launchBrowser();
    const c = await newContext(browser); contexts.push(c);
    staff = await c.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const url = (p: string) => `${server!.baseUrl}${p}`;

  it('a consultant records a phone consultation with the call timer, a knowledge-base search and a referral', async () => {
    await loginThroughUi(staff, server!.baseUrl, 'soudan@ipa.example.jp', PASSWORD, TOTP_SECRET);
    await staff.goto(url('/staff'));
    await clickAndWait(staff, () => staff.locator('main a[href="/staff/consultation"]').click());
    await clickAndWait(staff, () => staff.getByRole('link', { name: '相談を記録する' }).click());
    expect(new URL(staff.url()).pathname).toBe('/staff/consultation/new');

    // The call timer exists only with JavaScript (progressive enhancement) and runs under the CSP.
    await staff.locator('#call-timer-start').click();
    await staff.waitForTimeout(1200);
    await staff.locator('#call-timer-stop').click();
    const duration = await staff.locator('#f-callDuration').inputValue();
    expect(duration).toMatch(/^0:0[1-9]$/);

    // The knowledge base opens in another tab, so the form keeps what was typed.
    await staff.locator('#f-summary').fill('ブラウザに警告音とウイルス感染の警告が出て、電話するよう表示された。');
    await staff.locator('#kb-q').fill('偽警告 閉じ方');
    const [kb] = await Promise.all([staff.context().waitForEvent('page'), staff.getByRole('button', { name: '別タブで検索' }).click()]);
    await kb.waitForLoadState('load');
    const heading = (await kb.locator('article.kb-entry h2').first().textContent())?.trim() ?? '';
    expect(heading).toMatch(/^KB-1 回答: 偽警告が表示されたときの閉じ方$/);
    const kbBody = await kb.locator('article.kb-entry .prewrap').first().textContent();
    await kb.close();
    expect(await staff.locator('#f-summary').inputValue()).toContain('警告音');

    await staff.locator('#f-channel').selectOption('phone_auto');
    await staff.getByRole('checkbox', { name: '偽セキュリティ警告' }).check();
    await staff.getByRole('checkbox', { name: '遠隔操作詐欺' }).check();
    await staff.locator('#f-device').selectOption('windows');
    await staff.locator('#f-os').fill('Windows 10');
    await staff.locator('#f-advice').fill(kbBody ?? '');
    await staff.locator('#f-kbRefs').fill('KB-1');
    await staff.locator('#f-referralPartner').selectOption({ label: `${partnerName}（契約・返金のトラブル）` });
    await staff.locator('#f-referralNote').fill('サポート契約の返金について');
    await staff.locator('#f-outcome').selectOption('referred');
    await clickAndWait(staff, () => staff.getByRole('button', { name: '記録する' }).click());

    const ref = /\/staff\/cases\/(IPA-C-\d{4}-\d{5})$/.exec(new URL(staff.url()).pathname)?.[1];
    expect(ref, staff.url()).toBeTruthy();
    const text = await staff.locator('main').textContent();
    expect(text).toContain('対応完了');
    expect(text).toContain('他の相談窓口を案内');
    expect(text).toContain(partnerName);
    expect(text).toContain('偽セキュリティ警告、遠隔操作詐欺');
    expect(text).toContain(duration);
    expect(text).toContain('KB-1');
    await screenshot(staff, 'consultation-recorded');

    // The list finds it by channel, primary category, device and date.
    await staff.goto(url('/staff/consultation?channel=phone_auto&category=fake_warning&device=windows&from=2000-01-01'));
    // Filters use the primary category (the first chosen); the earlier phone consultation matches too.
    expect(await staff.locator('main table tbody tr').count()).toBe(2);
    expect(await staff.locator('main table tbody tr td').first().textContent()).toBe(ref); // newest first
  });

  it('axe-core finds no serious or critical violation on the public pages', async () => {
    const c = await newContext(browser!, { bypassCSP: true }); contexts.push(c);
    const page = await c.newPage();
    const failures: string[] = [];
    for (const p of ['/consultation', '/consultation/new', '/consultation/advisories', '/consultation/advisories/iphone-calendar', '/consultation/advisories/iphone-calendar?revision=1', '/consultation/reports', '/consultation/reports?lang=en']) {
      await page.goto(url(p));
      const blocking = (await runAxe(page)).filter((v) => BLOCKING.has(v.impact ?? ''));
      if (blocking.length) failures.push(formatViolations(p, blocking));
    }
    // The web form with validation errors shown.
    await page.goto(url('/consultation/new?lang=ja')); // the language chosen last (en) is remembered
    await clickAndWait(page, () => page.getByRole('button', { name: '相談を送信する' }).click(), { allowError: true });
    expect(await page.getByRole('alert').textContent()).toContain('相談内容');
    const withErrors = (await runAxe(page)).filter((v) => BLOCKING.has(v.impact ?? ''));
    if (withErrors.length) failures.push(formatViolations('/consultation/new (errors)', withErrors));
    await page.goto(url('/consultation/reports'));
    expect(await page.locator('figure.chart svg').count()).toBe(4);
    await screenshot(page, 'consultation-report');
    expect(failures, failures.join('\n')).toEqual([]);
  });
});
