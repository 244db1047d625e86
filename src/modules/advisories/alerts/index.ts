// Alerts (注意喚起) and emergency countermeasures (緊急対策) as their own publication type, linked to
// advisories and products. See docs/modules/advisories/alerts.md.
import type { AppContext } from '../../../platform/context.js';
import { fiscalYear } from '../../../platform/i18n/dates.js';
import type { AdvisoriesPart } from '../part.js';
import { alertMigrations } from './migrations.js';
import { alertRoutes } from './routes.js';
import { loadAlertsDemo } from './demo.js';
import { ALERT_PERM, createAlertsService, type AlertsService } from './service.js';

const services = new WeakMap<AppContext, AlertsService>();
/** The alerts service of a platform (one per context). */
export function alertsOf(ctx: AppContext): AlertsService {
  let s = services.get(ctx);
  if (!s) { s = createAlertsService(ctx); services.set(ctx, s); }
  return s;
}

export const part: AdvisoriesPart = {
  name: 'alerts',
  migrations: alertMigrations,
  permissions: {
    [ALERT_PERM.write]: { roles: ['analyst', 'publisher'], description: { ja: '注意喚起・緊急対策の作成・編集（下書き）', en: 'Write alerts (drafts)' } },
    [ALERT_PERM.publish]: { roles: ['publisher'], description: { ja: '注意喚起・緊急対策の公開・更新・取り下げ', en: 'Publish, revise and withdraw alerts' } },
  },
  routes: (app, ctx) => alertRoutes(app, ctx, alertsOf(ctx)),
  statistics: [{
    key: 'advisories.alerts.issued', unit: '件',
    title: { ja: '注意喚起の公表件数', en: 'Security alerts issued' },
    description: { ja: '初めて公開された日で数える（後に取り下げたものを含む）。', en: 'Counted by the date of first publication (including alerts withdrawn later).' },
    period: (ctx, from, to) => alertsOf(ctx).publishedBetween(from, to, 'alert'),
  }, {
    key: 'advisories.alerts.emergency', unit: '件',
    title: { ja: '緊急対策の公表件数', en: 'Emergency countermeasures issued' },
    description: { ja: '初めて公開された日で数える（後に取り下げたものを含む）。', en: 'Counted by the date of first publication (including those withdrawn later).' },
    period: (ctx, from, to) => alertsOf(ctx).publishedBetween(from, to, 'emergency'),
  }],
  statTables: [{
    key: 'advisories.alerts-issued',
    chapter: 'I/1/(1-2)',
    title: { ja: '注意喚起及び緊急対策の公表件数', en: 'Security alerts and emergency countermeasures issued' },
    async compute(ctx, fy) {
      const p = fiscalYear(fy);
      const [a, e] = await Promise.all([alertsOf(ctx).publishedBetween(p.from, p.to, 'alert'), alertsOf(ctx).publishedBetween(p.from, p.to, 'emergency')]);
      return {
        columns: [{ ja: '件数', en: 'Count' }],
        rows: [{ label: { ja: '注意喚起', en: 'Security alerts' }, cells: [a] }, { label: { ja: '緊急対策', en: 'Emergency countermeasures' }, cells: [e] }],
        notes: [{ ja: `${p.label.ja}の累計件数（初回公開日で集計）。`, en: `${p.label.en}, counted by date of first publication.` }],
      };
    },
  }],
  staffNav: [{ href: '/staff/advisories/alerts', label: { ja: '注意喚起・緊急対策', en: 'Alerts' }, permission: ALERT_PERM.write }],
  nav: [{ href: '/advisories/alerts', label: { ja: '注意喚起', en: 'Alerts' } }],
  demo: loadAlertsDemo,
};
