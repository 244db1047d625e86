// J-CSIP in Chromium: a participant submits a suspicious mail in the member portal, an analyst
// groups it into a shared item, checks the anonymisation diff, approves and shares it with the SIG,
// and a member of another organisation in the same SIG reads it — without the provider's name.
// axe-core finds no serious or critical violation on the public alert page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PASSWORD, TOTP_SECRET, clickAndWait, formatViolations, launchBrowser, loginThroughUi, newContext, runAxe, startServer, type Server } from './support.js';
import { SYSTEM_ACTOR } from '../src/platform/context.js';
import type { JcsipService } from '../src/modules/jcsip/service.js';

const BLOCKING = new Set(['serious', 'critical']);

describe('J-CSIP in the browser', () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let emlPath = '';

  beforeAll(async () => {
    server = await startServer();
    const ctx = server.platform.ctx;
    const svc = ctx.services.get('jcsip') as JcsipService;
    await ctx.auth.createUser({ email: 'jc-analyst@ipa.example.jp', displayName: '分析 花子', password: PASSWORD, kind: 'staff', roles: ['analyst'], totpSecret: TOTP_SECRET });
    const mk = async (name: string, email: string, user: string) => {
      const m = await svc.addMember({ name, email, sigId: 'heavy', appliedOn: '2020-04-01' }, SYSTEM_ACTOR);
      await svc.transitionMember(m.organisationId, 'agreement_signed', '2020-04-10', SYSTEM_ACTOR);
      await svc.transitionMember(m.organisationId, 'active', '2020-04-20', SYSTEM_ACTOR);
      await ctx.auth.createUser({ email: user, displayName: `${name} CSIRT`, password: PASSWORD, kind: 'org', organisationId: m.organisationId });
      await svc.addContact(m.organisationId, { name: `${name} CSIRT`, email: user, role: 'submitter' }, SYSTEM_ACTOR);
      await svc.addContact(m.organisationId, { name: `${name} CSIRT`, email: user, role: 'reader' }, SYSTEM_ACTOR);
    };
    await mk('みほん重工株式会社', 'security@mihon-heavy.example.jp', 'csirt@mihon-heavy.example.jp');
    await mk('ためし機械株式会社', 'sec@tameshi-kikai.example.jp', 'csirt@tameshi-kikai.example.jp');
    await svc.publishAlert(null, { slug: 'emotet', title: '「Emotet」と呼ばれるウイルスへの感染を狙うメールについて', body: '添付ファイルを開かないでください。' }, SYSTEM_ACTOR);
    await svc.updateAlert('emotet', { title: '', body: '添付ファイルを開かないでください。パスワード付き ZIP にも注意。', note: 'パスワード付き ZIP の手口を追記' }, SYSTEM_ACTOR);
    const dir = mkdtempSync(join(tmpdir(), 'jcsip-e2e-'));
    emlPath = join(dir, 'suspicious.eml');
    writeFileSync(emlPath, [
      'From: "経理部" <keiri@bogus-invoice.example.net>', 'To: jiro.suzuki@mihon-heavy.example.jp', 'Subject: 請求書送付のご案内', 'Date: Mon, 27 Jul 2020 09:00:00 +0900',
      'Message-ID: <e2e@bogus-invoice.example.net>', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '',
      'みほん重工株式会社 御中  請求書は http://bogus-dl.example.com/seikyu.doc からダウンロードしてください。', '',
    ].join('\r\n'));
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const url = (p: string) => `${server!.baseUrl}${p}`;

  it('a participant provides, an analyst anonymises and shares, another SIG member reads', async () => {
    // 1. The provider submits the .eml in the portal.
    const provider: Page = await (await newContext(browser!)).newPage();
    await loginThroughUi(provider, server!.baseUrl, 'csirt@mihon-heavy.example.jp', PASSWORD);
    await provider.goto(url('/jcsip/portal/provide'));
    await provider.locator('#f-kind').selectOption('email');
    await provider.locator('#f-eml').setInputFiles(emlPath);
    await provider.locator('#f-tlp').selectOption('AMBER');
    await provider.locator('#f-scope').selectOption('sig');
    await clickAndWait(provider, () => provider.getByRole('button', { name: '提供する' }).click());
    expect(new URL(provider.url()).pathname).toBe('/jcsip/portal');
    await expect(provider.locator('.alert').textContent()).resolves.toContain('JCSIP-P-');

    // 2. The analyst groups it, checks the diff, approves and shares with the heavy-industry SIG.
    const analyst: Page = await (await newContext(browser!)).newPage();
    await loginThroughUi(analyst, server!.baseUrl, 'jc-analyst@ipa.example.jp', PASSWORD, TOTP_SECRET);
    await analyst.goto(url('/staff/jcsip'));
    await analyst.locator('input[name="provisionIds"]').first().check();
    await analyst.locator('#f-item-title').fill('請求書を装うばらまき型メール');
    await clickAndWait(analyst, () => analyst.getByRole('button', { name: '選択した情報提供から共有情報を作成' }).click());
    expect(new URL(analyst.url()).pathname).toMatch(/^\/staff\/jcsip\/items\//);
    const redacted = await analyst.locator('#redacted').textContent();
    expect(redacted).toContain('[参加組織]');
    expect(redacted).not.toContain('みほん重工');
    expect(await analyst.locator('#diff-text del').count()).toBeGreaterThan(0);
    await clickAndWait(analyst, () => analyst.getByRole('button', { name: 'この匿名化後の本文を承認' }).click());
    // Sharing with all participants is refused (the provider allowed its own SIG only).
    await analyst.locator('#aud-all').check();
    await clickAndWait(analyst, () => analyst.getByRole('button', { name: '共有する' }).click(), { allowError: true });
    await expect(analyst.locator('.alert.error').textContent()).resolves.toContain('同じ SIG 内のみ');
    await analyst.locator('#aud-heavy').check();
    await clickAndWait(analyst, () => analyst.getByRole('button', { name: '共有する' }).click());
    await expect(analyst.locator('[role="status"]').textContent()).resolves.toContain('共有しました');

    // 3. A member of another organisation in the same SIG reads it, anonymised.
    const reader: Page = await (await newContext(browser!)).newPage();
    await loginThroughUi(reader, server!.baseUrl, 'csirt@tameshi-kikai.example.jp', PASSWORD);
    await reader.goto(url('/jcsip/portal'));
    await clickAndWait(reader, () => reader.locator('#shared-items a').first().click());
    const text = await reader.locator('#item-text').textContent();
    expect(text).toContain('bogus-dl.example.com');
    expect(await reader.content()).not.toMatch(/みほん重工|mihon-heavy|jiro\.suzuki/);
  });

  it('the public alert page shows revisions and view counts and passes axe-core', async () => {
    // axe-core is injected as a script: this context bypasses the CSP for the audit only.
    const page = await (await newContext(browser!, { bypassCSP: true })).newPage();
    await page.goto(url('/jcsip/alerts/emotet'));
    await expect(page.locator('main').textContent()).resolves.toContain('パスワード付き ZIP の手口を追記');
    const violations = (await runAxe(page)).filter((v) => BLOCKING.has(v.impact ?? ''));
    expect(violations, formatViolations(page.url(), violations)).toEqual([]);
  });
});
