// Staff and public pages of the plan module: dashboard, KPI drill-down with targets and the
// manual-actual workflow, the plan tree, the report (draft and finalised revisions).
import { Layout, type PageContext } from '../../platform/ui/layout.js';
import { ErrorSummary, type FormError } from '../../platform/auth/pages.js';
import type { Lang } from '../../platform/i18n/i18n.js';
import { fiscalYear } from '../../platform/i18n/dates.js';
import type { JaText, KpiSeed, ReportModel } from './types.js';
import type { ActualEntry, KpiYear, PlanNode, ResultRecord } from './service.js';
import { STATE_JA } from './service.js';
import type { DashboardRow, StoredReport } from './report.js';
import { fiscalYearHeader, formatCell } from './format.js';
import { ReportDocument } from './outputs/report-html.js';

const jt = (x: JaText | undefined, lang: Lang) => (x ? (lang === 'en' && x.en ? x.en : x.ja) : '');
const num = (v: number | undefined) => (v === undefined ? '—' : v.toLocaleString('ja-JP', { maximumFractionDigits: 1 }));
const fyLabel = (fy: number, lang: Lang) => (lang === 'ja' ? `${fiscalYearHeader(fy)}（${fy}年度）` : `FY${fy}`);
export const nodeHref = (code: string) => `/staff/plan/node?code=${encodeURIComponent(code)}`;
export const kpiHref = (code: string) => `/staff/plan/kpis/${encodeURIComponent(code)}`;

const ORIGIN: Record<string, { ja: string; en: string }> = {
  historical: { ja: '報告書記載値', en: 'As printed' },
  statistic: { ja: '統計から自動計算', en: 'Computed from statistic' },
  manual: { ja: '承認済み入力', en: 'Approved entry' },
};

export function DashboardPage(props: { ctx: PageContext; fy: number; years: number[]; rows: DashboardRow[]; now: Date }) {
  const { ctx, rows } = props;
  const lang = ctx.lang; const J = lang === 'ja';
  const warnings = rows.filter((r) => r.warning).length;
  return (
    <Layout ctx={ctx} title={{ ja: `中期計画 指標ダッシュボード ${fyLabel(props.fy, 'ja')}`, en: `Mid-term plan KPI dashboard FY${props.fy}` }}>
      <nav aria-label={J ? '年度' : 'Fiscal year'}><ul class="periods">{props.years.map((y) => <li>{y === props.fy ? <strong aria-current="page">{fyLabel(y, lang)}</strong> : <a href={`/staff/plan?fy=${y}`}>{fyLabel(y, lang)}</a>}</li>)}</ul></nav>
      <p>
        <a href={`/staff/plan/report/${props.fy}`}>{J ? '業務実績報告書（この年度）' : 'Annual report (this year)'}</a> · <a href="/staff/plan/tree">{J ? '計画体系' : 'Plan tree'}</a> · <a href={`/staff/plan/actuals?fy=${props.fy}`}>{J ? '実績入力の一覧' : 'Entered actuals'}</a> · <a href={`/staff/plan/statistics?fy=${props.fy}`}>{J ? 'モジュール統計' : 'Module statistics'}</a>
      </p>
      <p role="status">{warnings ? (J ? `年度末の見込みが目標に届かない指標が ${warnings} 件あります。` : `${warnings} KPI(s) are projected to miss the target.`) : (J ? '年度末の見込みが目標を下回る指標はありません。' : 'No KPI is projected to miss its target.')}</p>
      <table class="plan-dashboard">
        <caption>{J ? '定量的指標の進捗（年度目標・実績・年度末見込み）' : 'KPI progress: target, actual to date, year-end projection'}</caption>
        <thead><tr>
          <th scope="col">{J ? '指標' : 'KPI'}</th><th scope="col" class="num">{J ? '年度目標' : 'Target'}</th><th scope="col" class="num">{J ? '実績（基準日）' : 'Actual (as of)'}</th>
          <th scope="col">{J ? '出所' : 'Source'}</th><th scope="col" class="num">{J ? '年度末見込み' : 'Projection'}</th><th scope="col" class="num">{J ? '見込み達成率' : 'Projected rate'}</th><th scope="col">{J ? '判定' : 'Status'}</th>
        </tr></thead>
        <tbody>{rows.map((r) => (
          <tr class={r.warning ? 'warn' : undefined}>
            <th scope="row"><a href={kpiHref(r.kpi.code)}>{r.kpi.node} {r.kpi.symbol} {jt(r.kpi.name, lang)}</a>{r.kpi.reference ? (J ? '（参考指標）' : ' (reference)') : ''}</th>
            <td class="num">{num(r.target)}{r.target !== undefined ? r.kpi.measures[0].unit : ''}</td>
            <td class="num">{num(r.actual)}{r.actual !== undefined ? r.kpi.measures[0].unit : ''}{r.asOf ? `（${r.asOf}）` : ''}</td>
            <td>{r.origin ? jt(ORIGIN[r.origin], lang) : (J ? '未入力' : 'none yet')}</td>
            <td class="num">{num(r.projection)}</td>
            <td class="num">{r.projectedRate === undefined ? '—' : `${num(r.projectedRate)}%`}</td>
            <td>{r.warning ? <strong class="missed">{J ? '⚠ 目標未達の見込み' : '⚠ Projected to miss'}</strong> : r.projectedRate !== undefined ? <span class="met">{J ? '✓ 達成見込み' : '✓ On track'}</span> : '—'}</td>
          </tr>
        ))}</tbody>
      </table>
      <p class="hint">{J ? '年度末見込み: 年度内の経過割合で実績を線形に延長（累計型の指標は前年度末値に今年度の増分を延長して加算）。' : 'Projection: the actual so far extended linearly over the elapsed share of the year (running totals: the growth so far extended and added to last year\'s figure).'}</p>
    </Layout>
  );
}

export interface KpiPageProps {
  ctx: PageContext; kpi: KpiSeed; ancestors: PlanNode[]; node: PlanNode | undefined; years: KpiYear[]; entries: ActualEntry[];
  statistic?: { key: string; module: string; title: { ja: string; en: string }; unit: string } | null;
  can: { edit: boolean; enter: boolean; check: boolean; approve: boolean; userId: string | null };
  errors: FormError[]; values: Record<string, string>; chartSvg: string;
  /** Statistics published by the loaded modules, for binding. */
  statistics: Array<{ key: string; module: string; title: { ja: string; en: string }; unit: string }>;
}

export function KpiPage(props: KpiPageProps) {
  const { ctx, kpi, years } = props;
  const lang = ctx.lang; const J = lang === 'ja';
  const currentFy = years.find((y) => y.actualCell === undefined)?.fiscalYear ?? years[years.length - 1].fiscalYear;
  return (
    <Layout ctx={ctx} title={{ ja: `指標 ${kpi.symbol} ${kpi.name.ja}`, en: `KPI ${kpi.symbol} ${kpi.name.en ?? kpi.name.ja}` }}>
      <nav aria-label={J ? 'パンくず' : 'Breadcrumb'}><ol class="breadcrumb">
        <li><a href="/staff/plan">{J ? 'ダッシュボード' : 'Dashboard'}</a></li>
        {props.ancestors.map((n) => <li><a href={nodeHref(n.code)}>{n.label} {jt(n.title, lang)}</a></li>)}
      </ol></nav>
      <p>{jt(kpi.statement, lang)}</p>
      <dl class="facts">
        <dt>{J ? '計画項目' : 'Plan item'}</dt><dd>{props.node ? <a href={nodeHref(props.node.code)}>{props.node.label} {jt(props.node.title, lang)}</a> : kpi.node}</dd>
        <dt>{J ? '単位・方向' : 'Unit, direction'}</dt><dd>{kpi.measures.map((m) => `${jt(m.name, lang)}（${m.unit || m.format}）`).join('、')} / {kpi.direction === 'higher' ? (J ? '高いほど良い' : 'higher is better') : (J ? '低いほど良い' : 'lower is better')}</dd>
        {kpi.periodTarget && <><dt>{J ? '期間目標' : 'Period target'}</dt><dd>{jt(kpi.periodTarget.text, lang)}</dd></>}
        <dt>{J ? '実績の出所' : 'Source of actuals'}</dt>
        <dd>{kpi.source.kind === 'statistic'
          ? (props.statistic
            ? <><a href={`/staff/plan/statistics#${props.statistic.key}`}>{props.statistic.key}</a>（{jt(props.statistic.title, lang)}、{props.statistic.module}、{kpi.source.aggregate === 'period' ? (J ? '年度内の件数' : 'within the year') : (J ? '年度末の累計' : 'total at year end')}）</>
            : <>{kpi.source.statistic}（{J ? '統計を公開するモジュールが未導入のため、報告書記載値・承認済み入力を使用' : 'module not installed: printed figures and approved entries are used'}）</>)
          : (J ? '手入力（入力 → 確認 → 承認）' : 'Manual entry (entered → checked → approved)')}</dd>
      </dl>
      <div class="report-chart" dangerouslySetInnerHTML={{ __html: props.chartSvg /* generated by our own ECharts SSR, no user markup */ }} />
      <table>
        <caption>{J ? '年度別の目標と実績' : 'Targets and actuals by fiscal year'}</caption>
        <thead><tr><th scope="col">{J ? '年度' : 'FY'}</th><th scope="col">{kpi.rowLabels?.target ?? '目標'}</th><th scope="col">{kpi.rowLabels?.actual ?? '実績'}</th><th scope="col">{J ? '出所' : 'Source'}</th><th scope="col" class="num">{J ? '達成率' : 'Rate'}</th></tr></thead>
        <tbody>{years.map((y) => (
          <tr>
            <th scope="row">{fyLabel(y.fiscalYear, lang)}</th>
            <td>{y.targetCell ? formatCell(kpi, y.targetCell) : y.effectiveTarget !== undefined ? (J ? `（結合セル: ${num(y.effectiveTarget)}）` : `(merged: ${num(y.effectiveTarget)})`) : '—'}</td>
            <td>{y.actualCell ? formatCell(kpi, y.actualCell) : '—'}{y.printedActual !== undefined ? (J ? `（報告書記載値 ${num(y.printedActual)}）` : ` (printed ${num(y.printedActual)})`) : ''}</td>
            <td>{y.actualOrigin ? jt(ORIGIN[y.actualOrigin], lang) : '—'}{y.actualAsOf ? ` ${y.actualAsOf}` : ''}</td>
            <td class="num">{y.rate === undefined ? '—' : <span class={y.rate >= 100 ? 'met' : 'missed'}>{y.rate >= 100 ? '✓ ' : '✗ '}{num(y.rate)}%</span>}</td>
          </tr>
        ))}</tbody>
      </table>
      {kpi.notes.length > 0 && <><h2>{J ? '注記' : 'Notes'}</h2><ul>{kpi.notes.map((n) => <li>{n.kind === 'discrepancy' ? <strong>{J ? '【報告書内の不一致】' : '[Discrepancy in the report] '}</strong> : null}{jt(n.text, lang)}{n.lines?.length ? `（${J ? '行' : 'lines'} ${n.lines.join(', ')}）` : ''}</li>)}</ul></>}
      <ErrorSummary lang={lang} errors={props.errors} />
      {props.can.edit && (
        <section aria-labelledby="target-h">
          <h2 id="target-h">{J ? '目標値の設定（企画担当）' : 'Set a target (planning staff)'}</h2>
          <form method="post" action={`${kpiHref(kpi.code)}/targets`}>
            <input type="hidden" name="_csrf" value={ctx.csrfToken} />
            <FySelect name="fiscalYear" id="target-fy" years={years.map((y) => y.fiscalYear)} value={props.values.targetFy ?? String(currentFy)} lang={lang} />
            {kpi.measures.map((m) => <p><label for={`target-${m.key}`}>{jt(m.name, lang)}（{m.unit || '%'}）</label><input id={`target-${m.key}`} name={`m_${m.key}`} inputMode="decimal" value={props.values[`target_${m.key}`] ?? ''} /></p>)}
            <p><label for="target-span">{J ? '結合する年度数（期間を通じた目標は 5）' : 'Years covered (5 for a whole-period target)'}</label><input id="target-span" name="span" inputMode="numeric" value={props.values.span ?? '1'} /></p>
            <p class="hint">{J ? 'すべて空欄で保存すると、その年度の目標を削除します。' : 'Saving all fields empty removes the target of that year.'}</p>
            <button type="submit">{J ? '目標を保存' : 'Save target'}</button>
          </form>
        </section>
      )}
      {props.can.edit && (
        <section aria-labelledby="source-h">
          <h2 id="source-h">{J ? '実績の出所（企画担当）' : 'Source of actuals (planning staff)'}</h2>
          <form method="post" action={`${kpiHref(kpi.code)}/source`}>
            <input type="hidden" name="_csrf" value={ctx.csrfToken} />
            <p><label for="source-stat">{J ? 'モジュールの統計' : 'Module statistic'}</label>
              <select id="source-stat" name="statistic">
                <option value="" selected={kpi.source.kind === 'manual'}>{J ? '（手入力：入力 → 確認 → 承認）' : '(manual entry)'}</option>
                {props.statistics.map((s) => <option value={s.key} selected={kpi.source.kind === 'statistic' && kpi.source.statistic === s.key}>{s.key} — {jt(s.title, lang)}（{s.module}）</option>)}
              </select></p>
            <p><label for="source-agg">{J ? '集計方法' : 'Aggregate'}</label>
              <select id="source-agg" name="aggregate">
                <option value="period" selected={kpi.source.kind !== 'statistic' || kpi.source.aggregate === 'period'}>{J ? '年度内の件数' : 'Within the year'}</option>
                <option value="cumulative" selected={kpi.source.kind === 'statistic' && kpi.source.aggregate === 'cumulative'}>{J ? '年度末の累計' : 'Total at year end'}</option>
              </select></p>
            <button type="submit">{J ? '出所を保存' : 'Save source'}</button>
          </form>
        </section>
      )}
      {props.can.enter && !props.statistic ? (
        <section aria-labelledby="enter-h">
          <h2 id="enter-h">{J ? '実績値の入力（部門担当）' : 'Enter an actual (department staff)'}</h2>
          <form method="post" action={`${kpiHref(kpi.code)}/actuals`} enctype="multipart/form-data">
            <input type="hidden" name="_csrf" value={ctx.csrfToken} />
            <FySelect name="fiscalYear" id="actual-fy" years={years.map((y) => y.fiscalYear)} value={props.values.fiscalYear ?? String(currentFy)} lang={lang} />
            {kpi.measures.map((m) => <p><label for={`actual-${m.key}`}>{jt(m.name, lang)}（{m.unit || '%'}）{m.key === 'primary' ? (J ? '【必須】' : ' (required)') : ''}</label><input id={`actual-${m.key}`} name={`m_${m.key}`} inputMode="decimal" value={props.values[`m_${m.key}`] ?? ''} /></p>)}
            <p><label for="actual-asof">{J ? '基準日（YYYY-MM-DD、年度末なら 3月31日）' : 'As of (YYYY-MM-DD)'}</label><input id="actual-asof" name="asOf" type="date" value={props.values.asOf ?? ''} /></p>
            <p><label for="actual-note">{J ? '備考・算定方法' : 'Note, method'}</label><textarea id="actual-note" name="note" rows={3}>{props.values.note ?? ''}</textarea></p>
            <p><label for="actual-evidence">{J ? '根拠資料（5件まで）' : 'Evidence (up to 5 files)'}</label><input id="actual-evidence" name="evidence" type="file" multiple /></p>
            <button type="submit">{J ? '実績を入力' : 'Enter actual'}</button>
          </form>
        </section>
      ) : null}
      <h2>{J ? '実績入力の履歴' : 'Entered actuals'}</h2>
      <EntriesTable ctx={ctx} kpi={kpi} entries={props.entries} can={props.can} />
    </Layout>
  );
}

function FySelect(props: { name: string; id: string; years: number[]; value: string; lang: Lang }) {
  return (
    <p><label for={props.id}>{props.lang === 'ja' ? '年度' : 'Fiscal year'}</label>
      <select id={props.id} name={props.name}>{props.years.map((y) => <option value={String(y)} selected={String(y) === props.value}>{fyLabel(y, props.lang)}</option>)}</select></p>
  );
}

export function EntriesTable(props: { ctx: PageContext; kpi?: KpiSeed; entries: ActualEntry[]; can: KpiPageProps['can']; kpiNames?: Map<string, KpiSeed> }) {
  const { ctx, entries, can } = props;
  const lang = ctx.lang; const J = lang === 'ja';
  if (!entries.length) return <p>{J ? 'まだ入力はありません。' : 'No entries yet.'}</p>;
  return (
    <table>
      <thead><tr>
        {!props.kpi && <th scope="col">{J ? '指標' : 'KPI'}</th>}
        <th scope="col">{J ? '年度' : 'FY'}</th><th scope="col">{J ? '値' : 'Value'}</th><th scope="col">{J ? '基準日' : 'As of'}</th><th scope="col">{J ? '状態' : 'State'}</th>
        <th scope="col">{J ? '入力・確認・承認' : 'Entered, checked, approved'}</th><th scope="col">{J ? '根拠資料' : 'Evidence'}</th><th scope="col">{J ? '操作' : 'Actions'}</th>
      </tr></thead>
      <tbody>{entries.map((e) => {
        const kpi = props.kpi ?? props.kpiNames?.get(e.kpi);
        return (
          <tr>
            {!props.kpi && <td><a href={kpiHref(e.kpi)}>{kpi ? `${kpi.node} ${kpi.symbol} ${jt(kpi.name, lang)}` : e.kpi}</a></td>}
            <td>{fyLabel(e.fiscalYear, lang)}</td>
            <td>{kpi ? formatCell(kpi, { values: e.figures }) : JSON.stringify(e.figures)}{e.note ? <div class="hint">{e.note}</div> : null}</td>
            <td>{e.asOf}</td>
            <td>{J ? STATE_JA[e.state] : e.state}{e.reason ? `（${e.reason}）` : ''}</td>
            <td>{e.enteredByName} {e.enteredAt.toISOString().slice(0, 10)}{e.checkedAt ? ` / ${J ? '確認' : 'checked'} ${e.checkedAt.toISOString().slice(0, 10)}` : ''}{e.approvedAt ? ` / ${J ? '承認' : 'approved'} ${e.approvedAt.toISOString().slice(0, 10)}` : ''}</td>
            <td>{e.evidence.length ? <ul>{e.evidence.map((f) => <li><a href={`/staff/plan/actuals/${e.id}/evidence/${f.fileId}`}>{f.filename}</a></li>)}</ul> : '—'}</td>
            <td>
              {e.state === 'entered' && can.check && can.userId !== e.enteredBy && <ActionForm ctx={ctx} action={`/staff/plan/actuals/${e.id}/check`} label={J ? '確認' : 'Check'} />}
              {e.state === 'checked' && can.approve && can.userId !== e.enteredBy && can.userId !== e.checkedBy && <ActionForm ctx={ctx} action={`/staff/plan/actuals/${e.id}/approve`} label={J ? '承認' : 'Approve'} />}
              {(e.state === 'entered' || e.state === 'checked') && (can.check || can.approve) && can.userId !== e.enteredBy && (
                <form method="post" action={`/staff/plan/actuals/${e.id}/reject`} class="inline">
                  <input type="hidden" name="_csrf" value={ctx.csrfToken} />
                  <label for={`reason-${e.id}`} class="sr-only">{J ? '差戻し理由' : 'Reason'}</label>
                  <input id={`reason-${e.id}`} name="reason" placeholder={J ? '差戻し理由' : 'Reason'} />
                  <button type="submit">{J ? '差戻し' : 'Reject'}</button>
                </form>
              )}
            </td>
          </tr>
        );
      })}</tbody>
    </table>
  );
}

function ActionForm(props: { ctx: PageContext; action: string; label: string }) {
  return (
    <form method="post" action={props.action} class="inline">
      <input type="hidden" name="_csrf" value={props.ctx.csrfToken} />
      <button type="submit">{props.label}</button>
    </form>
  );
}

export function EntriesPage(props: { ctx: PageContext; fy: number; entries: ActualEntry[]; kpis: Map<string, KpiSeed>; can: KpiPageProps['can'] }) {
  const J = props.ctx.lang === 'ja';
  return (
    <Layout ctx={props.ctx} title={{ ja: `実績入力の一覧 ${fyLabel(props.fy, 'ja')}`, en: `Entered actuals FY${props.fy}` }}>
      <p><a href={`/staff/plan?fy=${props.fy}`}>{J ? 'ダッシュボードへ' : 'Back to the dashboard'}</a></p>
      <EntriesTable ctx={props.ctx} entries={props.entries} can={props.can} kpiNames={props.kpis} />
    </Layout>
  );
}

export function NodePage(props: { ctx: PageContext; node: PlanNode; ancestors: PlanNode[]; children: PlanNode[]; kpis: KpiSeed[]; results: ResultRecord[]; canEdit: boolean; errors: FormError[]; statistics: Array<{ key: string; title: { ja: string; en: string } }> }) {
  const { ctx, node } = props;
  const lang = ctx.lang; const J = lang === 'ja';
  return (
    <Layout ctx={ctx} title={{ ja: `${node.label} ${node.title.ja}`, en: `${node.label} ${node.title.en ?? node.title.ja}` }}>
      <nav aria-label={J ? 'パンくず' : 'Breadcrumb'}><ol class="breadcrumb">
        <li><a href="/staff/plan/tree">{J ? '計画体系' : 'Plan tree'}</a></li>
        {props.ancestors.map((n) => <li><a href={nodeHref(n.code)}>{n.label} {jt(n.title, lang)}</a></li>)}
      </ol></nav>
      {node.text && <p>{jt(node.text, lang)}</p>}
      {node.seedLine ? <p class="hint">{J ? `報告書 ${node.seedLine} 行目` : `Report line ${node.seedLine}`}</p> : null}
      {props.kpis.length > 0 && <><h2>{J ? '定量的指標' : 'KPIs'}</h2><ul>{props.kpis.map((k) => <li><a href={kpiHref(k.code)}>{k.symbol} {jt(k.name, lang)}</a></li>)}</ul></>}
      {props.children.length > 0 && <><h2>{J ? '下位の項目' : 'Items'}</h2><ul>{props.children.map((c) => <li><a href={nodeHref(c.code)}>{c.label} {jt(c.title, lang)}</a></li>)}</ul></>}
      <h2>{J ? '実績' : 'Results'}</h2>
      {props.results.length ? <ul>{props.results.map((r) => <li>{r.fiscalYear}: {jt(r.text, lang)}{r.department ? `（${r.department}）` : ''}{r.statistics.length ? <> — {r.statistics.map((s) => <a href={`/staff/plan/statistics#${s}`}>{s}</a>)}</> : null}</li>)}</ul> : <p>{J ? '記録された実績はありません。' : 'No results recorded.'}</p>}
      <ErrorSummary lang={lang} errors={props.errors} />
      {props.canEdit && (
        <>
          <h2>{J ? '項目の編集（企画担当）' : 'Edit the item (planning staff)'}</h2>
          <form method="post" action="/staff/plan/node">
            <input type="hidden" name="_csrf" value={ctx.csrfToken} /><input type="hidden" name="code" value={node.code} />
            <p><label for="n-title">{J ? '見出し' : 'Title'}</label><input id="n-title" name="titleJa" value={node.title.ja} /></p>
            <p><label for="n-text">{J ? '本文' : 'Text'}</label><textarea id="n-text" name="textJa" rows={5}>{node.text?.ja ?? ''}</textarea></p>
            <button type="submit">{J ? '保存' : 'Save'}</button>
          </form>
          <h2>{J ? '実績の追加（企画担当）' : 'Add a result (planning staff)'}</h2>
          <form method="post" action="/staff/plan/results">
            <input type="hidden" name="_csrf" value={ctx.csrfToken} /><input type="hidden" name="node" value={node.code} />
            <p><label for="r-fy">{J ? '年度（西暦）' : 'Fiscal year'}</label><input id="r-fy" name="fiscalYear" inputMode="numeric" value={String(new Date().getFullYear())} /></p>
            <p><label for="r-text">{J ? '実績の本文' : 'Text'}</label><textarea id="r-text" name="textJa" rows={4} /></p>
            <p><label for="r-dept">{J ? '担当部署' : 'Department'}</label><input id="r-dept" name="department" /></p>
            <p><label for="r-status">{J ? '状況' : 'Status'}</label><select id="r-status" name="status"><option value="reported">{J ? '報告' : 'Reported'}</option><option value="achieved">{J ? '達成' : 'Achieved'}</option><option value="in_progress">{J ? '実施中' : 'In progress'}</option><option value="not_achieved">{J ? '未達' : 'Not achieved'}</option></select></p>
            <fieldset><legend>{J ? '引用する統計' : 'Statistics quoted'}</legend>{props.statistics.map((s) => <label class="check"><input type="checkbox" name="statistics" value={s.key} /> {s.key} {jt(s.title, lang)}</label>)}</fieldset>
            <button type="submit">{J ? '追加' : 'Add'}</button>
          </form>
        </>
      )}
    </Layout>
  );
}

export function TreePage(props: { ctx: PageContext; nodes: PlanNode[]; kpiCount: Map<string, number> }) {
  const { ctx, nodes } = props;
  const lang = ctx.lang;
  const children = new Map<string | null, PlanNode[]>();
  for (const n of nodes) children.set(n.parent, [...(children.get(n.parent) ?? []), n]);
  const render = (parent: string | null, depth: number): preact.JSX.Element | null => {
    const list = children.get(parent);
    if (!list?.length || depth > 6) return null;
    return <ul>{list.map((n) => <li><a href={nodeHref(n.code)}>{n.label} {jt(n.title, lang)}</a>{props.kpiCount.get(n.code) ? ` [${lang === 'ja' ? '指標' : 'KPIs'} ${props.kpiCount.get(n.code)}]` : ''}{render(n.code, depth + 1)}</li>)}</ul>;
  };
  return (
    <Layout ctx={ctx} title={{ ja: '中期計画の体系', en: 'Mid-term plan structure' }}>
      <p><a href="/staff/plan">{lang === 'ja' ? 'ダッシュボードへ' : 'Back to the dashboard'}</a></p>
      {render(null, 0)}
    </Layout>
  );
}

export function StatisticsPage(props: { ctx: PageContext; fy: number; rows: Array<{ key: string; module: string; title: { ja: string; en: string }; unit: string; value: number }>; kpisByStat: Map<string, KpiSeed[]> }) {
  const { ctx } = props;
  const lang = ctx.lang; const J = lang === 'ja';
  return (
    <Layout ctx={ctx} title={{ ja: `モジュールが公開する統計 ${fyLabel(props.fy, 'ja')}`, en: `Statistics published by modules FY${props.fy}` }}>
      <p>{J ? '各モジュールが公開する統計です。指標（KPI）はこれらに結び付けると、実績が自動計算されます。' : 'Figures the modules publish. A KPI bound to one of them has its actuals computed.'}</p>
      <table>
        <thead><tr><th scope="col">{J ? 'キー' : 'Key'}</th><th scope="col">{J ? '統計' : 'Statistic'}</th><th scope="col">{J ? 'モジュール' : 'Module'}</th><th scope="col" class="num">{J ? '年度内の値' : 'Value in the year'}</th><th scope="col">{J ? '結び付いた指標' : 'Bound KPIs'}</th></tr></thead>
        <tbody>{props.rows.map((r) => (
          <tr id={r.key}>
            <th scope="row"><code>{r.key}</code></th><td>{jt(r.title, lang)}</td><td>{r.module}</td><td class="num">{num(r.value)}{r.unit}</td>
            <td>{(props.kpisByStat.get(r.key) ?? []).map((k) => <a href={kpiHref(k.code)}>{k.symbol} {jt(k.name, lang)}</a>)}</td>
          </tr>
        ))}</tbody>
      </table>
    </Layout>
  );
}

export function ReportPage(props: {
  ctx: PageContext; model: ReportModel; base: string; staff: boolean; canFinalise: boolean; yearOver: boolean;
  revisions: Array<Omit<StoredReport, 'model'>>; current?: Omit<StoredReport, 'model'>; errors: FormError[];
}) {
  const { ctx, model } = props;
  const lang = ctx.lang; const J = lang === 'ja';
  const rev = props.current ? `?revision=${props.current.revision}` : '';
  const tables = model.chapters.flatMap((c) => [...c.kpis.map((k) => `${c.label} ${k.symbol} ${jt(k.name, lang)}`), ...c.tables.map((t) => t.title[lang])]);
  return (
    <Layout ctx={ctx} title={model.title.en ? { ja: model.title.ja, en: model.title.en } : { ja: model.title.ja, en: model.title.ja }}>
      <div class="report-tools">
        <p>{props.staff && !props.current ? (J ? '作成中（確定前）の報告書です。数値は現在のデータから生成されています。' : 'Draft: generated from the current data.') : props.current ? (J ? `確定版 第${props.current.revision}版（${props.current.finalisedAt.toISOString().slice(0, 10)} ${props.current.finalisedByName}）` : `Finalised revision ${props.current.revision}`) : ''}</p>
        <ul>
          <li><a href={`${props.base}/report.xlsx${rev}`}>{J ? 'Excel（XLSX）をダウンロード' : 'Download XLSX'}</a></li>
          <li><a href={`${props.base}/report.json${rev}`}>{J ? 'JSON（報告書モデル）' : 'JSON (report model)'}</a></li>
          <li><details><summary>{J ? '表ごとの CSV' : 'CSV per table'}</summary><ul>{tables.map((name, i) => <li><a href={`${props.base}/tables/${i + 1}.csv${rev}`}>{name}</a></li>)}</ul></details></li>
        </ul>
        {props.revisions.length > 0 && (
          <details>
            <summary>{J ? `確定版の履歴（${props.revisions.length}版）` : `Finalised revisions (${props.revisions.length})`}</summary>
            <ul>{props.revisions.map((r) => (
              <li><a href={`${props.staff ? `/annual-report/${r.fiscalYear}` : props.base}?revision=${r.revision}`}>{J ? `第${r.revision}版` : `Revision ${r.revision}`}</a> {r.finalisedAt.toISOString().slice(0, 10)} {r.finalisedByName}
                {r.changes.length > 0 && <ul>{r.changes.slice(0, 50).map((c) => <li><code>{c.path}</code>: {c.before ?? '—'} → {c.after ?? '—'}</li>)}</ul>}
              </li>
            ))}</ul>
          </details>
        )}
        <ErrorSummary lang={lang} errors={props.errors} />
        {props.canFinalise && (
          props.yearOver
            ? <form method="post" action={`/staff/plan/report/${model.fiscalYear}/finalise`}><input type="hidden" name="_csrf" value={ctx.csrfToken} /><button type="submit">{J ? 'この内容で確定する（新しい版を作成）' : 'Finalise (create a new revision)'}</button></form>
            : <p>{J ? '年度が終了すると確定できます。' : 'The report can be finalised once the fiscal year has ended.'}</p>
        )}
      </div>
      <ReportDocument model={model} lang={lang} charts={true} />
    </Layout>
  );
}

export function ReportIndexPage(props: { ctx: PageContext; revisions: Array<Omit<StoredReport, 'model'>> }) {
  const J = props.ctx.lang === 'ja';
  const latest = new Map<number, Omit<StoredReport, 'model'>>();
  for (const r of props.revisions) if (!latest.has(r.fiscalYear)) latest.set(r.fiscalYear, r);
  return (
    <Layout ctx={props.ctx} title={{ ja: '業務実績報告書', en: 'Annual performance reports' }}>
      {latest.size === 0
        ? <p>{J ? '確定した報告書はまだありません。' : 'No report has been finalised yet.'}</p>
        : <ul>{[...latest.values()].map((r) => <li><a href={`/annual-report/${r.fiscalYear}`}>{fyLabel(r.fiscalYear, props.ctx.lang)} {J ? '業務実績報告書' : 'annual report'}</a>（{J ? `第${r.revision}版` : `revision ${r.revision}`}、{r.finalisedAt.toISOString().slice(0, 10)}）</li>)}</ul>}
    </Layout>
  );
}

export const yearIsOver = (fy: number, now: Date) => now >= fiscalYear(fy).to;
