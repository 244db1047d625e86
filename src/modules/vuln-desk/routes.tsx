// HTTP surface of the desk: public forms and JSON API for reports, the desk's PGP key, the CWE
// picker, the statistics report (HTML, CSV, JSON) and the staff/party actions of the desk.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../platform/context.js';
import { AppError, notFound, validationFailed } from '../../platform/http/errors.js';
import { pageContext, sendPage } from '../../platform/http/request.js';
import { readForm, field, type FormData } from '../../platform/http/forms.js';
import { requireLogin, requirePermission } from '../../platform/auth/guards.js';
import { endOfJstDay, fiscalQuarter, fiscalYear, fiscalYearOf, jstParts, type Period } from '../../platform/i18n/dates.js';
import { csvContentType, csvDisposition, parseCsvEncoding, toCsv } from '../../platform/stats/csv.js';
import { t } from '../../platform/i18n/i18n.js';
import type { ReportInput, ReportKind, ReportSource, VulnDeskService } from './service.js';
import { LandingPage, ReportFormPage, StatsPage, statsCsvRows } from './pages.js';
import { deskKey } from './pgp.js';
import { searchCwe } from './cwe.js';
import { PERM, PRODUCT, WEB } from './case-types.js';
import type { DeskStatistics } from './stats.js';

const KINDS: ReportKind[] = ['product', 'web'];
const FIRST_FY = 2004;

function formToInput(form: FormData, kind: ReportKind): ReportInput {
  const v = (k: string) => field(form, k);
  return {
    kind, reporterName: v('reporterName'), reporterEmail: v('reporterEmail'), reporterAffiliation: v('reporterAffiliation'),
    anonymous: v('anonymous') === 'on', isDeveloper: v('isDeveloper') === 'on', consentToShare: v('consentToShare') === 'on',
    wishCredit: v('wishCredit') === 'on', creditName: v('creditName'), productName: v('productName'), productVersions: v('productVersions'),
    vendorName: v('vendorName'), productCategory: (v('productCategory') || undefined) as ReportInput['productCategory'],
    siteUrl: v('siteUrl'), siteOperator: v('siteOperator'), cwe: v('cwe'), summary: v('summary'), description: v('description'),
    reproduction: v('reproduction'), impact: v('impact'), discoveredOn: v('discoveredOn'),
    disclosure: (v('disclosure') || undefined) as ReportInput['disclosure'], disclosureDetail: v('disclosureDetail'), pgpMessage: v('pgpMessage'),
  };
}

function formValues(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(form.fields)) if (k !== '_csrf' && k !== 'pgpMessage') out[k] = Array.isArray(val) ? val[0] : val;
  return out;
}

/** The period a statistics request names: a fiscal year, or one of its quarters. */
export function periodOf(fy: number, quarter: number | null): Period {
  return quarter ? fiscalQuarter(fy, quarter as 1 | 2 | 3 | 4) : fiscalYear(fy);
}

export async function deskRoutes(app: FastifyInstance, ctx: AppContext, svc: VulnDeskService) {
  const formLimit = { rateLimit: { max: ctx.config.publicFormRateLimit, timeWindow: '1 minute' } };
  const maxMb = Math.floor(ctx.config.maxAttachmentBytes / 1048576);

  app.get('/vulnerability-reports', async (req, reply) => {
    const key = await deskKey(ctx);
    return sendPage(reply, <LandingPage ctx={pageContext(req)} fingerprint={key.fingerprint} />);
  });

  app.get('/.well-known/pgp-key.asc', async (_req, reply) => {
    const key = await deskKey(ctx);
    return reply.type('application/pgp-keys').header('cache-control', 'public, max-age=3600').send(key.publicArmored);
  });

  app.get('/api/v1/cwe', {
    schema: { tags: ['vulnerability-reports'], summary: 'Search CWE entries for the report forms', querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })), lang: Type.Optional(Type.String()) }) },
  }, async (req) => ({ items: searchCwe((req.query as { q?: string }).q ?? '') }));

  for (const kind of KINDS) {
    app.get(`/vulnerability-reports/new/${kind}`, async (req, reply) => sendPage(reply, (
      <ReportFormPage ctx={pageContext(req)} kind={kind} values={{}} errors={[]} idempotencyKey={randomUUID()} action={`/vulnerability-reports/new/${kind}`} maxFiles={ctx.config.maxAttachmentsPerMessage} maxMb={maxMb} />
    )));
    app.post(`/vulnerability-reports/new/${kind}`, { config: formLimit }, async (req, reply) => {
      const form = readForm(req);
      return submitFromForm(req, reply, form, kind, undefined, `/vulnerability-reports/new/${kind}`, false);
    });
  }

  async function submitFromForm(req: FastifyRequest, reply: FastifyReply, form: FormData, kind: ReportKind, source: ReportSource | undefined, action: string, staff: boolean) {
    const idem = field(form, 'idempotencyKey');
    try {
      const res = await svc.submit(formToInput(form, kind), {
        actor: req.actor, idempotencyKey: /^[0-9a-f-]{36}$/i.test(idem) ? `form:${idem}` : undefined, files: form.files, ip: req.ip, source,
      });
      // The receipt number is shown only now, after the transaction has committed.
      if (staff) return reply.redirect(`/staff/cases/${res.record.ref}`, 303);
      return reply.redirect(`/track/${res.trackingToken}?received=1`, 303);
    } catch (e) {
      if (e instanceof AppError && (e.status === 422 || e.status === 413) && e.details.length) {
        return sendPage(reply, (
          <ReportFormPage ctx={pageContext(req)} kind={kind} values={formValues(form)} errors={e.details} idempotencyKey={/^[0-9a-f-]{36}$/i.test(idem) ? idem : randomUUID()} action={action} staff={staff} maxFiles={ctx.config.maxAttachmentsPerMessage} maxMb={maxMb} />
        ), e.status);
      }
      throw e;
    }
  }

  const reportBody = Type.Object({
    kind: Type.Union([Type.Literal('product'), Type.Literal('web')]),
    reporterName: Type.Optional(Type.String()), reporterEmail: Type.Optional(Type.String()), reporterAffiliation: Type.Optional(Type.String()),
    anonymous: Type.Optional(Type.Boolean()), isDeveloper: Type.Optional(Type.Boolean()), consentToShare: Type.Optional(Type.Boolean()),
    wishCredit: Type.Optional(Type.Boolean()), creditName: Type.Optional(Type.String()),
    productName: Type.Optional(Type.String()), productVersions: Type.Optional(Type.String()), vendorName: Type.Optional(Type.String()),
    productCategory: Type.Optional(Type.Union([Type.Literal('software'), Type.Literal('embedded')])),
    siteUrl: Type.Optional(Type.String()), siteOperator: Type.Optional(Type.String()),
    cwe: Type.Optional(Type.String()), summary: Type.Optional(Type.String()), description: Type.Optional(Type.String()),
    reproduction: Type.Optional(Type.String()), impact: Type.Optional(Type.String()), discoveredOn: Type.Optional(Type.String()),
    disclosure: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('disclosed'), Type.Literal('reported_elsewhere')])),
    disclosureDetail: Type.Optional(Type.String()),
    pgpMessage: Type.Optional(Type.String({ description: 'ASCII-armoured OpenPGP message encrypted to /.well-known/pgp-key.asc' })),
  }, { additionalProperties: false });

  app.post('/api/v1/vulnerability-reports', {
    config: formLimit,
    bodyLimit: 4 * 1024 * 1024,
    schema: {
      tags: ['vulnerability-reports'],
      summary: 'Submit a vulnerability report (product or website)',
      description: 'Send an `Idempotency-Key` header to make retries safe: the same key returns the same receipt. The receipt is returned only after the report is stored.',
      headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 100 })) }),
      body: reportBody,
      response: {
        201: Type.Object({ ref: Type.String(), kind: Type.String(), status: Type.String(), trackingUrl: Type.String(), receivedAt: Type.String() }),
        200: Type.Object({ ref: Type.String(), kind: Type.String(), status: Type.String(), trackingUrl: Type.String(), receivedAt: Type.String() }),
      },
    },
  }, async (req, reply) => {
    const key = req.headers['idempotency-key'] as string | undefined;
    const res = await svc.submit(req.body as ReportInput, { actor: req.actor, idempotencyKey: key ? `api:${key}` : undefined, ip: req.ip });
    const def = ctx.cases.typeDef(res.record.type);
    return reply.code(res.created ? 201 : 200).send({
      ref: res.record.ref, kind: res.record.type === PRODUCT ? 'product' : 'web', status: t(def.states[res.record.state].label, req.lang),
      trackingUrl: res.trackingUrl, receivedAt: res.record.receivedAt.toISOString(),
    });
  });

  // ---- Statistics --------------------------------------------------------------------------
  async function statsFor(fy: number, quarter: number | null): Promise<{ stats: DeskStatistics; period: Period; asOf: Date }> {
    const period = periodOf(fy, quarter);
    const now = new Date();
    const to = period.to.getTime() > now.getTime() ? now : period.to;
    const stats = await svc.statistics(period.from, to);
    return { stats, period, asOf: new Date(to.getTime() - 1) };
  }

  app.get('/vulnerability-reports/statistics', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const currentFy = fiscalYearOf(new Date());
    const fy = q.fy ? Number(q.fy) : currentFy;
    const quarter = q.q ? Number(q.q) : null;
    if (!Number.isInteger(fy) || fy < FIRST_FY || fy > currentFy) throw validationFailed([{ field: 'fy', message: { ja: `年度は ${FIRST_FY} から ${currentFy} の範囲で指定してください。`, en: `The fiscal year must be between ${FIRST_FY} and ${currentFy}.` } }]);
    if (quarter !== null && ![1, 2, 3, 4].includes(quarter)) throw validationFailed([{ field: 'q', message: { ja: '四半期は 1〜4 で指定してください。', en: 'The quarter must be 1 to 4.' } }]);
    const { stats, period, asOf } = await statsFor(fy, quarter);
    const self = `/vulnerability-reports/statistics?fy=${fy}${quarter ? `&q=${quarter}` : ''}`;
    if (q.format === 'csv') {
      const enc = parseCsvEncoding(q.encoding);
      return reply.type(csvContentType(enc)).header('content-disposition', csvDisposition(`vulnerability-reports-FY${fy}${quarter ? `-Q${quarter}` : ''}.csv`)).send(toCsv(statsCsvRows(stats, req.lang), enc));
    }
    const periods = [
      { href: `/vulnerability-reports/statistics?fy=${fy}`, label: req.lang === 'ja' ? `${fy}年度` : `FY${fy}`, current: quarter === null },
      ...[1, 2, 3, 4].map((n) => ({ href: `/vulnerability-reports/statistics?fy=${fy}&q=${n}`, label: req.lang === 'ja' ? `第${n}四半期` : `Q${n}`, current: quarter === n })),
      ...(fy > FIRST_FY ? [{ href: `/vulnerability-reports/statistics?fy=${fy - 1}`, label: req.lang === 'ja' ? `← ${fy - 1}年度` : `← FY${fy - 1}`, current: false }] : []),
      ...(fy < currentFy ? [{ href: `/vulnerability-reports/statistics?fy=${fy + 1}`, label: req.lang === 'ja' ? `${fy + 1}年度 →` : `FY${fy + 1} →`, current: false }] : []),
    ];
    return sendPage(reply, <StatsPage ctx={pageContext(req)} stats={stats} fy={fy} quarter={quarter} asOf={asOf} label={period.label} periods={periods} csvHref={`${self}&format=csv`} />);
  });

  app.get('/api/v1/vulnerability-reports/statistics', {
    schema: {
      tags: ['vulnerability-reports'],
      summary: 'Desk statistics as of a date (cumulative totals and the increase over the period)',
      description: 'asOf is a date (JST). period=fiscal_year (default) counts increases from the start of the fiscal year containing asOf; period=quarter from the start of its fiscal quarter.',
      querystring: Type.Object({
        asOf: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
        period: Type.Optional(Type.Union([Type.Literal('fiscal_year'), Type.Literal('quarter')])),
        lang: Type.Optional(Type.String()),
      }),
    },
  }, async (req) => {
    const { asOf, period = 'fiscal_year' } = req.query as { asOf: string; period?: 'fiscal_year' | 'quarter' };
    let to: Date;
    try { to = endOfJstDay(asOf); } catch { throw validationFailed([{ field: 'asOf', message: { ja: '存在しない日付です。', en: 'No such date.' } }]); }
    const last = new Date(to.getTime() - 1);
    const fy = fiscalYearOf(last);
    const m = jstParts(last).m;
    const quarter = period === 'quarter' ? ((m >= 4 ? Math.floor((m - 4) / 3) : 3) + 1) : null;
    const from = quarter ? fiscalQuarter(fy, quarter as 1 | 2 | 3 | 4).from : fiscalYear(fy).from;
    const stats = await svc.statistics(from, to);
    return { asOf, period, fiscalYear: fy, quarter, statistics: stats };
  });

  // ---- Staff: reports received by other channels, and desk actions ------------------------------
  for (const kind of KINDS) {
    app.get(`/staff/vuln/new/${kind}`, { onRequest: requirePermission(PERM.triage) }, async (req, reply) => sendPage(reply, (
      <ReportFormPage ctx={pageContext(req)} kind={kind} values={{}} errors={[]} idempotencyKey={randomUUID()} action={`/staff/vuln/new/${kind}`} staff maxFiles={ctx.config.maxAttachmentsPerMessage} maxMb={maxMb} />
    )));
    app.post(`/staff/vuln/new/${kind}`, { onRequest: requirePermission(PERM.triage) }, async (req, reply) => {
      const form = readForm(req);
      const src = field(form, 'source') as ReportSource;
      const source: ReportSource = kind === 'product' ? (src === 'developer' ? 'developer' : 'finder') : (src === 'open_bug_bounty' ? 'open_bug_bounty' : 'finder');
      return submitFromForm(req, reply, form, kind, source, `/staff/vuln/new/${kind}`, true);
    });
  }

  async function deskCase(req: FastifyRequest) {
    const { ref } = req.params as { ref: string };
    const c = await ctx.cases.read(ref, req.actor, req.ip);
    if (c.type !== PRODUCT && c.type !== WEB) throw notFound({ ja: '届出', en: 'report' });
    return c;
  }
  const back = (reply: FastifyReply, ref: string) => reply.redirect(`/staff/cases/${ref}`, 303);

  app.post('/staff/vuln/:ref/contact-developer', { onRequest: requirePermission(PERM.coordinate) }, async (req, reply) => {
    const c = await deskCase(req);
    const orgId = field(readForm(req), 'organisationId');
    await ctx.cases.transition(c.id, 'contact_developer', req.actor, { organisationId: orgId || undefined, expectedVersion: c.version });
    return back(reply, c.ref);
  });
  app.post('/staff/vuln/:ref/operator', { onRequest: requirePermission(PERM.coordinate) }, async (req, reply) => {
    const c = await deskCase(req);
    const form = readForm(req);
    await svc.addOperatorContact(c.id, { organisationId: field(form, 'organisationId') || undefined, email: field(form, 'email'), name: field(form, 'name') }, req.actor);
    return back(reply, c.ref);
  });
  app.post('/staff/vuln/:ref/advisory', { onRequest: requirePermission(PERM.advisory) }, async (req, reply) => {
    const c = await deskCase(req);
    const form = readForm(req);
    await svc.setAdvisory(c.id, Object.fromEntries(['advisoryTitle', 'advisorySummary', 'affectedProducts', 'cvssVector', 'solution'].map((k) => [k, field(form, k)])), req.actor);
    return back(reply, c.ref);
  });
  app.post('/staff/vuln/:ref/priority', { onRequest: requirePermission(PERM.priority) }, async (req, reply) => {
    const c = await deskCase(req);
    await svc.priorityProvision(c.id, field(readForm(req), 'organisationId'), req.actor);
    return back(reply, c.ref);
  });
  app.post('/staff/vuln/:ref/alert', { onRequest: requirePermission(PERM.publish) }, async (req, reply) => {
    const c = await deskCase(req);
    const form = readForm(req);
    const level = field(form, 'level') === 'emergency' ? 'emergency' : 'alert';
    await svc.issueAlert(c.id, level, field(form, 'alertTitle'), req.actor);
    return back(reply, c.ref);
  });

  // A developer proposes a publication date from its portal page.
  app.post('/cases/:ref/vuln/propose-date', { onRequest: requireLogin }, async (req, reply) => {
    const { ref } = req.params as { ref: string };
    const c = await ctx.cases.read(ref, req.actor, req.ip);
    const mine = (await ctx.cases.actorParties(c.id, req.actor)).filter((p) => p.role === 'vendor');
    if (!mine.length) throw notFound({ ja: '届出', en: 'report' });
    await svc.proposePublicationDate(c.id, field(readForm(req), 'proposedDate'), req.actor, mine[0].id);
    return reply.redirect(`/cases/${c.ref}`, 303);
  });

}
