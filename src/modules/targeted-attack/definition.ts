// 標的型サイバー攻撃の特別相談窓口 and サイバーレスキュー隊（J-CRAT）: items received (suspicious
// e-mails, files, public threat information), consultations, J-CRAT support cases, quarantine of
// samples, indicators for threat sharing, and the half-yearly statistics.
import { sql } from 'kysely';
import { h, type VNode } from 'preact';
import type { ModuleDefinition } from '../../platform/module.js';
import type { CaseRecord, CaseTypeDefinition } from '../../platform/cases/types.js';
import { t, type Lang, type Text } from '../../platform/i18n/i18n.js';
import { ATTACK_TYPES, ITEM, ITEM_KIND_LABEL, PERM, SECTORS, consultationCaseType, itemCaseType, jcratCaseType, type ItemKind } from './case-types.js';
import { createTargetedAttackService, type TargetedAttackService } from './service.js';
import { taRoutes } from './routes.js';
import { taStatistics, taTables } from './published-stats.js';
import { loadTargetedAttackDemo } from './demo.js';

type Row = { label: Text; value: string; public?: boolean };

const CHANNEL: Record<string, Text> = {
  web: { ja: 'ウェブフォーム', en: 'Web form' }, api: { ja: 'API', en: 'API' }, org: { ja: '組織アカウント', en: 'Organisation account' }, staff: { ja: '職員による登録', en: 'Entered by staff' },
};

function describe(record: CaseRecord, lang: Lang): Row[] {
  const d = record.data as Record<string, any>;
  const rows: Row[] = [];
  const sub = d.submitter as { name?: string | null; email?: string | null; organisation?: string | null; phone?: string | null } | undefined;
  if (record.type === ITEM) rows.push({ label: { ja: '情報の種類', en: 'Kind' }, value: t(ITEM_KIND_LABEL[d.kind as ItemKind] ?? { ja: String(d.kind), en: String(d.kind) }, lang), public: true });
  if (d.channel) rows.push({ label: { ja: '受付経路', en: 'Channel' }, value: t(CHANNEL[d.channel] ?? CHANNEL.web, lang) });
  if (sub) rows.push({ label: { ja: '提供者', en: 'Submitted by' }, value: [sub.name, sub.email ? `<${sub.email}>` : null, sub.organisation, sub.phone].filter(Boolean).join(' ') || (lang === 'ja' ? '（削除済み）' : '(removed)') });
  if (d.sector && SECTORS[d.sector]) rows.push({ label: { ja: '業種', en: 'Sector' }, value: t(SECTORS[d.sector], lang) });
  if (d.organisationName) rows.push({ label: { ja: '支援対象組織', en: 'Supported organisation' }, value: d.organisationName, public: true });
  if (d.attackType && ATTACK_TYPES[d.attackType]) rows.push({ label: { ja: '攻撃の種類', en: 'Attack type' }, value: t(ATTACK_TYPES[d.attackType], lang), public: true });
  if (d.contact) rows.push({ label: { ja: '窓口担当者', en: 'Contact' }, value: [d.contact.name, d.contact.email, d.contact.phone].filter(Boolean).join(' ') || '—' });
  if (d.requestedOn) rows.push({ label: { ja: '支援要請日', en: 'Requested on' }, value: d.requestedOn });
  if (d.linkedRef) rows.push({ label: { ja: '関連する受付番号', en: 'Related reference' }, value: d.linkedRef });
  if (d.sourceUrl) rows.push({ label: { ja: '出典 URL', en: 'Source URL' }, value: String(d.sourceUrl).replace(/^http/i, 'hxxp').replace(/\./g, '[.]') });
  if (d.description) rows.push({ label: { ja: '内容', en: 'Description' }, value: d.description, public: true });
  if (d.summary) rows.push({ label: { ja: '概要', en: 'Summary' }, value: d.summary, public: true });
  if (Array.isArray(d.files) && d.files.length) rows.push({ label: { ja: '隔離保管中のファイル', en: 'Files in quarantine' }, value: d.files.map((f: { filename: string; sha256: string }) => `${f.filename} (SHA-256 ${f.sha256})`).join('\n') });
  return rows;
}

/** On the kernel's case page: a link to the desk's own page (e-mail analysis, quarantine, indicators, activity log). */
function staffPanel(props: { record: CaseRecord; lang: Lang }): VNode {
  return h('section', { 'aria-labelledby': 'h-ta' },
    h('h2', { id: 'h-ta' }, props.lang === 'ja' ? '特別相談窓口・J-CRAT' : 'Targeted-attack desk'),
    h('p', null, h('a', { href: `/staff/targeted-attack/cases/${props.record.ref}` },
      props.lang === 'ja' ? '解析結果・隔離ファイル・インジケータ・分析メモ・活動記録を開く' : 'Open the analysis, quarantined files, indicators, notes and activity log'))) as VNode;
}

const withUi = (def: CaseTypeDefinition): CaseTypeDefinition => ({
  ...def, describe, staffPanel,
  csvColumns: [
    { header: 'kind', value: (r) => String((r.data as { kind?: string }).kind ?? '') },
    { header: 'channel', value: (r) => String((r.data as { channel?: string }).channel ?? '') },
    { header: 'sector', value: (r) => String((r.data as { sector?: string }).sector ?? '') },
    { header: 'attack_type', value: (r) => String((r.data as { attackType?: string }).attackType ?? '') },
  ],
});

const ALL_DESK = ['intake_handler', 'analyst', 'coordinator', 'consultant'];

export const targetedAttackModule: ModuleDefinition<TargetedAttackService> = {
  name: 'targeted-attack',
  title: { ja: '標的型サイバー攻撃の特別相談窓口・J-CRAT', en: 'Targeted-attack consultation desk and J-CRAT' },
  migrations: [{
    id: 'targeted_attack_001_quarantine_indicators',
    async up(db) {
      await sql`create table targeted_attack_artifacts (
        id uuid primary key,
        case_id uuid not null references cases(id),
        kind text not null check (kind in ('eml', 'sample')),
        file_id uuid not null references files(id),
        filename text not null,
        size integer not null,
        md5 text not null, sha1 text not null, sha256 text not null,
        declared_type text not null,
        created_at timestamptz not null default now()
      )`.execute(db);
      await sql`create index targeted_attack_artifacts_case on targeted_attack_artifacts (case_id)`.execute(db);
      await sql`create index targeted_attack_artifacts_sha256 on targeted_attack_artifacts (sha256)`.execute(db);
      await sql`create table targeted_attack_indicators (
        id uuid primary key,
        case_id uuid not null references cases(id),
        type text not null check (type in ('ipv4', 'ipv6', 'domain', 'url', 'email', 'md5', 'sha1', 'sha256')),
        value text not null,
        source text not null,
        created_at timestamptz not null default now(),
        unique (case_id, type, value)
      )`.execute(db);
      await sql`create index targeted_attack_indicators_value on targeted_attack_indicators (type, value)`.execute(db);
      await sql`create index targeted_attack_indicators_created on targeted_attack_indicators (created_at desc)`.execute(db);
    },
  }],
  permissions: {
    [PERM.read]: { roles: ALL_DESK, description: { ja: '特別相談窓口の受領情報・相談の閲覧', en: 'Read desk items and consultations' } },
    [PERM.write]: { roles: ALL_DESK, description: { ja: '担当・期日・メッセージ', en: 'Assign, set dates, message' } },
    [PERM.triage]: { roles: ['intake_handler', 'analyst', 'consultant'], description: { ja: '受付・解析開始・終了、郵送等で受けた情報の登録', en: 'Intake, start analysis, close; register items received by other channels' } },
    [PERM.analyse]: { roles: ['analyst'], description: { ja: '分析メモ・インジケータ', en: 'Analysis notes and indicators' } },
    [PERM.advise]: { roles: ['analyst', 'consultant'], description: { ja: '助言・回答', en: 'Advice and answers' } },
    [PERM.sample]: { roles: ['analyst'], description: { ja: '検体の取出し（パスワード付き ZIP）', en: 'Release samples from quarantine (password-protected ZIP)' } },
    [PERM.jcratRead]: { roles: ['coordinator', 'analyst'], description: { ja: 'J-CRAT 支援案件の閲覧', en: 'Read J-CRAT support cases' } },
    [PERM.jcrat]: { roles: ['coordinator', 'analyst'], description: { ja: 'J-CRAT 支援の登録・活動記録・状態変更', en: 'J-CRAT support: create, log activities, change state' } },
    [PERM.stats]: { roles: [...ALL_DESK, 'planner', 'auditor'], description: { ja: '特別相談窓口・J-CRAT の統計', en: 'Desk and J-CRAT statistics' } },
  },
  caseTypes: [withUi(itemCaseType()), withUi(consultationCaseType()), withUi(jcratCaseType())],
  service: (ctx) => createTargetedAttackService(ctx),
  async routes(app, ctx) {
    await taRoutes(app, ctx, ctx.services.get('targeted-attack') as TargetedAttackService);
  },
  statistics: taStatistics,
  statTables: taTables,
  demo: loadTargetedAttackDemo,
  staffNav: [
    { href: '/staff/targeted-attack', label: { ja: '特別相談窓口・J-CRAT', en: 'Targeted-attack desk and J-CRAT' }, permission: PERM.read },
    { href: '/staff/targeted-attack/statistics', label: { ja: '特別相談窓口・J-CRAT 統計', en: 'Desk and J-CRAT statistics' }, permission: PERM.stats },
  ],
  nav: [
    { href: '/targeted-attack', label: { ja: '標的型攻撃の相談', en: 'Targeted attacks' } },
  ],
};

