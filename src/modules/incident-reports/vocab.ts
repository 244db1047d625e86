// The vocabularies of the notification forms (経済産業省告示「コンピュータウイルス対策基準」「コンピュータ
// 不正アクセス対策基準」に基づく届出): codes stored in the case data, with their labels in both
// languages. Statistics group by these codes; pages and CSV print the labels.
import type { Text } from '../../platform/i18n/i18n.js';

export type IncidentKind = 'virus' | 'unauthorized';
export const KINDS: IncidentKind[] = ['virus', 'unauthorized'];

export const KIND_LABEL: Record<IncidentKind, Text> = {
  virus: { ja: 'コンピュータウイルス', en: 'Computer virus' },
  unauthorized: { ja: '不正アクセス', en: 'Unauthorised access' },
};

export const REPORTER_TYPES: Record<string, Text> = {
  individual: { ja: '個人', en: 'Individual' },
  company: { ja: '企業', en: 'Company' },
  organisation: { ja: '団体・行政機関・教育機関等', en: 'Association, public body, school …' },
};

export const SECTORS: Record<string, Text> = {
  manufacturing: { ja: '製造業', en: 'Manufacturing' },
  information: { ja: '情報通信業', en: 'Information and communications' },
  wholesale_retail: { ja: '卸売業・小売業', en: 'Wholesale and retail' },
  finance: { ja: '金融業・保険業', en: 'Finance and insurance' },
  construction: { ja: '建設業', en: 'Construction' },
  services: { ja: 'サービス業', en: 'Services' },
  medical: { ja: '医療・福祉', en: 'Medical care and welfare' },
  education: { ja: '教育・学習支援', en: 'Education' },
  government: { ja: '公務（行政機関・地方公共団体）', en: 'Public administration' },
  other: { ja: 'その他', en: 'Other' },
};

export const SIZES: Record<string, Text> = {
  small: { ja: '1〜99 名', en: '1–99 people' },
  medium: { ja: '100〜999 名', en: '100–999 people' },
  large: { ja: '1,000 名以上', en: '1,000 people or more' },
};

export const CHANNELS: Record<string, Text> = {
  web: { ja: 'ウェブフォーム', en: 'Web form' },
  api: { ja: 'API', en: 'API' },
  email: { ja: '電子メール', en: 'E-mail' },
  paper: { ja: '郵送・FAX（書面）', en: 'Post or fax (paper)' },
};
/** Channels staff may record when entering a report received outside the web form. */
export const STAFF_CHANNELS = ['email', 'paper'] as const;

export const DETECTION_ROUTES: Record<string, Text> = {
  mail: { ja: 'メール', en: 'E-mail' },
  web: { ja: 'ウェブサイト閲覧', en: 'Web browsing' },
  download: { ja: 'ダウンロードしたファイル', en: 'Downloaded file' },
  usb: { ja: 'USB メモリ等の外部媒体', en: 'USB drive or other removable media' },
  network: { ja: 'ネットワーク（社内 LAN 等）', en: 'Network (internal LAN etc.)' },
  other: { ja: 'その他・不明', en: 'Other or unknown' },
};

export const VIRUS_DAMAGE: Record<string, Text> = {
  infection: { ja: 'ウイルス感染（端末の不具合）', en: 'Infection (device malfunction)' },
  data_leak: { ja: '情報漏えい', en: 'Data leak' },
  spread: { ja: '他の端末・取引先への拡散（なりすましメール送信等）', en: 'Spread to other devices or partners (spoofed mail …)' },
  encryption: { ja: 'ファイルの暗号化（ランサムウェア）', en: 'Files encrypted (ransomware)' },
  service_outage: { ja: '業務・サービスの停止', en: 'Business or service outage' },
  other: { ja: 'その他', en: 'Other' },
};

export const ATTACK_METHODS: Record<string, Text> = {
  password_list: { ja: 'パスワードリスト攻撃', en: 'Password list (credential stuffing) attack' },
  brute_force: { ja: 'ID・パスワードの総当たり・推測', en: 'Brute force or guessed credentials' },
  vulnerability: { ja: '脆弱性の悪用', en: 'Exploitation of a vulnerability' },
  phishing: { ja: 'フィッシング', en: 'Phishing' },
  misconfiguration: { ja: '設定不備の悪用', en: 'Misconfiguration' },
  insider: { ja: '内部不正・退職者のアカウント', en: 'Insider or former employee account' },
  unknown: { ja: '不明', en: 'Unknown' },
};

export const AFFECTED_SYSTEMS: Record<string, Text> = {
  website: { ja: 'ウェブサイト・ウェブアプリケーション', en: 'Website or web application' },
  mail: { ja: 'メールサーバ・メールアカウント', en: 'Mail server or account' },
  cloud: { ja: 'クラウドサービス', en: 'Cloud service' },
  server: { ja: 'サーバ（社内）', en: 'Server (on premises)' },
  vpn: { ja: 'VPN 装置・リモートアクセス', en: 'VPN or remote access' },
  pc: { ja: 'PC・端末', en: 'PC or device' },
  other: { ja: 'その他', en: 'Other' },
};

export const UNAUTH_DAMAGE: Record<string, Text> = {
  data_leak: { ja: '情報漏えい', en: 'Data leak' },
  defacement: { ja: 'ウェブページの改ざん', en: 'Defacement' },
  unauthorized_payment: { ja: '不正な決済・金銭被害', en: 'Unauthorised payments or money lost' },
  ransomware: { ja: 'ランサムウェアによる暗号化', en: 'Ransomware encryption' },
  spam_relay: { ja: '迷惑メールの踏み台', en: 'Used to relay spam' },
  impersonation: { ja: 'なりすまし・不正ログイン', en: 'Impersonation or unauthorised login' },
  service_outage: { ja: 'サービスの停止', en: 'Service outage' },
  other: { ja: 'その他', en: 'Other' },
};

/** Classification by the desk after review (分類). */
export const CLASSIFICATIONS: Record<IncidentKind, Record<string, Text>> = {
  virus: {
    emotet: { ja: 'Emotet 等のメール型ウイルス', en: 'Emotet and other mail-borne malware' },
    ransomware: { ja: 'ランサムウェア', en: 'Ransomware' },
    infostealer: { ja: '情報窃取型', en: 'Information stealer' },
    backdoor: { ja: 'バックドア・遠隔操作型', en: 'Backdoor or remote access trojan' },
    fake_alert: { ja: '偽警告・不審なソフトウェア', en: 'Fake alert or potentially unwanted software' },
    detected_only: { ja: '検知・駆除のみ（被害なし）', en: 'Detected and removed (no damage)' },
    other: { ja: 'その他', en: 'Other' },
  },
  unauthorized: {
    ec_site: { ja: 'EC サイトへの侵入（カード情報等）', en: 'Intrusion into an online shop (card data …)' },
    cloud_account: { ja: 'クラウド・メールアカウントの乗っ取り', en: 'Cloud or mail account takeover' },
    ransomware: { ja: 'ランサムウェアによる侵入', en: 'Ransomware intrusion' },
    defacement: { ja: 'ウェブ改ざん', en: 'Defacement' },
    vpn: { ja: 'VPN 装置経由の侵入', en: 'Intrusion through a VPN device' },
    attempt: { ja: '攻撃の試行（被害なし）', en: 'Attempt only (no damage)' },
    other: { ja: 'その他', en: 'Other' },
  },
};

export const CLOSE_REASONS: Record<string, Text> = {
  classified: { ja: '確認・分類済み', en: 'Reviewed and classified' },
  not_applicable: { ja: '届出の対象外', en: 'Not within the scheme' },
  duplicate: { ja: '重複届出', en: 'Duplicate report' },
  withdrawn: { ja: '取り下げ', en: 'Withdrawn' },
};

export const label = (dict: Record<string, Text>, code: string, lang: 'ja' | 'en') => (dict[code] ? dict[code][lang] : code);
