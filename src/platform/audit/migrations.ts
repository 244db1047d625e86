import { sql } from 'kysely';
import type { Migration } from '../db/migrator.js';

export const auditMigrations: Migration[] = [
  {
    id: 'kernel_audit_001_log',
    async up(db) {
      // prev_hash is unique: two entries can never claim the same predecessor, so even a bug in the
      // append path cannot fork the chain — the second writer fails instead.
      await sql`
        create table audit_log (
          seq bigint primary key check (seq > 0),
          at timestamptz not null,
          action text not null,
          actor_user_id text,
          actor_kind text not null,
          actor_name text not null,
          subject_type text,
          subject_id text,
          details jsonb not null default '{}'::jsonb,
          ip text,
          prev_hash text not null unique,
          hash text not null
        )`.execute(db);
      await sql`create index audit_log_subject_idx on audit_log (subject_type, subject_id, seq desc)`.execute(db);
      await sql`create index audit_log_action_idx on audit_log (action, seq desc)`.execute(db);
      await sql`create index audit_log_actor_idx on audit_log (actor_user_id, seq desc)`.execute(db);
      // Append-only at the database level: the application role cannot rewrite history by mistake
      // or through an injection. A table owner can still disable the trigger; verify() catches that.
      await sql`
        create function audit_log_append_only() returns trigger language plpgsql as $$
        begin
          raise exception 'audit_log is append-only: % is not allowed', tg_op
            using errcode = 'insufficient_privilege';
        end
        $$`.execute(db);
      await sql`create trigger audit_log_no_change before update or delete on audit_log
        for each row execute function audit_log_append_only()`.execute(db);
      await sql`create trigger audit_log_no_truncate before truncate on audit_log
        for each statement execute function audit_log_append_only()`.execute(db);
    },
  },
];
