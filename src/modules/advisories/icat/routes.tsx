// HTTP surface of icat. The embed routes (widget.js, frame, feed.json) live in an encapsulated scope
// whose onSend hook strips every Set-Cookie (the platform sets language/CSRF/session cookies on any
// request), drops X-Frame-Options and allows cross-origin loading; the frame sets its own CSP.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppContext } from '../../../platform/context.js';
import { AppError, notFound } from '../../../platform/http/errors.js';
import { pageContext, sendPage } from '../../../platform/http/request.js';
import { readForm, field } from '../../../platform/http/forms.js';
import { requirePermission } from '../../../platform/auth/guards.js';
import { fiscalYear, fiscalYearOf } from '../../../platform/i18n/dates.js';
import type { Lang } from '../../../platform/i18n/i18n.js';
import { ICAT_PERM, KEY_RE, parseProducts, type IcatService, type IcatSite, type ProductRef, type SiteState, type WidgetItem } from './service.js';
import { WIDGET_JS, frameCsp, renderFrame, renderFrameError } from './widget.js';
import { LandingPage, RegisteredPage, StaffSitesPage } from './pages.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FeedItem = Type.Object({
  id: Type.String(), url: Type.String(), title: Type.String(), content_text: Type.String(),
  date_published: Type.String(), date_modified: Type.Optional(Type.String()), tags: Type.Array(Type.String()),
  _icat: Type.Object({
    type: Type.Union([Type.Literal('alert'), Type.Literal('emergency'), Type.Literal('advisory')]),
    severity: Type.Union([Type.String(), Type.Null()]),
    title: Type.Object({ ja: Type.String(), en: Type.String() }),
  }),
});
const FeedSchema = Type.Object({
  version: Type.String(), title: Type.String(), home_page_url: Type.String(), feed_url: Type.String(), language: Type.String(),
  description: Type.String(), items: Type.Array(FeedItem),
}, { description: 'JSON Feed 1.1 (https://jsonfeed.org/version/1.1); `_icat` is the icat extension.' });
const FeedQuery = Type.Object({
  key: Type.String({ pattern: '^icat_[A-Za-z0-9_-]{20,64}$', description: 'The key issued at registration' }),
  product: Type.Optional(Type.String({ maxLength: 1000, description: 'Up to 10 comma-separated product ids or CPE vendor:product pairs' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10, description: 'Advisories (alerts: at most 5)' })),
  lang: Type.Optional(Type.Union([Type.Literal('ja'), Type.Literal('en')])),
});

const ERR = {
  unknown: { ja: 'このキーは登録されていません。登録したキーを確認してください。', en: 'This key is not registered. Check the key you were given.' },
  suspended: { ja: 'このキーは停止されています。', en: 'This key has been suspended.' },
};
const pick = (b: { ja: string; en: string }, lang: Lang) => (lang === 'ja' ? b.ja || b.en : b.en || b.ja);

/** Host of the embedding page, from Origin (feeds) or Referer (frames); '' when neither is usable. */
export function embeddingHost(req: FastifyRequest): string {
  for (const raw of [req.headers.origin, req.headers.referer]) {
    if (typeof raw !== 'string' || !raw || raw === 'null') continue;
    try {
      const u = new URL(raw);
      if ((u.protocol === 'http:' || u.protocol === 'https:') && /^[a-z0-9.:[\]-]{1,253}$/i.test(u.hostname)) return u.hostname.toLowerCase();
    } catch { /* not a URL */ }
  }
  return '';
}

export async function icatRoutes(app: FastifyInstance, ctx: AppContext, icat: IcatService) {
  const base = ctx.config.baseUrl.replace(/\/$/, '');
  let ownHost = '';
  try { ownHost = new URL(base).hostname.toLowerCase(); } catch { ownHost = ''; }

  async function lookup(key: string): Promise<IcatSite | null> {
    return KEY_RE.test(key) ? icat.byKey(key) : null;
  }
  async function count(req: FastifyRequest, site: IcatSite) {
    const host = embeddingHost(req);
    if (host && (host === ownHost || host === req.hostname.toLowerCase())) return; // our own preview pages
    await icat.recordHit(site.id, host);
  }
  function limitOf(raw: unknown, def: number, max: number): number {
    const n = Number(raw);
    return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : def;
  }

  // ---- embed routes: no cookies, cross-origin, own CSP on the frame ------------------------------
  await app.register(async (scope) => {
    scope.addHook('onSend', async (_req, reply, payload) => {
      reply.removeHeader('set-cookie');
      reply.raw.removeHeader('set-cookie');
      reply.raw.removeHeader('x-frame-options');
      reply.header('cross-origin-resource-policy', 'cross-origin');
      return payload;
    });
    const embedLimit = { rateLimit: { max: 600, timeWindow: '1 minute' } };

    scope.get('/icat/widget.js', async (_req, reply) =>
      reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').header('access-control-allow-origin', '*').send(WIDGET_JS));

    scope.get('/icat/frame', { config: embedLimit }, async (req, reply) => {
      const q = req.query as Record<string, unknown>;
      const lang = req.lang;
      const send = (status: number, ancestors: string[], html: string) => {
        reply.raw.removeHeader('content-security-policy');
        return reply.code(status).type('text/html; charset=utf-8').header('content-security-policy', frameCsp(ancestors))
          .header('cache-control', 'private, max-age=60').header('referrer-policy', 'strict-origin-when-cross-origin').send(html);
      };
      const site = await lookup(typeof q.key === 'string' ? q.key : '');
      if (!site) return send(404, [], renderFrameError(lang, ERR.unknown));
      const ancestors = ["'self'", site.origin];
      if (site.state !== 'active') return send(403, ancestors, renderFrameError(lang, ERR.suspended));
      let products: ProductRef[];
      try { products = parseProducts(typeof q.product === 'string' ? q.product : undefined); } catch (e) {
        if (e instanceof AppError) return send(422, ancestors, renderFrameError(lang, e.details[0]?.message ?? e.text));
        throw e;
      }
      const limit = limitOf(q.limit, 10, 20);
      const items = await icat.items({ products, alerts: Math.min(5, limit), advisories: limit });
      await count(req, site);
      return send(200, ancestors, renderFrame({ lang, ...items, filtered: products.length > 0 }));
    });

    scope.get('/icat/feed.json', {
      config: embedLimit,
      schema: {
        tags: ['advisories'], summary: 'icat JSON feed: latest alerts and high/critical advisories (JSON Feed 1.1, CORS)',
        description: 'Public feed for a registered icat key; `Access-Control-Allow-Origin: *`, no credentials, no cookies.',
        querystring: FeedQuery, response: { 200: FeedSchema },
      },
    }, async (req, reply) => {
      reply.header('access-control-allow-origin', '*').header('cache-control', 'private, max-age=60').header('vary', 'Accept-Encoding');
      const q = req.query as Static<typeof FeedQuery>;
      const lang: Lang = q.lang ?? req.lang;
      const site = await lookup(q.key);
      if (!site) throw new AppError(404, 'unknown_key', ERR.unknown);
      if (site.state !== 'active') throw new AppError(403, 'key_suspended', ERR.suspended);
      const products = parseProducts(q.product);
      const limit = q.limit ?? 10;
      const items = await icat.items({ products, alerts: Math.min(5, limit), advisories: limit });
      await count(req, site);
      const all: WidgetItem[] = [...items.alerts, ...items.advisories].sort((a, b) => new Date(b.date).getTime() - new Date(a.date).getTime());
      return {
        version: 'https://jsonfeed.org/version/1.1',
        title: lang === 'ja' ? 'サイバーセキュリティ注意喚起（icat）' : 'Cybersecurity alerts (icat)',
        home_page_url: `${base}/advisories/alerts`, feed_url: `${base}/icat/feed.json`, language: lang,
        description: lang === 'ja' ? '最新の注意喚起・緊急対策と深刻度の高い脆弱性対策情報' : 'Latest alerts, emergency countermeasures and high-severity advisories',
        items: all.map((i) => ({
          id: i.id, url: `${base}${i.path}`, title: pick(i.title, lang), content_text: pick(i.summary, lang) || pick(i.title, lang),
          date_published: new Date(i.date).toISOString(), ...(i.modified ? { date_modified: new Date(i.modified).toISOString() } : {}),
          tags: [i.type, ...(i.severity ? [i.severity] : [])],
          _icat: { type: i.type, severity: i.severity, title: i.title },
        })),
      };
    });
  });

  // ---- public registration --------------------------------------------------------------------
  app.get('/icat', async (req, reply) => sendPage(reply, <LandingPage ctx={pageContext(req)} values={{}} errors={[]} />));

  app.post('/icat/register', { config: { rateLimit: { max: ctx.config.publicFormRateLimit, timeWindow: '1 minute' } } }, async (req, reply) => {
    const form = readForm(req);
    const values = { name: field(form, 'name'), url: field(form, 'url'), email: field(form, 'email') };
    try {
      const site = await icat.register(values, req.actor);
      return sendPage(reply, <RegisteredPage ctx={pageContext(req)} site={site} base={base} />, 201);
    } catch (e) {
      if (!(e instanceof AppError) || e.status !== 422) throw e;
      return sendPage(reply, <LandingPage ctx={pageContext(req)} values={values} errors={e.details} />, 422);
    }
  });

  // ---- staff ------------------------------------------------------------------------------------
  const guard = { preHandler: requirePermission(ICAT_PERM) };
  const PAGE = 50;
  const NOTICES = { suspend: { ja: 'キーを停止しました。', en: 'The key was suspended.' }, activate: { ja: 'キーを再開しました。', en: 'The key was reactivated.' } };

  app.get('/staff/advisories/icat', guard, async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const state = q.state === 'active' || q.state === 'suspended' ? (q.state as SiteState) : undefined;
    const search = (q.q ?? '').slice(0, 100);
    const page = Math.max(1, Math.min(10000, Math.floor(Number(q.page)) || 1));
    const fyRaw = Number(q.fy);
    const fy = Number.isInteger(fyRaw) && fyRaw >= 2000 && fyRaw <= 2100 ? fyRaw : fiscalYearOf(new Date());
    const p = fiscalYear(fy);
    const [res, sites, views] = await Promise.all([icat.list({ state, q: search }, { offset: (page - 1) * PAGE, limit: PAGE }), icat.distinctSites(p.from, p.to), icat.views(p.from, p.to)]);
    const notice = q.done === 'suspend' || q.done === 'activate' ? NOTICES[q.done] : undefined;
    return sendPage(reply, <StaffSitesPage ctx={pageContext(req)} items={res.items} total={res.total} page={page} pageSize={PAGE} state={state} q={search} fy={fy} usage={{ sites, views }} notice={notice} />);
  });

  for (const action of ['suspend', 'activate'] as const) {
    app.post(`/staff/advisories/icat/:id/${action}`, guard, async (req: FastifyRequest, reply: FastifyReply) => {
      const { id } = req.params as { id: string };
      if (!UUID_RE.test(id)) throw notFound({ ja: '登録サイト', en: 'registered site' });
      await icat.setState(id, action === 'suspend' ? 'suspended' : 'active', req.actor, field(readForm(req), 'note'));
      return reply.redirect(`/staff/advisories/icat?done=${action}`, 303);
    });
  }
}
