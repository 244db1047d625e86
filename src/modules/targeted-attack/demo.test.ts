// The demo history reproduces the FY2020 (令和2年度) figures of the annual report — 505 items
// received, 406 consultations, 102 J-CRAT remote support cases of which 17 on site — through the
// statistics registry, the stat tables, the public API, the statistics pages and CSV, on both
// backends; loading it twice is harmless.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startTestPlatform, type TestPlatform } from '../../../test/harness.js';
import { loginAs } from '../../../test/session.js';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../platform/demo.js';
import { targetedAttackModule } from './definition.js';
import { buildTargetedAttackHistory, DEMO_FIGURES, DEMO_TA_ACCOUNTS, loadTargetedAttackDemo } from './demo.js';
import { ITEM, JCRAT } from './case-types.js';

const FY2020 = { items: 505, consultations: 406, remote: 102, onsite: 17 };

describe.each(BACKENDS)('targeted-attack demo data (%s)', (backend) => {
  let p: TestPlatform;

  beforeAll(async () => {
    p = await startTestPlatform(backend, { modules: [targetedAttackModule] });
    await loadTargetedAttackDemo(p.ctx);
  }, 300_000);
  afterAll(async () => { await p?.destroy(); });

  it('reproduces the FY2020 figures through the statistics registry', async () => {
    const v = (key: string) => p.ctx.stats.fiscalYearValue(key, 2020, 'period');
    expect(await v('targeted-attack.items')).toBe(FY2020.items);
    expect(await v('targeted-attack.consultations')).toBe(FY2020.consultations);
    expect(await v('targeted-attack.jcrat.remote')).toBe(FY2020.remote);
    expect(await v('targeted-attack.jcrat.onsite')).toBe(FY2020.onsite);
    const kinds = await Promise.all(['email', 'file', 'threat_info'].map((k) => v(`targeted-attack.items.${k}`)));
    expect(kinds.reduce((a, b) => a + b, 0)).toBe(FY2020.items);
    // Other years follow the demo table.
    expect(await p.ctx.stats.fiscalYearValue('targeted-attack.items', 2019, 'period')).toBe(DEMO_FIGURES[2019].items[0] + DEMO_FIGURES[2019].items[1]);
  });

  it('publishes the two report tables (chapters I/1/(1-1)/① c and d) with half-year columns', async () => {
    const tables = p.ctx.stats.tables().filter((tb) => tb.module === 'targeted-attack');
    expect(tables.map((tb) => tb.chapter).sort()).toEqual(['I/1/(1-1)/①/c', 'I/1/(1-1)/①/d']);
    const desk = await p.ctx.stats.table('targeted-attack.desk', 2020);
    expect(desk.rows[0].cells).toEqual([248, 257, 505]);
    expect(desk.rows.at(-1)!.cells).toEqual([199, 207, 406]);
    const jc = await p.ctx.stats.table('targeted-attack.jcrat', 2020);
    expect(jc.rows.map((r) => r.cells)).toEqual([[50, 52, 102], [9, 8, 17]]);
  });

  it('serves the figures on the public API, the public summary page and its CSV', async () => {
    const api = await p.app.inject({ method: 'GET', url: '/api/v1/targeted-attack/statistics?fy=2020' });
    expect(api.statusCode).toBe(200);
    const body = api.json();
    expect(body.total).toMatchObject({ items: 505, consultations: 406, jcratRemote: 102, jcratOnsite: 17 });
    expect(body.halves.map((h: { counts: { jcratRemote: number } }) => h.counts.jcratRemote)).toEqual([50, 52]);
    expect(body.total.advice).toBeUndefined();
    const page = await p.app.inject({ method: 'GET', url: '/targeted-attack/statistics?fy=2020', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    for (const n of ['505', '406', '102', '17', '2020年度上半期', '2020年度下半期']) expect(page.body).toContain(n);
    expect(page.body).toMatch(/<svg[^>]*role="img"/);
    expect(page.body).not.toMatch(/（デモ\d+）/); // organisations are never named publicly
    const csv = await p.app.inject({ method: 'GET', url: '/targeted-attack/statistics?fy=2020&format=csv&lang=en' });
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('Category,FY2020 H1,FY2020 H2,Fiscal year');
    expect(lines).toContain('"Items received (e-mails, files, public threat information)",248,257,505');
    expect(lines.some((l) => l.endsWith(',50,52,102'))).toBe(true);
    expect(lines.some((l) => l.endsWith(',9,8,17'))).toBe(true);
  });

  it('shows the same figures on the staff statistics page to the demo accounts', async () => {
    const analyst = DEMO_TA_ACCOUNTS.find((a) => a.email === 'ta-analyst@mamori.example.jp')!;
    const s = await loginAs(p.app, analyst.email, DEMO_PASSWORD, DEMO_TOTP_SECRET);
    const page = await p.app.inject({ method: 'GET', url: '/staff/targeted-attack/statistics?fy=2020&lang=en', headers: { accept: 'text/html', cookie: s.cookie } });
    expect(page.statusCode).toBe(200);
    for (const n of ['505', '406', '102', '17', 'Advice given']) expect(page.body).toContain(n);
  });

  it('is deterministic and idempotent', async () => {
    const a = buildTargetedAttackHistory();
    const b = buildTargetedAttackHistory();
    expect(a.length).toBe(b.length);
    expect(a.slice(0, 50).map((c) => [c.type, c.receivedAt.toISOString(), c.title])).toEqual(b.slice(0, 50).map((c) => [c.type, c.receivedAt.toISOString(), c.title]));
    const far = new Date(Date.UTC(2100, 0, 1));
    const before = [await p.ctx.cases.countReceived(ITEM, null, far), await p.ctx.cases.countReceived(JCRAT, null, far)];
    await loadTargetedAttackDemo(p.ctx);
    expect([await p.ctx.cases.countReceived(ITEM, null, far), await p.ctx.cases.countReceived(JCRAT, null, far)]).toEqual(before);
  });
});
