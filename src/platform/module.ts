// What a module tells the platform about itself. The app loads the list in src/modules/index.ts;
// adding a public service is adding a folder and a line there.
import type { FastifyInstance } from 'fastify';
import type { Migration } from './db/migrator.js';
import type { AppContext } from './context.js';
import type { CaseTypeDefinition } from './cases/types.js';
import type { JobHandler } from './jobs/jobs.js';
import type { Text } from './i18n/i18n.js';
import type { StatisticDefinition, StatTableDefinition } from './stats/statistics.js';

export interface ModuleDefinition<S = unknown> {
  name: string;
  title: Text;
  migrations: Migration[];
  /** Permission → staff roles that hold it. Organisation and public access is decided per case. */
  permissions?: Record<string, { roles: string[]; description: Text }>;
  caseTypes?: CaseTypeDefinition[];
  /** Creates the module's exported service; other modules reach it via ctx.services.get(name). */
  service?: (ctx: AppContext) => S;
  routes?: (app: FastifyInstance, ctx: AppContext) => Promise<void> | void;
  jobs?: Record<string, JobHandler>;
  /** Periodic jobs: name → interval in ms. */
  schedules?: Record<string, number>;
  /** Figures the module publishes for reports and KPIs (keys prefixed with the module name). */
  statistics?: StatisticDefinition[];
  /** Ready-made statistics tables for the annual report. */
  statTables?: StatTableDefinition[];
  /** Fills the embedded demo database; must be idempotent (skip when data exists). */
  demo?: (ctx: AppContext) => Promise<void>;
  /** `mamori <name …>` commands of the module, run against a started platform (jobs off). */
  commands?: ModuleCommand[];
  /** Links on the staff workbench (/staff), shown to staff holding the permission. */
  staffNav?: Array<{ href: string; label: Text; permission: string }>;
  /** Links shown in the site navigation. */
  nav?: Array<{ href: string; label: Text }>;
}

export interface ModuleCommand {
  /** One or more words, e.g. 'jcsip ingest-mail'. */
  name: string;
  usage?: string;
  summary: string;
  run(ctx: AppContext, args: string[], io: { out(line: string): void; err(line: string): void; stdin(): Promise<Buffer> }): Promise<number>;
  /**
   * For invocations that need no database (e.g. a client of a remote server): runs them without
   * starting the platform. Returns undefined when these arguments need it after all.
   */
  runStandalone?(args: string[], io: { out(line: string): void; err(line: string): void }): Promise<number> | undefined;
}
