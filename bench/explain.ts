// Where the time of the benchmarked operations goes, statement by statement, with the plans:
// seeds (or reuses) a database like the benchmark, runs the staff list search for each keyword,
// the FY2020 statistics and one submission through the services, records every SQL statement
// they send with its time, and shows EXPLAIN (ANALYZE, BUFFERS) of the reading ones.
//
//   npx tsx bench/explain.ts                                  PGlite in a temporary directory
//   npx tsx bench/explain.ts --backend=postgres               a fresh database on 127.0.0.1:5432
//   options: --data-dir=DIR (PGlite, kept) --database-url=URL (kept) --cases=N --all-plans
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { CompiledQuery } from 'kysely';
import { loadConfig } from '../src/platform/config/config.js';
import { createPlatform } from '../src/platform/platform.js';
import { modules } from '../src/modules/index.js';
import { PUBLIC_ACTOR } from '../src/platform/context.js';
import { endOfJstDay, fiscalYear } from '../src/platform/i18n/dates.js';
import type { VulnDeskService } from '../src/modules/vuln-desk/service.js';
import { WEB } from '../src/modules/vuln-desk/case-types.js';
import { createTestDatabase } from '../test/harness.js';
import { seedCases } from './seed.js';

const argv = process.argv.slice(2);
const opt = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const backend = opt('backend') ?? 'pglite';
const allPlans = argv.includes('--all-plans');

// ---- Statement capture (both drivers) -------------------------------------------------------------

interface Stmt { sql: string; params: unknown[]; ms: number }
let capture: Stmt[] | null = null;
const record = (sqlText: string, params: unknown, ms: number) => capture?.push({ sql: sqlText, params: Array.isArray(params) ? params : [], ms });
const liteQuery = PGlite.prototype.query;
PGlite.prototype.query = async function (this: PGlite, q: string, params?: unknown[], o?: unknown) {
  const t = performance.now();
  try { return await liteQuery.call(this, q, params as never, o as never); } finally { record(q, params, performance.now() - t); }
} as typeof liteQuery;
const pgQuery = pg.Client.prototype.query as (...a: unknown[]) => unknown;
(pg.Client.prototype as unknown as { query: unknown }).query = function (this: pg.Client, q: unknown, params?: unknown, ...rest: unknown[]) {
  const t = performance.now();
  const r = pgQuery.call(this, q, params, ...rest) as Promise<unknown> | undefined;
  const text = typeof q === 'string' ? q : (q as { text?: string })?.text ?? '';
  if (r && typeof r.then === 'function') r.then(() => record(text, params, performance.now() - t), () => undefined);
  return r;
};

// ---- Platform -----------------------------------------------------------------------------------

const dataDir = opt('data-dir') ?? mkdtempSync(join(tmpdir(), 'mamori-explain-'));
const tdb = backend === 'postgres' && !opt('database-url') ? await createTestDatabase() : undefined;
const url = backend === 'postgres' ? opt('database-url') ?? tdb!.url : '';
const config = loadConfig({ DATABASE_URL: url }, { dataDir, mailDir: join(dataDir, 'mail'), logLevel: 'warn', jobsEnabled: false, publicFormRateLimit: 1_000_000 });
const platform = await createPlatform({ config, modules });
const { ctx } = platform;
const t0 = Date.now();
const cases = await seedCases(ctx, () => platform.loadDemo(), Number(opt('cases') ?? 20_000));
console.log(`${backend}: ${cases.toLocaleString()} cases (seeding ${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
const svc = ctx.services.get('vuln-desk') as VulnDeskService;

async function explain(s: Stmt): Promise<string[]> {
  const r = await ctx.db.executeQuery(CompiledQuery.raw(`explain (analyze, buffers) ${s.sql}`, s.params));
  return (r.rows as Array<Record<string, string>>).map((row) => Object.values(row)[0]);
}

async function show(label: string, fn: () => Promise<unknown>) {
  await fn(); // warm caches and plans once
  capture = [];
  const t = performance.now();
  await fn();
  const total = performance.now() - t;
  const stmts = capture;
  capture = null;
  console.log(`== ${label}: ${total.toFixed(1)} ms, ${stmts.length} statements, ${stmts.reduce((a, s) => a + s.ms, 0).toFixed(1)} ms in the database driver`);
  for (const s of stmts) {
    console.log(`  ${s.ms.toFixed(2).padStart(8)} ms  ${s.sql.replace(/\s+/g, ' ').trim().slice(0, 150)}`);
    if (/^\s*(select|with)\b/i.test(s.sql) && (allPlans || s.ms >= 2)) {
      for (const line of await explain(s)) console.log(`               │ ${line}`);
    }
  }
  console.log('');
}

try {
  for (const q of ['sakura', 'クロスサイト', 'SQL', 'login']) {
    await show(`staff list: open website reports, keyword "${q}"`, () => ctx.cases.search({ types: [WEB], open: true, q }, { limit: 50 }));
  }
  await show('statistics FY2020 (asOf=2021-03-31)', () => svc.statistics(fiscalYear(2020).from, endOfJstDay('2021-03-31')));
  let n = 0;
  await show('one submission (JSON API, website report)', () => svc.submit({
    kind: 'web', reporterName: 'ベンチ 太郎', reporterEmail: `explain${++n}@example.jp`, siteUrl: 'https://www.bench.example.jp/search?keyword=test',
    description: '検索画面の keyword パラメータの値がエスケープされないまま出力されます。', reproduction: '1. 検索欄にスクリプトを入力する', cwe: 'CWE-79',
  }, { actor: PUBLIC_ACTOR, idempotencyKey: `api:${randomUUID()}`, ip: '127.0.0.1' }));
} finally {
  await platform.close();
  await tdb?.drop();
  if (!opt('data-dir')) rmSync(dataDir, { recursive: true, force: true });
}
