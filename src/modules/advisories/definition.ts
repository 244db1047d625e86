// 脆弱性対策情報データベース（JVN iPedia）: advisories with JVNDB IDs, CVSS, vendor/product
// dictionaries, revisions, the staff workflow, KEV and NVD importers, public search and API, and the
// monthly registration figures of the annual report.
import type { ModuleDefinition } from '../../platform/module.js';
import { advisoryMigrations } from './migrations.js';
import { createAdvisoriesService, PERM, type AdvisoriesService } from './service.js';
import { advisoryRoutes } from './routes.js';
import { jsonCacheMigrations } from './json-cache.js';
import { advisoryStatistics, advisoryTables } from './published-stats.js';
import { loadAdvisoriesDemo } from './demo.js';
import type { AdvisoriesPart } from './part.js';
import { part as alerts } from './alerts/index.js';
import { part as importers } from './importers/index.js';
import { part as staff } from './staff/index.js';
import { part as catalogue } from './catalogue/index.js';
import { part as myjvn } from './myjvn/index.js';
import { part as exportsPart } from './exports/index.js';
import { part as versionCheck } from './version-check/index.js';
import { part as icat } from './icat/index.js';

/** Order matters for migrations (alerts before icat, which shows them). */
const parts: AdvisoriesPart[] = [alerts, importers, staff, catalogue, myjvn, exportsPart, versionCheck, icat];
const all = <T>(pick: (p: AdvisoriesPart) => T[] | undefined): T[] => parts.flatMap((p) => pick(p) ?? []);
const merged = <T>(pick: (p: AdvisoriesPart) => Record<string, T> | undefined): Record<string, T> => Object.assign({}, ...parts.map((p) => pick(p) ?? {}));

export const advisoriesModule: ModuleDefinition<AdvisoriesService> = {
  name: 'advisories',
  title: { ja: '脆弱性対策情報データベース', en: 'Vulnerability countermeasure database' },
  migrations: [...advisoryMigrations, ...jsonCacheMigrations, ...all((p) => p.migrations)],
  permissions: {
    ...merged((p) => p.permissions),
    [PERM.write]: { roles: ['analyst', 'publisher'], description: { ja: '脆弱性対策情報の作成・編集', en: 'Write advisories' } },
    [PERM.publish]: { roles: ['publisher'], description: { ja: '脆弱性対策情報の公開・改訂', en: 'Publish and revise advisories' } },
    [PERM.import]: { roles: ['publisher'], description: { ja: '外部データ（NVD・CVE JSON 5・MyJVN HND/OKA・KEV）の取り込み', en: 'Import NVD, CVE JSON 5, MyJVN HND/OKA and KEV data' } },
  },
  service: (ctx) => createAdvisoriesService(ctx),
  async routes(app, ctx) {
    const svc = ctx.services.get('advisories') as AdvisoriesService;
    await advisoryRoutes(app, ctx, svc);
    for (const p of parts) await p.routes?.(app, ctx, svc);
  },
  jobs: merged((p) => p.jobs),
  schedules: merged((p) => p.schedules),
  staffNav: all((p) => p.staffNav),
  // `mamori import …` and `mamori advisories import …` are the importers part's commands.
  commands: all((p) => p.commands),
  statistics: [...advisoryStatistics, ...all((p) => p.statistics)],
  statTables: [...advisoryTables, ...all((p) => p.statTables)],
  async demo(ctx) {
    await loadAdvisoriesDemo(ctx);
    for (const p of parts) await p.demo?.(ctx);
  },
  nav: [{ href: '/advisories', label: { ja: '脆弱性対策情報', en: 'Advisories' } }, ...all((p) => p.nav)],
};
