// Pages of the alerts part: the public list and alert page, and the staff list and form.
import type { ComponentChildren } from 'preact';
import { Layout, type PageContext } from '../../../platform/ui/layout.js';
import { t, type Lang, type Text } from '../../../platform/i18n/i18n.js';
import { isoDate } from '../../../platform/i18n/dates.js';
import type { FieldError } from '../../../platform/http/errors.js';
import { SEVERITY_LABEL, type Severity } from '../../../shared/cvss.js';
import type { Bi } from '../service.js';
import { ALERT_KINDS, KIND_LABEL, STATE_LABEL, type Alert, type AlertKind, type AlertRevision, type AlertState } from './service.js';

const J = (lang: Lang) => lang === 'ja';
const pick = (b: Bi, lang: Lang) => (lang === 'ja' ? b.ja || b.en : b.en || b.ja);
const d = (v: Date | null) => (v ? isoDate(new Date(v)) : '—');
const sev = (s: string | null, lang: Lang) => (s && s in SEVERITY_LABEL ? t(SEVERITY_LABEL[s as Severity], lang) : '—');

/** The kind as text; 緊急対策 is emphasised so that it stands out in lists and on the page. */
export function KindMark(props: { kind: AlertKind; lang: Lang }) {
  const label = t(KIND_LABEL[props.kind], props.lang);
  return props.kind === 'emergency' ? <strong class="badge emergency">{label}</strong> : <span class="badge">{label}</span>;
}

function Pager(props: { lang: Lang; page: number; pages: number; href: (p: number) => string }) {
  if (props.pages <= 1) return null;
  return (
    <nav class="pager" aria-label={J(props.lang) ? 'ページ' : 'Pages'}>
      {props.page > 1 ? <a href={props.href(props.page - 1)} rel="prev">{J(props.lang) ? '前へ' : 'Previous'}</a> : null}
      <span>{props.page} / {props.pages}</span>
      {props.page < props.pages ? <a href={props.href(props.page + 1)} rel="next">{J(props.lang) ? '次へ' : 'Next'}</a> : null}
    </nav>
  );
}

export function PublicListPage(props: { ctx: PageContext; items: Alert[]; total: number; page: number; pageSize: number; kind?: AlertKind; year?: number; years: number[] }) {
  const { lang } = props.ctx; const ja = J(lang);
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  const params = (page: number) => {
    const q = new URLSearchParams();
    if (props.kind) q.set('kind', props.kind);
    if (props.year) q.set('year', String(props.year));
    q.set('page', String(page));
    return `/advisories/alerts?${q.toString()}`;
  };
  return (
    <Layout ctx={props.ctx} title={{ ja: '注意喚起・緊急対策', en: 'Security alerts and emergency countermeasures' }}>
      <form method="get" action="/advisories/alerts" class="filters">
        <label>{ja ? '種別' : 'Kind'} <select name="kind"><option value="">{ja ? 'すべて' : 'All'}</option>
          {ALERT_KINDS.map((k) => <option value={k} selected={props.kind === k}>{t(KIND_LABEL[k], lang)}</option>)}</select></label>
        <label>{ja ? '年' : 'Year'} <select name="year"><option value="">{ja ? 'すべて' : 'All'}</option>
          {props.years.map((y) => <option value={String(y)} selected={props.year === y}>{ja ? `${y}年` : String(y)}</option>)}</select></label>
        <button type="submit">{ja ? '絞り込む' : 'Filter'}</button>
      </form>
      <p>{ja ? `${props.total.toLocaleString('ja-JP')} 件` : `${props.total.toLocaleString('en')} alerts`}
        {' · '}<a href="/api/v1/alerts">JSON</a></p>
      {props.items.length ? (
        <table>
          <thead><tr><th scope="col">ID</th><th scope="col">{ja ? '種別' : 'Kind'}</th><th scope="col">{ja ? 'タイトル' : 'Title'}</th><th scope="col">{ja ? '公表日' : 'Public date'}</th><th scope="col">{ja ? '最終更新日' : 'Last modified'}</th></tr></thead>
          <tbody>{props.items.map((a) => (
            <tr><td><a href={`/advisories/alerts/${a.alertId}`}>{a.alertId}</a></td><td><KindMark kind={a.kind} lang={lang} /></td>
              <td>{pick(a.title, lang)}</td><td>{d(a.publicDate)}</td><td>{d(a.modifiedAt)}</td></tr>
          ))}</tbody>
        </table>
      ) : <p class="muted">{ja ? '該当する注意喚起はありません。' : 'No alerts match.'}</p>}
      <Pager lang={lang} page={props.page} pages={pages} href={params} />
    </Layout>
  );
}

export function AlertPage(props: { ctx: PageContext; a: Alert; revisions: AlertRevision[] }) {
  const { lang } = props.ctx; const a = props.a; const ja = J(lang);
  const kind = KIND_LABEL[a.kind];
  const links = a.advisories.filter((x) => x.public);
  return (
    <Layout ctx={props.ctx} title={{ ja: `【${kind.ja}】${a.title.ja || a.title.en}`, en: `[${kind.en}] ${a.title.en || a.title.ja}` }}>
      {a.kind === 'emergency' ? (
        <p class="alert error" role="note"><strong>{ja ? '緊急対策：' : 'Emergency countermeasure: '}</strong>
          {ja ? '悪用が確認されているか、影響が大きい脆弱性です。直ちに対策を実施してください。' : 'The vulnerability is being exploited or has a severe impact. Apply the countermeasures immediately.'}</p>
      ) : null}
      {a.state === 'withdrawn' ? (
        <p class="alert" role="note">{ja ? `この${kind.ja}は ${d(a.modifiedAt)} に取り下げられました。` : `This ${kind.en.toLowerCase()} was withdrawn on ${d(a.modifiedAt)}.`}</p>
      ) : null}
      <dl>
        <dt>ID</dt><dd>{a.alertId}</dd>
        <dt>{ja ? '種別' : 'Kind'}</dt><dd><KindMark kind={a.kind} lang={lang} /></dd>
        <dt>{ja ? '公表日' : 'Public date'}</dt><dd>{d(a.publicDate)}</dd>
        <dt>{ja ? '初回公開日' : 'First published'}</dt><dd>{d(a.firstPublishedAt)}</dd>
        <dt>{ja ? '最終更新日' : 'Last modified'}</dt><dd>{d(a.modifiedAt)}</dd>
      </dl>
      {pick(a.summary, lang) ? <><h2>{ja ? '概要' : 'Summary'}</h2><p>{pick(a.summary, lang)}</p></> : null}
      {pick(a.body, lang) ? <><h2>{ja ? '詳細' : 'Details'}</h2><p class="prewrap">{pick(a.body, lang)}</p></> : null}
      {a.url ? <p><a href={a.url} rel="noopener noreferrer">{ja ? '関連ページ' : 'Related page'}</a></p> : null}
      <h2>{ja ? '関連する脆弱性対策情報' : 'Related advisories'}</h2>
      {links.length ? (
        <table>
          <thead><tr><th scope="col">ID</th><th scope="col">{ja ? 'タイトル' : 'Title'}</th><th scope="col">{ja ? '深刻度' : 'Severity'}</th></tr></thead>
          <tbody>{links.map((x) => <tr><td><a href={`/advisories/${x.jvndbId}`}>{x.jvndbId}</a></td><td>{pick(x.title, lang)}</td><td>{sev(x.severity, lang)}</td></tr>)}</tbody>
        </table>
      ) : <p class="muted">{ja ? 'ありません。' : 'None.'}</p>}
      {a.products.length ? <><h2>{ja ? '影響を受ける製品' : 'Affected products'}</h2>
        <ul>{a.products.map((p) => (
          <li>{p.productId ? <a href={`/advisories?productId=${p.productId}`}>{p.title}</a> : p.title}{p.cpe ? <> <code>{p.cpe}</code></> : null}</li>
        ))}</ul></> : null}
      <h2>{ja ? '更新履歴' : 'Revision history'}</h2>
      <ol>{props.revisions.filter((r) => r.kind !== 'created' && r.kind !== 'updated').map((r) => (
        <li>{isoDate(new Date(r.at))} {t(REVISION_LABEL[r.kind] ?? { ja: r.kind, en: r.kind }, lang)}{r.note ? `（${r.note}）` : ''}</li>
      ))}</ol>
      <p><a href="/advisories/alerts">{ja ? '注意喚起の一覧' : 'All alerts'}</a></p>
    </Layout>
  );
}

const REVISION_LABEL: Record<string, Text> = {
  created: { ja: '作成', en: 'Created' }, updated: { ja: '下書き更新', en: 'Draft updated' }, published: { ja: '公開', en: 'Published' },
  revised: { ja: '更新', en: 'Revised' }, withdrawn: { ja: '取り下げ', en: 'Withdrawn' },
};

// ---------------------------------------------------------------- staff

export function StaffListPage(props: { ctx: PageContext; items: Alert[]; total: number; page: number; pageSize: number; state?: AlertState; canPublish: boolean; notice?: Text }) {
  const { lang } = props.ctx; const ja = J(lang);
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  const href = (p: number) => `/staff/advisories/alerts?${new URLSearchParams({ ...(props.state ? { state: props.state } : {}), page: String(p) }).toString()}`;
  return (
    <Layout ctx={props.ctx} title={{ ja: '注意喚起・緊急対策の管理', en: 'Manage alerts' }}>
      {props.notice ? <p class="alert ok" role="status">{t(props.notice, lang)}</p> : null}
      <p><a href="/staff/advisories/alerts/new">{ja ? '新しい注意喚起を作成' : 'Create an alert'}</a></p>
      <form method="get" action="/staff/advisories/alerts" class="filters">
        <label>{ja ? '状態' : 'State'} <select name="state"><option value="">{ja ? 'すべて' : 'All'}</option>
          {(Object.keys(STATE_LABEL) as AlertState[]).map((s) => <option value={s} selected={props.state === s}>{t(STATE_LABEL[s], lang)}</option>)}</select></label>
        <button type="submit">{ja ? '絞り込む' : 'Filter'}</button>
      </form>
      <table>
        <thead><tr><th scope="col">ID</th><th scope="col">{ja ? '種別' : 'Kind'}</th><th scope="col">{ja ? 'タイトル' : 'Title'}</th><th scope="col">{ja ? '状態' : 'State'}</th><th scope="col">{ja ? '版' : 'Revision'}</th><th scope="col">{ja ? '最終更新' : 'Updated'}</th></tr></thead>
        <tbody>{props.items.map((a) => (
          <tr><td>{a.alertId ?? (ja ? '（未採番）' : '(unnumbered)')}</td><td><KindMark kind={a.kind} lang={lang} /></td>
            <td><a href={`/staff/advisories/alerts/${a.id}`}>{pick(a.title, lang)}</a></td><td>{t(STATE_LABEL[a.state], lang)}</td><td>{a.revision}</td><td>{d(a.updatedAt)}</td></tr>
        ))}</tbody>
      </table>
      <Pager lang={lang} page={props.page} pages={pages} href={href} />
    </Layout>
  );
}

export type FormValues = Record<string, string>;

export function valuesOf(a: Alert): FormValues {
  return {
    kind: a.kind, title_ja: a.title.ja, title_en: a.title.en, summary_ja: a.summary.ja, summary_en: a.summary.en, body_ja: a.body.ja, body_en: a.body.en,
    url: a.url ?? '', publicDate: a.publicDate ? isoDate(new Date(a.publicDate)) : '',
    advisories: a.advisories.map((x) => x.jvndbId).join('\n'),
    products: a.products.map((p) => (p.cpe ? `${p.cpe} | ${p.title}` : p.productId ? `#${p.productId} | ${p.title}` : p.title)).join('\n'),
  };
}

/** Form control a validation error belongs to: title.ja → title_ja, advisories[2] → advisories, products[0].cpe → products. */
export function controlOf(field: string): string {
  if (field === 'title') return 'title_ja';
  const m = /^(title|summary|body)\.(ja|en)$/.exec(field);
  if (m) return `${m[1]}_${m[2]}`;
  return field.replace(/[[.].*$/, '');
}

const LABELS: Record<string, Text> = {
  kind: { ja: '種別', en: 'Kind' }, title_ja: { ja: 'タイトル（日本語）', en: 'Title (Japanese)' }, title_en: { ja: 'タイトル（英語）', en: 'Title (English)' },
  summary_ja: { ja: '概要（日本語）', en: 'Summary (Japanese)' }, summary_en: { ja: '概要（英語）', en: 'Summary (English)' },
  body_ja: { ja: '本文（日本語）', en: 'Body (Japanese)' }, body_en: { ja: '本文（英語）', en: 'Body (English)' },
  url: { ja: '関連ページの URL', en: 'URL of a related page' }, publicDate: { ja: '公表日', en: 'Public date' },
  advisories: { ja: '関連する脆弱性対策情報（JVNDB ID、1 行に 1 件）', en: 'Related advisories (JVNDB ids, one per line)' },
  products: { ja: '影響を受ける製品（CPE 2.3 名、1 行に 1 件。「CPE | 表示名」または「#製品ID | 表示名」も可）', en: 'Affected products (CPE 2.3 names, one per line; also "CPE | display name" or "#productId | display name")' },
  note: { ja: '更新内容（公開済みの場合、更新履歴に表示）', en: 'What changed (shown in the history once published)' },
};

function Control(props: { name: string; lang: Lang; errors: FieldError[]; children: ComponentChildren }) {
  const errs = props.errors.filter((e) => controlOf(e.field) === props.name);
  return (
    <div class="field">
      <label for={`f-${props.name}`}>{t(LABELS[props.name], props.lang)}</label>
      {errs.length ? <span class="field-error" id={`e-${props.name}`}>{errs.map((e) => t(e.message, props.lang)).join(' ')}</span> : null}
      {props.children}
    </div>
  );
}

export function StaffFormPage(props: { ctx: PageContext; alert: Alert | null; values: FormValues; errors: FieldError[]; revisions: AlertRevision[]; canPublish: boolean; saved?: boolean }) {
  const { ctx } = props; const lang = ctx.lang; const ja = J(lang); const a = props.alert; const v = props.values;
  const action = a ? `/staff/advisories/alerts/${a.id}` : '/staff/advisories/alerts/new';
  const invalid = (n: string) => props.errors.some((e) => controlOf(e.field) === n);
  const aria = (n: string) => (invalid(n) ? { 'aria-invalid': 'true' as const, 'aria-describedby': `e-${n}` } : {});
  const input = (n: string, opts: { type?: string; max?: number; required?: boolean } = {}) => (
    <Control name={n} lang={lang} errors={props.errors}><input id={`f-${n}`} name={n} type={opts.type ?? 'text'} value={v[n] ?? ''} maxLength={opts.max} required={opts.required} {...aria(n)} /></Control>
  );
  const area = (n: string, rows: number, max: number) => (
    <Control name={n} lang={lang} errors={props.errors}><textarea id={`f-${n}`} name={n} rows={rows} maxLength={max} {...aria(n)}>{v[n] ?? ''}</textarea></Control>
  );
  const editable = !a || a.state !== 'withdrawn';
  const title: Text = a ? { ja: `${a.alertId ?? '下書き'}: ${a.title.ja || a.title.en}`, en: `${a.alertId ?? 'Draft'}: ${a.title.en || a.title.ja}` } : { ja: '注意喚起の作成', en: 'New alert' };
  return (
    <Layout ctx={ctx} title={title}>
      <p><a href="/staff/advisories/alerts">{ja ? '一覧に戻る' : 'Back to the list'}</a>
        {a?.alertId ? <> · <a href={`/advisories/alerts/${a.alertId}`}>{ja ? '公開ページ' : 'Public page'}</a></> : null}</p>
      {props.saved ? <p class="alert ok" role="status">{ja ? '保存しました。' : 'Saved.'}</p> : null}
      {a ? <p>{ja ? '状態' : 'State'}: <strong>{t(STATE_LABEL[a.state], lang)}</strong> · {ja ? '版' : 'Revision'} {a.revision}</p> : null}
      {props.errors.length ? (
        <div class="alert error" role="alert">
          <p>{ja ? '入力内容を確認してください。' : 'Please check the following fields.'}</p>
          <ul>{props.errors.map((e) => <li><a href={`#f-${controlOf(e.field)}`}>{t(LABELS[controlOf(e.field)] ?? { ja: e.field, en: e.field }, lang)}</a>: {t(e.message, lang)}</li>)}</ul>
        </div>
      ) : null}
      {a && props.canPublish && a.state === 'draft' ? (
        <form method="post" action={`/staff/advisories/alerts/${a.id}/publish`}><input type="hidden" name="_csrf" value={ctx.csrfToken} />
          <p><button type="submit">{ja ? '公開する（ID を採番）' : 'Publish (assigns the id)'}</button></p></form>
      ) : null}
      {a && props.canPublish && (a.state === 'published' || a.state === 'revised') ? (
        <form method="post" action={`/staff/advisories/alerts/${a.id}/withdraw`}><input type="hidden" name="_csrf" value={ctx.csrfToken} />
          <div class="field"><label for="f-withdraw-note">{ja ? '取り下げの理由' : 'Reason for withdrawal'}</label><input id="f-withdraw-note" name="note" type="text" maxLength={500} /></div>
          <p><button type="submit" class="secondary">{ja ? '取り下げる' : 'Withdraw'}</button></p></form>
      ) : null}
      {editable ? (
        <form method="post" action={action} class="stack">
          <input type="hidden" name="_csrf" value={ctx.csrfToken} />
          <Control name="kind" lang={lang} errors={props.errors}>
            <select id="f-kind" name="kind">{ALERT_KINDS.map((k) => <option value={k} selected={(v.kind || 'alert') === k}>{t(KIND_LABEL[k], lang)}</option>)}</select>
          </Control>
          {input('title_ja', { max: 300 })}{input('title_en', { max: 300 })}
          {area('summary_ja', 3, 2000)}{area('summary_en', 3, 2000)}
          {area('body_ja', 10, 50000)}{area('body_en', 10, 50000)}
          {input('url', { type: 'url', max: 2000 })}{input('publicDate', { type: 'date' })}
          {area('advisories', 4, 20000)}{area('products', 4, 40000)}
          {a && a.state !== 'draft' ? input('note', { max: 500 }) : null}
          <p><button type="submit" class={a ? 'secondary' : undefined}>{!a ? (ja ? '下書きを作成' : 'Create the draft') : a.state === 'draft' ? (ja ? '下書きを保存' : 'Save the draft') : (ja ? '更新を公開' : 'Publish the revision')}</button></p>
        </form>
      ) : <p class="alert" role="note">{ja ? '取り下げた注意喚起は編集できません。' : 'A withdrawn alert cannot be edited.'}</p>}
      {props.revisions.length ? <>
        <h2>{ja ? '版の履歴' : 'Revisions'}</h2>
        <table><thead><tr><th scope="col">{ja ? '版' : 'Revision'}</th><th scope="col">{ja ? '日時' : 'When'}</th><th scope="col">{ja ? '操作' : 'Change'}</th><th scope="col">{ja ? '担当' : 'By'}</th><th scope="col">{ja ? 'メモ' : 'Note'}</th></tr></thead>
          <tbody>{props.revisions.map((r) => <tr><td>{r.revision}</td><td>{new Date(r.at).toISOString().slice(0, 16).replace('T', ' ')}Z</td><td>{t(REVISION_LABEL[r.kind] ?? { ja: r.kind, en: r.kind }, lang)}</td><td>{r.actor}</td><td>{r.note}</td></tr>)}</tbody></table>
      </> : null}
    </Layout>
  );
}
