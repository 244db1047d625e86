// Demo data of the virus / unauthorised access desk: demo staff accounts and a deterministic history
// of notifications from FY2017 to FY2021 (April 2017 – March 2022) whose FY2020 (令和2年度) counts
// are those of the annual report — virus 589 (72 with damage), unauthorised access 209 (161 with
// damage) — with channels, reporters, sectors, routes, methods and kinds of damage; a few reports
// of this month still open for the workbench; request-for-report records and published write-ups.
// Everything is fictional: names, organisations and addresses live under example.jp.
import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import { SYSTEM_ACTOR } from '../../platform/context.js';
import type { ImportedCase } from '../../platform/cases/engine.js';
import type { StaffRole } from '../../platform/auth/auth.js';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, mulberry32, DemoRandom } from '../../platform/demo.js';
import { isoDate, jstMidnight } from '../../platform/i18n/dates.js';
import { UNAUTHORIZED, VIRUS } from './case-types.js';
import { CLASSIFICATIONS, type IncidentKind } from './vocab.js';
import { titleOf, type IncidentData } from './validate.js';

export { DEMO_PASSWORD, DEMO_TOTP_SECRET };

export const DEMO_ACCOUNTS: Array<{ email: string; displayName: string; roles: StaffRole[] }> = [
  { email: 'incidents@mamori.example.jp', displayName: '届出 窓口（ウイルス・不正アクセス）', roles: ['intake_handler', 'analyst', 'publisher'] },
  { email: 'incident-intake@mamori.example.jp', displayName: '受付 優子（ウイルス・不正アクセス）', roles: ['intake_handler'] },
  { email: 'incident-analyst@mamori.example.jp', displayName: '分析 拓海（ウイルス・不正アクセス）', roles: ['analyst'] },
  { email: 'incident-publisher@mamori.example.jp', displayName: '公開 真理（ウイルス・不正アクセス）', roles: ['publisher'] },
];

/** Reports received per fiscal year: [received, of which with damage]. FY2020 is the annual report's. */
export const FY_COUNTS: Record<IncidentKind, Record<number, [number, number]>> = {
  virus: { 2017: [823, 88], 2018: [704, 79], 2019: [641, 75], 2020: [589, 72], 2021: [492, 66] },
  unauthorized: { 2017: [251, 182], 2018: [233, 171], 2019: [221, 165], 2020: [209, 161], 2021: [236, 187] },
};
/** Reports of November 2026 left open for the workbench. */
export const RECENT = { virus: 5, unauthorized: 3 };

// ---- Deterministic randomness ------------------------------------------------------------------

class Gen extends DemoRandom {}

/** Splits `total` over weights exactly (largest remainder). */
function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((w) => (total * w) / sum);
  const out = raw.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => ({ i, f: r - Math.floor(r) })).sort((a, b) => b.f - a.f || a.i - b.i);
  for (const { i } of order) { if (left <= 0) break; out[i]++; left--; }
  return out;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

// ---- Vocabulary of the fictional history -----------------------------------------------------------

const SURNAMES = ['佐藤', '鈴木', '高橋', '田中', '伊藤', '渡辺', '山本', '中村', '小林', '加藤', '吉田', '山田', '松本', '井上', '木村', '林', '清水', '森'];
const GIVEN = ['一郎', '花子', '健太', '美咲', '翔', '由美', '大輔', '恵', '拓也', '愛', '直人', '真由美', '悠斗', '彩'];
const ORG_STEMS = ['みほん', 'サンプル', 'ためし', 'れいじ', 'テスト', 'もくひょう', 'あおば', 'ひかり', 'かぜ', 'こだま'];
const ORG_SUFFIX: Record<string, string[]> = {
  manufacturing: ['製作所', '工業株式会社', '電機株式会社'], information: ['システム株式会社', 'ソフト株式会社', 'ネット株式会社'],
  wholesale_retail: ['商事株式会社', '通販株式会社', '商店'], finance: ['信用金庫', '証券株式会社'], construction: ['建設株式会社', '工務店'],
  services: ['サービス株式会社', '会計事務所', '旅行株式会社'], medical: ['病院', 'クリニック', '介護センター'], education: ['大学', '高等学校', '学園'],
  government: ['市役所', '町役場', '県庁'], other: ['協会', '財団', '組合'],
};
const SECTOR_W = {
  virus: [['manufacturing', 22], ['information', 14], ['wholesale_retail', 14], ['finance', 4], ['construction', 8], ['services', 18], ['medical', 6], ['education', 6], ['government', 4], ['other', 4]],
  unauthorized: [['manufacturing', 10], ['information', 16], ['wholesale_retail', 26], ['finance', 4], ['construction', 4], ['services', 18], ['medical', 6], ['education', 8], ['government', 4], ['other', 4]],
} as const;
const MALWARE = ['Emotet', 'Trojan.Emotet', 'W97M/Downloader', 'Trojan.PDF.Phish', 'IcedID', 'Ursnif', 'AgentTesla', 'FormBook', 'Ransom.WannaCry', 'Adware.Generic', 'JS/Phish', 'LokiBot', 'Qakbot'];
const OSES = ['Windows 10', 'Windows 10', 'Windows 10', 'Windows 8.1', 'Windows 7', 'Windows Server 2016', 'macOS', 'Android'];
const AV = ['ウイルス対策ソフト（統合型）', 'EDR 製品', 'メールゲートウェイのウイルス検知', 'OS 標準のウイルス対策機能', 'UTM'];

interface Spec { kind: IncidentKind; at: Date; damaged: boolean; recent?: boolean }

/** When each report arrives: months weighted (with waves), days and office hours at random. */
function plan(g: Gen): Spec[] {
  const out: Spec[] = [];
  for (const kind of ['virus', 'unauthorized'] as const) {
    for (const [fyText, [n, damaged]] of Object.entries(FY_COUNTS[kind])) {
      const fy = Number(fyText);
      const months = Array.from({ length: 12 }, (_, i) => { const m = ((i + 3) % 12) + 1; return { y: m >= 4 ? fy : fy + 1, m }; });
      // Mail-borne virus waves (Emotet) in autumn 2019, September 2020 and early 2022; others flat with noise.
      const weights = months.map(({ y, m }) => {
        let w = 0.8 + g.rng() * 0.4;
        if (kind === 'virus' && ((y === 2019 && m >= 10 && m <= 12) || (y === 2020 && (m === 9 || m === 10)) || (y === 2022 && m >= 2))) w *= 2.2;
        if (kind === 'unauthorized' && m === 12) w *= 1.2;
        return w;
      });
      const perMonth = apportion(n, weights);
      const specs: Spec[] = [];
      months.forEach(({ y, m }, i) => {
        const start = jstMidnight(y, m, 1).getTime();
        const end = (m === 12 ? jstMidnight(y + 1, 1, 1) : jstMidnight(y, m + 1, 1)).getTime();
        const days = Math.round((end - start) / DAY);
        for (let k = 0; k < perMonth[i]; k++) {
          const at = start + g.int(0, days - 1) * DAY + g.int(8, 19) * HOUR + g.int(0, 59) * MIN + g.int(0, 59) * 1000;
          specs.push({ kind, at: new Date(at), damaged: false });
        }
      });
      specs.sort((a, b) => a.at.getTime() - b.at.getTime());
      const dmg = g.subset(specs.length, damaged);
      specs.forEach((s, i) => { s.damaged = dmg.has(i); });
      out.push(...specs);
    }
    for (let k = 0; k < RECENT[kind]; k++) {
      out.push({ kind, at: new Date(jstMidnight(2026, 11, 2).getTime() + (k * 4 + (kind === 'virus' ? 0 : 2)) * DAY + g.int(9, 17) * HOUR + g.int(0, 59) * MIN), damaged: k % 2 === 0, recent: true });
    }
  }
  return out;
}

function reporter(g: Gen, kind: IncidentKind) {
  const type = g.weighted(kind === 'virus' ? [['company', 58], ['organisation', 20], ['individual', 22]] as const : [['company', 55], ['organisation', 18], ['individual', 27]] as const);
  const name = `${g.pick(SURNAMES)} ${g.pick(GIVEN)}`;
  const phone = `0${g.int(3, 9)}-${g.int(1000, 9999)}-${g.int(1000, 9999)}`;
  if (type === 'individual') {
    return { reporterType: type, sector: null, size: null, reporter: { name, email: `user${g.int(1000, 99999)}@mail.example.jp`, phone: g.chance(0.5) ? phone : null, organisationName: null, department: null } };
  }
  const sector = g.weighted(SECTOR_W[kind]);
  const stem = g.pick(ORG_STEMS);
  const org = `${stem}${g.pick(ORG_SUFFIX[sector])}（デモ）`;
  const domain = `${['mihon', 'sample', 'tameshi', 'reiji', 'test', 'mokuhyo', 'aoba', 'hikari', 'kaze', 'kodama'][ORG_STEMS.indexOf(stem)]}-${sector.replace('_', '-')}.example.jp`;
  return {
    reporterType: type, sector, size: g.weighted([['small', 50], ['medium', 32], ['large', 18]] as const),
    reporter: { name, email: `${g.pick(['security', 'info', 'system', 'soumu'])}@${domain}`, phone, organisationName: org, department: g.pick(['情報システム部', '総務部', '経営企画室', '事務局', null]) },
  };
}

function virusData(g: Gen, damaged: boolean): Partial<IncidentData> {
  const routes = g.several([['mail', 70], ['web', 12], ['download', 8], ['usb', 4], ['network', 4], ['other', 2]] as const, 2);
  const name = g.chance(0.72) ? g.pick(MALWARE) : null;
  const damageTypes = damaged ? g.several([['infection', 40], ['spread', 25], ['data_leak', 14], ['encryption', 10], ['service_outage', 8], ['other', 3]] as const, 2) : [];
  const how = routes.includes('mail') ? '取引先を装ったメールの添付ファイル（Word 文書）を開いた' : routes.includes('web') ? 'ウェブサイト閲覧中に不審なファイルがダウンロードされた' : routes.includes('usb') ? '持ち込まれた USB メモリ' : 'ダウンロードしたファイル';
  return {
    malwareName: name, malwareFile: routes.includes('mail') ? g.pick(['請求書.doc', '【至急】ご確認ください.zip', '見積書_修正版.xlsm', 'Invoice_0420.doc']) : null, detectionRoutes: routes,
    os: g.pick(OSES), software: g.pick(AV), discoveredOn: null, damageTypes,
    description: damaged
      ? `${how}ところ、端末がウイルスに感染した。${damageTypes.includes('spread') ? '当該端末のメールアカウントから取引先へなりすましメールが送信された。' : ''}${damageTypes.includes('encryption') ? 'ファイルサーバ上のファイルが暗号化された。' : ''}（デモデータ）`
      : `${how}が、ウイルス対策ソフトが検知・隔離した。感染は確認されていない。（デモデータ）`,
    countermeasures: damaged ? g.pick(['端末をネットワークから切り離し初期化した。', 'パスワードを変更し、取引先に注意喚起した。', 'バックアップから復旧した。']) : g.pick(['検知したメールを削除し、社内に注意喚起した。', null]),
  };
}

function unauthorizedData(g: Gen, damaged: boolean): Partial<IncidentData> {
  const methods = g.several([['vulnerability', 30], ['password_list', 16], ['brute_force', 14], ['phishing', 12], ['misconfiguration', 10], ['insider', 3], ['unknown', 15]] as const, 2);
  const systems = g.several([['website', 40], ['mail', 16], ['cloud', 14], ['server', 12], ['vpn', 10], ['pc', 6], ['other', 2]] as const, 2);
  const damageTypes = damaged ? g.several([['data_leak', 30], ['impersonation', 20], ['defacement', 12], ['unauthorized_payment', 10], ['ransomware', 10], ['spam_relay', 10], ['service_outage', 6], ['other', 2]] as const, 2) : [];
  return {
    attackMethods: methods, affectedSystems: systems, reportedToPolice: damaged ? g.chance(0.45) : g.chance(0.05), damageTypes,
    description: damaged
      ? `${systems.includes('website') ? 'ウェブサイト' : systems.includes('vpn') ? 'VPN 装置' : systems.includes('cloud') ? 'クラウドサービスのアカウント' : 'サーバ'}に第三者が不正にアクセスした痕跡が見つかった。${damageTypes.includes('data_leak') ? '顧客情報の一部が外部に送信された可能性がある。' : ''}${damageTypes.includes('defacement') ? 'トップページが改ざんされた。' : ''}（デモデータ）`
      : '不審なログイン試行が多数記録されたが、侵入は確認されていない。（デモデータ）',
    countermeasures: g.pick(['パスワードを変更し、多要素認証を導入した。', '脆弱性を修正し、外部の専門業者に調査を依頼した。', '該当アカウントを停止した。', null]),
  };
}

function classificationOf(g: Gen, kind: IncidentKind, d: Partial<IncidentData>): string {
  if (!d.damageTypes?.length) return kind === 'virus' ? 'detected_only' : 'attempt';
  if (kind === 'virus') {
    if (d.damageTypes.includes('encryption')) return 'ransomware';
    if (d.malwareName?.includes('Emotet') || d.damageTypes.includes('spread')) return 'emotet';
    return g.pick(['infostealer', 'backdoor', 'other']);
  }
  if (d.damageTypes.includes('ransomware')) return 'ransomware';
  if (d.damageTypes.includes('defacement')) return 'defacement';
  if (d.affectedSystems?.includes('vpn')) return 'vpn';
  if (d.damageTypes.includes('unauthorized_payment') || (d.affectedSystems?.includes('website') && d.damageTypes.includes('data_leak'))) return 'ec_site';
  if (d.affectedSystems?.includes('cloud') || d.affectedSystems?.includes('mail')) return 'cloud_account';
  return 'other';
}

/** The whole demo history, deterministic. */
export function buildIncidentHistory(seed = 20210331): ImportedCase[] {
  const g = new Gen(mulberry32(seed));
  const specs = plan(g);
  const list: ImportedCase[] = specs.map((s) => {
    const w = new Gen(mulberry32(seed ^ Math.floor(s.at.getTime() / 1000)));
    const rep = reporter(w, s.kind);
    const channel = w.weighted([['web', 72], ['email', 22], ['paper', 6]] as const);
    const specific = s.kind === 'virus' ? virusData(w, s.damaged) : unauthorizedData(w, s.damaged);
    const occurred = new Date(s.at.getTime() - w.int(0, 10) * DAY);
    const data: IncidentData = {
      kind: s.kind, channel, ...rep, damaged: s.damaged, damageTypes: [], occurredOn: w.chance(0.7) ? isoDate(occurred) : null,
      description: '', countermeasures: null, ...specific,
    } as IncidentData;
    if (s.kind === 'virus') data.discoveredOn = isoDate(occurred);
    const path: ImportedCase['path'] = [];
    let t = s.at.getTime();
    const step = (transition: string, minDays: number, maxDays: number, reason?: string) => {
      t += w.int(minDays, maxDays) * DAY + w.int(1, 8) * HOUR;
      path.push({ transition, at: new Date(t), ...(reason ? { reason } : {}) });
    };
    const notable = s.damaged && w.chance(0.12);
    if (!s.recent || w.chance(0.5)) step('start_review', 0, 2);
    if (notable && path.length) {
      step('start_hearing', 1, 4);
      data.hearings = [{ on: isoDate(new Date(t + DAY)), method: w.pick(['phone', 'web_meeting', 'email']), note: '被害の範囲、侵入・感染の経路と対応状況を確認した。（デモデータ）', by: DEMO_ACCOUNTS[2].displayName, at: new Date(t + DAY).toISOString() }];
      if (!s.recent) step('finish_hearing', 2, 10);
    }
    if (!s.recent) {
      const reason = w.weighted([['classified', 90], ['not_applicable', 4], ['duplicate', 3], ['withdrawn', 3]] as const);
      if (reason === 'classified') data.classification = { code: classificationOf(w, s.kind, data), notable, note: null, by: DEMO_ACCOUNTS[2].displayName, at: new Date(t + HOUR).toISOString() };
      step('close', 1, 20, reason);
    }
    const c: ImportedCase = {
      type: s.kind === 'virus' ? VIRUS : UNAUTHORIZED, title: titleOf(data), data: data as unknown as Record<string, unknown>, receivedAt: s.at,
      parties: [{ role: 'reporter', email: rep.reporter.email, name: rep.reporter.name }], path,
    };
    if (data.classification) c.events = [{ kind: 'classified', at: new Date(t - HOUR), details: { code: data.classification.code } }];
    return c;
  });
  // Reference numbers follow the order of receipt.
  return list.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
}

// ---- Requests after public disclosures and write-ups ------------------------------------------------

const REQUESTS: Array<{ org: string; sector: string; kind: IncidentKind; disclosed: string; requested: string | null; status: string; slug: string }> = [
  { org: 'サンプル通販株式会社（デモ）', sector: 'wholesale_retail', kind: 'unauthorized', disclosed: '2020-05-12', requested: '2020-05-14', status: 'reported', slug: 'sample-tsuhan' },
  { org: 'あおば工業株式会社（デモ）', sector: 'manufacturing', kind: 'virus', disclosed: '2020-06-03', requested: '2020-06-05', status: 'reported', slug: 'aoba-kogyo' },
  { org: 'ひかり旅行株式会社（デモ）', sector: 'services', kind: 'unauthorized', disclosed: '2020-07-21', requested: '2020-07-22', status: 'declined', slug: 'hikari-travel' },
  { org: 'こだま大学（デモ）', sector: 'education', kind: 'unauthorized', disclosed: '2020-09-08', requested: '2020-09-10', status: 'reported', slug: 'kodama-u' },
  { org: 'れいじ商事株式会社（デモ）', sector: 'wholesale_retail', kind: 'virus', disclosed: '2020-09-29', requested: '2020-10-01', status: 'reported', slug: 'reiji-shoji' },
  { org: 'みほん病院（デモ）', sector: 'medical', kind: 'unauthorized', disclosed: '2020-11-16', requested: '2020-11-18', status: 'no_response', slug: 'mihon-hospital' },
  { org: 'ためしゲーム株式会社（デモ）', sector: 'information', kind: 'unauthorized', disclosed: '2020-11-24', requested: '2020-11-26', status: 'reported', slug: 'tameshi-game' },
  { org: 'かぜ証券株式会社（デモ）', sector: 'finance', kind: 'unauthorized', disclosed: '2021-01-19', requested: '2021-01-21', status: 'reported', slug: 'kaze-sec' },
  { org: 'もくひょう町役場（デモ）', sector: 'government', kind: 'virus', disclosed: '2021-02-15', requested: '2021-02-17', status: 'requested', slug: 'mokuhyo-town' },
  { org: 'テストクラウド株式会社（デモ）', sector: 'information', kind: 'unauthorized', disclosed: '2026-11-16', requested: null, status: 'planned', slug: 'test-cloud' },
];

const STUDIES: Array<{ half: string; kind: IncidentKind; titleJa: string; titleEn: string; bodyJa: string; bodyEn: string; published: Date | null }> = [
  { half: '2020-H1', kind: 'virus', published: jstMidnight(2020, 8, 6),
    titleJa: '取引先を装うメールから Emotet に感染し、なりすましメールが送信された事例', titleEn: 'Emotet infection through a mail posing as a business partner, followed by spoofed mails',
    bodyJa: '製造業の組織で、取引先を装ったメールに添付された Word 文書を開き、マクロを有効化したことで Emotet に感染しました。感染した端末のメールソフトから窃取されたメールアドレスと本文を使い、取引先になりすましメールが送られました。\n\n対策: マクロを既定で無効にし、添付ファイルを開く前に送信元を確認する。感染が疑われる場合は端末を切り離し、関係者へ速やかに注意喚起する。',
    bodyEn: 'At a manufacturer, a Word document attached to a mail posing as a business partner was opened and its macros enabled, infecting the computer with Emotet. Addresses and texts stolen from the mail client were then used to send spoofed mails to partners.\n\nCountermeasures: disable macros by default and check the sender before opening attachments; isolate a suspected device and warn those concerned quickly.' },
  { half: '2020-H1', kind: 'unauthorized', published: jstMidnight(2020, 8, 6),
    titleJa: 'EC サイトの脆弱性を悪用され、決済画面が改ざんされた事例', titleEn: 'An online shop\'s vulnerability exploited to tamper with its payment page',
    bodyJa: '小売業のウェブサイトで、更新されていなかった EC パッケージの脆弱性を悪用され、決済画面に偽の入力フォームが埋め込まれました。入力されたクレジットカード情報が外部に送信されていたことが、カード会社からの連絡で判明しました。\n\n対策: 利用しているソフトウェアの更新状況を定期的に確認する。改ざん検知の仕組みを導入する。',
    bodyEn: 'A retailer\'s online shop ran an outdated e-commerce package whose vulnerability was exploited to insert a fake form into the payment page. Card data entered there was sent to an outside server, as the card company reported.\n\nCountermeasures: check regularly that the software in use is up to date, and monitor pages for tampering.' },
  { half: '2020-H2', kind: 'unauthorized', published: jstMidnight(2021, 2, 25),
    titleJa: 'VPN 装置の脆弱性を突かれて侵入され、ランサムウェアでサーバが暗号化された事例', titleEn: 'Intrusion through a VPN device vulnerability, with servers encrypted by ransomware',
    bodyJa: 'サービス業の組織で、修正プログラムを適用していなかった VPN 装置から認証情報が窃取され、社内ネットワークに侵入されました。数週間後、ファイルサーバと業務サーバがランサムウェアで暗号化され、窃取したデータを公開するとの脅迫を受けました。\n\n対策: VPN 装置の修正プログラムを速やかに適用し、窃取の可能性がある認証情報を変更する。オフラインのバックアップを用意する。',
    bodyEn: 'At a services company, credentials were stolen from a VPN device that lacked a security update, and the attackers entered the internal network. Weeks later file and business servers were encrypted by ransomware, with a threat to publish the stolen data.\n\nCountermeasures: apply VPN device updates promptly, change any credentials that may have been stolen, and keep offline backups.' },
  { half: '2020-H2', kind: 'virus', published: jstMidnight(2021, 2, 25),
    titleJa: '偽のセキュリティ警告から遠隔操作ソフトを導入させられた事例', titleEn: 'A fake security warning leading to the installation of remote-control software',
    bodyJa: '個人の利用者が、ウェブ閲覧中に表示された偽のウイルス警告に従ってサポート窓口を名乗る番号に電話し、指示されるまま遠隔操作ソフトを導入しました。その後、有償サポート契約の名目で支払いを求められました。\n\n対策: 警告画面の電話番号に連絡しない。ブラウザを閉じても消えない場合は、タスクマネージャー等で終了する。',
    bodyEn: 'An individual browsing the web saw a fake virus warning, called the "support" number shown and installed remote-control software as instructed, then was asked to pay for a support contract.\n\nCountermeasures: never call the number on such a warning; close the browser, if necessary through the task manager.' },
  { half: '2026-H2', kind: 'unauthorized', published: null,
    titleJa: 'クラウドサービスのアカウントがパスワードリスト攻撃で乗っ取られた事例（下書き）', titleEn: 'A cloud account taken over by a password list attack (draft)',
    bodyJa: '（下書き）他のサービスから漏えいした ID とパスワードの組み合わせを使われ、多要素認証を設定していなかったクラウドストレージのアカウントに不正ログインされた。', bodyEn: '(Draft) Credentials leaked from another service were used to log in to a cloud storage account without multi-factor authentication.' },
];

async function ensureAccounts(ctx: AppContext) {
  for (const a of DEMO_ACCOUNTS) {
    if (await ctx.auth.findUserByEmail(a.email)) continue;
    await ctx.auth.createUser({ email: a.email, displayName: a.displayName, password: DEMO_PASSWORD, kind: 'staff', roles: a.roles, totpSecret: DEMO_TOTP_SECRET });
  }
}

/** Fills the demo database: accounts, then (once) the history, requests and write-ups. Idempotent. */
export async function loadIncidentDemo(ctx: AppContext): Promise<void> {
  await ensureAccounts(ctx);
  const existing = await ctx.cases.search({ types: [VIRUS, UNAUTHORIZED] }, { limit: 1, withTotal: false });
  if (existing.items.length === 0) {
    const started = Date.now();
    const n = await ctx.cases.bulkImport(buildIncidentHistory());
    ctx.log.info({ cases: n, ms: Date.now() - started }, 'incident-reports demo history loaded');
  }
  const have = await sql<{ n: number }>`select (select count(*) from incident_report_requests)::int + (select count(*) from incident_case_studies)::int as n`.execute(ctx.db);
  if (Number(have.rows[0].n) > 0) return;
  const author = await ctx.auth.findUserByEmail(DEMO_ACCOUNTS[2].email);
  const reviewer = await ctx.auth.findUserByEmail(DEMO_ACCOUNTS[3].email);
  // The report that came back after each request: the first of that kind, with damage, received from
  // three days after the request (looked up before the transaction: PGlite is one session).
  const dateOf = (iso: string) => jstMidnight(...(iso.split('-').map(Number) as [number, number, number]));
  const caseIds: Array<string | null> = [];
  for (const r of REQUESTS) {
    let caseId: string | null = null;
    if (r.status === 'reported' && r.requested) {
      const from = new Date(dateOf(r.requested).getTime() + 3 * DAY);
      const page = await ctx.cases.search({ type: r.kind === 'virus' ? VIRUS : UNAUTHORIZED, receivedFrom: from, receivedTo: new Date(from.getTime() + 30 * DAY), data: { damaged: true } }, { sort: 'received_asc', limit: 1, withTotal: false });
      caseId = page.items[0]?.id ?? null;
    }
    caseIds.push(caseId);
  }
  await ctx.db.transaction().execute(async (trx) => {
    for (const [i, r] of REQUESTS.entries()) {
      const caseId = caseIds[i];
      await sql`insert into incident_report_requests (organisation_name, sector, kind, disclosure_url, disclosed_on, requested_on, status, note, case_id, created_at, updated_at)
        values (${r.org}, ${r.sector}, ${r.kind}, ${`https://www.${r.slug}.example.jp/news/${r.disclosed.replace(/-/g, '')}.html`}, ${r.disclosed}, ${r.requested}, ${caseId || r.status !== 'reported' ? r.status : 'requested'},
          ${'公表資料を確認し、届出を依頼（デモデータ）'}, ${caseId}, ${dateOf(r.disclosed)}, ${dateOf(r.disclosed)})`.execute(trx);
    }
    for (const s of STUDIES) {
      const at = s.published ?? new Date(jstMidnight(2026, 11, 20).getTime());
      await sql`insert into incident_case_studies (half, kind, title_ja, title_en, body_ja, body_en, source_refs, state, authored_by, authored_by_name, reviewed_by, reviewed_by_name, published_at, created_at, updated_at)
        values (${s.half}, ${s.kind}, ${s.titleJa}, ${s.titleEn}, ${s.bodyJa}, ${s.bodyEn}, ${sql.val([])}::text[], ${s.published ? 'published' : 'draft'},
          ${author?.id ?? 'system'}, ${DEMO_ACCOUNTS[2].displayName}, ${s.published ? reviewer?.id ?? 'system' : null}, ${s.published ? DEMO_ACCOUNTS[3].displayName : null},
          ${s.published}, ${new Date(at.getTime() - 10 * DAY)}, ${at})`.execute(trx);
    }
    await ctx.audit.record({ action: 'incidents.demo_load', actor: SYSTEM_ACTOR, subjectType: 'module', subjectId: 'incident-reports', details: { requests: REQUESTS.length, studies: STUDIES.length } }, trx);
  });
}

export { CLASSIFICATIONS };
