// Version checker (MyJVN バージョンチェッカ, beyond it): inventories (CycloneDX, SPDX, CPE/purl lists)
// checked against the published advisories with documented version rules; API, public page, CLI and
// the usage statistic. See docs/modules/advisories/version-check.md.
import { sql } from 'kysely';
import type { AdvisoriesPart } from '../part.js';
import { fiscalYear } from '../../../platform/i18n/dates.js';
import { versionCheckMigrations } from './migrations.js';
import { versionCheckRoutes } from './routes.js';
import { checkCommand } from './cli.js';
import { usesBetween } from './matcher.js';

/** Uses of MyJVN's version checker in FY2020 (annual report, line 422). */
export const FY2020_USES = 12_376_281;

export const part: AdvisoriesPart = {
  name: 'version-check',
  migrations: versionCheckMigrations,
  routes: (app, ctx) => versionCheckRoutes(app, ctx),
  commands: [checkCommand],
  statistics: [{
    key: 'advisories.version_check.uses', unit: '回',
    title: { ja: 'MyJVN バージョンチェッカ利用数', en: 'Uses of the version checker' },
    description: { ja: '照合の実行回数（API・ウェブページ・mamori check のローカル照合）を日ごと（日本時間）に数える。', en: 'Checks run (API, web page, local `mamori check`), counted per JST day.' },
    period: (ctx, from, to) => usesBetween(ctx.db, from, to),
  }],
  nav: [{ href: '/advisories/version-check', label: { ja: 'バージョンチェッカ', en: 'Version checker' } }],
  async demo(ctx) {
    // FY2020 daily uses summing to the report's figure, spread evenly (idempotent: only when the year is empty).
    const fy = fiscalYear(2020);
    if (await usesBetween(ctx.db, fy.from, fy.to)) return;
    await sql`insert into advisories_vc_uses (day, uses)
      select d::date, ${Math.floor(FY2020_USES / 365)} + case when n <= ${FY2020_USES % 365} then 1 else 0 end
      from generate_series('2020-04-01'::date, '2021-03-31'::date, interval '1 day') with ordinality as g(d, n)
      on conflict (day) do nothing`.execute(ctx.db);
  },
};
