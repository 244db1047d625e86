// Public pages of the desk: landing page, the two report forms, the statistics report; and the
// staff/party panels shown on case pages.
import type { ComponentChildren } from 'preact';
import { Layout, type PageContext } from '../../platform/ui/layout.js';
import { t, type Lang, type Text } from '../../platform/i18n/i18n.js';
import type { FieldError } from '../../platform/http/errors.js';
import type { CaseRecord } from '../../platform/cases/types.js';
import type { Organisation } from '../../platform/auth/auth.js';
import { formatWareki, isoDate } from '../../platform/i18n/dates.js';
import { CWE_LIST } from './cwe.js';
import { FIELD_LABELS, PRIORITY_CATEGORIES, type AdvisoryFields, type ReportKind } from './service.js';
import type { DeskStatistics } from './stats.js';
import { SEVERITY_LABEL } from '../../shared/cvss.js';

export const KIND_TITLE: Record<ReportKind, Text> = {
  product: { ja: 'ソフトウェア製品の脆弱性関連情報の届出', en: 'Report a vulnerability in a software product' },
  web: { ja: 'ウェブサイトの脆弱性関連情報の届出', en: 'Report a vulnerability in a website' },
};

export function LandingPage(props: { ctx: PageContext; fingerprint: string }) {
  const { lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={{ ja: '脆弱性関連情報の届出受付', en: 'Vulnerability report desk' }}>
      <p>{lang === 'ja'
        ? '情報セキュリティ早期警戒パートナーシップに基づき、ソフトウェア製品（組込み機器を含む）とウェブサイトの脆弱性関連情報の届出を受け付けています。届出は JPCERT/CC と連携して製品開発者・ウェブサイト運営者へ提供され、対策の公表につながります。'
        : 'Under the Information Security Early Warning Partnership we receive reports of vulnerabilities in software products (including embedded devices) and websites. Reports are passed to the product developers or website operators, in cooperation with JPCERT/CC, and lead to published countermeasures.'}</p>
      <ul>
        <li><a href="/vulnerability-reports/new/product">{t(KIND_TITLE.product, lang)}</a></li>
        <li><a href="/vulnerability-reports/new/web">{t(KIND_TITLE.web, lang)}</a></li>
        <li><a href="/vulnerability-reports/statistics">{lang === 'ja' ? '届出状況（四半期レポート）' : 'Report statistics (quarterly report)'}</a></li>
      </ul>
      <h2>{lang === 'ja' ? '暗号化して届け出る' : 'Encrypted reports'}</h2>
      <p>{lang === 'ja' ? '届出内容は OpenPGP で暗号化して送ることもできます。窓口の公開鍵: ' : 'You may encrypt your report with OpenPGP. The desk\'s public key: '}
        <a href="/.well-known/pgp-key.asc">/.well-known/pgp-key.asc</a> ({lang === 'ja' ? 'フィンガープリント' : 'fingerprint'} <code>{props.fingerprint}</code>)</p>
    </Layout>
  );
}

type Values = Record<string, string>;

function FieldRow(props: { name: string; lang: Lang; errors: FieldError[]; required?: boolean; hint?: Text; children: ComponentChildren }) {
  const err = props.errors.filter((e) => e.field === props.name);
  const label = FIELD_LABELS[props.name] ?? { ja: props.name, en: props.name };
  return (
    <div class="field">
      <label for={`f-${props.name}`}>{t(label, props.lang)}{props.required && <span aria-hidden="true"> *</span>}
        {props.required && <span class="hint">{props.lang === 'ja' ? '（必須）' : '(required)'}</span>}
        {props.hint && <span class="hint" id={`h-${props.name}`}>{t(props.hint, props.lang)}</span>}</label>
      {err.map((e) => <span class="field-error" id={`e-${props.name}`}>{t(e.message, props.lang)}</span>)}
      {props.children}
    </div>
  );
}

function describedBy(name: string, errors: FieldError[], hint?: boolean): string | undefined {
  const ids = [hint ? `h-${name}` : '', errors.some((e) => e.field === name) ? `e-${name}` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

export function ReportFormPage(props: {
  ctx: PageContext; kind: ReportKind; values: Values; errors: FieldError[]; idempotencyKey: string; action: string;
  staff?: boolean; maxFiles: number; maxMb: number;
}) {
  const { ctx, kind, values: v, errors } = props;
  const lang = ctx.lang;
  const input = (name: string, opts: { type?: string; required?: boolean; hint?: Text; max?: number; list?: string; autocomplete?: string } = {}) => (
    <FieldRow name={name} lang={lang} errors={errors} required={opts.required} hint={opts.hint}>
      <input id={`f-${name}`} name={name} type={opts.type ?? 'text'} value={v[name] ?? ''} required={opts.required} maxLength={opts.max}
        list={opts.list} autoComplete={opts.autocomplete} aria-invalid={errors.some((e) => e.field === name) ? 'true' : undefined}
        aria-describedby={describedBy(name, errors, !!opts.hint)} />
    </FieldRow>
  );
  const area = (name: string, opts: { required?: boolean; hint?: Text; max?: number } = {}) => (
    <FieldRow name={name} lang={lang} errors={errors} required={opts.required} hint={opts.hint}>
      <textarea id={`f-${name}`} name={name} required={opts.required} maxLength={opts.max} aria-invalid={errors.some((e) => e.field === name) ? 'true' : undefined}
        aria-describedby={describedBy(name, errors, !!opts.hint)}>{v[name] ?? ''}</textarea>
    </FieldRow>
  );
  const check = (name: string, label: Text) => (
    <p><label class="check"><input type="checkbox" name={name} value="on" checked={v[name] === 'on'} /> {t(label, lang)}</label></p>
  );
  return (
    <Layout ctx={ctx} title={KIND_TITLE[kind]}>
      {errors.length > 0 && (
        <div class="alert error" role="alert">
          <p>{lang === 'ja' ? '入力内容を確認してください。' : 'Please check the following fields.'}</p>
          <ul>{errors.map((e) => <li><a href={`#f-${e.field}`}>{t(FIELD_LABELS[e.field] ?? { ja: e.field, en: e.field }, lang)}</a>: {t(e.message, lang)}</li>)}</ul>
        </div>)}
      <p>{lang === 'ja' ? '* は必須項目です。届出内容は受付後、取扱いに必要な範囲でのみ利用します。' : 'Fields marked * are required. Report contents are used only as needed to handle the report.'}</p>
      <form method="post" action={props.action} enctype="multipart/form-data" class="stack" novalidate>
        <input type="hidden" name="_csrf" value={ctx.csrfToken} />
        <input type="hidden" name="idempotencyKey" value={props.idempotencyKey} />
        <input type="hidden" name="kind" value={kind} />
        {props.staff && (
          <div class="field"><label for="f-source">{lang === 'ja' ? '届出の経路' : 'Source'}</label>
            <select id="f-source" name="source">
              <option value="finder">{lang === 'ja' ? '発見者からの届出（メール・郵送等）' : 'Report from a finder (e-mail, post…)'}</option>
              {kind === 'product' && <option value="developer" selected={v.source === 'developer'}>{lang === 'ja' ? '開発者届' : 'Developer self-report'}</option>}
              {kind === 'web' && <option value="open_bug_bounty" selected={v.source === 'open_bug_bounty'}>{lang === 'ja' ? 'Open Bug Bounty 掲載情報の発見' : 'Found on Open Bug Bounty'}</option>}
            </select></div>)}
        <fieldset><legend>{lang === 'ja' ? '届出者' : 'Reporter'}</legend>
          {check('anonymous', { ja: '匿名で届け出る（連絡先メールアドレスは必要です）', en: 'Report anonymously (a contact e-mail is still required)' })}
          {input('reporterName', { max: 200, autocomplete: 'name', hint: { ja: '匿名の場合は空欄にできます。', en: 'May be left empty when reporting anonymously.' } })}
          {input('reporterEmail', { type: 'email', required: true, max: 254, autocomplete: 'email' })}
          {input('reporterAffiliation', { max: 200, autocomplete: 'organization' })}
          {kind === 'product' && !props.staff && check('isDeveloper', { ja: '私はこの製品の開発者です（開発者届）', en: 'I am the developer of this product (developer self-report)' })}
          {check('consentToShare', { ja: '連絡先を製品開発者・ウェブサイト運営者に伝えることに同意する', en: 'I agree that my contact details may be passed to the developer or operator' })}
          {check('wishCredit', { ja: '公表時に謝辞への掲載を希望する', en: 'I wish to be credited on publication' })}
          {input('creditName', { max: 200, hint: { ja: '空欄の場合は氏名を掲載します。', en: 'Your name is used when left empty.' } })}
        </fieldset>
        <fieldset><legend>{lang === 'ja' ? '対象' : 'Target'}</legend>
          {kind === 'product' ? (<>
            {input('productName', { required: true, max: 200 })}
            {input('productVersions', { required: true, max: 200, hint: { ja: '例: 2.0.0 から 2.3.1 まで', en: 'e.g. 2.0.0 to 2.3.1' } })}
            {input('vendorName', { required: true, max: 200 })}
            <FieldRow name="productCategory" lang={lang} errors={errors}>
              <select id="f-productCategory" name="productCategory">
                <option value="software" selected={v.productCategory !== 'embedded'}>{lang === 'ja' ? 'ソフトウェア' : 'Software'}</option>
                <option value="embedded" selected={v.productCategory === 'embedded'}>{lang === 'ja' ? '組込み機器（IoT 機器等）' : 'Embedded device (IoT etc.)'}</option>
              </select>
            </FieldRow>
          </>) : (<>
            {input('siteUrl', { type: 'url', required: true, max: 2000, hint: { ja: '例: https://www.example.jp/login', en: 'e.g. https://www.example.jp/login' } })}
            {input('siteOperator', { max: 200 })}
          </>)}
        </fieldset>
        <fieldset><legend>{lang === 'ja' ? '脆弱性の内容' : 'The vulnerability'}</legend>
          {input('cwe', { list: 'cwe-list', max: 20, hint: { ja: '番号または名称で検索できます（例: CWE-79、クロスサイト）。わからない場合は空欄にしてください。', en: 'Search by number or name (e.g. CWE-79, cross-site). Leave empty if unsure.' } })}
          <datalist id="cwe-list">{CWE_LIST.map((c) => <option value={c.id}>{`${c.id} ${lang === 'ja' ? c.ja : c.en}`}</option>)}</datalist>
          {input('summary', { max: 200 })}
          {area('description', { required: true, max: 20000 })}
          {area('reproduction', { required: true, max: 20000 })}
          {area('impact', { max: 5000 })}
          {input('discoveredOn', { type: 'date' })}
          <FieldRow name="disclosure" lang={lang} errors={errors}>
            <select id="f-disclosure" name="disclosure">
              <option value="none" selected={!v.disclosure || v.disclosure === 'none'}>{lang === 'ja' ? '公開・他への届出はしていない' : 'Not disclosed or reported elsewhere'}</option>
              <option value="disclosed" selected={v.disclosure === 'disclosed'}>{lang === 'ja' ? '既に公開されている' : 'Already public'}</option>
              <option value="reported_elsewhere" selected={v.disclosure === 'reported_elsewhere'}>{lang === 'ja' ? '他の窓口・開発者にも届け出た' : 'Also reported elsewhere'}</option>
            </select>
          </FieldRow>
          {area('disclosureDetail', { max: 2000 })}
        </fieldset>
        <fieldset><legend>{lang === 'ja' ? '添付と暗号化（任意）' : 'Attachments and encryption (optional)'}</legend>
          <FieldRow name="attachments" lang={lang} errors={errors} hint={{ ja: `PoC、スクリーンショット等。${props.maxFiles} 件まで、1 件 ${props.maxMb}MB まで。`, en: `PoC, screenshots etc. Up to ${props.maxFiles} files, ${props.maxMb} MB each.` }}>
            <input id="f-attachments" type="file" name="attachments" multiple aria-describedby="h-attachments" />
          </FieldRow>
          {area('pgpMessage', { hint: { ja: '窓口の公開鍵で暗号化した ASCII 形式のメッセージを貼り付けることができます。JSON なら各項目として、テキストなら脆弱性の内容として扱います。', en: 'Paste an ASCII-armoured message encrypted to the desk key. JSON supplies form fields; plain text is taken as the description.' } })}
        </fieldset>
        <p><button type="submit">{lang === 'ja' ? '届け出る' : 'Submit the report'}</button></p>
      </form>
    </Layout>
  );
}

const n = (x: number) => x.toLocaleString('en-US');
const inc = (x: number) => `（${x >= 0 ? '+' : ''}${n(x)}）`;

export interface StatsPageProps { ctx: PageContext; stats: DeskStatistics; fy: number; quarter: number | null; asOf: Date; label: Text; periods: Array<{ href: string; label: string; current: boolean }>; csvHref: string }

export function statsRows(s: DeskStatistics, lang: Lang): Array<[string, string, string]> {
  const J = lang === 'ja';
  return [
    [J ? '受付件数' : 'Received', J ? '製品' : 'Products', `${n(s.received.product.total)}${inc(s.received.product.increase)}`],
    [J ? '受付件数' : 'Received', J ? '（開発者届）' : '(developer self-reports)', `${n(s.received.developerReports.total)}${inc(s.received.developerReports.increase)}`],
    [J ? '受付件数' : 'Received', J ? 'ウェブ' : 'Websites', `${n(s.received.web.total)}${inc(s.received.web.increase)}`],
    [J ? '受付件数' : 'Received', J ? '合計' : 'Total', `${n(s.received.total.total)}${inc(s.received.total.increase)}`],
    [J ? '提供/公表（終了）件数' : 'Provided / published (closed)', J ? '製品' : 'Products', `${n(s.closed.product.total)}${inc(s.closed.product.increase)}`],
    [J ? '提供/公表（終了）件数' : 'Provided / published (closed)', J ? '（公表）' : '(published)', `${n(s.closed.published.total)}${inc(s.closed.published.increase)}`],
    [J ? '提供/公表（終了）件数' : 'Provided / published (closed)', J ? 'ウェブ' : 'Websites', `${n(s.closed.web.total)}${inc(s.closed.web.increase)}`],
    [J ? '提供/公表（終了）件数' : 'Provided / published (closed)', J ? '合計' : 'Total', `${n(s.closed.total.total)}${inc(s.closed.total.increase)}`],
  ];
}

export function StatsPage(props: StatsPageProps) {
  const { ctx, stats: s } = props;
  const lang = ctx.lang;
  const J = lang === 'ja';
  return (
    <Layout ctx={ctx} title={{ ja: `脆弱性関連情報の届出状況 ${props.label.ja}`, en: `Vulnerability reports: ${props.label.en}` }}>
      <p>{J ? `${formatWareki(props.asOf)}（${isoDate(props.asOf)}）時点。括弧内は期間中の増加数。受付件数・終了件数は制度開始（2004年7月）からの累計です。` : `As of ${isoDate(props.asOf)}. Figures in brackets are the increase during the period. Received and closed counts are cumulative since the scheme began (July 2004).`}</p>
      <nav aria-label={J ? '期間' : 'Period'}><ul class="periods">{props.periods.map((p) => <li>{p.current ? <strong aria-current="page">{p.label}</strong> : <a href={p.href}>{p.label}</a>}</li>)}</ul></nav>
      <p><a href={props.csvHref}>{J ? 'CSV をダウンロード（UTF-8）' : 'Download CSV (UTF-8)'}</a> · <a href={`${props.csvHref}&encoding=shift_jis`}>{J ? 'CSV（Shift_JIS）' : 'CSV (Shift_JIS)'}</a></p>
      <h2>{J ? '受付・終了件数' : 'Received and closed'}</h2>
      <table>
        <caption>{J ? '脆弱性関連情報の受付件数と提供/公表（終了）件数' : 'Reports received and provided/published (closed)'}</caption>
        <thead><tr><th scope="col">{J ? '区分' : 'Measure'}</th><th scope="col">{J ? '内訳' : 'Breakdown'}</th><th scope="col" class="num">{J ? '件数（増）' : 'Count (increase)'}</th></tr></thead>
        <tbody>{statsRows(s, lang).map(([a, b, c]) => <tr><th scope="row">{a}</th><td>{b}</td><td class="num">{c}</td></tr>)}</tbody>
      </table>
      <h2>{J ? '対応状況' : 'Cases in handling'}</h2>
      <table>
        <thead><tr><th scope="col">{J ? '区分' : 'Class'}</th><th scope="col">{J ? '状態' : 'State'}</th><th scope="col" class="num">{J ? '件数' : 'Count'}</th></tr></thead>
        <tbody>
          <tr><th scope="row">{J ? '製品' : 'Products'}</th><td>{J ? '内容確認中（JPCERT/CC へ未送付）' : 'Checking (not yet sent to JPCERT/CC)'}</td><td class="num">{n(s.inHandling.product.notSentToCoordinator)}</td></tr>
          <tr><th scope="row">{J ? '製品' : 'Products'}</th><td>{J ? '全取扱中件数' : 'All in handling'}</td><td class="num">{n(s.inHandling.product.total)}</td></tr>
          <tr><th scope="row">{J ? 'ウェブ' : 'Websites'}</th><td>{J ? '内容確認中（運営者未連絡）' : 'Checking (operator not yet contacted)'}</td><td class="num">{n(s.inHandling.web.operatorNotContacted)}</td></tr>
          <tr><th scope="row">{J ? 'ウェブ' : 'Websites'}</th><td>{J ? '送付先確認中（詳細未送付）' : 'Confirming recipient (details not yet sent)'}</td><td class="num">{n(s.inHandling.web.detailsNotSent)}</td></tr>
          <tr><th scope="row">{J ? 'ウェブ' : 'Websites'}</th><td>{J ? '全取扱中件数' : 'All in handling'}</td><td class="num">{n(s.inHandling.web.total)}</td></tr>
        </tbody>
      </table>
      <h2>{J ? '期間中の提供・公表' : 'Provision and publication during the period'}</h2>
      <table>
        <tbody>
          <tr><th scope="row">{J ? 'ウェブサイト運営者への脆弱性関連情報の提供' : 'Provided to website operators'}</th><td class="num">{n(s.providedToOperators)}</td></tr>
          <tr><th scope="row">{J ? '製品開発者への脆弱性関連情報の提供' : 'Provided to product developers'}</th><td class="num">{n(s.providedToDevelopers)}</td></tr>
          <tr><th scope="row">{J ? '脆弱性対策情報の公表' : 'Countermeasure information published'}</th><td class="num">{n(s.publications)}</td></tr>
          <tr><th scope="row">{J ? '注意喚起' : 'Alerts'}</th><td class="num">{n(s.alerts)}</td></tr>
          <tr><th scope="row">{J ? '緊急対策' : 'Emergency countermeasures'}</th><td class="num">{n(s.emergencyCountermeasures)}</td></tr>
          <tr><th scope="row">{J ? '優先提供（電力分野）' : 'Priority provision (electric power)'}</th><td class="num">{n(s.priorityProvisions.electric_power.increase)}{J ? `（累計 ${n(s.priorityProvisions.electric_power.total)}）` : ` (cumulative ${n(s.priorityProvisions.electric_power.total)})`}</td></tr>
          <tr><th scope="row">{J ? '優先提供（政府機関）' : 'Priority provision (government)'}</th><td class="num">{n(s.priorityProvisions.government.increase)}{J ? `（累計 ${n(s.priorityProvisions.government.total)}）` : ` (cumulative ${n(s.priorityProvisions.government.total)})`}</td></tr>
          <tr><th scope="row">{J ? 'Open Bug Bounty 掲載情報の発見及び共有' : 'Found on Open Bug Bounty and shared'}</th><td class="num">{n(s.openBugBounty)}</td></tr>
        </tbody>
      </table>
    </Layout>
  );
}

export function statsCsvRows(s: DeskStatistics, lang: Lang): unknown[][] {
  const J = lang === 'ja';
  const rows: unknown[][] = [[J ? '区分' : 'measure', J ? '内訳' : 'breakdown', J ? '累計' : 'total', J ? '期間中の増加' : 'increase']];
  const f = (a: string, b: string, x: { total: number; increase: number }) => rows.push([a, b, x.total, x.increase]);
  f(J ? '受付件数' : 'received', J ? '製品' : 'product', s.received.product);
  f(J ? '受付件数' : 'received', J ? '開発者届' : 'developer self-reports', s.received.developerReports);
  f(J ? '受付件数' : 'received', J ? 'ウェブ' : 'web', s.received.web);
  f(J ? '受付件数' : 'received', J ? '合計' : 'total', s.received.total);
  f(J ? '提供/公表（終了）件数' : 'closed', J ? '製品' : 'product', s.closed.product);
  f(J ? '提供/公表（終了）件数' : 'closed', J ? '公表' : 'published', s.closed.published);
  f(J ? '提供/公表（終了）件数' : 'closed', J ? 'ウェブ' : 'web', s.closed.web);
  f(J ? '提供/公表（終了）件数' : 'closed', J ? '合計' : 'total', s.closed.total);
  rows.push([J ? '取扱中' : 'in handling', J ? '製品 内容確認中（JPCERT/CC へ未送付）' : 'product not yet sent to JPCERT/CC', s.inHandling.product.notSentToCoordinator, '']);
  rows.push([J ? '取扱中' : 'in handling', J ? '製品 全取扱中件数' : 'product total', s.inHandling.product.total, '']);
  rows.push([J ? '取扱中' : 'in handling', J ? 'ウェブ 内容確認中（運営者未連絡）' : 'web operator not contacted', s.inHandling.web.operatorNotContacted, '']);
  rows.push([J ? '取扱中' : 'in handling', J ? 'ウェブ 送付先確認中（詳細未送付）' : 'web details not sent', s.inHandling.web.detailsNotSent, '']);
  rows.push([J ? '取扱中' : 'in handling', J ? 'ウェブ 全取扱中件数' : 'web total', s.inHandling.web.total, '']);
  rows.push([J ? '期間中' : 'period', J ? 'ウェブサイト運営者への提供' : 'provided to operators', '', s.providedToOperators]);
  rows.push([J ? '期間中' : 'period', J ? '製品開発者への提供' : 'provided to developers', '', s.providedToDevelopers]);
  rows.push([J ? '期間中' : 'period', J ? '脆弱性対策情報の公表' : 'publications', '', s.publications]);
  rows.push([J ? '期間中' : 'period', J ? '注意喚起' : 'alerts', '', s.alerts]);
  rows.push([J ? '期間中' : 'period', J ? '緊急対策' : 'emergency countermeasures', '', s.emergencyCountermeasures]);
  f(J ? '優先提供' : 'priority provision', J ? '電力分野' : 'electric power', s.priorityProvisions.electric_power);
  f(J ? '優先提供' : 'priority provision', J ? '政府機関' : 'government', s.priorityProvisions.government);
  rows.push([J ? '期間中' : 'period', 'Open Bug Bounty', '', s.openBugBounty]);
  return rows;
}

// ---- Panels on case pages ------------------------------------------------------------------

export function StaffPanel(props: { record: CaseRecord; lang: Lang; csrfToken: string; orgs: Organisation[]; can: (perm: string) => boolean }) {
  const { record: c, lang, csrfToken } = props;
  const J = lang === 'ja';
  const base = `/staff/vuln/${c.ref}`;
  const adv = (c.data.advisory ?? {}) as Partial<AdvisoryFields>;
  const vendors = props.orgs.filter((o) => o.kind === 'vendor');
  const operators = props.orgs.filter((o) => o.kind === 'site_operator');
  const recipients = props.orgs.filter((o) => o.kind === 'priority_recipient');
  const hidden = <input type="hidden" name="_csrf" value={csrfToken} />;
  const product = c.type === 'vuln.product';
  const forms = [
      product && c.state === 'forwarded' && props.can('vulndesk.coordinate') && (
        <form method="post" action={`${base}/contact-developer`} class="stack">{hidden}
          <fieldset><legend>{J ? '製品開発者へ連絡（目標公表日は連絡から45日後）' : 'Contact the developer (target publication: 45 days after contact)'}</legend>
            <label for="cd-org">{J ? '製品開発者' : 'Developer'}</label>
            <select id="cd-org" name="organisationId">{vendors.map((o) => <option value={o.id}>{o.name}</option>)}</select>
            <p><button type="submit">{J ? '連絡して調整を開始' : 'Contact and start coordination'}</button></p></fieldset>
        </form>),
      !product && !c.closedAt && props.can('vulndesk.coordinate') && (
        <form method="post" action={`${base}/operator`} class="stack">{hidden}
          <fieldset><legend>{J ? 'ウェブサイト運営者を関係者に追加' : 'Add the website operator as a party'}</legend>
            <label for="op-org">{J ? '登録済みの運営者' : 'Registered operator'}</label>
            <select id="op-org" name="organisationId"><option value="">{J ? '（メールアドレスで連絡する）' : '(contact by e-mail instead)'}</option>{operators.map((o) => <option value={o.id}>{o.name}</option>)}</select>
            <label for="op-email">{J ? '運営者のメールアドレス（未登録の場合）' : 'Operator e-mail (if not registered)'}</label><input id="op-email" type="email" name="email" />
            <label for="op-name">{J ? '運営者名' : 'Operator name'}</label><input id="op-name" type="text" name="name" maxLength={200} />
            <p><button type="submit" class="secondary">{J ? '追加して連絡' : 'Add and notify'}</button></p></fieldset>
        </form>),
      product && (props.can('vulndesk.advisory')) && (
        <form method="post" action={`${base}/advisory`} class="stack">{hidden}
          <fieldset><legend>{J ? '公表情報（脆弱性対策情報）' : 'Advisory (countermeasure information)'}</legend>
            <label for="adv-title">{J ? '公表タイトル' : 'Advisory title'}</label><input id="adv-title" type="text" name="advisoryTitle" value={adv.title ?? ''} maxLength={300} />
            <label for="adv-summary">{J ? '概要' : 'Summary'}</label><textarea id="adv-summary" name="advisorySummary">{adv.summary ?? ''}</textarea>
            <label for="adv-products">{J ? '対象製品' : 'Affected products'}</label><textarea id="adv-products" name="affectedProducts">{adv.affectedProducts ?? ''}</textarea>
            <label for="adv-cvss">{J ? 'CVSS ベクトル' : 'CVSS vector'}<span class="hint">{J ? '例: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H（スコアと深刻度は自動計算）' : 'e.g. CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H (score and severity are computed)'}</span></label>
            <input id="adv-cvss" type="text" name="cvssVector" value={adv.cvssVector ?? ''} maxLength={200} />
            {adv.cvss && <p>{J ? '基本値' : 'Base score'}: <strong>{adv.cvss.baseScore}</strong>（{t(SEVERITY_LABEL[adv.cvss.severity], lang)}）CVSS v{adv.cvss.version}</p>}
            <label for="adv-solution">{J ? '対策' : 'Solution'}</label><textarea id="adv-solution" name="solution">{adv.solution ?? ''}</textarea>
            <p><button type="submit" class="secondary">{J ? '公表情報を保存' : 'Save the advisory'}</button></p></fieldset>
        </form>),
      product && ['forwarded', 'coordinating'].includes(c.state) && props.can('vulndesk.priority') && (
        <form method="post" action={`${base}/priority`} class="stack">{hidden}
          <fieldset><legend>{J ? '優先提供（公表前）' : 'Priority provision (before publication)'}</legend>
            <label for="pp-org">{J ? '提供先' : 'Recipient'}</label>
            <select id="pp-org" name="organisationId">{recipients.map((o) => <option value={o.id}>{o.name}（{t(PRIORITY_CATEGORIES[o.category ?? ''] ?? { ja: '-', en: '-' }, lang)}）</option>)}</select>
            <p><button type="submit" class="secondary">{J ? '優先提供する' : 'Provide'}</button></p></fieldset>
        </form>),
      product && props.can('vulndesk.publish') && (
        <form method="post" action={`${base}/alert`} class="stack">{hidden}
          <fieldset><legend>{J ? '注意喚起・緊急対策の発出を記録' : 'Record an alert or emergency countermeasure'}</legend>
            <label for="al-level">{J ? '種別' : 'Kind'}</label>
            <select id="al-level" name="level"><option value="alert">{J ? '注意喚起' : 'Alert'}</option><option value="emergency">{J ? '緊急対策' : 'Emergency countermeasure'}</option></select>
            <label for="al-title">{J ? '注意喚起の件名' : 'Alert title'}</label><input id="al-title" type="text" name="alertTitle" maxLength={300} />
            <p><button type="submit" class="secondary">{J ? '記録する' : 'Record'}</button></p></fieldset>
        </form>),
  ].filter(Boolean);
  if (forms.length === 0) return null;
  return (
    <section aria-labelledby="h-desk"><h2 id="h-desk">{J ? '届出の取扱い' : 'Desk actions'}</h2>{forms}</section>
  );
}

export function VendorPanel(props: { record: CaseRecord; lang: Lang; csrfToken: string; role: string; action: string }) {
  if (props.role !== 'vendor' || props.record.closedAt) return null;
  const J = props.lang === 'ja';
  return (
    <form method="post" action={`${props.action}/vuln/propose-date`} class="stack">
      <input type="hidden" name="_csrf" value={props.csrfToken} />
      <fieldset><legend>{J ? '公表日の提案' : 'Propose a publication date'}</legend>
        <label for="pd-date">{J ? '公表希望日' : 'Proposed date'}</label><input id="pd-date" type="date" name="proposedDate" required />
        <p><button type="submit" class="secondary">{J ? '提案する' : 'Propose'}</button></p></fieldset>
    </form>
  );
}
