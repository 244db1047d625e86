// Tables of the consultation desk. Consultations themselves are cases of the kernel's engine
// (type 'consultation'); these hold the desk's own records: the category taxonomy, the knowledge
// base, the partner directory and cooperation log, and the public advisories with revisions.
import { sql } from 'kysely';
import type { Migration } from '../../platform/db/migrator.js';

export interface CategoryRow { key: string; label_ja: string; label_en: string; description: string; active: boolean; sort: number; updated_at: Date }
export interface KbRow { id: string; no: number; kind: 'template' | 'method'; title: string; body: string; category: string | null; keywords: string; active: boolean; updated_at: Date; updated_by: string }
export interface PartnerRow { id: string; name: string; name_en: string; kind: 'council' | 'partner'; is_ipa: boolean; scope: string; scope_en: string; contact: string; url: string | null; joined_on: string; left_on: string | null; created_at: Date }
export interface CooperationRow { id: string; partner_id: string; at: Date; kind: 'provided' | 'received' | 'shared'; subject: string; case_ref: string | null; recorded_by: string; created_at: Date }
export interface AdvisoryRow { id: string; slug: string; category: string | null; created_at: Date; view_count: number }
export interface AdvisoryRevisionRow { id: string; advisory_id: string; revision: number; title: string; body: string; change_note: string; created_at: Date; created_by: string; published_at: Date | null }

declare module '../../platform/db/database.js' {
  interface Tables {
    consultation_categories: CategoryRow;
    consultation_kb: KbRow;
    consultation_partners: PartnerRow;
    consultation_cooperation: CooperationRow;
    consultation_advisories: AdvisoryRow;
    consultation_advisory_revisions: AdvisoryRevisionRow;
  }
}

/** What the knowledge base search matches; must stay the expression of consultation_kb_search. */
export const KB_SEARCH_TEXT = `lower(title || E'\\n' || keywords || E'\\n' || body)`;

/** The initial taxonomy (reference data; staff edit it afterwards at /staff/consultation/categories). */
export const INITIAL_CATEGORIES: Array<[string, string, string]> = [
  ['fake_warning', '偽セキュリティ警告', 'Fake security warnings'],
  ['one_click', 'ワンクリック請求', 'One-click billing fraud'],
  ['suspicious_mail_sms', '不審メール・SMS', 'Suspicious e-mail / SMS'],
  ['iphone_calendar', 'iPhone カレンダー', 'iPhone calendar spam'],
  ['facebook_message', 'Facebook メッセージ', 'Facebook Messenger messages'],
  ['remote_support_scam', '遠隔操作詐欺', 'Remote-support scams'],
  ['sextortion', '性的脅迫メール（sextortion）', 'Sextortion mail'],
  ['unauthorised_login', '不正ログイン', 'Unauthorised login'],
  ['malware_suspected', 'ウイルス感染疑い', 'Suspected malware infection'],
  ['browser_notification', 'ブラウザの通知機能の悪用', 'Browser notification abuse'],
  ['other', 'その他', 'Other'],
];

export const consultationMigrations: Migration[] = [
  {
    id: 'consultation_001_init',
    async up(db) {
      await sql`create table consultation_categories (
        key text primary key check (key ~ '^[a-z][a-z0-9_]{1,39}$'),
        label_ja text not null, label_en text not null, description text not null default '',
        active boolean not null default true, sort int not null default 0, updated_at timestamptz not null default now()
      )`.execute(db);
      await sql`create table consultation_kb (
        id uuid primary key default gen_random_uuid(), no serial unique,
        kind text not null check (kind in ('template', 'method')),
        title text not null, body text not null, category text references consultation_categories(key),
        keywords text not null default '', active boolean not null default true,
        updated_at timestamptz not null default now(), updated_by text not null
      )`.execute(db);
      await sql`create index consultation_kb_search on consultation_kb using gin ((lower(title || E'\\n' || keywords || E'\\n' || body)) gin_trgm_ops)`.execute(db);
      await sql`create table consultation_partners (
        id uuid primary key default gen_random_uuid(), name text not null, name_en text not null default '',
        kind text not null check (kind in ('council', 'partner')), is_ipa boolean not null default false,
        scope text not null default '', scope_en text not null default '', contact text not null default '', url text,
        joined_on date not null, left_on date, created_at timestamptz not null default now(),
        check (left_on is null or left_on >= joined_on)
      )`.execute(db);
      await sql`create unique index consultation_partners_name on consultation_partners (name)`.execute(db);
      await sql`create table consultation_cooperation (
        id uuid primary key default gen_random_uuid(), partner_id uuid not null references consultation_partners(id),
        at timestamptz not null, kind text not null check (kind in ('provided', 'received', 'shared')),
        subject text not null, case_ref text, recorded_by text not null, created_at timestamptz not null default now()
      )`.execute(db);
      await sql`create index consultation_cooperation_at on consultation_cooperation (at)`.execute(db);
      await sql`create table consultation_advisories (
        id uuid primary key default gen_random_uuid(), slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{2,79}$'),
        category text references consultation_categories(key), created_at timestamptz not null default now(),
        view_count bigint not null default 0
      )`.execute(db);
      await sql`create table consultation_advisory_revisions (
        id uuid primary key default gen_random_uuid(), advisory_id uuid not null references consultation_advisories(id),
        revision int not null, title text not null, body text not null, change_note text not null default '',
        created_at timestamptz not null default now(), created_by text not null, published_at timestamptz,
        unique (advisory_id, revision)
      )`.execute(db);
    },
  },
  {
    id: 'consultation_002_categories',
    async up(db) {
      let sort = 0;
      for (const [key, ja, en] of INITIAL_CATEGORIES) {
        sort += 10;
        await sql`insert into consultation_categories (key, label_ja, label_en, sort) values (${key}, ${ja}, ${en}, ${sort}) on conflict do nothing`.execute(db);
      }
    },
  },
];
