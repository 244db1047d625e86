// Pages of the desk and J-CRAT: public forms and the half-yearly summary; the staff desk, case
// detail (e-mail headers, links, attachments, HTML source — all as escaped text), quarantine
// download form, J-CRAT forms and the statistics page. Nothing submitted is ever rendered as HTML.
import type { ComponentChildren } from 'preact';
import { Layout, type PageContext } from '../../platform/ui/layout.js';
import { t, type Lang, type Text } from '../../platform/i18n/i18n.js';
import type { FieldError } from '../../platform/http/errors.js';
import type { CaseRecord, CaseTypeDefinition } from '../../platform/cases/types.js';
import { formatDate, formatDateTime } from '../../platform/i18n/dates.js';
import { ACTIVITY_MODES, ATTACK_TYPES, CONSULTATION, ITEM, ITEM_KIND_LABEL, ITEM_KINDS, JCRAT, PERM, SECTORS, type ItemKind } from './case-types.js';
import { FIELD_LABELS, type Activity, type Artifact, type HalfYear, type PeriodCounts, type StoredIndicator } from './service.js';
import type { ParsedEmail } from '../../shared/eml.js';
import { defang } from '../../shared/indicators.js';

type Values = Record<string, string>;
const L = (lang: Lang, ja: string, en: string) => (lang === 'ja' ? ja : en);

function FieldRow(props: { name: string; lang: Lang; errors: FieldError[]; required?: boolean; hint?: Text; children: ComponentChildren }) {
  const err = props.errors.filter((e) => e.field === props.name);
  const label = FIELD_LABELS[props.name] ?? { ja: props.name, en: props.name };
  return (
    <div class="field">
      <label for={`f-${props.name}`}>{t(label, props.lang)}{props.required && <span aria-hidden="true"> *</span>}
        {props.required && <span class="hint">{L(props.lang, '（必須）', '(required)')}</span>}
        {props.hint && <span class="hint" id={`h-${props.name}`}>{t(props.hint, props.lang)}</span>}</label>
      {err.map((e) => <span class="field-error" id={`e-${props.name}`}>{t(e.message, props.lang)}</span>)}
      {props.children}
    </div>
  );
}

function ErrorSummary(props: { errors: FieldError[]; lang: Lang }) {
  if (!props.errors.length) return null;
  return (
    <div class="alert error" role="alert">
      <p>{L(props.lang, '入力内容を確認してください。', 'Please check the following fields.')}</p>
      <ul>{props.errors.map((e) => <li><a href={`#f-${e.field}`}>{t(FIELD_LABELS[e.field] ?? { ja: e.field, en: e.field }, props.lang)}</a>: {t(e.message, props.lang)}</li>)}</ul>
    </div>
  );
}

function inputs(v: Values, errors: FieldError[], lang: Lang) {
  const aria = (name: string, hint?: boolean) => {
    const ids = [hint ? `h-${name}` : '', errors.some((e) => e.field === name) ? `e-${name}` : ''].filter(Boolean);
    return { 'aria-invalid': errors.some((e) => e.field === name) ? 'true' as const : undefined, 'aria-describedby': ids.length ? ids.join(' ') : undefined };
  };
  return {
    text: (name: string, o: { required?: boolean; type?: string; max?: number; hint?: Text; autocomplete?: string } = {}) => (
      <FieldRow name={name} lang={lang} errors={errors} required={o.required} hint={o.hint}>
        <input id={`f-${name}`} name={name} type={o.type ?? 'text'} value={v[name] ?? ''} maxLength={o.max} autoComplete={o.autocomplete} {...aria(name, !!o.hint)} />
      </FieldRow>),
    area: (name: string, o: { required?: boolean; max?: number; hint?: Text; rows?: number } = {}) => (
      <FieldRow name={name} lang={lang} errors={errors} required={o.required} hint={o.hint}>
        <textarea id={`f-${name}`} name={name} maxLength={o.max} rows={o.rows ?? 6} {...aria(name, !!o.hint)}>{v[name] ?? ''}</textarea>
      </FieldRow>),
    select: (name: string, options: Record<string, Text>, o: { required?: boolean } = {}) => (
      <FieldRow name={name} lang={lang} errors={errors} required={o.required}>
        <select id={`f-${name}`} name={name} {...aria(name)}>
          <option value="">{L(lang, '選択してください', 'Choose…')}</option>
          {Object.entries(options).map(([k, l]) => <option value={k} selected={v[name] === k}>{t(l, lang)}</option>)}
        </select>
      </FieldRow>),
    file: (name: string, o: { hint?: Text; multiple?: boolean; accept?: string } = {}) => (
      <FieldRow name={name} lang={lang} errors={errors} hint={o.hint}>
        <input id={`f-${name}`} name={name} type="file" multiple={o.multiple} accept={o.accept} {...aria(name, !!o.hint)} />
      </FieldRow>),
  };
}

export const DESK_TITLE: Text = { ja: '標的型サイバー攻撃の特別相談窓口', en: 'Special consultation desk for targeted cyber attacks' };

export function LandingPage(props: { ctx: PageContext }) {
  const { lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={DESK_TITLE}>
      <p>{L(lang,
        '標的型攻撃メールや不審なファイル、公開情報となっているサイバー脅威情報の提供と、標的型サイバー攻撃に関するご相談を受け付けています。提供いただいた情報は解析・分析し、助言を行うとともに、被害の低減と同種攻撃の未然防止に活用します。深刻な被害が疑われる組織には、サイバーレスキュー隊（J-CRAT）が支援を行います。',
        'We receive targeted-attack e-mails, suspicious files and public cyber-threat information, and consultations about targeted cyber attacks. What you send is analysed; we give advice and use it to reduce damage and prevent similar attacks. Organisations facing serious damage are supported by the Cyber Rescue and Advice Team (J-CRAT).')}</p>
      <ul>
        <li><a href="/targeted-attack/submit">{L(lang, '不審メール・不審ファイル・脅威情報を提供する', 'Send a suspicious e-mail, file or threat information')}</a></li>
        <li><a href="/targeted-attack/consult">{L(lang, '相談する', 'Ask for a consultation')}</a></li>
        <li><a href="/targeted-attack/statistics">{L(lang, '活動状況（半期ごとの件数）', 'Activity (half-yearly figures)')}</a></li>
      </ul>
      <h2>{L(lang, '不審メールを提供するとき', 'When sending a suspicious e-mail')}</h2>
      <p>{L(lang, 'メールソフトの「名前を付けて保存」で .eml 形式のファイルにして添付するか、「ソースを表示」したメールのソース全体を貼り付けてください。転送するとヘッダ情報が失われるため、添付ファイルとして転送してください。添付ファイルやリンクは開かないでください。',
        'Save the message as an .eml file ("Save as" in your mail client) and attach it, or paste the complete source ("Show original"). Forwarding in-line loses the headers: forward as an attachment. Do not open its attachments or links.')}</p>
    </Layout>
  );
}

export function ItemFormPage(props: { ctx: PageContext; values: Values; errors: FieldError[]; idempotencyKey: string; action: string; maxFiles: number; maxMb: number; staff?: boolean }) {
  const { ctx, values: v, errors } = props;
  const lang = ctx.lang;
  const f = inputs(v, errors, lang);
  return (
    <Layout ctx={ctx} title={{ ja: '不審メール・不審ファイル・脅威情報の提供', en: 'Send a suspicious e-mail, file or threat information' }}>
      <ErrorSummary errors={errors} lang={lang} />
      <p>{L(lang, '* は必須項目です。連絡先は解析結果・助言のご連絡にのみ利用し、一定期間の後に削除します。', 'Fields marked * are required. Your contact details are used only to send you results and advice, and are deleted after a retention period.')}</p>
      <form method="post" action={props.action} enctype="multipart/form-data" class="stack" novalidate>
        <input type="hidden" name="_csrf" value={ctx.csrfToken} />
        <input type="hidden" name="idempotencyKey" value={props.idempotencyKey} />
        <fieldset id="f-kind"><legend>{t(FIELD_LABELS.kind, lang)} *</legend>
          {errors.filter((e) => e.field === 'kind').map((e) => <span class="field-error">{t(e.message, lang)}</span>)}
          {ITEM_KINDS.map((k) => <p><label class="check"><input type="radio" name="kind" value={k} checked={(v.kind || 'email') === k} /> {t(ITEM_KIND_LABEL[k], lang)}</label></p>)}
        </fieldset>
        {f.text('submitterName', { max: 200, autocomplete: 'name' })}
        {f.text('submitterEmail', { required: true, type: 'email', max: 254, autocomplete: 'email' })}
        {f.text('submitterOrganisation', { max: 200, autocomplete: 'organization' })}
        {f.text('title', { max: 300, hint: { ja: 'メールの場合は省略すると件名を使います。', en: 'For e-mails the subject is used when left empty.' } })}
        {f.file('eml', { accept: '.eml,message/rfc822', hint: { ja: `不審メールの場合: .eml ファイル（${props.maxMb}MB まで）。`, en: `For an e-mail: the .eml file (up to ${props.maxMb} MB).` } })}
        {f.area('rawEmail', { rows: 6, hint: { ja: '.eml の代わりにメールのソース全体（ヘッダを含む）を貼り付けることもできます。', en: 'Instead of the .eml file you may paste the complete source, headers included.' } })}
        {f.file('sample', { multiple: true, hint: { ja: `不審ファイルの場合: ${props.maxFiles} 件まで、1 件 ${props.maxMb}MB まで。ファイルは開かれず、暗号化して隔離保管されます。パスワード付き ZIP でも構いません。`, en: `For files: up to ${props.maxFiles}, ${props.maxMb} MB each. Files are never opened; they are stored encrypted in quarantine. Password-protected ZIPs are fine.` } })}
        {f.text('sourceUrl', { max: 2000, hint: { ja: '脅威情報の場合: 出典の URL（hxxp:// 等の無害化表記も可）。', en: 'For threat information: the source URL (defanged notation such as hxxp:// accepted).' } })}
        {f.area('description', { max: 20000, rows: 8, hint: { ja: '受信・発見の状況、開封の有無など。', en: 'How you received or found it, whether it was opened, etc.' } })}
        <p><button type="submit">{L(lang, '送信する', 'Submit')}</button></p>
      </form>
    </Layout>
  );
}

export function ConsultFormPage(props: { ctx: PageContext; values: Values; errors: FieldError[]; idempotencyKey: string; action: string }) {
  const { ctx, values: v, errors } = props;
  const lang = ctx.lang;
  const f = inputs(v, errors, lang);
  return (
    <Layout ctx={ctx} title={{ ja: '標的型サイバー攻撃に関するご相談', en: 'Consultation about a targeted cyber attack' }}>
      <ErrorSummary errors={errors} lang={lang} />
      <p>{L(lang, '* は必須項目です。', 'Fields marked * are required.')}</p>
      <form method="post" action={props.action} class="stack" novalidate>
        <input type="hidden" name="_csrf" value={ctx.csrfToken} />
        <input type="hidden" name="idempotencyKey" value={props.idempotencyKey} />
        {f.text('submitterName', { max: 200, autocomplete: 'name' })}
        {f.text('submitterEmail', { required: true, type: 'email', max: 254, autocomplete: 'email' })}
        {f.text('submitterPhone', { type: 'tel', max: 40, autocomplete: 'tel' })}
        {f.text('submitterOrganisation', { max: 200, autocomplete: 'organization' })}
        {f.select('sector', SECTORS)}
        {f.text('title', { required: true, max: 300 })}
        {f.area('description', { required: true, max: 20000, rows: 10 })}
        <p><button type="submit">{L(lang, '相談する', 'Send')}</button></p>
      </form>
    </Layout>
  );
}

// ---- Statistics ---------------------------------------------------------------------------------

export type HalfRow = HalfYear & { counts: PeriodCounts };

export function statsRows(rows: HalfRow[], total: PeriodCounts, lang: Lang, staff: boolean): Array<{ label: string; cells: number[] }> {
  const r = (ja: string, en: string, f: (c: PeriodCounts) => number) => ({ label: L(lang, ja, en), cells: [...rows.map((h) => f(h.counts)), f(total)] });
  return [
    r('受領件数（標的型攻撃メール・不審ファイル・公開脅威情報）', 'Items received (e-mails, files, public threat information)', (c) => c.items),
    r('　うち標的型攻撃メール', '  suspicious e-mails', (c) => c.itemsByKind.email),
    r('　うち不審ファイル', '  suspicious files', (c) => c.itemsByKind.file),
    r('　うち公開脅威情報', '  public threat information', (c) => c.itemsByKind.threat_info),
    r('相談対応件数', 'Consultations handled', (c) => c.consultations),
    r('J-CRAT リモート対応件数（メール・電話）', 'J-CRAT remote support (mail, phone)', (c) => c.jcratRemote),
    r('　うちオンサイト対応件数（現地・対面）', '  of which on site / face to face', (c) => c.jcratOnsite),
    ...(staff ? [r('助言件数', 'Advice given', (c) => c.advice)] : []),
  ];
}

export function StatsPage(props: { ctx: PageContext; fy: number; rows: HalfRow[]; total: PeriodCounts; chartSvg: string; csvHref: string; periods: Array<{ href: string; label: string; current: boolean }>; staff: boolean }) {
  const { lang } = props.ctx;
  const table = statsRows(props.rows, props.total, lang, props.staff);
  return (
    <Layout ctx={props.ctx} title={props.staff ? { ja: '特別相談窓口・J-CRAT 統計（職員）', en: 'Desk and J-CRAT statistics (staff)' } : { ja: '標的型サイバー攻撃の特別相談窓口・サイバーレスキュー隊（J-CRAT）活動状況', en: 'Special consultation desk and J-CRAT activity' }}>
      <nav aria-label={L(lang, '期間', 'Period')}><ul class="periods">{props.periods.map((p) => <li>{p.current ? <strong aria-current="page">{p.label}</strong> : <a href={p.href}>{p.label}</a>}</li>)}</ul></nav>
      {!props.staff && <p>{L(lang, '件数のみを公表しています。個別の組織・相談内容は公表しません。', 'Only counts are published; no organisation or consultation is identified.')}</p>}
      <table>
        <caption>{L(lang, `${props.fy}年度 半期別件数`, `FY${props.fy} by half-year`)}</caption>
        <thead><tr><th scope="col">{L(lang, '区分', 'Category')}</th>{props.rows.map((h) => <th scope="col" class="num">{t(h.label, lang)}</th>)}<th scope="col" class="num">{L(lang, '年度計', 'Fiscal year')}</th></tr></thead>
        <tbody>{table.map((r) => <tr><th scope="row">{r.label}</th>{r.cells.map((c) => <td class="num">{c.toLocaleString()}</td>)}</tr>)}</tbody>
      </table>
      <figure class="report-chart">
        <div dangerouslySetInnerHTML={{ __html: props.chartSvg /* our own ECharts SSR output (sanitised by charts.ts), no user markup */ }} />
        <figcaption>{L(lang, '半期ごとの J-CRAT 対応件数と窓口の受領・相談件数', 'J-CRAT support, items received and consultations by half-year')}</figcaption>
      </figure>
      <p><a href={props.csvHref}>CSV</a> · <a href={`${props.csvHref}&encoding=shift_jis`}>CSV (Shift_JIS)</a></p>
    </Layout>
  );
}

// ---- Staff ---------------------------------------------------------------------------------------

export function StaffDeskPage(props: { ctx: PageContext; recent: CaseRecord[]; jcrat: CaseRecord[]; defs: Map<string, CaseTypeDefinition>; can(p: string): boolean }) {
  const { lang } = props.ctx;
  const list = (items: CaseRecord[]) => (
    <table><thead><tr><th scope="col">{L(lang, '受付番号', 'Ref')}</th><th scope="col">{L(lang, '件名', 'Title')}</th><th scope="col">{L(lang, '状態', 'State')}</th><th scope="col">{L(lang, '受付日', 'Received')}</th></tr></thead>
      <tbody>{items.map((c) => <tr><td><a href={`/staff/targeted-attack/cases/${c.ref}`}>{c.ref}</a></td><td>{c.title}</td><td>{t(props.defs.get(c.type)?.states[c.state]?.label ?? { ja: c.state, en: c.state }, lang)}</td><td>{formatDate(c.receivedAt, lang)}</td></tr>)}</tbody></table>
  );
  return (
    <Layout ctx={props.ctx} title={{ ja: '特別相談窓口・J-CRAT', en: 'Targeted-attack desk and J-CRAT' }}>
      <ul class="periods">
        {props.can(PERM.triage) && <li><a href="/staff/targeted-attack/new">{L(lang, '受領情報を登録（メール・郵送等）', 'Register an item (received by mail, post…)')}</a></li>}
        {props.can(PERM.jcrat) && <li><a href="/staff/targeted-attack/jcrat/new">{L(lang, 'J-CRAT 支援を登録', 'New J-CRAT support case')}</a></li>}
        {props.can(PERM.stats) && <li><a href="/staff/targeted-attack/statistics">{L(lang, '統計', 'Statistics')}</a></li>}
        <li><a href={`/staff/cases?type=${ITEM}&open=1`}>{L(lang, '受領情報の一覧', 'All items')}</a></li>
        <li><a href={`/staff/cases?type=${CONSULTATION}&open=1`}>{L(lang, '相談の一覧', 'All consultations')}</a></li>
      </ul>
      {props.can(PERM.read) && <><h2>{L(lang, '最近の受領・相談', 'Recent items and consultations')}</h2>{list(props.recent)}</>}
      {props.can(PERM.jcratRead) && <><h2>{L(lang, '対応中の J-CRAT 支援', 'Open J-CRAT support cases')}</h2>{list(props.jcrat)}</>}
    </Layout>
  );
}

function Pre(props: { children: string }) {
  return <pre class="prewrap">{props.children}</pre>;
}

function EmailSection(props: { email: ParsedEmail; lang: Lang }) {
  const { email: e, lang } = props;
  const row = (label: string, v: string | null | undefined) => (v ? <><dt>{label}</dt><dd class="prewrap">{v}</dd></> : null);
  return (
    <section aria-labelledby="h-email"><h2 id="h-email">{L(lang, 'メールの解析結果', 'The e-mail')}</h2>
      <p class="hint">{L(lang, 'メールは表示されず、解析結果のみを文字として示します。リンクは無害化表記です。', 'The message is never rendered; only what was parsed is shown as text. Links are defanged.')}</p>
      <dl class="meta">
        {row(L(lang, '件名', 'Subject'), e.subject)}
        {row('From', e.from)}
        {row('Reply-To', e.replyTo)}
        {row('Return-Path', e.returnPath)}
        {row('To', e.to)}
        {row('Cc', e.cc)}
        {row('Date', e.date)}
        {row('Message-ID', e.messageId)}
        {row('X-Mailer', e.xMailer)}
        {row('X-Originating-IP', e.xOriginatingIp)}
        {row('Authentication-Results', e.authenticationResults)}
      </dl>
      {e.received.length > 0 && <details><summary>Received ({e.received.length})</summary><ol>{e.received.map((r) => <li><code>{r}</code></li>)}</ol></details>}
      <h3>{L(lang, 'リンク', 'Links')} ({e.links.length})</h3>
      {e.links.length ? <ul>{e.links.map((l) => <li><code>{defang({ type: 'url', value: l.url })}</code>{l.text ? ` — ${l.text}` : ''}</li>)}</ul> : <p>—</p>}
      <h3>{L(lang, '添付ファイル（開かれていません）', 'Attachments (never opened)')} ({e.attachments.length})</h3>
      {e.attachments.length ? (
        <table><thead><tr><th scope="col">{L(lang, 'ファイル名', 'Name')}</th><th scope="col">{L(lang, '種類（申告）', 'Declared type')}</th><th scope="col" class="num">{L(lang, 'サイズ', 'Size')}</th><th scope="col">Hashes</th></tr></thead>
          <tbody>{e.attachments.map((a) => <tr><td>{a.filename}</td><td>{a.contentType}</td><td class="num">{a.size.toLocaleString()}</td><td><code>MD5 {a.md5}</code><br /><code>SHA-1 {a.sha1}</code><br /><code>SHA-256 {a.sha256}</code></td></tr>)}</tbody></table>
      ) : <p>—</p>}
      <h3>{L(lang, '本文（テキスト）', 'Body (text)')}</h3>
      <Pre>{e.text || '—'}</Pre>
      {e.htmlSource !== null && (<><h3>{L(lang, 'HTML 本文のソース（表示しません）', 'HTML body source (not rendered)')}</h3><Pre>{e.htmlSource}</Pre></>)}
      {e.truncated && <p class="hint">{L(lang, '本文が長いため一部を省略しています（原本は隔離保管中の .eml）。', 'The body was truncated here; the original .eml is in quarantine.')}</p>}
    </section>
  );
}

export function StaffCasePage(props: {
  ctx: PageContext; record: CaseRecord; def: CaseTypeDefinition; artifacts: Artifact[]; indicators: StoredIndicator[];
  activities: Activity[]; can(p: string): boolean; errors: FieldError[]; values: Values;
}) {
  const { ctx, record: c, def } = props;
  const lang = ctx.lang;
  const d = c.data as Record<string, any>;
  const base = `/staff/targeted-attack/cases/${c.ref}`;
  const f = inputs(props.values, props.errors, lang);
  const csrf = <input type="hidden" name="_csrf" value={ctx.csrfToken} />;
  return (
    <Layout ctx={ctx} title={{ ja: `${c.ref} ${c.title}`, en: `${c.ref} ${c.title}` }}>
      <ErrorSummary errors={props.errors} lang={lang} />
      <p><a href={`/staff/cases/${c.ref}`}>{L(lang, '案件ページ（状態の変更・担当・メッセージ・履歴）', 'Case page (actions, assignment, messages, history)')}</a></p>
      <dl class="meta">
        <dt>{L(lang, '種類', 'Type')}</dt><dd>{t(def.title, lang)}{c.type === ITEM && d.kind ? ` — ${t(ITEM_KIND_LABEL[d.kind as ItemKind], lang)}` : ''}</dd>
        <dt>{L(lang, '状態', 'State')}</dt><dd><strong>{t(def.states[c.state]?.label ?? { ja: c.state, en: c.state }, lang)}</strong></dd>
        <dt>{L(lang, '受付日時', 'Received')}</dt><dd>{formatDateTime(c.receivedAt, lang)}</dd>
        {(def.describe?.(c, lang) ?? []).map((r) => <><dt>{t(r.label, lang)}</dt><dd class="prewrap">{r.value}</dd></>)}
      </dl>
      {c.type === ITEM && d.email && <EmailSection email={d.email as ParsedEmail} lang={lang} />}
      {c.type === ITEM && (
        <section aria-labelledby="h-quarantine"><h2 id="h-quarantine">{L(lang, '隔離保管中のファイル', 'Files in quarantine')}</h2>
          {props.artifacts.length === 0 ? <p>—</p> : (
            <table><thead><tr><th scope="col">{L(lang, 'ファイル名', 'Name')}</th><th scope="col">{L(lang, '種別', 'Kind')}</th><th scope="col" class="num">{L(lang, 'サイズ', 'Size')}</th><th scope="col">Hashes</th><th scope="col">{L(lang, '取出し', 'Release')}</th></tr></thead>
              <tbody>{props.artifacts.map((a) => (
                <tr><td>{a.filename}</td><td>{a.kind === 'eml' ? L(lang, 'メール原本', 'Original e-mail') : L(lang, '検体', 'Sample')}</td><td class="num">{a.size.toLocaleString()}</td>
                  <td><code>MD5 {a.md5}</code><br /><code>SHA-1 {a.sha1}</code><br /><code>SHA-256 {a.sha256}</code></td>
                  <td>{props.can(PERM.sample) ? <a href={`/staff/targeted-attack/artifacts/${a.id}/download`}>{L(lang, 'パスワード付き ZIP で取り出す', 'Release as password-protected ZIP')}</a> : L(lang, '分析担当のみ', 'Analysts only')}</td></tr>))}
              </tbody></table>)}
        </section>)}
      {c.type !== JCRAT && (
        <section aria-labelledby="h-ind"><h2 id="h-ind">{L(lang, 'インジケータ', 'Indicators')} ({props.indicators.length})</h2>
          {props.indicators.length > 0 && (
            <table><thead><tr><th scope="col">{L(lang, '種類', 'Type')}</th><th scope="col">{L(lang, '値（無害化表記）', 'Value (defanged)')}</th><th scope="col">{L(lang, '抽出元', 'Source')}</th></tr></thead>
              <tbody>{props.indicators.map((i) => <tr><td>{i.type}</td><td><code>{i.defanged}</code></td><td>{i.source}</td></tr>)}</tbody></table>)}
          {props.can(PERM.analyse) && (
            <form method="post" action={`${base}/indicators`} class="stack">{csrf}
              {f.area('indicators', { rows: 4, hint: { ja: 'IP アドレス・ドメイン・URL・メールアドレス・ハッシュ値を含む文章を貼り付けると抽出します（hxxp、[.] 等の無害化表記に対応）。', en: 'Paste text with IPs, domains, URLs, e-mail addresses or hashes; they are extracted (defanged notation understood).' } })}
              <p><button type="submit" class="secondary">{L(lang, 'インジケータを追加', 'Add indicators')}</button></p>
            </form>)}
        </section>)}
      {c.type !== JCRAT && (props.can(PERM.analyse) || props.can(PERM.advise)) && (
        <section aria-labelledby="h-notes"><h2 id="h-notes">{L(lang, '分析メモ・助言', 'Analysis notes and advice')}</h2>
          <p class="hint">{L(lang, '分析メモは職員のみ、助言は提供者にも表示されます（案件ページのメッセージ欄）。', 'Analysis notes are staff-only; advice is shown to the submitter too (messages on the case page).')}</p>
          {props.can(PERM.analyse) && (
            <form method="post" action={`${base}/notes`} class="stack">{csrf}<input type="hidden" name="kind" value="analysis" />
              <label for="f-analysis">{L(lang, '分析メモ', 'Analysis note')}</label><textarea id="f-analysis" name="body" rows={5} maxLength={20000} />
              <p><button type="submit" class="secondary">{L(lang, '分析メモを記録', 'Record analysis note')}</button></p></form>)}
          {props.can(PERM.advise) && (
            <form method="post" action={`${base}/notes`} class="stack">{csrf}<input type="hidden" name="kind" value="advice" />
              <label for="f-advice">{L(lang, '助言（提供者へ送付）', 'Advice (sent to the submitter)')}</label><textarea id="f-advice" name="body" rows={5} maxLength={20000} />
              <p><button type="submit">{L(lang, '助言を送る', 'Send advice')}</button></p></form>)}
        </section>)}
      {c.type === JCRAT && (
        <section aria-labelledby="h-act"><h2 id="h-act">{L(lang, '活動記録', 'Activity log')}</h2>
          {props.activities.length === 0 ? <p>—</p> : (
            <table><thead><tr><th scope="col">{L(lang, '実施日', 'Date')}</th><th scope="col">{L(lang, '手段', 'Mode')}</th><th scope="col">{L(lang, '内容', 'Summary')}</th><th scope="col">{L(lang, '記録者', 'By')}</th></tr></thead>
              <tbody>{props.activities.map((a) => <tr><td>{a.date}</td><td>{t(ACTIVITY_MODES[a.mode] ?? { ja: a.mode, en: a.mode }, lang)}</td><td class="prewrap">{a.summary}</td><td>{a.actorName}</td></tr>)}</tbody></table>)}
          {props.can(PERM.jcrat) && !c.closedAt && (
            <form method="post" action={`${base}/activities`} class="stack">{csrf}
              {f.text('date', { required: true, type: 'date' })}
              {f.select('mode', ACTIVITY_MODES, { required: true })}
              {f.area('summary', { required: true, max: 5000, rows: 4, hint: { ja: 'オンサイト・対面の活動を記録するとオンサイト対応に移行します。個人名は記載しないでください。', en: 'Recording an on-site or face-to-face activity escalates the case to on-site support. Do not write personal names.' } })}
              <p><button type="submit">{L(lang, '活動を記録', 'Record activity')}</button></p>
            </form>)}
        </section>)}
    </Layout>
  );
}

export function DownloadPage(props: { ctx: PageContext; artifact: Artifact; ref: string; suggested: string; errors: FieldError[] }) {
  const { ctx, artifact: a } = props;
  const lang = ctx.lang;
  return (
    <Layout ctx={ctx} title={{ ja: '検体の取出し（パスワード付き ZIP）', en: 'Release a sample (password-protected ZIP)' }}>
      <ErrorSummary errors={props.errors} lang={lang} />
      <div class="alert" role="note"><p>{L(lang, 'マルウェアの可能性があるファイルです。解析用の隔離環境でのみ展開してください。取出しは監査ログに記録されます。', 'This file may be malware. Extract it only in an isolated analysis environment. The release is recorded in the audit log.')}</p></div>
      <dl class="meta">
        <dt>{L(lang, '案件', 'Case')}</dt><dd><a href={`/staff/targeted-attack/cases/${props.ref}`}>{props.ref}</a></dd>
        <dt>{L(lang, 'ファイル名', 'Name')}</dt><dd>{a.filename}</dd>
        <dt>SHA-256</dt><dd><code>{a.sha256}</code></dd>
        <dt>{L(lang, 'サイズ', 'Size')}</dt><dd>{a.size.toLocaleString()}</dd>
      </dl>
      <form method="post" action={`/staff/targeted-attack/artifacts/${a.id}/download`} class="stack" novalidate>
        <input type="hidden" name="_csrf" value={ctx.csrfToken} />
        <FieldRow name="password" lang={lang} errors={props.errors} hint={{ ja: '自動生成したパスワードを表示しています（この画面でのみ表示、保存されません）。任意のパスワード（12 文字以上）に変更できます。', en: 'A generated password is shown (only on this page; it is not stored). You may replace it with your own (12 characters or more).' }}>
          <input id="f-password" name="password" type="text" value={props.suggested} autoComplete="off" spellcheck={false} minLength={12} maxLength={128} aria-describedby="h-password" />
        </FieldRow>
        <p><button type="submit">{L(lang, 'AES 暗号化 ZIP をダウンロード', 'Download the AES-encrypted ZIP')}</button></p>
      </form>
    </Layout>
  );
}

export function JcratFormPage(props: { ctx: PageContext; values: Values; errors: FieldError[]; orgs: Array<{ id: string; name: string }> }) {
  const { ctx, values: v, errors } = props;
  const lang = ctx.lang;
  const f = inputs(v, errors, lang);
  return (
    <Layout ctx={ctx} title={{ ja: 'J-CRAT 支援の登録', en: 'New J-CRAT support case' }}>
      <ErrorSummary errors={errors} lang={lang} />
      <form method="post" action="/staff/targeted-attack/jcrat/new" class="stack" novalidate>
        <input type="hidden" name="_csrf" value={ctx.csrfToken} />
        {f.text('organisationName', { required: true, max: 200 })}
        <div class="field"><label for="f-organisationId">{L(lang, '組織アカウント（任意：案件を共有する場合）', 'Organisation account (optional, to share the case)')}</label>
          <select id="f-organisationId" name="organisationId"><option value="">—</option>{props.orgs.map((o) => <option value={o.id} selected={v.organisationId === o.id}>{o.name}</option>)}</select></div>
        {f.select('sector', SECTORS, { required: true })}
        {f.select('attackType', ATTACK_TYPES, { required: true })}
        <div class="field"><label for="f-origin">{L(lang, '支援の端緒', 'Origin')}</label>
          <select id="f-origin" name="origin">
            <option value="request">{L(lang, '組織からの支援要請', 'Request from the organisation')}</option>
            <option value="consultation" selected={v.origin === 'consultation'}>{L(lang, '特別相談窓口の相談から', 'From a desk consultation')}</option>
            <option value="jcrat_discovery" selected={v.origin === 'jcrat_discovery'}>{L(lang, 'J-CRAT の分析で被害を把握', 'Found by J-CRAT analysis')}</option>
            <option value="referral" selected={v.origin === 'referral'}>{L(lang, '関係省庁・団体からの依頼', 'Referral by a ministry or body')}</option>
          </select></div>
        {f.text('linkedRef', { max: 40, hint: { ja: '相談・受領の受付番号（任意）', en: 'Reference of a related consultation or item (optional)' } })}
        {f.text('requestedOn', { type: 'date' })}
        {f.text('contactName', { max: 200 })}
        {f.text('contactEmail', { type: 'email', max: 254 })}
        {f.text('contactPhone', { type: 'tel', max: 40 })}
        {f.area('summary', { required: true, max: 5000, rows: 6 })}
        <p><button type="submit">{L(lang, '登録', 'Create')}</button></p>
      </form>
    </Layout>
  );
}
