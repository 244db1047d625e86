// The index page of the yearly bulk files (/advisories/bulk/).
import { Layout, type PageContext } from '../../../platform/ui/layout.js';
import { t } from '../../../platform/i18n/i18n.js';
import { FORMAT_INFO, FORMATS, type BulkFormat, type BulkMeta } from './bulk.js';

export interface BulkRow { year: number; count: number; maxUpdated: Date; files: Record<BulkFormat, BulkMeta | null> }

function size(n: number) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function BulkIndexPage(props: { ctx: PageContext; rows: BulkRow[] }) {
  const { lang } = props.ctx;
  const J = lang === 'ja';
  const total = props.rows.reduce((s, r) => s + r.count, 0);
  return (
    <Layout ctx={props.ctx} title={{ ja: '脆弱性対策情報 一括ダウンロード', en: 'Bulk downloads of advisories' }}>
      <p>{J
        ? '公開中の脆弱性対策情報を、JVNDB ID の年ごとに gzip 圧縮したファイルで提供します。ファイルは最初の要求時（または定期処理）に生成され、その年の情報が更新されると作り直されます。'
        : 'Published advisories, one gzip file per JVNDB ID year and format. A file is generated on first request (or by the periodic job) and regenerated when an advisory of that year changes.'}</p>
      <h2>{J ? '形式' : 'Formats'}</h2>
      <dl>{FORMATS.map((f) => (<><dt>{t(FORMAT_INFO[f].label, lang)} (<code>{`YYYY.${f}.gz`}</code>)</dt><dd>{t(FORMAT_INFO[f].layout, lang)}</dd></>))}</dl>
      <p>{J ? '個別の情報は ' : 'Single advisories: '}<code>/api/v1/advisories/JVNDB-…/cve5</code>, <code>/csaf</code>, <code>/osv</code>{J ? '。新着・更新は ' : '. New and updated advisories: '}<a href="/advisories/feed/atom.xml">Atom</a>{J ? ' で配信しています。' : '.'}</p>
      <h2>{J ? '年別ファイル' : 'Files by year'}</h2>
      <p>{J ? `合計 ${total.toLocaleString('ja-JP')} 件` : `${total.toLocaleString('en')} advisories in total`}</p>
      <table>
        <caption>{J ? 'JVNDB ID の年ごとの件数とファイル（サイズは生成済みのもの）' : 'Advisories per JVNDB ID year and their files (sizes of files already generated)'}</caption>
        <thead><tr>
          <th scope="col">{J ? '年' : 'Year'}</th><th scope="col">{J ? '件数' : 'Advisories'}</th><th scope="col">{J ? '最終更新' : 'Last change'}</th>
          {FORMATS.map((f) => <th scope="col">{t(FORMAT_INFO[f].label, lang)}</th>)}
        </tr></thead>
        <tbody>{props.rows.map((r) => (
          <tr>
            <th scope="row">{r.year}</th>
            <td>{r.count.toLocaleString(J ? 'ja-JP' : 'en')}</td>
            <td>{r.maxUpdated.toISOString().slice(0, 10)}</td>
            {FORMATS.map((f) => {
              const m = r.files[f];
              return <td><a href={`/advisories/bulk/${r.year}.${f}.gz`} download>{`${r.year}.${f}.gz`}</a>{' '}
                {m ? `(${size(m.size)}, ${m.records.toLocaleString(J ? 'ja-JP' : 'en')} ${J ? '件' : 'records'})` : <span>{J ? '（要求時に生成）' : '(generated on request)'}</span>}</td>;
            })}
          </tr>
        ))}</tbody>
      </table>
    </Layout>
  );
}
