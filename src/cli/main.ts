// The `mamori` command line: maintenance tasks against the same database and configuration as
// the server (environment variables, see config.ts). Commands are entries in COMMANDS; a command
// name may have several words ("audit verify") and gets the remaining arguments.
//
// With the embedded database (no DATABASE_URL), stop the server first: PGlite is a single-process
// database and its files must not be opened by two processes at once.
//
// Implementations are imported lazily, so `help` starts fast and one command's dependencies
// cannot break another.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Config } from '../platform/config/config.js';
import type { Migration } from '../platform/db/migrator.js';
import type { AppContext } from '../platform/context.js';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** Standard input, read whole (e.g. a message piped in by a mail server). */
  stdin?: () => Promise<Buffer>;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Commands that modules declare (ModuleDefinition.commands); each runs against a started platform. */
async function moduleCommands(): Promise<Command[]> {
  const { modules } = await import('../modules/index.js');
  return modules.flatMap((m) => (m.commands ?? []).map((c): Command => ({
    name: c.name, usage: c.usage, summary: c.summary,
    async run(args, io) {
      const standalone = c.runStandalone?.(args, io);
      if (standalone) return standalone;
      const [{ loadConfig }, { createPlatform }, { default: pino }] = await Promise.all([
        import('../platform/config/config.js'), import('../platform/platform.js'), import('pino'),
      ]);
      const config = loadConfig(io.env, { jobsEnabled: false });
      const platform = await createPlatform({ config, modules, logger: pino({ level: 'warn' }, pino.destination(2)) });
      try {
        return await c.run(platform.ctx, args, { out: io.out, err: io.err, stdin: io.stdin ?? readStdin });
      } finally {
        await platform.close();
      }
    },
  })));
}

export interface Command {
  /** One or more words, e.g. 'audit verify'. */
  name: string;
  usage?: string;
  summary: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/**
 * Opens the configured database with the migrations a command needs and a minimal context of
 * kernel services. Only the command's own areas are migrated (migrations are idempotent and
 * independent per area), so a maintenance command does not depend on the whole application.
 */
export async function withKernel<T>(
  io: CliIo, migrations: Migration[], fn: (ctx: AppContext, config: Config) => Promise<T>,
): Promise<T> {
  const [{ loadConfig }, { openDatabase }, { migrate }, { default: pino }, { createAuditLog }, { createMailer }] = await Promise.all([
    import('../platform/config/config.js'), import('../platform/db/database.js'), import('../platform/db/migrator.js'),
    import('pino'), import('../platform/audit/audit-log.js'), import('../platform/mail/mailer.js'),
  ]);
  const config = loadConfig(io.env);
  const database = await openDatabase({ url: config.databaseUrl, dir: join(config.dataDir, 'db'), poolSize: 2 });
  try {
    await migrate(database.db, migrations);
    const log = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }, pino.destination(2));
    const ctx = { config, database, db: database.db, log, services: new Map() } as unknown as AppContext;
    ctx.audit = createAuditLog(ctx);
    ctx.mail = createMailer(ctx);
    try {
      return await fn(ctx, config);
    } finally {
      await ctx.mail.close();
    }
  } finally {
    await database.close();
  }
}

export const COMMANDS: Command[] = [
  {
    name: 'audit verify',
    summary: 'Verify the hash chain of the audit log (exit 1 if it is broken).',
    async run(_args, io) {
      const { auditMigrations } = await import('../platform/audit/migrations.js');
      return withKernel(io, auditMigrations, async (ctx) => {
        const res = await ctx.audit.verify();
        if (res.ok) {
          io.out(`OK: ${res.count} entries`);
          return 0;
        }
        io.err(`BROKEN at seq ${res.brokenAt}: ${res.reason}`);
        io.err(`(${res.count} entries before it verified)`);
        return 1;
      });
    },
  },
  {
    name: 'mail deliver',
    summary: 'Send pending mail from the outbox once.',
    async run(_args, io) {
      const { mailMigrations } = await import('../platform/mail/migrations.js');
      return withKernel(io, mailMigrations, async (ctx, config) => {
        const sent = await ctx.mail.deliverPending();
        io.out(`sent ${sent} message(s) via ${config.smtpUrl ? 'SMTP' : `.eml files in ${config.mailDir}`}`);
        return 0;
      });
    },
  },
  {
    name: 'totp',
    usage: 'totp <base32-secret>',
    summary: 'Print the current TOTP code for a secret (e.g. the demo staff secret).',
    async run(args, io) {
      const OTPAuth = await import('otpauth');
      if (!args[0]) { io.err('usage: mamori totp <base32-secret>'); return 2; }
      const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(args[0].replace(/\s+/g, '').toUpperCase()), digits: 6, period: 30 });
      io.out(totp.generate());
      return 0;
    },
  },
  {
    name: 'demo',
    summary: 'Load the demo data into the configured database (idempotent) without starting the server.',
    async run(_args, io) {
      const [{ loadConfig }, { createPlatform }, { modules }, { default: pino }] = await Promise.all([
        import('../platform/config/config.js'), import('../platform/platform.js'), import('../modules/index.js'), import('pino'),
      ]);
      const config = loadConfig(io.env, { jobsEnabled: false });
      const platform = await createPlatform({ config, modules, logger: pino({ level: 'warn' }, pino.destination(2)) });
      try {
        await platform.loadDemo();
        io.out('demo data loaded');
        return 0;
      } finally {
        await platform.close();
      }
    },
  },
  {
    name: 'help',
    summary: 'Show this help.',
    async run(_args, io) {
      io.out(helpText());
      return 0;
    },
  },
];

export function helpText(commands: Command[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => (c.usage ?? c.name).length));
  return [
    'Usage: mamori <command> [arguments]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${(c.usage ?? c.name).padEnd(width)}  ${c.summary}`),
    '',
    'Configuration comes from the same environment variables as the server (DATABASE_URL,',
    'MAMORI_DATA_DIR, SMTP_URL, …). With the embedded database, stop the server first.',
  ].join('\n');
}

/** Finds the command whose name matches the most leading words of argv. */
export function findCommand(argv: string[], commands: Command[] = COMMANDS): { command: Command; args: string[] } | undefined {
  let best: { command: Command; args: string[] } | undefined;
  for (const command of commands) {
    const words = command.name.split(' ');
    if (words.every((w, i) => argv[i] === w) && (!best || words.length > best.command.name.split(' ').length)) {
      best = { command, args: argv.slice(words.length) };
    }
  }
  return best;
}

export async function main(argv: string[], io: CliIo = {
  out: (l) => process.stdout.write(l + '\n'),
  err: (l) => process.stderr.write(l + '\n'),
  env: process.env,
}): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') argv = ['help'];
  let found = findCommand(argv);
  if (!found || found.command.name === 'help') {
    // Module commands are looked up only when needed: loading every module makes startup slower.
    const all = [...COMMANDS, ...(await moduleCommands())];
    if (found?.command.name === 'help') { io.out(helpText(all)); return 0; }
    found = findCommand(argv, all);
    if (!found) {
      io.err(`mamori: unknown command "${argv.join(' ')}"\n`);
      io.err(helpText(all));
      return 2;
    }
  }
  try {
    return await found.command.run(found.args, io);
  } catch (err) {
    io.err(`mamori ${found.command.name}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
