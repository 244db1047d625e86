// The desk's statistics (届出状況) for any period, recomputed from the cases: counts by type and
// damage, by month, by detection route / attack method, damage type, reporter, sector and channel.
// Counts are by date of receipt (JST); a case belongs to the period in which it was received.
import type { CaseEngine } from '../../platform/cases/engine.js';
import type { CaseRecord } from '../../platform/cases/types.js';
import { jstMidnight, jstParts } from '../../platform/i18n/dates.js';
import { TYPE_OF } from './case-types.js';
import {
  AFFECTED_SYSTEMS, ATTACK_METHODS, CHANNELS, DETECTION_ROUTES, REPORTER_TYPES, SECTORS, UNAUTH_DAMAGE, VIRUS_DAMAGE, type IncidentKind,
} from './vocab.js';
import type { IncidentData } from './validate.js';

export type Counts = Record<string, number>;

export interface KindStatistics {
  received: number;
  damaged: number;
  /** One entry per month of the period, in order. */
  byMonth: Array<{ month: string; received: number; damaged: number }>;
  byReporterType: Counts;
  bySector: Counts;
  byChannel: Counts;
  /** Multiple answers: a report counts once in every category it names. */
  byDamageType: Counts;
  /** virus: detection routes; unauthorised access: attack methods. */
  byRoute?: Counts;
  byMethod?: Counts;
  bySystem?: Counts;
  reportedToPolice?: number;
}

export interface IncidentStatistics {
  period: { from: string; to: string };
  virus: KindStatistics;
  unauthorized: KindStatistics;
}

/** Every case of a type received in [from, to), read through the engine's keyset pages. */
export async function casesReceived(cases: CaseEngine, type: string, from: Date, to: Date): Promise<CaseRecord[]> {
  const out: CaseRecord[] = [];
  let cursor: string | null = null;
  do {
    const page = await cases.search({ type, receivedFrom: from, receivedTo: to }, { sort: 'received_asc', limit: 500, cursor, withTotal: false });
    out.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return out;
}

const zero = (dict: Record<string, unknown>): Counts => Object.fromEntries(Object.keys(dict).map((k) => [k, 0]));

/** The months [from, to) covers, as YYYY-MM (JST). */
export function monthsOf(from: Date, to: Date): string[] {
  const out: string[] = [];
  let { y, m } = jstParts(from);
  while (jstMidnight(y, m, 1).getTime() < to.getTime()) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m++; if (m > 12) { m = 1; y++; }
  }
  return out;
}

function summarise(kind: IncidentKind, list: CaseRecord[], from: Date, to: Date): KindStatistics {
  const months = monthsOf(from, to);
  const byMonth = months.map((month) => ({ month, received: 0, damaged: 0 }));
  const s: KindStatistics = {
    received: 0, damaged: 0, byMonth,
    byReporterType: zero(REPORTER_TYPES), bySector: zero(SECTORS), byChannel: zero(CHANNELS),
    byDamageType: zero(kind === 'virus' ? VIRUS_DAMAGE : UNAUTH_DAMAGE),
  };
  if (kind === 'virus') s.byRoute = zero(DETECTION_ROUTES);
  else { s.byMethod = zero(ATTACK_METHODS); s.bySystem = zero(AFFECTED_SYSTEMS); s.reportedToPolice = 0; }
  const inc = (c: Counts | undefined, k: string | null | undefined) => { if (c && k) c[k] = (c[k] ?? 0) + 1; };
  for (const r of list) {
    const d = r.data as unknown as IncidentData;
    s.received++;
    if (d.damaged) s.damaged++;
    const p = jstParts(r.receivedAt);
    const bucket = byMonth[months.indexOf(`${p.y}-${String(p.m).padStart(2, '0')}`)];
    if (bucket) { bucket.received++; if (d.damaged) bucket.damaged++; }
    inc(s.byReporterType, d.reporterType);
    inc(s.bySector, d.sector);
    inc(s.byChannel, d.channel);
    for (const x of d.damageTypes ?? []) inc(s.byDamageType, x);
    for (const x of d.detectionRoutes ?? []) inc(s.byRoute, x);
    for (const x of d.attackMethods ?? []) inc(s.byMethod, x);
    for (const x of d.affectedSystems ?? []) inc(s.bySystem, x);
    if (kind === 'unauthorized' && d.reportedToPolice) s.reportedToPolice!++;
  }
  return s;
}

export async function computeStatistics(cases: CaseEngine, from: Date, to: Date): Promise<IncidentStatistics> {
  const [v, u] = await Promise.all([casesReceived(cases, TYPE_OF.virus, from, to), casesReceived(cases, TYPE_OF.unauthorized, from, to)]);
  return { period: { from: from.toISOString(), to: to.toISOString() }, virus: summarise('virus', v, from, to), unauthorized: summarise('unauthorized', u, from, to) };
}
