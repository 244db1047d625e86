// Figures of the consultation desk: the quarterly 相談状況レポート (calendar quarters) and what the
// module publishes to the statistics registry (ctx.stats) for KPIs and the annual report.
import type { AppContext } from '../../platform/context.js';
import type { StatisticDefinition, StatTableDefinition } from '../../platform/stats/statistics.js';
import { calendarQuarter, fiscalYear, jstParts, type Period } from '../../platform/i18n/dates.js';
import type { Text } from '../../platform/i18n/i18n.js';
import { CHANNEL_GROUPS, CHANNEL_KEYS, CONSULTATION, DEVICE_KEYS, NO_CHANNEL_LABEL } from './case-types.js';
import type { ConsultationService } from './service.js';

export interface Breakdown {
  total: number;
  byChannel: Record<string, number>;
  /** Consultations without a recorded channel (history only; see docs/modules/consultation.md). */
  noChannel: number;
  byGroup: Record<string, number>;
  byCategory: Record<string, number>;
  byDevice: Record<string, number>;
  /** 'YYYY-MM' (JST) → count. */
  byMonth: Record<string, number>;
}

/**
 * Counts of the consultations received in [from, to), grouped by channel, category, device and month.
 * One grouped query over the desk's cases (the engine's countReceivedBy).
 */
export async function breakdown(ctx: AppContext, from: Date, to: Date): Promise<Breakdown> {
  const rows = (await ctx.cases.countReceivedBy(CONSULTATION, from, to, ['channel', 'category', 'device'], { byMonth: true }))
    .map((r) => ({ channel: r.values.channel, category: r.values.category, device: r.values.device, month: r.month!, n: r.n }));
  const b: Breakdown = { total: 0, byChannel: Object.fromEntries(CHANNEL_KEYS.map((k) => [k, 0])), noChannel: 0, byGroup: Object.fromEntries(CHANNEL_GROUPS.map((g) => [g.key, 0])), byCategory: {}, byDevice: Object.fromEntries(DEVICE_KEYS.map((k) => [k, 0])), byMonth: {} };
  // Every month of the period appears, even with no consultation.
  for (let t = new Date(from); t < to;) {
    const p = jstParts(t);
    b.byMonth[`${p.y}-${String(p.m).padStart(2, '0')}`] = 0;
    t = new Date(Date.UTC(p.y, p.m, 1) - 9 * 3600_000);
  }
  for (const r of rows) {
    const n = Number(r.n);
    b.total += n;
    if (r.channel && r.channel in b.byChannel) {
      b.byChannel[r.channel] += n;
      const g = CHANNEL_GROUPS.find((x) => (x.channels as string[]).includes(r.channel!));
      if (g) b.byGroup[g.key] += n;
    } else b.noChannel += n;
    const cat = r.category ?? 'other';
    b.byCategory[cat] = (b.byCategory[cat] ?? 0) + n;
    const dev = r.device && r.device in b.byDevice ? r.device : 'unknown';
    b.byDevice[dev] += n;
    b.byMonth[r.month] = (b.byMonth[r.month] ?? 0) + n;
  }
  return b;
}

export interface QuarterlyReport {
  year: number;
  quarter: 1 | 2 | 3 | 4;
  period: Period;
  current: Breakdown;
  previousQuarter: { year: number; quarter: number; period: Period; figures: Breakdown };
  previousYear: { year: number; quarter: number; period: Period; figures: Breakdown };
  referrals: number;
}

export function previousQuarterOf(year: number, q: number): { year: number; quarter: 1 | 2 | 3 | 4 } {
  return q === 1 ? { year: year - 1, quarter: 4 } : { year, quarter: (q - 1) as 1 | 2 | 3 };
}

export async function quarterlyReport(ctx: AppContext, year: number, quarter: 1 | 2 | 3 | 4): Promise<QuarterlyReport> {
  const period = calendarQuarter(year, quarter);
  const pq = previousQuarterOf(year, quarter);
  const pqPeriod = calendarQuarter(pq.year, pq.quarter);
  const pyPeriod = calendarQuarter(year - 1, quarter);
  const [current, prevQ, prevY, referrals] = await Promise.all([
    breakdown(ctx, period.from, period.to), breakdown(ctx, pqPeriod.from, pqPeriod.to), breakdown(ctx, pyPeriod.from, pyPeriod.to),
    ctx.cases.countEvents(CONSULTATION, period.from, period.to, { kind: 'referral' }),
  ]);
  return {
    year, quarter, period, current, referrals,
    previousQuarter: { ...pq, period: pqPeriod, figures: prevQ },
    previousYear: { year: year - 1, quarter, period: pyPeriod, figures: prevY },
  };
}

/** Change from `before` to `now` as "+12.3%" / "△4.0%" (the report's sign for a decrease); null when before is 0. */
export function changeRate(now: number, before: number): string | null {
  if (!before) return null;
  const r = ((now - before) / before) * 100;
  const abs = Math.abs(r).toFixed(1);
  return r < 0 ? `△${abs}%` : `+${abs}%`;
}

const svcOf = (ctx: AppContext) => ctx.services.get('consultation') as ConsultationService;

export const consultationStatistics: StatisticDefinition[] = [
  {
    key: 'consultation.received', unit: '件',
    title: { ja: '情報セキュリティ安心相談窓口の相談件数', en: 'Consultations received' },
    period: (ctx, from, to) => ctx.cases.countReceived(CONSULTATION, from, to),
  },
  {
    key: 'consultation.referrals', unit: '件',
    title: { ja: '他の相談窓口への案内（紹介）件数', en: 'Referrals to partner desks' },
    period: (ctx, from, to) => ctx.cases.countEvents(CONSULTATION, from, to, { kind: 'referral' }),
  },
  {
    key: 'consultation.partners.added', unit: '組織',
    title: { ja: '相談窓口連絡会の新規メンバー（連携組織の拡大数）', en: 'Organisations newly joining the consultation-desk council' },
    description: { ja: '期間中に相談窓口連絡会に参加した組織の数（IPA を除く）。累計は時点の参加組織数（IPA を含む）。', en: 'Organisations that joined the consultation-desk council in the period (IPA excluded); the cumulative figure is the membership at the instant (IPA included).' },
    period: (ctx, from, to) => svcOf(ctx).partnersAdded(from, to, 'council'),
    cumulative: (ctx, at) => svcOf(ctx).membersAt(at, 'council'),
  },
  {
    key: 'consultation.partners.cooperation', unit: '件',
    title: { ja: '連携組織との情報提供・共有等の件数', en: 'Cases of information provision/sharing with partners' },
    period: (ctx, from, to) => svcOf(ctx).countCooperation(from, to),
  },
];

const fmt = (n: number) => n.toLocaleString('ja-JP');

export async function fiscalYearChannels(ctx: AppContext, fy: number): Promise<{ figures: Breakdown; period: Period }> {
  const p = fiscalYear(fy);
  return { figures: await breakdown(ctx, p.from, p.to), period: p };
}

export const consultationTables: StatTableDefinition[] = [{
  key: 'consultation.channels',
  chapter: 'I/1/(1-1)/③/b',
  title: { ja: '相談対応状況（受付手段別）', en: 'Consultations by channel' },
  async compute(ctx, fy) {
    const { figures: b, period } = await fiscalYearChannels(ctx, fy);
    const notes: Text[] = [{ ja: `${period.label.ja}（4月〜3月）に受け付けた相談。`, en: `Consultations received in ${period.label.en} (April–March).` }];
    const rows: Array<{ label: Text; cells: Array<string | number | null> }> = CHANNEL_GROUPS.map((g) => ({ label: g.label, cells: [fmt(b.byGroup[g.key])] }));
    if (b.noChannel) {
      notes.push({
        ja: `受付手段別の合計（${fmt(b.total - b.noChannel)} 件）と相談件数（${fmt(b.total)} 件）の差 ${fmt(b.noChannel)} 件は、受付手段が記録されていない相談です（受付手段を推定して割り当てていません）。`,
        en: `The ${fmt(b.noChannel)} consultations between the channel sum (${fmt(b.total - b.noChannel)}) and the total (${fmt(b.total)}) have no recorded channel (none is guessed).`,
      });
      rows.push({ label: NO_CHANNEL_LABEL, cells: [fmt(b.noChannel)] });
    }
    rows.push({ label: { ja: '相談件数 合計', en: 'Total consultations' }, cells: [fmt(b.total)] });
    return { columns: [{ ja: '受付手段', en: 'Channel' }, { ja: '件数', en: 'Count' }], rows, notes };
  },
}];
