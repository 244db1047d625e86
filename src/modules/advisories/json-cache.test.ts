// Single advisories served from the platform's response cache: filled on a miss and at start,
// evicted on this process's writes and on other processes' changes (NOTIFY), on both backends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { BACKENDS, startTestPlatform, type TestPlatform } from '../../../test/harness.js';
import type { Actor } from '../../platform/context.js';
import { ResponseCache } from '../../platform/http/response-cache.js';
import type { Advisory, AdvisoriesService } from './service.js';
import { AdvisoryResponses, advisoryPath } from './json-cache.js';
import { toJson } from './routes.js';

const PUBLISHER: Actor = { userId: null, kind: 'staff', displayName: 'tester', organisationId: null, roles: [], permissions: new Set(['advisories.write', 'advisories.publish']) };

function get(port: number, path: string) {
  return new Promise<{ status: number; json: () => Record<string, unknown> }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode!, json: () => JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}
const until = async (cond: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!cond()) { if (Date.now() > end) throw new Error('timed out'); await new Promise((r) => setTimeout(r, 20)); }
};

describe.each(BACKENDS)('advisory JSON in the response cache on %s', (backend) => {
  let p: TestPlatform;
  let svc: AdvisoriesService;
  let port: number;
  const ids: string[] = [];

  beforeAll(async () => {
    p = await startTestPlatform(backend);
    svc = p.ctx.services.get('advisories') as AdvisoriesService;
    for (const n of [1, 2]) {
      const a = await svc.create({ title: { ja: `キャッシュ試験 ${n}`, en: `Cache test ${n}` }, cveIds: [`CVE-2026-2000${n}`], cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'] }, PUBLISHER);
      await svc.submitForReview(a.id, PUBLISHER);
      ids.push((await svc.publish(a.id, PUBLISHER)).jvndbId!);
    }
    await p.app.listen({ port: 0, host: '127.0.0.1' });
    port = (p.app.server.address() as { port: number }).port;
  });
  afterAll(async () => { await p?.destroy(); });

  it('stores a published advisory on its first read and answers the next reads before routing', async () => {
    const cache = p.app.responseCache;
    const first = await get(port, advisoryPath(ids[0]));
    expect(first.status).toBe(200);
    expect(first.json()).toEqual(JSON.parse(JSON.stringify(toJson((await svc.get(ids[0]))!))));
    expect(cache.get(advisoryPath(ids[0]))).toBeDefined();
    const hits = cache.hits;
    const again = await get(port, advisoryPath(ids[0]));
    expect(again.json()).toEqual(first.json());
    expect(cache.hits).toBe(hits + 1);
    // Unknown IDs are not cached (404 each time from the route).
    expect((await get(port, '/api/v1/advisories/JVNDB-1999-000001')).status).toBe(404);
    expect(cache.get('/api/v1/advisories/JVNDB-1999-000001')).toBeUndefined();
  });

  it('evicts an advisory revised in this process, and one changed by another process (NOTIFY)', { timeout: 60_000 }, async () => {
    const cache = p.app.responseCache;
    const a = (await svc.get(ids[0]))!;
    await svc.update(a.id, { title: { ja: 'キャッシュ試験 1（改訂）', en: 'Cache test 1 (revised)' }, cveIds: ['CVE-2026-20001'], cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'] }, PUBLISHER, 'revised');
    await until(() => !cache.get(advisoryPath(ids[0])));
    await cache.settled();
    const revised = await get(port, advisoryPath(ids[0]));
    expect(revised.json()).toMatchObject({ state: 'revised', title: { en: 'Cache test 1 (revised)' } });
    // Stored again by a later read (one overlapping the change's late notification is not stored).
    for (let i = 0; i < 50 && !cache.get(advisoryPath(ids[0])); i++) { await new Promise((r) => setTimeout(r, 20)); await get(port, advisoryPath(ids[0])); }
    expect(cache.get(advisoryPath(ids[0]))).toBeDefined();
    expect((await get(port, advisoryPath(ids[0]))).json()).toEqual(revised.json());

    // Another process (here: a plain SQL statement, as an importer on another server would) changes
    // the second advisory: only the database's notification tells this process.
    await get(port, advisoryPath(ids[1]));
    expect(cache.get(advisoryPath(ids[1]))).toBeDefined();
    await sql`update advisories set kev = true, kev_added = '2026-11-01', updated_at = now() where jvndb_id = ${ids[1]}`.execute(p.ctx.db);
    await until(() => !cache.get(advisoryPath(ids[1])));
    await cache.settled();
    expect((await get(port, advisoryPath(ids[1]))).json()).toMatchObject({ kev: true, kevAdded: '2026-11-01' });

    if (backend === 'postgres') {
      // A transaction that began before a check and commits after it: its rows carry its start time,
      // earlier than that check, yet the next check must still find them.
      await get(port, advisoryPath(ids[0]));
      for (let i = 0; i < 50 && !cache.get(advisoryPath(ids[0])); i++) { await new Promise((r) => setTimeout(r, 20)); await get(port, advisoryPath(ids[0])); }
      expect(cache.get(advisoryPath(ids[0]))).toBeDefined();
      const other = new pg.Client({ connectionString: p.config.databaseUrl });
      await other.connect();
      try {
        await other.query('begin');
        await other.query(`update advisories set title_ja = '長い取引で更新' where jvndb_id = $1`, [ids[0]]);
        await new Promise((r) => setTimeout(r, 6_000)); // longer than the clock allowance
        await sql`update advisories set revision = revision where jvndb_id = ${ids[1]}`.execute(p.ctx.db); // a change in between: a check runs
        await new Promise((r) => setTimeout(r, 200));
        await cache.settled();
        // Cached again after that check, from the last committed state (the old title).
        for (let i = 0; i < 50 && !cache.get(advisoryPath(ids[0])); i++) { await new Promise((r) => setTimeout(r, 20)); await get(port, advisoryPath(ids[0])); }
        expect((await get(port, advisoryPath(ids[0]))).json()).toMatchObject({ title: { ja: 'キャッシュ試験 1（改訂）' } });
        expect(cache.get(advisoryPath(ids[0]))).toBeDefined();
        await other.query('commit');
      } finally { await other.end(); }
      await until(() => !cache.get(advisoryPath(ids[0])));
      await cache.settled();
      expect((await get(port, advisoryPath(ids[0]))).json()).toMatchObject({ title: { ja: '長い取引で更新' } });
    }

    // Withdrawn from publication elsewhere: evicted, then 404 rather than the old document.
    await sql`update advisories set state = 'review', updated_at = now() where jvndb_id = ${ids[1]}`.execute(p.ctx.db);
    await until(() => !cache.get(advisoryPath(ids[1])));
    await cache.settled();
    expect((await get(port, advisoryPath(ids[1]))).status).toBe(404);
  });
});

describe('advisory cache bookkeeping', () => {
  const doc = (n: number): Advisory => ({ id: `u${n}`, jvndbId: `JVNDB-2026-${String(n).padStart(6, '0')}`, state: 'published', updatedAt: new Date(1_000 + n) } as unknown as Advisory);
  const fakeSvc = (n: number, changed: Array<{ jvndbId: string; updatedAt: Date }> = []) => ({
    async publishedKeys({ before, limit }: { before?: string; limit: number }) {
      return Array.from({ length: n }, (_, i) => doc(n - i).jvndbId!).filter((k) => !before || k < before).slice(0, limit);
    },
    async getMany(keys: string[]) { return keys.map((k) => doc(Number(k.slice(-6)))); },
    async changedSince() { return changed; },
    async changeMark() { return new Date(0); },
  }) as unknown as AdvisoriesService;
  const log = pino({ level: 'silent' });

  it('warms newest first and stops at the byte budget', async () => {
    const cache = new ResponseCache(1_000_000_000);
    await new AdvisoryResponses(cache, fakeSvc(1200), (a) => ({ id: a.jvndbId }), log).warm();
    expect(cache.size).toBe(1200);
    const small = new ResponseCache(600 * (30 + 200)); // room for a few hundred small documents
    await new AdvisoryResponses(small, fakeSvc(1200), (a) => ({ id: a.jvndbId }), log).warm();
    expect(small.size).toBeGreaterThan(0); expect(small.size).toBeLessThan(1200);
    expect(small.get(advisoryPath(doc(1200).jvndbId!))).toBeDefined(); // the newest is kept
    expect(small.bytes).toBeLessThanOrEqual(small.maxBytes);
  });

  it('does not store a read that overlapped a change, and evicts changed entries', async () => {
    const cache = new ResponseCache(1_000_000);
    const changed = [{ jvndbId: doc(1).jvndbId!, updatedAt: new Date(1_001) }];
    const r = new AdvisoryResponses(cache, fakeSvc(2, changed), (a) => ({ id: a.jvndbId }), log);
    const ticket = r.ticket();
    r.changed(); // a change noticed while the read was in flight
    r.store(doc(2), ticket);
    expect(cache.get(advisoryPath(doc(2).jvndbId!))).toBeUndefined();
    await cache.settled();
    r.store(doc(1), r.ticket());
    r.store(doc(2), r.ticket());
    expect(cache.size).toBe(2);
    r.changed();
    await cache.settled();
    expect(cache.get(advisoryPath(doc(1).jvndbId!))).toBeUndefined(); // changed at or after its tag
    expect(cache.get(advisoryPath(doc(2).jvndbId!))).toBeDefined();
  });
});
