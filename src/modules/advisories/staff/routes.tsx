// HTTP surface of the staff part: the work queue (HTML and CSV), the editor, the staff view with the
// workflow actions and vendor statements, revisions and diffs (all staff-only: unpublished drafts
// are confidential), and the public JSON of a published advisory's vendor statements.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import type { AppContext } from '../../../platform/context.js';
import { AppError, forbidden, notFound, validationFailed, type FieldError } from '../../../platform/http/errors.js';
import { pageContext, sendPage } from '../../../platform/http/request.js';
import { readForm, field } from '../../../platform/http/forms.js';
import { requirePermission } from '../../../platform/auth/guards.js';
import { isoDate } from '../../../platform/i18n/dates.js';
import { t } from '../../../platform/i18n/i18n.js';
import { csvContentType, csvDisposition, parseCsvEncoding, toCsv } from '../../../platform/stats/csv.js';
import { PERM, type Advisory, type AdvisoriesService } from '../service.js';
import { EMPTY_ROWS, emptyValues, inputFromValues, valuesFromAdvisory, valuesFromForm, type EditorValues } from './form.js';
import { normaliseFilter, queueAll, queuePage, stateCounts } from './queue.js';
import { deleteStatement, saveStatement, staffStatements, vendorStatements, STATEMENT_STATUSES } from './statements.js';
import { diffSnapshots } from './diff.js';
import { DiffPage, EditorPage, QueuePage, RevisionsPage, SOURCE_LABEL, STATE_LABEL, StaffViewPage } from './pages.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE_SIZE = 50;
const MAX_EXTRA_ROWS = 60;
const NOT_FOUND = { ja: '脆弱性対策情報', en: 'advisory' };

const is422 = (e: unknown): e is AppError => e instanceof AppError && e.status === 422;
const extraRowsOf = (raw: string) => { const n = Number(raw); return Number.isInteger(n) && n >= 0 && n <= MAX_EXTRA_ROWS ? n : EMPTY_ROWS; };

export async function staffRoutes(app: FastifyInstance, ctx: AppContext, svc: AdvisoriesService) {
  const write = { onRequest: requirePermission(PERM.write) };
  const can = (req: FastifyRequest) => ({ write: req.actor.permissions.has(PERM.write), publish: req.actor.permissions.has(PERM.publish) });

  async function load(req: FastifyRequest): Promise<Advisory> {
    const id = (req.params as { uuid: string }).uuid;
    if (!UUID.test(id)) throw notFound(NOT_FOUND);
    const a = await svc.get(id, { includeUnpublished: true });
    if (!a) throw notFound(NOT_FOUND);
    return a;
  }
  /** Drafts are confidential until published: every staff read of one is an audit entry. */
  async function auditRead(req: FastifyRequest, a: Advisory, page: string) {
    if (a.state === 'published' || a.state === 'revised') return;
    await ctx.audit.record({ action: 'advisories.read', actor: req.actor, subjectType: 'advisory', subjectId: a.id, details: { page, state: a.state }, ip: req.ip });
  }

  /** Revisions and statements keep the actor's user id; pages show display names. */
  async function names(ids: string[]): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    await Promise.all([...new Set(ids)].filter((id) => UUID.test(id)).slice(0, 100).map(async (id) => { const u = await ctx.auth.getUser(id); if (u) out[id] = u.displayName; }));
    return out;
  }

  // ---------------------------------------------------------------- queue

  app.get('/staff/advisories', write, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const filter = normaliseFilter(q);
    if (q.format === 'csv') {
      const enc = parseCsvEncoding(q.encoding);
      const J = req.lang === 'ja';
      const rows: unknown[][] = [[
        'uuid', 'JVNDB ID', J ? '状態' : 'state', J ? '出所' : 'source', J ? '出所の参照' : 'source ref', J ? 'タイトル（日本語）' : 'title (ja)', J ? 'タイトル（英語）' : 'title (en)',
        'CVE', J ? '深刻度' : 'severity', J ? '公表日' : 'public date', J ? '登録日' : 'registered', J ? '最終更新日' : 'modified', J ? '最終変更' : 'last change', J ? '版' : 'revision',
      ]];
      for await (const r of queueAll(ctx.db, filter)) {
        rows.push([r.id, r.jvndb_id ?? '', t(STATE_LABEL[r.state] ?? { ja: r.state, en: r.state }, req.lang), t(SOURCE_LABEL[r.source] ?? { ja: r.source, en: r.source }, req.lang), r.source_ref ?? '',
          r.title_ja, r.title_en, r.cve_ids.join(' '), r.severity ?? '', r.public_date ? isoDate(new Date(r.public_date)) : '', r.first_published_at ? isoDate(new Date(r.first_published_at)) : '',
          r.modified_at ? isoDate(new Date(r.modified_at)) : '', new Date(r.updated_at).toISOString(), r.revision]);
      }
      await ctx.audit.record({ action: 'advisories.export', actor: req.actor, details: { filter, rows: rows.length - 1 }, ip: req.ip });
      return reply.type(csvContentType(enc)).header('content-disposition', csvDisposition(`advisories-${isoDate(new Date())}.csv`)).send(toCsv(rows, enc));
    }
    const page = Math.max(1, Math.min(10_000, Math.floor(Number(q.page)) || 1));
    const [res, counts] = await Promise.all([queuePage(ctx.db, filter, { offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE }), stateCounts(ctx.db)]);
    return sendPage(reply, <QueuePage ctx={pageContext(req)} filter={filter} counts={counts} total={res.total} items={res.items} page={page} pageSize={PAGE_SIZE} canWrite={can(req).write} />);
  });

  // ---------------------------------------------------------------- editor

  const editor = (req: FastifyRequest, reply: FastifyReply, o: { values: EditorValues; errors?: FieldError[]; extra?: number; advisory?: Advisory; saved?: boolean; status?: number }) =>
    sendPage(reply, <EditorPage ctx={pageContext(req)} values={o.values} errors={o.errors ?? []} extraRows={o.extra ?? EMPTY_ROWS} advisory={o.advisory} saved={o.saved} />, o.status ?? 200);

  app.get('/staff/advisories/new', write, async (req, reply) => editor(req, reply, { values: emptyValues() }));

  app.post('/staff/advisories/new', write, async (req, reply) => {
    const form = readForm(req);
    const values = valuesFromForm(form);
    const extra = extraRowsOf(field(form, 'extraRows'));
    if (field(form, 'action') === 'addRows') return editor(req, reply, { values, extra: Math.min(MAX_EXTRA_ROWS, extra + EMPTY_ROWS) });
    try {
      const a = await svc.create(inputFromValues(values), req.actor);
      return reply.redirect(`/staff/advisories/${a.id}/edit?saved=1`, 303);
    } catch (e) {
      if (!is422(e)) throw e;
      return editor(req, reply, { values, errors: e.details, extra, status: 422 });
    }
  });

  function mayEdit(req: FastifyRequest, a: Advisory) {
    if ((a.state === 'published' || a.state === 'revised') && !req.actor.permissions.has(PERM.publish)) throw forbidden();
  }

  app.get('/staff/advisories/:uuid/edit', write, async (req, reply) => {
    const a = await load(req);
    mayEdit(req, a);
    await auditRead(req, a, 'edit');
    return editor(req, reply, { values: valuesFromAdvisory(a), advisory: a, saved: (req.query as { saved?: string }).saved === '1' });
  });

  app.post('/staff/advisories/:uuid/edit', write, async (req, reply) => {
    const a = await load(req);
    mayEdit(req, a);
    const form = readForm(req);
    const values = valuesFromForm(form);
    const extra = extraRowsOf(field(form, 'extraRows'));
    if (field(form, 'action') === 'addRows') return editor(req, reply, { values, extra: Math.min(MAX_EXTRA_ROWS, extra + EMPTY_ROWS), advisory: a });
    try {
      await svc.update(a.id, inputFromValues(values), req.actor, values.note || undefined);
      return reply.redirect(`/staff/advisories/${a.id}/edit?saved=1`, 303);
    } catch (e) {
      if (!is422(e)) throw e;
      return editor(req, reply, { values, errors: e.details, extra, advisory: a, status: 422 });
    }
  });

  // ---------------------------------------------------------------- staff view and actions

  async function view(req: FastifyRequest, reply: FastifyReply, a: Advisory, o: { errors?: FieldError[]; statementValues?: Record<string, string>; statementErrors?: FieldError[]; status?: number } = {}) {
    const [revisions, statements] = await Promise.all([svc.revisions(a.id), staffStatements(ctx.db, a.id)]);
    const vendors = new Map<number, string>();
    for (const x of a.affected) vendors.set(x.vendorId, x.vendor);
    for (const s of statements) vendors.set(s.vendorId, s.vendor);
    let sv = o.statementValues ?? {};
    const q = req.query as Record<string, unknown>;
    if (!o.statementValues && typeof q.statement === 'string') {
      const s = statements.find((x) => String(x.vendorId) === q.statement);
      if (s) sv = { vendorId: String(s.vendorId), status: s.status, statementJa: s.statement.ja, statementEn: s.statement.en, url: s.url ?? '' };
    }
    const notice = typeof q.notice === 'string' ? q.notice : null;
    await auditRead(req, a, 'view');
    return sendPage(reply, <StaffViewPage ctx={pageContext(req)} a={a} revisions={revisions} statements={statements} names={await names(statements.map((x) => x.updatedBy))} vendors={[...vendors].map(([id, name]) => ({ id, name })).sort((x, y) => x.name.localeCompare(y.name))}
      can={can(req)} errors={o.errors ?? []} notice={notice} statementValues={sv} statementErrors={o.statementErrors ?? []} />, o.status ?? 200);
  }

  app.get('/staff/advisories/:uuid', write, async (req, reply) => view(req, reply, await load(req)));

  for (const [name, perm] of [['submit', PERM.write], ['publish', PERM.publish]] as const) {
    app.post(`/staff/advisories/:uuid/${name}`, { onRequest: requirePermission(perm) }, async (req, reply) => {
      const a = await load(req);
      const form = readForm(req);
      if (field(form, 'confirm') !== 'yes') {
        const message = name === 'submit'
          ? { ja: 'レビューに回す前に、確認欄にチェックを入れてください。', en: 'Tick the confirmation box to submit for review.' }
          : { ja: '公開する前に、確認欄にチェックを入れてください。', en: 'Tick the confirmation box to publish.' };
        return view(req, reply, a, { errors: [{ field: `confirm.${name}`, message }], status: 422 });
      }
      try {
        if (name === 'submit') await svc.submitForReview(a.id, req.actor); else await svc.publish(a.id, req.actor);
      } catch (e) {
        if (!(e instanceof AppError) || e.status !== 409) throw e;
        return view(req, reply, await load(req), { errors: [{ field: `confirm.${name}`, message: e.text }], status: 409 });
      }
      return reply.redirect(`/staff/advisories/${a.id}?notice=${name === 'submit' ? 'submitted' : 'published'}`, 303);
    });
  }

  // ---------------------------------------------------------------- vendor statements

  app.post('/staff/advisories/:uuid/statements', write, async (req, reply) => {
    const a = await load(req);
    mayEdit(req, a);
    const form = readForm(req);
    const values = Object.fromEntries(['vendorId', 'vendorName', 'status', 'statementJa', 'statementEn', 'url'].map((k) => [k, field(form, k).slice(0, 25_000)]));
    try {
      await saveStatement(ctx, a.id, values, req.actor);
      return reply.redirect(`/staff/advisories/${a.id}?notice=statement#statements`, 303);
    } catch (e) {
      if (!is422(e)) throw e;
      return view(req, reply, a, { statementValues: values, statementErrors: e.details, status: 422 });
    }
  });

  app.post('/staff/advisories/:uuid/statements/:vendorId/delete', write, async (req, reply) => {
    const a = await load(req);
    mayEdit(req, a);
    const vendorId = Number((req.params as { vendorId: string }).vendorId);
    if (!Number.isInteger(vendorId) || vendorId < 1) throw notFound({ ja: 'ベンダ情報', en: 'vendor statement' });
    await deleteStatement(ctx, a.id, vendorId, req.actor);
    return reply.redirect(`/staff/advisories/${a.id}?notice=statementDeleted#statements`, 303);
  });

  // ---------------------------------------------------------------- revisions and diff

  app.get('/staff/advisories/:uuid/revisions', write, async (req, reply) => {
    const a = await load(req);
    await auditRead(req, a, 'revisions');
    const revisions = await svc.revisions(a.id);
    return sendPage(reply, <RevisionsPage ctx={pageContext(req)} a={a} revisions={revisions} names={await names(revisions.map((r) => r.actor))} />);
  });

  app.get('/staff/advisories/:uuid/diff', write, async (req, reply) => {
    const a = await load(req);
    const q = req.query as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : NaN);
    let to = q.to === undefined ? a.revision : num(q.to);
    let from = q.from === undefined ? to - 1 : num(q.from);
    const errors: FieldError[] = [];
    if (!Number.isInteger(from) || from < 1) errors.push({ field: 'from', message: { ja: '比較元の版は 1 以上の整数で指定してください。', en: 'from must be a revision number (1 or more).' } });
    if (!Number.isInteger(to) || to < 1) errors.push({ field: 'to', message: { ja: '比較先の版は 1 以上の整数で指定してください。', en: 'to must be a revision number (1 or more).' } });
    if (errors.length) throw validationFailed(errors);
    if (from > to) [from, to] = [to, from];
    const r = await sql<{ revision: number; at: Date; actor: string; kind: string; note: string; snapshot: unknown }>`
      select revision, at, actor, kind, note, snapshot from advisories_revisions where advisory_id = ${a.id}::uuid and revision in (${from}, ${to})`.execute(ctx.db);
    const pick = (n: number) => r.rows.find((x) => Number(x.revision) === n);
    const f = pick(from); const tt = pick(to);
    if (!f || !tt) throw notFound({ ja: '指定された版', en: 'revision' });
    const snap = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>;
    await auditRead(req, a, 'diff');
    return sendPage(reply, <DiffPage ctx={pageContext(req)} a={a} revisions={await svc.revisions(a.id)} from={f} to={tt} changes={diffSnapshots(snap(f.snapshot), snap(tt.snapshot))} names={await names([f.actor, tt.actor])} />);
  });

  // ---------------------------------------------------------------- public JSON

  const Statement = Type.Object({
    vendorId: Type.Integer(), vendor: Type.String(), status: Type.Union(STATEMENT_STATUSES.map((s) => Type.Literal(s))),
    statement: Type.Object({ ja: Type.String(), en: Type.String() }), url: Type.Union([Type.String(), Type.Null()]), updatedAt: Type.String({ format: 'date-time' }),
  });
  app.get('/api/v1/advisories/:id/statements', {
    schema: {
      tags: ['advisories'], summary: 'Vendor statements (ベンダ情報) of a published advisory',
      params: Type.Object({ id: Type.String({ pattern: '^JVNDB-\\d{4}-\\d{6}$' }) }),
      response: { 200: Type.Object({ id: Type.String(), items: Type.Array(Statement) }) },
    },
  }, async (req, reply) => {
    const a = await svc.get((req.params as { id: string }).id);
    if (!a) throw notFound(NOT_FOUND);
    const items = await vendorStatements(ctx.db, a.id);
    reply.header('cache-control', 'public, max-age=60');
    return { id: a.jvndbId!, items: items.map((s) => ({ ...s, updatedAt: s.updatedAt.toISOString() })) };
  });
}
