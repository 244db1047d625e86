// Anonymisation (匿名化): rules are data (jcsip_redaction_rules) that analysts edit. Applying them
// yields the redacted text and the list of segments (kept text / replaced text), which is the diff
// shown in the preview. Pure functions; no database access.

export const RULE_KINDS = ['provider', 'recipients', 'literal', 'regex'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export interface RedactionRule {
  id: string;
  kind: RuleKind;
  /** literal: the text (one per line); regex: a JavaScript pattern (flags gi); provider/recipients: unused. */
  pattern: string;
  replacement: string;
  category: string;
  enabled: boolean;
}

/** What the sources of an item tell the rules: who provided them and to whom the mails were sent. */
export interface RedactionContext {
  providerNames: string[];
  providerDomains: string[];
  recipientAddresses: string[];
}

export type Segment = { kept: string } | { original: string; replacement: string; ruleId: string; category: string };

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Compiles a rule into one global regular expression, or null when it matches nothing. */
export function compileRule(rule: RedactionRule, rc: RedactionContext): RegExp | null {
  let parts: string[] = [];
  switch (rule.kind) {
    case 'provider':
      // Domains also match sub-domains and e-mail addresses at them.
      parts = [
        ...rc.providerNames.filter((s) => s.trim().length >= 2).map(escapeRe),
        ...rc.providerDomains.filter(Boolean).map((d) => `(?:[\\w.+-]+@)?(?:[\\w-]+\\.)*${escapeRe(d)}`),
      ];
      break;
    case 'recipients':
      parts = rc.recipientAddresses.filter(Boolean).map(escapeRe);
      break;
    case 'literal':
      parts = rule.pattern.split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length >= 1).map(escapeRe);
      break;
    case 'regex':
      if (!rule.pattern.trim()) return null;
      parts = [`(?:${rule.pattern})`];
      break;
  }
  if (!parts.length) return null;
  // Longest alternatives first so that "Example Corp Ltd" wins over "Example Corp".
  parts.sort((a, b) => b.length - a.length);
  return new RegExp(parts.join('|'), 'giu');
}

/** Throws a readable message when a regex rule does not compile. */
export function validateRulePattern(kind: RuleKind, pattern: string): string | null {
  if (kind !== 'regex') return null;
  try { new RegExp(pattern, 'giu'); return null; } catch (e) { return (e as Error).message; }
}

/** Applies the enabled rules in order; text replaced by one rule is not matched again by later ones. */
export function redact(text: string, rules: RedactionRule[], rc: RedactionContext): { text: string; segments: Segment[]; replaced: number } {
  let segments: Segment[] = [{ kept: text }];
  for (const rule of rules) {
    if (!rule.enabled) continue;
    const re = compileRule(rule, rc);
    if (!re) continue;
    const next: Segment[] = [];
    for (const seg of segments) {
      if (!('kept' in seg)) { next.push(seg); continue; }
      let last = 0;
      for (const m of seg.kept.matchAll(re)) {
        if (!m[0]) continue;
        const i = m.index ?? 0;
        if (i > last) next.push({ kept: seg.kept.slice(last, i) });
        next.push({ original: m[0], replacement: rule.replacement, ruleId: rule.id, category: rule.category });
        last = i + m[0].length;
      }
      if (last < seg.kept.length) next.push({ kept: seg.kept.slice(last) });
    }
    segments = next;
  }
  const out = segments.map((s) => ('kept' in s ? s.kept : s.replacement)).join('');
  return { text: out, segments, replaced: segments.filter((s) => !('kept' in s)).length };
}

/** Default rules the first migration seeds (analysts may edit, disable or add). */
export const DEFAULT_RULES: Array<Omit<RedactionRule, 'id'> & { description: string }> = [
  { kind: 'provider', pattern: '', replacement: '[参加組織]', category: 'provider', enabled: true, description: '情報提供元の組織名・ドメイン（提供元の全組織） / provider names and domains' },
  { kind: 'recipients', pattern: '', replacement: '[受信者]', category: 'recipient', enabled: true, description: '不審メールの受信者アドレス / recipient addresses of the suspicious e-mails' },
  { kind: 'regex', pattern: '\\b(?:10\\.\\d{1,3}|192\\.168|172\\.(?:1[6-9]|2\\d|3[01]))\\.\\d{1,3}\\.\\d{1,3}(?:/\\d{1,2})?\\b', replacement: '[内部IP]', category: 'internal_ip', enabled: true, description: 'プライベート IP アドレス範囲 / private IP ranges' },
  { kind: 'regex', pattern: '\\b[a-z0-9][a-z0-9-]*(?:\\.[a-z0-9-]+)*\\.(?:local|lan|internal|corp|intra|localdomain)\\b', replacement: '[内部ホスト]', category: 'internal_host', enabled: true, description: '内部ホスト名 / internal host names' },
  { kind: 'literal', pattern: '', replacement: '[個人名]', category: 'personal_name', enabled: true, description: '個人名（1 行に 1 名） / personal names, one per line' },
];
