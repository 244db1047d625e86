// Staff pages of the advisory database: the work queue, the editor, the staff view with workflow
// actions and vendor statements, the revision list and the revision diff. No client script: every
// action is a form (with the CSRF token), confirmations are required checkboxes checked again on the
// server, and "add rows" is a submit button that re-renders the editor with more empty rows.
import type { ComponentChildren } from 'preact';
import { Layout, type PageContext } from '../../../platform/ui/layout.js';
import { t, type Lang, type Text } from '../../../platform/i18n/i18n.js';
import type { FieldError } from '../../../platform/http/errors.js';
import { formatDateTime, isoDate } from '../../../platform/i18n/dates.js';
import { SEVERITY_LABEL } from '../../../shared/cvss.js';
import type { Advisory, Revision } from '../service.js';
import { AFFECTED_KEYS, REFERENCE_KEYS, emptyRows, type EditorValues } from './form.js';
import { FIELD_LABEL, type DiffLine, type FieldChange } from './diff.js';
import { STATES, SOURCES, type QueueFilter, type QueueRow } from './queue.js';
import { STATEMENT_STATUSES, STATUS_LABEL, type StaffVendorStatement } from './statements.js';

const isJ = (lang: Lang) => lang === 'ja';
const d = (v: Date | string | null | undefined) => (v ? isoDate(new Date(v)) : '—');
const dt = (v: Date | string | null | undefined, lang: Lang) => (v ? formatDateTime(new Date(v), lang) : '—');

export const STATE_LABEL: Record<string, Text> = {
  draft: { ja: '下書き', en: 'Draft' }, review: { ja: 'レビュー中', en: 'In review' },
  published: { ja: '公開', en: 'Published' }, revised: { ja: '改訂済み', en: 'Revised' }, open: { ja: '作業中（下書き・レビュー中）', en: 'Open (draft, review)' },
};
export const SOURCE_LABEL: Record<string, Text> = {
  staff: { ja: '職員作成', en: 'Staff' }, case: { ja: '届出案件', en: 'Desk case' }, nvd: { ja: 'NVD', en: 'NVD' }, kev: { ja: 'CISA KEV', en: 'CISA KEV' },
  cve5: { ja: 'CVE JSON 5', en: 'CVE JSON 5' }, jvn: { ja: 'MyJVN', en: 'MyJVN' }, demo: { ja: 'デモ', en: 'Demo' },
};
const REF_TYPES = ['advisory', 'patch', 'vendor', 'exploit', 'mitigation', 'report', 'other'];
const REF_TYPE_LABEL: Record<string, Text> = {
  advisory: { ja: 'アドバイザリ', en: 'Advisory' }, patch: { ja: 'パッチ', en: 'Patch' }, vendor: { ja: 'ベンダ情報', en: 'Vendor' },
  exploit: { ja: '実証コード', en: 'Exploit' }, mitigation: { ja: '緩和策', en: 'Mitigation' }, report: { ja: '報告', en: 'Report' }, other: { ja: 'その他', en: 'Other' },
};
const label = (m: Record<string, Text>, k: string, lang: Lang) => (m[k] ? t(m[k], lang) : k);
const sev = (s: string | null, lang: Lang) => (s ? label(SEVERITY_LABEL as Record<string, Text>, s, lang) : '—');
const titleOf = (a: { title_ja?: string; title_en?: string; title?: { ja: string; en: string } }, lang: Lang) => {
  const ja = a.title?.ja ?? a.title_ja ?? ''; const en = a.title?.en ?? a.title_en ?? '';
  return (isJ(lang) ? ja || en : en || ja) || (isJ(lang) ? '（無題）' : '(untitled)');
};
export const staffHref = (id: string) => `/staff/advisories/${id}`;

function Csrf(props: { ctx: PageContext }) { return <input type="hidden" name="_csrf" value={props.ctx.csrfToken} />; }

// ------------------------------------------------------------------ field errors

const AFFECTED_LABEL: Record<string, Text> = {
  vendor: { ja: 'ベンダ名', en: 'Vendor' }, product: { ja: '製品名', en: 'Product' }, cpe: { ja: 'CPE 2.3 名', en: 'CPE 2.3 name' }, purl: { ja: 'purl', en: 'purl' },
  versionText: { ja: 'バージョン（記述）', en: 'Versions (text)' }, versionStart: { ja: '開始バージョン', en: 'Version from' }, versionStartIncluding: { ja: '開始の扱い', en: 'From is' },
  versionEnd: { ja: '終了バージョン', en: 'Version to' }, versionEndIncluding: { ja: '終了の扱い', en: 'To is' },
};
const REFERENCE_LABEL: Record<string, Text> = { url: { ja: 'URL', en: 'URL' }, type: { ja: '種類', en: 'Type' }, title: { ja: 'タイトル', en: 'Title' } };
const EDITOR_LABEL: Record<string, Text> = {
  ...FIELD_LABEL, title: { ja: 'タイトル', en: 'Title' }, cvss: { ja: 'CVSS ベクトル', en: 'CVSS vectors' }, publicDate: { ja: '公表日', en: 'Public date' },
  note: { ja: '変更メモ', en: 'Change note' }, confirm: { ja: '確認', en: 'Confirmation' },
  vendorId: { ja: 'ベンダ', en: 'Vendor' }, vendorName: { ja: '新しいベンダ名', en: 'New vendor name' }, status: { ja: 'ステータス', en: 'Status' },
  statementJa: { ja: '説明（日本語）', en: 'Statement (Japanese)' }, statementEn: { ja: '説明（英語）', en: 'Statement (English)' }, url: { ja: 'URL', en: 'URL' },
};
function fieldLabel(path: string, lang: Lang): string {
  const row = /^(affected|references)\[(\d+)\]\.(\w+)$/.exec(path);
  if (row) {
    const [, group, i, key] = row;
    const l = group === 'affected' ? AFFECTED_LABEL[key] : REFERENCE_LABEL[key];
    return `${t(EDITOR_LABEL[group], lang)} ${isJ(lang) ? `${Number(i) + 1} 行目` : `row ${Number(i) + 1}`} ${l ? t(l, lang) : key}`;
  }
  const item = /^(\w+)\[(\d+)\]$/.exec(path);
  if (item && EDITOR_LABEL[item[1]]) return `${t(EDITOR_LABEL[item[1]], lang)} ${isJ(lang) ? `${Number(item[2]) + 1} 件目` : `item ${Number(item[2]) + 1}`}`;
  return EDITOR_LABEL[path] ? t(EDITOR_LABEL[path], lang) : path;
}
/** The id of the input an error path belongs to: `cveIds[2]` → the cveIds textarea, `title` → title.ja. */
function anchorOf(path: string): string {
  if (path === 'title') return 'f-title.ja';
  const item = /^(cveIds|jvnIds|cweIds|cvss)\[\d+\]$/.exec(path);
  return `f-${item ? item[1] : path}`;
}

export function ErrorSummary(props: { lang: Lang; errors: FieldError[] }) {
  if (!props.errors.length) return null;
  return (
    <div class="alert error" role="alert">
      <p>{isJ(props.lang) ? '入力内容を確認してください。' : 'Please check the following fields.'}</p>
      <ul>{props.errors.map((e) => <li><a href={`#${anchorOf(e.field)}`}>{fieldLabel(e.field, props.lang)}</a> <code>{e.field}</code>: {t(e.message, props.lang)}</li>)}</ul>
    </div>
  );
}

/** Errors that belong to an input: its own path, `name[i]` for list fields, `title` for title.ja. */
function errorsFor(errors: FieldError[], name: string): FieldError[] {
  return errors.filter((e) => e.field === name || (name === 'title.ja' && e.field === 'title') || new RegExp(`^${name.replace(/[.[\]]/g, '\\$&')}\\[\\d+\\]$`).test(e.field));
}
function FieldErrors(props: { lang: Lang; errors: FieldError[]; name: string; items?: string[] }) {
  const errs = errorsFor(props.errors, props.name);
  if (!errs.length) return null;
  return (
    <span class="field-error" id={`e-${props.name}`}>
      {errs.map((e) => {
        const i = /\[(\d+)\]$/.exec(e.field);
        const value = i && props.items ? props.items[Number(i[1])] : undefined;
        return <span><code>{e.field}</code>{value ? <> «<code>{value}</code>»</> : null}: {t(e.message, props.lang)}<br /></span>;
      })}
    </span>
  );
}
const aria = (errors: FieldError[], name: string, hint = false) => {
  const has = errorsFor(errors, name).length > 0;
  const ids = [hint ? `h-${name}` : '', has ? `e-${name}` : ''].filter(Boolean);
  return { 'aria-invalid': has ? ('true' as const) : undefined, 'aria-describedby': ids.length ? ids.join(' ') : undefined };
};

// ------------------------------------------------------------------ queue

export function QueuePage(props: { ctx: PageContext; filter: QueueFilter; counts: Record<string, number>; total: number; items: QueueRow[]; page: number; pageSize: number; canWrite: boolean }) {
  const { lang } = props.ctx; const J = isJ(lang); const f = props.filter;
  const qs = (extra: Record<string, string | undefined>) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries({ state: f.state, source: f.source, q: f.q, ...extra })) if (v) p.set(k, v);
    const s = p.toString();
    return `/staff/advisories${s ? `?${s}` : ''}`;
  };
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  return (
    <Layout ctx={props.ctx} title={{ ja: '脆弱性対策情報 作業キュー', en: 'Advisories — work queue' }}>
      <p>{props.canWrite ? <a class="button" href="/staff/advisories/new">{J ? '新規作成' : 'New advisory'}</a> : null}</p>
      <nav aria-label={J ? '状態別の件数' : 'Counts per state'}>
        <ul class="periods">
          <li><a href={qs({ state: undefined, page: undefined })} aria-current={!f.state ? 'page' : undefined}>{J ? 'すべて' : 'All'}</a></li>
          {STATES.map((s) => <li><a href={qs({ state: s })} aria-current={f.state === s ? 'page' : undefined}>{t(STATE_LABEL[s], lang)}</a> <span class="badge" data-state={s}>{props.counts[s].toLocaleString('en-US')}</span></li>)}
        </ul>
      </nav>
      <form method="get" action="/staff/advisories" class="filters" role="search">
        <label>{J ? '状態' : 'State'} <select name="state"><option value="">{J ? 'すべて' : 'All'}</option>
          {['open', ...STATES].map((s) => <option value={s} selected={f.state === s}>{t(STATE_LABEL[s], lang)}</option>)}</select></label>
        <label>{J ? '出所' : 'Source'} <select name="source"><option value="">{J ? 'すべて' : 'All'}</option>
          {SOURCES.map((s) => <option value={s} selected={f.source === s}>{t(SOURCE_LABEL[s], lang)}</option>)}</select></label>
        <label>{J ? 'キーワード・ID・案件番号' : 'Keyword, ID or case ref'} <input type="search" name="q" value={f.q ?? ''} /></label>
        <button type="submit">{J ? '絞り込む' : 'Filter'}</button>
      </form>
      <p>{J ? `${props.total.toLocaleString('en-US')} 件` : `${props.total.toLocaleString('en-US')} advisories`} · <a href={qs({ format: 'csv' })}>{J ? 'CSV（UTF-8）' : 'CSV (UTF-8)'}</a> · <a href={qs({ format: 'csv', encoding: 'shift_jis' })}>{J ? 'CSV（Shift_JIS）' : 'CSV (Shift_JIS)'}</a></p>
      <table>
        <caption class="sr-only">{J ? '脆弱性対策情報（最終変更の新しい順）' : 'Advisories, most recently changed first'}</caption>
        <thead><tr><th scope="col">{J ? '状態' : 'State'}</th><th scope="col">ID</th><th scope="col">{J ? 'タイトル' : 'Title'}</th><th scope="col">{J ? '出所' : 'Source'}</th>
          <th scope="col">{J ? '深刻度' : 'Severity'}</th><th scope="col">{J ? '公表日' : 'Public'}</th><th scope="col">{J ? '最終変更' : 'Last change'}</th><th scope="col">{J ? '版' : 'Rev.'}</th></tr></thead>
        <tbody>{props.items.map((a) => (
          <tr>
            <td>{t(STATE_LABEL[a.state] ?? { ja: a.state, en: a.state }, lang)}</td>
            <td>{a.jvndb_id ?? <span class="muted">{J ? '未採番' : 'unnumbered'}</span>}</td>
            <td><a href={staffHref(a.id)}>{titleOf(a, lang)}</a>{a.cve_ids.length ? <> <span class="muted">{a.cve_ids.slice(0, 3).join(', ')}{a.cve_ids.length > 3 ? '…' : ''}</span></> : null}</td>
            <td>{label(SOURCE_LABEL, a.source, lang)}{a.source_ref ? <> <span class="muted">{a.source_ref}</span></> : null}</td>
            <td>{sev(a.severity, lang)}</td><td>{d(a.public_date)}</td><td>{dt(a.updated_at, lang)}</td><td class="num">{a.revision}</td>
          </tr>
        ))}</tbody>
      </table>
      {pages > 1 ? (
        <nav class="pager" aria-label={J ? 'ページ' : 'Pages'}>
          {props.page > 1 ? <a href={qs({ page: String(props.page - 1) })} rel="prev">{J ? '前へ' : 'Previous'}</a> : null}
          <span>{props.page} / {pages}</span>
          {props.page < pages ? <a href={qs({ page: String(props.page + 1) })} rel="next">{J ? '次へ' : 'Next'}</a> : null}
        </nav>
      ) : null}
    </Layout>
  );
}

// ------------------------------------------------------------------ editor

function CvssTable(props: { lang: Lang; cvss: Advisory['cvss']; caption: string }) {
  const J = isJ(props.lang);
  return (
    <table>
      <caption>{props.caption}</caption>
      <thead><tr><th scope="col">{J ? 'バージョン' : 'Version'}</th><th scope="col">{J ? '基本値' : 'Base score'}</th><th scope="col">{J ? '深刻度' : 'Severity'}</th><th scope="col">{J ? 'ベクトル' : 'Vector'}</th></tr></thead>
      <tbody>{props.cvss.map((c) => <tr data-cvss={c.version}><th scope="row">CVSS v{c.version}</th><td class="num">{c.baseScore.toFixed(1)}</td><td>{sev(c.severity, props.lang)}</td><td><code>{c.vector}</code></td></tr>)}</tbody>
    </table>
  );
}

export interface EditorProps {
  ctx: PageContext; values: EditorValues; errors: FieldError[]; extraRows: number;
  /** The advisory being edited (absent for a new one). */
  advisory?: Advisory; saved?: boolean; status?: 'added' | null;
}

export function EditorPage(props: EditorProps) {
  const { ctx, values: v, errors, advisory: a } = props; const { lang } = ctx; const J = isJ(lang);
  const action = a ? `/staff/advisories/${a.id}/edit` : '/staff/advisories/new';
  const textInput = (name: keyof EditorValues['text'], long: boolean, hint?: Text) => (
    <div class="field">
      <label for={`f-${name}`}>{fieldLabel(name, lang)}{hint ? <span class="hint" id={`h-${name}`}>{t(hint, lang)}</span> : null}</label>
      <FieldErrors lang={lang} errors={errors} name={name} />
      {long
        ? <textarea id={`f-${name}`} name={name} lang={name.endsWith('.ja') ? 'ja' : 'en'} {...aria(errors, name, !!hint)}>{v.text[name]}</textarea>
        : <input type="text" id={`f-${name}`} name={name} value={v.text[name]} lang={name.endsWith('.ja') ? 'ja' : 'en'} maxLength={500} {...aria(errors, name, !!hint)} />}
    </div>
  );
  const listInput = (name: 'cveIds' | 'jvnIds' | 'cweIds' | 'cvss', hint: Text) => {
    const items = v[name].split(name === 'cvss' ? /\s+/ : /[\s,、，]+/).map((x) => x.trim()).filter(Boolean);
    return (
      <div class="field">
        <label for={`f-${name}`}>{fieldLabel(name, lang)}<span class="hint" id={`h-${name}`}>{t(hint, lang)}</span></label>
        <FieldErrors lang={lang} errors={errors} name={name} items={items} />
        <textarea id={`f-${name}`} name={name} rows={name === 'cvss' ? 4 : 3} spellcheck={false} {...aria(errors, name, true)}>{v[name]}</textarea>
      </div>
    );
  };
  const affected = [...v.affected, ...Array.from({ length: props.extraRows }, emptyRows.affected)];
  const references = [...v.references, ...Array.from({ length: props.extraRows }, emptyRows.references)];
  const cell = (group: 'affected' | 'references', i: number, key: string, value: string, el?: 'incl-start' | 'incl-end' | 'reftype') => {
    const name = `${group}[${i}].${key}`;
    const lab = <label class="sr-only" for={`f-${name}`}>{fieldLabel(name, lang)}</label>;
    const err = <FieldErrors lang={lang} errors={errors} name={name} />;
    if (el === 'incl-start' || el === 'incl-end') {
      return <td>{lab}{err}<select id={`f-${name}`} name={name} {...aria(errors, name)}>
        <option value="including" selected={value === 'including'}>{el === 'incl-start' ? (J ? '以上（≤）' : 'including (≤)') : (J ? '以下（≤）' : 'including (≤)')}</option>
        <option value="excluding" selected={value === 'excluding'}>{el === 'incl-start' ? (J ? 'より後（<）' : 'excluding (<)') : (J ? '未満（<）' : 'excluding (<)')}</option>
      </select></td>;
    }
    if (el === 'reftype') {
      return <td>{lab}{err}<select id={`f-${name}`} name={name} {...aria(errors, name)}>{REF_TYPES.map((rt) => <option value={rt} selected={value === rt}>{t(REF_TYPE_LABEL[rt], lang)}</option>)}</select></td>;
    }
    return <td>{lab}{err}<input type="text" id={`f-${name}`} name={name} value={value} {...aria(errors, name)} /></td>;
  };
  return (
    <Layout ctx={ctx} title={a ? { ja: `脆弱性対策情報の編集: ${titleOf(a, 'ja')}`, en: `Edit advisory: ${titleOf(a, 'en')}` } : { ja: '脆弱性対策情報の新規作成', en: 'New advisory' }}>
      {a ? <p><a href={staffHref(a.id)}>{J ? '← 職員用の表示に戻る' : '← Back to the staff view'}</a> · {t(STATE_LABEL[a.state], lang)}{a.jvndbId ? ` · ${a.jvndbId}` : ''} · {J ? `第 ${a.revision} 版` : `revision ${a.revision}`}</p> : null}
      {a && a.source === 'case' && a.sourceRef ? <p class="alert">{J ? '届出案件から作成された下書きです。案件: ' : 'Draft created from a vulnerability-desk case: '}<a href={`/staff/cases/${encodeURIComponent(a.sourceRef)}`} data-case-ref={a.sourceRef}>{a.sourceRef}</a></p> : null}
      {props.saved ? <p class="alert ok" role="status">{J ? '保存しました。CVSS の基本値と深刻度はサーバで計算されています。' : 'Saved. CVSS base scores and severities were computed by the server.'}</p> : null}
      <ErrorSummary lang={lang} errors={errors} />
      <form method="post" action={action} class="stack" novalidate>
        <Csrf ctx={ctx} />
        <input type="hidden" name="extraRows" value={String(props.extraRows)} />
        <fieldset>
          <legend>{J ? 'タイトルと本文' : 'Title and text'}</legend>
          {textInput('title.ja', false, { ja: '日本語・英語のどちらかは必須です。', en: 'Japanese or English is required.' })}
          {textInput('title.en', false)}
          {textInput('overview.ja', true)}{textInput('overview.en', true)}
          {textInput('impact.ja', true)}{textInput('impact.en', true)}
          {textInput('solution.ja', true)}{textInput('solution.en', true)}
        </fieldset>
        <fieldset>
          <legend>{J ? '識別子' : 'Identifiers'}</legend>
          {listInput('cveIds', { ja: '1 行に 1 つ（空白・カンマ区切りも可）。例: CVE-2026-12345', en: 'One per line (blanks or commas also separate). e.g. CVE-2026-12345' })}
          {listInput('jvnIds', { ja: '例: JVN#12345678、JVNVU#12345678', en: 'e.g. JVN#12345678, JVNVU#12345678' })}
          {listInput('cweIds', { ja: '例: CWE-79、NVD-CWE-Other', en: 'e.g. CWE-79, NVD-CWE-Other' })}
        </fieldset>
        <fieldset>
          <legend>CVSS</legend>
          {listInput('cvss', { ja: 'ベクトルを 1 行に 1 つ（v2.0・v3.0・v3.1・v4.0、各版 1 つまで）。基本値と深刻度は保存時にサーバが計算します。', en: 'One vector per line (v2.0, v3.0, v3.1, v4.0; one per version). Scores and severities are computed by the server on save.' })}
          {a && a.cvss.length ? <CvssTable lang={lang} cvss={a.cvss} caption={J ? '保存済みのベクトルから計算した値' : 'Computed from the saved vectors'} /> : null}
        </fieldset>
        <fieldset>
          <legend>{J ? '影響を受ける製品' : 'Affected products'}</legend>
          <p class="hint muted">{J ? '空の行は無視されます。行が足りないときは「行を追加」を押してください（入力内容は保持されます）。' : 'Empty rows are ignored. Use "Add rows" for more rows (what you typed is kept).'}</p>
          <table>
            <thead><tr>{AFFECTED_KEYS.map((k) => <th scope="col">{t(AFFECTED_LABEL[k], lang)}</th>)}</tr></thead>
            <tbody>{affected.map((r, i) => (
              <tr>
                {cell('affected', i, 'vendor', r.vendor)}{cell('affected', i, 'product', r.product)}{cell('affected', i, 'cpe', r.cpe)}{cell('affected', i, 'purl', r.purl)}
                {cell('affected', i, 'versionText', r.versionText)}{cell('affected', i, 'versionStart', r.versionStart)}{cell('affected', i, 'versionStartIncluding', r.versionStartIncluding, 'incl-start')}
                {cell('affected', i, 'versionEnd', r.versionEnd)}{cell('affected', i, 'versionEndIncluding', r.versionEndIncluding, 'incl-end')}
              </tr>
            ))}</tbody>
          </table>
        </fieldset>
        <fieldset>
          <legend>{J ? '参考情報' : 'References'}</legend>
          <table>
            <thead><tr>{REFERENCE_KEYS.map((k) => <th scope="col">{t(REFERENCE_LABEL[k], lang)}</th>)}</tr></thead>
            <tbody>{references.map((r, i) => <tr>{cell('references', i, 'url', r.url)}{cell('references', i, 'type', r.type, 'reftype')}{cell('references', i, 'title', r.title)}</tr>)}</tbody>
          </table>
        </fieldset>
        <div class="field">
          <label for="f-publicDate">{fieldLabel('publicDate', lang)}<span class="hint" id="h-publicDate">{J ? '空欄なら公開時の日付になります。' : 'Left empty, the date of publication is used.'}</span></label>
          <FieldErrors lang={lang} errors={errors} name="publicDate" />
          <input type="date" id="f-publicDate" name="publicDate" value={v.publicDate} {...aria(errors, 'publicDate', true)} />
        </div>
        {a ? (
          <div class="field">
            <label for="f-note">{fieldLabel('note', lang)}<span class="hint">{J ? '更新履歴に残ります。' : 'Kept in the revision history.'}</span></label>
            <input type="text" id="f-note" name="note" value={v.note} maxLength={500} />
          </div>
        ) : null}
        <p>
          <button type="submit" name="action" value="save">{a ? (J ? '保存' : 'Save') : (J ? '下書きとして保存' : 'Save as draft')}</button>{' '}
          <button type="submit" name="action" value="addRows" class="secondary">{J ? '行を追加' : 'Add rows'}</button>
        </p>
      </form>
    </Layout>
  );
}

// ------------------------------------------------------------------ staff view

function Bilingual(props: { lang: Lang; title: string; value: { ja: string; en: string } }) {
  if (!props.value.ja && !props.value.en) return null;
  return (
    <>
      <h3>{props.title}</h3>
      {props.value.ja ? <div lang="ja" class="prewrap">{props.value.ja}</div> : null}
      {props.value.en ? <div lang="en" class="prewrap">{props.value.en}</div> : null}
    </>
  );
}

function ConfirmForm(props: { ctx: PageContext; action: string; name: string; label: string; confirm: string; errors: FieldError[] }) {
  const id = `confirm-${props.name}`;
  const errs = props.errors.filter((e) => e.field === `confirm.${props.name}`);
  return (
    <form method="post" action={props.action} class="stack">
      <Csrf ctx={props.ctx} />
      {errs.map((e) => <span class="field-error" id={`e-${id}`}>{t(e.message, props.ctx.lang)}</span>)}
      <label for={id}><input type="checkbox" id={id} name="confirm" value="yes" required aria-describedby={errs.length ? `e-${id}` : undefined} /> {props.confirm}</label>
      <p><button type="submit">{props.label}</button></p>
    </form>
  );
}

export interface ViewProps {
  ctx: PageContext; a: Advisory; revisions: Revision[]; statements: StaffVendorStatement[]; vendors: Array<{ id: number; name: string }>; names: Record<string, string>;
  can: { write: boolean; publish: boolean }; errors: FieldError[]; notice?: string | null;
  statementValues: Record<string, string>; statementErrors: FieldError[];
}

export function StaffViewPage(props: ViewProps) {
  const { ctx, a } = props; const { lang } = ctx; const J = isJ(lang);
  const published = a.state === 'published' || a.state === 'revised';
  const canEdit = props.can.write && (!published || props.can.publish);
  const sv = props.statementValues; const se = props.statementErrors;
  const NOTICES: Record<string, Text> = {
    created: { ja: '下書きを作成しました。', en: 'The draft was created.' }, saved: { ja: '保存しました。', en: 'Saved.' },
    submitted: { ja: 'レビューに回しました。', en: 'Submitted for review.' }, published: { ja: `公開しました（${a.jvndbId ?? ''}）。`, en: `Published (${a.jvndbId ?? ''}).` },
    statement: { ja: 'ベンダ情報を保存しました。', en: 'The vendor statement was saved.' }, statementDeleted: { ja: 'ベンダ情報を削除しました。', en: 'The vendor statement was removed.' },
  };
  return (
    <Layout ctx={ctx} title={{ ja: `${a.jvndbId ?? '（未採番）'} ${titleOf(a, 'ja')}`, en: `${a.jvndbId ?? '(unnumbered)'} ${titleOf(a, 'en')}` }}>
      <p><a href="/staff/advisories">{J ? '← 作業キュー' : '← Work queue'}</a></p>
      {props.notice && NOTICES[props.notice] ? <p class="alert ok" role="status">{t(NOTICES[props.notice], lang)}</p> : null}
      {!published ? <p class="alert">{J ? 'この脆弱性対策情報は未公開です。公開まで内容を外部に伝えないでください（閲覧は監査ログに記録されます）。' : 'This advisory is not published. Keep its content confidential until publication (reads are recorded in the audit log).'}</p> : null}
      <ErrorSummary lang={lang} errors={props.errors} />
      <dl class="meta">
        <dt>{J ? '状態' : 'State'}</dt><dd data-state={a.state}>{t(STATE_LABEL[a.state], lang)}</dd>
        <dt>JVNDB ID</dt><dd>{a.jvndbId ?? '—'}</dd>
        <dt>{J ? '出所' : 'Source'}</dt><dd>{label(SOURCE_LABEL, a.source, lang)}{a.sourceRef ? <> {a.source === 'case' ? <a href={`/staff/cases/${encodeURIComponent(a.sourceRef)}`} data-case-ref={a.sourceRef}>{a.sourceRef}</a> : a.sourceRef}</> : null}</dd>
        <dt>{J ? '版' : 'Revision'}</dt><dd>{a.revision}</dd>
        <dt>{J ? '公表日' : 'Public date'}</dt><dd>{d(a.publicDate)}</dd>
        <dt>{J ? '登録日' : 'Registered'}</dt><dd>{d(a.firstPublishedAt)}</dd>
        <dt>{J ? '最終更新日' : 'Last modified'}</dt><dd>{d(a.modifiedAt)}</dd>
        <dt>{J ? '深刻度' : 'Severity'}</dt><dd>{sev(a.severity, lang)}</dd>
        {a.kev ? <><dt>{J ? '悪用の確認（CISA KEV）' : 'Known exploited (CISA KEV)'}</dt><dd>{a.kevAdded}</dd></> : null}
      </dl>
      <h2>{J ? '操作' : 'Actions'}</h2>
      <ul>
        {canEdit ? <li><a href={`/staff/advisories/${a.id}/edit`}>{J ? '編集する' : 'Edit'}</a>{published ? (J ? '（公開済み: 保存すると「改訂」になります）' : ' (published: saving makes it revised)') : ''}</li> : null}
        <li><a href={`/staff/advisories/${a.id}/revisions`}>{J ? `更新履歴と差分（${props.revisions.length} 版）` : `Revisions and diffs (${props.revisions.length})`}</a></li>
        {published && a.jvndbId ? <li><a href={`/advisories/${a.jvndbId}`}>{J ? '公開ページ' : 'Public page'}</a></li> : null}
      </ul>
      {a.state === 'draft' && props.can.write ? (
        <section aria-labelledby="h-submit">
          <h3 id="h-submit">{J ? 'レビューに回す' : 'Submit for review'}</h3>
          <ConfirmForm ctx={ctx} action={`/staff/advisories/${a.id}/submit`} name="submit" errors={props.errors} label={J ? 'レビューに回す' : 'Submit for review'}
            confirm={J ? '内容を確認し、レビューに回します。' : 'I have checked the content and submit it for review.'} />
        </section>
      ) : null}
      {a.state === 'review' && props.can.publish ? (
        <section aria-labelledby="h-publish">
          <h3 id="h-publish">{J ? '公開する' : 'Publish'}</h3>
          <ConfirmForm ctx={ctx} action={`/staff/advisories/${a.id}/publish`} name="publish" errors={props.errors} label={J ? '公開する' : 'Publish'}
            confirm={J ? 'JVNDB ID を採番して一般に公開します。公開後は取り消せません。' : 'Assign a JVNDB ID and publish it to everyone. This cannot be undone.'} />
        </section>
      ) : null}
      {a.state === 'review' && !props.can.publish ? <p class="muted">{J ? '公開は公開担当者（advisories.publish）が行います。' : 'A publisher (advisories.publish) publishes it.'}</p> : null}

      <h2>{J ? '内容' : 'Content'}</h2>
      <Bilingual lang={lang} title={J ? 'タイトル' : 'Title'} value={a.title} />
      <Bilingual lang={lang} title={J ? '概要' : 'Overview'} value={a.overview} />
      <Bilingual lang={lang} title={J ? '想定される影響' : 'Impact'} value={a.impact} />
      <Bilingual lang={lang} title={J ? '対策' : 'Solution'} value={a.solution} />
      <dl class="meta">
        <dt>CVE</dt><dd>{a.cveIds.join(', ') || '—'}</dd>
        <dt>JVN</dt><dd>{a.jvnIds.join(', ') || '—'}</dd>
        <dt>CWE</dt><dd>{a.cweIds.join(', ') || '—'}</dd>
      </dl>
      {a.cvss.length ? <CvssTable lang={lang} cvss={a.cvss} caption="CVSS" /> : <p class="muted">{J ? 'CVSS ベクトルは未入力です。' : 'No CVSS vector.'}</p>}
      {a.affected.length ? (
        <table>
          <caption>{J ? '影響を受ける製品' : 'Affected products'}</caption>
          <thead><tr><th scope="col">{J ? 'ベンダ' : 'Vendor'}</th><th scope="col">{J ? '製品' : 'Product'}</th><th scope="col">{J ? 'バージョン' : 'Versions'}</th><th scope="col">CPE</th><th scope="col">purl</th></tr></thead>
          <tbody>{a.affected.map((x) => (
            <tr><td>{x.vendor} <span class="muted">#{x.vendorId}</span></td><td>{x.product} <span class="muted">#{x.productId}</span></td>
              <td>{x.versionText ?? ''}{x.versionStart || x.versionEnd ? ` ${x.versionStart ?? ''}${x.versionStart ? (x.versionStartIncluding ? ' ≤' : ' <') : ''} v ${x.versionEnd ? (x.versionEndIncluding ? '≤ ' : '< ') : ''}${x.versionEnd ?? ''}` : ''}</td>
              <td>{x.cpe ? <code>{x.cpe}</code> : ''}</td><td>{x.purl ? <code>{x.purl}</code> : ''}</td></tr>
          ))}</tbody>
        </table>
      ) : null}
      {a.references.length ? (
        <table>
          <caption>{J ? '参考情報' : 'References'}</caption>
          <thead><tr><th scope="col">{J ? '種類' : 'Type'}</th><th scope="col">URL</th><th scope="col">{J ? 'タイトル' : 'Title'}</th></tr></thead>
          <tbody>{a.references.map((r) => <tr><td>{label(REF_TYPE_LABEL, r.type, lang)}</td><td><a href={r.url} rel="noopener noreferrer">{r.url}</a></td><td>{r.title ?? ''}</td></tr>)}</tbody>
        </table>
      ) : null}

      <h2 id="statements">{J ? 'ベンダ情報（ベンダステータス）' : 'Vendor statements'}</h2>
      {props.statements.length ? (
        <table>
          <thead><tr><th scope="col">{J ? 'ベンダ' : 'Vendor'}</th><th scope="col">{J ? 'ステータス' : 'Status'}</th><th scope="col">{J ? '説明' : 'Statement'}</th><th scope="col">URL</th><th scope="col">{J ? '更新' : 'Updated'}</th><th scope="col">{J ? '操作' : 'Actions'}</th></tr></thead>
          <tbody>{props.statements.map((s) => (
            <tr data-vendor={s.vendorId}>
              <td>{s.vendor}</td><td>{t(STATUS_LABEL[s.status], lang)}</td>
              <td>{s.statement.ja ? <div lang="ja" class="prewrap">{s.statement.ja}</div> : null}{s.statement.en ? <div lang="en" class="prewrap">{s.statement.en}</div> : null}</td>
              <td>{s.url ? <a href={s.url} rel="noopener noreferrer">{s.url}</a> : ''}</td>
              <td>{dt(s.updatedAt, lang)} <span class="muted">{props.names[s.updatedBy] ?? s.updatedBy}</span></td>
              <td>{canEdit ? <>
                <a href={`/staff/advisories/${a.id}?statement=${s.vendorId}#statement-form`}>{J ? '編集' : 'Edit'}</a>{' '}
                <form method="post" action={`/staff/advisories/${a.id}/statements/${s.vendorId}/delete`} class="inline"><Csrf ctx={ctx} />
                  <button type="submit" class="link">{J ? `削除（${s.vendor}）` : `Remove (${s.vendor})`}</button></form></> : null}</td>
            </tr>
          ))}</tbody>
        </table>
      ) : <p class="muted">{J ? 'ベンダ情報はまだありません。' : 'No vendor statements yet.'}</p>}
      {canEdit ? (
        <form method="post" action={`/staff/advisories/${a.id}/statements`} class="stack" id="statement-form" novalidate>
          <Csrf ctx={ctx} />
          <h3>{J ? 'ベンダ情報の追加・更新' : 'Add or update a vendor statement'}</h3>
          <ErrorSummary lang={lang} errors={se} />
          <div class="field">
            <label for="f-vendorId">{fieldLabel('vendorId', lang)}<span class="hint" id="h-vendorId">{J ? '同じベンダの情報は置き換えられます。' : 'A statement of the same vendor is replaced.'}</span></label>
            <FieldErrors lang={lang} errors={se} name="vendorId" />
            <select id="f-vendorId" name="vendorId" {...aria(se, 'vendorId', true)}>
              <option value="">{J ? '（下の欄に新しいベンダ名を入力）' : '(enter a new vendor name below)'}</option>
              {props.vendors.map((v) => <option value={String(v.id)} selected={sv.vendorId === String(v.id)}>{v.name}</option>)}
            </select>
          </div>
          <div class="field">
            <label for="f-vendorName">{fieldLabel('vendorName', lang)}</label>
            <FieldErrors lang={lang} errors={se} name="vendorName" />
            <input type="text" id="f-vendorName" name="vendorName" value={sv.vendorName ?? ''} maxLength={200} {...aria(se, 'vendorName')} />
          </div>
          <div class="field">
            <label for="f-status">{fieldLabel('status', lang)}</label>
            <FieldErrors lang={lang} errors={se} name="status" />
            <select id="f-status" name="status" {...aria(se, 'status')}>
              <option value="">—</option>
              {STATEMENT_STATUSES.map((s) => <option value={s} selected={sv.status === s}>{t(STATUS_LABEL[s], lang)}</option>)}
            </select>
          </div>
          <div class="field"><label for="f-statementJa">{fieldLabel('statementJa', lang)}</label><FieldErrors lang={lang} errors={se} name="statementJa" />
            <textarea id="f-statementJa" name="statementJa" lang="ja" {...aria(se, 'statementJa')}>{sv.statementJa ?? ''}</textarea></div>
          <div class="field"><label for="f-statementEn">{fieldLabel('statementEn', lang)}</label><FieldErrors lang={lang} errors={se} name="statementEn" />
            <textarea id="f-statementEn" name="statementEn" lang="en" {...aria(se, 'statementEn')}>{sv.statementEn ?? ''}</textarea></div>
          <div class="field"><label for="f-url">{fieldLabel('url', lang)}</label><FieldErrors lang={lang} errors={se} name="url" />
            <input type="url" id="f-url" name="url" value={sv.url ?? ''} {...aria(se, 'url')} /></div>
          <p><button type="submit">{J ? 'ベンダ情報を保存' : 'Save the vendor statement'}</button></p>
        </form>
      ) : null}
    </Layout>
  );
}

// ------------------------------------------------------------------ revisions and diff

export function RevisionsPage(props: { ctx: PageContext; a: Advisory; revisions: Revision[]; names: Record<string, string> }) {
  const { ctx, a, revisions } = props; const { lang } = ctx; const J = isJ(lang);
  const KIND: Record<string, Text> = {
    created: { ja: '作成', en: 'Created' }, submitted: { ja: 'レビュー依頼', en: 'Submitted' }, published: { ja: '公開', en: 'Published' },
    updated: { ja: '更新', en: 'Updated' }, imported: { ja: '取り込み', en: 'Imported' }, kev_flagged: { ja: 'KEV 登録', en: 'KEV flagged' },
  };
  const last = revisions.length ? revisions[revisions.length - 1].revision : 0;
  return (
    <Layout ctx={ctx} title={{ ja: `更新履歴: ${a.jvndbId ?? titleOf(a, 'ja')}`, en: `Revisions: ${a.jvndbId ?? titleOf(a, 'en')}` }}>
      <p><a href={staffHref(a.id)}>{J ? '← 職員用の表示に戻る' : '← Back to the staff view'}</a></p>
      <table>
        <thead><tr><th scope="col">{J ? '版' : 'Revision'}</th><th scope="col">{J ? '日時' : 'Time'}</th><th scope="col">{J ? '実施者' : 'Actor'}</th><th scope="col">{J ? '種別' : 'Kind'}</th><th scope="col">{J ? 'メモ' : 'Note'}</th><th scope="col">{J ? '差分' : 'Diff'}</th></tr></thead>
        <tbody>{revisions.map((r) => (
          <tr><th scope="row" class="num">{r.revision}</th><td>{dt(r.at, lang)}</td><td>{props.names[r.actor] ?? r.actor}</td><td>{label(KIND, r.kind, lang)}</td><td>{r.note}</td>
            <td>{r.revision > 1 ? <a href={`/staff/advisories/${a.id}/diff?from=${r.revision - 1}&to=${r.revision}`}>{J ? `第 ${r.revision - 1} 版との差分` : `vs. ${r.revision - 1}`}</a> : '—'}</td></tr>
        ))}</tbody>
      </table>
      {last > 1 ? <DiffChooser ctx={ctx} a={a} revisions={revisions} from={1} to={last} /> : null}
    </Layout>
  );
}

function DiffChooser(props: { ctx: PageContext; a: Advisory; revisions: Revision[]; from: number; to: number }) {
  const J = isJ(props.ctx.lang);
  return (
    <form method="get" action={`/staff/advisories/${props.a.id}/diff`} class="filters">
      <label>{J ? '比較元の版' : 'From revision'} <select name="from">{props.revisions.map((r) => <option value={String(r.revision)} selected={r.revision === props.from}>{r.revision}</option>)}</select></label>
      <label>{J ? '比較先の版' : 'To revision'} <select name="to">{props.revisions.map((r) => <option value={String(r.revision)} selected={r.revision === props.to}>{r.revision}</option>)}</select></label>
      <button type="submit">{J ? '差分を表示' : 'Show the diff'}</button>
    </form>
  );
}

function Lines(props: { lines: DiffLine[]; lang: Lang }) {
  // Unchanged runs longer than 5 lines are shortened to their first and last 2 lines.
  const out: ComponentChildren[] = [];
  const ls = props.lines;
  let i = 0;
  while (i < ls.length) {
    if (ls[i].op !== 'same') { out.push(<li class={`diff-${ls[i].op}`}><span aria-hidden="true">{ls[i].op === 'add' ? '+ ' : '- '}</span>{ls[i].op === 'add' ? <ins>{ls[i].text}</ins> : <del>{ls[i].text}</del>}</li>); i++; continue; }
    let j = i; while (j < ls.length && ls[j].op === 'same') j++;
    const run = ls.slice(i, j);
    const show = (x: { text: string }) => <li class="diff-same"><span aria-hidden="true">{'  '}</span>{x.text}</li>;
    if (run.length > 5) { out.push(...run.slice(0, 2).map(show), <li class="muted">{isJ(props.lang) ? `（変更のない ${run.length - 4} 行）` : `(${run.length - 4} unchanged lines)`}</li>, ...run.slice(-2).map(show)); }
    else out.push(...run.map(show));
    i = j;
  }
  return <ul class="diff prewrap">{out}</ul>;
}

export function DiffPage(props: { ctx: PageContext; a: Advisory; revisions: Revision[]; from: Revision; to: Revision; changes: FieldChange[]; names: Record<string, string> }) {
  const { ctx, a, from, to } = props; const { lang } = ctx; const J = isJ(lang);
  const who = (r: Revision) => props.names[r.actor] ?? r.actor;
  // Values as people read them: states by name, instants in JST.
  const shown = (field: string, v: string) => {
    if (!v) return '—';
    if (field === 'state') return label(STATE_LABEL, v, lang);
    if (field === 'severity') return sev(v, lang);
    if (['publicDate', 'firstPublishedAt', 'modifiedAt'].includes(field) && /^\d{4}-\d{2}-\d{2}T/.test(v)) return dt(v, lang);
    return v;
  };
  return (
    <Layout ctx={ctx} title={{ ja: `差分: 第 ${from.revision} 版 → 第 ${to.revision} 版`, en: `Diff: revision ${from.revision} → ${to.revision}` }}>
      <p><a href={`/staff/advisories/${a.id}/revisions`}>{J ? '← 更新履歴' : '← Revisions'}</a> · <a href={staffHref(a.id)}>{a.jvndbId ?? titleOf(a, lang)}</a></p>
      <p>{J ? `第 ${from.revision} 版（${dt(from.at, lang)}、${who(from)}、${from.kind}）→ 第 ${to.revision} 版（${dt(to.at, lang)}、${who(to)}、${to.kind}）` : `Revision ${from.revision} (${dt(from.at, lang)}, ${who(from)}, ${from.kind}) → ${to.revision} (${dt(to.at, lang)}, ${who(to)}, ${to.kind})`}</p>
      <DiffChooser ctx={ctx} a={a} revisions={props.revisions} from={from.revision} to={to.revision} />
      {props.changes.length === 0 ? <p>{J ? '内容に違いはありません。' : 'No differences.'}</p> : (
        <table>
          <caption class="sr-only">{J ? '変更された項目' : 'Changed fields'}</caption>
          <thead><tr><th scope="col">{J ? '項目' : 'Field'}</th><th scope="col">{J ? '変更内容' : 'Change'}</th></tr></thead>
          <tbody>{props.changes.map((c) => (
            <tr data-field={c.field}>
              <th scope="row">{FIELD_LABEL[c.field] ? t(FIELD_LABEL[c.field], lang) : c.field}</th>
              <td>{c.kind === 'scalar' ? <><del>{shown(c.field, c.from)}</del> → <ins>{shown(c.field, c.to)}</ins></>
                : c.kind === 'list' ? <ul>
                  {c.added.map((x) => <li class="diff-add">{J ? '追加: ' : 'Added: '}<ins>{x}</ins></li>)}
                  {c.removed.map((x) => <li class="diff-del">{J ? '削除: ' : 'Removed: '}<del>{x}</del></li>)}
                </ul>
                : <Lines lines={c.lines} lang={lang} />}</td>
            </tr>
          ))}</tbody>
        </table>
      )}
    </Layout>
  );
}

