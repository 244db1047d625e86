// The plan module's exported service: the plan tree, KPIs with their targets and actuals, the
// manual-actual workflow (entered → checked → approved, with evidence), results records, the
// generated annual report with its finalised revisions, and the dashboard.
import { sql } from 'kysely';
import type { Actor, AppContext } from '../../platform/context.js';
import { AppError, conflict, forbidden, notFound, validationFailed, type FieldError } from '../../platform/http/errors.js';
import { endOfJstDay, fiscalYear, fiscalYearOf } from '../../platform/i18n/dates.js';
import type { UploadedFile } from '../../platform/http/forms.js';
import type { CellSeed, CellValue, KpiSeed, PlanPeriodSeed, ResultSeed } from './types.js';
import { cellNumber } from './format.js';
import { PERM } from './permissions.js';

export interface PlanNode {
  code: string; period: string; parent: string | null; kind: string; label: string;
  title: { ja: string; en?: string }; text?: { ja: string; en?: string }; seedLine: number | null;
}

export type ActualOrigin = 'historical' | 'statistic' | 'manual';

/** A KPI's target and actual for one fiscal year, resolved from plan cells, statistics and approved entries. */
export interface KpiYear {
  fiscalYear: number;
  /** The printed/planned target cell at this year (a merged cell only at its first year). */
  targetCell?: CellSeed;
  /** The target that applies to this year (from a merged cell when it spans it). */
  effectiveTarget?: number;
  actualCell?: CellSeed;
  actualOrigin?: ActualOrigin;
  /** Day the actual is measured to (statistics: now or the year end; manual: the entry's as-of date). */
  actualAsOf?: string;
  /** Historical value when a recomputed statistic differs from the printed figure. */
  printedActual?: number;
  /** 達成率 in %, when both exist. */
  rate?: number;
}

export interface ActualEntry {
  id: string; kpi: string; fiscalYear: number; figures: Record<string, number | null>; asOf: string; note: string;
  evidence: Array<{ fileId: string; filename: string; size: number }>;
  state: 'entered' | 'checked' | 'approved' | 'rejected';
  enteredBy: string; enteredByName: string; enteredAt: Date;
  checkedBy: string | null; checkedAt: Date | null; approvedBy: string | null; approvedAt: Date | null;
  rejectedBy: string | null; rejectedAt: Date | null; reason: string | null;
}

export interface ResultRecord { id: string; node: string; fiscalYear: number; text: { ja: string; en?: string }; department: string | null; statistics: string[]; status: ResultSeed['status'] }

const MAX_EVIDENCE = 5;

function entryOf(r: any): ActualEntry {
  return {
    id: r.id, kpi: r.kpi, fiscalYear: r.fiscal_year, figures: parseJson(r.figures), asOf: r.as_of, note: r.note, evidence: parseJson(r.evidence), state: r.state,
    enteredBy: r.entered_by, enteredByName: r.entered_by_name, enteredAt: r.entered_at, checkedBy: r.checked_by, checkedAt: r.checked_at,
    approvedBy: r.approved_by, approvedAt: r.approved_at, rejectedBy: r.rejected_by, rejectedAt: r.rejected_at, reason: r.reason,
  };
}

function parseJson<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

function nodeOf(r: any): PlanNode {
  return {
    code: r.code, period: r.period, parent: r.parent, kind: r.kind, label: r.label,
    title: { ja: r.title_ja, ...(r.title_en ? { en: r.title_en } : {}) },
    ...(r.text_ja ? { text: { ja: r.text_ja, ...(r.text_en ? { en: r.text_en } : {}) } } : {}),
    seedLine: r.seed_line,
  };
}

/** The single-value cell an approved entry or a statistic produces. */
export function cellFromFigures(figures: Record<string, number | null>): CellSeed {
  return { values: Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, v])) };
}

export function primaryOf(cell: CellSeed | undefined): number | undefined {
  const v = cell?.values.primary;
  return v === null || v === undefined ? undefined : cellNumber(v as CellValue);
}

/** 達成率: actual ÷ target (lower-is-better: target ÷ actual), in % with one decimal. */
export function achievementRate(kpi: KpiSeed, actual: number | undefined, target: number | undefined): number | undefined {
  if (actual === undefined || target === undefined || target === 0) return undefined;
  const r = kpi.direction === 'lower' ? (actual === 0 ? undefined : target / actual) : actual / target;
  return r === undefined ? undefined : Math.round(r * 1000) / 10;
}

export function createPlanService(ctx: AppContext) {
  const db = () => ctx.db;

  async function kpiRow(code: string): Promise<KpiSeed> {
    const r = await db().selectFrom('plan_kpis').select('spec').where('code', '=', code).executeTakeFirst();
    if (!r) throw notFound({ ja: '指標', en: 'KPI' });
    return parseJson<KpiSeed>(r.spec);
  }

  function need(actor: Actor, perm: string) {
    if (actor.kind !== 'staff' || !actor.permissions.has(perm)) throw forbidden();
  }

  async function periodOfYear(fy: number): Promise<PlanPeriodSeed | undefined> {
    const r = await db().selectFrom('plan_periods').selectAll().where('first_fy', '<=', fy).where('last_fy', '>=', fy).executeTakeFirst();
    return r ? { code: r.code, name: { ja: r.name_ja, ...(r.name_en ? { en: r.name_en } : {}) }, firstFy: r.first_fy, lastFy: r.last_fy } : undefined;
  }

  const svc = {
    async periods(): Promise<PlanPeriodSeed[]> {
      const rows = await db().selectFrom('plan_periods').selectAll().orderBy('first_fy').execute();
      return rows.map((r) => ({ code: r.code, name: { ja: r.name_ja, ...(r.name_en ? { en: r.name_en } : {}) }, firstFy: r.first_fy, lastFy: r.last_fy }));
    },
    periodOfYear,

    async nodes(period?: string): Promise<PlanNode[]> {
      let q = db().selectFrom('plan_nodes').selectAll().orderBy('sort');
      if (period) q = q.where('period', '=', period);
      return (await q.execute()).map(nodeOf);
    },

    async node(code: string): Promise<PlanNode | undefined> {
      const r = await db().selectFrom('plan_nodes').selectAll().where('code', '=', code).executeTakeFirst();
      return r ? nodeOf(r) : undefined;
    },

    async updateNode(code: string, input: { titleJa: string; textJa: string; titleEn?: string; textEn?: string }, actor: Actor, ip?: string): Promise<PlanNode> {
      need(actor, PERM.edit);
      const errors: FieldError[] = [];
      if (!input.titleJa.trim() || input.titleJa.length > 300) errors.push({ field: 'titleJa', message: { ja: '見出しは1〜300文字で入力してください', en: 'Title must be 1–300 characters' } });
      if (input.textJa.length > 5000) errors.push({ field: 'textJa', message: { ja: '本文は5,000文字以内で入力してください', en: 'Text must be at most 5,000 characters' } });
      if (errors.length) throw validationFailed(errors);
      return db().transaction().execute(async (trx) => {
        const before = await trx.selectFrom('plan_nodes').selectAll().where('code', '=', code).forUpdate().executeTakeFirst();
        if (!before) throw notFound({ ja: '計画項目', en: 'plan item' });
        const after = await trx.updateTable('plan_nodes').set({
          title_ja: input.titleJa.trim(), text_ja: input.textJa.trim() || null, title_en: input.titleEn?.trim() || null, text_en: input.textEn?.trim() || null,
          updated_at: new Date(), updated_by: actor.userId,
        }).where('code', '=', code).returningAll().executeTakeFirstOrThrow();
        await ctx.audit.record({ action: 'plan.node_update', actor, subjectType: 'plan_node', subjectId: code, ip, details: { before: { title: before.title_ja, text: before.text_ja }, after: { title: after.title_ja, text: after.text_ja } } }, trx);
        return nodeOf(after);
      });
    },

    async kpis(opts: { period?: string; includeReference?: boolean } = {}): Promise<KpiSeed[]> {
      let q = db().selectFrom('plan_kpis').select('spec').orderBy('sort');
      if (opts.period) q = q.where('period', '=', opts.period);
      const all = (await q.execute()).map((r) => parseJson<KpiSeed>(r.spec));
      return opts.includeReference === false ? all.filter((k) => !k.reference) : all;
    },

    kpi: (code: string) => kpiRow(code),

    /** Targets and actuals of a KPI for the given fiscal years (default: its period's years). */
    async kpiYears(code: string, years?: number[], now = new Date()): Promise<KpiYear[]> {
      const kpi = await kpiRow(code);
      const period = await db().selectFrom('plan_kpis').innerJoin('plan_periods', 'plan_periods.code', 'plan_kpis.period')
        .select(['first_fy', 'last_fy']).where('plan_kpis.code', '=', code).executeTakeFirstOrThrow();
      const fys = years ?? Array.from({ length: period.last_fy - period.first_fy + 1 }, (_, i) => period.first_fy + i);
      const [cells, approved] = await Promise.all([
        db().selectFrom('plan_kpi_cells').selectAll().where('kpi', '=', code).execute(),
        db().selectFrom('plan_actual_entries').selectAll().where('kpi', '=', code).where('state', '=', 'approved').orderBy('approved_at', 'desc').execute(),
      ]);
      const target = new Map<number, CellSeed>();
      const historical = new Map<number, CellSeed>();
      for (const c of cells) (c.kind === 'target' ? target : historical).set(c.fiscal_year, parseJson<CellSeed>(c.cell));
      const latestApproved = new Map<number, ActualEntry>();
      for (const e of approved.map(entryOf)) if (!latestApproved.has(e.fiscalYear)) latestApproved.set(e.fiscalYear, e);
      const stat = kpi.source.kind === 'statistic' ? ctx.stats.get(kpi.source.statistic) : undefined;
      const nowFy = fiscalYearOf(now);

      const out: KpiYear[] = [];
      for (const fy of fys) {
        const y: KpiYear = { fiscalYear: fy };
        y.targetCell = target.get(fy);
        let eff = primaryOf(y.targetCell);
        if (eff === undefined) {
          for (const [tfy, cell] of target) if (tfy < fy && tfy + (cell.span ?? 1) > fy) eff = primaryOf(cell);
        }
        y.effectiveTarget = eff;
        const printed = historical.get(fy);
        if (stat && kpi.source.kind === 'statistic' && fy <= nowFy) {
          const v = await ctx.stats.fiscalYearValue(stat.key, fy, kpi.source.aggregate, now);
          y.actualCell = cellFromFigures({ primary: v });
          y.actualOrigin = 'statistic';
          const end = fiscalYear(fy).to;
          y.actualAsOf = (now < end ? now : new Date(end.getTime() - 1)).toISOString().slice(0, 10);
          const p = primaryOf(printed);
          if (p !== undefined && p !== v) y.printedActual = p;
        } else if (latestApproved.has(fy)) {
          const e = latestApproved.get(fy)!;
          y.actualCell = cellFromFigures(e.figures);
          y.actualOrigin = 'manual';
          y.actualAsOf = e.asOf;
        } else if (printed) {
          y.actualCell = printed;
          y.actualOrigin = 'historical';
        }
        y.rate = achievementRate(kpi, primaryOf(y.actualCell), y.effectiveTarget);
        out.push(y);
      }
      return out;
    },

    /** Planning staff set (or clear) a year's target. Audited with before/after. */
    async setTarget(code: string, fy: number, input: { figures: Record<string, number | null>; span?: number }, actor: Actor, ip?: string): Promise<void> {
      need(actor, PERM.edit);
      const kpi = await kpiRow(code);
      const period = await periodOfYear(fy);
      const errors: FieldError[] = [];
      if (!period) errors.push({ field: 'fiscalYear', message: { ja: '計画期間外の年度です', en: 'The fiscal year is outside any plan period' } });
      const span = input.span ?? 1;
      if (period && (!Number.isInteger(span) || span < 1 || fy + span - 1 > period.lastFy)) errors.push({ field: 'span', message: { ja: '結合する年度数が計画期間を超えています', en: 'The merged years go beyond the plan period' } });
      validateFigures(kpi, input.figures, errors);
      if (errors.length) throw validationFailed(errors);
      const empty = Object.values(input.figures).every((v) => v === null);
      await db().transaction().execute(async (trx) => {
        const before = await trx.selectFrom('plan_kpi_cells').select('cell').where('kpi', '=', code).where('fiscal_year', '=', fy).where('kind', '=', 'target').executeTakeFirst();
        if (empty) {
          await trx.deleteFrom('plan_kpi_cells').where('kpi', '=', code).where('fiscal_year', '=', fy).where('kind', '=', 'target').execute();
        } else {
          const cell: CellSeed = { values: input.figures, ...(span > 1 ? { span } : {}) };
          await trx.insertInto('plan_kpi_cells').values({ kpi: code, fiscal_year: fy, kind: 'target', cell: JSON.stringify(cell) as never, origin: 'plan', updated_by: actor.userId })
            .onConflict((oc) => oc.columns(['kpi', 'fiscal_year', 'kind']).doUpdateSet({ cell: JSON.stringify(cell) as never, origin: 'plan', updated_at: new Date(), updated_by: actor.userId }))
            .execute();
        }
        await ctx.audit.record({ action: 'plan.target_set', actor, subjectType: 'plan_kpi', subjectId: code, ip, details: { fiscalYear: fy, before: before ? parseJson(before.cell) : null, after: empty ? null : { values: input.figures, span } } }, trx);
      });
    },

    /** Planning staff bind a KPI to a published module statistic, or back to manual entry. Audited. */
    async setSource(code: string, source: KpiSeed['source'], actor: Actor, ip?: string): Promise<KpiSeed> {
      need(actor, PERM.edit);
      if (source.kind === 'statistic') {
        const errors: FieldError[] = [];
        if (!ctx.stats.get(source.statistic)) errors.push({ field: 'statistic', message: { ja: `統計 ${source.statistic} はどのモジュールからも公開されていません`, en: `No module publishes the statistic ${source.statistic}` } });
        if (source.aggregate !== 'period' && source.aggregate !== 'cumulative') errors.push({ field: 'aggregate', message: { ja: '集計方法が不正です', en: 'Invalid aggregate' } });
        if (errors.length) throw validationFailed(errors);
      }
      return db().transaction().execute(async (trx) => {
        const r = await trx.selectFrom('plan_kpis').select('spec').where('code', '=', code).forUpdate().executeTakeFirst();
        if (!r) throw notFound({ ja: '指標', en: 'KPI' });
        const spec = parseJson<KpiSeed>(r.spec);
        const before = spec.source;
        const next: KpiSeed = { ...spec, source: source.kind === 'manual' ? { kind: 'manual' } : { kind: 'statistic', statistic: source.statistic, aggregate: source.aggregate } };
        await trx.updateTable('plan_kpis').set({ spec: JSON.stringify(next) as never, updated_at: new Date(), updated_by: actor.userId }).where('code', '=', code).execute();
        await ctx.audit.record({ action: 'plan.kpi_source_set', actor, subjectType: 'plan_kpi', subjectId: code, ip, details: { before, after: next.source } }, trx);
        return next;
      });
    },

    /** Department staff enter a manual actual with evidence; it counts once checked and approved. */
    async enterActual(input: { kpi: string; fiscalYear: number; figures: Record<string, number | null>; asOf: string; note: string; files: UploadedFile[] }, actor: Actor, ip?: string): Promise<ActualEntry> {
      need(actor, PERM.enter);
      const kpi = await kpiRow(input.kpi);
      const errors: FieldError[] = [];
      const period = await periodOfYear(input.fiscalYear);
      if (!period) errors.push({ field: 'fiscalYear', message: { ja: '計画期間外の年度です', en: 'The fiscal year is outside any plan period' } });
      if (kpi.source.kind === 'statistic' && ctx.stats.get(kpi.source.statistic)) {
        errors.push({ field: 'kpi', message: { ja: 'この指標の実績はモジュールの統計から自動計算されるため、手入力できません', en: 'This KPI is computed from a module statistic and cannot be entered by hand' } });
      }
      validateFigures(kpi, input.figures, errors);
      if (input.figures.primary === null || input.figures.primary === undefined) errors.push({ field: 'primary', message: { ja: '実績値を入力してください', en: 'Enter the actual value' } });
      let asOfOk = false;
      try { endOfJstDay(input.asOf); asOfOk = true; } catch { /* reported below */ }
      if (!asOfOk) errors.push({ field: 'asOf', message: { ja: '基準日を YYYY-MM-DD で入力してください', en: 'Enter the as-of date as YYYY-MM-DD' } });
      else if (fiscalYearOf(new Date(endOfJstDay(input.asOf).getTime() - 1)) !== input.fiscalYear) errors.push({ field: 'asOf', message: { ja: '基準日が年度内にありません', en: 'The as-of date is not within the fiscal year' } });
      if (input.note.length > 2000) errors.push({ field: 'note', message: { ja: '備考は2,000文字以内で入力してください', en: 'The note must be at most 2,000 characters' } });
      if (input.files.length > MAX_EVIDENCE) errors.push({ field: 'evidence', message: { ja: `根拠資料は${MAX_EVIDENCE}件までです`, en: `At most ${MAX_EVIDENCE} evidence files` } });
      for (const f of input.files) if (f.data.length > ctx.config.maxAttachmentBytes) errors.push({ field: 'evidence', message: { ja: `${f.filename} が大きすぎます`, en: `${f.filename} is too large` } });
      if (errors.length) throw validationFailed(errors);
      return db().transaction().execute(async (trx) => {
        const evidence = [];
        for (const f of input.files) {
          const stored = await ctx.files.put({ filename: f.filename, contentType: f.contentType, data: f.data }, trx);
          evidence.push({ fileId: stored.id, filename: stored.filename, size: f.data.length });
        }
        const row = await trx.insertInto('plan_actual_entries').values({
          kpi: input.kpi, fiscal_year: input.fiscalYear, figures: JSON.stringify(input.figures) as never, as_of: input.asOf, note: input.note.trim(),
          evidence: JSON.stringify(evidence) as never, state: 'entered', entered_by: actor.userId ?? 'system', entered_by_name: actor.displayName,
        }).returningAll().executeTakeFirstOrThrow();
        await ctx.audit.record({ action: 'plan.actual_enter', actor, subjectType: 'plan_actual', subjectId: row.id, ip, details: { kpi: input.kpi, fiscalYear: input.fiscalYear, figures: input.figures, asOf: input.asOf, evidence: evidence.map((e) => e.filename) } }, trx);
        return entryOf(row);
      });
    },

    async entries(filter: { kpi?: string; fiscalYear?: number; state?: ActualEntry['state'] } = {}): Promise<ActualEntry[]> {
      let q = db().selectFrom('plan_actual_entries').selectAll().orderBy('entered_at', 'desc').limit(500);
      if (filter.kpi) q = q.where('kpi', '=', filter.kpi);
      if (filter.fiscalYear) q = q.where('fiscal_year', '=', filter.fiscalYear);
      if (filter.state) q = q.where('state', '=', filter.state);
      return (await q.execute()).map(entryOf);
    },

    async entry(id: string): Promise<ActualEntry> {
      if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound({ ja: '実績入力', en: 'entry' });
      const r = await db().selectFrom('plan_actual_entries').selectAll().where('id', '=', id).executeTakeFirst();
      if (!r) throw notFound({ ja: '実績入力', en: 'entry' });
      return entryOf(r);
    },

    /** entered → checked (planning staff) → approved (approver); either may reject. The three people must differ. */
    async decide(id: string, decision: 'check' | 'approve' | 'reject', actor: Actor, reason = '', ip?: string): Promise<ActualEntry> {
      need(actor, decision === 'check' ? PERM.check : decision === 'approve' ? PERM.approve : (actor.permissions.has(PERM.approve) ? PERM.approve : PERM.check));
      if (decision === 'reject' && !reason.trim()) throw validationFailed([{ field: 'reason', message: { ja: '差戻しの理由を入力してください', en: 'Give a reason for rejecting' } }]);
      return db().transaction().execute(async (trx) => {
        const r = await trx.selectFrom('plan_actual_entries').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
        if (!r) throw notFound({ ja: '実績入力', en: 'entry' });
        const e = entryOf(r);
        const from = decision === 'check' ? ['entered'] : decision === 'approve' ? ['checked'] : ['entered', 'checked'];
        if (!from.includes(e.state)) {
          throw conflict('illegal_transition', { ja: `状態「${STATE_JA[e.state]}」の実績には実行できません`, en: `Not possible for an entry that is ${e.state}` });
        }
        if (actor.userId === e.enteredBy || (decision === 'approve' && actor.userId === e.checkedBy)) {
          throw new AppError(403, 'separation_of_duties', { ja: '入力・確認・承認は別の職員が行う必要があります', en: 'Entering, checking and approving must be done by different people' });
        }
        const now = new Date();
        const set = decision === 'check' ? { state: 'checked', checked_by: actor.userId, checked_at: now }
          : decision === 'approve' ? { state: 'approved', approved_by: actor.userId, approved_at: now }
          : { state: 'rejected', rejected_by: actor.userId, rejected_at: now, reason: reason.trim() };
        const row = await trx.updateTable('plan_actual_entries').set(set as never).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
        await ctx.audit.record({ action: `plan.actual_${decision}`, actor, subjectType: 'plan_actual', subjectId: id, ip, details: { kpi: e.kpi, fiscalYear: e.fiscalYear, figures: e.figures, ...(reason ? { reason } : {}) } }, trx);
        return entryOf(row);
      });
    },

    /** An evidence file of an entry, for staff who may read the plan; every read is audited. */
    async evidence(id: string, fileId: string, actor: Actor, ip?: string) {
      need(actor, PERM.read);
      const e = await svc.entry(id);
      if (!e.evidence.some((f) => f.fileId === fileId)) throw notFound({ ja: '根拠資料', en: 'evidence' });
      const file = await ctx.files.read(fileId);
      if (!file) throw notFound({ ja: '根拠資料', en: 'evidence' });
      await ctx.audit.record({ action: 'plan.evidence_read', actor, subjectType: 'plan_actual', subjectId: id, ip, details: { fileId, filename: file.file.filename } });
      return file;
    },

    async results(fy: number): Promise<ResultRecord[]> {
      const rows = await db().selectFrom('plan_results').selectAll().where('fiscal_year', '=', fy).orderBy('sort').execute();
      return rows.map((r) => ({ id: r.id, node: r.node, fiscalYear: r.fiscal_year, text: { ja: r.text_ja, ...(r.text_en ? { en: r.text_en } : {}) }, department: r.department, statistics: parseJson<string[]>(r.statistics), status: r.status as ResultSeed['status'] }));
    },

    /** Planning staff add a results record (実績) to a plan item. */
    async addResult(input: { node: string; fiscalYear: number; textJa: string; department: string; status: ResultSeed['status']; statistics: string[] }, actor: Actor, ip?: string): Promise<ResultRecord> {
      need(actor, PERM.edit);
      const errors: FieldError[] = [];
      if (!(await svc.node(input.node))) errors.push({ field: 'node', message: { ja: '計画項目が見つかりません', en: 'Unknown plan item' } });
      if (!input.textJa.trim() || input.textJa.length > 5000) errors.push({ field: 'textJa', message: { ja: '実績の本文は1〜5,000文字で入力してください', en: 'The text must be 1–5,000 characters' } });
      if (!(await periodOfYear(input.fiscalYear))) errors.push({ field: 'fiscalYear', message: { ja: '計画期間外の年度です', en: 'The fiscal year is outside any plan period' } });
      if (!['achieved', 'in_progress', 'not_achieved', 'reported'].includes(input.status)) errors.push({ field: 'status', message: { ja: '状況が不正です', en: 'Invalid status' } });
      for (const k of input.statistics) if (!ctx.stats.get(k)) errors.push({ field: 'statistics', message: { ja: `統計 ${k} は公開されていません`, en: `Statistic ${k} is not published` } });
      if (errors.length) throw validationFailed(errors);
      return db().transaction().execute(async (trx) => {
        const { max } = await trx.selectFrom('plan_results').select(sql<number>`coalesce(max(sort), 0)`.as('max')).executeTakeFirstOrThrow();
        const row = await trx.insertInto('plan_results').values({
          id: sql`gen_random_uuid()` as never, node: input.node, fiscal_year: input.fiscalYear, text_ja: input.textJa.trim(), text_en: null,
          department: input.department.trim() || null, statistics: JSON.stringify(input.statistics) as never, status: input.status, sort: Number(max) + 1, seed_line: null, updated_by: actor.userId,
        }).returningAll().executeTakeFirstOrThrow();
        await ctx.audit.record({ action: 'plan.result_add', actor, subjectType: 'plan_result', subjectId: row.id, ip, details: { node: input.node, fiscalYear: input.fiscalYear } }, trx);
        return { id: row.id, node: row.node, fiscalYear: row.fiscal_year, text: { ja: row.text_ja }, department: row.department, statistics: input.statistics, status: input.status };
      });
    },
  };
  return svc;
}

export const STATE_JA: Record<ActualEntry['state'], string> = { entered: '入力済', checked: '確認済', approved: '承認済', rejected: '差戻し' };

function validateFigures(kpi: KpiSeed, figures: Record<string, number | null>, errors: FieldError[]) {
  for (const [k, v] of Object.entries(figures)) {
    const m = kpi.measures.find((x) => x.key === k);
    if (!m) { errors.push({ field: k, message: { ja: `指標にない項目 ${k} です`, en: `Unknown measure ${k}` } }); continue; }
    if (v !== null && (!Number.isFinite(v) || Math.abs(v) > 1e12)) errors.push({ field: k, message: { ja: `${m.name.ja}は数値で入力してください`, en: `${m.name.en ?? m.key} must be a number` } });
    if (v !== null && m.format === 'percent' && (v < 0 || v > 1000)) errors.push({ field: k, message: { ja: `${m.name.ja}は0〜1000(%)で入力してください`, en: `${m.name.en ?? m.key} must be 0–1000 %` } });
  }
}

export type PlanService = ReturnType<typeof createPlanService>;
