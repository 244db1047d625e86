// HTTP surface: public search and advisory pages, monthly statistics, the JSON API
// (/api/v1/advisories with cursor pagination, modifiedSince and ETags) and staff JSON endpoints.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { sendTagged } from '../../platform/http/etag.js';
import type { AppContext } from '../../platform/context.js';
import { AppError, notFound, validationFailed } from '../../platform/http/errors.js';
import { pageContext, sendPage } from '../../platform/http/request.js';
import { requirePermission } from '../../platform/auth/guards.js';
import { fiscalYearOf, jstMidnight } from '../../platform/i18n/dates.js';
import type { Severity } from '../../shared/cvss.js';
import { PERM, parseCpeFilter, type Advisory, type AdvisoriesService, type AdvisoryInput, type SearchFilters } from './service.js';
import { AdvisoryPage, SearchPage, StatisticsPage } from './pages.js';
import { compareVersions, inRange, schemeFor } from './version-check/versions.js';
import { vendorStatements } from './staff/statements.js';
import { sql } from 'kysely';
import { AdvisoryResponses } from './json-cache.js';

const SEVERITIES = ['none', 'low', 'medium', 'high', 'critical'];
const Bi = Type.Object({ ja: Type.String(), en: Type.String() });
const AdvisorySchema = Type.Object({
  id: Type.String({ description: 'JVNDB-YYYY-NNNNNN' }), state: Type.String(), title: Bi, overview: Bi, impact: Bi, solution: Bi,
  cveIds: Type.Array(Type.String()), jvnIds: Type.Array(Type.String()), cweIds: Type.Array(Type.String()),
  cvss: Type.Array(Type.Object({ version: Type.String(), vector: Type.String(), baseScore: Type.Number(), severity: Type.String() })),
  severity: Type.Union([Type.String(), Type.Null()]),
  affected: Type.Array(Type.Object({
    vendorId: Type.Integer(), vendor: Type.String(), productId: Type.Integer(), product: Type.String(), cpe: Type.Union([Type.String(), Type.Null()]),
    purl: Type.Union([Type.String(), Type.Null()]), versionText: Type.Union([Type.String(), Type.Null()]),
    versionStart: Type.Union([Type.String(), Type.Null()]), versionStartIncluding: Type.Union([Type.Boolean(), Type.Null()]),
    versionEnd: Type.Union([Type.String(), Type.Null()]), versionEndIncluding: Type.Union([Type.Boolean(), Type.Null()]),
  })),
  references: Type.Array(Type.Object({ url: Type.String(), type: Type.String(), title: Type.Union([Type.String(), Type.Null()]) })),
  publicDate: Type.Union([Type.String(), Type.Null()]), firstPublishedAt: Type.Union([Type.String(), Type.Null()]), modifiedAt: Type.Union([Type.String(), Type.Null()]),
  kev: Type.Boolean(), kevAdded: Type.Union([Type.String(), Type.Null()]), revision: Type.Integer(),
});
const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })), vendorId: Type.Optional(Type.Integer({ minimum: 1 })), productId: Type.Optional(Type.Integer({ minimum: 1 })),
  cwe: Type.Optional(Type.String({ pattern: '^(CWE-\\d{1,5}|NVD-CWE-Other|NVD-CWE-noinfo)$' })),
  severity: Type.Optional(Type.String({ pattern: '^(none|low|medium|high|critical)(,(none|low|medium|high|critical))*$' })),
  kev: Type.Optional(Type.Boolean()),
  cpe: Type.Optional(Type.String({ maxLength: 300, description: 'CPE 2.3 name or 2.2 URI; its vendor and product parts select advisories (e.g. cpe:2.3:a:apache:tomcat or cpe:/a:apache:tomcat)' })),
  version: Type.Optional(Type.String({ maxLength: 100, description: 'With productId or cpe: only advisories whose affected range contains this version (semver, Debian or generic rules by the package ecosystem)' })),
  from: Type.Optional(Type.String({ format: 'date' })), to: Type.Optional(Type.String({ format: 'date' })),
  modifiedSince: Type.Optional(Type.String({ format: 'date-time' })), cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000, description: 'Search results only (with filters); sync listings use cursor.' })),
});

/** The vendor/product of a CPE search filter; a malformed CPE is a validation error, not an empty result. */
function cpeFilter(raw: string | undefined) {
  if (!raw) return undefined;
  const c = parseCpeFilter(raw);
  if (!c) throw validationFailed([{ field: 'cpe', message: { ja: 'CPE 名の形式が正しくありません（例: cpe:2.3:a:apache:tomcat または cpe:/a:apache:tomcat）。', en: 'Malformed CPE name (e.g. cpe:2.3:a:apache:tomcat or cpe:/a:apache:tomcat).' } }]);
  return c;
}

/** Does this affected-product row cover `version`? Ranges by the rule of the purl's ecosystem, else an exact CPE version, else the free text's tokens. */
function affectsVersion(x: Advisory['affected'][number], version: string): boolean {
  const scheme = schemeFor(/^pkg:([a-z0-9.+-]+)\//i.exec(x.purl ?? '')?.[1]);
  if (x.versionStart || x.versionEnd) {
    return inRange(version, { start: x.versionStart, startIncluding: x.versionStartIncluding, end: x.versionEnd, endIncluding: x.versionEndIncluding }, scheme);
  }
  const cpeVersion = x.cpe?.split(/(?<!\\):/)[5];
  if (cpeVersion && cpeVersion !== '*' && cpeVersion !== '-') return compareVersions(version, cpeVersion.replace(/\\(.)/g, '$1'), scheme) === 0;
  return (x.versionText ?? '').split(/[\s,、;]+/).includes(version);
}

/**
 * Search restricted to advisories whose affected range for the chosen product (product id or CPE)
 * contains `version`. Candidates are the product's advisories (at most 5,000, newest first); the
 * version rules (semver, Debian, generic) live in version-check/versions.ts.
 */
async function searchVersion(svc: AdvisoriesService, f: SearchFilters, version: string, page: { offset: number; limit: number }) {
  if (!f.productId && !f.cpe) {
    throw validationFailed([{ field: 'version', message: { ja: 'バージョンで絞り込むには製品 ID または CPE 名も指定してください。', en: 'A version filter needs a product id or a CPE name.' } }]);
  }
  const all = await svc.search(f, { offset: 0, limit: 5000 });
  const target = (x: Advisory['affected'][number]) => {
    if (f.productId) return x.productId === f.productId;
    const parts = (x.cpe ?? '').toLowerCase().split(/(?<!\\):/);
    return parts[3] === f.cpe!.vendor && (!f.cpe!.product || parts[4] === f.cpe!.product);
  };
  const hits = all.items.filter((a) => a.affected.some((x) => target(x) && affectsVersion(x, version)));
  return { total: hits.length, totalExact: true, items: hits.slice(page.offset, page.offset + page.limit) };
}
const VERSION_RE = /^[0-9A-Za-z][0-9A-Za-z.+~:_-]{0,99}$/;
function versionParam(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (!VERSION_RE.test(raw)) throw validationFailed([{ field: 'version', message: { ja: 'バージョンの形式が正しくありません（英数字と . + ~ : _ - で 100 文字まで）。', en: 'Malformed version (letters, digits and . + ~ : _ -, up to 100 characters).' } }]);
  return raw;
}

const iso = (v: Date | null) => (v ? new Date(v).toISOString() : null);
export function toJson(a: Advisory) {
  return {
    id: a.jvndbId ?? a.id, state: a.state, title: a.title, overview: a.overview, impact: a.impact, solution: a.solution,
    cveIds: a.cveIds, jvnIds: a.jvnIds, cweIds: a.cweIds, cvss: a.cvss, severity: a.severity, affected: a.affected, references: a.references,
    publicDate: iso(a.publicDate), firstPublishedAt: iso(a.firstPublishedAt), modifiedAt: iso(a.modifiedAt), kev: a.kev, kevAdded: a.kevAdded, revision: a.revision,
  };
}

function severities(raw: string | undefined): Severity[] | undefined {
  const list = (raw ?? '').split(',').filter((x) => SEVERITIES.includes(x)) as Severity[];
  return list.length ? list : undefined;
}

const day = (s: string | undefined, end = false) => {
  if (!s || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return undefined;
  const [y, m, d] = s.split('-').map(Number);
  return jstMidnight(y, m, d + (end ? 1 : 0));
};

function encodeCursor(a: Advisory) { return Buffer.from(JSON.stringify([new Date(a.updatedAt).toISOString(), a.id])).toString('base64url'); }
function decodeCursor(c: string): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as [string, string];
    const d = new Date(at);
    if (Number.isNaN(d.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) throw new Error('bad');
    return { at: d, id };
  } catch {
    throw validationFailed([{ field: 'cursor', message: { ja: 'カーソルが正しくありません。', en: 'Invalid cursor.' } }]);
  }
}

/** Sends JSON with a strong ETag over the body; answers 304 to a matching If-None-Match. */
function sendWithEtag(req: FastifyRequest, reply: FastifyReply, body: unknown) {
  return sendTagged(req, reply, JSON.stringify(body), 'application/json; charset=utf-8', { maxAge: 60 });
}

export async function advisoryRoutes(app: FastifyInstance, ctx: AppContext, svc: AdvisoriesService) {
  const responses = new AdvisoryResponses(app.responseCache, svc, toJson, app.log);
  await responses.init();
  svc.onChange(() => responses.changed());
  const unlisten = await ctx.database.listen('advisories_changed', () => responses.changed());
  app.addHook('onClose', async () => { await unlisten(); await responses.stop(); });
  if (ctx.config.responseCacheWarm) app.addHook('onReady', async () => { void responses.warm(); });
  app.get('/advisories', async (req, reply) => {
    const q = req.query as Record<string, string>;
    const query: Record<string, string> = {};
    for (const k of ['q', 'cwe', 'severity', 'kev', 'vendorId', 'productId', 'cpe', 'version', 'from', 'to']) if (typeof q[k] === 'string' && q[k]) query[k] = q[k].slice(0, 200);
    const pageSize = 50;
    const page = Math.max(1, Math.min(10000, Number(q.page) || 1));
    const f: SearchFilters = {
      q: query.q, cwe: /^CWE-\d{1,5}$/i.test(query.cwe ?? '') ? query.cwe : undefined,
      // The form sends one severity and kev=1; links and the API's forms (high,critical; kev=true) work too.
      severity: severities(query.severity), kev: query.kev === '1' || query.kev === 'true' ? true : undefined,
      vendorId: Number(query.vendorId) > 0 ? Number(query.vendorId) : undefined, productId: Number(query.productId) > 0 ? Number(query.productId) : undefined,
      from: day(query.from), to: day(query.to, true), cpe: cpeFilter(query.cpe),
    };
    const version = versionParam(query.version);
    const res = version ? await searchVersion(svc, f, version, { offset: (page - 1) * pageSize, limit: pageSize }) : await svc.search(f, { offset: (page - 1) * pageSize, limit: pageSize });
    return sendPage(reply, <SearchPage ctx={pageContext(req)} query={query} total={res.total} totalExact={res.totalExact} items={res.items} page={page} pageSize={pageSize} />);
  });

  app.get('/advisories/statistics', async (req, reply) => {
    const fyRaw = Number((req.query as { fy?: string }).fy);
    const fy = Number.isInteger(fyRaw) && fyRaw >= 1998 && fyRaw <= 2100 ? fyRaw : fiscalYearOf(new Date());
    const m = await svc.monthly(fy);
    return sendPage(reply, <StatisticsPage ctx={pageContext(req)} fy={fy} {...m} />);
  });

  app.get('/advisories/:id', async (req, reply) => {
    const id = (req.params as { id: string }).id;
    if (!/^JVNDB-\d{4}-\d{6}$/.test(id)) throw notFound({ ja: '脆弱性対策情報', en: 'advisory' });
    const a = await svc.get(id);
    if (!a) throw notFound({ ja: '脆弱性対策情報', en: 'advisory' });
    const [revisions, statements, alerts] = await Promise.all([
      svc.revisions(a.id), vendorStatements(ctx.db, a.id),
      sql<{ alert_id: string; kind: 'alert' | 'emergency'; title_ja: string; title_en: string }>`
        select al.alert_id, al.kind, al.title_ja, al.title_en from advisories_alert_links l join advisories_alerts al on al.id = l.alert_id
        where l.advisory_id = ${a.id} and al.state in ('published', 'revised') order by al.first_published_at desc`.execute(ctx.db),
    ]);
    return sendPage(reply, <AdvisoryPage ctx={pageContext(req)} a={a} revisions={revisions} statements={statements}
      alerts={alerts.rows.map((r) => ({ alertId: r.alert_id, kind: r.kind, title: { ja: r.title_ja, en: r.title_en } }))} />);
  });

  app.get('/api/v1/advisories', {
    schema: {
      tags: ['advisories'], summary: 'Search or incrementally sync published advisories',
      description: 'Without search filters, advisories are ordered by their last change; follow `next` (a cursor) until it is null. `modifiedSince` returns only advisories changed at or after the instant.',
      querystring: ListQuery,
      response: { 200: Type.Object({ items: Type.Array(AdvisorySchema), next: Type.Union([Type.String(), Type.Null()]), total: Type.Optional(Type.Integer({ description: 'Search results only: the number of matches, or 5,000 when there are more (then totalExact is false)' })),
        totalExact: Type.Optional(Type.Boolean({ description: 'Search results only: false when more than 5,000 advisories match' })) }) },
    },
  }, async (req, reply) => {
    const q = req.query as Static<typeof ListQuery>;
    const limit = q.limit ?? 100;
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const filtered = q.q || q.vendorId || q.productId || q.cwe || q.severity || q.kev !== undefined || q.from || q.to || q.cpe || q.version;
    let items: Advisory[];
    if (filtered) {
      // Search: the cursor is an offset; results are ordered by public date.
      if (after) throw validationFailed([{ field: 'cursor', message: { ja: '検索条件と cursor は併用できません（offset を使います）。', en: 'Use cursor only for sync listings.' } }]);
      const offset = q.offset ?? 0;
      const f: SearchFilters = {
        q: q.q, vendorId: q.vendorId, productId: q.productId, cwe: q.cwe, severity: q.severity?.split(',') as Severity[] | undefined, kev: q.kev,
        from: day(q.from), to: day(q.to, true), cpe: cpeFilter(q.cpe),
      };
      const version = versionParam(q.version);
      const res = version ? await searchVersion(svc, f, version, { offset, limit }) : await svc.search(f, { offset, limit });
      return sendWithEtag(req, reply, { items: res.items.map(toJson), next: null, total: res.total, totalExact: res.totalExact });
    }
    items = await svc.listChanged({ modifiedSince: q.modifiedSince ? new Date(q.modifiedSince) : undefined, after, limit });
    return sendWithEtag(req, reply, { items: items.map(toJson), next: items.length === limit ? encodeCursor(items[items.length - 1]) : null });
  });

  app.get('/api/v1/advisories/:id', {
    schema: { tags: ['advisories'], summary: 'One published advisory by JVNDB ID', params: Type.Object({ id: Type.String({ pattern: '^JVNDB-\\d{4}-\\d{6}$' }) }), response: { 200: AdvisorySchema } },
  }, async (req, reply) => {
    // Only misses get here: cached advisories are answered by the response cache before routing.
    const id = (req.params as { id: string }).id;
    const ticket = responses.ticket();
    const a = await svc.get(id);
    if (!a) throw notFound({ ja: '脆弱性対策情報', en: 'advisory' });
    const e = responses.store(a, ticket);
    return sendTagged(req, reply, e.body, e.contentType, { maxAge: 60, etag: e.etag });
  });

  // Staff JSON endpoints (session + permission). The body is an AdvisoryInput.
  const staffBody = Type.Object({}, { additionalProperties: true });
  app.post('/api/v1/staff/advisories', { preHandler: requirePermission(PERM.write), schema: { tags: ['advisories'], summary: 'Create a draft advisory', body: staffBody } }, async (req, reply) => {
    const a = await svc.create(req.body as AdvisoryInput, req.actor);
    return reply.code(201).send({ ...toJson(a), uuid: a.id });
  });
  app.put('/api/v1/staff/advisories/:uuid', { preHandler: requirePermission(PERM.write), schema: { tags: ['advisories'], summary: 'Replace the content of an advisory', body: staffBody } }, async (req) => {
    const a = await svc.update((req.params as { uuid: string }).uuid, req.body as AdvisoryInput, req.actor);
    return { ...toJson(a), uuid: a.id };
  });
  for (const [name, perm] of [['submit', PERM.write], ['publish', PERM.publish]] as const) {
    app.post(`/api/v1/staff/advisories/:uuid/${name}`, { preHandler: requirePermission(perm), schema: { tags: ['advisories'], summary: `${name} an advisory` } }, async (req) => {
      const id = (req.params as { uuid: string }).uuid;
      if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError(404, 'not_found', { ja: '脆弱性対策情報が見つかりません。', en: 'The advisory was not found.' });
      const a = name === 'submit' ? await svc.submitForReview(id, req.actor) : await svc.publish(id, req.actor);
      return { ...toJson(a), uuid: a.id };
    });
  }
  void ctx;
}
