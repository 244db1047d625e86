// The audit log for auditors: a filterable page with CSV export and a JSON API, both behind
// 'audit.read'. Exports are themselves audited; browsing is not, so the log does not fill with
// records of people reading it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import type { AuditRecord } from './audit.js';
import type { AuditListFilter } from './audit-log.js';
import { requirePermission } from '../auth/guards.js';
import { pageContext, sendPage } from '../http/request.js';
import { Layout } from '../ui/layout.js';
import { t, type Lang, type Text } from '../i18n/i18n.js';
import { isoDate } from '../i18n/dates.js';
import { csvContentType, csvDisposition, parseCsvEncoding, toCsv } from '../stats/csv.js';

export const AUDIT_PERMISSION = 'audit.read';
const PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;
const CSV_MAX_ROWS = 100_000;

const L = {
  title: { ja: '監査ログ', en: 'Audit log' },
  seq: { ja: '番号', en: 'Seq' },
  at: { ja: '日時', en: 'Time' },
  action: { ja: '操作', en: 'Action' },
  actor: { ja: '実行者', en: 'Actor' },
  actorId: { ja: '実行者 ID', en: 'Actor ID' },
  subjectType: { ja: '対象の種類', en: 'Subject type' },
  subjectId: { ja: '対象 ID', en: 'Subject ID' },
  subject: { ja: '対象', en: 'Subject' },
  ip: { ja: 'IP アドレス', en: 'IP address' },
  details: { ja: '詳細', en: 'Details' },
  hash: { ja: 'ハッシュ', en: 'Hash' },
  prevHash: { ja: '直前のハッシュ', en: 'Previous hash' },
  search: { ja: '絞り込む', en: 'Filter' },
  actionHint: { ja: '末尾に * を付けると前方一致（例: case.*）', en: 'End with * to match a prefix (e.g. case.*)' },
  none: { ja: '該当する記録はありません。', en: 'No entries match.' },
  older: { ja: '古い記録へ', en: 'Older entries' },
  newest: { ja: '最新の記録へ', en: 'Newest entries' },
  csv: { ja: 'CSV（UTF-8）', en: 'CSV (UTF-8)' },
  csvSjis: { ja: 'CSV（Shift_JIS）', en: 'CSV (Shift_JIS)' },
  verifyHint: {
    ja: '記録はハッシュチェーンで連結されています。改ざんの有無はサーバーで `mamori audit verify` を実行して検証できます。',
    en: 'Entries are linked in a hash chain. Check it for tampering by running `mamori audit verify` on the server.',
  },
} satisfies Record<string, Text>;

const Query = Type.Object({
  action: Type.Optional(Type.String({ maxLength: 200 })),
  subjectType: Type.Optional(Type.String({ maxLength: 200 })),
  subjectId: Type.Optional(Type.String({ maxLength: 200 })),
  actorId: Type.Optional(Type.String({ maxLength: 200 })),
  before: Type.Optional(Type.Integer({ minimum: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
});
type QueryT = Static<typeof Query>;

const Entry = Type.Object({
  seq: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  action: Type.String(),
  actor: Type.Object({ userId: Type.Union([Type.String(), Type.Null()]), kind: Type.String(), displayName: Type.String() }),
  subjectType: Type.Union([Type.String(), Type.Null()]),
  subjectId: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
  ip: Type.Union([Type.String(), Type.Null()]),
  prevHash: Type.String(),
  hash: Type.String(),
});

/** Lenient parsing for the HTML page: bad values are ignored rather than rejected. */
function filterFromQuery(raw: Record<string, unknown>): QueryT {
  const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 200) : undefined);
  const int = (v: unknown, max: number) => {
    const n = typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : NaN;
    return n >= 1 && n <= max ? n : undefined;
  };
  return {
    action: str(raw.action), subjectType: str(raw.subjectType), subjectId: str(raw.subjectId), actorId: str(raw.actorId),
    before: int(raw.before, Number.MAX_SAFE_INTEGER), limit: int(raw.limit, MAX_PAGE_SIZE),
  };
}

function toListFilter(q: QueryT): AuditListFilter {
  return { action: q.action, subjectType: q.subjectType, subjectId: q.subjectId, actorId: q.actorId, before: q.before };
}

/** One page, newest first, plus the cursor for the next (older) page. */
async function page(ctx: AppContext, q: QueryT): Promise<{ items: AuditRecord[]; next: number | null }> {
  const limit = q.limit ?? PAGE_SIZE;
  const rows = await ctx.audit.list({ ...toListFilter(q), limit: limit + 1 });
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit ? items[items.length - 1].seq : null };
}

function toJson(r: AuditRecord) {
  return {
    seq: r.seq, at: r.at.toISOString(), action: r.action,
    actor: { userId: r.actor.userId, kind: r.actor.kind, displayName: r.actor.displayName },
    subjectType: r.subjectType ?? null, subjectId: r.subjectId ?? null, details: r.details ?? {}, ip: r.ip ?? null,
    prevHash: r.prevHash, hash: r.hash,
  };
}

/** 2026-04-01 09:30:15 JST — seconds matter in an audit trail. */
function jstSeconds(d: Date): string {
  return new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 19).replace('T', ' ') + ' JST';
}

function queryString(q: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

function AuditTable(props: { items: AuditRecord[]; lang: Lang }) {
  const { lang } = props;
  return (
    <table>
      <thead><tr>
        <th scope="col" class="num">{t(L.seq, lang)}</th><th scope="col">{t(L.at, lang)}</th><th scope="col">{t(L.action, lang)}</th>
        <th scope="col">{t(L.actor, lang)}</th><th scope="col">{t(L.subject, lang)}</th><th scope="col">{t(L.ip, lang)}</th>
        <th scope="col">{t(L.details, lang)}</th><th scope="col">{t(L.hash, lang)}</th>
      </tr></thead>
      <tbody>{props.items.map((r) => (
        <tr>
          <td class="num">{r.seq}</td>
          <td><time dateTime={r.at.toISOString()}>{jstSeconds(r.at)}</time></td>
          <td><code>{r.action}</code></td>
          <td>{r.actor.displayName} <span class="badge">{r.actor.kind}</span>
            {r.actor.userId && <> <a href={`/staff/audit${queryString({ actorId: r.actor.userId })}`} class="muted">{r.actor.userId}</a></>}</td>
          <td>{r.subjectType && <a href={`/staff/audit${queryString({ subjectType: r.subjectType, subjectId: r.subjectId })}`}>{r.subjectType}{r.subjectId ? `: ${r.subjectId}` : ''}</a>}</td>
          <td>{r.ip ?? ''}</td>
          <td>{r.details && Object.keys(r.details).length > 0 && <code>{JSON.stringify(r.details)}</code>}</td>
          <td><code title={r.hash}>{r.hash.slice(0, 12)}…</code></td>
        </tr>))}
      </tbody>
    </table>
  );
}

export async function auditRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const guard = requirePermission(AUDIT_PERMISSION);

  app.get('/staff/audit', { onRequest: guard }, async (req, reply) => {
    const raw = (req.query ?? {}) as Record<string, unknown>;
    const q = filterFromQuery(raw);
    if (raw.format === 'csv') return exportCsv(req, reply, q, raw.encoding);
    const lang = req.lang;
    const { items, next } = await page(ctx, q);
    const filters = { action: q.action, subjectType: q.subjectType, subjectId: q.subjectId, actorId: q.actorId, limit: q.limit };
    const field = (name: keyof typeof filters & string, label: Text, hint?: Text) => (
      <div>
        <label for={`f-${name}`}>{t(label, lang)}</label>
        <input id={`f-${name}`} type="text" name={name} value={(filters[name] as string | undefined) ?? ''} aria-describedby={hint ? `f-${name}-hint` : undefined} />
        {hint && <span id={`f-${name}-hint`} class="muted"> {t(hint, lang)}</span>}
      </div>
    );
    return sendPage(reply, (
      <Layout ctx={pageContext(req)} title={L.title}>
        <p class="muted">{t(L.verifyHint, lang)}</p>
        <form method="get" action="/staff/audit" class="filters" role="search">
          {field('action', L.action, L.actionHint)}
          {field('actorId', L.actorId)}
          {field('subjectType', L.subjectType)}
          {field('subjectId', L.subjectId)}
          <div><button type="submit">{t(L.search, lang)}</button></div>
        </form>
        <p>
          <a href={`/staff/audit${queryString({ ...filters, limit: undefined, format: 'csv' })}`}>{t(L.csv, lang)}</a>
          {' · '}
          <a href={`/staff/audit${queryString({ ...filters, limit: undefined, format: 'csv', encoding: 'shift_jis' })}`}>{t(L.csvSjis, lang)}</a>
        </p>
        {items.length === 0 ? <p class="alert">{t(L.none, lang)}</p> : <AuditTable items={items} lang={lang} />}
        <nav class="pager" aria-label={lang === 'ja' ? 'ページ送り' : 'Pagination'}>
          {q.before !== undefined && <a href={`/staff/audit${queryString(filters)}`}>{t(L.newest, lang)}</a>}
          {next !== null && <a href={`/staff/audit${queryString({ ...filters, before: next })}`} rel="next">{t(L.older, lang)}</a>}
        </nav>
      </Layout>
    ));
  });

  async function exportCsv(req: FastifyRequest, reply: FastifyReply, q: QueryT, rawEncoding: unknown) {
    const encoding = parseCsvEncoding(rawEncoding);
    const lang = req.lang;
    const rows: unknown[][] = [[
      t(L.seq, lang), t(L.at, lang), t(L.action, lang), t(L.actor, lang), t(L.actorId, lang), 'actor_kind',
      t(L.subjectType, lang), t(L.subjectId, lang), t(L.ip, lang), t(L.details, lang), t(L.prevHash, lang), t(L.hash, lang),
    ]];
    let before = q.before;
    let n = 0;
    while (n < CSV_MAX_ROWS) {
      const batch = await ctx.audit.list({ ...toListFilter(q), before, limit: 1000 });
      for (const r of batch) {
        rows.push([r.seq, r.at, r.action, r.actor.displayName, r.actor.userId, r.actor.kind, r.subjectType, r.subjectId, r.ip,
          r.details && Object.keys(r.details).length ? JSON.stringify(r.details) : '', r.prevHash, r.hash]);
      }
      n += batch.length;
      if (batch.length < 1000) break;
      before = batch[batch.length - 1].seq;
    }
    await ctx.audit.record({ action: 'audit.export', actor: req.actor, details: { filter: toListFilter(q), rows: n, encoding }, ip: req.ip });
    return reply.type(csvContentType(encoding))
      .header('content-disposition', csvDisposition(`audit-${isoDate(new Date())}.csv`))
      .header('cache-control', 'private, no-store')
      .send(toCsv(rows, encoding));
  }

  app.get('/api/v1/audit', {
    onRequest: guard,
    schema: {
      tags: ['audit'],
      summary: 'Audit log entries, newest first',
      description: "Requires 'audit.read'. Page with `before` = the previous response's `next`.",
      security: [{ session: [] }],
      querystring: Query,
      response: { 200: Type.Object({ items: Type.Array(Entry), next: Type.Union([Type.Integer(), Type.Null()]) }) },
    },
  }, async (req) => {
    const { items, next } = await page(ctx, req.query as QueryT);
    return { items: items.map(toJson), next };
  });
}
