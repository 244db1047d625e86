import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, startKernelContext, type KernelTestContext } from '../../../test/kernel-context.js';
import type { AppContext } from '../context.js';
import { createJobs, JOB_MAX_ATTEMPTS } from './job-runner.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(BACKENDS)('jobs on %s', (backend) => {
  let k: KernelTestContext;
  beforeAll(async () => { k = await startKernelContext(backend); });
  afterAll(async () => { await k?.destroy(); });
  beforeEach(async () => { await sql`delete from jobs`.execute(k.ctx.db); await sql`delete from job_schedules`.execute(k.ctx.db); });

  const jobRows = async () => (await sql<any>`select * from jobs order by id`.execute(k.ctx.db)).rows;

  it('runs enqueued jobs once with their payload and the context', async () => {
    const jobs = createJobs(k.ctx);
    const seen: Array<[Record<string, unknown>, AppContext]> = [];
    jobs.register('greet', async (payload, ctx) => { seen.push([payload, ctx]); });
    await jobs.enqueue('greet', { who: '世界', list: [1, 2], nested: { a: true } });
    await k.ctx.db.transaction().execute((trx) => jobs.enqueue('greet', { who: 'trx' }, { trx }));
    expect(await jobs.runDue()).toBe(2);
    expect(await jobs.runDue()).toBe(0);
    expect(seen.map(([p]) => p)).toEqual([{ who: '世界', list: [1, 2], nested: { a: true } }, { who: 'trx' }]);
    expect(seen[0][1]).toBe(k.ctx);
    const rows = await jobRows();
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([['done', 1], ['done', 1]]);
    expect(rows[0].finished_at).toBeInstanceOf(Date);
  });

  it('does not run jobs of a rolled-back transaction, future jobs, or jobs without a handler here', async () => {
    const jobs = createJobs(k.ctx);
    let runs = 0;
    jobs.register('count', async () => { runs++; });
    await expect(k.ctx.db.transaction().execute(async (trx) => {
      await jobs.enqueue('count', {}, { trx });
      throw new Error('rollback');
    })).rejects.toThrow('rollback');
    await jobs.enqueue('count', {}, { runAt: new Date(Date.now() + 60_000) });
    await jobs.enqueue('someone-else', {});
    expect(await jobs.runDue()).toBe(0);
    expect(runs).toBe(0);
    await sql`update jobs set run_at = now() where name = 'count'`.execute(k.ctx.db);
    expect(await jobs.runDue()).toBe(1);
    expect(runs).toBe(1);
    expect((await jobRows()).find((r) => r.name === 'someone-else')).toMatchObject({ status: 'queued', attempts: 0 });
  });

  it('retries failures with growing backoff and then fails', async () => {
    const jobs = createJobs(k.ctx);
    let calls = 0;
    jobs.register('flaky', async () => { calls++; throw new Error(`boom ${calls}`); });
    await jobs.enqueue('flaky', {});
    const waits: number[] = [];
    for (let i = 1; i <= JOB_MAX_ATTEMPTS; i++) {
      await jobs.runDue();
      const row = (await sql<any>`select *, extract(epoch from (run_at - now())) as wait from jobs`.execute(k.ctx.db)).rows[0];
      expect(row).toMatchObject({ attempts: i, locked_until: null });
      expect(row.last_error).toContain(`boom ${i}`);
      if (i < JOB_MAX_ATTEMPTS) {
        expect(row.status).toBe('queued');
        waits.push(Number(row.wait));
        await jobs.runDue();
        expect(calls).toBe(i); // not due yet
        await sql`update jobs set run_at = now()`.execute(k.ctx.db);
      } else {
        expect(row.status).toBe('failed');
        expect(row.finished_at).toBeInstanceOf(Date);
      }
    }
    for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThan(waits[i - 1] * 1.5);
    await jobs.runDue();
    expect(calls).toBe(JOB_MAX_ATTEMPTS);
  });

  it('reclaims a job whose worker died, and gives up on one that keeps killing workers', async () => {
    const jobs = createJobs(k.ctx);
    let runs = 0;
    jobs.register('orphan', async () => { runs++; });
    await jobs.enqueue('orphan', { n: 1 });
    await jobs.enqueue('orphan', { n: 2 });
    await jobs.enqueue('orphan', { n: 3 });
    await sql`update jobs set status = 'running', attempts = 1, locked_until = now() - interval '1 second' where payload->>'n' = '1'`.execute(k.ctx.db);
    await sql`update jobs set status = 'running', attempts = ${JOB_MAX_ATTEMPTS}, locked_until = now() - interval '1 second' where payload->>'n' = '2'`.execute(k.ctx.db);
    await sql`update jobs set status = 'running', attempts = 1, locked_until = now() + interval '1 minute' where payload->>'n' = '3'`.execute(k.ctx.db);
    await jobs.runDue();
    expect(runs).toBe(1);
    const rows = await jobRows();
    expect(rows.map((r) => [r.payload.n, r.status])).toEqual([[1, 'done'], [2, 'failed'], [3, 'running']]);
  });

  it('claims each job once across concurrent workers', async () => {
    const a = createJobs(k.ctx);
    const b = createJobs(k.ctx);
    const ran: number[] = [];
    const handler = async (p: Record<string, unknown>) => { await sleep(2); ran.push(p.i as number); };
    a.register('work', handler);
    b.register('work', handler);
    for (let i = 0; i < 20; i++) await a.enqueue('work', { i });
    await Promise.all([a.runDue(), b.runDue(), a.runDue(), b.runDue()]);
    expect(ran.sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('runs a schedule once per interval across processes', async () => {
    const procs = [createJobs(k.ctx), createJobs(k.ctx), createJobs(k.ctx)];
    let runs = 0;
    for (const j of procs) {
      j.register('report', async () => { runs++; await sleep(5); });
      j.schedule('report', 60_000);
    }
    await Promise.all(procs.map((j) => j.runDue()));
    expect(runs).toBe(1);
    await Promise.all(procs.map((j) => j.runDue()));
    expect(runs).toBe(1);
    const row = (await sql<any>`select every_ms, extract(epoch from (next_run_at - now())) as wait from job_schedules where name = 'report'`.execute(k.ctx.db)).rows[0];
    expect(Number(row.every_ms)).toBe(60_000);
    expect(Number(row.wait)).toBeGreaterThan(50);
    await sql`update job_schedules set next_run_at = now() where name = 'report'`.execute(k.ctx.db);
    await Promise.all(procs.map((j) => j.runDue()));
    expect(runs).toBe(2);
  });

  it('keeps the schedule going when the scheduled handler fails', async () => {
    const jobs = createJobs(k.ctx);
    let runs = 0;
    jobs.register('fragile', async () => { runs++; throw new Error('nope'); });
    jobs.schedule('fragile', 50);
    await jobs.runDue();
    await sleep(80);
    await jobs.runDue();
    expect(runs).toBe(2);
  });

  it('polls when started and waits for running handlers on stop', async () => {
    const jobs = createJobs(k.ctx);
    let started = false;
    let finished = false;
    jobs.register('slow', async () => { started = true; await sleep(300); finished = true; });
    jobs.start();
    await jobs.enqueue('slow', {});
    for (let i = 0; i < 100 && !started; i++) await sleep(20);
    expect(started).toBe(true);
    await jobs.stop();
    expect(finished).toBe(true);
    expect((await jobRows())[0].status).toBe('done');
    // Stopped: nothing more is picked up.
    await jobs.enqueue('slow', {});
    await sleep(800);
    expect((await jobRows())[1].status).toBe('queued');
  });

  it('validates registrations', () => {
    const jobs = createJobs(k.ctx);
    jobs.register('x', async () => {});
    expect(() => jobs.register('x', async () => {})).toThrow(/twice/);
    expect(() => jobs.schedule('x', 0)).toThrow(RangeError);
  });
});
