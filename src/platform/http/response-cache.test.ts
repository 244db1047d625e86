// The response cache answered before Fastify: same headers as the app's own responses, 304s, gzip,
// HEAD, budget, and nothing served that was not put in it (no database needed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../config/config.js';
import { createHttpApp } from './app.js';
import { strongEtag, sendTagged } from './etag.js';
import { ResponseCache, type CachedResponse } from './response-cache.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const entry = (text: string, tag = 1): CachedResponse => {
  const body = Buffer.from(text);
  return { body, etag: strongEtag(body), contentType: 'application/json; charset=utf-8', cacheControl: 'public, max-age=60', tag };
};

describe('response cache before routing', () => {
  let app: FastifyInstance;
  let port: number;
  let routed = 0;
  const big = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ i, text: 'クロスサイトスクリプティング' })) });

  beforeAll(async () => {
    const config = loadConfig({}, { dataDir: mkdtempSync(join(tmpdir(), 'mamori-rc-')), logLevel: 'silent', jobsEnabled: false });
    app = await createHttpApp(config, pino({ level: 'silent' }));
    app.get('/api/v1/things/:id', async (req, reply) => {
      routed++;
      const id = (req.params as { id: string }).id;
      const e = entry(id === 'big' ? big : JSON.stringify({ id }));
      app.responseCache.set(req.url, e);
      return sendTagged(req, reply, e.body, e.contentType, { maxAge: 60, etag: e.etag });
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  });
  afterAll(async () => { await app.close(); });

  it('answers a stored path with the same status, headers and body as the route did', async () => {
    const first = await get(port, '/api/v1/things/a');
    expect(routed).toBe(1);
    const hits = app.responseCache.hits;
    const second = await get(port, '/api/v1/things/a');
    expect(routed).toBe(1); // not routed again
    expect(app.responseCache.hits).toBe(hits + 1);
    expect(second.status).toBe(200);
    expect(second.body.toString()).toBe(first.body.toString());
    const comparable = (h: Record<string, unknown>) => { const { date: _d, 'keep-alive': _k, connection: _c, ...rest } = h; return rest; };
    expect(comparable(second.headers)).toEqual(comparable(first.headers));
    expect(second.headers['content-security-policy']).toContain("default-src 'self'");
    expect(second.headers['x-content-type-options']).toBe('nosniff');
    expect(second.headers['set-cookie']).toBeUndefined();
  });

  it('answers If-None-Match with 304, HEAD without a body, and gzip to clients that accept it', async () => {
    await get(port, '/api/v1/things/big');
    const etag = app.responseCache.get('/api/v1/things/big')!.etag;
    const routedBefore = routed;
    const nm = await get(port, '/api/v1/things/big', { 'if-none-match': `W/"x", ${etag}` });
    expect(nm.status).toBe(304); expect(nm.body.length).toBe(0); expect(nm.headers.etag).toBe(etag);
    const head = await get(port, '/api/v1/things/big', {}, 'HEAD');
    expect(head.status).toBe(200); expect(head.body.length).toBe(0); expect(Number(head.headers['content-length'])).toBe(Buffer.byteLength(big));
    const gz = await get(port, '/api/v1/things/big', { 'accept-encoding': 'br, gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip'); expect(gz.headers.vary).toBe('accept-encoding');
    expect(gunzipSync(gz.body).toString()).toBe(big);
    const refused = await get(port, '/api/v1/things/big', { 'accept-encoding': 'gzip;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined(); expect(refused.body.toString()).toBe(big);
    expect(routed).toBe(routedBefore);
  });

  it('passes everything else to Fastify: other paths, query strings, other methods', async () => {
    const before = routed;
    expect((await get(port, '/api/v1/things/a?lang=en')).status).toBe(200);
    expect(routed).toBe(before + 1);
    const post = await get(port, '/api/v1/things/a', {}, 'POST'); // the app's own answer (CSRF check), not the cached body
    expect(post.status).toBe(403); expect(JSON.parse(post.body.toString()).error.code).toBe('csrf_failed');
    expect((await get(port, '/nowhere')).status).toBe(404);
  });

  it('keeps to its byte budget, oldest first, and evicts by prefix', () => {
    const c = new ResponseCache(3 * (1000 + 200));
    for (const k of ['a', 'b', 'c', 'd']) c.set(`/x/${k}`, entry('x'.repeat(1000)));
    expect(c.size).toBe(3); expect(c.get('/x/a')).toBeUndefined(); expect(c.get('/x/d')).toBeDefined();
    expect(c.bytes).toBeLessThanOrEqual(c.maxBytes);
    expect(c.fits(1000)).toBe(false);
    c.set('/y/1', entry('y'.repeat(10)));
    c.deletePrefix('/x/');
    expect(c.size).toBe(1); expect(c.get('/y/1')).toBeDefined();
    c.set('/huge', entry('z'.repeat(5000))); // larger than the whole budget: not stored
    expect(c.get('/huge')).toBeUndefined();
  });
});
