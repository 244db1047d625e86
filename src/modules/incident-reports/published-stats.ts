// What the desk publishes to the statistics registry (ctx.stats): the received and damaged counts
// of a period per notification type, and the annual report's table for I/1/(1-1)/③/a.
import type { StatisticDefinition, StatTableDefinition } from '../../platform/stats/statistics.js';
import { fiscalYear } from '../../platform/i18n/dates.js';
import { UNAUTHORIZED, VIRUS } from './case-types.js';

export const incidentStatistics: StatisticDefinition[] = [
  {
    key: 'incident-reports.virus.received', unit: '件',
    title: { ja: 'コンピュータウイルス届出の受付件数', en: 'Computer virus reports received' },
    period: (ctx, from, to) => ctx.cases.countReceived(VIRUS, from, to),
  },
  {
    key: 'incident-reports.virus.damaged', unit: '件',
    title: { ja: 'コンピュータウイルス届出のうち被害有り', en: 'Computer virus reports with damage' },
    period: (ctx, from, to) => ctx.cases.countReceived(VIRUS, from, to, { damaged: true }),
  },
  {
    key: 'incident-reports.unauthorized.received', unit: '件',
    title: { ja: 'コンピュータ不正アクセス届出の受付件数', en: 'Unauthorised access reports received' },
    period: (ctx, from, to) => ctx.cases.countReceived(UNAUTHORIZED, from, to),
  },
  {
    key: 'incident-reports.unauthorized.damaged', unit: '件',
    title: { ja: 'コンピュータ不正アクセス届出のうち被害有り', en: 'Unauthorised access reports with damage' },
    period: (ctx, from, to) => ctx.cases.countReceived(UNAUTHORIZED, from, to, { damaged: true }),
  },
];

const n = (x: number) => x.toLocaleString('ja-JP');

export const incidentTables: StatTableDefinition[] = [{
  key: 'incident-reports.received',
  chapter: 'I/1/(1-1)/③/a',
  title: { ja: 'コンピュータウイルス・不正アクセス届出の受付状況', en: 'Computer virus and unauthorised access reports received' },
  async compute(ctx, fy) {
    const p = fiscalYear(fy);
    const [v, vd, u, ud] = await Promise.all([
      ctx.cases.countReceived(VIRUS, p.from, p.to), ctx.cases.countReceived(VIRUS, p.from, p.to, { damaged: true }),
      ctx.cases.countReceived(UNAUTHORIZED, p.from, p.to), ctx.cases.countReceived(UNAUTHORIZED, p.from, p.to, { damaged: true }),
    ]);
    return {
      columns: [{ ja: '区分', en: 'Category' }, { ja: '受付件数', en: 'Received' }, { ja: 'うち被害有り', en: 'Of which with damage' }],
      rows: [
        { label: { ja: 'コンピュータウイルス届出', en: 'Computer virus reports' }, cells: [n(v), n(vd)] },
        { label: { ja: 'コンピュータ不正アクセス届出', en: 'Unauthorised access reports' }, cells: [n(u), n(ud)] },
      ],
      notes: [{ ja: `${p.label.ja}（4月〜翌3月）に受け付けた届出。経済産業省告示に基づく。`, en: `Reports received in ${p.label.en} (April–March), under the METI notices.` }],
    };
  },
}];
