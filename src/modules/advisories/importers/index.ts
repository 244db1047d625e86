// Importers: NVD CVE API 2.0, CISA KEV, CVE JSON 5.x, MyJVN HND (VULDEF XML) and OKA (JSON), through
// one bulk engine (engine.ts); `mamori import`, the staff upload page and the provenance table.
import type { AdvisoriesPart } from '../part.js';
import { PERM } from '../service.js';
import { importerMigrations } from './migrations.js';
import { importCommands } from './commands.js';
import { importRoutes } from './routes.js';

export { runImport, type RunResult } from './engine.js';
export { importNvdRecords, importRecordsOf } from './api.js';

export const part: AdvisoriesPart = {
  name: 'importers',
  migrations: importerMigrations,
  commands: importCommands,
  routes: (app, ctx) => importRoutes(app, ctx),
  staffNav: [{ href: '/staff/advisories/import', label: { ja: '脆弱性対策情報の取り込み', en: 'Import advisories' }, permission: PERM.import }],
};
