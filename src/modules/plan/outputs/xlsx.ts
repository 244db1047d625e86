// The report's tables as an Excel workbook: '目次' (contents) first, then a sheet per KPI table
// and per module statistics table. Cells holding one number are numeric with a number format that
// reproduces the printed text (100社, △3.1%); everything else is a string cell. exceljs writes
// strings as strings (shared strings), so '=HYPERLINK(…)' stays inert text: no value is ever
// assigned as a formula here.
import ExcelJS from 'exceljs';
import { eraYear } from '../../../platform/i18n/dates.js';
import type { KpiTableModel, ReportCell, ReportModel, StatTableModel } from '../types.js';
import { kpiHeader, kpiNodeLabel, statColumns } from './csv.js';

/** Font name only (metadata): Excel substitutes when it is missing; 128 = SHIFTJIS_CHARSET marks the text as Japanese. */
const FONT: Partial<ExcelJS.Font> = { name: 'Yu Gothic', size: 10.5, charset: 128 };
const BORDER: Partial<ExcelJS.Borders> = {
  top: { style: 'thin', color: { argb: 'FF999999' } }, left: { style: 'thin', color: { argb: 'FF999999' } },
  bottom: { style: 'thin', color: { argb: 'FF999999' } }, right: { style: 'thin', color: { argb: 'FF999999' } },
};
const HEAD_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEEF3F8' } };

/** Row of the 年度 header on KPI sheets (rows 1–3: title, statement, caption). */
export const KPI_HEADER_ROW = 5;
/** Row of the column header on statistics sheets (rows 1–2: Japanese and English title). */
export const STAT_HEADER_ROW = 4;

/** Display width with East Asian wide characters counted twice (Excel column units are ~1 ASCII char). */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u2460-\u24ff\u25a0-\u25ff]/.test(ch) || ch.codePointAt(0)! > 0xffff ? 2 : 1;
  return w;
}

/** Excel sheet names: ≤31 chars, none of []:*?/\, not starting/ending with an apostrophe, unique ignoring case. */
export function sheetName(wanted: string, used: Set<string>): string {
  const base = wanted.replace(/[[\]:*?/\\]/g, '_').replace(/'/g, '’').replace(/\s+/g, ' ').trim() || 'Sheet';
  // Excel counts UTF-16 units; cut on code points so a surrogate pair is never split.
  const cut = (s: string, n: number) => {
    let out = '';
    for (const ch of s) { if (out.length + ch.length > n) break; out += ch; }
    return out.trim();
  };
  let name = cut(base, 31);
  for (let i = 2; used.has(name.toLowerCase()) || name.toLowerCase() === 'history'; i++) {
    const suffix = ` (${i})`;
    name = cut(base, 31 - suffix.length) + suffix;
  }
  used.add(name.toLowerCase());
  return name;
}

const quoteFmt = (s: string) => `"${s}"`;

/**
 * A cell with one numeric value whose printed text is that number (with optional △ and unit),
 * as value + number format; undefined when the text is anything else ('70,315件 (93%)', '3分の2').
 */
export function numericCell(cell: Pick<ReportCell, 'text' | 'values'>): { value: number; numFmt: string } | undefined {
  const nums = Object.values(cell.values ?? {}).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (nums.length !== 1) return undefined;
  const value = nums[0];
  const m = /^(△|▲|\+|-|−)?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(\s*[^\d\s"\\()（）.,][^\d"\\()（）]*)?$/.exec(cell.text.trim());
  if (!m) return undefined;
  const printed = Number(m[2].replace(/,/g, '') + (m[3] ? '.' + m[3] : ''));
  if (Math.abs(Math.abs(value) - printed) > 1e-9 * Math.max(1, printed)) return undefined;
  const body = '#,##0' + (m[3] ? '.' + '0'.repeat(m[3].length) : '');
  const pos = body + (m[4] ? quoteFmt(m[4]) : '');
  const sign = m[1] === '▲' ? '△' : m[1] === '−' ? '-' : m[1];
  const neg = value < 0;
  let numFmt: string;
  // Reductions are printed △ (a positive magnitude in the model; '+' when negative, i.e. an
  // increase). A negative number may also be stored as such and printed △ or -.
  if (sign === undefined && !neg) numFmt = `${pos};-${pos}`;
  else if ((sign === '△' && !neg) || (sign === '+' && neg)) numFmt = `"△"${pos};"+"${pos}`;
  else if (sign === '△' && neg) numFmt = `${pos};"△"${pos}`;
  else if (sign === '-' && neg) numFmt = `${pos};-${pos}`;
  else return undefined;
  return { value, numFmt };
}

function setText(cell: ExcelJS.Cell, text: string): void {
  // Always a plain string: exceljs never turns a string into a formula, whatever its first character.
  cell.value = text;
}

function styleTable(ws: ExcelJS.Worksheet, fromRow: number, toRow: number, cols: number): void {
  for (let r = fromRow; r <= toRow; r++) {
    for (let c = 1; c <= cols; c++) {
      const cell = ws.getCell(r, c);
      cell.border = BORDER;
      cell.font = { ...FONT, bold: r === fromRow || c === 1 };
      if (r === fromRow || c === 1) cell.fill = HEAD_FILL;
      cell.alignment = { vertical: 'middle', horizontal: c === 1 ? 'left' : typeof cell.value === 'number' ? 'right' : 'center', wrapText: true };
    }
  }
}

function fitColumns(ws: ExcelJS.Worksheet, fromRow: number, cols: number, min = 8, max = 48): void {
  for (let c = 1; c <= cols; c++) {
    let w = min;
    ws.getColumn(c).eachCell({ includeEmpty: false }, (cell, row) => {
      if (row < fromRow || cell.isMerged && cell.master !== cell) return;
      const s = typeof cell.value === 'number' ? cell.text || String(cell.value) : String(cell.value ?? '');
      w = Math.max(w, displayWidth(s) + 2);
    });
    ws.getColumn(c).width = Math.min(max, w);
  }
}

/** A long paragraph merged across the table's width, wrapped, with an estimated row height (Excel does not autofit merged cells). */
function paragraph(ws: ExcelJS.Worksheet, row: number, cols: number, text: string, font: Partial<ExcelJS.Font> = FONT): void {
  const cell = ws.getCell(row, 1);
  setText(cell, text);
  cell.font = font;
  cell.alignment = { wrapText: true, vertical: 'top' };
  if (cols > 1) ws.mergeCells(row, 1, row, cols);
  let total = 0;
  for (let c = 1; c <= cols; c++) total += ws.getColumn(c).width ?? 10;
  const lines = Math.max(1, Math.ceil(displayWidth(text) / Math.max(10, total - 2)));
  ws.getRow(row).height = Math.min(409, lines * 15 + 3);
}

function kpiSheet(ws: ExcelJS.Worksheet, kpi: KpiTableModel): void {
  const header = kpiHeader(kpi);
  const cols = header.length;
  const h = ws.getRow(KPI_HEADER_ROW);
  header.forEach((v, i) => setText(h.getCell(i + 1), v));
  kpi.rows.forEach((r, ri) => {
    const row = ws.getRow(KPI_HEADER_ROW + 1 + ri);
    setText(row.getCell(1), r.label);
    let col = 2;
    for (const c of r.cells) {
      const cell = row.getCell(col);
      const num = numericCell(c);
      if (num) {
        cell.value = num.value;
        cell.numFmt = num.numFmt;
      } else setText(cell, c.text);
      const span = Math.max(1, c.span ?? 1);
      if (span > 1 && col + span - 1 <= cols) ws.mergeCells(row.number, col, row.number, col + span - 1);
      col += span;
    }
  });
  const last = KPI_HEADER_ROW + kpi.rows.length;
  styleTable(ws, KPI_HEADER_ROW, last, cols);
  fitColumns(ws, KPI_HEADER_ROW, cols, 10, 24);
  paragraph(ws, 1, cols, `${kpi.symbol} ${kpi.name.ja}`.trim(), { ...FONT, bold: true, size: 12 });
  paragraph(ws, 2, cols, kpi.statement.ja);
  if (kpi.caption) paragraph(ws, 3, cols, kpi.caption, { ...FONT, bold: true });
  let r = last + 2;
  for (const n of kpi.notes) {
    const flag = n.kind === 'discrepancy' ? '【注記】' : n.kind === 'definition_change' ? '【定義変更】' : '';
    paragraph(ws, r++, cols, flag + n.text.ja);
  }
  ws.views = [{ state: 'frozen', xSplit: 1, ySplit: 0 }];
}

function statSheet(ws: ExcelJS.Worksheet, table: StatTableModel): void {
  const columns = statColumns(table);
  const cols = columns.length;
  const h = ws.getRow(STAT_HEADER_ROW);
  columns.forEach((c, i) => setText(h.getCell(i + 1), c.ja));
  table.rows.forEach((r, ri) => {
    const row = ws.getRow(STAT_HEADER_ROW + 1 + ri);
    setText(row.getCell(1), r.label.ja);
    r.cells.forEach((v, ci) => {
      const cell = row.getCell(ci + 2);
      if (typeof v === 'number' && Number.isFinite(v)) {
        cell.value = v;
        cell.numFmt = Number.isInteger(v) ? '#,##0' : '#,##0.0#';
      } else if (v !== null && v !== undefined) setText(cell, String(v));
    });
  });
  const last = STAT_HEADER_ROW + table.rows.length;
  styleTable(ws, STAT_HEADER_ROW, last, cols);
  fitColumns(ws, STAT_HEADER_ROW, cols, 10, 40);
  paragraph(ws, 1, cols, table.title.ja, { ...FONT, bold: true, size: 12 });
  paragraph(ws, 2, cols, table.title.en, { ...FONT, italic: true });
  let r = last + 2;
  for (const n of table.notes ?? []) paragraph(ws, r++, cols, n.ja);
}

export async function reportWorkbook(model: ReportModel): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Mamori';
  wb.title = model.title.ja;
  const created = new Date(model.generatedAt);
  if (!Number.isNaN(created.getTime())) wb.created = wb.modified = created;

  const used = new Set<string>();
  const toc = wb.addWorksheet(sheetName('目次', used));
  const entries: Array<{ sheet: string; chapter: string; kind: string; title: string }> = [];

  for (const ch of model.chapters) {
    for (const kpi of ch.kpis) {
      const caption = kpi.caption?.replace(/[<>＜＞]/g, '').trim();
      const name = sheetName(`${kpiNodeLabel(ch, kpi)} ${kpi.symbol}${caption ? ' ' + caption : ''}`, used);
      kpiSheet(wb.addWorksheet(name), kpi);
      entries.push({ sheet: name, chapter: `${ch.label} ${ch.title.ja}`, kind: '定量的指標', title: `${kpi.symbol} ${kpi.caption ?? kpi.name.ja}` });
    }
    for (const table of ch.tables) {
      const name = sheetName(`${ch.label} ${table.title.ja}`, used);
      statSheet(wb.addWorksheet(name), table);
      entries.push({ sheet: name, chapter: `${ch.label} ${ch.title.ja}`, kind: '業務統計', title: table.title.ja });
    }
  }

  // Era of most of the year's months: FY2019 is 令和元年度 as the report prints it.
  const fy = `${eraYear(model.fiscalYear, 12)}年度（${model.fiscalYear}年度）`;
  setText(toc.getCell('A1'), model.title.ja);
  toc.getCell('A1').font = { ...FONT, bold: true, size: 14 };
  const revision = model.revision > 0 ? `第${model.revision}版` : '暫定版（未確定）';
  setText(toc.getCell('A2'), `${fy}　${model.period.name.ja}　${revision}　作成 ${model.generatedAt}`);
  toc.getCell('A2').font = FONT;
  const head = toc.getRow(4);
  ['No.', 'シート', '章', '種別', '表題'].forEach((v, i) => setText(head.getCell(i + 1), v));
  entries.forEach((e, i) => {
    const row = toc.getRow(5 + i);
    row.getCell(1).value = i + 1;
    // Internal link to the sheet; the display text is the sheet name.
    row.getCell(2).value = { text: e.sheet, hyperlink: `#'${e.sheet}'!A1` };
    setText(row.getCell(3), e.chapter);
    setText(row.getCell(4), e.kind);
    setText(row.getCell(5), e.title);
  });
  styleTable(toc, 4, 4 + entries.length, 5);
  for (let i = 0; i < entries.length; i++) toc.getCell(5 + i, 1).font = FONT;
  [6, 16, 40, 12, 48].forEach((w, i) => (toc.getColumn(i + 1).width = w));
  toc.views = [{ state: 'frozen', ySplit: 4 }];

  const buf = await wb.xlsx.writeBuffer();
  return Buffer.from(buf as ArrayBuffer);
}
