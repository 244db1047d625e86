// Retention of personal data in cases. A case type may declare how long personal data is kept
// after the case is closed (CaseTypeDefinition.retention); a daily job then removes the listed data
// keys and the names and addresses of account-less parties. The case, its state and history and its
// other data stay, so every statistic computed from them survives the purge.
import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import { SYSTEM_ACTOR } from '../context.js';
import type { Migration } from '../db/migrator.js';
import type { CaseTypeDefinition } from './types.js';

declare module '../db/database.js' {
  interface Tables {
    cases_retention: { case_id: string; purged_at: Date; keys: string[] };
  }
}

export const retentionMigrations: Migration[] = [{
  id: 'kernel_cases_retention_001',
  async up(db) {
    // A side table rather than a column, so that the hot `cases` rows stay as they are.
    await sql`create table cases_retention (case_id uuid primary key references cases(id), purged_at timestamptz not null, keys text[] not null)`.execute(db);
  },
}];

/** Removes a dotted path ('reporter.email') from a JSON object; returns whether something was removed. */
export function removePath(data: Record<string, unknown>, path: string): boolean {
  const parts = path.split('.');
  let node: unknown = data;
  for (const p of parts.slice(0, -1)) {
    if (!node || typeof node !== 'object') return false;
    node = (node as Record<string, unknown>)[p];
  }
  const last = parts[parts.length - 1];
  if (!node || typeof node !== 'object' || !(last in (node as object))) return false;
  delete (node as Record<string, unknown>)[last];
  return true;
}

const BATCH = 200;

/** Purges personal data of cases closed longer ago than their type's retention period; returns the number of cases purged. */
export async function purgeExpiredPersonalData(ctx: AppContext, types: CaseTypeDefinition[], now = new Date()): Promise<number> {
  let total = 0;
  for (const def of types) {
    if (!def.retention) continue;
    const { days, personalKeys } = def.retention;
    const retention = def.retention;
    const cutoff = new Date(now.getTime() - days * 86_400_000);
    for (;;) {
      const done = await ctx.db.transaction().execute(async (trx) => {
        const rows = await trx.selectFrom('cases').select(['id', 'ref', 'data'])
          .where('type', '=', def.type).where('closed_at', '<', cutoff)
          .where(({ not, exists, selectFrom }) => not(exists(selectFrom('cases_retention').select('case_id').whereRef('cases_retention.case_id', '=', 'cases.id'))))
          .orderBy('closed_at').limit(BATCH).forUpdate().execute();
        if (!rows.length) return 0;
        for (const r of rows) {
          const data = (typeof r.data === 'string' ? JSON.parse(r.data) : r.data ?? {}) as Record<string, unknown>;
          const removed = personalKeys.filter((k) => removePath(data, k));
          await trx.updateTable('cases').set({ data: JSON.stringify(data) as never }).where('id', '=', r.id).execute();
          await trx.insertInto('case_events').values({
            case_id: r.id, at: now, kind: 'personal_data_purged', actor_user_id: null, actor_name: 'system',
            from_state: null, to_state: null, transition: null, reason: null, details: JSON.stringify({ keys: removed, retentionDays: days }) as never,
          } as never).execute();
          await retention.purge?.(ctx, r.id, trx);
          await trx.insertInto('cases_retention').values({ case_id: r.id, purged_at: now, keys: removed }).execute();
        }
        await trx.updateTable('case_parties').set({ email: null, name: null })
          .where('case_id', 'in', rows.map((r) => r.id)).where('user_id', 'is', null).where('organisation_id', 'is', null).execute();
        await ctx.audit.record({
          action: 'cases.personal_data_purged', actor: SYSTEM_ACTOR, subjectType: 'case_type', subjectId: def.type,
          details: { count: rows.length, retentionDays: days, keys: personalKeys, refs: rows.map((r) => r.ref) },
        }, trx);
        return rows.length;
      });
      total += done;
      if (done < BATCH) break;
    }
  }
  return total;
}
