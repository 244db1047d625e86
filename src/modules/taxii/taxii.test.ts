// The TAXII 2.1 server end to end through the HTTP app, on PGlite and PostgreSQL: authentication,
// content negotiation, permissions, adding and versioning objects, filters, pagination, status,
// tokens and the service contract. Returned objects are checked against the official STIX schemas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { BACKENDS, startTestPlatform, type TestPlatform } from '../../../test/harness.js';
import { loginAs } from '../../../test/session.js';
import type { TaxiiService } from './service.js';
import { TLP2_EXTENSION } from './stix.js';

const PASSWORD = 'correct horse battery staple';
const TOTP = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const MT = 'application/taxii+json;version=2.1';
const SCHEMAS = '/work/shared/reference/stix2/schemas';

// ---- official schemas (tests only) ------------------------------------------------------------
const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: false, allErrors: true, validateFormats: true, unicodeRegExp: false });
(addFormats as unknown as typeof addFormats.default)(ajv);
const byType = new Map<string, string>();
for (const dir of ['common', 'sdos', 'sros', 'observables']) {
  for (const f of readdirSync(join(SCHEMAS, dir))) {
    const schema = JSON.parse(readFileSync(join(SCHEMAS, dir, f), 'utf8'));
    ajv.addSchema(schema);
    if (dir !== 'common' || f === 'marking-definition.json') byType.set(f.replace(/\.json$/, ''), schema.$id);
  }
}
function officialProblems(obj: Record<string, unknown>): string | null {
  const id = byType.get(obj.type as string);
  if (!id) return null;
  const validate = ajv.getSchema(id)!;
  return validate(obj) ? null : ajv.errorsText(validate.errors);
}

// ---- STIX fixtures ----------------------------------------------------------------------------
const T0 = '2026-04-01T00:00:00.000Z';
const sid = (type: string) => `${type}--${randomUUID()}`;
const identity = { type: 'identity', spec_version: '2.1', id: sid('identity'), created: T0, modified: T0, name: '電力会社A', identity_class: 'organization' };
const tlpGreen = {
  type: 'marking-definition', spec_version: '2.1', id: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb', created: '2022-10-01T00:00:00.000Z', name: 'TLP:GREEN',
  extensions: { [TLP2_EXTENSION]: { extension_type: 'property-extension', tlp_2_0: 'green' } },
};
const indicator = (over: Record<string, unknown> = {}) => ({
  type: 'indicator', spec_version: '2.1', id: sid('indicator'), created: T0, modified: T0, name: 'C2 address', indicator_types: ['malicious-activity'],
  pattern: "[ipv4-addr:value = '198.51.100.7']", pattern_type: 'stix', valid_from: T0, object_marking_refs: [tlpGreen.id], created_by_ref: identity.id, ...over,
});
const malware = { type: 'malware', spec_version: '2.1', id: sid('malware'), created: T0, modified: T0, name: 'PlugX', is_family: true, malware_types: ['remote-access-trojan'] };
const attack = { type: 'attack-pattern', spec_version: '2.1', id: sid('attack-pattern'), created: T0, modified: T0, name: 'Spearphishing Attachment', external_references: [{ source_name: 'mitre-attack', external_id: 'T1566.001' }] };
const ip = { type: 'ipv4-addr', spec_version: '2.1', id: sid('ipv4-addr'), value: '198.51.100.7' };
const domain = { type: 'domain-name', spec_version: '2.1', id: sid('domain-name'), value: 'evil.example.net' };
const url = { type: 'url', spec_version: '2.1', id: sid('url'), value: 'http://evil.example.net/a.zip' };
const file = { type: 'file', spec_version: '2.1', id: sid('file'), name: '請求書.zip', hashes: { 'SHA-256': 'a'.repeat(64) } };
const email = { type: 'email-message', spec_version: '2.1', id: sid('email-message'), is_multipart: false, subject: '【至急】請求書の送付', date: T0 };
const observed = { type: 'observed-data', spec_version: '2.1', id: sid('observed-data'), created: T0, modified: T0, first_observed: T0, last_observed: T0, number_observed: 1, object_refs: [email.id, file.id, ip.id] };
const rel = { type: 'relationship', spec_version: '2.1', id: sid('relationship'), created: T0, modified: T0, relationship_type: 'indicates', source_ref: '', target_ref: malware.id };
const note = { type: 'note', spec_version: '2.1', id: sid('note'), created: T0, modified: T0, content: '同種のメールを3件確認', object_refs: [malware.id] };
const custom = { type: 'x-jcsip-sector', spec_version: '2.1', id: sid('x-jcsip-sector'), created: T0, modified: T0, sector: 'electric' };

describe.each(BACKENDS)('TAXII 2.1 server on %s', (backend) => {
  let p: TestPlatform;
  let svc: TaxiiService;
  let orgA: string; let orgB: string;
  let shared: { id: string }; let secret: { id: string }; let inboxB: { id: string };
  const basic = (email: string, pw = PASSWORD) => `Basic ${Buffer.from(`${email}:${pw}`).toString('base64')}`;
  let A: string; let B: string;

  beforeAll(async () => {
    p = await startTestPlatform(backend);
    svc = p.ctx.services.get('taxii') as TaxiiService;
    const a = p.ctx.auth;
    orgA = (await a.createOrganisation({ name: '電力会社A', kind: 'other' })).id;
    orgB = (await a.createOrganisation({ name: 'ガス会社B', kind: 'other' })).id;
    await a.createUser({ email: 'alice@a.example.jp', displayName: 'A', password: PASSWORD, kind: 'org', organisationId: orgA });
    await a.createUser({ email: 'bob@b.example.jp', displayName: 'B', password: PASSWORD, kind: 'org', organisationId: orgB });
    await a.createUser({ email: 'carol@b.example.jp', displayName: 'C', password: PASSWORD, kind: 'org', organisationId: orgB });
    await a.createUser({ email: 'auditor@ipa.example.jp', displayName: 'Auditor', password: PASSWORD, kind: 'staff', roles: ['auditor'], totpSecret: TOTP });
    A = basic('alice@a.example.jp'); B = basic('bob@b.example.jp');
    shared = await svc.ensureCollection({ key: 'test-shared', title: 'Shared', readers: { organisationIds: [orgA, orgB], staffPermission: 'audit.read' }, writers: { organisationIds: [orgA] } });
    secret = await svc.ensureCollection({ key: 'test-secret', title: 'Secret', readers: { organisationIds: [] }, writers: { organisationIds: [] } });
    inboxB = await svc.ensureCollection({ key: 'test-inbox-b', title: 'Inbox B', readers: { organisationIds: [orgB] }, writers: { organisationIds: [orgA] } });
  });
  afterAll(async () => { await p?.destroy(); });

  const get = (url: string, auth?: string, accept = MT) => p.app.inject({ method: 'GET', url, headers: { ...(auth ? { authorization: auth } : {}), ...(accept ? { accept } : {}) } });
  const post = (url: string, auth: string, body: unknown, contentType = MT) =>
    p.app.inject({ method: 'POST', url, headers: { authorization: auth, accept: MT, 'content-type': contentType }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
  const objectsUrl = (c: { id: string }) => `/taxii2/api/collections/${c.id}/objects/`;
  const expectTaxiiError = (res: { statusCode: number; headers: Record<string, unknown>; json(): any }, status: number) => {
    expect(res.statusCode).toBe(status);
    expect(String(res.headers['content-type'])).toBe(MT);
    const e = res.json();
    expect(typeof e.title).toBe('string');
    expect(e.http_status).toBe(String(status));
    expect(e.error).toBeUndefined();
  };
  const count = async (c: { id: string }) => Number((await sql<{ n: number }>`select count(*)::int as n from taxii_objects where collection_id = ${c.id}`.execute(p.ctx.db)).rows[0].n);

  it('asks for credentials with WWW-Authenticate, and negotiates the TAXII media type', async () => {
    const none = await get('/taxii2/');
    expectTaxiiError(none, 401);
    expect(String(none.headers['www-authenticate'])).toMatch(/^Basic realm=/);
    expectTaxiiError(await get('/taxii2/', basic('alice@a.example.jp', 'wrong password!!'), MT), 401);
    expectTaxiiError(await get('/taxii2/', 'Bearer taxii_nonsense'), 401);
    const disc = await get('/taxii2/', A);
    expect(disc.statusCode).toBe(200);
    expect(disc.headers['content-type']).toBe(MT);
    expect(disc.json().api_roots).toEqual([`${p.config.baseUrl.replace(/\/$/, '')}/taxii2/api/`]);
    expect((await get('/taxii2/', A, 'application/taxii+json')).statusCode).toBe(200);
    expectTaxiiError(await get('/taxii2/', A, 'application/json'), 406);
    expectTaxiiError(await get('/taxii2/', A, 'application/taxii+json;version=2.0'), 406);
    const root = await get('/taxii2/api/', A);
    expect(root.json()).toMatchObject({ versions: [MT], max_content_length: 10 * 1024 * 1024 });
    expectTaxiiError(await get('/taxii2/api/nothing/', A), 404);
  });

  it('shows each caller only the collections it may use, with its own can_read/can_write', async () => {
    const a = (await get('/taxii2/api/collections/', A)).json().collections;
    const b = (await get('/taxii2/api/collections/', B)).json().collections;
    expect(a.map((c: any) => c.alias).sort()).toEqual(['test-inbox-b', 'test-shared']);
    expect(a.find((c: any) => c.alias === 'test-shared')).toMatchObject({ id: shared.id, can_read: true, can_write: true, media_types: ['application/stix+json;version=2.1'] });
    expect(a.find((c: any) => c.alias === 'test-inbox-b')).toMatchObject({ can_read: false, can_write: true });
    expect(b.find((c: any) => c.alias === 'test-shared')).toMatchObject({ can_read: true, can_write: false });
    expectTaxiiError(await get(`/taxii2/api/collections/${secret.id}/`, A), 404);
    expectTaxiiError(await get(objectsUrl(secret), A), 404);
    expectTaxiiError(await get(objectsUrl(inboxB), A), 403);
    expectTaxiiError(await post(objectsUrl(shared), B, { objects: [indicator()] }), 403);
    expectTaxiiError(await post(objectsUrl(secret), A, { objects: [indicator()] }), 404);
  });

  it('adds an envelope, reports malformed objects as failures, and returns valid STIX', async () => {
    const ind = indicator();
    const good = [identity, tlpGreen, ind, malware, attack, ip, domain, url, file, email, observed, { ...rel, source_ref: ind.id }, note, custom,
      { type: 'report', spec_version: '2.1', id: sid('report'), created: T0, modified: T0, name: '四半期報告', published: T0, object_refs: [ind.id, malware.id] }];
    const bad = [
      { ...indicator(), pattern: undefined },
      { ...indicator(), valid_from: '2026-02-30T00:00:00Z' },
      { type: 'malware', spec_version: '2.1', id: 'indicator--' + randomUUID(), created: T0, modified: T0, is_family: false },
      'not an object',
    ];
    expect(officialProblems(bad[0] as Record<string, unknown>)).not.toBeNull(); // the official check does bite
    const before = await count(shared);
    const res = await post(objectsUrl(shared), A, { objects: [...good, ...bad] });
    expect(res.statusCode).toBe(202);
    expect(res.headers['content-type']).toBe(MT);
    const status = res.json();
    expect(status).toMatchObject({ status: 'complete', total_count: good.length + bad.length, success_count: good.length, failure_count: bad.length, pending_count: 0 });
    expect(status.failures[0]).toMatchObject({ id: (bad[0] as { id: string }).id });
    expect(await count(shared)).toBe(before + good.length);
    const again = await get(`/taxii2/api/status/${status.id}/`, A);
    expect(again.json()).toMatchObject({ id: status.id, success_count: good.length, failure_count: bad.length });
    expectTaxiiError(await get(`/taxii2/api/status/${status.id}/`, B), 404);

    const all = await get(`${objectsUrl(shared)}?limit=1000`, B);
    expect(all.statusCode).toBe(200);
    const env = all.json();
    expect(env.more).toBe(false);
    for (const g of good) {
      const o = env.objects.find((x: any) => x.id === g.id);
      expect(o).toEqual(g);
      expect(officialProblems(o), `${o.type} against the official schema`).toBeNull();
    }
    expect(all.headers['x-taxii-date-added-first']).toMatch(/Z$/);
    // Re-sending the same objects stores nothing new.
    const dup = (await post(objectsUrl(shared), A, { objects: good })).json();
    expect(dup.success_count).toBe(good.length);
    expect(await count(shared)).toBe(before + good.length);

    const audits = await sql<{ action: string; n: number }>`select action, count(*)::int as n from audit_log where action like 'taxii.%' group by action`.execute(p.ctx.db);
    const byAction = Object.fromEntries(audits.rows.map((r) => [r.action, r.n]));
    expect(byAction['taxii.objects_add']).toBeGreaterThanOrEqual(2);
    expect(byAction['taxii.read']).toBeGreaterThanOrEqual(1);
  });

  it('refuses bad envelopes with TAXII errors: 415, 400, 422, 413', async () => {
    expectTaxiiError(await post(objectsUrl(shared), A, { objects: [] }, 'application/json'), 415);
    expectTaxiiError(await post(objectsUrl(shared), A, 'objects=1', 'application/x-www-form-urlencoded'), 415);
    expectTaxiiError(await post(objectsUrl(shared), A, '{"objects": [', MT), 400);
    expectTaxiiError(await post(objectsUrl(shared), A, [1, 2], MT), 400);
    expectTaxiiError(await post(objectsUrl(shared), A, { more: false }, MT), 422);
    const many = { objects: Array.from({ length: 10_001 }, () => ({})) };
    expectTaxiiError(await post(objectsUrl(shared), A, many), 413);
    const huge = JSON.stringify({ objects: [{ ...indicator(), description: 'x'.repeat(10 * 1024 * 1024) }] });
    expectTaxiiError(await post(objectsUrl(shared), A, huge), 413);
    expectTaxiiError(await get(`${objectsUrl(shared)}?limit=0`, A), 400);
    expectTaxiiError(await get(`${objectsUrl(shared)}?added_after=yesterday`, A), 400);
    expectTaxiiError(await get(`${objectsUrl(shared)}?next=zzz`, A), 400);
    expectTaxiiError(await get(`${objectsUrl(shared)}?match[version]=newest`, A), 400);
  });

  it('keeps versions by id and modified, and filters by match[version], match[id], match[type]', async () => {
    const v1 = indicator({ modified: '2026-04-01T00:00:00.000Z' });
    const v2 = { ...v1, modified: '2026-04-02T00:00:00.000Z', name: 'C2 v2' };
    const v0 = { ...v1, modified: '2026-04-01T00:00:00.000001Z', name: 'between' };
    expect((await post(objectsUrl(shared), A, { objects: [v1] })).json().success_count).toBe(1);
    expect((await post(objectsUrl(shared), A, { objects: [v2, v0] })).json().success_count).toBe(2);
    const obj = `${objectsUrl(shared)}${v1.id}/`;
    expect((await get(obj, B)).json().objects).toEqual([v2]);
    expect((await get(`${obj}?match[version]=first`, B)).json().objects).toEqual([v1]);
    expect((await get(`${obj}?match[version]=all`, B)).json().objects).toHaveLength(3);
    expect((await get(`${obj}?match[version]=${v0.modified}`, B)).json().objects).toEqual([v0]);
    expect((await get(`${obj}?match[version]=first,last`, B)).json().objects).toHaveLength(2);
    const versions = (await get(`${obj}versions/`, B)).json();
    expect(versions.versions.sort()).toEqual([v1.modified, v0.modified, v2.modified].sort());
    expectTaxiiError(await get(`${objectsUrl(shared)}indicator--${randomUUID()}/`, B), 404);
    const ids = (await get(`${objectsUrl(shared)}?match[id]=${v1.id},${malware.id}`, B)).json().objects.map((o: any) => o.id);
    expect(ids.sort()).toEqual([v1.id, malware.id].sort());
    const types = (await get(`${objectsUrl(shared)}?match[type]=malware&match[type]=attack-pattern&limit=1000`, B)).json().objects.map((o: any) => o.type);
    expect(new Set(types)).toEqual(new Set(['malware', 'attack-pattern']));
    const manifest = (await get(`${objectsUrl(shared).replace('objects/', 'manifest/')}?match[id]=${v1.id}`, B)).json();
    expect(manifest.objects).toEqual([expect.objectContaining({ id: v1.id, version: v2.modified, media_type: 'application/stix+json;version=2.1' })]);
    expect((await get(`${objectsUrl(shared)}?match[spec_version]=2.0`, B)).json()).toEqual({ more: false });
  });

  it('pages through a collection with limit/next and added_after without losing or repeating objects', async () => {
    const c = await svc.ensureCollection({ key: 'test-paging', title: 'Paging', readers: { organisationIds: [orgA] }, writers: { organisationIds: [orgA] } });
    const objs = Array.from({ length: 57 }, () => indicator());
    expect(await svc.addObjects('test-paging', objs.slice(0, 30))).toEqual({ added: 30, versions: 0 });
    expect(await svc.addObjects('test-paging', objs.slice(30))).toEqual({ added: 27, versions: 0 });
    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const res = await get(`${objectsUrl(c)}?limit=10${next ? `&next=${encodeURIComponent(next)}` : ''}`, A);
      const env = res.json();
      seen.push(...env.objects.map((o: any) => o.id));
      expect(res.headers['x-taxii-date-added-last']).toBeTruthy();
      next = env.more ? env.next : undefined;
      pages++;
    } while (next);
    expect(pages).toBe(6);
    expect(seen).toEqual(objs.map((o) => o.id));
    // added_after from the last header of a page continues after it.
    const first = await get(`${objectsUrl(c)}?limit=20`, A);
    const rest = (await get(`${objectsUrl(c)}?limit=100&added_after=${first.headers['x-taxii-date-added-last']}`, A)).json();
    expect(rest.objects.map((o: any) => o.id)).toEqual(objs.slice(20).map((o) => o.id));
    // objectsAddedSince pages the same way for pulling consumers.
    const got: string[] = [];
    let since: Date | null = null;
    for (;;) {
      const batch = await svc.objectsAddedSince('test-paging', since, 25);
      if (!batch.length) break;
      got.push(...batch.map((b) => b.object.id as string));
      since = batch[batch.length - 1].addedAt;
    }
    expect(got).toEqual(objs.map((o) => o.id));
  });

  it('service: validates all-or-nothing, versions by modified, updates access, records who added', async () => {
    await expect(svc.addObjects('test-inbox-b', [indicator(), { ...indicator(), pattern_type: '' }])).rejects.toMatchObject({ status: 422 });
    expect(await count(inboxB)).toBe(0);
    await expect(svc.addObjects('no-such-collection', [indicator()])).rejects.toMatchObject({ status: 404 });
    const ind = indicator();
    expect(await svc.addObjects('test-inbox-b', [ind, identity])).toEqual({ added: 2, versions: 0 });
    expect(await svc.addObjects('test-inbox-b', [{ ...ind, modified: '2026-05-01T00:00:00Z' }, ind])).toEqual({ added: 0, versions: 1 });
    // A POST by an organisation is attributed to it.
    await post(objectsUrl(inboxB), A, { objects: [malware] });
    const since = await svc.objectsAddedSince('test-inbox-b', null, 100);
    expect(since.map((s) => s.addedByOrganisationId)).toEqual([null, null, null, orgA]);
    expect(since[0].addedAt).toBeInstanceOf(Date);
    // ensureCollection is an upsert by key; setAccess changes who may read.
    const again = await svc.ensureCollection({ key: 'test-inbox-b', title: 'Inbox B (renamed)', readers: { organisationIds: [orgB] }, writers: { organisationIds: [orgA] } });
    expect(again.id).toBe(inboxB.id);
    await svc.setAccess('test-inbox-b', { readers: { organisationIds: [orgA] }, writers: { organisationIds: [] } });
    expect((await get(`/taxii2/api/collections/${inboxB.id}/`, A)).json()).toMatchObject({ title: 'Inbox B (renamed)', can_read: true, can_write: false });
    expectTaxiiError(await get(`/taxii2/api/collections/${inboxB.id}/`, B), 404);
    await expect(svc.setAccess('nope', { readers: { organisationIds: [] }, writers: { organisationIds: [] } })).rejects.toMatchObject({ status: 404 });
    // Within a caller's transaction: rolled back together.
    await expect(p.ctx.db.transaction().execute(async (trx) => {
      await svc.ensureCollection({ key: 'test-rolled-back', title: 'x', readers: { organisationIds: [] }, writers: { organisationIds: [] } }, trx);
      await svc.addObjects('test-rolled-back', [indicator()], trx);
      throw new Error('abort');
    })).rejects.toThrow('abort');
    expect((await sql<{ n: number }>`select count(*)::int as n from taxii_collections where key = 'test-rolled-back'`.execute(p.ctx.db)).rows[0].n).toBe(0);
  });

  it('lets users create, use and revoke API tokens; staff must use tokens', async () => {
    expectTaxiiError(await get('/taxii2/', basic('auditor@ipa.example.jp')), 401);
    const s = await loginAs(p.app, 'auditor@ipa.example.jp', PASSWORD, TOTP);
    const page = await p.app.inject({ method: 'GET', url: '/account/taxii-tokens', headers: { cookie: s.cookie, accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
    const form = (url: string, fields: Record<string, string>) => p.app.inject({ method: 'POST', url, payload: new URLSearchParams({ _csrf: csrf, ...fields }).toString(), headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' } });
    const created = await form('/account/taxii-tokens', { name: 'SIEM' });
    expect(created.statusCode).toBe(200);
    const token = /<code id="new-token">(taxii_[A-Za-z0-9_-]+)<\/code>/.exec(created.body)![1];
    const stored = await sql<{ token_hash: string; id: string }>`select id, token_hash from taxii_tokens`.execute(p.ctx.db);
    expect(stored.rows.some((r) => r.token_hash === token)).toBe(false);
    const list = await p.app.inject({ method: 'GET', url: '/account/taxii-tokens', headers: { cookie: s.cookie, accept: 'text/html' } });
    expect(list.body).toContain('SIEM');
    expect(list.body).not.toContain(token);
    const cols = (await get('/taxii2/api/collections/', `Bearer ${token}`)).json().collections;
    expect(cols.map((c: any) => c.alias)).toEqual(['test-shared']);
    expect(cols[0]).toMatchObject({ can_read: true, can_write: false });
    expect((await form(`/account/taxii-tokens/${stored.rows[0].id}/revoke`, {})).statusCode).toBe(200);
    expectTaxiiError(await get('/taxii2/', `Bearer ${token}`), 401);
    const actions = (await sql<{ action: string }>`select action from audit_log where action in ('taxii.token_create', 'taxii.token_revoke')`.execute(p.ctx.db)).rows.map((r) => r.action);
    expect(actions.sort()).toEqual(['taxii.token_create', 'taxii.token_revoke']);
    // Without the CSRF token a form post is refused.
    const forged = await p.app.inject({ method: 'POST', url: '/account/taxii-tokens', payload: 'name=x', headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' } });
    expect(forged.statusCode).toBe(403);
  });

  it('throttles failed Basic logins per account', async () => {
    for (let i = 0; i < 5; i++) expectTaxiiError(await get('/taxii2/', basic('carol@b.example.jp', `wrong-password-${i}`)), 401);
    const locked = await get('/taxii2/', basic('carol@b.example.jp'));
    expectTaxiiError(locked, 401);
    expect(locked.json().description).toMatch(/Too many/);
  });
});
