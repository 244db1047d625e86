// Schema of people, organisations, sessions and login throttling. Plain SQL that runs unchanged
// on PGlite and PostgreSQL ≥ 13 (gen_random_uuid() is built in on both).
import { sql, type ColumnType, type Generated } from 'kysely';
import type { Migration } from '../db/migrator.js';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface OrganisationsTable {
  id: Generated<string>;
  name: string;
  name_en: string | null;
  kind: string;
  email: string | null;
  category: string | null;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<string>;
  /** Always stored lower-cased (enforced by a check constraint). */
  email: string;
  display_name: string;
  kind: 'staff' | 'org' | 'public';
  organisation_id: string | null;
  roles: ColumnType<string[], string[] | undefined, string[]>;
  password_hash: string;
  totp_secret: string | null;
  totp_enabled: Generated<boolean>;
  /** Last accepted TOTP time step, so a code cannot be replayed within its validity window. */
  totp_last_step: number | null;
  disabled: Generated<boolean>;
  failed_logins: Generated<number>;
  locked_until: NullableTimestamp;
  created_at: CreatedAt;
}

export interface SessionsTable {
  /** sha256 hex of the cookie token: a database leak does not yield usable cookies. */
  id: string;
  user_id: string;
  created_at: CreatedAt;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  second_factor_ok: boolean;
  ip: string | null;
  user_agent: string | null;
}

export interface PasswordResetsTable {
  token_hash: string;
  user_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

export interface LoginAttemptsTable {
  id: Generated<number>;
  /** 'email:<address>', 'ip:<address>' or 'reset:<address>'. */
  key: string;
  at: CreatedAt;
}

declare module '../db/database.js' {
  interface Tables {
    organisations: OrganisationsTable;
    users: UsersTable;
    sessions: SessionsTable;
    password_resets: PasswordResetsTable;
    login_attempts: LoginAttemptsTable;
  }
}

export const authMigrations: Migration[] = [
  {
    id: 'kernel_auth_001_schema',
    async up(db) {
      await sql`
        create table organisations (
          id uuid primary key default gen_random_uuid(),
          name text not null,
          name_en text,
          kind text not null check (kind in ('vendor', 'site_operator', 'coordinator', 'priority_recipient', 'other')),
          email text,
          category text,
          created_at timestamptz not null default now()
        )`.execute(db);
      await sql`
        create table users (
          id uuid primary key default gen_random_uuid(),
          email text not null unique check (email = lower(email)),
          display_name text not null,
          kind text not null check (kind in ('staff', 'org', 'public')),
          organisation_id uuid references organisations (id),
          roles text[] not null default '{}',
          password_hash text not null,
          totp_secret text,
          totp_enabled boolean not null default false,
          totp_last_step integer,
          disabled boolean not null default false,
          failed_logins integer not null default 0,
          locked_until timestamptz,
          created_at timestamptz not null default now()
        )`.execute(db);
      await sql`create index users_organisation_idx on users (organisation_id)`.execute(db);
      await sql`
        create table sessions (
          id text primary key,
          user_id uuid not null references users (id) on delete cascade,
          created_at timestamptz not null default now(),
          last_seen_at timestamptz not null default now(),
          expires_at timestamptz not null,
          second_factor_ok boolean not null default false,
          ip text,
          user_agent text
        )`.execute(db);
      await sql`create index sessions_user_idx on sessions (user_id)`.execute(db);
      await sql`create index sessions_expires_idx on sessions (expires_at)`.execute(db);
      await sql`
        create table password_resets (
          token_hash text primary key,
          user_id uuid not null references users (id) on delete cascade,
          created_at timestamptz not null default now(),
          expires_at timestamptz not null,
          used_at timestamptz
        )`.execute(db);
      await sql`create index password_resets_user_idx on password_resets (user_id)`.execute(db);
      await sql`
        create table login_attempts (
          id bigserial primary key,
          key text not null,
          at timestamptz not null default now()
        )`.execute(db);
      await sql`create index login_attempts_key_at_idx on login_attempts (key, at)`.execute(db);
    },
  },
];
