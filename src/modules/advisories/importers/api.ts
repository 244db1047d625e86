// Entry points for other code (the benchmark in bench/, scripts): import already-parsed records.
import type { Actor, AppContext } from '../../../platform/context.js';
import type { ImportFormat, RawRecord } from './common.js';
import { runImport, type ImportOptions, type RunResult } from './engine.js';

/** Imports any (async) iterable of raw records of one format; paths are `[i]`. */
export async function importRecordsOf(ctx: AppContext, format: ImportFormat, records: Iterable<unknown> | AsyncIterable<unknown>, actor: Actor,
  opts: Omit<ImportOptions, 'actor' | 'format'> = {}): Promise<RunResult> {
  async function* numbered(): AsyncGenerator<RawRecord> { let index = 0; for await (const raw of records) { yield { index, path: `vulnerabilities[${index}]`, raw }; index++; } }
  return runImport(ctx, numbered(), { ...opts, actor, format });
}

/**
 * Imports NVD CVE API 2.0 items (`{cve: {…}}`, as in a page's `vulnerabilities` array) in batches.
 * For the benchmark: `await importNvdRecords(ctx, items, SYSTEM_ACTOR)`.
 */
export function importNvdRecords(ctx: AppContext, items: Iterable<unknown> | AsyncIterable<unknown>, actor: Actor, opts: Omit<ImportOptions, 'actor' | 'format'> = {}): Promise<RunResult> {
  return importRecordsOf(ctx, 'nvd', items, actor, opts);
}
