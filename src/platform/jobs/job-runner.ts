// Durable jobs and periodic schedules, coordinated through the database so that any number of
// processes can run workers: jobs are claimed with FOR UPDATE SKIP LOCKED, schedules by moving
// next_run_at forward in a conditional UPDATE that only one process can win per tick.
import { sql, type Generated, type Kysely } from 'kysely';
import type { AppContext } from '../context.js';
import type { JobHandler, Jobs } from './jobs.js';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface JobsTable {
  id: Generated<number>;
  name: string;
  payload: unknown;
  run_at: Generated<Date>;
  status: Generated<JobStatus>;
  attempts: Generated<number>;
  locked_until: Date | null;
  last_error: string | null;
  created_at: Generated<Date>;
  finished_at: Date | null;
}

export interface JobSchedulesTable {
  name: string;
  every_ms: number;
  next_run_at: Generated<Date>;
}

declare module '../db/database.js' {
  interface Tables {
    jobs: JobsTable;
    job_schedules: JobSchedulesTable;
  }
}

export const JOB_MAX_ATTEMPTS = 5;
/** A running job whose worker vanished is retried after this. Handlers must finish well within it. */
const JOB_LOCK_MS = 10 * 60_000;
/** Minimum time a claimed schedule tick stays claimed, so a crashed run resumes soon after. */
const SCHEDULE_LEASE_MS = 60_000;
const POLL_MS = 500;
const MAX_JOBS_PER_RUN = 50;

/** 5 s, 10 s, 20 s, … capped at 1 h. */
export function jobBackoffMs(attempts: number): number {
  return Math.min(5_000 * 2 ** Math.max(attempts - 1, 0), 3600_000);
}

const ms = (n: number) => sql`${n} * interval '1 millisecond'`;
const errText = (err: unknown) => (err instanceof Error ? err.stack ?? err.message : String(err)).slice(0, 2000);

export function createJobs(ctx: AppContext): Jobs {
  const handlers = new Map<string, JobHandler>();
  const schedules = new Map<string, number>();
  let schedulesDirty = false;
  const runningSchedules = new Set<string>();
  const inFlight = new Set<Promise<unknown>>();
  let timer: NodeJS.Timeout | undefined;
  let polling = false;

  async function syncSchedules(): Promise<void> {
    if (!schedulesDirty) return;
    schedulesDirty = false;
    for (const [name, every] of schedules) {
      // Keeps next_run_at of an existing schedule (shared with other processes, possibly leased
      // by a run in progress) unless the interval changed, e.g. a new release shortened it.
      await sql`
        insert into job_schedules (name, every_ms, next_run_at) values (${name}, ${every}, now())
        on conflict (name) do update set every_ms = excluded.every_ms,
          next_run_at = case when job_schedules.every_ms = excluded.every_ms then job_schedules.next_run_at
                             else least(job_schedules.next_run_at, now() + ${ms(every)}) end`.execute(ctx.db);
    }
  }

  async function runSchedule(name: string, every: number): Promise<boolean> {
    const handler = handlers.get(name);
    if (!handler || runningSchedules.has(name)) return false;
    const claimed = await sql`
      update job_schedules set next_run_at = now() + ${ms(Math.max(every, SCHEDULE_LEASE_MS))}
       where name = ${name} and next_run_at <= now()
      returning name`.execute(ctx.db);
    if (claimed.rows.length === 0) return false;
    runningSchedules.add(name);
    try {
      await handler({}, ctx);
    } catch (err) {
      ctx.log.error({ err, schedule: name }, 'scheduled job failed');
    } finally {
      runningSchedules.delete(name);
      await sql`update job_schedules set next_run_at = now() + ${ms(every)} where name = ${name}`.execute(ctx.db)
        .catch((err) => ctx.log.error({ err, schedule: name }, 'could not reschedule'));
    }
    return true;
  }

  async function claimJob(): Promise<{ id: number; name: string; payload: unknown; attempts: number } | undefined> {
    if (handlers.size === 0) return undefined;
    // Only jobs this process can handle; others stay queued for a process that registers them.
    const names = sql.join([...handlers.keys()].map((n) => sql`${n}`));
    const res = await sql<{ id: number; name: string; payload: unknown; attempts: number }>`
      update jobs set status = 'running', attempts = attempts + 1, locked_until = now() + ${ms(JOB_LOCK_MS)}
       where id = (
         select id from jobs
          where name in (${names})
            and ((status = 'queued' and run_at <= now()) or (status = 'running' and locked_until < now()))
          order by run_at, id
          limit 1
          for update skip locked)
      returning id, name, payload, attempts`.execute(ctx.db);
    return res.rows[0];
  }

  async function runJobs(): Promise<number> {
    let n = 0;
    for (; n < MAX_JOBS_PER_RUN; n++) {
      const job = await claimJob();
      if (!job) break;
      const id = Number(job.id);
      if (job.attempts > JOB_MAX_ATTEMPTS) {
        // Reclaimed after its worker died too often (e.g. the job crashes the process): give up.
        await sql`update jobs set status = 'failed', finished_at = now(), locked_until = null,
          last_error = coalesce(last_error, 'worker lost while running') where id = ${id}`.execute(ctx.db);
        continue;
      }
      try {
        await handlers.get(job.name)!((job.payload ?? {}) as Record<string, unknown>, ctx);
      } catch (err) {
        const final = job.attempts >= JOB_MAX_ATTEMPTS;
        ctx.log.warn({ err, job: job.name, jobId: id, attempts: job.attempts, final }, final ? 'job failed permanently' : 'job failed; will retry');
        await sql`
          update jobs set locked_until = null, last_error = ${errText(err)},
                 ${final ? sql`status = 'failed', finished_at = now()` : sql`status = 'queued', run_at = now() + ${ms(jobBackoffMs(job.attempts))}`}
           where id = ${id} and status = 'running'`.execute(ctx.db);
        continue;
      }
      await sql`update jobs set status = 'done', finished_at = now(), locked_until = null, last_error = null
        where id = ${id} and status = 'running'`.execute(ctx.db);
    }
    return n;
  }

  async function runDueOnce(): Promise<number> {
    await syncSchedules();
    let n = 0;
    for (const [name, every] of schedules) if (await runSchedule(name, every)) n++;
    return n + (await runJobs());
  }

  function track<T>(p: Promise<T>): Promise<T> {
    inFlight.add(p);
    const done = () => { inFlight.delete(p); };
    p.then(done, done);
    return p;
  }

  function poll(): void {
    timer = undefined;
    if (!polling) return;
    track(runDueOnce())
      .catch((err) => ctx.log.error({ err }, 'job worker tick failed'))
      .finally(() => {
        if (!polling) return;
        timer = setTimeout(poll, POLL_MS);
        timer.unref();
      });
  }

  return {
    register(name, handler) {
      if (handlers.has(name)) throw new Error(`job handler "${name}" is registered twice`);
      handlers.set(name, handler);
    },

    schedule(name, everyMs) {
      if (!Number.isInteger(everyMs) || everyMs <= 0) throw new RangeError(`schedule "${name}": interval must be a positive integer of ms`);
      schedules.set(name, everyMs);
      schedulesDirty = true;
    },

    async enqueue(name, payload = {}, opts = {}) {
      const ex = (opts.trx ?? ctx.db) as Kysely<any>;
      const runAt = opts.runAt ? sql`${opts.runAt.toISOString()}::timestamptz` : sql`now()`;
      // Stringified explicitly: pg would send a JS array as a PostgreSQL array, not JSON.
      await sql`insert into jobs (name, payload, run_at) values (${name}, ${JSON.stringify(payload)}::jsonb, ${runAt})`.execute(ex);
    },

    runDue() {
      return track(runDueOnce());
    },

    start() {
      if (polling) return;
      polling = true;
      timer = setTimeout(poll, 0);
      timer.unref();
    },

    async stop() {
      polling = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
