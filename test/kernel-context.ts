// A kernel-only context for tests of the audit, files, mail and jobs services: a database on
// either backend with just their migrations, without HTTP, auth, cases or modules.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig, type Config } from '../src/platform/config/config.js';
import { openDatabase, type Database } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrator.js';
import type { AppContext } from '../src/platform/context.js';
import { auditMigrations } from '../src/platform/audit/migrations.js';
import { filesMigrations } from '../src/platform/files/migrations.js';
import { mailMigrations } from '../src/platform/mail/migrations.js';
import { jobsMigrations } from '../src/platform/jobs/migrations.js';
import { createAuditLog } from '../src/platform/audit/audit-log.js';
import { createFileStore } from '../src/platform/files/file-store.js';
import { createMailer } from '../src/platform/mail/mailer.js';
import { createJobs } from '../src/platform/jobs/job-runner.js';

export { BACKENDS, createTestDatabase, type Backend } from './databases.js';
import { createTestDatabase, type Backend } from './databases.js';

export const kernelServiceMigrations = [...auditMigrations, ...filesMigrations, ...mailMigrations, ...jobsMigrations];

export interface KernelTestContext {
  ctx: AppContext;
  config: Config;
  backend: Backend;
  /** Closes services and the database but keeps its data (simulates a process exit). */
  close(): Promise<void>;
  /** A fresh context (new services, new connection) on the same database, like a restarted process. */
  reopen(): Promise<KernelTestContext>;
  destroy(): Promise<void>;
}

export async function startKernelContext(
  backend: Backend,
  opts: { config?: Partial<Config>; env?: NodeJS.ProcessEnv; persistent?: boolean } = {},
): Promise<KernelTestContext> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mamori-kernel-'));
  const tdb = backend === 'postgres' ? await createTestDatabase() : undefined;
  const config = loadConfig({ ...(opts.env ?? {}), DATABASE_URL: tdb?.url ?? '' }, {
    dataDir, jobsEnabled: false, logLevel: 'silent', mailDir: join(dataDir, 'mail'), ...opts.config,
  });
  // PGlite in memory unless the test needs to reopen the same database.
  const open = () => openDatabase({ url: config.databaseUrl, dir: join(dataDir, 'db'), memory: backend === 'pglite' && !opts.persistent });

  const cleanup = async () => {
    await tdb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };

  async function build(database: Database): Promise<KernelTestContext> {
    await migrate(database.db, kernelServiceMigrations);
    const ctx = { config, database, db: database.db, log: pino({ level: process.env.TEST_LOG ?? 'silent' }), services: new Map() } as unknown as AppContext;
    ctx.audit = createAuditLog(ctx);
    ctx.files = createFileStore(ctx);
    ctx.mail = createMailer(ctx);
    ctx.jobs = createJobs(ctx);
    let closed: Promise<void> | undefined;
    const close = () => (closed ??= (async () => {
      await ctx.jobs.stop();
      await ctx.mail.close();
      await database.close();
    })());
    return {
      ctx, config, backend, close,
      async reopen() { return build(await open()); },
      async destroy() { await close(); await cleanup(); },
    };
  }
  return build(await open());
}
