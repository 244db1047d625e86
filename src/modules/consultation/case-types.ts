// The consultation desk's vocabulary as data: the consultation case type (states, transitions,
// closure reasons, retention of personal data), channels, devices and the report's channel groups.
import type { CaseTypeDefinition } from '../../platform/cases/types.js';
import type { Text } from '../../platform/i18n/i18n.js';

export const CONSULTATION = 'consultation';

export const PERM = {
  read: 'consultation.read',
  write: 'consultation.write',
  handle: 'consultation.handle',
  taxonomy: 'consultation.taxonomy',
  partners: 'consultation.partners',
  advisoryWrite: 'consultation.advisory.write',
  advisoryPublish: 'consultation.advisory.publish',
} as const;

/** How a consultation reached the desk. `null` in the data = no channel recorded (see docs). */
export const CHANNELS = {
  phone_auto: { ja: '電話（自動転送）', en: 'Phone (automatic transfer)' },
  phone_general: { ja: '電話（一般外線）', en: 'Phone (general line)' },
  email: { ja: 'メール', en: 'E-mail' },
  web_form: { ja: 'ウェブフォーム', en: 'Web form' },
  fax: { ja: 'FAX', en: 'Fax' },
  post: { ja: '郵便', en: 'Post' },
} satisfies Record<string, Text>;
export type Channel = keyof typeof CHANNELS;
export const CHANNEL_KEYS = Object.keys(CHANNELS) as Channel[];
/** Channels staff enter (the web form creates its own consultations). */
export const STAFF_CHANNELS: Channel[] = ['phone_auto', 'phone_general', 'email', 'fax', 'post'];

/** The three groups the annual report prints: 電話(自動転送及び一般外線) / メール / FAX、郵便等. */
export const CHANNEL_GROUPS: Array<{ key: string; label: Text; channels: Channel[] }> = [
  { key: 'phone', label: { ja: '電話（自動転送及び一般外線）', en: 'Phone (automatic transfer and general line)' }, channels: ['phone_auto', 'phone_general'] },
  { key: 'mail', label: { ja: 'メール', en: 'E-mail' }, channels: ['email', 'web_form'] },
  { key: 'fax_post', label: { ja: 'FAX、郵便等', en: 'Fax, post etc.' }, channels: ['fax', 'post'] },
];
export const NO_CHANNEL_LABEL: Text = { ja: '受付手段の記録なし', en: 'No channel recorded' };

export const DEVICES = {
  windows: { ja: 'Windows パソコン', en: 'Windows PC' },
  mac: { ja: 'Mac', en: 'Mac' },
  iphone: { ja: 'iPhone・iPad', en: 'iPhone / iPad' },
  android: { ja: 'Android 端末', en: 'Android device' },
  other: { ja: 'その他の機器', en: 'Other device' },
  unknown: { ja: '不明・該当なし', en: 'Unknown / none' },
} satisfies Record<string, Text>;
export type Device = keyof typeof DEVICES;
export const DEVICE_KEYS = Object.keys(DEVICES) as Device[];

export const CLOSE_REASONS: Record<string, Text> = {
  advised: { ja: '助言により対応完了', en: 'Advice given' },
  referred: { ja: '他の相談窓口を案内', en: 'Referred to another desk' },
  information: { ja: '情報提供のみ', en: 'Information only' },
  no_contact: { ja: '連絡がつかず終了', en: 'Could not be reached' },
};

/** Personal data is removed this many days after a consultation is closed (kernel purge job). */
export const RETENTION_DAYS = 365;
export const PERSONAL_KEYS = ['consulter.name', 'consulter.email', 'consulter.phone', 'summary'];

export function consultationCaseType(): CaseTypeDefinition {
  return {
    type: CONSULTATION,
    title: { ja: '情報セキュリティ安心相談', en: 'Security consultation' },
    refPrefix: 'IPA-C',
    deskEmail: 'anshin@mamori.example.jp',
    initial: 'open',
    readPermission: PERM.read,
    writePermission: PERM.write,
    states: {
      open: { label: { ja: '対応中', en: 'In progress' } },
      follow_up: { label: { ja: 'フォローアップ中（折り返し予定）', en: 'Follow-up pending' } },
      closed: { label: { ja: '対応完了', en: 'Closed' }, terminal: true },
    },
    transitions: [
      { name: 'schedule_follow_up', label: { ja: 'フォローアップを予定', en: 'Schedule a follow-up' }, from: ['open'], to: 'follow_up', permission: PERM.handle },
      { name: 'complete', label: { ja: '対応完了', en: 'Close' }, from: ['open', 'follow_up'], to: 'closed', permission: PERM.handle, reasons: CLOSE_REASONS },
      { name: 'reopen', label: { ja: '再開（再度の相談）', en: 'Reopen' }, from: ['closed'], to: 'open', permission: PERM.handle },
    ],
    retention: { days: RETENTION_DAYS, personalKeys: PERSONAL_KEYS },
  };
}
