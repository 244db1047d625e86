// The demo history reproduces the FY2020 (令和2年度) figures of the annual report — virus 589 (72
// with damage), unauthorised access 209 (161 with damage) — through the statistics registry, the
// annual report's table, the public JSON API and the public page, on both backends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startTestPlatform, type TestPlatform } from '../../../test/harness.js';
import { fiscalYear, jstMidnight } from '../../platform/i18n/dates.js';
import { buildIncidentHistory, DEMO_ACCOUNTS, FY_COUNTS, loadIncidentDemo, RECENT } from './demo.js';
import { UNAUTHORIZED, VIRUS } from './case-types.js';
import type { IncidentStatistics } from './stats.js';

const FY2020 = { virus: { received: 589, damaged: 72 }, unauthorized: { received: 209, damaged: 161 } };
const TOTAL = Object.values(FY_COUNTS.virus).reduce((a, [n]) => a + n, 0) + Object.values(FY_COUNTS.unauthorized).reduce((a, [n]) => a + n, 0) + RECENT.virus + RECENT.unauthorized;

describe.each(BACKENDS)('incident-reports demo data (%s)', (backend) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform(backend);
    await loadIncidentDemo(p.ctx);
  }, 600_000);
  afterAll(async () => { await p?.destroy(); });

  it('gives the FY2020 figures through the statistics registry', async () => {
    const v = (key: string) => p.ctx.stats.fiscalYearValue(key, 2020, 'period');
    expect(await v('incident-reports.virus.received')).toBe(589);
    expect(await v('incident-reports.virus.damaged')).toBe(72);
    expect(await v('incident-reports.unauthorized.received')).toBe(209);
    expect(await v('incident-reports.unauthorized.damaged')).toBe(161);
    const table = await p.ctx.stats.table('incident-reports.received', 2020);
    expect(table.rows.map((r) => r.cells)).toEqual([['589', '72'], ['209', '161']]);
    expect(p.ctx.stats.tables().find((x) => x.key === 'incident-reports.received')?.chapter).toBe('I/1/(1-1)/③/a');
  });

  it('gives the same figures through the public JSON API and page', async () => {
    const res = await p.app.inject({ method: 'GET', url: '/api/v1/incident-reports/statistics?fy=2020' });
    expect(res.statusCode).toBe(200);
    const s = res.json().statistics as IncidentStatistics;
    expect(s.period).toEqual({ from: fiscalYear(2020).from.toISOString(), to: fiscalYear(2020).to.toISOString() });
    expect({ virus: { received: s.virus.received, damaged: s.virus.damaged }, unauthorized: { received: s.unauthorized.received, damaged: s.unauthorized.damaged } }).toEqual(FY2020);
    // Breakdowns add up: months, reporters and channels to the total.
    for (const k of ['virus', 'unauthorized'] as const) {
      expect(s[k].byMonth.reduce((a, m) => a + m.received, 0)).toBe(FY2020[k].received);
      expect(s[k].byMonth.reduce((a, m) => a + m.damaged, 0)).toBe(FY2020[k].damaged);
      expect(Object.values(s[k].byReporterType).reduce((a, b) => a + b, 0)).toBe(FY2020[k].received);
      expect(Object.values(s[k].byChannel).reduce((a, b) => a + b, 0)).toBe(FY2020[k].received);
      expect(s[k].byChannel.email).toBeGreaterThan(0);
      expect(s[k].byChannel.paper).toBeGreaterThan(0);
    }
    expect(s.virus.byRoute!.mail).toBeGreaterThan(s.virus.byRoute!.usb);
    expect(Object.values(s.unauthorized.byMethod!).every((n) => n > 0)).toBe(true);
    const page = await p.app.inject({ method: 'GET', url: '/incident-reports/statistics?fy=2020', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    const row = (label: string) => new RegExp(`<th scope="row">${label}</th><td class="num">([\\d,]+)</td><td class="num">([\\d,]+)</td>`).exec(page.body)!.slice(1);
    expect(row('コンピュータウイルス')).toEqual(['589', '72']);
    expect(row('不正アクセス')).toEqual(['209', '161']);
    expect(page.body).toContain('<svg');
    const en = await p.app.inject({ method: 'GET', url: '/incident-reports/statistics?fy=2020&lang=en', headers: { accept: 'text/html' } });
    expect(/<th scope="row">Computer virus<\/th><td class="num">589<\/td><td class="num">72<\/td>/.test(en.body)).toBe(true);
    const csv = await p.app.inject({ method: 'GET', url: '/incident-reports/statistics?fy=2020&format=csv' });
    expect(csv.body).toContain('コンピュータウイルス,合計,589,72');
  });

  it('publishes calendar-year statistics and the write-ups, with the staff records in place', async () => {
    const y = (await p.app.inject({ method: 'GET', url: '/api/v1/incident-reports/statistics?year=2020' })).json().statistics as IncidentStatistics;
    expect(y.virus.byMonth.map((m) => m.month)).toEqual(Array.from({ length: 12 }, (_, i) => `2020-${String(i + 1).padStart(2, '0')}`));
    expect(y.virus.received).toBeGreaterThan(500);
    const list = await p.app.inject({ method: 'GET', url: '/incident-reports/case-studies', headers: { accept: 'text/html' } });
    expect(list.body).toContain('2020年上半期');
    expect(list.body).toContain('2020年下半期');
    expect(list.body).not.toContain('（下書き）');
    const reqs = await p.ctx.services.get('incident-reports') as { listRequests(): Promise<Array<{ status: string; caseRef: string | null }>> };
    const linked = (await reqs.listRequests()).filter((r) => r.status === 'reported');
    expect(linked.length).toBe(6);
    for (const r of linked) expect(r.caseRef).toMatch(/^IPA-[VU]-20(20|21)-\d{5}$/);
  });

  it('is idempotent, numbers references per type and year, and creates the demo staff', async () => {
    const count = async () => (await p.ctx.cases.countReceived(VIRUS, null, jstMidnight(2100, 1, 1))) + (await p.ctx.cases.countReceived(UNAUTHORIZED, null, jstMidnight(2100, 1, 1)));
    expect(await count()).toBe(TOTAL);
    await loadIncidentDemo(p.ctx);
    expect(await count()).toBe(TOTAL);
    expect((await p.ctx.cases.load('IPA-V-2020-00001'))?.type).toBe(VIRUS);
    expect((await p.ctx.cases.load('IPA-U-2020-00001'))?.type).toBe(UNAUTHORIZED);
    const open = await p.ctx.cases.search({ types: [VIRUS, UNAUTHORIZED], open: true }, { limit: 50 });
    expect(open.total).toBe(RECENT.virus + RECENT.unauthorized);
    for (const a of DEMO_ACCOUNTS) {
      const u = await p.ctx.auth.findUserByEmail(a.email);
      expect(u?.totpEnabled).toBe(true);
      expect([...u!.roles].sort()).toEqual([...a.roles].sort());
    }
  });
});

describe('incident-reports demo history', () => {
  it('is deterministic and has the FY2020 counts', () => {
    const a = buildIncidentHistory();
    expect(JSON.stringify(a)).toBe(JSON.stringify(buildIncidentHistory()));
    expect(a).toHaveLength(TOTAL);
    const fy = fiscalYear(2020);
    const inFy = a.filter((c) => c.receivedAt >= fy.from && c.receivedAt < fy.to);
    for (const [type, key] of [[VIRUS, 'virus'], [UNAUTHORIZED, 'unauthorized']] as const) {
      const l = inFy.filter((c) => c.type === type);
      expect(l.length).toBe(FY2020[key].received);
      expect(l.filter((c) => c.data.damaged === true).length).toBe(FY2020[key].damaged);
    }
  });
});
