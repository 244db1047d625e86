// Reads the KPI tables (中期計画における主な定量的指標) straight from the report text, independently of
// src/modules/plan/data, so that the seed data can be checked against the print. A table is a
// tab-separated '年度' row followed by '目標…' and '実績…' rows, inside a KPI section: from a
// 「中期計画における主な定量的指標の進捗状況」 heading to the next 「主な実績」 heading. Other 年度 tables in
// the report (RISS pass years, regional centres, guarantees, SNS figures) lie outside those sections.
import { seedReportLines } from './shared-reference.js';

export interface SeedKpiRow { label: string; cells: string[] }
export interface SeedKpiTable {
  /** 1-based line of the '年度' header row. */
  line: number;
  /** Header cells after '年度' (平成30年度 … 令和4年度, as printed). */
  header: string[];
  target: SeedKpiRow;
  actual: SeedKpiRow;
}

function row(line: string, width: number): SeedKpiRow {
  const [label, ...cells] = line.split('\t');
  while (cells.length < width) cells.push('');
  return { label: label.trim(), cells: cells.slice(0, width) };
}

export function parseSeedKpiTables(lines: string[] = seedReportLines()): SeedKpiTable[] {
  const tables: SeedKpiTable[] = [];
  let inKpiSection = false;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i];
    if (text.includes('中期計画における主な定量的指標の進捗状況')) { inKpiSection = true; continue; }
    if (/^#+\s*[(（][0-9０-９][)）]\s*主な実績/.test(text)) { inKpiSection = false; continue; }
    if (!inKpiSection || !text.startsWith('年度\t')) continue;
    const header = text.split('\t').slice(1);
    // The target and actual rows follow directly (no blank line in the seed).
    const t = lines[i + 1] ?? '';
    const a = lines[i + 2] ?? '';
    if (!t.startsWith('目標') || !a.startsWith('実績')) continue;
    tables.push({ line: i + 1, header, target: row(t, header.length), actual: row(a, header.length) });
  }
  return tables;
}
