// Starts a real platform for a test: in-memory PGlite, or a fresh database on the PostgreSQL
// server (127.0.0.1:5432, or TEST_POSTGRES_URL). Every database test runs on both backends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig, type Config } from '../src/platform/config/config.js';
import { createPlatform, type Platform } from '../src/platform/platform.js';
import type { ModuleDefinition } from '../src/platform/module.js';
import { modules as allModules } from '../src/modules/index.js';

export { BACKENDS, createTestDatabase, type Backend } from './databases.js';
import { createTestDatabase, type Backend } from './databases.js';

export interface TestPlatform extends Platform {
  backend: Backend;
  config: Config;
  /** Stops the platform and removes its database and files. */
  destroy(): Promise<void>;
}

export async function startTestPlatform(backend: Backend, opts: { modules?: ModuleDefinition<any>[]; config?: Partial<Config>; env?: NodeJS.ProcessEnv } = {}): Promise<TestPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mamori-test-'));
  const tdb = backend === 'postgres' ? await createTestDatabase() : undefined;
  const config = loadConfig({ ...(opts.env ?? {}), DATABASE_URL: tdb?.url ?? '' }, {
    dataDir, jobsEnabled: false, logLevel: 'silent', mailDir: join(dataDir, 'mail'), ...opts.config,
  });
  const platform = await createPlatform({
    config, modules: opts.modules ?? allModules, memory: backend === 'pglite', logger: pino({ level: process.env.TEST_LOG ?? 'silent' }),
  });
  return Object.assign(platform, {
    backend, config,
    async destroy() {
      await platform.close();
      await tdb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

/** Extracts name=value cookies from a response's set-cookie headers. */
export function cookiesOf(res: { headers: Record<string, unknown> }): Record<string, string> {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : raw ? [String(raw)] : [];
  const out: Record<string, string> = {};
  for (const c of list) { const [nv] = String(c).split(';'); const i = nv.indexOf('='); out[nv.slice(0, i)] = nv.slice(i + 1); }
  return out;
}
