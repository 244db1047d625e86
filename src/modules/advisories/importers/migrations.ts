// Provenance of imports: one row per run (format, file, digest, actor, times, counts, capped errors);
// each advisory keeps the id of the run that last wrote it.
import { sql } from 'kysely';
import type { Migration } from '../../../platform/db/migrator.js';

export const importerMigrations: Migration[] = [{
  id: 'advisories_importers_001_runs',
  async up(db) {
    await sql`create table advisories_import_runs (
      id uuid primary key,
      format text not null check (format in ('nvd', 'kev', 'cve5', 'hnd', 'oka')),
      file_name text, sha256 text, size bigint,
      actor text not null,
      started_at timestamptz not null, finished_at timestamptz,
      status text not null check (status in ('running', 'finished', 'failed')), message text,
      total integer not null default 0, created integer not null default 0, updated integer not null default 0, unchanged integer not null default 0,
      stale integer not null default 0, skipped integer not null default 0, error_count integer not null default 0,
      errors jsonb not null default '[]')`.execute(db);
    await sql`create index advisories_import_runs_started on advisories_import_runs (started_at desc)`.execute(db);
    // No foreign key: the column is provenance, written in bulk, and runs may be pruned.
    await sql`alter table advisories add column import_run_id uuid`.execute(db);
  },
}];
