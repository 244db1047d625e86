// Outgoing mail through a transactional outbox.
//
// Delivery guarantee: enqueue() writes the message in the caller's transaction, so it exists
// exactly when the business change committed. A crash after that commit and before sending loses
// nothing: the row stays 'pending' and any later worker (this process after restart, or another)
// sends it once. A worker that dies mid-send leaves the row 'sending'; when its 2-minute lock
// expires the row is claimed again. So the only duplicate window is a crash (or timeout) during
// the SMTP exchange itself, after the server accepted the message but before we marked it sent.
// Every attempt carries the same Message-ID <outbox-id@mamori>, so receivers can recognise such
// a retry; the .eml file transport is idempotent by file name.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { sql, type Generated, type Kysely } from 'kysely';
import type { AppContext, Executor } from '../context.js';
import { badRequest } from '../http/errors.js';
import type { Mailer, OutgoingMail } from './mail.js';

export type MailStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface MailOutboxTable {
  id: string;
  key: string | null;
  to_addr: string;
  subject: string;
  body_text: string;
  message_id: string;
  status: Generated<MailStatus>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  locked_until: Date | null;
  last_error: string | null;
  created_at: Generated<Date>;
  sent_at: Date | null;
}

declare module '../db/database.js' {
  interface Tables {
    mail_outbox: MailOutboxTable;
  }
}

export const MAIL_MAX_ATTEMPTS = 8;
const LOCK_MS = 2 * 60_000;
/** Upper bound per deliverPending() call, so one job tick cannot run unboundedly. */
const MAX_PER_RUN = 200;

/** 30 s, 1 min, 2 min, … capped at 2 h: 8 attempts span about an hour. */
export function mailBackoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(attempts - 1, 0), 2 * 3600_000);
}

export const messageIdOf = (outboxId: string) => `<${outboxId}@mamori>`;

// One recipient per message; no display names, commas or line breaks (header injection).
const EMAIL_RE = /^[^\s@,;<>"()\\]+@[^\s@,;<>"()\\]+\.[^\s@,;<>"()\\]+$/;

interface Claimed {
  id: string; to_addr: string; subject: string; body_text: string; message_id: string; attempts: number; created_at: Date;
}

/**
 * Stores several messages in the outbox with one statement inside the caller's transaction (what
 * Mailer.enqueue does for one); the case engine's group commit writes its receipts this way.
 * Returns their outbox ids in order; a key already queued keeps its first message.
 */
export async function enqueueMany(ex: Executor, mails: OutgoingMail[]): Promise<string[]> {
  if (mails.length === 0) return [];
  // Every address is checked before anything is written, so a bad one stores none of them.
  const rows = mails.map((mail) => {
    const to = String(mail.to ?? '').trim();
    if (to.length > 254 || !EMAIL_RE.test(to)) {
      throw badRequest('invalid_email', { ja: 'メールアドレスの形式が正しくありません。', en: 'The e-mail address is invalid.' });
    }
    const subject = String(mail.subject ?? '').replace(/[\r\n\t]+/g, ' ').trim().slice(0, 400);
    const id = randomUUID();
    return { id, key: mail.key ?? null, to, subject, text: String(mail.text ?? '') };
  });
  const inserted = await sql<{ id: string }>`
    insert into mail_outbox (id, key, to_addr, subject, body_text, message_id)
    values ${sql.join(rows.map((r) => sql`(${r.id}, ${r.key}, ${r.to}, ${r.subject}, ${r.text}, ${messageIdOf(r.id)})`))}
    on conflict (key) do nothing
    returning id`.execute(ex as Kysely<any>);
  if (inserted.rows.length === rows.length) return rows.map((r) => r.id);
  const kept = new Set(inserted.rows.map((r) => r.id));
  const keys = rows.filter((r) => !kept.has(r.id)).map((r) => r.key!);
  const existing = await sql<{ id: string; key: string }>`select id, key from mail_outbox where key = any(${keys}::text[])`.execute(ex as Kysely<any>);
  const byKey = new Map(existing.rows.map((r) => [r.key, r.id]));
  return rows.map((r) => (kept.has(r.id) ? r.id : byKey.get(r.key!)!));
}

export function createMailer(ctx: AppContext): Mailer {
  let smtp: Transporter<SMTPPool.SentMessageInfo> | undefined;
  let composer: Transporter | undefined;

  const messageOf = (m: Claimed) => ({
    from: ctx.config.mailFrom,
    to: m.to_addr,
    subject: m.subject,
    // RFC 5322 allows no bare LF; nodemailer's newline option does not rewrite the body for us.
    text: m.body_text.replace(/\r?\n|\r/g, '\r\n'),
    messageId: m.message_id,
    // Fixed per message, so a retry is the same message, not a newer one.
    date: new Date(m.created_at),
    headers: { 'Auto-Submitted': 'auto-generated' },
  });

  async function send(m: Claimed): Promise<void> {
    if (ctx.config.smtpUrl) {
      smtp ??= nodemailer.createTransport({
        url: ctx.config.smtpUrl,
        pool: true,
        maxConnections: 2,
        // Well inside the claim lock, so a hung server cannot make another worker resend.
        connectionTimeout: 20_000,
        greetingTimeout: 20_000,
        socketTimeout: 60_000,
      } as SMTPPool.Options);
      await smtp.sendMail(messageOf(m));
      return;
    }
    const dir = ctx.config.mailDir;
    const file = join(dir, `${m.id}.eml`);
    if (existsSync(file)) return; // written by an earlier attempt that crashed before marking
    composer ??= nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
    const info = await composer.sendMail(messageOf(m));
    mkdirSync(dir, { recursive: true });
    // Write-then-rename so a crash never leaves a truncated .eml that a retry would skip.
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, info.message as Buffer);
    renameSync(tmp, file);
  }

  /** Claims up to `limit` due messages; a single statement, i.e. its own short transaction. */
  async function claim(limit: number): Promise<Claimed[]> {
    const res = await sql<Claimed>`
      update mail_outbox
         set status = 'sending', attempts = attempts + 1,
             locked_until = now() + ${LOCK_MS} * interval '1 millisecond'
       where id in (
         select id from mail_outbox
          where (status = 'pending' and next_attempt_at <= now())
             or (status = 'sending' and locked_until < now())
          order by next_attempt_at, created_at
          limit ${limit}
          for update skip locked)
      returning id, to_addr, subject, body_text, message_id, attempts, created_at`.execute(ctx.db);
    return res.rows;
  }

  return {
    async enqueue(mail: OutgoingMail, trx?: Executor) {
      return (await enqueueMany(trx ?? ctx.db, [mail]))[0];
    },

    async deliverPending() {
      // An .eml file is written in well under a millisecond, so messages are claimed and marked sent
      // in batches (two statements per batch instead of per message). An SMTP exchange may take up
      // to a minute, so there one message at a time keeps every send well inside its claim lock.
      const batchSize = ctx.config.smtpUrl ? 1 : 50;
      let handled = 0;
      let sent = 0;
      while (handled < MAX_PER_RUN) {
        const batch = await claim(Math.min(batchSize, MAX_PER_RUN - handled));
        if (batch.length === 0) break;
        handled += batch.length;
        const done: string[] = [];
        for (const m of batch) {
          try {
            await send(m);
            done.push(m.id);
          } catch (err) {
            const final = m.attempts >= MAIL_MAX_ATTEMPTS;
            const msg = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
            ctx.log.warn({ err, mailId: m.id, attempts: m.attempts, final }, final ? 'mail delivery failed permanently' : 'mail delivery failed; will retry');
            await sql`
              update mail_outbox
                 set status = ${final ? 'failed' : 'pending'}, locked_until = null, last_error = ${msg},
                     next_attempt_at = now() + ${mailBackoffMs(m.attempts)} * interval '1 millisecond'
               where id = ${m.id} and status = 'sending'`.execute(ctx.db);
          }
        }
        if (done.length === 0) continue;
        await sql`
          update mail_outbox set status = 'sent', sent_at = now(), locked_until = null, last_error = null
           where id = any(${done}::uuid[]) and status = 'sending'`.execute(ctx.db);
        sent += done.length;
      }
      return sent;
    },

    async close() {
      smtp?.close();
      composer?.close();
      smtp = composer = undefined;
    },
  };
}
