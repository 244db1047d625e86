// Benchmark of the advisory database (issue 3: JVN iPedia / MyJVN / icat) with 300,000 generated
// advisories plus the real CISA KEV catalogue, on a PostgreSQL server and on PGlite, with a bare
// Fastify route measured in the same run as the baseline.
//
//   npx tsx bench/advisories.ts [--backend=postgres,pglite] [--advisories=300000] [--duration=15]
//                               [--samples=300] [--import=300000] [--skip-import] [--skip-serve]
//
// Measurements (each platform in a child process of its own, bench/advisories-server.ts; the load
// generator runs here):
//   1. bare Fastify GET / — autocannon, 10 connections (throughput baseline);
//   2. GET /api/v1/advisories/:id — autocannon, 10 connections, IDs drawn uniformly from every
//      advisory, and Zipf-skewed (s = 1.1) as real traffic is;
//   3. search (keyword + filters, page of 50), 4. MyJVN getVulnOverviewList (hnd), and
//   5. POST /api/v1/version-check with a 1,000-component CycloneDX SBOM — latency of requests sent
//      one after another (what one user sees), p50/p95 over --samples requests, rotating queries;
//   6. import of --import NVD CVE API 2.0 records (generated) into an empty database, in-process.
import autocannon, { type RequestSpec, type Result } from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '../test/harness.js';
import { yearlyCounts } from '../src/modules/advisories/generate.js';

type Backend = 'pglite' | 'postgres';
const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const flag = (name: string) => argv.includes(`--${name}`);
const BACKENDS = (opt('backend') ?? 'postgres,pglite').split(',') as Backend[];
const ADVISORIES = Number(opt('advisories') ?? 300_000);
const DURATION = Number(opt('duration') ?? 15);
const SAMPLES = Number(opt('samples') ?? 300);
const IMPORT = Number(opt('import') ?? 300_000);
const KEV = '/work/shared/reference/kev/known_exploited_vulnerabilities.json';
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

interface Child { proc: ChildProcess; port: number; info: Record<string, unknown> }
function start(script: string, env: Record<string, string>): Promise<Child> {
  return new Promise((resolve, reject) => {
    const proc = fork(here(script), [], { env: { ...process.env, ...env }, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    proc.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    proc.on('message', (m: { type?: string; port?: number }) => { if (m.type === 'ready') resolve({ proc, port: m.port!, info: m as Record<string, unknown> }); });
  });
}
async function stop(c: Child) {
  c.proc.removeAllListeners('exit');
  await new Promise<void>((r) => { c.proc.once('exit', () => r()); c.proc.send({ type: 'stop' }); setTimeout(() => { c.proc.kill('SIGKILL'); r(); }, 20_000); });
}

function closed(url: string, requests: RequestSpec[]): Promise<Result> {
  return new Promise((resolve, reject) => { autocannon({ url, connections: 10, duration: DURATION, requests, timeout: 30 }, (err, res) => (err ? reject(err) : resolve(res))); });
}
const rps = (r: Result) => Math.round(r.requests.total / r.duration);

const agent = new Agent({ keepAlive: true, maxSockets: 1 });
function timed(port: number, path: string, body?: { type: string; data: string }): Promise<{ ms: number; status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const req = httpRequest({ host: '127.0.0.1', port, path: encodeURI(path), method: body ? 'POST' : 'GET', agent, headers: body ? { 'content-type': body.type, 'content-length': Buffer.byteLength(body.data) } : {} }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => { bytes += c.length; });
      res.on('end', () => resolve({ ms: performance.now() - t, status: res.statusCode ?? 0, bytes }));
    });
    req.on('error', reject);
    req.end(body?.data);
  });
}
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]; };
async function latency(label: string, port: number, next: (i: number) => { path: string; body?: { type: string; data: string } }) {
  for (let i = 0; i < 10; i++) { const r = next(i); await timed(port, r.path, r.body); } // warm-up
  const ms: number[] = []; let bad = 0; let bytes = 0;
  const byPath = new Map<string, number[]>();
  for (let i = 0; i < SAMPLES; i++) {
    const r = next(i); const x = await timed(port, r.path, r.body); ms.push(x.ms); bytes += x.bytes; if (x.status !== 200) bad++;
    if (!r.body) byPath.set(r.path, [...(byPath.get(r.path) ?? []), x.ms]);
  }
  const line = `${label}: p50 ${pct(ms, 50).toFixed(1)} ms, p95 ${pct(ms, 95).toFixed(1)} ms, max ${Math.max(...ms).toFixed(1)} ms over ${SAMPLES} requests (${bad} non-200, ${Math.round(bytes / SAMPLES / 1024)} kB average)`;
  console.log(line);
  if (byPath.size > 1) {
    // Per query, so that a slow one can be found: median of its repetitions.
    const per = [...byPath].map(([path, xs]) => [path, pct(xs, 50)] as const).sort((a, b) => b[1] - a[1]);
    console.log(`    per query (median): ${per.map(([path, m]) => `${m.toFixed(0)} ms ${decodeURIComponent(path)}`).join(' | ')}`);
  }
  return { p95: pct(ms, 95), bad };
}

/** Zipf(s) over ranks 1..n by inversion of the continuous approximation (cheap, good enough for load shape). */
function zipf(n: number, s: number): () => number {
  const a = 1 - s; const hn = (Math.pow(n, a) - 1) / a;
  return () => Math.min(n, Math.max(1, Math.floor(Math.pow(Math.random() * hn * a + 1, 1 / a))));
}

const SEARCHES = [
  'q=クロスサイトスクリプティング&severity=high,critical', 'q=tomcat&from=2020-01-01', 'q=sql+インジェクション&kev=true', 'q=Windows&cwe=CWE-787',
  'q=wordpress', 'q=境界外書き込み&from=2024-01-01&to=2024-12-31', 'q=CVE-2021-44228', 'q=openssl&severity=critical', 'vendorId=1&severity=high', 'q=garoon',
];
const OVERVIEW = [
  'method=getVulnOverviewList&feed=hnd', 'method=getVulnOverviewList&feed=hnd&keyword=tomcat', 'method=getVulnOverviewList&feed=hnd&severity=h&rangeDatePublic=n',
  'method=getVulnOverviewList&feed=hnd&cweId=CWE-79&maxCountItem=50', 'method=getVulnOverviewList&feed=hnd&datePublicStartY=2024&datePublicEndY=2024',
  'method=getVulnOverviewList&feed=hnd&keyword=windows&startItem=51',
];

/** A CycloneDX 1.5 SBOM of n components: packages the generator knows (with purls) at random versions, the rest unknown. */
function sbom(n: number, seed: number): string {
  // 2 components are popular packages of the generated data (hundreds of advisories each, like an
  // operating system's), 20 % are long-tail packages known to the database (about a dozen advisories
  // each), the rest unknown to it — a typical application's dependency tree.
  const known = ['npm/lodash', 'npm/express', 'npm/minimist', 'npm/axios', 'pypi/urllib3', 'pypi/django', 'maven/org.apache.logging.log4j/log4j-core', 'deb/debian/openssh', 'deb/debian/curl'];
  let x = seed;
  const rnd = () => { x = (x * 1103515245 + 12345) % 2 ** 31; return x / 2 ** 31; };
  const components = Array.from({ length: n }, (_, i) => {
    const version = `${1 + Math.floor(rnd() * 12)}.${Math.floor(rnd() * 20)}.${Math.floor(rnd() * 5)}`;
    const r = i % 20;
    const pkg = i < 2 ? known[i] : r <= 3 ? `npm/synthetic-product-${5 * Math.floor(rnd() * 4000) + (i % 2)}` : `npm/unknown-package-${i}`;
    const name = pkg.split('/').pop()!;
    return { type: 'library', 'bom-ref': `c${i}`, name, version, purl: `pkg:${pkg}@${version}` };
  });
  return JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', version: 1, metadata: { timestamp: new Date().toISOString() }, components });
}

async function serve(backend: Backend) {
  const dataDir = mkdtempSync(join(tmpdir(), 'mamori-bench-adv-'));
  const tdb = backend === 'postgres' ? await createTestDatabase() : undefined;
  try {
    const t0 = Date.now();
    const app = await start('./advisories-server.ts', { BENCH_DATA_DIR: dataDir, BENCH_DATABASE_URL: tdb?.url ?? '', BENCH_ADVISORIES: String(ADVISORIES), BENCH_KEV: KEV });
    console.log(`${backend}: ${app.info.advisories} published advisories (${ADVISORIES} generated + CISA KEV), ready in ${((Date.now() - t0) / 1000).toFixed(0)} s; response cache filled at start: ${app.info.cached} entries, ${Math.round(Number(app.info.cachedBytes) / 2 ** 20)} MB, in ${(Number(app.info.warmMs) / 1000).toFixed(1)} s (start included); server RSS ${Math.round(Number(app.info.rssBytes) / 2 ** 20)} MB`);
    const bare = await start('./bare-server.ts', {});
    try {
      const base = await closed(`http://127.0.0.1:${bare.port}`, [{ method: 'GET', path: '/' }]);
      // k-th generated advisory (0 = oldest) → its JVNDB ID, from the generator's yearly counts.
      const counts = yearlyCounts(ADVISORIES);
      const idAt = (k: number) => { for (const [y, n] of counts) { if (k < n) return `/api/v1/advisories/JVNDB-${y}-${String(k + 1).padStart(6, '0')}`; k -= n; } throw new Error('out of range'); };
      const uniform = () => idAt(Math.floor(Math.random() * ADVISORIES));
      const z = zipf(ADVISORIES, 1.1);
      // Rank 1 = the newest advisory: recent entries are the most requested.
      const skewed = () => idAt(ADVISORIES - z());
      const url = `http://127.0.0.1:${app.port}`;
      // Second baseline: the bare server's /api/v1/advisories/:id with the same uniform paths, so that
      // the load generator's per-request work (a new path each time) weighs on both sides alike.
      const baseIds = await closed(`http://127.0.0.1:${bare.port}`, [{ method: 'GET', setupRequest: (req) => ({ ...req, path: uniform() }) }]);
      const u = await closed(url, [{ method: 'GET', setupRequest: (req) => ({ ...req, path: uniform() }) }]);
      const s = await closed(url, [{ method: 'GET', setupRequest: (req) => ({ ...req, path: skewed() }) }]);
      const statuses = (r: Result) => Object.entries(r.statusCodeStats).map(([k, v]) => `${k}×${v.count}`).join(' ');
      console.log(`${backend}: baseline bare Fastify GET /: ${rps(base)} requests/s (10 connections, ${DURATION} s)`);
      console.log(`${backend}: baseline bare Fastify GET /api/v1/advisories/:id, same uniform paths: ${rps(baseIds)} requests/s`);
      const ratios = (r: Result) => `${((rps(r) / rps(base)) * 100).toFixed(0)} % of bare GET /, ${((rps(r) / rps(baseIds)) * 100).toFixed(0)} % of bare with the same paths`;
      console.log(`${backend}: GET /api/v1/advisories/:id, uniform IDs: ${rps(u)} requests/s = ${ratios(u)}; latency p50 ${u.latency.p50} ms, p99 ${u.latency.p99} ms [${statuses(u)}]`);
      console.log(`${backend}: GET /api/v1/advisories/:id, Zipf-skewed IDs: ${rps(s)} requests/s = ${ratios(s)}; latency p50 ${s.latency.p50} ms, p99 ${s.latency.p99} ms [${statuses(s)}]`);
      await latency(`${backend}: search /api/v1/advisories?<keyword + filters>&limit=50`, app.port, (i) => ({ path: `/api/v1/advisories?${SEARCHES[i % SEARCHES.length]}&limit=50` }));
      await latency(`${backend}: search page /advisories?<keyword + filters> (HTML, 50 per page)`, app.port, (i) => ({ path: `/advisories?${SEARCHES[i % SEARCHES.length]}` }));
      await latency(`${backend}: MyJVN getVulnOverviewList (hnd)`, app.port, (i) => ({ path: `/myjvn?${OVERVIEW[i % OVERVIEW.length]}` }));
      const sboms = Array.from({ length: 5 }, (_, i) => sbom(1000, i + 1));
      await latency(`${backend}: POST /api/v1/version-check, CycloneDX JSON with 1,000 components`, app.port, (i) => ({ path: '/api/v1/version-check', body: { type: 'application/vnd.cyclonedx+json', data: sboms[i % sboms.length] } }));
    } finally {
      await stop(bare); await stop(app);
    }
  } finally {
    await tdb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function importBench(backend: Backend) {
  const dataDir = mkdtempSync(join(tmpdir(), 'mamori-bench-imp-'));
  const tdb = backend === 'postgres' ? await createTestDatabase() : undefined;
  try {
    const child = fork(here('./advisories-import.ts'), [], { env: { ...process.env, BENCH_DATA_DIR: dataDir, BENCH_DATABASE_URL: tdb?.url ?? '', BENCH_IMPORT: String(IMPORT) }, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const result = await new Promise<Record<string, number>>((resolve, reject) => {
      child.on('message', (m: Record<string, number> & { type?: string }) => { if (m.type === 'done') resolve(m); });
      child.once('exit', (code) => (code ? reject(new Error(`import child exited with ${code}`)) : undefined));
    });
    console.log(`${backend}: import of ${result.records} NVD CVE API 2.0 records (generated; ${result.files} files of 2,000) into an empty database: ${(result.ms / 1000).toFixed(1)} s = ${Math.round(result.records / (result.ms / 1000))} records/s (created ${result.created}, errors ${result.errors})`);
    child.kill();
  } finally {
    await tdb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(`bench/advisories.ts on ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (const b of BACKENDS) {
  if (!flag('skip-serve')) await serve(b);
  if (!flag('skip-import')) await importBench(b);
}
agent.destroy();
