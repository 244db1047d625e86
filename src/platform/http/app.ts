// The Fastify factory: security headers, cookies, body parsing, language, CSRF, error model,
// OpenAPI. Knows no domain: modules register their routes on the instance it returns.
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import compress from '@fastify/compress';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { AppError, type FieldError } from './errors.js';
import { CSRF_COOKIE, csrfToken, csrfValid, newCsrfSeed } from './csrf.js';
import { parseLang, t, type Lang, type Text } from '../i18n/i18n.js';
import { PUBLIC_ACTOR } from '../context.js';
import { pageContext, sendPage, wantsHtml } from './request.js';
import { ErrorPage } from '../ui/error-page.js';
import { ResponseCache, securityHeaders } from './response-cache.js';

const css = readFileSync(fileURLToPath(new URL('../ui/app.css', import.meta.url)), 'utf8');

export type App = FastifyInstance;

const CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
};

/** The header value, built once: helmet's CSP middleware re-parses its directives on every request. */
const CSP_HEADER = Object.entries(CSP).map(([k, v]) => `${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} ${v.join(' ')}`).join('; ');

export async function createHttpApp(config: Config, logger: Logger): Promise<FastifyInstance> {
  const responseCache = new ResponseCache(config.responseCacheBytes);
  const app = Fastify({
    // Cached public responses are answered before Fastify sees the request (response-cache.ts).
    serverFactory: (handler) => {
      const server = createServer((req, res) => { if (!responseCache.serve(req, res)) handler(req, res); });
      server.keepAliveTimeout = 72_000; // Fastify's default for the servers it creates itself
      return server;
    },
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' }),
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: false } },
    return503OnClosing: true,
    trustProxy: config.trustProxy,
    forceCloseConnections: false,
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(helmet, {
    contentSecurityPolicy: false,
    crossOriginEmbedderPolicy: false,
    hsts: config.secureCookies,
  });
  await app.register(cookie);
  await app.register(formbody);
  await app.register(multipart, {
    attachFieldsToBody: true,
    limits: { fileSize: config.maxAttachmentBytes, files: config.maxAttachmentsPerMessage, fields: 200, fieldSize: 200_000 },
    throwFileSizeLimit: true,
    // Buffer each file so handlers can validate the whole form before storing anything.
    onFile: async (part) => { (part as unknown as { _buf: Buffer })._buf = await part.toBuffer(); },
  });
  await app.register(rateLimit, { global: false });
  await app.register(compress, { global: true, threshold: 2048 });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Mamori API', version: '1', description: 'Mamori public and staff API. Errors share one shape: {"error":{"code","message","details"}}.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'mamori_session' } } },
    },
    hideUntagged: true,
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true, uiConfig: { docExpansion: 'list' } });

  // Every route the app serves, for the access-control test that walks them all.
  const routeList: Array<{ method: string; url: string }> = [];
  app.decorate('mamoriRoutes', routeList);
  app.addHook('onRoute', (r) => {
    for (const m of Array.isArray(r.method) ? r.method : [r.method]) routeList.push({ method: m, url: r.url });
  });

  app.decorate('responseCache', responseCache);
  app.addHook('preClose', async () => { responseCache.closing = true; });

  app.decorateRequest('lang', 'ja');
  app.decorateRequest('actor', null as never);
  // The CSRF token (and its seed cookie) is made on first use, i.e. when a page with a form is
  // rendered: API calls, feeds and embeddable widgets neither compute it nor receive a cookie.
  app.decorateRequest('csrfReply', null);
  app.decorateRequest('csrfCache', null);
  app.decorateRequest('csrfToken', {
    getter(this: FastifyRequest) {
      if (this.csrfCache !== null) return this.csrfCache;
      let seed = this.cookies[CSRF_COOKIE];
      if (!seed || seed.length < 16) {
        seed = newCsrfSeed();
        this.csrfReply?.setCookie(CSRF_COOKIE, seed, { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies });
        this.cookies[CSRF_COOKIE] = seed;
      }
      return (this.csrfCache = csrfToken(config.secret, seed));
    },
  });
  app.decorateRequest('sessionId', null);

  app.addHook('onRequest', async (req, reply) => {
    reply.header('content-security-policy', CSP_HEADER); // routes that serve other content (downloads, the icat frame) replace it
    req.actor = PUBLIC_ACTOR;
    const q = req.query as Record<string, unknown> | undefined;
    const fromQuery = parseLang(q?.lang);
    const lang: Lang = fromQuery ?? parseLang(req.cookies.mamori_lang) ?? 'ja';
    // Remembered for browsing; an API client's ?lang= is per request and gets no cookie.
    if (fromQuery && fromQuery !== req.cookies.mamori_lang && !req.url.startsWith('/api/')) {
      reply.setCookie('mamori_lang', fromQuery, { path: '/', sameSite: 'lax', maxAge: 365 * 86400, secure: config.secureCookies });
    }
    req.lang = lang;
    req.csrfReply = reply;
  });

  // Forms (url-encoded or multipart) must carry the token; JSON cannot be sent cross-site without
  // CORS, which this app never grants, so JSON API calls need no token.
  app.addHook('preHandler', async (req) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return;
    if (req.routeOptions.config?.csrf === false) return;
    const ct = String(req.headers['content-type'] ?? '');
    if (ct.startsWith('application/json') || ct.startsWith('application/taxii+json')) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const raw = body._csrf as unknown;
    const token = typeof raw === 'string' ? raw : (raw as { value?: string } | undefined)?.value ?? (req.headers['x-csrf-token'] as string | undefined);
    if (!csrfValid(config.secret, req.cookies[CSRF_COOKIE], token)) {
      throw new AppError(403, 'csrf_failed', {
        ja: 'フォームの有効期限が切れたか、不正な送信です。ページを再読み込みしてもう一度送信してください。',
        en: 'The form has expired or the request was forged. Reload the page and submit again.',
      });
    }
  });

  app.get('/static/app.css', { logLevel: 'warn' }, async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(css));

  // Cached answers repeat the security headers of the app's own responses, read once from a kernel
  // route when the server starts listening (inject bypasses the server, so it needs none before).
  app.addHook('onListen', async () => {
    const probe = await app.inject({ method: 'GET', url: '/static/app.css' });
    responseCache.baseHeaders = securityHeaders(probe.headers);
  });

  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    const e = toAppError(err);
    if (e.status >= 500) req.log.error({ err }, 'request failed');
    if (e.status === 429 && err instanceof Error && 'headers' in err) {
      // keep retry-after from the rate limiter
    }
    return sendError(req, reply, e);
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(req, reply, new AppError(404, 'not_found', { ja: 'ページが見つかりません。', en: 'The page was not found.' })));

  return app as unknown as FastifyInstance;
}

export function sendError(req: FastifyRequest, reply: import('fastify').FastifyReply, e: AppError) {
  if (!req.lang) req.lang = 'ja';
  if (!req.actor) req.actor = PUBLIC_ACTOR;
  if (wantsHtml(req)) {
    return sendPage(reply, ErrorPage({ ctx: pageContext(req), error: e }), e.status);
  }
  return reply.code(e.status).type('application/json; charset=utf-8').send(errorBody(e, req.lang));
}

export function errorBody(e: AppError, lang: Lang) {
  return {
    error: {
      code: e.code,
      message: t(e.text, lang),
      messages: e.text,
      details: e.details.map((d) => ({ field: d.field, message: t(d.message, lang), messages: d.message })),
    },
  };
}

const FIELD_REQUIRED: Text = { ja: '必須項目です。', en: 'This field is required.' };

function toAppError(err: FastifyError | AppError): AppError {
  if (err instanceof AppError) return err;
  const fe = err as FastifyError & { validation?: Array<{ instancePath: string; message?: string; params?: Record<string, unknown>; keyword: string }> };
  if (fe.validation) {
    const details: FieldError[] = fe.validation.map((v) => {
      const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
      const field = v.keyword === 'required' ? [path, String(v.params?.missingProperty ?? '')].filter(Boolean).join('.') : path || '(body)';
      const message: Text = v.keyword === 'required' ? FIELD_REQUIRED : { ja: `値が不正です（${v.message ?? v.keyword}）。`, en: `Invalid value (${v.message ?? v.keyword}).` };
      return { field, message };
    });
    return new AppError(422, 'validation_failed', { ja: '入力内容に誤りがあります。', en: 'Some fields are invalid.' }, details);
  }
  switch (fe.code) {
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(413, 'too_large', { ja: 'ファイルまたは送信内容が大きすぎます。', en: 'The file or request is too large.' });
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new AppError(413, 'too_many_parts', { ja: '添付ファイルまたは項目の数が上限を超えています。', en: 'Too many attachments or fields.' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(415, 'unsupported_media_type', { ja: 'この形式の送信には対応していません。', en: 'Unsupported content type.' });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError(400, 'invalid_json', { ja: 'JSON の形式が正しくありません。', en: 'The JSON body is malformed.' });
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
    case 'FST_ERR_CTP_EMPTY_TYPE':
      return new AppError(400, 'bad_request', { ja: '送信形式が正しくありません。', en: 'The request body is malformed.' });
  }
  const status = fe.statusCode ?? 500;
  if (status === 429) return new AppError(429, 'rate_limited', { ja: '送信回数が多すぎます。しばらく待ってから再度お試しください。', en: 'Too many requests. Please wait and try again.' });
  if (status >= 400 && status < 500) return new AppError(status, 'bad_request', { ja: 'リクエストが正しくありません。', en: 'Bad request.' });
  return new AppError(500, 'internal_error', { ja: 'システムエラーが発生しました。時間をおいて再度お試しください。', en: 'An internal error occurred. Please try again later.' });
}
