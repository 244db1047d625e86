// The TAXII 2.1 HTTP server under /taxii2/: discovery, one API root (/taxii2/api/), collections,
// objects, versions, manifests and status. Its own scope: TAXII media types, TAXII error messages
// for every failure (never the platform's JSON error shape), and HTTP Basic / Bearer authentication.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/http/errors.js';
import type { DB } from '../../platform/db/database.js';
import { parseTimestamp, timestampMicros } from './stix.js';
import {
  accessOf, collectionById, DEFAULT_PAGE, isoOfMs, isUuid, MAX_CONTENT_LENGTH, MAX_OBJECTS_PER_ENVELOPE, MAX_PAGE, prepare,
  storeObjects, STIX_MEDIA_TYPE, type CollectionRow, type Prepared,
} from './service.js';
import { createCredentials } from './credentials.js';

export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
const REALM = 'Basic realm="Mamori TAXII", charset="UTF-8", Bearer realm="Mamori TAXII"';

export class TaxiiError extends Error {
  constructor(readonly status: number, readonly title: string, readonly description?: string, readonly headers: Record<string, string> = {}) { super(title); }
}

const ERROR_CODES: Record<number, string> = { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed', 406: 'not_acceptable', 413: 'payload_too_large', 415: 'unsupported_media_type', 422: 'unprocessable_entity', 429: 'too_many_requests', 500: 'internal_server_error' };

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  // A Buffer, so that Fastify sends the media type exactly as written (taxii2-client compares its
  // parameters token by token, and Fastify would rewrite a string's type to `version="2.1"; charset=…`).
  return reply.code(status).header('content-type', TAXII_MEDIA_TYPE).send(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));
}

function sendError(reply: FastifyReply, e: TaxiiError): FastifyReply {
  for (const [k, v] of Object.entries(e.headers)) reply.header(k, v);
  return send(reply, e.status, {
    title: e.title, ...(e.description ? { description: e.description } : {}),
    error_code: ERROR_CODES[e.status] ?? String(e.status), http_status: String(e.status),
  });
}

function toTaxiiError(err: unknown): TaxiiError {
  if (err instanceof TaxiiError) return err;
  if (err instanceof AppError) return new TaxiiError(err.status, err.text.en, err.details.map((d) => `${d.field}: ${d.message.en}`).join('; ') || undefined);
  const fe = err as FastifyError;
  switch (fe?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return new TaxiiError(413, 'Request too large', `The envelope must not exceed ${MAX_CONTENT_LENGTH} bytes (max_content_length).`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return new TaxiiError(415, 'Unsupported media type', `Send ${TAXII_MEDIA_TYPE}.`);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY': return new TaxiiError(400, 'Malformed JSON', 'The request body is not valid JSON.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH': return new TaxiiError(400, 'Bad request', 'Invalid Content-Length.');
  }
  const status = fe?.statusCode ?? 500;
  if (status === 429) return new TaxiiError(429, 'Too many requests', 'Please wait and try again.');
  if (status >= 400 && status < 500) return new TaxiiError(status, 'Bad request', fe.message);
  return new TaxiiError(500, 'Internal server error', 'The request could not be processed. Please try again later.');
}

/** Parses a media type into essence and lower-cased parameters. */
function mediaType(s: string): { essence: string; params: Record<string, string>; q: number } {
  const [essence, ...rest] = s.split(';');
  const params: Record<string, string> = {};
  for (const p of rest) { const i = p.indexOf('='); if (i > 0) params[p.slice(0, i).trim().toLowerCase()] = p.slice(i + 1).trim().replace(/^"|"$/g, '').toLowerCase(); }
  const q = params.q !== undefined ? Number(params.q) : 1;
  return { essence: essence.trim().toLowerCase(), params, q: Number.isFinite(q) ? q : 0 };
}

const isTaxiiType = (m: { essence: string; params: Record<string, string> }) =>
  m.essence === 'application/taxii+json' && (m.params.version === undefined || m.params.version === '2.1');

export function acceptable(accept: string | undefined): boolean {
  if (!accept || !accept.trim()) return true;
  return accept.split(',').map(mediaType).some((m) => m.q > 0 && (m.essence === '*/*' || m.essence === 'application/*' || isTaxiiType(m)));
}

// ---- query parameters -----------------------------------------------------------------------

type Query = Record<string, string | string[] | undefined>;
function list(q: Query, key: string): string[] | undefined {
  const v = q[key];
  if (v === undefined) return undefined;
  const out = (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  return out.length ? out : undefined;
}
function single(q: Query, key: string): string | undefined {
  const v = q[key];
  if (Array.isArray(v)) throw new TaxiiError(400, 'Bad request', `${key} may be given once.`);
  return v;
}

interface Filters { limit: number; afterMs: number | null; ids?: string[]; types?: string[]; specVersions?: string[]; versions: string[] }

function filters(q: Query, defaultVersion: 'last' | 'all'): Filters {
  const limitRaw = single(q, 'limit');
  let limit = DEFAULT_PAGE;
  if (limitRaw !== undefined) {
    if (!/^\d{1,9}$/.test(limitRaw) || Number(limitRaw) < 1) throw new TaxiiError(400, 'Invalid limit', 'limit must be a positive integer.');
    limit = Math.min(Number(limitRaw), MAX_PAGE);
  }
  let afterMs: number | null = null;
  const aa = single(q, 'added_after');
  if (aa !== undefined) {
    if (!parseTimestamp(aa)) throw new TaxiiError(400, 'Invalid added_after', 'added_after must be a timestamp such as 2021-01-01T00:00:00.000Z.');
    afterMs = Number(timestampMicros(aa) / 1000n);
  }
  const next = single(q, 'next');
  if (next !== undefined) {
    const m = /^a([0-9]{1,16})$/.exec(next);
    if (!m) throw new TaxiiError(400, 'Invalid next', 'next must be a value returned by this server.');
    afterMs = Math.max(afterMs ?? -1, Number(m[1]));
  }
  const versions = list(q, 'match[version]') ?? [defaultVersion];
  for (const v of versions) if (!['first', 'last', 'all'].includes(v) && !parseTimestamp(v)) throw new TaxiiError(400, 'Invalid match[version]', 'match[version] takes first, last, all or timestamps.');
  return { limit, afterMs, ids: list(q, 'match[id]'), types: list(q, 'match[type]'), specVersions: list(q, 'match[spec_version]'), versions };
}

async function page<T extends string>(db: DB, collectionId: string, f: Filters, cols: T[]) {
  let q = db.selectFrom('taxii_objects').select(['added_ms', ...cols] as never[]).where('collection_id', '=', collectionId);
  if (f.afterMs !== null) q = q.where('added_ms', '>', f.afterMs);
  if (f.ids) q = q.where('stix_id', 'in', f.ids);
  if (f.types) q = q.where('type', 'in', f.types);
  if (f.specVersions) q = q.where('spec_version', 'in', f.specVersions);
  if (!f.versions.includes('all')) {
    const stamps = f.versions.filter((v) => v !== 'first' && v !== 'last').map((v) => Number(timestampMicros(v)));
    q = q.where((eb) => eb.or([
      ...(f.versions.includes('last') ? [eb('is_latest', '=', true)] : []),
      ...(f.versions.includes('first') ? [eb('is_first', '=', true)] : []),
      ...(stamps.length ? [eb('version_us', 'in', stamps)] : []),
    ]));
  }
  const rows = (await q.orderBy('added_ms').limit(f.limit + 1).execute()) as unknown as Array<Record<string, unknown> & { added_ms: number }>;
  const more = rows.length > f.limit;
  if (more) rows.pop();
  const headers: Record<string, string> = {};
  if (rows.length) {
    headers['X-TAXII-Date-Added-First'] = isoOfMs(Number(rows[0].added_ms));
    headers['X-TAXII-Date-Added-Last'] = isoOfMs(Number(rows[rows.length - 1].added_ms));
  }
  const next = more ? `a${rows[rows.length - 1].added_ms}` : undefined;
  return { rows, more, next, headers };
}

// ---- routes ---------------------------------------------------------------------------------

export async function taxiiRoutes(app: FastifyInstance, ctx: AppContext) {
  const credentials = createCredentials(ctx);
  const apiRoot = `${ctx.config.baseUrl.replace(/\/$/, '')}/taxii2/api/`;

  await app.register(async (scope) => {
    scope.setErrorHandler((err, req, reply) => {
      const e = toTaxiiError(err);
      if (e.status >= 500) req.log.error({ err }, 'taxii request failed');
      return sendError(reply, e);
    });
    scope.setNotFoundHandler((_req, reply) => sendError(reply, new TaxiiError(404, 'Not found', 'No such TAXII resource.')));
    scope.addContentTypeParser('application/taxii+json', { parseAs: 'string', bodyLimit: MAX_CONTENT_LENGTH }, (_req, body, done) => {
      try { done(null, JSON.parse(body as string)); } catch { done(new TaxiiError(400, 'Malformed JSON', 'The request body is not valid JSON.'), undefined); }
    });

    // Authentication and content negotiation for every TAXII route.
    scope.addHook('onRequest', async (req, reply) => {
      const r = await credentials.identify(req.headers.authorization, req.ip);
      if (!r.ok) {
        const why = r.reason === 'missing' ? 'Send HTTP Basic credentials of an organisation user or an API token (Authorization: Bearer …).'
          : r.reason === 'locked' ? 'Too many failed attempts; try again in 15 minutes.'
            : r.reason === 'staff_basic' ? 'Staff accounts must authenticate with an API token created at /account/taxii-tokens.'
              : 'The credentials are not valid.';
        throw new TaxiiError(401, 'Authentication required', why, { 'WWW-Authenticate': REALM });
      }
      req.actor = r.actor;
      if (!acceptable(req.headers.accept)) throw new TaxiiError(406, 'Not acceptable', `This server answers with ${TAXII_MEDIA_TYPE}.`);
      if (req.method === 'POST') {
        const ct = mediaType(String(req.headers['content-type'] ?? ''));
        if (!isTaxiiType(ct)) throw new TaxiiError(415, 'Unsupported media type', `Send the envelope as ${TAXII_MEDIA_TYPE}.`);
      }
      void reply;
    });

    const readAudit = (req: FastifyRequest, c: CollectionRow, endpoint: string, count: number) =>
      ctx.audit.record({ action: 'taxii.read', actor: req.actor, subjectType: 'taxii_collection', subjectId: c.id, ip: req.ip, details: { key: c.key, endpoint, count } });

    /** The collection if the caller may see it (read or write); otherwise 404, so it is not revealed. */
    async function visible(actor: Actor, id: string) {
      const c = await collectionById(ctx.db, id);
      if (!c) throw new TaxiiError(404, 'Collection not found', 'No such collection, or you may not use it.');
      const access = accessOf(actor, c);
      if (!access.read && !access.write) throw new TaxiiError(404, 'Collection not found', 'No such collection, or you may not use it.');
      return { c, access };
    }
    async function readable(actor: Actor, id: string) {
      const v = await visible(actor, id);
      if (!v.access.read) throw new TaxiiError(403, 'Forbidden', 'You may add objects to this collection but not read it.');
      return v.c;
    }
    const collectionJson = (c: CollectionRow, a: { read: boolean; write: boolean }) => ({
      id: c.id, title: c.title, ...(c.description ? { description: c.description } : {}), alias: c.key,
      can_read: a.read, can_write: a.write, media_types: [STIX_MEDIA_TYPE],
    });

    scope.get('/', async (_req, reply) => send(reply, 200, {
      title: 'Mamori TAXII 2.1', description: 'Threat-information sharing (J-CSIP and other programmes).',
      default: apiRoot, api_roots: [apiRoot],
    }));

    scope.get('/api/', async (_req, reply) => send(reply, 200, {
      title: 'Mamori sharing', description: 'Collections of the information-sharing programmes.',
      versions: [TAXII_MEDIA_TYPE], max_content_length: MAX_CONTENT_LENGTH,
    }));

    scope.get('/api/collections/', async (req, reply) => {
      const rows = await ctx.db.selectFrom('taxii_collections').select(['id', 'key', 'title', 'description', 'readers', 'writers']).orderBy('title').orderBy('id').execute();
      const out = rows.map((c) => ({ c, a: accessOf(req.actor, c) })).filter((x) => x.a.read || x.a.write).map((x) => collectionJson(x.c, x.a));
      return send(reply, 200, out.length ? { collections: out } : {});
    });

    scope.get('/api/collections/:cid/', async (req, reply) => {
      const { c, access } = await visible(req.actor, (req.params as { cid: string }).cid);
      return send(reply, 200, collectionJson(c, access));
    });

    scope.get('/api/collections/:cid/objects/', async (req, reply) => {
      const c = await readable(req.actor, (req.params as { cid: string }).cid);
      const f = filters(req.query as Query, 'last');
      const p = await page(ctx.db, c.id, f, ['body']);
      await readAudit(req, c, 'objects', p.rows.length);
      reply.headers(p.headers);
      return send(reply, 200, envelope(p.more, p.next, p.rows.map((r) => r.body as string)));
    });

    scope.get('/api/collections/:cid/objects/:oid/', async (req, reply) => {
      const params = req.params as { cid: string; oid: string };
      const c = await readable(req.actor, params.cid);
      const f = { ...filters(req.query as Query, 'last'), ids: [params.oid] };
      const p = await page(ctx.db, c.id, f, ['body']);
      if (!p.rows.length && f.afterMs === null) await mustExist(c.id, params.oid);
      await readAudit(req, c, 'object', p.rows.length);
      reply.headers(p.headers);
      return send(reply, 200, envelope(p.more, p.next, p.rows.map((r) => r.body as string)));
    });

    scope.get('/api/collections/:cid/objects/:oid/versions/', async (req, reply) => {
      const params = req.params as { cid: string; oid: string };
      const c = await readable(req.actor, params.cid);
      const f = { ...filters(req.query as Query, 'all'), ids: [params.oid], versions: ['all'] };
      const p = await page(ctx.db, c.id, f, ['version']);
      if (!p.rows.length && f.afterMs === null) await mustExist(c.id, params.oid);
      await readAudit(req, c, 'versions', p.rows.length);
      reply.headers(p.headers);
      return send(reply, 200, { more: p.more, ...(p.next ? { next: p.next } : {}), ...(p.rows.length ? { versions: p.rows.map((r) => r.version) } : {}) });
    });

    scope.get('/api/collections/:cid/manifest/', async (req, reply) => {
      const c = await readable(req.actor, (req.params as { cid: string }).cid);
      const f = filters(req.query as Query, 'last');
      const p = await page(ctx.db, c.id, f, ['stix_id', 'version']);
      await readAudit(req, c, 'manifest', p.rows.length);
      reply.headers(p.headers);
      return send(reply, 200, {
        more: p.more, ...(p.next ? { next: p.next } : {}),
        ...(p.rows.length ? { objects: p.rows.map((r) => ({ id: r.stix_id, date_added: isoOfMs(Number(r.added_ms)), version: r.version, media_type: STIX_MEDIA_TYPE })) } : {}),
      });
    });

    scope.post('/api/collections/:cid/objects/', { bodyLimit: MAX_CONTENT_LENGTH, config: { csrf: false } }, async (req, reply) => {
      const { c, access } = await visible(req.actor, (req.params as { cid: string }).cid);
      if (!access.write) throw new TaxiiError(403, 'Forbidden', 'You may read this collection but not add to it.');
      const body = req.body as { objects?: unknown } | null;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new TaxiiError(400, 'Malformed envelope', 'The body must be a TAXII envelope: {"objects": [...]}.');
      if (!Array.isArray(body.objects)) throw new TaxiiError(422, 'Malformed envelope', 'The envelope needs an "objects" array.');
      const objects = body.objects as unknown[];
      if (objects.length > MAX_OBJECTS_PER_ENVELOPE) throw new TaxiiError(413, 'Too many objects', `An envelope may carry at most ${MAX_OBJECTS_PER_ENVELOPE} objects.`);
      const good: Prepared[] = [];
      const failures: Array<{ id: string; version: string; message: string }> = [];
      for (const o of objects) {
        const p = prepare(o);
        if ('problem' in p) failures.push({ id: p.id ?? '', version: p.version ?? '', message: p.problem });
        else good.push(p);
      }
      const requestTimestamp = new Date().toISOString();
      const status = await ctx.db.transaction().execute(async (trx) => {
        const outcomes = await storeObjects(trx, c.id, good, { organisationId: req.actor.organisationId, userId: req.actor.userId });
        const successes = outcomes.map((o) => ({ id: o.id, version: o.version, ...(o.result === 'duplicate' ? { message: 'already present' } : {}) }));
        const row = await trx.insertInto('taxii_statuses').values({
          collection_id: c.id, user_id: req.actor.userId, organisation_id: req.actor.organisationId, total_count: objects.length,
          success_count: successes.length, failure_count: failures.length, successes: JSON.stringify(successes), failures: JSON.stringify(failures),
        } as never).returning(['id']).executeTakeFirstOrThrow();
        const added = outcomes.filter((o) => o.result === 'added').length;
        const versions = outcomes.filter((o) => o.result === 'version').length;
        await ctx.audit.record({
          action: 'taxii.objects_add', actor: req.actor, subjectType: 'taxii_collection', subjectId: c.id, ip: req.ip,
          details: { key: c.key, via: 'taxii', statusId: row.id, total: objects.length, added, versions, duplicates: outcomes.length - added - versions, failures: failures.length },
        }, trx);
        return statusJson({ id: row.id, requestTimestamp, total: objects.length, successes, failures });
      });
      return send(reply, 202, status);
    });

    scope.get('/api/status/:sid/', async (req, reply) => {
      const sid = (req.params as { sid: string }).sid;
      const row = isUuid(sid) ? await ctx.db.selectFrom('taxii_statuses').selectAll().where('id', '=', sid).executeTakeFirst() : undefined;
      const mine = row && ((row.user_id && row.user_id === req.actor.userId) || (row.organisation_id && row.organisation_id === req.actor.organisationId));
      if (!row || !mine) throw new TaxiiError(404, 'Status not found', 'No such status resource.');
      return send(reply, 200, statusJson({
        id: row.id, requestTimestamp: new Date(row.created_at).toISOString(), total: row.total_count,
        successes: row.successes as Array<{ id: string; version: string }>, failures: row.failures as Array<{ id: string; version: string; message: string }>,
      }));
    });

    async function mustExist(collectionId: string, stixId: string) {
      const any = await ctx.db.selectFrom('taxii_objects').select('stix_id').where('collection_id', '=', collectionId).where('stix_id', '=', stixId).limit(1).executeTakeFirst();
      if (!any) throw new TaxiiError(404, 'Object not found', 'No object with this id in the collection.');
    }
  }, { prefix: '/taxii2' });
}

/** An envelope built from stored JSON texts without parsing them again. */
function envelope(more: boolean, next: string | undefined, bodies: string[]): string {
  const head = `{"more":${more}${next ? `,"next":${JSON.stringify(next)}` : ''}`;
  return bodies.length ? `${head},"objects":[${bodies.join(',')}]}` : `${head}}`;
}

function statusJson(s: { id: string; requestTimestamp: string; total: number; successes: Array<{ id: string; version: string }>; failures: Array<{ id: string; version: string; message: string }> }) {
  return {
    id: s.id, status: 'complete', request_timestamp: s.requestTimestamp, total_count: s.total,
    success_count: s.successes.length, successes: s.successes,
    failure_count: s.failures.length, failures: s.failures,
    pending_count: 0, pendings: [],
  };
}
