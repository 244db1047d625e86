// The real server as a child process, for the process-level tests (crash safety, shutdown):
// start on a free port and wait for readiness, plain one-connection HTTP requests, SIGTERM/SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const READY_TIMEOUT = 150_000; // a fresh PGlite data dir runs initdb; slow on a busy 2-core machine
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Exit { code: number | null; signal: NodeJS.Signals | null }
export interface Server { proc: ChildProcess; port: number; output(): string; exited: Promise<Exit>; exit?: Exit }
export interface Res { status: number; body: any }

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address() as net.AddressInfo; s.close(() => resolve(port)); });
  });
}

/** One HTTP request on a connection of its own (no keep-alive pool to go stale across restarts). */
export function request(port: number, method: string, path: string, body?: unknown, headers: Record<string, string> = {}, timeoutMs = 30_000): Promise<Res> {
  return slowRequest(port, method, path, body, headers, timeoutMs, 1).response;
}

/**
 * The same, but only the first `sentFraction` of the body is sent until finish() is called: a
 * request that is provably in flight (headers received, body incomplete) at a chosen moment.
 */
export function slowRequest(port: number, method: string, path: string, body?: unknown, headers: Record<string, string> = {}, timeoutMs = 30_000, sentFraction = 0.5) {
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

// Servers still running when this worker exits are killed, even if afterAll never ran.
const live = new Set<ChildProcess>();
process.once('exit', () => { for (const p of live) p.kill('SIGKILL'); });

export async function startServer(env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'warn', PUBLIC_FORM_RATE_LIMIT: '1000000', ...env, PORT: String(port) },
  });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
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
export async function stopServer(s: Server, timeoutMs = 30_000): Promise<Exit & { ms: number }> {
  const t0 = Date.now();
  if (!s.exit) s.proc.kill('SIGTERM');
  const timer = setTimeout(() => s.proc.kill('SIGKILL'), timeoutMs);
  const exit = await s.exited.finally(() => clearTimeout(timer));
  return { ...exit, ms: Date.now() - t0 };
}

export async function killServer(s: Server | undefined): Promise<void> {
  if (!s || s.exit) return;
  s.proc.kill('SIGKILL');
  await s.exited;
}

// ---- the tests ---------------------------------------------------------------------------------
