// What J-CSIP publishes to the statistics registry: provisions received, items shared and new
// participants of any period, and the report's table (chapter I/1/(1-1)/① a) by fiscal quarter.
import type { StatisticDefinition, StatTableDefinition } from '../../platform/stats/statistics.js';
import { fiscalQuarter, fiscalYear } from '../../platform/i18n/dates.js';
import { countNewParticipants, countProvisions, countShares, participantsAt } from './service.js';

export const jcsipStatistics: StatisticDefinition[] = [
  { key: 'jcsip.provisions', unit: '件', title: { ja: '参加組織からの情報提供件数', en: 'Provisions received from participants' }, period: countProvisions },
  { key: 'jcsip.shares', unit: '件', title: { ja: '情報共有実施件数', en: 'Items shared with participants' }, period: countShares },
  {
    key: 'jcsip.participants.new', unit: '組織', title: { ja: '新規参加組織数（SIG）', en: 'New participating organisations (SIGs)' },
    period: (ctx, from, to) => countNewParticipants(ctx, from, to),
    cumulative: async (ctx, at) => (await participantsAt(ctx, at)).filter((p) => p.kind === 'sig').reduce((a, p) => a + p.organisations, 0),
  },
];

const Q = [1, 2, 3, 4] as const;

export const jcsipTables: StatTableDefinition[] = [{
  key: 'jcsip.operations',
  chapter: 'I/1/(1-1)/①/a',
  title: { ja: 'サイバー情報共有イニシアティブ（J-CSIP）の運用状況', en: 'J-CSIP operations' },
  async compute(ctx, fy) {
    const quarters = Q.map((q) => fiscalQuarter(fy, q));
    const year = fiscalYear(fy);
    const periods = [...quarters, year];
    const row = async (f: (from: Date, to: Date) => Promise<number>) => Promise.all(periods.map((p) => f(p.from, p.to)));
    const participants = await participantsAt(ctx, year.to);
    const sigs = participants.filter((p) => p.kind === 'sig');
    const schemes = participants.filter((p) => p.kind === 'scheme');
    const sigOrgs = sigs.reduce((a, p) => a + p.organisations, 0);
    const hosp = schemes.find((s) => s.sigId === 'hospitals');
    const water = schemes.find((s) => s.sigId === 'water');
    return {
      columns: [{ ja: '区分', en: 'Category' }, ...quarters.map((_, i) => ({ ja: `第${i + 1}四半期`, en: `Q${i + 1}` })), { ja: '年度計', en: 'Fiscal year' }],
      rows: [
        { label: { ja: '参加組織からの情報提供件数', en: 'Provisions received' }, cells: await row((a, b) => countProvisions(ctx, a, b)) },
        { label: { ja: '情報共有実施件数', en: 'Items shared' }, cells: await row((a, b) => countShares(ctx, a, b)) },
        { label: { ja: '新規参加組織数', en: 'New participants' }, cells: await row((a, b) => countNewParticipants(ctx, a, b)) },
      ],
      notes: [
        { ja: `年度末の参加組織数：${sigs.filter((s) => s.organisations > 0).length}SIG ${sigOrgs} 参加組織＋${schemes.length} 情報連携体制（病院等 ${hosp?.organisations ?? 0} 組織（約 ${(hosp?.facilities ?? 0).toLocaleString('ja-JP')} 施設）＋水道 ${water?.organisations ?? 0} 組織）`,
          en: `At the year's end: ${sigOrgs} organisations in ${sigs.filter((s) => s.organisations > 0).length} SIGs + ${schemes.length} linkage schemes (hospitals: ${hosp?.organisations ?? 0} organisations, about ${(hosp?.facilities ?? 0).toLocaleString('en-US')} facilities; water: ${water?.organisations ?? 0})` },
        { ja: `${year.label.ja}。受付日・共有日・参加日（日本時間）で集計。`, en: `${year.label.en}, by date received, shared and joined (JST).` },
      ],
    };
  },
}];
