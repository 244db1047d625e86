// The desk's published statistics, computed from the case history for any period, so that a
// quarterly or annual figure can be reproduced for any past date (cumulative since 2004).
import type { CaseEngine } from '../../platform/cases/engine.js';
import { PRODUCT, WEB, PRODUCT_NOT_SENT, WEB_NOT_CONTACTED, WEB_DETAILS_NOT_SENT } from './case-types.js';

export interface Figure { total: number; increase: number }

export interface DeskStatistics {
  period: { from: string; to: string };
  received: { product: Figure; developerReports: Figure; web: Figure; total: Figure };
  closed: { product: Figure; published: Figure; web: Figure; total: Figure };
  inHandling: {
    product: { notSentToCoordinator: number; total: number };
    web: { operatorNotContacted: number; detailsNotSent: number; total: number };
  };
  /** Flows during the period. */
  providedToOperators: number;
  providedToDevelopers: number;
  publications: number;
  alerts: number;
  emergencyCountermeasures: number;
  priorityProvisions: { electric_power: Figure; government: Figure };
  openBugBounty: number;
}

function sum(counts: Record<string, number>, states: string[]): number {
  return states.reduce((a, s) => a + (counts[s] ?? 0), 0);
}

const fig = (total: number, before: number): Figure => ({ total, increase: total - before });

export async function computeStatistics(cases: CaseEngine, from: Date, to: Date): Promise<DeskStatistics> {
  const [pTo, pFrom, wTo, wFrom] = await Promise.all([
    cases.stateCountsAsOf(PRODUCT, to), cases.stateCountsAsOf(PRODUCT, from),
    cases.stateCountsAsOf(WEB, to), cases.stateCountsAsOf(WEB, from),
  ]);
  const [pRecTo, pRecFrom, devTo, devFrom, wRecTo, wRecFrom] = await Promise.all([
    cases.countReceived(PRODUCT, null, to), cases.countReceived(PRODUCT, null, from),
    cases.countReceived(PRODUCT, null, to, { source: 'developer' }), cases.countReceived(PRODUCT, null, from, { source: 'developer' }),
    cases.countReceived(WEB, null, to), cases.countReceived(WEB, null, from),
  ]);
  const [toOperators, toDevelopers, publications, alerts, emergency, elecTo, elecFrom, govTo, govFrom, obb] = await Promise.all([
    cases.countEvents(WEB, from, to, { transition: 'provide_details' }),
    cases.countEvents(PRODUCT, from, to, { transition: 'contact_developer' }),
    cases.countEvents(PRODUCT, from, to, { toState: 'published' }),
    cases.countEvents(PRODUCT, from, to, { kind: 'alert', details: { level: 'alert' } }),
    cases.countEvents(PRODUCT, from, to, { kind: 'alert', details: { level: 'emergency' } }),
    cases.countEvents(PRODUCT, null, to, { kind: 'priority_provision', details: { category: 'electric_power' } }),
    cases.countEvents(PRODUCT, null, from, { kind: 'priority_provision', details: { category: 'electric_power' } }),
    cases.countEvents(PRODUCT, null, to, { kind: 'priority_provision', details: { category: 'government' } }),
    cases.countEvents(PRODUCT, null, from, { kind: 'priority_provision', details: { category: 'government' } }),
    cases.countReceived(WEB, from, to, { source: 'open_bug_bounty' }),
  ]);
  const closed = (c: Record<string, number>, type: 'p' | 'w') => type === 'p' ? sum(c, ['published', 'closed']) : sum(c, ['closed']);
  const pClosedTo = closed(pTo, 'p'); const pClosedFrom = closed(pFrom, 'p');
  const wClosedTo = closed(wTo, 'w'); const wClosedFrom = closed(wFrom, 'w');
  return {
    period: { from: from.toISOString(), to: to.toISOString() },
    received: {
      product: fig(pRecTo, pRecFrom), developerReports: fig(devTo, devFrom), web: fig(wRecTo, wRecFrom), total: fig(pRecTo + wRecTo, pRecFrom + wRecFrom),
    },
    closed: {
      product: fig(pClosedTo, pClosedFrom), published: fig(pTo.published ?? 0, pFrom.published ?? 0),
      web: fig(wClosedTo, wClosedFrom), total: fig(pClosedTo + wClosedTo, pClosedFrom + wClosedFrom),
    },
    inHandling: {
      product: { notSentToCoordinator: sum(pTo, PRODUCT_NOT_SENT), total: pRecTo - pClosedTo },
      web: { operatorNotContacted: sum(wTo, WEB_NOT_CONTACTED), detailsNotSent: sum(wTo, WEB_DETAILS_NOT_SENT), total: wRecTo - wClosedTo },
    },
    providedToOperators: toOperators,
    providedToDevelopers: toDevelopers,
    publications,
    alerts,
    emergencyCountermeasures: emergency,
    priorityProvisions: { electric_power: fig(elecTo, elecFrom), government: fig(govTo, govFrom) },
    openBugBounty: obb,
  };
}
