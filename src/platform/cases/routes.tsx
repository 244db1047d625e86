// Generic case pages and API: the staff workbench (list, filters, CSV, detail, actions), the
// party portal for organisations and the reporter's tracking link. Case types add their own
// panels through CaseTypeDefinition hooks.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Actor, AppContext } from '../context.js';
import type { CaseEngine, CaseFilter, CaseSort } from './engine.js';
import type { CaseMessage, CaseParty, CaseRecord, CaseTypeDefinition } from './types.js';
import { AppError, forbidden, notFound, validationFailed } from '../http/errors.js';
import { pageContext, sendPage, staffLinks } from '../http/request.js';
import { readForm, field, fieldList } from '../http/forms.js';
import { Layout } from '../ui/layout.js';
import { t, type Lang, type Text } from '../i18n/i18n.js';
import { formatDate, formatDateTime, isoDate, jstMidnight } from '../i18n/dates.js';
import { requireLogin, requireStaff } from '../auth/guards.js';
import { csvContentType, csvDisposition, parseCsvEncoding, toCsv } from '../stats/csv.js';
import { sendAttachment } from '../files/download.js';
import type { StoredFile } from '../files/files.js';

const L = {
  workbench: { ja: '職員ワークベンチ', en: 'Staff workbench' },
  cases: { ja: '案件一覧', en: 'Cases' },
  ref: { ja: '受付番号', en: 'Reference' },
  title: { ja: '件名', en: 'Title' },
  state: { ja: '状態', en: 'State' },
  received: { ja: '受付日時', en: 'Received' },
  updated: { ja: '更新日時', en: 'Updated' },
  due: { ja: '期日', en: 'Due' },
  assignee: { ja: '担当者', en: 'Assignee' },
  tags: { ja: 'タグ', en: 'Tags' },
  search: { ja: '検索', en: 'Search' },
  keyword: { ja: 'キーワード', en: 'Keyword' },
  all: { ja: 'すべて', en: 'All' },
  type: { ja: '種類', en: 'Type' },
  openOnly: { ja: '取扱中のみ', en: 'Open only' },
  overdue: { ja: '期日超過', en: 'Overdue' },
  sort: { ja: '並び順', en: 'Sort' },
  next: { ja: '次のページ', en: 'Next page' },
  first: { ja: '最初のページ', en: 'First page' },
  csv: { ja: 'CSV（UTF-8）', en: 'CSV (UTF-8)' },
  csvSjis: { ja: 'CSV（Shift_JIS）', en: 'CSV (Shift_JIS)' },
  none: { ja: '該当する案件はありません。', en: 'No cases match.' },
  total: { ja: '件', en: 'cases' },
  actions: { ja: '操作', en: 'Actions' },
  reason: { ja: '理由', en: 'Reason' },
  note: { ja: 'メモ（任意）', en: 'Note (optional)' },
  run: { ja: '実行', en: 'Apply' },
  assign: { ja: '担当者を設定', en: 'Set assignee' },
  me: { ja: '自分', en: 'Me' },
  nobody: { ja: '未割当', en: 'Unassigned' },
  setDue: { ja: '期日を設定', en: 'Set due date' },
  setTags: { ja: 'タグを設定（カンマ区切り）', en: 'Set tags (comma-separated)' },
  save: { ja: '保存', en: 'Save' },
  parties: { ja: '関係者', en: 'Parties' },
  messages: { ja: 'メッセージ', en: 'Messages' },
  newMessage: { ja: 'メッセージを送る', en: 'Send a message' },
  body: { ja: '本文', en: 'Message' },
  visibility: { ja: '公開範囲', en: 'Visible to' },
  internal: { ja: '職員のみ（内部メモ）', en: 'Staff only (internal note)' },
  attachments: { ja: '添付ファイル', en: 'Attachments' },
  send: { ja: '送信', en: 'Send' },
  history: { ja: '履歴', en: 'History' },
  noMessages: { ja: 'メッセージはまだありません。', en: 'No messages yet.' },
  status: { ja: '現在の状況', en: 'Current status' },
  yourCases: { ja: '関係する案件', en: 'Your cases' },
  attachHint: { ja: '添付は {n} 件まで、1件 {mb}MB まで。ファイルはダウンロードのみで、ブラウザ上では表示されません。', en: 'Up to {n} files, {mb} MB each. Files are only offered for download, never displayed.' },
  version: { ja: '版', en: 'Version' },
} satisfies Record<string, Text>;

const ROLE_LABEL: Record<string, Text> = {
  reporter: { ja: '届出者', en: 'Reporter' },
  coordinator: { ja: '調整機関', en: 'Coordinator' },
  vendor: { ja: '製品開発者', en: 'Product developer' },
  operator: { ja: 'ウェブサイト運営者', en: 'Website operator' },
  priority_recipient: { ja: '優先提供先', en: 'Priority recipient' },
};

const EVENT_LABEL: Record<string, Text> = {
  created: { ja: '受付', en: 'Received' },
  transition: { ja: '状態変更', en: 'State change' },
  assigned: { ja: '担当者変更', en: 'Assignee changed' },
  due_changed: { ja: '期日変更', en: 'Due date changed' },
  tags_changed: { ja: 'タグ変更', en: 'Tags changed' },
  data_changed: { ja: '内容更新', en: 'Details updated' },
  message: { ja: 'メッセージ', en: 'Message' },
  party_added: { ja: '関係者追加', en: 'Party added' },
  reminder: { ja: '期日超過の通知', en: 'Overdue reminder' },
};

export function stateLabel(def: CaseTypeDefinition, state: string, lang: Lang): string {
  return def.states[state] ? t(def.states[state].label, lang) : state;
}

const SORTS: Array<[CaseSort, Text]> = [
  ['received_desc', { ja: '受付が新しい順', en: 'Newest first' }],
  ['received_asc', { ja: '受付が古い順', en: 'Oldest first' }],
  ['updated_desc', { ja: '更新が新しい順', en: 'Recently updated' }],
  ['due_asc', { ja: '期日が近い順', en: 'Due soonest' }],
  ['ref_asc', { ja: '受付番号順', en: 'By reference' }],
];

type Q = Record<string, string | undefined>;

function parseDate(v: string | undefined, field: string): Date | undefined {
  if (!v) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) throw validationFailed([{ field, message: { ja: '日付は YYYY-MM-DD 形式で入力してください。', en: 'Use the YYYY-MM-DD format.' } }]);
  return jstMidnight(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Case types the staff actor may read. */
function readableTypes(engine: CaseEngine, actor: Actor): CaseTypeDefinition[] {
  return engine.types().filter((d) => actor.permissions.has(d.readPermission));
}

function filterFromQuery(engine: CaseEngine, actor: Actor, q: Q): { filter: CaseFilter; sort: CaseSort } {
  const types = readableTypes(engine, actor).map((d) => d.type);
  if (q.type && !types.includes(q.type)) throw forbidden();
  const sort = (SORTS.find(([s]) => s === q.sort)?.[0] ?? 'received_desc') as CaseSort;
  const filter: CaseFilter = {
    types: q.type ? [q.type] : types,
    state: q.state ? q.state.split(',').filter(Boolean) : undefined,
    open: q.open === '1' ? true : q.open === '0' ? false : undefined,
    q: q.q?.trim() || undefined,
    tag: q.tag?.trim() || undefined,
    overdue: q.overdue === '1' || undefined,
    assigneeId: q.assignee === 'me' ? actor.userId ?? undefined : q.assignee && /^[0-9a-f-]{36}$/.test(q.assignee) ? q.assignee : undefined,
    unassigned: q.assignee === 'none' || undefined,
    receivedFrom: parseDate(q.from, 'from'),
    receivedTo: (() => { const d = parseDate(q.to, 'to'); return d ? new Date(d.getTime() + 86400_000) : undefined; })(),
  };
  return { filter, sort };
}

function caseJson(engine: CaseEngine, c: CaseRecord, lang: Lang) {
  const def = engine.typeDef(c.type);
  return {
    id: c.id, ref: c.ref, type: c.type, title: c.title, state: c.state, stateLabel: stateLabel(def, c.state, lang),
    receivedAt: c.receivedAt.toISOString(), updatedAt: c.updatedAt.toISOString(), closedAt: c.closedAt?.toISOString() ?? null,
    closureReason: c.closureReason, dueAt: c.dueAt?.toISOString() ?? null, assigneeId: c.assigneeId, tags: c.tags, data: c.data, version: c.version,
  };
}

export async function caseRoutes(app: FastifyInstance, ctx: AppContext, engine: CaseEngine) {
  // ---- Staff workbench ----------------------------------------------------------------------
  app.get('/staff', { onRequest: requireStaff }, async (req, reply) => {
    const types = readableTypes(engine, req.actor);
    const counts = await Promise.all(types.map(async (d) => ({
      def: d,
      open: (await engine.search({ type: d.type, open: true }, { limit: 1 })).total,
      mine: req.actor.userId ? (await engine.search({ type: d.type, open: true, assigneeId: req.actor.userId }, { limit: 1 })).total : 0,
      overdue: (await engine.search({ type: d.type, overdue: true }, { limit: 1 })).total,
    })));
    const lang = req.lang;
    return sendPage(reply, (
      <Layout ctx={pageContext(req)} title={L.workbench}>
        <p><a href="/staff/cases">{lang === 'ja' ? 'すべての案件を検索' : 'Search all cases'}</a>{req.actor.permissions.has('audit.read') && <> · <a href="/staff/audit">{lang === 'ja' ? '監査ログ' : 'Audit log'}</a></>}{staffLinks(req.actor).map((l) => <> · <a href={l.href}>{t(l.label, lang)}</a></>)}</p>
        {types.length === 0 ? <p>{lang === 'ja' ? '閲覧できる案件の種類はありません。' : 'You have no case types to read.'}</p> : (
          <table>
            <thead><tr><th scope="col">{t(L.type, lang)}</th><th scope="col" class="num">{t(L.openOnly, lang)}</th><th scope="col" class="num">{t(L.me, lang)}</th><th scope="col" class="num">{t(L.overdue, lang)}</th></tr></thead>
            <tbody>{counts.map((c) => (
              <tr>
                <td><a href={`/staff/cases?type=${encodeURIComponent(c.def.type)}&open=1`}>{t(c.def.title, lang)}</a></td>
                <td class="num">{c.open.toLocaleString()}</td>
                <td class="num"><a href={`/staff/cases?type=${encodeURIComponent(c.def.type)}&open=1&assignee=me`}>{c.mine.toLocaleString()}</a></td>
                <td class="num"><a href={`/staff/cases?type=${encodeURIComponent(c.def.type)}&overdue=1`}>{c.overdue.toLocaleString()}</a></td>
              </tr>))}
            </tbody>
          </table>
        )}
      </Layout>
    ));
  });

  app.get('/staff/cases', { onRequest: requireStaff }, async (req, reply) => {
    const q = req.query as Q;
    const { filter, sort } = filterFromQuery(engine, req.actor, q);
    const lang = req.lang;
    if (q.format === 'csv') return exportCsv(req, reply, filter, sort, q);
    const page = await engine.search(filter, { sort, limit: Math.min(Number(q.limit) || 50, 200), cursor: q.cursor || null });
    await ctx.audit.record({ action: 'case.list', actor: req.actor, details: { filter: { ...q, cursor: undefined }, count: page.items.length }, ip: req.ip });
    const types = readableTypes(engine, req.actor);
    const selected = q.type ? engine.typeDef(q.type) : undefined;
    const base = new URLSearchParams(Object.entries(q).filter(([k, v]) => v && k !== 'cursor' && k !== 'lang') as [string, string][]);
    const withParam = (k: string, v: string) => { const p = new URLSearchParams(base); p.set(k, v); return `/staff/cases?${p}`; };
    return sendPage(reply, (
      <Layout ctx={pageContext(req)} title={L.cases}>
        <form method="get" action="/staff/cases" class="filters" role="search">
          <div><label for="f-type">{t(L.type, lang)}</label>
            <select id="f-type" name="type"><option value="">{t(L.all, lang)}</option>
              {types.map((d) => <option value={d.type} selected={q.type === d.type}>{t(d.title, lang)}</option>)}</select></div>
          {selected && (<div><label for="f-state">{t(L.state, lang)}</label>
            <select id="f-state" name="state"><option value="">{t(L.all, lang)}</option>
              {Object.entries(selected.states).map(([k, s]) => <option value={k} selected={q.state === k}>{t(s.label, lang)}</option>)}</select></div>)}
          <div><label for="f-q">{t(L.keyword, lang)}</label><input id="f-q" type="search" name="q" value={q.q ?? ''} /></div>
          <div><label for="f-tag">{t(L.tags, lang)}</label><input id="f-tag" type="text" name="tag" value={q.tag ?? ''} /></div>
          <div><label for="f-assignee">{t(L.assignee, lang)}</label>
            <select id="f-assignee" name="assignee"><option value="">{t(L.all, lang)}</option><option value="me" selected={q.assignee === 'me'}>{t(L.me, lang)}</option><option value="none" selected={q.assignee === 'none'}>{t(L.nobody, lang)}</option></select></div>
          <div><label for="f-from">{lang === 'ja' ? '受付日（から）' : 'Received from'}</label><input id="f-from" type="date" name="from" value={q.from ?? ''} /></div>
          <div><label for="f-to">{lang === 'ja' ? '受付日（まで）' : 'Received to'}</label><input id="f-to" type="date" name="to" value={q.to ?? ''} /></div>
          <div><label for="f-open">{t(L.openOnly, lang)}</label><select id="f-open" name="open"><option value="">{t(L.all, lang)}</option><option value="1" selected={q.open === '1'}>{t(L.openOnly, lang)}</option><option value="0" selected={q.open === '0'}>{lang === 'ja' ? '終了のみ' : 'Closed only'}</option></select></div>
          <div><label for="f-overdue">{t(L.overdue, lang)}</label><select id="f-overdue" name="overdue"><option value="">{t(L.all, lang)}</option><option value="1" selected={q.overdue === '1'}>{t(L.overdue, lang)}</option></select></div>
          <div><label for="f-sort">{t(L.sort, lang)}</label><select id="f-sort" name="sort">{SORTS.map(([s, l]) => <option value={s} selected={sort === s}>{t(l, lang)}</option>)}</select></div>
          <div><button type="submit">{t(L.search, lang)}</button></div>
        </form>
        <p>{page.total.toLocaleString()} {t(L.total, lang)} · <a href={withParam('format', 'csv')}>{t(L.csv, lang)}</a> · <a href={`${withParam('format', 'csv')}&encoding=shift_jis`}>{t(L.csvSjis, lang)}</a></p>
        {page.items.length === 0 ? <p class="alert">{t(L.none, lang)}</p> : (
          <table>
            <thead><tr>
              <th scope="col">{t(L.ref, lang)}</th><th scope="col">{t(L.title, lang)}</th><th scope="col">{t(L.state, lang)}</th>
              <th scope="col">{t(L.received, lang)}</th><th scope="col">{t(L.due, lang)}</th><th scope="col">{t(L.tags, lang)}</th>
            </tr></thead>
            <tbody>{page.items.map((c) => {
              const def = engine.typeDef(c.type);
              return (<tr>
                <td><a href={`/staff/cases/${c.ref}`}>{c.ref}</a></td><td>{c.title}</td><td>{stateLabel(def, c.state, lang)}</td>
                <td>{formatDateTime(c.receivedAt, lang)}</td><td>{c.dueAt ? isoDate(c.dueAt) : ''}</td>
                <td>{c.tags.map((x) => <span class="badge">{x}</span>)}</td>
              </tr>);
            })}</tbody>
          </table>)}
        <nav class="pager" aria-label={lang === 'ja' ? 'ページ送り' : 'Pagination'}>
          {q.cursor && <a href={`/staff/cases?${base}`}>{t(L.first, lang)}</a>}
          {page.next && <a href={withParam('cursor', page.next)} rel="next">{t(L.next, lang)}</a>}
        </nav>
      </Layout>
    ));
  });

  async function exportCsv(req: FastifyRequest, reply: FastifyReply, filter: CaseFilter, sort: CaseSort, q: Q) {
    const encoding = parseCsvEncoding(q.encoding);
    const lang = req.lang;
    const extra = filter.types?.length === 1 ? engine.typeDef(filter.types[0]).csvColumns ?? [] : [];
    const rows: unknown[][] = [[t(L.ref, lang), t(L.type, lang), t(L.title, lang), t(L.state, lang), t(L.received, lang), t(L.updated, lang), lang === 'ja' ? '終了日時' : 'Closed', lang === 'ja' ? '終了理由' : 'Closure reason', t(L.due, lang), t(L.tags, lang), ...extra.map((c) => c.header)]];
    let cursor: string | null = null;
    let n = 0;
    do {
      const page = await engine.search(filter, { sort, limit: 500, cursor, withTotal: false });
      for (const c of page.items) {
        const def = engine.typeDef(c.type);
        rows.push([c.ref, t(def.title, lang), c.title, stateLabel(def, c.state, lang), c.receivedAt, c.updatedAt, c.closedAt, c.closureReason, c.dueAt, c.tags.join(' '), ...extra.map((x) => x.value(c))]);
      }
      n += page.items.length;
      cursor = page.next;
    } while (cursor && n < 100_000);
    await ctx.audit.record({ action: 'case.export', actor: req.actor, details: { filter: q, rows: n, encoding }, ip: req.ip });
    return reply.type(csvContentType(encoding)).header('content-disposition', csvDisposition(`cases-${isoDate(new Date())}.csv`)).send(toCsv(rows, encoding));
  }

  async function staffCase(req: FastifyRequest): Promise<CaseRecord> {
    const { ref } = req.params as { ref: string };
    const record = await engine.read(ref, req.actor, req.ip);
    if (!engine.isStaffReader(record, req.actor)) throw notFound({ ja: '案件', en: 'case' });
    return record;
  }

  function requireWrite(record: CaseRecord, actor: Actor) {
    if (!actor.permissions.has(engine.typeDef(record.type).writePermission)) throw forbidden();
  }

  app.get('/staff/cases/:ref', { onRequest: requireStaff }, async (req, reply) => {
    const record = await staffCase(req);
    const def = engine.typeDef(record.type);
    const [parties, messages, history, staffUsers] = await Promise.all([
      engine.partiesOf(record.id), engine.messagesFor(record.id, req.actor, []), engine.history(record.id), ctx.auth.listStaff(),
    ]);
    const orgs = await ctx.auth.listOrganisations();
    const orgName = new Map(orgs.map((o) => [o.id, req.lang === 'en' && o.nameEn ? o.nameEn : o.name]));
    const lang = req.lang;
    const pc = pageContext(req);
    const canWrite = req.actor.permissions.has(def.writePermission);
    const transitions = engine.allowedTransitions(record, req.actor);
    const action = `/staff/cases/${record.ref}`;
    return sendPage(reply, (
      <Layout ctx={pc} title={{ ja: `${record.ref} ${record.title}`, en: `${record.ref} ${record.title}` }}>
        <dl class="meta">
          <dt>{t(L.type, lang)}</dt><dd>{t(def.title, lang)}</dd>
          <dt>{t(L.state, lang)}</dt><dd><strong>{stateLabel(def, record.state, lang)}</strong>{record.closureReason && record.closureReason !== record.state ? `（${reasonLabel(def, record.closureReason, lang)}）` : ''}</dd>
          <dt>{t(L.received, lang)}</dt><dd>{formatDateTime(record.receivedAt, lang)}</dd>
          <dt>{t(L.updated, lang)}</dt><dd>{formatDateTime(record.updatedAt, lang)}</dd>
          <dt>{t(L.due, lang)}</dt><dd>{record.dueAt ? formatDate(record.dueAt, lang) : '—'}</dd>
          <dt>{t(L.assignee, lang)}</dt><dd>{staffUsers.find((u) => u.id === record.assigneeId)?.displayName ?? t(L.nobody, lang)}</dd>
          <dt>{t(L.tags, lang)}</dt><dd>{record.tags.map((x) => <span class="badge">{x}</span>)}</dd>
          {(def.describe?.(record, lang) ?? []).map((d) => (<><dt>{t(d.label, lang)}</dt><dd class="prewrap">{d.value}</dd></>))}
        </dl>
        {transitions.length > 0 && (
          <section aria-labelledby="h-actions"><h2 id="h-actions">{t(L.actions, lang)}</h2>
            {transitions.map((tr) => (
              <form method="post" action={`${action}/transition`} class="stack">
                <input type="hidden" name="_csrf" value={req.csrfToken} />
                <input type="hidden" name="transition" value={tr.name} />
                <input type="hidden" name="version" value={String(record.version)} />
                <fieldset><legend>{t(tr.label, lang)}</legend>
                  {tr.reasons && (<><label for={`r-${tr.name}`}>{t(L.reason, lang)}</label>
                    <select id={`r-${tr.name}`} name="reason" required><option value="">{lang === 'ja' ? '選択してください' : 'Choose…'}</option>{Object.entries(tr.reasons).map(([k, v]) => <option value={k}>{t(v, lang)}</option>)}</select></>)}
                  <label for={`n-${tr.name}`}>{t(L.note, lang)}</label><input id={`n-${tr.name}`} type="text" name="note" maxLength={500} />
                  <p><button type="submit">{t(tr.label, lang)}</button></p>
                </fieldset>
              </form>))}
          </section>)}
        {def.staffPanel?.({ record, lang, csrfToken: req.csrfToken, orgs, can: (perm) => req.actor.permissions.has(perm) })}
        {canWrite && (
          <section aria-labelledby="h-manage"><h2 id="h-manage">{lang === 'ja' ? '担当・期日・タグ' : 'Assignment, due date and tags'}</h2>
            <form method="post" action={`${action}/assign`} class="stack"><input type="hidden" name="_csrf" value={req.csrfToken} />
              <label for="assignee">{t(L.assign, lang)}</label>
              <select id="assignee" name="assignee"><option value="">{t(L.nobody, lang)}</option>
                {staffUsers.map((u) => <option value={u.id} selected={u.id === record.assigneeId}>{u.displayName}</option>)}</select>
              <p><button type="submit" class="secondary">{t(L.save, lang)}</button></p></form>
            <form method="post" action={`${action}/due`} class="stack"><input type="hidden" name="_csrf" value={req.csrfToken} />
              <label for="due">{t(L.setDue, lang)}</label><input id="due" type="date" name="due" value={record.dueAt ? isoDate(record.dueAt) : ''} />
              <p><button type="submit" class="secondary">{t(L.save, lang)}</button></p></form>
            <form method="post" action={`${action}/tags`} class="stack"><input type="hidden" name="_csrf" value={req.csrfToken} />
              <label for="tags">{t(L.setTags, lang)}</label><input id="tags" type="text" name="tags" value={record.tags.join(', ')} />
              <p><button type="submit" class="secondary">{t(L.save, lang)}</button></p></form>
          </section>)}
        <section aria-labelledby="h-parties"><h2 id="h-parties">{t(L.parties, lang)}</h2>
          <ul>{parties.map((p) => <li>{t(ROLE_LABEL[p.role] ?? { ja: p.role, en: p.role }, lang)}: {p.organisationId ? orgName.get(p.organisationId) ?? p.organisationId : p.name ?? p.email ?? (lang === 'ja' ? '匿名' : 'anonymous')}</li>)}</ul>
        </section>
        <MessagesSection lang={lang} messages={messages} parties={parties} orgName={orgName} fileBase={`/staff/cases/${record.ref}/files`} />
        {canWrite && <MessageForm lang={lang} csrf={req.csrfToken} action={`${action}/messages`} parties={parties} orgName={orgName} staff maxFiles={ctx.config.maxAttachmentsPerMessage} maxMb={Math.floor(ctx.config.maxAttachmentBytes / 1048576)} />}
        <section aria-labelledby="h-history"><h2 id="h-history">{t(L.history, lang)}</h2>
          <table><thead><tr><th scope="col">{lang === 'ja' ? '日時' : 'When'}</th><th scope="col">{lang === 'ja' ? '実施者' : 'Who'}</th><th scope="col">{lang === 'ja' ? '内容' : 'What'}</th></tr></thead>
            <tbody>{history.map((h) => (<tr><td>{formatDateTime(h.at, lang)}</td><td>{actorLabel(h.actorName, lang)}</td><td>{t(EVENT_LABEL[h.kind] ?? { ja: h.kind, en: h.kind }, lang)}
              {h.toState ? `: ${h.fromState ? stateLabel(def, h.fromState, lang) + ' → ' : ''}${stateLabel(def, h.toState, lang)}` : ''}{h.reason ? `（${reasonLabel(def, h.reason, lang)}）` : ''}{typeof h.details.note === 'string' ? ` — ${h.details.note}` : ''}</td></tr>))}</tbody></table>
        </section>
      </Layout>
    ));
  });

  app.post('/staff/cases/:ref/transition', { onRequest: requireStaff }, async (req, reply) => {
    const record = await staffCase(req);
    const form = readForm(req);
    const version = Number(field(form, 'version'));
    await engine.transition(record.id, field(form, 'transition'), req.actor, {
      reason: field(form, 'reason') || undefined, note: field(form, 'note').slice(0, 500) || undefined,
      expectedVersion: Number.isInteger(version) && version > 0 ? version : undefined,
    });
    return reply.redirect(`/staff/cases/${record.ref}`, 303);
  });

  app.post('/staff/cases/:ref/assign', { onRequest: requireStaff }, async (req, reply) => {
    const record = await staffCase(req);
    requireWrite(record, req.actor);
    const id = field(readForm(req), 'assignee');
    if (id && !(await ctx.auth.listStaff()).some((u) => u.id === id)) throw validationFailed([{ field: 'assignee', message: { ja: '職員を選択してください。', en: 'Choose a staff member.' } }]);
    await engine.assign(record.id, id || null, req.actor);
    return reply.redirect(`/staff/cases/${record.ref}`, 303);
  });

  app.post('/staff/cases/:ref/due', { onRequest: requireStaff }, async (req, reply) => {
    const record = await staffCase(req);
    requireWrite(record, req.actor);
    await engine.setDue(record.id, parseDate(field(readForm(req), 'due'), 'due') ?? null, req.actor);
    return reply.redirect(`/staff/cases/${record.ref}`, 303);
  });

  app.post('/staff/cases/:ref/tags', { onRequest: requireStaff }, async (req, reply) => {
    const record = await staffCase(req);
    requireWrite(record, req.actor);
    await engine.setTags(record.id, field(readForm(req), 'tags').split(/[,、]/), req.actor);
    return reply.redirect(`/staff/cases/${record.ref}`, 303);
  });

  app.post('/staff/cases/:ref/messages', { onRequest: requireStaff }, async (req, reply) => {
    const record = await staffCase(req);
    requireWrite(record, req.actor);
    const form = readForm(req);
    const parties = await engine.partiesOf(record.id);
    const chosen = fieldList(form, 'to');
    const partyIds = chosen.filter((id) => parties.some((p) => p.id === id));
    const visibility = partyIds.length ? 'parties' : 'internal';
    const recipients = await partyAddresses(parties.filter((p) => partyIds.includes(p.id)));
    await ctx.db.transaction().execute(async (trx) => {
      const files = await storeFiles(form.files, trx);
      await engine.postMessage(record.id, { body: field(form, 'body'), visibility, partyIds, files }, req.actor, trx);
      await notifyParties(record, recipients, trx);
    });
    return reply.redirect(`/staff/cases/${record.ref}#h-messages`, 303);
  });

  app.get('/staff/cases/:ref/files/:fileId', { onRequest: requireStaff }, async (req, reply) => {
    const record = await staffCase(req);
    return download(req, reply, record, []);
  });

  // ---- Staff JSON API -----------------------------------------------------------------------
  app.get('/api/v1/cases', {
    onRequest: requireStaff,
    schema: {
      tags: ['cases'], summary: 'Search cases (staff)',
      querystring: Type.Object({
        type: Type.Optional(Type.String()), state: Type.Optional(Type.String()), open: Type.Optional(Type.String()), q: Type.Optional(Type.String()),
        tag: Type.Optional(Type.String()), assignee: Type.Optional(Type.String()), overdue: Type.Optional(Type.String()), from: Type.Optional(Type.String()), to: Type.Optional(Type.String()),
        sort: Type.Optional(Type.String()), cursor: Type.Optional(Type.String()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })), lang: Type.Optional(Type.String()),
      }),
    },
  }, async (req) => {
    const q = req.query as Q;
    const { filter, sort } = filterFromQuery(engine, req.actor, q);
    const page = await engine.search(filter, { sort, limit: Number(q.limit) || 50, cursor: q.cursor || null });
    await ctx.audit.record({ action: 'case.list', actor: req.actor, details: { filter: q, count: page.items.length }, ip: req.ip });
    return { total: page.total, next: page.next, items: page.items.map((c) => caseJson(engine, c, req.lang)) };
  });

  app.get('/api/v1/cases/:ref', { onRequest: requireLogin, schema: { tags: ['cases'], summary: 'One case with history (staff) or status (party)' } }, async (req) => {
    const { ref } = req.params as { ref: string };
    const record = await engine.read(ref, req.actor, req.ip);
    const staff = engine.isStaffReader(record, req.actor);
    const myParties = staff ? [] : (await engine.actorParties(record.id, req.actor)).map((p) => p.id);
    const messages = await engine.messagesFor(record.id, req.actor, myParties);
    return {
      case: caseJson(engine, record, req.lang),
      messages: messages.map((m) => ({ id: m.id, author: m.authorName, body: m.body, createdAt: m.createdAt.toISOString(), visibility: m.visibility, attachments: m.attachments })),
      history: staff ? (await engine.history(record.id)).map((h) => ({ at: h.at.toISOString(), kind: h.kind, actor: h.actorName, from: h.fromState, to: h.toState, reason: h.reason, details: h.details })) : undefined,
    };
  });

  app.post('/api/v1/cases/:ref/transitions', {
    onRequest: requireStaff,
    schema: {
      tags: ['cases'], summary: 'Apply a state transition (staff)',
      body: Type.Object({ name: Type.String({ minLength: 1 }), reason: Type.Optional(Type.String()), note: Type.Optional(Type.String({ maxLength: 500 })), expectedVersion: Type.Optional(Type.Integer()) }),
    },
  }, async (req) => {
    const record = await staffCase(req);
    const b = req.body as { name: string; reason?: string; note?: string; expectedVersion?: number };
    const updated = await engine.transition(record.id, b.name, req.actor, { reason: b.reason, note: b.note, expectedVersion: b.expectedVersion });
    return { case: caseJson(engine, updated, req.lang) };
  });

  // ---- Party portal (organisations and reporters with an account) ------------------------------
  app.get('/cases', { onRequest: requireLogin }, async (req, reply) => {
    const records = (await engine.listForParty(req.actor)).filter((c) => !engine.isStaffReader(c, req.actor));
    const lang = req.lang;
    return sendPage(reply, (
      <Layout ctx={pageContext(req)} title={L.yourCases}>
        {records.length === 0 ? <p class="alert">{t(L.none, lang)}</p> : (
          <table><thead><tr><th scope="col">{t(L.ref, lang)}</th><th scope="col">{t(L.title, lang)}</th><th scope="col">{t(L.state, lang)}</th><th scope="col">{t(L.updated, lang)}</th></tr></thead>
            <tbody>{records.map((c) => <tr><td><a href={`/cases/${c.ref}`}>{c.ref}</a></td><td>{c.title}</td><td>{stateLabel(engine.typeDef(c.type), c.state, lang)}</td><td>{formatDateTime(c.updatedAt, lang)}</td></tr>)}</tbody></table>)}
      </Layout>
    ));
  });

  async function partyView(req: FastifyRequest, reply: FastifyReply, record: CaseRecord, myParties: CaseParty[], base: string) {
    const def = engine.typeDef(record.type);
    const lang = req.lang;
    const [messages, parties] = await Promise.all([engine.messagesFor(record.id, req.actor, myParties.map((p) => p.id)), engine.partiesOf(record.id)]);
    const role = myParties[0].role;
    return sendPage(reply, (
      <Layout ctx={pageContext(req)} title={{ ja: `${record.ref} ${record.title}`, en: `${record.ref} ${record.title}` }}>
        {(req.query as Q).received === '1' && (
          <div class="alert ok" role="status">
            <p><strong>{lang === 'ja' ? `受付番号 ${record.ref} で受け付けました。` : `Received. Your reference number is ${record.ref}.`}</strong></p>
            <p>{lang === 'ja' ? 'このページの URL は、取扱状況の確認と窓口とのやり取りに使います。ブックマークするなどして保管し、他の人には知らせないでください。確認メールもお送りしました。' : 'Keep the address of this page: it shows the status and lets you exchange messages with the desk. Do not share it. We have also sent you a confirmation e-mail.'}</p>
          </div>)}
        <dl class="meta">
          <dt>{t(L.ref, lang)}</dt><dd>{record.ref}</dd>
          <dt>{t(L.status, lang)}</dt><dd><strong>{stateLabel(def, record.state, lang)}</strong></dd>
          <dt>{t(L.received, lang)}</dt><dd>{formatDateTime(record.receivedAt, lang)}</dd>
          {record.dueAt && role !== 'reporter' && (<><dt>{lang === 'ja' ? '公表予定日' : 'Target publication date'}</dt><dd>{formatDate(record.dueAt, lang)}</dd></>)}
          {(def.describe?.(record, lang) ?? []).filter((d) => d.public).map((d) => (<><dt>{t(d.label, lang)}</dt><dd class="prewrap">{d.value}</dd></>))}
        </dl>
        {def.partyPanel?.({ record, lang, csrfToken: req.csrfToken, role, action: base })}
        <MessagesSection lang={lang} messages={messages} parties={parties} orgName={new Map()} fileBase={`${base}/files`} />
        {!record.closedAt && <MessageForm lang={lang} csrf={req.csrfToken} action={`${base}/messages`} parties={[]} orgName={new Map()} maxFiles={ctx.config.maxAttachmentsPerMessage} maxMb={Math.floor(ctx.config.maxAttachmentBytes / 1048576)} />}
      </Layout>
    ));
  }

  async function partyCase(req: FastifyRequest): Promise<{ record: CaseRecord; mine: CaseParty[] }> {
    const { ref } = req.params as { ref: string };
    const record = await engine.read(ref, req.actor, req.ip);
    const mine = await engine.actorParties(record.id, req.actor);
    if (mine.length === 0) throw notFound({ ja: '案件', en: 'case' });
    return { record, mine };
  }

  app.get('/cases/:ref', { onRequest: requireLogin }, async (req, reply) => {
    const { record, mine } = await partyCase(req);
    return partyView(req, reply, record, mine, `/cases/${record.ref}`);
  });

  app.post('/cases/:ref/messages', { onRequest: requireLogin }, async (req, reply) => {
    const { record, mine } = await partyCase(req);
    await partyReply(req, record, mine[0]);
    return reply.redirect(`/cases/${record.ref}`, 303);
  });

  app.get('/cases/:ref/files/:fileId', { onRequest: requireLogin }, async (req, reply) => {
    const { record, mine } = await partyCase(req);
    return download(req, reply, record, mine.map((p) => p.id));
  });

  // ---- Reporter tracking link (no account needed) -----------------------------------------------
  async function tracked(req: FastifyRequest) {
    const { token } = req.params as { token: string };
    const found = await engine.byTrackingToken(token);
    if (!found) throw new AppError(404, 'unknown_tracking_link', { ja: '追跡用リンクが無効です。URL を確認してください。', en: 'This tracking link is not valid. Check the URL.' });
    await ctx.audit.record({ action: 'case.read', actor: { ...req.actor, displayName: 'tracking-link' }, subjectType: 'case', subjectId: found.record.id, details: { via: 'tracking_link', partyId: found.party.id }, ip: req.ip });
    return found;
  }

  app.get('/track/:token', async (req, reply) => {
    const { record, party } = await tracked(req);
    reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');
    return partyView(req, reply, record, [party], `/track/${(req.params as { token: string }).token}`);
  });

  app.post('/track/:token/messages', { config: { rateLimit: { max: ctx.config.publicFormRateLimit, timeWindow: '1 minute' } } }, async (req, reply) => {
    const { record, party } = await tracked(req);
    await partyReply(req, record, party);
    return reply.redirect(`/track/${(req.params as { token: string }).token}`, 303);
  });

  app.get('/track/:token/files/:fileId', async (req, reply) => {
    const { record, party } = await tracked(req);
    return download(req, reply, record, [party.id]);
  });

  async function partyReply(req: FastifyRequest, record: CaseRecord, party: CaseParty) {
    if (record.closedAt) throw new AppError(409, 'case_closed', { ja: 'この案件は終了しています。', en: 'This case is closed.' });
    const form = readForm(req);
    const body = field(form, 'body');
    if (body.length > 20_000) throw validationFailed([{ field: 'body', message: { ja: '本文は 20,000 文字以内で入力してください。', en: 'The message must be at most 20,000 characters.' } }]);
    await ctx.db.transaction().execute(async (trx) => {
      const files = await storeFiles(form.files, trx);
      // A party's message is visible to the staff and to the party itself, not to other parties.
      await engine.postMessage(record.id, { body, visibility: 'parties', partyIds: [party.id], authorPartyId: party.id, files }, { ...req.actor, displayName: party.name ?? req.actor.displayName }, trx);
    });
  }

  async function storeFiles(files: ReturnType<typeof readForm>['files'], trx: import('../context.js').Executor): Promise<StoredFile[]> {
    if (files.length > ctx.config.maxAttachmentsPerMessage) {
      throw new AppError(413, 'too_many_files', { ja: `添付ファイルは ${ctx.config.maxAttachmentsPerMessage} 件までです。`, en: `At most ${ctx.config.maxAttachmentsPerMessage} attachments.` });
    }
    const out: StoredFile[] = [];
    for (const f of files) out.push(await ctx.files.put({ filename: f.filename, contentType: f.contentType, data: f.data }, trx));
    return out;
  }

  /** Looked up before the message's transaction opens (PGlite is one session). */
  async function partyAddresses(parties: CaseParty[]): Promise<string[]> {
    const out: string[] = [];
    for (const p of parties) {
      const to = p.email ?? (p.organisationId ? (await ctx.auth.getOrganisation(p.organisationId))?.email : null);
      if (to) out.push(to);
    }
    return out;
  }

  async function notifyParties(record: CaseRecord, recipients: string[], trx: import('../context.js').Executor) {
    for (const to of recipients) {
      await ctx.mail.enqueue({
        to,
        subject: `[${record.ref}] 新しいメッセージがあります / New message`,
        text: `${record.ref} に新しいメッセージがあります。内容は Mamori にログインするか、受付時にお知らせした追跡用リンクからご確認ください。\n\nThere is a new message on ${record.ref}. Log in to Mamori, or use the tracking link you received, to read it.\n\n${ctx.config.baseUrl}/\n`,
      }, trx);
    }
  }

  async function download(req: FastifyRequest, reply: FastifyReply, record: CaseRecord, partyIds: string[]) {
    const { fileId } = req.params as { fileId: string };
    if (!/^[0-9a-f-]{36}$/i.test(fileId) || !(await engine.attachmentFor(record.id, fileId, req.actor, partyIds))) throw notFound({ ja: 'ファイル', en: 'file' });
    const found = await ctx.files.read(fileId);
    if (!found) throw notFound({ ja: 'ファイル', en: 'file' });
    await ctx.audit.record({ action: 'file.download', actor: req.actor, subjectType: 'file', subjectId: fileId, details: { caseId: record.id, ref: record.ref, filename: found.file.filename }, ip: req.ip });
    return sendAttachment(reply, found.file, found.data);
  }
}

const ACTOR_LABEL: Record<string, Text> = {
  public: { ja: '届出者・外部の利用者', en: 'Reporter / outside user' },
  system: { ja: 'システム', en: 'System' },
  import: { ja: '移行データ', en: 'Imported history' },
  'tracking-link': { ja: '届出者（追跡用リンク）', en: 'Reporter (tracking link)' },
};

/** Built-in actor names shown in the page's language; people's names as they are. */
function actorLabel(name: string, lang: Lang): string {
  return ACTOR_LABEL[name] ? t(ACTOR_LABEL[name], lang) : name;
}

function reasonLabel(def: CaseTypeDefinition, reason: string, lang: Lang): string {
  for (const tr of def.transitions) if (tr.reasons?.[reason]) return t(tr.reasons[reason], lang);
  return def.states[reason] ? t(def.states[reason].label, lang) : reason;
}

function MessagesSection(props: { lang: Lang; messages: CaseMessage[]; parties: CaseParty[]; orgName: Map<string, string>; fileBase: string }) {
  const { lang } = props;
  const partyName = (id: string) => {
    const p = props.parties.find((x) => x.id === id);
    if (!p) return id;
    return `${t(ROLE_LABEL[p.role] ?? { ja: p.role, en: p.role }, lang)}${p.organisationId && props.orgName.get(p.organisationId) ? `（${props.orgName.get(p.organisationId)}）` : ''}`;
  };
  return (
    <section aria-labelledby="h-messages"><h2 id="h-messages">{t(L.messages, lang)}</h2>
      {props.messages.length === 0 ? <p>{t(L.noMessages, lang)}</p> : props.messages.map((m) => (
        <article class="message">
          <p class="head">{formatDateTime(m.createdAt, lang)} · {actorLabel(m.authorName, lang)}
            {' · '}{m.visibility === 'internal' ? t(L.internal, lang) : m.partyIds.map(partyName).join('、')}</p>
          <p class="prewrap">{m.body}</p>
          {m.attachments.length > 0 && (<ul>{m.attachments.map((a) => <li><a href={`${props.fileBase}/${a.fileId}`} download>{a.filename}</a> ({a.size.toLocaleString()} bytes)</li>)}</ul>)}
        </article>))}
    </section>
  );
}

function MessageForm(props: { lang: Lang; csrf: string; action: string; parties: CaseParty[]; orgName: Map<string, string>; staff?: boolean; maxFiles: number; maxMb: number }) {
  const { lang } = props;
  return (
    <form method="post" action={props.action} enctype="multipart/form-data" class="stack" aria-labelledby="h-newmsg">
      <h2 id="h-newmsg">{t(L.newMessage, lang)}</h2>
      <input type="hidden" name="_csrf" value={props.csrf} />
      {props.staff && (
        <fieldset><legend>{t(L.visibility, lang)}</legend>
          <p class="hint">{lang === 'ja' ? '何も選ばなければ職員のみの内部メモになります。' : 'With nothing selected, the message is an internal staff note.'}</p>
          {props.parties.map((p) => (<label><input type="checkbox" name="to" value={p.id} /> {t(ROLE_LABEL[p.role] ?? { ja: p.role, en: p.role }, lang)}{p.organisationId && props.orgName.get(p.organisationId) ? `（${props.orgName.get(p.organisationId)}）` : p.name ? `（${p.name}）` : ''}</label>))}
        </fieldset>)}
      <label for="msg-body">{t(L.body, lang)}</label>
      <textarea id="msg-body" name="body" maxLength={20000}></textarea>
      <label for="msg-files">{t(L.attachments, lang)}<span class="hint">{t(L.attachHint, lang, { n: props.maxFiles, mb: props.maxMb })}</span></label>
      <input id="msg-files" type="file" name="files" multiple />
      <p><button type="submit">{t(L.send, lang)}</button></p>
    </form>
  );
}

