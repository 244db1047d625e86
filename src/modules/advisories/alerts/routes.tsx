// HTTP surface of the alerts part: public list and pages, the JSON API, staff pages and staff JSON.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppContext } from '../../../platform/context.js';
import { AppError, notFound } from '../../../platform/http/errors.js';
import { pageContext, sendPage } from '../../../platform/http/request.js';
import { readForm, field } from '../../../platform/http/forms.js';
import { requirePermission } from '../../../platform/auth/guards.js';
import { ALERT_ID_RE, ALERT_KINDS, ALERT_PERM, parseLinkLines, type Alert, type AlertInput, type AlertKind, type AlertState, type AlertsService } from './service.js';
import { AlertPage, PublicListPage, StaffFormPage, StaffListPage, valuesOf, type FormValues } from './pages.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE = 20;
const Bi = Type.Object({ ja: Type.String(), en: Type.String() });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
export const AlertSchema = Type.Object({
  id: Type.String({ description: 'Public id IPA-ALERT-YYYY-NNNN' }),
  kind: Type.Union([Type.Literal('alert'), Type.Literal('emergency')], { description: 'alert = 注意喚起, emergency = 緊急対策' }),
  state: Type.String(), title: Bi, summary: Bi, body: Bi, url: Nullable(Type.String()),
  publicDate: Nullable(Type.String()), firstPublishedAt: Nullable(Type.String()), modifiedAt: Nullable(Type.String()), revision: Type.Integer(),
  advisories: Type.Array(Type.Object({ id: Type.String({ description: 'JVNDB id' }), title: Bi, severity: Type.Union([Type.String(), Type.Null()]), url: Type.String() })),
  products: Type.Array(Type.Object({ productId: Type.Union([Type.Integer(), Type.Null()]), cpe: Nullable(Type.String()), title: Type.String() })),
  url_html: Type.String({ description: 'Path of the public page' }),
});
const ListQuery = Type.Object({
  kind: Type.Optional(Type.Union([Type.Literal('alert'), Type.Literal('emergency')])),
  year: Type.Optional(Type.Integer({ minimum: 1990, maximum: 2100 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000, default: 0 })),
});

const iso = (v: Date | null) => (v ? new Date(v).toISOString() : null);
export function alertJson(a: Alert) {
  return {
    id: a.alertId ?? a.id, kind: a.kind, state: a.state, title: a.title, summary: a.summary, body: a.body, url: a.url,
    publicDate: iso(a.publicDate), firstPublishedAt: iso(a.firstPublishedAt), modifiedAt: iso(a.modifiedAt), revision: a.revision,
    advisories: a.advisories.filter((x) => x.public).map((x) => ({ id: x.jvndbId, title: x.title, severity: x.severity, url: `/advisories/${x.jvndbId}` })),
    products: a.products.map((p) => ({ productId: p.productId, cpe: p.cpe, title: p.title })),
    url_html: `/advisories/alerts/${a.alertId ?? a.id}`,
  };
}

function formInput(req: FastifyRequest): { input: AlertInput; values: FormValues; note: string } {
  const form = readForm(req);
  const names = ['kind', 'title_ja', 'title_en', 'summary_ja', 'summary_en', 'body_ja', 'body_en', 'url', 'publicDate', 'advisories', 'products', 'note'];
  const values: FormValues = Object.fromEntries(names.map((n) => [n, field(form, n)]));
  const links = parseLinkLines(values.advisories, values.products);
  return {
    values, note: values.note,
    input: {
      kind: values.kind, title: { ja: values.title_ja, en: values.title_en }, summary: { ja: values.summary_ja, en: values.summary_en },
      body: { ja: values.body_ja, en: values.body_en }, url: values.url || null, publicDate: values.publicDate || null, ...links,
    },
  };
}

const is422 = (e: unknown): e is AppError => e instanceof AppError && e.status === 422 && e.details.length > 0;

export async function alertRoutes(app: FastifyInstance, ctx: AppContext, svc: AlertsService) {
  const can = (req: FastifyRequest, perm: string) => req.actor.permissions.has(perm);

  // ---- public ---------------------------------------------------------------------------------
  app.get('/advisories/alerts', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const kind = (ALERT_KINDS as readonly string[]).includes(q.kind ?? '') ? (q.kind as AlertKind) : undefined;
    const yearN = Number(q.year);
    const year = Number.isInteger(yearN) && yearN >= 1990 && yearN <= 2100 ? yearN : undefined;
    const page = Math.max(1, Math.min(10000, Math.floor(Number(q.page)) || 1));
    const [res, years] = await Promise.all([svc.list({ kind, year }, { offset: (page - 1) * PAGE, limit: PAGE }), svc.years()]);
    return sendPage(reply, <PublicListPage ctx={pageContext(req)} items={res.items} total={res.total} page={page} pageSize={PAGE} kind={kind} year={year} years={years} />);
  });

  app.get('/advisories/alerts/:alertId', async (req, reply) => {
    const { alertId } = req.params as { alertId: string };
    const a = ALERT_ID_RE.test(alertId) ? await svc.get(alertId) : null;
    if (!a) throw notFound({ ja: '注意喚起', en: 'alert' });
    return sendPage(reply, <AlertPage ctx={pageContext(req)} a={a} revisions={await svc.revisions(a.id)} />);
  });

  app.get('/api/v1/alerts', {
    schema: {
      tags: ['advisories'], summary: 'Published security alerts (注意喚起) and emergency countermeasures (緊急対策), newest first',
      querystring: ListQuery,
      response: { 200: Type.Object({ total: Type.Integer(), offset: Type.Integer(), limit: Type.Integer(), items: Type.Array(AlertSchema) }) },
    },
  }, async (req) => {
    const q = req.query as Static<typeof ListQuery>;
    const limit = q.limit ?? 50; const offset = q.offset ?? 0;
    const res = await svc.list({ kind: q.kind, year: q.year }, { offset, limit });
    return { total: res.total, offset, limit, items: res.items.map(alertJson) };
  });

  app.get('/api/v1/alerts/:alertId', {
    schema: {
      tags: ['advisories'], summary: 'One alert by its public id (withdrawn alerts are returned with state "withdrawn")',
      params: Type.Object({ alertId: Type.String({ pattern: '^IPA-ALERT-\\d{4}-\\d{4,}$' }) }), response: { 200: AlertSchema },
    },
  }, async (req) => {
    const a = await svc.get((req.params as { alertId: string }).alertId);
    if (!a) throw notFound({ ja: '注意喚起', en: 'alert' });
    return alertJson(a);
  });

  // ---- staff pages ----------------------------------------------------------------------------
  const write = { preHandler: requirePermission(ALERT_PERM.write) };
  const publish = { preHandler: requirePermission(ALERT_PERM.publish) };
  const STATES: AlertState[] = ['draft', 'published', 'revised', 'withdrawn'];
  const NOTICES = {
    published: { ja: '公開しました。', en: 'Published.' }, withdrawn: { ja: '取り下げました。', en: 'Withdrawn.' }, saved: { ja: '保存しました。', en: 'Saved.' },
  } as const;

  async function loadStaff(id: string): Promise<Alert> {
    const a = UUID_RE.test(id) ? await svc.get(id, { includeDrafts: true }) : null;
    if (!a) throw notFound({ ja: '注意喚起', en: 'alert' });
    return a;
  }

  app.get('/staff/advisories/alerts', write, async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const state = STATES.includes(q.state as AlertState) ? (q.state as AlertState) : undefined;
    const page = Math.max(1, Math.min(10000, Math.floor(Number(q.page)) || 1));
    const res = await svc.list({ states: state ? [state] : STATES }, { offset: (page - 1) * PAGE, limit: PAGE });
    const notice = q.done && q.done in NOTICES ? NOTICES[q.done as keyof typeof NOTICES] : undefined;
    return sendPage(reply, <StaffListPage ctx={pageContext(req)} items={res.items} total={res.total} page={page} pageSize={PAGE} state={state} canPublish={can(req, ALERT_PERM.publish)} notice={notice} />);
  });

  app.get('/staff/advisories/alerts/new', write, async (req, reply) =>
    sendPage(reply, <StaffFormPage ctx={pageContext(req)} alert={null} values={{ kind: 'alert' }} errors={[]} revisions={[]} canPublish={can(req, ALERT_PERM.publish)} />));

  app.post('/staff/advisories/alerts/new', write, async (req, reply) => {
    const f = formInput(req);
    try {
      const a = await svc.create(f.input, req.actor);
      return reply.redirect(`/staff/advisories/alerts/${a.id}?done=saved`, 303);
    } catch (e) {
      if (!is422(e)) throw e;
      return sendPage(reply, <StaffFormPage ctx={pageContext(req)} alert={null} values={f.values} errors={e.details} revisions={[]} canPublish={can(req, ALERT_PERM.publish)} />, 422);
    }
  });

  app.get('/staff/advisories/alerts/:id', write, async (req, reply) => {
    const a = await loadStaff((req.params as { id: string }).id);
    const saved = (req.query as { done?: string }).done === 'saved';
    return sendPage(reply, <StaffFormPage ctx={pageContext(req)} alert={a} values={valuesOf(a)} errors={[]} revisions={await svc.revisions(a.id)} canPublish={can(req, ALERT_PERM.publish)} saved={saved} />);
  });

  app.post('/staff/advisories/alerts/:id', write, async (req, reply) => {
    const a = await loadStaff((req.params as { id: string }).id);
    const f = formInput(req);
    try {
      await svc.update(a.id, f.input, req.actor, f.note);
      return reply.redirect(`/staff/advisories/alerts/${a.id}?done=saved`, 303);
    } catch (e) {
      if (!is422(e)) throw e;
      return sendPage(reply, <StaffFormPage ctx={pageContext(req)} alert={a} values={f.values} errors={e.details} revisions={await svc.revisions(a.id)} canPublish={can(req, ALERT_PERM.publish)} />, 422);
    }
  });

  app.post('/staff/advisories/alerts/:id/publish', publish, async (req, reply) => {
    const a = await loadStaff((req.params as { id: string }).id);
    await svc.publish(a.id, req.actor);
    return reply.redirect('/staff/advisories/alerts?done=published', 303);
  });

  app.post('/staff/advisories/alerts/:id/withdraw', publish, async (req, reply) => {
    const a = await loadStaff((req.params as { id: string }).id);
    await svc.withdraw(a.id, req.actor, field(readForm(req), 'note'));
    return reply.redirect('/staff/advisories/alerts?done=withdrawn', 303);
  });

  // ---- staff JSON (session + permission; body = AlertInput) -----------------------------------
  const body = Type.Object({}, { additionalProperties: true });
  const withUuid = (a: Alert) => ({ ...alertJson(a), uuid: a.id });
  app.post('/api/v1/staff/alerts', { ...write, schema: { tags: ['advisories'], summary: 'Create a draft alert', body } }, async (req, reply) =>
    reply.code(201).send(withUuid(await svc.create(req.body as AlertInput, req.actor))));
  app.put('/api/v1/staff/alerts/:uuid', { ...write, schema: { tags: ['advisories'], summary: 'Replace the content of an alert (after publication: a revision)', body } }, async (req) => {
    const a = await loadStaff((req.params as { uuid: string }).uuid);
    const note = typeof (req.body as { note?: unknown })?.note === 'string' ? (req.body as { note: string }).note : '';
    return withUuid(await svc.update(a.id, req.body as AlertInput, req.actor, note));
  });
  app.post('/api/v1/staff/alerts/:uuid/publish', { ...publish, schema: { tags: ['advisories'], summary: 'Publish a draft alert (assigns IPA-ALERT-YYYY-NNNN)' } }, async (req) => {
    const a = await loadStaff((req.params as { uuid: string }).uuid);
    return withUuid(await svc.publish(a.id, req.actor));
  });
  app.post('/api/v1/staff/alerts/:uuid/withdraw', { ...publish, schema: { tags: ['advisories'], summary: 'Withdraw a published alert' } }, async (req) => {
    const a = await loadStaff((req.params as { uuid: string }).uuid);
    const note = typeof (req.body as { note?: unknown } | undefined)?.note === 'string' ? (req.body as { note: string }).note : '';
    return withUuid(await svc.withdraw(a.id, req.actor, note));
  });
  void ctx;
}
