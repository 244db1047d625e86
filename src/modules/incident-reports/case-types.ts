// The two notification classes (コンピュータウイルス届出 IPA-V-…, 不正アクセス届出 IPA-U-…) as data:
// states, transitions and the permissions they need. Both share one small workflow: received →
// under review → (follow-up hearing ↔ review) → closed with a reason.
import type { CaseTypeDefinition, CaseTransitionDef } from '../../platform/cases/types.js';
import type { Text } from '../../platform/i18n/i18n.js';
import { CLOSE_REASONS, type IncidentKind } from './vocab.js';

export const VIRUS = 'incident.virus';
export const UNAUTHORIZED = 'incident.unauthorized';
export const TYPE_OF: Record<IncidentKind, string> = { virus: VIRUS, unauthorized: UNAUTHORIZED };
export const KIND_OF: Record<string, IncidentKind> = { [VIRUS]: 'virus', [UNAUTHORIZED]: 'unauthorized' };

export const PERM = {
  read: 'incidents.read',
  write: 'incidents.write',
  intake: 'incidents.intake',
  handle: 'incidents.handle',
  requests: 'incidents.requests',
  author: 'incidents.author',
  publish: 'incidents.publish',
} as const;

/**
 * Personal data of a report is kept for three years after the case is closed; then the kernel's
 * retention job removes these keys (and the names and addresses of parties without an account).
 * The classification, damage flags and breakdown codes stay, so statistics survive.
 */
export const RETENTION = {
  days: 3 * 365,
  personalKeys: ['reporter.name', 'reporter.email', 'reporter.phone', 'reporter.organisationName', 'reporter.department', 'hearings', 'description', 'malwareFile'],
};

const CLOSE_FROM = ['received', 'reviewing', 'hearing'];

export type TransitionHooks = Partial<Record<string, Pick<CaseTransitionDef, 'guard' | 'effect'>>>;

function def(kind: IncidentKind, hooks: TransitionHooks): CaseTypeDefinition {
  const transitions: CaseTransitionDef[] = [
    { name: 'start_review', label: { ja: '内容確認を開始', en: 'Start the review' }, from: ['received'], to: 'reviewing', permission: PERM.handle },
    { name: 'start_hearing', label: { ja: '追加ヒアリングを開始', en: 'Start a follow-up hearing' }, from: ['reviewing'], to: 'hearing', permission: PERM.handle },
    { name: 'finish_hearing', label: { ja: '追加ヒアリングを終了', en: 'Finish the follow-up hearing' }, from: ['hearing'], to: 'reviewing', permission: PERM.handle },
    { name: 'close', label: { ja: '終了', en: 'Close' }, from: CLOSE_FROM, to: 'closed', permission: PERM.handle, reasons: CLOSE_REASONS },
    { name: 'reopen', label: { ja: '再開', en: 'Reopen' }, from: ['closed'], to: 'reviewing', permission: PERM.handle },
  ];
  const title: Text = kind === 'virus'
    ? { ja: 'コンピュータウイルス届出', en: 'Computer virus report' }
    : { ja: 'コンピュータ不正アクセス届出', en: 'Unauthorised computer access report' };
  return {
    type: kind === 'virus' ? VIRUS : UNAUTHORIZED,
    title,
    refPrefix: kind === 'virus' ? 'IPA-V' : 'IPA-U',
    deskEmail: 'incident-desk@mamori.example.jp',
    initial: 'received',
    readPermission: PERM.read,
    writePermission: PERM.write,
    states: {
      received: { label: { ja: '受付', en: 'Received' } },
      reviewing: { label: { ja: '内容確認中', en: 'Under review' } },
      hearing: { label: { ja: '追加ヒアリング中', en: 'Follow-up hearing' } },
      closed: { label: { ja: '終了', en: 'Closed' }, terminal: true },
    },
    transitions: transitions.map((t) => ({ ...t, ...(hooks[t.name] ?? {}) })),
    retention: RETENTION,
  };
}

export const virusCaseType = (hooks: TransitionHooks = {}) => def('virus', hooks);
export const unauthorizedCaseType = (hooks: TransitionHooks = {}) => def('unauthorized', hooks);
