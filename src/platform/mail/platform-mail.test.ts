// Mail through the assembled platform: outbox → the kernel's 'mail.deliver' schedule → a real
// SMTP server (smtp-server on an ephemeral port), including a restart on the same database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { BACKENDS, createTestDatabase, startTestPlatform, type TestPlatform } from '../../../test/harness.js';
import { loadConfig } from '../config/config.js';
import { createPlatform } from '../platform.js';

async function startSmtpSink() {
  const received: Array<{ rcptTo: string[]; raw: string }> = [];
  const server = new SMTPServer({
    secure: false, authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => { received.push({ rcptTo: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') }); cb(); });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { received, url: `smtp://127.0.0.1:${port}?ignoreTLS=true`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const header = (raw: string, name: string) =>
  new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(raw.slice(0, raw.indexOf('\r\n\r\n')))?.[1].trim();

describe.each(BACKENDS)('platform mail over SMTP on %s', (backend) => {
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let p: TestPlatform;
  beforeAll(async () => {
    sink = await startSmtpSink();
    p = await startTestPlatform(backend, { modules: [], env: { SMTP_URL: sink.url } });
  });
  afterAll(async () => { await p?.destroy(); await sink?.close(); });

  it('delivers a committed message exactly once through the mail.deliver schedule', async () => {
    const id = await p.ctx.db.transaction().execute((trx) =>
      p.ctx.mail.enqueue({ to: 'vendor@example.jp', subject: 'Platform test', text: 'body' }, trx));
    await expect(p.ctx.db.transaction().execute(async (trx) => {
      await p.ctx.mail.enqueue({ to: 'nobody@example.jp', subject: 'Rolled back', text: 'x' }, trx);
      throw new Error('rollback');
    })).rejects.toThrow('rollback');
    await p.ctx.jobs.runDue();
    await p.ctx.jobs.runDue();
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0].rcptTo).toEqual(['vendor@example.jp']);
    expect(header(sink.received[0].raw, 'Subject')).toBe('Platform test');
    expect(header(sink.received[0].raw, 'Message-ID')).toBe(`<${id}@mamori>`);
  });
});

describe.each(BACKENDS)('platform mail across a restart on %s', (backend) => {
  it('sends mail committed before the process stopped exactly once from the next instance', async () => {
    const sink = await startSmtpSink();
    const dataDir = mkdtempSync(join(tmpdir(), 'mamori-mail-restart-'));
    const tdb = backend === 'postgres' ? await createTestDatabase() : undefined;
    const config = loadConfig({ SMTP_URL: sink.url, DATABASE_URL: tdb?.url ?? '' }, { dataDir, jobsEnabled: false, logLevel: 'silent', mailDir: join(dataDir, 'mail') });
    const start = () => createPlatform({ config, modules: [], logger: pino({ level: 'silent' }) });
    try {
      const first = await start();
      const id = await first.ctx.mail.enqueue({ to: 'r@example.jp', subject: 'Before restart', text: 'x' });
      const left = await first.ctx.mail.enqueue({ to: 's@example.jp', subject: 'Claimed by the dead worker', text: 'x' });
      await sql`update mail_outbox set status = 'sending', attempts = 1, locked_until = now() - interval '1 second' where id = ${left}`.execute(first.ctx.db);
      await first.close(); // stopped before any delivery ran

      const second = await start();
      try {
        expect(await second.ctx.mail.deliverPending()).toBe(2);
        expect(await second.ctx.mail.deliverPending()).toBe(0);
        expect(sink.received.map((m) => header(m.raw, 'Message-ID')).sort()).toEqual([`<${id}@mamori>`, `<${left}@mamori>`].sort());
      } finally {
        await second.close();
      }
    } finally {
      await sink.close();
      await tdb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
