// The FY2020 report regenerated from the data: with the plan's historical tables and the modules'
// demo data loaded, every KPI table cell equals the printed report (read from ../shared/seed, parsed
// independently of the module's own data files), and the statistics tables equal the printed figures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startTestPlatform, type TestPlatform } from '../../../test/harness.js';
import { parseSeedKpiTables } from '../../../test/seed-kpi-tables.js';
import { buildReport } from './report.js';
import { normaliseCellText } from './format.js';
import type { PlanService } from './service.js';
import type { KpiTableModel, ReportModel } from './types.js';
import { REFERENCE_KPI } from './demo.js';

/** A printed row as its cells: a merged cell is followed by blanks in the text, which print as '—'. */
function expand(t: KpiTableModel, kind: 'target' | 'actual'): string[] {
  const row = t.rows.find((r) => r.kind === kind)!;
  const out: string[] = [];
  for (const c of row.cells) {
    out.push(normaliseCellText(c.text));
    for (let i = 1; i < (c.span ?? 1); i++) out.push('—');
  }
  return out;
}

describe.each(BACKENDS)('FY2020 annual report reproduction on %s', (backend) => {
  let p: TestPlatform;
  let model: ReportModel;

  beforeAll(async () => {
    p = await startTestPlatform(backend);
    await p.loadDemo();
    model = await buildReport(p.ctx, p.ctx.services.get('plan') as PlanService, 2020, { now: new Date('2026-11-26T00:00:00Z') });
  }, 600_000);
  afterAll(async () => { await p?.destroy(); });

  it('reproduces every cell of the 18 KPI tables of the report', () => {
    const printed = parseSeedKpiTables();
    const generated = model.chapters.flatMap((c) => c.kpis).filter((k) => k.kpi !== REFERENCE_KPI.code);
    expect(printed).toHaveLength(18);
    expect(generated.map((k) => k.kpi)).toHaveLength(18);
    let cells = 0;
    printed.forEach((table, i) => {
      const g = generated[i];
      const where = `${g.kpi} (report line ${table.line})`;
      expect(g.header[0]).toBe('年度');
      expect(g.header.slice(1).map(normaliseCellText), where).toEqual(table.header.map(normaliseCellText));
      expect(normaliseCellText(g.rows[0].label), where).toBe(normaliseCellText(table.target.label));
      expect(normaliseCellText(g.rows[1].label), where).toBe(normaliseCellText(table.actual.label));
      expect(expand(g, 'target'), `${where} 目標`).toEqual(table.target.cells.map(normaliseCellText));
      expect(expand(g, 'actual'), `${where} 実績`).toEqual(table.actual.cells.map(normaliseCellText));
      cells += table.target.cells.length + table.actual.cells.length;
    });
    expect(cells).toBe(18 * 2 * 5);
  });

  it('computes achievement rates from the numbers, e.g. I.1 ① FY2020 273社 ÷ 100社', () => {
    const k = model.chapters.flatMap((c) => c.kpis).find((x) => x.kpi === 'I/1/kpi-①')!;
    const rate = k.rows.find((r) => r.kind === 'rate')!;
    expect(rate.cells.map((c) => c.text)).toEqual(['139%', '175%', '273%', '—', '—']);
    expect(rate.cells[2].mark).toBe('met');
    // The registrants KPI keeps the table's 26,021 and says that the text prints 26,012.
    const reg = model.chapters.flatMap((c) => c.kpis).find((x) => x.kpi === 'IV/kpi-①')!;
    expect(reg.rows[1].cells[1].text.replace(/\s/g, '')).toBe('26,021人');
    expect(reg.notes.some((n) => n.kind === 'discrepancy' && n.text.ja.includes('26,012') && n.text.ja.includes('26,021'))).toBe(true);
  });

  it('generates the vulnerability report table of chapter I.1 from the desk\'s cases, as printed', () => {
    const ch = model.chapters.find((c) => c.node === 'I/1')!;
    const t = ch.tables.find((x) => x.key === 'vuln-desk.received-closed')!;
    const cell = (label: string) => t.rows.find((r) => r.label.ja === label)!.cells[0];
    expect(cell('受付件数 製品')).toBe('4,772（+255）');
    expect(cell('（開発者届）')).toBe('（312）');
    expect(cell('受付件数 ウェブ')).toBe('11,705（+734）');
    expect(cell('受付件数 合計')).toBe('16,477（+989）');
    expect(cell('提供/公表（終了）件数 製品')).toBe('2,785（+94）');
    expect(cell('（公表）')).toBe('（1,875（+96））');
    expect(cell('提供/公表（終了）件数 ウェブ')).toBe('10,378（+316）');
    expect(cell('提供/公表（終了）件数 合計')).toBe('13,163（+410）');
    expect(cell('製品 取扱中（うち JPCERT/CC へ未送付）')).toBe('1,987（24）');
    expect(cell('ウェブ 取扱中（運営者未連絡／詳細未送付）')).toBe('1,327（49／639）');
  });

  it('computes the reference indicator bound to the desk statistic: 989 reports in FY2020', () => {
    const ref = model.chapters.flatMap((c) => c.kpis).find((x) => x.kpi === REFERENCE_KPI.code)!;
    const actual = ref.rows.find((r) => r.kind === 'actual')!;
    expect(actual.cells[2]).toMatchObject({ origin: 'statistic', values: { primary: 989 } });
  });
});
