// What the desk and J-CRAT publish to the statistics registry (ctx.stats): the figures of a period
// and the report's two tables (chapter I/1/(1-1)/① c: the desk, d: J-CRAT), by half-year.
import type { StatisticDefinition, StatTableDefinition } from '../../platform/stats/statistics.js';
import type { AppContext } from '../../platform/context.js';
import { fiscalYear } from '../../platform/i18n/dates.js';
import { CONSULTATION, ITEM, JCRAT } from './case-types.js';
import { halfYears, periodCounts, type PeriodCounts } from './service.js';

export const taStatistics: StatisticDefinition[] = [
  {
    key: 'targeted-attack.items', unit: '件',
    title: { ja: '標的型攻撃メールや不審ファイル、公開情報となっているサイバー脅威情報の受領件数', en: 'Targeted-attack e-mails, suspicious files and public threat information received' },
    async period(ctx, from, to) {
      return ctx.cases.countReceived(ITEM, from, to);
    },
  },
  { key: 'targeted-attack.items.email', unit: '件', title: { ja: '受領件数（標的型攻撃メール）', en: 'Received: suspicious e-mails' }, period: (ctx, from, to) => ctx.cases.countReceived(ITEM, from, to, { kind: 'email' }) },
  { key: 'targeted-attack.items.file', unit: '件', title: { ja: '受領件数（不審ファイル）', en: 'Received: suspicious files' }, period: (ctx, from, to) => ctx.cases.countReceived(ITEM, from, to, { kind: 'file' }) },
  { key: 'targeted-attack.items.threat_info', unit: '件', title: { ja: '受領件数（公開脅威情報）', en: 'Received: public threat information' }, period: (ctx, from, to) => ctx.cases.countReceived(ITEM, from, to, { kind: 'threat_info' }) },
  {
    key: 'targeted-attack.consultations', unit: '件',
    title: { ja: '標的型サイバー攻撃の特別相談窓口への相談対応件数', en: 'Consultations handled by the special consultation desk' },
    period: (ctx, from, to) => ctx.cases.countReceived(CONSULTATION, from, to),
  },
  {
    key: 'targeted-attack.jcrat.remote', unit: '件',
    title: { ja: 'J-CRAT リモート対応件数（メール・電話）', en: 'J-CRAT remote support (mail/phone)' },
    period: (ctx, from, to) => ctx.cases.countEvents(JCRAT, from, to, { transition: 'start_remote' }),
  },
  {
    key: 'targeted-attack.jcrat.onsite', unit: '件',
    title: { ja: 'J-CRAT オンサイト対応件数（リモート対応のうち現地・対面）', en: 'J-CRAT on-site support (of the remote cases)' },
    period: (ctx, from, to) => ctx.cases.countEvents(JCRAT, from, to, { transition: 'escalate_onsite' }),
  },
];

async function halves(ctx: AppContext, fy: number): Promise<[PeriodCounts, PeriodCounts, PeriodCounts]> {
  const [h1, h2] = halfYears(fy);
  const p = fiscalYear(fy);
  return Promise.all([periodCounts(ctx, h1.from, h1.to), periodCounts(ctx, h2.from, h2.to), periodCounts(ctx, p.from, p.to)]);
}

const COLUMNS = [{ ja: '区分', en: 'Category' }, { ja: '上半期', en: 'H1 (Apr–Sep)' }, { ja: '下半期', en: 'H2 (Oct–Mar)' }, { ja: '年度計', en: 'Fiscal year' }];
const cells = (list: PeriodCounts[], f: (c: PeriodCounts) => number) => list.map(f);

export const taTables: StatTableDefinition[] = [
  {
    key: 'targeted-attack.desk',
    chapter: 'I/1/(1-1)/①/c',
    title: { ja: '標的型サイバー攻撃の特別相談窓口の受領・相談対応件数', en: 'Special consultation desk: items received and consultations' },
    async compute(ctx, fy) {
      const list = await halves(ctx, fy);
      return {
        columns: COLUMNS,
        rows: [
          { label: { ja: '標的型攻撃メールや不審ファイル、公開脅威情報の受領', en: 'E-mails, suspicious files and public threat information received' }, cells: cells(list, (c) => c.items) },
          { label: { ja: '（うち標的型攻撃メール）', en: '(suspicious e-mails)' }, cells: cells(list, (c) => c.itemsByKind.email) },
          { label: { ja: '（うち不審ファイル）', en: '(suspicious files)' }, cells: cells(list, (c) => c.itemsByKind.file) },
          { label: { ja: '（うち公開脅威情報）', en: '(public threat information)' }, cells: cells(list, (c) => c.itemsByKind.threat_info) },
          { label: { ja: '特別相談窓口への相談対応', en: 'Consultations handled' }, cells: cells(list, (c) => c.consultations) },
        ],
        notes: [{ ja: `${fiscalYear(fy).label.ja}。受付日（日本時間）で集計。`, en: `${fiscalYear(fy).label.en}, counted by date of receipt (JST).` }],
      };
    },
  },
  {
    key: 'targeted-attack.jcrat',
    chapter: 'I/1/(1-1)/①/d',
    title: { ja: 'サイバーレスキュー隊（J-CRAT）の活動件数', en: 'J-CRAT activity' },
    async compute(ctx, fy) {
      const list = await halves(ctx, fy);
      return {
        columns: COLUMNS,
        rows: [
          { label: { ja: 'メールや電話などを使ったリモート対応', en: 'Remote support (mail, phone)' }, cells: cells(list, (c) => c.jcratRemote) },
          { label: { ja: 'うち現地・対面でのオンサイト対応', en: 'of which on-site / face-to-face support' }, cells: cells(list, (c) => c.jcratOnsite) },
        ],
        notes: [{ ja: 'リモート対応は対応開始日、オンサイト対応は移行日で集計。', en: 'Remote support counted when it started; on-site support when the case escalated.' }],
      };
    },
  },
];
