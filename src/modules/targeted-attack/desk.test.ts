// The desk and J-CRAT end to end through the HTTP app, on PGlite and PostgreSQL: submissions
// (e-mail, file, threat information), bad input, quarantine release, indicators, advice, J-CRAT.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpiredPersonalData } from '../../platform/cases/retention.js';
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { BlobWriter, Uint8ArrayReader, Uint8ArrayWriter, ZipReader, ZipWriter, configure, type Entry, type FileEntry } from '@zip.js/zip.js';
import { BACKENDS, startTestPlatform, type TestPlatform } from '../../../test/harness.js';
import { anonymous, loginAs, multipart, type Session } from '../../../test/session.js';
import { targetedAttackModule } from './definition.js';
import { RETENTION_DAYS } from './case-types.js';
import type { TargetedAttackService } from './service.js';

configure({ useWebWorkers: false });

const PASSWORD = 'correct horse battery staple';
const TOTP = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const MAX = 256 * 1024;

const EML = (marker: string) => [
  'From: "Billing" <billing@sender.example>',
  'Reply-To: pay[at]freemail.example',
  'To: victim@company.example.jp',
  `Subject: Invoice ${marker}`,
  'Date: Tue, 01 Sep 2026 09:12:00 +0900',
  'Message-ID: <x1@sender.example>',
  'Received: from relay (198.51.100.23) by mx.company.example.jp; Tue, 01 Sep 2026 09:12:01 +0900',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/html; charset=UTF-8',
  '',
  `<p>Open <a href="http://phish.example/login">here</a></p><script>alert("${marker}")</script>`,
  '--b1',
  'Content-Type: application/octet-stream; name="invoice.xlsm"',
  'Content-Disposition: attachment; filename="invoice.xlsm"',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from('PAYLOAD').toString('base64'),
  '--b1--',
  '',
].join('\r\n');

const fileEntry = (entries: Entry[], name: string) => entries.find((e) => e.filename === name) as FileEntry;
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe.each(BACKENDS)('targeted-attack desk on %s', (backend) => {
  let p: TestPlatform;
  let svc: TargetedAttackService;
  let analyst: Session; let consultant: Session; let intake: Session; let jcrat: Session; let orgUser: Session;

  beforeAll(async () => {
    p = await startTestPlatform(backend, { modules: [targetedAttackModule], config: { maxAttachmentBytes: MAX } });
    svc = p.ctx.services.get('targeted-attack') as TargetedAttackService;
    const a = p.ctx.auth;
    const org = await a.createOrganisation({ name: '支援先株式会社', kind: 'other', email: 'sec@shien.example.jp' });
    await a.createUser({ email: 'analyst@ta.example.jp', displayName: '解析 一郎', password: PASSWORD, kind: 'staff', roles: ['analyst'], totpSecret: TOTP });
    await a.createUser({ email: 'consult@ta.example.jp', displayName: '相談 花子', password: PASSWORD, kind: 'staff', roles: ['consultant'], totpSecret: TOTP });
    await a.createUser({ email: 'intake@ta.example.jp', displayName: '受付 次郎', password: PASSWORD, kind: 'staff', roles: ['intake_handler'], totpSecret: TOTP });
    await a.createUser({ email: 'jcrat@ta.example.jp', displayName: '隊員 三郎', password: PASSWORD, kind: 'staff', roles: ['coordinator'], totpSecret: TOTP });
    await a.createUser({ email: 'user@shien.example.jp', displayName: '支援先 担当', password: PASSWORD, kind: 'org', organisationId: org.id });
    analyst = await loginAs(p.app, 'analyst@ta.example.jp', PASSWORD, TOTP);
    consultant = await loginAs(p.app, 'consult@ta.example.jp', PASSWORD, TOTP);
    intake = await loginAs(p.app, 'intake@ta.example.jp', PASSWORD, TOTP);
    jcrat = await loginAs(p.app, 'jcrat@ta.example.jp', PASSWORD, TOTP);
    orgUser = await loginAs(p.app, 'user@shien.example.jp', PASSWORD);
  }, 120_000);
  afterAll(async () => { await p?.destroy(); });

  const count = async (table: string) => Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(p.ctx.db)).rows[0].n);
  const counts = async () => ({ cases: await count('cases'), files: await count('files'), artifacts: await count('targeted_attack_artifacts'), indicators: await count('targeted_attack_indicators') });
  const postForm = (s: Session, url: string, fields: Record<string, string>, files: Parameters<typeof multipart>[1] = []) => {
    const body = multipart({ _csrf: s.csrf, ...fields }, files);
    return p.app.inject({ method: 'POST', url, payload: body.payload, headers: { ...body.headers, cookie: s.cookie, accept: 'text/html' } });
  };
  const urlForm = (s: Session, url: string, fields: Record<string, string>) =>
    p.app.inject({ method: 'POST', url, payload: new URLSearchParams({ _csrf: s.csrf, ...fields }).toString(), headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' } });
  const get = (s: Session | null, url: string) => p.app.inject({ method: 'GET', url, headers: { accept: 'text/html', ...(s ? { cookie: s.cookie } : {}) } });
  const refFromTrack = async (location: string) => {
    const token = /\/track\/([^?]+)/.exec(location)![1];
    return (await p.ctx.cases.byTrackingToken(token))!.record;
  };

  it('takes a suspicious e-mail on the public form: headers parsed, links and attachments listed, stored encrypted, indicators extracted', async () => {
    const s = await anonymous(p.app, '/targeted-attack/submit');
    const res = await postForm(s, '/targeted-attack/submit', { kind: 'email', submitterEmail: 'Keiri@Company.example.jp', idempotencyKey: '00000000-0000-4000-8000-000000000001' },
      [{ field: 'eml', filename: 'mail.eml', contentType: 'message/rfc822', data: Buffer.from(EML('MARK-1')) }]);
    expect(res.statusCode).toBe(303);
    const c = await refFromTrack(res.headers.location as string);
    expect(c.ref).toMatch(/^IPA-TA-\d{4}-\d{5}$/);
    expect(c.title).toBe('Invoice MARK-1');
    const email = c.data.email as { from: string; links: Array<{ url: string }>; attachments: Array<{ filename: string; sha256: string }>; htmlSource: string };
    expect(email.from).toContain('billing@sender.example');
    expect(email.links.map((l) => l.url)).toEqual(['http://phish.example/login']);
    expect(email.attachments[0]).toMatchObject({ filename: 'invoice.xlsm', sha256: sha256(Buffer.from('PAYLOAD')) });
    const arts = await svc.artifactsOf(c.id);
    expect(arts).toHaveLength(1);
    expect(arts[0]).toMatchObject({ kind: 'eml', sha256: sha256(Buffer.from(EML('MARK-1'))) });
    // Encrypted at rest: the marker is not in the stored ciphertext.
    const row = await sql<{ ciphertext: Uint8Array }>`select ciphertext from files where id = ${arts[0].fileId}`.execute(p.ctx.db);
    expect(Buffer.from(row.rows[0].ciphertext).includes(Buffer.from('MARK-1'))).toBe(false);
    const ind = (await svc.indicatorsOf(c.id)).map((i) => `${i.type}:${i.value}`);
    expect(ind).toEqual(expect.arrayContaining(['email:billing@sender.example', 'email:pay@freemail.example', 'ipv4:198.51.100.23', 'url:http://phish.example/login', 'domain:phish.example', `sha256:${sha256(Buffer.from('PAYLOAD'))}`]));
    expect(ind.some((i) => i.includes('victim@'))).toBe(false);
    const mail = await sql<{ to_addr: string }>`select to_addr from mail_outbox where subject like ${'%' + c.ref + '%'}`.execute(p.ctx.db);
    expect(mail.rows.map((r) => r.to_addr)).toEqual(['keiri@company.example.jp']);
    const audit = await p.ctx.audit.list({ subjectType: 'case', subjectId: c.id, action: 'targeted-attack.item.received' });
    expect(audit).toHaveLength(1);
    // Retry of the same form: same case, nothing more stored.
    const before = await counts();
    const again = await postForm(s, '/targeted-attack/submit', { kind: 'email', submitterEmail: 'keiri@company.example.jp', idempotencyKey: '00000000-0000-4000-8000-000000000001' },
      [{ field: 'eml', filename: 'mail.eml', data: Buffer.from(EML('MARK-1')) }]);
    expect(again.statusCode).toBe(303);
    expect((await refFromTrack(again.headers.location as string)).ref).toBe(c.ref);
    expect(await counts()).toEqual(before);
  });

  it('shows the e-mail to staff only as escaped text, and audits the read', async () => {
    const s = await anonymous(p.app, '/targeted-attack/submit');
    const res = await postForm(s, '/targeted-attack/submit', { kind: 'email', submitterEmail: 'a@company.example.jp', rawEmail: EML('MARK-2') });
    expect(res.statusCode).toBe(303);
    const c = await refFromTrack(res.headers.location as string);
    const page = await get(intake, `/staff/targeted-attack/cases/${c.ref}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('&lt;script>alert(&quot;MARK-2&quot;)&lt;/script>');
    expect(page.body).not.toContain('<script>alert("MARK-2")');
    expect(page.body).not.toContain('href="http://phish.example');
    expect(page.body).toContain('hxxp[:]//phish[.]example/login');
    expect(page.body).toContain('invoice.xlsm');
    const reads = await p.ctx.audit.list({ subjectType: 'case', subjectId: c.id, action: 'case.read' });
    expect(reads.some((r) => r.actor.displayName === '受付 次郎')).toBe(true);
    // Not staff of the desk: nothing.
    expect((await get(orgUser, `/staff/targeted-attack/cases/${c.ref}`)).statusCode).toBe(403);
    expect((await get(jcrat, `/staff/targeted-attack/cases/${c.ref}`)).statusCode).toBe(200); // coordinators read desk cases
  });

  it('quarantines a suspicious file from the JSON API with MD5, SHA-1 and SHA-256; no generic route serves it', async () => {
    const data = Buffer.from('MZ\x90\x00 not really a PE file MARK-3');
    const res = await p.app.inject({ method: 'POST', url: '/api/v1/targeted-attack/submissions', payload: { kind: 'file', submitterEmail: 'soc@company.example.jp', file: { filename: 'update.exe', base64: data.toString('base64') } } });
    expect(res.statusCode).toBe(201);
    const c = (await p.ctx.cases.load(res.json().ref))!;
    const [a] = await svc.artifactsOf(c.id);
    expect(a).toMatchObject({
      kind: 'sample', filename: 'update.exe', size: data.length,
      md5: createHash('md5').update(data).digest('hex'), sha1: createHash('sha1').update(data).digest('hex'), sha256: sha256(data),
    });
    expect((await get(analyst, `/staff/cases/${c.ref}/files/${a.fileId}`)).statusCode).toBe(404);
    expect((await get(null, `${new URL(res.json().trackingUrl).pathname}/files/${a.fileId}`)).statusCode).toBe(404);
  });

  it('refuses a malformed .eml, an oversized file and a missing CSRF token with a clear 4xx, storing nothing', async () => {
    const s = await anonymous(p.app, '/targeted-attack/submit');
    const before = await counts();
    const bad = await postForm(s, '/targeted-attack/submit', { kind: 'email', submitterEmail: 'a@company.example.jp' },
      [{ field: 'eml', filename: 'photo.eml', data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]) }]);
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('電子メールとして読めません');
    const api = await p.app.inject({ method: 'POST', url: '/api/v1/targeted-attack/submissions', payload: { kind: 'email', submitterEmail: 'not-an-address', rawEmail: 'hello world' } });
    expect(api.statusCode).toBe(422);
    const details = api.json().error.details as Array<{ field: string; messages: { ja: string; en: string } }>;
    expect(details.map((d) => d.field).sort()).toEqual(['submitterEmail']);
    expect(details[0].messages.ja).toContain('連絡先メールアドレス');
    expect(details[0].messages.en).toContain('Contact e-mail');
    const api2 = await p.app.inject({ method: 'POST', url: '/api/v1/targeted-attack/submissions', payload: { kind: 'email', submitterEmail: 'a@company.example.jp', rawEmail: 'hello world, no headers' } });
    expect(api2.statusCode).toBe(422);
    expect(api2.json().error.details[0].field).toBe('eml');
    const big = await postForm(s, '/targeted-attack/submit', { kind: 'file', submitterEmail: 'a@company.example.jp' }, [{ field: 'sample', filename: 'big.bin', data: Buffer.alloc(MAX + 1, 7) }]);
    expect(big.statusCode).toBe(413);
    const bigApi = await p.app.inject({ method: 'POST', url: '/api/v1/targeted-attack/submissions', payload: { kind: 'file', submitterEmail: 'a@company.example.jp', file: { filename: 'big.bin', base64: Buffer.alloc(MAX + 1, 7).toString('base64') } } });
    expect(bigApi.statusCode).toBe(413);
    const body = multipart({ kind: 'threat_info', submitterEmail: 'a@company.example.jp', title: 'x', description: 'evil.example' });
    const noCsrf = await p.app.inject({ method: 'POST', url: '/targeted-attack/submit', payload: body.payload, headers: { ...body.headers, cookie: s.cookie } });
    expect(noCsrf.statusCode).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('stores a zip bomb as an opaque sample without ever unpacking it', async () => {
    // 64 MB of zeros deflate to ~64 KB; expanded it would be far over the size limit.
    const zw = new ZipWriter(new Uint8ArrayWriter(), { level: 9 });
    const chunk = new Uint8Array(64 * 1024 * 1024);
    await zw.add('zeros.bin', new Uint8ArrayReader(chunk));
    const bomb = Buffer.from(await zw.close());
    expect(bomb.length).toBeLessThan(MAX);
    const s = await anonymous(p.app, '/targeted-attack/submit');
    const res = await postForm(s, '/targeted-attack/submit', { kind: 'file', submitterEmail: 'a@company.example.jp' }, [{ field: 'sample', filename: 'bomb.zip', contentType: 'application/zip', data: bomb }]);
    expect(res.statusCode).toBe(303);
    const c = await refFromTrack(res.headers.location as string);
    const arts = await svc.artifactsOf(c.id);
    expect(arts).toHaveLength(1);
    expect(arts[0]).toMatchObject({ size: bomb.length, sha256: sha256(bomb) });
    const stored = await sql<{ size: number }>`select size from files where id = ${arts[0].fileId}`.execute(p.ctx.db);
    expect(Number(stored.rows[0].size)).toBe(bomb.length);
  }, 60_000);

  it('releases a sample only to analysts, inside an AES-encrypted ZIP that opens with the password, audited with the hash', async () => {
    const data = Buffer.from('malicious sample bytes MARK-4');
    const res = await p.app.inject({ method: 'POST', url: '/api/v1/targeted-attack/submissions', payload: { kind: 'file', submitterEmail: 'soc@company.example.jp', file: { filename: 'evil.js', base64: data.toString('base64') } } });
    const c = (await p.ctx.cases.load(res.json().ref))!;
    const [a] = await svc.artifactsOf(c.id);
    const url = `/staff/targeted-attack/artifacts/${a.id}/download`;
    for (const s of [consultant, intake, jcrat]) {
      expect((await get(s, url)).statusCode).toBe(403);
      expect((await urlForm(s, url, { password: 'a-very-long-password' })).statusCode).toBe(403);
    }
    expect((await urlForm(orgUser, url, { password: 'a-very-long-password' })).statusCode).toBe(403);
    expect((await p.app.inject({ method: 'POST', url, payload: { password: 'a-very-long-password' } })).statusCode).toBe(401);
    expect(await p.ctx.audit.list({ action: 'targeted-attack.sample.downloaded', subjectId: a.id })).toHaveLength(0);

    const form = await get(analyst, url);
    expect(form.statusCode).toBe(200);
    const suggested = /name="password" type="text" value="([^"]+)"/.exec(form.body)![1];
    expect(suggested).toMatch(/^[A-Za-z0-9]{20}$/);
    expect((await get(analyst, url)).body).not.toContain(suggested); // shown once: each visit generates another

    const short = await urlForm(analyst, url, { password: 'short' });
    expect(short.statusCode).toBe(422);

    const password = 'Analyst-chosen password 2026';
    const dl = await urlForm(analyst, url, { password });
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toBe('application/octet-stream');
    expect(String(dl.headers['content-disposition'])).toContain('.zip');
    const zipBytes = dl.rawPayload;
    expect(zipBytes.includes(Buffer.from('MARK-4'))).toBe(false);
    const reader = new ZipReader(new Uint8ArrayReader(new Uint8Array(zipBytes)), { password });
    const entries = await reader.getEntries();
    const sampleEntry = fileEntry(entries, `${a.sha256}.bin`);
    expect(sampleEntry.encrypted).toBe(true);
    expect(sampleEntry.zipCrypto).toBe(false); // AES (WinZip AE-2), not the breakable ZipCrypto
    // The AES extra field (0x9901) carries strength 3 = AES-256.
    const aesField = zipBytes.indexOf(Buffer.from([0x01, 0x99, 0x07, 0x00]));
    expect(aesField).toBeGreaterThan(0);
    expect(zipBytes[aesField + 8]).toBe(3);
    const out = await sampleEntry.getData(new Uint8ArrayWriter());
    expect(sha256(out)).toBe(sha256(data));
    await reader.close();
    const wrong = new ZipReader(new Uint8ArrayReader(new Uint8Array(zipBytes)), { password: 'not the password at all' });
    const wEntry = fileEntry(await wrong.getEntries(), `${a.sha256}.bin`);
    await expect(wEntry.getData(new BlobWriter())).rejects.toThrow();

    const audit = await p.ctx.audit.list({ action: 'targeted-attack.sample.downloaded', subjectId: a.id });
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({ sha256: a.sha256, md5: a.md5, sha1: a.sha1, ref: c.ref, passwordGenerated: false });
    expect(audit[0].actor.userId).toBeTruthy();

    // Without a password one is generated and returned once (API clients), and it opens the archive.
    const gen = await p.app.inject({ method: 'POST', url, payload: {}, headers: { cookie: analyst.cookie } });
    expect(gen.statusCode).toBe(200);
    const genPw = String(gen.headers['x-archive-password']);
    const r2 = new ZipReader(new Uint8ArrayReader(new Uint8Array(gen.rawPayload)), { password: genPw });
    const e2 = fileEntry(await r2.getEntries(), `${a.sha256}.bin`);
    expect(sha256(await e2.getData(new Uint8ArrayWriter()))).toBe(a.sha256);
    const audit2 = await p.ctx.audit.list({ action: 'targeted-attack.sample.downloaded', subjectId: a.id });
    expect(audit2).toHaveLength(2);
    expect(JSON.stringify(audit2)).not.toContain(genPw);
    expect(JSON.stringify(audit2)).not.toContain(password);
  });

  it('records analysis notes, advice (seen by the submitter) and analyst indicators, and exports indicators through the service', async () => {
    const res = await p.app.inject({ method: 'POST', url: '/api/v1/targeted-attack/submissions', payload: {
      kind: 'threat_info', submitterEmail: 'cti@company.example.jp', title: 'Public report', sourceUrl: 'hxxps://blog.vendor[.]example/report',
      description: 'C2 at c2-server[.]example and 203.0.113[.]9',
    } });
    expect(res.statusCode).toBe(201);
    const ref = res.json().ref as string;
    const c = (await p.ctx.cases.load(ref))!;
    expect((await svc.indicatorsOf(c.id)).map((i) => `${i.type}:${i.value}`)).toEqual(expect.arrayContaining(['domain:c2-server.example', 'ipv4:203.0.113.9', 'url:https://blog.vendor.example/report']));
    const base = `/staff/targeted-attack/cases/${ref}`;
    expect((await urlForm(consultant, `${base}/indicators`, { indicators: 'x.example' })).statusCode).toBe(403);
    expect((await urlForm(analyst, `${base}/indicators`, { indicators: 'second stage: hxxp://stage2[.]example/p.bin' })).statusCode).toBe(303);
    expect((await urlForm(analyst, `${base}/indicators`, { indicators: 'nothing here' })).statusCode).toBe(422);
    expect((await urlForm(analyst, `${base}/notes`, { kind: 'analysis', body: 'Internal: same infrastructure as campaign X' })).statusCode).toBe(303);
    expect((await urlForm(consultant, `${base}/notes`, { kind: 'advice', body: 'Block the listed domains at your proxy.' })).statusCode).toBe(303);
    expect((await urlForm(intake, `${base}/notes`, { kind: 'advice', body: 'x' })).statusCode).toBe(403);
    const shared = await svc.indicators({ types: ['url', 'domain'] });
    expect(shared.find((i) => i.value === 'http://stage2.example/p.bin')).toMatchObject({ type: 'url', caseRef: ref, source: 'analyst', defanged: 'hxxp[:]//stage2[.]example/p.bin' });
    expect(shared.every((i) => i.type === 'url' || i.type === 'domain')).toBe(true);
    // The submitter sees the advice, not the internal note.
    const track = await get(null, new URL(res.json().trackingUrl).pathname);
    expect(track.body).toContain('Block the listed domains');
    expect(track.body).not.toContain('same infrastructure');
    expect((await svc.counts(new Date(Date.now() - 3600_000), new Date(Date.now() + 3600_000))).advice).toBeGreaterThanOrEqual(1);
  });

  it('takes consultations from the public form and from organisation accounts, with bilingual field errors', async () => {
    const s = await anonymous(p.app, '/targeted-attack/consult');
    const bad = await urlForm(s, '/targeted-attack/consult', { submitterEmail: 'x', title: '' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('「件名」は必須です。');
    const good = await urlForm(s, '/targeted-attack/consult', { submitterEmail: 'somebody@company.example.jp', title: '不審メールを開封した', description: '添付を開いてしまいました。', sector: 'manufacturing' });
    expect(good.statusCode).toBe(303);
    const orgPage = await get(orgUser, '/targeted-attack/consult');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(orgPage.body)![1];
    const fromOrg = await urlForm({ cookie: orgUser.cookie, csrf }, '/targeted-attack/consult', { submitterEmail: 'user@shien.example.jp', title: '組織からの相談', description: '内容' });
    expect(fromOrg.statusCode).toBe(303);
    const c = await refFromTrack(fromOrg.headers.location as string);
    expect(c.ref).toMatch(/^IPA-TC-/);
    expect(c.data.channel).toBe('org');
    const mine = await p.app.inject({ method: 'GET', url: '/cases', headers: { cookie: orgUser.cookie, accept: 'text/html' } });
    expect(mine.body).toContain(c.ref);
  });

  it('runs a J-CRAT case from remote to on-site support through the activity log, and counts it', async () => {
    const t0 = new Date();
    expect((await get(consultant, '/staff/targeted-attack/jcrat/new')).statusCode).toBe(403);
    const invalid = await urlForm(jcrat, '/staff/targeted-attack/jcrat/new', { organisationName: '', sector: 'nope', summary: '' });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.body).toContain('「支援対象組織」は必須です。');
    const created = await urlForm(jcrat, '/staff/targeted-attack/jcrat/new', {
      organisationName: '支援先株式会社', sector: 'manufacturing', attackType: 'spear_phishing', summary: '不審な通信を検知', contactName: '担当 太郎', contactEmail: 'tanto@shien.example.jp', requestedOn: '2026-11-01',
    });
    expect(created.statusCode).toBe(303);
    const ref = /cases\/(IPA-JC-\d{4}-\d{5})/.exec(created.headers.location as string)![1];
    const base = `/staff/targeted-attack/cases/${ref}`;
    expect((await p.ctx.cases.load(ref))!.state).toBe('requested');
    expect((await urlForm(jcrat, `${base}/activities`, { date: '2026-11-02', mode: 'phone', summary: 'ログの提供を依頼' })).statusCode).toBe(303);
    expect((await p.ctx.cases.load(ref))!.state).toBe('remote');
    expect((await urlForm(jcrat, `${base}/activities`, { date: '2026-11-05', mode: 'onsite', summary: '現地調査' })).statusCode).toBe(303);
    expect((await p.ctx.cases.load(ref))!.state).toBe('onsite');
    expect((await urlForm(jcrat, `${base}/activities`, { date: '11/06', mode: 'x', summary: '' })).statusCode).toBe(422);
    const acts = await svc.activities((await p.ctx.cases.load(ref))!.id);
    expect(acts.map((a) => [a.date, a.mode])).toEqual([['2026-11-02', 'phone'], ['2026-11-05', 'onsite']]);
    const page = await get(jcrat, base);
    expect(page.body).toContain('現地調査');
    // The desk's consultant may not read J-CRAT cases.
    expect((await get(consultant, base)).statusCode).toBe(404);
    const t1 = new Date(Date.now() + 1000);
    expect(await p.ctx.stats.get('targeted-attack.jcrat.remote')!.period(p.ctx, t0, t1)).toBe(1);
    expect(await p.ctx.stats.get('targeted-attack.jcrat.onsite')!.period(p.ctx, t0, t1)).toBe(1);
    const close = await p.app.inject({ method: 'POST', url: `/api/v1/cases/${ref}/transitions`, payload: { name: 'close', reason: 'completed' }, headers: { cookie: jcrat.cookie } });
    expect(close.statusCode).toBe(200);
  });

  it('declares retention of personal data on every case type', () => {
    for (const def of targetedAttackModule.caseTypes!) {
      expect(def.retention?.days).toBeGreaterThan(0);
      expect(def.retention?.personalKeys.length).toBeGreaterThan(0);
    }
  });

  it('purges personal data after the retention period: data keys removed and the original e-mail erased, hashes kept', async () => {
    const s = await anonymous(p.app, '/targeted-attack/submit');
    const res = await postForm(s, '/targeted-attack/submit', { kind: 'email', submitterEmail: 'soumu@company.example.jp', idempotencyKey: '00000000-0000-4000-8000-0000000000aa' },
      [{ field: 'eml', filename: 'mail.eml', contentType: 'message/rfc822', data: Buffer.from(EML('MARK-RET')) }]);
    expect(res.statusCode).toBe(303);
    const c = await refFromTrack(res.headers.location as string);
    const staff = p.ctx.auth.actorOf((await p.ctx.auth.findUserByEmail('intake@ta.example.jp'))!);
    await p.ctx.cases.transition(c.id, 'close', staff, { reason: 'not_targeted' });
    const [art] = await svc.artifactsOf(c.id);
    expect(await p.ctx.files.read(art.fileId)).toBeDefined();
    const later = new Date(Date.now() + (RETENTION_DAYS.item + 1) * 86_400_000);
    expect(await purgeExpiredPersonalData(p.ctx, p.ctx.cases.types(), later)).toBeGreaterThanOrEqual(1);
    const after = (await p.ctx.cases.load(c.id))!;
    expect((after.data.email as Record<string, unknown>).to).toBeUndefined();
    expect((after.data.submitter as Record<string, unknown> | undefined)?.email).toBeUndefined();
    expect(await p.ctx.files.read(art.fileId)).toBeUndefined();
    expect((await p.ctx.files.meta(art.fileId))?.sha256).toBe(art.sha256);
    expect((await svc.indicatorsOf(c.id)).length).toBeGreaterThan(0);
  });

  it('publishes the public half-yearly summary with a chart and CSV', async () => {
    const page = await get(null, '/targeted-attack/statistics');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<svg');
    expect(page.body).not.toContain('支援先株式会社');
    const csv = await p.app.inject({ method: 'GET', url: '/targeted-attack/statistics?format=csv' });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect((await p.app.inject({ method: 'GET', url: '/api/v1/targeted-attack/statistics?fy=1999' })).statusCode).toBe(422);
    expect((await get(consultant, '/staff/targeted-attack/statistics')).statusCode).toBe(200);
    expect((await get(orgUser, '/staff/targeted-attack/statistics')).statusCode).toBe(403);
  });
});
