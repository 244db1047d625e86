import { join } from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../src/platform/config/config.js';
import { createPlatform } from '../src/platform/platform.js';
import { modules } from '../src/modules/index.js';
import { computeStatistics } from '../src/modules/vuln-desk/stats.js';
import { PRODUCT, WEB } from '../src/modules/vuln-desk/case-types.js';

const [dir, url] = [process.argv[2], process.argv[3] ?? ''];
const config = loadConfig({ DATABASE_URL: url }, { dataDir: dir, mailDir: join(dir, 'mail'), logLevel: 'warn', jobsEnabled: false });
const p = await createPlatform({ config, modules });
const c = p.ctx.cases;
const to = new Date('2021-03-31T15:00:00Z'), from = new Date('2020-03-31T15:00:00Z');
async function time(label: string, fn: () => Promise<unknown>, n = 7) {
  const ts: number[] = [];
  for (let i = 0; i < n; i++) { const t = performance.now(); await fn(); ts.push(performance.now() - t); }
  ts.sort((a, b) => a - b);
  console.log(label.padEnd(50), 'min', ts[0].toFixed(1), 'med', ts[n >> 1].toFixed(1));
}
await time('stateCountsAsOf web to', () => c.stateCountsAsOf(WEB, to));
await time('stateCountsAsOf product to', () => c.stateCountsAsOf(PRODUCT, to));
await time('countReceived web', () => c.countReceived(WEB, null, to));
await time('countReceived product dev', () => c.countReceived(PRODUCT, null, to, { source: 'developer' }));
await time('countEvents provide_details', () => c.countEvents(WEB, from, to, { transition: 'provide_details' }));
await time('countEvents published', () => c.countEvents(PRODUCT, from, to, { toState: 'published' }));
await time('countEvents priority null-from', () => c.countEvents(PRODUCT, null, to, { kind: 'priority_provision', details: { category: 'government' } }));
await time('computeStatistics', () => computeStatistics(c, from, to));
await time('search list', () => c.search({ types: [WEB], open: true, q: 'sakura' }, { limit: 50 }));
await time('search list login', () => c.search({ types: [WEB], open: true, q: 'login' }, { limit: 50 }));
if (process.argv[4]) {
  const r = await sql.raw(process.argv[4]).execute(p.ctx.db);
  for (const row of r.rows as any[]) console.log(Object.values(row)[0]);
}
await p.close();
