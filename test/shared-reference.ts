// Locates the read-only reference material (../shared next to the checkout: the report, MyJVN, STIX,
// KEV). Tests read it in place; nothing from it is copied into the project. MAMORI_SHARED overrides.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function findShared(): string {
  const candidates = [process.env.MAMORI_SHARED, join(root, '..', 'shared'), '/work/shared'].filter((p): p is string => !!p);
  for (const c of candidates) if (existsSync(join(c, 'seed'))) return c;
  throw new Error(`reference material not found (tried ${candidates.join(', ')}); set MAMORI_SHARED`);
}

export const SHARED_DIR = findShared();

export function sharedPath(...parts: string[]): string {
  return join(SHARED_DIR, ...parts);
}

/** The annual report (令和2年度業務実績報告書) as lines; index 0 is line 1. */
export function seedReportLines(): string[] {
  const dir = sharedPath('seed');
  const file = readdirSync(dir).find((f) => f.endsWith('.txt'));
  if (!file) throw new Error(`no report text in ${dir}`);
  return readFileSync(join(dir, file), 'utf8').split('\n');
}
