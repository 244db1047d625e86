// Demo data of the advisory database: FY2020 registrations as lightweight synthetic advisories, so
// that the monthly table reproduces the annual report (1,452 … 791 = 10,465), and the registrations
// before FY2020 as one counted baseline row (116,622), so that the cumulative total is 127,087.
// Generated in SQL (generate.ts, one batch per month) so that it loads in a few seconds on every start;
// the advisories have products (CPE, some purls, version ranges), CVSS v3.1, CWE and references.
import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import { jstMidnight } from '../../platform/i18n/dates.js';
import { generateAdvisories } from './generate.js';

/** 登録件数 per month of FY2020 (April 2020 … March 2021), as printed in the annual report. */
export const FY2020_MONTHLY = [1452, 1297, 1523, 1202, 907, 969, 468, 383, 569, 479, 425, 791];
export const FY2020_CUMULATIVE = 127087;
export const PRE_FY2020 = FY2020_CUMULATIVE - FY2020_MONTHLY.reduce((a, b) => a + b, 0); // 116,622

export async function loadAdvisoriesDemo(ctx: AppContext): Promise<void> {
  const done = await sql<{ n: number }>`select count(*)::int as n from advisories_registration_baseline`.execute(ctx.db);
  if (Number(done.rows[0].n) > 0) return;
  await ctx.db.transaction().execute(async (trx) => {
    const fyStart = jstMidnight(2020, 4, 1);
    await sql`insert into advisories_registration_baseline (before, count, note) values (${fyStart}, ${PRE_FY2020}, ${'Registrations before FY2020 (demo: counted, not itemised)'})`.execute(trx);
    const seq: Record<number, number> = {};
    for (let i = 0; i < 12; i++) {
      const month = ((i + 3) % 12) + 1; const year = month >= 4 ? 2020 : 2021;
      const from = jstMidnight(year, month, 1); const to = month === 12 ? jstMidnight(year + 1, 1, 1) : jstMidnight(year, month + 1, 1);
      const n = FY2020_MONTHLY[i]; const base = seq[year] ?? 0;
      await generateAdvisories(trx, { from, to, count: n, year, firstSeq: base + 1, source: 'demo', seed: 0.2020 + i / 100 });
      seq[year] = base + n;
    }
    for (const [year, n] of Object.entries(seq)) {
      await sql`insert into advisories_counters (year, n) values (${Number(year)}, ${n}) on conflict (year) do update set n = greatest(advisories_counters.n, excluded.n)`.execute(trx);
    }
  });
}
