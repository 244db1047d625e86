// The printable edition of the 業務実績報告書: cover, contents, then per chapter the KPI progress
// tables (with charts), the results (主な実績) and the module statistics tables. No site layout:
// the caller wraps it. Styles are the report- classes of src/platform/ui/app.css (print CSS there).
import type { ComponentChildren } from 'preact';
import { eraYear, formatDate, formatDateTime } from '../../../platform/i18n/dates.js';
import type { JaText, KpiNoteSeed, KpiTableModel, ReportCell, ReportChapterModel, ReportModel, ResultSeed, StatTableModel } from '../types.js';
import { kpiChartSvg } from './charts.js';
import { sanitizeSvg } from '../../../platform/ui/charts.js';
import { kpiHeader, statColumns } from './csv.js';

type Lang = 'ja' | 'en';
type Level = 1 | 2 | 3 | 4 | 5 | 6;

const L = {
  draft: { ja: '暫定版（未確定）', en: 'Draft (not finalised)' },
  revision: { ja: '第{n}版', en: 'Revision {n}' },
  generated: { ja: '作成日時', en: 'Generated' },
  edition: { ja: '版', en: 'Edition' },
  period: { ja: '中期目標期間', en: 'Mid-term period' },
  fiscalYear: { ja: '対象年度', en: 'Fiscal year' },
  toc: { ja: '目次', en: 'Contents' },
  kpiSection: { ja: '(1) 中期計画における主な定量的指標の進捗状況', en: '(1) Progress of the main quantitative indicators of the mid-term plan' },
  results: { ja: '(2) 主な実績', en: '(2) Main results' },
  statistics: { ja: '業務統計', en: 'Operational statistics' },
  noKpi: { ja: '定量的指標はありません。', en: 'No quantitative indicators.' },
  noResults: { ja: '記載する実績はありません。', en: 'No results recorded.' },
  year: { ja: '年度', en: 'Fiscal year' },
  target: { ja: '目標', en: 'Target' },
  actual: { ja: '実績', en: 'Actual' },
  rate: { ja: '達成率', en: 'Achievement rate' },
  met: { ja: '達成', en: 'Met' },
  missed: { ja: '未達成', en: 'Not met' },
  note: { ja: '注記', en: 'Note' },
  discrepancy: { ja: '注記（原資料との相違）', en: 'Note (differs from the source document)' },
  definitionChange: { ja: '注記（定義の変更）', en: 'Note (definition changed)' },
  chart: { ja: '目標と実績の推移', en: 'Target and actual by fiscal year' },
  originStatistic: { ja: '業務統計から算出', en: 'computed from statistics' },
  originManual: { ja: '承認済みの手入力', en: 'approved manual entry' },
  department: { ja: '担当', en: 'Department' },
} as const;

const STATUS: Record<ResultSeed['status'], { ja: string; en: string }> = {
  achieved: { ja: '達成', en: 'Achieved' },
  in_progress: { ja: '実施中', en: 'In progress' },
  not_achieved: { ja: '未達成', en: 'Not achieved' },
  reported: { ja: '報告', en: 'Reported' },
};

function tx(text: { ja: string; en: string }, lang: Lang, vars?: Record<string, string | number>): string {
  let s = text[lang];
  for (const [k, v] of Object.entries(vars ?? {})) s = s.split(`{${k}}`).join(String(v));
  return s;
}

/** JaText in the page language; Japanese (marked lang="ja") where no English is given. */
function J(props: { text: JaText; lang: Lang }) {
  const { text, lang } = props;
  if (lang === 'en' && text.en) return <>{text.en}</>;
  return lang === 'en' ? <span lang="ja">{text.ja}</span> : <>{text.ja}</>;
}

function H(props: { level: number; id?: string; class?: string; children: ComponentChildren }) {
  const Tag = `h${Math.min(6, Math.max(1, props.level)) as Level}` as 'h2';
  return <Tag id={props.id} class={props.class}>{props.children}</Tag>;
}

/** 令和2年度 (2020年度) style: the fiscal year named by the era of most of its months (FY2019 = 令和元年度, as the report prints it). */
export function fiscalYearLabel(fy: number, lang: Lang): string {
  if (lang === 'en') return `FY${fy} (April ${fy} – March ${fy + 1})`;
  return `${eraYear(fy, 12)}年度（${fy}年度）`;
}

const chapterId = (i: number) => `report-ch-${i + 1}`;
const kpiId = (ci: number, ki: number) => `report-kpi-${ci + 1}-${ki + 1}`;
const statId = (ci: number, ti: number) => `report-stat-${ci + 1}-${ti + 1}`;

export function ReportDocument(props: { model: ReportModel; lang: Lang; charts: boolean; /** Level of the cover title; the site layout already has an h1. */ headingLevel?: 1 | 2 }) {
  const { model, lang, charts } = props;
  const base = props.headingLevel ?? 2;
  return (
    <article class="report" lang={lang}>
      <Cover model={model} lang={lang} level={base} />
      <Contents model={model} lang={lang} level={base} />
      {model.chapters.map((ch, ci) => <Chapter chapter={ch} index={ci} lang={lang} level={base} charts={charts} />)}
    </article>
  );
}

function Cover(props: { model: ReportModel; lang: Lang; level: number }) {
  const { model, lang } = props;
  const generated = new Date(model.generatedAt);
  return (
    <section class="report-cover" aria-labelledby="report-title">
      <H level={props.level} id="report-title" class="report-title"><J text={model.title} lang={lang} /></H>
      <dl class="report-cover-meta">
        <dt>{tx(L.fiscalYear, lang)}</dt>
        <dd>{fiscalYearLabel(model.fiscalYear, 'ja')}{lang === 'en' && <> / {fiscalYearLabel(model.fiscalYear, 'en')}</>}</dd>
        <dt>{tx(L.period, lang)}</dt>
        <dd><J text={model.period.name} lang={lang} />（{model.period.firstFy}–{model.period.lastFy}）</dd>
        <dt>{tx(L.edition, lang)}</dt>
        <dd class={model.revision > 0 ? 'report-final' : 'report-draft'}>{model.revision > 0 ? tx(L.revision, lang, { n: model.revision }) : tx(L.draft, lang)}</dd>
        <dt>{tx(L.generated, lang)}</dt>
        <dd>{Number.isNaN(generated.getTime()) ? model.generatedAt : <time dateTime={model.generatedAt}>{lang === 'ja' ? formatDate(generated, 'ja') : formatDateTime(generated, 'en')}</time>}</dd>
      </dl>
    </section>
  );
}

function Contents(props: { model: ReportModel; lang: Lang; level: number }) {
  const { model, lang } = props;
  return (
    <nav class="report-toc" aria-labelledby="report-toc-title">
      <H level={props.level} id="report-toc-title">{tx(L.toc, lang)}</H>
      <ol>
        {model.chapters.map((ch, ci) => (
          <li>
            <a href={`#${chapterId(ci)}`}><span class="report-num">{chapterNumber(ch.label)}</span> <J text={ch.title} lang={lang} /></a>
            {(ch.kpis.length > 0 || ch.tables.length > 0) && (
              <ol>
                {ch.kpis.map((k, ki) => <li><a href={`#${kpiId(ci, ki)}`}>{k.symbol} {k.caption ?? <J text={k.name} lang={lang} />}</a></li>)}
                {ch.tables.map((t, ti) => <li><a href={`#${statId(ci, ti)}`}>{t.title[lang]}</a></li>)}
              </ol>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

function Chapter(props: { chapter: ReportChapterModel; index: number; lang: Lang; level: number; charts: boolean }) {
  const { chapter: ch, index: ci, lang, level } = props;
  // Results grouped by plan node, in first-appearance order (the model lists them in plan order).
  const groups = new Map<string, ReportChapterModel['results']>();
  for (const r of ch.results) groups.set(r.node, [...(groups.get(r.node) ?? []), r]);
  return (
    <section class="report-chapter" id={chapterId(ci)} aria-labelledby={`${chapterId(ci)}-h`}>
      <H level={level} id={`${chapterId(ci)}-h`} class="report-chapter-title"><span class="report-num">{chapterNumber(ch.label)}</span> <J text={ch.title} lang={lang} /></H>
      <section class="report-kpis">
        <H level={level + 1}>{tx(L.kpiSection, lang)}</H>
        {ch.kpis.length === 0 && <p class="report-empty">{tx(L.noKpi, lang)}</p>}
        {ch.kpis.map((k, ki) => <Kpi kpi={k} id={kpiId(ci, ki)} lang={lang} level={level + 2} charts={props.charts} />)}
      </section>
      <section class="report-results">
        <H level={level + 1}>{tx(L.results, lang)}</H>
        {ch.results.length === 0 && <p class="report-empty">{tx(L.noResults, lang)}</p>}
        {[...groups.values()].map((rs) => (
          <div class="report-result-group">
            <H level={level + 2}><span class="report-num">{rs[0].nodeLabel}</span> <J text={rs[0].nodeTitle} lang={lang} /></H>
            <ul class="report-result-list">
              {rs.map((r) => (
                <li class={`report-result report-status-${r.status}`}>
                  <J text={r.text} lang={lang} />
                  {r.status !== 'reported' && <> <span class="report-status">［{tx(STATUS[r.status], lang)}］</span></>}
                  {r.department && <> <span class="report-dept">（{tx(L.department, lang)}: {r.department}）</span></>}
                </li>
              ))}
            </ul>
          </div>
        ))}
      </section>
      {ch.tables.length > 0 && (
        <section class="report-stats">
          <H level={level + 1}>{tx(L.statistics, lang)}</H>
          {ch.tables.map((t, ti) => <StatTable table={t} id={statId(ci, ti)} lang={lang} level={level + 2} />)}
        </section>
      )}
    </section>
  );
}

function rowLabel(label: string, kind: 'target' | 'actual' | 'rate', lang: Lang): ComponentChildren {
  if (lang === 'ja') return label;
  const en = tx(L[kind], 'en');
  // Custom labels ('目標 (役立ち度)') have no translation: keep the printed label beside the English.
  return label === L[kind].ja ? en : <>{en} <span lang="ja">({label})</span></>;
}

function Mark(props: { mark: ReportCell['mark']; lang: Lang }) {
  if (!props.mark) return null;
  const met = props.mark === 'met';
  // A symbol and a word: the state must not depend on colour.
  return (
    <span class={`report-mark report-mark-${props.mark}`}>
      <span aria-hidden="true">{met ? '○' : '×'}</span>{tx(met ? L.met : L.missed, props.lang)}
    </span>
  );
}

function originTitle(origin: ReportCell['origin'], lang: Lang): string | undefined {
  if (origin === 'statistic') return tx(L.originStatistic, lang);
  if (origin === 'manual') return tx(L.originManual, lang);
  return undefined;
}

function KpiTable(props: { kpi: KpiTableModel; lang: Lang }) {
  const { kpi, lang } = props;
  const header = kpiHeader(kpi);
  return (
    <table class="report-table report-kpi-table">
      <caption>{kpi.symbol} {kpi.caption ?? <J text={kpi.name} lang={lang} />}</caption>
      <thead>
        <tr>
          <th scope="col">{lang === 'ja' ? header[0] : tx(L.year, 'en')}</th>
          {kpi.years.map((y, i) => <th scope="col" class="num">{lang === 'ja' ? header[i + 1] : `FY${y}`}</th>)}
        </tr>
      </thead>
      <tbody>
        {kpi.rows.map((r) => (
          <tr class={`report-row-${r.kind}`}>
            <th scope="row">{rowLabel(r.label, r.kind, lang)}</th>
            {r.cells.map((c) => (
              <td colSpan={c.span && c.span > 1 ? c.span : undefined} title={originTitle(c.origin, lang)}
                class={['num', c.mark ? `report-${c.mark}` : '', c.origin ? `report-origin-${c.origin}` : ''].filter(Boolean).join(' ')}>
                {c.text}{c.mark && <> <Mark mark={c.mark} lang={lang} /></>}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Note(props: { note: KpiNoteSeed; lang: Lang }) {
  const { note, lang } = props;
  const flag = note.kind === 'discrepancy' ? L.discrepancy : note.kind === 'definition_change' ? L.definitionChange : undefined;
  return (
    <li class={`report-note report-note-${note.kind}`}>
      {flag && <><strong class="report-flag">【{tx(flag, lang)}】</strong> </>}
      <J text={note.text} lang={lang} />
    </li>
  );
}

function Kpi(props: { kpi: KpiTableModel; id: string; lang: Lang; level: number; charts: boolean }) {
  const { kpi, lang } = props;
  // Our own SVG: generated by kpiChartSvg and passed through the allow-list sanitizer again here
  // (a stored chartSvg may predate it), which is why inserting it as raw HTML is acceptable.
  const svg = props.charts ? sanitizeSvg(kpi.chartSvg ?? kpiChartSvg(kpi, { lang })) : undefined;
  return (
    <section class="report-kpi" id={props.id} aria-labelledby={`${props.id}-h`}>
      <H level={props.level} id={`${props.id}-h`} class="report-kpi-heading"><span class="report-num">{kpi.symbol}</span> <J text={kpi.name} lang={lang} /></H>
      <p class="report-kpi-statement"><J text={kpi.statement} lang={lang} /></p>
      {kpi.caption && <p class="report-kpi-caption">{kpi.caption}</p>}
      <KpiTable kpi={kpi} lang={lang} />
      {kpi.notes.length > 0 && <ul class="report-notes">{kpi.notes.map((n) => <Note note={n} lang={lang} />)}</ul>}
      {svg && (
        <figure class="report-chart">
          <div class="report-chart-svg" dangerouslySetInnerHTML={{ __html: svg }} />
          <figcaption>{kpi.symbol} {kpi.caption ?? <J text={kpi.name} lang={lang} />}: {tx(L.chart, lang)}</figcaption>
        </figure>
      )}
    </section>
  );
}

function statCell(v: string | number | null, lang: Lang): string {
  if (v === null || v === undefined || v === '') return '—';
  return typeof v === 'number' ? v.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-US', { maximumFractionDigits: 2 }) : v;
}

function StatTable(props: { table: StatTableModel; id: string; lang: Lang; level: number }) {
  const { table, lang } = props;
  const columns = statColumns(table);
  return (
    <div class="report-stat" id={props.id}>
      <table class="report-table report-stat-table">
        <caption>{table.title[lang]}</caption>
        <thead><tr>{columns.map((c, i) => (i === 0 && !c[lang] ? <td /> : <th scope="col">{c[lang]}</th>))}</tr></thead>
        <tbody>
          {table.rows.map((r) => (
            <tr>
              <th scope="row">{r.label[lang]}</th>
              {r.cells.map((v) => <td class={typeof v === 'number' ? 'num' : undefined}>{statCell(v, lang)}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
      {(table.notes ?? []).length > 0 && <ul class="report-notes">{table.notes!.map((n) => <li class="report-note">{n[lang]}</li>)}</ul>}
    </div>
  );
}

/** '1.' and 'II' print as '1.' and 'II.' (the plan data keeps labels as printed, with or without the dot). */
function chapterNumber(label: string): string {
  return label.endsWith('.') ? label : `${label}.`;
}
