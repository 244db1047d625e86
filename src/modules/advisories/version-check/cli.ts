// `mamori check`: inventories this machine (Debian packages through dpkg-query, npm lockfiles) and
// checks it against a server (POST /api/v1/version-check) or the local database. Prints a table and
// exits 1 when a component is affected (with --strict also when possibly affected).
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { PackageURL } from 'packageurl-js';
import type { AppContext } from '../../../platform/context.js';
import type { ModuleCommand } from '../../../platform/module.js';
import { MAX_COMPONENTS, type RawComponent } from './inventory.js';
import { checkComponents, countUse, type CheckResult } from './matcher.js';

export const USAGE = 'check [--server URL] [--lockfile path…] [--no-dpkg] [--strict] [--json]';
const DPKG_FORMAT = '${Package}\\t${Version}\\t${Architecture}\\n';

export interface CheckDeps {
  /** Runs dpkg-query and returns its standard output (tests inject a fake). */
  runDpkg(): Promise<string>;
  /** The distribution id for purl namespaces (debian, ubuntu …). */
  osId(): Promise<string>;
  fetch: typeof fetch;
}

/** Runs dpkg-query without a shell. */
export function runDpkgQuery(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('dpkg-query', ['-W', `-f=${DPKG_FORMAT}`], { shell: false, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = []; const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out).toString('utf8')) : reject(new Error(`dpkg-query exited with ${code}: ${Buffer.concat(err).toString('utf8').trim()}`))));
  });
}

async function readOsId(): Promise<string> {
  try {
    const text = await readFile('/etc/os-release', 'utf8');
    const m = /^ID="?([a-z0-9._-]+)"?$/m.exec(text);
    return m ? m[1] : 'debian';
  } catch { return 'debian'; }
}

export const defaultDeps: CheckDeps = { runDpkg: runDpkgQuery, osId: readOsId, fetch: (...a) => fetch(...a) };

/** Lines of `dpkg-query -W -f='${Package}\t${Version}\t${Architecture}\n'` → components with deb purls. */
export function dpkgComponents(output: string, distro: string): RawComponent[] {
  const out: RawComponent[] = [];
  for (const line of output.split('\n')) {
    const [name, version, arch] = line.split('\t').map((s) => s?.trim());
    if (!name || !version) continue;
    const purl = new PackageURL('deb', distro, name, version, arch ? { arch } : undefined, undefined).toString();
    out.push({ name, version, purl, ref: 'dpkg' });
  }
  return out;
}

/** package-lock.json v2/v3 (`packages`) or v1 (`dependencies`) → npm components (purl pkg:npm/…). */
export function lockfileComponents(text: string, file: string): RawComponent[] {
  let doc: { lockfileVersion?: number; packages?: Record<string, { version?: string; name?: string; link?: boolean }>; dependencies?: Record<string, unknown> };
  try { doc = JSON.parse(text); } catch (e) { throw new Error(`${file}: not valid JSON (${(e as Error).message})`); }
  if (!doc || typeof doc !== 'object') throw new Error(`${file}: not a package-lock.json`);
  const seen = new Set<string>(); const out: RawComponent[] = [];
  const add = (name: string, version: string) => {
    const key = `${name}@${version}`;
    if (seen.has(key) || !name || !version) return;
    seen.add(key);
    const at = name.startsWith('@') ? name.indexOf('/') : -1;
    const purl = new PackageURL('npm', at > 0 ? name.slice(0, at) : undefined, at > 0 ? name.slice(at + 1) : name, version, undefined, undefined).toString();
    out.push({ name, version, purl, ref: file });
  };
  if (doc.packages && typeof doc.packages === 'object') {
    for (const [path, p] of Object.entries(doc.packages)) {
      if (!path || !p || typeof p !== 'object' || p.link || typeof p.version !== 'string') continue; // "" is the project itself
      const i = path.lastIndexOf('node_modules/');
      if (i < 0) continue; // workspace folders
      add(typeof p.name === 'string' && p.name ? p.name : path.slice(i + 'node_modules/'.length), p.version);
    }
  } else if (doc.dependencies && typeof doc.dependencies === 'object') {
    const stack: Array<Record<string, unknown>> = [doc.dependencies];
    while (stack.length) {
      for (const [name, d] of Object.entries(stack.pop()!)) {
        const dep = d as { version?: string; dependencies?: Record<string, unknown> };
        if (typeof dep?.version === 'string' && !/^(file|link|git|github|http)/.test(dep.version)) add(name, dep.version);
        if (dep?.dependencies && typeof dep.dependencies === 'object') stack.push(dep.dependencies);
      }
    }
  } else throw new Error(`${file}: no "packages" or "dependencies" (not a package-lock.json)`);
  return out;
}

interface Opts { server: string | null; lockfiles: string[]; dpkg: boolean; strict: boolean; json: boolean }
function parseArgs(args: string[]): Opts | string {
  const o: Opts = { server: null, lockfiles: [], dpkg: true, strict: false, json: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--server') { o.server = args[++i] ?? ''; if (!/^https?:\/\//.test(o.server)) return '--server needs an http(s) URL'; }
    else if (a.startsWith('--server=')) { o.server = a.slice(9); if (!/^https?:\/\//.test(o.server)) return '--server needs an http(s) URL'; }
    else if (a === '--lockfile') {
      let n = 0;
      while (i + 1 < args.length && !args[i + 1].startsWith('--')) { o.lockfiles.push(args[++i]); n++; }
      if (!n) return '--lockfile needs a path';
    } else if (a.startsWith('--lockfile=')) o.lockfiles.push(a.slice(11));
    else if (a === '--no-dpkg') o.dpkg = false;
    else if (a === '--strict') o.strict = true;
    else if (a === '--json') o.json = true;
    else return `unknown argument ${a}`;
  }
  if (!o.dpkg && !o.lockfiles.length) return 'nothing to check (--no-dpkg without --lockfile)';
  return o;
}

function pad(s: string, n: number) { const w = [...s].length; return w >= n ? s : s + ' '.repeat(n - w); }
/** A plain-text table of the affected and possibly affected components. */
export function resultTable(r: CheckResult): string[] {
  const rows: string[][] = [['COMPONENT', 'VERSION', 'STATUS', 'ADVISORY', 'SEVERITY', 'CVSS', 'KEV', 'FIXED']];
  for (const c of r.components) for (const a of c.advisories) {
    rows.push([c.name ?? c.purl ?? c.cpe ?? '', c.version ?? '', a.status, a.id, a.severity ?? '', a.cvssScore === null ? '' : a.cvssScore.toFixed(1), a.kev ? 'KEV' : '', a.fixedVersion ?? '']);
  }
  const widths = rows[0].map((_, i) => Math.min(48, Math.max(...rows.map((row) => [...row[i]].length))));
  const lines = rows.length > 1 ? rows.map((row) => row.map((c, i) => pad(c, widths[i])).join('  ').trimEnd()) : [];
  const s = r.summary;
  lines.push(`${s.components} components: ${s.affected} affected, ${s.possiblyAffected} possibly affected, ${s.notAffected} not affected, ${s.invalid} not checkable; ${s.advisories} advisories (${s.kev} known exploited)`);
  return lines;
}

export async function runCheck(ctx: AppContext | null, args: string[], io: { out(l: string): void; err(l: string): void }, deps: CheckDeps = defaultDeps): Promise<number> {
  const o = parseArgs(args);
  if (typeof o === 'string') { io.err(`${o}\nusage: mamori ${USAGE}`); return 2; }
  const comps: RawComponent[] = [];
  if (o.dpkg) {
    try { comps.push(...dpkgComponents(await deps.runDpkg(), await deps.osId())); } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      io.err(code === 'ENOENT' ? 'dpkg-query not found: Debian packages skipped (use --no-dpkg on other systems)' : `dpkg-query failed: ${(e as Error).message}`);
      if (!o.lockfiles.length) return 2;
    }
  }
  for (const f of o.lockfiles) {
    try { comps.push(...lockfileComponents(await readFile(f, 'utf8'), f)); } catch (e) { io.err(`cannot read lockfile ${f}: ${(e as Error).message}`); return 2; }
  }
  if (comps.length > MAX_COMPONENTS) { io.err(`too many components (${comps.length}; at most ${MAX_COMPONENTS})`); return 2; }
  let r: CheckResult;
  if (o.server) {
    const url = `${o.server.replace(/\/+$/, '')}/api/v1/version-check`;
    let res: Response;
    try {
      res = await deps.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ components: comps }) });
    } catch (e) { io.err(`cannot reach ${url}: ${(e as Error).message}`); return 2; }
    const body = await res.json().catch(() => null) as (CheckResult & { error?: { message?: string; details?: Array<{ field: string; message: string }> } }) | null;
    if (!res.ok || !body || !body.summary) {
      io.err(`server answered ${res.status}: ${body?.error?.message ?? 'unexpected response'}`);
      for (const d of body?.error?.details ?? []) io.err(`  ${d.field}: ${d.message}`);
      return 2;
    }
    r = body;
  } else {
    if (!ctx) { io.err('no local database: use --server URL'); return 2; }
    r = await checkComponents(ctx.db, comps, 'en');
    await countUse(ctx.db);
  }
  if (o.json) io.out(JSON.stringify(r, null, 2));
  else for (const l of resultTable(r)) io.out(l);
  return r.summary.affected > 0 || (o.strict && r.summary.possiblyAffected > 0) ? 1 : 0;
}

export const checkCommand: ModuleCommand = {
  name: 'check',
  usage: USAGE,
  summary: 'Check this machine\'s Debian packages (dpkg-query) and npm lockfiles against the advisories of a server (--server) or the local database; exit 1 if anything is affected.',
  run: (ctx, args, io) => runCheck(ctx, args, io),
  // Against a server (and for argument errors) the local database is neither needed nor opened:
  // the check then also works on a machine that has no Mamori data at all.
  runStandalone: (args, io) => {
    const o = parseArgs(args);
    return typeof o === 'string' || o.server ? runCheck(null, args, io) : undefined;
  },
};
