// The demo history reproduces the annual report's FY2020 J-CSIP figures through the published
// statistics: 6,202 provisions, 147 shares, 13 SIGs with 262 organisations (14 new) + 2 linkage
// schemes (hospitals 4 organisations ≈ 5,500 facilities; water 9).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { BACKENDS, startTestPlatform, type TestPlatform } from '../../../test/harness.js';
import { loadJcsipDemo, DEMO_FY2020 } from './demo.js';
import type { JcsipService } from './service.js';
import { calendarQuarter } from '../../platform/i18n/dates.js';

describe.each(BACKENDS)('J-CSIP demo (%s)', (backend) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform(backend);
    await loadJcsipDemo(p.ctx);
    await loadJcsipDemo(p.ctx); // idempotent
  }, 300_000);
  afterAll(async () => { await p?.destroy(); });

  it('reproduces the FY2020 figures through the statistics registry', async () => {
    const s = p.ctx.stats;
    expect(await s.fiscalYearValue('jcsip.provisions', 2020, 'period')).toBe(DEMO_FY2020.provisions);
    expect(await s.fiscalYearValue('jcsip.shares', 2020, 'period')).toBe(DEMO_FY2020.shares);
    expect(await s.fiscalYearValue('jcsip.participants.new', 2020, 'period')).toBe(DEMO_FY2020.newParticipants);
    expect(await s.fiscalYearValue('jcsip.participants.new', 2020, 'cumulative')).toBe(DEMO_FY2020.organisations);
    const table = await s.table('jcsip.operations', 2020);
    expect(table.rows.map((r) => r.cells[4])).toEqual([6202, 147, 14]);
    expect(table.notes?.[0].ja).toContain('13SIG 262 参加組織＋2 情報連携体制（病院等 4 組織（約 5,500 施設）＋水道 9 組織）');
  });

  it('has the public Emotet alert with its three updates, and the quarterly operations report', async () => {
    const svc = p.ctx.services.get('jcsip') as JcsipService;
    const v = await svc.viewAlert('emotet', false);
    expect(v?.revisions.map((r) => r.at.toISOString().slice(0, 10))).toEqual(['2019-11-26', '2020-07-27', '2020-09-01', '2020-12-21']);
    expect(v!.alert.views).toBeGreaterThan(1_200_000);
    const q3 = calendarQuarter(2020, 3);
    const res = await p.app.inject({ method: 'GET', url: '/jcsip/operations?year=2020&q=3&format=csv' });
    const provisions = Number(/summary,provisions,(\d+)/.exec(res.body)?.[1]);
    expect(provisions).toBe(await p.ctx.stats.between('jcsip.provisions', q3.from, q3.to));
    expect(provisions).toBeGreaterThan(1000);
    const reports = await svc.listReports(true);
    expect(reports.map((r) => r.slug)).toContain('ekans');
  });
});
