// Strong ETags over a response body and the If-None-Match check, shared by every route that sends
// cacheable JSON or feeds.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';

export function strongEtag(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

/** True when If-None-Match names this ETag (or `*`); weak forms compare equal. */
export function etagMatches(req: { headers: IncomingHttpHeaders }, etag: string): boolean {
  const inm = req.headers['if-none-match'];
  return !!inm && (inm.trim() === '*' || inm.split(',').map((s) => s.trim().replace(/^W\//, '')).includes(etag));
}

/** Sends `body` with its ETag and a public cache lifetime; 304 without a body when the client has it. */
export function sendTagged(req: FastifyRequest, reply: FastifyReply, body: string | Buffer, type: string, opts: { maxAge: number; etag?: string }) {
  const etag = opts.etag ?? strongEtag(body);
  reply.header('etag', etag).header('cache-control', `public, max-age=${opts.maxAge}`).header('vary', 'accept-encoding');
  if (etagMatches(req, etag)) return reply.code(304).send();
  return reply.type(type).send(body);
}
