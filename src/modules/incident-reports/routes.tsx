// HTTP surface of the desk: public forms and JSON API, the yearly statistics (HTML with chart, CSV,
// JSON), the published case write-ups, and the staff pages (entry of e-mail/paper reports, review
// actions, request-for-report records, write-ups).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../platform/context.js';
import { AppError, notFound, validationFailed } from '../../platform/http/errors.js';
import { pageContext, sendPage } from '../../platform/http/request.js';
import { readForm, field, fieldList, type FormData } from '../../platform/http/forms.js';
import { requirePermission } from '../../platform/auth/guards.js';
import { fiscalYear, fiscalYearOf, jstMidnight, jstParts, type Period } from '../../platform/i18n/dates.js';
import { csvContentType, csvDisposition, parseCsvEncoding, toCsv } from '../../platform/stats/csv.js';
import { categoryChartSvg } from '../../platform/ui/charts.js';
import { t, type Lang } from '../../platform/i18n/i18n.js';
import type { IncidentReportsService } from './service.js';
import type { IncidentInput } from './validate.js';
import { KIND_LABEL, KINDS, type IncidentKind } from './vocab.js';
import { CaseStudiesPage, CaseStudyPage, FORM_TITLE, LandingPage, ReportFormPage, RequestsPage, StatsPage, StudiesStaffPage, StudyEditPage, monthLabel, statsCsvRows } from './pages.js';
import { KIND_OF, PERM, UNAUTHORIZED, VIRUS } from './case-types.js';
import type { IncidentStatistics } from './stats.js';

export const FIRST_YEAR = 2000;
const MULTI = ['detectionRoutes', 'attackMethods', 'affectedSystems', 'damageTypes'];

function formToInput(form: FormData, kind: IncidentKind): IncidentInput {
  const v = (k: string) => field(form, k);
  return {
    kind, reporterType: v('reporterType'), reporterName: v('reporterName'), reporterEmail: v('reporterEmail'), reporterPhone: v('reporterPhone'),
    organisationName: v('organisationName'), department: v('department'), sector: v('sector'), size: v('size'),
    malwareName: v('malwareName'), malwareFile: v('malwareFile'), detectionRoutes: fieldList(form, 'detectionRoutes'), os: v('os'), software: v('software'),
    discoveredOn: v('discoveredOn'), attackMethods: fieldList(form, 'attackMethods'), affectedSystems: fieldList(form, 'affectedSystems'),
    reportedToPolice: v('reportedToPolice'), damaged: v('damaged'), damageTypes: fieldList(form, 'damageTypes'), occurredOn: v('occurredOn'),
    description: v('description'), countermeasures: v('countermeasures'),
  };
}

function formValues(form: FormData): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, val] of Object.entries(form.fields)) if (k !== '_csrf') out[k] = MULTI.includes(k) ? (Array.isArray(val) ? val : [val]) : Array.isArray(val) ? val[0] : val;
  return out;
}
function plainValues(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(form.fields)) if (k !== '_csrf') out[k] = field(form, k);
  return out;
}

/** The period of a statistics request: a calendar year (届出状況 as published) or a fiscal year (annual report). */
export function periodOf(q: { year?: string; fy?: string }): { period: Period; kind: 'year' | 'fy'; n: number } {
  const now = new Date();
  const thisYear = jstParts(now).y;
  if (q.fy !== undefined) {
    const fy = Number(q.fy);
    const maxFy = fiscalYearOf(now);
    if (!Number.isInteger(fy) || fy < FIRST_YEAR || fy > maxFy) throw validationFailed([{ field: 'fy', message: { ja: `年度は ${FIRST_YEAR} から ${maxFy} の範囲で指定してください。`, en: `The fiscal year must be between ${FIRST_YEAR} and ${maxFy}.` } }]);
    return { period: fiscalYear(fy), kind: 'fy', n: fy };
  }
  const y = q.year !== undefined ? Number(q.year) : thisYear;
  if (!Number.isInteger(y) || y < FIRST_YEAR || y > thisYear) throw validationFailed([{ field: 'year', message: { ja: `年は ${FIRST_YEAR} から ${thisYear} の範囲で指定してください。`, en: `The year must be between ${FIRST_YEAR} and ${thisYear}.` } }]);
  return { period: { from: jstMidnight(y, 1, 1), to: jstMidnight(y + 1, 1, 1), label: { ja: `${y}年（1月〜12月）`, en: `${y} (January–December)` } }, kind: 'year', n: y };
}

export function monthlyChart(s: IncidentStatistics, lang: Lang, key: string): string {
  const categories = s.virus.byMonth.map((m) => monthLabel(m.month, lang).replace(/^\d{4}年/, '').replace(/^\d{4}-/, ''));
  const series = (['virus', 'unauthorized'] as const).map((k) => ({ name: t(KIND_LABEL[k], lang), type: 'bar' as const, data: s[k].byMonth.map((m) => m.received) }));
  const desc = s.virus.byMonth.map((m, i) => `${monthLabel(m.month, lang)}: ${series[0].name} ${m.received}, ${series[1].name} ${s.unauthorized.byMonth[i].received}`).join('; ');
  return categoryChartSvg({ categories, series, lang, key: `incident-reports-${key}-${lang}`, label: lang === 'ja' ? '月別の届出件数' : 'Reports per month', desc, width: 720, height: 300 });
}

export async function incidentRoutes(app: FastifyInstance, ctx: AppContext, svc: IncidentReportsService) {
  const formLimit = { rateLimit: { max: ctx.config.publicFormRateLimit, timeWindow: '1 minute' } };
  const maxMb = Math.floor(ctx.config.maxAttachmentBytes / 1048576);
  const idemOf = (form: FormData) => { const k = field(form, 'idempotencyKey'); return /^[0-9a-f-]{36}$/i.test(k) ? k : null; };

  app.get('/incident-reports', async (req, reply) => sendPage(reply, <LandingPage ctx={pageContext(req)} />));

  async function submitFromForm(req: FastifyRequest, reply: FastifyReply, kind: IncidentKind, staff: boolean) {
    const form = readForm(req);
    const action = staff ? `/staff/incident-reports/new/${kind}` : `/incident-reports/new/${kind}`;
    const idem = idemOf(form);
    const channel = staff ? (field(form, 'channel') === 'paper' ? 'paper' : 'email') : 'web';
    try {
      const res = await svc.submit(formToInput(form, kind), { actor: req.actor, channel, idempotencyKey: idem ? `form:${idem}` : undefined, files: form.files, ip: req.ip });
      // The receipt number is shown only now, after the transaction has committed.
      if (staff) return reply.redirect(`/staff/cases/${res.record.ref}`, 303);
      return reply.redirect(`/track/${res.trackingToken}?received=1`, 303);
    } catch (e) {
      if (e instanceof AppError && (e.status === 422 || e.status === 413) && e.details.length) {
        return sendPage(reply, <ReportFormPage ctx={pageContext(req)} kind={kind} values={formValues(form)} errors={e.details} idempotencyKey={idem ?? randomUUID()} action={action} staff={staff} maxFiles={ctx.config.maxAttachmentsPerMessage} maxMb={maxMb} />, e.status);
      }
      throw e;
    }
  }

  for (const kind of KINDS) {
    app.get(`/incident-reports/new/${kind}`, async (req, reply) => sendPage(reply, (
      <ReportFormPage ctx={pageContext(req)} kind={kind} values={{}} errors={[]} idempotencyKey={randomUUID()} action={`/incident-reports/new/${kind}`} maxFiles={ctx.config.maxAttachmentsPerMessage} maxMb={maxMb} />
    )));
    app.post(`/incident-reports/new/${kind}`, { config: formLimit }, async (req, reply) => submitFromForm(req, reply, kind, false));
    app.get(`/staff/incident-reports/new/${kind}`, { onRequest: requirePermission(PERM.intake) }, async (req, reply) => sendPage(reply, (
      <ReportFormPage ctx={pageContext(req)} kind={kind} values={{}} errors={[]} idempotencyKey={randomUUID()} action={`/staff/incident-reports/new/${kind}`} staff maxFiles={ctx.config.maxAttachmentsPerMessage} maxMb={maxMb} />
    )));
    app.post(`/staff/incident-reports/new/${kind}`, { onRequest: requirePermission(PERM.intake) }, async (req, reply) => submitFromForm(req, reply, kind, true));
  }

  const list = (desc: string) => Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20, description: desc }));
  const body = Type.Object({
    kind: Type.Union([Type.Literal('virus'), Type.Literal('unauthorized')]),
    reporterType: Type.Union([Type.Literal('individual'), Type.Literal('company'), Type.Literal('organisation')]),
    reporterName: Type.String(), reporterEmail: Type.String(), reporterPhone: Type.Optional(Type.String()),
    organisationName: Type.Optional(Type.String()), department: Type.Optional(Type.String()), sector: Type.Optional(Type.String()), size: Type.Optional(Type.String()),
    malwareName: Type.Optional(Type.String()), malwareFile: Type.Optional(Type.String()), detectionRoutes: list('virus: mail, web, download, usb, network, other'),
    os: Type.Optional(Type.String()), software: Type.Optional(Type.String()), discoveredOn: Type.Optional(Type.String()),
    attackMethods: list('unauthorised access: password_list, brute_force, vulnerability, phishing, misconfiguration, insider, unknown'),
    affectedSystems: list('unauthorised access: website, mail, cloud, server, vpn, pc, other'),
    reportedToPolice: Type.Optional(Type.Boolean()), damaged: Type.Boolean(), damageTypes: list('kinds of damage (see the form)'),
    occurredOn: Type.Optional(Type.String()), description: Type.String(), countermeasures: Type.Optional(Type.String()),
  }, { additionalProperties: false });
  const receipt = Type.Object({ ref: Type.String(), kind: Type.String(), status: Type.String(), trackingUrl: Type.String(), receivedAt: Type.String() });

  app.post('/api/v1/incident-reports', {
    config: formLimit,
    bodyLimit: 1024 * 1024,
    schema: {
      tags: ['incident-reports'], summary: 'Report a computer virus or unauthorised access (METI notices)',
      description: 'Send an `Idempotency-Key` header to make retries safe: the same key returns the same receipt. The receipt is returned only after the report is stored.',
      headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 100 })) }),
      body, response: { 201: receipt, 200: receipt },
    },
  }, async (req, reply) => {
    const key = req.headers['idempotency-key'] as string | undefined;
    const res = await svc.submit(req.body as IncidentInput, { actor: req.actor, channel: 'api', idempotencyKey: key ? `api:${key}` : undefined, ip: req.ip });
    const def = ctx.cases.typeDef(res.record.type);
    return reply.code(res.created ? 201 : 200).send({
      ref: res.record.ref, kind: KIND_OF[res.record.type], status: t(def.states[res.record.state].label, req.lang), trackingUrl: res.trackingUrl, receivedAt: res.record.receivedAt.toISOString(),
    });
  });

  // ---- Statistics (届出状況) -----------------------------------------------------------------
  async function statsFor(q: { year?: string; fy?: string }) {
    const p = periodOf(q);
    const now = new Date();
    const to = p.period.to.getTime() > now.getTime() ? now : p.period.to;
    // The current year is counted up to now (its months so far).
    const stats = await svc.statistics(p.period.from, to);
    return { ...p, stats, asOf: new Date(to.getTime() - 1) };
  }

  app.get('/incident-reports/statistics', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const { period, kind, n, stats } = await statsFor({ year: q.year, fy: q.fy });
    const lang = req.lang;
    const J = lang === 'ja';
    const self = `/incident-reports/statistics?${kind === 'fy' ? 'fy' : 'year'}=${n}`;
    if (q.format === 'csv') {
      const enc = parseCsvEncoding(q.encoding);
      return reply.type(csvContentType(enc)).header('content-disposition', csvDisposition(`incident-reports-${kind === 'fy' ? 'FY' : ''}${n}.csv`)).send(toCsv(statsCsvRows(stats, lang), enc));
    }
    const thisYear = jstParts(new Date()).y;
    const periods = kind === 'year' ? [
      ...(n > FIRST_YEAR ? [{ href: `/incident-reports/statistics?year=${n - 1}`, label: J ? `← ${n - 1}年` : `← ${n - 1}`, current: false }] : []),
      { href: self, label: J ? `${n}年` : `${n}`, current: true },
      ...(n < thisYear ? [{ href: `/incident-reports/statistics?year=${n + 1}`, label: J ? `${n + 1}年 →` : `${n + 1} →`, current: false }] : []),
      { href: `/incident-reports/statistics?fy=${n}`, label: J ? `${n}年度（4月〜翌3月）` : `FY${n} (April–March)`, current: false },
    ] : [
      { href: `/incident-reports/statistics?year=${n}`, label: J ? `${n}年（1月〜12月）` : `${n} (calendar year)`, current: false },
      { href: self, label: J ? `${n}年度` : `FY${n}`, current: true },
    ];
    const title = { ja: `コンピュータウイルス・不正アクセスの届出状況 ${period.label.ja}`, en: `Computer virus and unauthorised access reports: ${period.label.en}` };
    const periodNote = kind === 'year'
      ? { ja: '届出状況は暦年（1月〜12月）で公表しています。受付日（日本時間）で集計し、被害の内容・経路・手口は複数回答です。', en: 'The statistics are published per calendar year (January–December), counted by date of receipt (JST); kinds of damage, routes and methods allow multiple answers.' }
      : { ja: '年度（4月〜翌3月）の集計です。業務実績報告書の「届出受付の状況」はこの値です。', en: 'Fiscal-year figures (April–March), as the annual performance report prints them.' };
    return sendPage(reply, <StatsPage ctx={pageContext(req)} stats={stats} title={title} periodNote={periodNote} periods={periods} csvHref={`${self}&format=csv`} chartSvg={monthlyChart(stats, lang, `${kind}${n}`)} />);
  });

  app.get('/api/v1/incident-reports/statistics', {
    schema: {
      tags: ['incident-reports'], summary: 'Report statistics for a calendar year (year=) or a fiscal year (fy=)',
      querystring: Type.Object({ year: Type.Optional(Type.String({ pattern: '^\\d{4}$' })), fy: Type.Optional(Type.String({ pattern: '^\\d{4}$' })), lang: Type.Optional(Type.String()) }),
    },
  }, async (req) => {
    const q = req.query as { year?: string; fy?: string };
    const { kind, n, stats } = await statsFor(q);
    return { [kind === 'fy' ? 'fiscalYear' : 'year']: n, statistics: stats };
  });

  // ---- Case write-ups (届出事例) ---------------------------------------------------------------
  app.get('/incident-reports/case-studies', async (req, reply) => sendPage(reply, <CaseStudiesPage ctx={pageContext(req)} studies={await svc.listStudies({ publishedOnly: true })} />));
  app.get('/incident-reports/case-studies/:id', async (req, reply) => {
    const s = await svc.getStudy((req.params as { id: string }).id);
    if (!s || s.state !== 'published') throw notFound({ ja: '届出事例', en: 'case write-up' });
    return sendPage(reply, <CaseStudyPage ctx={pageContext(req)} study={s} />);
  });

  // ---- Staff actions on a case ---------------------------------------------------------------
  async function deskCase(req: FastifyRequest) {
    const { ref } = req.params as { ref: string };
    const c = await ctx.cases.read(ref, req.actor, req.ip);
    if (c.type !== VIRUS && c.type !== UNAUTHORIZED) throw notFound({ ja: '届出', en: 'report' });
    return c;
  }
  app.post('/staff/incident-reports/:ref/classify', { onRequest: requirePermission(PERM.handle) }, async (req, reply) => {
    const c = await deskCase(req);
    const form = readForm(req);
    await svc.classify(c.id, { code: field(form, 'classification'), notable: field(form, 'notable') === 'on', note: field(form, 'classificationNote') }, req.actor);
    return reply.redirect(`/staff/cases/${c.ref}`, 303);
  });
  app.post('/staff/incident-reports/:ref/hearing', { onRequest: requirePermission(PERM.handle) }, async (req, reply) => {
    const c = await deskCase(req);
    const form = readForm(req);
    await svc.addHearing(c.id, { on: field(form, 'hearingOn'), method: field(form, 'hearingMethod'), note: field(form, 'hearingNote') }, req.actor);
    return reply.redirect(`/staff/cases/${c.ref}`, 303);
  });

  // ---- Request-for-report records -----------------------------------------------------------
  app.get('/staff/incident-reports/requests', { onRequest: requirePermission(PERM.requests) }, async (req, reply) =>
    sendPage(reply, <RequestsPage ctx={pageContext(req)} requests={await svc.listRequests()} errors={[]} values={{}} />));
  app.post('/staff/incident-reports/requests', { onRequest: requirePermission(PERM.requests) }, async (req, reply) => {
    const form = readForm(req);
    try {
      await svc.createRequest(plainValues(form), req.actor, req.ip);
      return reply.redirect('/staff/incident-reports/requests', 303);
    } catch (e) {
      if (e instanceof AppError && e.status === 422) return sendPage(reply, <RequestsPage ctx={pageContext(req)} requests={await svc.listRequests()} errors={e.details} values={plainValues(form)} />, 422);
      throw e;
    }
  });
  app.post('/staff/incident-reports/requests/:id', { onRequest: requirePermission(PERM.requests) }, async (req, reply) => {
    const form = readForm(req);
    try {
      await svc.updateRequest((req.params as { id: string }).id, { status: field(form, 'status'), requestedOn: field(form, 'requestedOn'), caseRef: field(form, 'caseRef'), note: form.fields.note === undefined ? undefined : field(form, 'note') }, req.actor, req.ip);
      return reply.redirect('/staff/incident-reports/requests', 303);
    } catch (e) {
      if (e instanceof AppError && e.status === 422) return sendPage(reply, <RequestsPage ctx={pageContext(req)} requests={await svc.listRequests()} errors={e.details} values={{}} />, 422);
      throw e;
    }
  });

  // ---- Write-ups: draft → reviewed → published -----------------------------------------------
  const can = (req: FastifyRequest) => (p: string) => req.actor.permissions.has(p);
  const staffStudies = requirePermission(PERM.read);
  app.get('/staff/incident-reports/studies', { onRequest: staffStudies }, async (req, reply) =>
    sendPage(reply, <StudiesStaffPage ctx={pageContext(req)} studies={await svc.listStudies({ publishedOnly: false })} can={can(req)} />));
  app.get('/staff/incident-reports/studies/new', { onRequest: requirePermission(PERM.author) }, async (req, reply) =>
    sendPage(reply, <StudyEditPage ctx={pageContext(req)} study={null} values={{}} errors={[]} can={can(req)} />));
  app.get('/staff/incident-reports/studies/:id', { onRequest: staffStudies }, async (req, reply) => {
    const s = await svc.getStudy((req.params as { id: string }).id);
    if (!s) throw notFound({ ja: '届出事例', en: 'case write-up' });
    return sendPage(reply, <StudyEditPage ctx={pageContext(req)} study={s} values={{}} errors={[]} can={can(req)} />);
  });
  async function save(req: FastifyRequest, reply: FastifyReply, id: string | null) {
    const form = readForm(req);
    try {
      const s = await svc.saveStudy(id, plainValues(form), req.actor, req.ip);
      return reply.redirect(`/staff/incident-reports/studies/${s.id}`, 303);
    } catch (e) {
      if (e instanceof AppError && e.status === 422) {
        const study = id ? (await svc.getStudy(id)) ?? null : null;
        return sendPage(reply, <StudyEditPage ctx={pageContext(req)} study={study} values={plainValues(form)} errors={e.details} can={can(req)} />, 422);
      }
      throw e;
    }
  }
  app.post('/staff/incident-reports/studies', { onRequest: requirePermission(PERM.author) }, async (req, reply) => save(req, reply, null));
  app.post('/staff/incident-reports/studies/:id', { onRequest: requirePermission(PERM.author) }, async (req, reply) => save(req, reply, (req.params as { id: string }).id));
  app.post('/staff/incident-reports/studies/:id/review', { onRequest: requirePermission(PERM.publish) }, async (req, reply) => {
    const s = await svc.reviewStudy((req.params as { id: string }).id, req.actor, req.ip);
    return reply.redirect(`/staff/incident-reports/studies/${s.id}`, 303);
  });
  app.post('/staff/incident-reports/studies/:id/publish', { onRequest: requirePermission(PERM.publish) }, async (req, reply) => {
    const s = await svc.publishStudy((req.params as { id: string }).id, req.actor, req.ip);
    return reply.redirect(`/staff/incident-reports/studies/${s.id}`, 303);
  });
}

export { FORM_TITLE };
