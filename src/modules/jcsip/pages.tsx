// Pages of J-CSIP: public landing, alerts (with revisions and view counts), reports and the
// quarterly 運用状況; the member portal (provide, own provisions, items shared with us); the staff
// hub (queue, provision, item with anonymisation preview/diff, approval and sharing), rules and
// participants. Submitted content is only ever rendered as escaped text.
import type { ComponentChildren } from 'preact';
import { Layout, type PageContext } from '../../platform/ui/layout.js';
import { t, type Lang, type Text } from '../../platform/i18n/i18n.js';
import { formatDate, formatDateTime } from '../../platform/i18n/dates.js';
import { defang, type Indicator } from '../../shared/indicators.js';
import {
  CHANNEL_LABEL, CONTACT_ROLE_LABEL, EXCHANGE_DIRECTION_LABEL, ITEM_STATE_LABEL, MEMBER_STATE_LABEL, MEMBER_TRANSITIONS, PROVISION_KIND_LABEL, RECEIVED_VIA_LABEL, SCOPE_LABEL, TLPS, TLP_LABEL, sigName,
  type MemberState,
} from './data.js';
import type { Alert, AlertRevision, Contact, ExternalSource, Item, Member, OperationsReport, Provision, Share, Sig, TechReport } from './service.js';
import type { RedactionRule, Segment } from './redaction.js';
import { intakeAddress } from './service.js';

const L = (lang: Lang, ja: string, en: string) => (lang === 'ja' ? ja : en);
const Csrf = (p: { ctx: PageContext }) => <input type="hidden" name="_csrf" value={p.ctx.csrfToken} />;

export function Notice(props: { lang: Lang; error?: Text | null; ok?: Text | null }) {
  return <>
    {props.error && <div class="alert error" role="alert"><p>{t(props.error, props.lang)}</p></div>}
    {props.ok && <div class="alert" role="status"><p>{t(props.ok, props.lang)}</p></div>}
  </>;
}

function Field(props: { id: string; label: string; children: ComponentChildren; hint?: string }) {
  return <div class="field"><label for={props.id}>{props.label}{props.hint && <span class="hint">{props.hint}</span>}</label>{props.children}</div>;
}

/** Values entered in a form, shown again after a validation error. */
export type FormValues = Record<string, string>;

function Conditions(props: { lang: Lang; values?: FormValues; namedLabel?: string }) {
  const lang = props.lang; const v = props.values ?? {};
  return <fieldset>
    <legend>{L(lang, '提供条件', 'Sharing conditions')}</legend>
    <Field id="f-tlp" label="TLP 2.0">
      <select id="f-tlp" name="tlp">{TLPS.map((x) => <option value={x} selected={x === (v.tlp || 'AMBER')}>{t(TLP_LABEL[x], lang)}</option>)}</select>
    </Field>
    <Field id="f-scope" label={L(lang, '共有範囲', 'Who may receive it')}>
      <select id="f-scope" name="scope">{(['sig', 'all', 'public'] as const).map((x) => <option value={x} selected={x === v.scope}>{t(SCOPE_LABEL[x], lang)}</option>)}</select>
    </Field>
    {props.namedLabel !== '' && <div class="field"><input type="checkbox" id="f-nameProvider" name="nameProvider" value="yes" checked={v.nameProvider === 'yes'} /> <label for="f-nameProvider">{props.namedLabel ?? L(lang, '提供元として組織名を示してよい', 'Our organisation may be named as the provider')}</label></div>}
  </fieldset>;
}

// ---- Public ------------------------------------------------------------------------------------
export function LandingPage(props: { ctx: PageContext; alerts: Alert[]; reports: TechReport[] }) {
  const lang = props.ctx.lang;
  return <Layout ctx={props.ctx} title={{ ja: 'サイバー情報共有イニシアティブ（J-CSIP）', en: 'J-CSIP — Initiative for Cyber Security Information sharing Partnership of Japan' }}>
    <p>{L(lang, '重要インフラ等の業界ごとの SIG に参加する組織から提供された攻撃情報を、IPA がハブとなって分析・匿名化し、参加組織間で共有しています。', 'Participating organisations in industry SIGs provide attack information; the agency, as the hub, analyses and anonymises it and shares it among participants.')}</p>
    <p><a href="/jcsip/portal">{L(lang, '参加組織ポータル', 'Member portal')}</a> · <a href="/jcsip/operations">{L(lang, '運用状況', 'Operations report')}</a></p>
    <h2>{L(lang, '一般向けの注意喚起', 'Public alerts')}</h2>
    <ul>{props.alerts.map((a) => <li><a href={`/jcsip/alerts/${a.slug}`}>{a.title}</a>（{formatDate(a.updatedAt, lang)} {L(lang, '更新', 'updated')}）</li>)}</ul>
    <h2>{L(lang, '活動レポート・技術レポート', 'Activity and technical reports')}</h2>
    <ul>{props.reports.map((r) => <li><a href={`/jcsip/reports/${r.slug}`}>{r.title}</a>{r.publishedAt && `（${formatDate(r.publishedAt, lang)}）`}</li>)}</ul>
  </Layout>;
}

export function AlertPage(props: { ctx: PageContext; alert: Alert; revisions: AlertRevision[] }) {
  const lang = props.ctx.lang; const a = props.alert;
  return <Layout ctx={props.ctx} title={{ ja: a.title, en: a.title }}>
    <p>{L(lang, '公開', 'Published')}: {formatDate(a.publishedAt, lang)} · {L(lang, '最終更新', 'Last updated')}: {formatDate(a.updatedAt, lang)} · {L(lang, '閲覧数', 'Views')}: <span id="views">{a.views.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-US')}</span></p>
    <div class="prose">{a.body.split('\n').map((line) => <p>{line}</p>)}</div>
    <h2>{L(lang, '更新履歴', 'Revisions')}</h2>
    <table>
      <caption>{L(lang, '更新履歴', 'Revisions')}</caption>
      <thead><tr><th scope="col">{L(lang, '版', 'Revision')}</th><th scope="col">{L(lang, '日付', 'Date')}</th><th scope="col">{L(lang, '内容', 'Change')}</th></tr></thead>
      <tbody>{props.revisions.map((r) => <tr><td>{r.revision}</td><td>{formatDate(r.at, lang)}</td><td>{r.note}</td></tr>)}</tbody>
    </table>
    <p><a href="/jcsip">{L(lang, 'J-CSIP のページへ', 'Back to J-CSIP')}</a></p>
  </Layout>;
}

export function ReportPage(props: { ctx: PageContext; report: TechReport; items: Item[] }) {
  const lang = props.ctx.lang; const r = props.report;
  return <Layout ctx={props.ctx} title={{ ja: r.title, en: r.title }}>
    <p>{r.kind === 'technical' ? L(lang, '技術レポート', 'Technical report') : L(lang, '活動レポート', 'Activity report')}{r.publishedAt && ` · ${formatDate(r.publishedAt, lang)}`}</p>
    <div class="prose">{r.body.split('\n').map((line) => <p>{line}</p>)}</div>
    {props.items.length > 0 && <><h2>{L(lang, '関連する共有情報', 'Related shared items')}</h2><ul>{props.items.map((i) => <li>{i.ref}</li>)}</ul></>}
  </Layout>;
}

export function OperationsPage(props: { ctx: PageContext; year: number; quarter: number; report: OperationsReport; chartSvg: string; sigs: Sig[] }) {
  const lang = props.ctx.lang; const r = props.report;
  const sigLabel = (id: string) => { const s = props.sigs.find((x) => x.id === id); return s ? (lang === 'ja' ? s.nameJa : s.nameEn) : id; };
  const months = [1, 2, 3].map((i) => (props.quarter - 1) * 3 + i);
  const sigOrgs = r.participants.filter((p) => p.kind === 'sig');
  return <Layout ctx={props.ctx} title={{ ja: `J-CSIP 運用状況 [${props.year} 年 ${months[0]} 月～${months[2]} 月]`, en: `J-CSIP operations, ${props.year} Q${props.quarter}` }}>
    <form method="get" action="/jcsip/operations" class="inline">
      <label for="f-year">{L(lang, '年', 'Year')}</label> <input id="f-year" name="year" type="number" value={String(props.year)} min="2012" max="2100" />
      <label for="f-q">{L(lang, '四半期', 'Quarter')}</label> <select id="f-q" name="q">{[1, 2, 3, 4].map((q) => <option value={String(q)} selected={q === props.quarter}>{q}</option>)}</select>
      <button type="submit">{L(lang, '表示', 'Show')}</button>
    </form>
    <p><a href={`/jcsip/operations?year=${props.year}&q=${props.quarter}&format=csv`}>CSV</a></p>
    <table>
      <caption>{L(lang, '概況', 'Summary')}</caption>
      <tbody>
        <tr><th scope="row">{L(lang, '参加組織からの情報提供件数', 'Provisions received')}</th><td id="ops-provisions">{r.provisions}</td></tr>
        <tr><th scope="row">{L(lang, '情報共有実施件数', 'Items shared')}</th><td id="ops-shares">{r.shares}</td></tr>
        <tr><th scope="row">{L(lang, '新規参加組織', 'New participants')}</th><td id="ops-new">{r.newParticipants}</td></tr>
        <tr><th scope="row">{L(lang, '参加組織数（期末）', 'Participants (end of period)')}</th><td>{sigOrgs.filter((p) => p.organisations > 0).length} SIG · {sigOrgs.reduce((a, p) => a + p.organisations, 0)}</td></tr>
      </tbody>
    </table>
    <figure><div class="chart" dangerouslySetInnerHTML={{ __html: props.chartSvg }} /><figcaption>{L(lang, '月別の情報提供件数と共有件数', 'Provisions and shares by month')}</figcaption></figure>
    <table>
      <caption>{L(lang, '情報の種類別の提供件数', 'Provisions by kind')}</caption>
      <thead><tr><th scope="col">{L(lang, '種類', 'Kind')}</th><th scope="col">{L(lang, '件数', 'Count')}</th></tr></thead>
      <tbody>{Object.entries(PROVISION_KIND_LABEL).map(([k, l]) => <tr><th scope="row">{t(l, lang)}</th><td>{r.provisionsByKind[k] ?? 0}</td></tr>)}</tbody>
    </table>
    <table>
      <caption>{L(lang, 'SIG 別', 'By SIG')}</caption>
      <thead><tr><th scope="col">SIG</th><th scope="col">{L(lang, '参加組織数', 'Organisations')}</th><th scope="col">{L(lang, '情報提供件数', 'Provisions')}</th><th scope="col">{L(lang, '共有件数（当該 SIG 宛て）', 'Items shared to the SIG')}</th></tr></thead>
      <tbody>
        {r.participants.map((p) => <tr><th scope="row">{sigLabel(p.sigId)}</th><td>{p.organisations}{p.facilities ? L(lang, `（約 ${p.facilities.toLocaleString('ja-JP')} 施設）`, ` (about ${p.facilities.toLocaleString('en-US')} facilities)`) : ''}</td><td>{r.provisionsBySig[p.sigId] ?? 0}</td><td>{r.sharesBySig[`sig:${p.sigId}`] ?? 0}</td></tr>)}
        <tr><th scope="row">{L(lang, '全参加組織宛て', 'To all participants')}</th><td></td><td></td><td>{r.sharesBySig.all ?? 0}</td></tr>
      </tbody>
    </table>
  </Layout>;
}

// ---- Portal ------------------------------------------------------------------------------------
export function PortalPage(props: { ctx: PageContext; member: Member; roles: string[]; provisions: Provision[]; items: Item[]; received?: string }) {
  const lang = props.ctx.lang;
  return <Layout ctx={props.ctx} title={{ ja: 'J-CSIP 参加組織ポータル', en: 'J-CSIP member portal' }}>
    {props.received && <Notice lang={lang} ok={{ ja: `情報提供を受け付けました（${props.received}）。`, en: `Your provision was received (${props.received}).` }} />}
    <p>{props.member.name} · SIG: {t(sigName(props.member.sigId), lang)}</p>
    {props.roles.includes('submitter') && <>
      <p><a href="/jcsip/portal/provide">{L(lang, '情報提供する', 'Provide information')}</a></p>
      <p>{L(lang, '受付メールアドレス（不審メールを添付して転送）', 'Intake e-mail address (forward suspicious mail as an attachment)')}: <code>{intakeAddress(props.member.intakeToken)}</code></p>
    </>}
    <h2>{L(lang, '共有された情報', 'Items shared with us')}</h2>
    <ul id="shared-items">{props.items.map((i) => <li><a href={`/jcsip/portal/items/${i.id}`}>{i.ref} {i.approvedTitle}</a> [TLP:{i.tlp}]</li>)}</ul>
    {props.roles.includes('submitter') && <>
      <h2>{L(lang, '自組織の情報提供', 'Our provisions')}</h2>
      <ul>{props.provisions.map((p) => <li><a href={`/jcsip/portal/provisions/${p.id}`}>{p.ref} {p.title}</a> ({formatDateTime(p.receivedAt, lang)})</li>)}</ul>
    </>}
  </Layout>;
}

/**
 * The provision form: the member portal's, or (with `staff`) staff entering a provision received by
 * phone, post or another channel on a participant's behalf. After a validation error the entered
 * values come back in `values`; file inputs stay empty because browsers cannot refill them.
 */
export function ProvideFormPage(props: { ctx: PageContext; error?: Text | null; values?: FormValues; staff?: { members: Member[] } }) {
  const lang = props.ctx.lang; const v = props.values ?? {};
  return <Layout ctx={props.ctx} title={props.staff ? { ja: '情報提供の代理登録', en: 'Enter a provision on a participant\'s behalf' } : { ja: 'J-CSIP への情報提供', en: 'Provide information to J-CSIP' }}>
    <Notice lang={lang} error={props.error} />
    {props.error && (v.kind === 'email' || v.kind === 'file') && <p>{L(lang, 'ファイルはもう一度選んでください。', 'Please choose the file(s) again.')}</p>}
    <form method="post" action={props.staff ? '/staff/jcsip/provide' : '/jcsip/portal/provide'} enctype="multipart/form-data">
      <Csrf ctx={props.ctx} />
      {props.staff && <>
        <Field id="f-org" label={L(lang, '提供元の参加組織', 'Participant providing it')}>
          <select id="f-org" name="organisationId">{props.staff.members.map((m) => <option value={m.organisationId} selected={m.organisationId === v.organisationId}>{m.name}（{t(sigName(m.sigId), lang)}）</option>)}</select>
        </Field>
        <Field id="f-via" label={L(lang, '受付手段', 'Received by')}>
          <select id="f-via" name="receivedVia">{Object.entries(RECEIVED_VIA_LABEL).map(([k, l]) => <option value={k} selected={k === v.receivedVia}>{t(l, lang)}</option>)}</select>
        </Field>
      </>}
      <Field id="f-kind" label={L(lang, '情報の種類', 'Kind')}>
        <select id="f-kind" name="kind">{Object.entries(PROVISION_KIND_LABEL).map(([k, l]) => <option value={k} selected={k === v.kind}>{t(l, lang)}</option>)}</select>
      </Field>
      <Field id="f-title" label={L(lang, '件名', 'Title')}><input id="f-title" name="title" maxLength={300} value={v.title ?? ''} /></Field>
      <Field id="f-eml" label={L(lang, '不審メール（.eml）', 'Suspicious e-mail (.eml)')}><input id="f-eml" name="eml" type="file" /></Field>
      <Field id="f-file" label={L(lang, '不審ファイル', 'Suspicious file')} hint={L(lang, '隔離保管され、開かれません。', 'Kept in quarantine, never opened.')}><input id="f-file" name="file" type="file" /></Field>
      <Field id="f-indicators" label={L(lang, 'インジケータ（1 行に 1 つ）', 'Indicators (one per line)')}><textarea id="f-indicators" name="indicators" rows={4}>{v.indicators ?? ''}</textarea></Field>
      <Field id="f-body" label={L(lang, '内容・補足', 'Description')}><textarea id="f-body" name="body" rows={6}>{v.body ?? ''}</textarea></Field>
      <Conditions lang={lang} values={v} namedLabel={props.staff ? L(lang, '提供元が組織名の表示を許可した', 'The provider allowed its name to be shown') : undefined} />
      <button type="submit">{props.staff ? L(lang, '登録する', 'Record') : L(lang, '提供する', 'Provide')}</button>
    </form>
  </Layout>;
}

export function PortalItemPage(props: { ctx: PageContext; item: Item; providers: string[] }) {
  const lang = props.ctx.lang; const i = props.item;
  return <Layout ctx={props.ctx} title={{ ja: `${i.ref} ${i.approvedTitle ?? ''}`, en: `${i.ref} ${i.approvedTitle ?? ''}` }}>
    <p><strong>{t(TLP_LABEL[i.tlp], lang)}</strong></p>
    <p>{L(lang, '提供元', 'Provided by')}: {props.providers.length ? props.providers.join(', ') : L(lang, '参加組織（匿名）', 'participating organisation(s) (anonymous)')}</p>
    <pre id="item-text">{i.approvedText}</pre>
  </Layout>;
}

export function PortalProvisionPage(props: { ctx: PageContext; p: Provision; indicators: Indicator[] }) {
  const lang = props.ctx.lang; const p = props.p;
  return <Layout ctx={props.ctx} title={{ ja: `${p.ref} ${p.title}`, en: `${p.ref} ${p.title}` }}>
    <ProvisionSummary lang={lang} p={p} indicators={props.indicators} />
  </Layout>;
}

function ProvisionSummary(props: { lang: Lang; p: Provision; indicators: Indicator[]; provider?: string }) {
  const { lang, p } = props;
  return <>
    <dl>
      {props.provider && <><dt>{L(lang, '提供元', 'Provider')}</dt><dd>{props.provider}</dd></>}
      <dt>{L(lang, '種類', 'Kind')}</dt><dd>{t(PROVISION_KIND_LABEL[p.kind], lang)}</dd>
      <dt>{L(lang, '受付経路', 'Channel')}</dt><dd>{t(CHANNEL_LABEL[p.channel], lang)}{p.receivedVia && <>（{t(RECEIVED_VIA_LABEL[p.receivedVia], lang)}）</>}</dd>
      <dt>{L(lang, '受付日時', 'Received')}</dt><dd>{formatDateTime(p.receivedAt, lang)}</dd>
      <dt>TLP</dt><dd>{t(TLP_LABEL[p.tlp], lang)}</dd>
      <dt>{L(lang, '共有範囲', 'Scope')}</dt><dd>{t(SCOPE_LABEL[p.scope], lang)}</dd>
      <dt>{L(lang, '提供元名の表示', 'Provider may be named')}</dt><dd>{p.nameProvider ? L(lang, '可', 'yes') : L(lang, '不可', 'no')}</dd>
    </dl>
    {p.email && <><h2>{L(lang, 'メールヘッダ', 'Mail headers')}</h2><pre>{[`From: ${p.email.from}`, `To: ${p.email.to}`, `Subject: ${p.email.subject}`, `Date: ${p.email.date ?? ''}`].join('\n')}</pre><pre>{p.email.text}</pre></>}
    {p.body && <pre>{p.body}</pre>}
    {props.indicators.length > 0 && <><h2>{L(lang, 'インジケータ', 'Indicators')}</h2><ul>{props.indicators.map((i) => <li><code>{i.type}: {defang(i)}</code></li>)}</ul></>}
  </>;
}

// ---- Staff ---------------------------------------------------------------------------------------
export function StaffHubPage(props: { ctx: PageContext; provisions: Array<Provision & { orgName: string }>; items: Item[]; canAnalyse: boolean }) {
  const lang = props.ctx.lang;
  return <Layout ctx={props.ctx} title={{ ja: 'J-CSIP 情報共有ハブ', en: 'J-CSIP sharing hub' }}>
    <p><a href="/staff/jcsip/provide">{L(lang, '情報提供の代理登録', 'Enter a provision')}</a> · <a href="/staff/jcsip/external">{L(lang, '外部 TAXII 連携', 'External TAXII partners')}</a> · <a href="/staff/jcsip/rules">{L(lang, '匿名化規則', 'Redaction rules')}</a> · <a href="/staff/jcsip/members">{L(lang, '参加組織', 'Participants')}</a> · <a href="/staff/jcsip/publications">{L(lang, '注意喚起・レポート', 'Alerts and reports')}</a> · <a href="/jcsip/operations">{L(lang, '運用状況', 'Operations')}</a></p>
    <h2>{L(lang, '未処理の情報提供', 'Provisions to handle')}</h2>
    <form method="post" action="/staff/jcsip/items">
      <Csrf ctx={props.ctx} />
      <table>
        <caption>{L(lang, '未処理の情報提供', 'Provisions to handle')}</caption>
        <thead><tr><th scope="col">{L(lang, '選択', 'Select')}</th><th scope="col">{L(lang, '受付番号', 'Ref')}</th><th scope="col">{L(lang, '提供元', 'Provider')}</th><th scope="col">{L(lang, '件名', 'Title')}</th><th scope="col">TLP</th><th scope="col">{L(lang, '範囲', 'Scope')}</th></tr></thead>
        <tbody>{props.provisions.map((p) => <tr>
          <td><input type="checkbox" name="provisionIds" value={p.id} id={`sel-${p.id}`} aria-label={p.ref} /></td>
          <td><a href={`/staff/jcsip/provisions/${p.id}`}>{p.ref}</a></td><td>{p.orgName}</td><td>{p.title}</td><td>{p.tlp}</td><td>{t(SCOPE_LABEL[p.scope], lang)}</td></tr>)}</tbody>
      </table>
      {props.canAnalyse && <><Field id="f-item-title" label={L(lang, '共有情報の題名', 'Title of the shared item')}><input id="f-item-title" name="title" maxLength={300} /></Field>
        <button type="submit">{L(lang, '選択した情報提供から共有情報を作成', 'Create a shared item from the selection')}</button></>}
    </form>
    <h2>{L(lang, '共有情報', 'Shared items')}</h2>
    <ul>{props.items.map((i) => <li><a href={`/staff/jcsip/items/${i.id}`}>{i.ref} {i.title}</a> — {t(ITEM_STATE_LABEL[i.state], lang)}</li>)}</ul>
  </Layout>;
}

export function StaffProvisionPage(props: { ctx: PageContext; p: Provision; provider: string; indicators: Indicator[]; files: Array<{ filename: string; sha256: string; size: number; kind: string }>; duplicates: Array<{ provision: Provision; reasons: string[] }>; canAnalyse: boolean }) {
  const lang = props.ctx.lang; const p = props.p;
  return <Layout ctx={props.ctx} title={{ ja: `${p.ref} ${p.title}`, en: `${p.ref} ${p.title}` }}>
    <ProvisionSummary lang={lang} p={p} indicators={props.indicators} provider={props.provider} />
    {props.files.length > 0 && <><h2>{L(lang, '隔離保管中のファイル', 'Files in quarantine')}</h2><ul>{props.files.map((f) => <li>{f.filename} ({f.size} bytes, SHA-256 {f.sha256})</li>)}</ul></>}
    <h2>{L(lang, '重複の候補', 'Possible duplicates')}</h2>
    <ul>{props.duplicates.map((d) => <li>
      <a href={`/staff/jcsip/provisions/${d.provision.id}`}>{d.provision.ref}</a> {d.provision.title} — {d.reasons.map((r) => (r === 'same-campaign' ? L(lang, '同一キャンペーン', 'same campaign') : r)).join(', ')}
      {props.canAnalyse && <form method="post" action={`/staff/jcsip/provisions/${p.id}/duplicate`} class="inline"><Csrf ctx={props.ctx} /><input type="hidden" name="of" value={d.provision.id} /><button type="submit">{L(lang, 'この情報の重複とする', 'Mark as duplicate of this')}</button></form>}
    </li>)}</ul>
    {p.itemId && <p><a href={`/staff/jcsip/items/${p.itemId}`}>{L(lang, '共有情報を開く', 'Open the shared item')}</a></p>}
  </Layout>;
}

function Diff(props: { segments: Segment[]; id: string; label: string }) {
  return <pre id={props.id} aria-label={props.label}>{props.segments.map((s) => ('kept' in s ? s.kept : <><del>{s.original}</del><ins>{s.replacement}</ins></>))}</pre>;
}

export function StaffItemPage(props: {
  ctx: PageContext; item: Item; sources: Array<Provision & { orgName: string; sigId: string }>; shares: Share[]; sigs: Sig[];
  preview: { title: string; text: string; segments: Segment[]; titleSegments: Segment[]; replaced: number }; approvedCurrent: boolean; strictTlp: string;
  canAnalyse: boolean; canShare: boolean; canPublish: boolean; error?: Text | null; ok?: Text | null;
}) {
  const lang = props.ctx.lang; const i = props.item;
  return <Layout ctx={props.ctx} title={{ ja: `${i.ref} ${i.title}`, en: `${i.ref} ${i.title}` }}>
    <Notice lang={lang} error={props.error} ok={props.ok} />
    <p>{t(ITEM_STATE_LABEL[i.state], lang)} · TLP:{i.tlp} · {L(lang, '提供元のうち最も厳しい TLP', 'Strictest source TLP')}: TLP:{props.strictTlp}</p>
    {i.withdrawnAt && <p id="withdrawn">{L(lang, '取下げ', 'Withdrawn')}: {formatDateTime(i.withdrawnAt, lang)} — {i.withdrawnReason}</p>}
    <h2>{L(lang, '元になった情報提供', 'Sources')}</h2>
    <table>
      <caption>{L(lang, '元になった情報提供', 'Sources')}</caption>
      <thead><tr><th scope="col">{L(lang, '受付番号', 'Ref')}</th><th scope="col">{L(lang, '提供元', 'Provider')}</th><th scope="col">SIG</th><th scope="col">TLP</th><th scope="col">{L(lang, '範囲', 'Scope')}</th><th scope="col">{L(lang, '名称表示', 'Naming')}</th></tr></thead>
      <tbody>{props.sources.map((s) => <tr><td><a href={`/staff/jcsip/provisions/${s.id}`}>{s.ref}</a></td><td>{s.orgName}</td><td>{t(sigName(s.sigId), lang)}</td><td>{s.tlp}</td><td>{t(SCOPE_LABEL[s.scope], lang)}</td><td>{s.nameProvider ? L(lang, '可', 'yes') : L(lang, '不可', 'no')}</td></tr>)}</tbody>
    </table>
    {props.canAnalyse && <form method="post" action={`/staff/jcsip/items/${i.id}`}>
      <Csrf ctx={props.ctx} />
      <h2>{L(lang, '下書き（匿名化前）', 'Draft (before redaction)')}</h2>
      <Field id="f-title" label={L(lang, '題名', 'Title')}><input id="f-title" name="title" value={i.title} maxLength={300} /></Field>
      <Field id="f-draft" label={L(lang, '本文', 'Text')}><textarea id="f-draft" name="draft" rows={12}>{i.draft}</textarea></Field>
      <Field id="f-tlp" label="TLP"><select id="f-tlp" name="tlp">{TLPS.map((x) => <option value={x} selected={x === i.tlp}>{t(TLP_LABEL[x], lang)}</option>)}</select></Field>
      <Field id="f-malware" label={L(lang, 'マルウェア名（任意）', 'Malware (optional)')}><input id="f-malware" name="malware" value={i.malware ?? ''} /></Field>
      <Field id="f-ap" label={L(lang, '攻撃手法（任意）', 'Attack pattern (optional)')}><input id="f-ap" name="attackPattern" value={i.attackPattern ?? ''} /></Field>
      <Field id="f-apid" label="MITRE ATT&CK ID"><input id="f-apid" name="attackPatternId" value={i.attackPatternId ?? ''} /></Field>
      <div class="field"><input type="checkbox" id="f-np" name="nameProviders" value="yes" checked={i.nameProviders} /> <label for="f-np">{L(lang, '提供元の組織名を示す（全提供元が許可した場合のみ）', 'Name the providers (only if every provider allowed it)')}</label></div>
      <button type="submit">{L(lang, '保存してプレビュー', 'Save and preview')}</button>
    </form>}
    <h2>{L(lang, '匿名化プレビュー（差分）', 'Redaction preview (diff)')}</h2>
    <p>{L(lang, `置換 ${props.preview.replaced} 箇所`, `${props.preview.replaced} replacements`)}</p>
    <Diff id="diff-title" segments={props.preview.titleSegments} label={L(lang, '題名の差分', 'Title diff')} />
    <Diff id="diff-text" segments={props.preview.segments} label={L(lang, '本文の差分', 'Text diff')} />
    <h3>{L(lang, '匿名化後の本文', 'Redacted text')}</h3>
    <pre id="redacted">{props.preview.text}</pre>
    {props.canAnalyse && <form method="post" action={`/staff/jcsip/items/${i.id}/approve`}><Csrf ctx={props.ctx} /><button type="submit">{L(lang, 'この匿名化後の本文を承認', 'Approve this redacted text')}</button></form>}
    <p>{props.approvedCurrent ? L(lang, '現在の下書きの匿名化後本文は承認済みです。', 'The redacted text of the current draft is approved.') : L(lang, '未承認（共有には承認が必要です）。', 'Not approved (sharing needs approval).')}</p>
    {props.canShare && <form method="post" action={`/staff/jcsip/items/${i.id}/share`}>
      <Csrf ctx={props.ctx} />
      <fieldset><legend>{L(lang, '共有先', 'Share with')}</legend>
        <div class="field"><input type="checkbox" id="aud-all" name="all" value="yes" /> <label for="aud-all">{L(lang, '全参加組織', 'All participants')}</label></div>
        {props.sigs.map((s) => <div class="field"><input type="checkbox" id={`aud-${s.id}`} name="sigs" value={s.id} /> <label for={`aud-${s.id}`}>{lang === 'ja' ? s.nameJa : s.nameEn}</label></div>)}
      </fieldset>
      <button type="submit">{L(lang, '共有する', 'Share')}</button>
    </form>}
    {props.canShare && i.state !== 'withdrawn' && <form method="post" action={`/staff/jcsip/items/${i.id}/withdraw`}>
      <Csrf ctx={props.ctx} />
      <h2>{L(lang, '取り下げる', 'Withdraw')}</h2>
      <p>{L(lang, 'ポータルから消え、TAXII の利用者には revoked の版が届きます。', 'It disappears from the portal; TAXII consumers receive revoked versions.')}</p>
      <Field id="f-wreason" label={L(lang, '理由（必須）', 'Reason (required)')}><textarea id="f-wreason" name="reason" rows={2} required></textarea></Field>
      <button type="submit">{L(lang, '取り下げる', 'Withdraw')}</button>
    </form>}
    {props.shares.length > 0 && <><h2>{L(lang, '共有履歴', 'Shares')}</h2><ul>{props.shares.map((s) => <li>{s.audience === 'all' ? L(lang, '全参加組織', 'All participants') : t(sigName(s.audience.slice(4)), lang)} — {formatDateTime(s.sharedAt, lang)}</li>)}</ul>
      <p><a href={`/staff/jcsip/items/${i.id}/stix`}>STIX 2.1 bundle (JSON)</a></p></>}
    {props.canPublish && <form method="post" action={`/staff/jcsip/items/${i.id}/alert`}>
      <Csrf ctx={props.ctx} />
      <h2>{L(lang, '一般向け注意喚起として公開', 'Publish as a public alert')}</h2>
      <Field id="f-slug" label={L(lang, 'URL 名', 'URL name')}><input id="f-slug" name="slug" /></Field>
      <Field id="f-atitle" label={L(lang, '題名', 'Title')}><input id="f-atitle" name="title" value={i.approvedTitle ?? ''} /></Field>
      <Field id="f-abody" label={L(lang, '本文', 'Text')}><textarea id="f-abody" name="body" rows={6}>{i.approvedText ?? ''}</textarea></Field>
      <button type="submit">{L(lang, '公開する', 'Publish')}</button>
    </form>}
  </Layout>;
}

export function RulesPage(props: { ctx: PageContext; rules: Array<RedactionRule & { description: string }>; error?: Text | null }) {
  const lang = props.ctx.lang;
  const kinds = { provider: L(lang, '提供元の組織名・ドメイン', 'Provider names and domains'), recipients: L(lang, '受信者アドレス', 'Recipient addresses'), literal: L(lang, '語句（1 行 1 件）', 'Literal text (one per line)'), regex: L(lang, '正規表現', 'Regular expression') };
  const form = (r?: RedactionRule & { description: string }) => {
    const p = r ? r.id : 'new';
    return <form method="post" action="/staff/jcsip/rules">
      <Csrf ctx={props.ctx} />
      {r && <input type="hidden" name="id" value={r.id} />}
      <Field id={`k-${p}`} label={L(lang, '種類', 'Kind')}><select id={`k-${p}`} name="kind">{Object.entries(kinds).map(([k, l]) => <option value={k} selected={r?.kind === k}>{l}</option>)}</select></Field>
      <Field id={`p-${p}`} label={L(lang, 'パターン', 'Pattern')}><textarea id={`p-${p}`} name="pattern" rows={2}>{r?.pattern ?? ''}</textarea></Field>
      <Field id={`r-${p}`} label={L(lang, '置換文字列', 'Replacement')}><input id={`r-${p}`} name="replacement" value={r?.replacement ?? ''} /></Field>
      <Field id={`c-${p}`} label={L(lang, '分類', 'Category')}><input id={`c-${p}`} name="category" value={r?.category ?? ''} /></Field>
      <Field id={`d-${p}`} label={L(lang, '説明', 'Description')}><input id={`d-${p}`} name="description" value={r?.description ?? ''} /></Field>
      <div class="field"><input type="checkbox" id={`e-${p}`} name="enabled" value="yes" checked={r ? r.enabled : true} /> <label for={`e-${p}`}>{L(lang, '有効', 'Enabled')}</label></div>
      <button type="submit">{r ? L(lang, '更新', 'Update') : L(lang, '追加', 'Add')}</button>
    </form>;
  };
  return <Layout ctx={props.ctx} title={{ ja: 'J-CSIP 匿名化規則', en: 'J-CSIP redaction rules' }}>
    <Notice lang={lang} error={props.error} />
    {props.rules.map((r) => <section><h2>{r.description || r.category}</h2>{form(r)}</section>)}
    <section><h2>{L(lang, '規則を追加', 'Add a rule')}</h2>{form()}</section>
  </Layout>;
}

export function MembersPage(props: { ctx: PageContext; sigs: Sig[]; members: Member[]; error?: Text | null }) {
  const lang = props.ctx.lang;
  return <Layout ctx={props.ctx} title={{ ja: 'J-CSIP 参加組織', en: 'J-CSIP participants' }}>
    <Notice lang={lang} error={props.error} />
    <table>
      <caption>{L(lang, 'SIG・情報連携体制', 'SIGs and linkage schemes')}</caption>
      <thead><tr><th scope="col">ID</th><th scope="col">{L(lang, '名称', 'Name')}</th><th scope="col">{L(lang, '参加中', 'Active')}</th></tr></thead>
      <tbody>{props.sigs.map((s) => <tr><td>{s.id}</td><td>{lang === 'ja' ? s.nameJa : s.nameEn}{s.facilities ? ` (≈${s.facilities})` : ''}</td><td>{props.members.filter((m) => m.sigId === s.id && m.state === 'active').length}</td></tr>)}</tbody>
    </table>
    <h2>{L(lang, '参加申込の登録', 'Register an application')}</h2>
    <form method="post" action="/staff/jcsip/members">
      <Csrf ctx={props.ctx} />
      <Field id="f-name" label={L(lang, '組織名', 'Organisation')}><input id="f-name" name="name" /></Field>
      <Field id="f-nameEn" label={L(lang, '組織名（英語）', 'Organisation (English)')}><input id="f-nameEn" name="nameEn" /></Field>
      <Field id="f-email" label={L(lang, '代表メールアドレス', 'Organisation e-mail')}><input id="f-email" name="email" type="email" /></Field>
      <Field id="f-sig" label="SIG"><select id="f-sig" name="sigId">{props.sigs.map((s) => <option value={s.id}>{lang === 'ja' ? s.nameJa : s.nameEn}</option>)}</select></Field>
      <Field id="f-applied" label={L(lang, '申込日', 'Applied on')}><input id="f-applied" name="appliedOn" type="date" /></Field>
      <button type="submit">{L(lang, '登録', 'Register')}</button>
    </form>
    <h2>{L(lang, '参加組織一覧', 'Participants')}</h2>
    <table>
      <caption>{L(lang, '参加組織一覧', 'Participants')}</caption>
      <thead><tr><th scope="col">{L(lang, '組織', 'Organisation')}</th><th scope="col">SIG</th><th scope="col">{L(lang, '状態', 'State')}</th><th scope="col">{L(lang, '参加日', 'Joined')}</th></tr></thead>
      <tbody>{props.members.map((m) => <tr><td><a href={`/staff/jcsip/members/${m.organisationId}`}>{m.name}</a></td><td>{t(sigName(m.sigId), lang)}</td><td>{t(MEMBER_STATE_LABEL[m.state], lang)}</td><td>{m.joinedAt ? formatDate(m.joinedAt, lang) : '—'}</td></tr>)}</tbody>
    </table>
  </Layout>;
}

export function MemberPage(props: { ctx: PageContext; member: Member; contacts: Contact[]; events: Array<{ from: MemberState | null; to: MemberState; at: Date; actor: string }>; error?: Text | null }) {
  const lang = props.ctx.lang; const m = props.member;
  return <Layout ctx={props.ctx} title={{ ja: m.name, en: m.nameEn ?? m.name }}>
    <Notice lang={lang} error={props.error} />
    <p>SIG: {t(sigName(m.sigId), lang)} · {t(MEMBER_STATE_LABEL[m.state], lang)}</p>
    <p>{L(lang, '受付メールアドレス', 'Intake address')}: <code>{intakeAddress(m.intakeToken)}</code></p>
    {MEMBER_TRANSITIONS[m.state].length > 0 && <form method="post" action={`/staff/jcsip/members/${m.organisationId}/state`}>
      <Csrf ctx={props.ctx} />
      <Field id="f-to" label={L(lang, '状態の変更', 'Change state')}><select id="f-to" name="to">{MEMBER_TRANSITIONS[m.state].map((s) => <option value={s}>{t(MEMBER_STATE_LABEL[s], lang)}</option>)}</select></Field>
      <Field id="f-on" label={L(lang, '日付', 'Date')}><input id="f-on" name="on" type="date" /></Field>
      <button type="submit">{L(lang, '変更', 'Change')}</button>
    </form>}
    <h2>{L(lang, '経緯', 'History')}</h2>
    <ul>{props.events.map((e) => <li>{formatDate(e.at, lang)}: {e.from ? t(MEMBER_STATE_LABEL[e.from], lang) : '—'} → {t(MEMBER_STATE_LABEL[e.to], lang)}（{e.actor}）</li>)}</ul>
    <h2>{L(lang, '担当者', 'Contacts')}</h2>
    <ul>{props.contacts.map((c) => <li>{c.name} &lt;{c.email}&gt; — {t(CONTACT_ROLE_LABEL[c.role], lang)}
      <form method="post" action={`/staff/jcsip/contacts/${c.id}/delete`} class="inline"><Csrf ctx={props.ctx} /><input type="hidden" name="org" value={m.organisationId} /><button type="submit">{L(lang, '削除', 'Remove')}</button></form></li>)}</ul>
    <form method="post" action={`/staff/jcsip/members/${m.organisationId}/contacts`}>
      <Csrf ctx={props.ctx} />
      <Field id="f-cn" label={L(lang, '氏名', 'Name')}><input id="f-cn" name="contactName" /></Field>
      <Field id="f-ce" label={L(lang, 'メールアドレス', 'E-mail')}><input id="f-ce" name="contactEmail" type="email" /></Field>
      <Field id="f-cr" label={L(lang, '役割', 'Role')}><select id="f-cr" name="contactRole">{Object.entries(CONTACT_ROLE_LABEL).map(([k, l]) => <option value={k}>{t(l, lang)}</option>)}</select></Field>
      <button type="submit">{L(lang, '担当者を追加', 'Add contact')}</button>
    </form>
  </Layout>;
}

export function PublicationsPage(props: { ctx: PageContext; alerts: Alert[]; reports: TechReport[]; items: Item[]; error?: Text | null }) {
  const lang = props.ctx.lang;
  return <Layout ctx={props.ctx} title={{ ja: 'J-CSIP 注意喚起・レポート', en: 'J-CSIP alerts and reports' }}>
    <Notice lang={lang} error={props.error} />
    <h2>{L(lang, '注意喚起の更新', 'Update an alert')}</h2>
    {props.alerts.map((a) => <form method="post" action={`/staff/jcsip/alerts/${a.slug}`}>
      <Csrf ctx={props.ctx} />
      <h3>{a.title}（{L(lang, '版', 'rev.')} {a.revision} · {a.views.toLocaleString()} views）</h3>
      <Field id={`at-${a.slug}`} label={L(lang, '題名', 'Title')}><input id={`at-${a.slug}`} name="title" value={a.title} /></Field>
      <Field id={`ab-${a.slug}`} label={L(lang, '本文', 'Text')}><textarea id={`ab-${a.slug}`} name="body" rows={5}>{a.body}</textarea></Field>
      <Field id={`an-${a.slug}`} label={L(lang, '更新内容', 'What changed')}><input id={`an-${a.slug}`} name="note" /></Field>
      <button type="submit">{L(lang, '更新を公開', 'Publish update')}</button>
    </form>)}
    <h2>{L(lang, 'レポートの作成・公開', 'Write and publish a report')}</h2>
    <form method="post" action="/staff/jcsip/reports">
      <Csrf ctx={props.ctx} />
      <Field id="r-slug" label={L(lang, 'URL 名', 'URL name')}><input id="r-slug" name="slug" /></Field>
      <Field id="r-kind" label={L(lang, '種類', 'Kind')}><select id="r-kind" name="kind"><option value="technical">{L(lang, '技術レポート', 'Technical report')}</option><option value="activity">{L(lang, '活動レポート', 'Activity report')}</option></select></Field>
      <Field id="r-title" label={L(lang, '題名', 'Title')}><input id="r-title" name="title" /></Field>
      <Field id="r-body" label={L(lang, '本文', 'Text')}><textarea id="r-body" name="body" rows={8}></textarea></Field>
      <Field id="r-items" label={L(lang, '関連する共有情報', 'Related shared items')}><select id="r-items" name="itemIds" multiple>{props.items.map((i) => <option value={i.id}>{i.ref} {i.title}</option>)}</select></Field>
      <button type="submit">{L(lang, '公開', 'Publish')}</button>
    </form>
    <ul>{props.reports.map((r) => <li><a href={`/jcsip/reports/${r.slug}`}>{r.title}</a></li>)}</ul>
  </Layout>;
}

export function ExternalSourcesPage(props: { ctx: PageContext; sources: ExternalSource[]; sigs: Sig[]; canManage: boolean; values?: FormValues; error?: Text | null; ok?: Text | null }) {
  const lang = props.ctx.lang; const v = props.values ?? {};
  return <Layout ctx={props.ctx} title={{ ja: '外部の共有機関との TAXII 連携', en: 'TAXII exchange with other sharing bodies' }}>
    <Notice lang={lang} error={props.error} ok={props.ok} />
    <p>{L(lang, '受信した STIX オブジェクトは連携先からの情報提供として記録します。送信するのは、全参加組織に共有済みで、全提供元が一般公開を許可し、TLP:CLEAR または GREEN の共有情報だけです。',
      'Pulled STIX objects are recorded as provisions from the partner. Only items shared with all participants, whose every provider allowed publication, at TLP:CLEAR or GREEN, are pushed.')}</p>
    <table>
      <caption>{L(lang, '連携先', 'Partners')}</caption>
      <thead><tr><th scope="col">{L(lang, '名称', 'Name')}</th><th scope="col">API root / collection</th><th scope="col">{L(lang, '方向', 'Direction')}</th><th scope="col">{L(lang, '扱い', 'Counts as')}</th><th scope="col">{L(lang, '最終同期', 'Last sync')}</th><th scope="col"></th></tr></thead>
      <tbody>{props.sources.map((s) => <tr id={`src-${s.id}`}>
        <td>{s.name}</td><td><code>{s.apiRoot}</code> <code>{s.collectionId}</code></td><td>{t(EXCHANGE_DIRECTION_LABEL[s.direction], lang)}</td>
        <td>{t(sigName(s.sigId), lang)} · TLP:{s.tlp} · {t(SCOPE_LABEL[s.scope], lang)}</td>
        <td>{s.lastSyncAt ? formatDateTime(s.lastSyncAt, lang) : '—'} {s.lastSummary ?? ''}{s.lastError && <span class="error" role="alert"> {t(s.lastError, lang)}</span>}</td>
        <td>{props.canManage && <form method="post" action={`/staff/jcsip/external/${s.id}/sync`} class="inline"><Csrf ctx={props.ctx} /><button type="submit">{L(lang, '今すぐ同期', 'Sync now')}</button></form>}</td>
      </tr>)}</tbody>
    </table>
    {props.canManage && <form method="post" action="/staff/jcsip/external">
      <Csrf ctx={props.ctx} />
      <h2>{L(lang, '連携先の登録', 'Register a partner')}</h2>
      <Field id="x-name" label={L(lang, '名称', 'Name')}><input id="x-name" name="name" value={v.name ?? ''} /></Field>
      <Field id="x-root" label="API root URL" hint="https://taxii.example.org/api1/"><input id="x-root" name="apiRoot" type="url" value={v.apiRoot ?? ''} /></Field>
      <Field id="x-coll" label={L(lang, 'コレクション ID', 'Collection id')}><input id="x-coll" name="collectionId" value={v.collectionId ?? ''} /></Field>
      <Field id="x-auth" label={L(lang, '認証方式', 'Authentication')}><select id="x-auth" name="authKind">{[['basic', 'HTTP Basic'], ['bearer', 'Bearer token'], ['none', L(lang, 'なし', 'None')]].map(([k, l]) => <option value={k} selected={k === v.authKind}>{l}</option>)}</select></Field>
      <Field id="x-user" label={L(lang, 'ユーザ名（Basic）', 'User name (Basic)')}><input id="x-user" name="username" value={v.username ?? ''} autocomplete="off" /></Field>
      <Field id="x-secret" label={L(lang, 'パスワードまたはトークン（暗号化して保存）', 'Password or token (stored encrypted)')}><input id="x-secret" name="secret" type="password" autocomplete="new-password" /></Field>
      <Field id="x-dir" label={L(lang, '方向', 'Direction')}><select id="x-dir" name="direction">{Object.entries(EXCHANGE_DIRECTION_LABEL).map(([k, l]) => <option value={k} selected={k === v.direction}>{t(l, lang)}</option>)}</select></Field>
      <Field id="x-sig" label={L(lang, '受信した情報の扱い（SIG）', 'Pulled information counts as (SIG)')}><select id="x-sig" name="sigId">{props.sigs.map((s) => <option value={s.id} selected={s.id === v.sigId}>{lang === 'ja' ? s.nameJa : s.nameEn}</option>)}</select></Field>
      <Conditions lang={lang} values={v} namedLabel="" />
      <button type="submit">{L(lang, '登録', 'Register')}</button>
    </form>}
  </Layout>;
}
