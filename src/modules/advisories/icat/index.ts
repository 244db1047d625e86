// icat (サイバーセキュリティ注意喚起サービス): an embeddable widget and JSON feed of the latest alerts and
// high-severity advisories, site registration with keys, and the count of embedding sites.
// See docs/modules/advisories/icat.md.
import type { AppContext } from '../../../platform/context.js';
import { fiscalYear } from '../../../platform/i18n/dates.js';
import type { AdvisoriesPart } from '../part.js';
import { icatMigrations } from './migrations.js';
import { icatRoutes } from './routes.js';
import { loadIcatDemo } from './demo.js';
import { ICAT_PERM, createIcatService, type IcatService } from './service.js';

const services = new WeakMap<AppContext, IcatService>();
export function icatOf(ctx: AppContext): IcatService {
  let s = services.get(ctx);
  if (!s) { s = createIcatService(ctx); services.set(ctx, s); }
  return s;
}

export const part: AdvisoriesPart = {
  name: 'icat',
  migrations: icatMigrations,
  permissions: {
    [ICAT_PERM]: { roles: ['analyst', 'publisher'], description: { ja: 'icat 登録サイトの閲覧・停止', en: 'View and suspend icat sites' } },
  },
  routes: (app, ctx) => icatRoutes(app, ctx, icatOf(ctx)),
  statistics: [{
    key: 'advisories.icat.sites', unit: 'サイト',
    title: { ja: 'サイバーセキュリティ注意喚起サービス「icat」ウェブサイト利用数', en: 'Websites embedding the icat widget' },
    description: {
      ja: '期間中にウィジェットまたはフィードが表示・取得された、登録キーと表示元ホストの組の数（ホスト不明の表示は数えない）。',
      en: 'Distinct pairs of registered key and embedding host seen on widget or feed requests in the period (requests without a known host are not counted).',
    },
    period: (ctx, from, to) => icatOf(ctx).distinctSites(from, to),
  }, {
    key: 'advisories.icat.views', unit: '回',
    title: { ja: 'icat の表示回数', en: 'icat widget and feed views' },
    description: { ja: 'ウィジェット（iframe）の表示とフィードの取得の回数（JST の日単位で集計）。', en: 'Widget (iframe) displays and feed fetches, counted per JST day.' },
    period: (ctx, from, to) => icatOf(ctx).views(from, to),
  }],
  statTables: [{
    key: 'advisories.icat-usage',
    chapter: 'I/1/(1-2)',
    title: { ja: 'サイバーセキュリティ注意喚起サービス「icat」の利用状況', en: 'Use of the icat alert widget' },
    async compute(ctx, fy) {
      const m = await icatOf(ctx).monthly(fy);
      const n = (x: number) => x.toLocaleString('ja-JP');
      return {
        columns: [...m.months.map((x) => ({ ja: `${x.month}月`, en: `${x.year}-${String(x.month).padStart(2, '0')}` })), { ja: '年度', en: 'Year' }],
        rows: [
          { label: { ja: 'ウェブサイト利用数', en: 'Embedding websites' }, cells: [...m.months.map((x) => n(x.sites)), n(m.sites)] },
          { label: { ja: '表示回数', en: 'Views' }, cells: [...m.months.map((x) => n(x.views)), n(m.views)] },
        ],
        notes: [{ ja: `${fiscalYear(fy).label.ja}。利用数は登録キーと表示元ホストの組の数で、年度の値は月の値の合計ではない（重複を除く）。`, en: `${fiscalYear(fy).label.en}. Websites are distinct pairs of key and embedding host; the yearly figure is not the sum of the months (duplicates removed).` }],
      };
    },
  }],
  staffNav: [{ href: '/staff/advisories/icat', label: { ja: 'icat 登録サイト', en: 'icat sites' }, permission: ICAT_PERM }],
  nav: [{ href: '/icat', label: { ja: 'icat', en: 'icat' } }],
  demo: loadIcatDemo,
};
