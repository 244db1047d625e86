// The advisory database is one module made of parts (MyJVN API, version checker, exports, alerts and
// icat, importers, staff pages, catalogue pages). Each part lives in its own folder and contributes
// migrations, routes, commands, statistics and jobs; definition.ts merges them in a fixed order, so a
// part never edits another's files.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import type { Migration } from '../../platform/db/migrator.js';
import type { ModuleCommand, ModuleDefinition } from '../../platform/module.js';
import type { AdvisoriesService } from './service.js';

export interface AdvisoriesPart {
  name: string;
  /** Applied after the core migrations, in the order of the parts list; ids start with `advisories_<part>_`. */
  migrations?: Migration[];
  routes?: (app: FastifyInstance, ctx: AppContext, svc: AdvisoriesService) => Promise<void> | void;
  commands?: ModuleCommand[];
  permissions?: ModuleDefinition['permissions'];
  statistics?: ModuleDefinition['statistics'];
  statTables?: ModuleDefinition['statTables'];
  jobs?: ModuleDefinition['jobs'];
  schedules?: ModuleDefinition['schedules'];
  staffNav?: ModuleDefinition['staffNav'];
  nav?: ModuleDefinition['nav'];
  /** Runs after the core demo data is loaded; must be idempotent. */
  demo?: (ctx: AppContext) => Promise<void>;
}
