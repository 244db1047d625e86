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

export function parseCvss(raw: string): CvssResult {
  const input = raw.trim().replace(/^\((.*)\)$/, '$1');
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
