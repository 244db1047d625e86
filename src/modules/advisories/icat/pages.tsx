// icat pages on the main site: the public description and registration form, the registration
// result with the snippets, and the staff list of registered sites.
import { Layout, type PageContext } from '../../../platform/ui/layout.js';
import { t, type Lang, type Text } from '../../../platform/i18n/i18n.js';
import { isoDate } from '../../../platform/i18n/dates.js';
import type { FieldError } from '../../../platform/http/errors.js';
import { SANDBOX } from './widget.js';
import type { IcatSite, SiteListItem, SiteState } from './service.js';

const J = (lang: Lang) => lang === 'ja';
const n = (x: number) => x.toLocaleString('ja-JP');

export function snippets(base: string, key: string, product?: string) {
  const b = base.replace(/\/$/, '');
  const p = product ? ` data-product="${product}"` : '';
  return {
    script: `<script src="${b}/icat/widget.js" data-key="${key}"${p} async></script>`,
    iframe: `<iframe src="${b}/icat/frame?key=${key}${product ? `&amp;product=${encodeURIComponent(product)}` : ''}" sandbox="${SANDBOX}" referrerpolicy="strict-origin" title="サイバーセキュリティ注意喚起（icat）" width="300" height="400" loading="lazy"></iframe>`,
    feed: `${b}/icat/feed.json?key=${key}`,
  };
}

const LABELS: Record<string, Text> = {
  name: { ja: 'サイト名', en: 'Site name' },
  url: { ja: 'サイトの URL（ウィジェットを表示するページのオリジン）', en: 'Site URL (the origin of the pages that show the widget)' },
  email: { ja: '連絡先メールアドレス', en: 'Contact e-mail address' },
};

export function LandingPage(props: { ctx: PageContext; values: Record<string, string>; errors: FieldError[] }) {
  const { ctx } = props; const lang = ctx.lang; const ja = J(lang); const v = props.values;
  const err = (f: string) => props.errors.filter((e) => e.field === f);
  const input = (name: string, type: string, autocomplete: string) => (
    <div class="field">
      <label for={`f-${name}`}>{t(LABELS[name], lang)}<span class="hint">{ja ? '（必須）' : '(required)'}</span></label>
      {err(name).length ? <span class="field-error" id={`e-${name}`}>{err(name).map((e) => t(e.message, lang)).join(' ')}</span> : null}
      <input id={`f-${name}`} name={name} type={type} value={v[name] ?? ''} required maxLength={name === 'url' ? 2000 : name === 'email' ? 254 : 200} autocomplete={autocomplete}
        {...(err(name).length ? { 'aria-invalid': 'true', 'aria-describedby': `e-${name}` } : {})} />
    </div>
  );
  return (
    <Layout ctx={ctx} title={{ ja: 'サイバーセキュリティ注意喚起サービス「icat」', en: 'icat — cybersecurity alert widget' }}>
      <p>{ja
        ? 'icat は、最新の注意喚起・緊急対策と深刻度の高い（重要・緊急）脆弱性対策情報を、あなたのウェブサイトに表示するウィジェットです。製品を指定すると、その製品に関係する情報だけを表示します。'
        : 'icat is a widget that shows the latest security alerts, emergency countermeasures and high or critical advisories on your website. Give products to show only what concerns them.'}</p>
      <h2>{ja ? '安全のための設計' : 'Designed to be safe'}</h2>
      <ul>
        <li>{ja ? 'スクリプトは、サンドボックス化した iframe を 1 つ挿入するだけです。ページの内容を読み取らず、Cookie も使いません。' : 'The script only inserts one sandboxed iframe. It reads nothing from your page and uses no cookies.'}</li>
        <li>{ja ? 'iframe の中ではスクリプトは動きません。リンクは新しいタブで開きます。' : 'No script runs inside the iframe; links open in a new tab.'}</li>
        <li>{ja ? '表示できるのは、登録したサイト（オリジン）のページだけです。' : 'The widget can only be shown on pages of the registered site (origin).'}</li>
        <li>{ja ? '利用サイト数の集計のため、表示したページのホスト名（ドメイン）を日ごとに記録します。' : 'To count the sites using icat, the host name of the embedding page is recorded per day.'}</li>
      </ul>
      <h2>{ja ? '利用登録' : 'Register'}</h2>
      <p>{ja ? '登録するとすぐにキーが発行され、メールでもお知らせします。不適切な利用が判明した場合、キーを停止することがあります。' : 'Your key is issued immediately and also sent by e-mail. Keys used inappropriately may be suspended.'}</p>
      {props.errors.length ? (
        <div class="alert error" role="alert"><p>{ja ? '入力内容を確認してください。' : 'Please check the following fields.'}</p>
          <ul>{props.errors.map((e) => <li><a href={`#f-${e.field}`}>{t(LABELS[e.field] ?? { ja: e.field, en: e.field }, lang)}</a>: {t(e.message, lang)}</li>)}</ul></div>
      ) : null}
      <form method="post" action="/icat/register" class="stack">
        <input type="hidden" name="_csrf" value={ctx.csrfToken} />
        {input('name', 'text', 'organization')}
        {input('url', 'url', 'url')}
        {input('email', 'email', 'email')}
        <p><button type="submit">{ja ? '登録してキーを発行する' : 'Register and get a key'}</button></p>
      </form>
      <h2>{ja ? 'JSON フィード' : 'JSON feed'}</h2>
      <p>{ja ? '同じ内容を JSON Feed 1.1 形式で取得できます（/icat/feed.json?key=…、CORS 対応）。' : 'The same content is available as a JSON Feed 1.1 document (/icat/feed.json?key=…, CORS enabled).'}</p>
    </Layout>
  );
}

export function RegisteredPage(props: { ctx: PageContext; site: IcatSite; base: string }) {
  const { ctx, site } = props; const lang = ctx.lang; const ja = J(lang);
  const s = snippets(props.base, site.key);
  const ex = snippets(props.base, site.key, 'apache:http_server');
  return (
    <Layout ctx={ctx} title={{ ja: 'icat の利用登録が完了しました', en: 'Your icat key' }}>
      <p class="alert ok" role="status">{ja ? `${site.name}（${site.origin}）を登録しました。同じ内容をメールでもお送りしました。` : `${site.name} (${site.origin}) is registered. The same information has been sent by e-mail.`}</p>
      <dl><dt>{ja ? 'キー' : 'Key'}</dt><dd><code>{site.key}</code></dd>
        <dt>{ja ? '表示を許可するオリジン' : 'Allowed origin'}</dt><dd><code>{site.origin}</code></dd></dl>
      <h2>{ja ? 'スクリプトで埋め込む' : 'Embed with the script'}</h2>
      <pre><code>{s.script}</code></pre>
      <p>{ja ? '製品で絞り込む場合は data-product に製品 ID または CPE の「ベンダ:製品」をカンマ区切りで指定します。例:' : 'To filter by product, give product ids or CPE vendor:product pairs, comma-separated, in data-product. Example:'}</p>
      <pre><code>{ex.script}</code></pre>
      <p>{ja ? 'data-lang（ja / en）、data-limit（件数 1〜20）、data-width、data-height も指定できます。' : 'data-lang (ja / en), data-limit (1–20 items), data-width and data-height are optional.'}</p>
      <h2>{ja ? 'iframe で埋め込む（スクリプトを使わない場合）' : 'Embed with an iframe (without the script)'}</h2>
      <pre><code>{s.iframe}</code></pre>
      <h2>{ja ? 'JSON フィード' : 'JSON feed'}</h2>
      <pre><code>{s.feed}</code></pre>
    </Layout>
  );
}

const STATE: Record<SiteState, Text> = { active: { ja: '有効', en: 'Active' }, suspended: { ja: '停止中', en: 'Suspended' } };

export function StaffSitesPage(props: {
  ctx: PageContext; items: SiteListItem[]; total: number; page: number; pageSize: number; state?: SiteState; q: string;
  fy: number; usage: { sites: number; views: number }; notice?: Text;
}) {
  const { ctx } = props; const lang = ctx.lang; const ja = J(lang);
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  const href = (p: number) => `/staff/advisories/icat?${new URLSearchParams({ ...(props.state ? { state: props.state } : {}), ...(props.q ? { q: props.q } : {}), page: String(p) }).toString()}`;
  return (
    <Layout ctx={ctx} title={{ ja: 'icat 登録サイト', en: 'icat registered sites' }}>
      {props.notice ? <p class="alert ok" role="status">{t(props.notice, lang)}</p> : null}
      <p>{ja ? `${props.fy}年度の利用サイト数（登録キー × 表示したホスト）: ` : `Embedding sites in FY${props.fy} (registered key × embedding host): `}
        <strong>{n(props.usage.sites)}</strong>{ja ? ' サイト、表示回数 ' : ' sites, views '}<strong>{n(props.usage.views)}</strong></p>
      <form method="get" action="/staff/advisories/icat" class="filters">
        <label>{ja ? '状態' : 'State'} <select name="state"><option value="">{ja ? 'すべて' : 'All'}</option>
          {(['active', 'suspended'] as SiteState[]).map((s) => <option value={s} selected={props.state === s}>{t(STATE[s], lang)}</option>)}</select></label>
        <label>{ja ? 'サイト名・オリジン・メール' : 'Name, origin or e-mail'} <input name="q" value={props.q} maxLength={100} /></label>
        <button type="submit">{ja ? '絞り込む' : 'Filter'}</button>
      </form>
      <p>{ja ? `${n(props.total)} サイト` : `${n(props.total)} sites`}</p>
      <table>
        <thead><tr><th scope="col">{ja ? 'サイト名' : 'Site'}</th><th scope="col">{ja ? 'オリジン' : 'Origin'}</th><th scope="col">{ja ? '連絡先' : 'Contact'}</th>
          <th scope="col">{ja ? '登録日' : 'Registered'}</th><th scope="col">{ja ? '最終表示日' : 'Last seen'}</th><th scope="col">{ja ? 'ホスト数（30日）' : 'Hosts (30 days)'}</th>
          <th scope="col">{ja ? '状態' : 'State'}</th><th scope="col">{ja ? '操作' : 'Action'}</th></tr></thead>
        <tbody>{props.items.map((s) => (
          <tr><td>{s.name}</td><td><code>{s.origin}</code></td><td>{s.email}</td><td>{isoDate(new Date(s.createdAt))}</td><td>{s.lastSeen ?? '—'}</td><td>{s.hosts30d}</td>
            <td>{t(STATE[s.state], lang)}{s.note ? <span class="muted">（{s.note}）</span> : null}</td>
            <td><form method="post" action={`/staff/advisories/icat/${s.id}/${s.state === 'active' ? 'suspend' : 'activate'}`} class="inline">
              <input type="hidden" name="_csrf" value={ctx.csrfToken} />
              {s.state === 'active' ? <><label class="sr-only" for={`note-${s.id}`}>{ja ? '停止の理由' : 'Reason'}</label><input id={`note-${s.id}`} name="note" maxLength={500} size={12} /> </> : null}
              <button type="submit" class="secondary">{s.state === 'active' ? (ja ? '停止' : 'Suspend') : (ja ? '再開' : 'Reactivate')}</button>
            </form></td></tr>
        ))}</tbody>
      </table>
      {pages > 1 ? <nav class="pager" aria-label={ja ? 'ページ' : 'Pages'}>{props.page > 1 ? <a href={href(props.page - 1)}>{ja ? '前へ' : 'Previous'}</a> : null}<span>{props.page} / {pages}</span>{props.page < pages ? <a href={href(props.page + 1)}>{ja ? '次へ' : 'Next'}</a> : null}</nav> : null}
    </Layout>
  );
}
