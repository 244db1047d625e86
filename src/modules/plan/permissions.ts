// Who may do what with the plan: planning staff edit plans and targets and check entries,
// department staff enter their actuals, approvers approve and finalise the annual report.
export const PERM = {
  read: 'plan.read',
  edit: 'plan.edit',
  enter: 'plan.enter',
  check: 'plan.check',
  approve: 'plan.approve',
  finalise: 'plan.finalise',
} as const;

export const PLAN_PERMISSIONS = {
  [PERM.read]: { roles: ['planner', 'department', 'approver', 'auditor', 'administrator'], description: { ja: '計画・指標・実績の閲覧', en: 'Read plans, KPIs and actuals' } },
  [PERM.edit]: { roles: ['planner'], description: { ja: '計画・目標値・実績記述の編集', en: 'Edit plans, targets and results' } },
  [PERM.enter]: { roles: ['department'], description: { ja: '実績値の入力', en: 'Enter actuals' } },
  [PERM.check]: { roles: ['planner'], description: { ja: '実績値の確認', en: 'Check entered actuals' } },
  [PERM.approve]: { roles: ['approver'], description: { ja: '実績値の承認', en: 'Approve actuals' } },
  [PERM.finalise]: { roles: ['approver'], description: { ja: '業務実績報告書の確定', en: 'Finalise the annual report' } },
};
