// HTTP surface of the version checker: POST /api/v1/version-check (a JSON body or a raw SBOM with
// its media type) and the public page /advisories/version-check (upload or textarea, results table,
// CSV). Both are rate-limited per client address and count one use per check.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../platform/context.js';
import { AppError } from '../../../platform/http/errors.js';
import { pageContext, sendPage } from '../../../platform/http/request.js';
import { field, readForm } from '../../../platform/http/forms.js';
import { FORMATS, InventoryError, MAX_BODY_BYTES, MAX_COMPONENTS, componentsFromBody, formatFromContentType, parseInventory, type InventoryFormat, type RawComponent } from './inventory.js';
import { checkComponents, countUse, type CheckResult } from './matcher.js';
import { resultsCsv } from './csv.js';
import { VersionCheckPage } from './pages.js';

const Str = Type.String({ maxLength: 2000 });
const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()]);
const ComponentIn = Type.Object({
  name: Type.Optional(Str), group: Type.Optional(Str), version: Type.Optional(Str),
  purl: Type.Optional(Type.String({ maxLength: 2000, description: 'Package URL, e.g. pkg:npm/lodash@4.17.20' })),
  cpe: Type.Optional(Type.String({ maxLength: 2000, description: 'CPE 2.3 formatted string or CPE 2.2 URI' })),
  ref: Type.Optional(Str),
}, { additionalProperties: true });
const JsonBody = Type.Object({
  format: Type.Optional(Type.Union(FORMATS.map((f) => Type.Literal(f)), { description: 'Format of `sbom`; detected when omitted.' })),
  components: Type.Optional(Type.Array(ComponentIn, { description: `Components to check (at most ${MAX_COMPONENTS}).` })),
  sbom: Type.Optional(Type.Union([Type.Object({}, { additionalProperties: true }), Type.String()], { description: 'A CycloneDX/SPDX JSON document, or CycloneDX XML or a plain list as a string.' })),
}, { additionalProperties: true, description: 'Either `components` or `sbom`; a CycloneDX or SPDX JSON document may also be sent as the body itself.' });
const RawBody = Type.String({ description: 'The SBOM itself, in the format its media type names.' });

const Match = Type.Object({
  id: Type.String({ description: 'JVNDB ID' }), title: Type.Object({ ja: Type.String(), en: Type.String() }),
  severity: Nullable(Type.String()), cvssScore: Type.Union([Type.Number(), Type.Null()], { description: 'Highest CVSS base score of any version' }), kev: Type.Boolean(),
  status: Type.Union([Type.Literal('affected'), Type.Literal('possibly_affected')]), matchedBy: Type.Union([Type.Literal('purl'), Type.Literal('cpe')]),
  versionStart: Nullable(Type.String()), versionStartIncluding: Type.Union([Type.Boolean(), Type.Null()]),
  versionEnd: Nullable(Type.String()), versionEndIncluding: Type.Union([Type.Boolean(), Type.Null()]),
  versionText: Nullable(Type.String({ description: 'Affected versions as free text (possibly affected)' })),
  fixedVersion: Nullable(Type.String({ description: 'versionEnd of an excluding range' })),
});
const Result = Type.Object({
  format: Type.String(),
  summary: Type.Object({
    components: Type.Integer(), affected: Type.Integer(), possiblyAffected: Type.Integer(), notAffected: Type.Integer(), invalid: Type.Integer(),
    advisories: Type.Integer(), kev: Type.Integer(),
  }),
  components: Type.Array(Type.Object({
    index: Type.Integer(), ref: Nullable(Type.String()), name: Nullable(Type.String()), group: Nullable(Type.String()), version: Nullable(Type.String()),
    purl: Nullable(Type.String()), cpe: Nullable(Type.String()), scheme: Type.String({ description: 'semver | debian | generic' }),
    status: Type.Union(['affected', 'possibly_affected', 'not_affected', 'invalid'].map((s) => Type.Literal(s))),
    errors: Type.Array(Type.Object({ field: Type.String(), message: Type.String(), messages: Type.Object({ ja: Type.String(), en: Type.String() }) })),
    advisories: Type.Array(Match),
  })),
});

const SBOM_TYPES = ['application/vnd.cyclonedx+json', 'application/vnd.cyclonedx+xml', 'application/spdx+json', 'application/xml', 'text/xml', 'text/plain'];

const appError = (e: InventoryError) => new AppError(e.status, e.code, e.text, e.details);
const need = () => new AppError(422, 'validation_failed', { ja: '入力内容に誤りがあります。', en: 'Some fields are invalid.' }, [
  { field: 'components', message: { ja: 'components（構成要素の配列）または sbom のどちらかを指定してください。', en: 'Give either components (an array) or sbom.' } }]);

/** Turns a request body into raw components; InventoryError for a bad document. */
function inventoryOf(body: unknown, contentType: string | undefined): { format: InventoryFormat | 'components'; components: RawComponent[] } {
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
    return parseInventory(text, formatFromContentType(contentType));
  }
  const b = (body ?? {}) as { format?: InventoryFormat; components?: unknown[]; sbom?: unknown; bomFormat?: unknown; spdxVersion?: unknown };
  if ('bomFormat' in b || 'spdxVersion' in b) return parseInventory(b, 'spdxVersion' in b ? 'spdx-json' : 'cyclonedx-json');
  if (b.components !== undefined && b.sbom !== undefined) throw need();
  if (Array.isArray(b.components)) return { format: 'components', components: componentsFromBody(b.components) };
  if (b.sbom !== undefined && b.sbom !== null) return parseInventory(b.sbom as string | object, b.format);
  throw need();
}

export async function versionCheckRoutes(app: FastifyInstance, ctx: AppContext) {
  const apiLimit = { max: Math.max(60, ctx.config.publicFormRateLimit * 3), timeWindow: '1 minute' };
  const formLimit = { max: ctx.config.publicFormRateLimit, timeWindow: '1 minute' };
  const check = async (raw: RawComponent[], lang: 'ja' | 'en', count = true): Promise<CheckResult> => {
    const r = await checkComponents(ctx.db, raw, lang);
    if (count) await countUse(ctx.db);
    return r;
  };

  await app.register(async (scope) => {
    // Raw SBOMs arrive as text; they are parsed (and refused with a clear error) in the handler.
    scope.removeContentTypeParser('text/plain');
    scope.addContentTypeParser(SBOM_TYPES, { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) => done(null, body));
    // JSON bodies: a malformed document is a 422 with the reason, like a malformed raw SBOM.
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) => {
      try { done(null, JSON.parse(body as string)); } catch (e) {
        const msg = e instanceof RangeError ? 'nesting too deep' : (e as Error).message;
        done(new AppError(422, 'invalid_json', { ja: `JSON の形式が正しくありません（${msg}）。`, en: `The JSON body is malformed (${msg}).` }), undefined);
      }
    });

    scope.post('/api/v1/version-check', {
      bodyLimit: MAX_BODY_BYTES,
      config: { csrf: false, rateLimit: apiLimit },
      schema: {
        tags: ['advisories'], summary: 'Check an inventory (SBOM, CPE/purl list) against the published advisories',
        description: `Send JSON ({"components":[{"purl":"pkg:npm/lodash@4.17.20"}]} or {"sbom": …, "format": …}), or the SBOM itself as application/vnd.cyclonedx+json, application/vnd.cyclonedx+xml, application/spdx+json or text/plain (one CPE or purl per line, optionally followed by a version). At most ${MAX_BODY_BYTES / 1024 / 1024} MiB and ${MAX_COMPONENTS} components (413 too_large / too_many_components); a malformed document is 422. Accept: text/csv answers with CSV.`,
        body: { content: { 'application/json': { schema: JsonBody }, ...Object.fromEntries(SBOM_TYPES.map((t) => [t, { schema: RawBody }])) } } as never,
        response: { 200: Result },
      },
    }, async (req, reply) => {
      let inv: ReturnType<typeof inventoryOf>;
      try { inv = inventoryOf(req.body, req.headers['content-type']); } catch (e) { throw e instanceof InventoryError ? appError(e) : e; }
      const r = await check(inv.components, req.lang);
      if (String(req.headers.accept ?? '').includes('text/csv')) {
        return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="version-check.csv"').send(resultsCsv(r, req.lang));
      }
      return { format: inv.format, ...r };
    });
  });

  app.get('/advisories/version-check', async (req, reply) =>
    sendPage(reply, <VersionCheckPage ctx={pageContext(req)} uploadLimit={uploadLimit(ctx)} />));

  app.post('/advisories/version-check', { config: { rateLimit: formLimit } }, async (req, reply) => {
    const form = readForm(req);
    const text = field(form, 'text');
    const fmt = field(form, 'format');
    const format = (FORMATS as string[]).includes(fmt) ? (fmt as InventoryFormat) : null;
    const csv = field(form, 'output') === 'csv';
    const again = field(form, 'again') === '1';
    const file = form.files.find((f) => f.field === 'file');
    const render = (status: number, extra: { error?: AppError; result?: CheckResult; componentsJson?: string | null }) =>
      sendPage(reply, <VersionCheckPage ctx={pageContext(req)} text={text.length <= 200_000 ? text : ''} format={fmt} uploadLimit={uploadLimit(ctx)} {...extra} />, status);
    let raw: RawComponent[];
    try {
      const componentsField = field(form, 'components');
      if (componentsField && !file && !text) {
        let list: unknown;
        try { list = JSON.parse(componentsField); } catch { list = null; }
        if (!Array.isArray(list)) throw new InventoryError(422, 'invalid_inventory', { ja: '構成要素の一覧が正しくありません。', en: 'The list of components is malformed.' });
        raw = componentsFromBody(list);
      } else if (file) {
        // Browsers label uploads loosely (a .json file may arrive as text/plain): detect unless a format was chosen.
        raw = parseInventory(file.data.toString('utf8'), format).components;
      } else if (text) {
        raw = parseInventory(text, format).components;
      } else {
        return render(422, { error: new AppError(422, 'validation_failed', { ja: 'ファイルを選ぶか、一覧を入力してください。', en: 'Choose a file or enter a list.' }) });
      }
    } catch (e) {
      if (e instanceof InventoryError) return render(e.status, { error: appError(e) });
      throw e;
    }
    const result = await check(raw, req.lang, !again);
    if (csv) {
      const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="version-check-${day}.csv"`).send(resultsCsv(result, req.lang));
    }
    // The checked components travel in the CSV form of the results page (small inventories only).
    const compact = JSON.stringify(raw.map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v != null))));
    return render(200, { result, componentsJson: compact.length <= 500_000 ? compact : null });
  });
}

/** The page accepts uploads up to the platform's attachment limit, never more than the API's. */
function uploadLimit(ctx: AppContext) { return Math.min(ctx.config.maxAttachmentBytes, MAX_BODY_BYTES); }

