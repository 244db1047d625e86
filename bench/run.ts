// Benchmarks of the issue's three targets, on PGlite (on disk) and on a PostgreSQL server, with a
// bare Fastify route as the baseline of the same machine and load generator.
//
//   npm run bench                        both backends, 20 s per measurement, writes docs/benchmarks.md
//   npm run bench -- --backend=pglite    one backend (pglite | postgres)
//   npm run bench -- --quick             smoke run: 3 s per measurement, no waiting for a quiet machine, prints only
//   options: --duration=S --connections=N --list-rate=R --cases=N --quiet=0.15 --max-wait=S --write --no-write
//            --only=submit,listApi,listApiPaced,listHtml,listHtmlPaced,stats (a subset; skips the baseline)
//
// The platform runs in a child process of its own (bench/app-server.ts), started like
// `npm run serve`: jobs on, PGlite on disk in a temporary directory or a fresh database on the
// server (127.0.0.1:5432, dropped afterwards). The load generators run in this process, so they
// never share the server's event loop; on a small machine they still share its CPUs, which is why
// the bare-Fastify baseline (bench/bare-server.ts, also a child process) runs under the same settings.
//
// Two kinds of load:
// - closed: autocannon with N connections, each sending its next request when the previous one
//   answered; gives the throughput at saturation (and the latency at saturation, which is mostly
//   queueing: connections / throughput).
// - paced: requests at random (Poisson) instants at a fixed rate, each timed from its scheduled
//   start, whatever the server's backlog; gives the latency a user sees at that load.
import autocannon, { type RawRequest, type RequestSpec, type Result } from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { cpus, totalmem, tmpdir } from 'node:os';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createTestDatabase } from '../test/harness.js';
import { totpNow } from '../test/session.js';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../src/modules/vuln-desk/demo.js';

// ---- Options ------------------------------------------------------------------------------------

type Backend = 'pglite' | 'postgres';
const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const flag = (name: string) => argv.includes(`--${name}`);
const QUICK = flag('quick');
const BACKENDS: Backend[] = opt('backend') ? [opt('backend') as Backend] : ['pglite', 'postgres'];
for (const b of BACKENDS) if (b !== 'pglite' && b !== 'postgres') throw new Error(`--backend must be pglite or postgres (got ${b})`);
const DURATION = Number(opt('duration') ?? (QUICK ? 3 : 20));
const WARMUP = QUICK ? 1 : 3;
const CONNECTIONS = Number(opt('connections') ?? 10);
/** Staff list requests per second of the paced measurement (see docs/benchmarks.md for why 20). */
const LIST_RATE = Number(opt('list-rate') ?? 20);
const CASES = Number(opt('cases') ?? 20_000);
const WRITE_DOC = flag('no-write') ? false : flag('write') || (!QUICK && !opt('only'));
const RATE_LIMIT = 1_000_000;
/** Measure only once other programs use less than this share of the machine (waiting up to MAX_WAIT s). */
const QUIET = Number(opt('quiet') ?? 0.15);
const MAX_WAIT = Number(opt('max-wait') ?? (QUICK ? 0 : 600));
const STAFF = 'desk@mamori.example.jp';
/** Keywords staff type into the list filter; requests rotate through them (rare to very common). */
const KEYWORDS = ['sakura', 'クロスサイト', 'SQL', 'login'];
const ONLY = opt('only')?.split(',');

// ---- Machine ------------------------------------------------------------------------------------

function machine() {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) model = m[1].trim();
  } catch { /* not Linux */ }
  const pgliteVersion = (JSON.parse(readFileSync(fileURLToPath(new URL('../node_modules/@electric-sql/pglite/package.json', import.meta.url)), 'utf8')) as { version: string }).version;
  return { nproc: cpus().length, memGiB: totalmem() / 2 ** 30, model, node: process.version, platform: `${process.platform} ${process.arch}`, pgliteVersion };
}

async function postgresInfo(): Promise<string> {
  const c = new pg.Client({ connectionString: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
  await c.connect();
  try {
    const r = await c.query<{ v: string; sb: string; sc: string; wm: string }>(
      `select current_setting('server_version') v, current_setting('shared_buffers') sb, current_setting('synchronous_commit') sc, current_setting('work_mem') wm`);
    const { v, sb, sc, wm } = r.rows[0];
    return `PostgreSQL ${v} on the same machine (shared_buffers ${sb}, work_mem ${wm}, synchronous_commit ${sc}; the platform's pool holds 10 connections)`;
  } finally { await c.end(); }
}

/**
 * CPU jiffies: the whole machine (busy, total), and the processes of this benchmark: this process
 * (load generator), the server and its database backends (PostgreSQL backends serving the
 * benchmark's database, found by its name in their process titles). Everything else busy is
 * "other load": other programs on the machine, which the report shows next to each measurement.
 */
interface CpuSample { busy: number; total: number; server: number; procs: Map<number, number> }
function procJiffies(pid: number): number {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]); // utime + stime
  } catch { return 0; }
}
function cpuSample(serverPid?: number, dbName?: string): CpuSample {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    const busy = total - f[3] - f[4];
    const procs = new Map<number, number>([[process.pid, procJiffies(process.pid)]]);
    if (serverPid) procs.set(serverPid, procJiffies(serverPid));
    if (dbName) {
      for (const d of readdirSync('/proc')) {
        if (!/^\d+$/.test(d)) continue;
        try { if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(` ${dbName} `)) procs.set(Number(d), procJiffies(Number(d))); } catch { /* gone */ }
      }
    }
    return { busy, total, server: serverPid ? procs.get(serverPid)! : 0, procs };
  } catch { return { busy: 0, total: 0, server: 0, procs: new Map() }; }
}
/** CPU jiffies this benchmark's processes used between two samples (processes that started in between count whole). */
function mineDelta(a: CpuSample, b: CpuSample): number {
  let d = 0;
  for (const [pid, j] of b.procs) d += Math.max(0, j - (a.procs.get(pid) ?? 0));
  return d;
}
/** Share of the machine that other programs keep busy, over `seconds`. */
async function otherLoad(seconds: number): Promise<number> {
  const a = cpuSample();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const b = cpuSample();
  return b.total > a.total ? (b.busy - a.busy - mineDelta(a, b)) / (b.total - a.total) : 0;
}
/** Waits (up to MAX_WAIT seconds) until other programs leave the machine mostly idle. */
async function waitQuiet(): Promise<void> {
  if (MAX_WAIT <= 0) return;
  const until = Date.now() + MAX_WAIT * 1000;
  let load = await otherLoad(2);
  let told = false;
  while (load > QUIET && Date.now() < until) {
    if (!told) { process.stdout.write(`(waiting for other load ${(load * 100).toFixed(0)} % to fall below ${(QUIET * 100).toFixed(0)} %) `); told = true; }
    load = await otherLoad(3);
  }
}

// ---- Child processes ----------------------------------------------------------------------------

interface Child { port: number; info: Record<string, unknown>; pid: number; stop(): Promise<void> }

function start(script: string, env: Record<string, string>, label: string): Promise<Child> {
  const child: ChildProcess = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
    execArgv: ['--import', 'tsx', '--disable-warning=FSTDEP023'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${label} exited with ${code} before it was ready`));
    child.once('exit', onExit);
    child.once('message', (m: { type?: string; port?: number }) => {
      if (m?.type !== 'ready' || !m.port) return reject(new Error(`${label}: unexpected message ${JSON.stringify(m)}`));
      child.off('exit', onExit);
      resolve({
        port: m.port, info: m as Record<string, unknown>, pid: child.pid!,
        stop: () => new Promise<void>((done) => {
          if (child.exitCode !== null) return done();
          const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
          child.once('exit', () => { clearTimeout(kill); done(); });
          child.send({ type: 'stop' });
        }),
      });
    });
  });
}

// ---- Load ---------------------------------------------------------------------------------------

type Load = { kind: 'closed'; connections: number } | { kind: 'paced'; rate: number };

interface Measurement {
  name: string;
  load: Load;
  duration: number;
  requests: number;
  rps: number;
  p50: number; p95: number; p99: number; max: number;
  statuses: Record<string, number>;
  errors: number;
  serverCpu: number;   // share of one core used by the server process
  benchCpu: number;    // share of the machine used by server, its database backends and the load generator
  otherCpu: number;    // share of the machine used by other programs during the measurement
}

const loadText = (l: Load) => (l.kind === 'closed' ? `${l.connections} conn` : `${l.rate}/s paced`);

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

type OnResponse = (status: number, ms: number) => void;

function closed(url: string, connections: number, seconds: number, requests: RequestSpec[], onResponse?: OnResponse): Promise<number> {
  return new Promise((resolve, reject) => {
    const inst = autocannon({ url, connections, duration: seconds, requests, timeout: 30 }, (err, res: Result) => (err ? reject(err) : resolve(res.errors + res.timeouts)));
    if (onResponse) inst.on('response', (_c, status, _b, ms) => onResponse(status, ms));
  });
}

/** Open-loop load: Poisson arrivals at `rate`/s for `seconds`, latency from each scheduled start. */
function paced(url: string, rate: number, seconds: number, requests: RequestSpec[], onResponse?: OnResponse): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const { hostname, port } = new URL(url);
  let errors = 0;
  let i = 0;
  const inflight: Array<Promise<void>> = [];
  const t0 = performance.now();
  let at = 0;
  return new Promise((resolve) => {
    const next = () => {
      at += (-Math.log(1 - Math.random()) / rate) * 1000;
      if (at > seconds * 1000) {
        void Promise.all(inflight).then(() => { agent.destroy(); resolve(errors); });
        return;
      }
      setTimeout(fire, Math.max(0, t0 + at - performance.now()));
    };
    const fire = () => {
      const scheduled = t0 + at;
      const spec = requests[i++ % requests.length];
      const base: RawRequest = { method: spec.method ?? 'GET', path: spec.path ?? '/', headers: spec.headers ?? {}, body: spec.body };
      const req = spec.setupRequest ? spec.setupRequest(base, {}) ?? base : base;
      inflight.push(new Promise<void>((done) => {
        const r = httpRequest({ agent, hostname, port, method: req.method, path: req.path, headers: req.headers }, (res) => {
          res.resume();
          res.on('end', () => { onResponse?.(res.statusCode ?? 0, performance.now() - scheduled); done(); });
        });
        r.on('error', () => { errors++; done(); });
        r.setTimeout(30_000, () => r.destroy(new Error('timeout')));
        r.end(req.body);
      }));
      next();
    };
    next();
  });
}

async function measure(name: string, base: string, load: Load, requests: RequestSpec[], pid?: number, dbName?: string): Promise<Measurement> {
  process.stdout.write(`  ${name} (${loadText(load)}, ${DURATION} s) … `);
  const run = (seconds: number, on?: OnResponse) =>
    load.kind === 'closed' ? closed(base, load.connections, seconds, requests, on) : paced(base, load.rate, seconds, requests, on);
  await waitQuiet();
  await run(WARMUP);
  const times: number[] = [];
  const statuses: Record<string, number> = {};
  const c0 = cpuSample(pid, dbName);
  const t0 = performance.now();
  const errors = await run(DURATION, (status, ms) => {
    times.push(ms);
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  const seconds = (performance.now() - t0) / 1000;
  const c1 = cpuSample(pid, dbName);
  times.sort((a, b) => a - b);
  const total = c1.total - c0.total;
  const m: Measurement = {
    name, load, duration: seconds, requests: times.length, rps: times.length / seconds,
    p50: pct(times, 50), p95: pct(times, 95), p99: pct(times, 99), max: times[times.length - 1] ?? NaN,
    statuses, errors,
    serverCpu: pid && total ? ((c1.server - c0.server) / total) * cpus().length : NaN,
    benchCpu: total ? mineDelta(c0, c1) / total : NaN,
    otherCpu: total ? Math.max(0, (c1.busy - c0.busy) - mineDelta(c0, c1)) / total : NaN,
  };
  console.log(`${m.rps.toFixed(0)} req/s, p50 ${m.p50.toFixed(1)} ms, p95 ${m.p95.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms ${JSON.stringify(statuses)}${m.errors ? ` errors ${m.errors}` : ''}, other load ${(m.otherCpu * 100).toFixed(0)} %`);
  return m;
}

// ---- Requests -----------------------------------------------------------------------------------

let seq = 0;
/** A valid report, alternately for a software product and a website, unique each time. */
function reportBody(): string {
  const n = ++seq;
  const common = {
    reporterName: `ベンチ 太郎 ${n}`, reporterEmail: `bench${n % 500}@example.jp`, cwe: n % 3 ? 'CWE-79' : 'CWE-89',
    description: `ベンチマーク用の届出 ${n}: 検索画面の keyword パラメータの値がエスケープされないまま HTML に出力されるため、クロスサイトスクリプティングが可能です。`,
    reproduction: '1. 検索欄に "><script>alert(document.domain)</script> を入力して検索する\n2. ブラウザ上でスクリプトが実行されることを確認する',
    impact: '利用者のブラウザ上で任意のスクリプトが実行され、セッション情報の窃取や偽の入力フォームの表示が行われる可能性があります。',
    consentToShare: true, discoveredOn: '2026-11-01',
  };
  return JSON.stringify(n % 2
    ? { kind: 'product', ...common, productName: `Bench Product ${n % 50}`, productVersions: '1.0.0 およびそれ以前', vendorName: 'ベンチ株式会社', productCategory: 'software' }
    : { kind: 'web', ...common, siteUrl: `https://www${n % 50}.bench.example.jp/search?keyword=test`, siteOperator: 'ベンチ通販株式会社' });
}

const postReport = (path: string): RequestSpec[] => [{
  method: 'POST', path,
  setupRequest: (req) => ({ ...req, headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() }, body: reportBody() }),
}];

function listRequests(prefix: string, headers: Record<string, string>): RequestSpec[] {
  return KEYWORDS.map((k) => ({ method: 'GET', path: `${prefix}?type=vuln.web&open=1&q=${encodeURIComponent(k)}`, headers }));
}

async function login(base: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: STAFF, password: DEMO_PASSWORD, totp: totpNow(DEMO_TOTP_SECRET) }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const check = await fetch(`${base}/api/v1/cases?type=vuln.web&open=1&q=sakura&limit=1`, { headers: { cookie } });
  if (check.status !== 200) throw new Error(`staff session does not work: ${check.status} ${await check.text()}`);
  return cookie;
}

// ---- Runs ---------------------------------------------------------------------------------------

type Key = 'stats' | 'listApi' | 'listApiPaced' | 'listHtml' | 'listHtmlPaced' | 'submit';
const KEYS: Key[] = ['submit', 'listApi', 'listApiPaced', 'listHtml', 'listHtmlPaced', 'stats'];
type BaseKey = 'get' | 'post' | 'get1' | 'getPaced';

interface BackendRun {
  backend: Backend;
  cases: number;
  seedSeconds: number;
  casesAfter?: number;
  matches: Record<string, number>;
  results: Partial<Record<Key, Measurement>>;
}

async function runBaseline(): Promise<Partial<Record<BaseKey, Measurement>>> {
  if (ONLY) return {};
  console.log('baseline: bare Fastify');
  const bare = await start('./bare-server.ts', {}, 'bare server');
  const base = `http://127.0.0.1:${bare.port}`;
  try {
    return {
      get: await measure('GET {ok:true}', base, { kind: 'closed', connections: CONNECTIONS }, [{ method: 'GET', path: '/' }], bare.pid),
      post: await measure('POST JSON → {ok:true}', base, { kind: 'closed', connections: CONNECTIONS }, postReport('/'), bare.pid),
      get1: await measure('GET {ok:true}', base, { kind: 'closed', connections: 1 }, [{ method: 'GET', path: '/' }], bare.pid),
      getPaced: await measure('GET {ok:true}', base, { kind: 'paced', rate: LIST_RATE }, [{ method: 'GET', path: '/' }], bare.pid),
    };
  } finally { await bare.stop(); }
}

async function runBackend(backend: Backend): Promise<BackendRun> {
  console.log(`\n${backend}: seeding ${CASES.toLocaleString()} cases …`);
  const dataDir = mkdtempSync(join(tmpdir(), `mamori-bench-${backend}-`));
  const tdb = backend === 'postgres' ? await createTestDatabase() : undefined;
  let app: Child | undefined;
  try {
    app = await start('./app-server.ts', { BENCH_DATA_DIR: dataDir, BENCH_DATABASE_URL: tdb?.url ?? '', BENCH_CASES: String(CASES), BENCH_RATE_LIMIT: String(RATE_LIMIT) }, `${backend} server`);
    const base = `http://127.0.0.1:${app.port}`;
    console.log(`  ${app.info.cases} cases in ${(Number(app.info.seedMs) / 1000).toFixed(0)} s (start, migrations, demo, extra import)`);
    const cookie = await login(base);
    const matches: Record<string, number> = {};
    for (const k of KEYWORDS) {
      const r = await fetch(`${base}/api/v1/cases?type=vuln.web&open=1&limit=1&q=${encodeURIComponent(k)}`, { headers: { cookie } });
      matches[k] = ((await r.json()) as { total: number }).total;
    }
    const html = { cookie, accept: 'text/html,application/xhtml+xml', 'accept-encoding': 'gzip, deflate, br' };
    const db = tdb ? new URL(tdb.url).pathname.slice(1) : undefined;
    const sat: Load = { kind: 'closed', connections: CONNECTIONS };
    const pace: Load = { kind: 'paced', rate: LIST_RATE };
    const m = (name: string, load: Load, requests: RequestSpec[]) => measure(name, base, load, requests, app!.pid, db);
    // Reads first, on exactly the seeded data; then the submissions add their cases.
    const plan: Array<[Key, string, Load, RequestSpec[]]> = [
      ['stats', 'statistics FY2020 (JSON)', { kind: 'closed', connections: 1 }, [{ method: 'GET', path: '/api/v1/vulnerability-reports/statistics?asOf=2021-03-31' }]],
      ['listApiPaced', 'case list API', pace, listRequests('/api/v1/cases', { cookie })],
      ['listHtmlPaced', 'case list HTML', pace, listRequests('/staff/cases', html)],
      ['listApi', 'case list API', sat, listRequests('/api/v1/cases', { cookie })],
      ['listHtml', 'case list HTML', sat, listRequests('/staff/cases', html)],
      ['submit', 'submission API', sat, postReport('/api/v1/vulnerability-reports')],
    ];
    const results: Partial<Record<Key, Measurement>> = {};
    for (const [key, name, load, requests] of plan) if (!ONLY || ONLY.includes(key)) results[key] = await m(name, load, requests);
    const after = await fetch(`${base}/api/v1/cases?limit=1`, { headers: { cookie } }).then((r) => r.json() as Promise<{ total: number }>);
    return { backend, cases: Number(app.info.cases), seedSeconds: Number(app.info.seedMs) / 1000, casesAfter: after.total, matches, results };
  } finally {
    await app?.stop();
    await tdb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---- Report -------------------------------------------------------------------------------------

const TARGETS: Record<Key, { text: string; ok: (m: Measurement) => boolean }> = {
  submit: { text: '≥ 300 req/s', ok: (m) => m.rps >= 300 },
  listApi: { text: 'p95 < 100 ms', ok: (m) => m.p95 < 100 },
  listApiPaced: { text: 'p95 < 100 ms', ok: (m) => m.p95 < 100 },
  listHtml: { text: 'p95 < 100 ms', ok: (m) => m.p95 < 100 },
  listHtmlPaced: { text: 'p95 < 100 ms', ok: (m) => m.p95 < 100 },
  stats: { text: '< 500 ms (p95)', ok: (m) => m.p95 < 500 },
};
const ENDPOINT: Record<Key, string> = {
  submit: '1 · `POST /api/v1/vulnerability-reports`',
  listApi: '2 · `GET /api/v1/cases?type=vuln.web&open=1&q=…`',
  listApiPaced: '2 · `GET /api/v1/cases?type=vuln.web&open=1&q=…`',
  listHtml: '2 · `GET /staff/cases?type=vuln.web&open=1&q=…` (HTML)',
  listHtmlPaced: '2 · `GET /staff/cases?type=vuln.web&open=1&q=…` (HTML)',
  stats: '3 · `GET /api/v1/vulnerability-reports/statistics?asOf=2021-03-31`',
};
const BASELINE_OF: Record<Key, BaseKey> = { submit: 'post', listApi: 'get', listHtml: 'get', listApiPaced: 'getPaced', listHtmlPaced: 'getPaced', stats: 'get1' };

const ms = (v: number) => (Number.isFinite(v) ? (v < 10 ? v.toFixed(2) : v.toFixed(1)) : '—');
const share = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(0)} %` : '—');
const statusText = (m: Measurement) => Object.entries(m.statuses).map(([s, n]) => `${s}×${n}`).join(' ') + (m.errors ? ` errors×${m.errors}` : '');

function report(mach: ReturnType<typeof machine>, pgInfo: string | undefined, baseline: Partial<Record<BaseKey, Measurement>>, runs: BackendRun[], command: string): string {
  const lines: string[] = [];
  const push = (...l: string[]) => lines.push(...l);
  push(`Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: \`${command}\``, '');
  push(`- Machine: ${mach.nproc} CPUs (${mach.model}), ${mach.memGiB.toFixed(1)} GiB memory, ${mach.platform}, Node ${mach.node}; PGlite ${mach.pgliteVersion} on disk${pgInfo ? `; ${pgInfo}` : ''}. Server, database and load generator share these CPUs.`);
  push(`- Load: closed = autocannon with ${CONNECTIONS} connections (statistics: 1 connection, one request at a time); paced = Poisson arrivals at ${LIST_RATE} requests/s, each timed from its scheduled start. ${DURATION} s per measurement after a ${WARMUP} s warm-up, HTTP/1.1 keep-alive. Percentiles are exact, over every response of the window.`);
  for (const r of runs) {
    push(`- Data (${r.backend}): ${r.cases.toLocaleString()} cases when the reads were measured (${r.casesAfter?.toLocaleString() ?? '?'} after the submissions), seeded in ${r.seedSeconds.toFixed(0)} s (start, migrations, demo history, extra import; each bulk import ends with VACUUM ANALYZE). Keywords and their matches among open website reports: ${Object.entries(r.matches).map(([k, n]) => `${k} ${n}`).join(', ')}.`);
  }
  push(`- Config: production defaults (jobs on, mail written as .eml files) except \`publicFormRateLimit\` = ${RATE_LIMIT.toLocaleString()} per client per minute, because every benchmark request comes from 127.0.0.1 (the default, 20, would answer 429 after 20 submissions).`, '');
  push('Baseline (bare Fastify 5 route in its own process):', '');
  push('| baseline | load | req/s | p50 ms | p95 ms | p99 ms | server CPU | bench CPU | other load |', '|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const m of [baseline.get, baseline.post, baseline.get1, baseline.getPaced]) {
    if (!m) continue;
    push(`| ${m.name} | ${loadText(m.load)} | ${m.rps.toFixed(0)} | ${ms(m.p50)} | ${ms(m.p95)} | ${ms(m.p99)} | ${share(m.serverCpu)} | ${share(m.benchCpu)} | ${share(m.otherCpu)} |`);
  }
  push('');
  push('| backend | target · endpoint | load | req/s | p50 ms | p95 ms | p99 ms | req/s ÷ baseline | p95 ÷ baseline | server CPU | bench CPU | other load | responses | target | met |');
  push('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|');
  for (const r of runs) {
    for (const key of KEYS) {
      const m = r.results[key];
      if (!m) continue;
      const b = baseline[BASELINE_OF[key]];
      push(`| ${r.backend} | ${ENDPOINT[key]} | ${loadText(m.load)} | ${m.rps.toFixed(0)} | ${ms(m.p50)} | ${ms(m.p95)} | ${ms(m.p99)} | ${b ? `${((m.rps / b.rps) * 100).toFixed(1)} %` : '—'} | ${b ? `${(m.p95 / b.p95).toFixed(0)}×` : '—'} | ${share(m.serverCpu)} | ${share(m.benchCpu)} | ${share(m.otherCpu)} | ${statusText(m)} | ${TARGETS[key].text} | ${TARGETS[key].ok(m) ? 'yes' : '**no**'} |`);
    }
  }
  push('', `"server CPU": the platform's process (100 % = one core). "bench CPU": share of the whole machine (${mach.nproc} CPUs) used by the server, its PostgreSQL backends and the load generator. "other load": share of the machine busy with other programs during the measurement${MAX_WAIT > 0 ? ` (each measurement first waited up to ${MAX_WAIT} s for it to fall below ${(QUIET * 100).toFixed(0)} %)` : ''}; high other load overstates latency and understates throughput.`);
  return lines.join('\n');
}

const START = '<!-- bench:results:start (generated by bench/run.ts; edit outside these markers) -->';
const END = '<!-- bench:results:end -->';

function writeDoc(block: string) {
  const path = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
  const body = `${START}\n${block}\n${END}`;
  const old = existsSync(path) ? readFileSync(path, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`;
  const i = old.indexOf(START); const j = old.indexOf(END);
  writeFileSync(path, i >= 0 && j > i ? old.slice(0, i) + body + old.slice(j + END.length) : `${old.trimEnd()}\n\n${body}\n`);
  console.log(`\nresults written to ${path}`);
}

// ---- Main ---------------------------------------------------------------------------------------

const mach = machine();
console.log(`machine: ${mach.nproc} CPUs (${mach.model}), ${mach.memGiB.toFixed(1)} GiB, Node ${mach.node}; ${QUICK ? 'quick smoke run' : 'full run'}, ${DURATION} s per measurement`);
const pgInfo = BACKENDS.includes('postgres') ? await postgresInfo() : undefined;
const baseline = await runBaseline();
const runs: BackendRun[] = [];
for (const b of BACKENDS) runs.push(await runBackend(b));
const command = `npm run bench${argv.length ? ' -- ' + argv.join(' ') : ''}`;
const block = report(mach, pgInfo, baseline, runs, command);
console.log('\n' + block);
if (WRITE_DOC) writeDoc(block);
const missed = runs.flatMap((r) => KEYS.filter((k) => r.results[k] && !TARGETS[k].ok(r.results[k]!)).map((k) => `${r.backend} ${k}`));
console.log(missed.length ? `\ntargets missed: ${missed.join(', ')}` : '\nall targets met');
