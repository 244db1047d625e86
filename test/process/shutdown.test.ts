// Graceful shutdown of the real server process (PGlite, on-disk, background jobs on): SIGTERM
// during a stream of submissions lets in-flight requests finish, turns readiness red, exits 0
// within seconds, and a restart still has every acknowledged report. Plus the health endpoints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../../src/platform/db/database.js';

import { READY_TIMEOUT, killServer, request, sleep, slowRequest, startServer, stopServer, type Res, type Server } from './server.js';
/** Exit within this long after SIGTERM ("a few seconds"; generous for a loaded CI machine). */
const EXIT_WITHIN_MS = 10_000;
const BASE_URL = 'http://mamori.test';

const report = (n: number) => ({
  kind: 'product', reporterName: `発見 ${n}`, reporterEmail: `finder${n}@example.jp`, consentToShare: true,
  productName: `Product${n}`, productVersions: '1.0', vendorName: 'ベンダ', productCategory: 'software', cwe: 'CWE-79',
  description: `停止試験の届出 ${n}`, reproduction: '1. 送信 2. SIGTERM', impact: '試験', discoveredOn: '2020-06-01',
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
