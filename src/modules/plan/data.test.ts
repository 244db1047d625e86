// The plan seed data against the printed report: every KPI table cell, header and row label must
// print exactly as in ../shared/seed (read in place through test/shared-reference.ts), and the plan
// tree and results must hang together and point at the right seed lines. No database.
import { describe, expect, it } from 'vitest';
import { seedReportLines } from '../../../test/shared-reference.js';
import { parseSeedKpiTables } from '../../../test/seed-kpi-tables.js';
import { KPIS } from './data/kpis.js';
import { FOURTH_PERIOD } from './data/period.js';
import { PLAN_NODES } from './data/plan-tree.js';
import { RESULTS } from './data/results.js';
import { cellNumber, fiscalYearHeader, formatCell, formatValue, normaliseCellText } from './format.js';
import type { MeasureSeed } from './types.js';

const lines = seedReportLines();
const tables = parseSeedKpiTables(lines);
const years = Array.from({ length: FOURTH_PERIOD.lastFy - FOURTH_PERIOD.firstFy + 1 }, (_, i) => FOURTH_PERIOD.firstFy + i);

/** Full-width digits/letters/parentheses and Roman numerals as ASCII, without whitespace or dots
 *  (the print writes '（１－１）', 'Ⅱ.' and, by an OCR slip, '1.2.' for section 12). */
function loose(s: string): string {
  const map: Record<string, string> = { '（': '(', '）': ')', '－': '-', '．': '.', 'Ⅰ': 'I', 'Ⅱ': 'II', 'Ⅲ': 'III', 'Ⅳ': 'IV' };
  return s
    .replace(/[０-９ａ-ｚＡ-Ｚ]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[（）－．ⅠⅡⅢⅣ]/g, (c) => map[c])
    .replace(/<sup>\d+\)?<\/sup>/g, '')
    .replace(/[\s.]/g, '');
}

describe('format', () => {
  const m = (unit: string, format: MeasureSeed['format'] = 'number'): MeasureSeed => ({ key: 'primary', name: { ja: '' }, unit, format });
  it('writes values as the report does', () => {
    expect(formatValue(100, m('社'))).toBe('100社');
    expect(formatValue(66616, m('社'))).toBe('66,616社');
    expect(formatValue(51.9, m('%', 'percent'))).toBe('51.9%');
    expect(formatValue(3.1, m('%', 'reduction'))).toBe('△3.1%');
    expect(formatValue({ value: 3, decimals: 1 }, m('%', 'reduction'))).toBe('△3.0%');
    expect(formatValue({ value: 200 / 3, text: '3分の2' }, m('%', 'percent'))).toBe('3分の2');
    expect(cellNumber({ value: 3, decimals: 1 })).toBe(3);
    expect(normaliseCellText(' \t')).toBe('—');
  });
  it('names fiscal years by era', () => {
    expect(years.map(fiscalYearHeader)).toEqual(['平成30年度', '令和元年度', '令和2年度', '令和3年度', '令和4年度']);
  });
});

describe('KPI tables against the print', () => {
  it('finds the 18 KPI tables of the report', () => {
    expect(tables).toHaveLength(18);
    expect(KPIS).toHaveLength(18);
  });

  it('keeps KPI codes unique, in document order, inside their seed lines', () => {
    expect(new Set(KPIS.map((k) => k.code)).size).toBe(KPIS.length);
    for (let i = 0; i < KPIS.length; i++) {
      const [first, last] = KPIS[i].seedLines;
      expect(first, KPIS[i].code).toBeLessThanOrEqual(tables[i].line);
      // The table lies within the KPI's lines (I.1-② adds the footnote under its table).
      expect(last, KPIS[i].code).toBeGreaterThanOrEqual(tables[i].line + 2);
      if (i + 1 < tables.length) expect(last, KPIS[i].code).toBeLessThan(tables[i + 1].line);
      if (i > 0) expect(first).toBeGreaterThanOrEqual(KPIS[i - 1].seedLines[0]);
      // The statement is printed on the first line.
      expect(loose(lines[first - 1]), KPIS[i].code).toContain(loose(KPIS[i].statement.ja.split('\n')[0]).slice(0, 30));
    }
  });

  KPIS.forEach((kpi, i) => {
    it(`${kpi.code} prints as at seed line ${kpi.seedLines[0]}`, () => {
      const table = tables[i];
      expect(table.header.map(normaliseCellText)).toEqual(years.map(fiscalYearHeader));
      expect(normaliseCellText(table.target.label)).toBe(normaliseCellText(kpi.rowLabels?.target ?? '目標'));
      expect(normaliseCellText(table.actual.label)).toBe(normaliseCellText(kpi.rowLabels?.actual ?? '実績'));
      for (const row of ['target', 'actual'] as const) {
        let coveredUntil = -1;
        years.forEach((fy, col) => {
          const cell = kpi.years[fy]?.[row];
          if (col <= coveredUntil) expect(cell, `${kpi.code} ${row} ${fy} lies inside a merged cell`).toBeUndefined();
          if (cell?.span) coveredUntil = col + cell.span - 1;
          expect(normaliseCellText(formatCell(kpi, cell)), `${kpi.code} ${row} ${fy}`).toBe(normaliseCellText(table[row].cells[col]));
        });
      }
      for (const fy of Object.keys(kpi.years).map(Number)) expect(years).toContain(fy);
    });
  });

  it('records the IV registrants discrepancy with both figures and lines', () => {
    const iv = KPIS.find((k) => k.code === 'IV/kpi-①')!;
    expect(iv.years[2019].actual?.values.primary).toBe(26021);
    const note = iv.notes.find((n) => n.kind === 'discrepancy');
    expect(note?.lines).toEqual(expect.arrayContaining([4092, 4371]));
    expect(note?.text.ja).toContain('26,021');
    expect(note?.text.ja).toContain('26,012');
    expect(lines[4092 - 1]).toContain('26,021');
    expect(lines[4371 - 1]).toContain('26,012');
  });

  it('points every note at existing lines', () => {
    for (const k of KPIS) for (const n of k.notes) for (const l of n.lines ?? []) expect(lines[l - 1]?.trim(), `${k.code} line ${l}`).toBeTruthy();
  });
});

describe('plan tree and results', () => {
  const byCode = new Map(PLAN_NODES.map((n) => [n.code, n]));

  it('has unique codes and existing parents', () => {
    expect(byCode.size).toBe(PLAN_NODES.length);
    for (const n of PLAN_NODES) {
      if (n.kind === 'chapter') expect(n.parent).toBeNull();
      else expect(byCode.has(n.parent!), `${n.code} → ${n.parent}`).toBe(true);
    }
    expect(PLAN_NODES.filter((n) => n.kind === 'chapter').map((n) => n.code)).toEqual(['I', 'II', 'III', 'IV']);
  });

  it('has the nodes KPIs and results attach to', () => {
    for (const k of KPIS) expect(byCode.has(k.node), k.code).toBe(true);
    for (const r of RESULTS) expect(byCode.get(r.node)?.code, `${r.node} (line ${r.seedLine})`).toBe(r.node);
    for (const r of RESULTS) expect(r.node).toMatch(/\/main-[①-⑳]$/);
  });

  it('points every node at the line that prints its label', () => {
    for (const n of PLAN_NODES) {
      const line = lines[n.seedLine - 1] ?? '';
      expect(loose(line), `${n.code} at ${n.seedLine}`).toContain(loose(n.label));
      expect(loose(line), `${n.code} at ${n.seedLine}`).toContain(loose(n.title.ja).slice(0, 12));
    }
  });

  it('points every result at the line where its text starts', () => {
    for (const r of RESULTS) expect(loose(lines[r.seedLine - 1]), `${r.node} at ${r.seedLine}`).toContain(loose(r.text.ja.split('\n')[0]).slice(0, 15));
  });
});
