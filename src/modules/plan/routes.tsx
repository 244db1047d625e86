// HTTP surface of the plan module: the staff dashboard and KPI drill-down, target and actual
// forms, the plan tree, the live and finalised annual report with its downloads, a JSON API, and
// the public pages of finalised reports.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../platform/context.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { pageContext, sendPage } from '../../platform/http/request.js';
import { readForm, field, fieldList, type FormData } from '../../platform/http/forms.js';
import { requirePermission } from '../../platform/auth/guards.js';
import { sendAttachment } from '../../platform/files/download.js';
import { csvContentType, csvDisposition, parseCsvEncoding, toCsv } from '../../platform/stats/csv.js';
import { fiscalYearOf } from '../../platform/i18n/dates.js';
import type { FormError } from '../../platform/auth/pages.js';
import { PERM } from './permissions.js';
import type { PlanService, PlanNode } from './service.js';
import { buildReport, dashboard, finaliseReport, reportRevisions, storedReport, kpiTable } from './report.js';
import type { ReportModel } from './types.js';
import { kpiChartSvg } from './outputs/charts.js';
import { reportWorkbook } from './outputs/xlsx.js';
import { reportCsvTables } from './outputs/csv.js';
import { DashboardPage, EntriesPage, KpiPage, NodePage, ReportIndexPage, ReportPage, StatisticsPage, TreePage, kpiHref, nodeHref, yearIsOver } from './pages.js';

const FY = Type.Optional(Type.String({ pattern: '^[0-9]{4}$' }));

function parseFy(v: unknown, fallback: number): number {
  const n = typeof v === 'string' && /^\d{4}$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) ? n : fallback;
}

/** A form number: '' → null; Japanese users type 1,234 or full-width digits. */
export function parseFigure(raw: string): number | null | typeof NaN {
  const s = raw.normalize('NFKC').replace(/[,\s]/g, '').replace(/^△/, '');
  if (s === '') return null;
  return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : NaN;
}

function errorsOf(e: unknown): FormError[] | undefined {
  if (e instanceof AppError && e.status < 500) return e.details.length ? e.details.map((d) => ({ field: d.field, message: d.message })) : [{ message: e.text }];
  return undefined;
}

export async function planRoutes(app: FastifyInstance, ctx: AppContext, svc: PlanService) {
  const read = { onRequest: requirePermission(PERM.read) };

  /** The fiscal year a dashboard shows by default: this year if it is in a plan period, else the last year with actuals. */
  async function defaultFy(): Promise<number> {
    const now = fiscalYearOf(new Date());
    if (await svc.periodOfYear(now)) return now;
    const r = await ctx.db.selectFrom('plan_kpi_cells').select((eb) => eb.fn.max('fiscal_year').as('fy')).where('kind', '=', 'actual').executeTakeFirst();
    return Number(r?.fy ?? now);
  }

  async function periodYears(fy: number): Promise<number[]> {
    const p = await svc.periodOfYear(fy);
    if (!p) throw notFound({ ja: '計画期間', en: 'plan period' });
    return Array.from({ length: p.lastFy - p.firstFy + 1 }, (_, i) => p.firstFy + i);
  }

  async function ancestors(code: string): Promise<PlanNode[]> {
    const out: PlanNode[] = [];
    let n = await svc.node(code);
    while (n) { out.unshift(n); n = n.parent ? await svc.node(n.parent) : undefined; }
    return out;
  }

  const can = (req: FastifyRequest) => ({
    edit: req.actor.permissions.has(PERM.edit), enter: req.actor.permissions.has(PERM.enter), check: req.actor.permissions.has(PERM.check),
    approve: req.actor.permissions.has(PERM.approve), userId: req.actor.userId,
  });

  app.get('/staff/plan', { ...read, schema: { hide: true, querystring: Type.Object({ fy: FY }) } }, async (req, reply) => {
    const fy = parseFy((req.query as { fy?: string }).fy, await defaultFy());
    const now = new Date();
    const rows = await dashboard(svc, fy, now);
    return sendPage(reply, <DashboardPage ctx={pageContext(req)} fy={fy} years={await periodYears(fy)} rows={rows} now={now} />);
  });

  async function renderKpi(req: FastifyRequest, reply: FastifyReply, code: string, errors: FormError[] = [], values: Record<string, string> = {}, status = 200) {
    const kpi = await svc.kpi(code);
    const years = await svc.kpiYears(code);
    const stat = kpi.source.kind === 'statistic' ? ctx.stats.get(kpi.source.statistic) : undefined;
    const table = kpiTable(kpi, years, years[years.length - 1].fiscalYear);
    return sendPage(reply, (
      <KpiPage ctx={pageContext(req)} kpi={kpi} ancestors={await ancestors(kpi.node)} node={await svc.node(kpi.node)} years={years}
        entries={await svc.entries({ kpi: code })} statistic={stat ? { key: stat.key, module: stat.module, title: stat.title, unit: stat.unit } : null}
        can={can(req)} errors={errors} values={values} chartSvg={kpiChartSvg(table, { lang: req.lang })}
        statistics={ctx.stats.list().map((s) => ({ key: s.key, title: s.title, unit: s.unit, module: s.module }))} />
    ), status);
  }

  app.get('/staff/plan/kpis/:code', { ...read, schema: { hide: true } }, async (req, reply) => renderKpi(req, reply, (req.params as { code: string }).code));

  function figuresOf(form: FormData): Record<string, number | null> {
    const out: Record<string, number | null> = {};
    for (const [k, v] of Object.entries(form.fields)) if (k.startsWith('m_')) out[k.slice(2)] = parseFigure(Array.isArray(v) ? v[0] : v);
    return out;
  }

  app.post('/staff/plan/kpis/:code/targets', { onRequest: requirePermission(PERM.edit), schema: { hide: true } }, async (req, reply) => {
    const code = (req.params as { code: string }).code;
    const form = readForm(req);
    const figures = figuresOf(form);
    const span = Number(field(form, 'span') || '1');
    try {
      await svc.setTarget(code, Number(field(form, 'fiscalYear')), { figures, span }, req.actor, req.ip);
    } catch (e) {
      const errors = errorsOf(e);
      if (!errors) throw e;
      const values: Record<string, string> = { targetFy: field(form, 'fiscalYear'), span: field(form, 'span') };
      for (const k of Object.keys(figures)) values[`target_${k}`] = field(form, `m_${k}`);
      return renderKpi(req, reply, code, errors, values, e instanceof AppError ? e.status : 400);
    }
    return reply.redirect(kpiHref(code), 303);
  });

  app.post('/staff/plan/kpis/:code/source', { onRequest: requirePermission(PERM.edit), schema: { hide: true } }, async (req, reply) => {
    const code = (req.params as { code: string }).code;
    const form = readForm(req);
    const statistic = field(form, 'statistic');
    try {
      await svc.setSource(code, statistic ? { kind: 'statistic', statistic, aggregate: field(form, 'aggregate') as 'period' | 'cumulative' } : { kind: 'manual' }, req.actor, req.ip);
    } catch (e) {
      const errors = errorsOf(e);
      if (!errors) throw e;
      return renderKpi(req, reply, code, errors, {}, e instanceof AppError ? e.status : 400);
    }
    return reply.redirect(kpiHref(code), 303);
  });

  app.post('/staff/plan/kpis/:code/actuals', { onRequest: requirePermission(PERM.enter), schema: { hide: true } }, async (req, reply) => {
    const code = (req.params as { code: string }).code;
    const form = readForm(req);
    try {
      await svc.enterActual({
        kpi: code, fiscalYear: Number(field(form, 'fiscalYear')), figures: figuresOf(form), asOf: field(form, 'asOf'), note: field(form, 'note'),
        files: form.files.filter((f) => f.field === 'evidence'),
      }, req.actor, req.ip);
    } catch (e) {
      const errors = errorsOf(e);
      if (!errors) throw e;
      const values: Record<string, string> = {};
      for (const [k, v] of Object.entries(form.fields)) if (k !== '_csrf') values[k] = Array.isArray(v) ? v[0] : v;
      return renderKpi(req, reply, code, errors, values, e instanceof AppError ? e.status : 400);
    }
    return reply.redirect(kpiHref(code), 303);
  });

  for (const decision of ['check', 'approve', 'reject'] as const) {
    const perm = decision === 'approve' ? PERM.approve : decision === 'check' ? PERM.check : PERM.read;
    app.post(`/staff/plan/actuals/:id/${decision}`, { onRequest: requirePermission(perm), schema: { hide: true } }, async (req, reply) => {
      const id = (req.params as { id: string }).id;
      const entry = await svc.entry(id);
      const form = readForm(req);
      try {
        await svc.decide(id, decision, req.actor, field(form, 'reason'), req.ip);
      } catch (e) {
        const errors = errorsOf(e);
        if (!errors) throw e;
        return renderKpi(req, reply, entry.kpi, errors, {}, e instanceof AppError ? e.status : 400);
      }
      return reply.redirect(kpiHref(entry.kpi), 303);
    });
  }

  app.get('/staff/plan/actuals', { ...read, schema: { hide: true, querystring: Type.Object({ fy: FY }) } }, async (req, reply) => {
    const fy = parseFy((req.query as { fy?: string }).fy, await defaultFy());
    const kpis = new Map((await svc.kpis()).map((k) => [k.code, k]));
    return sendPage(reply, <EntriesPage ctx={pageContext(req)} fy={fy} entries={await svc.entries({ fiscalYear: fy })} kpis={kpis} can={can(req)} />);
  });

  app.get('/staff/plan/actuals/:id/evidence/:fileId', { ...read, schema: { hide: true } }, async (req, reply) => {
    const { id, fileId } = req.params as { id: string; fileId: string };
    const f = await svc.evidence(id, fileId, req.actor, req.ip);
    return sendAttachment(reply, f.file, f.data);
  });

  app.get('/staff/plan/tree', { ...read, schema: { hide: true } }, async (req, reply) => {
    const kpiCount = new Map<string, number>();
    for (const k of await svc.kpis()) kpiCount.set(k.node, (kpiCount.get(k.node) ?? 0) + 1);
    return sendPage(reply, <TreePage ctx={pageContext(req)} nodes={await svc.nodes()} kpiCount={kpiCount} />);
  });

  async function renderNode(req: FastifyRequest, reply: FastifyReply, code: string, errors: FormError[] = [], status = 200) {
    const node = await svc.node(code);
    if (!node) throw notFound({ ja: '計画項目', en: 'plan item' });
    const all = await svc.nodes(node.period);
    const within = (c: string) => c === code || c.startsWith(`${code}/`);
    const results = [];
    for (const fy of await periodYears((await svc.periods()).find((p) => p.code === node.period)!.firstFy)) results.push(...(await svc.results(fy)).filter((r) => within(r.node)));
    return sendPage(reply, (
      <NodePage ctx={pageContext(req)} node={node} ancestors={(await ancestors(code)).slice(0, -1)} children={all.filter((n) => n.parent === code)}
        kpis={(await svc.kpis()).filter((k) => k.node === code)} results={results} canEdit={req.actor.permissions.has(PERM.edit)} errors={errors}
        statistics={ctx.stats.list().map((s) => ({ key: s.key, title: s.title }))} />
    ), status);
  }

  app.get('/staff/plan/node', { ...read, schema: { hide: true, querystring: Type.Object({ code: Type.String({ maxLength: 200 }) }) } }, async (req, reply) => renderNode(req, reply, (req.query as { code: string }).code));

  app.post('/staff/plan/node', { onRequest: requirePermission(PERM.edit), schema: { hide: true } }, async (req, reply) => {
    const form = readForm(req);
    const code = field(form, 'code');
    try {
      await svc.updateNode(code, { titleJa: field(form, 'titleJa'), textJa: field(form, 'textJa') }, req.actor, req.ip);
    } catch (e) {
      const errors = errorsOf(e);
      if (!errors) throw e;
      return renderNode(req, reply, code, errors, e instanceof AppError ? e.status : 400);
    }
    return reply.redirect(nodeHref(code), 303);
  });

  app.post('/staff/plan/results', { onRequest: requirePermission(PERM.edit), schema: { hide: true } }, async (req, reply) => {
    const form = readForm(req);
    const node = field(form, 'node');
    try {
      await svc.addResult({
        node, fiscalYear: Number(field(form, 'fiscalYear')), textJa: field(form, 'textJa'), department: field(form, 'department'),
        status: field(form, 'status') as never, statistics: fieldList(form, 'statistics'),
      }, req.actor, req.ip);
    } catch (e) {
      const errors = errorsOf(e);
      if (!errors) throw e;
      return renderNode(req, reply, node, errors, e instanceof AppError ? e.status : 400);
    }
    return reply.redirect(nodeHref(node), 303);
  });

  app.get('/staff/plan/statistics', { ...read, schema: { hide: true, querystring: Type.Object({ fy: FY }) } }, async (req, reply) => {
    const fy = parseFy((req.query as { fy?: string }).fy, await defaultFy());
    const rows = [];
    for (const s of ctx.stats.list()) rows.push({ key: s.key, module: s.module, title: s.title, unit: s.unit, value: await ctx.stats.fiscalYearValue(s.key, fy, 'period') });
    const kpisByStat = new Map<string, Awaited<ReturnType<PlanService['kpis']>>>();
    for (const k of await svc.kpis()) if (k.source.kind === 'statistic') kpisByStat.set(k.source.statistic, [...(kpisByStat.get(k.source.statistic) ?? []), k]);
    return sendPage(reply, <StatisticsPage ctx={pageContext(req)} fy={fy} rows={rows} kpisByStat={kpisByStat} />);
  });

  // ---- The report: live draft (staff) and finalised revisions (public) --------------------------

  app.get('/staff/plan/report/:fy', { ...read, schema: { hide: true, params: Type.Object({ fy: Type.String({ pattern: '^[0-9]{4}$' }) }) } }, async (req, reply) => {
    const fy = Number((req.params as { fy: string }).fy);
    const model = await buildReport(ctx, svc, fy, { charts: true });
    return sendPage(reply, (
      <ReportPage ctx={pageContext(req)} model={model} base={`/staff/plan/report/${fy}`} staff={true} canFinalise={req.actor.permissions.has(PERM.finalise)}
        yearOver={yearIsOver(fy, new Date())} revisions={await reportRevisions(ctx, fy)} errors={[]} />
    ));
  });

  app.post('/staff/plan/report/:fy/finalise', { onRequest: requirePermission(PERM.finalise), schema: { hide: true, params: Type.Object({ fy: Type.String({ pattern: '^[0-9]{4}$' }) }) } }, async (req, reply) => {
    const fy = Number((req.params as { fy: string }).fy);
    try {
      const r = await finaliseReport(ctx, svc, fy, req.actor, req.ip);
      return reply.redirect(`/annual-report/${fy}?revision=${r.revision}`, 303);
    } catch (e) {
      const errors = errorsOf(e);
      if (!errors) throw e;
      const model = await buildReport(ctx, svc, fy, { charts: true });
      return sendPage(reply, (
        <ReportPage ctx={pageContext(req)} model={model} base={`/staff/plan/report/${fy}`} staff={true} canFinalise={true}
          yearOver={yearIsOver(fy, new Date())} revisions={await reportRevisions(ctx, fy)} errors={errors} />
      ), e instanceof AppError ? e.status : 400);
    }
  });

  /** Downloads of a model: XLSX, JSON, CSV per table (n is 1-based in the order of the contents). */
  function downloads(prefix: string, modelOf: (req: FastifyRequest) => Promise<ReportModel>, opts: typeof read | Record<string, never>) {
    app.get(`${prefix}/report.xlsx`, { ...opts, schema: { hide: true } }, async (req, reply) => {
      const model = await modelOf(req);
      return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', csvDisposition(`mamori-annual-report-FY${model.fiscalYear}-r${model.revision}.xlsx`)).send(await reportWorkbook(model));
    });
    app.get(`${prefix}/report.json`, { ...opts, schema: { hide: true } }, async (req, reply) => {
      const model = await modelOf(req);
      return reply.type('application/json; charset=utf-8').header('content-disposition', csvDisposition(`mamori-annual-report-FY${model.fiscalYear}-r${model.revision}.json`)).send(JSON.stringify(model, null, 1));
    });
    app.get(`${prefix}/tables/:file`, { ...opts, schema: { hide: true, params: Type.Object({ fy: Type.String(), file: Type.String({ pattern: '^[0-9]{1,3}\\.csv$' }) }) } }, async (req, reply) => {
      const model = await modelOf(req);
      const tables = reportCsvTables(model);
      const n = parseInt((req.params as { file: string }).file, 10);
      const tb = tables[n - 1];
      if (!tb) throw notFound({ ja: '表', en: 'table' });
      const enc = parseCsvEncoding((req.query as { encoding?: string }).encoding);
      return reply.type(csvContentType(enc)).header('content-disposition', csvDisposition(`FY${model.fiscalYear}-${String(n).padStart(2, '0')}.csv`)).send(toCsv(tb.rows, enc));
    });
  }

  const staffModel = async (req: FastifyRequest) => buildReport(ctx, svc, Number((req.params as { fy: string }).fy), { charts: false });
  downloads('/staff/plan/report/:fy', staffModel, read);

  async function publishedModel(req: FastifyRequest) {
    const fy = (req.params as { fy: string }).fy;
    const rev = (req.query as { revision?: string }).revision;
    if (!/^\d{4}$/.test(fy) || (rev !== undefined && !/^\d{1,4}$/.test(rev))) throw notFound({ ja: '報告書', en: 'report' });
    const stored = await storedReport(ctx, Number(fy), rev === undefined ? undefined : Number(rev));
    if (!stored) throw notFound({ ja: '確定した報告書', en: 'finalised report' });
    return stored;
  }

  app.get('/annual-report', async (req, reply) => sendPage(reply, <ReportIndexPage ctx={pageContext(req)} revisions={await reportRevisions(ctx)} />));

  app.get('/annual-report/:fy', async (req, reply) => {
    const stored = await publishedModel(req);
    // Charts are derived from the stored cells, so a revision always draws the same figures.
    for (const c of stored.model.chapters) for (const k of c.kpis) k.chartSvg = kpiChartSvg(k, { lang: req.lang });
    const { model, ...meta } = stored;
    return sendPage(reply, (
      <ReportPage ctx={pageContext(req)} model={model} base={`/annual-report/${stored.fiscalYear}`} staff={false} canFinalise={false} yearOver={true}
        revisions={await reportRevisions(ctx, stored.fiscalYear)} current={meta} errors={[]} />
    ));
  });
  downloads('/annual-report/:fy', async (req) => (await publishedModel(req)).model, {});

  // ---- JSON API ------------------------------------------------------------------------------------

  app.get('/api/v1/plan/dashboard', {
    ...read,
    schema: { tags: ['plan'], summary: 'KPI progress of a fiscal year: target, actual to date, year-end projection', querystring: Type.Object({ fy: FY }) },
  }, async (req) => {
    const fy = parseFy((req.query as { fy?: string }).fy, await defaultFy());
    const rows = await dashboard(svc, fy);
    return {
      fiscalYear: fy,
      items: rows.map((r) => ({
        kpi: r.kpi.code, node: r.kpi.node, symbol: r.kpi.symbol, name: r.kpi.name, unit: r.kpi.measures[0].unit, reference: !!r.kpi.reference,
        target: r.target ?? null, actual: r.actual ?? null, origin: r.origin ?? null, asOf: r.asOf ?? null,
        elapsed: r.elapsed, projection: r.projection ?? null, projectedRate: r.projectedRate ?? null, warning: r.warning,
      })),
    };
  });

  app.get('/api/v1/plan/kpis/:code', {
    ...read,
    schema: { tags: ['plan'], summary: 'A KPI with its targets and actuals by fiscal year', params: Type.Object({ code: Type.String({ maxLength: 100 }) }) },
  }, async (req) => {
    const code = (req.params as { code: string }).code;
    return { kpi: await svc.kpi(code), years: await svc.kpiYears(code) };
  });

  app.get('/api/v1/plan/statistics', {
    ...read,
    schema: { tags: ['plan'], summary: 'Statistics published by modules, with their value in a fiscal year', querystring: Type.Object({ fy: FY }) },
  }, async (req) => {
    const fy = parseFy((req.query as { fy?: string }).fy, await defaultFy());
    const items = [];
    for (const s of ctx.stats.list()) items.push({ key: s.key, module: s.module, title: s.title, unit: s.unit, value: await ctx.stats.fiscalYearValue(s.key, fy, 'period') });
    return { fiscalYear: fy, items };
  });
}
