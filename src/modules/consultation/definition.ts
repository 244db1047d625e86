// The Information Security Consultation Desk (情報セキュリティ安心相談窓口).
import type { ModuleDefinition } from '../../platform/module.js';
import type { CaseRecord } from '../../platform/cases/types.js';
import { t, type Lang, type Text } from '../../platform/i18n/i18n.js';
import { CHANNELS, DEVICES, NO_CHANNEL_LABEL, PERM, consultationCaseType } from './case-types.js';
import { consultationMigrations, INITIAL_CATEGORIES } from './migrations.js';
import { createConsultationService, type ConsultationData, type ConsultationService } from './service.js';
import { consultationRoutes } from './routes.js';
import { StaffPanel } from './pages.js';
import { loadConsultationDemo } from './demo.js';
import { consultationStatistics, consultationTables } from './stats.js';

/** Category names for case pages (the taxonomy is editable; unknown keys show as themselves). */
let categoryNames = new Map<string, Text>(INITIAL_CATEGORIES.map(([k, ja, en]) => [k, { ja, en }]));

function describe(record: CaseRecord, lang: Lang): Array<{ label: Text; value: string; public?: boolean }> {
  const d = record.data as unknown as ConsultationData;
  const J = lang === 'ja';
  const rows: Array<{ label: Text; value: string; public?: boolean }> = [];
  rows.push({ label: { ja: '受付手段', en: 'Channel' }, value: d.channel ? t(CHANNELS[d.channel], lang) : t(NO_CHANNEL_LABEL, lang) });
  if (d.callSeconds) rows.push({ label: { ja: '通話時間', en: 'Call duration' }, value: `${Math.floor(d.callSeconds / 60)}:${String(d.callSeconds % 60).padStart(2, '0')}` });
  rows.push({ label: { ja: '相談の分類', en: 'Categories' }, value: (d.categories ?? [d.category]).map((k) => t(categoryNames.get(k) ?? { ja: k, en: k }, lang)).join('、'), public: true });
  rows.push({ label: { ja: '機器', en: 'Device' }, value: `${t(DEVICES[d.device] ?? DEVICES.unknown, lang)}${d.os ? `（${d.os}）` : ''}`, public: true });
  rows.push({ label: { ja: '相談内容', en: 'What happened' }, value: d.summary ?? '', public: true });
  rows.push({ label: { ja: '回答・助言', en: 'Advice given' }, value: d.advice ?? '', public: true });
  if (d.kbRefs?.length) rows.push({ label: { ja: '参照したナレッジ', en: 'Knowledge base used' }, value: d.kbRefs.map((n) => `KB-${n}`).join(', ') });
  rows.push({ label: { ja: '金銭被害', en: 'Money lost' }, value: d.financialLoss ? (J ? 'あり' : 'Yes') : (J ? 'なし' : 'No') });
  if (d.referrals?.length) rows.push({ label: { ja: '案内した相談窓口', en: 'Referred to' }, value: d.referrals.map((r) => r.partnerName).join('、'), public: true });
  const c = d.consulter ?? { name: null, email: null, phone: null };
  if (c.name || c.email || c.phone) rows.push({ label: { ja: '相談者の連絡先（個人情報）', en: 'Contact (personal data)' }, value: [c.name, c.phone, c.email].filter(Boolean).join(' / ') });
  return rows;
}

export const consultationModule: ModuleDefinition<ConsultationService> = {
  name: 'consultation',
  title: { ja: '情報セキュリティ安心相談窓口', en: 'Information Security Consultation Desk' },
  migrations: consultationMigrations,
  permissions: {
    [PERM.read]: { roles: ['consultant', 'analyst'], description: { ja: '相談の閲覧（閲覧は監査記録）・ナレッジ検索・連携組織一覧', en: 'Read consultations (audited), search the knowledge base, see partners' } },
    [PERM.write]: { roles: ['consultant'], description: { ja: '相談の記録・案内・回答の更新・メッセージ', en: 'Record consultations, referrals, advice, messages' } },
    [PERM.handle]: { roles: ['consultant'], description: { ja: 'フォローアップ・対応完了・再開', en: 'Follow-ups, closing and reopening consultations' } },
    [PERM.taxonomy]: { roles: ['consultant', 'analyst'], description: { ja: '相談の分類とナレッジの編集', en: 'Edit categories and the knowledge base' } },
    [PERM.partners]: { roles: ['consultant', 'analyst'], description: { ja: '連携組織の登録と連携の記録', en: 'Maintain partners and record cooperation' } },
    [PERM.advisoryWrite]: { roles: ['consultant', 'analyst', 'publisher'], description: { ja: '安心相談窓口だよりの下書き', en: 'Draft advisories' } },
    [PERM.advisoryPublish]: { roles: ['publisher'], description: { ja: '安心相談窓口だよりの公開・改訂の公開', en: 'Publish advisories and revisions' } },
  },
  caseTypes: [{
    ...consultationCaseType(),
    describe,
    staffPanel: (p) => StaffPanel({ record: p.record, lang: p.lang, csrfToken: p.csrfToken, can: p.can }),
    // The kernel's staff CSV: no contact data or free text.
    csvColumns: [
      { header: 'channel', value: (r) => (r.data as { channel?: string | null }).channel ?? '' },
      { header: 'categories', value: (r) => ((r.data as { categories?: string[] }).categories ?? []).join(' ') },
      { header: 'device', value: (r) => (r.data as { device?: string }).device ?? '' },
      { header: 'call_seconds', value: (r) => (r.data as { callSeconds?: number | null }).callSeconds ?? '' },
      { header: 'referrals', value: (r) => ((r.data as { referrals?: unknown[] }).referrals ?? []).length },
    ],
  }],
  service(ctx) {
    const svc = createConsultationService(ctx);
    const refresh = () => svc.categories().then((cs) => { categoryNames = new Map(cs.map((c) => [c.key, { ja: c.label_ja, en: c.label_en }])); }).catch(() => undefined);
    void refresh();
    const save = svc.saveCategory;
    svc.saveCategory = async (input, actor) => { await save(input, actor); await refresh(); };
    return svc;
  },
  async routes(app, ctx) {
    await consultationRoutes(app, ctx, ctx.services.get('consultation') as ConsultationService);
  },
  statistics: consultationStatistics,
  statTables: consultationTables,
  demo: loadConsultationDemo,
  staffNav: [
    { href: '/staff/consultation', label: { ja: '安心相談窓口', en: 'Consultation desk' }, permission: PERM.read },
    { href: '/staff/consultation/advisories', label: { ja: '安心相談窓口だより', en: 'Desk advisories' }, permission: PERM.advisoryWrite },
  ],
  nav: [
    { href: '/consultation', label: { ja: '安心相談窓口', en: 'Consultation desk' } },
  ],
};
