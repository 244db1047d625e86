// Field-by-field comparison of two revision snapshots (advisories_revisions.snapshot, the JSON of an
// Advisory after each change): only changed fields, scalars as old → new, lists as added/removed
// items, long texts as a line diff. The line diff is a plain longest-common-subsequence diff written
// here (no diff library is installed): common leading and trailing lines are cut off first, then an
// O(n·m) table of LCS lengths is filled backwards and walked forwards, preferring deletions before
// insertions. Inputs whose table would exceed MAX_CELLS are shown as "all removed, all added".
import type { Text } from '../../../platform/i18n/i18n.js';

export type DiffLine = { op: 'same' | 'add' | 'del'; text: string };
export type FieldChange =
  | { field: string; kind: 'scalar'; from: string; to: string }
  | { field: string; kind: 'list'; added: string[]; removed: string[] }
  | { field: string; kind: 'text'; lines: DiffLine[] };

const MAX_CELLS = 4_000_000;

export function lineDiff(a: string[], b: string[]): DiffLine[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const A = a.slice(pre, a.length - suf); const B = b.slice(pre, b.length - suf);
  const n = A.length; const m = B.length;
  const out: DiffLine[] = a.slice(0, pre).map((text) => ({ op: 'same', text }));
  if (n * m > MAX_CELLS) {
    out.push(...A.map((text) => ({ op: 'del' as const, text })), ...B.map((text) => ({ op: 'add' as const, text })));
  } else {
    // lcs[i][j] = length of the longest common subsequence of A[i..] and B[j..]
    const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = A[i] === B[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    let i = 0; let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && A[i] === B[j]) { out.push({ op: 'same', text: A[i] }); i++; j++; }
      else if (j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) out.push({ op: 'del', text: A[i++] });
      else out.push({ op: 'add', text: B[j++] });
    }
  }
  out.push(...a.slice(a.length - suf).map((text) => ({ op: 'same' as const, text })));
  return out;
}

const splitLines = (s: string) => s.replace(/\r\n?/g, '\n').split('\n');

/** Texts longer than this (or with a line break) are compared line by line. */
const LONG = 120;

type Snap = Record<string, unknown>;
const s = (v: unknown): string => (v === null || v === undefined || v === '' ? '' : typeof v === 'string' ? v : JSON.stringify(v));

function item(field: string, v: unknown): string {
  if (typeof v !== 'object' || v === null) return s(v);
  const o = v as Record<string, unknown>;
  if (field === 'cvss') return `v${s(o.version)} ${s(o.vector)} (${s(o.baseScore)} ${s(o.severity)})`;
  if (field === 'affected') {
    const range = o.versionStart || o.versionEnd
      ? ` [${s(o.versionStart)}${o.versionStart ? (o.versionStartIncluding ? ' ≤' : ' <') : ''} v ${o.versionEnd ? (o.versionEndIncluding ? '≤ ' : '< ') : ''}${s(o.versionEnd)}]` : '';
    return [`${s(o.vendor)} / ${s(o.product)}`, s(o.versionText), range.trim(), s(o.cpe), s(o.purl)].filter(Boolean).join(' ');
  }
  if (field === 'references') return `[${s(o.type)}] ${s(o.url)}${o.title ? ` — ${s(o.title)}` : ''}`;
  return JSON.stringify(v);
}

/** Fields in display order; anything else in a snapshot (other than these) is compared as JSON. */
export const FIELD_ORDER = ['state', 'jvndbId', 'title.ja', 'title.en', 'overview.ja', 'overview.en', 'impact.ja', 'impact.en', 'solution.ja', 'solution.en',
  'cveIds', 'jvnIds', 'cweIds', 'cvss', 'severity', 'affected', 'references', 'publicDate', 'firstPublishedAt', 'modifiedAt', 'kev', 'kevAdded', 'source', 'sourceRef'];
const IGNORED = new Set(['id', 'revision', 'updatedAt']);
const BI = new Set(['title', 'overview', 'impact', 'solution']);

export const FIELD_LABEL: Record<string, Text> = {
  state: { ja: '状態', en: 'State' }, jvndbId: { ja: 'JVNDB ID', en: 'JVNDB ID' },
  'title.ja': { ja: 'タイトル（日本語）', en: 'Title (Japanese)' }, 'title.en': { ja: 'タイトル（英語）', en: 'Title (English)' },
  'overview.ja': { ja: '概要（日本語）', en: 'Overview (Japanese)' }, 'overview.en': { ja: '概要（英語）', en: 'Overview (English)' },
  'impact.ja': { ja: '想定される影響（日本語）', en: 'Impact (Japanese)' }, 'impact.en': { ja: '想定される影響（英語）', en: 'Impact (English)' },
  'solution.ja': { ja: '対策（日本語）', en: 'Solution (Japanese)' }, 'solution.en': { ja: '対策（英語）', en: 'Solution (English)' },
  cveIds: { ja: 'CVE ID', en: 'CVE IDs' }, jvnIds: { ja: 'JVN ID', en: 'JVN IDs' }, cweIds: { ja: 'CWE', en: 'CWE' }, cvss: { ja: 'CVSS', en: 'CVSS' },
  severity: { ja: '深刻度', en: 'Severity' }, affected: { ja: '影響を受ける製品', en: 'Affected products' }, references: { ja: '参考情報', en: 'References' },
  publicDate: { ja: '公表日', en: 'Public date' }, firstPublishedAt: { ja: '登録日', en: 'Registered' }, modifiedAt: { ja: '最終更新日', en: 'Last modified' },
  kev: { ja: 'KEV', en: 'KEV' }, kevAdded: { ja: 'KEV 追加日', en: 'KEV added' }, source: { ja: '出所', en: 'Source' }, sourceRef: { ja: '出所の参照', en: 'Source reference' },
};

function flatten(snap: Snap): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(snap ?? {})) {
    if (IGNORED.has(k)) continue;
    if (BI.has(k) && v && typeof v === 'object' && !Array.isArray(v)) { for (const l of ['ja', 'en']) out.set(`${k}.${l}`, (v as Record<string, unknown>)[l] ?? ''); }
    else out.set(k, v);
  }
  return out;
}

/** Removes each element of `b` once from `a` (multiset difference). */
function minus(a: string[], b: string[]): string[] {
  const left = new Map<string, number>();
  for (const x of b) left.set(x, (left.get(x) ?? 0) + 1);
  return a.filter((x) => { const n = left.get(x) ?? 0; if (n > 0) { left.set(x, n - 1); return false; } return true; });
}

export function diffSnapshots(from: Snap, to: Snap): FieldChange[] {
  const a = flatten(from); const b = flatten(to);
  const keys = [...FIELD_ORDER.filter((k) => a.has(k) || b.has(k)), ...[...new Set([...a.keys(), ...b.keys()])].filter((k) => !FIELD_ORDER.includes(k)).sort()];
  const out: FieldChange[] = [];
  for (const field of keys) {
    const x = a.get(field); const y = b.get(field);
    if (JSON.stringify(x ?? null) === JSON.stringify(y ?? null)) continue;
    if (Array.isArray(x) || Array.isArray(y)) {
      const xs = (Array.isArray(x) ? x : []).map((v) => item(field, v)); const ys = (Array.isArray(y) ? y : []).map((v) => item(field, v));
      const added = minus(ys, xs); const removed = minus(xs, ys);
      // Same items in another order: show it as a change of order.
      if (!added.length && !removed.length) out.push({ field, kind: 'scalar', from: xs.join(', '), to: ys.join(', ') });
      else out.push({ field, kind: 'list', added, removed });
      continue;
    }
    const sx = s(x); const sy = s(y);
    if (typeof (x ?? y) === 'string' && (sx.length > LONG || sy.length > LONG || sx.includes('\n') || sy.includes('\n'))) {
      out.push({ field, kind: 'text', lines: lineDiff(sx ? splitLines(sx) : [], sy ? splitLines(sy) : []) });
    } else out.push({ field, kind: 'scalar', from: sx, to: sy });
  }
  return out;
}
