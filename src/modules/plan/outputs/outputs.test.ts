// Outputs of the 業務実績報告書 rendered from a fixture ReportModel (no database): SVG charts,
// the XLSX workbook, CSV tables and the printable HTML edition.
import { describe, expect, it } from 'vitest';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import ExcelJS from 'exceljs';
import { SaxesParser } from 'saxes';
import * as coreRuntime from 'echarts/core';
import type * as EchartsCore from 'echarts/types/dist/core';
import type { KpiTableModel, ReportModel } from '../types.js';
import { kpiChartSvg, rowValuesByYear } from './charts.js';
import { categoryChartSvg, sanitizeSvg } from '../../../platform/ui/charts.js';
import { KPI_HEADER_ROW, STAT_HEADER_ROW, numericCell, reportWorkbook, sheetName } from './xlsx.js';
import { reportCsvFiles, reportCsvTables } from './csv.js';
import { ReportDocument } from './report-html.js';

const echarts = coreRuntime as unknown as typeof EchartsCore; // typed as in charts.ts
const YEARS = [2018, 2019, 2020, 2021, 2022];
const HEADER = ['年度', '平成30年度', '令和元年度', '令和2年度', '令和3年度', '令和4年度'];
const dash = { text: '—' };
const HYPERLINK = '=HYPERLINK("http://example.invalid/","click")';

const kpiCompanies: KpiTableModel = {
  kpi: 'I/1/kpi-①', symbol: '①', name: { ja: '重要インフラ関連企業の新規・追加の取組み', en: 'Critical-infrastructure companies taking new measures' },
  statement: { ja: '第四期中期目標期間において、重要インフラ関連企業数を500社以上とする(令和2年度においては100社以上)。' },
  years: YEARS, header: HEADER,
  rows: [
    { label: '目標', kind: 'target', cells: [{ text: '100社', values: { primary: 100 }, origin: 'target' }, { text: '100社', values: { primary: 100 }, origin: 'target' }, { text: '100社', values: { primary: 100 }, origin: 'target' }, dash, dash] },
    { label: '実績', kind: 'actual', cells: [{ text: '139社', values: { primary: 139 }, origin: 'historical', mark: 'met' }, { text: '—', values: { primary: null } }, { text: '87社', values: { primary: 87 }, origin: 'statistic', mark: 'missed' }, dash, dash] },
    { label: '達成率', kind: 'rate', cells: [{ text: '139%', values: { primary: 139 }, mark: 'met' }, dash, { text: '87%', values: { primary: 87 }, mark: 'missed' }, dash, dash] },
  ],
  notes: [
    { kind: 'note', text: { ja: '令和元年度は集計方法の見直し中のため空欄。' } },
    { kind: 'discrepancy', text: { ja: '令和2年度の実績は統計からの再計算値（87）を表示しています。報告書の印刷値は 88 です。', en: 'FY2020: recomputed.' } },
  ],
};

const kpiGuidelines: KpiTableModel = {
  kpi: 'I/1/kpi-③', symbol: '③', name: { ja: 'ガイドライン等の普及数 <script>alert(1)</script>' },
  statement: { ja: 'ガイドライン等の累計普及数を250,000件以上とするとともに、役立ち度で上位2つの評価を得る割合を3分の2以上確保する。' },
  years: YEARS, header: HEADER,
  rows: [
    { label: '目標 (役立ち度)', kind: 'target', cells: [{ text: '50,000件 (3分の2)', values: { primary: 50000, usefulness: 66.7 } }, { text: '50,000件', values: { primary: 50000 } }, { text: '50,000件', values: { primary: 50000 } }, dash, dash] },
    { label: '実績 (役立ち度)', kind: 'actual', cells: [{ text: '70,315件 (93%)', values: { primary: 70315, usefulness: 93 }, mark: 'met' }, { text: '86,036件 (92%)', values: { primary: 86036, usefulness: 92 }, mark: 'met' }, { text: '82,297件 (92%)', values: { primary: 82297, usefulness: 92 }, mark: 'met' }, dash, dash] },
  ],
  notes: [],
};

const kpiWhitePapers: KpiTableModel = {
  kpi: 'I/2/kpi-①', symbol: '①', name: { ja: '白書・報告書の普及件数', en: 'Distribution of white papers and reports' },
  statement: { ja: '普及件数の年間平均値につき、第三期中期目標期間中における当該数以上を達成する。(参考値：年間平均159,661件)' },
  years: YEARS, header: HEADER,
  rows: [
    { label: '目標', kind: 'target', cells: [{ text: '159,661件', values: { primary: 159661 }, span: 5, origin: 'target' }] },
    { label: '実績', kind: 'actual', cells: [{ text: '280,531件', values: { primary: 280531 }, mark: 'met' }, { text: '401,360件', values: { primary: 401360 }, mark: 'met' }, { text: '484,168件', values: { primary: 484168 }, mark: 'met' }, dash, dash] },
  ],
  notes: [{ kind: 'definition_change', text: { ja: '令和元年度からダウンロード数を含む。' } }],
};

const kpiAdmin: KpiTableModel = {
  kpi: 'IV/kpi-①', symbol: '①', name: { ja: '一般管理費の効率化', en: 'Efficiency of general administrative costs' }, caption: '<一般管理費>',
  statement: { ja: '一般管理費について毎年度平均で前年度比3%以上の効率化を行う。' },
  years: YEARS, header: HEADER,
  rows: [
    { label: '目標', kind: 'target', cells: [{ text: '△3%', values: { primary: 3 }, span: 5 }] },
    { label: '実績', kind: 'actual', cells: [{ text: '△3.1%', values: { primary: 3.1 }, mark: 'met' }, { text: '△3.0%', values: { primary: 3 }, mark: 'met' }, { text: '+1.2%', values: { primary: -1.2 }, mark: 'missed' }, dash, dash] },
  ],
  notes: [],
};

function fixtureModel(): ReportModel {
  return {
    fiscalYear: 2020,
    title: { ja: '令和2年度業務実績報告書', en: 'FY2020 Annual Performance Report' },
    period: { code: 'P4', name: { ja: '第四期中期目標期間', en: 'Fourth mid-term period' }, firstFy: 2018, lastFy: 2022 },
    generatedAt: '2021-06-01T03:00:00.000Z',
    revision: 2,
    chapters: [
      {
        node: 'I/1', label: '1', title: { ja: '新たな脅威への迅速な対応等のセキュリティ対策の強化', en: 'Stronger security measures' },
        kpis: [kpiCompanies, kpiGuidelines, kpiWhitePapers],
        results: [
          { node: 'I/1/(1-1)', nodeLabel: '(1-1)', nodeTitle: { ja: '重要インフラ関連企業におけるセキュリティ対策の強化' }, text: { ja: 'J-CRAT による標的型攻撃の支援を 120 件実施。' }, department: 'セキュリティセンター', status: 'achieved' },
          { node: 'I/1/(1-1)', nodeLabel: '(1-1)', nodeTitle: { ja: '重要インフラ関連企業におけるセキュリティ対策の強化' }, text: { ja: 'サイバーレスキュー隊の体制強化 <b>継続</b>。' }, status: 'in_progress' },
        ],
        tables: [{
          key: 'vuln-desk.reports', module: 'vuln-desk', title: { ja: '脆弱性関連情報の届出件数', en: 'Vulnerability reports received' },
          columns: [{ ja: '区分', en: 'Kind' }, { ja: '件数', en: 'Count' }, { ja: '備考', en: 'Remarks' }],
          rows: [
            { label: { ja: 'ソフトウェア製品', en: 'Software products' }, cells: [1520, '前年度比 +12%'] },
            { label: { ja: 'ウェブサイト', en: 'Websites' }, cells: [2003.5, HYPERLINK] },
            { label: { ja: '合計', en: 'Total' }, cells: [null, '@SUM(A1:A2)'] },
          ],
          notes: [{ ja: '届出受付日で集計。', en: 'Counted by date received.' }],
        }],
      },
      {
        node: 'IV', label: 'IV', title: { ja: 'その他業務運営に関する重要事項', en: 'Other important matters' },
        kpis: [kpiAdmin], results: [], tables: [],
      },
    ],
  };
}

/** Well-formedness check: saxes is a strict XML parser (throws on any error). */
function parseXml(xml: string) {
  const parser = new SaxesParser({ xmlns: false });
  const elements: Array<{ name: string; attributes: Record<string, string>; depth: number }> = [];
  const texts: string[] = [];
  let depth = 0;
  let error: Error | undefined;
  parser.on('error', (e) => { error ??= e; });
  parser.on('opentag', (t) => { elements.push({ name: t.name, attributes: t.attributes as Record<string, string>, depth: depth++ }); });
  parser.on('closetag', () => { depth--; });
  parser.on('text', (t) => texts.push(t));
  parser.write(xml).close();
  if (error) throw error;
  return { elements, text: texts.join('') };
}

describe('kpiChartSvg', () => {
  it('renders a well-formed, accessible, script-free SVG containing the values', () => {
    const svg = kpiChartSvg(kpiCompanies);
    const { elements, text } = parseXml(svg);
    const root = elements[0];
    expect(root.name).toBe('svg');
    expect(root.attributes.role).toBe('img');
    expect(root.attributes['aria-label']).toContain('重要インフラ関連企業');
    expect(elements[1].name).toBe('title');
    expect(text).toContain('① 重要インフラ関連企業');
    expect(elements.some((e) => e.name === 'script' || e.name === 'style' || e.name === 'foreignObject')).toBe(false);
    for (const e of elements) for (const a of Object.keys(e.attributes)) expect(a).not.toMatch(/^(on|style$|class$|href$|xlink:href$)/i);
    expect(svg).not.toMatch(/\sstyle=|<script|<style/i);
    // value labels on the bars and year labels on the axis
    expect(text).toContain('139');
    expect(text).toContain('87');
    expect(text).toContain('令和2年度');
    // the missing year is a gap, described as such
    expect(text).toMatch(/令和元年度\s*目標 100、実績 なし/);
  });

  it('spreads a merged target over the years it covers, and escapes names', () => {
    expect(rowValuesByYear(kpiWhitePapers.rows[0].cells, 5)).toEqual([159661, 159661, 159661, 159661, 159661]);
    expect(rowValuesByYear(kpiCompanies.rows[1].cells, 5)).toEqual([139, null, 87, null, null]);
    const svg = kpiChartSvg(kpiGuidelines, { lang: 'en', width: 400, height: 200 });
    const { elements, text } = parseXml(svg);
    expect(elements[0].attributes.width).toBe('400');
    expect(text).toContain('<script>alert(1)</script>'); // as text, i.e. escaped in the markup
    expect(svg).not.toContain('<script');
    expect(text).toContain('FY2020: target 50,000, actual 82,297');
  });

  it('uses distinct id prefixes per KPI so several charts can share a page', () => {
    const a = kpiChartSvg(kpiCompanies);
    const b = kpiChartSvg(kpiWhitePapers);
    const ids = (s: string) => [...s.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids(a).length).toBeGreaterThan(0);
    expect(ids(a).filter((id) => ids(b).includes(id))).toEqual([]);
    for (const m of a.matchAll(/url\(#([^)]+)\)/g)) expect(ids(a)).toContain(m[1]);
    // deterministic: same input, same output
    expect(kpiChartSvg(kpiCompanies)).toBe(a);
  });

  it('disposes its ECharts instances', () => {
    // echarts numbers instances 'ec_<n>' sequentially: probe the counter around three renders.
    const probe = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 10, height: 10 });
    const base = Number(probe.id.slice(3));
    probe.dispose();
    for (let i = 0; i < 3; i++) kpiChartSvg(kpiCompanies);
    for (let i = 1; i <= 3; i++) expect(echarts.getInstanceById(`ec_${base + i}`)).toBeUndefined();
    const after = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 10, height: 10 });
    expect(Number(after.id.slice(3))).toBe(base + 4); // the three renders did create instances
    after.dispose();
  });

  it('sanitizes hostile SVG to presentation attributes only', () => {
    const dirty = `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><style>*{fill:red}</style><script>alert(2)</script>
      <rect width="10" height="10" style="fill:#f00;background:url(http://evil/);font-size:12px" onclick="x()" class="c"/>
      <a href="javascript:alert(3)"><text>link</text></a><foreignObject><div>x</div></foreignObject>
      <g clip-path="url(http://evil/#c)"><text x="1">a &amp; b &lt; c</text></g><image href="http://evil/x.png"/></svg>`;
    const clean = sanitizeSvg(dirty, { label: 'L', title: 'T' });
    const { elements, text } = parseXml(clean);
    expect(elements.map((e) => e.name)).toEqual(['svg', 'title', 'rect', 'g', 'text']);
    expect(elements[2].attributes).toEqual({ width: '10', height: '10', fill: '#f00', 'font-size': '12px' });
    expect(elements[3].attributes).toEqual({});
    expect(text).toContain('a & b < c');
    expect(clean).not.toMatch(/alert|evil|javascript|style|onload|onclick/);
    expect(sanitizeSvg(clean)).toBe(clean);
  });

  it('draws category charts for other modules through the same sanitizer', () => {
    const svg = categoryChartSvg({
      categories: ['4月', '5月', '6月'], key: 'test-monthly', label: '月別の相談件数', desc: '4月 10件、5月 12件、6月 なし',
      series: [{ name: '電話', type: 'bar', data: [10, 12, null] }, { name: '前年', type: 'line', data: [8, 9, 11] }],
    });
    const { elements, text } = parseXml(svg);
    expect(elements[0].attributes).toMatchObject({ role: 'img', 'aria-label': '月別の相談件数' });
    expect(text).toContain('電話');
    expect(svg).not.toMatch(/style|<script|\son\w+=/);
    expect(categoryChartSvg({ categories: ['a'], key: 'test-monthly', label: 'x', desc: 'y', series: [{ name: 's', type: 'bar', data: [1] }] }))
      .toBe(categoryChartSvg({ categories: ['a'], key: 'test-monthly', label: 'x', desc: 'y', series: [{ name: 's', type: 'bar', data: [1] }] }));
  });
});

describe('reportWorkbook', () => {
  it('round-trips through exceljs with sheets, headers, numbers, merges and inert formulas', async () => {
    const buf = await reportWorkbook(fixtureModel());
    expect(buf.subarray(0, 2).toString()).toBe('PK');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    const names = wb.worksheets.map((w) => w.name);
    expect(names).toEqual(['目次', 'I-1 ①', 'I-1 ③', 'I-2 ①', '1 脆弱性関連情報の届出件数', 'IV ① 一般管理費']);

    const toc = wb.getWorksheet('目次')!;
    expect(toc.getCell('A1').value).toBe('令和2年度業務実績報告書');
    expect(String(toc.getCell('A2').value)).toContain('令和2年度（2020年度）');
    const listed: string[] = [];
    toc.eachRow((row, n) => { if (n > 4) listed.push((row.getCell(2).value as { text: string }).text); });
    expect(listed).toEqual(names.slice(1));

    const ws = wb.getWorksheet('I-1 ①')!;
    expect((ws.getRow(KPI_HEADER_ROW).values as unknown[]).slice(1)).toEqual(HEADER);
    expect(ws.getRow(KPI_HEADER_ROW).getCell(1).font?.bold).toBe(true);
    expect(ws.getCell(KPI_HEADER_ROW + 1, 1).value).toBe('目標');
    const c = ws.getCell(KPI_HEADER_ROW + 2, 2);
    expect(c.value).toBe(139);
    expect(c.type).toBe(ExcelJS.ValueType.Number);
    expect(c.numFmt).toBe('#,##0"社";-#,##0"社"');
    expect(ws.getCell(KPI_HEADER_ROW + 2, 3).value).toBe('—');
    expect(ws.getCell(KPI_HEADER_ROW + 1, 1).font?.name).toBe('Yu Gothic');
    expect(ws.getColumn(1).width).toBeGreaterThanOrEqual(10);

    // secondary measure: text, not a number
    const g = wb.getWorksheet('I-1 ③')!;
    expect(g.getCell(KPI_HEADER_ROW + 2, 2).value).toBe('70,315件 (93%)');
    expect(g.getCell(KPI_HEADER_ROW + 1, 1).value).toBe('目標 (役立ち度)');

    // merged target cell over the five years
    const w = wb.getWorksheet('I-2 ①')!;
    expect(w.getCell(KPI_HEADER_ROW + 1, 2).value).toBe(159661);
    expect(w.getCell(KPI_HEADER_ROW + 1, 4).isMerged).toBe(true);
    expect(w.getCell(KPI_HEADER_ROW + 1, 6).master.address).toBe(`B${KPI_HEADER_ROW + 1}`);
    expect((w.model as { merges: string[] }).merges).toContain(`B${KPI_HEADER_ROW + 1}:F${KPI_HEADER_ROW + 1}`);

    // reductions keep their printed form through the number format
    const adm = wb.getWorksheet('IV ① 一般管理費')!;
    expect(adm.getCell(KPI_HEADER_ROW + 2, 2).value).toBe(3.1);
    expect(adm.getCell(KPI_HEADER_ROW + 2, 2).numFmt).toBe('"△"#,##0.0"%";"+"#,##0.0"%"');
    expect(adm.getCell(KPI_HEADER_ROW + 2, 4).value).toBe(-1.2);

    // statistics table: numbers numeric, formula-looking text stays a string
    const st = wb.getWorksheet('1 脆弱性関連情報の届出件数')!;
    expect((st.getRow(STAT_HEADER_ROW).values as unknown[]).slice(1)).toEqual(['区分', '件数', '備考']);
    expect(st.getCell(STAT_HEADER_ROW + 1, 2).value).toBe(1520);
    expect(st.getCell(STAT_HEADER_ROW + 2, 2).value).toBe(2003.5);
    for (const [r, v] of [[STAT_HEADER_ROW + 2, HYPERLINK], [STAT_HEADER_ROW + 3, '@SUM(A1:A2)']] as const) {
      const cell = st.getCell(r, 3);
      expect(cell.value).toBe(v);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.formula).toBeUndefined();
    }
  });

  it('writes one sheet per table plus the contents for 20 tables', async () => {
    const m = fixtureModel();
    m.chapters[0].kpis = Array.from({ length: 19 }, (_, i) => ({ ...kpiWhitePapers, kpi: `I/1/kpi-${i}`, symbol: String(i + 1) }));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await reportWorkbook(m) as unknown as ArrayBuffer);
    const tables = m.chapters.reduce((n, c) => n + c.kpis.length + c.tables.length, 0);
    expect(wb.worksheets).toHaveLength(tables + 1);
    expect(new Set(wb.worksheets.map((w) => w.name)).size).toBe(tables + 1);
  });

  it('makes valid, unique sheet names and numeric cells only where the text is the number', () => {
    const used = new Set<string>();
    expect(sheetName('a[b]:c*d?e/f\\g', used)).toBe('a_b__c_d_e_f_g');
    const long = 'あ'.repeat(40);
    const first = sheetName(long, used);
    const second = sheetName(long, used);
    expect([...first].length).toBe(31);
    expect([...second].length).toBeLessThanOrEqual(31);
    expect(second).toMatch(/\(2\)$/);
    expect(sheetName('😀'.repeat(20), used).length).toBe(30); // UTF-16 units, pairs kept whole
    expect(sheetName("'quoted'", used)).toBe('’quoted’');
    expect(sheetName('History', used)).toBe('History (2)');
    expect(sheetName('ABC', used)).toBe('ABC');
    expect(sheetName('abc', used)).toBe('abc (2)');
    expect(numericCell({ text: '66,616社', values: { primary: 66616 } })).toEqual({ value: 66616, numFmt: '#,##0"社";-#,##0"社"' });
    expect(numericCell({ text: '51.9%', values: { primary: 51.9 } })).toEqual({ value: 51.9, numFmt: '#,##0.0"%";-#,##0.0"%"' });
    expect(numericCell({ text: '76 名', values: { primary: 76 } })?.numFmt).toBe('#,##0" 名";-#,##0" 名"');
    expect(numericCell({ text: '3分の2', values: { primary: 66.7 } })).toBeUndefined();
    expect(numericCell({ text: '100社', values: { primary: 99 } })).toBeUndefined();
    expect(numericCell({ text: '— 500社※', values: { primary: null, stepUp: 500 } })).toBeUndefined();
  });
});

describe('reportCsvTables', () => {
  it('has one table per KPI and statistics table, mirroring the printed rows', () => {
    const tables = reportCsvTables(fixtureModel());
    expect(tables.map((t) => t.name)).toEqual(['fy2020-I-1-kpi-1', 'fy2020-I-1-kpi-3', 'fy2020-I-2-kpi-1', 'fy2020-I-1-stat-vuln-desk-reports', 'fy2020-IV-kpi-1']);
    expect(tables[0].rows[0]).toEqual(HEADER);
    expect(tables[0].rows[2]).toEqual(['実績', '139社', '—', '87社', '—', '—']);
    expect(tables[2].rows[1]).toEqual(['目標', '159,661件', '', '', '', '']);
    expect(tables[3].rows).toEqual([
      ['区分', '件数', '備考'],
      ['ソフトウェア製品', 1520, '前年度比 +12%'],
      ['ウェブサイト', 2003.5, HYPERLINK],
      ['合計', '', '@SUM(A1:A2)'],
    ]);
    expect(tables[4].title).toBe('IV ① <一般管理費>');
  });

  it('encodes with the platform CSV writer (BOM, CRLF, formula guard)', () => {
    const files = reportCsvFiles(fixtureModel());
    const stat = files.find((f) => f.filename === 'fy2020-I-1-stat-vuln-desk-reports.csv')!;
    const text = stat.body.toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain('\r\nウェブサイト,2003.5,"\'=HYPERLINK(""http://example.invalid/"",""click"")"\r\n');
    expect(text).toContain("合計,,'@SUM(A1:A2)");
  });
});

describe('ReportDocument', () => {
  const html = renderToString(h(ReportDocument, { model: fixtureModel(), lang: 'ja', charts: true }));

  it('renders the cover, contents and chapter headings', () => {
    expect(html).toContain('令和2年度業務実績報告書');
    expect(html).toContain('令和2年度（2020年度）');
    expect(html).toContain('第2版');
    expect(html).toContain('2021年6月1日');
    expect(html).toContain('目次');
    expect(html).toContain('href="#report-ch-2"');
    expect(html).toContain('(1) 中期計画における主な定量的指標の進捗状況');
    expect(html).toContain('(2) 主な実績');
    expect(html).toContain('脆弱性関連情報の届出件数');
    expect(html.indexOf('新たな脅威')).toBeLessThan(html.indexOf('その他業務運営'));
  });

  it('renders accessible KPI tables with merged cells and met/missed marks', () => {
    expect(html).toMatch(/<table class="report-table report-kpi-table"><caption>/);
    expect(html).toContain('<th scope="col">年度</th>');
    expect(html).toContain('<th scope="row">目標 (役立ち度)</th>');
    expect(html).toMatch(/<td colspan="5"[^>]*>159,661件<\/td>/);
    expect(html).toMatch(/139社 <span class="report-mark report-mark-met"><span aria-hidden="true">○<\/span>達成<\/span>/);
    expect(html).toMatch(/87社 <span class="report-mark report-mark-missed"><span aria-hidden="true">×<\/span>未達成<\/span>/);
    expect(html).toContain('【注記（原資料との相違）】');
    expect(html).toContain('<caption>① &lt;一般管理費></caption>');
  });

  it('escapes text and inlines only sanitized chart SVG (CSP: no style attributes)', () => {
    expect(html).toContain('&lt;script>alert(1)&lt;/script>');
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;b>継続&lt;/b>');
    expect(html).not.toMatch(/\sstyle=|<style|\son[a-z]+=/i);
    expect(html.match(/<svg /g)?.length).toBe(4);
    expect(html).toContain('role="img"');
    const plain = renderToString(h(ReportDocument, { model: fixtureModel(), lang: 'ja', charts: false }));
    expect(plain).not.toContain('<svg');
  });

  it('renders English with the Japanese kept where no translation exists', () => {
    const en = renderToString(h(ReportDocument, { model: fixtureModel(), lang: 'en', charts: false }));
    expect(en).toContain('<article class="report" lang="en">');
    expect(en).toContain('FY2020 Annual Performance Report');
    expect(en).toContain('<th scope="col">FY2020</th>'.replace('<th scope="col">', '<th scope="col" class="num">'));
    expect(en).toContain('Target <span lang="ja">(目標 (役立ち度))</span>');
    expect(en).toContain('Not met');
    expect(en).toContain('Revision 2');
  });
});
