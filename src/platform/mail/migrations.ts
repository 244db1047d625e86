import { sql } from 'kysely';
import type { Migration } from '../db/migrator.js';

export const mailMigrations: Migration[] = [
  {
    id: 'kernel_mail_001_outbox',
    async up(db) {
      await sql`
        create table mail_outbox (
          id uuid primary key,
          key text unique,
          to_addr text not null,
          subject text not null,
          body_text text not null,
          message_id text not null,
          status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed')),
          attempts integer not null default 0,
          next_attempt_at timestamptz not null default now(),
          locked_until timestamptz,
          last_error text,
          created_at timestamptz not null default now(),
          sent_at timestamptz
        )`.execute(db);
      // Only undelivered rows are ever scanned by the worker.
      await sql`create index mail_outbox_due_idx on mail_outbox (next_attempt_at) where status in ('pending', 'sending')`.execute(db);
    },
  },
];
