// Assembles the kernel and the modules into one application: database → migrations → services →
// HTTP routes → jobs. main.ts, the CLI and the tests all start the platform through here.
import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config/config.js';
import { openDatabase, type Database } from './db/database.js';
import { migrate, type Migration } from './db/migrator.js';
import type { AppContext } from './context.js';
import type { ModuleDefinition } from './module.js';
import { createHttpApp } from './http/app.js';
import { setNav, setStaffNav } from './http/request.js';
import { authMigrations } from './auth/migrations.js';
import { auditMigrations } from './audit/migrations.js';
import { filesMigrations } from './files/migrations.js';
import { mailMigrations } from './mail/migrations.js';
import { jobsMigrations } from './jobs/migrations.js';
import { casesMigrations } from './cases/migrations.js';
import { purgeExpiredPersonalData, retentionMigrations } from './cases/retention.js';
import { createAuth } from './auth/auth-service.js';
import { createAuditLog } from './audit/audit-log.js';
import { createFileStore } from './files/file-store.js';
import { createMailer } from './mail/mailer.js';
import { createJobs } from './jobs/job-runner.js';
import { createCaseEngine } from './cases/engine.js';
import { createStatistics } from './stats/statistics.js';
import { healthRoutes } from './http/health.js';
import { homeRoutes } from './ui/home.js';
import { auditRoutes } from './audit/routes.js';
import { join } from 'node:path';

export const kernelMigrations: Migration[] = [
  ...authMigrations, ...auditMigrations, ...filesMigrations, ...mailMigrations, ...jobsMigrations, ...casesMigrations, ...retentionMigrations,
];

export interface Platform {
  app: FastifyInstance;
  ctx: AppContext;
  modules: ModuleDefinition[];
  /** Fills demo data of every module (idempotent). */
  loadDemo(): Promise<void>;
  /** Stops accepting requests, lets in-flight ones finish, stops jobs, closes the database. */
  close(): Promise<void>;
}

export interface PlatformOptions {
  config: Config;
  modules: ModuleDefinition[];
  logger?: Logger;
  /** Use an in-memory PGlite (tests). */
  memory?: boolean;
  database?: Database;
}

export async function createPlatform(opts: PlatformOptions): Promise<Platform> {
  const { config, modules } = opts;
  const log = opts.logger ?? pino({ level: config.logLevel });
  const database = opts.database ?? (await openDatabase({
    url: config.databaseUrl,
    dir: join(config.dataDir, 'db'),
    memory: opts.memory,
  }));
  const ctx = { config, database, db: database.db, log, services: new Map() } as unknown as AppContext;
  ctx.audit = createAuditLog(ctx);
  ctx.files = createFileStore(ctx);
  ctx.mail = createMailer(ctx);
  ctx.jobs = createJobs(ctx);
  ctx.auth = createAuth(ctx);
  ctx.cases = createCaseEngine(ctx);
  ctx.stats = createStatistics(ctx);

  let ready = false;
  const migrations = [...kernelMigrations, ...modules.flatMap((m) => m.migrations)];
  await migrate(database.db, migrations);

  for (const m of modules) {
    for (const [perm, def] of Object.entries(m.permissions ?? {})) ctx.auth.grant(perm, def.roles, def.description);
    for (const ct of m.caseTypes ?? []) ctx.cases.registerType(ct);
    ctx.stats.publish(m.name, { statistics: m.statistics, tables: m.statTables });
  }
  for (const m of modules) if (m.service) ctx.services.set(m.name, m.service(ctx));

  const app = await createHttpApp(config, log);
  setNav(() => modules.flatMap((m) => m.nav ?? []));
  setStaffNav(() => modules.flatMap((m) => m.staffNav ?? []));
  await healthRoutes(app, ctx, () => ready);
  await homeRoutes(app, modules);
  await ctx.auth.routes(app);
  await ctx.cases.routes(app);
  await auditRoutes(app, ctx);
  for (const m of modules) {
    if (m.routes) await app.register(async (scope) => { await m.routes!(scope, ctx); });
  }
  ctx.jobs.register('mail.deliver', async () => { await ctx.mail.deliverPending(); });
  ctx.jobs.schedule('mail.deliver', 2000);
  ctx.jobs.register('cases.remind_overdue', async () => { await ctx.cases.remindOverdue(); });
  ctx.jobs.schedule('cases.remind_overdue', 15 * 60_000);
  ctx.jobs.register('cases.purge_personal', async () => { await purgeExpiredPersonalData(ctx, ctx.cases.types()); });
  ctx.jobs.schedule('cases.purge_personal', 6 * 3600_000);
  for (const m of modules) {
    for (const [name, handler] of Object.entries(m.jobs ?? {})) ctx.jobs.register(name, handler);
    for (const [name, every] of Object.entries(m.schedules ?? {})) ctx.jobs.schedule(name, every);
  }
  await app.ready();
  ready = true;
  if (config.jobsEnabled) ctx.jobs.start();

  let closing: Promise<void> | undefined;
  return {
    app, ctx, modules,
    async loadDemo() {
      for (const m of modules) if (m.demo) await m.demo(ctx);
    },
    close() {
      closing ??= (async () => {
        ready = false;
        await app.close();
        await ctx.jobs.stop();
        await ctx.mail.close();
        await database.close();
      })();
      return closing;
    },
  };
}
