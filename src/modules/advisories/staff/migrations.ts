// Tables of the staff part: vendor statements (ベンダ情報 / ベンダステータス) per advisory and vendor,
// and a small index for the work queue (unpublished advisories by last change).
import { sql } from 'kysely';
import type { Migration } from '../../../platform/db/migrator.js';

export const staffMigrations: Migration[] = [{
  id: 'advisories_staff_001_statements',
  async up(db) {
    await sql`create table advisories_vendor_statements (
      advisory_id uuid not null references advisories(id),
      vendor_id integer not null references advisories_vendors(id),
      status text not null check (status in ('affected', 'not_affected', 'fixed', 'under_investigation')),
      statement_ja text not null default '', statement_en text not null default '',
      url text,
      updated_at timestamptz not null default now(),
      updated_by text not null,
      primary key (advisory_id, vendor_id))`.execute(db);
    await sql`create index advisories_vendor_statements_vendor on advisories_vendor_statements (vendor_id)`.execute(db);
    // The work queue lists drafts and advisories in review by last change; a partial index keeps that
    // cheap when most of the 300,000 rows are published.
    await sql`create index advisories_staff_open on advisories (updated_at desc) where state in ('draft', 'review')`.execute(db);
  },
}];
