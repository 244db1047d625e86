import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, startKernelContext, type KernelTestContext } from '../../../test/kernel-context.js';
import { SYSTEM_ACTOR, type Actor } from '../context.js';
import { canonicalJson, entryHash, GENESIS_HASH } from './audit-log.js';

const alice: Actor = { userId: 'u-alice', kind: 'staff', displayName: 'Alice 有栖', organisationId: null, roles: ['analyst'], permissions: new Set() };

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null, u: undefined } })).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
  });
  it('hash changes with any field', () => {
    const e = { seq: 1, at: '2024-01-01T00:00:00.000Z', action: 'x', actorUserId: null, actorKind: 'system', actorName: 'system', subjectType: null, subjectId: null, details: {}, ip: null, prevHash: GENESIS_HASH };
    expect(entryHash(e)).not.toBe(entryHash({ ...e, ip: '1.2.3.4' }));
    expect(entryHash(e)).toBe(entryHash({ ...e }));
  });
});

describe.each(BACKENDS)('audit log on %s', (backend) => {
  let k: KernelTestContext;
  beforeAll(async () => { k = await startKernelContext(backend); });
  afterAll(async () => { await k?.destroy(); });

  const count = async () => Number((await sql<{ n: number }>`select count(*)::int as n from audit_log`.execute(k.ctx.db)).rows[0].n);

  it('appends a verifiable chain whose details survive the jsonb round trip', async () => {
    const { audit } = k.ctx;
    await audit.record({ action: 'auth.login', actor: alice, ip: '192.0.2.1' });
    await audit.record({
      action: 'case.read', actor: alice, subjectType: 'case', subjectId: 'IPA-P-2026-00001',
      details: { zeta: 1, alpha: { nested: ['x', 2, true, null], 'キー': '値' }, n: 0.1 + 0.2, big: 2 ** 60, when: new Date(0), nul: 'a\u0000b', skip: undefined },
    });
    await audit.record({ action: 'job.run', actor: SYSTEM_ACTOR });
    const res = await audit.verify();
    expect(res).toEqual({ ok: true, count: 3 });
    const [last, second, first] = await audit.list({});
    expect(first.prevHash).toBe(GENESIS_HASH);
    expect(second.prevHash).toBe(first.hash);
    expect(last.prevHash).toBe(second.hash);
    expect(second.details).toMatchObject({ when: '1970-01-01T00:00:00.000Z', nul: 'a\uFFFDb', alpha: { 'キー': '値' } });
    expect(second.actor).toMatchObject({ userId: 'u-alice', kind: 'staff', displayName: 'Alice 有栖' });
    expect(first.at.getTime()).toBeLessThanOrEqual(last.at.getTime());
  });

  it('commits and rolls back with the caller transaction', async () => {
    const before = await count();
    await expect(k.ctx.db.transaction().execute(async (trx) => {
      await k.ctx.audit.record({ action: 'case.transition', actor: alice, subjectType: 'case', subjectId: 'rolled-back' }, trx);
      throw new Error('business rule failed');
    })).rejects.toThrow('business rule failed');
    expect(await count()).toBe(before);
    await k.ctx.db.transaction().execute(async (trx) => {
      await k.ctx.audit.record({ action: 'case.transition', actor: alice, subjectType: 'case', subjectId: 'kept' }, trx);
      await k.ctx.audit.record({ action: 'case.note', actor: alice, subjectType: 'case', subjectId: 'kept' }, trx);
    });
    expect(await count()).toBe(before + 2);
    expect((await k.ctx.audit.verify()).ok).toBe(true);
  });

  it('stays linear under concurrent appends, with and without caller transactions', async () => {
    const before = await count();
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => k.ctx.audit.record({ action: 'concurrent', actor: alice, details: { i } })),
      ...Array.from({ length: 5 }, (_, i) => k.ctx.db.transaction().execute(async (trx) => {
        await k.ctx.audit.record({ action: 'concurrent.trx', actor: alice, details: { i, part: 1 } }, trx);
        await new Promise((r) => setTimeout(r, 5));
        await k.ctx.audit.record({ action: 'concurrent.trx', actor: alice, details: { i, part: 2 } }, trx);
      })),
    ]);
    expect(await count()).toBe(before + 30);
    const seqs = (await sql<{ seq: number }>`select seq from audit_log order by seq`.execute(k.ctx.db)).rows.map((r) => Number(r.seq));
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(await k.ctx.audit.verify()).toEqual({ ok: true, count: before + 30 });
  });

  it('appends several entries in order with recordMany, and isolates a bad entry among grouped ones', async () => {
    const before = await count();
    await k.ctx.db.transaction().execute((trx) => k.ctx.audit.recordMany([
      { action: 'many', actor: alice, details: { i: 1 } }, { action: 'many', actor: alice, details: { i: 2 } },
    ], trx));
    // Concurrent appends outside a transaction share one; the entry whose details cannot be stored
    // (a BigInt is not JSON) fails alone when the group is retried entry by entry.
    const settled = await Promise.allSettled([
      k.ctx.audit.record({ action: 'grouped', actor: alice, details: { i: 3 } }),
      k.ctx.audit.record({ action: 'grouped', actor: alice, details: { bad: 1n } }),
      k.ctx.audit.recordMany([{ action: 'grouped', actor: alice, details: { i: 4 } }, { action: 'grouped', actor: alice, details: { i: 5 } }]),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await count()).toBe(before + 5);
    const mine = await k.ctx.audit.list({ action: 'grouped' });
    expect(mine.map((e) => e.details?.i).sort()).toEqual([3, 4, 5]);
    expect(await k.ctx.audit.verify()).toEqual({ ok: true, count: before + 5 });
  });

  it('is append-only at the database level', async () => {
    await expect(sql`update audit_log set action = 'x' where seq = 1`.execute(k.ctx.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where seq = 1`.execute(k.ctx.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`.execute(k.ctx.db)).rejects.toThrow(/append-only/);
    expect((await k.ctx.audit.verify()).ok).toBe(true);
  });

  it('lists with filters, newest first, keyset pagination', async () => {
    const { audit } = k.ctx;
    const bob: Actor = { ...alice, userId: 'u-bob', displayName: 'Bob' };
    for (let i = 0; i < 5; i++) await audit.record({ action: 'file.download', actor: bob, subjectType: 'file', subjectId: `f${i % 2}` });
    const all = await audit.list({ actorId: 'u-bob' });
    expect(all).toHaveLength(5);
    expect(all.map((r) => r.seq)).toEqual([...all.map((r) => r.seq)].sort((a, b) => b - a));
    expect(await audit.list({ subjectType: 'file', subjectId: 'f0' })).toHaveLength(3);
    expect((await audit.list({ action: 'case.*' })).every((r) => r.action.startsWith('case.'))).toBe(true);
    expect((await audit.list({ action: 'case.*' })).length).toBeGreaterThanOrEqual(3);
    expect(await audit.list({ action: 'case' })).toHaveLength(0);
    expect(await audit.list({ action: '%*' })).toHaveLength(0); // LIKE wildcards are literal
    const page1 = await audit.list({ actorId: 'u-bob', limit: 2 });
    const page2 = await audit.list({ actorId: 'u-bob', limit: 2, before: page1[1].seq });
    const page3 = await audit.list({ actorId: 'u-bob', limit: 2, before: page2[1].seq });
    expect([...page1, ...page2, ...page3].map((r) => r.seq)).toEqual(all.map((r) => r.seq));
  });

  it('verify() detects tampering done with the trigger disabled (superuser access)', async () => {
    const ok = await k.ctx.audit.verify();
    expect(ok.ok).toBe(true);
    await sql`alter table audit_log disable trigger audit_log_no_change`.execute(k.ctx.db);
    try {
      // 1. Content altered in place.
      await sql`update audit_log set details = '{"zeta":2}'::jsonb where seq = 2`.execute(k.ctx.db);
      expect(await k.ctx.audit.verify()).toMatchObject({ ok: false, count: 1, brokenAt: 2, reason: expect.stringMatching(/altered/) });
      // 2. Altered and re-hashed: the next link breaks instead.
      const row = (await sql<any>`select * from audit_log where seq = 2`.execute(k.ctx.db)).rows[0];
      const rehash = entryHash({
        seq: 2, at: new Date(row.at).toISOString(), action: row.action, actorUserId: row.actor_user_id, actorKind: row.actor_kind,
        actorName: row.actor_name, subjectType: row.subject_type, subjectId: row.subject_id, details: row.details, ip: row.ip, prevHash: row.prev_hash,
      });
      await sql`update audit_log set hash = ${rehash} where seq = 2`.execute(k.ctx.db);
      expect(await k.ctx.audit.verify()).toMatchObject({ ok: false, count: 2, brokenAt: 3, reason: expect.stringMatching(/prev_hash/) });
      // 3. An entry removed.
      await sql`delete from audit_log where seq = 2`.execute(k.ctx.db);
      expect(await k.ctx.audit.verify()).toMatchObject({ ok: false, count: 1, brokenAt: 3, reason: expect.stringMatching(/missing/) });
    } finally {
      await sql`alter table audit_log enable trigger audit_log_no_change`.execute(k.ctx.db);
    }
  });
});

describe.each(BACKENDS)('audit verify across batches on %s', (backend) => {
  let k: KernelTestContext;
  beforeAll(async () => { k = await startKernelContext(backend); });
  afterAll(async () => { await k?.destroy(); });

  it('walks more entries than one batch and finds a break in a later batch', async () => {
    for (let i = 0; i < 1003; i++) await k.ctx.audit.record({ action: 'bulk', actor: SYSTEM_ACTOR, details: { i } });
    expect(await k.ctx.audit.verify()).toEqual({ ok: true, count: 1003 });
    await sql`alter table audit_log disable trigger audit_log_no_change`.execute(k.ctx.db);
    await sql`update audit_log set actor_name = 'mallory' where seq = 1002`.execute(k.ctx.db);
    expect(await k.ctx.audit.verify()).toMatchObject({ ok: false, count: 1001, brokenAt: 1002 });
  });
});
