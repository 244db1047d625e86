import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BACKENDS, startKernelContext, type KernelTestContext } from '../../test/kernel-context.js';
import { SYSTEM_ACTOR } from '../platform/context.js';
import { findCommand, main } from './main.js';

const BIN = fileURLToPath(new URL('../../bin/mamori.mjs', import.meta.url));

function run(argv: string[], env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  return main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env }).then((code) => ({ code, out: out.join('\n'), err: err.join('\n') }));
}

describe('command dispatch', () => {
  it('matches multi-word commands and passes the rest as arguments', () => {
    expect(findCommand(['audit', 'verify', '--x'])).toMatchObject({ command: { name: 'audit verify' }, args: ['--x'] });
    expect(findCommand(['audit'])).toBeUndefined();
  });
  it('prints help and rejects unknown commands', async () => {
    expect(await run([], {})).toMatchObject({ code: 0, out: expect.stringContaining('audit verify') });
    expect(await run(['nope'], {})).toMatchObject({ code: 2, err: expect.stringContaining('unknown command') });
    // Modules add their own commands (ModuleDefinition.commands).
    expect(await run(['help'], {})).toMatchObject({ code: 0, out: expect.stringContaining('jcsip ingest-mail') });
  });
  it('runs a module command that needs no database without opening one (mamori check --server)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-cli-'));
    const r = await run(['check', '--server', 'http://127.0.0.1:9', '--no-dpkg', '--lockfile', join(dir, 'missing.json')], { MAMORI_DATA_DIR: dir });
    expect(r).toMatchObject({ code: 2, err: expect.stringContaining('cannot read lockfile') });
    expect(readdirSync(dir)).toEqual([]); // no embedded database, no keys
    // Argument errors are reported without opening it either.
    expect(await run(['check', '--bogus'], { MAMORI_DATA_DIR: dir })).toMatchObject({ code: 2, err: expect.stringContaining('unknown argument') });
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe.each(BACKENDS)('mamori CLI on %s', (backend) => {
  let k: KernelTestContext;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    // Persistent, because the CLI opens the database itself, as a separate process would.
    k = await startKernelContext(backend, { persistent: true });
    env = { DATABASE_URL: k.config.databaseUrl ?? '', MAMORI_DATA_DIR: k.config.dataDir, LOG_LEVEL: 'silent' };
    for (let i = 0; i < 5; i++) await k.ctx.audit.record({ action: 'cli.test', actor: SYSTEM_ACTOR, details: { i } });
    await k.ctx.mail.enqueue({ to: 'ops@example.jp', subject: 'CLI', text: 'hello' });
    await k.close(); // PGlite allows one process at a time
  });
  afterAll(async () => { await k?.destroy(); });

  it('audit verify reports OK, then the tampered seq with exit code 1', async () => {
    expect(await run(['audit', 'verify'], env)).toMatchObject({ code: 0, out: 'OK: 5 entries' });
    const spawned = spawnSync(process.execPath, [BIN, 'audit', 'verify'], { env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(spawned.status).toBe(0);
    expect(spawned.stdout.trim()).toBe('OK: 5 entries');

    // Tampering with owner rights: the append-only trigger has to be disabled first.
    const k2 = await k.reopen();
    await expect(sql`update audit_log set details = '{"i":99}'::jsonb where seq = 3`.execute(k2.ctx.db)).rejects.toThrow(/append-only/);
    await sql`alter table audit_log disable trigger audit_log_no_change`.execute(k2.ctx.db);
    await sql`update audit_log set details = '{"i":99}'::jsonb where seq = 3`.execute(k2.ctx.db);
    await sql`alter table audit_log enable trigger audit_log_no_change`.execute(k2.ctx.db);
    await k2.close();

    const res = await run(['audit', 'verify'], env);
    expect(res.code).toBe(1);
    expect(res.err).toContain('BROKEN at seq 3');
    const spawnedBroken = spawnSync(process.execPath, [BIN, 'audit', 'verify'], { env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(spawnedBroken.status).toBe(1);
    expect(spawnedBroken.stderr).toMatch(/BROKEN at seq 3: hash mismatch/);
  });

  it('mail deliver sends pending mail once', async () => {
    expect(await run(['mail', 'deliver'], env)).toMatchObject({ code: 0, out: expect.stringMatching(/^sent 1 message/) });
    expect(await run(['mail', 'deliver'], env)).toMatchObject({ code: 0, out: expect.stringMatching(/^sent 0 message/) });
    expect(readdirSync(k.config.mailDir).filter((f) => f.endsWith('.eml'))).toHaveLength(1);
  });
});
