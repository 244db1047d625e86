// What the advisory database publishes to ctx.stats: registrations (登録件数) of a period and the
// cumulative total, and the report's monthly table for a fiscal year.
import type { StatisticDefinition, StatTableDefinition } from '../../platform/stats/statistics.js';
import { fiscalYear } from '../../platform/i18n/dates.js';
import type { AdvisoriesService } from './service.js';

const svc = (ctx: { services: Map<string, unknown> }) => ctx.services.get('advisories') as AdvisoriesService;

export const advisoryStatistics: StatisticDefinition[] = [{
  key: 'advisories.registered', unit: '件',
  title: { ja: '脆弱性対策情報データベース（JVN iPedia）登録件数', en: 'Advisories registered in the vulnerability database' },
  description: { ja: '初めて公開（登録）された日で数える。累計は FY2020 以前の件数（集計値）を含む。', en: 'Counted by the date of first publication (registration); the cumulative total includes the counted pre-FY2020 history.' },
  period: (ctx, from, to) => svc(ctx).registeredBetween(from, to),
  cumulative: (ctx, at) => svc(ctx).registeredBefore(at),
}];

export const advisoryTables: StatTableDefinition[] = [{
  key: 'advisories.registered-monthly',
  chapter: 'I/1/(1-2)',
  title: { ja: '脆弱性対策情報データベース登録件数（月別）', en: 'Advisories registered per month' },
  async compute(ctx, fy) {
    const m = await svc(ctx).monthly(fy);
    const n = (x: number) => x.toLocaleString('ja-JP');
    return {
      columns: [...m.months.map((x) => ({ ja: `${x.month}月`, en: `${x.year}-${String(x.month).padStart(2, '0')}` })), { ja: '合計', en: 'Total' }, { ja: '累計', en: 'Cumulative' }],
      rows: [{ label: { ja: '登録件数', en: 'Registered' }, cells: [...m.months.map((x) => n(x.count)), n(m.total), n(m.cumulative)] }],
      notes: [{ ja: `${fiscalYear(fy).label.ja}。累計は年度末時点。`, en: `${fiscalYear(fy).label.en}; cumulative total at the end of the year.` }],
    };
  },
}];
