// Crash safety of the real server process, on both backends: concurrent JSON submissions, each
// with its own Idempotency-Key, while the server is killed with SIGKILL at a random moment; then a
// restart on the same data, client retries with the same keys, and checks straight against the
// database and the audit chain. A receipt (201) must mean the report is stored, exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { BACKENDS, createTestDatabase } from '../harness.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { main as mamoriCli } from '../../src/cli/main.js';

import { killServer, request, sleep, startServer, stopServer, type Server } from './server.js';

const WORKERS = 8;
const BASE_URL = 'http://mamori.test'; // fixed, so tracking URLs compare equal across ports

function report(n: number): Record<string, unknown> {
  const common = {
    reporterName: `発見 ${n}`, reporterEmail: `finder${n}@example.jp`, consentToShare: true,
    description: `クラッシュ試験の届出 ${n}`, reproduction: '1. 送信 2. 強制終了', impact: '試験', discoveredOn: '2020-06-01',
  };
  return n % 3 === 2
    ? { kind: 'web', siteUrl: `https://site${n}.example.jp/`, siteOperator: '運営者', cwe: 'CWE-89', ...common }
    : { kind: 'product', productName: `Product${n}`, productVersions: '1.0', vendorName: 'ベンダ', productCategory: 'software', cwe: 'CWE-79', ...common };
}

interface Submission {
  key: string;
  payload: Record<string, unknown>;
  status?: number;
  ref?: string;
  trackingUrl?: string;
  /** Error code when no response came (ECONNREFUSED: never reached the server). */
  error?: string;
}

describe.each(BACKENDS)('crash safety of the server process on %s', (backend) => {
  let dataDir: string;
  let tdb: { url: string; drop(): Promise<void> } | undefined;
  let server: Server | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mamori-crash-'));
    tdb = backend === 'postgres' ? await createTestDatabase() : undefined;
    env = { MAMORI_DATA_DIR: dataDir, DATABASE_URL: tdb?.url ?? '', MAMORI_BASE_URL: BASE_URL, MAMORI_JOBS: 'on' };
  });
  afterAll(async () => {
    await killServer(server);
    await tdb?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged report exactly once across a SIGKILL, and retries return the same receipt', async () => {
    const t0 = Date.now();
    const notes: string[] = [];
    const phases: string[] = [];
    const phase = (name: string) => phases.push(`${name} ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    server = await startServer(env);
    const first = server;
    phase('ready');

    // -- concurrent submissions; SIGKILL at a random moment once receipts are coming back --------
    const submissions: Submission[] = [];
    const run = randomBytes(4).toString('hex');
    let n = 0;
    let killed = false;
    let firstAck!: () => void;
    const gotAck = new Promise<void>((r) => (firstAck = r));
    const loadDeadline = Date.now() + 60_000; // a bound only; the kill ends the load long before
    const worker = async (w: number) => {
      for (let i = 0; !killed && Date.now() < loadDeadline; i++) {
        const s: Submission = { key: `crash-${run}-${w}-${i}`, payload: report(n++) };
        submissions.push(s);
        try {
          const res = await request(first.port, 'POST', '/api/v1/vulnerability-reports', s.payload, { 'idempotency-key': s.key });
          s.status = res.status;
          if (res.status === 201) { s.ref = res.body.ref; s.trackingUrl = res.body.trackingUrl; firstAck(); }
        } catch (err) {
          s.error = (err as NodeJS.ErrnoException).code ?? String(err);
          if (!killed) await sleep(20);
        }
      }
    };
    const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
    await Promise.race([gotAck, sleep(60_000)]);
    const killAfter = 300 + Math.floor(Math.random() * 1700);
    await sleep(killAfter);
    first.proc.kill('SIGKILL');
    const killedExit = await first.exited;
    killed = true;
    await Promise.all(workers);
    phase('killed');

    const acked = submissions.filter((s) => s.status === 201);
    const inFlight = submissions.filter((s) => s.error && s.error !== 'ECONNREFUSED');
    const refused = submissions.filter((s) => s.error === 'ECONNREFUSED');
    const unexpected = submissions.filter((s) => s.status !== undefined && s.status !== 201);
    const summary = `kill after ${killAfter} ms: ${submissions.length} sent, ${acked.length} acknowledged, ${inFlight.length} cut off in flight, ${refused.length} refused`;
    notes.push(summary);
    expect(killedExit.signal, summary).toBe('SIGKILL');
    expect(acked.length, summary).toBeGreaterThan(0);
    expect(unexpected.map((s) => `${s.key}: ${s.status}`), 'answers other than 201 before the kill').toEqual([]);
    expect(new Set(acked.map((s) => s.ref)).size, 'distinct receipts').toBe(acked.length);

    // -- restart on the same data; clients retry with the same keys ------------------------------
    server = await startServer(env);
    phase('restarted');
    const retryInterrupted = [...inFlight.slice(0, 4), ...refused.slice(0, 2)];
    const retryAcked = [...acked.slice(0, 2), ...acked.slice(-2)].filter((s, i, a) => a.indexOf(s) === i);
    // The first interrupted submission is retried twice at once (an eager client): still one case.
    const retries = await Promise.all([...retryInterrupted, ...retryInterrupted.slice(0, 1), ...retryAcked].map(async (s) => ({
      s, res: await request(server!.port, 'POST', '/api/v1/vulnerability-reports', s.payload, { 'idempotency-key': s.key }),
    })));
    const answersTo = (s: Submission) => retries.filter((r) => r.s === s).map((r) => r.res);
    for (const s of retryAcked) {
      for (const res of answersTo(s)) {
        expect({ status: res.status, ref: res.body.ref, trackingUrl: res.body.trackingUrl }, `retry of acknowledged ${s.key}`)
          .toEqual({ status: 200, ref: s.ref, trackingUrl: s.trackingUrl });
      }
    }
    let interruptedButStored = 0;
    for (const s of retryInterrupted) {
      // Cut off in flight: stored or not, a retry gets the one receipt. Refused: it never arrived.
      const answers = answersTo(s);
      const what = `retry of interrupted ${s.key} (${s.error}): ${JSON.stringify(answers)}`;
      for (const res of answers) expect([200, 201], what).toContain(res.status);
      expect(answers.filter((res) => res.status === 201).length, what).toBeLessThanOrEqual(1);
      expect(new Set(answers.map((res) => res.body.ref)).size, what).toBe(1);
      if (s.error === 'ECONNREFUSED') expect(answers.some((res) => res.status === 201), what).toBe(true);
      if (answers.every((res) => res.status === 200)) interruptedButStored++;
      Object.assign(s, { status: 201, ref: answers[0].body.ref, trackingUrl: answers[0].body.trackingUrl, error: undefined }); // the client now holds a receipt
    }
    notes.push(`retried ${retryInterrupted.length} interrupted (${interruptedButStored} stored before the kill) and ${retryAcked.length} acknowledged`);
    const stop = await stopServer(server);
    expect({ code: stop.code, signal: stop.signal }, server.output()).toEqual({ code: 0, signal: null });
    phase('stopped');

    // -- the database, read directly ------------------------------------------------------------
    const receipts = submissions.filter((s) => s.status === 201);
    const neverArrived = submissions.filter((s) => s.error === 'ECONNREFUSED');
    const database = await openDatabase({ url: tdb?.url, dir: join(dataDir, 'db'), poolSize: 2 });
    try {
      const db = database.db;
      const cases = (await sql<{ id: string; ref: string; idempotency_key: string | null }>`
        select id, ref, idempotency_key from cases`.execute(db)).rows;
      const byRef = new Map<string, typeof cases>();
      for (const c of cases) byRef.set(c.ref, [...(byRef.get(c.ref) ?? []), c]);
      const byKey = new Map<string, typeof cases>();
      for (const c of cases) if (c.idempotency_key) byKey.set(c.idempotency_key, [...(byKey.get(c.idempotency_key) ?? []), c]);

      expect(cases.length).toBe(byRef.size); // no duplicate refs
      expect(cases.filter((c) => c.idempotency_key).length).toBe(byKey.size); // one case per key
      // Every acknowledged receipt: present exactly once, under its own key.
      for (const s of receipts) {
        expect(byRef.get(s.ref!)?.length, `acknowledged ${s.ref}`).toBe(1);
        expect(byRef.get(s.ref!)![0].idempotency_key, `key of ${s.ref}`).toBe(`api:${s.key}`);
      }
      expect(new Set(receipts.map((s) => s.ref)).size, 'receipts ↔ keys 1:1').toBe(new Set(receipts.map((s) => s.key)).size);
      // Every stored case came from a submission of this run; refused ones were never stored.
      const sentKeys = new Set(submissions.map((s) => `api:${s.key}`));
      expect(cases.filter((c) => !sentKeys.has(c.idempotency_key ?? '')).map((c) => c.ref)).toEqual([]);
      for (const s of neverArrived) expect(byKey.has(`api:${s.key}`), `refused ${s.key}`).toBe(false);
      expect(cases.length).toBeGreaterThanOrEqual(receipts.length);
      expect(cases.length).toBeLessThanOrEqual(submissions.length - neverArrived.length);

      // Each case is whole: one 'created' event, its reporter, its audit entry and its receipt mail.
      const incomplete = (await sql<{ ref: string; created: number; reporters: number; audited: number; mails: number }>`
        select c.ref,
          (select count(*) from case_events e where e.case_id = c.id and e.kind = 'created')::int as created,
          (select count(*) from case_parties p where p.case_id = c.id and p.role = 'reporter')::int as reporters,
          (select count(*) from audit_log a where a.action = 'vulndesk.report.received' and a.subject_id = c.id::text)::int as audited,
          (select count(*) from mail_outbox m where m.key = 'vulndesk-ack:' || c.id::text)::int as mails
        from cases c`.execute(db)).rows.filter((r) => r.created !== 1 || r.reporters !== 1 || r.audited !== 1 || r.mails !== 1);
      expect(incomplete).toEqual([]);
      notes.push(`${cases.length} cases stored for ${receipts.length} receipts`);
    } finally {
      await database.close();
    }
    phase('checked');

    // -- `mamori audit verify` on the same configuration ------------------------------------------
    const out: string[] = [];
    const code = await mamoriCli(['audit', 'verify'], { out: (l) => out.push(l), err: (l) => out.push(l), env: { ...env, LOG_LEVEL: 'warn' } });
    expect(out.join('\n')).toMatch(/^OK: \d+ entries$/);
    expect(code).toBe(0);
    expect(Number(/OK: (\d+)/.exec(out[0])![1])).toBeGreaterThanOrEqual(receipts.length);
    phase('verified');
    console.log(`[crash/${backend}] ${notes.join('; ')}; timeline: ${phases.join(', ')}`);
  }, 400_000);
});
