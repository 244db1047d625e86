// The two report classes of the Information Security Early Warning Partnership, with their states
// named as the annual report names them. Transitions are data; their domain effects (adding the
// coordinator as a party, the 45-day target date) are small functions next to them.
import type { CaseTypeDefinition, CaseTransitionDef } from '../../platform/cases/types.js';
import type { Text } from '../../platform/i18n/i18n.js';

export const PRODUCT = 'vuln.product';
export const WEB = 'vuln.web';

export const PERM = {
  read: 'vulndesk.read',
  write: 'vulndesk.write',
  triage: 'vulndesk.triage',
  coordinate: 'vulndesk.coordinate',
  publish: 'vulndesk.publish',
  close: 'vulndesk.close',
  priority: 'vulndesk.priority',
  advisory: 'vulndesk.advisory',
} as const;

/** The guideline's default: publication 45 days after the developer is notified. */
export const TARGET_DAYS = 45;

export const PRODUCT_CLOSE_REASONS: Record<string, Text> = {
  not_accepted: { ja: '不受理', en: 'Not accepted' },
  not_needed: { ja: '取扱い不要', en: 'No handling needed' },
  unreachable: { ja: '連絡不能', en: 'Developer unreachable' },
  withdrawn: { ja: '取り下げ', en: 'Withdrawn' },
  closed_unpublished: { ja: '公表せず終了', en: 'Closed without publication' },
};

export const WEB_CLOSE_REASONS: Record<string, Text> = {
  fixed: { ja: '修正完了', en: 'Fixed' },
  closed_by_alert: { ja: '注意喚起により終了', en: 'Closed by a public alert' },
  operator_unreachable: { ja: '運営者連絡不能', en: 'Operator unreachable' },
  not_needed: { ja: '取扱い不要', en: 'No handling needed' },
  not_accepted: { ja: '不受理', en: 'Not accepted' },
};

export type TransitionHooks = Partial<Record<string, Pick<CaseTransitionDef, 'guard' | 'effect'>>>;

/** Attaches the module's domain hooks to the transitions declared as data. */
function withHooks(def: CaseTypeDefinition, hooks: TransitionHooks): CaseTypeDefinition {
  return { ...def, transitions: def.transitions.map((d) => ({ ...d, ...(hooks[d.name] ?? {}) })) };
}

export function productCaseType(hooks: TransitionHooks = {}): CaseTypeDefinition {
  return withHooks({
    type: PRODUCT,
    title: { ja: 'ソフトウェア製品の脆弱性関連情報', en: 'Software product vulnerability report' },
    refPrefix: 'IPA-P',
    deskEmail: 'vuln-desk@mamori.example.jp',
    initial: 'received',
    readPermission: PERM.read,
    writePermission: PERM.write,
    states: {
      received: { label: { ja: '受付', en: 'Received' } },
      checking: { label: { ja: '内容確認中（JPCERT/CC へ未送付）', en: 'Checking (not yet sent to JPCERT/CC)' } },
      forwarded: { label: { ja: 'JPCERT/CC へ送付済', en: 'Sent to JPCERT/CC' } },
      coordinating: { label: { ja: '調整中（製品開発者へ連絡済）', en: 'Coordinating (developer contacted)' } },
      published: { label: { ja: '公表', en: 'Published' }, terminal: true },
      closed: { label: { ja: '終了', en: 'Closed' }, terminal: true },
    },
    transitions: [
      { name: 'start_check', label: { ja: '内容確認を開始', en: 'Start checking' }, from: ['received'], to: 'checking', permission: PERM.triage },
      { name: 'forward_to_coordinator', label: { ja: 'JPCERT/CC へ送付', en: 'Send to JPCERT/CC' }, from: ['checking'], to: 'forwarded', permission: PERM.triage },
      { name: 'contact_developer', label: { ja: '製品開発者へ連絡（調整開始）', en: 'Developer contacted (start coordination)' }, from: ['forwarded'], to: 'coordinating', permission: PERM.coordinate },
      { name: 'publish', label: { ja: '公表', en: 'Publish' }, from: ['coordinating'], to: 'published', permission: PERM.publish },
      { name: 'publish_unreachable', label: { ja: '連絡不能案件として公表', en: 'Publish as developer-unreachable case' }, from: ['closed'], fromReasons: ['unreachable'], to: 'published', permission: PERM.publish },
      { name: 'close', label: { ja: '終了', en: 'Close' }, from: ['received', 'checking', 'forwarded', 'coordinating'], to: 'closed', permission: PERM.close, reasons: PRODUCT_CLOSE_REASONS },
    ],
  }, hooks);
}

export function webCaseType(hooks: TransitionHooks = {}): CaseTypeDefinition {
  return withHooks({
    type: WEB,
    title: { ja: 'ウェブサイトの脆弱性関連情報', en: 'Website vulnerability report' },
    refPrefix: 'IPA-W',
    deskEmail: 'vuln-desk@mamori.example.jp',
    initial: 'received',
    readPermission: PERM.read,
    writePermission: PERM.write,
    states: {
      received: { label: { ja: '受付', en: 'Received' } },
      checking: { label: { ja: '内容確認中（運営者未連絡）', en: 'Checking (operator not yet contacted)' } },
      locating: { label: { ja: '送付先確認中（詳細未送付）', en: 'Confirming recipient (details not yet sent)' } },
      provided: { label: { ja: '詳細送付済', en: 'Details provided to the operator' } },
      verifying: { label: { ja: '修正確認中', en: 'Verifying the fix' } },
      closed: { label: { ja: '終了', en: 'Closed' }, terminal: true },
    },
    transitions: [
      { name: 'start_check', label: { ja: '内容確認を開始', en: 'Start checking' }, from: ['received'], to: 'checking', permission: PERM.triage },
      { name: 'contact_operator', label: { ja: '運営者へ連絡（送付先確認）', en: 'Contact the operator (confirm recipient)' }, from: ['checking'], to: 'locating', permission: PERM.coordinate },
      { name: 'provide_details', label: { ja: '詳細を運営者へ送付', en: 'Send the details to the operator' }, from: ['locating'], to: 'provided', permission: PERM.coordinate },
      { name: 'start_verification', label: { ja: '修正確認を開始', en: 'Start verifying the fix' }, from: ['provided'], to: 'verifying', permission: PERM.coordinate },
      { name: 'close', label: { ja: '終了', en: 'Close' }, from: ['received', 'checking', 'locating', 'provided', 'verifying'], to: 'closed', permission: PERM.close, reasons: WEB_CLOSE_REASONS },
    ],
  }, hooks);
}

/** States the report groups as 内容確認中 (not yet sent / operator not contacted). */
export const PRODUCT_NOT_SENT = ['received', 'checking'];
export const WEB_NOT_CONTACTED = ['received', 'checking'];
export const WEB_DETAILS_NOT_SENT = ['locating'];
