// Benchmarks of the issue's three targets, on PGlite (on disk) and on a PostgreSQL server, with a
// bare Fastify route as the baseline of the same machine and load generator.
//
//   npm run bench                        both backends, 20 s per measurement, writes docs/benchmarks.md
//   npm run bench -- --backend=pglite    one backend (pglite | postgres)
//   npm run bench -- --quick             smoke run: 3 s per measurement, prints only
//   options: --duration=S --connections=N --cases=N --write (also in quick mode) --no-write
//
// The platform runs in a child process of its own (bench/app-server.ts), started like
// `npm run serve`: jobs on, PGlite on disk in a temporary directory or a fresh database on the
// server (127.0.0.1:5432, dropped afterwards). autocannon runs in this process, so load generation
// never shares the server's event loop; on a small machine they still share the CPUs, which is why
// the bare-Fastify baseline runs under exactly the same settings.
import autocannon, { type RequestSpec, type Result } from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus, totalmem, tmpdir } from 'node:os';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
const CASES = Number(opt('cases') ?? 20_000);
const WRITE_DOC = flag('no-write') ? false : flag('write') || !QUICK;
const RATE_LIMIT = 1_000_000;
/** Measure only once other programs use less than this share of the machine (waiting up to MAX_WAIT s). */
const QUIET = Number(opt('quiet') ?? 0.15);
const MAX_WAIT = Number(opt('max-wait') ?? (QUICK ? 0 : 600));
const STAFF = 'desk@mamori.example.jp';
/** Keywords staff type into the list filter; requests rotate through them. */
const KEYWORDS = ['sakura', 'クロスサイト', 'SQL', 'login'];

// ---- Machine ------------------------------------------------------------------------------------

function machine() {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) model = m[1].trim();
  } catch { /* not Linux */ }
  return { nproc: cpus().length, memGiB: totalmem() / 2 ** 30, model, node: process.version, platform: `${process.platform} ${process.arch}` };
}

/**
 * CPU jiffies: the whole machine (busy, total), and the processes of this benchmark: this process
 * (autocannon), the server and its database backends (PostgreSQL backends serving the benchmark's
 * database, found by its name in their process titles). Everything else busy is "other load":
 * other programs on the machine, which the report shows next to each measurement.
 */
interface CpuSample { busy: number; total: number; server: number; mine: number }
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
    const server = serverPid ? procJiffies(serverPid) : 0;
    let mine = procJiffies(process.pid) + server;
    if (dbName) {
      for (const d of readdirSync('/proc')) {
        if (!/^\d+$/.test(d)) continue;
        try { if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(` ${dbName} `)) mine += procJiffies(Number(d)); } catch { /* gone */ }
      }
    }
    return { busy, total, server, mine };
  } catch { return { busy: 0, total: 0, server: 0, mine: 0 }; }
}
/** Share of the machine that other programs keep busy, over `seconds`. */
async function otherLoad(seconds: number): Promise<number> {
  const a = cpuSample();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const b = cpuSample();
  return b.total > a.total ? (b.busy - a.busy - (b.mine - a.mine)) / (b.total - a.total) : 0;
}
/** Waits (up to MAX_WAIT seconds) until other programs leave the machine mostly idle. */
async function waitQuiet(): Promise<number> {
  const until = Date.now() + MAX_WAIT * 1000;
  let load = await otherLoad(2);
  let told = false;
  while (load > QUIET && Date.now() < until) {
    if (!told) { process.stdout.write(`(waiting for other load ${(load * 100).toFixed(0)} % to fall below ${(QUIET * 100).toFixed(0)} %) `); told = true; }
    load = await otherLoad(3);
  }
  return load;
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

interface Measurement {
  name: string;
  connections: number;
  duration: number;
  requests: number;
  rps: number;
  p50: number; p95: number; p99: number; max: number;
  statuses: Record<string, number>;
  errors: number;
  serverCpu: number;   // share of one core used by the server process
  benchCpu: number;    // share of the machine used by server, its database backends and autocannon
  otherCpu: number;    // share of the machine used by other programs during the measurement
}

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function cannon(url: string, connections: number, duration: number, requests: RequestSpec[], onResponse?: (status: number, ms: number) => void) {
  return new Promise<Result>((resolve, reject) => {
    const inst = autocannon({ url, connections, duration, requests, timeout: 30 }, (err, res) => (err ? reject(err) : resolve(res)));
    if (onResponse) inst.on('response', (_c, status, _b, ms) => onResponse(status, ms));
  });
}

async function measure(name: string, base: string, connections: number, requests: RequestSpec[], pid?: number, dbName?: string): Promise<Measurement> {
  process.stdout.write(`  ${name} (${connections} conn, ${DURATION} s) … `);
  await waitQuiet();
  await cannon(base, connections, WARMUP, requests);
  const times: number[] = [];
  const statuses: Record<string, number> = {};
  const c0 = cpuSample(pid, dbName);
  const t0 = performance.now();
  const res = await cannon(base, connections, DURATION, requests, (status, ms) => {
    times.push(ms);
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  const seconds = (performance.now() - t0) / 1000;
  const c1 = cpuSample(pid, dbName);
  times.sort((a, b) => a - b);
  const total = c1.total - c0.total;
  const m: Measurement = {
    name, connections, duration: seconds, requests: times.length, rps: times.length / seconds,
    p50: pct(times, 50), p95: pct(times, 95), p99: pct(times, 99), max: times[times.length - 1] ?? NaN,
    statuses, errors: res.errors + res.timeouts,
    serverCpu: pid && total ? ((c1.server - c0.server) / total) * cpus().length : NaN,
    benchCpu: total ? (c1.mine - c0.mine) / total : NaN,
    otherCpu: total ? Math.max(0, (c1.busy - c0.busy) - (c1.mine - c0.mine)) / total : NaN,
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
    description: `ベンチマーク用の届出 ${n}: 検索パラメータの値がエスケープされずに出力されます。`,
    reproduction: '1. 検索欄に "><script>alert(1)</script> を入力する\n2. スクリプトが実行されることを確認する',
    impact: '利用者のブラウザ上で任意のスクリプトが実行される可能性があります。', consentToShare: true,
  };
  return JSON.stringify(n % 2
    ? { kind: 'product', ...common, productName: `Bench Product ${n % 50}`, productVersions: '1.0.0 およびそれ以前', vendorName: 'ベンチ株式会社', productCategory: 'software' }
    : { kind: 'web', ...common, siteUrl: `https://www${n % 50}.bench.example.jp/search?q=test` });
}

function submissionRequests(): RequestSpec[] {
  return [{
    method: 'POST', path: '/api/v1/vulnerability-reports',
    setupRequest: (req) => ({ ...req, headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() }, body: reportBody() }),
  }];
}

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

interface BackendRun {
  backend: Backend;
  cases: number;
  seedSeconds: number;
  analyzed: boolean;
  casesAfter?: number;
  results: Record<'submit' | 'listApi' | 'listHtml' | 'stats', Measurement>;
}

async function runBaseline(): Promise<Record<'get' | 'post' | 'get1', Measurement>> {
  console.log('baseline: bare Fastify');
  const bare = await start('./bare-server.ts', {}, 'bare server');
  const base = `http://127.0.0.1:${bare.port}`;
  try {
    return {
      get: await measure('GET {ok:true}', base, CONNECTIONS, [{ method: 'GET', path: '/' }], bare.pid),
      post: await measure('POST JSON → {ok:true}', base, CONNECTIONS, [{ method: 'POST', path: '/', setupRequest: (r) => ({ ...r, headers: { 'content-type': 'application/json' }, body: reportBody() }) }], bare.pid),
      get1: await measure('GET {ok:true}', base, 1, [{ method: 'GET', path: '/' }], bare.pid),
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
    console.log(`  ${app.info.cases} cases in ${(Number(app.info.seedMs) / 1000).toFixed(0)} s (start, migrations, demo, extra import${app.info.analyzed ? ', analyze' : ''})`);
    const cookie = await login(base);
    const html = { cookie, accept: 'text/html,application/xhtml+xml', 'accept-encoding': 'gzip, deflate, br' };
    // Reads first, on exactly the seeded data; then the submissions add their cases.
    const db = tdb ? new URL(tdb.url).pathname.slice(1) : undefined;
    const stats = await measure('statistics FY2020 (JSON)', base, 1, [{ method: 'GET', path: '/api/v1/vulnerability-reports/statistics?asOf=2021-03-31' }], app.pid, db);
    const listApi = await measure('case list API', base, CONNECTIONS, listRequests('/api/v1/cases', { cookie }), app.pid, db);
    const listHtml = await measure('case list HTML', base, CONNECTIONS, listRequests('/staff/cases', html), app.pid, db);
    const submit = await measure('submission API', base, CONNECTIONS, submissionRequests(), app.pid, db);
    const after = await fetch(`${base}/api/v1/cases?limit=1`, { headers: { cookie } }).then((r) => r.json() as Promise<{ total: number }>);
    return {
      backend, cases: Number(app.info.cases), seedSeconds: Number(app.info.seedMs) / 1000, analyzed: !!app.info.analyzed, casesAfter: after.total,
      results: { submit, listApi, listHtml, stats },
    };
  } finally {
    await app?.stop();
    await tdb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---- Report -------------------------------------------------------------------------------------

const TARGETS = {
  submit: { text: '≥ 300 req/s', ok: (m: Measurement) => m.rps >= 300 },
  listApi: { text: 'p95 < 100 ms', ok: (m: Measurement) => m.p95 < 100 },
  listHtml: { text: 'p95 < 100 ms', ok: (m: Measurement) => m.p95 < 100 },
  stats: { text: '< 500 ms (p95)', ok: (m: Measurement) => m.p95 < 500 },
} as const;
const ENDPOINT = {
  submit: '`POST /api/v1/vulnerability-reports` (JSON, new Idempotency-Key each)',
  listApi: '`GET /api/v1/cases?type=vuln.web&open=1&q=…` (staff)',
  listHtml: '`GET /staff/cases?type=vuln.web&open=1&q=…` (staff, HTML, gzip)',
  stats: '`GET /api/v1/vulnerability-reports/statistics?asOf=2021-03-31`',
} as const;

const ms = (v: number) => (Number.isFinite(v) ? v < 10 ? v.toFixed(2) : v.toFixed(1) : '—');
const rps = (v: number) => v.toFixed(0);
const share = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(0)} %` : '—');

function statusText(m: Measurement): string {
  return Object.entries(m.statuses).map(([s, n]) => `${s}×${n}`).join(' ') + (m.errors ? ` errors×${m.errors}` : '');
}

function report(mach: ReturnType<typeof machine>, baseline: Awaited<ReturnType<typeof runBaseline>>, runs: BackendRun[], command: string): string {
  const lines: string[] = [];
  const push = (...l: string[]) => lines.push(...l);
  push(`Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC with \`${command}\`.`, '');
  push(`- Machine: ${mach.nproc} CPUs (${mach.model}), ${mach.memGiB.toFixed(1)} GiB memory, ${mach.platform}, Node ${mach.node}.`);
  push(`- Load: autocannon ${CONNECTIONS} connections (statistics: 1 connection, one request at a time), ${DURATION} s per measurement after a ${WARMUP} s warm-up, HTTP/1.1 keep-alive, no pipelining; latency percentiles are exact, over every response of the measured window.`);
  push(`- Data: ${runs.map((r) => `${r.backend} ${r.cases.toLocaleString()} cases before the run (${r.casesAfter?.toLocaleString() ?? '?'} after the submissions), seeded in ${r.seedSeconds.toFixed(0)} s${r.analyzed ? ', then ANALYZE' : ''}`).join('; ')}.`);
  push(`- Config: production defaults (jobs on, mail to .eml files) except \`publicFormRateLimit\` = ${RATE_LIMIT.toLocaleString()} per client per minute, because every benchmark request comes from 127.0.0.1 (the default, 20, would answer 429 after 20 submissions).`, '');
  push('Baseline (a bare Fastify 5 route in its own process):', '');
  push('| baseline | conn | req/s | p50 ms | p95 ms | p99 ms | server CPU | bench CPU | other load |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const m of [baseline.get, baseline.post, baseline.get1]) {
    push(`| ${m.name} | ${m.connections} | ${rps(m.rps)} | ${ms(m.p50)} | ${ms(m.p95)} | ${ms(m.p99)} | ${share(m.serverCpu)} | ${share(m.benchCpu)} | ${share(m.otherCpu)} |`);
  }
  push('');
  push('| backend | measurement | conn | req/s | p50 ms | p95 ms | p99 ms | req/s vs baseline | p95 vs baseline | server CPU | bench CPU | other load | responses | target | met |');
  push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|');
  for (const r of runs) {
    for (const key of ['submit', 'listApi', 'listHtml', 'stats'] as const) {
      const m = r.results[key];
      const b = key === 'submit' ? baseline.post : key === 'stats' ? baseline.get1 : baseline.get;
      push(`| ${r.backend} | ${ENDPOINT[key]} | ${m.connections} | ${rps(m.rps)} | ${ms(m.p50)} | ${ms(m.p95)} | ${ms(m.p99)} | ${((m.rps / b.rps) * 100).toFixed(1)} % | ${(m.p95 / b.p95).toFixed(0)}× | ${share(m.serverCpu)} | ${share(m.benchCpu)} | ${share(m.otherCpu)} | ${statusText(m)} | ${TARGETS[key].text} | ${TARGETS[key].ok(m) ? 'yes' : '**no**'} |`);
    }
  }
  push('', `"server CPU": the platform process (100 % = one core). "bench CPU": share of the whole machine (${mach.nproc} CPUs) used by the server, its PostgreSQL backends and autocannon. "other load": share of the machine busy with other programs during the measurement (each measurement first waits up to ${MAX_WAIT} s for that to fall below ${(QUIET * 100).toFixed(0)} %); results with high other load overstate latency and understate throughput.`);
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
const baseline = await runBaseline();
const runs: BackendRun[] = [];
for (const b of BACKENDS) runs.push(await runBackend(b));
const command = `npm run bench${argv.length ? ' -- ' + argv.join(' ') : ''}`;
const block = report(mach, baseline, runs, command);
console.log('\n' + block);
if (WRITE_DOC) writeDoc(block);
const missed = runs.flatMap((r) => (Object.keys(TARGETS) as Array<keyof typeof TARGETS>).filter((k) => !TARGETS[k].ok(r.results[k])).map((k) => `${r.backend} ${k}`));
if (missed.length) console.log(`\ntargets missed: ${missed.join(', ')}`);
