// The report's tables as CSV: one file per KPI table and per module statistics table. Rows mirror
// the printed tables (a merged cell's text in its first column, the covered columns empty);
// encoding, quoting and formula guarding are src/platform/stats/csv.ts's.
import { toCsv, type CsvEncoding } from '../../../platform/stats/csv.js';
import type { KpiTableModel, ReportChapterModel, ReportModel, StatTableModel } from '../types.js';

export interface ReportCsvTable {
  /** ASCII file-name stem, unique within the report, e.g. 'fy2020-I-1-kpi-1', 'fy2020-I-stat-vuln-desk-reports'. */
  name: string;
  /** Japanese title of the table, for listings. */
  title: string;
  rows: unknown[][];
}

const CIRCLED = '①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳';

/** 'I/1/kpi-①' → 'I-1-kpi-1': ASCII only, so it survives Content-Disposition (csvDisposition). */
export function asciiSlug(s: string): string {
  return [...s]
    .map((ch) => {
      const i = CIRCLED.indexOf(ch);
      return i >= 0 ? String(i + 1) : ch;
    })
    .join('')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The plan node a KPI table belongs to as the report prints it: 'I/1/kpi-①' → 'I-1'; falls back to the chapter label. */
export function kpiNodeLabel(chapter: ReportChapterModel, kpi: KpiTableModel): string {
  const at = kpi.kpi.indexOf('/kpi-');
  return at > 0 ? kpi.kpi.slice(0, at).split('/').join('-') : chapter.label;
}

/** The header row of a printed KPI table: '年度' then the fiscal years. */
export function kpiHeader(kpi: KpiTableModel): string[] {
  return kpi.header.length === kpi.years.length + 1 ? kpi.header : ['年度', ...kpi.years.map((y) => `${y}年度`)];
}

/**
 * Column headers of a statistics table including the row-label column. Modules may give the
 * columns of the cells only, or the label column too; both are accepted.
 */
export function statColumns(table: StatTableModel): Array<{ ja: string; en: string }> {
  const width = Math.max(0, ...table.rows.map((r) => r.cells.length));
  return table.columns.length > width ? table.columns : [{ ja: '', en: '' }, ...table.columns];
}

/** A row's cells spread over the year columns: a merged cell's text first, '' for the columns it covers. */
export function spreadCells(cells: Array<{ text: string; span?: number }>, width: number): string[] {
  const out: string[] = [];
  for (const c of cells) {
    out.push(c.text);
    for (let i = 1; i < (c.span ?? 1); i++) out.push('');
  }
  while (out.length < width) out.push('');
  return out.slice(0, width);
}

export function kpiCsvRows(kpi: KpiTableModel): unknown[][] {
  const header = kpiHeader(kpi);
  return [header, ...kpi.rows.map((r) => [r.label, ...spreadCells(r.cells, header.length - 1)])];
}

export function statCsvRows(table: StatTableModel): unknown[][] {
  return [statColumns(table).map((c) => c.ja), ...table.rows.map((r) => [r.label.ja, ...r.cells.map((c) => c ?? '')])];
}

export function reportCsvTables(model: ReportModel): ReportCsvTable[] {
  const out: ReportCsvTable[] = [];
  const used = new Set<string>();
  const unique = (stem: string) => {
    let name = stem;
    for (let i = 2; used.has(name); i++) name = `${stem}-${i}`;
    used.add(name);
    return name;
  };
  for (const ch of model.chapters) {
    for (const kpi of ch.kpis) {
      const stem = `fy${model.fiscalYear}-${asciiSlug(kpi.kpi) || asciiSlug(ch.node) + '-kpi'}`;
      out.push({ name: unique(stem), title: `${kpiNodeLabel(ch, kpi)} ${kpi.symbol} ${kpi.caption ?? kpi.name.ja}`.trim(), rows: kpiCsvRows(kpi) });
    }
    for (const table of ch.tables) {
      out.push({ name: unique(`fy${model.fiscalYear}-${asciiSlug(ch.node)}-stat-${asciiSlug(table.key) || 'table'}`), title: table.title.ja, rows: statCsvRows(table) });
    }
  }
  return out;
}

/** The tables encoded as CSV files (UTF-8 with BOM or Shift_JIS), named '<name>.csv'. */
export function reportCsvFiles(model: ReportModel, encoding: CsvEncoding = 'utf-8'): Array<{ filename: string; title: string; body: Buffer }> {
  return reportCsvTables(model).map((t) => ({ filename: `${t.name}.csv`, title: t.title, body: toCsv(t.rows, encoding) }));
}
