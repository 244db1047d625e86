// Demo data of the plan module: the planning, department and approver accounts, a reference
// indicator bound to a live module statistic, and one manual actual waiting for its check, so that
// the whole workflow can be tried. The plan and the report's KPI tables themselves are not demo
// data: a migration loads them on every installation.
import type { AppContext } from '../../platform/context.js';
import { SYSTEM_ACTOR } from '../../platform/context.js';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../platform/demo.js';
import type { Text } from '../../platform/i18n/i18n.js';
import type { KpiSeed } from './types.js';
import { insertKpis } from './migrations.js';

export const PLAN_DEMO_ACCOUNTS: Array<{ email: string; displayName: string; roles: string[]; description: Text }> = [
  { email: 'planner@mamori.example.jp', displayName: '企画 洋平', roles: ['planner'], description: { ja: '企画担当：計画・目標値の編集、実績入力の確認、実績記述', en: 'Planning staff: edits plans and targets, checks entered actuals' } },
  { email: 'department@mamori.example.jp', displayName: '部門 由紀', roles: ['department'], description: { ja: '部門担当：担当指標の実績値を根拠資料とともに入力', en: 'Department staff: enters actuals with evidence' } },
  { email: 'approver@mamori.example.jp', displayName: '承認 剛', roles: ['approver'], description: { ja: '承認者：実績値の承認、業務実績報告書の確定', en: 'Approver: approves actuals, finalises the annual report' } },
];

/** A monitoring indicator (参考指標) computed live from the vulnerability report desk. */
export const REFERENCE_KPI: KpiSeed = {
  code: 'I/1/ref-届出受付', node: 'I/1', symbol: '参考', reference: true,
  name: { ja: '脆弱性関連情報の届出受付件数', en: 'Vulnerability reports received' },
  statement: { ja: '脆弱性関連情報届出受付制度における年度内の届出受付件数（ソフトウエア製品及びウェブサイト）。', en: 'Vulnerability reports received in the fiscal year (software products and websites).' },
  direction: 'higher',
  measures: [{ key: 'primary', name: { ja: '受付件数', en: 'Reports received' }, unit: '件', format: 'number' }],
  years: {},
  source: { kind: 'statistic', statistic: 'vuln-desk.received', aggregate: 'period' },
  accumulation: 'period',
  notes: [{ kind: 'note', text: { ja: '報告書の指標表にはない参考指標です。届出受付モジュールの統計から自動計算されます。', en: 'Not one of the report\'s KPI tables: a reference indicator computed from the desk\'s statistics.' } }],
  seedLines: [361, 375],
};

export async function loadPlanDemo(ctx: AppContext): Promise<void> {
  for (const a of PLAN_DEMO_ACCOUNTS) {
    if (await ctx.auth.findUserByEmail(a.email)) continue;
    await ctx.auth.createUser({ email: a.email, displayName: a.displayName, password: DEMO_PASSWORD, kind: 'staff', roles: a.roles, totpSecret: DEMO_TOTP_SECRET });
  }
  const exists = await ctx.db.selectFrom('plan_kpis').select('code').where('code', '=', REFERENCE_KPI.code).executeTakeFirst();
  if (exists || !ctx.stats.get('vuln-desk.received')) return;
  const { max } = await ctx.db.selectFrom('plan_kpis').select((eb) => eb.fn.max('sort').as('max')).executeTakeFirstOrThrow();
  await insertKpis(ctx.db, 'P4', [REFERENCE_KPI], Number(max ?? 0) + 1);
  await ctx.audit.record({ action: 'plan.demo_load', actor: SYSTEM_ACTOR, subjectType: 'plan_kpi', subjectId: REFERENCE_KPI.code });
}
