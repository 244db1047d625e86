// Public pages of the vendor/product dictionaries and the quarterly registration report.
import { Layout, type PageContext } from '../../../platform/ui/layout.js';
import { t } from '../../../platform/i18n/i18n.js';
import { isoDate } from '../../../platform/i18n/dates.js';
import { SEVERITY_LABEL, type Severity } from '../../../shared/cvss.js';
import type { Advisory } from '../service.js';
import type { ProductRow, QuarterReport, VendorRow } from './queries.js';

const n = (x: number) => x.toLocaleString('ja-JP');
const pick = (b: { ja: string; en: string }, ja: boolean) => (ja ? b.ja || b.en : b.en || b.ja);
const range = (a: Advisory['affected'][number]) =>
  a.versionStart || a.versionEnd
    ? `${a.versionStart ?? ''}${a.versionStart ? (a.versionStartIncluding ? ' ≤ ' : ' < ') : ''}v${a.versionEnd ? (a.versionEndIncluding ? ' ≤ ' : ' < ') + a.versionEnd : ''}`
    : a.versionText ?? '';

function Pager(props: { J: boolean; page: number; pages: number; href: (p: number) => string }) {
  if (props.pages <= 1) return null;
  return (
    <nav aria-label={props.J ? 'ページ' : 'Pages'}>
      {props.page > 1 ? <a href={props.href(props.page - 1)}>{props.J ? '前へ' : 'Previous'}</a> : null} {props.page} / {props.pages}{' '}
      {props.page < props.pages ? <a href={props.href(props.page + 1)}>{props.J ? '次へ' : 'Next'}</a> : null}
    </nav>
  );
}

function AdvisoryTable(props: { J: boolean; items: Advisory[]; productId?: number }) {
  const { J } = props;
  if (!props.items.length) return <p>{J ? '該当する脆弱性対策情報はありません。' : 'No advisories.'}</p>;
  return (
    <table>
      <thead><tr><th scope="col">ID</th><th scope="col">{J ? 'タイトル' : 'Title'}</th><th scope="col">{J ? '深刻度' : 'Severity'}</th>{props.productId ? <th scope="col">{J ? '影響を受けるバージョン' : 'Affected versions'}</th> : null}<th scope="col">{J ? '公表日' : 'Public'}</th></tr></thead>
      <tbody>{props.items.map((a) => (
        <tr>
          <td><a href={`/advisories/${a.jvndbId}`}>{a.jvndbId}</a>{a.kev ? ' KEV' : ''}</td>
          <td>{pick(a.title, J)}</td>
          <td>{a.severity ? t(SEVERITY_LABEL[a.severity], J ? 'ja' : 'en') : '—'}</td>
          {props.productId ? <td>{a.affected.filter((x) => x.productId === props.productId).map(range).join(', ') || '—'}</td> : null}
          <td>{a.publicDate ? isoDate(new Date(a.publicDate)) : '—'}</td>
        </tr>
      ))}</tbody>
    </table>
  );
}

export function VendorListPage(props: { ctx: PageContext; q: string; total: number; items: VendorRow[]; page: number; pageSize: number }) {
  const J = props.ctx.lang === 'ja';
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  return (
    <Layout ctx={props.ctx} title={{ ja: 'ベンダ一覧', en: 'Vendors' }}>
      <form method="get" action="/advisories/vendors" role="search">
        <p><label>{J ? 'ベンダ名・CPE ベンダ名' : 'Vendor name or CPE vendor'} <input name="q" value={props.q} /></label> <button type="submit">{J ? '検索' : 'Search'}</button></p>
      </form>
      <p>{J ? `${n(props.total)} ベンダ` : `${n(props.total)} vendors`}</p>
      {props.items.length ? (
        <table>
          <thead><tr><th scope="col">{J ? 'ベンダ ID' : 'Vendor id'}</th><th scope="col">{J ? 'ベンダ名' : 'Vendor'}</th><th scope="col">CPE</th><th scope="col">{J ? '製品数' : 'Products'}</th><th scope="col">{J ? '脆弱性対策情報' : 'Advisories'}</th></tr></thead>
          <tbody>{props.items.map((v) => (
            <tr><td>{v.id}</td><td><a href={`/advisories/vendors/${v.id}`}>{v.name}</a></td><td>{v.cpeVendor ?? '—'}</td><td>{n(v.products)}</td><td>{n(v.advisories)}</td></tr>
          ))}</tbody>
        </table>
      ) : <p>{J ? '該当するベンダはありません。' : 'No vendors match.'}</p>}
      <Pager J={J} page={props.page} pages={pages} href={(p) => `/advisories/vendors?${new URLSearchParams({ q: props.q, page: String(p) })}`} />
    </Layout>
  );
}

export function VendorPage(props: { ctx: PageContext; vendor: VendorRow; products: ProductRow[]; latest: Advisory[] }) {
  const J = props.ctx.lang === 'ja'; const v = props.vendor;
  return (
    <Layout ctx={props.ctx} title={{ ja: `ベンダ: ${v.name}`, en: `Vendor: ${v.name}` }}>
      <dl>
        <dt>{J ? 'ベンダ ID' : 'Vendor id'}</dt><dd>{v.id}</dd>
        <dt>{J ? 'CPE ベンダ名' : 'CPE vendor'}</dt><dd>{v.cpeVendor ?? '—'}</dd>
        <dt>{J ? '脆弱性対策情報' : 'Advisories'}</dt><dd><a href={`/advisories?vendorId=${v.id}`}>{n(v.advisories)}</a></dd>
      </dl>
      <h2>{J ? '製品' : 'Products'}</h2>
      {props.products.length ? (
        <table>
          <thead><tr><th scope="col">{J ? '製品 ID' : 'Product id'}</th><th scope="col">{J ? '製品名' : 'Product'}</th><th scope="col">CPE</th><th scope="col">{J ? '脆弱性対策情報' : 'Advisories'}</th></tr></thead>
          <tbody>{props.products.map((p) => (
            <tr><td>{p.id}</td><td><a href={`/advisories/products/${p.id}`}>{p.name}</a></td>
              <td>{p.cpeVendor && p.cpeProduct ? <code>{`cpe:2.3:*:${p.cpeVendor}:${p.cpeProduct}`}</code> : '—'}</td><td>{n(p.advisories)}</td></tr>
          ))}</tbody>
        </table>
      ) : <p>{J ? '製品は登録されていません。' : 'No products.'}</p>}
      <h2>{J ? '最近の脆弱性対策情報' : 'Latest advisories'}</h2>
      <AdvisoryTable J={J} items={props.latest} />
      <p><a href="/advisories/vendors">{J ? 'ベンダ一覧へ' : 'All vendors'}</a></p>
    </Layout>
  );
}

export function ProductPage(props: { ctx: PageContext; product: ProductRow; items: Advisory[]; total: number; page: number; pageSize: number }) {
  const J = props.ctx.lang === 'ja'; const p = props.product;
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  return (
    <Layout ctx={props.ctx} title={{ ja: `製品: ${p.vendor} ${p.name}`, en: `Product: ${p.vendor} ${p.name}` }}>
      <dl>
        <dt>{J ? '製品 ID' : 'Product id'}</dt><dd>{p.id}</dd>
        <dt>{J ? 'ベンダ' : 'Vendor'}</dt><dd><a href={`/advisories/vendors/${p.vendorId}`}>{p.vendor}</a></dd>
        <dt>CPE</dt><dd>{p.cpeVendor && p.cpeProduct ? <code>{`cpe:2.3:*:${p.cpeVendor}:${p.cpeProduct}`}</code> : '—'}</dd>
        <dt>{J ? '脆弱性対策情報' : 'Advisories'}</dt><dd>{n(props.total)}</dd>
      </dl>
      <form method="get" action="/advisories" role="search">
        <input type="hidden" name="productId" value={String(p.id)} />
        <p><label>{J ? 'バージョンで絞り込む' : 'Filter by version'} <input name="version" size={16} /></label> <button type="submit">{J ? '検索' : 'Search'}</button></p>
      </form>
      <h2>{J ? '脆弱性対策情報' : 'Advisories'}</h2>
      <AdvisoryTable J={J} items={props.items} productId={p.id} />
      <Pager J={J} page={props.page} pages={pages} href={(x) => `/advisories/products/${p.id}?page=${x}`} />
    </Layout>
  );
}

const SEV_LABEL = (s: string, J: boolean) => (s === 'unscored' ? (J ? 'CVSS なし' : 'Unscored') : t(SEVERITY_LABEL[s as Severity], J ? 'ja' : 'en'));
export function quarterLabel(year: number, quarter: number, J: boolean) {
  const m = (quarter - 1) * 3 + 1;
  return J ? `${year}年第${quarter}四半期（${m}月～${m + 2}月）` : `Q${quarter} ${year} (${['Jan', 'Apr', 'Jul', 'Oct'][quarter - 1]}–${['Mar', 'Jun', 'Sep', 'Dec'][quarter - 1]})`;
}

export function QuarterlyPage(props: { ctx: PageContext; r: QuarterReport }) {
  const J = props.ctx.lang === 'ja'; const r = props.r;
  const pct = (a: number, b: number) => (b ? `${a >= b ? '+' : ''}${(((a - b) / b) * 100).toFixed(1)}%` : '—');
  return (
    <Layout ctx={props.ctx} title={{ ja: `JVN iPedia の登録状況 ${quarterLabel(r.year, r.quarter, true)}`, en: `JVN iPedia registrations, ${quarterLabel(r.year, r.quarter, false)}` }}>
      <form method="get" action="/advisories/quarterly">
        <p><label>{J ? '年' : 'Year'} <input name="year" value={String(r.year)} size={5} inputMode="numeric" /></label>{' '}
          <label>{J ? '四半期' : 'Quarter'} <select name="quarter">{[1, 2, 3, 4].map((q) => <option value={String(q)} selected={q === r.quarter}>{q}</option>)}</select></label>{' '}
          <button type="submit">{J ? '表示' : 'Show'}</button>{' '}
          <a href={`/advisories/quarterly.csv?year=${r.year}&quarter=${r.quarter}`}>CSV</a></p>
      </form>
      <h2>{J ? '登録件数' : 'Registrations'}</h2>
      <table>
        <thead><tr><th scope="col">{J ? '区分' : ''}</th>{r.months.map((m) => <th scope="col">{J ? `${m.month}月` : `${m.year}-${String(m.month).padStart(2, '0')}`}</th>)}<th scope="col">{J ? '四半期計' : 'Quarter'}</th><th scope="col">{J ? '累計' : 'Cumulative'}</th></tr></thead>
        <tbody><tr><th scope="row">{J ? '登録件数' : 'Registered'}</th>{r.months.map((m) => <td>{n(m.count)}</td>)}<td>{n(r.total)}</td><td>{n(r.cumulative)}</td></tr></tbody>
      </table>
      <p>{J ? `前四半期比 ${pct(r.total, r.previousQuarter)}（${n(r.previousQuarter)} 件）、前年同期比 ${pct(r.total, r.sameQuarterLastYear)}（${n(r.sameQuarterLastYear)} 件）。悪用が確認された脆弱性（CISA KEV）: ${n(r.kev)} 件。`
        : `${pct(r.total, r.previousQuarter)} on the previous quarter (${n(r.previousQuarter)}), ${pct(r.total, r.sameQuarterLastYear)} on the same quarter a year earlier (${n(r.sameQuarterLastYear)}). Known exploited (CISA KEV): ${n(r.kev)}.`}</p>
      <h2>{J ? '深刻度別（CVSS 基本値）' : 'By severity (CVSS base score)'}</h2>
      <table>
        <thead><tr><th scope="col">{J ? '深刻度' : 'Severity'}</th><th scope="col">{J ? '件数' : 'Count'}</th><th scope="col">{J ? '割合' : 'Share'}</th></tr></thead>
        <tbody>{r.severity.map((s) => <tr><th scope="row">{SEV_LABEL(s.severity, J)}</th><td>{n(s.count)}</td><td>{r.total ? `${((s.count / r.total) * 100).toFixed(1)}%` : '—'}</td></tr>)}</tbody>
      </table>
      <h2>{J ? '脆弱性の種類（CWE）上位 10' : 'Top 10 weakness types (CWE)'}</h2>
      {r.cwe.length ? (
        <table><thead><tr><th scope="col">CWE</th><th scope="col">{J ? '件数' : 'Count'}</th></tr></thead>
          <tbody>{r.cwe.map((c) => <tr><th scope="row"><a href={`/advisories?cwe=${encodeURIComponent(c.cwe)}`}>{c.cwe}</a></th><td>{n(c.count)}</td></tr>)}</tbody></table>
      ) : <p>{J ? 'この四半期の登録はありません。' : 'No registrations in this quarter.'}</p>}
      <h2>{J ? '登録の多い製品 上位 10' : 'Top 10 products'}</h2>
      {r.products.length ? (
        <table><thead><tr><th scope="col">{J ? '製品' : 'Product'}</th><th scope="col">{J ? 'ベンダ' : 'Vendor'}</th><th scope="col">{J ? '件数' : 'Count'}</th></tr></thead>
          <tbody>{r.products.map((p) => <tr><th scope="row"><a href={`/advisories/products/${p.productId}`}>{p.product}</a></th><td>{p.vendor}</td><td>{n(p.count)}</td></tr>)}</tbody></table>
      ) : <p>{J ? '該当なし。' : 'None.'}</p>}
      <h2>{J ? '登録の多いベンダ 上位 10' : 'Top 10 vendors'}</h2>
      {r.vendors.length ? (
        <table><thead><tr><th scope="col">{J ? 'ベンダ' : 'Vendor'}</th><th scope="col">{J ? '件数' : 'Count'}</th></tr></thead>
          <tbody>{r.vendors.map((v) => <tr><th scope="row"><a href={`/advisories/vendors/${v.vendorId}`}>{v.vendor}</a></th><td>{n(v.count)}</td></tr>)}</tbody></table>
      ) : <p>{J ? '該当なし。' : 'None.'}</p>}
    </Layout>
  );
}
