// Tables of the vulnerability countermeasure database (JVN iPedia). Queries use raw SQL; the rows
// are described by the interfaces in service.ts.
import { sql } from 'kysely';
import type { Migration } from '../../platform/db/migrator.js';

export const advisoryMigrations: Migration[] = [{
  id: 'advisories_001_core',
  async up(db) {
    await sql`create extension if not exists pg_trgm`.execute(db);
    // Gap-free JVNDB numbers: one counter row per year, incremented inside the publishing transaction.
    await sql`create table advisories_counters (year integer primary key, n integer not null)`.execute(db);
    await sql`create table advisories (
      id uuid primary key,
      jvndb_id text unique,
      state text not null check (state in ('draft', 'review', 'published', 'revised')),
      title_ja text not null default '', title_en text not null default '',
      overview_ja text not null default '', overview_en text not null default '',
      impact_ja text not null default '', impact_en text not null default '',
      solution_ja text not null default '', solution_en text not null default '',
      cve_ids text[] not null default '{}', jvn_ids text[] not null default '{}', cwe_ids text[] not null default '{}',
      severity text check (severity in ('none', 'low', 'medium', 'high', 'critical')),
      public_date timestamptz, first_published_at timestamptz, modified_at timestamptz,
      kev boolean not null default false, kev_added date,
      source text not null check (source in ('staff', 'case', 'nvd', 'kev', 'demo')), source_ref text, source_version text, content_hash text,
      revision integer not null default 0,
      search_text text not null default '',
      created_at timestamptz not null default now(), updated_at timestamptz not null default now())`.execute(db);
    await sql`create index advisories_search_trgm on advisories using gin (search_text gin_trgm_ops)`.execute(db);
    await sql`create index advisories_cves on advisories using gin (cve_ids)`.execute(db);
    await sql`create index advisories_jvns on advisories using gin (jvn_ids)`.execute(db);
    await sql`create index advisories_cwes on advisories using gin (cwe_ids)`.execute(db);
    await sql`create index advisories_first_published on advisories (first_published_at)`.execute(db);
    await sql`create index advisories_updated on advisories (updated_at, id)`.execute(db);
    await sql`create index advisories_source on advisories (source, source_ref)`.execute(db);
    await sql`create table advisories_cvss (
      advisory_id uuid not null references advisories(id), version text not null check (version in ('2.0', '3.0', '3.1', '4.0')),
      vector text not null, base_score double precision not null, severity text not null, primary key (advisory_id, version))`.execute(db);
    await sql`create table advisories_vendors (id integer generated always as identity primary key, name text not null, key text not null unique, cpe_vendor text)`.execute(db);
    await sql`create table advisories_products (
      id integer generated always as identity primary key, vendor_id integer not null references advisories_vendors(id),
      name text not null, key text not null, cpe_product text, unique (vendor_id, key))`.execute(db);
    await sql`create table advisories_affected (
      advisory_id uuid not null references advisories(id), sort integer not null, product_id integer not null references advisories_products(id),
      cpe23 text, version_text text, version_start text, start_including boolean, version_end text, end_including boolean, purl text,
      primary key (advisory_id, sort))`.execute(db);
    await sql`create index advisories_affected_product on advisories_affected (product_id)`.execute(db);
    await sql`create table advisories_references (advisory_id uuid not null references advisories(id), sort integer not null, url text not null, type text not null, title text, primary key (advisory_id, sort))`.execute(db);
    await sql`create table advisories_revisions (
      advisory_id uuid not null references advisories(id), revision integer not null, at timestamptz not null, actor text not null,
      kind text not null, note text not null default '', snapshot jsonb not null, primary key (advisory_id, revision))`.execute(db);
    // Registrations made before the records held here (the demo's pre-FY2020 history): counted, not itemised.
    await sql`create table advisories_registration_baseline (before timestamptz primary key, count integer not null, note text not null)`.execute(db);
  },
}, {
  // Alerts (注意喚起 / 緊急対策) are their own publication type, linked to advisories and to products.
  // Defined here because several parts read them (alerts pages, MyJVN getAlertList, icat widget).
  id: 'advisories_002_alerts',
  async up(db) {
    await sql`alter table advisories drop constraint advisories_source_check`.execute(db);
    await sql`alter table advisories add constraint advisories_source_check check (source in ('staff', 'case', 'nvd', 'kev', 'demo', 'cve5', 'jvn'))`.execute(db);
    await sql`create table advisories_alerts (
      id uuid primary key,
      alert_id text unique,
      kind text not null check (kind in ('alert', 'emergency')),
      state text not null check (state in ('draft', 'published', 'revised', 'withdrawn')),
      title_ja text not null default '', title_en text not null default '',
      summary_ja text not null default '', summary_en text not null default '',
      body_ja text not null default '', body_en text not null default '',
      url text,
      public_date timestamptz, first_published_at timestamptz, modified_at timestamptz,
      revision integer not null default 0,
      created_at timestamptz not null default now(), updated_at timestamptz not null default now())`.execute(db);
    await sql`create index advisories_alerts_published on advisories_alerts (first_published_at)`.execute(db);
    await sql`create table advisories_alert_links (
      alert_id uuid not null references advisories_alerts(id), advisory_id uuid not null references advisories(id), primary key (alert_id, advisory_id))`.execute(db);
    await sql`create index advisories_alert_links_advisory on advisories_alert_links (advisory_id)`.execute(db);
    await sql`create table advisories_alert_products (
      alert_id uuid not null references advisories_alerts(id), sort integer not null, product_id integer references advisories_products(id),
      cpe text, title text not null default '', primary key (alert_id, sort))`.execute(db);
  },
}];
