// The public version-checker page (バージョンチェッカ): upload an SBOM or paste a list, see the
// matching advisories per component, download the results as CSV.
import { Layout, type PageContext } from '../../../platform/ui/layout.js';
import { t } from '../../../platform/i18n/i18n.js';
import { SEVERITY_LABEL } from '../../../shared/cvss.js';
import type { AppError } from '../../../platform/http/errors.js';
import type { CheckResult, ComponentResult } from './matcher.js';
import { MAX_BODY_BYTES, MAX_COMPONENTS } from './inventory.js';

export const TITLE = { ja: 'バージョンチェッカ（脆弱性対策情報との照合）', en: 'Version checker' };
export const STATUS_LABEL = {
  affected: { ja: '影響あり', en: 'Affected' },
  possibly_affected: { ja: '影響の可能性あり', en: 'Possibly affected' },
  not_affected: { ja: '該当なし', en: 'Not affected' },
  invalid: { ja: '照合できません', en: 'Cannot be checked' },
};

const componentLabel = (c: ComponentResult) => c.purl || c.cpe || [c.group, c.name].filter(Boolean).join('/') || c.ref || `#${c.index + 1}`;

export function VersionCheckPage(props: {
  ctx: PageContext; text?: string; format?: string; error?: AppError | null; result?: CheckResult | null; componentsJson?: string | null; uploadLimit: number;
}) {
  const { lang } = props.ctx; const J = lang === 'ja';
  const r = props.result;
  const mib = (n: number) => `${Math.floor(n / 1024 / 1024)} MiB`;
  const affected = r ? r.components.filter((c) => c.advisories.length) : [];
  const invalid = r ? r.components.filter((c) => c.status === 'invalid' || c.errors.length) : [];
  return (
    <Layout ctx={props.ctx} title={TITLE}>
      <p>{J
        ? 'ソフトウェアの構成情報（SBOM）または CPE 名・purl の一覧を送ると、公開されている脆弱性対策情報と照合し、構成要素ごとに影響のある脆弱性、深刻度、悪用の確認（CISA KEV）、修正済みのバージョンを表示します。'
        : 'Send a software bill of materials or a list of CPE names and package URLs: each component is checked against the published advisories, with severity, known exploitation (CISA KEV) and the fixed version.'}</p>
      <p>{J
        ? `対応形式: CycloneDX（JSON・XML、1.4〜1.6）、SPDX JSON（2.2・2.3）、1 行に 1 件の CPE 名または purl（空白の後にバージョンを書けます。# 以降はコメント）。上限: ファイル ${mib(props.uploadLimit)}、構成要素 ${MAX_COMPONENTS.toLocaleString('ja-JP')} 件。`
        : `Formats: CycloneDX (JSON, XML; 1.4–1.6), SPDX JSON (2.2, 2.3), or one CPE name or purl per line (optionally followed by a version; # starts a comment). Limits: ${mib(props.uploadLimit)} per file, ${MAX_COMPONENTS.toLocaleString('en')} components.`}
        {' '}{J ? 'API:' : 'API:'} <code>POST /api/v1/version-check</code>（<a href="/api/docs">OpenAPI</a>{J ? '、上限 ' : ', at most '}{mib(MAX_BODY_BYTES)}）</p>
      {props.error ? (
        <div role="alert" class="error">
          <p>{t(props.error.text, lang)}</p>
          {props.error.details.length ? <ul>{props.error.details.map((d) => <li>{d.field}: {t(d.message, lang)}</li>)}</ul> : null}
        </div>
      ) : null}
      <form method="post" action="/advisories/version-check" enctype="multipart/form-data">
        <input type="hidden" name="_csrf" value={props.ctx.csrfToken} />
        <p><label for="vc-file">{J ? 'SBOM ファイル' : 'SBOM file'}</label><br />
          <input id="vc-file" type="file" name="file" accept=".json,.xml,.txt,.cdx,.spdx,application/json,application/xml,text/plain" /></p>
        <p><label for="vc-text">{J ? 'または CPE 名・purl の一覧（1 行に 1 件）' : 'Or a list of CPE names or package URLs (one per line)'}</label><br />
          <textarea id="vc-text" name="text" rows={8} cols={80} placeholder={'pkg:npm/lodash@4.17.20\ncpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*\npkg:deb/debian/openssl 3.0.11-1~deb12u2'}>{props.text ?? ''}</textarea></p>
        <p><label for="vc-format">{J ? '形式' : 'Format'}</label>{' '}
          <select id="vc-format" name="format">
            {[['', J ? '自動判別' : 'Detect'], ['cyclonedx-json', 'CycloneDX JSON'], ['cyclonedx-xml', 'CycloneDX XML'], ['spdx-json', 'SPDX JSON'], ['list', J ? '一覧（CPE・purl）' : 'List (CPE, purl)']].map(([v, l]) =>
              <option value={v} selected={(props.format ?? '') === v}>{l}</option>)}
          </select></p>
        <p><button type="submit" name="output" value="html">{J ? '照合する' : 'Check'}</button>{' '}
          <button type="submit" name="output" value="csv">{J ? '照合して CSV をダウンロード' : 'Check and download CSV'}</button></p>
      </form>
      {r ? (
        <section aria-labelledby="vc-results">
          <h2 id="vc-results">{J ? '照合結果' : 'Results'}</h2>
          <p>{J
            ? `構成要素 ${r.summary.components} 件: 影響あり ${r.summary.affected} 件、影響の可能性あり ${r.summary.possiblyAffected} 件、該当なし ${r.summary.notAffected} 件、照合できないもの ${r.summary.invalid} 件。該当する脆弱性対策情報 ${r.summary.advisories} 件（うち悪用の確認 ${r.summary.kev} 件）。`
            : `${r.summary.components} components: ${r.summary.affected} affected, ${r.summary.possiblyAffected} possibly affected, ${r.summary.notAffected} not affected, ${r.summary.invalid} cannot be checked. ${r.summary.advisories} matching advisories (${r.summary.kev} known exploited).`}</p>
          {props.componentsJson ? (
            <form method="post" action="/advisories/version-check">
              <input type="hidden" name="_csrf" value={props.ctx.csrfToken} />
              <input type="hidden" name="components" value={props.componentsJson} />
              <input type="hidden" name="output" value="csv" />
              <input type="hidden" name="again" value="1" />
              <p><button type="submit">{J ? '結果を CSV でダウンロード' : 'Download the results as CSV'}</button></p>
            </form>
          ) : null}
          {affected.length ? (
            <table>
              <caption>{J ? '影響のある構成要素' : 'Affected components'}</caption>
              <thead><tr>
                <th scope="col">{J ? '構成要素' : 'Component'}</th><th scope="col">{J ? 'バージョン' : 'Version'}</th><th scope="col">{J ? '判定' : 'Status'}</th>
                <th scope="col">{J ? '脆弱性対策情報' : 'Advisory'}</th><th scope="col">{J ? '深刻度' : 'Severity'}</th><th scope="col">CVSS</th>
                <th scope="col">{J ? '悪用の確認（KEV）' : 'Known exploited (KEV)'}</th><th scope="col">{J ? '修正版・影響範囲' : 'Fixed version / range'}</th>
              </tr></thead>
              <tbody>{affected.flatMap((c) => c.advisories.map((a, i) => (
                <tr>
                  {i === 0 ? <th scope="row" rowSpan={c.advisories.length}>{componentLabel(c)}</th> : null}
                  {i === 0 ? <td rowSpan={c.advisories.length}>{c.version ?? '—'}</td> : null}
                  <td>{t(STATUS_LABEL[a.status], lang)}</td>
                  <td><a href={`/advisories/${a.id}`}>{a.id}</a> {J ? a.title.ja || a.title.en : a.title.en || a.title.ja}</td>
                  <td>{a.severity ? t(SEVERITY_LABEL[a.severity], lang) : '—'}</td>
                  <td>{a.cvssScore === null ? '—' : a.cvssScore.toFixed(1)}</td>
                  <td>{a.kev ? (J ? 'あり' : 'Yes') : (J ? 'なし' : 'No')}</td>
                  <td>{rangeText(a, J)}</td>
                </tr>
              )))}</tbody>
            </table>
          ) : <p>{J ? '影響のある構成要素は見つかりませんでした。' : 'No affected component was found.'}</p>}
          {invalid.length ? (
            <table>
              <caption>{J ? '照合できなかった・問題のある構成要素' : 'Components with problems'}</caption>
              <thead><tr><th scope="col">{J ? '構成要素' : 'Component'}</th><th scope="col">{J ? '理由' : 'Reason'}</th></tr></thead>
              <tbody>{invalid.map((c) => <tr><th scope="row">{c.name ?? c.ref ?? `#${c.index + 1}`}</th><td>{c.errors.map((e) => e.messages[lang]).join(' / ')}</td></tr>)}</tbody>
            </table>
          ) : null}
        </section>
      ) : null}
    </Layout>
  );
}

export function rangeText(a: { fixedVersion: string | null; versionStart: string | null; versionStartIncluding: boolean | null; versionEnd: string | null; versionEndIncluding: boolean | null; versionText: string | null }, J: boolean): string {
  const parts: string[] = [];
  if (a.fixedVersion) parts.push(J ? `${a.fixedVersion} で修正` : `fixed in ${a.fixedVersion}`);
  if (a.versionStart || a.versionEnd) {
    const lo = a.versionStart ? `${a.versionStart} ${a.versionStartIncluding === false ? '<' : '≤'} ` : '';
    const hi = a.versionEnd ? ` ${a.versionEndIncluding ? '≤' : '<'} ${a.versionEnd}` : '';
    parts.push(`${lo}v${hi}`);
  }
  if (a.versionText) parts.push(a.versionText);
  return parts.join('; ') || (J ? '全バージョン' : 'all versions');
}
