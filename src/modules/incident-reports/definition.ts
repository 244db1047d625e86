// The computer virus and unauthorised access report desk (コンピュータウイルス・不正アクセス届出),
// run under the METI notices: intake, review with follow-up hearings and classification, requests
// for reports after public disclosures, half-yearly case write-ups and the yearly statistics.
import { sql } from 'kysely';
import type { ModuleDefinition } from '../../platform/module.js';
import type { CaseRecord } from '../../platform/cases/types.js';
import { PERM, unauthorizedCaseType, virusCaseType } from './case-types.js';
import { createIncidentReportsService, transitionHooks, type IncidentReportsService } from './service.js';
import { incidentRoutes } from './routes.js';
import { StaffPanel, describe } from './pages.js';
import { loadIncidentDemo } from './demo.js';
import { incidentStatistics, incidentTables } from './published-stats.js';
import type { IncidentData } from './validate.js';

const hooks = transitionHooks();
const common = {
  describe,
  staffPanel: StaffPanel,
  csvColumns: [
    { header: 'channel', value: (r: CaseRecord) => (r.data as unknown as IncidentData).channel ?? '' },
    { header: 'reporter_type', value: (r: CaseRecord) => (r.data as unknown as IncidentData).reporterType ?? '' },
    { header: 'sector', value: (r: CaseRecord) => (r.data as unknown as IncidentData).sector ?? '' },
    { header: 'damaged', value: (r: CaseRecord) => ((r.data as unknown as IncidentData).damaged ? 'yes' : 'no') },
    { header: 'damage_types', value: (r: CaseRecord) => ((r.data as unknown as IncidentData).damageTypes ?? []).join(' ') },
    { header: 'routes_or_methods', value: (r: CaseRecord) => { const d = r.data as unknown as IncidentData; return (d.detectionRoutes ?? d.attackMethods ?? []).join(' '); } },
    { header: 'classification', value: (r: CaseRecord) => (r.data as unknown as IncidentData).classification?.code ?? '' },
  ],
};

const readers = ['intake_handler', 'analyst', 'publisher'];

export const incidentReportsModule: ModuleDefinition<IncidentReportsService> = {
  name: 'incident-reports',
  title: { ja: 'コンピュータウイルス・不正アクセス届出', en: 'Computer virus and unauthorised access reports' },
  migrations: [{
    id: 'incident_reports_001_tables',
    async up(db) {
      await sql`create table incident_report_requests (
        id uuid primary key default gen_random_uuid(),
        organisation_name text not null, sector text, kind text not null check (kind in ('virus', 'unauthorized')),
        disclosure_url text not null,
        disclosed_on text not null check (disclosed_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
        requested_on text check (requested_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
        status text not null check (status in ('planned', 'requested', 'reported', 'declined', 'no_response')),
        note text, case_id uuid references cases(id), created_by uuid,
        created_at timestamptz not null default now(), updated_at timestamptz not null default now())`.execute(db);
      await sql`create index incident_report_requests_disclosed on incident_report_requests (disclosed_on desc)`.execute(db);
      await sql`create table incident_case_studies (
        id uuid primary key default gen_random_uuid(),
        half text not null check (half ~ '^[0-9]{4}-H[12]$'), kind text not null check (kind in ('virus', 'unauthorized')),
        title_ja text not null, title_en text not null, body_ja text not null, body_en text not null,
        source_refs text[] not null default '{}',
        state text not null check (state in ('draft', 'reviewed', 'published')),
        authored_by text not null, authored_by_name text not null, reviewed_by text, reviewed_by_name text,
        published_at timestamptz, created_at timestamptz not null default now(), updated_at timestamptz not null default now())`.execute(db);
      await sql`create index incident_case_studies_half on incident_case_studies (half desc)`.execute(db);
    },
  }],
  permissions: {
    [PERM.read]: { roles: readers, description: { ja: 'ウイルス・不正アクセス届出の閲覧', en: 'Read virus and unauthorised access reports' } },
    [PERM.write]: { roles: readers, description: { ja: '担当・期日・メッセージ', en: 'Assign, set dates, message' } },
    [PERM.intake]: { roles: ['intake_handler'], description: { ja: 'メール・書面で受けた届出の登録', en: 'Enter reports received by e-mail or on paper' } },
    [PERM.handle]: { roles: ['intake_handler', 'analyst'], description: { ja: '内容確認・追加ヒアリング・分類・終了', en: 'Review, follow-up hearings, classification, closure' } },
    [PERM.requests]: { roles: ['intake_handler', 'analyst'], description: { ja: '情報公開を契機とした届出依頼の記録', en: 'Requests for reports after public disclosures' } },
    [PERM.author]: { roles: ['analyst', 'publisher'], description: { ja: '届出事例の作成', en: 'Write case write-ups' } },
    [PERM.publish]: { roles: ['publisher'], description: { ja: '届出事例のレビュー・公開', en: 'Review and publish case write-ups' } },
  },
  caseTypes: [
    { ...virusCaseType(hooks), ...common },
    { ...unauthorizedCaseType(hooks), ...common },
  ],
  service: (ctx) => createIncidentReportsService(ctx),
  async routes(app, ctx) {
    await incidentRoutes(app, ctx, ctx.services.get('incident-reports') as IncidentReportsService);
  },
  statistics: incidentStatistics,
  statTables: incidentTables,
  demo: loadIncidentDemo,
  staffNav: [
    { href: '/staff/cases?type=incident.virus', label: { ja: 'ウイルス届出', en: 'Virus reports' }, permission: PERM.read },
    { href: '/staff/cases?type=incident.unauthorized', label: { ja: '不正アクセス届出', en: 'Unauthorised access reports' }, permission: PERM.read },
    { href: '/staff/incident-reports/new/virus', label: { ja: 'ウイルス届出の登録（メール・書面）', en: 'Enter a virus report (e-mail, paper)' }, permission: PERM.intake },
    { href: '/staff/incident-reports/new/unauthorized', label: { ja: '不正アクセス届出の登録（メール・書面）', en: 'Enter an unauthorised access report (e-mail, paper)' }, permission: PERM.intake },
    { href: '/staff/incident-reports/requests', label: { ja: '届出依頼（情報公開契機）', en: 'Report requests after disclosures' }, permission: PERM.requests },
    { href: '/staff/incident-reports/studies', label: { ja: '届出事例', en: 'Case write-ups' }, permission: PERM.read },
  ],
  nav: [
    { href: '/incident-reports', label: { ja: 'ウイルス・不正アクセスの届出', en: 'Report a virus or intrusion' } },
  ],
};
