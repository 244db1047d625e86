// The vulnerability report desk (脆弱性関連情報届出受付・情報セキュリティ早期警戒パートナーシップ).
import { sql } from 'kysely';
import type { ModuleDefinition } from '../../platform/module.js';
import type { AppContext } from '../../platform/context.js';
import type { CaseRecord } from '../../platform/cases/types.js';
import { t, type Lang, type Text } from '../../platform/i18n/i18n.js';
import { PERM, productCaseType, webCaseType } from './case-types.js';
import { createVulnDeskService, transitionHooks, type ValidReport, type VulnDeskService } from './service.js';
import { deskRoutes } from './routes.js';
import { StaffPanel, VendorPanel } from './pages.js';
import { findCwe } from './cwe.js';
import { loadDeskDemo } from './demo.js';
import { deskStatistics, deskTables } from './published-stats.js';

declare module '../../platform/db/database.js' {
  interface Tables {
    vuln_desk_keys: { id: string; public_armored: string; private_armored: string; created_at: Date };
  }
}

const SOURCE_LABEL: Record<string, Text> = {
  finder: { ja: '発見者からの届出', en: 'Finder' },
  developer: { ja: '開発者届', en: 'Developer self-report' },
  open_bug_bounty: { ja: 'Open Bug Bounty 掲載情報の発見', en: 'Found on Open Bug Bounty' },
  staff: { ja: '職員による登録', en: 'Entered by staff' },
};

const DISCLOSURE_LABEL: Record<string, Text> = {
  none: { ja: '公開・他への届出なし', en: 'Not disclosed or reported elsewhere' },
  disclosed: { ja: '既に公開されている', en: 'Already public' },
  reported_elsewhere: { ja: '他の窓口・開発者にも届出済み', en: 'Also reported elsewhere' },
};

function describe(record: CaseRecord, lang: Lang): Array<{ label: Text; value: string; public?: boolean }> {
  const d = record.data as unknown as ValidReport;
  const yes = (b: boolean) => (b ? (lang === 'ja' ? 'はい' : 'Yes') : lang === 'ja' ? 'いいえ' : 'No');
  const rows: Array<{ label: Text; value: string; public?: boolean }> = [];
  rows.push({ label: { ja: '届出の経路', en: 'Source' }, value: t(SOURCE_LABEL[d.source] ?? SOURCE_LABEL.finder, lang) });
  if (d.reporter) rows.push({ label: { ja: '届出者', en: 'Reporter' }, value: `${d.reporter.anonymous ? (lang === 'ja' ? '匿名' : 'Anonymous') : d.reporter.name ?? ''} <${d.reporter.email ?? '-'}>${d.reporter.affiliation ? ` ${d.reporter.affiliation}` : ''}` });
  rows.push({ label: { ja: '連絡先の提供への同意', en: 'Consent to share contact' }, value: yes(!!d.consentToShare) });
  rows.push({ label: { ja: '謝辞掲載の希望', en: 'Credit wished' }, value: d.wishCredit ? `${yes(true)}（${d.creditName ?? ''}）` : yes(false) });
  if (d.product) rows.push({ label: { ja: '対象製品', en: 'Product' }, value: `${d.product.vendor} ${d.product.name} ${d.product.versions}（${d.product.category === 'embedded' ? (lang === 'ja' ? '組込み機器' : 'embedded device') : (lang === 'ja' ? 'ソフトウェア' : 'software')}）`, public: true });
  if (d.site) rows.push({ label: { ja: '対象サイト', en: 'Website' }, value: `${d.site.url}${d.site.operator ? `（${d.site.operator}）` : ''}`, public: true });
  const cwe = d.cwe ? findCwe(d.cwe) : undefined;
  rows.push({ label: { ja: '脆弱性の種類', en: 'Type' }, value: `${d.cwe ?? ''}${cwe ? ` ${lang === 'ja' ? cwe.ja : cwe.en}` : ''}`, public: true });
  rows.push({ label: { ja: '内容', en: 'Description' }, value: d.description ?? '', public: true });
  rows.push({ label: { ja: '再現手順', en: 'Reproduction' }, value: d.reproduction ?? '', public: true });
  if (d.impact) rows.push({ label: { ja: '想定される影響', en: 'Impact' }, value: d.impact, public: true });
  if (d.discoveredOn) rows.push({ label: { ja: '発見日', en: 'Discovered' }, value: d.discoveredOn });
  rows.push({ label: { ja: '他所への公開・届出', en: 'Disclosure' }, value: `${t(DISCLOSURE_LABEL[d.disclosure ?? 'none'] ?? DISCLOSURE_LABEL.none, lang)}${d.disclosureDetail ? `: ${d.disclosureDetail}` : ''}` });
  if (d.encrypted) rows.push({ label: { ja: '暗号化', en: 'Encrypted' }, value: lang === 'ja' ? 'PGP で暗号化されて届出' : 'Submitted PGP-encrypted' });
  return rows;
}

let moduleCtx: AppContext | undefined;
const hooks = transitionHooks(() => {
  if (!moduleCtx) throw new Error('vuln-desk used before the platform started');
  return moduleCtx;
});

function caseTypeCommon() {
  return {
    describe,
    staffPanel: StaffPanel,
    csvColumns: [
      { header: 'source', value: (r: CaseRecord) => (r.data as { source?: string }).source ?? '' },
      { header: 'cwe', value: (r: CaseRecord) => (r.data as { cwe?: string }).cwe ?? '' },
      { header: 'target', value: (r: CaseRecord) => { const d = r.data as unknown as ValidReport; return d.product ? `${d.product.vendor} ${d.product.name} ${d.product.versions}` : d.site?.url ?? ''; } },
    ],
  };
}

export const vulnDeskModule: ModuleDefinition<VulnDeskService> = {
  name: 'vuln-desk',
  title: { ja: '脆弱性関連情報届出受付', en: 'Vulnerability report desk' },
  migrations: [{
    id: 'vuln_desk_001_keys',
    async up(db) {
      await sql`create table vuln_desk_keys (id text primary key, public_armored text not null, private_armored text not null, created_at timestamptz not null default now())`.execute(db);
    },
  }],
  permissions: {
    [PERM.read]: { roles: ['intake_handler', 'coordinator', 'analyst', 'publisher'], description: { ja: '脆弱性届出の閲覧', en: 'Read vulnerability reports' } },
    [PERM.write]: { roles: ['intake_handler', 'coordinator', 'analyst', 'publisher'], description: { ja: '担当・期日・メッセージ', en: 'Assign, set dates, message' } },
    [PERM.triage]: { roles: ['intake_handler', 'coordinator'], description: { ja: '受付・内容確認・JPCERT/CC への送付', en: 'Intake, checking, forwarding' } },
    [PERM.coordinate]: { roles: ['coordinator'], description: { ja: '開発者・運営者との調整', en: 'Coordinate with developers and operators' } },
    [PERM.publish]: { roles: ['publisher'], description: { ja: '公表・注意喚起', en: 'Publish, alerts' } },
    [PERM.close]: { roles: ['intake_handler', 'coordinator'], description: { ja: '終了', en: 'Close cases' } },
    [PERM.priority]: { roles: ['coordinator'], description: { ja: '優先提供', en: 'Priority provision' } },
    [PERM.advisory]: { roles: ['analyst', 'publisher'], description: { ja: '公表情報の作成', en: 'Write advisory fields' } },
  },
  caseTypes: [
    { ...productCaseType({ ...hooks.product, publish_unreachable: hooks.product.publish }), ...caseTypeCommon(), partyPanel: VendorPanel },
    { ...webCaseType(), ...caseTypeCommon() },
  ],
  service(ctx) {
    moduleCtx = ctx;
    return createVulnDeskService(ctx);
  },
  async routes(app, ctx) {
    await deskRoutes(app, ctx, ctx.services.get('vuln-desk') as VulnDeskService);
  },
  statistics: deskStatistics,
  statTables: deskTables,
  demo: loadDeskDemo,
  nav: [
    { href: '/vulnerability-reports', label: { ja: '脆弱性の届出', en: 'Report a vulnerability' } },
    { href: '/vulnerability-reports/statistics', label: { ja: '届出状況', en: 'Statistics' } },
  ],
};
