// Demo data of the desk and J-CRAT: accounts, and a deterministic history FY2016–FY2021 whose
// figures for FY2020 (令和2年度) are those of the annual report: 505 items received, 406
// consultations, 102 J-CRAT remote support cases of which 17 on site. The other years are
// illustrative. Everything is fictional (example.jp addresses, invented organisations).
import type { AppContext } from '../../platform/context.js';
import { SYSTEM_ACTOR } from '../../platform/context.js';
import type { ImportedCase } from '../../platform/cases/engine.js';
import { jstMidnight } from '../../platform/i18n/dates.js';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, mulberry32 } from '../../platform/demo.js';
import { ATTACK_TYPES, CONSULTATION, ITEM, JCRAT, SECTORS, type ItemKind } from './case-types.js';
import type { TargetedAttackService } from './service.js';

export interface YearFigures { items: [number, number]; consultations: [number, number]; remote: [number, number]; onsite: [number, number] }

/** Half-yearly figures (H1 Apr–Sep, H2 Oct–Mar). FY2020 sums to the report's 505 / 406 / 102 / 17. */
export const DEMO_FIGURES: Record<number, YearFigures> = {
  2016: { items: [231, 221], consultations: [176, 175], remote: [66, 63], onsite: [16, 15] },
  2017: { items: [240, 238], consultations: [188, 191], remote: [70, 66], onsite: [15, 13] },
  2018: { items: [245, 244], consultations: [193, 196], remote: [58, 56], onsite: [13, 11] },
  2019: { items: [241, 252], consultations: [194, 203], remote: [55, 56], onsite: [11, 10] },
  2020: { items: [248, 257], consultations: [199, 207], remote: [50, 52], onsite: [9, 8] },
  2021: { items: [255, 257], consultations: [205, 209], remote: [49, 49], onsite: [8, 8] },
};
/** J-CRAT requests declined (支援対象外) per half-year: not counted as support. */
const DECLINED_PER_HALF = 4;

export const DEMO_TA_ACCOUNTS = [
  { email: 'ta-desk@mamori.example.jp', displayName: '特別相談 受付', roles: ['consultant'], description: { ja: '特別相談窓口の受付・相談対応（助言）', en: 'Desk consultant: intake, consultations, advice' } },
  { email: 'ta-analyst@mamori.example.jp', displayName: '検体 解析', roles: ['analyst'], description: { ja: '分析担当：解析、インジケータ、検体の取出し、J-CRAT', en: 'Analyst: analysis, indicators, sample release, J-CRAT' } },
  { email: 'jcrat@mamori.example.jp', displayName: 'レスキュー 隊員', roles: ['coordinator'], description: { ja: 'J-CRAT 隊員：支援案件と活動記録', en: 'J-CRAT member: support cases and activity log' } },
] as const;
export const DEMO_TA_ORG = { email: 'ta-org@mamori.example.jp', displayName: 'サンプル重工 情報システム部', orgName: 'サンプル重工業株式会社（デモ）', orgNameEn: 'Sample Heavy Industries (demo)' };

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const EMAIL_SUBJECTS = ['【至急】請求書の送付について', '新型コロナウイルス感染症に関する調査票のご提出のお願い', '取材のお願い', 'Re: 会議資料の件', '東京2020大会 関係者向け説明会のご案内', '見積書送付の件', '講演依頼', '【重要】アカウント確認のお願い', '人事異動のお知らせ', '共同研究のご相談'];
const FILE_NAMES = ['見積書.xlsm', '資料.zip', '調査票.docm', 'invoice.lnk', '議事録.iso', '名簿.xls.exe', '説明資料.pdf.scr', 'update.hta'];
const THREAT_TITLES = ['公開ブログで報告された攻撃グループの C2 ドメイン', '海外ベンダ報告書に記載の標的型攻撃キャンペーン', 'SNS で共有された不審な通信先', '公開リポジトリに掲載されたマルウェアのハッシュ値'];
const ORG_PREFIX = ['みほん', 'サンプル', 'ためし', 'れいじ', 'あかり', 'ひかり', 'こだま', 'すばる'];

type Gen = { rng: () => number; int(lo: number, hi: number): number; pick<T>(l: readonly T[]): T };
function gen(seed: number): Gen {
  const rng = mulberry32(seed);
  return { rng, int: (lo, hi) => lo + Math.floor(rng() * (hi - lo + 1)), pick: (l) => l[Math.floor(rng() * l.length)] };
}

function halves(fy: number): Array<{ from: Date; to: Date }> {
  return [{ from: jstMidnight(fy, 4, 1), to: jstMidnight(fy, 10, 1) }, { from: jstMidnight(fy, 10, 1), to: jstMidnight(fy + 1, 4, 1) }];
}

/** The whole history as ImportedCase records (deterministic). */
export function buildTargetedAttackHistory(): ImportedCase[] {
  const g = gen(20200401);
  const out: ImportedCase[] = [];
  let n = 0;
  for (const [fyStr, f] of Object.entries(DEMO_FIGURES)) {
    const fy = Number(fyStr);
    halves(fy).forEach((h, hi) => {
      const span = h.to.getTime() - h.from.getTime();
      const at = (lo: number, hiMs: number) => new Date(h.from.getTime() + lo + Math.floor(g.rng() * (hiMs - lo)));
      // Items received.
      for (let i = 0; i < f.items[hi]; i++) {
        n++;
        const receivedAt = at(0, span - MIN);
        const r = g.rng();
        const kind: ItemKind = r < 0.62 ? 'email' : r < 0.87 ? 'file' : 'threat_info';
        const title = kind === 'email' ? g.pick(EMAIL_SUBJECTS) : kind === 'file' ? g.pick(FILE_NAMES) : g.pick(THREAT_TITLES);
        const t1 = new Date(receivedAt.getTime() + g.int(1, 48) * HOUR);
        const t2 = new Date(t1.getTime() + g.int(1, 14) * DAY);
        const o = g.rng();
        const path = o < 0.7 ? [{ transition: 'start_analysis', at: t1 }, { transition: 'advise', at: t2 }]
          : o < 0.9 ? [{ transition: 'start_analysis', at: t1 }, { transition: 'close', at: t2, reason: 'analysed' }]
            : [{ transition: 'close', at: t1, reason: o < 0.97 ? 'not_targeted' : 'duplicate' }];
        const email = `user${n}@org${g.int(1, 300)}.example.jp`;
        out.push({
          type: ITEM, title, receivedAt, path,
          data: { kind, channel: g.rng() < 0.8 ? 'web' : 'staff', submitter: { name: null, email, organisation: null }, description: '', sourceUrl: null, files: [], demo: true },
          parties: [{ role: 'reporter', email }],
          events: o < 0.7 ? [{ kind: 'advice', at: t2, details: {} }] : [],
        });
      }
      // Consultations.
      for (let i = 0; i < f.consultations[hi]; i++) {
        n++;
        const receivedAt = at(0, span - MIN);
        const t1 = new Date(receivedAt.getTime() + g.int(1, 24) * HOUR);
        const t2 = new Date(t1.getTime() + g.int(1, 10) * DAY);
        const o = g.rng();
        const path = o < 0.8 ? [{ transition: 'start_handling', at: t1 }, { transition: 'answer', at: t2 }]
          : [{ transition: 'start_handling', at: t1 }, { transition: 'close', at: t2, reason: o < 0.9 ? 'referred_jcrat' : 'out_of_scope' }];
        const email = `soudan${n}@org${g.int(1, 300)}.example.jp`;
        out.push({
          type: CONSULTATION, title: g.pick(['不審メールを開封してしまった', '標的型攻撃の疑いがある通信の相談', '取引先を装ったメールへの対応', '社内端末の不審な挙動について', 'ビジネスメール詐欺の疑い']),
          receivedAt, path,
          data: { channel: 'web', sector: g.pick(Object.keys(SECTORS)), submitter: { name: null, email, organisation: null, phone: null }, description: '', demo: true },
          parties: [{ role: 'reporter', email }],
          events: o < 0.8 ? [{ kind: 'advice', at: t2, details: {} }] : [],
        });
      }
      // J-CRAT: remote support cases, the first `onsite` of them escalated on site; a few declined requests.
      const remote = f.remote[hi];
      const onsite = f.onsite[hi];
      for (let i = 0; i < remote + DECLINED_PER_HALF; i++) {
        n++;
        const declined = i >= remote;
        const receivedAt = at(0, span - 20 * DAY);
        const sector = fy === 2020 && i % 9 === 0 ? 'olympics' : g.pick(Object.keys(SECTORS).filter((s) => s !== 'olympics'));
        const attackType = g.pick(Object.keys(ATTACK_TYPES));
        const org = `${g.pick(ORG_PREFIX)}${SECTORS[sector].ja.replace(/・.*$/, '')}（デモ${n}）`;
        const remoteAt = new Date(receivedAt.getTime() + g.int(1, 48) * HOUR);
        const events: ImportedCase['events'] = [];
        const path: ImportedCase['path'] = [];
        const day = (d: Date) => new Date(d.getTime() + 9 * HOUR).toISOString().slice(0, 10);
        if (declined) {
          path.push({ transition: 'close', at: remoteAt, reason: 'declined' });
        } else {
          path.push({ transition: 'start_remote', at: remoteAt });
          let cursor = remoteAt;
          for (let k = 0; k < g.int(1, 4); k++) {
            events.push({ kind: 'jcrat_activity', at: cursor, details: { date: day(cursor), mode: g.pick(['mail', 'phone', 'web_meeting', 'analysis']), summary: g.pick(['ログの提供を依頼', '感染端末の調査方法を助言', '不審な通信先の遮断を助言', '提供されたログを分析し結果を説明']) } });
            cursor = new Date(cursor.getTime() + g.int(1, 3) * DAY);
          }
          if (i < onsite) {
            const onsiteAt = new Date(remoteAt.getTime() + g.int(2, 10) * DAY);
            path.push({ transition: 'escalate_onsite', at: onsiteAt });
            events.push({ kind: 'jcrat_activity', at: onsiteAt, details: { date: day(onsiteAt), mode: g.pick(['onsite', 'face_to_face']), summary: '現地で被害状況を確認し、対策を助言' } });
          }
          path.push({ transition: 'close', at: new Date(remoteAt.getTime() + g.int(15, 60) * DAY), reason: g.rng() < 0.9 ? 'completed' : 'handed_over' });
        }
        out.push({
          type: JCRAT, title: org, receivedAt, path, events,
          data: { organisationName: org, sector, attackType, origin: g.pick(['request', 'consultation', 'jcrat_discovery', 'referral']), linkedRef: null, requestedOn: day(receivedAt),
            summary: `${ATTACK_TYPES[attackType].ja}による被害の疑い（デモ）`, contact: { name: null, email: null, phone: null }, demo: true },
          parties: [],
        });
      }
    });
  }
  return out.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
}

const DEMO_EML = [
  'From: "Sample Logistics" <billing@sample-logistics.example>',
  'Reply-To: payment-desk@freemail.example',
  'To: keiri@sample-heavy.example.jp',
  'Subject: =?UTF-8?B?44CQ6Iez5oCl44CR6KuL5rGC5pu444Gu6YCB5LuY?=',
  'Date: Tue, 01 Sep 2026 09:12:00 +0900',
  'Message-ID: <demo-1@sample-logistics.example>',
  'X-Mailer: DemoMailer 1.0',
  'Received: from mx.sample-heavy.example.jp by mail.sample-heavy.example.jp; Tue, 01 Sep 2026 09:12:03 +0900',
  'Received: from unknown (HELO relay) (198.51.100.23) by mx.sample-heavy.example.jp; Tue, 01 Sep 2026 09:12:01 +0900',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/html; charset=UTF-8',
  '',
  '<p>請求書をご確認ください: <a href="http://invoice-check.example/dl?id=42">請求書を開く</a></p><script>alert(1)</script>',
  '--b1',
  'Content-Type: application/octet-stream; name="invoice.xlsm"',
  'Content-Disposition: attachment; filename="invoice.xlsm"',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from('demo macro document (harmless bytes)').toString('base64'),
  '--b1--',
  '',
].join('\r\n');

export async function loadTargetedAttackDemo(ctx: AppContext): Promise<void> {
  // Accounts first (idempotent).
  for (const a of DEMO_TA_ACCOUNTS) {
    if (await ctx.auth.findUserByEmail(a.email)) continue;
    await ctx.auth.createUser({ email: a.email, displayName: a.displayName, password: DEMO_PASSWORD, kind: 'staff', roles: [...a.roles], totpSecret: DEMO_TOTP_SECRET });
  }
  let org = (await ctx.auth.listOrganisations({ kind: 'other' })).find((o) => o.name === DEMO_TA_ORG.orgName);
  if (!org) org = await ctx.auth.createOrganisation({ name: DEMO_TA_ORG.orgName, nameEn: DEMO_TA_ORG.orgNameEn, kind: 'other', email: 'security@sample-heavy.example.jp' });
  if (!(await ctx.auth.findUserByEmail(DEMO_TA_ORG.email))) {
    await ctx.auth.createUser({ email: DEMO_TA_ORG.email, displayName: DEMO_TA_ORG.displayName, password: DEMO_PASSWORD, kind: 'org', organisationId: org.id });
  }
  // The history, once.
  if (await ctx.cases.countReceived(ITEM, null, new Date(Date.UTC(2100, 0, 1))) > 0) return;
  await ctx.cases.bulkImport(buildTargetedAttackHistory());
  // A few live items with real material (received now), to show parsing, quarantine and indicators.
  const svc = ctx.services.get('targeted-attack') as TargetedAttackService;
  await svc.submitItem({ kind: 'email', submitterEmail: 'keiri@sample-heavy.example.jp', submitterOrganisation: DEMO_TA_ORG.orgName, description: '経理部宛に届いた請求書を装うメール。添付は開いていません。' },
    { actor: SYSTEM_ACTOR, files: [{ field: 'eml', filename: 'suspicious.eml', contentType: 'message/rfc822', data: Buffer.from(DEMO_EML) }] });
  await svc.submitItem({ kind: 'file', submitterEmail: 'soc@sample-heavy.example.jp', description: '端末で検知された不審ファイル（デモ用の無害なデータ）' },
    { actor: SYSTEM_ACTOR, files: [{ field: 'sample', filename: 'update.hta', contentType: 'application/hta', data: Buffer.from('<!-- harmless demo sample for Mamori -->\n') }] });
  await svc.submitItem({ kind: 'threat_info', submitterEmail: 'cti@sample-heavy.example.jp', title: '公開レポート記載の C2 通信先', sourceUrl: 'hxxps://blog.security-vendor[.]example/apt-report',
    description: 'C2: update-check[.]example, 203.0.113[.]77\nSHA-256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }, { actor: SYSTEM_ACTOR });
}
