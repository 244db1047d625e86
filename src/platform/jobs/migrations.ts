import { sql } from 'kysely';
import type { Migration } from '../db/migrator.js';

export const jobsMigrations: Migration[] = [
  {
    id: 'kernel_jobs_001_jobs',
    async up(db) {
      await sql`
        create table jobs (
          id bigserial primary key,
          name text not null,
          payload jsonb not null default '{}'::jsonb,
          run_at timestamptz not null default now(),
          status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
          attempts integer not null default 0,
          locked_until timestamptz,
          last_error text,
          created_at timestamptz not null default now(),
          finished_at timestamptz
        )`.execute(db);
      // The worker only scans unfinished jobs.
      await sql`create index jobs_due_idx on jobs (run_at) where status in ('queued', 'running')`.execute(db);
      await sql`
        create table job_schedules (
          name text primary key,
          every_ms bigint not null check (every_ms > 0),
          next_run_at timestamptz not null default now()
        )`.execute(db);
    },
  },
];
