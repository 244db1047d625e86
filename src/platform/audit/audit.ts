// Append-only, hash-chained audit log.
import type { Actor, Executor } from '../context.js';

export interface AuditEntryInput {
  /** e.g. 'case.read', 'case.transition', 'auth.login', 'file.download' */
  action: string;
  actor: Actor;
  subjectType?: string;
  subjectId?: string;
  details?: Record<string, unknown>;
  ip?: string;
}

export interface AuditRecord extends AuditEntryInput { seq: number; at: Date; hash: string; prevHash: string }

export interface AuditVerifyResult { ok: boolean; count: number; brokenAt?: number; reason?: string }

export interface AuditLog {
  /** Appends within the caller's transaction when `trx` is given, so the entry commits with the change. */
  record(entry: AuditEntryInput, trx?: Executor): Promise<void>;
  /** Appends several entries, in order, with one lock and one insert (a batch of changes). */
  recordMany(entries: AuditEntryInput[], trx?: Executor): Promise<void>;
  verify(): Promise<AuditVerifyResult>;
  list(filter: { subjectType?: string; subjectId?: string; action?: string; actorId?: string; before?: number; limit?: number }): Promise<AuditRecord[]>;
}
