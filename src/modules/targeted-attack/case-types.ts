// The three kinds of case of 標的型サイバー攻撃の特別相談窓口 and J-CRAT, as data: items received
// (標的型攻撃メール・不審ファイル・公開脅威情報), consultations (相談), and J-CRAT support cases
// (リモート対応 → オンサイト対応). The engine enforces the state machines.
import type { CaseTypeDefinition } from '../../platform/cases/types.js';
import type { AppContext, Executor } from '../../platform/context.js';
import type { Text } from '../../platform/i18n/i18n.js';

export const ITEM = 'ta.item';
export const CONSULTATION = 'ta.consultation';
export const JCRAT = 'ta.jcrat';

export const PERM = {
  read: 'targeted-attack.read',
  write: 'targeted-attack.write',
  triage: 'targeted-attack.triage',
  analyse: 'targeted-attack.analyse',
  advise: 'targeted-attack.advise',
  sample: 'targeted-attack.sample.download',
  jcratRead: 'targeted-attack.jcrat.read',
  jcrat: 'targeted-attack.jcrat',
  stats: 'targeted-attack.stats',
} as const;

export const ITEM_KINDS = ['email', 'file', 'threat_info'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export const ITEM_KIND_LABEL: Record<ItemKind, Text> = {
  email: { ja: '標的型攻撃メール（不審メール）', en: 'Suspicious (targeted-attack) e-mail' },
  file: { ja: '不審ファイル', en: 'Suspicious file' },
  threat_info: { ja: '公開情報となっているサイバー脅威情報', en: 'Public cyber-threat information' },
};

export const SECTORS: Record<string, Text> = {
  government: { ja: '政府機関・独立行政法人', en: 'Government and agencies' },
  local_gov: { ja: '地方公共団体', en: 'Local government' },
  critical_infra: { ja: '重要インフラ事業者', en: 'Critical infrastructure' },
  manufacturing: { ja: '製造業', en: 'Manufacturing' },
  defence: { ja: '防衛関連産業', en: 'Defence industry' },
  academia: { ja: '大学・研究機関', en: 'Universities and research' },
  association: { ja: '業界団体・公益法人', en: 'Associations' },
  olympics: { ja: '東京 2020 大会関連団体', en: 'Tokyo 2020 related bodies' },
  other: { ja: 'その他', en: 'Other' },
};

export const ATTACK_TYPES: Record<string, Text> = {
  spear_phishing: { ja: '標的型攻撃メール', en: 'Spear-phishing e-mail' },
  watering_hole: { ja: '水飲み場攻撃', en: 'Watering-hole attack' },
  apt_intrusion: { ja: '標的型侵入（APT）', en: 'Targeted intrusion (APT)' },
  supply_chain: { ja: 'サプライチェーン攻撃', en: 'Supply-chain attack' },
  bec: { ja: 'ビジネスメール詐欺（BEC）', en: 'Business e-mail compromise' },
  emotet: { ja: 'Emotet 等のばらまき型マルウェア', en: 'Emotet and similar malware' },
  ransomware: { ja: '標的型ランサムウェア', en: 'Targeted ransomware' },
  other: { ja: 'その他', en: 'Other' },
};

export const ACTIVITY_MODES: Record<string, Text> = {
  mail: { ja: 'メール', en: 'E-mail' },
  phone: { ja: '電話', en: 'Phone' },
  web_meeting: { ja: 'Web 会議', en: 'Web meeting' },
  onsite: { ja: '現地対応', en: 'On site' },
  face_to_face: { ja: '対面', en: 'Face to face' },
  analysis: { ja: '解析・分析', en: 'Analysis' },
};
export const ONSITE_MODES = ['onsite', 'face_to_face'];

/** Personal data kept only as long as needed: removed by the kernel's retention job after closure. */
export const ITEM_PERSONAL_KEYS = ['submitter.name', 'submitter.email', 'email.to', 'email.cc', 'email.text', 'email.htmlSource'];
export const CONSULTATION_PERSONAL_KEYS = ['submitter.name', 'submitter.email', 'submitter.phone'];
export const JCRAT_PERSONAL_KEYS = ['contact.name', 'contact.email', 'contact.phone'];
export const RETENTION_DAYS = { item: 365 * 3, consultation: 365 * 3, jcrat: 365 * 5 };

/** The quarantined original of a submitted e-mail names its recipients: erased with the other personal data. Samples stay (hash-identified evidence). */
async function eraseOriginalEmails(ctx: AppContext, caseId: string, trx: Executor): Promise<void> {
  const rows = await (trx as AppContext['db']).selectFrom('targeted_attack_artifacts').select('file_id').where('case_id', '=', caseId).where('kind', '=', 'eml').execute();
  for (const r of rows) await ctx.files.erase(r.file_id, trx);
}

export function itemCaseType(): CaseTypeDefinition {
  return {
    type: ITEM,
    title: { ja: '標的型攻撃メール・不審ファイル・脅威情報の受領', en: 'Targeted-attack item received' },
    refPrefix: 'IPA-TA',
    deskEmail: 'tokubetsu-soudan@mamori.example.jp',
    initial: 'received',
    readPermission: PERM.read,
    writePermission: PERM.write,
    retention: { days: RETENTION_DAYS.item, personalKeys: ITEM_PERSONAL_KEYS, purge: eraseOriginalEmails },
    states: {
      received: { label: { ja: '受領', en: 'Received' } },
      analysing: { label: { ja: '解析・分析中', en: 'Being analysed' } },
      advised: { label: { ja: '助言済', en: 'Advice given' }, terminal: true },
      closed: { label: { ja: '終了', en: 'Closed' }, terminal: true },
    },
    transitions: [
      { name: 'start_analysis', label: { ja: '解析・分析を開始', en: 'Start analysis' }, from: ['received'], to: 'analysing', permission: PERM.triage },
      { name: 'advise', label: { ja: '助言を行い完了', en: 'Advice given (complete)' }, from: ['received', 'analysing'], to: 'advised', permission: PERM.advise },
      {
        name: 'close', label: { ja: '終了', en: 'Close' }, from: ['received', 'analysing'], to: 'closed', permission: PERM.triage,
        reasons: {
          analysed: { ja: '分析完了（助言不要）', en: 'Analysed, no advice needed' },
          not_targeted: { ja: '標的型攻撃ではない', en: 'Not a targeted attack' },
          duplicate: { ja: '重複', en: 'Duplicate' },
          withdrawn: { ja: '取り下げ', en: 'Withdrawn' },
        },
      },
    ],
  };
}

export function consultationCaseType(): CaseTypeDefinition {
  return {
    type: CONSULTATION,
    title: { ja: '標的型サイバー攻撃の特別相談', en: 'Targeted-attack consultation' },
    refPrefix: 'IPA-TC',
    deskEmail: 'tokubetsu-soudan@mamori.example.jp',
    initial: 'received',
    readPermission: PERM.read,
    writePermission: PERM.write,
    retention: { days: RETENTION_DAYS.consultation, personalKeys: CONSULTATION_PERSONAL_KEYS },
    states: {
      received: { label: { ja: '受付', en: 'Received' } },
      handling: { label: { ja: '対応中', en: 'In handling' } },
      answered: { label: { ja: '回答済', en: 'Answered' }, terminal: true },
      closed: { label: { ja: '終了', en: 'Closed' }, terminal: true },
    },
    transitions: [
      { name: 'start_handling', label: { ja: '対応を開始', en: 'Start handling' }, from: ['received'], to: 'handling', permission: PERM.triage },
      { name: 'answer', label: { ja: '回答して完了', en: 'Answered (complete)' }, from: ['received', 'handling'], to: 'answered', permission: PERM.advise },
      {
        name: 'close', label: { ja: '終了', en: 'Close' }, from: ['received', 'handling'], to: 'closed', permission: PERM.triage,
        reasons: {
          referred_jcrat: { ja: 'J-CRAT の支援へ引継ぎ', en: 'Referred to J-CRAT' },
          out_of_scope: { ja: '対象外（他窓口を案内）', en: 'Out of scope (referred elsewhere)' },
          withdrawn: { ja: '取り下げ', en: 'Withdrawn' },
        },
      },
    ],
  };
}

export function jcratCaseType(): CaseTypeDefinition {
  return {
    type: JCRAT,
    title: { ja: 'サイバーレスキュー隊（J-CRAT）支援', en: 'J-CRAT (Cyber Rescue and Advice Team) support' },
    refPrefix: 'IPA-JC',
    deskEmail: 'j-crat@mamori.example.jp',
    initial: 'requested',
    readPermission: PERM.jcratRead,
    writePermission: PERM.jcrat,
    retention: { days: RETENTION_DAYS.jcrat, personalKeys: JCRAT_PERSONAL_KEYS },
    states: {
      requested: { label: { ja: '支援要請受付', en: 'Support requested' } },
      remote: { label: { ja: 'リモート対応中（メール・電話）', en: 'Remote support (mail/phone)' } },
      onsite: { label: { ja: 'オンサイト対応中（現地・対面）', en: 'On-site support (on site/face to face)' } },
      closed: { label: { ja: '終了', en: 'Closed' }, terminal: true },
    },
    transitions: [
      { name: 'start_remote', label: { ja: 'リモート対応を開始', en: 'Start remote support' }, from: ['requested'], to: 'remote', permission: PERM.jcrat },
      { name: 'escalate_onsite', label: { ja: 'オンサイト対応へ移行', en: 'Escalate to on-site support' }, from: ['remote'], to: 'onsite', permission: PERM.jcrat },
      {
        name: 'close', label: { ja: '終了', en: 'Close' }, from: ['requested', 'remote', 'onsite'], to: 'closed', permission: PERM.jcrat,
        reasons: {
          completed: { ja: '支援完了', en: 'Support completed' },
          handed_over: { ja: '他機関へ引継ぎ', en: 'Handed over to another body' },
          declined: { ja: '支援対象外', en: 'Not within J-CRAT scope' },
        },
      },
    ],
  };
}
