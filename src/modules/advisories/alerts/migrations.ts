// Alerts part: the per-year counter of public alert ids (IPA-ALERT-YYYY-NNNN) and the revision rows
// of every change. The alert tables themselves are in the core migration `advisories_002_alerts`.
import { sql } from 'kysely';
import type { Migration } from '../../../platform/db/migrator.js';

export const alertMigrations: Migration[] = [{
  id: 'advisories_alerts_001_workflow',
  async up(db) {
    // Gap-free numbers: incremented inside the publishing transaction (a rollback returns the number).
    await sql`create table advisories_alert_counters (year integer primary key, n integer not null)`.execute(db);
    await sql`create table advisories_alert_revisions (
      alert_id uuid not null references advisories_alerts(id), revision integer not null, at timestamptz not null, actor text not null,
      kind text not null check (kind in ('created', 'updated', 'published', 'revised', 'withdrawn')), note text not null default '',
      snapshot jsonb not null, primary key (alert_id, revision))`.execute(db);
    await sql`create index advisories_alerts_state_kind on advisories_alerts (state, kind, first_published_at desc)`.execute(db);
    // Rows created by the demo loader, so that it can tell whether it already ran.
    await sql`alter table advisories_alerts add column source text not null default 'staff'`.execute(db);
  },
}];
