// The mid-term plan (中期計画) as data: plan tree, KPIs (定量的指標) with yearly targets and
// actuals, results records (実績), and the report model that every output (HTML, XLSX, CSV, JSON,
// SVG charts) is rendered from. Seed data (src/modules/plan/data/) and the database use the same shapes.
import type { Text } from '../../platform/i18n/i18n.js';

/** Optional English: the report is Japanese; English is given where we have it. */
export interface JaText { ja: string; en?: string }

export type PlanNodeKind = 'chapter' | 'section' | 'item' | 'subitem' | 'measure' | 'annual';

/**
 * A node of the plan tree as the report numbers it: chapters I–IV → 1, 2, 3 → (1), (2) / (1-1) →
 * ①, ② → annual-plan items a., b. Codes are paths joined with '/', e.g. 'I', 'I/1', 'I/1/(1-2)',
 * 'I/1/(1-2)/①', 'I/1/(1-2)/①/a'. They are stable identifiers, used in URLs and bindings.
 */
export interface PlanNodeSeed {
  code: string;
  parent: string | null;
  kind: PlanNodeKind;
  /** The number as printed: 'I', '1', '(1-2)', '①', 'a.' */
  label: string;
  title: JaText;
  /** Body text of the plan item (first paragraph as printed), if any. */
  text?: JaText;
  /** Line of ../shared/seed/000_*.txt where the heading is. */
  seedLine: number;
}

/** How a value is written: 100社, 51.9%, △3.1%, 3分の2. */
export type ValueFormat = 'number' | 'percent' | 'reduction';

export interface MeasureSeed {
  /** 'primary' for the first measure; e.g. 'usefulness', 'stepUp' for the others. */
  key: string;
  name: JaText;
  /** Unit appended after the number: 社, 件, 名, 組織, 人, 分野, % … ('' for none). */
  unit: string;
  format: ValueFormat;
  /** How a secondary measure is printed after the primary: '(93%)' or '503社※'. */
  secondary?: 'paren' | 'footnote';
}

/** A number as printed. `decimals` keeps '△3.0%' distinct from '△3%'; `text` for what is not a number format ('3分の2'). */
export type CellValue = number | { value: number; decimals?: number; text?: string };

export interface CellSeed {
  /** Measure key → value; null prints '—' (used when a secondary measure is present but the primary is not). */
  values: Record<string, CellValue | null>;
  /** A merged cell covering this and the next span-1 fiscal years (the printed table leaves them blank). */
  span?: number;
}

export interface KpiNoteSeed {
  kind: 'note' | 'discrepancy' | 'definition_change';
  text: JaText;
  /** Seed lines the note refers to. */
  lines?: number[];
}

/** Where a KPI's actuals come from after the historical years. */
export type KpiSourceSeed =
  | { kind: 'manual' }
  /** A statistic published by a module (ctx.stats); 'period' = value within the fiscal year, 'cumulative' = total at its end. */
  | { kind: 'statistic'; statistic: string; aggregate: 'period' | 'cumulative' };

export interface KpiSeed {
  /** e.g. 'I/1/kpi-①', 'II/kpi-①' */
  code: string;
  /** Plan node the KPI belongs to (the chapter section whose table prints it), e.g. 'I/1'. */
  node: string;
  /** As printed before the statement: '①' (chapter II/IV tables may print none: use '①' in order). */
  symbol: string;
  /** Short name for dashboards. */
  name: JaText;
  /** The statement as printed above the table (full sentence). */
  statement: JaText;
  /** Heading printed for the table if any, e.g. '<一般管理費>'. */
  caption?: string;
  direction: 'higher' | 'lower';
  measures: MeasureSeed[];
  /** Row labels as printed: default '目標' / '実績'; KPI I.1-③ prints '目標 (役立ち度)'. */
  rowLabels?: { target: string; actual: string };
  /** Fiscal year → printed cells (historical years only; later years come from the source). */
  years: Record<number, { target?: CellSeed; actual?: CellSeed }>;
  /** Mid-term period target, when the statement gives one (e.g. 500社 over FY2018–2022). */
  periodTarget?: { value: number; text: JaText };
  source: KpiSourceSeed;
  /** Whether a year's actual is that year's own figure ('period', default) or a running total ('cumulative'); used for year-end projections. */
  accumulation?: 'period' | 'cumulative';
  /** A reference indicator (参考指標): shown apart from the report's KPI tables. */
  reference?: boolean;
  notes: KpiNoteSeed[];
  /** [first, last] seed line of the statement and its table. */
  seedLines: [number, number];
}

/** A results record (実績) of a plan item for a fiscal year: the bullets of 「主な実績」. */
export interface ResultSeed {
  node: string;
  fiscalYear: number;
  text: JaText;
  department?: string;
  /** Statistic keys (ctx.stats) whose figures the text quotes. */
  statistics?: string[];
  status: 'achieved' | 'in_progress' | 'not_achieved' | 'reported';
  seedLine: number;
}

export interface PlanPeriodSeed {
  code: string; // 'P4'
  name: JaText; // 第四期中期目標期間
  firstFy: number;
  lastFy: number;
}

// ---------------------------------------------------------------------------------------------
// The generated report model (one fiscal year). Outputs render only this.

export interface ReportCell {
  /** Text as the printed table shows it ('—' when there is nothing). */
  text: string;
  /** Numbers behind the text, by measure key. */
  values?: Record<string, number | null>;
  /** Columns covered (merged cells). */
  span?: number;
  /** Where the figure came from: historical (as printed), statistic (recomputed), manual (approved entry). */
  origin?: 'historical' | 'statistic' | 'manual' | 'target';
  /** Achievement mark for actual cells: met / not met against that year's target. */
  mark?: 'met' | 'missed';
}

export interface KpiTableModel {
  kpi: string;
  symbol: string;
  name: JaText;
  statement: JaText;
  caption?: string;
  /** Column headers: '年度' then the fiscal years as the report writes them (平成30年度 …). */
  years: number[];
  header: string[];
  rows: Array<{ label: string; kind: 'target' | 'actual' | 'rate'; cells: ReportCell[] }>;
  notes: KpiNoteSeed[];
  /** Inline SVG chart of actual vs target over the years (ECharts, server-rendered). */
  chartSvg?: string;
}

/** A statistics table that a module provides (ctx.stats tables), already computed for the year. */
export interface StatTableModel {
  key: string;
  module: string;
  title: Text;
  columns: Text[];
  rows: Array<{ label: Text; cells: Array<string | number | null> }>;
  notes?: Text[];
}

export interface ReportChapterModel {
  node: string;
  label: string;
  title: JaText;
  kpis: KpiTableModel[];
  results: Array<{ node: string; nodeLabel: string; nodeTitle: JaText; text: JaText; department?: string; status: ResultSeed['status'] }>;
  tables: StatTableModel[];
}

export interface ReportModel {
  fiscalYear: number;
  title: JaText;
  period: PlanPeriodSeed;
  generatedAt: string;
  /** Revision of a finalised report (0 = live draft, not finalised). */
  revision: number;
  chapters: ReportChapterModel[];
}
