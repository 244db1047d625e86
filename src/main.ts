// Entry point: config → database → migrations → app → listen; graceful shutdown on SIGTERM/SIGINT.
import { loadConfig } from './platform/config/config.js';
import { createPlatform } from './platform/platform.js';
import { modules } from './modules/index.js';

const config = loadConfig();
const platform = await createPlatform({ config, modules });
const log = platform.ctx.log;
if (process.argv.includes('--demo')) {
  log.info('loading demo data (first start takes a little while)…');
  await platform.loadDemo();
}
await platform.app.listen({ port: config.port, host: config.host });
log.info(`Mamori is listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port} (${platform.ctx.database.kind})`);

let stopping = false;
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    log.info(`${sig}: finishing in-flight requests and jobs, then stopping`);
    const force = setTimeout(() => { log.error('shutdown timed out'); process.exit(1); }, 25_000);
    force.unref();
    platform.close().then(() => process.exit(0), (err) => { log.error({ err }, 'shutdown failed'); process.exit(1); });
  });
}
