// HTTP surface of the consultation desk: the public landing page, web form, advisories and
// quarterly reports (HTML, CSV, JSON); the staff pages for consultations, the knowledge base,
// categories, partners and advisories; and the call-timer script.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../platform/context.js';
import { AppError, notFound, validationFailed, type FieldError } from '../../platform/http/errors.js';
import { pageContext, sendPage } from '../../platform/http/request.js';
import { readForm, field, fieldList, type FormData } from '../../platform/http/forms.js';
import { requirePermission } from '../../platform/auth/guards.js';
import { calendarQuarter, isoDate, jstMidnight, jstParts } from '../../platform/i18n/dates.js';
import { csvContentType, csvDisposition, parseCsvEncoding, toCsv } from '../../platform/stats/csv.js';
import { categoryChartSvg } from '../../platform/ui/charts.js';
import { t, type Lang } from '../../platform/i18n/i18n.js';
import type { CaseFilter } from '../../platform/cases/engine.js';
import { CHANNELS, CHANNEL_GROUPS, CLOSE_REASONS, CONSULTATION, DEVICES, DEVICE_KEYS, NO_CHANNEL_LABEL, PERM, type Channel } from './case-types.js';
import type { ConsultationData, ConsultationInput, ConsultationService } from './service.js';
import type { CategoryRow } from './migrations.js';
import { quarterlyReport, changeRate, type QuarterlyReport } from './stats.js';
import { CALL_TIMER_JS } from './assets.js';
import {
  AdvisoryEditPage, AdvisoryListPage, AdvisoryPage, CategoriesPage, KbPage, LandingPage, PartnersPage, PublicFormPage, QuarterlyReportPage,
  ReferralPage, StaffAdvisoriesPage, StaffFormPage, StaffListPage, type ReportCharts,
} from './pages.js';

const FIRST_YEAR = 2019;
const UUID = /^[0-9a-f-]{36}$/i;

function values(form: FormData): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(form.fields)) if (k !== '_csrf') out[k] = v;
  return out;
}

function inputOf(form: FormData): ConsultationInput {
  const v = (k: string) => field(form, k);
  return {
    channel: v('channel'), callDuration: v('callDuration'), device: v('device'), os: v('os'), categories: fieldList(form, 'categories'),
    summary: v('summary'), advice: v('advice'), financialLoss: v('financialLoss') === 'on', kbRefs: v('kbRefs'),
    consulterName: v('consulterName'), consulterEmail: v('consulterEmail'), consulterPhone: v('consulterPhone'),
    referralPartner: v('referralPartner'), referralNote: v('referralNote'), outcome: v('outcome'), followUpOn: v('followUpOn'), consent: v('consent') === 'on',
  };
}

const is422 = (e: unknown): e is AppError => e instanceof AppError && e.status === 422 && e.details.length > 0;

/** Quarterly report charts (server-side ECharts SVG through the kernel's chart module). */
export function reportCharts(r: QuarterlyReport, categories: CategoryRow[], lang: Lang): ReportCharts {
  const J = lang === 'ja';
  const q = (y: number, n: number) => (J ? `${y}年Q${n}` : `${y} Q${n}`);
  const names = [q(r.year, r.quarter), q(r.previousQuarter.year, r.previousQuarter.quarter), q(r.previousYear.year, r.previousYear.quarter)];
  const figs = [r.current, r.previousQuarter.figures, r.previousYear.figures];
  const key = `consultation-${r.year}-${r.quarter}`;
  const three = (cats: string[], get: (b: typeof r.current, i: number) => number) => names.map((name, s) => ({ name, type: 'bar' as const, data: cats.map((_, i) => get(figs[s], i)) }));
  const desc = (labels: string[], get: (b: typeof r.current, i: number) => number) => labels.map((l, i) => `${l}: ${names.map((nm, s) => `${nm} ${get(figs[s], i)}`).join(', ')}`).join('; ');
  const months = Object.keys(r.current.byMonth);
  const prevMonths = Object.keys(r.previousYear.figures.byMonth);
  const monthSeries = [
    { name: names[0], type: 'bar' as const, data: months.map((m) => r.current.byMonth[m]) },
    { name: names[2], type: 'line' as const, data: prevMonths.map((m) => r.previousYear.figures.byMonth[m]) },
  ];
  const groups = CHANNEL_GROUPS.map((g) => t(g.label, lang).replace(/（.*）/, ''));
  const withNone = figs.some((b) => b.noChannel > 0);
  const groupLabels = withNone ? [...groups, t(NO_CHANNEL_LABEL, lang)] : groups;
  const groupGet = (b: typeof r.current, i: number) => (i < CHANNEL_GROUPS.length ? b.byGroup[CHANNEL_GROUPS[i].key] : b.noChannel);
  const topCats = Object.entries(r.current.byCategory).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k]) => k);
  const catLabels = topCats.map((k) => { const c = categories.find((x) => x.key === k); return c ? (J ? c.label_ja : c.label_en) : k; });
  const catGet = (b: typeof r.current, i: number) => b.byCategory[topCats[i]] ?? 0;
  const devLabels = DEVICE_KEYS.map((k) => t(DEVICES[k], lang));
  const devGet = (b: typeof r.current, i: number) => b.byDevice[DEVICE_KEYS[i]];
  return {
    months: categoryChartSvg({ key: `${key}-months`, lang, categories: months.map((m) => `${Number(m.slice(5))}${J ? '月' : ''}`), series: monthSeries,
      label: J ? '月別の相談件数' : 'Consultations by month', desc: months.map((m, i) => `${m}: ${r.current.byMonth[m]}（${names[2]} ${monthSeries[1].data[i] ?? 0}）`).join('; ') }),
    channels: categoryChartSvg({ key: `${key}-channels`, lang, categories: groupLabels, series: three(groupLabels, groupGet), label: J ? '受付手段別の相談件数' : 'Consultations by channel', desc: desc(groupLabels, groupGet) }),
    categories: categoryChartSvg({ key: `${key}-categories`, lang, width: 760, height: 340, categories: catLabels, series: three(catLabels, catGet), label: J ? '分類別の相談件数（上位）' : 'Consultations by category (top)', desc: desc(catLabels, catGet) }),
    devices: categoryChartSvg({ key: `${key}-devices`, lang, width: 760, categories: devLabels, series: three(devLabels, devGet), label: J ? '機器別の相談件数' : 'Consultations by device', desc: desc(devLabels, devGet) }),
  };
}

export function reportCsvRows(r: QuarterlyReport, categories: CategoryRow[], lang: Lang): unknown[][] {
  const J = lang === 'ja';
  const rows: unknown[][] = [[J ? '区分' : 'dimension', J ? '項目' : 'item', `${r.year}Q${r.quarter}`, `${r.previousQuarter.year}Q${r.previousQuarter.quarter}`, J ? '前期比' : 'vs previous quarter', `${r.previousYear.year}Q${r.previousYear.quarter}`, J ? '前年同期比' : 'vs a year earlier']];
  const c = r.current; const pq = r.previousQuarter.figures; const py = r.previousYear.figures;
  const add = (dim: string, item: string, a: number, b: number, d: number) => rows.push([dim, item, a, b, changeRate(a, b) ?? '', d, changeRate(a, d) ?? '']);
  add(J ? '合計' : 'total', J ? '相談件数' : 'consultations', c.total, pq.total, py.total);
  for (const g of CHANNEL_GROUPS) add(J ? '受付手段（報告書の区分）' : 'channel group', t(g.label, lang), c.byGroup[g.key], pq.byGroup[g.key], py.byGroup[g.key]);
  add(J ? '受付手段（報告書の区分）' : 'channel group', t(NO_CHANNEL_LABEL, lang), c.noChannel, pq.noChannel, py.noChannel);
  for (const k of Object.keys(CHANNELS) as Channel[]) add(J ? '受付手段' : 'channel', t(CHANNELS[k], lang), c.byChannel[k], pq.byChannel[k], py.byChannel[k]);
  const cats = [...new Set([...categories.map((x) => x.key), ...Object.keys(c.byCategory)])];
  for (const k of cats) { const x = categories.find((y) => y.key === k); add(J ? '分類' : 'category', x ? (J ? x.label_ja : x.label_en) : k, c.byCategory[k] ?? 0, pq.byCategory[k] ?? 0, py.byCategory[k] ?? 0); }
  for (const k of DEVICE_KEYS) add(J ? '機器' : 'device', t(DEVICES[k], lang), c.byDevice[k], pq.byDevice[k], py.byDevice[k]);
  for (const [m, x] of Object.entries(c.byMonth)) rows.push([J ? '月' : 'month', m, x, '', '', '', '']);
  rows.push([J ? '案内' : 'referrals', J ? '他の相談窓口への案内' : 'referrals to partner desks', r.referrals, '', '', '', '']);
  return rows;
}

export async function consultationRoutes(app: FastifyInstance, ctx: AppContext, svc: ConsultationService) {
  const formLimit = { rateLimit: { max: ctx.config.publicFormRateLimit, timeWindow: '1 minute' } };
  const can = (req: FastifyRequest) => (p: string) => req.actor.permissions.has(p);

  app.get('/consultation/assets/call-timer.js', async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(CALL_TIMER_JS));

  // ---- Public ----------------------------------------------------------------------------------
  app.get('/consultation', async (req, reply) => sendPage(reply, <LandingPage ctx={pageContext(req)} />));

  app.get('/consultation/new', async (req, reply) => sendPage(reply, (
    <PublicFormPage ctx={pageContext(req)} values={{}} errors={[]} categories={await svc.categories({ activeOnly: true })} idempotencyKey={randomUUID()} />)));

  app.post('/consultation/new', { config: formLimit }, async (req, reply) => {
    const form = readForm(req);
    const idem = field(form, 'idempotencyKey');
    try {
      const res = await svc.submitPublic(inputOf(form), req.actor, { idempotencyKey: UUID.test(idem) ? `consultation-form:${idem}` : undefined, ip: req.ip });
      return reply.redirect(`/track/${res.trackingToken}?received=1`, 303);
    } catch (e) {
      if (!is422(e)) throw e;
      return sendPage(reply, <PublicFormPage ctx={pageContext(req)} values={values(form)} errors={e.details} categories={await svc.categories({ activeOnly: true })} idempotencyKey={UUID.test(idem) ? idem : randomUUID()} />, 422);
    }
  });

  app.get('/consultation/advisories', async (req, reply) => sendPage(reply, <AdvisoryListPage ctx={pageContext(req)} items={await svc.publishedAdvisories()} />));

  app.get('/consultation/advisories/:slug', async (req, reply) => {
    const { slug } = req.params as { slug: string };
    const rev = (req.query as { revision?: string }).revision;
    const revision = rev === undefined ? undefined : Number(rev);
    if (revision !== undefined && (!Number.isInteger(revision) || revision < 1)) throw validationFailed([{ field: 'revision', message: { ja: '版の指定が正しくありません。', en: 'Invalid revision.' } }]);
    const a = await svc.advisory(slug, revision);
    if (!a) throw notFound({ ja: '安心相談窓口だより', en: 'advisory' });
    await svc.countView(a.id);
    return sendPage(reply, <AdvisoryPage ctx={pageContext(req)} slug={a.slug} views={a.views + 1} current={a.current} shown={a.shown} history={a.history} />);
  });

  async function latestQuarter(): Promise<{ year: number; quarter: 1 | 2 | 3 | 4 }> {
    const last = await ctx.cases.search({ type: CONSULTATION }, { limit: 1, withTotal: false });
    const p = jstParts(last.items[0]?.receivedAt ?? new Date());
    return { year: p.y, quarter: (Math.floor((p.m - 1) / 3) + 1) as 1 | 2 | 3 | 4 };
  }

  async function parseQuarter(q: Record<string, string | undefined>): Promise<{ year: number; quarter: 1 | 2 | 3 | 4 }> {
    if (!q.year && !q.q) return latestQuarter();
    const year = Number(q.year); const quarter = Number(q.q);
    const now = jstParts(new Date());
    const errors: FieldError[] = [];
    if (!Number.isInteger(year) || year < FIRST_YEAR || year > now.y) errors.push({ field: 'year', message: { ja: `年は ${FIRST_YEAR} から ${now.y} の範囲で指定してください。`, en: `The year must be between ${FIRST_YEAR} and ${now.y}.` } });
    if (![1, 2, 3, 4].includes(quarter)) errors.push({ field: 'q', message: { ja: '四半期は 1〜4 で指定してください。', en: 'The quarter must be 1 to 4.' } });
    else if (year === now.y && calendarQuarter(year, quarter as 1).from > new Date()) errors.push({ field: 'q', message: { ja: '未来の四半期は指定できません。', en: 'The quarter is in the future.' } });
    if (errors.length) throw validationFailed(errors);
    return { year, quarter: quarter as 1 | 2 | 3 | 4 };
  }

  app.get('/consultation/reports', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const { year, quarter } = await parseQuarter(q);
    const [report, categories] = await Promise.all([quarterlyReport(ctx, year, quarter), svc.categories()]);
    const self = `/consultation/reports?year=${year}&q=${quarter}`;
    if (q.format === 'csv') {
      const enc = parseCsvEncoding(q.encoding);
      return reply.type(csvContentType(enc)).header('content-disposition', csvDisposition(`consultation-report-${year}Q${quarter}.csv`)).send(toCsv(reportCsvRows(report, categories, req.lang), enc));
    }
    const J = req.lang === 'ja';
    const nowY = jstParts(new Date()).y;
    const periods = [
      ...(year > FIRST_YEAR ? [{ href: `/consultation/reports?year=${year - 1}&q=4`, label: J ? `← ${year - 1}年` : `← ${year - 1}`, current: false }] : []),
      ...[1, 2, 3, 4].filter((n) => calendarQuarter(year, n as 1).from <= new Date()).map((n) => ({ href: `/consultation/reports?year=${year}&q=${n}`, label: J ? `${year}年第${n}四半期` : `${year} Q${n}`, current: n === quarter })),
      ...(year < nowY ? [{ href: `/consultation/reports?year=${year + 1}&q=1`, label: J ? `${year + 1}年 →` : `${year + 1} →`, current: false }] : []),
    ];
    return sendPage(reply, <QuarterlyReportPage ctx={pageContext(req)} report={report} categories={categories} charts={reportCharts(report, categories, req.lang)} periods={periods} csvHref={`${self}&format=csv`} />);
  });

  app.get('/api/v1/consultation/reports', {
    schema: {
      tags: ['consultation'], summary: 'Quarterly consultation report (calendar quarter): counts by channel, category, device and month with the previous quarter and year',
      querystring: Type.Object({ year: Type.Optional(Type.String({ pattern: '^\\d{4}$' })), q: Type.Optional(Type.String({ pattern: '^[1-4]$' })), lang: Type.Optional(Type.String()) }),
    },
  }, async (req) => {
    const { year, quarter } = await parseQuarter(req.query as Record<string, string>);
    const r = await quarterlyReport(ctx, year, quarter);
    return { year, quarter, from: r.period.from.toISOString(), to: r.period.to.toISOString(), current: r.current, referrals: r.referrals,
      previousQuarter: { year: r.previousQuarter.year, quarter: r.previousQuarter.quarter, figures: r.previousQuarter.figures },
      previousYear: { year: r.previousYear.year, quarter: r.previousYear.quarter, figures: r.previousYear.figures } };
  });

  // ---- Staff: consultations ----------------------------------------------------------------------
  const STATES = ctx.cases.typeDef(CONSULTATION).states;
  const stateLabels = Object.fromEntries(Object.entries(STATES).map(([k, s]) => [k, s.label]));

  function filterOf(q: Record<string, string>): CaseFilter {
    const data: Record<string, string> = {};
    if (q.channel && q.channel in CHANNELS) data.channel = q.channel;
    if (q.category && /^[a-z][a-z0-9_]{1,39}$/.test(q.category)) data.category = q.category;
    if (q.device && q.device in DEVICES) data.device = q.device;
    const date = (s: string | undefined) => { const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s ?? ''); return m ? jstMidnight(+m[1], +m[2], +m[3]) : undefined; };
    const to = date(q.to);
    return {
      type: CONSULTATION, data, q: q.q ? q.q.slice(0, 100) : undefined,
      state: q.state && q.state in STATES ? [q.state] : undefined,
      receivedFrom: date(q.from), receivedTo: to ? new Date(to.getTime() + 86400_000) : undefined,
    };
  }

  app.get('/staff/consultation', { onRequest: requirePermission(PERM.read) }, async (req, reply) => {
    const q = Object.fromEntries(Object.entries(req.query as Record<string, unknown>).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
    const filter = filterOf(q);
    const categories = await svc.categories();
    if (q.format === 'csv') {
      // For publication: no reference, names, contact details or free text.
      const enc = parseCsvEncoding(q.encoding);
      const J = req.lang === 'ja';
      const rows: unknown[][] = [[J ? '受付日' : 'received', J ? '受付手段' : 'channel', J ? '分類' : 'categories', J ? '機器' : 'device', J ? '通話時間（分）' : 'call minutes', J ? '金銭被害' : 'money lost', J ? '他窓口への案内' : 'referred', J ? '状態' : 'state', J ? '完了理由' : 'closure reason']];
      let cursor: string | null = null; let count = 0;
      do {
        const page = await ctx.cases.search(filter, { sort: 'received_asc', limit: 500, cursor, withTotal: false });
        for (const c of page.items) {
          const d = c.data as unknown as ConsultationData;
          rows.push([isoDate(c.receivedAt), d.channel ? t(CHANNELS[d.channel], req.lang) : t(NO_CHANNEL_LABEL, req.lang), (d.categories ?? [d.category]).map((k) => { const x = categories.find((y) => y.key === k); return x ? (J ? x.label_ja : x.label_en) : k; }).join(' / '),
            t(DEVICES[d.device] ?? DEVICES.unknown, req.lang), d.callSeconds ? Math.round(d.callSeconds / 60) : '', d.financialLoss ? 1 : 0, (d.referrals ?? []).length ? 1 : 0, t(STATES[c.state].label, req.lang), c.closureReason && CLOSE_REASONS[c.closureReason] ? t(CLOSE_REASONS[c.closureReason], req.lang) : '']);
        }
        count += page.items.length; cursor = page.next;
      } while (cursor && count < 100_000);
      await ctx.audit.record({ action: 'consultation.export', actor: req.actor, details: { filter: q, rows: count, anonymised: true }, ip: req.ip });
      return reply.type(csvContentType(enc)).header('content-disposition', csvDisposition(`consultations-${isoDate(new Date())}.csv`)).send(toCsv(rows, enc));
    }
    const page = await ctx.cases.search(filter, { sort: 'received_desc', limit: Math.min(Number(q.limit) || 50, 200), cursor: q.cursor || null });
    await ctx.audit.record({ action: 'consultation.list', actor: req.actor, details: { filter: { ...q, cursor: undefined }, count: page.items.length }, ip: req.ip });
    return sendPage(reply, <StaffListPage ctx={pageContext(req)} items={page.items} total={page.total} next={page.next} query={q} categories={categories} can={can(req)} states={stateLabels} />);
  });

  async function formPage(req: FastifyRequest, reply: FastifyReply, vals: Record<string, string | string[]>, errors: FieldError[], idem: string, status = 200) {
    const [categories, partners] = await Promise.all([svc.categories({ activeOnly: true }), svc.partners({ at: new Date() })]);
    return sendPage(reply, <StaffFormPage ctx={pageContext(req)} values={vals} errors={errors} categories={categories} partners={partners.filter((p) => !p.is_ipa)} idempotencyKey={idem} />, status);
  }

  app.get('/staff/consultation/new', { onRequest: requirePermission(PERM.write) }, async (req, reply) => formPage(req, reply, { device: 'unknown' }, [], randomUUID()));

  app.post('/staff/consultation/new', { onRequest: requirePermission(PERM.write) }, async (req, reply) => {
    const form = readForm(req);
    const idem = field(form, 'idempotencyKey');
    try {
      const rec = await svc.record(inputOf(form), req.actor, { idempotencyKey: UUID.test(idem) ? `consultation-staff:${idem}` : undefined, ip: req.ip });
      return reply.redirect(`/staff/cases/${rec.ref}`, 303);
    } catch (e) {
      if (!is422(e)) throw e;
      return formPage(req, reply, values(form), e.details, UUID.test(idem) ? idem : randomUUID(), 422);
    }
  });

  async function consultationCase(req: FastifyRequest) {
    const { ref } = req.params as { ref: string };
    const c = await ctx.cases.read(ref, req.actor, req.ip);
    if (c.type !== CONSULTATION) throw notFound({ ja: '相談', en: 'consultation' });
    return c;
  }

  app.get('/staff/consultation/:ref/referral', { onRequest: requirePermission(PERM.write) }, async (req, reply) => {
    const c = await consultationCase(req);
    const partners = (await svc.partners({ at: new Date() })).filter((p) => !p.is_ipa);
    return sendPage(reply, <ReferralPage ctx={pageContext(req)} record={c} partners={partners} errors={[]} />);
  });
  app.post('/staff/consultation/:ref/referral', { onRequest: requirePermission(PERM.write) }, async (req, reply) => {
    const c = await consultationCase(req);
    const form = readForm(req);
    await svc.refer(c.id, field(form, 'partnerId'), field(form, 'note'), req.actor);
    return reply.redirect(`/staff/cases/${c.ref}`, 303);
  });
  app.post('/staff/consultation/:ref/advice', { onRequest: requirePermission(PERM.write) }, async (req, reply) => {
    const c = await consultationCase(req);
    await svc.updateAdvice(c.id, field(readForm(req), 'advice'), req.actor);
    return reply.redirect(`/staff/cases/${c.ref}`, 303);
  });

  // ---- Knowledge base ----------------------------------------------------------------------------
  async function kbPage(req: FastifyRequest, reply: FastifyReply, opts: { edit?: Awaited<ReturnType<ConsultationService['kbEntry']>>; values?: Record<string, string | string[]>; errors?: FieldError[]; status?: number } = {}) {
    const q = ((req.query as { q?: string }).q ?? '').slice(0, 200);
    const [items, categories] = await Promise.all([opts.edit ? Promise.resolve([opts.edit]) : svc.searchKb(q, { limit: 50 }), svc.categories()]);
    const vals = opts.values ?? (opts.edit ? { kind: opts.edit.kind, title: opts.edit.title, body: opts.edit.body, category: opts.edit.category ?? '', keywords: opts.edit.keywords } : { kind: 'template' });
    return sendPage(reply, <KbPage ctx={pageContext(req)} q={q} items={items} categories={categories} canEdit={req.actor.permissions.has(PERM.taxonomy)} edit={opts.edit} values={vals} errors={opts.errors ?? []} />, opts.status ?? 200);
  }
  app.get('/staff/consultation/kb', { onRequest: requirePermission(PERM.read) }, async (req, reply) => kbPage(req, reply));
  app.get('/api/v1/consultation/kb', {
    onRequest: requirePermission(PERM.read),
    schema: { tags: ['consultation'], summary: 'Search the knowledge base (staff)', querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })), lang: Type.Optional(Type.String()) }) },
  }, async (req) => ({ items: (await svc.searchKb((req.query as { q?: string }).q ?? '')).map((k) => ({ no: k.no, code: `KB-${k.no}`, kind: k.kind, title: k.title, body: k.body, category: k.category })) }));
  const kbInput = (form: FormData) => ({ kind: field(form, 'kind'), title: field(form, 'title'), body: field(form, 'body'), category: field(form, 'category'), keywords: field(form, 'keywords') });
  app.post('/staff/consultation/kb', { onRequest: requirePermission(PERM.taxonomy) }, async (req, reply) => {
    const form = readForm(req);
    try { const row = await svc.saveKb(kbInput(form), req.actor); return reply.redirect(`/staff/consultation/kb?q=${encodeURIComponent(row.title)}`, 303); } catch (e) {
      if (!is422(e)) throw e;
      return kbPage(req, reply, { values: values(form), errors: e.details, status: 422 });
    }
  });
  async function kbOf(req: FastifyRequest) {
    const no = Number((req.params as { no: string }).no);
    const row = Number.isInteger(no) ? await svc.kbEntry(no) : undefined;
    if (!row) throw notFound({ ja: 'ナレッジ', en: 'knowledge base entry' });
    return row;
  }
  app.get('/staff/consultation/kb/:no', { onRequest: requirePermission(PERM.taxonomy) }, async (req, reply) => kbPage(req, reply, { edit: await kbOf(req) }));
  app.post('/staff/consultation/kb/:no', { onRequest: requirePermission(PERM.taxonomy) }, async (req, reply) => {
    const row = await kbOf(req);
    const form = readForm(req);
    try { await svc.saveKb({ ...kbInput(form), no: row.no, active: field(form, 'active') === 'on' }, req.actor); return reply.redirect(`/staff/consultation/kb/${row.no}`, 303); } catch (e) {
      if (!is422(e)) throw e;
      return kbPage(req, reply, { edit: row, values: values(form), errors: e.details, status: 422 });
    }
  });

  // ---- Categories --------------------------------------------------------------------------------
  app.get('/staff/consultation/categories', { onRequest: requirePermission(PERM.taxonomy) }, async (req, reply) =>
    sendPage(reply, <CategoriesPage ctx={pageContext(req)} categories={await svc.categories()} errors={[]} />));
  app.post('/staff/consultation/categories', { onRequest: requirePermission(PERM.taxonomy) }, async (req, reply) => {
    const form = readForm(req);
    try {
      await svc.saveCategory({ key: field(form, 'key'), labelJa: field(form, 'labelJa'), labelEn: field(form, 'labelEn'), active: field(form, 'active') === 'on' }, req.actor);
      return reply.redirect('/staff/consultation/categories', 303);
    } catch (e) {
      if (!is422(e)) throw e;
      return sendPage(reply, <CategoriesPage ctx={pageContext(req)} categories={await svc.categories()} errors={e.details} />, 422);
    }
  });

  // ---- Partners and cooperation ------------------------------------------------------------------
  async function partnersPage(req: FastifyRequest, reply: FastifyReply, errors: FieldError[] = [], status = 200) {
    const now = new Date();
    const [partners, cooperation, council, external] = await Promise.all([svc.partners(), svc.cooperation(), svc.membersAt(now, 'council'), svc.membersAt(now, 'partner')]);
    return sendPage(reply, <PartnersPage ctx={pageContext(req)} partners={partners} cooperation={cooperation} canEdit={req.actor.permissions.has(PERM.partners)} errors={errors} counts={{ council, partners: external }} />, status);
  }
  app.get('/staff/consultation/partners', { onRequest: requirePermission(PERM.read) }, async (req, reply) => partnersPage(req, reply));
  app.post('/staff/consultation/partners', { onRequest: requirePermission(PERM.partners) }, async (req, reply) => {
    const form = readForm(req);
    try { await svc.savePartner(Object.fromEntries(['name', 'nameEn', 'kind', 'scope', 'scopeEn', 'contact', 'url', 'joinedOn', 'leftOn'].map((k) => [k, field(form, k)])), req.actor); return reply.redirect('/staff/consultation/partners', 303); } catch (e) {
      if (!is422(e)) throw e;
      return partnersPage(req, reply, e.details, 422);
    }
  });
  app.post('/staff/consultation/cooperation', { onRequest: requirePermission(PERM.partners) }, async (req, reply) => {
    const form = readForm(req);
    try { await svc.recordCooperation({ partnerId: field(form, 'partnerId'), kind: field(form, 'kind'), subject: field(form, 'subject'), caseRef: field(form, 'caseRef') }, req.actor); return reply.redirect('/staff/consultation/partners', 303); } catch (e) {
      if (!is422(e)) throw e;
      return partnersPage(req, reply, e.details, 422);
    }
  });

  // ---- Advisories (staff) ------------------------------------------------------------------------
  async function advisoriesPage(req: FastifyRequest, reply: FastifyReply, vals: Record<string, string | string[]> = {}, errors: FieldError[] = [], status = 200) {
    const [items, categories] = await Promise.all([svc.staffAdvisories(), svc.categories()]);
    return sendPage(reply, <StaffAdvisoriesPage ctx={pageContext(req)} items={items} categories={categories} values={vals} errors={errors} />, status);
  }
  app.get('/staff/consultation/advisories', { onRequest: requirePermission(PERM.advisoryWrite) }, async (req, reply) => advisoriesPage(req, reply));
  app.post('/staff/consultation/advisories', { onRequest: requirePermission(PERM.advisoryWrite) }, async (req, reply) => {
    const form = readForm(req);
    try { const id = await svc.createAdvisory({ slug: field(form, 'slug'), title: field(form, 'title'), body: field(form, 'body'), category: field(form, 'category') }, req.actor); return reply.redirect(`/staff/consultation/advisories/${id}`, 303); } catch (e) {
      if (!is422(e)) throw e;
      return advisoriesPage(req, reply, values(form), e.details, 422);
    }
  });
  async function advisoryOf(req: FastifyRequest) {
    const a = await svc.advisoryForEdit((req.params as { id: string }).id);
    if (!a) throw notFound({ ja: '安心相談窓口だより', en: 'advisory' });
    return a;
  }
  app.get('/staff/consultation/advisories/:id', { onRequest: requirePermission(PERM.advisoryWrite) }, async (req, reply) =>
    sendPage(reply, <AdvisoryEditPage ctx={pageContext(req)} advisory={await advisoryOf(req)} canPublish={req.actor.permissions.has(PERM.advisoryPublish)} values={{}} errors={[]} />));
  app.post('/staff/consultation/advisories/:id', { onRequest: requirePermission(PERM.advisoryWrite) }, async (req, reply) => {
    const a = await advisoryOf(req);
    const form = readForm(req);
    try { await svc.saveDraft(a.id, { title: field(form, 'title'), body: field(form, 'body'), changeNote: field(form, 'changeNote') }, req.actor); return reply.redirect(`/staff/consultation/advisories/${a.id}`, 303); } catch (e) {
      if (!is422(e)) throw e;
      return sendPage(reply, <AdvisoryEditPage ctx={pageContext(req)} advisory={a} canPublish={req.actor.permissions.has(PERM.advisoryPublish)} values={values(form)} errors={e.details} />, 422);
    }
  });
  app.post('/staff/consultation/advisories/:id/publish', { onRequest: requirePermission(PERM.advisoryPublish) }, async (req, reply) => {
    const a = await advisoryOf(req);
    await svc.publish(a.id, req.actor);
    return reply.redirect(`/consultation/advisories/${a.slug}`, 303);
  });
}
