// Staff part of the advisory database: the HTML workbench (work queue with CSV export, editor,
// staff view with submit/publish, revisions and diffs) and vendor statements. See
// docs/modules/advisories/staff.md.
import type { AdvisoriesPart } from '../part.js';
import { PERM } from '../service.js';
import { staffMigrations } from './migrations.js';
import { staffRoutes } from './routes.js';

export { vendorStatements, type VendorStatement } from './statements.js';

export const part: AdvisoriesPart = {
  name: 'staff',
  migrations: staffMigrations,
  routes: staffRoutes,
  staffNav: [
    { href: '/staff/advisories', label: { ja: '脆弱性対策情報 作業キュー', en: 'Advisories work queue' }, permission: PERM.write },
    { href: '/staff/advisories/new', label: { ja: '脆弱性対策情報の新規作成', en: 'New advisory' }, permission: PERM.write },
  ],
};
