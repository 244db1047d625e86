// Measures the bulk NVD import: `npx tsx src/modules/advisories/importers/perf.ts [n] [pglite|postgres]`
// (n synthetic NVD records, default 20,000; PostgreSQL at 127.0.0.1:5432 in a fresh database, dropped after).
// Prints records/s for the first import and for re-importing the same records (all unchanged).
import pino from 'pino';
import { loadConfig } from '../../../platform/config/config.js';
import { createPlatform } from '../../../platform/platform.js';
import { SYSTEM_ACTOR } from '../../../platform/context.js';
import { modules } from '../../index.js';
import { createTestDatabase } from '../../../../test/databases.js';
import { importNvdRecords } from './api.js';
import { syntheticNvdItems } from './synthetic.js';

const n = Number(process.argv[2] ?? 20000);
const backend = process.argv[3] ?? 'postgres';
const tdb = backend === 'postgres' ? await createTestDatabase() : undefined;
const config = loadConfig({ DATABASE_URL: tdb?.url ?? '' }, { jobsEnabled: false, logLevel: 'silent' });
const platform = await createPlatform({ config, modules, memory: backend === 'pglite', logger: pino({ level: 'silent' }) });
try {
  for (const label of ['first import', 're-import (unchanged)']) {
    const t0 = Date.now();
    const r = await importNvdRecords(platform.ctx, syntheticNvdItems(n), SYSTEM_ACTOR);
    const s = (Date.now() - t0) / 1000;
    console.log(`${backend} ${label}: ${n} records in ${s.toFixed(1)} s = ${Math.round(n / s)} records/s (created ${r.created}, updated ${r.updated}, unchanged ${r.unchanged}, errors ${r.errorCount})`);
  }
} finally {
  await platform.close();
  await tdb?.drop();
}
