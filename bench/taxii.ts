// TAXII 2.1 benchmark: a collection of 100,000 STIX objects paged through over real HTTP with
// limit/next and with added_after, a 1,000-object envelope POSTed, and a bare Fastify route as the
// baseline of the same machine, client and run.
//   npx tsx bench/taxii.ts                      PGlite (in memory)
//   npx tsx bench/taxii.ts --backend=postgres   a fresh database on 127.0.0.1:5432
//   options: --objects=N (default 100000) --posts=N (default 5)
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';
import { startTestPlatform, type Backend } from '../test/harness.js';
import { hashToken } from '../src/platform/auth/tokens.js';
import type { TaxiiService } from '../src/modules/taxii/service.js';

const argv = process.argv.slice(2);
const opt = (n: string) => argv.find((a) => a.startsWith(`--${n}=`))?.slice(n.length + 3);
const BACKEND = (opt('backend') ?? 'pglite') as Backend;
const OBJECTS = Number(opt('objects') ?? 100_000);
const POSTS = Number(opt('posts') ?? 5);
const MT = 'application/taxii+json;version=2.1';

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };
const fmt = (xs: number[]) => `n=${xs.length} p50=${pct(xs, 50).toFixed(1)} ms p95=${pct(xs, 95).toFixed(1)} ms max=${Math.max(...xs).toFixed(1)} ms`;
const T0 = '2026-04-01T00:00:00.000Z';
const indicator = (i: number) => ({
  type: 'indicator', spec_version: '2.1', id: `indicator--${randomUUID()}`, created: T0, modified: T0, name: `C2 address ${i}`,
  indicator_types: ['malicious-activity'], pattern: `[ipv4-addr:value = '198.51.${(i >> 8) & 255}.${i & 255}']`, pattern_type: 'stix', valid_from: T0,
  description: 'Command-and-control address observed in a targeted e-mail campaign against the electric power sector.',
});

async function timed(url: string, headers: Record<string, string>, init: RequestInit = {}) {
  const t = performance.now();
  const res = await fetch(url, { headers, ...init });
  const text = await res.text();
  return { ms: performance.now() - t, res, text };
}

const p = await startTestPlatform(BACKEND, { config: { jobsEnabled: false } });
try {
  const svc = p.ctx.services.get('taxii') as TaxiiService;
  const org = await p.ctx.auth.createOrganisation({ name: 'Bench org', kind: 'other' });
  const user = await p.ctx.auth.createUser({ email: 'bench@example.jp', displayName: 'Bench', password: 'bench-password-1234', kind: 'org', organisationId: org.id });
  const token = `taxii_${randomUUID().replace(/-/g, '')}bench0000000000000`;
  await p.ctx.db.insertInto('taxii_tokens').values({ user_id: user.id, name: 'bench', token_hash: hashToken(token) } as never).execute();
  const coll = await svc.ensureCollection({ key: 'bench', title: 'Bench', readers: { organisationIds: [org.id] }, writers: { organisationIds: [org.id] } });
  const post = await svc.ensureCollection({ key: 'bench-post', title: 'Bench POST', readers: { organisationIds: [org.id] }, writers: { organisationIds: [org.id] } });

  let t = performance.now();
  for (let i = 0; i < OBJECTS; i += 5000) await svc.addObjects('bench', Array.from({ length: Math.min(5000, OBJECTS - i) }, (_, k) => indicator(i + k)));
  console.log(`seeded ${OBJECTS} objects through the service in ${((performance.now() - t) / 1000).toFixed(1)} s (${BACKEND})`);

  await p.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = p.app.server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const headers = { authorization: `Bearer ${token}`, accept: MT };
  const objects = `${base}/taxii2/api/collections/${coll.id}/objects/`;

  // Warm-up.
  for (let i = 0; i < 20; i++) await timed(`${objects}?limit=100`, headers);

  // Whole collection with limit/next.
  const nextLat: number[] = [];
  let next: string | undefined; let seen = 0;
  t = performance.now();
  do {
    const r = await timed(`${objects}?limit=100${next ? `&next=${next}` : ''}`, headers);
    const env = JSON.parse(r.text);
    seen += env.objects?.length ?? 0;
    nextLat.push(r.ms);
    next = env.more ? env.next : undefined;
  } while (next);
  console.log(`limit=100 + next, whole collection (${seen} objects, ${((performance.now() - t) / 1000).toFixed(1)} s): ${fmt(nextLat)}`);

  // Whole collection with added_after (the X-TAXII-Date-Added-Last of the previous page).
  const afterLat: number[] = [];
  let after: string | null = null; seen = 0;
  for (;;) {
    const r = await timed(`${objects}?limit=100${after ? `&added_after=${after}` : ''}`, headers);
    const env = JSON.parse(r.text);
    afterLat.push(r.ms);
    if (!env.objects?.length) break;
    seen += env.objects.length;
    after = r.res.headers.get('x-taxii-date-added-last');
  }
  console.log(`limit=100 + added_after, whole collection (${seen} objects): ${fmt(afterLat)}`);

  // POST of 1,000-object envelopes (validated, stored, status returned).
  const postLat: number[] = [];
  for (let k = 0; k < POSTS; k++) {
    const body = JSON.stringify({ objects: Array.from({ length: 1000 }, (_, i) => indicator(k * 1000 + i)) });
    const r = await timed(`${base}/taxii2/api/collections/${post.id}/objects/`, { ...headers, 'content-type': MT }, { method: 'POST', body });
    const st = JSON.parse(r.text);
    if (r.res.status !== 202 || st.success_count !== 1000) throw new Error(`POST failed: ${r.res.status} ${r.text.slice(0, 200)}`);
    postLat.push(r.ms);
  }
  console.log(`POST 1,000-object envelope (${(JSON.stringify({ objects: Array.from({ length: 1000 }, (_, i) => indicator(i)) }).length / 1e6).toFixed(2)} MB): ${fmt(postLat)}`);

  // Baseline: a bare Fastify route, same process, client and run.
  const bare = Fastify({ logger: false });
  bare.get('/', async () => ({ ok: true }));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const bareAddr = bare.server.address();
  const bareUrl = `http://127.0.0.1:${typeof bareAddr === 'object' && bareAddr ? bareAddr.port : 0}/`;
  for (let i = 0; i < 50; i++) await timed(bareUrl, {});
  const bareLat: number[] = [];
  for (let i = 0; i < 1000; i++) bareLat.push((await timed(bareUrl, {})).ms);
  console.log(`baseline bare Fastify GET: ${fmt(bareLat)}`);
  await bare.close();
} finally {
  await p.destroy();
}
