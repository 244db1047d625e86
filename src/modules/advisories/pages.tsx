// Public pages of the advisory database: search, an advisory, the monthly registration figures.
import { Layout, type PageContext } from '../../platform/ui/layout.js';
import { t, type Lang } from '../../platform/i18n/i18n.js';
import { isoDate } from '../../platform/i18n/dates.js';
import { SEVERITY_LABEL, type Severity } from '../../shared/cvss.js';
import type { Advisory, Bi, Revision } from './service.js';
import { STATUS_LABEL, type VendorStatement } from './staff/statements.js';

const pick = (b: Bi, lang: Lang) => (lang === 'ja' ? b.ja || b.en : b.en || b.ja);
const d = (v: Date | null) => (v ? isoDate(new Date(v)) : '—');
const SEVS: Severity[] = ['critical', 'high', 'medium', 'low', 'none'];

export function SearchPage(props: { ctx: PageContext; query: Record<string, string>; total: number; totalExact: boolean; items: Advisory[]; page: number; pageSize: number }) {
  const { lang } = props.ctx; const q = props.query;
  const J = lang === 'ja';
  // Above 5,000 matches the count is not exact: offer the next page while pages are full.
  const pages = props.totalExact ? Math.max(1, Math.ceil(props.total / props.pageSize)) : props.items.length === props.pageSize ? props.page + 1 : props.page;
  const link = (page: number) => `/advisories?${new URLSearchParams({ ...q, page: String(page) }).toString()}`;
  return (
    <Layout ctx={props.ctx} title={{ ja: '脆弱性対策情報データベース', en: 'Vulnerability countermeasure database' }}>
      <form method="get" action="/advisories" role="search">
        <p><label>{J ? 'キーワード・ID（JVNDB / CVE / JVN）' : 'Keyword or ID (JVNDB / CVE / JVN)'} <input name="q" value={q.q ?? ''} /></label></p>
        <p><label>CWE <input name="cwe" value={q.cwe ?? ''} size={12} /></label>{' '}
          <label>{J ? '深刻度' : 'Severity'} <select name="severity"><option value="">—</option>{SEVS.map((s) => <option value={s} selected={q.severity === s}>{t(SEVERITY_LABEL[s], lang)}</option>)}</select></label>{' '}
          <label><input type="checkbox" name="kev" value="1" checked={q.kev === '1' || q.kev === 'true'} /> {J ? '悪用が確認されたもの（KEV）' : 'Known exploited (KEV)'}</label></p>
        <p><label>{J ? 'ベンダ ID' : 'Vendor id'} <input name="vendorId" value={q.vendorId ?? ''} size={6} /></label>{' '}
          <label>{J ? '製品 ID' : 'Product id'} <input name="productId" value={q.productId ?? ''} size={6} /></label>{' '}
          <label>CPE <input name="cpe" value={q.cpe ?? ''} size={30} placeholder="cpe:2.3:a:vendor:product" /></label>{' '}
          <label>{J ? 'バージョン（製品 ID か CPE と併用）' : 'Version (with a product id or CPE)'} <input name="version" value={q.version ?? ''} size={12} /></label>{' '}
          <label>{J ? '公表日（から）' : 'Public from'} <input type="date" name="from" value={q.from ?? ''} /></label>{' '}
          <label>{J ? '（まで）' : 'to'} <input type="date" name="to" value={q.to ?? ''} /></label></p>
        <p><button type="submit">{J ? '検索' : 'Search'}</button> <a href="/advisories/statistics">{J ? '登録件数' : 'Registration statistics'}</a>{' '}
          <a href="/advisories/quarterly">{J ? '四半期の登録状況' : 'Quarterly report'}</a> <a href="/advisories/vendors">{J ? 'ベンダ・製品一覧' : 'Vendors and products'}</a></p>
      </form>
      <p>{J ? `${props.total.toLocaleString('ja-JP')} 件${props.totalExact ? '' : '以上'}` : `${props.totalExact ? '' : 'more than '}${props.total.toLocaleString('en')} advisories`}</p>
      {props.items.length === 0 ? <p>{J ? '条件に一致する脆弱性対策情報はありません。条件を減らして検索してください。' : 'No advisory matches. Try fewer conditions.'}</p> : null}
      <table>
        <thead><tr><th>ID</th><th>{J ? 'タイトル' : 'Title'}</th><th>CVSS</th><th>{J ? '公表日' : 'Public'}</th><th>{J ? '最終更新日' : 'Modified'}</th></tr></thead>
        <tbody>{props.items.map((a) => (
          <tr><td><a href={`/advisories/${a.jvndbId}`}>{a.jvndbId}</a>{a.kev ? ' KEV' : ''}</td><td>{pick(a.title, lang)}</td>
            <td>{a.severity ? t(SEVERITY_LABEL[a.severity], lang) : '—'}</td><td>{d(a.publicDate)}</td><td>{d(a.modifiedAt)}</td></tr>
        ))}</tbody>
      </table>
      {pages > 1 ? <nav aria-label={J ? 'ページ' : 'Pages'}>{props.page > 1 ? <a href={link(props.page - 1)}>{J ? '前へ' : 'Previous'}</a> : null} {props.page} / {props.totalExact ? pages : '…'} {props.page < pages ? <a href={link(props.page + 1)}>{J ? '次へ' : 'Next'}</a> : null}</nav> : null}
    </Layout>
  );
}

export function AdvisoryPage(props: { ctx: PageContext; a: Advisory; revisions: Revision[]; statements: VendorStatement[]; alerts: Array<{ alertId: string; kind: 'alert' | 'emergency'; title: Bi }> }) {
  const { lang } = props.ctx; const a = props.a; const J = lang === 'ja';
  const section = (title: string, b: Bi) => (pick(b, lang) ? <><h2>{title}</h2><p>{pick(b, lang)}</p></> : null);
  return (
    <Layout ctx={props.ctx} title={{ ja: `${a.jvndbId} ${a.title.ja || a.title.en}`, en: `${a.jvndbId} ${a.title.en || a.title.ja}` }}>
      <dl>
        <dt>{J ? '公表日' : 'Public date'}</dt><dd>{d(a.publicDate)}</dd>
        <dt>{J ? '登録日' : 'Registered'}</dt><dd>{d(a.firstPublishedAt)}</dd>
        <dt>{J ? '最終更新日' : 'Last modified'}</dt><dd>{d(a.modifiedAt)}</dd>
        {a.cveIds.length ? <><dt>CVE</dt><dd>{a.cveIds.join(', ')}</dd></> : null}
        {a.jvnIds.length ? <><dt>JVN</dt><dd>{a.jvnIds.join(', ')}</dd></> : null}
        {a.cweIds.length ? <><dt>CWE</dt><dd>{a.cweIds.join(', ')}</dd></> : null}
        {a.kev ? <><dt>{J ? '悪用の確認（CISA KEV）' : 'Known exploited (CISA KEV)'}</dt><dd>{a.kevAdded}</dd></> : null}
      </dl>
      {section(J ? '概要' : 'Overview', a.overview)}
      {a.cvss.length ? <><h2>CVSS</h2><ul>{a.cvss.map((c) => <li>v{c.version}: {c.baseScore.toFixed(1)} {t(SEVERITY_LABEL[c.severity], lang)} <code>{c.vector}</code></li>)}</ul></> : null}
      {section(J ? '想定される影響' : 'Impact', a.impact)}
      {section(J ? '対策' : 'Solution', a.solution)}
      {a.affected.length ? <><h2>{J ? '影響を受けるシステム' : 'Affected products'}</h2><ul>{a.affected.map((x) => (
        <li><a href={`/advisories/vendors/${x.vendorId}`}>{x.vendor}</a> <a href={`/advisories/products/${x.productId}`}>{x.product}</a>
          {x.versionText ? ` ${x.versionText}` : ''}{x.versionStart || x.versionEnd ? ` ${x.versionStart ?? ''}${x.versionStart ? (x.versionStartIncluding ? ' ≤' : ' <') : ''} v ${x.versionEnd ? (x.versionEndIncluding ? '≤ ' : '< ') : ''}${x.versionEnd ?? ''}` : ''}
          {x.cpe ? <> <code>{x.cpe}</code></> : null}{x.purl ? <> <code>{x.purl}</code></> : null}</li>
      ))}</ul></> : null}
      {props.statements.length ? <><h2>{J ? 'ベンダ情報' : 'Vendor statements'}</h2>
        <table><thead><tr><th scope="col">{J ? 'ベンダ' : 'Vendor'}</th><th scope="col">{J ? 'ステータス' : 'Status'}</th><th scope="col">{J ? 'ベンダの見解' : 'Statement'}</th><th scope="col">{J ? '更新日' : 'Updated'}</th></tr></thead>
          <tbody>{props.statements.map((s) => (
            <tr><td><a href={`/advisories/vendors/${s.vendorId}`}>{s.vendor}</a></td><td>{t(STATUS_LABEL[s.status], lang)}</td>
              <td>{pick(s.statement, lang)}{s.url ? <> <a href={s.url} rel="noopener noreferrer">{J ? '詳細' : 'Details'}</a></> : null}</td><td>{d(s.updatedAt)}</td></tr>
          ))}</tbody></table></> : null}
      {props.alerts.length ? <><h2>{J ? '関連する注意喚起' : 'Related alerts'}</h2><ul>{props.alerts.map((x) => (
        <li>{x.kind === 'emergency' ? <strong>{J ? '【緊急対策】' : '[Emergency] '}</strong> : (J ? '【注意喚起】' : '[Alert] ')}<a href={`/advisories/alerts/${x.alertId}`}>{pick(x.title, lang)}</a></li>
      ))}</ul></> : null}
      {a.references.length ? <><h2>{J ? '参考情報' : 'References'}</h2><ul>{a.references.map((r) => <li>[{r.type}] <a href={r.url} rel="noopener noreferrer">{r.title ?? r.url}</a></li>)}</ul></> : null}
      <h2>{J ? 'データ形式' : 'Machine-readable formats'}</h2>
      <ul class="inline">
        <li><a href={`/api/v1/advisories/${a.jvndbId}`}>JSON</a></li>
        {a.cveIds.length ? <li><a href={`/api/v1/advisories/${a.jvndbId}/cve5`}>CVE JSON 5</a></li> : null}
        <li><a href={`/api/v1/advisories/${a.jvndbId}/csaf`}>CSAF 2.0</a></li>
        {a.affected.some((x) => x.purl) ? <li><a href={`/api/v1/advisories/${a.jvndbId}/osv`}>OSV</a></li> : null}
        <li><a href={`/myjvn?method=getVulnDetailInfo&feed=hnd&vulnId=${a.jvndbId}`}>MyJVN VULDEF</a></li>
      </ul>
      <h2>{J ? '更新履歴' : 'Revision history'}</h2>
      <ol>{props.revisions.map((r) => <li>{isoDate(new Date(r.at))} {r.kind}{r.note ? `（${r.note}）` : ''}</li>)}</ol>
    </Layout>
  );
}

export function StatisticsPage(props: { ctx: PageContext; fy: number; months: Array<{ year: number; month: number; count: number }>; total: number; cumulative: number }) {
  const { lang } = props.ctx; const J = lang === 'ja';
  const n = (x: number) => x.toLocaleString('ja-JP');
  return (
    <Layout ctx={props.ctx} title={{ ja: `脆弱性対策情報データベース登録件数（${props.fy}年度）`, en: `Advisories registered in FY${props.fy}` }}>
      <form method="get" action="/advisories/statistics"><label>{J ? '年度' : 'Fiscal year'} <input name="fy" value={String(props.fy)} size={5} /></label> <button type="submit">{J ? '表示' : 'Show'}</button></form>
      <table>
        <thead><tr><th scope="col">{J ? '区分' : ''}</th>{props.months.map((m) => <th scope="col">{J ? `${m.month}月` : `${m.year}-${String(m.month).padStart(2, '0')}`}</th>)}<th scope="col">{J ? '合計' : 'Total'}</th><th scope="col">{J ? '累計' : 'Cumulative'}</th></tr></thead>
        <tbody><tr><th scope="row">{J ? '登録件数' : 'Registered'}</th>{props.months.map((m) => <td>{n(m.count)}</td>)}<td>{n(props.total)}</td><td>{n(props.cumulative)}</td></tr></tbody>
      </table>
    </Layout>
  );
}
