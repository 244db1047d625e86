// Benchmark of the plan module (issue: "Mid-term plan KPIs and the annual performance report"):
// generating the whole FY report (model + printable HTML with 19 SVG charts + XLSX) and serving the
// management dashboard, with ~30,000 cases in the database, on PGlite and on PostgreSQL. A bare
// Fastify route, injected the same way in the same run, is the baseline.
//
//   npx tsx bench/plan.ts [--backend=pglite|postgres] [--cases=30000] [--runs=10] [--requests=100]
import Fastify from 'fastify';
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import { startTestPlatform, type TestPlatform } from '../test/harness.js';
import { loginAs } from '../test/session.js';
import { renderToString } from 'preact-render-to-string';
import { seedCases } from './seed.js';
import { buildReport } from '../src/modules/plan/report.js';
import { reportWorkbook } from '../src/modules/plan/outputs/xlsx.js';
import { ReportDocument } from '../src/modules/plan/outputs/report-html.js';
import type { PlanService } from '../src/modules/plan/service.js';
import { h } from 'preact';

const arg = (name: string, dflt: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const backends = arg('backend', 'pglite,postgres').split(',') as Array<'pglite' | 'postgres'>;
const CASES = Number(arg('cases', '30000'));
const RUNS = Number(arg('runs', '10'));
const REQUESTS = Number(arg('requests', '100'));

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`;

async function bare(): Promise<number[]> {
  const app = Fastify();
  app.get('/bare', async () => ({ ok: true }));
  await app.ready();
  const times: number[] = [];
  for (let i = 0; i < REQUESTS + 10; i++) {
    const t = performance.now();
    await app.inject({ method: 'GET', url: '/bare' });
    if (i >= 10) times.push(performance.now() - t);
  }
  await app.close();
  return times;
}

async function run(backend: 'pglite' | 'postgres') {
  const p: TestPlatform = await startTestPlatform(backend, { config: { logLevel: 'silent' } });
  try {
    const t0 = performance.now();
    const cases = await seedCases(p.ctx, () => p.loadDemo(), CASES);
    console.log(`${backend}: ${cases} cases seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    const svc = p.ctx.services.get('plan') as PlanService;
    await p.ctx.auth.createUser({ email: 'bench-approver@example.jp', displayName: 'bench', password: 'bench password 1', kind: 'staff', roles: ['approver'], totpSecret: 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU' });
    const session = await loginAs(p.app, 'bench-approver@example.jp', 'bench password 1', 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU');

    const model: number[] = []; const html: number[] = []; const xlsx: number[] = []; const total: number[] = [];
    let bytes = { html: 0, xlsx: 0 };
    for (let i = 0; i < RUNS + 1; i++) {
      const a = performance.now();
      const m = await buildReport(p.ctx, svc, 2020, { charts: true });
      const b = performance.now();
      const page = renderToString(h(ReportDocument, { model: m, lang: 'ja', charts: true }));
      const c = performance.now();
      const wb = await reportWorkbook(m);
      const d = performance.now();
      bytes = { html: page.length, xlsx: wb.length };
      if (i === 0) continue; // warm-up
      model.push(b - a); html.push(c - b); xlsx.push(d - c); total.push(d - a);
    }
    const dash: number[] = [];
    for (let i = 0; i < REQUESTS + 10; i++) {
      const t = performance.now();
      const res = await p.app.inject({ method: 'GET', url: '/staff/plan?fy=2020', headers: { cookie: session.cookie, accept: 'text/html' } });
      if (res.statusCode !== 200) throw new Error(`dashboard ${res.statusCode}`);
      if (i >= 10) dash.push(performance.now() - t);
    }
    const api: number[] = [];
    for (let i = 0; i < REQUESTS + 10; i++) {
      const t = performance.now();
      const res = await p.app.inject({ method: 'GET', url: '/api/v1/plan/dashboard?fy=2020', headers: { cookie: session.cookie } });
      if (res.statusCode !== 200) throw new Error(`dashboard API ${res.statusCode}`);
      if (i >= 10) api.push(performance.now() - t);
    }
    const base = await bare();
    console.log(`${backend}: whole FY2020 report (model + HTML + XLSX), ${RUNS} runs: ${fmt(total)}  [model ${fmt(model)}; HTML ${fmt(html)}; XLSX ${fmt(xlsx)}; ${Math.round(bytes.html / 1024)} kB HTML, ${Math.round(bytes.xlsx / 1024)} kB XLSX]`);
    console.log(`${backend}: dashboard page GET /staff/plan?fy=2020, ${REQUESTS} sequential requests: ${fmt(dash)}`);
    console.log(`${backend}: dashboard API GET /api/v1/plan/dashboard?fy=2020, ${REQUESTS} sequential requests: ${fmt(api)}`);
    console.log(`${backend}: baseline bare Fastify route (inject), ${REQUESTS} sequential requests: ${fmt(base)}`);
  } finally {
    await p.destroy();
  }
}

console.log(`bench/plan.ts on ${os.cpus().length} × ${os.cpus()[0]?.model}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (const b of backends) await run(b);
