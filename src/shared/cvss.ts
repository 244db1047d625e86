// CVSS vectors are parsed and scored by ae-cvss-calculator (all of 2.0, 3.0, 3.1, 4.0); this file
// only adds what the library leaves to callers: refusing incomplete vectors with a reason and
// naming the qualitative severity of each version's specification.
import pkg from 'ae-cvss-calculator';
import type { Text } from '../platform/i18n/i18n.js';

const lib = pkg as unknown as { fromVector(v: string): { getVectorName(): string; calculateScores(): { base?: number; overall?: number; vector: string } } | undefined };

export type CvssVersion = '2.0' | '3.0' | '3.1' | '4.0';
export type Severity = 'none' | 'low' | 'medium' | 'high' | 'critical';
export interface CvssResult { version: CvssVersion; vector: string; baseScore: number; severity: Severity }

export const SEVERITY_LABEL: Record<Severity, Text> = {
  none: { ja: 'なし', en: 'None' }, low: { ja: '注意', en: 'Low' }, medium: { ja: '警告', en: 'Medium' },
  high: { ja: '重要', en: 'High' }, critical: { ja: '緊急', en: 'Critical' },
};

export function severityOf(version: CvssVersion, score: number): Severity {
  if (version === '2.0') return score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
  if (score === 0) return 'none';
  return score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
}

export class CvssError extends Error {
  constructor(readonly text: Text) { super(text.en); }
}

/** Base metrics each version requires: the library scores an incomplete 4.0 vector as 0.0 and takes a repeated metric silently. */
const BASE_METRICS: Record<string, string[]> = {
  '2.0': ['AV', 'AC', 'Au', 'C', 'I', 'A'], '3.0': ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'], '3.1': ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'],
  '4.0': ['AV', 'AC', 'AT', 'PR', 'UI', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA'],
};

function shapeProblem(input: string): Text | null {
  const m = /^(?:CVSS:(\d\.\d)\/)?(.*)$/.exec(input)!;
  const required = BASE_METRICS[m[1] ?? '2.0'];
  if (!required) return null; // an unknown version: the library names the problem
  const names = m[2].split('/').map((p) => p.split(':')[0]);
  const dup = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
  if (dup.length) return { ja: `評価基準が重複しています（${dup.join(', ')}）。`, en: `Metrics are repeated (${dup.join(', ')}).` };
  const missing = required.filter((r) => !names.includes(r));
  if (missing.length) return { ja: `基本評価基準が不足しています（${missing.join(', ')}）。`, en: `Base metrics are missing (${missing.join(', ')}).` };
  return null;
}

export function parseCvss(raw: string): CvssResult {
  const input = raw.trim().replace(/^\((.*)\)$/, '$1');
  const shape = shapeProblem(input);
  if (shape) throw new CvssError(shape);
  let parsed;
  try { parsed = lib.fromVector(input); } catch (e) {
    throw new CvssError({ ja: `CVSS ベクトルを解析できません（${(e as Error).message}）。`, en: `The CVSS vector cannot be parsed (${(e as Error).message}).` });
  }
  if (!parsed) throw new CvssError({ ja: 'CVSS ベクトルの形式が正しくありません。', en: 'The CVSS vector is malformed.' });
  const version = parsed.getVectorName().replace('CVSS:', '') as CvssVersion;
  const scores = parsed.calculateScores();
  if (scores.base === undefined || Number.isNaN(scores.base)) {
    const missing = scores.vector.split('/').filter((p) => p.endsWith(':X')).map((p) => p.split(':')[0]);
    throw new CvssError({
      ja: `基本評価基準が不足しています${missing.length ? `（${missing.join(', ')}）` : ''}。`,
      en: `Base metrics are missing${missing.length ? ` (${missing.join(', ')})` : ''}.`,
    });
  }
  const vector = version === '2.0' ? input.replace(/^CVSS:2\.0\//, '') : input;
  return { version, vector, baseScore: scores.base, severity: severityOf(version, scores.base) };
}
