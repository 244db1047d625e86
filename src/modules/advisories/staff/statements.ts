// Vendor statements (ベンダ情報 / ベンダステータス): what each vendor says about an advisory — affected,
// not affected, fixed, under investigation — with a Japanese/English statement and a URL. Staff write
// them on the advisory's staff page; the public advisory page and the JSON API read them through
// `vendorStatements`.
import { sql } from 'kysely';
import type { Actor, AppContext, Executor } from '../../../platform/context.js';
import { forbidden, notFound, validationFailed, type FieldError } from '../../../platform/http/errors.js';
import type { Text } from '../../../platform/i18n/i18n.js';
import { PERM } from '../service.js';

export const STATEMENT_STATUSES = ['affected', 'not_affected', 'fixed', 'under_investigation'] as const;
export type StatementStatus = (typeof STATEMENT_STATUSES)[number];
export const STATUS_LABEL: Record<StatementStatus, Text> = {
  affected: { ja: '該当製品あり', en: 'Affected' },
  not_affected: { ja: '該当製品なし', en: 'Not affected' },
  fixed: { ja: '対策済み', en: 'Fixed' },
  under_investigation: { ja: '調査中', en: 'Under investigation' },
};

export interface VendorStatement {
  vendorId: number; vendor: string; status: StatementStatus; statement: { ja: string; en: string }; url: string | null; updatedAt: Date;
}
export interface StaffVendorStatement extends VendorStatement { updatedBy: string }

export interface StatementInput { vendorId?: string | number | null; vendorName?: string | null; status?: string; statementJa?: string; statementEn?: string; url?: string | null }

const MAX_TEXT = 20000;
const MAX_NAME = 200;

interface Row { vendor_id: number; vendor: string; status: StatementStatus; statement_ja: string; statement_en: string; url: string | null; updated_at: Date; updated_by: string }

async function rows(db: Executor, advisoryId: string): Promise<Row[]> {
  const r = await sql<Row>`select s.vendor_id, v.name as vendor, s.status, s.statement_ja, s.statement_en, s.url, s.updated_at, s.updated_by
    from advisories_vendor_statements s join advisories_vendors v on v.id = s.vendor_id
    where s.advisory_id = ${advisoryId}::uuid order by v.name, s.vendor_id`.execute(db);
  return r.rows;
}
const toPublic = (r: Row): VendorStatement => ({
  vendorId: Number(r.vendor_id), vendor: r.vendor, status: r.status, statement: { ja: r.statement_ja, en: r.statement_en }, url: r.url, updatedAt: new Date(r.updated_at),
});

/**
 * The vendor statements of one advisory (by its internal uuid), ordered by vendor name. Does not
 * check the advisory's state: callers showing them publicly must only do so for published
 * advisories. `db` may be the root connection or a transaction.
 */
export async function vendorStatements(db: Executor, advisoryId: string): Promise<VendorStatement[]> {
  if (!/^[0-9a-f-]{36}$/i.test(advisoryId)) return [];
  return (await rows(db, advisoryId)).map(toPublic);
}

/** The same with who changed each statement last (staff pages). */
export async function staffStatements(db: Executor, advisoryId: string): Promise<StaffVendorStatement[]> {
  return (await rows(db, advisoryId)).map((r) => ({ ...toPublic(r), updatedBy: r.updated_by }));
}

const err = (field: string, ja: string, en: string): FieldError => ({ field, message: { ja, en } });

export function validateStatement(input: StatementInput): { errors: FieldError[]; vendorId: number | null; vendorName: string; status: StatementStatus; ja: string; en: string; url: string | null } {
  const errors: FieldError[] = [];
  const rawId = String(input.vendorId ?? '').trim();
  const vendorName = String(input.vendorName ?? '').trim();
  let vendorId: number | null = null;
  if (rawId) {
    vendorId = Number(rawId);
    if (!Number.isInteger(vendorId) || vendorId < 1) { errors.push(err('vendorId', 'ベンダの指定が正しくありません。', 'Invalid vendor.')); vendorId = null; }
  } else if (!vendorName) errors.push(err('vendorId', 'ベンダを選ぶか、ベンダ名を入力してください。', 'Choose a vendor or enter a vendor name.'));
  if (vendorName.length > MAX_NAME) errors.push(err('vendorName', `${MAX_NAME} 文字以内で入力してください。`, `At most ${MAX_NAME} characters.`));
  const status = String(input.status ?? '') as StatementStatus;
  if (!STATEMENT_STATUSES.includes(status)) errors.push(err('status', 'ステータスを選んでください。', 'Choose a status.'));
  const ja = String(input.statementJa ?? '').trim(); const en = String(input.statementEn ?? '').trim();
  if (ja.length > MAX_TEXT) errors.push(err('statementJa', `${MAX_TEXT} 文字以内で入力してください。`, `At most ${MAX_TEXT} characters.`));
  if (en.length > MAX_TEXT) errors.push(err('statementEn', `${MAX_TEXT} 文字以内で入力してください。`, `At most ${MAX_TEXT} characters.`));
  const url = String(input.url ?? '').trim() || null;
  if (url) {
    let ok = false; try { ok = ['http:', 'https:'].includes(new URL(url).protocol); } catch { ok = false; }
    if (!ok || url.length > 2000) errors.push(err('url', `URL が正しくありません: ${url.slice(0, 200)}`, `Invalid URL: ${url.slice(0, 200)}`));
  }
  return { errors, vendorId, vendorName, status, ja, en, url };
}

async function advisoryState(trx: Executor, advisoryId: string): Promise<string> {
  const r = await sql<{ state: string }>`select state from advisories where id = ${advisoryId}::uuid for update`.execute(trx);
  if (!r.rows[0]) throw notFound({ ja: '脆弱性対策情報', en: 'advisory' });
  return r.rows[0].state;
}
/** Statements of a published advisory are public: changing them needs the publish permission, as editing the advisory does. */
function needFor(actor: Actor, state: string) {
  if (actor.kind === 'system') return;
  if (!actor.permissions.has(PERM.write)) throw forbidden();
  if ((state === 'published' || state === 'revised') && !actor.permissions.has(PERM.publish)) throw forbidden();
}

/** Adds or replaces the statement of a vendor (chosen by id, or by name: a new name joins the vendor dictionary). */
export async function saveStatement(ctx: AppContext, advisoryId: string, input: StatementInput, actor: Actor): Promise<VendorStatement> {
  const v = validateStatement(input);
  if (v.errors.length) throw validationFailed(v.errors);
  return ctx.db.transaction().execute(async (trx) => {
    const state = await advisoryState(trx, advisoryId);
    needFor(actor, state);
    let vendorId = v.vendorId;
    if (vendorId !== null) {
      const found = await sql<{ id: number }>`select id from advisories_vendors where id = ${vendorId}`.execute(trx);
      if (!found.rows[0]) throw validationFailed([err('vendorId', 'そのベンダは登録されていません。', 'No such vendor.')]);
    } else {
      const key = v.vendorName.toLowerCase();
      await sql`insert into advisories_vendors (name, key) values (${v.vendorName}, ${key}) on conflict (key) do nothing`.execute(trx);
      vendorId = Number((await sql<{ id: number }>`select id from advisories_vendors where key = ${key}`.execute(trx)).rows[0].id);
    }
    const by = actor.userId ?? actor.displayName;
    await sql`insert into advisories_vendor_statements (advisory_id, vendor_id, status, statement_ja, statement_en, url, updated_at, updated_by)
      values (${advisoryId}::uuid, ${vendorId}, ${v.status}, ${v.ja}, ${v.en}, ${v.url}, now(), ${by})
      on conflict (advisory_id, vendor_id) do update set status = excluded.status, statement_ja = excluded.statement_ja, statement_en = excluded.statement_en,
        url = excluded.url, updated_at = excluded.updated_at, updated_by = excluded.updated_by`.execute(trx);
    // A statement is part of the published advisory: clients syncing by modifiedSince must see it.
    await sql`update advisories set updated_at = now() where id = ${advisoryId}::uuid`.execute(trx);
    await ctx.audit.record({ action: 'advisories.statement_saved', actor, subjectType: 'advisory', subjectId: advisoryId, details: { vendorId, status: v.status } }, trx);
    const saved = (await rows(trx, advisoryId)).find((r) => Number(r.vendor_id) === vendorId)!;
    return toPublic(saved);
  });
}

export async function deleteStatement(ctx: AppContext, advisoryId: string, vendorId: number, actor: Actor): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const state = await advisoryState(trx, advisoryId);
    needFor(actor, state);
    const r = await sql`delete from advisories_vendor_statements where advisory_id = ${advisoryId}::uuid and vendor_id = ${vendorId} returning vendor_id`.execute(trx);
    await sql`update advisories set updated_at = now() where id = ${advisoryId}::uuid`.execute(trx);
    if (!r.rows.length) throw notFound({ ja: 'ベンダ情報', en: 'vendor statement' });
    await ctx.audit.record({ action: 'advisories.statement_deleted', actor, subjectType: 'advisory', subjectId: advisoryId, details: { vendorId } }, trx);
  });
}
