// Vocabulary of J-CSIP (サイバー情報共有イニシアティブ): SIGs and linkage schemes, membership states,
// provision kinds, sharing scopes and TLP 2.0 — with the ordering rules the hub enforces.
import type { Text } from '../../platform/i18n/i18n.js';

export const PERM = {
  read: 'jcsip.read',
  analyse: 'jcsip.analyse',
  share: 'jcsip.share',
  members: 'jcsip.members',
  publish: 'jcsip.publish',
  stats: 'jcsip.stats',
} as const;

export interface SigDef { id: string; kind: 'sig' | 'scheme'; name: Text; facilities?: number }

/** The 13 SIGs and the 2 linkage schemes (情報連携体制) of FY2020. */
export const SIGS: SigDef[] = [
  { id: 'heavy', kind: 'sig', name: { ja: '重工業', en: 'Heavy industry' } },
  { id: 'infra-mfg', kind: 'sig', name: { ja: '重要インフラ機器製造業者', en: 'Critical-infrastructure equipment makers' } },
  { id: 'electric', kind: 'sig', name: { ja: '電力', en: 'Electric power' } },
  { id: 'gas', kind: 'sig', name: { ja: 'ガス', en: 'Gas' } },
  { id: 'chemical', kind: 'sig', name: { ja: '化学', en: 'Chemicals' } },
  { id: 'petroleum', kind: 'sig', name: { ja: '石油', en: 'Petroleum' } },
  { id: 'resources', kind: 'sig', name: { ja: '資源開発', en: 'Resource development' } },
  { id: 'automotive', kind: 'sig', name: { ja: '自動車', en: 'Automotive' } },
  { id: 'aviation', kind: 'sig', name: { ja: '航空', en: 'Aviation' } },
  { id: 'logistics', kind: 'sig', name: { ja: '物流', en: 'Logistics' } },
  { id: 'railway', kind: 'sig', name: { ja: '鉄道', en: 'Railways' } },
  { id: 'credit', kind: 'sig', name: { ja: 'クレジット', en: 'Credit cards' } },
  { id: 'airport', kind: 'sig', name: { ja: '空港', en: 'Airports' } },
  { id: 'hospitals', kind: 'scheme', name: { ja: '病院等（情報連携体制）', en: 'Hospitals (linkage scheme)' }, facilities: 5500 },
  { id: 'water', kind: 'scheme', name: { ja: '水道（情報連携体制）', en: 'Water supply (linkage scheme)' } },
];
export const SIG_IDS = SIGS.map((s) => s.id);
export const sigName = (id: string): Text => SIGS.find((s) => s.id === id)?.name ?? { ja: id, en: id };

export const MEMBER_STATES = ['applied', 'agreement_signed', 'active', 'suspended', 'left'] as const;
export type MemberState = (typeof MEMBER_STATES)[number];
export const MEMBER_STATE_LABEL: Record<MemberState, Text> = {
  applied: { ja: '参加申込', en: 'Applied' },
  agreement_signed: { ja: '規約締結', en: 'Agreement signed' },
  active: { ja: '参加中', en: 'Active' },
  suspended: { ja: '一時停止', en: 'Suspended' },
  left: { ja: '脱退', en: 'Left' },
};
/** Allowed membership transitions. */
export const MEMBER_TRANSITIONS: Record<MemberState, MemberState[]> = {
  applied: ['agreement_signed', 'left'],
  agreement_signed: ['active', 'left'],
  active: ['suspended', 'left'],
  suspended: ['active', 'left'],
  left: [],
};

export const CONTACT_ROLES = ['submitter', 'reader'] as const;
export type ContactRole = (typeof CONTACT_ROLES)[number];
export const CONTACT_ROLE_LABEL: Record<ContactRole, Text> = {
  submitter: { ja: '情報提供担当', en: 'Submitter' },
  reader: { ja: '情報受領担当', en: 'Reader' },
};

export const PROVISION_KINDS = ['email', 'indicators', 'file', 'report'] as const;
export type ProvisionKind = (typeof PROVISION_KINDS)[number];
export const PROVISION_KIND_LABEL: Record<ProvisionKind, Text> = {
  email: { ja: '不審メール', en: 'Suspicious e-mail' },
  indicators: { ja: 'インジケータ', en: 'Indicators' },
  file: { ja: '不審ファイル', en: 'Suspicious file' },
  report: { ja: '報告（自由記述）', en: 'Free-text report' },
};
export const CHANNELS = ['portal', 'email', 'taxii', 'staff'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CHANNEL_LABEL: Record<Channel, Text> = {
  portal: { ja: '参加組織ポータル', en: 'Member portal' }, email: { ja: '受付メールアドレス', en: 'Intake e-mail address' },
  taxii: { ja: 'TAXII', en: 'TAXII' }, staff: { ja: '職員による登録', en: 'Entered by staff' },
};

/** How a provision entered by staff reached the desk (channel 'staff'). */
export const RECEIVED_VIA = ['phone', 'post', 'fax', 'email', 'in_person', 'other'] as const;
export type ReceivedVia = (typeof RECEIVED_VIA)[number];
export const RECEIVED_VIA_LABEL: Record<ReceivedVia, Text> = {
  phone: { ja: '電話', en: 'Telephone' }, post: { ja: '郵送', en: 'Post' }, fax: { ja: 'FAX', en: 'Fax' },
  email: { ja: '担当者宛てメール', en: 'E-mail to staff' }, in_person: { ja: '面談', en: 'In person' }, other: { ja: 'その他', en: 'Other' },
};

/** Exchange with other sharing bodies over TAXII 2.1. */
export const EXCHANGE_DIRECTIONS = ['pull', 'push', 'both'] as const;
export type ExchangeDirection = (typeof EXCHANGE_DIRECTIONS)[number];
export const EXCHANGE_DIRECTION_LABEL: Record<ExchangeDirection, Text> = {
  pull: { ja: '受信のみ', en: 'Pull only' }, push: { ja: '送信のみ', en: 'Push only' }, both: { ja: '送受信', en: 'Pull and push' },
};
export const EXCHANGE_AUTH = ['none', 'basic', 'bearer'] as const;
export type ExchangeAuth = (typeof EXCHANGE_AUTH)[number];
/** TLPs an item may carry to leave the hub for another sharing body (see docs: what is pushed and why). */
export const EXTERNAL_TLPS: readonly Tlp[] = ['CLEAR', 'GREEN'];

/** How far the provider allows the information to travel, narrowest first. */
export const SCOPES = ['sig', 'all', 'public'] as const;
export type Scope = (typeof SCOPES)[number];
export const SCOPE_LABEL: Record<Scope, Text> = {
  sig: { ja: '同じ SIG 内のみ', en: 'Own SIG only' },
  all: { ja: '全参加組織', en: 'All participants' },
  public: { ja: '一般公開可', en: 'May be made public' },
};
export const scopeRank = (s: Scope) => SCOPES.indexOf(s);

/** TLP 2.0, least restrictive first. */
export const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export type Tlp = (typeof TLPS)[number];
export const tlpRank = (t: Tlp) => TLPS.indexOf(t);
export const TLP_LABEL: Record<Tlp, Text> = {
  CLEAR: { ja: 'TLP:CLEAR（公開可）', en: 'TLP:CLEAR (no limit on disclosure)' },
  GREEN: { ja: 'TLP:GREEN（コミュニティ内）', en: 'TLP:GREEN (community)' },
  AMBER: { ja: 'TLP:AMBER（受領組織とその顧客まで）', en: 'TLP:AMBER (recipient organisations and their clients)' },
  'AMBER+STRICT': { ja: 'TLP:AMBER+STRICT（受領組織内のみ）', en: 'TLP:AMBER+STRICT (recipient organisations only)' },
  RED: { ja: 'TLP:RED（名指しの受領者のみ）', en: 'TLP:RED (named recipients only)' },
};

export const ITEM_STATES = ['draft', 'approved', 'shared', 'withdrawn'] as const;
export type ItemState = (typeof ITEM_STATES)[number];
export const ITEM_STATE_LABEL: Record<ItemState, Text> = {
  draft: { ja: '匿名化中', en: 'Being anonymised' }, approved: { ja: '承認済み', en: 'Approved' },
  shared: { ja: '共有済み', en: 'Shared' }, withdrawn: { ja: '取下げ', en: 'Withdrawn' },
};

/** The agency, creator of every STIX object the hub writes. */
export const AGENCY_IDENTITY_ID = 'identity--5d3ea754-7cb1-4ea8-9e08-1f7a2c1b0001';
export const AGENCY_NAME = 'Mamori J-CSIP hub (IPA model)';
