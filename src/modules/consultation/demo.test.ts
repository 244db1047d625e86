// The demo history reproduces the consultation desk's FY2020 figures (report lines 155, 317,
// 321–328 and KPI ④ at lines 92–96) through the published statistics, on both backends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startTestPlatform, type TestPlatform } from '../../../test/harness.js';
import { fiscalYear, jstMidnight } from '../../platform/i18n/dates.js';
import { loadConsultationDemo } from './demo.js';
import { fiscalYearChannels, quarterlyReport } from './stats.js';
import type { ConsultationService } from './service.js';

describe.each(BACKENDS)('consultation demo data (%s)', (backend) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform(backend);
    await loadConsultationDemo(p.ctx);
  }, 600_000);
  afterAll(async () => { await p?.destroy(); });

  it('has 9,355 consultations in FY2020, by channel 6,580 / 2,695 / 76 and 4 without a channel', async () => {
    expect(await p.ctx.stats.fiscalYearValue('consultation.received', 2020, 'period')).toBe(9355);
    const { figures } = await fiscalYearChannels(p.ctx, 2020);
    expect(figures.total).toBe(9355);
    expect(figures.byGroup).toEqual({ phone: 6580, mail: 2695, fax_post: 76 });
    expect(figures.noChannel).toBe(4);
    const t = await p.ctx.stats.table('consultation.channels', 2020);
    expect(t.rows.map((r) => [r.label.ja, r.cells[0]])).toEqual([
      ['電話（自動転送及び一般外線）', '6,580'], ['メール', '2,695'], ['FAX、郵便等', '76'], ['受付手段の記録なし', '4'], ['相談件数 合計', '9,355'],
    ]);
    expect(t.notes!.some((n) => n.ja.includes('4 件は、受付手段が記録されていない'))).toBe(true);
  });

  it('publishes KPI ④: 2, 2 and 3 council members added in FY2018–FY2020, 11 members incl. IPA at FY2020 end', async () => {
    expect(await Promise.all([2018, 2019, 2020].map((fy) => p.ctx.stats.fiscalYearValue('consultation.partners.added', fy, 'period')))).toEqual([2, 2, 3]);
    expect(await p.ctx.stats.fiscalYearValue('consultation.partners.added', 2020, 'cumulative')).toBe(11);
    const svc = p.ctx.services.get('consultation') as ConsultationService;
    expect(await svc.membersAt(fiscalYear(2020).to, 'partner')).toBe(15);
    expect(await p.ctx.stats.fiscalYearValue('consultation.partners.cooperation', 2020, 'period')).toBe(9);
    expect(await p.ctx.stats.fiscalYearValue('consultation.referrals', 2020, 'period')).toBeGreaterThan(0);
  });

  it('keeps the iPhone calendar advisory with six updates and over 1.5 million views', async () => {
    const svc = p.ctx.services.get('consultation') as ConsultationService;
    const a = (await svc.publishedAdvisories()).find((x) => x.slug === 'iphone-calendar')!;
    expect(a.revisions - 1).toBe(6);
    expect(a.views).toBeGreaterThan(1_500_000);
    const res = await p.app.inject({ method: 'GET', url: '/consultation/advisories/iphone-calendar', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('更新 6 回');
  });

  it('serves the quarterly report for 2020 Q4 with the previous quarter and year, charts and CSV', async () => {
    const r = await quarterlyReport(p.ctx, 2020, 4);
    expect(r.current.total).toBe(800 + 760 + 720);
    expect(r.previousQuarter.figures.total).toBe(790 + 760 + 770);
    expect(r.previousYear.figures.total).toBe(820 + 800 + 760);
    const html = await p.app.inject({ method: 'GET', url: '/consultation/reports?year=2020&q=4', headers: { accept: 'text/html' } });
    expect(html.statusCode).toBe(200);
    expect((html.body.match(/<svg/g) ?? []).length).toBe(4);
    expect(html.body).not.toContain('style=');
    const csv = await p.app.inject({ method: 'GET', url: '/consultation/reports?year=2020&q=4&format=csv' });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('相談件数,2280,2320');
    // The FY2020 quarters (calendar 2020 Q2–Q4 and 2021 Q1) add up to the fiscal year.
    const qs = await Promise.all([[2020, 2], [2020, 3], [2020, 4], [2021, 1]].map(([y, q]) => quarterlyReport(p.ctx, y, q as 1)));
    expect(qs.reduce((a, q) => a + q.current.total, 0)).toBe(9355);
    expect(jstMidnight(2020, 4, 1)).toEqual(fiscalYear(2020).from);
  });

  it('loading the demo again changes nothing', async () => {
    await loadConsultationDemo(p.ctx);
    expect(await p.ctx.stats.fiscalYearValue('consultation.received', 2020, 'period')).toBe(9355);
    expect(await p.ctx.stats.fiscalYearValue('consultation.partners.added', 2020, 'cumulative')).toBe(11);
  });
});
