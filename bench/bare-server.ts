// Benchmark baseline: a minimal Fastify instance in a process of its own, the same way the
// platform runs in bench/app-server.ts, so that the ratio app/baseline isolates what the
// platform adds (plugins, sessions, database, rendering) on this machine under the same load.
//   GET  /  → {"ok":true}
//   POST /  → parses the JSON body, then {"ok":true}
//   GET  /api/v1/advisories/:id → {"ok":true}
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ ok: true }));
app.post('/', async () => ({ ok: true }));
// The same request shape as the advisory reads (a path parameter, a different path per request).
app.get('/api/v1/advisories/:id', async () => ({ ok: true }));
await app.listen({ port: Number(process.env.BENCH_PORT ?? 0), host: '127.0.0.1' });
const addr = app.server.address();
process.send?.({ type: 'ready', port: typeof addr === 'object' && addr ? addr.port : 0 });
process.on('message', (m: { type?: string }) => {
  if (m?.type === 'stop') void app.close().then(() => process.exit(0));
});
process.on('disconnect', () => { void app.close().finally(() => process.exit(0)); });
