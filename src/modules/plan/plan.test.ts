// The plan module through its service and HTTP routes: targets, the manual-actual workflow with
// separation of duties and evidence, statistic-bound KPIs, projections, finalised report revisions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { BACKENDS, startTestPlatform, type TestPlatform } from '../../../test/harness.js';
import { loginAs, multipart, type Session } from '../../../test/session.js';
import type { Actor } from '../../platform/context.js';
import type { PlanService } from './service.js';
import { dashboard, elapsedShare, finaliseReport, project, storedReport } from './report.js';
import { insertKpis } from './migrations.js';
import type { KpiSeed } from './types.js';

const PASSWORD = 'plan module test pw';
const TOTP = 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU';
const KPI = 'I/1/kpi-⑤'; // ICSCoE participants: 100名 target each year, manual source

describe('year-end projection', () => {
  it('extends a period figure linearly and a running total from last year', () => {
    expect(project(50, 0.5, 'period')).toBe(100);
    expect(project(120, 0.25, 'cumulative', 100)).toBe(180);
    expect(project(77, 1, 'period')).toBe(77);
    expect(project(undefined, 0.5, 'period')).toBeUndefined();
    const half = elapsedShare(2021, new Date('2021-10-01T00:00:00+09:00'));
    expect(half).toBeGreaterThan(0.49);
    expect(half).toBeLessThan(0.51);
  });
});

describe.each(BACKENDS)('plan module on %s', (backend) => {
  let p: TestPlatform;
  let svc: PlanService;
  const s: Record<string, Session> = {};
  const actors: Record<string, Actor> = {};

  const inject = (who: string, method: 'GET' | 'POST', url: string, body?: Record<string, string | string[]>, files: Parameters<typeof multipart>[1] = []) => {
    const headers: Record<string, string> = { cookie: s[who]?.cookie ?? '', accept: 'text/html' };
    if (method === 'GET') return p.app.inject({ method, url, headers });
    const mp = multipart({ _csrf: s[who]?.csrf ?? '', ...(body ?? {}) }, files);
    return p.app.inject({ method, url, headers: { ...headers, ...mp.headers }, payload: mp.payload });
  };

  beforeAll(async () => {
    p = await startTestPlatform(backend);
    svc = p.ctx.services.get('plan') as PlanService;
    const people: Record<string, string[]> = { planner: ['planner'], dept: ['department'], dept2: ['department'], approver: ['approver'], analyst: ['analyst'], auditor: ['auditor'] };
    for (const [k, roles] of Object.entries(people)) {
      const u = await p.ctx.auth.createUser({ email: `${k}@plan.example.jp`, displayName: k, password: PASSWORD, kind: 'staff', roles, totpSecret: TOTP });
      actors[k] = p.ctx.auth.actorOf(u);
      s[k] = await loginAs(p.app, `${k}@plan.example.jp`, PASSWORD, TOTP);
    }
  }, 120_000);
  afterAll(async () => { await p?.destroy(); });

  it('loads the fourth mid-term period with its 18 KPIs and plan tree', async () => {
    const [period] = await svc.periods();
    expect(period).toMatchObject({ code: 'P4', firstFy: 2018, lastFy: 2022 });
    expect(await svc.kpis()).toHaveLength(18);
    const nodes = await svc.nodes('P4');
    expect(nodes.filter((n) => n.parent === null).map((n) => n.label)).toEqual(['I', 'II', 'III', 'IV']);
    const years = await svc.kpiYears(KPI);
    expect(years.map((y) => y.effectiveTarget)).toEqual([76, 100, 100, undefined, undefined]);
    expect(years[2]).toMatchObject({ actualOrigin: 'historical', rate: 200 });
  });

  it('lets only planning staff set targets, audited', async () => {
    const denied = await inject('dept', 'POST', `/staff/plan/kpis/${encodeURIComponent(KPI)}/targets`, { fiscalYear: '2021', m_primary: '100', span: '1' });
    expect(denied.statusCode).toBe(403);
    const bad = await inject('planner', 'POST', `/staff/plan/kpis/${encodeURIComponent(KPI)}/targets`, { fiscalYear: '2021', m_primary: '百', span: '1' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('数値で入力してください');
    const tooWide = await inject('planner', 'POST', `/staff/plan/kpis/${encodeURIComponent(KPI)}/targets`, { fiscalYear: '2021', m_primary: '100', span: '3' });
    expect(tooWide.statusCode).toBe(422);
    const ok = await inject('planner', 'POST', `/staff/plan/kpis/${encodeURIComponent(KPI)}/targets`, { fiscalYear: '2021', m_primary: '１２０', span: '1' });
    expect(ok.statusCode).toBe(303);
    expect((await svc.kpiYears(KPI, [2021]))[0].effectiveTarget).toBe(120);
    const log = await p.ctx.audit.list({ subjectType: 'plan_kpi', subjectId: KPI, action: 'plan.target_set' });
    expect(log[0].details).toMatchObject({ fiscalYear: 2021, after: { values: { primary: 120 } } });
  });

  it('runs entered → checked → approved with evidence, by three different people', async () => {
    const url = `/staff/plan/kpis/${encodeURIComponent(KPI)}/actuals`;
    const invalid = await inject('dept', 'POST', url, { fiscalYear: '2021', m_primary: '40', asOf: '2022-04-01', note: '' });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.body).toContain('基準日が年度内にありません');
    expect(await svc.entries({ kpi: KPI })).toHaveLength(0);

    const pdf = Buffer.from('%PDF-1.4 participants list');
    const entered = await inject('dept', 'POST', url, { fiscalYear: '2021', m_primary: '60', asOf: '2021-09-30', note: '上期の受講者数' }, [{ field: 'evidence', filename: '受講者名簿.pdf', contentType: 'application/pdf', data: pdf }]);
    expect(entered.statusCode).toBe(303);
    const [e] = await svc.entries({ kpi: KPI });
    expect(e).toMatchObject({ state: 'entered', fiscalYear: 2021, figures: { primary: 60 }, asOf: '2021-09-30' });
    expect(e.evidence[0].filename).toBe('受講者名簿.pdf');
    // Not counted before approval.
    expect((await svc.kpiYears(KPI, [2021]))[0].actualCell).toBeUndefined();

    // Separation of duties and order of steps.
    expect((await inject('approver', 'POST', `/staff/plan/actuals/${e.id}/approve`)).statusCode).toBe(409);
    expect((await inject('dept2', 'POST', `/staff/plan/actuals/${e.id}/check`)).statusCode).toBe(403);
    await expect(svc.decide(e.id, 'check', { ...actors.dept, permissions: new Set(['plan.check']) })).rejects.toMatchObject({ code: 'separation_of_duties' });
    expect((await inject('planner', 'POST', `/staff/plan/actuals/${e.id}/check`)).statusCode).toBe(303);
    expect((await inject('planner', 'POST', `/staff/plan/actuals/${e.id}/check`)).statusCode).toBe(409);
    expect((await inject('approver', 'POST', `/staff/plan/actuals/${e.id}/approve`)).statusCode).toBe(303);
    const approved = await svc.entry(e.id);
    expect(approved).toMatchObject({ state: 'approved', checkedBy: actors.planner.userId, approvedBy: actors.approver.userId });

    const [y] = await svc.kpiYears(KPI, [2021]);
    expect(y).toMatchObject({ actualOrigin: 'manual', actualAsOf: '2021-09-30', effectiveTarget: 120, rate: 50 });

    // Evidence: readable by plan readers only, sent as an attachment, and every read audited.
    const ev = `/staff/plan/actuals/${e.id}/evidence/${e.evidence[0].fileId}`;
    expect((await inject('analyst', 'GET', ev)).statusCode).toBe(403);
    const dl = await inject('auditor', 'GET', ev);
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-disposition']).toContain('attachment');
    expect(dl.rawPayload.equals(pdf)).toBe(true);
    expect((await p.ctx.audit.list({ subjectType: 'plan_actual', subjectId: e.id })).map((a) => a.action))
      .toEqual(expect.arrayContaining(['plan.actual_enter', 'plan.actual_check', 'plan.actual_approve', 'plan.evidence_read']));

    // Projection on the dashboard: 60 at half-year → 120 at year end, on target.
    const rows = await dashboard(svc, 2021, new Date('2022-01-15T00:00:00Z'));
    const row = rows.find((r) => r.kpi.code === KPI)!;
    expect(row.actual).toBe(60);
    expect(row.projection).toBeGreaterThanOrEqual(119);
    expect(row.projection).toBeLessThanOrEqual(121);
    expect(row.warning).toBe(false);
  });

  it('requires a reason to reject, and a rejected entry never counts', async () => {
    const r = await svc.enterActual({ kpi: 'I/1/kpi-⑥', fiscalYear: 2021, figures: { primary: 10 }, asOf: '2021-06-30', note: '', files: [] }, actors.dept);
    await expect(svc.decide(r.id, 'reject', actors.planner, ' ')).rejects.toMatchObject({ status: 422 });
    const rejected = await svc.decide(r.id, 'reject', actors.planner, '根拠資料がありません');
    expect(rejected).toMatchObject({ state: 'rejected', reason: '根拠資料がありません' });
    await expect(svc.decide(r.id, 'check', actors.planner)).rejects.toMatchObject({ status: 409 });
    expect((await svc.kpiYears('I/1/kpi-⑥', [2021]))[0].actualCell).toBeUndefined();
  });

  it('computes a KPI bound to a module statistic and refuses manual entries for it', async () => {
    let calls = 0;
    p.ctx.stats.publish('testmod', {
      statistics: [{ key: 'testmod.count', unit: '件', title: { ja: 'テスト件数', en: 'Test count' }, async period(_ctx, from, to) { calls++; return Math.round((to.getTime() - from.getTime()) / 86_400_000); } }],
    });
    const kpi: KpiSeed = {
      code: 'I/1/test-stat', node: 'I/1', symbol: '試', name: { ja: '統計連動の指標' }, statement: { ja: '試験用' }, direction: 'higher',
      measures: [{ key: 'primary', name: { ja: '件数' }, unit: '件', format: 'number' }], years: { 2021: { target: { values: { primary: 400 } } } },
      source: { kind: 'statistic', statistic: 'testmod.count', aggregate: 'period' }, notes: [], seedLines: [1, 1], reference: true,
    };
    await insertKpis(p.ctx.db, 'P4', [kpi], 1000);
    const now = new Date('2021-10-01T00:00:00+09:00'); // 183 days into FY2021
    const [y] = await svc.kpiYears(kpi.code, [2021], now);
    expect(y).toMatchObject({ actualOrigin: 'statistic', actualCell: { values: { primary: 183 } } });
    expect(calls).toBeGreaterThan(0);
    const row = (await dashboard(svc, 2021, now)).find((r) => r.kpi.code === kpi.code)!;
    expect(row.projection).toBe(365);
    expect(row.warning).toBe(true); // 365 < 400
    await expect(svc.enterActual({ kpi: kpi.code, fiscalYear: 2021, figures: { primary: 1 }, asOf: '2021-09-30', note: '', files: [] }, actors.dept)).rejects.toMatchObject({ status: 422 });
  });

  it('lets planning staff bind a KPI to a published statistic, and only to one that exists', async () => {
    const url = `/staff/plan/kpis/${encodeURIComponent('I/2/kpi-②')}/source`;
    expect((await inject('dept', 'POST', url, { statistic: 'vuln-desk.received', aggregate: 'period' })).statusCode).toBe(403);
    const bad = await inject('planner', 'POST', url, { statistic: 'nope.nothing', aggregate: 'period' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('nope.nothing');
    expect((await inject('planner', 'POST', url, { statistic: 'vuln-desk.received', aggregate: 'period' })).statusCode).toBe(303);
    const [y] = await svc.kpiYears('I/2/kpi-②', [2020]);
    expect(y).toMatchObject({ actualOrigin: 'statistic', actualCell: { values: { primary: 0 } }, printedActual: 57 });
    expect((await inject('planner', 'POST', url, { statistic: '' })).statusCode).toBe(303);
    expect((await svc.kpiYears('I/2/kpi-②', [2020]))[0]).toMatchObject({ actualOrigin: 'historical' });
    const log = await p.ctx.audit.list({ subjectType: 'plan_kpi', subjectId: 'I/2/kpi-②', action: 'plan.kpi_source_set' });
    expect(log).toHaveLength(2);
  });

  it('finalises immutable report revisions, shows what changed, and publishes them', async () => {
    expect((await inject('planner', 'POST', '/staff/plan/report/2020/finalise')).statusCode).toBe(403);
    await expect(finaliseReport(p.ctx, svc, 2026, actors.approver, undefined, new Date('2026-11-26T00:00:00Z'))).rejects.toMatchObject({ code: 'year_not_over' });
    expect((await p.app.inject({ method: 'GET', url: '/annual-report/2020' })).statusCode).toBe(404);

    const first = await inject('approver', 'POST', '/staff/plan/report/2020/finalise');
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/annual-report/2020?revision=1');
    const again = await inject('approver', 'POST', '/staff/plan/report/2020/finalise');
    expect(again.statusCode).toBe(409);

    // The database refuses to change a finalised revision.
    await expect(p.ctx.db.updateTable('plan_reports').set({ finalised_by_name: 'x' }).where('fiscal_year', '=', 2020).execute()).rejects.toThrow(/immutable/);
    await expect(p.ctx.db.deleteFrom('plan_reports').where('fiscal_year', '=', 2020).execute()).rejects.toThrow(/immutable/);

    // A correction: an approved FY2020 entry replaces the printed actual; revision 2 records the change.
    const e = await svc.enterActual({ kpi: KPI, fiscalYear: 2020, figures: { primary: 201 }, asOf: '2021-03-31', note: '訂正', files: [] }, actors.dept);
    await svc.decide(e.id, 'check', actors.planner);
    await svc.decide(e.id, 'approve', actors.approver);
    const r2 = await finaliseReport(p.ctx, svc, 2020, actors.approver);
    expect(r2.revision).toBe(2);
    expect(r2.changes).toEqual(expect.arrayContaining([expect.objectContaining({ path: `kpi:${KPI}:actual:2020`, before: expect.stringMatching(/^200\s?名$/), after: expect.stringMatching(/^201\s?名$/) })]));
    const r1 = await storedReport(p.ctx, 2020, 1);
    const cell = r1!.model.chapters.flatMap((c) => c.kpis).find((k) => k.kpi === KPI)!.rows[1].cells[2];
    expect(cell.text.replace(/\s/g, '')).toBe('200名');

    const page = await p.app.inject({ method: 'GET', url: '/annual-report/2020?revision=1' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('令和2年度業務実績報告書');
    expect(page.body).toContain('<svg');
    const index = await p.app.inject({ method: 'GET', url: '/annual-report' });
    expect(index.body).toContain('/annual-report/2020');

    const json = await p.app.inject({ method: 'GET', url: '/annual-report/2020/report.json?revision=2' });
    expect(json.json()).toMatchObject({ fiscalYear: 2020, revision: 2 });
    const xlsx = await p.app.inject({ method: 'GET', url: '/annual-report/2020/report.xlsx' });
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.length).toBeGreaterThanOrEqual(19);
    const csv = await p.app.inject({ method: 'GET', url: '/annual-report/2020/tables/1.csv' });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('平成30年度');
    expect((await p.app.inject({ method: 'GET', url: '/annual-report/2020/tables/999.csv' })).statusCode).toBe(404);
  });

  it('serves the dashboard, drill-down and API to plan readers only', async () => {
    expect((await inject('analyst', 'GET', '/staff/plan?fy=2020')).statusCode).toBe(403);
    expect((await inject('planner', 'GET', '/staff')).body).toContain('href="/staff/plan"');
    expect((await inject('analyst', 'GET', '/staff')).body).not.toContain('href="/staff/plan"');
    const dash = await inject('auditor', 'GET', '/staff/plan?fy=2020');
    expect(dash.statusCode).toBe(200);
    expect(dash.body).toContain(`/staff/plan/kpis/${encodeURIComponent(KPI)}`);
    const kpi = await inject('auditor', 'GET', `/staff/plan/kpis/${encodeURIComponent(KPI)}`);
    expect(kpi.statusCode).toBe(200);
    expect(kpi.body).toContain('産業サイバーセキュリティセンター');
    expect(kpi.body).toContain('/staff/plan/node?code=');
    const api = await p.app.inject({ method: 'GET', url: '/api/v1/plan/dashboard?fy=2020', headers: { cookie: s.auditor.cookie } });
    expect(api.statusCode).toBe(200);
    expect(api.json().items.find((i: { kpi: string }) => i.kpi === 'I/1/kpi-①')).toMatchObject({ target: 100, actual: 273, origin: 'historical', warning: false });
    expect((await p.app.inject({ method: 'GET', url: '/api/v1/plan/dashboard' })).statusCode).toBe(401);
    const node = await inject('planner', 'GET', '/staff/plan/node?code=I%2F1');
    expect(node.statusCode).toBe(200);
    expect((await inject('planner', 'GET', '/staff/plan/node?code=nope')).statusCode).toBe(404);
  });
});
