// Graceful shutdown of the real server process (PGlite, on-disk, background jobs on): SIGTERM
// during a stream of submissions lets in-flight requests finish, turns readiness red, exits 0
// within seconds, and a restart still has every acknowledged report. Plus the health endpoints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { openDatabase } from '../../src/platform/db/database.js';

// ---- the server as a child process (kept in step with crash.test.ts) -------------------------
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY_TIMEOUT = 150_000; // a fresh PGlite data dir runs initdb; slow on a busy 2-core machine
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Exit { code: number | null; signal: NodeJS.Signals | null }
interface Server { proc: ChildProcess; port: number; output(): string; exited: Promise<Exit>; exit?: Exit }
interface Res { status: number; body: any }

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address() as net.AddressInfo; s.close(() => resolve(port)); });
  });
}

/** One HTTP request on a connection of its own (no keep-alive pool to go stale across restarts). */
function request(port: number, method: string, path: string, body?: unknown, headers: Record<string, string> = {}, timeoutMs = 30_000): Promise<Res> {
  return slowRequest(port, method, path, body, headers, timeoutMs, 1).response;
}

/**
 * The same, but only the first `sentFraction` of the body is sent until finish() is called: a
 * request that is provably in flight (headers received, body incomplete) at a chosen moment.
 */
function slowRequest(port: number, method: string, path: string, body?: unknown, headers: Record<string, string> = {}, timeoutMs = 30_000, sentFraction = 0.5) {
  let finish!: () => void;
  const response = new Promise<Res>((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request({
      host: '127.0.0.1', port, method, path, agent: false,
      headers: { ...headers, ...(data ? { 'content-type': 'application/json', 'content-length': String(data.length) } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try { parsed = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    if (!data || sentFraction >= 1) { finish = () => {}; req.end(data); return; }
    const cut = Math.floor(data.length * sentFraction);
    req.write(data.subarray(0, cut));
    finish = () => { req.end(data.subarray(cut)); };
  });
  return { response, finish: () => finish() };
}

async function startServer(env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'warn', PUBLIC_FORM_RATE_LIMIT: '1000000', ...env, PORT: String(port) },
  });
  let out = '';
  const keep = (b: Buffer) => { out = (out + b.toString('utf8')).slice(-20_000); };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const server: Server = {
    proc, port, output: () => out,
    exited: new Promise<Exit>((resolve) => proc.once('exit', (code, signal) => { server.exit = { code, signal }; resolve(server.exit); })),
  };
  const deadline = Date.now() + READY_TIMEOUT;
  for (;;) {
    if (server.exit) throw new Error(`server exited before it was ready (${JSON.stringify(server.exit)}):\n${out}`);
    if (Date.now() > deadline) { proc.kill('SIGKILL'); throw new Error(`server not ready within ${READY_TIMEOUT} ms:\n${out}`); }
    try { if ((await request(port, 'GET', '/readyz', undefined, {}, 5000)).status === 200) return server; } catch { /* not listening yet */ }
    await sleep(200);
  }
}

/** SIGTERM and wait for the exit; SIGKILL if it does not come within timeoutMs. */
async function stopServer(s: Server, timeoutMs = 30_000): Promise<Exit & { ms: number }> {
  const t0 = Date.now();
  if (!s.exit) s.proc.kill('SIGTERM');
  const timer = setTimeout(() => s.proc.kill('SIGKILL'), timeoutMs);
  const exit = await s.exited.finally(() => clearTimeout(timer));
  return { ...exit, ms: Date.now() - t0 };
}

async function killServer(s: Server | undefined): Promise<void> {
  if (!s || s.exit) return;
  s.proc.kill('SIGKILL');
  await s.exited;
}

// ---- the tests ---------------------------------------------------------------------------------
/** Exit within this long after SIGTERM ("a few seconds"; generous for a loaded CI machine). */
const EXIT_WITHIN_MS = 10_000;
const BASE_URL = 'http://mamori.test';

const report = (n: number) => ({
  kind: 'product', reporterName: `発見 ${n}`, reporterEmail: `finder${n}@example.jp`, consentToShare: true,
  productName: `Product${n}`, productVersions: '1.0', vendorName: 'ベンダ', productCategory: 'software', cwe: 'CWE-79',
  description: `停止試験の届出 ${n}`, reproduction: '1. 送信 2. SIGTERM', impact: '試験', discoveredOn: '2026-01-15',
});

interface Submission { key: string; payload: Record<string, unknown>; status?: number; ref?: string; error?: string; slow?: boolean }

describe('graceful shutdown of the server process (pglite)', () => {
  let dataDir: string;
  let server: Server | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mamori-shutdown-'));
    env = { MAMORI_DATA_DIR: dataDir, DATABASE_URL: '', MAMORI_BASE_URL: BASE_URL, MAMORI_JOBS: 'on' };
    server = await startServer(env);
  }, READY_TIMEOUT + 30_000);
  afterAll(async () => {
    await killServer(server);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports liveness and readiness', async () => {
    const health = await request(server!.port, 'GET', '/healthz');
    expect(health).toEqual({ status: 200, body: { status: 'ok' } });
    const ready = await request(server!.port, 'GET', '/readyz');
    expect(ready).toEqual({ status: 200, body: { status: 'ready' } });
  });

  it('on SIGTERM finishes in-flight requests, turns unready, exits 0, and a restart has every acknowledged report', async () => {
    const s1 = server!;
    const run = randomBytes(4).toString('hex');
    const submissions: Submission[] = [];
    const submit = (sub: Submission, res: Promise<Res>) => res.then(
      (r) => { sub.status = r.status; if (r.status === 201) sub.ref = r.body.ref; },
      (err: NodeJS.ErrnoException) => { sub.error = err.code ?? String(err); },
    );

    // A slow stream: 3 clients, each sending one report after another with a pause between.
    let streaming = true;
    let n = 0;
    let firstAck!: () => void;
    const gotAck = new Promise<void>((r) => (firstAck = r));
    const streamDeadline = Date.now() + 90_000; // a bound only
    const client = async (c: number) => {
      for (let i = 0; streaming && Date.now() < streamDeadline; i++) {
        const sub: Submission = { key: `stream-${run}-${c}-${i}`, payload: report(n++) };
        submissions.push(sub);
        await submit(sub, request(s1.port, 'POST', '/api/v1/vulnerability-reports', sub.payload, { 'idempotency-key': sub.key }));
        if (sub.status === 201) firstAck();
        await sleep(sub.error ? 200 : 100);
      }
    };
    const clients = [0, 1, 2].map(client);
    await Promise.race([gotAck, sleep(60_000)]);
    await sleep(500);

    // Two requests provably in flight at SIGTERM: headers and half the body sent, the rest after.
    const slow = [0, 1].map((k) => {
      const sub: Submission = { key: `slow-${run}-${k}`, payload: report(1000 + k), slow: true };
      submissions.push(sub);
      const r = slowRequest(s1.port, 'POST', '/api/v1/vulnerability-reports', sub.payload, { 'idempotency-key': sub.key });
      return { sub, finish: r.finish, done: submit(sub, r.response) };
    });
    await sleep(200);
    // The server has answered a later request, so it has read the slow requests' headers too.
    expect((await request(s1.port, 'GET', '/healthz')).status).toBe(200);

    const tTerm = Date.now();
    s1.proc.kill('SIGTERM');
    // Readiness after SIGTERM: 503, or no connection at all once the listener is closed.
    const readyz: string[] = [];
    const probe = (async () => {
      while (!s1.exit && Date.now() - tTerm < EXIT_WITHIN_MS) {
        try { readyz.push(String((await request(s1.port, 'GET', '/readyz', undefined, {}, 5000)).status)); } catch (err) { readyz.push((err as NodeJS.ErrnoException).code ?? 'error'); }
        await sleep(50);
      }
    })();
    await sleep(500);
    for (const s of slow) s.finish();
    await Promise.all(slow.map((s) => s.done));
    const exit = await Promise.race([s1.exited, sleep(EXIT_WITHIN_MS + 20_000).then(() => undefined)]);
    const exitMs = Date.now() - tTerm;
    streaming = false;
    await Promise.all([...clients, probe]);

    const acked = submissions.filter((s) => s.status === 201);
    const counts = submissions.reduce<Record<string, number>>((m, s) => { const k = String(s.status ?? s.error); m[k] = (m[k] ?? 0) + 1; return m; }, {});
    console.log(`[shutdown] exit ${JSON.stringify(exit)} ${exitMs} ms after SIGTERM; outcomes ${JSON.stringify(counts)}; /readyz after SIGTERM: ${readyz.join(' ')}`);

    expect(exit, s1.output()).toEqual({ code: 0, signal: null });
    expect(exitMs).toBeLessThan(EXIT_WITHIN_MS);
    for (const s of slow) expect({ key: s.sub.key, status: s.sub.status, error: s.sub.error }).toEqual({ key: s.sub.key, status: 201, error: undefined });
    expect(acked.length).toBeGreaterThan(2);
    // Nothing failed inside the server: answers are receipts or "shutting down", or no connection.
    expect(submissions.filter((s) => s.status !== undefined && s.status !== 201 && s.status !== 503).map((s) => `${s.key}: ${s.status}`)).toEqual([]);
    expect(submissions.filter((s) => s.error && !['ECONNREFUSED', 'ECONNRESET'].includes(s.error)).map((s) => `${s.key}: ${s.error}`)).toEqual([]);
    // Readiness went red and stayed red: 503, or no connection (refused, or reset when it was still
    // in the listen backlog as the listener closed). A probe sent just before the signal was
    // handled may still say 200, but none after the first red one.
    const firstRed = readyz.findIndex((r) => r !== '200');
    expect(firstRed, readyz.join(' ')).toBeGreaterThanOrEqual(0);
    expect(readyz.slice(firstRed).filter((r) => !['503', 'ECONNREFUSED', 'ECONNRESET'].includes(r)), readyz.join(' ')).toEqual([]);

    // Restart on the same data: every acknowledged report is there (a retry returns its receipt).
    server = await startServer(env);
    const s2 = server;
    for (const s of acked) {
      const again = await request(s2.port, 'POST', '/api/v1/vulnerability-reports', s.payload, { 'idempotency-key': s.key });
      expect({ key: s.key, status: again.status, ref: again.body.ref }).toEqual({ key: s.key, status: 200, ref: s.ref });
    }
    const stop = await stopServer(s2);
    expect({ code: stop.code, signal: stop.signal }, s2.output()).toEqual({ code: 0, signal: null });

    // And nothing else: a request cut off without an answer (ECONNRESET) was not processed.
    const database = await openDatabase({ dir: join(dataDir, 'db') });
    try {
      const stored = (await sql<{ ref: string; idempotency_key: string }>`select ref, idempotency_key from cases`.execute(database.db)).rows;
      expect(stored.map((r) => `${r.idempotency_key} ${r.ref}`).sort()).toEqual(acked.map((s) => `api:${s.key} ${s.ref}`).sort());
    } finally {
      await database.close();
    }
  }, 300_000);
});
