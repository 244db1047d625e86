// Query profile of N submissions (and optionally list/stats) on a backend: time per statement kind.
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { loadConfig } from '../src/platform/config/config.js';
import { createPlatform } from '../src/platform/platform.js';
import { modules } from '../src/modules/index.js';
import { PUBLIC_ACTOR } from '../src/platform/context.js';
import type { VulnDeskService } from '../src/modules/vuln-desk/service.js';
import { WEB } from '../src/modules/vuln-desk/case-types.js';
const [dir, url, what = 'submit'] = [process.argv[2], process.argv[3] ?? '', process.argv[4]];
const stats = new Map<string, { n: number; ms: number }>();
let on = false;
function rec(sql: string, ms: number) {
  if (!on) return;
  const k = sql.replace(/\s+/g, ' ').slice(0, 110);
  const s = stats.get(k) ?? { n: 0, ms: 0 }; s.n++; s.ms += ms; stats.set(k, s);
}
const origLite = PGlite.prototype.query;
PGlite.prototype.query = async function (this: PGlite, q: string, p?: unknown[], o?: unknown) { const t = performance.now(); try { return await origLite.call(this, q, p as any, o as any); } finally { rec(q, performance.now() - t); } } as any;
const origPg = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: any, q: any, ...rest: any[]) { const t = performance.now(); const r = origPg.call(this, q, ...rest) as any; const text = typeof q === 'string' ? q : q?.text ?? ''; if (r && typeof r.then === 'function') r.then(() => rec(text, performance.now() - t), () => {}); return r; } as any;
const config = loadConfig({ DATABASE_URL: url }, { dataDir: dir, mailDir: join(dir, 'mail'), logLevel: 'warn', jobsEnabled: false });
const p = await createPlatform({ config, modules });
const svc = p.ctx.services.get('vuln-desk') as VulnDeskService;
const N = 200;
const body = (i: number) => ({ kind: (i % 2 ? 'web' : 'product') as 'web', reporterName: 'x', reporterEmail: `b${i}@example.jp`, siteUrl: 'https://a.example.jp/', productName: 'P', productVersions: '1', vendorName: 'V', description: 'd', reproduction: 'r', cwe: 'CWE-79' });
for (let i = 0; i < 20; i++) await svc.submit(body(i), { actor: PUBLIC_ACTOR, idempotencyKey: 'api:' + randomUUID(), ip: '127.0.0.1' });
on = true;
const t0 = performance.now(); const c0 = process.cpuUsage();
if (what === 'submit') for (let i = 0; i < N; i++) await svc.submit(body(i), { actor: PUBLIC_ACTOR, idempotencyKey: 'api:' + randomUUID(), ip: '127.0.0.1' });
if (what === 'list') for (let i = 0; i < 20; i++) { await p.ctx.cases.search({ types: [WEB], open: true, q: ['sakura', 'クロスサイト', 'SQL', 'login'][i % 4] }, { limit: 50 }); }
if (what === 'stats') for (let i = 0; i < 5; i++) await svc.statistics(new Date('2020-03-31T15:00:00Z'), new Date('2021-03-31T15:00:00Z'));
const n = what === 'submit' ? N : what === 'list' ? 20 : 5;
const wall = performance.now() - t0; const cpu = process.cpuUsage(c0);
on = false;
let tot = 0; for (const s of stats.values()) tot += s.ms;
console.log(`${what}: ${(wall / n).toFixed(2)} ms/op wall, ${((cpu.user + cpu.system) / 1000 / n).toFixed(2)} ms/op cpu, db ${(tot / n).toFixed(2)} ms/op`);
for (const [k, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) console.log(`${(s.ms / n).toFixed(3).padStart(8)} ms/op ${String(s.n / n).padStart(5)}x  ${k}`);
await p.close();
