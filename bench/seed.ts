// Seeding shared by the benchmark server and bench/explain.ts: the desk demo (16,489 cases with
// their full history since 2004), then cases from a second, differently seeded demo history up to
// the target count, all through the engine's bulk import as production imports would run.
import { sql } from 'kysely';
import { buildDeskHistory, DEMO_ORGANISATIONS } from '../src/modules/vuln-desk/demo.js';
import type { Organisation } from '../src/platform/auth/auth.js';
import type { AppContext } from '../src/platform/context.js';

export async function countCases(ctx: AppContext): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from cases`.execute(ctx.db);
  return Number(r.rows[0].n);
}

/** Loads the demo (idempotent), then imports extra cases until there are `target`; returns the count. */
export async function seedCases(ctx: AppContext, loadDemo: () => Promise<void>, target: number): Promise<number> {
  await loadDemo();
  const have = await countCases(ctx);
  const extra = target - have;
  if (extra <= 0) return have;
  const orgs = new Map<string, Organisation>();
  const all = await ctx.auth.listOrganisations();
  for (const o of DEMO_ORGANISATIONS) {
    const org = all.find((x) => x.name === o.name && x.kind === o.kind);
    if (org) orgs.set(o.key, org);
  }
  // Same shape as the demo (2004 → 2026, full transition paths, priority provisions, alerts); an
  // evenly spread sample of it keeps the mix of years, kinds and states.
  const more = buildDeskHistory(orgs, 20260401);
  const picked = Array.from({ length: Math.min(extra, more.length) }, (_, j) => more[Math.floor((j * more.length) / extra)]);
  await ctx.cases.bulkImport(picked);
  return countCases(ctx);
}
