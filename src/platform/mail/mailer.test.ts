import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BACKENDS, startKernelContext, type KernelTestContext } from '../../../test/kernel-context.js';
import { createMailer, enqueueMany, MAIL_MAX_ATTEMPTS } from './mailer.js';

interface Received { rcptTo: string[]; raw: string }

/** A minimal RFC 5322 reader for assertions: unfolded headers with RFC 2047 words decoded, decoded body. */
function parseMessage(raw: string) {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  const decodeWords = (s: string) => s
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_m, enc: string, text: string) => enc.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'));
  let body = raw.slice(split + 4);
  const cte = (headers['content-transfer-encoding'] ?? '').toLowerCase();
  if (cte === 'base64') body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (cte === 'quoted-printable') {
    body = Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9a-f]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  }
  return { headers, subject: decodeWords(headers.subject ?? ''), body };
}

async function startSmtpSink() {
  const received: Received[] = [];
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ rcptTo: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { received, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const outbox = async (k: KernelTestContext) =>
  (await sql<any>`select * from mail_outbox order by created_at`.execute(k.ctx.db)).rows;

describe.each(BACKENDS)('mail outbox over SMTP on %s', (backend) => {
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let k: KernelTestContext;
  beforeAll(async () => {
    sink = await startSmtpSink();
    k = await startKernelContext(backend, { env: { SMTP_URL: `smtp://127.0.0.1:${sink.port}?ignoreTLS=true` } });
  });
  afterAll(async () => { await k?.destroy(); await sink?.close(); });
  beforeEach(async () => { sink.received.length = 0; await sql`delete from mail_outbox`.execute(k.ctx.db); });

  it('sends a committed message exactly once, with a stable Message-ID', async () => {
    const id = await k.ctx.db.transaction().execute((trx) =>
      k.ctx.mail.enqueue({ to: 'reporter@example.jp', subject: '【受付】脆弱性関連情報の届出を受け付けました', text: 'ご報告ありがとうございます。\n受付番号: IPA-P-2026-00001' }, trx));
    expect(sink.received).toHaveLength(0); // nothing is sent by enqueue itself
    expect(await k.ctx.mail.deliverPending()).toBe(1);
    expect(await k.ctx.mail.deliverPending()).toBe(0);
    expect(sink.received).toHaveLength(1);
    const [msg] = sink.received;
    expect(msg.rcptTo).toEqual(['reporter@example.jp']);
    const parsed = parseMessage(msg.raw);
    expect(parsed.subject).toBe('【受付】脆弱性関連情報の届出を受け付けました');
    expect(parsed.headers['message-id']).toBe(`<${id}@mamori>`);
    expect(parsed.headers.to).toBe('reporter@example.jp');
    expect(parsed.body).toContain('受付番号: IPA-P-2026-00001');
    const [row] = await outbox(k);
    expect(row).toMatchObject({ id, status: 'sent', attempts: 1, last_error: null, message_id: `<${id}@mamori>` });
    expect(row.sent_at).toBeInstanceOf(Date);
  });

  it('sends nothing when the enqueuing transaction rolls back', async () => {
    await expect(k.ctx.db.transaction().execute(async (trx) => {
      await k.ctx.mail.enqueue({ to: 'a@example.jp', subject: 'never', text: 'x' }, trx);
      throw new Error('business failure');
    })).rejects.toThrow('business failure');
    expect(await k.ctx.mail.deliverPending()).toBe(0);
    expect(sink.received).toHaveLength(0);
    expect(await outbox(k)).toHaveLength(0);
  });

  it('redelivers exactly once a message whose worker died while sending', async () => {
    const id = await k.ctx.mail.enqueue({ to: 'b@example.jp', subject: 'crashed', text: 'x' });
    const other = await k.ctx.mail.enqueue({ to: 'c@example.jp', subject: 'still locked', text: 'x' });
    // As a worker that claimed both rows and died: one lock expired, the other still held.
    await sql`update mail_outbox set status = 'sending', attempts = 1, locked_until = now() - interval '1 minute' where id = ${id}`.execute(k.ctx.db);
    await sql`update mail_outbox set status = 'sending', attempts = 1, locked_until = now() + interval '1 minute' where id = ${other}`.execute(k.ctx.db);
    expect(await k.ctx.mail.deliverPending()).toBe(1);
    expect(await k.ctx.mail.deliverPending()).toBe(0);
    expect(sink.received).toHaveLength(1);
    expect(parseMessage(sink.received[0].raw).headers['message-id']).toBe(`<${id}@mamori>`);
    const rows = await outbox(k);
    expect(rows.find((r) => r.id === id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(rows.find((r) => r.id === other)).toMatchObject({ status: 'sending', attempts: 1 });
  });

  it('stores one message per dedupe key', async () => {
    const a = await k.ctx.mail.enqueue({ to: 'd@example.jp', subject: 'once', text: 'x', key: 'case:1:ack' });
    const b = await k.ctx.db.transaction().execute((trx) => k.ctx.mail.enqueue({ to: 'd@example.jp', subject: 'once again', text: 'y', key: 'case:1:ack' }, trx));
    expect(b).toBe(a);
    await k.ctx.mail.enqueue({ to: 'd@example.jp', subject: 'no key 1', text: 'x' });
    await k.ctx.mail.enqueue({ to: 'd@example.jp', subject: 'no key 2', text: 'x' });
    expect(await k.ctx.mail.deliverPending()).toBe(3);
    expect(sink.received.map((m) => parseMessage(m.raw).subject).sort()).toEqual(['no key 1', 'no key 2', 'once']);
  });

  it('two workers delivering concurrently send every message exactly once', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 12; i++) ids.add(await k.ctx.mail.enqueue({ to: `p${i}@example.jp`, subject: `parallel ${i}`, text: 'x' }));
    const second = createMailer(k.ctx);
    const [n1, n2] = await Promise.all([k.ctx.mail.deliverPending(), second.deliverPending()]);
    await second.close();
    expect(n1 + n2).toBe(12);
    const got = sink.received.map((m) => parseMessage(m.raw).headers['message-id']).sort();
    expect(got).toEqual([...ids].map((id) => `<${id}@mamori>`).sort());
  });

  it('rejects invalid recipients and header injection', async () => {
    await expect(k.ctx.mail.enqueue({ to: 'a@example.jp\r\nBcc: x@evil.example', subject: 's', text: 't' })).rejects.toMatchObject({ code: 'invalid_email' });
    await expect(k.ctx.mail.enqueue({ to: 'a@example.jp, b@example.jp', subject: 's', text: 't' })).rejects.toMatchObject({ code: 'invalid_email' });
    await k.ctx.mail.enqueue({ to: 'e@example.jp', subject: 'line\r\nBcc: x@evil.example', text: 't' });
    await k.ctx.mail.deliverPending();
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0].rcptTo).toEqual(['e@example.jp']);
    expect(parseMessage(sink.received[0].raw).headers.bcc).toBeUndefined();
  });
});

describe.each(BACKENDS)('mail outbox crash recovery on %s', (backend) => {
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  beforeAll(async () => { sink = await startSmtpSink(); });
  afterAll(async () => { await sink?.close(); });

  it('delivers, after a restart, mail committed before the crash exactly once', async () => {
    const env = { SMTP_URL: `smtp://127.0.0.1:${sink.port}?ignoreTLS=true` };
    const first = await startKernelContext(backend, { env, persistent: true });
    const id = await first.ctx.db.transaction().execute((trx) => first.ctx.mail.enqueue({ to: 'r@example.jp', subject: 'survives', text: 'x' }, trx));
    await first.close(); // the process ends before any worker ran
    const second = await first.reopen();
    try {
      expect(await second.ctx.mail.deliverPending()).toBe(1);
      expect(await second.ctx.mail.deliverPending()).toBe(0);
      expect(sink.received).toHaveLength(1);
      expect(parseMessage(sink.received[0].raw).headers['message-id']).toBe(`<${id}@mamori>`);
    } finally {
      await second.destroy();
    }
  });
});

describe.each(BACKENDS)('mail retries on %s', (backend) => {
  let k: KernelTestContext;
  beforeAll(async () => {
    // A port nobody listens on: every attempt fails quickly.
    const sink = await startSmtpSink();
    const port = sink.port;
    await sink.close();
    k = await startKernelContext(backend, { env: { SMTP_URL: `smtp://127.0.0.1:${port}?ignoreTLS=true` } });
  });
  afterAll(async () => { await k?.destroy(); });

  it('backs off exponentially and gives up after the maximum attempts', async () => {
    const id = await k.ctx.mail.enqueue({ to: 'x@example.jp', subject: 'unlucky', text: 'x' });
    const delays: number[] = [];
    for (let i = 1; i <= MAIL_MAX_ATTEMPTS; i++) {
      expect(await k.ctx.mail.deliverPending()).toBe(0);
      const row = (await sql<any>`select *, extract(epoch from (next_attempt_at - now())) as wait from mail_outbox where id = ${id}`.execute(k.ctx.db)).rows[0];
      expect(row.attempts).toBe(i);
      expect(row.last_error).toBeTruthy();
      expect(row.locked_until).toBeNull();
      if (i < MAIL_MAX_ATTEMPTS) {
        expect(row.status).toBe('pending');
        delays.push(Number(row.wait));
        expect(await k.ctx.mail.deliverPending()).toBe(0); // not due yet
        expect((await sql<any>`select attempts from mail_outbox where id = ${id}`.execute(k.ctx.db)).rows[0].attempts).toBe(i);
        await sql`update mail_outbox set next_attempt_at = now() where id = ${id}`.execute(k.ctx.db);
      } else {
        expect(row.status).toBe('failed');
      }
    }
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThan(delays[i - 1] * 1.5);
    await sql`update mail_outbox set next_attempt_at = now() - interval '1 day' where id = ${id}`.execute(k.ctx.db);
    expect(await k.ctx.mail.deliverPending()).toBe(0);
    expect((await sql<any>`select status, attempts from mail_outbox where id = ${id}`.execute(k.ctx.db)).rows[0]).toEqual({ status: 'failed', attempts: MAIL_MAX_ATTEMPTS });
  });
});

describe.each(BACKENDS)('mail .eml file transport on %s', (backend) => {
  let k: KernelTestContext;
  beforeAll(async () => { k = await startKernelContext(backend); });
  afterAll(async () => { await k?.destroy(); });
  afterEach(async () => { await sql`delete from mail_outbox`.execute(k.ctx.db); });

  it('writes one parseable RFC 5322 file per message, idempotently', async () => {
    expect(k.config.smtpUrl).toBeUndefined();
    const id = await k.ctx.mail.enqueue({ to: 'staff@example.jp', subject: 'ファイル送信テスト — UTF-8 ✓', text: '本文です。\nSecond line with a very long text '.repeat(20) });
    expect(await k.ctx.mail.deliverPending()).toBe(1);
    const file = join(k.config.mailDir, `${id}.eml`);
    expect(readdirSync(k.config.mailDir)).toEqual([`${id}.eml`]);
    const raw = readFileSync(file, 'utf8');
    expect(raw).not.toMatch(/[^\r]\n/); // CRLF line endings only
    expect(raw.split('\r\n').every((l) => l.length <= 998)).toBe(true);
    const parsed = parseMessage(raw);
    expect(parsed.subject).toBe('ファイル送信テスト — UTF-8 ✓');
    expect(parsed.headers['message-id']).toBe(`<${id}@mamori>`);
    expect(parsed.headers.to).toBe('staff@example.jp');
    expect(parsed.headers.from).toContain('no-reply@mamori.example.jp');
    expect(parsed.headers['mime-version']).toBe('1.0');
    expect(parsed.headers.date).toBeTruthy();
    expect(parsed.body).toContain('本文です。');

    // A crash after writing the file but before marking it sent: the retry must not rewrite it.
    const mtime = statSync(file).mtimeMs;
    await sql`update mail_outbox set status = 'sending', locked_until = now() - interval '1 second' where id = ${id}`.execute(k.ctx.db);
    await new Promise((r) => setTimeout(r, 20));
    expect(await k.ctx.mail.deliverPending()).toBe(1);
    expect(statSync(file).mtimeMs).toBe(mtime);
    expect(readFileSync(file, 'utf8')).toBe(raw);
    expect(readdirSync(k.config.mailDir)).toHaveLength(1);
    expect(existsSync(file)).toBe(true);
  });
  it('stores several messages in one statement, one per key, and delivers them in a batch', async () => {
    const first = await k.ctx.mail.enqueue({ to: 'a@example.jp', subject: 'earlier', text: 'x', key: 'many:1' });
    const ids = await k.ctx.db.transaction().execute((trx) => enqueueMany(trx, [
      { to: 'a@example.jp', subject: 'again', text: 'y', key: 'many:1' },
      { to: 'b@example.jp', subject: 'new', text: 'y', key: 'many:2' },
      { to: 'b@example.jp', subject: 'new twice', text: 'y', key: 'many:2' },
      { to: 'c@example.jp', subject: 'no key', text: 'y' },
    ]));
    expect(ids[0]).toBe(first);
    expect(ids[2]).toBe(ids[1]);
    expect(new Set(ids).size).toBe(3);
    // One bad address stores none of them.
    await expect(enqueueMany(k.ctx.db, [{ to: 'd@example.jp', subject: 'ok', text: 'x' }, { to: 'bad', subject: 'bad', text: 'x' }]))
      .rejects.toMatchObject({ code: 'invalid_email' });
    expect(await k.ctx.mail.deliverPending()).toBe(3);
    expect(readdirSync(k.config.mailDir)).toEqual(expect.arrayContaining([...new Set(ids)].map((id) => `${id}.eml`)));
    const rows = (await sql<{ status: string }>`select status from mail_outbox`.execute(k.ctx.db)).rows;
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
  });
});
