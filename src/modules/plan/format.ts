// How KPI figures are written in the report's tables (100社, 66,616社, 51.9%, △3.0%, 3分の2,
// '25,787社 503社※', '70,315件 (93%)'). Pure functions: the report model, the exports and the
// tests that compare the seed data with the printed tables all go through these.
import { eraYear } from '../../platform/i18n/dates.js';
import type { CellSeed, CellValue, KpiSeed, MeasureSeed } from './types.js';

const EMPTY = '—';

export function cellNumber(v: CellValue): number {
  return typeof v === 'number' ? v : v.value;
}

function formatNumber(n: number, decimals?: number): string {
  const d = decimals ?? undefined;
  return new Intl.NumberFormat('en-US', {
    useGrouping: true,
    minimumFractionDigits: d ?? 0,
    // Without explicit decimals print the number as stored (51.9, 91.5), trimming float noise.
    maximumFractionDigits: d ?? 6,
  }).format(n);
}

/** One value with its unit: '100社', '66,616社', '51.9%', '△3.1%', '△3.0%', '3分の2'. */
export function formatValue(v: CellValue, m: MeasureSeed): string {
  if (typeof v !== 'number' && v.text !== undefined) return v.text;
  const n = cellNumber(v);
  const decimals = typeof v === 'number' ? undefined : v.decimals;
  if (m.format === 'reduction') {
    // Reductions are stored as positive magnitudes; a negative one would be an increase.
    const sign = n < 0 ? '+' : '△';
    return `${sign}${formatNumber(Math.abs(n), decimals)}${m.unit}`;
  }
  return `${formatNumber(n, decimals)}${m.unit}`;
}

function primaryMeasure(kpi: KpiSeed): MeasureSeed {
  return kpi.measures.find((m) => !m.secondary) ?? kpi.measures[0];
}

/**
 * A table cell as printed: primary value, then secondary measures (' (93%)' or ' 503社※').
 * An absent cell prints '—'; so does a null/absent primary when a secondary follows ('— 500社※').
 */
export function formatCell(kpi: KpiSeed, cell: CellSeed | undefined): string {
  if (!cell) return EMPTY;
  const primary = primaryMeasure(kpi);
  const pv = cell.values[primary.key];
  let out = pv === undefined || pv === null ? EMPTY : formatValue(pv, primary);
  for (const m of kpi.measures) {
    if (m === primary || !m.secondary) continue;
    const v = cell.values[m.key];
    if (v === undefined || v === null) continue;
    out += m.secondary === 'paren' ? ` (${formatValue(v, m)})` : ` ${formatValue(v, m)}※`;
  }
  return out;
}

/**
 * Column header of a fiscal year: 平成30年度, 令和元年度, 令和2年度. The era is taken at the end of
 * the April year's calendar year, because FY2019 (April 2019 was still 平成31) is named 令和元年度.
 */
export function fiscalYearHeader(fy: number): string {
  return `${eraYear(fy, 12, 31)}年度`;
}

/** For comparing with the print: no whitespace at all, and an empty cell reads '—'. */
export function normaliseCellText(s: string): string {
  const t = s.replace(/\s+/gu, '');
  return t === '' ? EMPTY : t;
}
