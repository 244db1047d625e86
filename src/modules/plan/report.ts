// Builds the annual report model (業務実績報告書) of a fiscal year from the plan, the KPI cells,
// approved actuals and the statistics modules publish; finalises it into immutable revisions; and
// computes the dashboard's year-end projections.
import type { Actor, AppContext } from '../../platform/context.js';
import { conflict, forbidden, notFound } from '../../platform/http/errors.js';
import { eraYear, fiscalYear, endOfJstDay } from '../../platform/i18n/dates.js';
import type { KpiSeed, KpiTableModel, ReportCell, ReportChapterModel, ReportModel, StatTableModel } from './types.js';
import { fiscalYearHeader, formatCell } from './format.js';
import { kpiChartSvg } from './outputs/charts.js';
import { primaryOf, type KpiYear, type PlanNode, type PlanService } from './service.js';
import { PERM } from './permissions.js';

const DASH = '—';

function rateText(rate: number | undefined): string {
  return rate === undefined ? DASH : `${rate.toLocaleString('ja-JP', { maximumFractionDigits: 1 })}%`;
}

/** The KPI progress table as the report prints it, plus the 達成率 row. Cells covered by a merged cell are omitted. */
export function kpiTable(kpi: KpiSeed, years: KpiYear[], reportFy: number): KpiTableModel {
  const target: ReportCell[] = [];
  const actual: ReportCell[] = [];
  const rate: ReportCell[] = [];
  let covered = 0;
  for (const y of years) {
    if (covered > 0) covered--;
    else if (y.targetCell) {
      const span = Math.min(y.targetCell.span ?? 1, years.length - years.indexOf(y));
      covered = span - 1;
      target.push({ text: formatCell(kpi, y.targetCell), values: numbers(y.targetCell.values), origin: 'target', ...(span > 1 ? { span } : {}) });
    } else target.push({ text: DASH });
    const shown = y.fiscalYear <= reportFy && y.actualCell;
    const a = shown ? primaryOf(y.actualCell) : undefined;
    actual.push(shown
      ? { text: formatCell(kpi, y.actualCell), values: numbers(y.actualCell!.values), origin: y.actualOrigin, ...(y.rate !== undefined ? { mark: y.rate >= 100 ? 'met' : 'missed' } : {}) }
      : { text: DASH });
    rate.push(shown && a !== undefined && y.rate !== undefined ? { text: rateText(y.rate), values: { primary: y.rate }, mark: y.rate >= 100 ? 'met' : 'missed' } : { text: DASH });
  }
  const notes = [...kpi.notes];
  for (const y of years) {
    if (y.printedActual !== undefined && y.fiscalYear <= reportFy) {
      notes.push({ kind: 'discrepancy', text: { ja: `${fiscalYearHeader(y.fiscalYear)}の実績は統計からの再計算値（${primaryOf(y.actualCell)?.toLocaleString('ja-JP')}）を表示しています。報告書の印刷値は ${y.printedActual.toLocaleString('ja-JP')} です。`, en: `FY${y.fiscalYear}: showing the recomputed statistic (${primaryOf(y.actualCell)}); the printed figure was ${y.printedActual}.` } });
    }
  }
  return {
    kpi: kpi.code, symbol: kpi.symbol, name: kpi.name, statement: kpi.statement, ...(kpi.caption ? { caption: kpi.caption } : {}),
    years: years.map((y) => y.fiscalYear),
    header: ['年度', ...years.map((y) => fiscalYearHeader(y.fiscalYear))],
    rows: [
      { label: kpi.rowLabels?.target ?? '目標', kind: 'target', cells: target },
      { label: kpi.rowLabels?.actual ?? '実績', kind: 'actual', cells: actual },
      { label: '達成率', kind: 'rate', cells: rate },
    ],
    notes,
  };
}

function numbers(values: Record<string, unknown>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(values)) out[k] = v === null || v === undefined ? null : typeof v === 'number' ? v : (v as { value: number }).value;
  return out;
}

/** Report chapters: the sections of chapter I (1–3), then chapters II–IV, in plan order. */
function reportChapters(nodes: PlanNode[]): PlanNode[] {
  const top = nodes.filter((n) => n.parent === null);
  return top.flatMap((c) => {
    const sections = nodes.filter((n) => n.parent === c.code && n.kind === 'section');
    return c.label === 'I' && sections.length ? sections : [c];
  });
}

export interface BuildOptions { charts?: boolean; now?: Date }

export async function buildReport(ctx: AppContext, svc: PlanService, fy: number, opts: BuildOptions = {}): Promise<ReportModel> {
  const period = await svc.periodOfYear(fy);
  if (!period) throw notFound({ ja: '計画期間', en: 'plan period' });
  const now = opts.now ?? new Date();
  const [nodes, kpis, results] = await Promise.all([svc.nodes(period.code), svc.kpis({ period: period.code }), svc.results(fy)]);
  const byCode = new Map(nodes.map((n) => [n.code, n]));
  const years = Array.from({ length: period.lastFy - period.firstFy + 1 }, (_, i) => period.firstFy + i);
  const tables = new Map<string, KpiTableModel>();
  for (const k of kpis) {
    const table = kpiTable(k, await svc.kpiYears(k.code, years, now), fy);
    if (opts.charts) table.chartSvg = kpiChartSvg(table);
    tables.set(k.code, table);
  }
  const statTables = ctx.stats.tables();
  const chapters: ReportChapterModel[] = [];
  for (const c of reportChapters(nodes)) {
    const inside = (code: string) => code === c.code || code.startsWith(`${c.code}/`);
    const mine: StatTableModel[] = [];
    for (const st of statTables.filter((s) => s.chapter && inside(s.chapter))) {
      const t = await ctx.stats.table(st.key, fy);
      mine.push({ key: st.key, module: st.module, title: st.title, columns: t.columns, rows: t.rows, ...(t.notes ? { notes: t.notes } : {}) });
    }
    chapters.push({
      node: c.code, label: c.label, title: c.title,
      kpis: kpis.filter((k) => k.node === c.code).map((k) => tables.get(k.code)!),
      results: results.filter((r) => inside(r.node)).map((r) => {
        const n = byCode.get(r.node);
        return { node: r.node, nodeLabel: n?.label ?? '', nodeTitle: n?.title ?? { ja: '' }, text: r.text, ...(r.department ? { department: r.department } : {}), status: r.status };
      }),
      tables: mine,
    });
  }
  return {
    fiscalYear: fy,
    title: { ja: `${eraYear(fy, 12, 31)}年度業務実績報告書`, en: `Annual performance report FY${fy}` },
    period, generatedAt: now.toISOString(), revision: 0, chapters,
  };
}

/** Every printed text of a model by a stable path, to show what a revision changed. */
export function flattenModel(m: ReportModel): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of m.chapters) {
    for (const k of c.kpis) {
      for (const row of k.rows) {
        let i = 0;
        for (const cell of row.cells) { out.set(`kpi:${k.kpi}:${row.kind}:${k.years[i]}`, cell.text); i += cell.span ?? 1; }
      }
      k.notes.forEach((n, i) => out.set(`kpi:${k.kpi}:note:${i}`, n.text.ja));
    }
    c.results.forEach((r, i) => out.set(`result:${c.node}:${i}`, `${r.nodeLabel} ${r.text.ja}`));
    for (const t of c.tables) t.rows.forEach((r) => r.cells.forEach((v, j) => out.set(`table:${t.key}:${r.label.ja}:${j}`, v === null ? '' : String(v))));
  }
  return out;
}

export function diffModels(before: ReportModel | undefined, after: ReportModel): Array<{ path: string; before: string | null; after: string | null }> {
  if (!before) return [];
  const a = flattenModel(before); const b = flattenModel(after);
  const out: Array<{ path: string; before: string | null; after: string | null }> = [];
  for (const [k, v] of b) if (a.get(k) !== v) out.push({ path: k, before: a.get(k) ?? null, after: v });
  for (const [k, v] of a) if (!b.has(k)) out.push({ path: k, before: v, after: null });
  return out;
}

export interface StoredReport { fiscalYear: number; revision: number; model: ReportModel; changes: ReturnType<typeof diffModels>; finalisedAt: Date; finalisedByName: string }

const parse = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

export async function reportRevisions(ctx: AppContext, fy?: number): Promise<Array<Omit<StoredReport, 'model'>>> {
  let q = ctx.db.selectFrom('plan_reports').select(['fiscal_year', 'revision', 'changes', 'finalised_at', 'finalised_by_name']).orderBy('fiscal_year', 'desc').orderBy('revision', 'desc');
  if (fy !== undefined) q = q.where('fiscal_year', '=', fy);
  return (await q.execute()).map((r) => ({ fiscalYear: r.fiscal_year, revision: r.revision, changes: parse(r.changes), finalisedAt: r.finalised_at, finalisedByName: r.finalised_by_name }));
}

export async function storedReport(ctx: AppContext, fy: number, revision?: number): Promise<StoredReport | undefined> {
  let q = ctx.db.selectFrom('plan_reports').selectAll().where('fiscal_year', '=', fy).orderBy('revision', 'desc').limit(1);
  if (revision !== undefined) q = q.where('revision', '=', revision);
  const r = await q.executeTakeFirst();
  return r ? { fiscalYear: r.fiscal_year, revision: r.revision, model: parse(r.model), changes: parse(r.changes), finalisedAt: r.finalised_at, finalisedByName: r.finalised_by_name } : undefined;
}

/** Freezes the report of a fiscal year as a new revision; the stored model never changes afterwards. */
export async function finaliseReport(ctx: AppContext, svc: PlanService, fy: number, actor: Actor, ip?: string, now = new Date()): Promise<StoredReport> {
  if (actor.kind !== 'staff' || !actor.permissions.has(PERM.finalise)) throw forbidden();
  if (now < fiscalYear(fy).to) {
    throw conflict('year_not_over', { ja: '年度が終了するまで確定できません', en: 'A fiscal year can be finalised only after it has ended' });
  }
  const model = await buildReport(ctx, svc, fy, { now });
  const previous = await storedReport(ctx, fy);
  model.revision = (previous?.revision ?? 0) + 1;
  const changes = diffModels(previous?.model, model);
  if (previous && changes.length === 0) throw conflict('no_changes', { ja: '前の版から変更がないため、新しい版は作成しません', en: 'Nothing changed since the last revision' });
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('plan_reports').values({
        fiscal_year: fy, revision: model.revision, model: JSON.stringify(model) as never, changes: JSON.stringify(changes) as never,
        finalised_at: now, finalised_by: actor.userId ?? 'system', finalised_by_name: actor.displayName,
      }).execute();
      await ctx.audit.record({ action: 'plan.report_finalise', actor, subjectType: 'plan_report', subjectId: `${fy}`, ip, details: { revision: model.revision, changes: changes.length } }, trx);
    });
  } catch (e) {
    if ((e as { code?: string }).code === '23505') throw conflict('concurrent_finalise', { ja: '同時に別の版が確定されました。再読込してください', en: 'Another revision was finalised at the same time; reload' });
    throw e;
  }
  return { fiscalYear: fy, revision: model.revision, model, changes, finalisedAt: now, finalisedByName: actor.displayName };
}

// ---- Dashboard ---------------------------------------------------------------------------------

export interface DashboardRow {
  kpi: KpiSeed;
  target?: number;
  actual?: number;
  origin?: KpiYear['actualOrigin'];
  asOf?: string;
  /** Share of the fiscal year elapsed at asOf (1 for a complete year). */
  elapsed: number;
  projection?: number;
  projectedRate?: number;
  warning: boolean;
}

/**
 * Year-end projection from the trend so far: a period figure grows linearly over the year
 * (actual ÷ elapsed share); a running total adds the year's growth so far, extrapolated the same way,
 * to the previous year's figure. A complete year projects to its actual.
 */
export function project(actual: number | undefined, elapsed: number, accumulation: 'period' | 'cumulative', previous?: number): number | undefined {
  if (actual === undefined) return undefined;
  if (elapsed >= 1) return actual;
  if (elapsed <= 0) return accumulation === 'cumulative' ? previous : undefined;
  if (accumulation === 'cumulative') return previous === undefined ? undefined : Math.round(previous + (actual - previous) / elapsed);
  return Math.round(actual / elapsed);
}

export function elapsedShare(fy: number, asOf: Date): number {
  const p = fiscalYear(fy);
  return Math.max(0, Math.min(1, (asOf.getTime() - p.from.getTime()) / (p.to.getTime() - p.from.getTime())));
}

export async function dashboard(svc: PlanService, fy: number, now = new Date()): Promise<DashboardRow[]> {
  const period = await svc.periodOfYear(fy);
  if (!period) throw notFound({ ja: '計画期間', en: 'plan period' });
  const kpis = await svc.kpis({ period: period.code });
  const rows: DashboardRow[] = [];
  for (const kpi of kpis) {
    const [prev, cur] = await svc.kpiYears(kpi.code, [fy - 1, fy], now);
    const actual = primaryOf(cur.actualCell);
    const asOfDate = cur.actualOrigin === 'historical' || !cur.actualAsOf ? fiscalYear(fy).to : endOfJstDay(cur.actualAsOf);
    const elapsed = actual === undefined ? elapsedShare(fy, now) : elapsedShare(fy, asOfDate);
    const projection = project(actual, elapsed, kpi.accumulation ?? 'period', primaryOf(prev.actualCell));
    const projectedRate = projection === undefined || cur.effectiveTarget === undefined ? undefined
      : kpi.direction === 'lower' ? (projection === 0 ? undefined : Math.round((cur.effectiveTarget / projection) * 1000) / 10) : Math.round((projection / cur.effectiveTarget) * 1000) / 10;
    rows.push({
      kpi, target: cur.effectiveTarget, actual, origin: cur.actualOrigin, asOf: cur.actualAsOf, elapsed, projection, projectedRate,
      warning: projectedRate !== undefined && projectedRate < 100,
    });
  }
  return rows;
}
