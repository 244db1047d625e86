import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../src/platform/config/config.js';
import { createPlatform } from '../src/platform/platform.js';
import { modules } from '../src/modules/index.js';
import { PUBLIC_ACTOR } from '../src/platform/context.js';
import type { VulnDeskService } from '../src/modules/vuln-desk/service.js';
import { WEB } from '../src/modules/vuln-desk/case-types.js';
const [dir, url] = [process.argv[2], process.argv[3] ?? ''];
const config = loadConfig({ DATABASE_URL: url }, { dataDir: dir, mailDir: join(dir, 'mail'), logLevel: 'warn', jobsEnabled: false });
const p = await createPlatform({ config, modules });
const svc = p.ctx.services.get('vuln-desk') as VulnDeskService;
async function bench(label: string, n: number, fn: (i: number) => Promise<unknown>, conc = 1) {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  let i = 0;
  await Promise.all(Array.from({ length: conc }, async () => { while (i < n) await fn(i++); }));
  const c = process.cpuUsage(c0); const wall = performance.now() - t0;
  console.log(label.padEnd(40), `${(wall / n).toFixed(2)} ms wall/op, ${((c.user + c.system) / 1000 / n).toFixed(2)} ms node-cpu/op, ${(n / wall * 1000).toFixed(0)} op/s (conc ${conc})`);
}
const body = (i: number) => ({ kind: 'web' as const, reporterName: 'x', reporterEmail: `b${i}@example.jp`, siteUrl: 'https://a.example.jp/', description: 'd', reproduction: 'r', cwe: 'CWE-79' });

await bench('submit conc10', 1000, (i) => svc.submit(body(i), { actor: PUBLIC_ACTOR, idempotencyKey: 'api:' + randomUUID(), ip: '127.0.0.1' }), 10);


await p.close();
