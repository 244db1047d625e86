// Staff pages of the importers: the upload form with the list of past runs, and one run's result.
import { Layout, type PageContext } from '../../../platform/ui/layout.js';
import { formatDateTime } from '../../../platform/i18n/dates.js';
import { t, type Text } from '../../../platform/i18n/i18n.js';
import { FORMATS, FORMAT_LABEL } from './common.js';

export interface RunRow {
  id: string; format: string; file_name: string | null; sha256: string | null; size: number | null; actor: string; started_at: Date; finished_at: Date | null;
  status: string; message: string | null; total: number; created: number; updated: number; unchanged: number; stale: number; skipped: number; error_count: number;
  errors: Array<{ index: number; path: string; message: string; messageJa?: string; line?: number }>;
}

const n = (x: number | null) => (x ?? 0).toLocaleString('ja-JP');
const STATUS: Record<string, Text> = { running: { ja: '実行中', en: 'Running' }, finished: { ja: '完了', en: 'Finished' }, failed: { ja: '失敗', en: 'Failed' } };

function Counts(props: { r: RunRow; lang: 'ja' | 'en' }) {
  const J = props.lang === 'ja'; const r = props.r;
  return (
    <table>
      <thead><tr><th scope="col">{J ? '件数' : 'Records'}</th><th scope="col">{J ? '新規' : 'Created'}</th><th scope="col">{J ? '更新' : 'Updated'}</th>
        <th scope="col">{J ? '変更なし' : 'Unchanged'}</th><th scope="col">{J ? '古い版' : 'Stale'}</th><th scope="col">{J ? '対象外' : 'Skipped'}</th><th scope="col">{J ? 'エラー' : 'Errors'}</th></tr></thead>
      <tbody><tr><td>{n(r.total)}</td><td>{n(r.created)}</td><td>{n(r.updated)}</td><td>{n(r.unchanged)}</td><td>{n(r.stale)}</td><td>{n(r.skipped)}</td><td>{n(r.error_count)}</td></tr></tbody>
    </table>
  );
}

export function ImportPage(props: { ctx: PageContext; runs: RunRow[]; error?: Text; format?: string; maxMb: number }) {
  const { lang } = props.ctx; const J = lang === 'ja';
  return (
    <Layout ctx={props.ctx} title={{ ja: '脆弱性対策情報の取り込み', en: 'Import advisories' }}>
      {props.error && <div class="alert error" role="alert"><p>{t(props.error, lang)}</p></div>}
      <form method="post" action="/staff/advisories/import" enctype="multipart/form-data">
        <input type="hidden" name="_csrf" value={props.ctx.csrfToken} />
        <p><label for="import-file">{J ? 'ファイル' : 'File'}</label>{' '}
          <input id="import-file" type="file" name="file" required accept=".json,.jsonl,.ndjson,.xml,application/json,application/xml,text/xml" aria-describedby="import-file-hint" /></p>
        <p id="import-file-hint">{J ? `${props.maxMb} MB まで。これより大きいファイルやディレクトリは CLI（mamori import）で取り込んでください。同じ内容を再び取り込んでも何も変わりません。`
          : `Up to ${props.maxMb} MB. Import larger files or directories with the CLI (mamori import). Importing the same content again changes nothing.`}</p>
        <p><label for="import-format">{J ? '形式' : 'Format'}</label>{' '}
          <select id="import-format" name="format">
            <option value="auto" selected={!props.format || props.format === 'auto'}>{J ? '自動判別' : 'Detect automatically'}</option>
            {FORMATS.map((f) => <option value={f} selected={props.format === f}>{t(FORMAT_LABEL[f], lang)}</option>)}
          </select></p>
        <p><button type="submit">{J ? '取り込む' : 'Import'}</button></p>
      </form>
      <h2>{J ? '取り込み履歴' : 'Past imports'}</h2>
      {props.runs.length === 0 ? <p>{J ? 'まだありません。' : 'None yet.'}</p> : (
        <table>
          <thead><tr><th scope="col">{J ? '開始' : 'Started'}</th><th scope="col">{J ? '形式' : 'Format'}</th><th scope="col">{J ? 'ファイル' : 'File'}</th><th scope="col">{J ? '実行者' : 'By'}</th>
            <th scope="col">{J ? '状態' : 'Status'}</th><th scope="col">{J ? '件数' : 'Records'}</th><th scope="col">{J ? '新規' : 'Created'}</th><th scope="col">{J ? '更新' : 'Updated'}</th><th scope="col">{J ? 'エラー' : 'Errors'}</th></tr></thead>
          <tbody>{props.runs.map((r) => (
            <tr><td><a href={`/staff/advisories/import/runs/${r.id}`}>{formatDateTime(new Date(r.started_at), lang)}</a></td><td>{r.format}</td><td>{r.file_name ?? '—'}</td><td>{r.actor}</td>
              <td>{t(STATUS[r.status] ?? { ja: r.status, en: r.status }, lang)}</td><td>{n(r.total)}</td><td>{n(r.created)}</td><td>{n(r.updated)}</td><td>{n(r.error_count)}</td></tr>
          ))}</tbody>
        </table>
      )}
    </Layout>
  );
}

export function RunPage(props: { ctx: PageContext; r: RunRow }) {
  const { lang } = props.ctx; const J = lang === 'ja'; const r = props.r;
  return (
    <Layout ctx={props.ctx} title={{ ja: `取り込み結果（${r.file_name ?? r.format}）`, en: `Import result (${r.file_name ?? r.format})` }}>
      <dl>
        <dt>{J ? '形式' : 'Format'}</dt><dd>{r.format in FORMAT_LABEL ? t(FORMAT_LABEL[r.format as keyof typeof FORMAT_LABEL], lang) : r.format}</dd>
        <dt>{J ? 'ファイル' : 'File'}</dt><dd>{r.file_name ?? '—'}{r.size != null ? ` (${n(Number(r.size))} bytes)` : ''}</dd>
        <dt>SHA-256</dt><dd><code>{r.sha256 ?? '—'}</code></dd>
        <dt>{J ? '実行者' : 'By'}</dt><dd>{r.actor}</dd>
        <dt>{J ? '開始・終了' : 'Started, finished'}</dt><dd>{formatDateTime(new Date(r.started_at), lang)} – {r.finished_at ? formatDateTime(new Date(r.finished_at), lang) : '—'}</dd>
        <dt>{J ? '状態' : 'Status'}</dt><dd>{t(STATUS[r.status] ?? { ja: r.status, en: r.status }, lang)}{r.message ? `: ${r.message}` : ''}</dd>
      </dl>
      <Counts r={r} lang={lang} />
      <h2>{J ? 'レコードごとのエラー' : 'Errors per record'}</h2>
      {r.errors.length === 0 ? <p>{J ? 'エラーはありません。' : 'No errors.'}</p> : (
        <>
          {r.error_count > r.errors.length && <p>{J ? `最初の ${n(r.errors.length)} 件を表示しています（全 ${n(r.error_count)} 件）。` : `Showing the first ${n(r.errors.length)} of ${n(r.error_count)}.`}</p>}
          <table>
            <thead><tr><th scope="col">{J ? 'レコード' : 'Record'}</th><th scope="col">{J ? '場所' : 'Path'}</th><th scope="col">{J ? '行' : 'Line'}</th><th scope="col">{J ? '内容' : 'Message'}</th></tr></thead>
            <tbody>{r.errors.map((e) => <tr><td>{e.index}</td><td><code>{e.path}</code></td><td>{e.line ?? '—'}</td><td>{J ? e.messageJa ?? e.message : e.message}</td></tr>)}</tbody>
          </table>
        </>
      )}
      <p><a href="/staff/advisories/import">{J ? '取り込み画面に戻る' : 'Back to imports'}</a></p>
    </Layout>
  );
}
