// CSV of check results (one row per component × matching advisory; components without a match get
// one row), UTF-8 with a BOM so that spreadsheet software opens Japanese text correctly. Cells that
// a spreadsheet would read as a formula are prefixed with an apostrophe.
import type { CheckResult } from './matcher.js';
import { rangeText, STATUS_LABEL } from './pages.js';

const cell = (v: string | number | null | undefined) => {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function resultsCsv(r: CheckResult, lang: 'ja' | 'en'): string {
  const J = lang === 'ja';
  const head = J
    ? ['番号', '構成要素', 'バージョン', 'purl', 'CPE', '比較規則', '判定', '脆弱性対策情報', 'タイトル', '深刻度', 'CVSS 基本値', '悪用の確認（KEV）', '修正版', '影響範囲', '備考']
    : ['#', 'component', 'version', 'purl', 'cpe', 'rule', 'status', 'advisory', 'title', 'severity', 'cvss', 'kev', 'fixed_version', 'range', 'notes'];
  const lines = [head.map(cell).join(',')];
  for (const c of r.components) {
    const base = [c.index + 1, [c.group, c.name].filter(Boolean).join('/') || c.ref || '', c.version, c.purl, c.cpe, c.scheme];
    const notes = c.errors.map((e) => e.messages[lang]).join(' / ');
    if (!c.advisories.length) { lines.push([...base, STATUS_LABEL[c.status][lang], '', '', '', '', '', '', '', notes].map(cell).join(',')); continue; }
    for (const a of c.advisories) {
      lines.push([...base, STATUS_LABEL[a.status][lang], a.id, J ? a.title.ja || a.title.en : a.title.en || a.title.ja, a.severity ?? '', a.cvssScore === null ? '' : a.cvssScore.toFixed(1),
        a.kev ? 'KEV' : '', a.fixedVersion ?? '', rangeText({ ...a, fixedVersion: null }, J), notes].map(cell).join(','));
    }
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
