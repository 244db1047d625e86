// Demo data of the vulnerability report desk: demo accounts (one per staff role, organisation
// users) and a deterministic history of reports since the scheme began (2004-07-08) whose
// statistics reproduce the figures of the FY2020 (令和2年度) annual report. Everything here is
// fictional: names, products and sites live under example.jp / .example.
import type { AppContext } from '../../platform/context.js';
import type { ImportedCase } from '../../platform/cases/engine.js';
import type { PartyRole } from '../../platform/cases/types.js';
import type { Organisation, OrgKind, StaffRole } from '../../platform/auth/auth.js';
import type { Text } from '../../platform/i18n/i18n.js';
import { isoDate, jstMidnight, jstParts } from '../../platform/i18n/dates.js';
import { parseCvss, type CvssResult } from '../../shared/cvss.js';
import { CWE_LIST, type CweEntry } from './cwe.js';
import { PRODUCT, WEB } from './case-types.js';
import type { AdvisoryFields, ValidReport } from './service.js';

// ---- Accounts -------------------------------------------------------------------------------

import { DEMO_PASSWORD, DEMO_TOTP_SECRET, mulberry32, DemoRandom } from '../../platform/demo.js';
export { DEMO_PASSWORD, DEMO_TOTP_SECRET };

export interface DemoOrganisation {
  key: string;
  name: string;
  nameEn: string;
  kind: OrgKind;
  email: string;
  category?: string;
}

export const DEMO_ORGANISATIONS: DemoOrganisation[] = [
  { key: 'jpcert', name: 'JPCERT コーディネーションセンター', nameEn: 'JPCERT/CC', kind: 'coordinator', email: 'coordination@jpcert.example.jp' },
  { key: 'vendor1', name: 'サンプル電機株式会社', nameEn: 'Sample Denki Co., Ltd.', kind: 'vendor', email: 'psirt@sample-denki.example.jp' },
  { key: 'vendor2', name: 'ためし情報システム株式会社', nameEn: 'Tameshi Information Systems Inc.', kind: 'vendor', email: 'security@tameshi-is.example.jp' },
  { key: 'vendor3', name: 'れいじソフトウェア合同会社', nameEn: 'Reiji Software LLC', kind: 'vendor', email: 'security@reiji-soft.example.jp' },
  { key: 'operator1', name: 'みほん市役所', nameEn: 'Mihon City Office', kind: 'site_operator', email: 'webmaster@city.mihon.example.jp' },
  { key: 'operator2', name: 'サンプル通販株式会社', nameEn: 'Sample Tsuhan Co., Ltd.', kind: 'site_operator', email: 'security@sample-tsuhan.example.jp' },
  { key: 'power', name: '電力ISAC（デモ）', nameEn: 'Electricity ISAC (demo)', kind: 'priority_recipient', email: 'info@power-isac.example.jp', category: 'electric_power' },
  { key: 'gov', name: '政府機関（デモ）', nameEn: 'Government agencies (demo)', kind: 'priority_recipient', email: 'soc@gov-demo.example.jp', category: 'government' },
];

export interface DemoAccount {
  email: string;
  displayName: string;
  kind: 'staff' | 'org';
  /** Staff roles (empty for organisation users). */
  roles: StaffRole[];
  /** Key in DEMO_ORGANISATIONS of an organisation user, null for staff. */
  organisation: string | null;
  description: Text;
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { email: 'intake@mamori.example.jp', displayName: '受付 花子', kind: 'staff', roles: ['intake_handler'], organisation: null,
    description: { ja: '受付担当：届出の受付・内容確認・JPCERT/CC への送付', en: 'Intake handler: receives and checks reports, forwards them to JPCERT/CC' } },
  { email: 'coordinator@mamori.example.jp', displayName: '調整 太郎', kind: 'staff', roles: ['coordinator'], organisation: null,
    description: { ja: '調整担当：開発者・運営者との調整、優先提供、終了', en: 'Coordinator: works with developers and site operators, priority provision, closure' } },
  { email: 'analyst@mamori.example.jp', displayName: '分析 健', kind: 'staff', roles: ['analyst'], organisation: null,
    description: { ja: '分析担当：届出の閲覧と公表情報の作成', en: 'Analyst: reads reports and drafts advisories' } },
  { email: 'publisher@mamori.example.jp', displayName: '公表 美咲', kind: 'staff', roles: ['publisher'], organisation: null,
    description: { ja: '公表担当：公表・注意喚起', en: 'Publisher: publishes advisories and alerts' } },
  { email: 'admin@mamori.example.jp', displayName: '管理 直樹', kind: 'staff', roles: ['administrator'], organisation: null,
    description: { ja: 'システム管理者：アカウント管理', en: 'Administrator: manages accounts' } },
  { email: 'auditor@mamori.example.jp', displayName: '監査 彩', kind: 'staff', roles: ['auditor'], organisation: null,
    description: { ja: '監査担当：監査ログの閲覧', en: 'Auditor: reads the audit log' } },
  { email: 'desk@mamori.example.jp', displayName: '窓口 誠', kind: 'staff', roles: ['intake_handler', 'coordinator', 'analyst', 'publisher'], organisation: null,
    description: { ja: '窓口担当（複数ロール）：受付から公表まで一通りの操作', en: 'Desk officer with several roles: every step from intake to publication' } },
  { email: 'jpcert@mamori.example.jp', displayName: 'JPCERT/CC 調整担当', kind: 'org', roles: [], organisation: 'jpcert',
    description: { ja: '調整機関（JPCERT/CC）の利用者：送付された製品届出を閲覧', en: 'Coordinator (JPCERT/CC) user: sees the product reports forwarded to it' } },
  { email: 'vendor@mamori.example.jp', displayName: 'サンプル電機 PSIRT', kind: 'org', roles: [], organisation: 'vendor1',
    description: { ja: '製品開発者（サンプル電機株式会社）の利用者：自社製品の届出と公表日の提案', en: 'Product developer (Sample Denki) user: its product reports, proposes publication dates' } },
  { email: 'operator@mamori.example.jp', displayName: 'みほん市役所 情報政策課', kind: 'org', roles: [], organisation: 'operator1',
    description: { ja: 'ウェブサイト運営者（みほん市役所）の利用者：自サイトの届出', en: 'Website operator (Mihon City Office) user: reports about its sites' } },
  { email: 'power@mamori.example.jp', displayName: '電力ISAC 担当', kind: 'org', roles: [], organisation: 'power',
    description: { ja: '優先提供先（電力分野）の利用者：公表前の対策情報を閲覧', en: 'Priority recipient (electric power sector) user: countermeasure information before publication' } },
  { email: 'gov@mamori.example.jp', displayName: '政府機関 担当', kind: 'org', roles: [], organisation: 'gov',
    description: { ja: '優先提供先（政府機関）の利用者：公表前の対策情報を閲覧', en: 'Priority recipient (government agencies) user: countermeasure information before publication' } },
];

async function ensureAccounts(ctx: AppContext): Promise<Map<string, Organisation>> {
  const existing = await ctx.auth.listOrganisations();
  const orgs = new Map<string, Organisation>();
  for (const o of DEMO_ORGANISATIONS) {
    let org = existing.find((x) => x.name === o.name && x.kind === o.kind);
    if (!org) org = await ctx.auth.createOrganisation({ name: o.name, nameEn: o.nameEn, kind: o.kind, email: o.email, category: o.category });
    orgs.set(o.key, org);
  }
  for (const a of DEMO_ACCOUNTS) {
    if (await ctx.auth.findUserByEmail(a.email)) continue;
    await ctx.auth.createUser({
      email: a.email, displayName: a.displayName, password: DEMO_PASSWORD, kind: a.kind, roles: a.roles,
      organisationId: a.organisation ? orgs.get(a.organisation)!.id : undefined,
      totpSecret: a.kind === 'staff' ? DEMO_TOTP_SECRET : undefined,
    });
  }
  return orgs;
}

// ---- Deterministic randomness and time --------------------------------------------------------

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const SCHEME_START = jstMidnight(2004, 7, 8);
const FY_START = jstMidnight(2020, 4, 1);
const FY_END = jstMidnight(2021, 4, 1);

/** Per-day intensity of receipts by calendar year: the scheme grows, web reports come in waves. */
const PRODUCT_DENSITY: Record<number, number> = {
  2004: 1.0, 2005: 1.1, 2006: 1.0, 2007: 1.2, 2008: 1.1, 2009: 1.2, 2010: 1.3, 2011: 1.3, 2012: 1.5,
  2013: 1.6, 2014: 1.8, 2015: 2.4, 2016: 2.2, 2017: 2.6, 2018: 2.5, 2019: 2.7, 2020: 2.7,
};
const WEB_DENSITY: Record<number, number> = {
  2004: 2.0, 2005: 3.2, 2006: 2.4, 2007: 2.0, 2008: 4.5, 2009: 2.2, 2010: 1.6, 2011: 1.3, 2012: 1.3,
  2013: 1.2, 2014: 1.3, 2015: 2.6, 2016: 2.4, 2017: 1.5, 2018: 1.3, 2019: 1.4, 2020: 1.4,
};
const FLAT: Record<number, number> = {};

type Rng = () => number;

class Gen extends DemoRandom {
  /** A receipt instant in [from, to) (both JST midnights), days weighted by a yearly intensity. */
  receipt(from: Date, to: Date, density: Record<number, number> = FLAT): Date {
    const years: Array<readonly [[number, number], number]> = [];
    for (let y = jstParts(from).y; y <= jstParts(new Date(to.getTime() - 1)).y; y++) {
      const lo = Math.max(from.getTime(), jstMidnight(y, 1, 1).getTime());
      const hi = Math.min(to.getTime(), jstMidnight(y + 1, 1, 1).getTime());
      if (hi > lo) years.push([[lo, hi], ((hi - lo) / DAY) * (density[y] ?? 1)] as const);
    }
    const [lo, hi] = this.weighted(years);
    const day = lo + Math.floor(this.rng() * Math.round((hi - lo) / DAY)) * DAY;
    // Reports arrive mostly in the daytime, some late in the evening.
    const hour = this.weighted([[8, 1], [9, 3], [10, 4], [11, 4], [12, 2], [13, 4], [14, 4], [15, 4], [16, 4], [17, 3], [18, 2], [19, 2], [20, 2], [21, 2], [22, 1], [23, 1]] as const);
    return new Date(day + hour * HOUR + this.int(0, 59) * MIN);
  }

  /** A staff action between minDays and maxDays after `prev`, in office hours where possible. */
  after(prev: number, minDays: number, maxDays: number): number {
    const target = prev + (minDays + (maxDays - minDays) * this.rng() ** 1.6) * DAY;
    const p = jstParts(new Date(target));
    let t = jstMidnight(p.y, p.m, p.d).getTime() + 9 * HOUR + this.int(0, 570) * MIN;
    if (t <= prev + 5 * MIN) t = prev + this.int(5, 120) * MIN;
    return t;
  }

  /** Successive staff actions; squeezed proportionally when the last would reach `deadline`. */
  chain(t0: Date, gaps: ReadonlyArray<readonly [number, number]>, deadline: Date): Date[] {
    const base = t0.getTime();
    const out: number[] = [];
    let prev = base;
    for (const [lo, hi] of gaps) { prev = this.after(prev, lo, hi); out.push(prev); }
    const end = deadline.getTime();
    if (out.length && out[out.length - 1] >= end - 30 * MIN) {
      const margin = Math.min(30 * MIN, (end - base) / (2 * out.length + 2));
      const room = (end - margin - base) * (0.55 + 0.4 * this.rng());
      const span = out[out.length - 1] - base;
      for (let i = 0; i < out.length; i++) {
        out[i] = base + Math.floor(((out[i] - base) * room) / span);
        const min = (i === 0 ? base : out[i - 1]) + 1000;
        if (out[i] < min) out[i] = min;
      }
    }
    if (out.length && out[out.length - 1] >= end) throw new Error(`demo: no room for ${out.length} steps between ${t0.toISOString()} and ${deadline.toISOString()}`);
    return out.map((t) => new Date(t));
  }

  /** A time in office hours on a day within [from, to) (JST midnights). */
  officeDay(from: Date, to: Date): Date {
    const days = Math.round((to.getTime() - from.getTime()) / DAY);
    return new Date(from.getTime() + this.int(0, days - 1) * DAY + 9 * HOUR + this.int(0, 570) * MIN);
  }
}

// ---- Word lists -------------------------------------------------------------------------------

type Category = 'software' | 'embedded';
interface Vendor { name: string; domain: string; products: Array<readonly [string, Category]>; weight: number; org?: string }

const VENDORS: Vendor[] = [
  { name: 'サンプル電機株式会社', domain: 'sample-denki.example.jp', org: 'vendor1', weight: 3,
    products: [['SD-Router WR-1800', 'embedded'], ['SD ネットワークカメラ NC-210', 'embedded'], ['SD NAS Station', 'embedded'], ['SD 監視ビューア', 'software']] },
  { name: 'ためし情報システム株式会社', domain: 'tameshi-is.example.jp', org: 'vendor2', weight: 3,
    products: [['Tameshi Groupware', 'software'], ['ためし勤怠管理', 'software'], ['Tameshi Workflow', 'software']] },
  { name: 'れいじソフトウェア合同会社', domain: 'reiji-soft.example.jp', org: 'vendor3', weight: 2.5,
    products: [['Reiji CMS', 'software'], ['Reiji Form Mailer', 'software'], ['Reiji Blog Plugin', 'software']] },
  { name: 'あおば技研株式会社', domain: 'aoba-giken.example.jp', weight: 7,
    products: [['AOBA 無線LANアクセスポイント AP-300', 'embedded'], ['AOBA IoT Gateway GX-10', 'embedded'], ['AOBA 設定ユーティリティ', 'software']] },
  { name: 'ほしぞらネットワークス株式会社', domain: 'hoshizora-net.example.jp', weight: 7,
    products: [['Hoshizora VPN Appliance', 'embedded'], ['ほしぞらファイアウォール HF-500', 'embedded'], ['Hoshizora Remote Client', 'software']] },
  { name: 'みなと電子工業株式会社', domain: 'minato-denshi.example.jp', weight: 6,
    products: [['みなと産業用コントローラ MC-7', 'embedded'], ['Minato HMI Designer', 'software'], ['Minato SCADA Viewer', 'software']] },
  { name: '株式会社つばさ情報技術', domain: 'tsubasa-it.example.jp', weight: 8,
    products: [['Tsubasa EC パッケージ', 'software'], ['つばさ予約システム', 'software'], ['Tsubasa Mobile App', 'software']] },
  { name: 'ひかりソリューションズ株式会社', domain: 'hikari-sol.example.jp', weight: 8,
    products: [['Hikari 文書管理システム', 'software'], ['Hikari Mail Gateway', 'software'], ['ひかりファイル転送', 'software']] },
  { name: 'やまびこソフト株式会社', domain: 'yamabiko-soft.example.jp', weight: 9,
    products: [['やまびこ掲示板', 'software'], ['Yamabiko Wiki', 'software'], ['やまびこ画像アップローダ', 'software']] },
  { name: 'Example Software, Inc.', domain: 'example-software.example', weight: 8,
    products: [['ExampleDB Admin', 'software'], ['Example PDF Viewer', 'software'], ['Example Archiver', 'software']] },
  { name: 'みどり通信機器株式会社', domain: 'midori-tsushin.example.jp', weight: 6,
    products: [['みどりホームゲートウェイ HG-20', 'embedded'], ['Midori IP 電話機 MT-5', 'embedded']] },
  { name: 'Fictive Labs Ltd.', domain: 'fictivelabs.example', weight: 6,
    products: [['Fictive Chat Server', 'software'], ['Fictive Android SDK', 'software'], ['Fictive Installer', 'software']] },
  { name: 'こだまシステム開発株式会社', domain: 'kodama-sys.example.jp', weight: 7,
    products: [['こだま会計クラウド', 'software'], ['Kodama 顧客管理', 'software']] },
  { name: 'さざなみ工業株式会社', domain: 'sazanami.example.jp', weight: 5,
    products: [['さざなみ複合機 SZ-C400', 'embedded'], ['Sazanami Print Manager', 'software']] },
  { name: 'Hatoba プロジェクト', domain: 'hatoba-project.example', weight: 7,
    products: [['Hatoba Web Framework', 'software'], ['Hatoba Image Library', 'software'], ['Hatoba Template Engine', 'software']] },
  { name: '株式会社いちょうテクノロジー', domain: 'icho-tech.example.jp', weight: 6,
    products: [['Icho 学習管理システム', 'software'], ['いちょう電子黒板', 'embedded']] },
];

interface Operator { name: string; domain: string; hosts: string[]; org?: string; weight: number }

const SITE_WORDS: Array<readonly [string, string]> = [
  ['aoi', 'あおい'], ['hinata', 'ひなた'], ['kaede', 'かえで'], ['sakura', 'さくら'], ['tsubaki', 'つばき'], ['momiji', 'もみじ'],
  ['hotaru', 'ほたる'], ['kirara', 'きらら'], ['nagisa', 'なぎさ'], ['minori', 'みのり'], ['akane', 'あかね'], ['yuzu', 'ゆず'],
  ['suzuran', 'すずらん'], ['wakaba', 'わかば'], ['asahi', 'あさひ'], ['kasumi', 'かすみ'], ['tsukushi', 'つくし'], ['shirakaba', 'しらかば'],
  ['hibari', 'ひばり'], ['komorebi', 'こもれび'],
];
const SITE_KINDS: Array<readonly [string, (ja: string) => string, string[]]> = [
  ['shop', (ja) => `${ja}ストア株式会社`, ['www', 'shop', 'mypage']],
  ['clinic', (ja) => `医療法人${ja}会`, ['www', 'yoyaku']],
  ['hotel', (ja) => `${ja}ホテル株式会社`, ['www', 'reserve']],
  ['univ', (ja) => `${ja}大学`, ['www', 'portal', 'admission', 'library']],
  ['town', (ja) => `${ja}町役場`, ['www', 'bousai']],
  ['travel', (ja) => `${ja}トラベル株式会社`, ['www', 'tour']],
  ['news', (ja) => `${ja}新聞社`, ['www', 'digital']],
  ['fudosan', (ja) => `${ja}不動産株式会社`, ['www', 'bukken']],
  ['career', (ja) => `株式会社${ja}キャリア`, ['www', 'recruit', 'entry']],
  ['kensetsu', (ja) => `${ja}建設株式会社`, ['www']],
];
const OPERATORS: Operator[] = [
  { name: 'みほん市役所', domain: 'city.mihon.example.jp', hosts: ['www', 'kosodate', 'bousai'], org: 'operator1', weight: 0.8 },
  { name: 'サンプル通販株式会社', domain: 'sample-tsuhan.example.jp', hosts: ['shop', 'www', 'mypage'], org: 'operator2', weight: 0.8 },
  ...SITE_WORDS.flatMap(([ro, ja]) => SITE_KINDS.map(([kind, name, hosts]) => ({ name: name(ja), domain: `${ro}-${kind}.example.jp`, hosts, weight: 1 }))),
];
const SITE_PATHS = ['', 'search', 'contact/form', 'news/detail', 'login', 'inquiry/input', 'event/list', 'member/profile', 'item/view', 'recruit/entry', 'cgi-bin/board.cgi', 'faq/search'];
const SITE_PARAMS = ['q', 'keyword', 'id', 'page', 'category', 'redirect', 'name', 'mode'];

const FAMILY = ['佐藤', '鈴木', '高橋', '田中', '伊藤', '渡辺', '山本', '中村', '小林', '加藤', '吉田', '山田', '佐々木', '山口', '松本', '井上', '木村', '林', '斎藤', '清水', '森', '池田', '橋本', '石川'];
const GIVEN = ['太郎', '花子', '健', '美咲', '翔', 'さくら', '大輔', '陽菜', '拓也', '結衣', '直樹', '彩', '亮', '真由美', '誠', '愛', '悠斗', '智子', '康介', '遥'];
const AFFILIATIONS = ['株式会社サンプルセキュリティ', 'あおぞら大学 情報工学科', '株式会社みほんテクノロジー', 'セキュリティ勉強会（架空）', '株式会社れいわ診断サービス', 'ためし高専 情報科', 'フリーランス'];

const CWE_PRODUCT: Array<readonly [string, number]> = [
  ['CWE-79', 20], ['CWE-20', 5], ['CWE-352', 6], ['CWE-22', 6], ['CWE-78', 5], ['CWE-89', 4], ['CWE-287', 4], ['CWE-284', 4],
  ['CWE-200', 4], ['CWE-798', 3], ['CWE-119', 3], ['CWE-787', 2], ['CWE-125', 2], ['CWE-121', 2], ['CWE-427', 6], ['CWE-295', 3],
  ['CWE-306', 3], ['CWE-862', 3], ['CWE-601', 2], ['CWE-611', 2], ['CWE-434', 2], ['CWE-502', 1], ['CWE-400', 2], ['CWE-312', 2],
  ['CWE-319', 2], ['CWE-912', 1], ['CWE-1188', 1], ['CWE-94', 1],
];
const CWE_WEB: Array<readonly [string, number]> = [
  ['CWE-79', 45], ['CWE-89', 12], ['CWE-352', 4], ['CWE-22', 3], ['CWE-200', 6], ['CWE-601', 3], ['CWE-284', 3], ['CWE-639', 3],
  ['CWE-434', 2], ['CWE-16', 3], ['CWE-113', 1], ['CWE-93', 1], ['CWE-1021', 1], ['CWE-287', 2], ['CWE-78', 1], ['CWE-319', 2], ['CWE-611', 1],
];

type Family = 'xss' | 'sqli' | 'csrf' | 'path' | 'cmd' | 'auth' | 'info' | 'memory' | 'dll' | 'redirect' | 'xxe' | 'upload' | 'dos' | 'other';
const FAMILY_OF: Record<string, Family> = {
  'CWE-79': 'xss', 'CWE-89': 'sqli', 'CWE-352': 'csrf', 'CWE-22': 'path', 'CWE-78': 'cmd', 'CWE-94': 'cmd', 'CWE-502': 'cmd',
  'CWE-287': 'auth', 'CWE-284': 'auth', 'CWE-306': 'auth', 'CWE-862': 'auth', 'CWE-639': 'auth', 'CWE-798': 'auth', 'CWE-912': 'auth', 'CWE-1188': 'auth',
  'CWE-200': 'info', 'CWE-312': 'info', 'CWE-319': 'info', 'CWE-295': 'info', 'CWE-16': 'info',
  'CWE-119': 'memory', 'CWE-787': 'memory', 'CWE-125': 'memory', 'CWE-121': 'memory', 'CWE-427': 'dll',
  'CWE-601': 'redirect', 'CWE-113': 'redirect', 'CWE-93': 'redirect', 'CWE-611': 'xxe', 'CWE-434': 'upload', 'CWE-400': 'dos',
};

const FAMILY_TEXT: Record<Family, { desc: string; repro: string; impact: string; cvss: string[] }> = {
  xss: {
    desc: '{where}において、{param} パラメータの値が適切にエスケープされないまま HTML に出力されるため、クロスサイトスクリプティングが可能です。',
    repro: '1. {url} に {param}="><script>alert(document.domain)</script> を付けてアクセスする\n2. ブラウザ上でスクリプトが実行されることを確認する',
    impact: '利用者のブラウザ上で任意のスクリプトが実行され、セッション情報の窃取や偽の入力フォームの表示が行われる可能性があります。',
    cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N'],
  },
  sqli: {
    desc: '{where}において、{param} パラメータの値がそのまま SQL 文に組み込まれるため、SQL インジェクションが可能です。',
    repro: "1. {url} に {param}=1' OR '1'='1 を付けてアクセスする\n2. 本来表示されないはずのデータが表示されることを確認する\n（データの改ざん・削除につながる操作は行っていません）",
    impact: 'データベース内の情報の窃取、改ざん、削除が行われる可能性があります。',
    cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H'],
  },
  csrf: {
    desc: '{where}の設定変更機能にリクエストの正当性を確認する仕組みがないため、クロスサイトリクエストフォージェリが可能です。',
    repro: '1. ログインした状態で、細工したフォームを含む別サイトのページを開く\n2. 利用者の意図しない設定変更が行われることを確認する',
    impact: 'ログイン中の利用者が細工されたページを閲覧した場合、意図しない操作が行われる可能性があります。',
    cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:L/A:N', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N'],
  },
  path: {
    desc: '{where}のファイル取得処理でパス名の検証が不十分なため、ディレクトリ・トラバーサルが可能です。',
    repro: '1. {url} に {param}=../../../../etc/passwd を付けてアクセスする\n2. 公開ディレクトリ外のファイルの内容が返されることを確認する',
    impact: 'サーバ上の任意のファイルを読み取られる可能性があります。',
    cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N'],
  },
  cmd: {
    desc: '{where}において、外部から入力された値が検証されずにコマンドの一部として実行されるため、任意のコマンドを実行可能です。',
    repro: '1. 管理画面の診断機能で、宛先に「127.0.0.1;id」と入力して実行する\n2. id コマンドの結果が表示されることを確認する',
    impact: '遠隔の第三者によって任意の OS コマンドを実行される可能性があります。',
    cvss: ['CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
  },
  auth: {
    desc: '{where}の一部の機能で認証または認可の確認が行われていないため、権限のない利用者が当該機能を利用できます。',
    repro: '1. ログインしていない状態で {url} に直接アクセスする\n2. 管理者向けの情報が表示されることを確認する',
    impact: '第三者によって情報の窃取や設定の変更が行われる可能性があります。',
    cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N', 'CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N'],
  },
  info: {
    desc: '{where}において、本来保護されるべき情報が適切に保護されていません。',
    repro: '1. {url} にアクセスする\n2. 応答に内部情報（設定値や個人情報の一部）が含まれていることを確認する',
    impact: '利用者の個人情報やシステムの内部情報が第三者に漏えいする可能性があります。',
    cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N'],
  },
  memory: {
    desc: '{where}において、細工されたファイルを処理する際に境界チェックが不十分なため、メモリ破損が発生します。',
    repro: '1. 添付の細工したファイルを開く\n2. アプリケーションが異常終了することを確認する',
    impact: '細工されたファイルを開くことで、任意のコードを実行される可能性があります。',
    cvss: ['CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H'],
  },
  dll: {
    desc: '{where}のインストーラは DLL を読み込む際の検索パスに問題があるため、同じディレクトリに置かれた DLL を読み込みます。',
    repro: '1. インストーラと同じフォルダに細工した DLL を置く\n2. インストーラを実行し、DLL が読み込まれることを確認する',
    impact: 'インストーラを実行した権限で任意のコードを実行される可能性があります。',
    cvss: ['CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H'],
  },
  redirect: {
    desc: '{where}において、{param} パラメータに指定した任意の URL へ転送されるため、利用者を外部のサイトへ誘導できます。',
    repro: '1. {url} に {param}=https://attacker.example/ を付けてアクセスする\n2. 外部のサイトへ転送されることを確認する',
    impact: 'フィッシングサイトへ誘導される可能性があります。',
    cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N'],
  },
  xxe: {
    desc: '{where}の XML 処理で外部エンティティの参照が無効化されていないため、XXE が可能です。',
    repro: '1. 外部エンティティを含む XML を送信する\n2. サーバ上のファイルの内容が応答に含まれることを確認する',
    impact: 'サーバ上のファイルを読み取られる可能性があります。',
    cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N'],
  },
  upload: {
    desc: '{where}のアップロード機能でファイルの種類が検証されないため、サーバ上で実行可能なファイルをアップロードできます。',
    repro: '1. 画像の代わりにスクリプトファイルをアップロードする\n2. アップロード先の URL にアクセスし、スクリプトが実行されることを確認する',
    impact: 'サーバ上で任意のコードを実行される可能性があります。',
    cvss: ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H'],
  },
  dos: {
    desc: '{where}において、細工されたリクエストを処理する際にリソースが解放されないため、サービス運用妨害（DoS）が可能です。',
    repro: '1. 細工したリクエストを繰り返し送信する\n2. 応答しなくなることを確認する',
    impact: 'サービス運用妨害（DoS）状態にされる可能性があります。',
    cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H'],
  },
  other: {
    desc: '{where}には、{cwe}の脆弱性が存在します。',
    repro: '1. {url} にアクセスする\n2. 詳細は添付の報告書のとおり',
    impact: '第三者によって情報の窃取や改ざんが行われる可能性があります。',
    cvss: ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:N'],
  },
};

const SOLUTIONS = [
  '開発者が提供する情報をもとに、最新版へアップデートしてください。',
  '開発者が提供する情報をもとに、ファームウェアを最新版へアップデートしてください。',
  '開発者が提供する情報をもとに、修正パッチを適用してください。',
  '開発者が提供する回避策を適用してください。',
];

const CWE_BY_ID = new Map<string, CweEntry>(CWE_LIST.map((c) => [c.id, c]));
const cweWeights = (list: Array<readonly [string, number]>) => list.filter(([id]) => CWE_BY_ID.has(id));

// ---- Case specifications ------------------------------------------------------------------------

type Source = 'finder' | 'developer' | 'open_bug_bounty';
interface Step { transition: string; at: Date; reason?: string }
interface Spec {
  kind: 'product' | 'web';
  receivedAt: Date;
  path: Step[];
  source: Source;
  events: NonNullable<ImportedCase['events']>;
  priority: Set<string>;
  dueAt?: Date | null;
}

const P_GAPS = {
  start_check: [0, 3], forward_to_coordinator: [1, 20], contact_developer: [3, 90], publish: [20, 400], close: [10, 300],
} as const;
const W_GAPS = {
  start_check: [0, 3], contact_operator: [1, 14], provide_details: [2, 45], start_verification: [14, 120], close: [1, 60],
} as const;

const at = (s: Spec, transition: string) => s.path.find((p) => p.transition === transition)?.at;

class Planner {
  readonly specs: Spec[] = [];
  constructor(readonly g: Gen) {}

  /** Builds the path through the named transitions (with gaps), all before `deadline`. */
  add(kind: 'product' | 'web', receivedAt: Date, steps: Array<string | [string, string]>, deadline: Date, gapsOverride: Record<string, readonly [number, number]> = {}): Spec {
    const gaps = kind === 'product' ? P_GAPS : W_GAPS;
    const names = steps.map((s) => (Array.isArray(s) ? s[0] : s));
    const times = this.g.chain(receivedAt, names.map((n) => gapsOverride[n] ?? (gaps as Record<string, readonly [number, number]>)[n]), deadline);
    const spec: Spec = {
      kind, receivedAt, source: 'finder', events: [], priority: new Set(),
      path: steps.map((s, i) => (Array.isArray(s) ? { transition: s[0], reason: s[1], at: times[i] } : { transition: s, at: times[i] })),
    };
    this.specs.push(spec);
    return spec;
  }
}

/** The history behind the FY2020 annual report (cumulative since 2004-07-08). */
function plan(g: Gen, orgs: Map<string, Organisation>): Spec[] {
  const pl = new Planner(g);
  const pre = FY_START;
  const P = (from: Date, to: Date) => g.receipt(from, to, PRODUCT_DENSITY);
  const W = (from: Date, to: Date) => g.receipt(from, to, WEB_DENSITY);
  const fullProduct = ['start_check', 'forward_to_coordinator', 'contact_developer'];
  const fullWeb = ['start_check', 'contact_operator', 'provide_details'];

  // P1: published before FY2020.
  const p1 = Array.from({ length: 1779 }, () => pl.add('product', P(SCHEME_START, jstMidnight(2019, 12, 20)), [...fullProduct, 'publish'], pre));
  // P2: closed before FY2020 without publication.
  const p2 = Array.from({ length: 908 }, () => {
    const steps = g.weighted<Array<string | [string, string]>>([
      [[['close', g.pick(['not_accepted', 'not_needed'])]], 5],
      [['start_check', ['close', g.weighted([['not_accepted', 3], ['not_needed', 4], ['withdrawn', 1]] as const)]], 25],
      [['start_check', 'forward_to_coordinator', ['close', g.pick(['not_needed', 'withdrawn'])]], 15],
      [[...fullProduct, ['close', g.weighted([['closed_unpublished', 6], ['withdrawn', 2], ['unreachable', 1]] as const)]], 55],
    ]);
    return pl.add('product', P(SCHEME_START, jstMidnight(2020, 3, 25)), steps, pre);
  });
  // P3: developer unreachable, closed before FY2020, published as such during FY2020.
  for (let i = 0; i < 4; i++) {
    const s = pl.add('product', P(jstMidnight(2011, 1, 1), jstMidnight(2018, 1, 1)), [...fullProduct, ['close', 'unreachable']], pre, { close: [400, 1500] });
    s.path.push({ transition: 'publish_unreachable', at: g.officeDay(jstMidnight(2020, 6, 1), jstMidnight(2021, 3, 1)) });
  }
  // P4: coordinating at the end of FY2019; 78 published and 2 closed during FY2020.
  const p4 = Array.from({ length: 80 }, (_, i) => {
    const s = pl.add('product', P(jstMidnight(2018, 4, 1), jstMidnight(2020, 3, 10)), fullProduct, pre);
    const end = g.officeDay(FY_START, jstMidnight(2021, 3, 20));
    s.path.push(i < 78 ? { transition: 'publish', at: end } : { transition: 'close', reason: i === 78 ? 'withdrawn' : 'closed_unpublished', at: end });
    return s;
  });
  // P5: received and published within FY2020.
  const p5 = Array.from({ length: 14 }, () => pl.add('product', P(FY_START, jstMidnight(2020, 12, 1)), [...fullProduct, 'publish'], FY_END, { publish: [20, 120] }));
  // P6: open at the end of FY2020, nothing happened to them during FY2020.
  const p6 = Array.from({ length: 1746 }, () => {
    const steps = g.chance(0.4) ? ['start_check', 'forward_to_coordinator'] : fullProduct;
    return pl.add('product', P(SCHEME_START, jstMidnight(2020, 3, 31)), steps, pre);
  });
  // P7: received in FY2020, open at its end.
  const p7: Spec[] = [];
  for (let i = 0; i < 24; i++) p7.push(pl.add('product', g.receipt(jstMidnight(2021, 3, 1), jstMidnight(2021, 3, 31)), i < 10 ? [] : ['start_check'], FY_END));
  const p7coord = Array.from({ length: 101 }, () => pl.add('product', P(FY_START, jstMidnight(2021, 3, 1)), fullProduct, FY_END));
  const p7fwd = Array.from({ length: 116 }, () => pl.add('product', P(FY_START, jstMidnight(2021, 3, 20)), ['start_check', 'forward_to_coordinator'], FY_END));
  p7.push(...p7coord, ...p7fwd);

  // Developer self-reports: 291 before FY2020, 21 during it.
  const devPre = [...g.shuffle([...p1]).slice(0, 230), ...g.shuffle([...p6]).slice(0, 50), ...g.shuffle([...p2]).slice(0, 11)];
  const devFy = [...g.shuffle([...p5]).slice(0, 5), ...g.shuffle([...p7coord, ...p7fwd]).slice(0, 16)];
  for (const s of [...devPre, ...devFy]) s.source = 'developer';

  // Priority provisions (between the developer contact and publication) and alerts.
  const power = orgs.get('power')!; const gov = orgs.get('gov')!;
  const provide = (s: Spec, org: Organisation, lo: number, hi: number) => {
    // A working day within the window, in office hours when the window allows.
    let t = lo + Math.floor(g.rng() * (hi - lo));
    const p = jstParts(new Date(t));
    const office = jstMidnight(p.y, p.m, p.d).getTime() + 9 * HOUR + g.int(30, 540) * MIN;
    if (office > lo && office < hi) t = office;
    s.events.push({ kind: 'priority_provision', at: new Date(t), details: { category: org.category!, organisationId: org.id } });
    s.priority.add(org.id);
  };
  const between = (s: Spec, from: Date): [number, number] => {
    const lo = Math.max(at(s, 'contact_developer')!.getTime(), from.getTime()) + HOUR;
    const hi = (at(s, 'publish') ?? FY_END).getTime() - HOUR;
    return [lo, hi];
  };
  const wide = (from: Date) => (s: Spec) => { const [lo, hi] = between(s, from); return hi - lo > 3 * DAY; };
  const preCandidates = g.shuffle(p1.filter((s) => at(s, 'contact_developer')! >= jstMidnight(2019, 4, 1)).filter(wide(SCHEME_START)));
  // Before FY2020: 4 electric power (2 of them also to government), 2 government.
  preCandidates.slice(0, 4).forEach((s, i) => {
    const [lo, hi] = between(s, SCHEME_START);
    provide(s, power, lo, hi);
    if (i < 2) provide(s, gov, lo, hi);
  });
  // During FY2020: 15 electric power, 13 government (11 cases to both).
  const fyCandidates = g.shuffle([...p4.slice(0, 78), ...p5, ...p7coord].filter(wide(FY_START)));
  fyCandidates.slice(0, 17).forEach((s, i) => {
    const [lo, hi] = between(s, FY_START);
    if (i < 15) provide(s, power, lo, hi);
    if (i < 11 || i >= 15) provide(s, gov, lo, hi);
  });
  const alertCandidates = g.shuffle([...p4.slice(0, 78), ...p5].filter((s) => at(s, 'publish')! < jstMidnight(2021, 3, 25)));
  for (const s of alertCandidates.slice(0, 3)) {
    s.events.push({ kind: 'alert', at: new Date(at(s, 'publish')!.getTime() + g.int(30, 180) * MIN), details: { level: 'alert', title: '' } });
  }

  // W1: received and closed before FY2020.
  for (let i = 0; i < 10_062; i++) {
    const steps = g.weighted<Array<string | [string, string]>>([
      [[...fullWeb, 'start_verification', ['close', 'fixed']], 60],
      [[...fullWeb, ['close', 'fixed']], 25],
      [['start_check', ['close', g.weighted([['not_needed', 3], ['not_accepted', 2]] as const)]], 6],
      [['start_check', 'contact_operator', ['close', 'operator_unreachable']], 4],
      [[...fullWeb, ['close', 'closed_by_alert']], 3],
      [[['close', 'not_accepted']], 2],
    ]);
    pl.add('web', W(SCHEME_START, jstMidnight(2020, 3, 15)), steps, pre,
      steps.length === 3 && steps[1] === 'contact_operator' ? { close: [60, 400] } : steps.length === 4 && !steps.includes('start_verification') ? { close: [14, 200] } : {});
  }
  // W2: details provided before FY2020, fixed during it.
  for (let i = 0; i < 200; i++) {
    const s = pl.add('web', W(jstMidnight(2018, 10, 1), jstMidnight(2020, 3, 10)), g.chance(0.5) ? fullWeb : [...fullWeb, 'start_verification'], pre);
    s.path.push({ transition: 'close', reason: 'fixed', at: g.officeDay(FY_START, jstMidnight(2021, 2, 1)) });
  }
  const webFy: Spec[] = [];
  // W3: received and closed during FY2020.
  for (let i = 0; i < 100; i++) webFy.push(pl.add('web', W(FY_START, jstMidnight(2021, 1, 1)), g.chance(0.7) ? [...fullWeb, 'start_verification', ['close', 'fixed']] : [...fullWeb, ['close', 'fixed']], FY_END));
  for (let i = 0; i < 16; i++) webFy.push(pl.add('web', W(FY_START, jstMidnight(2021, 3, 20)), ['start_check', ['close', g.pick(['not_needed', 'not_accepted'])]], FY_END));
  // W4: received before FY2020, open at its end with nothing done during it.
  for (let i = 0; i < 435; i++) pl.add('web', W(jstMidnight(2008, 1, 1), jstMidnight(2020, 3, 31)), ['start_check', 'contact_operator'], pre);
  for (let i = 0; i < 274; i++) pl.add('web', W(jstMidnight(2008, 1, 1), jstMidnight(2020, 3, 25)), g.chance(0.5) ? fullWeb : [...fullWeb, 'start_verification'], pre);
  // W5: received during FY2020, open at its end.
  for (let i = 0; i < 49; i++) webFy.push(pl.add('web', g.receipt(jstMidnight(2021, 2, 15), jstMidnight(2021, 3, 31)), i < 20 ? [] : ['start_check'], FY_END));
  for (let i = 0; i < 204; i++) webFy.push(pl.add('web', W(FY_START, jstMidnight(2021, 3, 25)), ['start_check', 'contact_operator'], FY_END));
  for (let i = 0; i < 365; i++) webFy.push(pl.add('web', W(FY_START, jstMidnight(2021, 3, 10)), g.chance(0.6) ? fullWeb : [...fullWeb, 'start_verification'], FY_END));
  // Open Bug Bounty postings found by the desk: 55 during FY2020.
  for (const s of g.shuffle([...webFy]).slice(0, 55)) s.source = 'open_bug_bounty';

  // Fresh work for the staff workbench (November 2026); after every reported period.
  const nov = (d: number, h: number, m: number) => new Date(jstMidnight(2026, 11, d).getTime() + h * HOUR + m * MIN);
  const recent: Array<{ kind: 'product' | 'web'; r: Date; steps: Array<[string, Date]>; due?: Date }> = [
    { kind: 'product', r: nov(18, 14, 5), steps: [] },
    { kind: 'product', r: nov(20, 10, 32), steps: [] },
    { kind: 'product', r: nov(12, 9, 48), steps: [['start_check', nov(13, 10, 15)]] },
    { kind: 'product', r: nov(10, 22, 11), steps: [['start_check', nov(11, 9, 40)]] },
    { kind: 'product', r: nov(4, 16, 20), steps: [['start_check', nov(5, 11, 2)], ['forward_to_coordinator', nov(9, 15, 30)]] },
    { kind: 'product', r: nov(1, 11, 7), steps: [['start_check', nov(2, 9, 55)], ['forward_to_coordinator', nov(5, 14, 0)], ['contact_developer', nov(16, 10, 30)]], due: nov(16 + 45, 0, 0) },
    { kind: 'web', r: nov(19, 13, 27), steps: [] },
    { kind: 'web', r: nov(20, 8, 51), steps: [] },
    { kind: 'web', r: nov(11, 17, 3), steps: [['start_check', nov(12, 10, 20)]] },
    { kind: 'web', r: nov(13, 12, 44), steps: [['start_check', nov(16, 9, 30)]] },
    { kind: 'web', r: nov(6, 10, 9), steps: [['start_check', nov(6, 15, 45)], ['contact_operator', nov(10, 11, 10)]] },
    { kind: 'web', r: nov(2, 19, 36), steps: [['start_check', nov(4, 9, 20)], ['contact_operator', nov(5, 13, 5)], ['provide_details', nov(17, 16, 40)]] },
  ];
  for (const c of recent) {
    pl.specs.push({ kind: c.kind, receivedAt: c.r, source: 'finder', events: [], priority: new Set(), dueAt: c.due ?? null, path: c.steps.map(([transition, t]) => ({ transition, at: t })) });
  }
  return pl.specs;
}

// ---- Case contents ------------------------------------------------------------------------------

interface Reporter { name: string; email: string; affiliation: string | null }

class Writer {
  readonly reporters: Reporter[];
  private readonly cvssCache = new Map<string, CvssResult>();
  private readonly vendorWeights: Array<readonly [Vendor, number]>;
  private readonly operatorWeights: Array<readonly [Operator, number]>;
  private readonly cweProduct = cweWeights(CWE_PRODUCT);
  private readonly cweWeb = cweWeights(CWE_WEB);

  constructor(readonly g: Gen, readonly orgs: Map<string, Organisation>) {
    this.reporters = Array.from({ length: 2400 }, (_, i) => ({
      name: `${g.pick(FAMILY)} ${g.pick(GIVEN)}`,
      email: `reporter${1000 + i}@example.jp`,
      affiliation: g.chance(0.35) ? g.pick(AFFILIATIONS) : null,
    }));
    this.vendorWeights = VENDORS.map((v) => [v, v.weight] as const);
    this.operatorWeights = OPERATORS.map((o) => [o, o.weight] as const);
  }

  private cvss(vector: string): CvssResult {
    let r = this.cvssCache.get(vector);
    if (!r) { r = parseCvss(vector); this.cvssCache.set(vector, r); }
    return r;
  }

  private reporterOf(s: Spec): { data: ValidReport['reporter']; party: ImportedCase['parties'][number]; wishCredit: boolean; creditName: string | null } {
    const g = this.g;
    // A few prolific finders send many reports, most send one or two.
    const r = this.reporters[Math.floor(this.reporters.length * g.rng() ** 2.2)];
    const anonymous = g.chance(0.18);
    const wishCredit = !anonymous && g.chance(0.5);
    return {
      data: { name: anonymous ? null : r.name, email: r.email, affiliation: r.affiliation, anonymous },
      party: { role: 'reporter', email: r.email, name: anonymous ? null : r.name },
      wishCredit, creditName: wishCredit ? (g.chance(0.3) ? `${r.name}（${r.affiliation ?? '個人'}）` : r.name) : null,
    };
  }

  private fill(template: string, vars: Record<string, string>): string {
    return template.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
  }

  product(s: Spec): ImportedCase {
    const g = this.g;
    const vendor = g.weighted(this.vendorWeights);
    const [productName, category] = g.pick(vendor.products);
    const cwe = CWE_BY_ID.get(g.weighted(this.cweProduct))!;
    const family = FAMILY_OF[cwe.id] ?? 'other';
    const major = g.int(1, 9);
    const versions = category === 'embedded'
      ? `ファームウェア Ver.${major}.${String(g.int(0, 9)).padStart(2, '0')} およびそれ以前`
      : g.chance(0.5) ? `${major}.${g.int(0, 12)}.${g.int(0, 20)} およびそれ以前` : `${major}.0.0 から ${major}.${g.int(1, 9)}.${g.int(0, 9)} まで`;
    const title = `${productName} における${cwe.ja}の脆弱性`;
    const where = category === 'embedded' ? `${productName} のウェブ管理画面` : `${productName} `;
    const url = category === 'embedded' ? 'http://192.168.0.1/cgi-bin/setup.cgi' : 'http://localhost/admin/index.php';
    const vars = { where, param: g.pick(SITE_PARAMS), url, cwe: cwe.ja };
    const t = FAMILY_TEXT[family];
    const developer = s.source === 'developer';
    const rep = developer
      ? { data: { name: `${vendor.name} PSIRT`, email: `psirt@${vendor.domain}`, affiliation: vendor.name, anonymous: false }, party: { role: 'reporter' as PartyRole, email: `psirt@${vendor.domain}`, name: `${vendor.name} PSIRT` }, wishCredit: false, creditName: null }
      : this.reporterOf(s);
    const data: Omit<ValidReport, 'kind'> & { advisory?: AdvisoryFields } = {
      reporter: rep.data, source: s.source, consentToShare: developer || g.chance(0.8), wishCredit: rep.wishCredit, creditName: rep.creditName,
      product: { name: productName, versions, vendor: vendor.name, category },
      cwe: cwe.id, summary: title,
      description: (developer ? '自社製品において以下の脆弱性を確認しましたので届け出ます。\n' : '') + this.fill(t.desc, vars) + `\n対象バージョン: ${versions}`,
      reproduction: this.fill(t.repro, vars), impact: t.impact,
      discoveredOn: isoDate(new Date(s.receivedAt.getTime() - g.int(0, 30) * DAY)),
      disclosure: 'none', disclosureDetail: null, encrypted: false,
    };
    const published = s.path.some((p) => p.transition === 'publish' || p.transition === 'publish_unreachable');
    if (published) {
      const unreachable = s.path.some((p) => p.transition === 'publish_unreachable');
      data.advisory = {
        title, summary: `${vendor.name} が提供する ${productName} には、${cwe.ja}の脆弱性が存在します。${unreachable ? '製品開発者と連絡が取れないため、連絡不能案件として公表します。' : ''}`,
        affectedProducts: `${productName} ${versions}`, cvssVector: null, cvss: null,
        solution: unreachable ? '当該製品の使用を停止し、代替製品への移行を検討してください。' : category === 'embedded' ? SOLUTIONS[1] : g.pick([SOLUTIONS[0], SOLUTIONS[2], SOLUTIONS[3]]),
      };
      const cvss = this.cvss(g.pick(t.cvss));
      data.advisory.cvssVector = cvss.vector;
      data.advisory.cvss = cvss;
    }
    for (const e of s.events) if (e.kind === 'alert') e.details.title = `${productName} の脆弱性対策について`;
    const parties: ImportedCase['parties'] = [rep.party];
    const names = new Set(s.path.map((p) => p.transition));
    if (names.has('forward_to_coordinator')) {
      const c = this.orgs.get('jpcert')!;
      parties.push({ role: 'coordinator', organisationId: c.id, name: c.name, email: c.email });
    }
    if (names.has('contact_developer')) {
      const org = vendor.org ? this.orgs.get(vendor.org) : undefined;
      parties.push(org ? { role: 'vendor', organisationId: org.id, name: org.name, email: org.email } : { role: 'vendor', name: vendor.name, email: `${g.pick(['psirt', 'security', 'support'])}@${vendor.domain}` });
    }
    for (const id of s.priority) {
      const org = [...this.orgs.values()].find((o) => o.id === id)!;
      parties.push({ role: 'priority_recipient', organisationId: org.id, name: org.name, email: org.email });
    }
    return { type: PRODUCT, title, data, receivedAt: s.receivedAt, parties, path: s.path, events: s.events, dueAt: s.dueAt ?? null };
  }

  web(s: Spec): ImportedCase {
    const g = this.g;
    const op = g.weighted(this.operatorWeights);
    const host = `${g.pick(op.hosts)}.${op.domain}`;
    const cwe = CWE_BY_ID.get(g.weighted(this.cweWeb))!;
    const family = FAMILY_OF[cwe.id] ?? 'other';
    const param = g.pick(SITE_PARAMS);
    const path = g.pick(SITE_PATHS);
    const url = `https://${host}/${path}`;
    const title = `${host} における${cwe.ja}の脆弱性`;
    const vars = { where: `${url} `, param, url, cwe: cwe.ja };
    const t = FAMILY_TEXT[family];
    const obb = s.source === 'open_bug_bounty';
    const OBB = 'Open Bug Bounty 監視';
    const rep = obb
      ? { data: { name: OBB, email: '', affiliation: 'IPA 脆弱性関連情報届出受付窓口', anonymous: false }, party: { role: 'reporter' as PartyRole, email: null, name: OBB }, wishCredit: false, creditName: null }
      : this.reporterOf(s);
    const data: Omit<ValidReport, 'kind'> = {
      reporter: rep.data, source: s.source, consentToShare: obb ? false : g.chance(0.8), wishCredit: rep.wishCredit, creditName: rep.creditName,
      site: { url, operator: g.chance(0.75) ? op.name : null },
      cwe: cwe.id, summary: title,
      description: (obb ? `Open Bug Bounty に当該サイトの脆弱性情報が掲載されていることを確認しました（掲載日 ${isoDate(s.receivedAt)}）。\n` : '') + this.fill(t.desc, vars),
      reproduction: this.fill(t.repro, vars), impact: t.impact,
      discoveredOn: isoDate(new Date(s.receivedAt.getTime() - (obb ? 0 : g.int(0, 20)) * DAY)),
      disclosure: 'none', disclosureDetail: null, encrypted: false,
    };
    const parties: ImportedCase['parties'] = [rep.party];
    if (s.path.some((p) => p.transition === 'provide_details')) {
      const org = op.org ? this.orgs.get(op.org) : undefined;
      parties.push(org ? { role: 'operator', organisationId: org.id, name: org.name, email: org.email } : { role: 'operator', name: op.name, email: `${g.pick(['webmaster', 'security', 'info'])}@${op.domain}` });
    }
    return { type: WEB, title, data, receivedAt: s.receivedAt, parties, path: s.path, events: s.events, dueAt: s.dueAt ?? null };
  }
}

/** The whole demo history, deterministic for a given set of organisations. */
export function buildDeskHistory(orgs: Map<string, Organisation>, seed = 20210331): ImportedCase[] {
  const g = new Gen(mulberry32(seed));
  const specs = plan(g, orgs);
  const w = new Writer(new Gen(mulberry32(seed ^ 0x5eed)), orgs);
  const list = specs.map((s) => (s.kind === 'product' ? w.product(s) : w.web(s)));
  for (const c of list) {
    // Events in time order within a case (the import keeps the path order).
    c.events?.sort((a, b) => a.at.getTime() - b.at.getTime());
    let prev = c.receivedAt.getTime();
    for (const p of c.path) {
      if (p.at.getTime() <= prev) throw new Error(`demo: path of "${c.title}" is not in time order`);
      prev = p.at.getTime();
    }
  }
  // Reference numbers follow the order of receipt.
  return list.map((c, i) => ({ c, i })).sort((a, b) => a.c.receivedAt.getTime() - b.c.receivedAt.getTime() || a.i - b.i).map((x) => x.c);
}

/** Fills the demo database: accounts, then (once) the report history. Idempotent. */
export async function loadDeskDemo(ctx: AppContext): Promise<void> {
  const orgs = await ensureAccounts(ctx);
  const existing = await ctx.cases.search({ type: PRODUCT }, { limit: 1, withTotal: false });
  if (existing.items.length > 0) return;
  const started = Date.now();
  const list = buildDeskHistory(orgs);
  const n = await ctx.cases.bulkImport(list);
  ctx.log.info({ cases: n, ms: Date.now() - started }, 'vuln-desk demo history loaded');
}
