// Benchmark child process for the advisory database: the real platform (as `npm run serve` starts
// it, jobs off so that nothing else runs during measurements), filled with N generated advisories
// (src/modules/advisories/generate.ts: realistic products, CVSS, CWE, references, version ranges,
// purls) spread over 2003–2026 like JVN iPedia's growth, plus the real CISA KEV catalogue.
//
//   BENCH_DATA_DIR      data directory (PGlite files under db/)                       required
//   BENCH_DATABASE_URL  postgres://… to use a server; empty for embedded PGlite
//   BENCH_ADVISORIES    number of generated advisories (default 300000)
//   BENCH_KEV           path of the KEV catalogue to import ('' to skip)
//
// Sends { type: 'ready', port, advisories, seedMs, kind } over IPC once listening; exits on 'stop'.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../src/platform/config/config.js';
import { createPlatform } from '../src/platform/platform.js';
import { modules } from '../src/modules/index.js';
import { SYSTEM_ACTOR } from '../src/platform/context.js';
import { jstMidnight } from '../src/platform/i18n/dates.js';
import { generateAdvisories, yearlyCounts } from '../src/modules/advisories/generate.js';
import type { AdvisoriesService } from '../src/modules/advisories/service.js';

const dataDir = process.env.BENCH_DATA_DIR;
if (!dataDir) throw new Error('BENCH_DATA_DIR is required');
const TOTAL = Number(process.env.BENCH_ADVISORIES ?? 300_000);

const config = loadConfig({ DATABASE_URL: process.env.BENCH_DATABASE_URL ?? '' }, {
  dataDir, mailDir: join(dataDir, 'mail'), port: 0, jobsEnabled: false,
  logLevel: process.env.BENCH_LOG_LEVEL ?? 'warn', publicFormRateLimit: 1_000_000,
  // As in production (where jobs run): the response cache is filled in the background at start.
  responseCacheWarm: process.env.BENCH_WARM !== 'off',
});

const started = Date.now();
let platform = await createPlatform({ config, modules });
const db = platform.ctx.db;

const existing = Number((await sql<{ n: number }>`select count(*)::int as n from advisories`.execute(db)).rows[0].n);
if (existing < TOTAL) {
  const BATCH = 20_000;
  for (const [year, count] of yearlyCounts(TOTAL)) {
    for (let done = 0; done < count; done += BATCH) {
      const n = Math.min(BATCH, count - done);
      // The year's registrations are spread evenly; each batch takes its slice of the year.
      const yFrom = jstMidnight(year, 1, 1).getTime(); const span = jstMidnight(year + 1, 1, 1).getTime() - yFrom;
      const from = new Date(yFrom + (span * done) / count); const to = new Date(yFrom + (span * (done + n)) / count);
      await db.transaction().execute((trx) => generateAdvisories(trx, { from, to, count: n, year, firstSeq: done + 1, source: 'nvd', longTail: 20_000, seed: (year % 100) / 100 + done / 1e7 }));
    }
    await sql`insert into advisories_counters (year, n) values (${year}, ${count}) on conflict (year) do update set n = greatest(advisories_counters.n, excluded.n)`.execute(db);
  }
  await sql`analyze`.execute(db);
  const kev = process.env.BENCH_KEV;
  if (kev) {
    const svc = platform.ctx.services.get('advisories') as AdvisoriesService;
    await svc.importKev(JSON.parse(readFileSync(kev, 'utf8')), SYSTEM_ACTOR);
  }
  await sql`analyze`.execute(db);
}
const advisories = Number((await sql<{ n: number }>`select count(*)::int as n from advisories where state in ('published', 'revised')`.execute(db)).rows[0].n);
const seedMs = Date.now() - started;
// Measured as a server starts in production: on a database that already holds the data (the
// response cache is filled at start, not while the data is being generated).
const warmStarted = Date.now();
if (existing < TOTAL) {
  await platform.close();
  platform = await createPlatform({ config, modules });
}

await platform.app.listen({ port: Number(process.env.BENCH_PORT ?? 0), host: '127.0.0.1' });
const addr = platform.app.server.address();
const port = typeof addr === 'object' && addr ? addr.port : 0;
// Measurements start once the start-up fill of the response cache is over (steady state).
await platform.app.responseCache.settled();
const warm = { warmMs: Date.now() - warmStarted, cached: platform.app.responseCache.size, cachedBytes: platform.app.responseCache.bytes, rssBytes: process.memoryUsage().rss };
if (!process.send) console.log(`listening on ${port}: ${advisories} advisories; ${JSON.stringify(warm)}`);
process.send?.({ type: 'ready', port, advisories, seedMs, kind: platform.ctx.database.kind, ...warm });

process.on('message', (m: { type?: string }) => {
  if (m?.type !== 'stop') return;
  void platform.close().then(() => process.exit(0), () => process.exit(1));
});
process.on('disconnect', () => { void platform.close().finally(() => process.exit(0)); });
