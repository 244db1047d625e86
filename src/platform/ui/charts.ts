// Charts rendered on the server with Apache ECharts to SVG strings that pages inline. The site's
// CSP has style-src 'self' without 'unsafe-inline', which blocks both <style> elements and style=""
// attributes in inline SVG, so the ECharts output is rewritten through an allow-list: style
// declarations become presentation attributes (not subject to CSP); hover stylesheets, classes,
// metadata and anything unknown go. Modules draw charts only through this file.
import { createHash } from 'node:crypto';
// Runtime modules from 'echarts/core' & co. (only what the chart needs). Their own .d.ts files
// re-export extensionless paths that do not resolve under moduleResolution NodeNext (and the main
// 'echarts' typings are `export =`), so the types are taken from echarts/types/dist directly.
import * as coreRuntime from 'echarts/core';
import * as chartsRuntime from 'echarts/charts';
import * as componentsRuntime from 'echarts/components';
import * as renderersRuntime from 'echarts/renderers';
import type * as EchartsCore from 'echarts/types/dist/core';
import type * as EchartsCharts from 'echarts/types/dist/charts';
import type * as EchartsComponents from 'echarts/types/dist/components';
import type * as EchartsRenderers from 'echarts/types/dist/renderers';

const echarts = coreRuntime as unknown as typeof EchartsCore;
const { BarChart, LineChart } = chartsRuntime as unknown as typeof EchartsCharts;
const { GridComponent, LegendComponent } = componentsRuntime as unknown as typeof EchartsComponents;
const { SVGRenderer } = renderersRuntime as unknown as typeof EchartsRenderers;
// Registration is global and idempotent.
echarts.use([BarChart, LineChart, GridComponent, LegendComponent, SVGRenderer]);

type ChartOption = EchartsCore.ComposeOption<EchartsCharts.BarSeriesOption | EchartsCharts.LineSeriesOption | EchartsComponents.GridComponentOption | EchartsComponents.LegendComponentOption>;

/** Unquoted so that it survives as an attribute value; CJK fonts first for the year labels. */
export const CHART_FONT = 'Noto Sans JP, Noto Sans CJK JP, Hiragino Sans, Yu Gothic, Meiryo, sans-serif';

export type { ChartOption };

export const CHART_COLORS = { actual: '#0b5394', target: '#b45309', axis: '#555555', grid: '#dddddd', text: '#1a1a1a' };


export interface ChartFrame {
  width?: number;
  height?: number;
  /** Accessible name; also the SVG <title>. */
  label: string;
  /** Text alternative listing the data (SVG <desc>). */
  desc: string;
  /** Stable key of the chart (e.g. a KPI code): ids are derived from it, so output does not depend on call history. */
  key: string;
}

/** Renders an ECharts option to a sanitized, accessible SVG string. */
export function renderChartSvg(option: ChartOption, frame: ChartFrame): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: Math.round(frame.width ?? 640), height: Math.round(frame.height ?? 300) });
  let raw: string;
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: CHART_FONT, color: CHART_COLORS.text }, ...option });
    raw = chart.renderToSVGString();
  } finally {
    chart.dispose(); // SSR instances are otherwise kept in echarts' instance registry
  }
  const prefix = 'kc' + createHash('sha1').update(frame.key).digest('hex').slice(0, 8);
  return sanitizeSvg(raw, { idPrefix: prefix, label: frame.label, title: frame.label, desc: frame.desc });
}

/** A category chart with bar and/or line series (counts by month, channel, year …). */
export function categoryChartSvg(input: {
  categories: string[];
  series: Array<{ name: string; type: 'bar' | 'line'; data: Array<number | null>; color?: string; stack?: string }>;
  lang?: 'ja' | 'en';
} & ChartFrame): string {
  const lang = input.lang ?? 'ja';
  const fmtN = (n: number) => n.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-US', { maximumFractionDigits: 2 });
  const palette = ['#0b5394', '#b45309', '#38761d', '#741b47', '#134f5c', '#7f6000'];
  return renderChartSvg({
    legend: { top: 4, data: input.series.map((s) => s.name), textStyle: { fontFamily: CHART_FONT, color: CHART_COLORS.text } },
    grid: { left: 12, right: 24, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: input.categories, axisLabel: { color: CHART_COLORS.axis, interval: 0, fontFamily: CHART_FONT }, axisLine: { lineStyle: { color: CHART_COLORS.axis } } },
    yAxis: { type: 'value', axisLabel: { color: CHART_COLORS.axis, fontFamily: CHART_FONT, formatter: (v: number) => fmtN(v) }, splitLine: { lineStyle: { color: CHART_COLORS.grid } } },
    series: input.series.map((s, i) => (s.type === 'bar'
      ? { type: 'bar' as const, name: s.name, data: s.data, stack: s.stack, barMaxWidth: 48, itemStyle: { color: s.color ?? palette[i % palette.length] }, emphasis: { disabled: true }, silent: true }
      : { type: 'line' as const, name: s.name, data: s.data, connectNulls: false, lineStyle: { color: s.color ?? palette[i % palette.length], width: 2 }, itemStyle: { color: s.color ?? palette[i % palette.length] }, emphasis: { disabled: true }, silent: true })),
  }, input);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// ---------------------------------------------------------------------------------------------
// SVG allow-list rewriting.

const ELEMENTS = new Set(['svg', 'g', 'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'text', 'tspan', 'defs', 'clipPath', 'title', 'desc', 'linearGradient', 'radialGradient', 'stop']);
/** Elements dropped together with their content. */
const DROP_WITH_CONTENT = new Set(['style', 'script', 'foreignObject', 'image', 'use', 'a', 'iframe', 'animate', 'set', 'animateTransform', 'animateMotion']);
const ATTRS = new Set([
  'd', 'x', 'y', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r', 'rx', 'ry', 'dx', 'dy', 'width', 'height', 'points', 'transform', 'viewBox',
  'fill', 'fill-opacity', 'fill-rule', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-linecap', 'stroke-linejoin', 'stroke-miterlimit',
  'stroke-dasharray', 'stroke-dashoffset', 'opacity', 'clip-path', 'clip-rule', 'clipPathUnits', 'gradientUnits', 'offset', 'stop-color', 'stop-opacity',
  'font-size', 'font-family', 'font-weight', 'font-style', 'text-anchor', 'dominant-baseline', 'alignment-baseline', 'letter-spacing',
  'paint-order', 'visibility', 'display', 'pointer-events', 'id', 'xmlns', 'version', 'preserveAspectRatio',
]);
/** CSS properties of style="" that have a presentation-attribute equivalent. */
const STYLE_PROPS = new Set(['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-linecap', 'stroke-linejoin', 'stroke-dasharray', 'opacity', 'font-size', 'font-family', 'font-weight', 'font-style', 'text-anchor', 'dominant-baseline', 'paint-order', 'visibility', 'display']);
/** Values that cannot escape the attribute or load anything; url() only to local fragments. */
const SAFE_VALUE = /^[^<>"'`\\{};]*$/;

/** Renames ids to `${prefix}-${n}` in order of first appearance: zrender numbers them by a global instance counter, which would make output depend on call history. */
type IdMap = ((id: string) => string) | undefined;

function idMapper(prefix: string | undefined): IdMap {
  if (!prefix) return undefined;
  const ids = new Map<string, string>();
  return (id) => {
    let v = ids.get(id);
    if (!v) ids.set(id, (v = `${prefix}-${ids.size}`));
    return v;
  };
}

function safeValue(name: string, v: string, ids: IdMap): string | undefined {
  if (!SAFE_VALUE.test(v) || /expression\s*\(|javascript:/i.test(v)) return undefined;
  const urls = v.match(/url\([^)]*\)/gi) ?? [];
  for (const u of urls) if (!/^url\(#[\w-]+\)$/.test(u)) return undefined;
  if (ids && urls.length) v = v.replace(/url\(#([\w-]+)\)/g, (_, id: string) => `url(#${ids(id)})`);
  if (name === 'id' && ids) v = ids(v);
  return v;
}

function decodeAttr(v: string): string {
  return v.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Text content re-escaped: entity references zrender produced are kept, stray '<' / '&' are escaped. */
function escText(s: string): string {
  return s.replace(/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface SanitizeOptions {
  /** Prefix for ids and url(#…) references, so several charts on one page do not share clip paths. */
  idPrefix?: string;
  /** Accessible name (aria-label) and <title>/<desc> placed first in the root element. */
  label?: string;
  title?: string;
  desc?: string;
}

/**
 * Rewrites an SVG string through the allow-list above. Output has no scripts, event handlers,
 * external references, style elements or style attributes. Idempotent for its own output
 * (ids are only prefixed when idPrefix is given; a root already carrying role="img" keeps it).
 */
export function sanitizeSvg(svg: string, opts: SanitizeOptions = {}): string {
  const src = svg.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '').replace(/<!--[\s\S]*?-->/g, '').replace(/<\?[\s\S]*?\?>/g, '').replace(/<!DOCTYPE[^>]*>/gi, '');
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'))?)*)\s*(\/?)>/g;
  const out: string[] = [];
  const stack: string[] = [];
  let skip = 0; // depth inside a dropped-with-content element
  let rootDone = false;
  let last = 0;
  const ids = idMapper(opts.idPrefix);
  for (let m = tag.exec(src); m; m = tag.exec(src)) {
    const text = src.slice(last, m.index);
    last = tag.lastIndex;
    if (!skip && text && stack.length) {
      // Whitespace between elements collapses to one newline (keeps re-sanitizing idempotent).
      if (!/^\s+$/.test(text)) out.push(escText(text));
      else if (out[out.length - 1] !== '\n') out.push('\n');
    }
    const [, closing, name, attrText, selfClosing] = m;
    if (closing) {
      if (DROP_WITH_CONTENT.has(name)) { if (skip) skip--; continue; }
      if (skip || !ELEMENTS.has(name)) continue;
      // Close only what is open (ignore stray closers) so that the output stays well formed.
      const at = stack.lastIndexOf(name);
      if (at < 0) continue;
      while (stack.length > at) out.push(`</${stack.pop()}>`);
      continue;
    }
    if (DROP_WITH_CONTENT.has(name)) { if (!selfClosing) skip++; continue; }
    if (skip || !ELEMENTS.has(name)) continue;
    if (name === 'svg' && rootDone && stack.length === 0) continue; // a single root only

    const attrs = new Map<string, string>();
    const attrRe = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'))?/g;
    const styleDecls: Array<[string, string]> = [];
    for (let a = attrRe.exec(attrText); a; a = attrRe.exec(attrText)) {
      const an = a[1];
      const av = decodeAttr(a[2] ?? a[3] ?? '');
      if (an === 'style') {
        for (const decl of av.split(';')) {
          const i = decl.indexOf(':');
          if (i > 0) styleDecls.push([decl.slice(0, i).trim().toLowerCase(), decl.slice(i + 1).trim()]);
        }
        continue;
      }
      if (an === 'xmlns:xlink' || an === 'role' || an.startsWith('aria-')) continue; // root gets its own below
      if (!ATTRS.has(an)) continue; // drops on*, class, href, ecmeta_*, …
      const v = safeValue(an, av, ids);
      if (v !== undefined) attrs.set(an, v);
    }
    for (const [p, v] of styleDecls) {
      if (!STYLE_PROPS.has(p) || attrs.has(p)) continue;
      const sv = safeValue(p, v.replace(/!important$/i, '').trim(), ids);
      if (sv) attrs.set(p, sv);
    }
    const isRoot = name === 'svg' && stack.length === 0;
    if (isRoot) {
      // Fixed order of the added attributes, so that a second pass yields the same string.
      const font = attrs.get('font-family') ?? CHART_FONT;
      attrs.delete('font-family');
      attrs.set('xmlns', 'http://www.w3.org/2000/svg');
      attrs.set('role', 'img');
      const label = opts.label ?? /aria-label\s*=\s*"([^"]*)"/.exec(attrText)?.[1];
      if (label !== undefined) attrs.set('aria-label', decodeAttr(label));
      attrs.set('font-family', font);
    }
    const attrOut = [...attrs].map(([k, v]) => ` ${k}="${esc(v)}"`).join('');
    if (selfClosing) {
      if (stack.length || isRoot) out.push(`<${name}${attrOut}/>`);
      continue;
    }
    out.push(`<${name}${attrOut}>`);
    stack.push(name);
    if (isRoot) {
      rootDone = true;
      if (opts.title !== undefined) out.push(`<title>${esc(opts.title)}</title>`);
      if (opts.desc !== undefined) out.push(`<desc>${esc(opts.desc)}</desc>`);
    }
  }
  while (stack.length) out.push(`</${stack.pop()}>`);
  let result = out.join('');
  // An existing <title>/<desc> is replaced when new ones are given (keeps re-sanitizing idempotent).
  if (opts.title !== undefined) result = dropSecond(result, 'title');
  if (opts.desc !== undefined) result = dropSecond(result, 'desc');
  return result;
}

function dropSecond(svg: string, el: 'title' | 'desc'): string {
  let seen = 0;
  return svg.replace(new RegExp(`<${el}>[\\s\\S]*?</${el}>`, 'g'), (m) => (seen++ === 0 ? m : ''));
}
