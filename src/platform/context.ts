// The kernel's services, handed to every module. Modules see each other only through `services`.
import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import type { Database, DB } from './db/database.js';
import type { Kysely } from 'kysely';
import type { AuditLog } from './audit/audit.js';
import type { FileStore } from './files/files.js';
import type { Mailer } from './mail/mail.js';
import type { Jobs } from './jobs/jobs.js';
import type { Auth } from './auth/auth.js';
import type { CaseEngine } from './cases/engine.js';
import type { Statistics } from './stats/statistics.js';

/** A database handle that may be the root connection or an open transaction. */
export type Executor = Kysely<any> | DB;

export interface AppContext {
  config: Config;
  database: Database;
  db: DB;
  log: Logger;
  audit: AuditLog;
  files: FileStore;
  mail: Mailer;
  jobs: Jobs;
  auth: Auth;
  cases: CaseEngine;
  /** Figures and tables published by modules (ModuleDefinition.statistics / statTables). */
  stats: Statistics;
  /** Exported services of modules, by module name; see ModuleDefinition.service. */
  services: Map<string, unknown>;
}

/** The authenticated actor of a request or job, as the kernel passes it to services. */
export interface Actor {
  userId: string | null;
  /** 'staff' | 'org' | 'public' | 'system' */
  kind: 'staff' | 'org' | 'public' | 'system';
  displayName: string;
  organisationId: string | null;
  roles: string[];
  permissions: Set<string>;
}

export const SYSTEM_ACTOR: Actor = {
  userId: null, kind: 'system', displayName: 'system', organisationId: null, roles: [], permissions: new Set(),
};
export const PUBLIC_ACTOR: Actor = {
  userId: null, kind: 'public', displayName: 'public', organisationId: null, roles: [], permissions: new Set(),
};
