// The statistics registry: every module publishes typed, period-aware figures and ready-made
// tables here, and reports and KPIs read only these, never another module's tables. A figure is
// always recomputed from the module's data for the period asked, so that a published figure can be
// reproduced later for the same period.
import type { AppContext } from '../context.js';
import type { Text } from '../i18n/i18n.js';
import { fiscalYear } from '../i18n/dates.js';

export interface StatisticDefinition {
  /** Stable key, prefixed with the module name: 'vuln-desk.received'. */
  key: string;
  title: Text;
  /** Unit as the report prints it: 件, 社, 名 … */
  unit: string;
  description?: Text;
  /** Count of what happened in [from, to). */
  period(ctx: AppContext, from: Date, to: Date): Promise<number>;
  /** Total as of an instant (exclusive); defaults to period(-∞, at). */
  cumulative?(ctx: AppContext, at: Date): Promise<number>;
}

export interface StatTable {
  columns: Text[];
  rows: Array<{ label: Text; cells: Array<string | number | null> }>;
  notes?: Text[];
}

export interface StatTableDefinition {
  /** Stable key, prefixed with the module name. */
  key: string;
  title: Text;
  /** Plan node (report chapter section) the table belongs to, e.g. 'I/1'. */
  chapter?: string;
  compute(ctx: AppContext, fiscalYear: number): Promise<StatTable>;
}

export interface PublishedStatistic extends StatisticDefinition { module: string }
export interface PublishedTable extends StatTableDefinition { module: string }

export interface Statistics {
  publish(module: string, defs: { statistics?: StatisticDefinition[]; tables?: StatTableDefinition[] }): void;
  list(): PublishedStatistic[];
  get(key: string): PublishedStatistic | undefined;
  /** The figure for a fiscal year: within the year ('period') or its total at the year's end ('cumulative'), optionally only up to `until`. */
  fiscalYearValue(key: string, fy: number, aggregate: 'period' | 'cumulative', until?: Date): Promise<number>;
  /** The figure for any period [from, to), e.g. a calendar year or quarter (see calendarQuarter in i18n/dates). */
  between(key: string, from: Date, to: Date): Promise<number>;
  tables(): PublishedTable[];
  table(key: string, fy: number): Promise<StatTable>;
}

const EPOCH = new Date(0);

export function createStatistics(ctx: AppContext): Statistics {
  const stats = new Map<string, PublishedStatistic>();
  const tables = new Map<string, PublishedTable>();
  const unknown = (key: string) => new RangeError(`unknown statistic ${key}`);
  return {
    publish(module, defs) {
      for (const s of defs.statistics ?? []) {
        if (stats.has(s.key)) throw new Error(`statistic ${s.key} published twice`);
        stats.set(s.key, { ...s, module });
      }
      for (const tb of defs.tables ?? []) {
        if (tables.has(tb.key)) throw new Error(`statistics table ${tb.key} published twice`);
        tables.set(tb.key, { ...tb, module });
      }
    },
    list: () => [...stats.values()],
    get: (key) => stats.get(key),
    async fiscalYearValue(key, fy, aggregate, until) {
      const s = stats.get(key);
      if (!s) throw unknown(key);
      const p = fiscalYear(fy);
      const to = until && until < p.to ? until : p.to;
      if (aggregate === 'period') return to <= p.from ? 0 : s.period(ctx, p.from, to);
      return s.cumulative ? s.cumulative(ctx, to) : s.period(ctx, EPOCH, to);
    },
    async between(key, from, to) {
      const s = stats.get(key);
      if (!s) throw unknown(key);
      return to <= from ? 0 : s.period(ctx, from, to);
    },
    tables: () => [...tables.values()],
    async table(key, fy) {
      const tb = tables.get(key);
      if (!tb) throw unknown(key);
      return tb.compute(ctx, fy);
    },
  };
}
