import { sql } from 'kysely';
import type { Migration } from '../db/migrator.js';

export const filesMigrations: Migration[] = [
  {
    id: 'kernel_files_001_files',
    async up(db) {
      // Ciphertext lives in the database, not on disk: an attachment then commits or rolls back
      // atomically with the record that owns it, backups and restores are one consistent unit,
      // and there are no orphaned or missing files after a crash. Attachments are capped
      // (MAX_ATTACHMENT_BYTES, 10 MB by default), which bytea handles comfortably.
      await sql`
        create table files (
          id uuid primary key,
          filename text not null,
          content_type text not null,
          size integer not null check (size > 0),
          sha256 text not null,
          iv bytea not null,
          auth_tag bytea not null,
          ciphertext bytea not null,
          created_at timestamptz not null default now()
        )`.execute(db);
    },
  },
  {
    id: 'kernel_files_002_erase',
    async up(db) {
      // Erasure for retention periods: the ciphertext is dropped, the row (and the records that
      // reference it) stay, with the hash as evidence of what was held.
      await sql`alter table files add column erased_at timestamptz`.execute(db);
    },
  },
];
