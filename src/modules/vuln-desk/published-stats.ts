// What the desk publishes to the statistics registry (ctx.stats) for KPIs and the annual report:
// the flows of a period and the report's table 「脆弱性関連情報の受付・終了件数」.
import type { StatisticDefinition, StatTableDefinition } from '../../platform/stats/statistics.js';
import { fiscalYear } from '../../platform/i18n/dates.js';
import { PRODUCT, WEB } from './case-types.js';
import { computeStatistics, type Figure } from './stats.js';

export const deskStatistics: StatisticDefinition[] = [
  {
    key: 'vuln-desk.received', unit: '件',
    title: { ja: '脆弱性関連情報の届出受付件数', en: 'Vulnerability reports received' },
    async period(ctx, from, to) {
      const [p, w] = await Promise.all([ctx.cases.countReceived(PRODUCT, from, to), ctx.cases.countReceived(WEB, from, to)]);
      return p + w;
    },
  },
  {
    key: 'vuln-desk.received.product', unit: '件',
    title: { ja: '届出受付件数（ソフトウエア製品）', en: 'Reports received (software products)' },
    period: (ctx, from, to) => ctx.cases.countReceived(PRODUCT, from, to),
  },
  {
    key: 'vuln-desk.received.web', unit: '件',
    title: { ja: '届出受付件数（ウェブサイト）', en: 'Reports received (websites)' },
    period: (ctx, from, to) => ctx.cases.countReceived(WEB, from, to),
  },
  {
    key: 'vuln-desk.published', unit: '件',
    title: { ja: '脆弱性対策情報の公表件数', en: 'Advisories published from reports' },
    period: (ctx, from, to) => ctx.cases.countEvents(PRODUCT, from, to, { toState: 'published' }),
  },
  {
    key: 'vuln-desk.provided.operators', unit: '件',
    title: { ja: 'ウェブサイト運営者への脆弱性関連情報の提供', en: 'Details provided to website operators' },
    period: (ctx, from, to) => ctx.cases.countEvents(WEB, from, to, { transition: 'provide_details' }),
  },
];

const cell = (f: Figure) => `${f.total.toLocaleString('ja-JP')}（+${f.increase.toLocaleString('ja-JP')}）`;

export const deskTables: StatTableDefinition[] = [{
  key: 'vuln-desk.received-closed',
  chapter: 'I/1/(1-2)/①/a',
  title: { ja: '脆弱性関連情報の受付・終了件数', en: 'Vulnerability reports received and closed' },
  async compute(ctx, fy) {
    const p = fiscalYear(fy);
    const s = await computeStatistics(ctx.cases, p.from, p.to);
    return {
      columns: [{ ja: '区分', en: 'Category' }, { ja: '累計（年度の増加）', en: 'Total (increase in the year)' }],
      rows: [
        { label: { ja: '受付件数 製品', en: 'Received: products' }, cells: [cell(s.received.product)] },
        { label: { ja: '（開発者届）', en: '(developer self-reports)' }, cells: [`（${s.received.developerReports.total.toLocaleString('ja-JP')}）`] },
        { label: { ja: '受付件数 ウェブ', en: 'Received: websites' }, cells: [cell(s.received.web)] },
        { label: { ja: '受付件数 合計', en: 'Received: total' }, cells: [cell(s.received.total)] },
        { label: { ja: '提供/公表（終了）件数 製品', en: 'Closed: products' }, cells: [cell(s.closed.product)] },
        { label: { ja: '（公表）', en: '(published)' }, cells: [`（${cell(s.closed.published)}）`] },
        { label: { ja: '提供/公表（終了）件数 ウェブ', en: 'Closed: websites' }, cells: [cell(s.closed.web)] },
        { label: { ja: '提供/公表（終了）件数 合計', en: 'Closed: total' }, cells: [cell(s.closed.total)] },
        { label: { ja: '製品 取扱中（うち JPCERT/CC へ未送付）', en: 'Products in handling (not yet sent to JPCERT/CC)' }, cells: [`${s.inHandling.product.total.toLocaleString('ja-JP')}（${s.inHandling.product.notSentToCoordinator}）`] },
        { label: { ja: 'ウェブ 取扱中（運営者未連絡／詳細未送付）', en: 'Websites in handling (operator not contacted / details not sent)' }, cells: [`${s.inHandling.web.total.toLocaleString('ja-JP')}（${s.inHandling.web.operatorNotContacted}／${s.inHandling.web.detailsNotSent}）`] },
      ],
      notes: [{ ja: `${p.label.ja}末時点。制度開始（2004年）以来の累計。`, en: `As of the end of ${p.label.en}; totals since the scheme began (2004).` }],
    };
  },
}];
