// Benchmark child process: the real platform, started as `npm run serve` would start it (jobs on,
// PGlite on disk or a PostgreSQL server), seeded to a fixed number of cases, listening on a free
// port. bench/run.ts spawns it so that the load generator never shares this event loop.
//
//   BENCH_DATA_DIR      data directory (PGlite files under db/, keys, .eml mail)   required
//   BENCH_DATABASE_URL  postgres://… to use a server; empty for embedded PGlite
//   BENCH_CASES         total cases to seed (default 20000)
//   BENCH_RATE_LIMIT    public form submissions per client per minute (default 1000000)
//
// Sends { type: 'ready', port, cases, seedMs, kind } over IPC once listening; exits on 'stop'.
import { join } from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../src/platform/config/config.js';
import { createPlatform } from '../src/platform/platform.js';
import { modules } from '../src/modules/index.js';
import { buildDeskHistory, DEMO_ORGANISATIONS } from '../src/modules/vuln-desk/demo.js';
import type { Organisation } from '../src/platform/auth/auth.js';
import type { AppContext } from '../src/platform/context.js';

const dataDir = process.env.BENCH_DATA_DIR;
if (!dataDir) throw new Error('BENCH_DATA_DIR is required');
const target = Number(process.env.BENCH_CASES ?? 20_000);
const rateLimit = Number(process.env.BENCH_RATE_LIMIT ?? 1_000_000);

const config = loadConfig({ DATABASE_URL: process.env.BENCH_DATABASE_URL ?? '' }, {
  dataDir,
  mailDir: join(dataDir, 'mail'),
  port: 0,
  logLevel: process.env.BENCH_LOG_LEVEL ?? 'warn',
  // The one deliberate deviation from the defaults: every request of the load generator comes
  // from 127.0.0.1, so the per-client limit (20/min by default) would answer 429 after 20.
  publicFormRateLimit: rateLimit,
});

async function countCases(ctx: AppContext): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from cases`.execute(ctx.db);
  return Number(r.rows[0].n);
}

/** The desk demo (16,489 cases), then cases from a second demo history up to `target`. */
async function seed(ctx: AppContext, loadDemo: () => Promise<void>): Promise<number> {
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
  // A second, differently seeded history of the same shape (2004 → 2026, full transition paths,
  // priority provisions, alerts); an evenly spread sample of it keeps the receipt order.
  const more = buildDeskHistory(orgs, 20260401);
  const picked = Array.from({ length: Math.min(extra, more.length) }, (_, j) => more[Math.floor((j * more.length) / extra)]);
  await ctx.cases.bulkImport(picked);
  return countCases(ctx);
}

const started = Date.now();
const platform = await createPlatform({ config, modules });
const cases = await seed(platform.ctx, () => platform.loadDemo());
// A PostgreSQL server's autovacuum analyses the freshly loaded tables within a minute, so a
// server that has been up for a while has planner statistics; do now what it would do. PGlite runs
// no autovacuum, so it is measured as it is (BENCH_ANALYZE=1/0 overrides either way).
const analyze = process.env.BENCH_ANALYZE ? process.env.BENCH_ANALYZE === '1' : platform.ctx.database.kind === 'postgres';
if (analyze) await sql`analyze`.execute(platform.ctx.db);
const seedMs = Date.now() - started;
await platform.app.listen({ port: 0, host: '127.0.0.1' });
const addr = platform.app.server.address();
const port = typeof addr === 'object' && addr ? addr.port : 0;
process.send?.({ type: 'ready', port, cases, seedMs, analyzed: analyze, kind: platform.ctx.database.kind });

process.on('message', (m: { type?: string }) => {
  if (m?.type === 'stop') void platform.close().then(() => process.exit(0), () => process.exit(1));
});
process.on('disconnect', () => { void platform.close().finally(() => process.exit(0)); });
