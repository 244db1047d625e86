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
}, {
  // Any change of an advisory row notifies 'advisories_changed' once per transaction (NOTIFY folds
  // duplicates), after commit, to every process: the public JSON cache of each process is cleared.
  id: 'advisories_003_change_notify',
  async up(db) {
    await sql`create function advisories_notify_changed() returns trigger language plpgsql as $$
      begin perform pg_notify('advisories_changed', ''); return null; end $$`.execute(db);
    await sql`create trigger advisories_changed after insert or update or delete on advisories for each statement execute function advisories_notify_changed()`.execute(db);
  },
}, {
  // The public document of one advisory (row + CVSS + affected products + references) as one JSON
  // value. A PL/pgSQL function keeps its plans per connection: the by-ID read, the hottest public
  // request, then costs no planning (planning the equivalent ad-hoc query took ~5× its execution).
  id: 'advisories_004_doc_function',
  async up(db) {
    await sql`create function advisories_doc(p_key text) returns json language plpgsql stable as $fn$
      declare a_id uuid; r json;
      begin
        if p_key ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then a_id := p_key::uuid;
        else select id into a_id from advisories where jvndb_id = p_key; end if;
        if a_id is null then return null; end if;
        select json_build_object(
          'row', to_json(a),
          'cvss', coalesce((select json_agg(c order by c.version desc) from advisories_cvss c where c.advisory_id = a.id), '[]'),
          'affected', coalesce((select json_agg(json_build_object('product_id', x.product_id, 'vendor_id', p.vendor_id, 'vendor', v.name, 'product', p.name, 'cpe23', x.cpe23,
              'version_text', x.version_text, 'version_start', x.version_start, 'start_including', x.start_including, 'version_end', x.version_end,
              'end_including', x.end_including, 'purl', x.purl) order by x.sort)
            from advisories_affected x join advisories_products p on p.id = x.product_id join advisories_vendors v on v.id = p.vendor_id where x.advisory_id = a.id), '[]'),
          'refs', coalesce((select json_agg(f order by f.sort) from advisories_references f where f.advisory_id = a.id), '[]'))
        into r from advisories a where a.id = a_id;
        return r;
      end $fn$`.execute(db);
  },
}, {
  // Search results of common words are read in this order, stopping after the page (service.search).
  id: 'advisories_005_public_order',
  async up(db) {
    await sql`create index advisories_public_order on advisories (public_date desc nulls last, jvndb_id desc nulls last) where state in ('published', 'revised')`.execute(db);
  },
}, {
  // The CVE/JVN/CWE array indexes hold one to a few keys per advisory: maintained directly rather
  // than through GIN's pending list, which every lookup (the importers' CVE matching of each batch)
  // would otherwise have to scan in full after a bulk load (~170 ms per lookup at 2,000 CVEs).
  id: 'advisories_006_gin_no_fastupdate',
  async up(db) {
    for (const ix of ['advisories_cves', 'advisories_jvns', 'advisories_cwes']) await sql`alter index ${sql.id(ix)} set (fastupdate = off)`.execute(db);
  },
}, {
  // Known-exploited advisories are few (≈1,400 of 300,000): the KEV filter reads them by this index.
  id: 'advisories_007_kev',
  async up(db) {
    await sql`create index advisories_kev on advisories (public_date desc) where kev`.execute(db);
  },
}, {
  // Vendor, product and CPE filters read this narrow copy instead of joining advisories_affected:
  // one row per advisory that has affected products, with the ids of its vendors and products and
  // copies of the columns the other filters and the result order use. Counting 5,000 matches of a
  // large vendor through the join took ~0.1–0.4 s (one advisory lookup per affected row); here it is
  // one GIN lookup and a scan of narrow rows. Triggers keep it exact for every writer (the service,
  // the bulk importer, the generator) at the cost of one narrow row per written advisory.
  id: 'advisories_008_search_facets',
  async up(db) {
    await sql`create table advisories_search_facets (
      advisory_id uuid primary key, vendor_ids integer[] not null, product_ids integer[] not null,
      state text not null, severity text, kev boolean not null, cwe_ids text[] not null, public_date timestamptz, jvndb_id text)`.execute(db);
    // One to a few keys per row: no pending list (see advisories_006).
    await sql`create index advisories_search_facets_ids on advisories_search_facets using gin (vendor_ids, product_ids) with (fastupdate = off)`.execute(db);
    await sql`create index advisories_search_facets_order on advisories_search_facets (public_date desc nulls last, jvndb_id desc nulls last) where state in ('published', 'revised')`.execute(db);
    await sql`create function advisories_search_facets_refresh(ids uuid[]) returns void language sql as $fn$
      delete from advisories_search_facets where advisory_id = any(ids);
      insert into advisories_search_facets (advisory_id, vendor_ids, product_ids, state, severity, kev, cwe_ids, public_date, jvndb_id)
        select a.id, array_agg(distinct p.vendor_id), array_agg(distinct x.product_id), a.state, a.severity, a.kev, a.cwe_ids, a.public_date, a.jvndb_id
        from unnest(ids) as t(id) join advisories a on a.id = t.id join advisories_affected x on x.advisory_id = a.id join advisories_products p on p.id = x.product_id
        group by a.id;
    $fn$`.execute(db);
    // Statement-level with transition tables: a bulk insert of affected rows refreshes its advisories
    // in one statement.
    await sql`create function advisories_affected_facets() returns trigger language plpgsql as $fn$
      begin
        if tg_op = 'INSERT' then perform advisories_search_facets_refresh(array(select distinct advisory_id from new_rows));
        elsif tg_op = 'DELETE' then perform advisories_search_facets_refresh(array(select distinct advisory_id from old_rows));
        else perform advisories_search_facets_refresh(array(select advisory_id from new_rows union select advisory_id from old_rows));
        end if;
        return null;
      end $fn$`.execute(db);
    await sql`create trigger advisories_affected_facets_insert after insert on advisories_affected referencing new table as new_rows
      for each statement execute function advisories_affected_facets()`.execute(db);
    await sql`create trigger advisories_affected_facets_delete after delete on advisories_affected referencing old table as old_rows
      for each statement execute function advisories_affected_facets()`.execute(db);
    await sql`create trigger advisories_affected_facets_update after update on advisories_affected referencing old table as old_rows new table as new_rows
      for each statement execute function advisories_affected_facets()`.execute(db);
    // The copied columns follow the advisory, one statement per update statement (a bulk update of
    // 2,000 advisories would otherwise run 2,000 single-row updates).
    await sql`create function advisories_facets_follow() returns trigger language plpgsql as $fn$
      begin
        update advisories_search_facets s set state = n.state, severity = n.severity, kev = n.kev, cwe_ids = n.cwe_ids, public_date = n.public_date, jvndb_id = n.jvndb_id
          from new_rows n where s.advisory_id = n.id
            and (s.state, s.severity, s.kev, s.cwe_ids, s.public_date, s.jvndb_id) is distinct from (n.state, n.severity, n.kev, n.cwe_ids, n.public_date, n.jvndb_id);
        return null;
      end $fn$`.execute(db);
    await sql`create trigger advisories_facets_follow after update on advisories referencing new table as new_rows
      for each statement execute function advisories_facets_follow()`.execute(db);
    await sql`insert into advisories_search_facets (advisory_id, vendor_ids, product_ids, state, severity, kev, cwe_ids, public_date, jvndb_id)
      select a.id, array_agg(distinct p.vendor_id), array_agg(distinct x.product_id), a.state, a.severity, a.kev, a.cwe_ids, a.public_date, a.jvndb_id
      from advisories a join advisories_affected x on x.advisory_id = a.id join advisories_products p on p.id = x.product_id group by a.id order by a.public_date`.execute(db);
    await sql`analyze advisories_search_facets`.execute(db);
  },
}];

