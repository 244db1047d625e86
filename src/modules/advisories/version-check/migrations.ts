// Indexes for set-based matching and the per-day usage counter of the version checker.
import { sql } from 'kysely';
import type { Migration } from '../../../platform/db/migrator.js';
import { PURL_KEY_SQL } from './identifiers.js';

/** `vendor:product` of a stored CPE 2.3 name (escaped colons respected), lower case. */
const CPE_PREFIX = String.raw`^cpe:2\.3:[^:]:((?:[^:\\]|\\.)+):((?:[^:\\]|\\.)+):`;
const CPE_KEY_SQL = `case when cpe23 ~ '${CPE_PREFIX}' then lower(regexp_replace(cpe23, '${CPE_PREFIX}.*$', '\\1:\\2')) end`;

export const versionCheckMigrations: Migration[] = [{
  id: 'advisories_vc_001_match_keys',
  async up(db) {
    // Generated columns: the matching keys are computed by the database whoever writes the row.
    await sql.raw(`alter table advisories_affected add column vc_purl_key text generated always as (${PURL_KEY_SQL}) stored`).execute(db);
    await sql.raw(`alter table advisories_affected add column vc_cpe_key text generated always as (${CPE_KEY_SQL}) stored`).execute(db);
    await sql`create index advisories_affected_vc_purl on advisories_affected (vc_purl_key) where vc_purl_key is not null`.execute(db);
    await sql`create index advisories_affected_vc_cpe on advisories_affected (vc_cpe_key) where vc_cpe_key is not null`.execute(db);
    // Products known by their CPE parts (rows without a CPE name of their own are matched through them).
    await sql`create index advisories_products_vc_cpe on advisories_products (lower(cpe_product)) where cpe_product is not null`.execute(db);
    await sql`create index advisories_vendors_vc_cpe on advisories_vendors (lower(cpe_vendor)) where cpe_vendor is not null`.execute(db);
    // Uses of the checker per JST day (statistic advisories.version_check.uses).
    await sql`create table advisories_vc_uses (day date primary key, uses bigint not null default 0)`.execute(db);
  },
}];
