// Pages of the consultation desk: public (landing, web form, advisories, quarterly report) and
// staff (consultation form, list, knowledge base, categories, partners, advisories), and the panel
// shown on a consultation's case page.
import type { ComponentChildren } from 'preact';
import { Layout, type PageContext } from '../../platform/ui/layout.js';
import { t, type Lang, type Text } from '../../platform/i18n/i18n.js';
import type { FieldError } from '../../platform/http/errors.js';
import type { CaseRecord } from '../../platform/cases/types.js';
import { formatDate, formatDateTime, isoDate } from '../../platform/i18n/dates.js';
import { CHANNELS, CHANNEL_GROUPS, CLOSE_REASONS, DEVICES, DEVICE_KEYS, NO_CHANNEL_LABEL, STAFF_CHANNELS, type Channel } from './case-types.js';
import { FIELD_LABELS, type ConsultationData } from './service.js';
import type { AdvisoryRevisionRow, CategoryRow, CooperationRow, KbRow, PartnerRow } from './migrations.js';
import { changeRate, type QuarterlyReport } from './stats.js';

type Values = Record<string, string | string[]>;
const J = (lang: Lang) => lang === 'ja';
const n = (x: number) => x.toLocaleString('en-US');
const one = (v: Values, k: string) => { const x = v[k]; return Array.isArray(x) ? x[0] ?? '' : x ?? ''; };

export function ErrorSummary(props: { lang: Lang; errors: FieldError[]; labels?: Record<string, Text> }) {
  if (!props.errors.length) return null;
  const labels = props.labels ?? FIELD_LABELS;
  return (
    <div class="alert error" role="alert">
      <p>{J(props.lang) ? '入力内容を確認してください。' : 'Please check the following fields.'}</p>
      <ul>{props.errors.map((e) => <li><a href={`#f-${e.field}`}>{t(labels[e.field] ?? { ja: e.field, en: e.field }, props.lang)}</a>: {t(e.message, props.lang)}</li>)}</ul>
    </div>
  );
}

function Field(props: { name: string; label: Text; lang: Lang; errors: FieldError[]; required?: boolean; hint?: Text; children: ComponentChildren }) {
  const err = props.errors.filter((e) => e.field === props.name);
  return (
    <div class="field">
      <label for={`f-${props.name}`}>{t(props.label, props.lang)}{props.required && <span class="hint">{J(props.lang) ? '（必須）' : '(required)'}</span>}
        {props.hint && <span class="hint" id={`h-${props.name}`}>{t(props.hint, props.lang)}</span>}</label>
      {err.map((e) => <span class="field-error" id={`e-${props.name}`}>{t(e.message, props.lang)}</span>)}
      {props.children}
    </div>
  );
}

const aria = (name: string, errors: FieldError[], hint?: boolean) => {
  const ids = [hint ? `h-${name}` : '', errors.some((e) => e.field === name) ? `e-${name}` : ''].filter(Boolean);
  return { 'aria-invalid': errors.some((e) => e.field === name) ? 'true' as const : undefined, 'aria-describedby': ids.length ? ids.join(' ') : undefined };
};

function makeInputs(lang: Lang, v: Values, errors: FieldError[], labels: Record<string, Text> = FIELD_LABELS) {
  const L = (name: string) => labels[name] ?? { ja: name, en: name };
  return {
    input: (name: string, o: { type?: string; required?: boolean; hint?: Text; max?: number; autocomplete?: string } = {}) => (
      <Field name={name} label={L(name)} lang={lang} errors={errors} required={o.required} hint={o.hint}>
        <input id={`f-${name}`} name={name} type={o.type ?? 'text'} value={one(v, name)} required={o.required} maxLength={o.max} autoComplete={o.autocomplete} {...aria(name, errors, !!o.hint)} />
      </Field>),
    area: (name: string, o: { required?: boolean; hint?: Text; max?: number } = {}) => (
      <Field name={name} label={L(name)} lang={lang} errors={errors} required={o.required} hint={o.hint}>
        <textarea id={`f-${name}`} name={name} required={o.required} maxLength={o.max} {...aria(name, errors, !!o.hint)}>{one(v, name)}</textarea>
      </Field>),
    select: (name: string, options: Array<[string, string]>, o: { required?: boolean; hint?: Text; empty?: string } = {}) => (
      <Field name={name} label={L(name)} lang={lang} errors={errors} required={o.required} hint={o.hint}>
        <select id={`f-${name}`} name={name} required={o.required} {...aria(name, errors, !!o.hint)}>
          {o.empty !== undefined && <option value="">{o.empty}</option>}
          {options.map(([k, l]) => <option value={k} selected={one(v, name) === k}>{l}</option>)}
        </select>
      </Field>),
  };
}

// ---- Public ----------------------------------------------------------------------------------

export function LandingPage(props: { ctx: PageContext }) {
  const lang = props.ctx.lang;
  return (
    <Layout ctx={props.ctx} title={{ ja: '情報セキュリティ安心相談窓口', en: 'Information Security Consultation Desk' }}>
      <p>{J(lang)
        ? 'パソコンやスマートフォンの利用で、ウイルス感染が疑われる、偽の警告が表示された、不審なメール・SMS が届いたなど、情報セキュリティに関するトラブルのご相談をお受けしています。'
        : 'We help PC and smartphone users with security troubles: suspected malware, fake warnings, suspicious e-mail and SMS, and more.'}</p>
      <h2>{J(lang) ? '相談の方法' : 'How to consult'}</h2>
      <ul>
        <li>{J(lang) ? '電話: 03-5978-7509（デモ）受付時間 10:00〜12:00、13:30〜17:00（土日祝日・年末年始を除く）' : 'Phone: 03-5978-7509 (demo), 10:00–12:00 and 13:30–17:00 on weekdays'}</li>
        <li><a href="/consultation/new">{J(lang) ? 'ウェブフォームで相談する' : 'Consult through the web form'}</a></li>
        <li>{J(lang) ? 'FAX・郵便でもお受けしています。' : 'Fax and post are also accepted.'}</li>
      </ul>
      <h2>{J(lang) ? '情報発信' : 'Publications'}</h2>
      <ul>
        <li><a href="/consultation/advisories">{J(lang) ? '安心相談窓口だより' : 'Desk advisories (安心相談窓口だより)'}</a></li>
        <li><a href="/consultation/reports">{J(lang) ? '相談状況レポート（四半期）' : 'Quarterly consultation reports'}</a></li>
      </ul>
    </Layout>
  );
}

export function PublicFormPage(props: { ctx: PageContext; values: Values; errors: FieldError[]; categories: CategoryRow[]; idempotencyKey: string }) {
  const { ctx, values: v, errors } = props;
  const lang = ctx.lang;
  const f = makeInputs(lang, v, errors);
  return (
    <Layout ctx={ctx} title={{ ja: '安心相談窓口へのご相談（ウェブフォーム）', en: 'Consult the desk (web form)' }}>
      <ErrorSummary lang={lang} errors={errors} />
      <p>{J(lang) ? 'ご相談への回答はメールでお知らせするリンクからご確認いただけます。お名前は任意です。パスワードやクレジットカード番号などは書かないでください。' : 'You will receive a link by e-mail where our answer appears. Your name is optional. Never write passwords or card numbers.'}</p>
      <form method="post" action="/consultation/new" class="stack" novalidate>
        <input type="hidden" name="_csrf" value={ctx.csrfToken} />
        <input type="hidden" name="idempotencyKey" value={props.idempotencyKey} />
        <fieldset><legend>{J(lang) ? 'ご相談の内容' : 'Your question'}</legend>
          {f.select('categories', props.categories.map((c) => [c.key, J(lang) ? c.label_ja : c.label_en]), { empty: J(lang) ? 'わからない・その他' : 'Not sure / other' })}
          {f.select('device', DEVICE_KEYS.map((k) => [k, t(DEVICES[k], lang)]))}
          {f.input('os', { max: 100, hint: { ja: '例: iOS 14.4、Windows 10', en: 'e.g. iOS 14.4, Windows 10' } })}
          {f.area('summary', { required: true, max: 5000, hint: { ja: 'いつ、何をしたら、どうなったかを書いてください。', en: 'When, what you did, and what happened.' } })}
        </fieldset>
        <fieldset><legend>{J(lang) ? '連絡先' : 'Contact'}</legend>
          {f.input('consulterName', { max: 100, autocomplete: 'name' })}
          {f.input('consulterEmail', { type: 'email', required: true, max: 254, autocomplete: 'email' })}
        </fieldset>
        <Field name="consent" label={FIELD_LABELS.consent} lang={lang} errors={errors} required>
          <p><label class="check"><input id="f-consent" type="checkbox" name="consent" value="on" checked={one(v, 'consent') === 'on'} {...aria('consent', errors)} /> {J(lang) ? 'ご相談の内容と連絡先を、回答と相談傾向の分析（個人を特定しない統計）のために利用し、対応完了から 1 年後に連絡先と相談内容の記述を削除することに同意します。' : 'I agree that my question and contact details are used to answer me and, without identifying me, for statistics; contact details and my description are deleted one year after the consultation is closed.'}</label></p>
        </Field>
        <p><button type="submit">{J(lang) ? '相談を送信する' : 'Send'}</button></p>
      </form>
    </Layout>
  );
}

export function AdvisoryListPage(props: { ctx: PageContext; items: Array<{ slug: string; title: string; publishedAt: Date; updatedAt: Date; revisions: number; views: number }> }) {
  const lang = props.ctx.lang;
  return (
    <Layout ctx={props.ctx} title={{ ja: '安心相談窓口だより', en: 'Desk advisories (安心相談窓口だより)' }}>
      <table>
        <caption>{J(lang) ? '公開中の記事（最終更新順）' : 'Published advisories (latest update first)'}</caption>
        <thead><tr><th scope="col">{J(lang) ? 'タイトル' : 'Title'}</th><th scope="col">{J(lang) ? '公開日' : 'Published'}</th><th scope="col">{J(lang) ? '最終更新' : 'Updated'}</th><th scope="col" class="num">{J(lang) ? '更新回数' : 'Updates'}</th><th scope="col" class="num">{J(lang) ? '閲覧数' : 'Views'}</th></tr></thead>
        <tbody>{props.items.map((a) => (
          <tr><td><a href={`/consultation/advisories/${a.slug}`}>{a.title}</a></td><td>{isoDate(a.publishedAt)}</td><td>{isoDate(a.updatedAt)}</td><td class="num">{a.revisions - 1}</td><td class="num">{n(a.views)}</td></tr>))}
        </tbody>
      </table>
    </Layout>
  );
}

export function AdvisoryPage(props: { ctx: PageContext; slug: string; views: number; current: AdvisoryRevisionRow; shown: AdvisoryRevisionRow; history: AdvisoryRevisionRow[] }) {
  const { ctx, shown, history } = props;
  const lang = ctx.lang;
  const old = shown.revision !== props.current.revision;
  const first = history[history.length - 1];
  return (
    <Layout ctx={ctx} title={{ ja: shown.title, en: shown.title }}>
      {old && <p class="alert" role="status">{J(lang) ? `これは第 ${shown.revision} 版（${isoDate(shown.published_at!)}）です。` : `This is revision ${shown.revision} (${isoDate(shown.published_at!)}).`} <a href={`/consultation/advisories/${props.slug}`}>{J(lang) ? '最新版を見る' : 'See the latest revision'}</a></p>}
      <p class="muted">{J(lang) ? `公開 ${isoDate(first.published_at!)}・最終更新 ${isoDate(props.current.published_at!)}（更新 ${history.length - 1} 回）・閲覧数 ${n(props.views)}` : `Published ${isoDate(first.published_at!)}, last updated ${isoDate(props.current.published_at!)} (${history.length - 1} updates), ${n(props.views)} views`}</p>
      <div class="prewrap">{shown.body}</div>
      <h2>{J(lang) ? '更新履歴' : 'Revision history'}</h2>
      <table>
        <thead><tr><th scope="col">{J(lang) ? '版' : 'Revision'}</th><th scope="col">{J(lang) ? '公開日' : 'Date'}</th><th scope="col">{J(lang) ? '更新内容' : 'What changed'}</th></tr></thead>
        <tbody>{history.map((h) => (
          <tr><td>{h.revision === shown.revision ? <strong aria-current="page">{`${J(lang) ? '第' : 'Rev. '}${h.revision}${J(lang) ? '版' : ''}`}</strong> : <a href={`/consultation/advisories/${props.slug}?revision=${h.revision}`}>{`${J(lang) ? '第' : 'Rev. '}${h.revision}${J(lang) ? '版' : ''}`}</a>}</td>
            <td>{isoDate(h.published_at!)}</td><td>{h.change_note || (J(lang) ? '公開' : 'First publication')}</td></tr>))}
        </tbody>
      </table>
      <p><a href="/consultation/advisories">{J(lang) ? '安心相談窓口だより一覧' : 'All advisories'}</a></p>
    </Layout>
  );
}

export interface ReportCharts { months: string; channels: string; categories: string; devices: string }

export function QuarterlyReportPage(props: { ctx: PageContext; report: QuarterlyReport; categories: CategoryRow[]; charts: ReportCharts; periods: Array<{ href: string; label: string; current: boolean }>; csvHref: string }) {
  const { ctx, report: r } = props;
  const lang = ctx.lang;
  const c = r.current; const pq = r.previousQuarter.figures; const py = r.previousYear.figures;
  const qLabel = (y: number, q: number) => (J(lang) ? `${y}年第${q}四半期` : `${y} Q${q}`);
  const catName = (k: string) => { const x = props.categories.find((cc) => cc.key === k); return x ? (J(lang) ? x.label_ja : x.label_en) : k; };
  const cats = [...new Set([...Object.keys(c.byCategory), ...Object.keys(pq.byCategory), ...Object.keys(py.byCategory)])].sort((a, b) => (c.byCategory[b] ?? 0) - (c.byCategory[a] ?? 0));
  const trend = (now: number, before: number) => changeRate(now, before) ?? '—';
  const head = (<tr><th scope="col">{J(lang) ? '区分' : 'Category'}</th><th scope="col" class="num">{qLabel(r.year, r.quarter)}</th><th scope="col" class="num">{qLabel(r.previousQuarter.year, r.previousQuarter.quarter)}</th><th scope="col" class="num">{J(lang) ? '前期比' : 'vs previous quarter'}</th><th scope="col" class="num">{qLabel(r.previousYear.year, r.previousYear.quarter)}</th><th scope="col" class="num">{J(lang) ? '前年同期比' : 'vs a year earlier'}</th></tr>);
  const row = (label: string, a: number, b: number, d: number) => <tr><th scope="row">{label}</th><td class="num">{n(a)}</td><td class="num">{n(b)}</td><td class="num">{trend(a, b)}</td><td class="num">{n(d)}</td><td class="num">{trend(a, d)}</td></tr>;
  return (
    <Layout ctx={ctx} title={{ ja: `相談状況レポート［${r.year}年第${r.quarter}四半期（${(r.quarter - 1) * 3 + 1}月〜${r.quarter * 3}月）］`, en: `Consultation report ${r.year} Q${r.quarter}` }}>
      <nav aria-label={J(lang) ? '期間' : 'Period'}><ul class="periods">{props.periods.map((p) => <li>{p.current ? <strong aria-current="page">{p.label}</strong> : <a href={p.href}>{p.label}</a>}</li>)}</ul></nav>
      <p><a href={props.csvHref}>{J(lang) ? 'CSV をダウンロード（UTF-8）' : 'Download CSV (UTF-8)'}</a> · <a href={`${props.csvHref}&encoding=shift_jis`}>{J(lang) ? 'CSV（Shift_JIS）' : 'CSV (Shift_JIS)'}</a></p>
      <p>{J(lang) ? `相談件数は ${n(c.total)} 件（前期 ${n(pq.total)} 件、${trend(c.total, pq.total)}／前年同期 ${n(py.total)} 件、${trend(c.total, py.total)}）。他の相談窓口への案内 ${n(r.referrals)} 件。` : `${n(c.total)} consultations (previous quarter ${n(pq.total)}, ${trend(c.total, pq.total)}; a year earlier ${n(py.total)}, ${trend(c.total, py.total)}). ${n(r.referrals)} referrals to partner desks.`}</p>
      <h2>{J(lang) ? '月別の相談件数' : 'Consultations by month'}</h2>
      <figure class="chart" dangerouslySetInnerHTML={{ __html: props.charts.months }} />
      <table><thead><tr><th scope="col">{J(lang) ? '月' : 'Month'}</th><th scope="col" class="num">{J(lang) ? '件数' : 'Count'}</th></tr></thead>
        <tbody>{Object.entries(c.byMonth).map(([m, x]) => <tr><th scope="row">{m}</th><td class="num">{n(x)}</td></tr>)}</tbody></table>
      <h2>{J(lang) ? '受付手段別' : 'By channel'}</h2>
      <figure class="chart" dangerouslySetInnerHTML={{ __html: props.charts.channels }} />
      <table><thead>{head}</thead><tbody>
        {CHANNEL_GROUPS.map((g) => row(t(g.label, lang), c.byGroup[g.key], pq.byGroup[g.key], py.byGroup[g.key]))}
        {(c.noChannel + pq.noChannel + py.noChannel) > 0 && row(t(NO_CHANNEL_LABEL, lang), c.noChannel, pq.noChannel, py.noChannel)}
        {row(J(lang) ? '合計' : 'Total', c.total, pq.total, py.total)}
      </tbody></table>
      <table><caption>{J(lang) ? '受付手段の内訳' : 'Channels in detail'}</caption><thead>{head}</thead><tbody>
        {(Object.keys(CHANNELS) as Channel[]).map((k) => row(t(CHANNELS[k], lang), c.byChannel[k], pq.byChannel[k], py.byChannel[k]))}
      </tbody></table>
      {(c.noChannel + pq.noChannel + py.noChannel) > 0 && <p class="muted">{J(lang) ? '「受付手段の記録なし」は受付手段が記録されていない過去の相談で、どの受付手段にも割り当てていません。' : '"No channel recorded" are past consultations whose channel was not recorded; they are not assigned to any channel.'}</p>}
      <h2>{J(lang) ? '相談の分類別' : 'By category'}</h2>
      <figure class="chart" dangerouslySetInnerHTML={{ __html: props.charts.categories }} />
      <table><thead>{head}</thead><tbody>{cats.map((k) => row(catName(k), c.byCategory[k] ?? 0, pq.byCategory[k] ?? 0, py.byCategory[k] ?? 0))}</tbody></table>
      <h2>{J(lang) ? '機器別' : 'By device'}</h2>
      <figure class="chart" dangerouslySetInnerHTML={{ __html: props.charts.devices }} />
      <table><thead>{head}</thead><tbody>{DEVICE_KEYS.map((k) => row(t(DEVICES[k], lang), c.byDevice[k], pq.byDevice[k], py.byDevice[k]))}</tbody></table>
      <p class="muted">{J(lang) ? '期間は暦年の四半期（日本時間）。個人を特定できる情報は含みません。' : 'Calendar quarters (JST). No personal data is included.'}</p>
    </Layout>
  );
}

// ---- Staff -----------------------------------------------------------------------------------

export interface ListItem { record: CaseRecord }

export function StaffListPage(props: { ctx: PageContext; items: CaseRecord[]; total: number; next: string | null; query: Record<string, string>; categories: CategoryRow[]; can: (p: string) => boolean; states: Record<string, Text> }) {
  const { ctx, query: q } = props;
  const lang = ctx.lang;
  const base = new URLSearchParams(Object.entries(q).filter(([k, v]) => v && k !== 'cursor' && k !== 'lang'));
  const withParam = (k: string, v: string) => { const p = new URLSearchParams(base); p.set(k, v); return `/staff/consultation?${p}`; };
  const catName = (k: string) => { const x = props.categories.find((c) => c.key === k); return x ? (J(lang) ? x.label_ja : x.label_en) : k; };
  return (
    <Layout ctx={ctx} title={{ ja: '安心相談窓口（職員）', en: 'Consultation desk (staff)' }}>
      <p>
        {props.can('consultation.write') && <><a href="/staff/consultation/new" class="button">{J(lang) ? '相談を記録する' : 'Record a consultation'}</a>{' '}</>}
        <a href="/staff/consultation/kb">{J(lang) ? 'ナレッジ検索' : 'Knowledge base'}</a> · <a href="/staff/consultation/partners">{J(lang) ? '連携組織' : 'Partner desks'}</a>
        {props.can('consultation.taxonomy') && <> · <a href="/staff/consultation/categories">{J(lang) ? '相談の分類' : 'Categories'}</a></>}
        {props.can('consultation.advisory.write') && <> · <a href="/staff/consultation/advisories">{J(lang) ? '安心相談窓口だより' : 'Advisories'}</a></>}
        {' · '}<a href="/consultation/reports">{J(lang) ? '相談状況レポート' : 'Quarterly reports'}</a>
      </p>
      <form method="get" action="/staff/consultation" class="filters" role="search">
        <div><label for="q-q">{J(lang) ? 'キーワード' : 'Keyword'}</label><input id="q-q" type="search" name="q" value={q.q ?? ''} /></div>
        <div><label for="q-channel">{FIELD_LABELS.channel[lang]}</label><select id="q-channel" name="channel"><option value="">{J(lang) ? 'すべて' : 'All'}</option>{Object.entries(CHANNELS).map(([k, l]) => <option value={k} selected={q.channel === k}>{t(l, lang)}</option>)}</select></div>
        <div><label for="q-category">{FIELD_LABELS.category[lang]}</label><select id="q-category" name="category"><option value="">{J(lang) ? 'すべて' : 'All'}</option>{props.categories.map((c) => <option value={c.key} selected={q.category === c.key}>{J(lang) ? c.label_ja : c.label_en}</option>)}</select></div>
        <div><label for="q-device">{FIELD_LABELS.device[lang]}</label><select id="q-device" name="device"><option value="">{J(lang) ? 'すべて' : 'All'}</option>{DEVICE_KEYS.map((k) => <option value={k} selected={q.device === k}>{t(DEVICES[k], lang)}</option>)}</select></div>
        <div><label for="q-state">{J(lang) ? '状態' : 'State'}</label><select id="q-state" name="state"><option value="">{J(lang) ? 'すべて' : 'All'}</option>{Object.entries(props.states).map(([k, l]) => <option value={k} selected={q.state === k}>{t(l, lang)}</option>)}</select></div>
        <div><label for="q-from">{J(lang) ? '受付日（から）' : 'Received from'}</label><input id="q-from" type="date" name="from" value={q.from ?? ''} /></div>
        <div><label for="q-to">{J(lang) ? '受付日（まで）' : 'Received to'}</label><input id="q-to" type="date" name="to" value={q.to ?? ''} /></div>
        <div><button type="submit">{J(lang) ? '検索' : 'Search'}</button></div>
      </form>
      <p>{n(props.total)} {J(lang) ? '件' : 'consultations'} · <a href={withParam('format', 'csv')}>{J(lang) ? 'CSV（公表用・匿名化）' : 'CSV (anonymised, for publication)'}</a> · <a href={`${withParam('format', 'csv')}&encoding=shift_jis`}>Shift_JIS</a></p>
      <table>
        <thead><tr><th scope="col">{J(lang) ? '受付番号' : 'Reference'}</th><th scope="col">{J(lang) ? '受付日時' : 'Received'}</th><th scope="col">{FIELD_LABELS.channel[lang]}</th><th scope="col">{FIELD_LABELS.category[lang]}</th><th scope="col">{FIELD_LABELS.device[lang]}</th><th scope="col">{J(lang) ? '状態' : 'State'}</th></tr></thead>
        <tbody>{props.items.map((c) => { const d = c.data as unknown as ConsultationData; return (
          <tr><td><a href={`/staff/cases/${c.ref}`}>{c.ref}</a></td><td>{formatDateTime(c.receivedAt, lang)}</td><td>{d.channel ? t(CHANNELS[d.channel], lang) : t(NO_CHANNEL_LABEL, lang)}</td>
            <td>{(d.categories ?? [d.category]).map(catName).join('、')}</td><td>{t(DEVICES[d.device] ?? DEVICES.unknown, lang)}</td><td>{t(props.states[c.state] ?? { ja: c.state, en: c.state }, lang)}</td></tr>); })}
        </tbody>
      </table>
      <nav class="pager" aria-label={J(lang) ? 'ページ送り' : 'Pagination'}>
        {q.cursor && <a href={`/staff/consultation?${base}`}>{J(lang) ? '最初のページ' : 'First page'}</a>}
        {props.next && <a href={withParam('cursor', props.next)} rel="next">{J(lang) ? '次のページ' : 'Next page'}</a>}
      </nav>
    </Layout>
  );
}

export function StaffFormPage(props: { ctx: PageContext; values: Values; errors: FieldError[]; categories: CategoryRow[]; partners: PartnerRow[]; idempotencyKey: string }) {
  const { ctx, values: v, errors } = props;
  const lang = ctx.lang;
  const f = makeInputs(lang, v, errors);
  const chosen = new Set(Array.isArray(v.categories) ? v.categories : v.categories ? [v.categories] : []);
  const outcome = one(v, 'outcome') || 'open';
  return (
    <Layout ctx={ctx} title={{ ja: '相談の記録', en: 'Record a consultation' }}>
      <ErrorSummary lang={lang} errors={errors} />
      <section aria-labelledby="h-kb"><h2 id="h-kb">{J(lang) ? 'ナレッジ検索（回答テンプレート・手口）' : 'Knowledge base (answer templates, attack methods)'}</h2>
        <form method="get" action="/staff/consultation/kb" target="kb-results" class="filters" role="search">
          <div><label for="kb-q">{J(lang) ? '検索語' : 'Search'}</label><input id="kb-q" type="search" name="q" /></div>
          <div><button type="submit" class="secondary">{J(lang) ? '別タブで検索' : 'Search in another tab'}</button></div>
        </form>
        <p class="muted">{J(lang) ? '結果は別のタブに開くので、入力中の記録は消えません。使ったナレッジの番号（KB-12 など）を下の欄に書いてください。' : 'Results open in another tab, so this form keeps its contents. Note the numbers (e.g. KB-12) of the entries you used below.'}</p>
      </section>
      <form method="post" action="/staff/consultation/new" class="stack" novalidate>
        <input type="hidden" name="_csrf" value={ctx.csrfToken} />
        <input type="hidden" name="idempotencyKey" value={props.idempotencyKey} />
        <fieldset><legend>{J(lang) ? '受付' : 'Intake'}</legend>
          {f.select('channel', STAFF_CHANNELS.map((k) => [k, t(CHANNELS[k], lang)]), { required: true, empty: J(lang) ? '選択してください' : 'Choose…' })}
          {f.input('callDuration', { max: 10, hint: { ja: '電話の場合。「分」または「分:秒」（例: 12:34）。JavaScript が有効なら通話開始・終了ボタンで計測できます。', en: 'For calls: minutes or minutes:seconds (e.g. 12:34). With JavaScript, the start/end buttons time the call.' } })}
          <div id="call-timer" class="field" />
        </fieldset>
        <fieldset><legend>{J(lang) ? '相談内容' : 'The consultation'}</legend>
          <fieldset id="f-categories" aria-describedby={errors.some((e) => e.field === 'categories') ? 'e-categories' : 'h-categories'}>
            <legend>{t(FIELD_LABELS.categories, lang)}<span class="hint">{J(lang) ? '（必須）' : '(required)'}</span></legend>
            <span class="hint" id="h-categories">{J(lang) ? '最初に選んだ分類が主分類になります。' : 'The first chosen category is the primary one.'}</span>
            {errors.filter((e) => e.field === 'categories').map((e) => <span class="field-error" id="e-categories">{t(e.message, lang)}</span>)}
            {props.categories.map((c) => (
              <label class="check"><input type="checkbox" name="categories" value={c.key} checked={chosen.has(c.key)} /> {J(lang) ? c.label_ja : c.label_en}</label>))}
          </fieldset>
          {f.select('device', DEVICE_KEYS.map((k) => [k, t(DEVICES[k], lang)]))}
          {f.input('os', { max: 100, hint: { ja: '例: iOS 14.4', en: 'e.g. iOS 14.4' } })}
          {f.area('summary', { required: true, max: 5000, hint: { ja: '相談者を特定する情報（氏名・住所など）は書かないでください。', en: 'Do not write details that identify the person (name, address…).' } })}
          {f.area('advice', { max: 5000 })}
          {f.input('kbRefs', { max: 200, hint: { ja: '例: KB-2, KB-4', en: 'e.g. KB-2, KB-4' } })}
          <p><label class="check"><input type="checkbox" name="financialLoss" value="on" checked={one(v, 'financialLoss') === 'on'} /> {J(lang) ? '金銭的な被害がある' : 'Money was lost'}</label></p>
        </fieldset>
        <fieldset><legend>{J(lang) ? '他の相談窓口への案内' : 'Referral to another desk'}</legend>
          {f.select('referralPartner', props.partners.map((p) => [p.id, `${J(lang) ? p.name : p.name_en || p.name}（${p.scope}）`]), { empty: J(lang) ? '案内しない' : 'No referral' })}
          {f.input('referralNote', { max: 500 })}
        </fieldset>
        <fieldset><legend>{J(lang) ? '対応結果とフォローアップ' : 'Outcome and follow-up'}</legend>
          <Field name="outcome" label={FIELD_LABELS.outcome} lang={lang} errors={errors}>
            <select id="f-outcome" name="outcome">
              <option value="open" selected={outcome === 'open'}>{J(lang) ? '対応中のまま' : 'Keep open'}</option>
              <option value="follow_up" selected={outcome === 'follow_up'}>{J(lang) ? 'フォローアップを予定（折り返し）' : 'Schedule a follow-up'}</option>
              {Object.entries(CLOSE_REASONS).map(([k, l]) => <option value={k} selected={outcome === k}>{(J(lang) ? '完了: ' : 'Close: ') + t(l, lang)}</option>)}
            </select>
          </Field>
          {f.input('followUpOn', { type: 'date' })}
          <p class="muted">{J(lang) ? '連絡先はフォローアップが必要な場合のみ記録してください（対応完了の 1 年後に削除されます）。' : 'Record contact details only when a follow-up is needed (deleted one year after closure).'}</p>
          {f.input('consulterName', { max: 100 })}
          {f.input('consulterPhone', { type: 'tel', max: 30 })}
          {f.input('consulterEmail', { type: 'email', max: 254 })}
        </fieldset>
        <p><button type="submit">{J(lang) ? '記録する' : 'Save'}</button></p>
      </form>
      <script src="/consultation/assets/call-timer.js" defer />
    </Layout>
  );
}

const KB_LABELS: Record<string, Text> = { kind: { ja: '種類', en: 'Kind' }, title: { ja: 'タイトル', en: 'Title' }, body: { ja: '本文', en: 'Body' }, category: { ja: '分類', en: 'Category' }, keywords: { ja: '検索キーワード', en: 'Keywords' } };
const KIND_LABEL: Record<string, Text> = { template: { ja: '回答テンプレート', en: 'Answer template' }, method: { ja: '手口', en: 'Attack method' } };

export function KbPage(props: { ctx: PageContext; q: string; items: KbRow[]; categories: CategoryRow[]; canEdit: boolean; edit?: KbRow; values: Values; errors: FieldError[] }) {
  const { ctx } = props;
  const lang = ctx.lang;
  const f = makeInputs(lang, props.values, props.errors, KB_LABELS);
  const catName = (k: string | null) => { const x = props.categories.find((c) => c.key === k); return x ? (J(lang) ? x.label_ja : x.label_en) : ''; };
  return (
    <Layout ctx={ctx} title={{ ja: 'ナレッジ検索', en: 'Knowledge base' }}>
      <form method="get" action="/staff/consultation/kb" class="filters" role="search">
        <div><label for="kb-q">{J(lang) ? '検索語（スペース区切りで AND）' : 'Search (words are ANDed)'}</label><input id="kb-q" type="search" name="q" value={props.q} /></div>
        <div><button type="submit">{J(lang) ? '検索' : 'Search'}</button></div>
      </form>
      <p>{n(props.items.length)} {J(lang) ? '件' : 'entries'}</p>
      {props.items.map((k) => (
        <article class="message kb-entry" aria-labelledby={`kb-${k.no}`}>
          <h2 id={`kb-${k.no}`}>{`KB-${k.no}`} {k.title}</h2>
          <p class="head">{t(KIND_LABEL[k.kind], lang)}{k.category ? ` · ${catName(k.category)}` : ''} · {formatDate(k.updated_at, lang)} {k.updated_by}{props.canEdit && <> · <a href={`/staff/consultation/kb/${k.no}`}>{J(lang) ? '編集' : 'Edit'}</a></>}</p>
          <div class="prewrap">{k.body}</div>
        </article>))}
      {props.canEdit && (
        <form method="post" action={props.edit ? `/staff/consultation/kb/${props.edit.no}` : '/staff/consultation/kb'} class="stack">
          <input type="hidden" name="_csrf" value={ctx.csrfToken} />
          <h2>{props.edit ? (J(lang) ? `KB-${props.edit.no} を編集` : `Edit KB-${props.edit.no}`) : (J(lang) ? 'ナレッジを追加' : 'Add an entry')}</h2>
          <ErrorSummary lang={lang} errors={props.errors} labels={KB_LABELS} />
          {f.select('kind', Object.entries(KIND_LABEL).map(([k, l]) => [k, t(l, lang)]), { required: true })}
          {f.input('title', { required: true, max: 200 })}
          {f.select('category', props.categories.map((c) => [c.key, J(lang) ? c.label_ja : c.label_en]), { empty: '—' })}
          {f.input('keywords', { max: 500 })}
          {f.area('body', { required: true, max: 20000 })}
          {props.edit && <p><label class="check"><input type="checkbox" name="active" value="on" checked={props.edit.active} /> {J(lang) ? '検索対象にする（有効）' : 'Active (searchable)'}</label></p>}
          <p><button type="submit">{J(lang) ? '保存' : 'Save'}</button></p>
        </form>)}
    </Layout>
  );
}

export function CategoriesPage(props: { ctx: PageContext; categories: CategoryRow[]; errors: FieldError[] }) {
  const { ctx } = props;
  const lang = ctx.lang;
  const labels: Record<string, Text> = { key: { ja: 'キー', en: 'Key' }, labelJa: { ja: '名称（日本語）', en: 'Name (Japanese)' }, labelEn: { ja: '名称（英語）', en: 'Name (English)' } };
  return (
    <Layout ctx={ctx} title={{ ja: '相談の分類', en: 'Consultation categories' }}>
      <ErrorSummary lang={lang} errors={props.errors} labels={labels} />
      <p>{J(lang) ? '分類はキーで記録されるため、名称を変更しても過去の相談の集計は変わりません。使わなくなった分類は無効にします（削除はできません）。' : 'Consultations store the key, so renaming does not change past statistics. Retire a category by deactivating it (categories are never deleted).'}</p>
      <table>
        <thead><tr><th scope="col">{t(labels.key, lang)}</th><th scope="col">{t(labels.labelJa, lang)}</th><th scope="col">{t(labels.labelEn, lang)}</th><th scope="col">{J(lang) ? '有効' : 'Active'}</th><th scope="col">{J(lang) ? '変更' : 'Change'}</th></tr></thead>
        <tbody>{props.categories.map((c) => (
          <tr><td><code>{c.key}</code></td><td>{c.label_ja}</td><td>{c.label_en}</td><td>{c.active ? '✓' : '—'}</td>
            <td><form method="post" action="/staff/consultation/categories" class="filters">
              <input type="hidden" name="_csrf" value={ctx.csrfToken} /><input type="hidden" name="key" value={c.key} />
              <div><label for={`c-ja-${c.key}`}>{t(labels.labelJa, lang)}</label><input id={`c-ja-${c.key}`} type="text" name="labelJa" value={c.label_ja} maxLength={100} /></div>
              <div><label for={`c-en-${c.key}`}>{t(labels.labelEn, lang)}</label><input id={`c-en-${c.key}`} type="text" name="labelEn" value={c.label_en} maxLength={100} /></div>
              <div><label class="check"><input type="checkbox" name="active" value="on" checked={c.active} /> {J(lang) ? '有効' : 'Active'}</label></div>
              <div><button type="submit" class="secondary">{J(lang) ? '保存' : 'Save'}</button></div>
            </form></td></tr>))}
        </tbody>
      </table>
      <form method="post" action="/staff/consultation/categories" class="stack">
        <input type="hidden" name="_csrf" value={ctx.csrfToken} /><input type="hidden" name="active" value="on" />
        <h2>{J(lang) ? '分類を追加' : 'Add a category'}</h2>
        <label for="f-key">{t(labels.key, lang)}<span class="hint">{J(lang) ? '英小文字・数字・_（例: qr_code_fraud）' : 'lowercase letters, digits, _ (e.g. qr_code_fraud)'}</span></label><input id="f-key" type="text" name="key" maxLength={40} />
        <label for="f-labelJa">{t(labels.labelJa, lang)}</label><input id="f-labelJa" type="text" name="labelJa" maxLength={100} />
        <label for="f-labelEn">{t(labels.labelEn, lang)}</label><input id="f-labelEn" type="text" name="labelEn" maxLength={100} />
        <p><button type="submit">{J(lang) ? '追加' : 'Add'}</button></p>
      </form>
    </Layout>
  );
}

export function PartnersPage(props: { ctx: PageContext; partners: PartnerRow[]; cooperation: Array<CooperationRow & { partner_name: string }>; canEdit: boolean; errors: FieldError[]; counts: { council: number; partners: number } }) {
  const { ctx } = props;
  const lang = ctx.lang;
  const labels: Record<string, Text> = { name: { ja: '組織名', en: 'Organisation' }, kind: { ja: '区分', en: 'Kind' }, joinedOn: { ja: '参加日', en: 'Joined on' }, leftOn: { ja: '離脱日', en: 'Left on' }, url: { ja: 'URL', en: 'URL' }, partnerId: { ja: '連携先', en: 'Partner' }, subject: { ja: '件名', en: 'Subject' }, caseRef: { ja: '関連する相談の受付番号', en: 'Related consultation' } };
  const kindLabel = (k: string) => (k === 'council' ? (J(lang) ? '相談窓口連絡会' : 'Council member') : (J(lang) ? '連携組織' : 'Partner organisation'));
  const table = (kind: 'council' | 'partner') => (
    <table>
      <caption>{kind === 'council' ? (J(lang) ? `相談窓口連絡会（現在 ${props.counts.council} 組織、IPA を含む）` : `Consultation-desk council (${props.counts.council} members incl. IPA)`) : (J(lang) ? `相談窓口連絡会外の連携組織（現在 ${props.counts.partners} 組織）` : `Partner organisations outside the council (${props.counts.partners})`)}</caption>
      <thead><tr><th scope="col">{t(labels.name, lang)}</th><th scope="col">{J(lang) ? '対応範囲' : 'Scope'}</th><th scope="col">{J(lang) ? '連絡先' : 'Contact'}</th><th scope="col">{t(labels.joinedOn, lang)}</th><th scope="col">{t(labels.leftOn, lang)}</th></tr></thead>
      <tbody>{props.partners.filter((p) => p.kind === kind).map((p) => (
        <tr><td>{J(lang) ? p.name : p.name_en || p.name}</td><td>{J(lang) ? p.scope : p.scope_en || p.scope}</td><td>{p.contact}{p.url && <> <a href={p.url}>{p.url}</a></>}</td><td>{p.joined_on}</td><td>{p.left_on ?? '—'}</td></tr>))}
      </tbody>
    </table>);
  return (
    <Layout ctx={ctx} title={{ ja: '連携組織（相談窓口連絡会・連携組織）', en: 'Partner desks and organisations' }}>
      <ErrorSummary lang={lang} errors={props.errors} labels={labels} />
      {table('council')}
      {table('partner')}
      <h2>{J(lang) ? '情報提供・共有等の連携' : 'Information provision and sharing'}</h2>
      <table>
        <thead><tr><th scope="col">{J(lang) ? '日付' : 'Date'}</th><th scope="col">{t(labels.partnerId, lang)}</th><th scope="col">{J(lang) ? '種別' : 'Kind'}</th><th scope="col">{t(labels.subject, lang)}</th></tr></thead>
        <tbody>{props.cooperation.map((c) => <tr><td>{isoDate(c.at)}</td><td>{c.partner_name}</td><td>{({ provided: J(lang) ? '提供' : 'Provided', received: J(lang) ? '受領' : 'Received', shared: J(lang) ? '共有' : 'Shared' } as Record<string, string>)[c.kind]}</td><td>{c.subject}{c.case_ref ? `（${c.case_ref}）` : ''}</td></tr>)}</tbody>
      </table>
      {props.canEdit && (<>
        <form method="post" action="/staff/consultation/cooperation" class="stack">
          <input type="hidden" name="_csrf" value={ctx.csrfToken} />
          <h2>{J(lang) ? '連携を記録' : 'Record cooperation'}</h2>
          <label for="f-partnerId">{t(labels.partnerId, lang)}</label>
          <select id="f-partnerId" name="partnerId">{props.partners.filter((p) => !p.is_ipa && !p.left_on).map((p) => <option value={p.id}>{p.name}</option>)}</select>
          <label for="f-kind">{J(lang) ? '種別' : 'Kind'}</label>
          <select id="f-kind" name="kind"><option value="provided">{J(lang) ? '提供' : 'Provided'}</option><option value="received">{J(lang) ? '受領' : 'Received'}</option><option value="shared">{J(lang) ? '共有' : 'Shared'}</option></select>
          <label for="f-subject">{t(labels.subject, lang)}</label><input id="f-subject" type="text" name="subject" maxLength={300} />
          <label for="f-caseRef">{t(labels.caseRef, lang)}</label><input id="f-caseRef" type="text" name="caseRef" maxLength={30} />
          <p><button type="submit">{J(lang) ? '記録' : 'Record'}</button></p>
        </form>
        <form method="post" action="/staff/consultation/partners" class="stack">
          <input type="hidden" name="_csrf" value={ctx.csrfToken} />
          <h2>{J(lang) ? '組織を追加' : 'Add an organisation'}</h2>
          <label for="p-name">{t(labels.name, lang)}</label><input id="p-name" type="text" name="name" maxLength={200} />
          <label for="p-nameEn">{J(lang) ? '組織名（英語）' : 'Name (English)'}</label><input id="p-nameEn" type="text" name="nameEn" maxLength={200} />
          <label for="p-kind">{t(labels.kind, lang)}</label><select id="p-kind" name="kind"><option value="council">{kindLabel('council')}</option><option value="partner">{kindLabel('partner')}</option></select>
          <label for="p-scope">{J(lang) ? '対応範囲' : 'Scope'}</label><textarea id="p-scope" name="scope" maxLength={2000} />
          <label for="p-contact">{J(lang) ? '連絡先' : 'Contact'}</label><input id="p-contact" type="text" name="contact" maxLength={500} />
          <label for="p-url">URL</label><input id="p-url" type="url" name="url" maxLength={500} />
          <label for="p-joinedOn">{t(labels.joinedOn, lang)}</label><input id="p-joinedOn" type="date" name="joinedOn" />
          <p><button type="submit">{J(lang) ? '追加' : 'Add'}</button></p>
        </form>
      </>)}
    </Layout>
  );
}

export function StaffAdvisoriesPage(props: { ctx: PageContext; items: Array<{ id: string; slug: string; title: string; published: number; draft: boolean; views: number }>; categories: CategoryRow[]; errors: FieldError[]; values: Values }) {
  const { ctx } = props;
  const lang = ctx.lang;
  const labels: Record<string, Text> = { slug: { ja: 'URL 名', en: 'URL name' }, title: { ja: 'タイトル', en: 'Title' }, body: { ja: '本文', en: 'Body' }, category: { ja: '分類', en: 'Category' } };
  const f = makeInputs(lang, props.values, props.errors, labels);
  return (
    <Layout ctx={ctx} title={{ ja: '安心相談窓口だより（編集）', en: 'Advisories (editing)' }}>
      <table>
        <thead><tr><th scope="col">{t(labels.title, lang)}</th><th scope="col" class="num">{J(lang) ? '公開版数' : 'Published revisions'}</th><th scope="col">{J(lang) ? '下書き' : 'Draft'}</th><th scope="col" class="num">{J(lang) ? '閲覧数' : 'Views'}</th></tr></thead>
        <tbody>{props.items.map((a) => <tr><td><a href={`/staff/consultation/advisories/${a.id}`}>{a.title}</a></td><td class="num">{a.published}</td><td>{a.draft ? (J(lang) ? 'あり' : 'yes') : '—'}</td><td class="num">{n(a.views)}</td></tr>)}</tbody>
      </table>
      <form method="post" action="/staff/consultation/advisories" class="stack">
        <input type="hidden" name="_csrf" value={ctx.csrfToken} />
        <h2>{J(lang) ? '新しい記事' : 'New advisory'}</h2>
        <ErrorSummary lang={lang} errors={props.errors} labels={labels} />
        {f.input('slug', { required: true, max: 80, hint: { ja: '例: qr-code-fraud', en: 'e.g. qr-code-fraud' } })}
        {f.input('title', { required: true, max: 200 })}
        {f.select('category', props.categories.map((c) => [c.key, J(lang) ? c.label_ja : c.label_en]), { empty: '—' })}
        {f.area('body', { required: true, max: 50000 })}
        <p><button type="submit">{J(lang) ? '下書きを作成' : 'Create the draft'}</button></p>
      </form>
    </Layout>
  );
}

export function AdvisoryEditPage(props: { ctx: PageContext; advisory: { id: string; slug: string; revisions: AdvisoryRevisionRow[] }; canPublish: boolean; errors: FieldError[]; values: Values }) {
  const { ctx, advisory: a } = props;
  const lang = ctx.lang;
  const labels: Record<string, Text> = { title: { ja: 'タイトル', en: 'Title' }, body: { ja: '本文', en: 'Body' }, changeNote: { ja: '更新内容（公開の改訂履歴に表示）', en: 'What changed (shown in the public history)' } };
  const latest = a.revisions[0];
  const draft = latest && !latest.published_at ? latest : undefined;
  const v: Values = Object.keys(props.values).length ? props.values : { title: latest.title, body: latest.body, changeNote: draft?.change_note ?? '' };
  const f = makeInputs(lang, v, props.errors, labels);
  return (
    <Layout ctx={ctx} title={{ ja: `${latest.title}（編集）`, en: `${latest.title} (editing)` }}>
      <p><a href={`/consultation/advisories/${a.slug}`}>{J(lang) ? '公開ページ' : 'Public page'}</a></p>
      {draft && <p class="alert" role="status">{J(lang) ? `第 ${draft.revision} 版の下書きがあります（未公開）。` : `Revision ${draft.revision} is a draft (not published).`}</p>}
      {draft && props.canPublish && (
        <form method="post" action={`/staff/consultation/advisories/${a.id}/publish`}><input type="hidden" name="_csrf" value={ctx.csrfToken} />
          <p><button type="submit">{J(lang) ? `第 ${draft.revision} 版を公開する` : `Publish revision ${draft.revision}`}</button></p></form>)}
      <form method="post" action={`/staff/consultation/advisories/${a.id}`} class="stack">
        <input type="hidden" name="_csrf" value={ctx.csrfToken} />
        <ErrorSummary lang={lang} errors={props.errors} labels={labels} />
        {f.input('title', { required: true, max: 200 })}
        {f.area('body', { required: true, max: 50000 })}
        {f.input('changeNote', { max: 300 })}
        <p><button type="submit" class="secondary">{J(lang) ? '下書きを保存' : 'Save the draft'}</button></p>
      </form>
      <h2>{J(lang) ? '版の履歴' : 'Revisions'}</h2>
      <table><thead><tr><th scope="col">{J(lang) ? '版' : 'Revision'}</th><th scope="col">{J(lang) ? '公開日' : 'Published'}</th><th scope="col">{J(lang) ? '更新内容' : 'Change'}</th><th scope="col">{J(lang) ? '作成者' : 'By'}</th></tr></thead>
        <tbody>{a.revisions.map((r) => <tr><td>{r.revision}</td><td>{r.published_at ? isoDate(r.published_at) : (J(lang) ? '下書き' : 'draft')}</td><td>{r.change_note}</td><td>{r.created_by}</td></tr>)}</tbody></table>
    </Layout>
  );
}

/** Actions on a consultation's case page: referral and advice. */
export function StaffPanel(props: { record: CaseRecord; lang: Lang; csrfToken: string; can: (perm: string) => boolean }) {
  const { record: c, lang, csrfToken } = props;
  if (!props.can('consultation.write')) return null;
  const d = c.data as unknown as ConsultationData;
  return (
    <section aria-labelledby="h-consultation"><h2 id="h-consultation">{J(lang) ? '相談の対応' : 'Consultation actions'}</h2>
      <p><a href={`/staff/consultation/${c.ref}/referral`}>{J(lang) ? '他の相談窓口を案内する' : 'Refer to another desk'}</a>{(d.referrals ?? []).length > 0 && <> · {J(lang) ? '案内済み: ' : 'Referred to: '}{d.referrals.map((r) => r.partnerName).join('、')}</>}</p>
      <form method="post" action={`/staff/consultation/${c.ref}/advice`} class="stack"><input type="hidden" name="_csrf" value={csrfToken} />
        <fieldset><legend>{J(lang) ? '回答・助言の更新（フォローアップ）' : 'Update the advice (follow-up)'}</legend>
          <label for="ad-advice">{FIELD_LABELS.advice[lang]}</label><textarea id="ad-advice" name="advice" maxLength={5000}>{d.advice ?? ''}</textarea>
          <p><button type="submit" class="secondary">{J(lang) ? '保存' : 'Save'}</button></p></fieldset>
      </form>
    </section>
  );
}

export function ReferralPage(props: { ctx: PageContext; record: CaseRecord; partners: PartnerRow[]; errors: FieldError[] }) {
  const { ctx, record: c } = props;
  const lang = ctx.lang;
  return (
    <Layout ctx={ctx} title={{ ja: `${c.ref} 他の相談窓口を案内`, en: `${c.ref}: refer to another desk` }}>
      <ErrorSummary lang={lang} errors={props.errors} />
      <form method="post" action={`/staff/consultation/${c.ref}/referral`} class="stack"><input type="hidden" name="_csrf" value={ctx.csrfToken} />
        <label for="f-referralPartner">{FIELD_LABELS.referralPartner[lang]}</label>
        <select id="f-referralPartner" name="partnerId">{props.partners.map((p) => <option value={p.id}>{`${J(lang) ? p.name : p.name_en || p.name}（${p.scope}）`}</option>)}</select>
        <label for="f-note">{J(lang) ? 'メモ' : 'Note'}</label><input id="f-note" type="text" name="note" maxLength={500} />
        <p><button type="submit">{J(lang) ? '案内を記録' : 'Record the referral'}</button></p>
      </form>
      <p><a href={`/staff/cases/${c.ref}`}>{J(lang) ? '相談に戻る' : 'Back to the consultation'}</a></p>
    </Layout>
  );
}
