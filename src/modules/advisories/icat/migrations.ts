// icat (サイバーセキュリティ注意喚起サービス): registered sites with their widget key, and the daily
// record of embedding hosts seen on widget requests (one row per site × host × JST day).
import { sql } from 'kysely';
import type { Migration } from '../../../platform/db/migrator.js';

export const icatMigrations: Migration[] = [{
  id: 'advisories_icat_001_sites',
  async up(db) {
    await sql`create table advisories_icat_sites (
      id uuid primary key,
      key text not null unique,
      name text not null,
      url text not null,
      origin text not null,
      email text not null,
      state text not null check (state in ('active', 'suspended')),
      source text not null default 'public' check (source in ('public', 'staff', 'demo')),
      note text not null default '',
      created_at timestamptz not null default now(),
      state_changed_at timestamptz)`.execute(db);
    await sql`create index advisories_icat_sites_created on advisories_icat_sites (created_at desc)`.execute(db);
    // host = the embedding page's host (from Origin, else Referer), '' when the browser sent neither.
    await sql`create table advisories_icat_hits (
      site_id uuid not null references advisories_icat_sites(id),
      host text not null,
      day date not null,
      views integer not null default 0,
      primary key (site_id, host, day))`.execute(db);
    await sql`create index advisories_icat_hits_day on advisories_icat_hits (day)`.execute(db);
  },
}];
