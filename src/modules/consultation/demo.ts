// Demo data of the consultation desk: staff accounts, the partner directory (相談窓口連絡会 and the
// partner organisations), the knowledge base, the advisories with their revision history, the
// cooperation log and a deterministic history of consultations for FY2019–FY2020 whose FY2020
// figures are the annual report's: 9,355 consultations; phone 6,580, e-mail 2,695, fax/post 76, and
// 4 without a recorded channel (the report's channels sum to 9,351). Names are fictional.
import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import { SYSTEM_ACTOR } from '../../platform/context.js';
import type { ImportedCase } from '../../platform/cases/engine.js';
import type { StaffRole } from '../../platform/auth/auth.js';
import { jstMidnight } from '../../platform/i18n/dates.js';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, mulberry32 } from '../../platform/demo.js';
import { CHANNELS, CONSULTATION, type Channel, type Device } from './case-types.js';
import type { ConsultationData, ConsultationService } from './service.js';
import { INITIAL_CATEGORIES } from './migrations.js';
import type { Text } from '../../platform/i18n/i18n.js';

export const CONSULTATION_DEMO_ACCOUNTS: Array<{ email: string; displayName: string; roles: StaffRole[]; description: Text }> = [
  { email: 'anshin-consultant@mamori.example.jp', displayName: '相談 由紀', roles: ['consultant'], description: { ja: '相談員：相談の記録・案内・フォローアップ、ナレッジと分類の編集', en: 'Consultant: records consultations, referrals, follow-ups; edits the knowledge base and categories' } },
  { email: 'anshin-analyst@mamori.example.jp', displayName: '傾向 分析', roles: ['analyst'], description: { ja: '分析担当：相談の閲覧、傾向分析、連携組織の管理、だよりの下書き', en: 'Analyst: reads consultations, trends, partner directory, drafts advisories' } },
  { email: 'anshin-publisher@mamori.example.jp', displayName: '発信 広報', roles: ['publisher'], description: { ja: '公表担当：安心相談窓口だよりの公開・改訂', en: 'Publisher: publishes and revises advisories' } },
];

/** The 相談窓口連絡会 as of FY2020 end: 11 members including IPA; 2, 2 and 3 joined in FY2018–FY2020. */
export const DEMO_COUNCIL: Array<{ name: string; nameEn: string; scope: string; scopeEn: string; contact: string; joinedOn: string; isIpa?: boolean }> = [
  { name: '情報処理推進機構 情報セキュリティ安心相談窓口', nameEn: 'IPA Information Security Consultation Desk', scope: 'PC・スマートフォンのウイルス、不正アクセス、詐欺的な警告等の技術的な相談', scopeEn: 'Technical consultations on malware, unauthorised access and scam warnings on PCs and smartphones', contact: '03-5978-7509（デモ）', joinedOn: '2015-04-01', isIpa: true },
  { name: 'みほん消費生活相談センター（デモ）', nameEn: 'Mihon Consumer Affairs Centre (demo)', scope: '契約・購入・請求などの消費者トラブル、返金の相談', scopeEn: 'Consumer disputes: contracts, purchases, bills, refunds', contact: '188（デモ）', joinedOn: '2015-04-01' },
  { name: 'ためし迷惑メール相談センター（デモ）', nameEn: 'Tameshi Spam Mail Centre (demo)', scope: '迷惑メール・SMS の情報受付と法執行機関への情報提供', scopeEn: 'Reports of spam e-mail and SMS; passes information to law enforcement', contact: 'spam@meiwaku.example.jp', joinedOn: '2015-04-01' },
  { name: 'サンプル違法・有害情報相談センター（デモ）', nameEn: 'Sample Illegal and Harmful Content Centre (demo)', scope: 'インターネット上の誹謗中傷・違法有害情報の削除依頼方法の助言', scopeEn: 'Advice on removing defamation and illegal or harmful content online', contact: 'https://ihaho.example.jp', joinedOn: '2016-10-01' },
  { name: 'れいフィッシング対策協議会（デモ）', nameEn: 'Rei Anti-Phishing Council (demo)', scope: 'フィッシングサイトの報告受付と閉鎖調整', scopeEn: 'Phishing site reports and takedown coordination', contact: 'info@antiphishing.example.jp', joinedOn: '2018-07-01' },
  { name: 'みほんサイバー犯罪相談窓口（デモ）', nameEn: 'Mihon Cyber Crime Desk (demo)', scope: '被害届・犯罪被害に関する相談', scopeEn: 'Crime reports and victims of cyber crime', contact: '#9110（デモ）', joinedOn: '2018-11-15' },
  { name: 'ためし電気通信サービス相談窓口（デモ）', nameEn: 'Tameshi Telecom Service Desk (demo)', scope: '携帯電話・インターネット接続サービスの契約と料金', scopeEn: 'Mobile and Internet access contracts and charges', contact: '0120-000-001（デモ）', joinedOn: '2019-06-01' },
  { name: 'サンプル子どもネット相談室（デモ）', nameEn: 'Sample Children Online Helpline (demo)', scope: '子ども・保護者のネットいじめ・トラブル相談', scopeEn: 'Online bullying and troubles of children and parents', contact: '0120-000-002（デモ）', joinedOn: '2019-12-01' },
  { name: 'れいクレジットカード不正利用相談室（デモ）', nameEn: 'Rei Card Fraud Desk (demo)', scope: 'クレジットカードの不正利用・チャージバック', scopeEn: 'Credit card fraud and chargebacks', contact: '0120-000-003（デモ）', joinedOn: '2020-06-01' },
  { name: 'みほん暗号資産トラブル相談窓口（デモ）', nameEn: 'Mihon Crypto-asset Trouble Desk (demo)', scope: '暗号資産（仮想通貨）に関する詐欺・トラブル', scopeEn: 'Crypto-asset fraud and disputes', contact: '0120-000-004（デモ）', joinedOn: '2020-10-01' },
  { name: 'ためし個人情報保護相談ダイヤル（デモ）', nameEn: 'Tameshi Personal Information Helpline (demo)', scope: '個人情報の漏えい・不適正な取扱いの相談', scopeEn: 'Leaks and misuse of personal information', contact: '03-0000-0005（デモ）', joinedOn: '2021-02-01' },
];

/** 15 partner organisations outside the council with which IPA keeps a cooperation relationship. */
export const DEMO_PARTNERS: Array<{ name: string; nameEn: string; scope: string; joinedOn: string }> = [
  ['サンプル通信事業者A（デモ）', 'Sample Carrier A (demo)', 'SMS の不審送信元情報の共有'],
  ['サンプル通信事業者B（デモ）', 'Sample Carrier B (demo)', 'SMS の不審送信元情報の共有'],
  ['ためしセキュリティベンダA（デモ）', 'Tameshi Security Vendor A (demo)', '偽警告サイト・不正アプリの解析情報'],
  ['ためしセキュリティベンダB（デモ）', 'Tameshi Security Vendor B (demo)', 'マルウェア解析情報'],
  ['れいSNS事業者（デモ）', 'Rei SNS Operator (demo)', '乗っ取りアカウント・不審メッセージへの対応'],
  ['みほん宅配事業者（デモ）', 'Mihon Courier (demo)', '宅配業者をかたる偽 SMS の情報共有'],
  ['サンプル検索事業者（デモ）', 'Sample Search Engine (demo)', '偽サイトの広告・検索結果への対応'],
  ['ためし銀行協会（デモ）', 'Tameshi Bankers Association (demo)', 'フィッシング・不正送金の情報共有'],
  ['れいスマートフォン販売店協会（デモ）', 'Rei Smartphone Retailers Association (demo)', '店頭での相談事例の共有'],
  ['みほん県警察 サイバー犯罪対策課（デモ）', 'Mihon Prefectural Police Cyber Crime Division (demo)', '犯罪性のある事案の情報提供'],
  ['サンプル大学 情報セキュリティ研究室（デモ）', 'Sample University Security Lab (demo)', '新しい手口の検証協力'],
  ['ためしプラットフォーム事業者（デモ）', 'Tameshi Platform Operator (demo)', 'カレンダー・通知機能の悪用への対応'],
  ['れい決済代行事業者（デモ）', 'Rei Payment Processor (demo)', 'ワンクリック請求の決済手段の停止'],
  ['みほん高齢者見守りネットワーク（デモ）', 'Mihon Elderly Support Network (demo)', '高齢者向け注意喚起の展開'],
  ['サンプル放送局 消費者情報番組（デモ）', 'Sample Broadcaster Consumer Programme (demo)', '注意喚起の周知'],
].map(([name, nameEn, scope], i) => ({ name, nameEn, scope, joinedOn: `${2013 + (i % 5)}-${String(1 + ((i * 5) % 12)).padStart(2, '0')}-01` }));

const KB: Array<{ kind: 'template' | 'method'; title: string; category: string; keywords: string; body: string }> = [
  { kind: 'method', title: '偽のセキュリティ警告（ブラウザに表示される警告音・電話番号）', category: 'fake_warning', keywords: 'サポート詐欺 警告音 電話番号 ウイルスに感染 偽警告', body: 'ウェブ閲覧中に「ウイルスに感染しています」等の警告と警告音が出て、表示された電話番号に電話させる手口。電話すると遠隔操作ソフトの導入や有償サポート契約、電子マネーでの支払いを求められる。警告はブラウザの表示にすぎない。' },
  { kind: 'template', title: '回答: 偽警告が表示されたときの閉じ方', category: 'fake_warning', keywords: '偽警告 閉じ方 Ctrl Alt Delete タスクマネージャー ブラウザ終了', body: '表示された番号には電話しないでください。ブラウザを終了します（閉じられない場合は Ctrl+Alt+Delete → タスクマネージャーでブラウザを終了）。再起動時に前回のページを復元しないよう選んでください。遠隔操作を許可した場合は、遠隔操作ソフトの削除とパスワード変更を案内します。' },
  { kind: 'method', title: 'iPhone に表示される不審なカレンダー通知', category: 'iphone_calendar', keywords: 'iPhone カレンダー 照会 登録 スパム 当選 ウイルス', body: 'ウェブサイトの「OK」等を押すとカレンダーの照会（購読）が追加され、「ウイルスに感染」「当選しました」といった予定が通知され続ける。' },
  { kind: 'template', title: '回答: iPhone のカレンダー照会の削除手順', category: 'iphone_calendar', keywords: 'iPhone カレンダー 照会 削除 設定 アカウント', body: '「設定」→「カレンダー」→「アカウント」→「照会するカレンダー」から不審なカレンダーを選び「アカウントを削除」。iOS のバージョンにより項目名が異なる場合があります。' },
  { kind: 'method', title: '宅配便業者をかたる偽 SMS', category: 'suspicious_mail_sms', keywords: 'SMS 宅配 不在通知 偽サイト 不正アプリ Android', body: '不在通知を装う SMS のリンクから、Android では不正アプリのインストール、iPhone ではフィッシングサイトに誘導される。' },
  { kind: 'template', title: '回答: 偽 SMS のリンクを開いてしまった場合', category: 'suspicious_mail_sms', keywords: 'SMS リンク 開いた 不正アプリ 削除 キャリア決済 パスワード変更', body: 'アプリを入れた場合は機内モードにし、不審なアプリを削除。ID・パスワードを入力した場合は変更し、キャリア決済の利用履歴を確認。被害がある場合は通信事業者と警察へ。' },
  { kind: 'method', title: 'ワンクリック請求', category: 'one_click', keywords: 'ワンクリック 登録完了 料金請求 アダルト 画面に貼りつく', body: '動画再生などをクリックすると「登録完了」と料金を請求する画面が表示される。個人情報は相手に伝わっていない。' },
  { kind: 'method', title: '遠隔操作による詐欺（サポート詐欺）', category: 'remote_support_scam', keywords: '遠隔操作 リモート サポート 電子マネー 返金詐欺', body: '偽警告から電話させ、遠隔操作ソフトを入れさせて有償サポート契約や電子マネーを要求する。返金を装ってネットバンキングを操作させる手口もある。' },
  { kind: 'template', title: '回答: 遠隔操作を許可してしまった場合', category: 'remote_support_scam', keywords: '遠隔操作 許可 アンインストール 初期化 パスワード 消費生活センター', body: '遠隔操作ソフトをアンインストールし、不審な設定を戻す（不安な場合は初期化）。入力したパスワードを変更。支払ってしまった場合は消費生活センター（188）を案内。' },
  { kind: 'method', title: '性的な映像をばらまくと脅すメール（sextortion）', category: 'sextortion', keywords: 'sextortion 性的 映像 仮想通貨 ビットコイン 脅迫 パスワード', body: '「ウェブカメラで撮影した」と脅し、仮想通貨を要求する迷惑メール。過去に漏えいしたパスワードが件名に書かれることがあるが、撮影の事実はない。' },
  { kind: 'method', title: 'Facebook メッセンジャーに届く動画リンク', category: 'facebook_message', keywords: 'Facebook メッセンジャー 動画 乗っ取り フィッシング', body: '知人から「この動画はあなたですか」と届くリンクで偽のログインページに誘導し、アカウントを乗っ取る。' },
  { kind: 'method', title: 'ブラウザの通知機能から不審サイトへ誘導', category: 'browser_notification', keywords: 'ブラウザ 通知 許可 プッシュ通知 偽警告 Chrome', body: '通知の許可を求め、許可すると偽警告や広告の通知を表示し続ける。ブラウザの設定からサイトの通知許可を削除する。' },
];

const ADVISORIES: Array<{ slug: string; category: string; title: string; body: string; revisions: Array<{ at: string; note: string }>; views: number }> = [
  { slug: 'software-download', category: 'malware_suspected', title: 'ソフトウェアのダウンロードは信頼できるサイトから!', body: '無料ソフトのダウンロードサイトには、広告の「ダウンロード」ボタンで別のソフトを入れさせるものがあります。公式サイトから入手しましょう。', revisions: [{ at: '2020-04-28', note: '' }], views: 84_210 },
  { slug: 'iphone-calendar', category: 'iphone_calendar', title: 'iPhone に突然表示される不審なカレンダー通知に注意!', body: 'iPhone のカレンダーに「ウイルスに感染」等の予定が通知される相談が続いています。照会カレンダーの削除方法を紹介します。', revisions: [
    { at: '2019-07-24', note: '' }, { at: '2019-09-26', note: 'iOS 13 の削除手順を追加' }, { at: '2019-12-18', note: '新しい通知文面の例を追加' }, { at: '2020-02-19', note: 'iPad での手順を追加' },
    { at: '2020-05-21', note: '新しい手口（当選を装う通知）を追加' }, { at: '2020-08-12', note: '削除手順の画面を更新' }, { at: '2020-10-07', note: 'iOS 14 の削除手順を追加' },
  ], views: 1_527_403 },
  { slug: 'fake-delivery-sms', category: 'suspicious_mail_sms', title: '宅配便業者をかたる偽ショートメッセージに引き続き注意！', body: '不在通知を装う SMS に注意してください。リンクを開かず、公式アプリ等で配送状況を確認しましょう。', revisions: [{ at: '2019-12-10', note: '' }, { at: '2020-06-26', note: '新しい文面と iPhone での誘導先を追加' }], views: 412_880 },
  { slug: 'facebook-messenger-video', category: 'facebook_message', title: 'Facebook のメッセージャーに届く動画に注意！', body: '知人から届く「動画」のリンクでアカウントを乗っ取られる相談が増えています。', revisions: [{ at: '2020-08-19', note: '' }], views: 198_345 },
  { slug: 'remote-control', category: 'remote_support_scam', title: '遠隔操作を他人に安易に許可しないで！', body: '偽の警告から電話させ、遠隔操作を許可させる手口に注意してください。', revisions: [{ at: '2020-11-25', note: '' }], views: 96_112 },
  { slug: 'browser-notification', category: 'browser_notification', title: 'ブラウザの通知機能から不審サイトに誘導する手口に注意', body: '通知を許可したサイトから偽警告が表示され続ける相談が寄せられています。通知許可の削除方法を紹介します。', revisions: [{ at: '2021-03-09', note: '' }], views: 23_507 },
  { slug: 'sextortion-mail', category: 'sextortion', title: '性的な映像をばらまくと恐喝し、仮想通貨で金銭を要求する迷惑メールに注意', body: '撮影したと脅して仮想通貨を要求するメールは、撮影の事実がないばらまき型の迷惑メールです。支払わないでください。', revisions: [{ at: '2018-10-19', note: '' }, { at: '2021-03-30', note: '日本語の新しい文面例を追加' }], views: 305_990 },
];

// ---- Deterministic history ------------------------------------------------------------------

/** Consultations per month (April → March). FY2020 sums to the report's 9,355; FY2019 is fictional. */
export const MONTHLY: Record<number, number[]> = {
  2019: [780, 820, 830, 800, 850, 790, 820, 800, 760, 810, 790, 870],
  2020: [820, 760, 800, 790, 760, 770, 800, 760, 720, 760, 750, 865],
};
/** FY2020 channels as the report prints them (phone split between automatic transfer and the general line). */
export const FY2020_CHANNELS: Record<Channel | 'none', number> = { phone_auto: 4912, phone_general: 1668, email: 2695, web_form: 0, fax: 49, post: 27, none: 4 };

const CATEGORY_WEIGHTS: Record<string, number> = {
  fake_warning: 20, suspicious_mail_sms: 17, malware_suspected: 10, iphone_calendar: 9, unauthorised_login: 8, one_click: 7,
  remote_support_scam: 6, sextortion: 5, facebook_message: 4, browser_notification: 2, other: 12,
};
/** Waves: a category's weight is multiplied in the months (YYYY-MM) of its wave. */
const WAVES: Array<{ category: string; from: string; to: string; factor: number }> = [
  { category: 'iphone_calendar', from: '2019-07', to: '2020-10', factor: 2 },
  { category: 'facebook_message', from: '2020-07', to: '2020-10', factor: 3 },
  { category: 'remote_support_scam', from: '2020-10', to: '2021-03', factor: 1.8 },
  { category: 'sextortion', from: '2021-01', to: '2021-03', factor: 2 },
  { category: 'browser_notification', from: '2020-12', to: '2021-03', factor: 3 },
  { category: 'suspicious_mail_sms', from: '2020-04', to: '2020-09', factor: 1.4 },
];
const DEVICE_BY_CATEGORY: Record<string, Array<[Device, number]>> = {
  iphone_calendar: [['iphone', 97], ['unknown', 3]],
  facebook_message: [['iphone', 45], ['android', 40], ['windows', 15]],
  suspicious_mail_sms: [['android', 50], ['iphone', 40], ['unknown', 10]],
  sextortion: [['windows', 40], ['iphone', 25], ['android', 20], ['unknown', 15]],
  browser_notification: [['android', 55], ['windows', 40], ['mac', 5]],
  default: [['windows', 58], ['iphone', 12], ['android', 14], ['mac', 7], ['other', 4], ['unknown', 5]],
};
const SUMMARY: Record<string, string> = {
  fake_warning: 'ウェブ閲覧中に警告音とウイルス感染の警告が表示され、電話するよう求められた。',
  suspicious_mail_sms: '宅配業者を名乗る SMS のリンクを開いてしまった。',
  malware_suspected: 'パソコンの動作が遅く、ウイルスに感染していないか不安。',
  iphone_calendar: 'iPhone のカレンダーに不審な予定の通知が何度も表示される。',
  unauthorised_login: 'SNS に身に覚えのないログインの通知が届いた。',
  one_click: '動画サイトで登録完了と料金請求の画面が表示された。',
  remote_support_scam: '偽の警告から電話し、遠隔操作を許可してしまった。',
  sextortion: '撮影した映像をばらまくと脅し、仮想通貨を要求するメールが届いた。',
  facebook_message: '知人から動画のリンクがメッセンジャーで届き、開いてしまった。',
  browser_notification: 'ブラウザの右下に警告の通知が繰り返し表示される。',
  other: 'セキュリティ対策ソフトの選び方について知りたい。',
};

function pick<T>(rnd: () => number, items: Array<[T, number]>): T {
  const total = items.reduce((a, [, w]) => a + w, 0);
  let x = rnd() * total;
  for (const [v, w] of items) { x -= w; if (x < 0) return v; }
  return items[items.length - 1][0];
}

function weekdaysOf(y: number, m: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= 31; d++) {
    const dt = new Date(Date.UTC(y, m - 1, d));
    if (dt.getUTCMonth() !== m - 1) break;
    const wd = dt.getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d);
  }
  return out;
}

export function buildConsultationHistory(partners: Array<{ id: string; name: string; kind: string; is_ipa: boolean }>): ImportedCase[] {
  const rnd = mulberry32(20201);
  const desks = partners.filter((p) => p.kind === 'council' && !p.is_ipa);
  const list: ImportedCase[] = [];
  for (const fy of [2019, 2020]) {
    const times: Date[] = [];
    MONTHLY[fy].forEach((n, i) => {
      const m = ((i + 3) % 12) + 1;
      const y = m >= 4 ? fy : fy + 1;
      const days = weekdaysOf(y, m);
      for (let k = 0; k < n; k++) {
        const d = days[Math.floor(rnd() * days.length)];
        const minute = 10 * 60 + Math.floor(rnd() * 7 * 60); // 10:00–17:00 JST
        times.push(new Date(jstMidnight(y, m, d).getTime() + minute * 60_000 + Math.floor(rnd() * 60) * 1000));
      }
    });
    times.sort((a, b) => a.getTime() - b.getTime());
    // Channels: FY2020 exactly as printed, shuffled deterministically; FY2019 by similar shares.
    let channels: Array<Channel | null>;
    if (fy === 2020) {
      channels = Object.entries(FY2020_CHANNELS).flatMap(([c, n]) => Array<Channel | null>(n).fill(c === 'none' ? null : c as Channel));
      for (let i = channels.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [channels[i], channels[j]] = [channels[j], channels[i]]; }
    } else {
      channels = times.map(() => pick<Channel>(rnd, [['phone_auto', 51], ['phone_general', 19], ['email', 29], ['fax', 0.6], ['post', 0.4]]));
    }
    const fyEnd = jstMidnight(fy + 1, 4, 1);
    times.forEach((at, i) => {
      const channel = channels[i];
      const month = `${at.getUTCFullYear()}-${String(new Date(at.getTime() + 9 * 3600_000).getUTCMonth() + 1).padStart(2, '0')}`;
      const weights = Object.entries(CATEGORY_WEIGHTS).map(([c, w]) => [c, w * WAVES.filter((x) => x.category === c && month >= x.from && month <= x.to).reduce((a, x) => a * x.factor, 1)] as [string, number]);
      const category = pick(rnd, weights);
      const device = pick(rnd, DEVICE_BY_CATEGORY[category] ?? DEVICE_BY_CATEGORY.default);
      const phone = channel === 'phone_auto' || channel === 'phone_general';
      const referred = rnd() < (category === 'one_click' || category === 'remote_support_scam' ? 0.18 : 0.04);
      const desk = referred ? desks[Math.floor(rnd() * desks.length)] : undefined;
      const data: ConsultationData = {
        source: 'import', channel, category, categories: [category], device, os: null,
        summary: SUMMARY[category] ?? SUMMARY.other, advice: '手口の説明と対処方法を案内した。', callSeconds: phone ? 120 + Math.floor(rnd() * 1500) : null,
        financialLoss: category === 'remote_support_scam' && rnd() < 0.3, kbRefs: [],
        consulter: { name: null, email: null, phone: null },
        referrals: desk ? [{ partnerId: desk.id, partnerName: desk.name, at: new Date(at.getTime() + 10 * 60_000).toISOString() }] : [],
      };
      const closeAt = new Date(at.getTime() + (phone ? 20 * 60_000 : (1 + Math.floor(rnd() * 48)) * 3600_000));
      // The last consultations of FY2020 are still being handled at the year's end.
      const stillOpen = fy === 2020 && closeAt >= fyEnd;
      const reason = desk ? 'referred' : pick(rnd, [['advised', 86], ['information', 11], ['no_contact', 3]] as Array<[string, number]>);
      list.push({
        type: CONSULTATION, title: `${INITIAL_CATEGORIES.find((c) => c[0] === category)?.[1] ?? category}（${channel ? CHANNELS[channel].ja : '受付手段未記録'}）`,
        data: data as unknown as Record<string, unknown>, receivedAt: at, parties: [],
        path: stillOpen ? [] : [{ transition: 'complete', at: closeAt, reason }],
        events: desk ? [{ kind: 'referral', at: new Date(at.getTime() + 10 * 60_000), details: { partnerId: desk.id, partnerName: desk.name } }] : [],
      });
    });
  }
  return list;
}

export async function loadConsultationDemo(ctx: AppContext): Promise<void> {
  const svc = ctx.services.get('consultation') as ConsultationService;
  for (const a of CONSULTATION_DEMO_ACCOUNTS) {
    if (await ctx.auth.findUserByEmail(a.email)) continue;
    await ctx.auth.createUser({ email: a.email, displayName: a.displayName, password: DEMO_PASSWORD, kind: 'staff', roles: a.roles, totpSecret: DEMO_TOTP_SECRET });
  }
  if ((await svc.partners()).length === 0) {
    for (const c of DEMO_COUNCIL) await svc.savePartner({ name: c.name, nameEn: c.nameEn, kind: 'council', scope: c.scope, scopeEn: c.scopeEn, contact: c.contact, joinedOn: c.joinedOn, isIpa: c.isIpa ? 'on' : '' }, SYSTEM_ACTOR);
    for (const p of DEMO_PARTNERS) await svc.savePartner({ name: p.name, nameEn: p.nameEn, kind: 'partner', scope: p.scope, contact: '', joinedOn: p.joinedOn }, SYSTEM_ACTOR);
    const partners = await svc.partners({ kind: 'partner' });
    // 9 cooperation cases in FY2020 (the report), 6 in FY2019.
    const coop: Array<[string, number, 'provided' | 'received' | 'shared', string]> = [
      ['2019-06-12', 0, 'shared', '偽 SMS の送信元番号の共有'], ['2019-08-20', 2, 'received', '偽警告サイトの新しい文面'], ['2019-10-03', 5, 'shared', '宅配業者をかたる SMS の文面'],
      ['2019-12-11', 11, 'provided', 'カレンダー照会の悪用事例'], ['2020-01-22', 7, 'shared', 'フィッシングサイトの URL'], ['2020-03-05', 9, 'provided', '遠隔操作詐欺の被害事例'],
      ['2020-04-16', 0, 'shared', 'コロナ給付金をかたる SMS'], ['2020-05-27', 11, 'provided', 'カレンダー照会の新しい手口'], ['2020-06-30', 5, 'shared', '偽 SMS の誘導先'],
      ['2020-08-21', 4, 'provided', 'メッセンジャーの乗っ取り事例'], ['2020-09-15', 2, 'received', '偽警告の新しい電話番号'], ['2020-11-06', 9, 'provided', '返金を装う遠隔操作詐欺'],
      ['2020-12-10', 10, 'shared', '通知機能を悪用するサイトの検証'], ['2021-02-04', 12, 'provided', 'ワンクリック請求の決済手段'], ['2021-03-18', 1, 'shared', 'SMS 送信元の傾向'],
    ];
    for (const [d, i, kind, subject] of coop) {
      const [y, m, day] = d.split('-').map(Number);
      await svc.recordCooperation({ partnerId: partners[i % partners.length].id, kind, subject, at: new Date(jstMidnight(y, m, day).getTime() + 15 * 3600_000) }, SYSTEM_ACTOR);
    }
  }
  if ((await svc.searchKb('', { limit: 1 })).length === 0) {
    for (const k of KB) await svc.saveKb(k, { ...SYSTEM_ACTOR, displayName: '安心相談窓口' });
  }
  if ((await svc.staffAdvisories()).length === 0) {
    for (const a of ADVISORIES) {
      const id = await svc.createAdvisory({ slug: a.slug, title: a.title, body: a.body, category: a.category }, SYSTEM_ACTOR);
      for (const [i, r] of a.revisions.entries()) {
        const [y, m, d] = r.at.split('-').map(Number);
        if (i > 0) await svc.saveDraft(id, { title: a.title, body: `${a.body}\n\n（${r.at} 更新: ${r.note}）`, changeNote: r.note }, SYSTEM_ACTOR);
        await svc.publish(id, SYSTEM_ACTOR, new Date(jstMidnight(y, m, d).getTime() + 14 * 3600_000));
      }
      await sql`update consultation_advisories set view_count = ${a.views} where id = ${id}`.execute(ctx.db);
    }
  }
  const existing = await ctx.cases.search({ type: CONSULTATION }, { limit: 1, withTotal: false });
  if (existing.items.length > 0) return;
  const partners = await svc.partners();
  const started = Date.now();
  const n = await ctx.cases.bulkImport(buildConsultationHistory(partners));
  ctx.log.info({ consultations: n, ms: Date.now() - started }, 'consultation demo history loaded');
}
