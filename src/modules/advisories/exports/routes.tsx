// HTTP surface of the exports: per-advisory CVE JSON 5 / CSAF 2.0 / OSV under /api/v1, the yearly bulk
// files and their index page, and the Atom feed of new and updated advisories.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { open } from 'node:fs/promises';
import type { AppContext } from '../../../platform/context.js';
import { notFound } from '../../../platform/http/errors.js';
import { pageContext, sendPage } from '../../../platform/http/request.js';
import type { Advisory, AdvisoriesService } from '../service.js';
import { NotExportable, type ExportOptions } from './common.js';
import { toCve5 } from './cve5.js';
import { loadCweNames, toCsaf } from './csaf.js';
import { toOsv } from './osv.js';
import { atomFeed, FEED_SIZE } from './atom.js';
import { ensureBulk, FORMATS, freshMeta, type BulkFormat, type BulkMeta } from './bulk.js';
import { recentlyChanged, yearSummaries, yearSummary } from './load.js';
import { BulkIndexPage } from './pages.js';

import { etagMatches as matches, sendTagged as sendTaggedBody } from '../../../platform/http/etag.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const ADVISORY = { ja: '脆弱性対策情報', en: 'advisory' };

const sendTagged = (req: FastifyRequest, reply: FastifyReply, body: string, type: string, maxAge = 300) => sendTaggedBody(req, reply, body, type, { maxAge });

const IdParams = Type.Object({ id: Type.String({ pattern: '^JVNDB-\\d{4}-\\d{6}$', description: 'JVNDB-YYYY-NNNNNN' }) });
const CveQuery = Type.Object({ cve: Type.Optional(Type.String({ pattern: '^CVE-\\d{4}-\\d{4,}$', description: 'Select the record of one CVE ID of the advisory' })) });
const CsafQuery = Type.Object({ lang: Type.Optional(Type.Union([Type.Literal('ja'), Type.Literal('en')], { description: 'Language of the document (default: Japanese when the advisory has Japanese text)' })) });
const AnyJson = (description: string) => Type.Object({}, { additionalProperties: true, description });
const NOT_MODIFIED = Type.Null({ description: 'Not modified (If-None-Match matched the ETag)' });
const ERROR = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: true }) }, { description: 'Not found, or the advisory cannot be expressed in this format (code `not_exportable`, with the reason)' });

export async function exportRoutes(app: FastifyInstance, ctx: AppContext, svc: AdvisoriesService) {
  const o = (): ExportOptions => ({ baseUrl: ctx.config.baseUrl });
  const load = async (id: string): Promise<Advisory> => {
    const a = await svc.get(id);
    if (!a || !a.jvndbId) throw notFound(ADVISORY);
    return a;
  };

  app.get('/api/v1/advisories/:id/cve5', {
    schema: {
      tags: ['advisories'], summary: 'CVE JSON 5 record(s) of a published advisory',
      description: 'CVE Record Format 5.1 (`dataType` CVE_RECORD). With `?cve=` or when the advisory has exactly one CVE ID: one record (an object). When it has several CVE IDs and no `cve` is given: a JSON array of records, one per CVE ID. An advisory without CVE ID answers 404 `not_exportable`.',
      params: IdParams, querystring: CveQuery,
      response: { 200: AnyJson('A CVE record, or an array of CVE records'), 304: NOT_MODIFIED, 404: ERROR },
    },
  }, async (req, reply) => {
    const { id } = req.params as Static<typeof IdParams>;
    const { cve } = req.query as Static<typeof CveQuery>;
    const a = await load(id);
    const records = toCve5(a, o()) as Array<{ cveMetadata: { cveId: string } }>;
    let body: unknown;
    if (cve) {
      const r = records.find((x) => x.cveMetadata.cveId === cve);
      if (!r) throw new NotExportable('CVE JSON 5', { ja: `${cve} はこの脆弱性対策情報の CVE ID ではありません。`, en: `${cve} is not a CVE ID of this advisory.` });
      body = r;
    } else body = records.length === 1 ? records[0] : records;
    reply.header('x-cve-records', String(cve ? 1 : records.length));
    return sendTagged(req, reply, JSON.stringify(body), JSON_TYPE);
  });

  app.get('/api/v1/advisories/:id/csaf', {
    schema: {
      tags: ['advisories'], summary: 'CSAF 2.0 security advisory of a published advisory',
      description: 'Profile csaf_security_advisory; tracking.id is the JVNDB ID, tracking.version the revision. An advisory without affected products answers 404 `not_exportable`.',
      params: IdParams, querystring: CsafQuery,
      response: { 200: AnyJson('A CSAF 2.0 document'), 304: NOT_MODIFIED, 404: ERROR },
    },
  }, async (req, reply) => {
    const { id } = req.params as Static<typeof IdParams>;
    const { lang } = req.query as Static<typeof CsafQuery>;
    const a = await load(id);
    const doc = toCsaf(a, await svc.revisions(a.id), { ...o(), lang, cwe: await loadCweNames() });
    return sendTagged(req, reply, JSON.stringify(doc), JSON_TYPE);
  });

  app.get('/api/v1/advisories/:id/osv', {
    schema: {
      tags: ['advisories'], summary: 'OSV record of a package-based advisory',
      description: 'OSV schema 1.7; id `x_JVNDB-…` (the OSV prefix for databases not aggregated by OSV.dev), CVE IDs as aliases. Advisories without an affected package (purl) answer 404 `not_exportable`.',
      params: IdParams,
      response: { 200: AnyJson('An OSV record'), 304: NOT_MODIFIED, 404: ERROR },
    },
  }, async (req, reply) => {
    const { id } = req.params as Static<typeof IdParams>;
    const a = await load(id);
    return sendTagged(req, reply, JSON.stringify(toOsv(a, o())), JSON_TYPE);
  });

  app.get('/advisories/feed/atom.xml', async (req, reply) => {
    const lang = (req.query as { lang?: string }).lang === 'en' ? 'en' : 'ja';
    const items = await recentlyChanged(ctx.db, FEED_SIZE);
    return sendTagged(req, reply, atomFeed(items, { ...o(), lang }), 'application/atom+xml; charset=utf-8', 120);
  });

  app.get('/advisories/bulk', async (_req, reply) => reply.redirect('/advisories/bulk/', 301));
  app.get('/advisories/bulk/', async (req, reply) => {
    const years = await yearSummaries(ctx.db);
    const rows = await Promise.all(years.map(async (s) => {
      const files = {} as Record<BulkFormat, BulkMeta | null>;
      for (const f of FORMATS) files[f] = await freshMeta(ctx, s, f);
      return { ...s, files };
    }));
    return sendPage(reply, <BulkIndexPage ctx={pageContext(req)} rows={rows} />);
  });

  app.get('/advisories/bulk/:file', async (req, reply) => {
    const file = (req.params as { file: string }).file;
    const m = /^(\d{4})\.(json|cve5|csaf|osv)\.gz$/.exec(file);
    const what = { ja: '一括ダウンロードファイル', en: 'bulk file' };
    if (!m) throw notFound(what);
    const year = Number(m[1]); const format = m[2] as BulkFormat;
    const summary = await yearSummary(ctx.db, year);
    if (!summary.count) throw notFound(what);
    const { path, meta } = await ensureBulk(ctx, year, format, summary);
    const etag = `"${meta.sha256.slice(0, 32)}"`;
    reply.header('etag', etag).header('cache-control', 'public, max-age=600')
      .header('content-disposition', `attachment; filename="jvndb-${year}.${format}.gz"`)
      .header('x-records', String(meta.records));
    if (matches(req, etag)) return reply.code(304).send();
    // The open handle keeps this version readable even if a regeneration renames a new file over it.
    const fh = await open(path);
    const size = (await fh.stat()).size;
    return reply.type('application/gzip').header('content-length', String(size)).send(fh.createReadStream());
  });
}
