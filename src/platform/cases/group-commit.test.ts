// The case engine's group commit (createGrouped): concurrent creations share one transaction, yet
// each keeps the guarantees of create(): gap-free reference numbers, idempotency, its mail and
// audit entry committed with it, and a failure that concerns one call only fails that call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, startTestPlatform, type TestPlatform } from '../../../test/harness.js';
import { PUBLIC_ACTOR, type Executor } from '../context.js';
import { jstParts } from '../i18n/dates.js';
import type { CreateEffects, CreatedCase } from './engine.js';
import type { CaseTypeDefinition } from './types.js';

const typeOf = (type: string, refPrefix: string): CaseTypeDefinition => ({
  type, refPrefix, title: { ja: '試験', en: 'Test' }, initial: 'new',
  states: { new: { label: { ja: '新規', en: 'New' } }, done: { label: { ja: '終了', en: 'Done' }, terminal: true } },
  transitions: [{ name: 'close', label: { ja: '終了', en: 'Close' }, from: ['new'], to: 'done', permission: 'test.write' }],
  readPermission: 'test.read', writePermission: 'test.write',
});

describe.each(BACKENDS)('case engine group commit on %s', (backend) => {
  let p: TestPlatform;
  const year = jstParts(new Date()).y;

  beforeAll(async () => {
    p = await startTestPlatform(backend, { modules: [] });
    p.ctx.cases.registerType(typeOf('test.a', 'GC-A'));
    p.ctx.cases.registerType(typeOf('test.b', 'GC-B'));
  });
  afterAll(async () => { await p?.destroy(); });

  /** Effects as a desk writes them: an acknowledgement and an audit entry; records its transaction. */
  const effects = (email: string, seen?: Set<Executor>): CreateEffects => ({
    inTransaction: seen ? async (t) => { seen.add(t); } : undefined,
    mails: (c) => [{ to: email, key: `gc-ack:${c.record.id}`, subject: `[${c.record.ref}] received`, text: `Receipt ${c.record.ref}` }],
    audit: (c) => [{ action: 'test.received', actor: PUBLIC_ACTOR, subjectType: 'case', subjectId: c.record.id, details: { ref: c.record.ref } }],
  });
  const submit = (type: string, n: number | string, opts: { key?: string; email?: string; seen?: Set<Executor> } = {}) =>
    p.ctx.cases.createGrouped({
      type, title: `report ${n}`, data: { n }, idempotencyKey: opts.key,
      parties: [{ role: 'reporter', email: `r${n}@example.jp`, name: `R ${n}`, withToken: true }],
    }, PUBLIC_ACTOR, effects(opts.email ?? `r${n}@example.jp`, opts.seen));
  const seqOf = (ref: string) => Number(ref.split('-').pop());
  const count = async (q: ReturnType<typeof sql<{ n: number }>>) => Number((await q.execute(p.ctx.db)).rows[0].n);

  it('gives concurrent submissions distinct, gap-free numbers, each with its mail, audit entry and party', async () => {
    const seen = new Set<Executor>();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => submit(i % 3 ? 'test.a' : 'test.b', `c${i}`, { key: `gc-${backend}-c${i}`, seen })));
    // Started in one tick, so they shared one transaction.
    expect(seen.size).toBe(1);
    expect(results.every((r) => r.created)).toBe(true);
    for (const [prefix, n] of [['GC-A', 20], ['GC-B', 10]] as const) {
      const refs = results.filter((r) => r.record.ref.startsWith(`${prefix}-${year}-`)).map((r) => seqOf(r.record.ref)).sort((a, b) => a - b);
      expect(refs).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    }
    for (const r of results) {
      expect(r.parties).toHaveLength(1);
      expect(r.tokens).toHaveLength(1);
      expect(p.ctx.cases.trackingTokenOf(r.parties[0].id)).toBe(r.tokens[0]);
      expect((await p.ctx.cases.byTrackingToken(r.tokens[0]))?.record.ref).toBe(r.record.ref);
    }
    const ids = results.map((r) => r.record.id);
    expect(await count(sql`select count(*)::int as n from case_events where kind = 'created' and case_id = any(${ids}::uuid[])`)).toBe(30);
    expect(await count(sql`select count(*)::int as n from mail_outbox where key = any(${ids.map((id) => `gc-ack:${id}`)}::text[])`)).toBe(30);
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'test.received' and subject_id = any(${ids}::text[])`)).toBe(30);
    expect(await p.ctx.audit.verify()).toMatchObject({ ok: true });
  });

  it('keeps numbers gap-free and strangers unharmed when one submission of a group fails', async () => {
    const before = await count(sql`select count(*)::int as n from cases`);
    const last = async () => (await sql<{ next: number }>`select next from case_ref_counters where prefix = 'GC-A' and year = ${year}`.execute(p.ctx.db)).rows[0].next;
    const start = await last();
    const seen = new Set<Executor>();
    // The bad address fails the group's transaction; each submission is then retried on its own.
    const settled = await Promise.allSettled([
      submit('test.a', 'f1', { key: `gc-${backend}-f1`, seen }),
      submit('test.a', 'f2', { key: `gc-${backend}-f2`, email: 'not an address', seen }),
      submit('test.a', 'f3', { seen }),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ status: 400, code: 'invalid_email' });
    expect(seen.size).toBeGreaterThan(1); // the retries ran in transactions of their own
    expect(await count(sql`select count(*)::int as n from cases where idempotency_key = ${`gc-${backend}-f2`}`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from cases`)).toBe(before + 2);
    const refs = settled.flatMap((s) => (s.status === 'fulfilled' ? [seqOf(s.value.record.ref)] : [])).sort((a, b) => a - b);
    expect(refs).toEqual([start + 1, start + 2]);
    expect(await last()).toBe(start + 2);

    // A key already used for another type concerns that call only: the rest of its group commits.
    const used = (settled[0] as PromiseFulfilledResult<CreatedCase>).value;
    const mixed = new Set<Executor>();
    const again = await Promise.allSettled([submit('test.b', 'f1', { key: `gc-${backend}-f1`, seen: mixed }), submit('test.a', 'f4', { seen: mixed })]);
    expect(again[0]).toMatchObject({ status: 'rejected', reason: { status: 409, code: 'idempotency_conflict' } });
    expect(again[1]).toMatchObject({ status: 'fulfilled', value: { created: true } });
    expect(mixed.size).toBe(1);
    expect((await p.ctx.cases.load(used.record.id))?.type).toBe('test.a');
    expect(await p.ctx.audit.verify()).toMatchObject({ ok: true });
  });

  it('returns one case for the same idempotency key twice in a group, and again later', async () => {
    const key = `gc-${backend}-dup`;
    const [a, b] = await Promise.all([submit('test.a', 'd1', { key }), submit('test.a', 'd2', { key })]);
    expect([a.created, b.created]).toEqual([true, false]);
    expect(b.record.ref).toBe(a.record.ref);
    expect(b.parties.map((x) => x.id)).toEqual(a.parties.map((x) => x.id));
    expect(b.tokens).toEqual([]);
    const later = await submit('test.a', 'd3', { key });
    expect({ created: later.created, ref: later.record.ref, parties: later.parties.map((x) => x.id) })
      .toEqual({ created: false, ref: a.record.ref, parties: a.parties.map((x) => x.id) });
    // The single-case path sees the same case.
    const single = await p.ctx.cases.create({ type: 'test.a', title: 'again', idempotencyKey: key }, PUBLIC_ACTOR);
    expect({ created: single.created, id: single.record.id }).toEqual({ created: false, id: a.record.id });
    await expect(p.ctx.cases.create({ type: 'test.b', title: 'other type', idempotencyKey: key }, PUBLIC_ACTOR)).rejects.toMatchObject({ status: 409 });
    expect(await count(sql`select count(*)::int as n from cases where idempotency_key = ${key}`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from mail_outbox where key = ${`gc-ack:${a.record.id}`}`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'test.received' and subject_id = ${a.record.id}`)).toBe(1);
  });

  it('refuses an unknown type or a back-dated public submission before any transaction', async () => {
    await expect(p.ctx.cases.createGrouped({ type: 'test.none', title: 'x' }, PUBLIC_ACTOR)).rejects.toThrow(/unknown case type/);
    await expect(p.ctx.cases.createGrouped({ type: 'test.a', title: 'x', receivedAt: new Date(0) }, PUBLIC_ACTOR)).rejects.toThrow(/back-date/);
    expect(await p.ctx.audit.verify()).toMatchObject({ ok: true });
  });
});
