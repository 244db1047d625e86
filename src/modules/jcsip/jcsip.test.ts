// J-CSIP: participants, provisions (portal, intake e-mail, TAXII inbox), anonymisation with
// preview and approval, sharing under the providers' conditions (portal, e-mail, STIX via TAXII,
// validated against the official STIX 2.1 schemas), public alerts, confidentiality across
// organisations × items × interfaces, and the published figures — on PGlite and PostgreSQL.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { BACKENDS, startTestPlatform, type TestPlatform } from '../../../test/harness.js';
import { loginAs, multipart, type Session } from '../../../test/session.js';
import { SYSTEM_ACTOR, type Actor } from '../../platform/context.js';
import type { User } from '../../platform/auth/auth.js';
import { AppError } from '../../platform/http/errors.js';
import { jstMidnight } from '../../platform/i18n/dates.js';
import { jcsipModule } from './definition.js';
import { ALL_COLLECTION, inboxKey, intakeAddress, sigCollectionKey, type JcsipService, type Member, type TaxiiService } from './service.js';
import { redact } from './redaction.js';

const PASSWORD = 'jcsip test password 2026';
const TOTP = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const SCHEMAS = '/work/shared/reference/stix2/schemas';

function eml(opts: { from?: string; to?: string; subject?: string; body?: string } = {}): Buffer {
  return Buffer.from([
    `From: "Billing" <${opts.from ?? 'billing@evil-invoice.example.net'}>`,
    `To: ${opts.to ?? 'taro.yamada@mihon-heavy.example.jp'}`,
    `Subject: ${opts.subject ?? 'Invoice 2020-07'}`,
    'Date: Tue, 28 Jul 2020 09:00:00 +0900',
    'Message-ID: <abc123@evil-invoice.example.net>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    opts.body ?? 'Dear Taro Yamada, please open http://malicious-dl.example.com/inv.doc from host fs01.mihon.local (10.1.2.3). Mihon Heavy Industries accounting.',
    '',
  ].join('\r\n'));
}

function stixValidator() {
  // CommonJS default exports seen through NodeNext typings.
  const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: false, allErrors: true, unicodeRegExp: false });
  (addFormats as unknown as typeof addFormats.default)(ajv);
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : []));
  for (const f of walk(SCHEMAS)) ajv.addSchema(JSON.parse(readFileSync(f, 'utf8')));
  const byType = (type: string) => {
    for (const sub of ['sdos', 'sros', 'observables', 'common']) {
      const id = `http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/${sub}/${type}.json`;
      const v = ajv.getSchema(id);
      if (v) return v;
    }
    throw new Error(`no schema for ${type}`);
  };
  return { bundle: byType('bundle'), object: (o: Record<string, unknown>) => { const v = byType(String(o.type)); return v(o) ? null : JSON.stringify(v.errors); } };
}

describe.each(BACKENDS)('J-CSIP (%s)', (backend) => {
  let p: TestPlatform;
  let svc: JcsipService;
  let taxii: TaxiiService;
  let staff: Actor;
  const orgs: Record<string, Member> = {};
  const users: Record<string, User> = {};
  const sessions: Record<string, Session> = {};

  beforeAll(async () => {
    p = await startTestPlatform(backend);
    svc = p.ctx.services.get('jcsip') as JcsipService;
    taxii = p.ctx.services.get('taxii') as TaxiiService;
    const a = p.ctx.auth;
    const analyst = await a.createUser({ email: 'jc-analyst@ipa.example.jp', displayName: '分析 太郎', password: PASSWORD, kind: 'staff', roles: ['analyst', 'coordinator', 'publisher'], totpSecret: TOTP });
    staff = a.actorOf(analyst);
    // A, B in heavy industry; C in electric power; D applied but never active.
    for (const [k, sig, name, email] of [['A', 'heavy', 'みほん重工株式会社', 'security@mihon-heavy.example.jp'], ['B', 'heavy', 'ためし機械株式会社', 'sec@tameshi-kikai.example.jp'], ['C', 'electric', 'ひかり電力株式会社', 'soc@hikari-power.example.jp'], ['D', 'heavy', 'こだま工業株式会社', 'it@kodama.example.jp']] as const) {
      const m = await svc.addMember({ name, nameEn: k === 'A' ? 'Mihon Heavy Industries' : `${k} corp`, email, sigId: sig, appliedOn: '2020-05-01' }, staff);
      if (k !== 'D') {
        await svc.transitionMember(m.organisationId, 'agreement_signed', '2020-05-20', staff);
        orgs[k] = await svc.transitionMember(m.organisationId, 'active', '2020-06-01', staff);
      } else orgs[k] = m;
      const u = await a.createUser({ email: `user-${k.toLowerCase()}@${email.split('@')[1]}`, displayName: `${k} user`, password: PASSWORD, kind: 'org', organisationId: m.organisationId });
      users[k] = u;
      await svc.addContact(m.organisationId, { name: `${k} user`, email: u.email, role: 'submitter' }, staff);
      await svc.addContact(m.organisationId, { name: `${k} user`, email: u.email, role: 'reader' }, staff);
    }
    sessions.staff = await loginAs(p.app, 'jc-analyst@ipa.example.jp', PASSWORD, TOTP);
    for (const k of ['A', 'B', 'C', 'D']) sessions[k] = await loginAs(p.app, users[k].email, PASSWORD);
  }, 120_000);
  afterAll(async () => { await p?.destroy(); });

  it('seeds 13 SIGs and 2 linkage schemes, and keeps membership history with dates', async () => {
    const sigs = await svc.listSigs();
    expect(sigs.filter((s) => s.kind === 'sig')).toHaveLength(13);
    expect(sigs.filter((s) => s.kind === 'scheme').map((s) => s.id)).toEqual(['hospitals', 'water']);
    expect(sigs.find((s) => s.id === 'hospitals')?.facilities).toBe(5500);
    expect(orgs.A.state).toBe('active');
    expect(orgs.A.joinedAt).toEqual(jstMidnight(2020, 6, 1));
    expect((await svc.memberEvents(orgs.A.organisationId)).map((e) => e.to)).toEqual(['applied', 'agreement_signed', 'active']);
    await expect(svc.transitionMember(orgs.D.organisationId, 'active', '2020-06-01', staff)).rejects.toMatchObject({ status: 409 });
    // Staff pages.
    const page = await p.app.inject({ method: 'GET', url: '/staff/jcsip/members', headers: { cookie: sessions.staff.cookie, accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('みほん重工株式会社');
    const add = await p.app.inject({ method: 'POST', url: '/staff/jcsip/members', headers: { cookie: sessions.staff.cookie, accept: 'text/html' }, payload: { _csrf: sessions.staff.csrf, name: 'わかば化学株式会社', sigId: 'chemical', appliedOn: '2020-09-01' } });
    expect(add.statusCode).toBe(303);
  });

  it('gives each active participant a TAXII inbox and SIG collections readable only by active members', async () => {
    await svc.syncTaxiiAccess();
    const rows = await sql<any>`select key, readers, writers from taxii_collections where key like 'jcsip-%'`.execute(p.ctx.db);
    const byKey = new Map(rows.rows.map((r) => [r.key, { readers: typeof r.readers === 'string' ? JSON.parse(r.readers) : r.readers, writers: typeof r.writers === 'string' ? JSON.parse(r.writers) : r.writers }]));
    expect(byKey.get(inboxKey(orgs.A.organisationId))?.writers.organisationIds).toEqual([orgs.A.organisationId]);
    expect(byKey.get(inboxKey(orgs.A.organisationId))?.readers).toEqual({ organisationIds: [], staffPermission: 'jcsip.analyse' });
    expect(byKey.get(inboxKey(orgs.D.organisationId))?.writers.organisationIds).toEqual([]);
    expect([...byKey.get(sigCollectionKey('heavy'))!.readers.organisationIds].sort()).toEqual([orgs.A.organisationId, orgs.B.organisationId].sort());
    expect(byKey.get(sigCollectionKey('electric'))!.readers.organisationIds).toEqual([orgs.C.organisationId]);
    expect(byKey.get(ALL_COLLECTION)!.readers.organisationIds).toHaveLength(3);
  });

  it('takes a suspicious e-mail through the portal, quarantines it, and extracts indicators', async () => {
    const body = multipart({ _csrf: sessions.A.csrf, kind: 'email', title: '', tlp: 'AMBER', scope: 'sig', indicators: '', body: '' }, [{ field: 'eml', filename: 'mail.eml', contentType: 'message/rfc822', data: eml() }]);
    const res = await p.app.inject({ method: 'POST', url: '/jcsip/portal/provide', headers: { ...body.headers, cookie: sessions.A.cookie, accept: 'text/html' }, payload: body.payload });
    expect(res.statusCode).toBe(303);
    const [prov] = await svc.listProvisions({ organisationId: orgs.A.organisationId });
    expect(prov.kind).toBe('email');
    expect(prov.channel).toBe('portal');
    expect(prov.title).toBe('Invoice 2020-07');
    const inds = (await svc.indicatorsOf([prov.id])).map((i) => `${i.type}:${i.value}`);
    expect(inds).toContain('url:http://malicious-dl.example.com/inv.doc');
    const files = await svc.filesOf(prov.id);
    expect(files[0].kind).toBe('eml');
    const stored = await p.ctx.files.read(files[0].fileId);
    expect(stored?.data.equals(eml())).toBe(true);
    // A user without a contact entry, and a non-active participant, cannot provide.
    const denied = await p.app.inject({ method: 'GET', url: '/jcsip/portal/provide', headers: { cookie: sessions.D.cookie, accept: 'text/html' } });
    expect(denied.statusCode).toBe(403);
    // Missing conditions are refused with field errors.
    await expect(svc.submitProvision(orgs.A.organisationId, { kind: 'report', body: 'x', tlp: 'PURPLE', scope: 'sig' }, { actor: SYSTEM_ACTOR, channel: 'staff' })).rejects.toMatchObject({ status: 422 });
    await expect(svc.submitProvision(orgs.A.organisationId, { kind: 'report', body: 'x', tlp: 'AMBER', scope: 'public' }, { actor: SYSTEM_ACTOR, channel: 'staff' })).rejects.toMatchObject({ status: 422 });
  });

  it('ingests a message sent to the intake address from a registered submitter only', async () => {
    const to = intakeAddress(orgs.B.intakeToken);
    const outer = Buffer.from([
      `From: ${users.B.email}`, `To: ${to}`, 'Subject: Fwd: [TLP:GREEN] [SCOPE:all] Invoice 2020-07', 'Date: Tue, 28 Jul 2020 10:00:00 +0900', 'Message-ID: <fw1@tameshi-kikai.example.jp>', 'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"', '', '--b1', 'Content-Type: text/plain; charset=utf-8', '', 'Received this today.', '--b1',
      'Content-Type: message/rfc822', 'Content-Disposition: attachment; filename="original.eml"', '', eml({ to: 'hanako@tameshi-kikai.example.jp' }).toString(), '--b1--', '',
    ].join('\r\n'));
    const prov = await svc.ingestEmail(outer);
    expect(prov.organisationId).toBe(orgs.B.organisationId);
    expect(prov.channel).toBe('email');
    expect(prov.kind).toBe('email');
    expect(prov.tlp).toBe('GREEN');
    expect(prov.scope).toBe('all');
    expect(prov.title).toBe('Invoice 2020-07');
    // Same campaign as A's mail: found as a duplicate candidate.
    const dups = await svc.duplicatesOf(prov.id);
    expect(dups.some((d) => d.provision.organisationId === orgs.A.organisationId && d.reasons.includes('same-campaign'))).toBe(true);
    const stranger = Buffer.from(outer.toString().replace(`From: ${users.B.email}`, 'From: someone@elsewhere.example.org'));
    await expect(svc.ingestEmail(stranger)).rejects.toMatchObject({ status: 409, code: 'jcsip.intake_sender' });
    await expect(svc.ingestEmail(Buffer.from(outer.toString().replace(to, 'jcsip+nobody@intake.mamori.example.jp')))).rejects.toMatchObject({ status: 409 });

    // The same through `mamori jcsip ingest-mail` (a mail server's pipe transport): 0 when recorded, 67 (bounce) when refused.
    const command = jcsipModule.commands!.find((c) => c.name === 'jcsip ingest-mail')!;
    const io = (raw: Buffer) => { const out: string[] = []; const err: string[] = []; return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), stdin: async () => raw } }; };
    const okRun = io(Buffer.from(outer.toString().replace('fw1@', 'fw2@')));
    expect(await command.run(p.ctx, [], okRun.io)).toBe(0);
    expect(okRun.out[0]).toMatch(/^recorded provision /);
    const refusedRun = io(stranger);
    expect(await command.run(p.ctx, [], refusedRun.io)).toBe(67);
    expect(refusedRun.err[0]).toContain('not a registered submitter');
    expect(await command.run(p.ctx, [], io(Buffer.alloc(0)).io)).toBe(2);
  });

  it('pulls objects from a participant inbox collection on schedule', async () => {
    await svc.syncTaxiiAccess();
    const now = new Date().toISOString();
    await taxii.addObjects(inboxKey(orgs.C.organisationId), [{
      type: 'indicator', spec_version: '2.1', id: 'indicator--0b1f1b34-4a0c-4a7e-9b6a-5d2f0c3e9a11', created: now, modified: now,
      name: 'C2 server', pattern: "[ipv4-addr:value = '203.0.113.77']", pattern_type: 'stix', valid_from: now,
      object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
    }]);
    const before = (await svc.listProvisions({ organisationId: orgs.C.organisationId })).length;
    expect(await svc.pullTaxiiInboxes()).toBe(1);
    expect(await svc.pullTaxiiInboxes()).toBe(0); // the cursor moved on
    const list = await svc.listProvisions({ organisationId: orgs.C.organisationId });
    expect(list.length).toBe(before + 1);
    expect(list[0]).toMatchObject({ channel: 'taxii', kind: 'indicators', tlp: 'GREEN' });
    expect((await svc.indicatorsOf([list[0].id])).map((i) => i.value)).toContain('203.0.113.77');
  });

  it('anonymises with editable rules, shows a diff, refuses a lower TLP or a wider audience, and shares', async () => {
    const [provA] = await svc.listProvisions({ organisationId: orgs.A.organisationId });
    const [provB] = await svc.listProvisions({ organisationId: orgs.B.organisationId });
    // Personal names are a rule analysts edit.
    const rules = await svc.listRules();
    const names = rules.find((r) => r.category === 'personal_name')!;
    await svc.saveRule({ ...names, pattern: 'Taro Yamada\nhanako', description: names.description }, staff);
    await expect(svc.saveRule({ kind: 'regex', pattern: '([', replacement: 'x', category: 'bad', enabled: true, description: '' }, staff)).rejects.toMatchObject({ status: 422 });

    const item = await svc.createItem({ title: 'ばらまき型メール（請求書）', provisionIds: [provA.id, provB.id] }, staff);
    expect(item.tlp).toBe('AMBER'); // strictest of AMBER (A) and GREEN (B)
    const pv = await svc.preview(item.id);
    expect(pv.text).not.toMatch(/mihon-heavy|Mihon Heavy|みほん重工|Taro Yamada|fs01\.mihon\.local|10\.1\.2\.3|tameshi-kikai/);
    expect(pv.text).toContain('[参加組織]');
    expect(pv.text).toContain('malicious-dl.example.com');
    expect(pv.segments.some((s) => 'original' in s && s.original === 'taro.yamada@mihon-heavy.example.jp')).toBe(true);
    // The item page shows the diff.
    const page = await p.app.inject({ method: 'GET', url: `/staff/jcsip/items/${item.id}`, headers: { cookie: sessions.staff.cookie, accept: 'text/html' } });
    expect(page.body).toContain('<del>');

    // TLP may not go below the strictest source.
    const low = await svc.updateItem(item.id, { title: item.title, draft: item.draft, tlp: 'GREEN' }, staff).catch((e) => e);
    expect(low).toBeInstanceOf(AppError);
    expect(low.code).toBe('jcsip.tlp_lowered');
    expect(low.text.ja).toContain('TLP');
    expect(low.text.en).toContain('strictest');
    // Sharing before approval is refused; then approve.
    expect((await svc.checkShare(item.id, { all: false, sigs: ['heavy'] })).ok).toBe(false);
    await svc.approve(item.id, staff);
    // A's provision is "own SIG only": not to all participants, not to electric.
    const wide = await svc.shareItem(item.id, { all: true, sigs: [] }, staff).catch((e) => e);
    expect(wide.status).toBe(409);
    expect(wide.text.ja).toContain('同じ SIG 内のみ');
    expect(wide.text.en).toContain('own SIG only');
    const res = await p.app.inject({ method: 'POST', url: `/staff/jcsip/items/${item.id}/share`, headers: { cookie: sessions.staff.cookie, accept: 'text/html' }, payload: { _csrf: sessions.staff.csrf, sigs: 'electric' } });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('共有できません');
    // An edit voids the approval.
    await svc.updateItem(item.id, { title: item.title, draft: item.draft + '\n追記', tlp: 'AMBER', malware: 'Emotet', attackPattern: 'Spearphishing Link', attackPatternId: 'T1566.002' }, staff);
    expect((await svc.checkShare(item.id, { all: false, sigs: ['heavy'] })).ok).toBe(false);
    await svc.approve(item.id, staff);
    const shared = await svc.shareItem(item.id, { all: false, sigs: ['heavy'] }, staff);
    expect(shared.notified).toBe(2); // readers of A and B; D is not active, C is in another SIG
  });

  it('shares only with active members of the chosen SIG: portal, e-mail and TAXII', async () => {
    const [item] = (await svc.listItems()).filter((i) => i.state === 'shared');
    // E-mail notifications: readers of A and B only, without content or provider.
    const mails = (await sql<any>`select * from mail_outbox where subject like '[J-CSIP]%'`.execute(p.ctx.db)).rows;
    const to = mails.map((m) => m.to_addr).sort();
    expect(to).toEqual([users.A.email, users.B.email].sort());
    for (const m of mails) {
      const text = JSON.stringify(m);
      // Each notice names its recipient only: never the other provider, nor the mail's content.
      expect(text).not.toMatch(m.to_addr === users.A.email ? /ためし機械|tameshi-kikai|hanako/ : /みほん重工|mihon-heavy|Mihon Heavy|Taro Yamada/);
      expect(text).not.toContain('malicious-dl');
    }
    // TAXII: the heavy SIG collection holds the bundle; electric and all do not.
    const objs = await taxii.objectsAddedSince(sigCollectionKey('heavy'), null, 1000);
    expect(objs.some((o) => o.object.type === 'report')).toBe(true);
    expect((await taxii.objectsAddedSince(sigCollectionKey('electric'), null, 1000))).toHaveLength(0);
    expect((await taxii.objectsAddedSince(ALL_COLLECTION, null, 1000))).toHaveLength(0);
    expect(JSON.stringify(objs.map((o) => o.object))).not.toMatch(/みほん重工|mihon-heavy|ためし機械|tameshi-kikai|Taro Yamada|10\.1\.2\.3|fs01/);
    // The STIX bundle validates against the official schemas.
    const v = stixValidator();
    const bundle = await svc.stixBundle(item.id);
    expect(v.bundle(bundle), JSON.stringify(v.bundle.errors)).toBe(true);
    const types = new Set<string>();
    for (const o of bundle.objects as Record<string, unknown>[]) { types.add(String(o.type)); expect(v.object(o)).toBeNull(); }
    for (const t of ['identity', 'marking-definition', 'indicator', 'observed-data', 'malware', 'attack-pattern', 'report', 'relationship']) expect(types).toContain(t);
    const report = (bundle.objects as any[]).find((o) => o.type === 'report');
    expect(report.created_by_ref).toMatch(/^identity--/);
    expect(report.object_marking_refs).toEqual(['marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421']);
  });

  it('confidentiality matrix: organisations × items × interfaces', async () => {
    const [item] = (await svc.listItems()).filter((i) => i.state === 'shared');
    const [provA] = await svc.listProvisions({ organisationId: orgs.A.organisationId });
    const [provC] = await svc.listProvisions({ organisationId: orgs.C.organisationId });
    const get = (k: string, url: string) => p.app.inject({ method: 'GET', url, headers: { cookie: sessions[k].cookie, accept: 'text/html' } });
    const expectations: Array<[string, string, number]> = [
      ['A', `/jcsip/portal/items/${item.id}`, 200], ['B', `/jcsip/portal/items/${item.id}`, 200], ['C', `/jcsip/portal/items/${item.id}`, 404], ['D', `/jcsip/portal/items/${item.id}`, 403],
      ['A', `/jcsip/portal/provisions/${provA.id}`, 200], ['B', `/jcsip/portal/provisions/${provA.id}`, 404], ['C', `/jcsip/portal/provisions/${provA.id}`, 404],
      ['C', `/jcsip/portal/provisions/${provC.id}`, 200], ['A', `/jcsip/portal/provisions/${provC.id}`, 404],
      ['A', `/staff/jcsip/items/${item.id}`, 403], ['B', `/staff/jcsip/provisions/${provA.id}`, 403],
    ];
    for (const [k, url, status] of expectations) expect([k, url, (await get(k, url)).statusCode]).toEqual([k, url, status]);
    // B reads the item: anonymised text, no provider identity (A did not allow naming).
    const bPage = (await get('B', `/jcsip/portal/items/${item.id}`)).body;
    expect(bPage).toContain('malicious-dl.example.com');
    expect(bPage).not.toMatch(/みほん重工|mihon-heavy|Mihon Heavy|Taro Yamada|10\.1\.2\.3|fs01\.mihon/);
    // B's portal lists the item but not A's provision; C's portal lists neither.
    const bHome = (await get('B', '/jcsip/portal')).body;
    expect(bHome).toContain(item.ref);
    expect(bHome).not.toContain(provA.ref);
    const cHome = (await get('C', '/jcsip/portal')).body;
    expect(cHome).not.toContain(item.ref);
    expect(cHome).not.toContain(provA.ref);
    // TAXII grants: only A and B read the heavy collection.
    const grants = (await sql<any>`select readers from taxii_collections where key = ${sigCollectionKey('heavy')}`.execute(p.ctx.db)).rows[0].readers;
    const readers = (typeof grants === 'string' ? JSON.parse(grants) : grants).organisationIds as string[];
    expect(readers).toContain(orgs.B.organisationId);
    expect(readers).not.toContain(orgs.C.organisationId);
    expect(readers).not.toContain(orgs.D.organisationId);
    // Suspending B removes its access everywhere.
    await svc.transitionMember(orgs.B.organisationId, 'suspended', undefined, staff);
    expect((await get('B', `/jcsip/portal/items/${item.id}`)).statusCode).toBe(403);
    const after = (await sql<any>`select readers from taxii_collections where key = ${sigCollectionKey('heavy')}`.execute(p.ctx.db)).rows[0].readers;
    expect(((typeof after === 'string' ? JSON.parse(after) : after).organisationIds as string[])).not.toContain(orgs.B.organisationId);
    await svc.transitionMember(orgs.B.organisationId, 'active', undefined, staff);
    expect((await svc.getMember(orgs.B.organisationId))?.joinedAt).toEqual(jstMidnight(2020, 6, 1));
  });

  it('public alerts need every provider to allow publication and TLP:CLEAR; revisions and view counts', async () => {
    const [item] = (await svc.listItems()).filter((i) => i.state === 'shared');
    const refusedAlert = await svc.publishAlert(item.id, { slug: 'x-alert', title: 'x', body: 'y' }, staff).catch((e) => e);
    expect(refusedAlert.status).toBe(409);
    expect(refusedAlert.text.en).toContain('TLP:CLEAR');
    const pub = await svc.submitProvision(orgs.C.organisationId, { kind: 'report', title: 'Emotet wave', body: 'Emotet mails with password ZIP from http://emotet-c2.example.org/x', tlp: 'CLEAR', scope: 'public', nameProvider: true }, { actor: SYSTEM_ACTOR, channel: 'staff' });
    const it2 = await svc.createItem({ title: 'Emotet', provisionIds: [pub.id] }, staff);
    await svc.approve(it2.id, staff);
    await svc.shareItem(it2.id, { all: true, sigs: [] }, staff);
    const alert = await svc.publishAlert(it2.id, { slug: 'emotet-test', title: '「Emotet」への感染を狙うメールについて', body: '注意してください。' }, staff);
    await svc.updateAlert('emotet-test', { title: '', body: '注意してください。（更新）', note: '手口を追記' }, staff);
    for (let i = 0; i < 3; i++) await p.app.inject({ method: 'GET', url: '/jcsip/alerts/emotet-test', headers: { accept: 'text/html' } });
    const page = await p.app.inject({ method: 'GET', url: '/jcsip/alerts/emotet-test', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('手口を追記');
    expect(page.body).toContain('id="views">4<');
    expect(alert.revision).toBe(1);
    // Technical report linked to the item.
    const rep = await svc.saveReport({ slug: 'emotet-analysis', kind: 'technical', title: 'Emotet の解析', body: '解析結果', itemIds: [it2.id] }, staff);
    await svc.publishReport(rep.id, staff);
    const rp = await p.app.inject({ method: 'GET', url: '/jcsip/reports/emotet-analysis', headers: { accept: 'text/html' } });
    expect(rp.body).toContain(it2.ref);
  });

  it('publishes provisions, shares and new participants, the chapter table, and the quarterly report with CSV and chart', async () => {
    const now = new Date();
    const fyFrom = jstMidnight(2020, 4, 1); const fyTo = jstMidnight(2021, 4, 1);
    expect(await p.ctx.stats.between('jcsip.participants.new', fyFrom, fyTo)).toBe(3);
    expect(await p.ctx.stats.between('jcsip.provisions', new Date(0), new Date(now.getTime() + 1000))).toBe(5); // portal, intake address, CLI pipe, TAXII inbox …
    expect(await p.ctx.stats.between('jcsip.shares', new Date(0), new Date(now.getTime() + 1000))).toBe(2);
    expect(p.ctx.stats.tables().find((t) => t.key === 'jcsip.operations')?.chapter).toBe('I/1/(1-1)/①/a');
    const table = await p.ctx.stats.table('jcsip.operations', 2020);
    expect(table.rows[2].cells[4]).toBe(3);
    const q = Math.floor((Number(now.toISOString().slice(5, 7)) - 1) / 3) + 1;
    const html = await p.app.inject({ method: 'GET', url: `/jcsip/operations?year=${now.getUTCFullYear()}&q=${q}`, headers: { accept: 'text/html' } });
    expect(html.statusCode).toBe(200);
    expect(html.body).toContain('<svg');
    const csv = await p.app.inject({ method: 'GET', url: `/jcsip/operations?year=${now.getUTCFullYear()}&q=${q}&format=csv` });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('summary,shares,2');
  });

  it('takes files and indicators, refuses TLP:RED sharing, names providers only with every consent, and renders the staff pages', async () => {
    const file = await svc.submitProvision(orgs.A.organisationId, { kind: 'file', tlp: 'AMBER', scope: 'sig', files: [{ filename: 'invoice.doc', contentType: 'application/msword', data: Buffer.from('MZ fake sample') }] }, { actor: SYSTEM_ACTOR, channel: 'staff' });
    const fileInds = await svc.indicatorsOf([file.id]);
    expect(fileInds.some((i) => i.type === 'sha256')).toBe(true);
    const inds = await svc.submitProvision(orgs.A.organisationId, { kind: 'indicators', indicators: 'hxxp://bad[.]example[.]org/x\n198.51.100[.]7', tlp: 'RED', scope: 'sig' }, { actor: SYSTEM_ACTOR, channel: 'staff' });
    expect((await svc.indicatorsOf([inds.id])).map((i) => i.value)).toEqual(expect.arrayContaining(['198.51.100.7']));
    const red = await svc.createItem({ title: 'red', provisionIds: [inds.id] }, staff);
    expect(red.tlp).toBe('RED');
    await svc.approve(red.id, staff);
    const r = await svc.checkShare(red.id, { all: false, sigs: ['heavy'] });
    expect(r.ok).toBe(false);
    expect(r.reasons.map((x) => x.en).join(' ')).toContain('TLP:RED');
    // Naming: C allowed naming for its public report; A did not for the file.
    const named = await svc.submitProvision(orgs.C.organisationId, { kind: 'report', body: 'scan from 192.0.2.9', tlp: 'GREEN', scope: 'all', nameProvider: 'yes' }, { actor: SYSTEM_ACTOR, channel: 'staff' });
    const mixed = await svc.createItem({ title: 'mixed', provisionIds: [named.id, file.id] }, staff);
    await expect(svc.updateItem(mixed.id, { title: 'mixed', draft: 'x', tlp: 'AMBER', nameProviders: true }, staff)).rejects.toMatchObject({ code: 'jcsip.naming_not_allowed' });
    const only = await svc.createItem({ title: 'named', provisionIds: [named.id] }, staff);
    await svc.updateItem(only.id, { title: 'named', draft: 'Scanning seen by a participant.', tlp: 'GREEN', nameProviders: true }, staff);
    await svc.approve(only.id, staff);
    await svc.shareItem(only.id, { all: true, sigs: [] }, staff);
    const page = await p.app.inject({ method: 'GET', url: `/jcsip/portal/items/${only.id}`, headers: { cookie: sessions.A.cookie, accept: 'text/html' } });
    expect(page.body).toContain('ひかり電力株式会社');
    // Portal form errors are shown on the form.
    const bad = multipart({ _csrf: sessions.A.csrf, kind: 'indicators', indicators: 'nothing here', tlp: 'AMBER', scope: 'sig' });
    const res = await p.app.inject({ method: 'POST', url: '/jcsip/portal/provide', headers: { ...bad.headers, cookie: sessions.A.cookie, accept: 'text/html' }, payload: bad.payload });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('1 行に 1 つ');
    for (const url of ['/staff/jcsip', `/staff/jcsip/provisions/${file.id}`, '/staff/jcsip/rules', `/staff/jcsip/members/${orgs.A.organisationId}`, '/staff/jcsip/publications', '/jcsip', '/jcsip/operations?year=2020&q=3']) {
      const r2 = await p.app.inject({ method: 'GET', url, headers: { cookie: sessions.staff.cookie, accept: 'text/html' } });
      expect([url, r2.statusCode]).toEqual([url, 200]);
    }
  });

  it('keeps the entered values on the portal form after a validation error', async () => {
    const bad = multipart({ _csrf: sessions.A.csrf, kind: 'indicators', title: 'Keep this title', indicators: 'nothing usable', body: 'line one\nline two', tlp: 'GREEN', scope: 'all', nameProvider: 'yes' });
    const res = await p.app.inject({ method: 'POST', url: '/jcsip/portal/provide', headers: { ...bad.headers, cookie: sessions.A.cookie, accept: 'text/html' }, payload: bad.payload });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('value="Keep this title"');
    expect(res.body).toMatch(/<textarea id="f-indicators"[^>]*>nothing usable<\/textarea>/);
    expect(res.body).toMatch(/<textarea id="f-body"[^>]*>line one\nline two<\/textarea>/);
    expect(res.body).toMatch(/<option value="indicators" selected/);
    expect(res.body).toMatch(/<option value="GREEN" selected/);
    expect(res.body).toMatch(/<option value="all" selected/);
    expect(res.body).toMatch(/id="f-nameProvider"[^>]*checked/);
  });

  it('lets staff enter a provision received by phone or post on a participant\'s behalf', async () => {
    const page = await p.app.inject({ method: 'GET', url: '/staff/jcsip/provide', headers: { cookie: sessions.staff.cookie, accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(orgs.C.name);
    const post = (fields: Record<string, string>) => {
      const body = multipart({ _csrf: sessions.staff.csrf, organisationId: orgs.C.organisationId, kind: 'report', title: '電話での連絡', body: 'Phishing calls mentioning 203.0.113.150', tlp: 'AMBER', scope: 'sig', ...fields });
      return p.app.inject({ method: 'POST', url: '/staff/jcsip/provide', headers: { ...body.headers, cookie: sessions.staff.cookie, accept: 'text/html' }, payload: body.payload });
    };
    const missing = await post({ receivedVia: '' });
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toContain('value="電話での連絡"'); // kept
    const ok = await post({ receivedVia: 'phone' });
    expect(ok.statusCode).toBe(303);
    const [prov] = await svc.listProvisions({ organisationId: orgs.C.organisationId });
    expect(prov).toMatchObject({ channel: 'staff', receivedVia: 'phone', title: '電話での連絡', tlp: 'AMBER' });
    expect(prov.submittedBy).toBe(staff.userId);
    expect((await svc.indicatorsOf([prov.id])).map((i) => i.value)).toContain('203.0.113.150');
    const shown = await p.app.inject({ method: 'GET', url: `/staff/jcsip/provisions/${prov.id}`, headers: { cookie: sessions.staff.cookie, accept: 'text/html' } });
    expect(shown.body).toContain('電話');
    // Organisation users cannot use the staff form.
    expect((await p.app.inject({ method: 'GET', url: '/staff/jcsip/provide', headers: { cookie: sessions.A.cookie, accept: 'text/html' } })).statusCode).toBe(403);
  });

  it('exchanges with another sharing body over real TAXII 2.1 HTTP: pull, push of shareable items only, withdrawal and revocation', async () => {
    await p.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (p.app.server.address() as AddressInfo).port;
    // The partner: an organisation user of this platform's own TAXII server, with one collection.
    const partnerOrg = await p.ctx.auth.createOrganisation({ name: 'Partner ISAC', kind: 'other' });
    await p.ctx.auth.createUser({ email: 'taxii@partner-isac.example.org', displayName: 'Partner ISAC client', password: PASSWORD, kind: 'org', organisationId: partnerOrg.id });
    const grant = { organisationIds: [partnerOrg.id] };
    const coll = await taxii.ensureCollection({ key: 'partner-isac-exchange', title: 'Partner exchange', readers: grant, writers: grant });
    const now = new Date().toISOString();
    const partnerIndicator = {
      type: 'indicator', spec_version: '2.1', id: 'indicator--6f4a3f8e-1c2b-4d5e-8f90-0a1b2c3d4e5f', created: now, modified: now,
      name: 'Partner C2', pattern: "[ipv4-addr:value = '198.18.0.66']", pattern_type: 'stix', valid_from: now,
      object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
    };
    const partnerReport = {
      type: 'report', spec_version: '2.1', id: 'report--7a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d', created: now, modified: now,
      name: 'Partner campaign', description: 'Phishing from 198.18.0.77', report_types: ['threat-report'], published: now, object_refs: [partnerIndicator.id],
      object_marking_refs: ['marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421'],
    };
    await taxii.addObjects('partner-isac-exchange', [partnerIndicator, partnerReport]);

    // Link-local / metadata addresses are refused, with the reason.
    const meta = await svc.registerExternalSource({ name: 'meta', apiRoot: 'http://169.254.169.254/taxii2/api/', collectionId: 'x', authKind: 'none', direction: 'pull', sigId: 'heavy', tlp: 'AMBER', scope: 'sig' }, staff).catch((e) => e);
    expect(meta.status).toBe(422);
    expect(JSON.stringify(meta.details)).toContain('link-local');
    await expect(svc.registerExternalSource({ name: 'ftp', apiRoot: 'ftp://127.0.0.1/', collectionId: 'x', authKind: 'none', direction: 'pull', sigId: 'heavy', tlp: 'AMBER', scope: 'sig' }, staff)).rejects.toMatchObject({ status: 422 });

    const src = await svc.registerExternalSource({
      name: 'Partner ISAC', apiRoot: `http://127.0.0.1:${port}/taxii2/api/`, collectionId: coll.id, authKind: 'basic', username: 'taxii@partner-isac.example.org', secret: PASSWORD,
      direction: 'both', sigId: 'heavy', tlp: 'GREEN', scope: 'all',
    }, staff);
    // The password is stored encrypted (ctx.files), neither in the source row nor in clear in the files table.
    const rows = JSON.stringify((await sql<any>`select * from jcsip_external_sources`.execute(p.ctx.db)).rows);
    expect(rows).not.toContain(PASSWORD);
    const stored = (await sql<any>`select * from files`.execute(p.ctx.db)).rows;
    expect(stored.some((f) => Buffer.from(JSON.stringify(f)).includes(PASSWORD))).toBe(false);

    // Items: one every provider allowed to be public (pushed), two that stay (scope 'all'; TLP:AMBER).
    const pub = await svc.submitProvision(orgs.A.organisationId, { kind: 'indicators', title: 'public C2', indicators: '203.0.113.201', tlp: 'CLEAR', scope: 'public' }, { actor: SYSTEM_ACTOR, channel: 'staff' });
    const pubItem = await svc.createItem({ title: 'Public C2 server', provisionIds: [pub.id] }, staff);
    await svc.approve(pubItem.id, staff);
    await svc.shareItem(pubItem.id, { all: true, sigs: [] }, staff);
    const closed = await svc.submitProvision(orgs.B.organisationId, { kind: 'indicators', title: 'members only', indicators: '203.0.113.202', tlp: 'GREEN', scope: 'all' }, { actor: SYSTEM_ACTOR, channel: 'staff' });
    const closedItem = await svc.createItem({ title: 'Members-only C2', provisionIds: [closed.id] }, staff);
    await svc.approve(closedItem.id, staff);
    await svc.shareItem(closedItem.id, { all: true, sigs: [] }, staff);
    expect((await svc.externalShareProblems((await svc.getItem(closedItem.id))!, await svc.sourcesOf(closedItem.id))).map((r) => r.en).join(' ')).toContain('made public');

    // Pushed: every item that passes the rule — the public one above, and the earlier test's public-alert item.
    const pushable = [];
    for (const it of (await svc.listItems()).filter((i) => i.state === 'shared')) if (!(await svc.externalShareProblems(it, await svc.sourcesOf(it.id))).length) pushable.push(it.ref);
    expect(pushable).toContain(pubItem.ref);
    expect(pushable).not.toContain(closedItem.ref);
    const first = await svc.syncExternalSource(src.id, staff);
    expect(first).toEqual({ pulled: 2, pushed: pushable.length, error: null });
    const pulled = await svc.listProvisions({ organisationId: src.organisationId });
    expect(pulled.map((x) => x.channel)).toEqual(['taxii', 'taxii']);
    // The registered TLP applies, a stricter marking of the partner wins; the scope is the registered one.
    expect(pulled.map((x) => `${x.title}:${x.tlp}:${x.scope}`).sort()).toEqual(['Partner C2:GREEN:all', 'Partner campaign:AMBER:all']);
    expect((await svc.indicatorsOf(pulled.map((x) => x.id))).map((i) => i.value)).toEqual(expect.arrayContaining(['198.18.0.66', '198.18.0.77']));
    // What the partner's collection received: the public item, never the members-only one.
    const inPartner = (await taxii.objectsAddedSince('partner-isac-exchange', null, 1000)).map((r) => r.object);
    const names = inPartner.filter((o) => o.type === 'report').map((o) => String(o.name));
    expect(names.some((x) => x.startsWith(pubItem.ref))).toBe(true);
    expect(names.some((x) => x.startsWith(closedItem.ref))).toBe(false);
    expect(JSON.stringify(inPartner)).not.toContain('203.0.113.202');
    expect(JSON.stringify(inPartner)).toContain('203.0.113.201');
    // The external body is not a participant in the figures.
    const heavy = (await svc.listMembers({ sigId: 'heavy', state: 'active' })).filter((m) => !m.external).length;
    const { participantsAt } = await import('./service.js');
    expect((await participantsAt(p.ctx, new Date(Date.now() + 1000))).find((x) => x.sigId === 'heavy')?.organisations).toBe(heavy);

    // A second run: the cursor and the STIX id + version keep everything from coming again, and our own objects are not pulled back.
    expect(await svc.syncExternalSource(src.id, staff)).toEqual({ pulled: 0, pushed: 0, error: null });

    // Withdrawal: reason required; gone from the portal; revoked versions in the hub's collections and at the partner.
    const url = `/staff/jcsip/items/${pubItem.id}/withdraw`;
    const noReason = await p.app.inject({ method: 'POST', url, headers: { cookie: sessions.staff.cookie, accept: 'text/html' }, payload: { _csrf: sessions.staff.csrf, reason: ' ' } });
    expect(noReason.statusCode).toBe(422);
    expect((await p.app.inject({ method: 'GET', url: `/jcsip/portal/items/${pubItem.id}`, headers: { cookie: sessions.B.cookie, accept: 'text/html' } })).statusCode).toBe(200);
    const done = await p.app.inject({ method: 'POST', url, headers: { cookie: sessions.staff.cookie, accept: 'text/html' }, payload: { _csrf: sessions.staff.csrf, reason: 'False positive: the address belongs to a CDN.' } });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('False positive');
    expect((await svc.getItem(pubItem.id))).toMatchObject({ state: 'withdrawn', withdrawnReason: 'False positive: the address belongs to a CDN.' });
    expect((await p.app.inject({ method: 'GET', url: `/jcsip/portal/items/${pubItem.id}`, headers: { cookie: sessions.B.cookie, accept: 'text/html' } })).statusCode).toBe(404);
    expect((await p.app.inject({ method: 'GET', url: '/jcsip/portal', headers: { cookie: sessions.B.cookie, accept: 'text/html' } })).body).not.toContain(pubItem.ref);
    await expect(svc.withdrawItem(pubItem.id, 'again', staff)).rejects.toMatchObject({ status: 409 });
    await expect(svc.shareItem(pubItem.id, { all: true, sigs: [] }, staff)).rejects.toMatchObject({ status: 409 });
    const reportId = inPartner.find((o) => o.type === 'report' && String(o.name).startsWith(pubItem.ref))!.id;
    const hubVersions = (await taxii.objectsAddedSince(ALL_COLLECTION, null, 5000)).map((r) => r.object).filter((o) => o.id === reportId);
    expect(hubVersions.map((o) => !!o.revoked)).toEqual([false, true]);
    const v = stixValidator();
    expect(v.object(hubVersions[1])).toBeNull();
    expect(await svc.syncExternalSource(src.id, staff)).toEqual({ pulled: 0, pushed: 1, error: null });
    const partnerVersions = (await taxii.objectsAddedSince('partner-isac-exchange', null, 5000)).map((r) => r.object).filter((o) => o.id === reportId);
    expect(partnerVersions.map((o) => !!o.revoked)).toEqual([false, true]);

    // Failures are recorded on the source with a bilingual reason, and the scheduled run does not throw.
    const dead = await svc.registerExternalSource({ name: 'Unreachable', apiRoot: 'http://127.0.0.1:1/taxii2/api/', collectionId: coll.id, authKind: 'bearer', secret: 'taxii_x', direction: 'pull', sigId: 'heavy', tlp: 'AMBER', scope: 'sig' }, staff);
    const wrongPw = await svc.registerExternalSource({ name: 'Wrong password', apiRoot: `http://127.0.0.1:${port}/taxii2/api`, collectionId: coll.id, authKind: 'basic', username: 'taxii@partner-isac.example.org', secret: 'wrong', direction: 'pull', sigId: 'heavy', tlp: 'AMBER', scope: 'sig' }, staff);
    await svc.syncExternalSources();
    const after = await svc.listExternalSources();
    expect(after.find((x) => x.id === dead.id)).toMatchObject({ lastOk: false, lastError: { en: expect.stringContaining('Could not connect') } });
    expect(after.find((x) => x.id === wrongPw.id)?.lastError?.en).toContain('HTTP 401');
    expect(after.find((x) => x.id === wrongPw.id)?.lastError?.ja).toContain('TAXII');
    expect(after.find((x) => x.id === src.id)).toMatchObject({ lastOk: true });
    const page = await p.app.inject({ method: 'GET', url: '/staff/jcsip/external', headers: { cookie: sessions.staff.cookie, accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('HTTP 401');
    expect(page.body).not.toContain(PASSWORD);
    const syncNow = await p.app.inject({ method: 'POST', url: `/staff/jcsip/external/${src.id}/sync`, headers: { cookie: sessions.staff.cookie, accept: 'text/html' }, payload: { _csrf: sessions.staff.csrf } });
    expect(syncNow.statusCode).toBe(200);
  });
});

describe('redaction rules (pure)', () => {
  it('replaces longest matches first and reports every replacement as a segment', () => {
    const r = redact('Example Corp Ltd and Example Corp at corp.example.jp, mail a@corp.example.jp', [
      { id: '1', kind: 'provider', pattern: '', replacement: '[X]', category: 'provider', enabled: true },
    ], { providerNames: ['Example Corp', 'Example Corp Ltd'], providerDomains: ['corp.example.jp'], recipientAddresses: [] });
    expect(r.text).toBe('[X] and [X] at [X], mail [X]');
    expect(r.replaced).toBe(4);
  });
});
