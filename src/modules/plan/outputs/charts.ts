// KPI charts (実績 bars, 目標 line per fiscal year) for the report pages, drawn through the kernel's
// server-side chart renderer (src/platform/ui/charts.ts: ECharts → sanitized, accessible SVG).
import type { KpiTableModel, ReportCell } from '../types.js';
import { CHART_COLORS, CHART_FONT, renderChartSvg, type ChartOption } from '../../../platform/ui/charts.js';

const L = {
  actual: { ja: '実績', en: 'Actual' },
  target: { ja: '目標', en: 'Target' },
  chart: { ja: '目標と実績の推移', en: 'target and actual by fiscal year' },
  none: { ja: 'なし', en: 'none' },
};

/**
 * Values of a row spread over the table's years. A merged cell (span) states one target for all
 * the years it covers (e.g. 159,661件 every year), so its value is repeated across them.
 */
export function rowValuesByYear(cells: ReportCell[], years: number, measure = 'primary'): Array<number | null> {
  const out: Array<number | null> = [];
  for (const c of cells) {
    const v = c.values?.[measure];
    const n = typeof v === 'number' && Number.isFinite(v) ? v : null;
    for (let i = 0; i < Math.max(1, c.span ?? 1); i++) out.push(n);
  }
  while (out.length < years) out.push(null);
  return out.slice(0, years);
}

function fmt(n: number, lang: 'ja' | 'en'): string {
  return n.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-US', { maximumFractionDigits: 2 });
}


export interface ChartOptions { width?: number; height?: number; lang?: 'ja' | 'en' }

export function kpiChartSvg(table: KpiTableModel, opts: ChartOptions = {}): string {
  const lang = opts.lang ?? 'ja';
  const width = Math.round(opts.width ?? 640);
  const height = Math.round(opts.height ?? 300);
  const n = table.years.length;
  const labels = table.years.map((y, i) => (lang === 'ja' ? table.header[i + 1] ?? `${y}年度` : `FY${y}`));
  const rowOf = (kind: 'target' | 'actual') => table.rows.find((r) => r.kind === kind);
  const target = rowValuesByYear(rowOf('target')?.cells ?? [], n);
  const actual = rowValuesByYear(rowOf('actual')?.cells ?? [], n);

  const option: ChartOption = {
    legend: { top: 4, data: [L.actual[lang], L.target[lang]], textStyle: { fontFamily: CHART_FONT, color: CHART_COLORS.text } },
    grid: { left: 12, right: 24, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: labels, axisLabel: { color: CHART_COLORS.axis, interval: 0, fontFamily: CHART_FONT }, axisLine: { lineStyle: { color: CHART_COLORS.axis } } },
    yAxis: { type: 'value', axisLabel: { color: CHART_COLORS.axis, fontFamily: CHART_FONT, formatter: (v: number) => fmt(v, lang) }, splitLine: { lineStyle: { color: CHART_COLORS.grid } } },
    series: [
      {
        type: 'bar', name: L.actual[lang], data: actual, barMaxWidth: 48, itemStyle: { color: CHART_COLORS.actual },
        label: { show: true, position: 'top', color: CHART_COLORS.text, fontFamily: CHART_FONT, formatter: (p: { value?: unknown }) => (typeof p.value === 'number' ? fmt(p.value, lang) : '') },
        emphasis: { disabled: true }, silent: true,
      },
      {
        // connectNulls false: a year without a target is a gap, not an interpolated line.
        type: 'line', name: L.target[lang], data: target, connectNulls: false, symbol: 'diamond', symbolSize: 9, showAllSymbol: true,
        lineStyle: { color: CHART_COLORS.target, width: 2, type: 'dashed' }, itemStyle: { color: CHART_COLORS.target },
        emphasis: { disabled: true }, silent: true,
      },
    ],
  };

  const name = `${table.symbol} ${table.name[lang] ?? table.name.ja}`.trim();
  const label = lang === 'ja' ? `${name}：${L.chart.ja}` : `${name}: ${L.chart.en}`;
  const desc = table.years
    .map((_, i) => {
      const a = actual[i] === null ? L.none[lang] : fmt(actual[i]!, lang);
      const t = target[i] === null ? L.none[lang] : fmt(target[i]!, lang);
      return lang === 'ja' ? `${labels[i]}　目標 ${t}、実績 ${a}` : `${labels[i]}: target ${t}, actual ${a}`;
    })
    .join(lang === 'ja' ? '。' : '; ');
  return renderChartSvg(option, { width, height, label, desc, key: `${table.kpi}${table.caption ?? ''}` });
}

