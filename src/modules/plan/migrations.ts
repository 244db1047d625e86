// Tables of the plan module, and the fourth mid-term period (FY2018–FY2022) as the report prints it.
// The plan, its KPI tables and the FY2020 results are reference data of the agency, not demo data,
// so they are loaded by a migration: every installation starts with them, and a later correction
// is a new migration (visible in history) rather than an edit.
import { sql, type Generated, type Kysely } from 'kysely';
import type { Migration } from '../../platform/db/migrator.js';
import { FOURTH_PERIOD } from './data/period.js';
import { PLAN_NODES } from './data/plan-tree.js';
import { KPIS } from './data/kpis.js';
import { RESULTS } from './data/results.js';
import type { KpiSeed, PlanNodeSeed, PlanPeriodSeed, ResultSeed } from './types.js';

declare module '../../platform/db/database.js' {
  interface Tables {
    plan_periods: { code: string; name_ja: string; name_en: string | null; first_fy: number; last_fy: number };
    plan_nodes: { code: string; period: string; parent: string | null; kind: string; label: string; title_ja: string; title_en: string | null; text_ja: string | null; text_en: string | null; sort: number; seed_line: number | null; updated_at: Generated<Date>; updated_by: string | null };
    plan_kpis: { code: string; period: string; node: string; sort: number; spec: KpiSeed; updated_at: Generated<Date>; updated_by: string | null };
    plan_kpi_cells: { kpi: string; fiscal_year: number; kind: 'target' | 'actual'; cell: unknown; origin: string; updated_at: Generated<Date>; updated_by: string | null };
    plan_actual_entries: {
      id: Generated<string>; kpi: string; fiscal_year: number; figures: unknown; as_of: string; note: Generated<string>; evidence: Generated<unknown>; state: string;
      entered_by: string; entered_by_name: string; entered_at: Generated<Date>; checked_by: Generated<string | null>; checked_at: Generated<Date | null>;
      approved_by: Generated<string | null>; approved_at: Generated<Date | null>; rejected_by: Generated<string | null>; rejected_at: Generated<Date | null>; reason: Generated<string | null>;
    };
    plan_results: { id: string; node: string; fiscal_year: number; text_ja: string; text_en: string | null; department: string | null; statistics: unknown; status: string; sort: number; seed_line: number | null; updated_at: Generated<Date>; updated_by: string | null };
    plan_reports: { fiscal_year: number; revision: number; model: unknown; changes: unknown; finalised_at: Generated<Date>; finalised_by: string; finalised_by_name: string };
  }
}

const json = (v: unknown) => JSON.stringify(v) as never;

export async function insertPeriod(db: Kysely<any>, p: PlanPeriodSeed): Promise<void> {
  await db.insertInto('plan_periods').values({ code: p.code, name_ja: p.name.ja, name_en: p.name.en ?? null, first_fy: p.firstFy, last_fy: p.lastFy }).execute();
}

export async function insertNodes(db: Kysely<any>, period: string, nodes: PlanNodeSeed[]): Promise<void> {
  const rows = nodes.map((n, i) => ({
    code: n.code, period, parent: n.parent, kind: n.kind, label: n.label, title_ja: n.title.ja, title_en: n.title.en ?? null,
    text_ja: n.text?.ja ?? null, text_en: n.text?.en ?? null, sort: i, seed_line: n.seedLine,
  }));
  for (let i = 0; i < rows.length; i += 200) await db.insertInto('plan_nodes').values(rows.slice(i, i + 200)).execute();
}

export async function insertKpis(db: Kysely<any>, period: string, kpis: KpiSeed[], sortBase = 0): Promise<void> {
  for (const [i, k] of kpis.entries()) {
    await db.insertInto('plan_kpis').values({ code: k.code, period, node: k.node, sort: sortBase + i, spec: json(k) }).execute();
    const cells = Object.entries(k.years).flatMap(([fy, y]) => (['target', 'actual'] as const)
      .filter((kind) => y[kind])
      .map((kind) => ({ kpi: k.code, fiscal_year: Number(fy), kind, cell: json(y[kind]), origin: kind === 'target' ? 'plan' : 'historical' })));
    if (cells.length) await db.insertInto('plan_kpi_cells').values(cells).execute();
  }
}

export async function insertResults(db: Kysely<any>, results: ResultSeed[]): Promise<void> {
  const rows = results.map((r, i) => ({
    id: sql`gen_random_uuid()` as never, node: r.node, fiscal_year: r.fiscalYear, text_ja: r.text.ja, text_en: r.text.en ?? null,
    department: r.department ?? null, statistics: json(r.statistics ?? []), status: r.status, sort: i, seed_line: r.seedLine,
  }));
  for (let i = 0; i < rows.length; i += 200) await db.insertInto('plan_results').values(rows.slice(i, i + 200)).execute();
}

export const planMigrations: Migration[] = [
  {
    id: 'plan_001_tables',
    async up(db) {
      await sql`create table plan_periods (code text primary key, name_ja text not null, name_en text, first_fy int not null, last_fy int not null, check (last_fy >= first_fy))`.execute(db);
      await sql`create table plan_nodes (
        code text primary key, period text not null references plan_periods(code), parent text references plan_nodes(code),
        kind text not null, label text not null, title_ja text not null, title_en text, text_ja text, text_en text,
        sort int not null, seed_line int, updated_at timestamptz not null default now(), updated_by text)`.execute(db);
      await sql`create index plan_nodes_parent on plan_nodes (parent, sort)`.execute(db);
      await sql`create table plan_kpis (
        code text primary key, period text not null references plan_periods(code), node text not null references plan_nodes(code),
        sort int not null, spec jsonb not null, updated_at timestamptz not null default now(), updated_by text)`.execute(db);
      await sql`create table plan_kpi_cells (
        kpi text not null references plan_kpis(code), fiscal_year int not null, kind text not null check (kind in ('target', 'actual')),
        cell jsonb not null, origin text not null, updated_at timestamptz not null default now(), updated_by text,
        primary key (kpi, fiscal_year, kind))`.execute(db);
      await sql`create table plan_actual_entries (
        id uuid primary key default gen_random_uuid(), kpi text not null references plan_kpis(code), fiscal_year int not null,
        figures jsonb not null, as_of text not null check (as_of ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'), note text not null default '', evidence jsonb not null default '[]',
        state text not null check (state in ('entered', 'checked', 'approved', 'rejected')),
        entered_by text not null, entered_by_name text not null, entered_at timestamptz not null default now(),
        checked_by text, checked_at timestamptz, approved_by text, approved_at timestamptz,
        rejected_by text, rejected_at timestamptz, reason text)`.execute(db);
      await sql`create index plan_actual_entries_kpi on plan_actual_entries (kpi, fiscal_year, entered_at desc)`.execute(db);
      await sql`create table plan_results (
        id uuid primary key, node text not null references plan_nodes(code), fiscal_year int not null,
        text_ja text not null, text_en text, department text, statistics jsonb not null default '[]',
        status text not null, sort int not null, seed_line int, updated_at timestamptz not null default now(), updated_by text)`.execute(db);
      await sql`create index plan_results_year on plan_results (fiscal_year, node, sort)`.execute(db);
      // A finalised report edition never changes: corrections are new revisions.
      await sql`create table plan_reports (
        fiscal_year int not null, revision int not null, model jsonb not null, changes jsonb not null default '[]',
        finalised_at timestamptz not null default now(), finalised_by text not null, finalised_by_name text not null,
        primary key (fiscal_year, revision))`.execute(db);
      await sql`create function plan_reports_immutable() returns trigger language plpgsql as $$
        begin
          raise exception 'a finalised report is immutable: % is not allowed', tg_op using errcode = 'insufficient_privilege';
        end
        $$`.execute(db);
      await sql`create trigger plan_reports_no_change before update or delete on plan_reports
        for each row execute function plan_reports_immutable()`.execute(db);
    },
  },
  {
    id: 'plan_002_fourth_period',
    async up(db) {
      await insertPeriod(db, FOURTH_PERIOD);
      await insertNodes(db, FOURTH_PERIOD.code, PLAN_NODES);
      await insertKpis(db, FOURTH_PERIOD.code, KPIS);
      await insertResults(db, RESULTS);
    },
  },
];
