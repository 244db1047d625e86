// Benchmark child: import of BENCH_IMPORT NVD CVE API 2.0 records into an empty database through
// the same path as `mamori import nvd <directory>` (openPath + runImport): the records are written
// first as NVD API pages of 2,000 (src/modules/advisories/importers/synthetic.ts: 2–3 CVSS versions,
// CWE, 1–6 CPE matches with version ranges over 24,000 products, 2–8 references each), then timed
// from opening the directory to the end of the run. Sends { type: 'done', records, files, ms, created, errors }.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { sql } from 'kysely';
import { join } from 'node:path';
import { loadConfig } from '../src/platform/config/config.js';
import { createPlatform } from '../src/platform/platform.js';
import { modules } from '../src/modules/index.js';
import { SYSTEM_ACTOR } from '../src/platform/context.js';
import { openPath } from '../src/modules/advisories/importers/sources.js';
import { runImport } from '../src/modules/advisories/importers/engine.js';
import { syntheticNvdItems } from '../src/modules/advisories/importers/synthetic.js';

const dataDir = process.env.BENCH_DATA_DIR;
if (!dataDir) throw new Error('BENCH_DATA_DIR is required');
const N = Number(process.env.BENCH_IMPORT ?? 300_000);
const PAGE = 2000;

const pages = join(dataDir, 'nvd-pages');
mkdirSync(pages, { recursive: true });
let files = 0;
for (let start = 0; start < N; start += PAGE) {
  const n = Math.min(PAGE, N - start);
  const doc = { resultsPerPage: n, startIndex: start, totalResults: N, format: 'NVD_CVE', version: '2.0', timestamp: '2026-11-26T00:00:00.000', vulnerabilities: [...syntheticNvdItems(n, start)] };
  writeFileSync(join(pages, `nvdcve-2.0-${String(files++).padStart(4, '0')}.json`), JSON.stringify(doc));
}

const config = loadConfig({ DATABASE_URL: process.env.BENCH_DATABASE_URL ?? '' }, { dataDir, mailDir: join(dataDir, 'mail'), port: 0, jobsEnabled: false, logLevel: 'warn' });
const platform = await createPlatform({ config, modules });
// Where the time goes: CPU of this process and of the PostgreSQL processes (this database's backends,
// and the server's WAL writer, checkpointer and background writer), from /proc when the server is local.
async function pgCpu(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (platform.ctx.database.kind !== 'postgres') return out;
  const rows = (await sql<{ pid: number; kind: string }>`select pid, case when datname = current_database() then 'backends' else backend_type end as kind
    from pg_stat_activity where (datname = current_database() or datname is null)`.execute(platform.ctx.db)).rows;
  for (const r of rows) {
    try {
      const f = readFileSync(`/proc/${r.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      out.set(`${r.kind}\u0000${r.pid}`, (Number(f[11]) + Number(f[12])) / 100);
    } catch { /* not local, or gone */ }
  }
  return out;
}
const pg0 = await pgCpu();
const cpu0 = process.cpuUsage();
const t0 = Date.now();
const src = await openPath('nvd', pages);
const r = await runImport(platform.ctx, src.records(), { actor: SYSTEM_ACTOR, format: src.format, fileName: src.fileName, sha256: src.sha256, size: src.size });
const ms = Date.now() - t0;
const cpu = process.cpuUsage(cpu0);
const pg1 = await pgCpu();
const byKind = new Map<string, number>();
for (const [k, v] of pg1) { const kind = k.split('\u0000')[0]; byKind.set(kind, (byKind.get(kind) ?? 0) + v - (pg0.get(k) ?? 0)); }
console.log(`import CPU: node ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s${[...byKind].filter(([, v]) => v > 0.05).map(([k, v]) => `, postgres ${k} ${v.toFixed(1)} s`).join('')} (wall ${(ms / 1000).toFixed(1)} s)`);
await platform.close();
process.send?.({ type: 'done', records: r.total, files, ms, created: r.created, errors: r.errorCount });
process.exit(0);
