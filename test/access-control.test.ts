// Walks every route the app serves with every kind of actor and asserts who may see each case's
// confidential contents and who may change it. New routes are covered automatically: a route
// that leaks a case's secret marker to an actor outside the case fails this test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startTestPlatform, type TestPlatform } from './harness.js';
import { anonymous, loginAs, multipart, type Session } from './session.js';
import { STAFF_ROLES } from '../src/platform/auth/auth.js';

const PASSWORD = 'access control test pw';
const TOTP = 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU';

type ActorName = 'anonymous' | (typeof STAFF_ROLES)[number] | 'jpcert' | 'vendorA' | 'vendorB' | 'operator' | 'publicUser' | 'reporterP' | 'reporterW';

describe.each(BACKENDS)('access control on %s', (backend) => {
  let p: TestPlatform;
  const sessions = new Map<ActorName, Session>();
  const markers = { P: `SECRET-P-${Math.random().toString(36).slice(2)}`, W: `SECRET-W-${Math.random().toString(36).slice(2)}` };
  let refs: { P: string; W: string };
  let tokens: { P: string; W: string };
  let fileIds: { P: string };
  /** Who may read each case. Staff readers: roles holding vulndesk.read. */
  const readers = {
    P: new Set<ActorName>(['intake_handler', 'coordinator', 'analyst', 'publisher', 'jpcert', 'vendorA', 'reporterP']),
    W: new Set<ActorName>(['intake_handler', 'coordinator', 'analyst', 'publisher', 'operator', 'reporterW']),
  };

  beforeAll(async () => {
    p = await startTestPlatform(backend);
    const a = p.ctx.auth;
    const jpcertOrg = await a.createOrganisation({ name: 'JPCERT/CC', kind: 'coordinator', email: 'c@jpcert.example.jp' });
    const vendorA = await a.createOrganisation({ name: 'Vendor A', kind: 'vendor', email: 'a@vendor.example.jp' });
    const vendorB = await a.createOrganisation({ name: 'Vendor B', kind: 'vendor', email: 'b@vendor.example.jp' });
    const operator = await a.createOrganisation({ name: 'Operator', kind: 'site_operator', email: 'o@site.example.jp' });
    for (const role of STAFF_ROLES) await a.createUser({ email: `${role}@ipa.example.jp`, displayName: role, password: PASSWORD, kind: 'staff', roles: [role], totpSecret: TOTP });
    await a.createUser({ email: 'u@jpcert.example.jp', displayName: 'jpcert', password: PASSWORD, kind: 'org', organisationId: jpcertOrg.id });
    await a.createUser({ email: 'u@a.example.jp', displayName: 'vendorA', password: PASSWORD, kind: 'org', organisationId: vendorA.id });
    await a.createUser({ email: 'u@b.example.jp', displayName: 'vendorB', password: PASSWORD, kind: 'org', organisationId: vendorB.id });
    await a.createUser({ email: 'u@o.example.jp', displayName: 'operator', password: PASSWORD, kind: 'org', organisationId: operator.id });
    await a.createUser({ email: 'someone@example.jp', displayName: 'public', password: PASSWORD, kind: 'public' });

    const submit = async (payload: Record<string, unknown>) => {
      const r = await p.app.inject({ method: 'POST', url: '/api/v1/vulnerability-reports', payload });
      expect(r.statusCode).toBe(201);
      return r.json() as { ref: string; trackingUrl: string };
    };
    const P = await submit({ kind: 'product', reporterName: 'r', reporterEmail: 'r@example.jp', productName: 'Prod', productVersions: '1', vendorName: 'Vendor A', description: markers.P, reproduction: 'steps' });
    const W = await submit({ kind: 'web', reporterName: 'w', reporterEmail: 'w@example.jp', siteUrl: 'https://site.example.jp/', description: markers.W, reproduction: 'steps' });
    refs = { P: P.ref, W: W.ref };
    tokens = { P: P.trackingUrl.split('/track/')[1], W: W.trackingUrl.split('/track/')[1] };

    for (const role of STAFF_ROLES) sessions.set(role, await loginAs(p.app, `${role}@ipa.example.jp`, PASSWORD, TOTP));
    sessions.set('jpcert', await loginAs(p.app, 'u@jpcert.example.jp', PASSWORD));
    sessions.set('vendorA', await loginAs(p.app, 'u@a.example.jp', PASSWORD));
    sessions.set('vendorB', await loginAs(p.app, 'u@b.example.jp', PASSWORD));
    sessions.set('operator', await loginAs(p.app, 'u@o.example.jp', PASSWORD));
    sessions.set('publicUser', await loginAs(p.app, 'someone@example.jp', PASSWORD));
    const anon = await anonymous(p.app);
    sessions.set('anonymous', anon);
    sessions.set('reporterP', anon);
    sessions.set('reporterW', anon);

    // Move P to JPCERT/CC and Vendor A; make the operator a party of W; attach a file to P.
    const coord = sessions.get('coordinator')!;
    const intake = sessions.get('intake_handler')!;
    const tr = (s: Session, ref: string, name: string, extra: Record<string, unknown> = {}) =>
      p.app.inject({ method: 'POST', url: `/api/v1/cases/${ref}/transitions`, payload: { name, ...extra }, headers: { cookie: s.cookie } });
    expect((await tr(intake, refs.P, 'start_check')).statusCode).toBe(200);
    expect((await tr(intake, refs.P, 'forward_to_coordinator')).statusCode).toBe(200);
    const c = await p.ctx.cases.load(refs.P);
    await p.ctx.cases.transition(c!.id, 'contact_developer', { ...p.ctx.auth.actorOf((await p.ctx.auth.findUserByEmail('coordinator@ipa.example.jp'))!) }, { organisationId: vendorA.id });
    const w = await p.ctx.cases.load(refs.W);
    await p.ctx.cases.addParty(w!.id, { role: 'operator', organisationId: operator.id }, p.ctx.auth.actorOf((await p.ctx.auth.findUserByEmail('coordinator@ipa.example.jp'))!));
    const vendorParty = (await p.ctx.cases.partiesOf(c!.id)).find((x) => x.role === 'vendor')!;
    const msg = multipart({ _csrf: coord.csrf, body: `file for vendor ${markers.P}`, to: vendorParty.id }, [{ field: 'files', filename: 'detail.txt', data: Buffer.from(markers.P) }]);
    expect((await p.app.inject({ method: 'POST', url: `/staff/cases/${refs.P}/messages`, payload: msg.payload, headers: { ...msg.headers, cookie: coord.cookie } })).statusCode).toBe(303);
    const msgs = await p.ctx.cases.messagesFor(c!.id, { ...p.ctx.auth.actorOf((await p.ctx.auth.findUserByEmail('coordinator@ipa.example.jp'))!) }, []);
    fileIds = { P: msgs.flatMap((m) => m.attachments)[0].fileId };
  }, 180_000);
  afterAll(async () => { await p?.destroy(); });

  function concreteUrls(url: string, actor: ActorName): Array<{ url: string; caseKey: 'P' | 'W' | null }> {
    if (url.includes('*') || url.startsWith('/api/docs')) return [];
    const out: Array<{ url: string; caseKey: 'P' | 'W' | null }> = [];
    for (const key of ['P', 'W'] as const) {
      if (!url.includes(':')) { if (key === 'P') out.push({ url, caseKey: null }); continue; }
      // The tracking link is a capability: only its reporter holds it. Everyone else can only guess.
      const token = actor === 'reporterP' ? tokens.P : actor === 'reporterW' ? tokens.W : 'guessed_' + tokens[key].slice(8).split('').reverse().join('');
      const u = url.replace(':ref', refs[key]).replace(':token', token).replace(':fileId', fileIds.P).replace(':id', '00000000-0000-0000-0000-000000000000');
      if (u.includes(':')) continue;
            out.push({ url: u, caseKey: key });
    }
    return out;
  }

  it('never shows a case to anyone outside its parties and readers, on any GET route', async () => {
    const routes = p.app.mamoriRoutes.filter((r) => r.method === 'GET');
    expect(routes.length).toBeGreaterThan(20);
    let checked = 0;
    const leaks: string[] = [];
    for (const actor of sessions.keys()) {
      const s = sessions.get(actor)!;
      for (const r of routes) {
        for (const { url } of concreteUrls(r.url, actor)) {
          const res = await p.app.inject({ method: 'GET', url, headers: { cookie: s.cookie, accept: 'text/html' } });
          checked++;
          expect(res.statusCode, `${actor} GET ${url}`).toBeLessThan(500);
          for (const key of ['P', 'W'] as const) {
            const body = res.rawPayload.toString('latin1') + res.body;
            if (body.includes(markers[key]) && !readers[key].has(actor)) leaks.push(`${actor} saw case ${key} via GET ${url}`);
          }
        }
      }
    }
    expect(leaks).toEqual([]);
    expect(checked).toBeGreaterThan(200);
  });

  it('lets each reader see what it should', async () => {
    const see = async (actor: ActorName, url: string) => {
      const res = await p.app.inject({ method: 'GET', url, headers: { cookie: sessions.get(actor)!.cookie, accept: 'text/html' } });
      return res.statusCode === 200 ? res.body : '';
    };
    for (const role of ['intake_handler', 'coordinator', 'analyst', 'publisher'] as const) {
      expect(await see(role, `/staff/cases/${refs.P}`)).toContain(markers.P);
      expect(await see(role, `/staff/cases/${refs.W}`)).toContain(markers.W);
    }
    expect(await see('jpcert', `/cases/${refs.P}`)).toContain(markers.P);
    expect(await see('vendorA', `/cases/${refs.P}`)).toContain(markers.P);
    expect(await see('operator', `/cases/${refs.W}`)).toContain(markers.W);
    expect(await see('reporterP', `/track/${tokens.P}`)).toContain(markers.P);
    for (const role of ['administrator', 'auditor'] as const) expect(await see(role, `/staff/cases/${refs.P}`)).toBe('');
  });

  it('refuses every state-changing route on a case to actors without the right', async () => {
    const posts = p.app.mamoriRoutes.filter((r) => r.method === 'POST' && r.url.includes(':ref'));
    expect(posts.length).toBeGreaterThan(5);
    const outsiders: ActorName[] = ['anonymous', 'administrator', 'auditor', 'vendorB', 'publicUser', 'operator'];
    for (const actor of outsiders) {
      const s = sessions.get(actor)!;
      for (const r of posts) {
        const url = r.url.replace(':ref', refs.P);
        const before = await p.ctx.cases.load(refs.P);
        const body = new URLSearchParams({ _csrf: s.csrf, transition: 'close', reason: 'withdrawn', body: 'x', assignee: '', due: '2030-01-01', tags: 'x', organisationId: '', level: 'alert', alertTitle: 'x', advisoryTitle: 'x', proposedDate: '2030-01-01' }).toString();
        const res = url.startsWith('/api/')
          ? await p.app.inject({ method: 'POST', url, payload: { name: 'close', reason: 'withdrawn' }, headers: { cookie: s.cookie } })
          : await p.app.inject({ method: 'POST', url, payload: body, headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' } });
        expect([401, 403, 404, 303].includes(res.statusCode) && res.statusCode !== 303, `${actor} POST ${url} → ${res.statusCode}`).toBe(true);
        const after = await p.ctx.cases.load(refs.P);
        expect(after!.version, `${actor} POST ${url} changed the case`).toBe(before!.version);
      }
    }
  });
});
