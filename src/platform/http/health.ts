import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';

export async function healthRoutes(app: FastifyInstance, ctx: AppContext, isReady: () => boolean) {
  // Liveness: the process answers and the database answers.
  app.get('/healthz', { logLevel: 'warn' }, async (_req, reply) => {
    const ok = await ctx.database.ping();
    return reply.code(ok ? 200 : 503).send(ok ? { status: 'ok' } : { status: 'unavailable', reason: 'database' });
  });
  // Readiness: migrations applied and routes registered; false again while shutting down.
  app.get('/readyz', { logLevel: 'warn' }, async (_req, reply) => {
    const ok = isReady() && (await ctx.database.ping());
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'starting' });
  });
}
