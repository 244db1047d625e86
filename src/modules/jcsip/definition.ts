// サイバー情報共有イニシアティブ（J-CSIP）: the agency as the hub of a threat-information sharing
// partnership — participants in SIGs and linkage schemes, provisions from them, analysis and
// anonymisation, sharing under the providers' conditions (portal, e-mail, STIX/TAXII), public
// alerts, technical reports and the quarterly 運用状況.
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { AppError } from '../../platform/http/errors.js';
import type { ModuleDefinition } from '../../platform/module.js';
import { PERM, SIGS } from './data.js';
import { DEFAULT_RULES } from './redaction.js';
import { createJcsipService, type JcsipService } from './service.js';
import { jcsipStatistics, jcsipTables } from './published-stats.js';
import { jcsipRoutes } from './routes.js';
import { loadJcsipDemo } from './demo.js';

export const jcsipModule: ModuleDefinition<JcsipService> = {
  name: 'jcsip',
  title: { ja: 'サイバー情報共有イニシアティブ（J-CSIP）', en: 'J-CSIP threat-information sharing' },
  migrations: [{
    id: 'jcsip_001_hub',
    async up(db) {
      await sql`create table jcsip_counters (key text primary key, n integer not null)`.execute(db);
      await sql`create table jcsip_sigs (
        id text primary key, kind text not null check (kind in ('sig', 'scheme')), name_ja text not null, name_en text not null,
        facilities integer, sort integer not null default 100)`.execute(db);
      await sql`create table jcsip_members (
        organisation_id uuid primary key references organisations(id),
        sig_id text not null references jcsip_sigs(id),
        state text not null check (state in ('applied', 'agreement_signed', 'active', 'suspended', 'left')),
        applied_at timestamptz, agreement_at timestamptz, joined_at timestamptz, suspended_at timestamptz, left_at timestamptz,
        intake_token text not null unique, note text not null default '')`.execute(db);
      await sql`create index jcsip_members_joined on jcsip_members (joined_at)`.execute(db);
      await sql`create table jcsip_member_events (
        id uuid primary key, organisation_id uuid not null references jcsip_members(organisation_id),
        from_state text, to_state text not null, at timestamptz not null, actor text not null)`.execute(db);
      await sql`create table jcsip_contacts (
        id uuid primary key, organisation_id uuid not null references jcsip_members(organisation_id),
        name text not null, email text not null, role text not null check (role in ('submitter', 'reader')),
        unique (organisation_id, email, role))`.execute(db);
      await sql`create index jcsip_contacts_email on jcsip_contacts (email)`.execute(db);
      await sql`create table jcsip_items (
        id uuid primary key, ref text not null unique, title text not null, draft text not null,
        approved_text text, approved_title text, approved_hash text, approved_by uuid, approved_at timestamptz,
        tlp text not null check (tlp in ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
        state text not null check (state in ('draft', 'approved', 'shared', 'withdrawn')),
        malware text, attack_pattern text, attack_pattern_id text, name_providers boolean not null default false,
        created_by uuid, created_at timestamptz not null default now(), shared_at timestamptz, stix_version integer not null default 0)`.execute(db);
      await sql`create index jcsip_items_shared on jcsip_items (shared_at)`.execute(db);
      await sql`create table jcsip_provisions (
        id uuid primary key, ref text not null unique, organisation_id uuid not null references jcsip_members(organisation_id),
        kind text not null check (kind in ('email', 'indicators', 'file', 'report')),
        channel text not null check (channel in ('portal', 'email', 'taxii', 'staff')),
        title text not null, body text not null default '',
        tlp text not null check (tlp in ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
        scope text not null check (scope in ('sig', 'all', 'public')), name_provider boolean not null default false,
        received_at timestamptz not null, submitted_by uuid, email_json text, fingerprint text,
        status text not null check (status in ('received', 'grouped', 'duplicate', 'closed')),
        item_id uuid references jcsip_items(id), duplicate_of uuid references jcsip_provisions(id), demo boolean not null default false)`.execute(db);
      await sql`create index jcsip_provisions_received on jcsip_provisions (received_at)`.execute(db);
      await sql`create index jcsip_provisions_org on jcsip_provisions (organisation_id, received_at desc)`.execute(db);
      await sql`create index jcsip_provisions_fp on jcsip_provisions (fingerprint)`.execute(db);
      await sql`create table jcsip_provision_files (
        id uuid primary key, provision_id uuid not null references jcsip_provisions(id), file_id uuid not null references files(id),
        kind text not null, filename text not null, size integer not null, md5 text not null, sha1 text not null, sha256 text not null)`.execute(db);
      await sql`create table jcsip_indicators (
        provision_id uuid not null references jcsip_provisions(id), type text not null, value text not null, primary key (provision_id, type, value))`.execute(db);
      await sql`create index jcsip_indicators_value on jcsip_indicators (type, value)`.execute(db);
      await sql`create table jcsip_item_sources (item_id uuid not null references jcsip_items(id), provision_id uuid not null references jcsip_provisions(id), primary key (item_id, provision_id))`.execute(db);
      await sql`create table jcsip_shares (id uuid primary key, item_id uuid not null references jcsip_items(id), audience text not null, shared_at timestamptz not null, actor text)`.execute(db);
      await sql`create index jcsip_shares_item on jcsip_shares (item_id)`.execute(db);
      await sql`create table jcsip_redaction_rules (
        id uuid primary key, kind text not null check (kind in ('provider', 'recipients', 'literal', 'regex')),
        pattern text not null default '', replacement text not null, category text not null, enabled boolean not null default true,
        description text not null default '', sort integer not null default 50, created_at timestamptz not null default now())`.execute(db);
      await sql`create table jcsip_alerts (
        id uuid primary key, slug text not null unique, item_id uuid references jcsip_items(id), title text not null, body text not null,
        published_at timestamptz not null, updated_at timestamptz not null, views bigint not null default 0, revision integer not null default 1)`.execute(db);
      await sql`create table jcsip_alert_revisions (alert_id uuid not null references jcsip_alerts(id), revision integer not null, title text not null, body text not null, note text not null, at timestamptz not null, primary key (alert_id, revision))`.execute(db);
      await sql`create table jcsip_reports (
        id uuid primary key, slug text not null unique, kind text not null check (kind in ('activity', 'technical')),
        title text not null, body text not null default '', item_ids text not null default '[]', published_at timestamptz)`.execute(db);
      await sql`create table jcsip_taxii_cursors (organisation_id uuid primary key, last_added_at timestamptz not null)`.execute(db);
      let i = 0;
      for (const s of SIGS) await sql`insert into jcsip_sigs (id, kind, name_ja, name_en, facilities, sort) values (${s.id}, ${s.kind}, ${s.name.ja}, ${s.name.en}, ${s.facilities ?? null}, ${++i})`.execute(db);
      i = 0;
      for (const r of DEFAULT_RULES) await sql`insert into jcsip_redaction_rules (id, kind, pattern, replacement, category, enabled, description, sort) values (${randomUUID()}, ${r.kind}, ${r.pattern}, ${r.replacement}, ${r.category}, ${r.enabled}, ${r.description}, ${++i})`.execute(db);
    },
  }, {
    id: 'jcsip_002_exchange',
    async up(db) {
      // External sharing bodies are members flagged `external`: their pulled objects are provisions
      // like any other, but they are not participants in the published figures.
      await sql`alter table jcsip_members add column external boolean not null default false`.execute(db);
      // Staff entry: how the provision reached the desk (phone, post, fax, email, other).
      await sql`alter table jcsip_provisions add column received_via text`.execute(db);
      await sql`alter table jcsip_items add column withdrawn_at timestamptz`.execute(db);
      await sql`alter table jcsip_items add column withdrawn_reason text`.execute(db);
      await sql`alter table jcsip_items add column withdrawn_by uuid`.execute(db);
      await sql`create table jcsip_external_sources (
        id uuid primary key, name text not null, api_root text not null, collection_id text not null,
        auth_kind text not null check (auth_kind in ('none', 'basic', 'bearer')), username text not null default '', secret_file_id uuid references files(id),
        direction text not null check (direction in ('pull', 'push', 'both')),
        organisation_id uuid not null references jcsip_members(organisation_id),
        tlp text not null check (tlp in ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')), scope text not null check (scope in ('sig', 'all', 'public')),
        enabled boolean not null default true, pull_cursor text, last_sync_at timestamptz, last_ok boolean,
        last_error_ja text, last_error_en text, last_summary text, created_at timestamptz not null default now())`.execute(db);
      await sql`create table jcsip_external_seen (
        source_id uuid not null references jcsip_external_sources(id), stix_id text not null, version text not null,
        provision_id uuid references jcsip_provisions(id), primary key (source_id, stix_id, version))`.execute(db);
      await sql`create table jcsip_external_pushes (
        source_id uuid not null references jcsip_external_sources(id), item_id uuid not null references jcsip_items(id),
        stix_version integer not null, revoked boolean not null, status_id text, pushed_at timestamptz not null,
        primary key (source_id, item_id, stix_version, revoked))`.execute(db);
    },
  }],
  permissions: {
    [PERM.read]: { roles: ['analyst', 'coordinator', 'publisher'], description: { ja: 'J-CSIP の情報提供・共有情報の閲覧', en: 'Read J-CSIP provisions and items' } },
    [PERM.analyse]: { roles: ['analyst'], description: { ja: '重複判定・集約・匿名化・承認', en: 'De-duplicate, group, anonymise and approve' } },
    [PERM.share]: { roles: ['analyst'], description: { ja: '参加組織への情報共有（ポータル・メール・STIX）', en: 'Share with participants (portal, e-mail, STIX)' } },
    [PERM.members]: { roles: ['coordinator'], description: { ja: '参加組織・SIG・担当者の管理', en: 'Manage participants, SIGs and contacts' } },
    [PERM.publish]: { roles: ['publisher'], description: { ja: '一般向け注意喚起・レポートの公開', en: 'Publish public alerts and reports' } },
    [PERM.stats]: { roles: ['analyst', 'coordinator', 'publisher', 'planner', 'auditor'], description: { ja: 'J-CSIP 運用状況', en: 'J-CSIP operations figures' } },
  },
  service: (ctx) => createJcsipService(ctx),
  async routes(app, ctx) {
    await jcsipRoutes(app, ctx, ctx.services.get('jcsip') as JcsipService);
  },
  jobs: {
    async 'jcsip.taxii_pull'(_payload, ctx) {
      await (ctx.services.get('jcsip') as JcsipService).pullTaxiiInboxes();
    },
    // Errors are recorded on each external source; the job itself never fails because of a partner.
    async 'jcsip.external_sync'(_payload, ctx) {
      await (ctx.services.get('jcsip') as JcsipService).syncExternalSources();
    },
  },
  schedules: { 'jcsip.taxii_pull': 5 * 60_000, 'jcsip.external_sync': 15 * 60_000 },
  commands: [{
    name: 'jcsip ingest-mail',
    summary: 'Read one raw e-mail (RFC 5322) from stdin and record it as a provision: for a mail server\'s pipe transport on the intake addresses.',
    async run(ctx, _args, io) {
      const raw = await io.stdin();
      if (!raw.length) { io.err('no message on stdin'); return 2; }
      try {
        const p = await (ctx.services.get('jcsip') as JcsipService).ingestEmail(raw);
        io.out(`recorded provision ${p.id}`);
        return 0;
      } catch (e) {
        // A refusal (unknown address or sender) exits 67 (EX_NOUSER) so that the mail server bounces the message.
        io.err(e instanceof AppError ? e.text.en : String(e));
        return e instanceof AppError && e.status < 500 ? 67 : 75;
      }
    },
  }],
  statistics: jcsipStatistics,
  statTables: jcsipTables,
  demo: loadJcsipDemo,
  staffNav: [
    { href: '/staff/jcsip', label: { ja: 'J-CSIP 情報共有', en: 'J-CSIP sharing hub' }, permission: PERM.read },
    { href: '/staff/jcsip/members', label: { ja: 'J-CSIP 参加組織', en: 'J-CSIP participants' }, permission: PERM.members },
  ],
  nav: [{ href: '/jcsip', label: { ja: 'J-CSIP', en: 'J-CSIP' } }],
};
