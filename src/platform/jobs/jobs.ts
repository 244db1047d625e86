// Durable background jobs stored in the database.
import type { AppContext, Executor } from '../context.js';

export type JobHandler = (payload: Record<string, unknown>, ctx: AppContext) => Promise<void>;

export interface Jobs {
  register(name: string, handler: JobHandler): void;
  /** Run `name` every `everyMs` (single-flight per name across processes). */
  schedule(name: string, everyMs: number): void;
  enqueue(name: string, payload?: Record<string, unknown>, opts?: { runAt?: Date; trx?: Executor }): Promise<void>;
  /** Runs due jobs once; used by the worker loop and by tests. */
  runDue(): Promise<number>;
  start(): void;
  /** Stops polling and waits for running jobs to finish. */
  stop(): Promise<void>;
}
