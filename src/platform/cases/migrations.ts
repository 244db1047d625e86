import { sql } from 'kysely';
import type { Generated } from 'kysely';
import type { Migration } from '../db/migrator.js';

export const casesMigrations: Migration[] = [
  {
    id: 'kernel_cases_001_init',
    async up(db) {
      await sql`create extension if not exists pg_trgm`.execute(db);
      await sql`create table case_ref_counters (prefix text not null, year int not null, next int not null, primary key (prefix, year))`.execute(db);
      await sql`create table cases (
        id uuid primary key default gen_random_uuid(),
        type text not null,
        ref text not null unique,
        state text not null,
        title text not null,
        data jsonb not null default '{}'::jsonb,
        tags text[] not null default '{}',
        assignee_id uuid references users(id),
        due_at timestamptz,
        received_at timestamptz not null,
        updated_at timestamptz not null,
        closed_at timestamptz,
        closure_reason text,
        idempotency_key text unique,
        reminded_at timestamptz,
        version int not null default 1
      )`.execute(db);
      await sql`create index cases_type_received on cases (type, received_at desc, id desc)`.execute(db);
      await sql`create index cases_type_state on cases (type, state)`.execute(db);
      await sql`create index cases_assignee on cases (assignee_id) where assignee_id is not null`.execute(db);
      await sql`create index cases_due on cases (due_at) where closed_at is null and due_at is not null`.execute(db);
      await sql`create index cases_tags on cases using gin (tags)`.execute(db);
      await sql`create index cases_title_trgm on cases using gin (title gin_trgm_ops)`.execute(db);
      await sql`create table case_events (
        id bigserial primary key,
        case_id uuid not null references cases(id),
        at timestamptz not null,
        kind text not null,
        actor_user_id uuid,
        actor_name text not null,
        from_state text,
        to_state text,
        transition text,
        reason text,
        details jsonb not null default '{}'::jsonb
      )`.execute(db);
      await sql`create index case_events_case on case_events (case_id, at, id)`.execute(db);
      await sql`create index case_events_state on case_events (at, case_id) where to_state is not null`.execute(db);
      await sql`create table case_parties (
        id uuid primary key default gen_random_uuid(),
        case_id uuid not null references cases(id),
        role text not null,
        organisation_id uuid references organisations(id),
        user_id uuid references users(id),
        email text,
        name text,
        token_hash text unique,
        added_at timestamptz not null default now()
      )`.execute(db);
      await sql`create index case_parties_case on case_parties (case_id)`.execute(db);
      await sql`create index case_parties_org on case_parties (organisation_id) where organisation_id is not null`.execute(db);
      await sql`create index case_parties_user on case_parties (user_id) where user_id is not null`.execute(db);
      await sql`create table case_messages (
        id uuid primary key default gen_random_uuid(),
        case_id uuid not null references cases(id),
        author_user_id uuid,
        author_party_id uuid references case_parties(id),
        author_name text not null,
        visibility text not null,
        party_ids uuid[] not null default '{}',
        body text not null,
        created_at timestamptz not null default now()
      )`.execute(db);
      await sql`create index case_messages_case on case_messages (case_id, created_at)`.execute(db);
      await sql`create table case_message_files (
        message_id uuid not null references case_messages(id),
        file_id uuid not null references files(id),
        primary key (message_id, file_id)
      )`.execute(db);
    },
  },
  {
    // Found by the benchmarks (docs/benchmarks.md): the staff list filtered a seq scan of all cases
    // through three ILIKEs per row, and the statistics sorted or scanned the whole history per figure.
    id: 'kernel_cases_002_list_and_statistics_indexes',
    async up(db) {
      // Cases of a type received before a date, by state (statistics: index-only with the visibility map).
      await sql`drop index cases_type_received`.execute(db);
      await sql`create index cases_type_received on cases (type, received_at desc, id desc) include (state)`.execute(db);
      // Open cases of a type, newest first: the staff list's default filter and the workbench counts.
      await sql`create index cases_open_type_received on cases (type, received_at desc, id desc) where closed_at is null`.execute(db);
      // Keyword search over open cases (engine search(): title, reference and data, case-insensitive).
      // A small pending list: PGlite has no autovacuum to flush it, and searches read all of it.
      await sql`create index cases_open_search on cases
        using gin ((lower(title || E'\\n' || ref || E'\\n' || (data::text))) gin_trgm_ops)
        with (gin_pending_list_limit = 256) where closed_at is null`.execute(db);
      // Statistics (countEvents): events of a kind, a transition or into a state within a period.
      await sql`create index case_events_kind_at on case_events (kind, at)`.execute(db);
      await sql`create index case_events_transition_at on case_events (transition, at) where transition is not null`.execute(db);
      await sql`create index case_events_to_state_at on case_events (to_state, at) where to_state is not null`.execute(db);
    },
  },
  {
    // Found by the benchmarks (docs/benchmarks.md): maintaining the trigram indexes was the largest
    // cost of storing a report, and a common keyword's candidates included every open case type.
    id: 'kernel_cases_003_search_index_by_type',
    async up(db) {
      // No query uses it since search() matches one expression instead of ILIKEs.
      await sql`drop index cases_title_trgm`.execute(db);
      // The type inside the index (btree_gin), so a keyword's candidates are those of the listed type
      // only. PostgreSQL's default pending list (4 MB, ~450 new cases per merge instead of ~30 with
      // 256 kB): most of a case's trigrams (JSON keys, common words) are in every case, so merging
      // many cases at once costs far less per case. Searches read the pending list too: a few ms at
      // most when full.
      await sql`create extension if not exists btree_gin`.execute(db);
      await sql`create index cases_open_type_search on cases
        using gin (type, (lower(title || E'\\n' || ref || E'\\n' || (data::text))) gin_trgm_ops)
        where closed_at is null`.execute(db);
      await sql`drop index cases_open_search`.execute(db);
    },
  },
  {
    // Found by the benchmarks: a common keyword's candidates were rechecked by rebuilding the text
    // from the JSON (data::text) for each; a stored column is read instead. Not part of the records
    // the engine returns (it lists its columns), so it only costs its storage and the write.
    id: 'kernel_cases_004_stored_search_text',
    async up(db) {
      await sql`alter table cases add column search_text text generated always as (lower(title || E'\\n' || ref || E'\\n' || (data::text))) stored`.execute(db);
      await sql`create index cases_open_search_text on cases using gin (type, search_text gin_trgm_ops) where closed_at is null`.execute(db);
      await sql`drop index cases_open_type_search`.execute(db);
    },
  },
];

export interface CaseRow {
  id: string; type: string; ref: string; state: string; title: string; data: Record<string, unknown>; tags: string[];
  assignee_id: string | null; due_at: Date | null; received_at: Date; updated_at: Date; closed_at: Date | null;
  closure_reason: string | null; idempotency_key: string | null; reminded_at: Date | null; version: number;
}

declare module '../db/database.js' {
  interface Tables {
    case_ref_counters: { prefix: string; year: number; next: number };
    cases: Omit<CaseRow, 'id' | 'data' | 'tags' | 'version'> & { id: Generated<string>; data: Generated<Record<string, unknown>>; tags: Generated<string[]>; version: Generated<number>; search_text: Generated<string> };
    case_events: {
      id: Generated<number>; case_id: string; at: Date; kind: string; actor_user_id: string | null; actor_name: string;
      from_state: string | null; to_state: string | null; transition: string | null; reason: string | null; details: Generated<Record<string, unknown>>;
    };
    case_parties: {
      id: Generated<string>; case_id: string; role: string; organisation_id: string | null; user_id: string | null;
      email: string | null; name: string | null; token_hash: string | null; added_at: Generated<Date>;
    };
    case_messages: {
      id: Generated<string>; case_id: string; author_user_id: string | null; author_party_id: string | null; author_name: string;
      visibility: string; party_ids: Generated<string[]>; body: string; created_at: Generated<Date>;
    };
    case_message_files: { message_id: string; file_id: string };
  }
}
