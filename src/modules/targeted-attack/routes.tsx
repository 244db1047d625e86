// HTTP surface: public forms and JSON API, the public half-yearly summary (HTML, CSV, JSON), and the
// staff pages: desk, case detail, notes/advice/indicators, quarantine release, J-CRAT, statistics.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../platform/context.js';
import { AppError, notFound, validationFailed } from '../../platform/http/errors.js';
import { pageContext, sendPage } from '../../platform/http/request.js';
import { readForm, field, type FormData } from '../../platform/http/forms.js';
import { requirePermission, requireStaff } from '../../platform/auth/guards.js';
import { sendAttachment } from '../../platform/files/download.js';
import { fiscalYear, fiscalYearOf } from '../../platform/i18n/dates.js';
import { csvContentType, csvDisposition, parseCsvEncoding, toCsv } from '../../platform/stats/csv.js';
import { t, type Lang } from '../../platform/i18n/i18n.js';
import { categoryChartSvg } from '../../platform/ui/charts.js';
import { CONSULTATION, ITEM, JCRAT, PERM } from './case-types.js';
import type { ConsultationInput, ItemInput, PeriodCounts, TargetedAttackService } from './service.js';
import { ConsultFormPage, DownloadPage, ItemFormPage, JcratFormPage, LandingPage, StaffCasePage, StaffDeskPage, StatsPage, statsRows, type HalfRow } from './pages.js';
import { generateArchivePassword } from '../../shared/quarantine.js';

export const FIRST_FY = 2016;

function formValues(form: FormData, omit: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(form.fields)) if (k !== '_csrf' && !omit.includes(k)) out[k] = Array.isArray(val) ? val[0] : val;
  return out;
}

const IDEM = /^[0-9a-f-]{36}$/i;

export async function taRoutes(app: FastifyInstance, ctx: AppContext, svc: TargetedAttackService) {
  const formLimit = { rateLimit: { max: ctx.config.publicFormRateLimit, timeWindow: '1 minute' } };
  const maxMb = Math.floor(ctx.config.maxAttachmentBytes / 1048576);
  const maxFiles = ctx.config.maxAttachmentsPerMessage;

  app.get('/targeted-attack', async (req, reply) => sendPage(reply, <LandingPage ctx={pageContext(req)} />));

  // ---- Items: public form, staff form, JSON API ----------------------------------------------
  const itemForm = (req: FastifyRequest, reply: FastifyReply, action: string, staff: boolean) =>
    sendPage(reply, <ItemFormPage ctx={pageContext(req)} values={{}} errors={[]} idempotencyKey={randomUUID()} action={action} maxFiles={maxFiles} maxMb={maxMb} staff={staff} />);

  async function submitItemForm(req: FastifyRequest, reply: FastifyReply, action: string, staff: boolean) {
    const form = readForm(req);
    const v = (k: string) => field(form, k);
    const idem = v('idempotencyKey');
    const input: ItemInput = {
      kind: v('kind'), submitterName: v('submitterName'), submitterEmail: v('submitterEmail'), submitterOrganisation: v('submitterOrganisation'),
      title: v('title'), description: v('description'), sourceUrl: v('sourceUrl'), rawEmail: typeof form.fields.rawEmail === 'string' ? form.fields.rawEmail : v('rawEmail'),
    };
    try {
      const res = await svc.submitItem(input, { actor: req.actor, idempotencyKey: IDEM.test(idem) ? `ta-form:${idem}` : undefined, files: form.files, ip: req.ip });
      if (staff) return reply.redirect(`/staff/targeted-attack/cases/${res.record.ref}`, 303);
      return reply.redirect(`/track/${res.trackingToken}?received=1`, 303);
    } catch (e) {
      if (e instanceof AppError && (e.status === 422 || e.status === 413) && e.details.length) {
        return sendPage(reply, <ItemFormPage ctx={pageContext(req)} values={formValues(form, ['rawEmail'])} errors={e.details} idempotencyKey={IDEM.test(idem) ? idem : randomUUID()} action={action} maxFiles={maxFiles} maxMb={maxMb} staff={staff} />, e.status);
      }
      throw e;
    }
  }

  app.get('/targeted-attack/submit', async (req, reply) => itemForm(req, reply, '/targeted-attack/submit', false));
  app.post('/targeted-attack/submit', { config: formLimit }, async (req, reply) => submitItemForm(req, reply, '/targeted-attack/submit', false));
  app.get('/staff/targeted-attack/new', { onRequest: requirePermission(PERM.triage) }, async (req, reply) => itemForm(req, reply, '/staff/targeted-attack/new', true));
  app.post('/staff/targeted-attack/new', { onRequest: requirePermission(PERM.triage) }, async (req, reply) => submitItemForm(req, reply, '/staff/targeted-attack/new', true));

  const receipt = Type.Object({ ref: Type.String(), status: Type.String(), trackingUrl: Type.String(), receivedAt: Type.String() });
  const statusOf = (type: string, state: string, lang: Lang) => t(ctx.cases.typeDef(type).states[state].label, lang);

  app.post('/api/v1/targeted-attack/submissions', {
    config: formLimit,
    bodyLimit: Math.ceil(ctx.config.maxAttachmentBytes * 1.4) + 64 * 1024,
    schema: {
      tags: ['targeted-attack'],
      summary: 'Send a suspicious e-mail, a suspicious file or public threat information',
      description: 'kind=email takes `emlBase64` (the .eml file) or `rawEmail` (its source); kind=file takes `file` {filename, base64}; kind=threat_info takes `description` and/or `sourceUrl`. Files are stored encrypted in quarantine and never opened. Send an `Idempotency-Key` header to make retries safe.',
      headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 100 })) }),
      body: Type.Object({
        kind: Type.Union([Type.Literal('email'), Type.Literal('file'), Type.Literal('threat_info')]),
        submitterName: Type.Optional(Type.String()), submitterEmail: Type.String(), submitterOrganisation: Type.Optional(Type.String()),
        title: Type.Optional(Type.String()), description: Type.Optional(Type.String()), sourceUrl: Type.Optional(Type.String()),
        rawEmail: Type.Optional(Type.String()), emlBase64: Type.Optional(Type.String()),
        file: Type.Optional(Type.Object({ filename: Type.String({ maxLength: 300 }), base64: Type.String() }, { additionalProperties: false })),
      }, { additionalProperties: false }),
      response: { 201: receipt, 200: receipt },
    },
  }, async (req, reply) => {
    const key = req.headers['idempotency-key'] as string | undefined;
    const res = await svc.submitItem(req.body as ItemInput, { actor: req.actor, channel: 'api', idempotencyKey: key ? `ta-api:${key}` : undefined, ip: req.ip });
    return reply.code(res.created ? 201 : 200).send({ ref: res.record.ref, status: statusOf(ITEM, res.record.state, req.lang), trackingUrl: res.trackingUrl, receivedAt: res.record.receivedAt.toISOString() });
  });

  // ---- Consultations ------------------------------------------------------------------------------
  app.get('/targeted-attack/consult', async (req, reply) => sendPage(reply, <ConsultFormPage ctx={pageContext(req)} values={{}} errors={[]} idempotencyKey={randomUUID()} action="/targeted-attack/consult" />));
  app.post('/targeted-attack/consult', { config: formLimit }, async (req, reply) => {
    const form = readForm(req);
    const v = (k: string) => field(form, k);
    const idem = v('idempotencyKey');
    try {
      const res = await svc.submitConsultation({
        submitterName: v('submitterName'), submitterEmail: v('submitterEmail'), submitterOrganisation: v('submitterOrganisation'), submitterPhone: v('submitterPhone'),
        sector: v('sector'), title: v('title'), description: v('description'),
      }, { actor: req.actor, idempotencyKey: IDEM.test(idem) ? `ta-consult:${idem}` : undefined, ip: req.ip });
      return reply.redirect(`/track/${res.trackingToken}?received=1`, 303);
    } catch (e) {
      if (e instanceof AppError && e.status === 422) {
        return sendPage(reply, <ConsultFormPage ctx={pageContext(req)} values={formValues(form)} errors={e.details} idempotencyKey={IDEM.test(idem) ? idem : randomUUID()} action="/targeted-attack/consult" />, 422);
      }
      throw e;
    }
  });
  app.post('/api/v1/targeted-attack/consultations', {
    config: formLimit,
    schema: {
      tags: ['targeted-attack'], summary: 'Ask the special consultation desk for a consultation',
      headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 100 })) }),
      body: Type.Object({
        submitterName: Type.Optional(Type.String()), submitterEmail: Type.String(), submitterOrganisation: Type.Optional(Type.String()), submitterPhone: Type.Optional(Type.String()),
        sector: Type.Optional(Type.String()), title: Type.String(), description: Type.String(),
      }, { additionalProperties: false }),
      response: { 201: receipt, 200: receipt },
    },
  }, async (req, reply) => {
    const key = req.headers['idempotency-key'] as string | undefined;
    const res = await svc.submitConsultation(req.body as ConsultationInput, { actor: req.actor, channel: 'api', idempotencyKey: key ? `ta-consult-api:${key}` : undefined, ip: req.ip });
    return reply.code(res.created ? 201 : 200).send({ ref: res.record.ref, status: statusOf(CONSULTATION, res.record.state, req.lang), trackingUrl: res.trackingUrl, receivedAt: res.record.receivedAt.toISOString() });
  });

  // ---- Statistics (public: counts only; staff: with advice) ------------------------------------
  function parseFy(q: Record<string, string | undefined>): number {
    const current = fiscalYearOf(new Date());
    const fy = q.fy ? Number(q.fy) : current;
    if (!Number.isInteger(fy) || fy < FIRST_FY || fy > current) {
      throw validationFailed([{ field: 'fy', message: { ja: `年度は ${FIRST_FY} から ${current} の範囲で指定してください。`, en: `The fiscal year must be between ${FIRST_FY} and ${current}.` } }]);
    }
    return fy;
  }

  async function yearOf(fy: number): Promise<{ rows: HalfRow[]; total: PeriodCounts }> {
    const now = new Date();
    const rows = await svc.halfYearly(fy, now);
    const p = fiscalYear(fy);
    const total = await svc.counts(p.from, p.to < now ? p.to : now);
    return { rows, total };
  }

  async function chartFor(fy: number, lang: Lang): Promise<string> {
    // The chosen year and the two before it, by half-year.
    const years = [fy - 2, fy - 1, fy].filter((y) => y >= FIRST_FY);
    const halves = (await Promise.all(years.map((y) => svc.halfYearly(y)))).flat();
    return categoryChartSvg({
      key: `targeted-attack-${fy}-${lang}`, lang, width: 720, height: 320,
      label: lang === 'ja' ? `${fy}年度までの半期別件数` : `Half-yearly figures up to FY${fy}`,
      desc: halves.map((h) => `${t(h.label, lang)}: items ${h.counts.items}, consultations ${h.counts.consultations}, remote ${h.counts.jcratRemote}, on-site ${h.counts.jcratOnsite}`).join('; '),
      categories: halves.map((h) => t(h.label, lang)),
      series: [
        { name: lang === 'ja' ? '受領件数' : 'Items received', type: 'line', data: halves.map((h) => h.counts.items) },
        { name: lang === 'ja' ? '相談対応件数' : 'Consultations', type: 'line', data: halves.map((h) => h.counts.consultations) },
        { name: lang === 'ja' ? 'J-CRAT リモート対応' : 'J-CRAT remote', type: 'bar', data: halves.map((h) => h.counts.jcratRemote) },
        { name: lang === 'ja' ? 'うちオンサイト対応' : 'of which on site', type: 'bar', data: halves.map((h) => h.counts.jcratOnsite) },
      ],
    });
  }

  async function statsPage(req: FastifyRequest, reply: FastifyReply, staff: boolean) {
    const q = req.query as Record<string, string | undefined>;
    const fy = parseFy(q);
    const base = staff ? '/staff/targeted-attack/statistics' : '/targeted-attack/statistics';
    const { rows, total } = await yearOf(fy);
    if (q.format === 'csv') {
      const enc = parseCsvEncoding(q.encoding);
      const lang = req.lang;
      const header = [lang === 'ja' ? '区分' : 'Category', ...rows.map((h) => t(h.label, lang)), lang === 'ja' ? '年度計' : 'Fiscal year'];
      const body = statsRows(rows, total, lang, staff).map((r) => [r.label.trim(), ...r.cells]);
      return reply.type(csvContentType(enc)).header('content-disposition', csvDisposition(`targeted-attack-FY${fy}.csv`)).send(toCsv([header, ...body], enc));
    }
    const current = fiscalYearOf(new Date());
    const periods = [];
    for (let y = Math.max(FIRST_FY, fy - 4); y <= Math.min(current, fy + 2); y++) periods.push({ href: `${base}?fy=${y}`, label: req.lang === 'ja' ? `${y}年度` : `FY${y}`, current: y === fy });
    return sendPage(reply, <StatsPage ctx={pageContext(req)} fy={fy} rows={rows} total={total} chartSvg={await chartFor(fy, req.lang)} csvHref={`${base}?fy=${fy}&format=csv`} periods={periods} staff={staff} />);
  }

  app.get('/targeted-attack/statistics', async (req, reply) => statsPage(req, reply, false));
  app.get('/staff/targeted-attack/statistics', { onRequest: requirePermission(PERM.stats) }, async (req, reply) => statsPage(req, reply, true));

  const countsSchema = Type.Object({
    items: Type.Integer(), itemsByKind: Type.Object({ email: Type.Integer(), file: Type.Integer(), threat_info: Type.Integer() }),
    consultations: Type.Integer(), jcratRemote: Type.Integer(), jcratOnsite: Type.Integer(),
  });
  app.get('/api/v1/targeted-attack/statistics', {
    schema: {
      tags: ['targeted-attack'], summary: 'Half-yearly figures of the desk and J-CRAT for a fiscal year (counts only)',
      querystring: Type.Object({ fy: Type.Optional(Type.String({ pattern: '^\\d{4}$' })), lang: Type.Optional(Type.String()) }),
      response: { 200: Type.Object({ fiscalYear: Type.Integer(), halves: Type.Array(Type.Object({ half: Type.String(), from: Type.String(), to: Type.String(), counts: countsSchema })), total: countsSchema }) },
    },
  }, async (req) => {
    const fy = parseFy(req.query as Record<string, string | undefined>);
    const { rows, total } = await yearOf(fy);
    // Advice counts are internal; the public API carries what the public page shows.
    const pub = (c: PeriodCounts) => ({ items: c.items, itemsByKind: c.itemsByKind, consultations: c.consultations, jcratRemote: c.jcratRemote, jcratOnsite: c.jcratOnsite });
    return { fiscalYear: fy, halves: rows.map((h) => ({ half: h.key, from: h.from.toISOString(), to: h.to.toISOString(), counts: pub(h.counts) })), total: pub(total) };
  });

  // ---- Staff desk and case detail ---------------------------------------------------------------
  const can = (req: FastifyRequest) => (p: string) => req.actor.permissions.has(p);
  const anyDeskPerm = requireStaff;

  app.get('/staff/targeted-attack', { onRequest: anyDeskPerm }, async (req, reply) => {
    if (!req.actor.permissions.has(PERM.read) && !req.actor.permissions.has(PERM.jcratRead)) throw notFound();
    const recent = req.actor.permissions.has(PERM.read) ? (await ctx.cases.search({ types: [ITEM, CONSULTATION] }, { limit: 30, withTotal: false })).items : [];
    const jcrat = req.actor.permissions.has(PERM.jcratRead) ? (await ctx.cases.search({ type: JCRAT, open: true }, { limit: 30, withTotal: false })).items : [];
    const defs = new Map([ITEM, CONSULTATION, JCRAT].map((x) => [x, ctx.cases.typeDef(x)]));
    return sendPage(reply, <StaffDeskPage ctx={pageContext(req)} recent={recent} jcrat={jcrat} defs={defs} can={can(req)} />);
  });

  /** Loads one of this module's cases for staff; the read is audited by the engine. */
  async function taCase(req: FastifyRequest) {
    const { ref } = req.params as { ref: string };
    if (req.actor.kind !== 'staff') throw notFound({ ja: '案件', en: 'case' });
    const c = await ctx.cases.read(ref, req.actor, req.ip);
    if (![ITEM, CONSULTATION, JCRAT].includes(c.type)) throw notFound({ ja: '案件', en: 'case' });
    return c;
  }

  async function renderCase(req: FastifyRequest, reply: FastifyReply, ref: string, errors: AppError | null = null, values: Record<string, string> = {}) {
    const c = errors ? (await ctx.cases.load(ref))! : await taCase(req);
    const [artifacts, indicators, activities] = await Promise.all([
      c.type === ITEM ? svc.artifactsOf(c.id) : Promise.resolve([]),
      c.type !== JCRAT ? svc.indicatorsOf(c.id) : Promise.resolve([]),
      c.type === JCRAT ? svc.activities(c.id) : Promise.resolve([]),
    ]);
    return sendPage(reply, <StaffCasePage ctx={pageContext(req)} record={c} def={ctx.cases.typeDef(c.type)} artifacts={artifacts} indicators={indicators} activities={activities} can={can(req)} errors={errors?.details ?? []} values={values} />, errors?.status ?? 200);
  }

  app.get('/staff/targeted-attack/cases/:ref', { onRequest: requireStaff }, async (req, reply) => renderCase(req, reply, (req.params as { ref: string }).ref));

  /** Runs a staff action; on a validation error the case page is shown again with the messages. */
  async function act(req: FastifyRequest, reply: FastifyReply, fn: (caseId: string, form: FormData) => Promise<unknown>) {
    const c = await taCase(req);
    const form = readForm(req);
    try {
      await fn(c.id, form);
    } catch (e) {
      if (e instanceof AppError && e.status === 422 && req.headers.accept?.includes('text/html')) return renderCase(req, reply, c.ref, e, formValues(form));
      throw e;
    }
    return reply.redirect(`/staff/targeted-attack/cases/${c.ref}`, 303);
  }

  app.post('/staff/targeted-attack/cases/:ref/notes', { onRequest: requireStaff }, async (req, reply) =>
    act(req, reply, (id, form) => svc.addNote(id, field(form, 'kind') === 'advice' ? 'advice' : 'analysis', field(form, 'body'), req.actor)));
  app.post('/staff/targeted-attack/cases/:ref/indicators', { onRequest: requirePermission(PERM.analyse) }, async (req, reply) =>
    act(req, reply, (id, form) => svc.addIndicators(id, field(form, 'indicators'), req.actor, field(form, 'type') ? { type: field(form, 'type'), value: field(form, 'value') } : undefined)));
  app.post('/staff/targeted-attack/cases/:ref/activities', { onRequest: requirePermission(PERM.jcrat) }, async (req, reply) =>
    act(req, reply, (id, form) => svc.addActivity(id, { date: field(form, 'date'), mode: field(form, 'mode'), summary: field(form, 'summary') }, req.actor)));

  // ---- Quarantine release: analysts only, AES-encrypted ZIP, audited with the hashes --------------
  app.get('/staff/targeted-attack/artifacts/:id/download', { onRequest: requirePermission(PERM.sample) }, async (req, reply) => {
    const a = await svc.artifact((req.params as { id: string }).id);
    if (!a) throw notFound({ ja: '検体', en: 'sample' });
    const c = await ctx.cases.read(a.caseId, req.actor, req.ip);
    return sendPage(reply, <DownloadPage ctx={pageContext(req)} artifact={a} ref={c.ref} suggested={generateArchivePassword()} errors={[]} />);
  });
  app.post('/staff/targeted-attack/artifacts/:id/download', { onRequest: requirePermission(PERM.sample) }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const a = await svc.artifact(id);
    if (!a) throw notFound({ ja: '検体', en: 'sample' });
    const c = await ctx.cases.read(a.caseId, req.actor, req.ip);
    const form = readForm(req);
    try {
      const out = await svc.archiveSample(id, field(form, 'password') || undefined, req.actor, req.ip);
      // A generated password travels back once, in a header, for API clients; the form always sends one.
      if (out.generated) reply.header('X-Archive-Password', out.password);
      return sendAttachment(reply, { filename: out.filename }, out.archive);
    } catch (e) {
      if (e instanceof AppError && e.status === 422 && req.headers.accept?.includes('text/html')) {
        return sendPage(reply, <DownloadPage ctx={pageContext(req)} artifact={a} ref={c.ref} suggested={generateArchivePassword()} errors={e.details} />, 422);
      }
      throw e;
    }
  });

  // ---- J-CRAT ---------------------------------------------------------------------------------------
  const orgList = async () => (await ctx.auth.listOrganisations()).map((o) => ({ id: o.id, name: o.name }));
  app.get('/staff/targeted-attack/jcrat/new', { onRequest: requirePermission(PERM.jcrat) }, async (req, reply) =>
    sendPage(reply, <JcratFormPage ctx={pageContext(req)} values={{}} errors={[]} orgs={await orgList()} />));
  app.post('/staff/targeted-attack/jcrat/new', { onRequest: requirePermission(PERM.jcrat) }, async (req, reply) => {
    const form = readForm(req);
    const v = (k: string) => field(form, k);
    try {
      const c = await svc.createJcrat({
        organisationName: v('organisationName'), organisationId: v('organisationId') || undefined, sector: v('sector'), attackType: v('attackType'),
        contactName: v('contactName'), contactEmail: v('contactEmail'), contactPhone: v('contactPhone'), summary: v('summary'),
        requestedOn: v('requestedOn'), origin: v('origin'), linkedRef: v('linkedRef'),
      }, req.actor);
      return reply.redirect(`/staff/targeted-attack/cases/${c.ref}`, 303);
    } catch (e) {
      if (e instanceof AppError && e.status === 422) return sendPage(reply, <JcratFormPage ctx={pageContext(req)} values={formValues(form)} errors={e.details} orgs={await orgList()} />, 422);
      throw e;
    }
  });
}
