// Mid-term plan KPIs and the annual performance report (中期計画・年度計画・業務実績報告書).
import type { ModuleDefinition } from '../../platform/module.js';
import { planMigrations } from './migrations.js';
import { PLAN_PERMISSIONS } from './permissions.js';
import { createPlanService, type PlanService } from './service.js';
import { planRoutes } from './routes.js';
import { loadPlanDemo } from './demo.js';

export const planModule: ModuleDefinition<PlanService> = {
  name: 'plan',
  title: { ja: '中期計画・業務実績報告書', en: 'Mid-term plan and annual report' },
  migrations: planMigrations,
  permissions: PLAN_PERMISSIONS,
  service: (ctx) => createPlanService(ctx),
  async routes(app, ctx) {
    await planRoutes(app, ctx, ctx.services.get('plan') as PlanService);
  },
  demo: loadPlanDemo,
  staffNav: [{ href: '/staff/plan', label: { ja: '中期計画 指標ダッシュボード', en: 'Mid-term plan KPI dashboard' }, permission: 'plan.read' }],
  nav: [{ href: '/annual-report', label: { ja: '業務実績報告書', en: 'Annual report' } }],
};
