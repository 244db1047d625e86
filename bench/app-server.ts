// Benchmark child process: the real platform, started as `npm run serve` would start it (jobs on,
// PGlite on disk or a PostgreSQL server), seeded to a fixed number of cases, listening on a free
// port. bench/run.ts spawns it so that the load generator never shares this event loop.
//
//   BENCH_DATA_DIR      data directory (PGlite files under db/, keys, .eml mail)   required
//   BENCH_DATABASE_URL  postgres://… to use a server; empty for embedded PGlite
//   BENCH_CASES         total cases to seed (default 20000)
//   BENCH_RATE_LIMIT    public form submissions per client per minute (default 1000000)
//   BENCH_CPU_PROFILE   file to write a V8 CPU profile of the measured part to (after seeding, until 'stop')
//
// Sends { type: 'ready', port, cases, seedMs, kind } over IPC once listening; exits on 'stop'.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { loadConfig } from '../src/platform/config/config.js';
import { createPlatform } from '../src/platform/platform.js';
import { modules } from '../src/modules/index.js';
import { seedCases } from './seed.js';

const dataDir = process.env.BENCH_DATA_DIR;
if (!dataDir) throw new Error('BENCH_DATA_DIR is required');

const config = loadConfig({ DATABASE_URL: process.env.BENCH_DATABASE_URL ?? '' }, {
  dataDir,
  mailDir: join(dataDir, 'mail'),
  port: 0,
  logLevel: process.env.BENCH_LOG_LEVEL ?? 'warn',
  // The one deliberate deviation from the defaults: every request of the load generator comes
  // from 127.0.0.1, so the per-client limit (20/min by default) would answer 429 after 20.
  publicFormRateLimit: Number(process.env.BENCH_RATE_LIMIT ?? 1_000_000),
});

const started = Date.now();
const platform = await createPlatform({ config, modules });
const cases = await seedCases(platform.ctx, () => platform.loadDemo(), Number(process.env.BENCH_CASES ?? 20_000));
const seedMs = Date.now() - started;
await platform.app.listen({ port: 0, host: '127.0.0.1' });
const addr = platform.app.server.address();
const port = typeof addr === 'object' && addr ? addr.port : 0;
// Profiles only the measurements, not the seeding (open with Chrome DevTools or speedscope).
const profileFile = process.env.BENCH_CPU_PROFILE;
const profiler = profileFile ? new Session() : undefined;
if (profiler) { profiler.connect(); await profiler.post('Profiler.enable'); await profiler.post('Profiler.start'); }
process.send?.({ type: 'ready', port, cases, seedMs, kind: platform.ctx.database.kind });

process.on('message', (m: { type?: string }) => {
  if (m?.type !== 'stop') return;
  void (async () => {
    if (profiler) writeFileSync(profileFile!, JSON.stringify((await profiler.post('Profiler.stop')).profile));
    await platform.close();
  })().then(() => process.exit(0), () => process.exit(1));
});
process.on('disconnect', () => { void platform.close().finally(() => process.exit(0)); });
