// Pages of the desk: landing page, the two notification forms (public and staff entry), the yearly
// statistics (届出状況) with its chart, the published case write-ups (届出事例), and the staff pages
// (panel on case pages, request-for-report records, write-up editing and review).
import type { ComponentChildren } from 'preact';
import { Layout, type PageContext } from '../../platform/ui/layout.js';
import { t, type Lang, type Text } from '../../platform/i18n/i18n.js';
import type { FieldError } from '../../platform/http/errors.js';
import type { CaseRecord } from '../../platform/cases/types.js';
import { formatDate, isoDate } from '../../platform/i18n/dates.js';
import {
  AFFECTED_SYSTEMS, ATTACK_METHODS, CHANNELS, CLASSIFICATIONS, DETECTION_ROUTES, KIND_LABEL, REPORTER_TYPES, SECTORS, SIZES, UNAUTH_DAMAGE,
  VIRUS_DAMAGE, label, type IncidentKind,
} from './vocab.js';
import { FIELD_LABELS, type IncidentData } from './validate.js';
import type { Counts, IncidentStatistics, KindStatistics } from './stats.js';
import { REQUEST_STATUS, STUDY_STATE, type CaseStudy, type ReportRequest } from './service.js';
import { KIND_OF, PERM } from './case-types.js';

export const FORM_TITLE: Record<IncidentKind, Text> = {
  virus: { ja: 'コンピュータウイルスの届出', en: 'Report a computer virus' },
  unauthorized: { ja: 'コンピュータ不正アクセスの届出', en: 'Report unauthorised computer access' },
};

const csrf = (token: string) => <input type="hidden" name="_csrf" value={token} />;

export function LandingPage(props: { ctx: PageContext }) {
  const J = props.ctx.lang === 'ja';
  return (
    <Layout ctx={props.ctx} title={{ ja: 'コンピュータウイルス・不正アクセスの届出', en: 'Reporting computer viruses and unauthorised access' }}>
      <p>{J
        ? '経済産業省の告示（コンピュータウイルス対策基準・コンピュータ不正アクセス対策基準）に基づき、コンピュータウイルスの発見・感染と、不正アクセスの被害の届出を受け付けています。届出は被害の有無にかかわらず受け付けます。届出の内容は統計（届出状況）と、個人や組織を特定できないよう職員が書き起こした届出事例にのみ利用し、届出そのものを公開することはありません。'
        : 'Under the notices of the Ministry of Economy, Trade and Industry we receive reports of computer viruses found or infecting systems, and of unauthorised access, whether or not there was damage. Reports are used only for statistics and for case write-ups that staff author so that no person or organisation can be identified; reports themselves are never published.'}</p>
      <ul>
        <li><a href="/incident-reports/new/virus">{t(FORM_TITLE.virus, props.ctx.lang)}</a></li>
        <li><a href="/incident-reports/new/unauthorized">{t(FORM_TITLE.unauthorized, props.ctx.lang)}</a></li>
        <li><a href="/incident-reports/statistics">{J ? '届出状況（年間の統計）' : 'Report statistics (yearly)'}</a></li>
        <li><a href="/incident-reports/case-studies">{J ? '届出事例（半期ごと）' : 'Case write-ups (half-yearly)'}</a></li>
      </ul>
      <p>{J ? '電子メール・郵送・FAX による届出も受け付けています。窓口の職員が受付経路を記録して登録します。' : 'Reports by e-mail, post or fax are also accepted; desk staff enter them and record the channel.'}</p>
    </Layout>
  );
}

type Values = Record<string, string | string[]>;
const one = (v: Values, k: string) => { const x = v[k]; return Array.isArray(x) ? x[0] ?? '' : x ?? ''; };
const many = (v: Values, k: string) => { const x = v[k]; return Array.isArray(x) ? x : x ? [x] : []; };

function errorsFor(name: string, errors: FieldError[], lang: Lang) {
  return errors.filter((e) => e.field === name).map((e) => <span class="field-error" id={`e-${name}`}>{t(e.message, lang)}</span>);
}
function describedBy(name: string, errors: FieldError[], hint?: boolean): string | undefined {
  const ids = [hint ? `h-${name}` : '', errors.some((e) => e.field === name) ? `e-${name}` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function Field(props: { name: string; lang: Lang; errors: FieldError[]; required?: boolean; hint?: Text; children: ComponentChildren }) {
  const l = FIELD_LABELS[props.name] ?? { ja: props.name, en: props.name };
  return (
    <div class="field">
      <label for={`f-${props.name}`}>{t(l, props.lang)}{props.required && <span class="hint">{props.lang === 'ja' ? '（必須）' : '(required)'}</span>}
        {props.hint && <span class="hint" id={`h-${props.name}`}>{t(props.hint, props.lang)}</span>}</label>
      {errorsFor(props.name, props.errors, props.lang)}
      {props.children}
    </div>
  );
}

/** A group of checkboxes or radio buttons with a legend (multi-choice fields). */
function Choices(props: { name: string; lang: Lang; errors: FieldError[]; dict: Record<string, Text>; values: string[]; type: 'checkbox' | 'radio'; required?: boolean; hint?: Text }) {
  const l = FIELD_LABELS[props.name] ?? { ja: props.name, en: props.name };
  const invalid = props.errors.some((e) => e.field === props.name);
  return (
    <fieldset id={`f-${props.name}`} class="choices" aria-describedby={describedBy(props.name, props.errors, !!props.hint)} aria-invalid={invalid ? 'true' : undefined}>
      <legend>{t(l, props.lang)}{props.required && <span class="hint">{props.lang === 'ja' ? '（必須）' : '(required)'}</span>}</legend>
      {props.hint && <p class="hint" id={`h-${props.name}`}>{t(props.hint, props.lang)}</p>}
      {errorsFor(props.name, props.errors, props.lang)}
      {Object.entries(props.dict).map(([code, text]) => (
        <label class="check"><input type={props.type} id={`f-${props.name}-${code}`} name={props.name} value={code} checked={props.values.includes(code)} /> {t(text, props.lang)}</label>
      ))}
    </fieldset>
  );
}

export function ReportFormPage(props: {
  ctx: PageContext; kind: IncidentKind; values: Values; errors: FieldError[]; idempotencyKey: string; action: string; staff?: boolean; maxFiles: number; maxMb: number;
}) {
  const { ctx, kind, values: v, errors } = props;
  const lang = ctx.lang;
  const J = lang === 'ja';
  const input = (name: string, o: { type?: string; required?: boolean; hint?: Text; max?: number; autocomplete?: string } = {}) => (
    <Field name={name} lang={lang} errors={errors} required={o.required} hint={o.hint}>
      <input id={`f-${name}`} name={name} type={o.type ?? 'text'} value={one(v, name)} required={o.required} maxLength={o.max} autoComplete={o.autocomplete}
        aria-invalid={errors.some((e) => e.field === name) ? 'true' : undefined} aria-describedby={describedBy(name, errors, !!o.hint)} />
    </Field>
  );
  const area = (name: string, o: { required?: boolean; hint?: Text; max?: number } = {}) => (
    <Field name={name} lang={lang} errors={errors} required={o.required} hint={o.hint}>
      <textarea id={`f-${name}`} name={name} required={o.required} maxLength={o.max} aria-invalid={errors.some((e) => e.field === name) ? 'true' : undefined}
        aria-describedby={describedBy(name, errors, !!o.hint)}>{one(v, name)}</textarea>
    </Field>
  );
  const select = (name: string, dict: Record<string, Text>, required?: boolean) => (
    <Field name={name} lang={lang} errors={errors} required={required}>
      <select id={`f-${name}`} name={name} aria-invalid={errors.some((e) => e.field === name) ? 'true' : undefined} aria-describedby={describedBy(name, errors)}>
        <option value="">{J ? '選択してください' : 'Choose…'}</option>
        {Object.entries(dict).map(([code, text]) => <option value={code} selected={one(v, name) === code}>{t(text, lang)}</option>)}
      </select>
    </Field>
  );
  return (
    <Layout ctx={ctx} title={props.staff ? { ja: `${FORM_TITLE[kind].ja}（職員による登録）`, en: `${FORM_TITLE[kind].en} (entered by staff)` } : FORM_TITLE[kind]}>
      {errors.length > 0 && (
        <div class="alert error" role="alert">
          <p>{J ? '入力内容を確認してください。' : 'Please check the following fields.'}</p>
          <ul>{errors.map((e) => <li><a href={`#f-${e.field}`}>{t(FIELD_LABELS[e.field] ?? { ja: e.field, en: e.field }, lang)}</a>: {t(e.message, lang)}</li>)}</ul>
        </div>)}
      <p>{J ? '経済産業省告示に基づく届出です。被害がなくても届け出ることができます。個人情報は届出の確認と連絡にのみ利用し、一定期間の後に削除します。' : 'A report under the METI notices; you may report even without damage. Personal data is used only to check the report and contact you, and is deleted after a retention period.'}</p>
      <form method="post" action={props.action} enctype="multipart/form-data" class="stack" novalidate>
        {csrf(ctx.csrfToken)}
        <input type="hidden" name="idempotencyKey" value={props.idempotencyKey} />
        <input type="hidden" name="kind" value={kind} />
        {props.staff && (
          <Field name="channel" lang={lang} errors={errors} required>
            <select id="f-channel" name="channel">
              {(['email', 'paper'] as const).map((c) => <option value={c} selected={one(v, 'channel') === c}>{t(CHANNELS[c], lang)}</option>)}
            </select>
          </Field>)}
        <fieldset><legend>{J ? '届出者' : 'Reporter'}</legend>
          <Choices name="reporterType" lang={lang} errors={errors} dict={REPORTER_TYPES} values={many(v, 'reporterType')} type="radio" required />
          {input('reporterName', { required: true, max: 200, autocomplete: 'name' })}
          {input('reporterEmail', { type: 'email', required: true, max: 254, autocomplete: 'email' })}
          {input('reporterPhone', { type: 'tel', max: 40, autocomplete: 'tel' })}
          {input('organisationName', { max: 200, autocomplete: 'organization', hint: { ja: '企業・団体の場合は必須です。', en: 'Required for companies and organisations.' } })}
          {input('department', { max: 200 })}
          {select('sector', SECTORS)}
          {select('size', SIZES)}
        </fieldset>
        {kind === 'virus' ? (
          <fieldset><legend>{J ? 'ウイルスの情報' : 'The virus'}</legend>
            {input('malwareName', { max: 200, hint: { ja: 'ウイルス対策ソフトの表示名など。不明なら空欄。', en: 'As shown by antivirus software; leave empty if unknown.' } })}
            {input('malwareFile', { max: 300 })}
            <Choices name="detectionRoutes" lang={lang} errors={errors} dict={DETECTION_ROUTES} values={many(v, 'detectionRoutes')} type="checkbox" required />
            {input('os', { max: 200, hint: { ja: '例: Windows 10', en: 'e.g. Windows 10' } })}
            {input('software', { max: 300 })}
            {input('discoveredOn', { type: 'date' })}
          </fieldset>
        ) : (
          <fieldset><legend>{J ? '不正アクセスの情報' : 'The unauthorised access'}</legend>
            <Choices name="attackMethods" lang={lang} errors={errors} dict={ATTACK_METHODS} values={many(v, 'attackMethods')} type="checkbox" required />
            <Choices name="affectedSystems" lang={lang} errors={errors} dict={AFFECTED_SYSTEMS} values={many(v, 'affectedSystems')} type="checkbox" required />
            <p><label class="check"><input type="checkbox" id="f-reportedToPolice" name="reportedToPolice" value="yes" checked={one(v, 'reportedToPolice') === 'yes'} /> {J ? '警察に届け出た（相談を含む）' : 'Reported to the police (including consultation)'}</label></p>
          </fieldset>
        )}
        <fieldset><legend>{J ? '被害' : 'Damage'}</legend>
          <Choices name="damaged" lang={lang} errors={errors} dict={{ yes: { ja: '被害有り', en: 'There was damage' }, no: { ja: '被害無し（発見・未遂のみ）', en: 'No damage (found or attempted only)' } }} values={many(v, 'damaged')} type="radio" required />
          <Choices name="damageTypes" lang={lang} errors={errors} dict={kind === 'virus' ? VIRUS_DAMAGE : UNAUTH_DAMAGE} values={many(v, 'damageTypes')} type="checkbox"
            hint={{ ja: '被害有りの場合に一つ以上選んでください。', en: 'Choose at least one when there was damage.' }} />
          {input('occurredOn', { type: 'date' })}
          {area('description', { required: true, max: 20000, hint: { ja: 'いつ・何が起き・どう気づいたか。パスワード等の秘密情報は書かないでください。', en: 'When, what happened and how it was noticed. Do not include passwords or other secrets.' } })}
          {area('countermeasures', { max: 5000 })}
        </fieldset>
        <fieldset><legend>{J ? '添付（任意）' : 'Attachments (optional)'}</legend>
          <Field name="attachments" lang={lang} errors={errors} hint={{ ja: `画面写真・ログ等。${props.maxFiles} 件まで、1 件 ${props.maxMb}MB まで。ウイルス本体は送らないでください。`, en: `Screenshots, logs etc. Up to ${props.maxFiles} files, ${props.maxMb} MB each. Do not send the malware itself.` }}>
            <input id="f-attachments" type="file" name="attachments" multiple aria-describedby="h-attachments" />
          </Field>
        </fieldset>
        <p><button type="submit">{props.staff ? (J ? '登録する' : 'Enter the report') : (J ? '届け出る' : 'Submit the report')}</button></p>
      </form>
    </Layout>
  );
}

// ---- Statistics -----------------------------------------------------------------------------

const fmt = (x: number) => x.toLocaleString('en-US');

export interface Breakdown { key: string; title: Text; kind: IncidentKind; counts: Counts; dict: Record<string, Text>; note?: Text }

export function breakdowns(s: IncidentStatistics): Breakdown[] {
  const multi: Text = { ja: '複数回答', en: 'multiple answers' };
  return [
    { key: 'virus.route', kind: 'virus', title: { ja: 'ウイルスの発見・感染経路', en: 'Virus: how it was found or arrived' }, counts: s.virus.byRoute!, dict: DETECTION_ROUTES, note: multi },
    { key: 'virus.damage', kind: 'virus', title: { ja: 'ウイルスの被害内容', en: 'Virus: kind of damage' }, counts: s.virus.byDamageType, dict: VIRUS_DAMAGE, note: multi },
    { key: 'unauthorized.method', kind: 'unauthorized', title: { ja: '不正アクセスの手口', en: 'Unauthorised access: attack method' }, counts: s.unauthorized.byMethod!, dict: ATTACK_METHODS, note: multi },
    { key: 'unauthorized.system', kind: 'unauthorized', title: { ja: '不正アクセスの対象システム', en: 'Unauthorised access: affected systems' }, counts: s.unauthorized.bySystem!, dict: AFFECTED_SYSTEMS, note: multi },
    { key: 'unauthorized.damage', kind: 'unauthorized', title: { ja: '不正アクセスの被害内容', en: 'Unauthorised access: kind of damage' }, counts: s.unauthorized.byDamageType, dict: UNAUTH_DAMAGE, note: multi },
    { key: 'virus.reporter', kind: 'virus', title: { ja: 'ウイルス届出の届出者', en: 'Virus reports by reporter' }, counts: s.virus.byReporterType, dict: REPORTER_TYPES },
    { key: 'unauthorized.reporter', kind: 'unauthorized', title: { ja: '不正アクセス届出の届出者', en: 'Unauthorised access reports by reporter' }, counts: s.unauthorized.byReporterType, dict: REPORTER_TYPES },
    { key: 'virus.sector', kind: 'virus', title: { ja: 'ウイルス届出の業種（企業・団体）', en: 'Virus reports by sector (organisations)' }, counts: s.virus.bySector, dict: SECTORS },
    { key: 'unauthorized.sector', kind: 'unauthorized', title: { ja: '不正アクセス届出の業種（企業・団体）', en: 'Unauthorised access reports by sector (organisations)' }, counts: s.unauthorized.bySector, dict: SECTORS },
    { key: 'virus.channel', kind: 'virus', title: { ja: 'ウイルス届出の受付経路', en: 'Virus reports by channel' }, counts: s.virus.byChannel, dict: CHANNELS },
    { key: 'unauthorized.channel', kind: 'unauthorized', title: { ja: '不正アクセス届出の受付経路', en: 'Unauthorised access reports by channel' }, counts: s.unauthorized.byChannel, dict: CHANNELS },
  ];
}

export function summaryRows(s: IncidentStatistics, lang: Lang): Array<[string, number, number]> {
  return [
    [t(KIND_LABEL.virus, lang), s.virus.received, s.virus.damaged],
    [t(KIND_LABEL.unauthorized, lang), s.unauthorized.received, s.unauthorized.damaged],
  ];
}

export function monthLabel(month: string, lang: Lang): string {
  const [y, m] = month.split('-').map(Number);
  return lang === 'ja' ? `${y}年${m}月` : `${y}-${String(m).padStart(2, '0')}`;
}

export function StatsPage(props: {
  ctx: PageContext; stats: IncidentStatistics; title: Text; periodNote: Text; periods: Array<{ href: string; label: string; current: boolean }>; csvHref: string; chartSvg: string;
}) {
  const { ctx, stats: s } = props;
  const lang = ctx.lang;
  const J = lang === 'ja';
  const kindRows = (k: KindStatistics) => k.byMonth;
  return (
    <Layout ctx={ctx} title={props.title}>
      <p>{t(props.periodNote, lang)}</p>
      <nav aria-label={J ? '期間' : 'Period'}><ul class="periods">{props.periods.map((p) => <li>{p.current ? <strong aria-current="page">{p.label}</strong> : <a href={p.href}>{p.label}</a>}</li>)}</ul></nav>
      <p><a href={props.csvHref}>{J ? 'CSV をダウンロード（UTF-8）' : 'Download CSV (UTF-8)'}</a> · <a href={`${props.csvHref}&encoding=shift_jis`}>{J ? 'CSV（Shift_JIS）' : 'CSV (Shift_JIS)'}</a></p>
      <h2>{J ? '届出件数' : 'Reports received'}</h2>
      <table class="incident-summary">
        <caption>{J ? '届出の種類別の受付件数と被害有りの件数' : 'Reports received by type, and those with damage'}</caption>
        <thead><tr><th scope="col">{J ? '種類' : 'Type'}</th><th scope="col" class="num">{J ? '届出件数' : 'Received'}</th><th scope="col" class="num">{J ? 'うち被害有り' : 'With damage'}</th></tr></thead>
        <tbody>{summaryRows(s, lang).map(([a, b, c]) => <tr><th scope="row">{a}</th><td class="num">{fmt(b)}</td><td class="num">{fmt(c)}</td></tr>)}</tbody>
      </table>
      <h2>{J ? '月別の届出件数' : 'Reports by month'}</h2>
      <figure class="report-chart">
        <div dangerouslySetInnerHTML={{ __html: props.chartSvg /* our own ECharts SSR output, sanitised by charts.ts */ }} />
        <figcaption>{J ? '月別の届出件数（ウイルス・不正アクセス）' : 'Reports per month (viruses, unauthorised access)'}</figcaption>
      </figure>
      <table>
        <caption>{J ? '月別の届出件数（括弧内は被害有り）' : 'Reports per month (with damage in brackets)'}</caption>
        <thead><tr><th scope="col">{J ? '月' : 'Month'}</th><th scope="col" class="num">{t(KIND_LABEL.virus, lang)}</th><th scope="col" class="num">{t(KIND_LABEL.unauthorized, lang)}</th></tr></thead>
        <tbody>{kindRows(s.virus).map((m, i) => (
          <tr><th scope="row">{monthLabel(m.month, lang)}</th><td class="num">{fmt(m.received)}（{fmt(m.damaged)}）</td><td class="num">{fmt(s.unauthorized.byMonth[i].received)}（{fmt(s.unauthorized.byMonth[i].damaged)}）</td></tr>))}</tbody>
      </table>
      <p>{J ? `不正アクセス届出のうち警察へ届け出たもの: ${fmt(s.unauthorized.reportedToPolice ?? 0)} 件` : `Unauthorised access reports also made to the police: ${fmt(s.unauthorized.reportedToPolice ?? 0)}`}</p>
      {breakdowns(s).map((b) => (
        <section aria-labelledby={`h-${b.key.replace('.', '-')}`}>
          <h2 id={`h-${b.key.replace('.', '-')}`}>{t(b.title, lang)}</h2>
          <table>
            <thead><tr><th scope="col">{J ? '区分' : 'Category'}</th><th scope="col" class="num">{J ? '件数' : 'Reports'}</th></tr></thead>
            <tbody>{Object.keys(b.dict).map((code) => <tr><th scope="row">{label(b.dict, code, lang)}</th><td class="num">{fmt(b.counts[code] ?? 0)}</td></tr>)}</tbody>
          </table>
          {b.note && <p class="hint">{t(b.note, lang)}</p>}
        </section>))}
    </Layout>
  );
}

export function statsCsvRows(s: IncidentStatistics, lang: Lang): unknown[][] {
  const J = lang === 'ja';
  const rows: unknown[][] = [[J ? '表' : 'table', J ? '種類' : 'type', J ? '区分' : 'category', J ? '件数' : 'count', J ? 'うち被害有り' : 'with damage']];
  for (const k of ['virus', 'unauthorized'] as const) rows.push([J ? '届出件数' : 'received', t(KIND_LABEL[k], lang), J ? '合計' : 'total', s[k].received, s[k].damaged]);
  for (const k of ['virus', 'unauthorized'] as const) for (const m of s[k].byMonth) rows.push([J ? '月別' : 'by month', t(KIND_LABEL[k], lang), m.month, m.received, m.damaged]);
  rows.push([J ? '警察への届出' : 'reported to police', t(KIND_LABEL.unauthorized, lang), '', s.unauthorized.reportedToPolice ?? 0, '']);
  for (const b of breakdowns(s)) for (const code of Object.keys(b.dict)) rows.push([t(b.title, lang), t(KIND_LABEL[b.kind], lang), label(b.dict, code, lang), b.counts[code] ?? 0, '']);
  return rows;
}

// ---- Case write-ups (届出事例) ------------------------------------------------------------------

export function halfLabel(half: string, lang: Lang): string {
  const m = /^(\d{4})-H([12])$/.exec(half);
  if (!m) return half;
  return lang === 'ja' ? `${m[1]}年${m[2] === '1' ? '上半期（1月〜6月）' : '下半期（7月〜12月）'}` : `${m[1]} ${m[2] === '1' ? 'first half (January–June)' : 'second half (July–December)'}`;
}

export function CaseStudiesPage(props: { ctx: PageContext; studies: CaseStudy[] }) {
  const lang = props.ctx.lang;
  const J = lang === 'ja';
  const halves = [...new Set(props.studies.map((s) => s.half))];
  return (
    <Layout ctx={props.ctx} title={{ ja: 'コンピュータウイルス・不正アクセスの届出事例', en: 'Computer virus and unauthorised access: case write-ups' }}>
      <p>{J ? '届け出られた事例から、注意を要するものを半期ごとに紹介します。本文は職員が届出をもとに書き起こしたもので、届出者や被害組織を特定できる情報は含みません。' : 'Every half-year we describe notable reported cases. Staff write them from the reports; nothing identifies the reporters or the organisations affected.'}</p>
      {halves.length === 0 && <p>{J ? '公開中の届出事例はありません。' : 'No write-ups have been published yet.'}</p>}
      {halves.map((h) => (
        <section aria-labelledby={`h-${h}`}>
          <h2 id={`h-${h}`}>{halfLabel(h, lang)}</h2>
          <ul>{props.studies.filter((s) => s.half === h).map((s) => (
            <li><a href={`/incident-reports/case-studies/${s.id}`}>{J ? s.titleJa : s.titleEn}</a>（{t(KIND_LABEL[s.kind], lang)}{s.publishedAt ? `, ${J ? '公開' : 'published'} ${isoDate(s.publishedAt)}` : ''}）</li>))}</ul>
        </section>))}
    </Layout>
  );
}

export function CaseStudyPage(props: { ctx: PageContext; study: CaseStudy }) {
  const { study: s, ctx } = props;
  const lang = ctx.lang;
  const J = lang === 'ja';
  return (
    <Layout ctx={ctx} title={{ ja: s.titleJa, en: s.titleEn }}>
      <dl class="meta">
        <dt>{J ? '対象期間' : 'Period'}</dt><dd>{halfLabel(s.half, lang)}</dd>
        <dt>{J ? '種類' : 'Type'}</dt><dd>{t(KIND_LABEL[s.kind], lang)}</dd>
        {s.publishedAt && (<><dt>{J ? '公開日' : 'Published'}</dt><dd>{formatDate(s.publishedAt, lang)}</dd></>)}
      </dl>
      <div class="prewrap">{J ? s.bodyJa : s.bodyEn}</div>
      <p><a href="/incident-reports/case-studies">{J ? '届出事例の一覧へ' : 'All case write-ups'}</a></p>
    </Layout>
  );
}

// ---- Staff: panel on case pages ----------------------------------------------------------------

const HEARING_METHODS: Record<string, Text> = {
  phone: { ja: '電話', en: 'Telephone' }, email: { ja: 'メール', en: 'E-mail' }, visit: { ja: '訪問', en: 'Visit' }, web_meeting: { ja: 'Web 会議', en: 'Web meeting' },
};

export function describe(record: CaseRecord, lang: Lang): Array<{ label: Text; value: string; public?: boolean }> {
  const d = record.data as unknown as IncidentData;
  const J = lang === 'ja';
  const L = (k: string) => FIELD_LABELS[k];
  const join = (dict: Record<string, Text>, codes: string[] | undefined) => (codes ?? []).map((c) => label(dict, c, lang)).join('、') || '—';
  const rows: Array<{ label: Text; value: string; public?: boolean }> = [];
  rows.push({ label: L('channel'), value: label(CHANNELS, d.channel, lang) });
  rows.push({ label: L('reporterType'), value: label(REPORTER_TYPES, d.reporterType, lang), public: true });
  if (d.reporter) rows.push({ label: { ja: '届出者', en: 'Reporter' }, value: [d.reporter.name, d.reporter.email && `<${d.reporter.email}>`, d.reporter.phone, d.reporter.organisationName, d.reporter.department].filter(Boolean).join(' ') || (J ? '（保存期間経過により削除）' : '(removed after the retention period)') });
  if (d.sector) rows.push({ label: L('sector'), value: label(SECTORS, d.sector, lang), public: true });
  if (d.size) rows.push({ label: L('size'), value: label(SIZES, d.size, lang), public: true });
  if (d.kind === 'virus') {
    rows.push({ label: L('malwareName'), value: d.malwareName ?? '—', public: true });
    if (d.malwareFile) rows.push({ label: L('malwareFile'), value: d.malwareFile, public: true });
    rows.push({ label: L('detectionRoutes'), value: join(DETECTION_ROUTES, d.detectionRoutes), public: true });
    rows.push({ label: L('os'), value: d.os ?? '—', public: true });
    rows.push({ label: L('software'), value: d.software ?? '—', public: true });
    if (d.discoveredOn) rows.push({ label: L('discoveredOn'), value: d.discoveredOn, public: true });
  } else {
    rows.push({ label: L('attackMethods'), value: join(ATTACK_METHODS, d.attackMethods), public: true });
    rows.push({ label: L('affectedSystems'), value: join(AFFECTED_SYSTEMS, d.affectedSystems), public: true });
    rows.push({ label: L('reportedToPolice'), value: d.reportedToPolice ? (J ? '届出済み' : 'Yes') : (J ? 'なし' : 'No'), public: true });
  }
  rows.push({ label: L('damaged'), value: d.damaged ? (J ? '被害有り' : 'Damage') : (J ? '被害無し' : 'No damage'), public: true });
  if (d.damaged) rows.push({ label: L('damageTypes'), value: join(d.kind === 'virus' ? VIRUS_DAMAGE : UNAUTH_DAMAGE, d.damageTypes), public: true });
  if (d.occurredOn) rows.push({ label: L('occurredOn'), value: d.occurredOn, public: true });
  if (d.description) rows.push({ label: L('description'), value: d.description, public: true });
  if (d.countermeasures) rows.push({ label: L('countermeasures'), value: d.countermeasures, public: true });
  if (d.classification) rows.push({ label: { ja: '分類', en: 'Classification' }, value: `${label(CLASSIFICATIONS[d.kind], d.classification.code, lang)}${d.classification.notable ? (J ? '（特に注意が必要な事案）' : ' (notable case)') : ''}${d.classification.note ? ` — ${d.classification.note}` : ''}` });
  for (const h of d.hearings ?? []) rows.push({ label: { ja: `追加ヒアリング ${h.on}`, en: `Follow-up hearing ${h.on}` }, value: `${label(HEARING_METHODS, h.method, lang)}（${h.by}）: ${h.note}` });
  return rows;
}

export function StaffPanel(props: { record: CaseRecord; lang: Lang; csrfToken: string; can: (perm: string) => boolean }) {
  const { record: c, lang, csrfToken } = props;
  if (!props.can(PERM.handle)) return null;
  const J = lang === 'ja';
  const kind = KIND_OF[c.type];
  const d = c.data as unknown as IncidentData;
  const base = `/staff/incident-reports/${c.ref}`;
  return (
    <section aria-labelledby="h-incident"><h2 id="h-incident">{J ? '届出の確認' : 'Review'}</h2>
      <form method="post" action={`${base}/classify`} class="stack">{csrf(csrfToken)}
        <fieldset><legend>{J ? '分類' : 'Classification'}</legend>
          <label for="cl-code">{J ? '分類' : 'Classification'}</label>
          <select id="cl-code" name="classification"><option value="">{J ? '選択してください' : 'Choose…'}</option>
            {Object.entries(CLASSIFICATIONS[kind]).map(([code, text]) => <option value={code} selected={d.classification?.code === code}>{t(text, lang)}</option>)}</select>
          <label class="check"><input type="checkbox" name="notable" value="on" checked={!!d.classification?.notable} /> {J ? '特に注意が必要な事案（追加ヒアリング・届出事例の候補）' : 'Notable case (candidate for a hearing and a write-up)'}</label>
          <label for="cl-note">{J ? '分類メモ' : 'Classification note'}</label><textarea id="cl-note" name="classificationNote" maxLength={2000}>{d.classification?.note ?? ''}</textarea>
          <p><button type="submit" class="secondary">{J ? '分類を保存' : 'Save the classification'}</button></p></fieldset>
      </form>
      {!c.closedAt && (
        <form method="post" action={`${base}/hearing`} class="stack">{csrf(csrfToken)}
          <fieldset><legend>{J ? '追加ヒアリングの記録' : 'Record a follow-up hearing'}</legend>
            <label for="hr-on">{J ? '実施日' : 'Date'}</label><input id="hr-on" type="date" name="hearingOn" required />
            <label for="hr-method">{J ? '方法' : 'Method'}</label>
            <select id="hr-method" name="hearingMethod">{Object.entries(HEARING_METHODS).map(([k, v]) => <option value={k}>{t(v, lang)}</option>)}</select>
            <label for="hr-note">{J ? 'ヒアリング内容' : 'Notes'}</label><textarea id="hr-note" name="hearingNote" maxLength={10000} required />
            <p><button type="submit" class="secondary">{J ? '記録する' : 'Record'}</button></p></fieldset>
        </form>)}
    </section>
  );
}

// ---- Staff: request-for-report records ----------------------------------------------------------

export function RequestsPage(props: { ctx: PageContext; requests: ReportRequest[]; errors: FieldError[]; values: Record<string, string> }) {
  const { ctx, errors, values: v } = props;
  const lang = ctx.lang;
  const J = lang === 'ja';
  const err = (f: string) => errors.filter((e) => e.field === f).map((e) => <span class="field-error" id={`e-${f}`}>{t(e.message, lang)}</span>);
  return (
    <Layout ctx={ctx} title={{ ja: '情報公開を契機とした届出依頼', en: 'Report requests after public disclosures' }}>
      <p>{J ? '企業・組織がウイルス感染や不正アクセスの被害を公表した場合に、届出を依頼した記録です。届出が届いたら、その受付番号を結び付けます。' : 'Records of requests for a report sent to organisations that publicly disclosed a virus infection or unauthorised access. Link the resulting report by its reference once it arrives.'}</p>
      {errors.length > 0 && <div class="alert error" role="alert"><ul>{errors.map((e) => <li>{t(e.message, lang)}</li>)}</ul></div>}
      <table>
        <caption>{J ? '届出依頼の一覧' : 'Requests'}</caption>
        <thead><tr><th scope="col">{J ? '組織' : 'Organisation'}</th><th scope="col">{J ? '種類' : 'Kind'}</th><th scope="col">{J ? '公表' : 'Disclosure'}</th><th scope="col">{J ? '依頼日' : 'Requested'}</th><th scope="col">{J ? '状況' : 'Status'}</th><th scope="col">{J ? '届出' : 'Report'}</th><th scope="col">{J ? '更新' : 'Update'}</th></tr></thead>
        <tbody>{props.requests.map((r) => (
          <tr>
            <th scope="row">{r.organisationName}{r.sector ? `（${label(SECTORS, r.sector, lang)}）` : ''}</th>
            <td>{t(KIND_LABEL[r.kind], lang)}</td>
            <td><a href={r.disclosureUrl} rel="noopener noreferrer nofollow">{r.disclosedOn}</a></td>
            <td>{r.requestedOn ?? '—'}</td>
            <td>{t(REQUEST_STATUS[r.status], lang)}</td>
            <td>{r.caseRef ? <a href={`/staff/cases/${r.caseRef}`}>{r.caseRef}</a> : '—'}</td>
            <td>
              <form method="post" action={`/staff/incident-reports/requests/${r.id}`} class="inline">{csrf(ctx.csrfToken)}
                <select id={`st-${r.id}`} name="status" aria-label={J ? '状況' : 'Status'}>{Object.entries(REQUEST_STATUS).map(([k, x]) => <option value={k} selected={r.status === k}>{t(x, lang)}</option>)}</select>
                <input id={`rq-${r.id}`} type="date" name="requestedOn" aria-label={J ? '依頼日' : 'Requested on'} value={r.requestedOn ?? ''} />
                <input id={`cr-${r.id}`} type="text" name="caseRef" aria-label={J ? '届出の受付番号' : 'Report reference'} value={r.caseRef ?? ''} placeholder="IPA-U-2020-00001" maxLength={40} />
                <button type="submit" class="secondary">{J ? '更新' : 'Update'}</button>
              </form>
            </td>
          </tr>))}</tbody>
      </table>
      <form method="post" action="/staff/incident-reports/requests" class="stack">{csrf(ctx.csrfToken)}
        <fieldset><legend>{J ? '届出依頼を記録する' : 'Record a request'}</legend>
          <label for="rq-org">{J ? '組織名' : 'Organisation'}</label>{err('organisationName')}<input id="rq-org" name="organisationName" maxLength={200} value={v.organisationName ?? ''} required />
          <label for="rq-sector">{J ? '業種' : 'Sector'}</label>
          <select id="rq-sector" name="sector"><option value="">—</option>{Object.entries(SECTORS).map(([k, x]) => <option value={k} selected={v.sector === k}>{t(x, lang)}</option>)}</select>
          <label for="rq-kind">{J ? '種類' : 'Kind'}</label>{err('kind')}
          <select id="rq-kind" name="kind">{(['unauthorized', 'virus'] as const).map((k) => <option value={k} selected={v.kind === k}>{t(KIND_LABEL[k], lang)}</option>)}</select>
          <label for="rq-url">{J ? '公表ページの URL' : 'Disclosure URL'}</label>{err('disclosureUrl')}<input id="rq-url" type="url" name="disclosureUrl" maxLength={2000} value={v.disclosureUrl ?? ''} required />
          <label for="rq-disclosed">{J ? '公表日' : 'Disclosed on'}</label>{err('disclosedOn')}<input id="rq-disclosed" type="date" name="disclosedOn" value={v.disclosedOn ?? ''} required />
          <label for="rq-requested">{J ? '依頼日（送付済みの場合）' : 'Requested on (if sent)'}</label>{err('requestedOn')}<input id="rq-requested" type="date" name="requestedOn" value={v.requestedOn ?? ''} />
          <label for="rq-note">{J ? 'メモ' : 'Note'}</label>{err('note')}<textarea id="rq-note" name="note" maxLength={5000}>{v.note ?? ''}</textarea>
          <p><button type="submit">{J ? '記録する' : 'Record'}</button></p></fieldset>
      </form>
    </Layout>
  );
}

// ---- Staff: write-ups ---------------------------------------------------------------------------

export function StudiesStaffPage(props: { ctx: PageContext; studies: CaseStudy[]; can: (p: string) => boolean }) {
  const lang = props.ctx.lang;
  const J = lang === 'ja';
  return (
    <Layout ctx={props.ctx} title={{ ja: '届出事例の作成・レビュー・公開', en: 'Case write-ups: drafting, review, publication' }}>
      <p>{J ? '届出事例は職員が匿名化して書き起こします（届出の文面をそのまま使わないでください）。作成者以外の職員がレビューし、公表担当が公開します。' : 'Staff write each case anonymously (never paste the report itself). Someone other than the author reviews it; a publisher publishes it.'}</p>
      {props.can(PERM.author) && <p><a href="/staff/incident-reports/studies/new">{J ? '新しい届出事例を作成' : 'New write-up'}</a></p>}
      <table>
        <thead><tr><th scope="col">{J ? '期間' : 'Period'}</th><th scope="col">{J ? '表題' : 'Title'}</th><th scope="col">{J ? '状態' : 'State'}</th><th scope="col">{J ? '作成' : 'Author'}</th><th scope="col">{J ? 'レビュー' : 'Reviewer'}</th></tr></thead>
        <tbody>{props.studies.map((s) => (
          <tr><td>{halfLabel(s.half, lang)}</td><th scope="row"><a href={`/staff/incident-reports/studies/${s.id}`}>{J ? s.titleJa : s.titleEn}</a></th><td>{t(STUDY_STATE[s.state], lang)}</td><td>{s.authoredByName}</td><td>{s.reviewedByName ?? '—'}</td></tr>))}</tbody>
      </table>
    </Layout>
  );
}

export function StudyEditPage(props: { ctx: PageContext; study: CaseStudy | null; values: Record<string, string>; errors: FieldError[]; can: (p: string) => boolean }) {
  const { ctx, study: s, errors, values: v } = props;
  const lang = ctx.lang;
  const J = lang === 'ja';
  const err = (f: string) => errors.filter((e) => e.field === f).map((e) => <span class="field-error" id={`e-${f}`}>{t(e.message, lang)}</span>);
  const val = (k: string, fallback: string) => v[k] ?? fallback;
  const editable = !s || s.state !== 'published';
  const action = s ? `/staff/incident-reports/studies/${s.id}` : '/staff/incident-reports/studies';
  return (
    <Layout ctx={ctx} title={s ? { ja: `届出事例: ${s.titleJa}`, en: `Write-up: ${s.titleEn}` } : { ja: '届出事例の作成', en: 'New case write-up' }}>
      {s && <p>{J ? '状態' : 'State'}: <strong>{t(STUDY_STATE[s.state], lang)}</strong>（{J ? '作成' : 'author'} {s.authoredByName}{s.reviewedByName ? `、${J ? 'レビュー' : 'reviewer'} ${s.reviewedByName}` : ''}）</p>}
      {errors.length > 0 && <div class="alert error" role="alert"><ul>{errors.map((e) => <li>{t(e.message, lang)}</li>)}</ul></div>}
      {editable && props.can(PERM.author) && (
        <form method="post" action={action} class="stack">{csrf(ctx.csrfToken)}
          <label for="st-half">{J ? '対象期間（例: 2020-H1）' : 'Half-year (e.g. 2020-H1)'}</label>{err('half')}<input id="st-half" name="half" value={val('half', s?.half ?? '')} maxLength={7} required />
          <label for="st-kind">{J ? '種類' : 'Kind'}</label>{err('kind')}
          <select id="st-kind" name="kind">{(['virus', 'unauthorized'] as const).map((k) => <option value={k} selected={val('kind', s?.kind ?? '') === k}>{t(KIND_LABEL[k], lang)}</option>)}</select>
          <label for="st-tja">{J ? '表題（日本語）' : 'Title (Japanese)'}</label>{err('titleJa')}<input id="st-tja" name="titleJa" value={val('titleJa', s?.titleJa ?? '')} maxLength={200} required />
          <label for="st-ten">{J ? '表題（英語）' : 'Title (English)'}</label>{err('titleEn')}<input id="st-ten" name="titleEn" value={val('titleEn', s?.titleEn ?? '')} maxLength={200} required />
          <label for="st-bja">{J ? '本文（日本語）' : 'Text (Japanese)'}</label>{err('bodyJa')}<textarea id="st-bja" name="bodyJa" maxLength={20000} required>{val('bodyJa', s?.bodyJa ?? '')}</textarea>
          <label for="st-ben">{J ? '本文（英語）' : 'Text (English)'}</label>{err('bodyEn')}<textarea id="st-ben" name="bodyEn" maxLength={20000} required>{val('bodyEn', s?.bodyEn ?? '')}</textarea>
          <label for="st-refs">{J ? '参照した届出の受付番号（職員のみ閲覧、公開されません）' : 'References of the reports drawn on (staff only, never published)'}</label>{err('sourceRefs')}
          <input id="st-refs" name="sourceRefs" value={val('sourceRefs', s?.sourceRefs.join(', ') ?? '')} maxLength={1000} />
          <p><button type="submit">{J ? '下書きを保存' : 'Save the draft'}</button></p>
        </form>)}
      {s && !editable && (<><h2>{J ? '本文' : 'Text'}</h2><div class="prewrap">{J ? s.bodyJa : s.bodyEn}</div></>)}
      {s && s.state === 'draft' && props.can(PERM.publish) && (
        <form method="post" action={`${action}/review`}>{csrf(ctx.csrfToken)}<button type="submit" class="secondary">{J ? 'レビュー済にする（匿名化を確認した）' : 'Mark as reviewed (anonymisation checked)'}</button></form>)}
      {s && s.state === 'reviewed' && props.can(PERM.publish) && (
        <form method="post" action={`${action}/publish`}>{csrf(ctx.csrfToken)}<button type="submit">{J ? '公開する' : 'Publish'}</button></form>)}
      {s?.state === 'published' && <p><a href={`/incident-reports/case-studies/${s.id}`}>{J ? '公開ページ' : 'Public page'}</a></p>}
      <p><a href="/staff/incident-reports/studies">{J ? '届出事例の一覧' : 'All write-ups'}</a></p>
    </Layout>
  );
}
