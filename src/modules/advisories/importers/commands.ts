// `mamori import <format> <file|directory>` (and its older name `mamori advisories import`).
import type { ModuleCommand } from '../../../platform/module.js';
import { SYSTEM_ACTOR, type AppContext } from '../../../platform/context.js';
import { AppError } from '../../../platform/http/errors.js';
import { FORMATS, type ImportFormat } from './common.js';
import { openPath } from './sources.js';
import { runImport } from './engine.js';

const USAGE = 'import <nvd|kev|cve5|hnd|oka|auto> <file|directory>';

async function run(ctx: AppContext, args: string[], io: { out(l: string): void; err(l: string): void }, prefix: string): Promise<number> {
  const [kind, path] = args;
  if (!path || !(kind === 'auto' || (FORMATS as string[]).includes(kind))) { io.err(`usage: mamori ${prefix}${USAGE}`); return 2; }
  let src;
  try { src = await openPath(kind as ImportFormat | 'auto', path); } catch (e) {
    if (e instanceof AppError) { io.err(e.text.en); return /cannot read/.test(e.text.en) ? 66 : 65; }
    throw e;
  }
  let last = Date.now();
  const r = await runImport(ctx, src.records(), {
    actor: SYSTEM_ACTOR, format: src.format, fileName: src.fileName, sha256: src.sha256, size: src.size,
    onProgress: (n) => { if (Date.now() - last > 5000) { last = Date.now(); io.err(`… ${n} records`); } },
  });
  const rate = r.ms > 0 ? Math.round((r.total / r.ms) * 1000) : r.total;
  io.out(`created ${r.created}, updated ${r.updated}, unchanged ${r.unchanged}, stale ${r.stale}, skipped ${r.skipped}, errors ${r.errorCount}`);
  io.out(`run ${r.runId}: ${src.format} ${src.fileName}, ${r.total} records in ${(r.ms / 1000).toFixed(1)} s (${rate} records/s)`);
  for (const e of r.errors) io.err(`record ${e.index} ${e.path}${e.line ? ` (line ${e.line})` : ''}: ${e.message}`);
  if (r.errorCount > r.errors.length) io.err(`… and ${r.errorCount - r.errors.length} more errors`);
  return r.errorCount ? 1 : 0;
}

const summary = 'Import advisories from NVD CVE API 2.0 pages, a CISA KEV catalogue, CVE JSON 5.x records, MyJVN HND XML or OKA JSON (a file, JSON lines or a directory); idempotent, batched, errors listed with their path.';

export const importCommands: ModuleCommand[] = [
  { name: 'import', usage: USAGE, summary, run: (ctx, args, io) => run(ctx, args, io, '') },
  { name: 'advisories import', usage: `advisories ${USAGE}`, summary: 'Same as `mamori import`.', run: (ctx, args, io) => run(ctx, args, io, 'advisories ') },
];
