// The audit log: an append-only hash chain. Each entry's hash covers all of its fields and the
// previous entry's hash, so altering, removing or reordering an entry breaks every later link.
// (Cutting entries off the end is only detectable against an external copy of the latest hash.)
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Actor, AppContext, Executor } from '../context.js';
import type { DB } from '../db/database.js';
import { groupCommit } from '../db/group-commit.js';
import type { AuditEntryInput, AuditLog, AuditRecord, AuditVerifyResult } from './audit.js';

export interface AuditLogTable {
  seq: number;
  at: Date;
  action: string;
  actor_user_id: string | null;
  actor_kind: string;
  actor_name: string;
  subject_type: string | null;
  subject_id: string | null;
  details: unknown;
  ip: string | null;
  prev_hash: string;
  hash: string;
}

declare module '../db/database.js' {
  interface Tables {
    audit_log: AuditLogTable;
  }
}

export const GENESIS_HASH = '0'.repeat(64);
/** Advisory lock key serialising appends across connections and processes. */
const APPEND_LOCK = 724_201;
const VERIFY_BATCH = 1000;

/** The fields an entry's hash covers, in the form they are stored. */
export interface HashedEntry {
  seq: number;
  at: string;
  action: string;
  actorUserId: string | null;
  actorKind: string;
  actorName: string;
  subjectType: string | null;
  subjectId: string | null;
  details: unknown;
  ip: string | null;
  prevHash: string;
}

/** JSON with object keys sorted at every level, so equal values always serialise identically. */
export function canonicalJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return '[' + v.map(canonicalJson).join(',') + ']';
  if (typeof v === 'object') {
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson(obj[k])).join(',') + '}';
  }
  return JSON.stringify(v) ?? 'null';
}

export function entryHash(e: HashedEntry): string {
  return createHash('sha256').update('mamori-audit-v1\n' + canonicalJson(e)).digest('hex');
}

// PostgreSQL text and jsonb reject NUL and lone surrogates; an audit write must not fail on them.
function clean(s: string): string {
  return s.replace(/\u0000/g, '\uFFFD').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
const cleanOpt = (s: string | null | undefined): string | null => (s === undefined || s === null ? null : clean(s));

/** The details exactly as jsonb will give them back: plain JSON values with clean strings. */
function normaliseDetails(details: Record<string, unknown> | undefined): unknown {
  const json = JSON.stringify(details ?? {}, (_k, v: unknown) => (typeof v === 'string' ? clean(v) : v));
  return JSON.parse(clean(json));
}

function rowToHashed(r: AuditLogTable): HashedEntry {
  return {
    seq: Number(r.seq),
    at: new Date(r.at).toISOString(),
    action: r.action,
    actorUserId: r.actor_user_id,
    actorKind: r.actor_kind,
    actorName: r.actor_name,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    details: r.details,
    ip: r.ip,
    prevHash: r.prev_hash,
  };
}

function rowToRecord(r: AuditLogTable): AuditRecord {
  const actor: Actor = {
    userId: r.actor_user_id,
    kind: r.actor_kind as Actor['kind'],
    displayName: r.actor_name,
    organisationId: null,
    roles: [],
    permissions: new Set(),
  };
  return {
    seq: Number(r.seq),
    at: new Date(r.at),
    action: r.action,
    actor,
    subjectType: r.subject_type ?? undefined,
    subjectId: r.subject_id ?? undefined,
    details: (r.details ?? {}) as Record<string, unknown>,
    ip: r.ip ?? undefined,
    hash: r.hash,
    prevHash: r.prev_hash,
  };
}

export interface AuditListFilter {
  subjectType?: string;
  subjectId?: string;
  /** Exact action, or a prefix when it ends with '*' (e.g. 'case.*'). */
  action?: string;
  actorId?: string;
  /** Keyset pagination: entries with seq < before. */
  before?: number;
  limit?: number;
}

export function createAuditLog(ctx: AppContext): AuditLog {
  async function append(entries: AuditEntryInput[], ex: Kysely<any>): Promise<void> {
    // Held until the surrounding transaction ends, so concurrent appenders queue here and each
    // reads the row the previous one committed (or sees it rolled back).
    await sql`select pg_advisory_xact_lock(${sql.lit(APPEND_LOCK)})`.execute(ex);
    const last = await sql<{ seq: number; hash: string; at: Date }>`
      select seq, hash, at from audit_log order by seq desc limit 1`.execute(ex);
    const prev = last.rows[0];
    let seq = prev ? Number(prev.seq) : 0;
    let prevHash = prev ? prev.hash : GENESIS_HASH;
    // Millisecond precision in JS, stored and hashed as the same ISO string, so a re-read Date
    // serialises identically. Never earlier than the previous entry, despite clock skew.
    const at = new Date(Math.max(Date.now(), prev ? new Date(prev.at).getTime() : 0)).toISOString();
    // Several entries (a group) are linked here in memory and written with one statement.
    const rows = entries.map((entry) => {
      const e: HashedEntry = {
        seq: ++seq,
        at,
        action: clean(entry.action),
        actorUserId: cleanOpt(entry.actor.userId),
        actorKind: clean(entry.actor.kind),
        actorName: clean(entry.actor.displayName),
        subjectType: cleanOpt(entry.subjectType),
        subjectId: cleanOpt(entry.subjectId),
        details: normaliseDetails(entry.details),
        ip: cleanOpt(entry.ip),
        prevHash,
      };
      prevHash = entryHash(e);
      return sql`(${e.seq}, ${e.at}::timestamptz, ${e.action}, ${e.actorUserId}, ${e.actorKind}, ${e.actorName},
              ${e.subjectType}, ${e.subjectId}, ${JSON.stringify(e.details)}::jsonb, ${e.ip}, ${e.prevHash}, ${prevHash})`;
    });
    await sql`
      insert into audit_log (seq, at, action, actor_user_id, actor_kind, actor_name, subject_type, subject_id, details, ip, prev_hash, hash)
      values ${sql.join(rows)}`.execute(ex);
  }

  // Entries recorded outside a transaction (e.g. every case read) are appended in groups: one lock
  // turn, one insert and one commit for all that arrived meanwhile; each call still returns only
  // after its entry committed.
  const appendInGroup = groupCommit<AuditEntryInput[], void>(async (lists) => {
    await (ctx.db as Kysely<any>).transaction().execute((t) => append(lists.flat(), t));
    return lists.map(() => undefined);
  });

  async function recordMany(entries: AuditEntryInput[], trx?: Executor): Promise<void> {
    if (entries.length === 0) return;
    // Only a real transaction can hold the lock until commit; a root handle gets its own.
    // Callers' transactions are READ COMMITTED (the default), so the read after the lock sees
    // the latest entry; under a stricter level a stale read fails on the seq key, never forks.
    if (trx && (trx as Kysely<any>).isTransaction) return append(entries, trx as Kysely<any>);
    if (!trx || trx === ctx.db) return appendInGroup(entries);
    await (trx as Kysely<any>).transaction().execute((t) => append(entries, t));
  }

  return {
    record(entry, trx) { return recordMany([entry], trx); },
    recordMany,

    async verify(): Promise<AuditVerifyResult> {
      let prevHash = GENESIS_HASH;
      let expected = 1;
      let count = 0;
      for (;;) {
        const rows = await (ctx.db as DB).selectFrom('audit_log').selectAll()
          .where('seq', '>=', expected).orderBy('seq').limit(VERIFY_BATCH).execute();
        if (rows.length === 0) return { ok: true, count };
        for (const row of rows) {
          const h = rowToHashed(row);
          if (h.seq !== expected) {
            return { ok: false, count, brokenAt: h.seq, reason: `entries ${expected}–${h.seq - 1} are missing` };
          }
          if (entryHash(h) !== row.hash) {
            return { ok: false, count, brokenAt: h.seq, reason: 'hash mismatch: the entry was altered' };
          }
          if (h.prevHash !== prevHash) {
            return {
              ok: false, count, brokenAt: h.seq,
              reason: expected === 1 ? 'first entry does not start from the genesis hash' : `prev_hash does not match the hash of entry ${expected - 1}`,
            };
          }
          prevHash = row.hash;
          expected++;
          count++;
        }
      }
    },

    async list(filter: AuditListFilter) {
      const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 50), 1), 1000);
      let q = (ctx.db as DB).selectFrom('audit_log').selectAll();
      if (filter.subjectType) q = q.where('subject_type', '=', filter.subjectType);
      if (filter.subjectId) q = q.where('subject_id', '=', filter.subjectId);
      if (filter.actorId) q = q.where('actor_user_id', '=', filter.actorId);
      if (filter.action) {
        if (filter.action.endsWith('*')) {
          const prefix = filter.action.slice(0, -1).replace(/[\\%_]/g, (c) => '\\' + c);
          q = q.where('action', 'like', prefix + '%');
        } else {
          q = q.where('action', '=', filter.action);
        }
      }
      if (filter.before !== undefined && Number.isFinite(filter.before)) q = q.where('seq', '<', Math.trunc(filter.before));
      const rows = await q.orderBy('seq', 'desc').limit(limit).execute();
      return rows.map(rowToRecord);
    },
  };
}
