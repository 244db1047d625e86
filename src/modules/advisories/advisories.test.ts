// The advisory database on PGlite and PostgreSQL: data model and workflow, the draft from a published
// desk case, the KEV and NVD importers, public pages and API, and the FY2020 registration figures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { BACKENDS, startTestPlatform, type TestPlatform } from '../../../test/harness.js';
import { loginAs, type Session } from '../../../test/session.js';
import { SYSTEM_ACTOR, type Actor } from '../../platform/context.js';
import { AppError } from '../../platform/http/errors.js';
import { jstParts } from '../../platform/i18n/dates.js';
import { SEARCH_COUNT_CAP, type AdvisoriesService, type SearchFilters } from './service.js';
import { advisoriesModule } from './definition.js';
import { loadAdvisoriesDemo } from './demo.js';

const KEV_FILE = '/work/shared/reference/kev/known_exploited_vulnerabilities.json';
const PASSWORD = 'correct horse battery staple';
const TOTP = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const staffActor = (perms: string[]): Actor => ({ userId: null, kind: 'staff', displayName: 'tester', organisationId: null, roles: [], permissions: new Set(perms) });
const WRITER = staffActor(['advisories.write']);
const PUBLISHER = staffActor(['advisories.write', 'advisories.publish']);

/** A page in the shape of NVD's CVE API 2.0 (/rest/json/cves/2.0). */
function nvdPage(over: { gitDesc?: string; gitModified?: string } = {}) {
  return {
    resultsPerPage: 3, startIndex: 0, totalResults: 3, format: 'NVD_CVE', version: '2.0', timestamp: '2025-08-26T10:00:00.000',
    vulnerabilities: [
      { cve: {
        id: 'CVE-2025-48384', sourceIdentifier: 'security-advisories@github.com', published: '2025-07-08T19:15:30.853', lastModified: over.gitModified ?? '2025-08-26T01:00:00.000', vulnStatus: 'Analyzed',
        cisaExploitAdd: '2025-08-25', cisaActionDue: '2025-09-15', cisaRequiredAction: 'Apply mitigations per vendor instructions.', cisaVulnerabilityName: 'Git Link Following Vulnerability',
        descriptions: [{ lang: 'en', value: over.gitDesc ?? 'Git is a fast, scalable, distributed revision control system. When reading a config value, Git strips any trailing carriage return and line feed.' }],
        metrics: {
          cvssMetricV31: [{ source: 'security-advisories@github.com', type: 'Secondary', cvssData: { version: '3.1', vectorString: 'CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', baseScore: 7.8, baseSeverity: 'HIGH' }, exploitabilityScore: 1.8, impactScore: 5.9 }],
          cvssMetricV40: [{ source: 'security-advisories@github.com', type: 'Secondary', cvssData: { version: '4.0', vectorString: 'CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', baseScore: 8.5, baseSeverity: 'HIGH' } }],
        },
        weaknesses: [{ source: 'security-advisories@github.com', type: 'Primary', description: [{ lang: 'en', value: 'CWE-59' }, { lang: 'en', value: 'CWE-436' }] }],
        configurations: [{ nodes: [{ operator: 'OR', negate: false, cpeMatch: [
          { vulnerable: true, criteria: 'cpe:2.3:a:git-scm:git:*:*:*:*:*:*:*:*', versionEndExcluding: '2.43.7', matchCriteriaId: 'A1' },
          { vulnerable: true, criteria: 'cpe:2.3:a:git-scm:git:*:*:*:*:*:*:*:*', versionStartIncluding: '2.44.0', versionEndExcluding: '2.44.4', matchCriteriaId: 'A2' },
        ] }] }],
        references: [
          { url: 'https://github.com/git/git/security/advisories/GHSA-vwqx-4fm8-6qc9', source: 'security-advisories@github.com', tags: ['Vendor Advisory'] },
          { url: 'https://github.com/git/git/commit/05e9cd64ee23bbadcea6bcffd6660ed02b8eab89', source: 'security-advisories@github.com', tags: ['Patch'] },
        ],
      } },
      { cve: {
        id: 'CVE-2021-44228', sourceIdentifier: 'security@apache.org', published: '2021-12-10T10:15:09.143', lastModified: '2025-02-04T15:15:13.773', vulnStatus: 'Analyzed',
        descriptions: [{ lang: 'en', value: 'Apache Log4j2 2.0-beta9 through 2.15.0 JNDI features used in configuration, log messages, and parameters do not protect against attacker controlled LDAP and other JNDI related endpoints.' }, { lang: 'es', value: 'Apache Log4j2 …' }],
        metrics: {
          cvssMetricV31: [{ source: 'nvd@nist.gov', type: 'Primary', cvssData: { version: '3.1', vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', baseScore: 10.0, baseSeverity: 'CRITICAL' } }],
          cvssMetricV2: [{ source: 'nvd@nist.gov', type: 'Primary', cvssData: { version: '2.0', vectorString: 'AV:N/AC:M/Au:N/C:C/I:C/A:C', baseScore: 9.3 }, baseSeverity: 'HIGH' }],
        },
        weaknesses: [{ source: 'nvd@nist.gov', type: 'Primary', description: [{ lang: 'en', value: 'CWE-917' }] }],
        configurations: [{ nodes: [{ operator: 'OR', negate: false, cpeMatch: [
          { vulnerable: true, criteria: 'cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*', versionStartIncluding: '2.0.1', versionEndExcluding: '2.3.1', matchCriteriaId: 'B1' },
          { vulnerable: true, criteria: 'cpe:2.3:a:apache:log4j:2.0:beta9:*:*:*:*:*:*', matchCriteriaId: 'B2' },
        ] }] }],
        references: [{ url: 'https://logging.apache.org/log4j/2.x/security.html', source: 'security@apache.org', tags: ['Vendor Advisory'] }],
      } },
      { cve: {
        id: 'CVE-2099-0001', published: '2099-01-01T00:00:00.000', lastModified: '2099-01-01T00:00:00.000',
        descriptions: [{ lang: 'en', value: 'A record with an inconsistent vector.' }],
        metrics: { cvssMetricV31: [{ type: 'Primary', cvssData: { vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H' } }] },
      } },
    ],
  };
}

describe.each(BACKENDS)('advisory database on %s', (backend) => {
  let p: TestPlatform;
  let svc: AdvisoriesService;

  beforeAll(async () => {
    p = await startTestPlatform(backend);
    svc = p.ctx.services.get('advisories') as AdvisoriesService;
  });
  afterAll(async () => { await p?.destroy(); });

  const count = async (table: string) => Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(p.ctx.db)).rows[0].n);

  it('computes CVSS, rejects inconsistent input with the reason, and walks draft → review → published → revised', async () => {
    const bad = await svc.create({
      title: { ja: 'x' }, cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H'], cveIds: ['CVE-21-1'],
      affected: [{ vendor: 'v', product: 'p', cpe: 'cpe:2.3:a:broken' }],
    }, WRITER).catch((e) => e);
    expect(bad).toBeInstanceOf(AppError);
    const fields = (bad as AppError).details.map((d) => d.field).sort();
    expect(fields).toEqual(['affected[0].cpe', 'cveIds[0]', 'cvss[0]']);
    expect((bad as AppError).details.find((d) => d.field === 'cvss[0]')!.message.en).toContain('A');
    expect(await count('advisories')).toBe(0);
    await expect(svc.create({ title: { ja: 'x' } }, staffActor([]))).rejects.toMatchObject({ status: 403 });

    const input = {
      title: { ja: 'SampleCMS におけるクロスサイトスクリプティングの脆弱性', en: 'SampleCMS vulnerable to cross-site scripting' },
      overview: { ja: 'SampleCMS には格納型クロスサイトスクリプティングの脆弱性が存在します。', en: 'SampleCMS contains a stored XSS vulnerability.' },
      cveIds: ['CVE-2026-10001'], jvnIds: ['JVN#12345678'], cweIds: ['CWE-79'],
      cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 'AV:N/AC:M/Au:N/C:N/I:P/A:N'],
      affected: [{ vendor: 'サンプル株式会社', product: 'SampleCMS', cpe: 'cpe:2.3:a:sample:samplecms:*:*:*:*:*:*:*:*', versionStart: '2.0.0', versionEnd: '2.3.2', versionEndIncluding: false, purl: 'pkg:npm/samplecms' }],
      references: [{ url: 'https://jvn.jp/jp/JVN12345678/', type: 'advisory' }], publicDate: '2026-11-20',
    };
    const a = await svc.create(input, WRITER);
    expect(a.state).toBe('draft'); expect(a.jvndbId).toBeNull();
    expect(a.cvss.find((c) => c.version === '3.1')).toMatchObject({ baseScore: 6.1, severity: 'medium' });
    expect(a.cvss.find((c) => c.version === '2.0')).toMatchObject({ baseScore: 4.3, severity: 'medium' });
    expect(a.affected[0].vendorId).toBeGreaterThan(0);
    await expect(svc.publish(a.id, PUBLISHER)).rejects.toMatchObject({ status: 409 });
    await svc.submitForReview(a.id, WRITER);
    await expect(svc.publish(a.id, WRITER)).rejects.toMatchObject({ status: 403 });
    const pub = await svc.publish(a.id, PUBLISHER);
    const year = jstParts(new Date()).y;
    expect(pub.jvndbId).toBe(`JVNDB-${year}-000001`);
    expect(pub.firstPublishedAt).toBeTruthy();
    // A second advisory gets the next number; the vendor and product keep their ids.
    const b = await svc.create({ ...input, cveIds: ['CVE-2026-10002'], title: { ja: 'SampleCMS における SQL インジェクション', en: '' }, cvss: [] }, WRITER);
    expect(b.affected[0].productId).toBe(a.affected[0].productId);
    await svc.submitForReview(b.id, WRITER);
    expect((await svc.publish(b.id, PUBLISHER)).jvndbId).toBe(`JVNDB-${year}-000002`);
    await expect(svc.update(pub.id, { ...input, solution: { ja: '2.3.2 に更新する', en: 'Update to 2.3.2' } }, WRITER)).rejects.toMatchObject({ status: 403 });
    const rev = await svc.update(pub.id, { ...input, solution: { ja: '2.3.2 に更新する', en: 'Update to 2.3.2' } }, PUBLISHER, '対策を追記');
    expect(rev.state).toBe('revised'); expect(rev.jvndbId).toBe(pub.jvndbId); expect(rev.firstPublishedAt).toEqual(pub.firstPublishedAt);
    expect((await svc.revisions(a.id)).map((r) => r.kind)).toEqual(['created', 'submitted', 'published', 'updated']);
    const audit = await p.ctx.audit.list({ subjectType: 'advisory', subjectId: a.id });
    expect(audit.length).toBe(4);
  });

  it('receives a draft when the vulnerability report desk publishes a product case', async () => {
    const au = p.ctx.auth;
    await au.createOrganisation({ name: 'JPCERT コーディネーションセンター', nameEn: 'JPCERT/CC', kind: 'coordinator', email: 'coord@jpcert.example.jp' });
    const vendor = await au.createOrganisation({ name: 'ルータ株式会社', kind: 'vendor', email: 'psirt@router.example.jp' });
    await au.createUser({ email: 'desk@ipa.example.jp', displayName: '受付', password: PASSWORD, kind: 'staff', roles: ['intake_handler', 'analyst'], totpSecret: TOTP });
    await au.createUser({ email: 'coord@ipa.example.jp', displayName: '調整', password: PASSWORD, kind: 'staff', roles: ['coordinator'], totpSecret: TOTP });
    await au.createUser({ email: 'pub@ipa.example.jp', displayName: '公表', password: PASSWORD, kind: 'staff', roles: ['publisher'], totpSecret: TOTP });
    const staff = await loginAs(p.app, 'desk@ipa.example.jp', PASSWORD, TOTP);
    const coord = await loginAs(p.app, 'coord@ipa.example.jp', PASSWORD, TOTP);
    const pub = await loginAs(p.app, 'pub@ipa.example.jp', PASSWORD, TOTP);
    const tr = (s: Session, ref: string, name: string) => p.app.inject({ method: 'POST', url: `/api/v1/cases/${ref}/transitions`, payload: { name }, headers: { cookie: s.cookie } });
    const form = (s: Session, url: string, fields: Record<string, string>) =>
      p.app.inject({ method: 'POST', url, payload: new URLSearchParams({ _csrf: s.csrf, ...fields }).toString(), headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' } });
    const res = await p.app.inject({ method: 'POST', url: '/api/v1/vulnerability-reports', payload: {
      kind: 'product', reporterName: '発見 太郎', reporterEmail: 'finder@example.jp', productName: 'RouterOS-X', productVersions: '2.0.0 - 2.3.1', vendorName: 'ルータ株式会社',
      productCategory: 'embedded', cwe: 'CWE-287', summary: 'RouterOS-X の認証回避', description: '管理画面の認証を回避できる。', reproduction: '1. …', impact: '第三者に設定を変更される',
    } });
    expect(res.statusCode).toBe(201);
    const ref = res.json().ref as string;
    expect((await tr(staff, ref, 'start_check')).statusCode).toBe(200);
    expect((await tr(staff, ref, 'forward_to_coordinator')).statusCode).toBe(200);
    expect((await form(coord, `/staff/vuln/${ref}/contact-developer`, { organisationId: vendor.id })).statusCode).toBe(303);
    expect((await form(staff, `/staff/vuln/${ref}/advisory`, { advisoryTitle: 'RouterOS-X における認証回避の脆弱性', advisorySummary: '認証を回避される', affectedProducts: 'RouterOS-X 2.0.0 - 2.3.1', cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', solution: '2.3.2 に更新する' })).statusCode).toBe(303);
    const before = await count('advisories');
    expect((await tr(pub, ref, 'publish')).statusCode).toBe(200);
    expect(await count('advisories')).toBe(before + 1);
    const row = (await sql<{ id: string; state: string; title_ja: string; cwe_ids: string[] }>`select id, state, title_ja, cwe_ids from advisories where source = 'case' and source_ref = ${ref}`.execute(p.ctx.db)).rows[0];
    expect(row).toMatchObject({ state: 'draft', title_ja: 'RouterOS-X における認証回避の脆弱性', cwe_ids: ['CWE-287'] });
    const draft = (await svc.get(row.id, { includeUnpublished: true }))!;
    expect(draft.cvss[0]).toMatchObject({ version: '3.1', baseScore: 9.8, severity: 'critical' });
    expect(draft.affected[0]).toMatchObject({ vendor: 'ルータ株式会社', product: 'RouterOS-X', versionText: '2.0.0 - 2.3.1' });
    expect(draft.overview.ja).toBe('認証を回避される'); expect(draft.solution.ja).toBe('2.3.2 に更新する');
    // Drafts are not public.
    expect(await svc.get(row.id)).toBeNull();

    // Staff JSON endpoints: the publisher writes, submits and publishes; the public may not.
    const body = { title: { ja: 'JSON API で作成した脆弱性対策情報', en: 'Created over the JSON API' }, cvss: ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N'] };
    expect((await p.app.inject({ method: 'POST', url: '/api/v1/staff/advisories', payload: body })).statusCode).toBe(401);
    const created = await p.app.inject({ method: 'POST', url: '/api/v1/staff/advisories', payload: body, headers: { cookie: pub.cookie } });
    expect(created.statusCode).toBe(201);
    expect(created.json().cvss[0]).toMatchObject({ version: '4.0', baseScore: 9.3, severity: 'critical' });
    const uuid = created.json().uuid as string;
    const badPut = await p.app.inject({ method: 'PUT', url: `/api/v1/staff/advisories/${uuid}`, payload: { ...body, cvss: ['CVSS:4.0/AV:N'] }, headers: { cookie: pub.cookie } });
    expect(badPut.statusCode).toBe(422); expect(badPut.json().error.details[0]).toMatchObject({ field: 'cvss[0]', messages: { en: 'Base metrics are missing (AC, AT, PR, UI, VC, VI, VA, SC, SI, SA).' } });
    const dupPut = await p.app.inject({ method: 'PUT', url: `/api/v1/staff/advisories/${uuid}`, payload: { ...body, cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:L'] }, headers: { cookie: pub.cookie } });
    expect(dupPut.json().error.details[0].messages.en).toBe('Metrics are repeated (A).');
    expect((await p.app.inject({ method: 'POST', url: `/api/v1/staff/advisories/${uuid}/submit`, payload: {}, headers: { cookie: pub.cookie } })).statusCode).toBe(200);
    const published = await p.app.inject({ method: 'POST', url: `/api/v1/staff/advisories/${uuid}/publish`, payload: {}, headers: { cookie: pub.cookie } });
    expect(published.statusCode).toBe(200); expect(published.json().id).toMatch(/^JVNDB-\d{4}-000003$/);
    expect((await p.app.inject({ method: 'POST', url: `/api/v1/staff/advisories/${uuid}/publish`, payload: {}, headers: { cookie: staff.cookie } })).statusCode).toBe(403);
  });

  it('imports the real CISA KEV catalogue idempotently', async () => {
    const doc = JSON.parse(readFileSync(KEV_FILE, 'utf8')) as { vulnerabilities: Array<Record<string, unknown>> };
    const n = doc.vulnerabilities.length;
    const r1 = await svc.importKev(doc, SYSTEM_ACTOR);
    expect(r1.errors).toEqual([]);
    expect(r1.created + r1.updated).toBe(new Set(doc.vulnerabilities.map((v) => v.cveID)).size);
    expect(await sql<{ n: number }>`select count(*)::int as n from advisories where kev`.execute(p.ctx.db).then((r) => r.rows[0].n)).toBe(r1.created + r1.updated);
    const revisions = await count('advisories_revisions');
    const r2 = await svc.importKev(doc, SYSTEM_ACTOR);
    expect(r2).toMatchObject({ created: 0, updated: 0, unchanged: n, errors: [] });
    expect(await count('advisories_revisions')).toBe(revisions);
    // A broken record is reported with its index and path, the rest still imported.
    const broken = { vulnerabilities: [{ ...doc.vulnerabilities[0], cveID: 'CVE-2099-7777' }, { cveID: 'CVE-2099-7778', dateAdded: 'yesterday' }, 'x'] };
    const r3 = await svc.importKev(broken, SYSTEM_ACTOR);
    expect(r3.created).toBe(1);
    expect(r3.errors.map((e) => [e.index, e.path])).toEqual([[1, 'vulnerabilities[1]/dateAdded'], [2, 'vulnerabilities[2]']]);
    const git = (await svc.search({ q: 'CVE-2025-48384' }, { offset: 0, limit: 5 })).items;
    expect(git).toHaveLength(1);
    expect(git[0]).toMatchObject({ kev: true, kevAdded: '2025-08-25' });
  }, 240_000);

  it('imports NVD CVE API 2.0 pages: per-record errors, idempotent, newer versions append a revision', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'adv-nvd-'));
    const file = join(dir, 'page.json');
    writeFileSync(file, JSON.stringify(nvdPage()));
    const out: string[] = []; const errs: string[] = [];
    const cmd = advisoriesModule.commands!.find((c) => c.name === 'advisories import')!;
    const code = await cmd.run(p.ctx, ['nvd', file], { out: (l) => out.push(l), err: (l) => errs.push(l), stdin: async () => Buffer.alloc(0) });
    expect(code).toBe(1); // one record was refused
    expect(errs.join('\n')).toMatch(/record 2 vulnerabilities\[2\]\/cvss\[0\]: Base metrics are missing \(A\)/);
    expect(await sql`select 1 from advisories where 'CVE-2099-0001' = any(cve_ids)`.execute(p.ctx.db).then((r) => r.rows.length)).toBe(0);
    expect(out[0]).toMatch(/created 0, updated 2, unchanged 0/); // both came from KEV already and are now completed from NVD

    const git = (await svc.search({ q: 'CVE-2025-48384' }, { offset: 0, limit: 5 })).items[0];
    expect(git.cvss.map((c) => [c.version, c.baseScore])).toEqual([['4.0', 8.5], ['3.1', 7.8]]);
    expect(git.cweIds).toEqual(['CWE-59', 'CWE-436']);
    expect(git.kev).toBe(true);
    expect(git.affected.map((a) => [a.vendor, a.product, a.versionStart, a.versionStartIncluding, a.versionEnd, a.versionEndIncluding])).toEqual([
      ['git-scm', 'git', null, null, '2.43.7', false], ['git-scm', 'git', '2.44.0', true, '2.44.4', false]]);
    expect(git.references.map((r) => r.type)).toEqual(['vendor', 'patch']);
    const log4j = (await svc.search({ q: 'CVE-2021-44228' }, { offset: 0, limit: 5 })).items[0];
    expect(log4j.severity).toBe('critical');
    expect(log4j.affected[1]).toMatchObject({ versionStart: '2.0', versionEnd: '2.0', versionEndIncluding: true });
    expect(log4j.publicDate!.toISOString()).toBe('2021-12-10T10:15:09.143Z');

    const revs = await svc.revisions(git.id);
    const again = await svc.importNvd(nvdPage(), SYSTEM_ACTOR);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    const newer = await svc.importNvd(nvdPage({ gitDesc: 'Updated description of the Git carriage-return issue, with more detail.', gitModified: '2025-09-01T00:00:00.000' }), SYSTEM_ACTOR);
    expect(newer).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    expect((await svc.revisions(git.id)).length).toBe(revs.length + 1);
    const older = await svc.importNvd(nvdPage({ gitDesc: 'Old text', gitModified: '2025-08-01T00:00:00.000' }), SYSTEM_ACTOR);
    expect(older).toMatchObject({ updated: 0, stale: 1 });
    expect((await svc.get(git.id))!.overview.en).toContain('Updated description');
  });

  it('searches and serves the public pages and the JSON API with cursors and ETags', async () => {
    const kw = await svc.search({ q: 'log4j jndi' }, { offset: 0, limit: 10 });
    expect(kw.items.map((a) => a.cveIds[0])).toContain('CVE-2021-44228');
    const ja = await svc.search({ q: 'クロスサイト' }, { offset: 0, limit: 10 });
    expect(ja.total).toBe(2); // both SampleCMS advisories share the overview
    const log4j = kw.items.find((a) => a.cveIds[0] === 'CVE-2021-44228')!;
    expect((await svc.search({ productId: log4j.affected[0].productId }, { offset: 0, limit: 10 })).total).toBeGreaterThanOrEqual(1);
    expect((await svc.search({ vendorId: log4j.affected[0].vendorId, cwe: 'CWE-917', severity: ['critical'] }, { offset: 0, limit: 10 })).items.map((a) => a.id)).toContain(log4j.id);
    expect((await svc.search({ q: 'SampleCMS', kev: true }, { offset: 0, limit: 10 })).total).toBe(0);
    expect((await svc.search({ q: log4j.jvndbId! }, { offset: 0, limit: 10 })).total).toBe(1);
    expect((await svc.search({ q: 'JVN#12345678' }, { offset: 0, limit: 10 })).total).toBe(2);

    const html = await p.app.inject({ method: 'GET', url: '/advisories?q=log4j&severity=critical' });
    expect(html.statusCode).toBe(200); expect(html.body).toContain(log4j.jvndbId!);
    // The page takes the API's forms of the filters too (several severities, kev=true).
    const many = await p.app.inject({ method: 'GET', url: '/advisories?q=log4j&severity=medium,high,critical&kev=true' });
    expect(many.body).toContain(log4j.jvndbId!);
    expect((await p.app.inject({ method: 'GET', url: '/advisories?q=log4j&severity=low,medium' })).body).not.toContain(log4j.jvndbId!);
    const page = await p.app.inject({ method: 'GET', url: `/advisories/${log4j.jvndbId}?lang=en` });
    expect(page.statusCode).toBe(200); expect(page.body).toContain('cpe:2.3:a:apache:log4j'); expect(page.body).toContain('Revision history');
    expect((await p.app.inject({ method: 'GET', url: '/advisories/JVNDB-1999-999999' })).statusCode).toBe(404);

    const one = await p.app.inject({ method: 'GET', url: `/api/v1/advisories/${log4j.jvndbId}` });
    expect(one.statusCode).toBe(200); expect(one.json()).toMatchObject({ id: log4j.jvndbId, severity: 'critical', cveIds: ['CVE-2021-44228'] });
    const etag = one.headers.etag as string;
    expect((await p.app.inject({ method: 'GET', url: `/api/v1/advisories/${log4j.jvndbId}`, headers: { 'if-none-match': etag } })).statusCode).toBe(304);
    expect((await p.app.inject({ method: 'GET', url: '/api/v1/advisories/nope' })).statusCode).toBe(422);

    // Incremental sync: every published advisory exactly once, in pages of 500.
    const seen = new Set<string>(); let cursor: string | null = null; let pages = 0;
    do {
      const r: Awaited<ReturnType<typeof p.app.inject>> = await p.app.inject({ method: 'GET', url: `/api/v1/advisories?limit=500${cursor ? `&cursor=${cursor}` : ''}` });
      expect(r.statusCode).toBe(200);
      for (const a of r.json().items) seen.add(a.id);
      cursor = r.json().next; pages++;
    } while (cursor);
    const published = Number((await sql<{ n: number }>`select count(*)::int as n from advisories where state in ('published', 'revised')`.execute(p.ctx.db)).rows[0].n);
    expect(seen.size).toBe(published); expect(pages).toBeGreaterThan(1);
    const since = new Date(Date.now() - 1000).toISOString();
    await new Promise((r) => setTimeout(r, 1100));
    await svc.importNvd(nvdPage({ gitDesc: 'Third text', gitModified: '2025-10-01T00:00:00.000' }), SYSTEM_ACTOR);
    const changed = await p.app.inject({ method: 'GET', url: `/api/v1/advisories?modifiedSince=${encodeURIComponent(new Date(Date.now() - 500).toISOString())}` });
    expect(changed.json().items.map((a: { cveIds: string[] }) => a.cveIds[0])).toEqual(['CVE-2025-48384']);
    void since;
    const search = await p.app.inject({ method: 'GET', url: '/api/v1/advisories?q=log4j&kev=true&severity=high,critical' });
    expect(search.json().items.map((a: { cveIds: string[] }) => a.cveIds[0])).toEqual(['CVE-2021-44228']);
    expect((await p.app.inject({ method: 'GET', url: '/api/v1/advisories?cursor=garbage' })).statusCode).toBe(422);
    expect((await p.app.inject({ method: 'GET', url: '/api/v1/advisories?limit=100000' })).statusCode).toBe(422);
    const openapi = (await p.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/v1/advisories', '/api/v1/advisories/{id}']));
  });

  it('reproduces the FY2020 registrations of the annual report from the demo data', async () => {
    const t0 = Date.now();
    await loadAdvisoriesDemo(p.ctx);
    await loadAdvisoriesDemo(p.ctx); // idempotent
    expect(Date.now() - t0).toBeLessThan(30_000);
    const m = await svc.monthly(2020);
    expect(m.months.map((x) => x.count)).toEqual([1452, 1297, 1523, 1202, 907, 969, 468, 383, 569, 479, 425, 791]);
    expect(m.total).toBe(10465); expect(m.cumulative).toBe(127087);
    expect(await p.ctx.stats.fiscalYearValue('advisories.registered', 2020, 'period')).toBe(10465);
    expect(await p.ctx.stats.fiscalYearValue('advisories.registered', 2020, 'cumulative')).toBe(127087);
    const table = await p.ctx.stats.table('advisories.registered-monthly', 2020);
    expect(table.rows[0].cells).toEqual(['1,452', '1,297', '1,523', '1,202', '907', '969', '468', '383', '569', '479', '425', '791', '10,465', '127,087']);
    expect(p.ctx.stats.tables().find((x) => x.key === 'advisories.registered-monthly')!.chapter).toBe('I/1/(1-2)');
    const page = await p.app.inject({ method: 'GET', url: '/advisories/statistics?fy=2020' });
    expect(page.body).toContain('10,465'); expect(page.body).toContain('127,087');
    expect((await p.app.inject({ method: 'GET', url: '/api/v1/advisories/JVNDB-2020-000001' })).statusCode).toBe(200);
    expect((await p.app.inject({ method: 'GET', url: '/api/v1/advisories/JVNDB-2020-008770' })).statusCode).toBe(200); // April–December 2020
    expect((await p.app.inject({ method: 'GET', url: '/api/v1/advisories/JVNDB-2021-001695' })).statusCode).toBe(200); // January–March 2021
    expect((await p.app.inject({ method: 'GET', url: '/api/v1/advisories/JVNDB-2021-001696' })).statusCode).toBe(404);
  }, 120_000);
  it('search: totals, order and pages agree with the plain definition on every plan; the product facets follow every write', async () => {
    await loadAdvisoriesDemo(p.ctx);
    const db = p.ctx.db;
    // The definition: LIKE on search_text, vendor/product/CPE through advisories_affected.
    async function reference(f: SearchFilters): Promise<string[]> {
      const c = [f.includeUnpublished ? sql`true` : sql`a.state in ('published', 'revised')`];
      for (const t of (f.q ?? '').trim().toLowerCase().split(/\s+/).filter(Boolean)) c.push(sql`a.search_text like ${'%' + t.replace(/[\\%_]/g, (x) => '\\' + x) + '%'}`);
      if (f.severity) c.push(sql`a.severity = any(${f.severity}::text[])`);
      if (f.cwe) c.push(sql`${f.cwe} = any(a.cwe_ids)`);
      if (f.kev !== undefined) c.push(sql`a.kev = ${f.kev}`);
      if (f.from) c.push(sql`a.public_date >= ${f.from}`);
      if (f.to) c.push(sql`a.public_date < ${f.to}`);
      if (f.vendorId) c.push(sql`exists (select 1 from advisories_affected x join advisories_products p on p.id = x.product_id where x.advisory_id = a.id and p.vendor_id = ${f.vendorId})`);
      if (f.productId) c.push(sql`exists (select 1 from advisories_affected x where x.advisory_id = a.id and x.product_id = ${f.productId})`);
      if (f.cpe) {
        c.push(sql`exists (select 1 from advisories_affected x join advisories_products p on p.id = x.product_id join advisories_vendors v on v.id = p.vendor_id
          where x.advisory_id = a.id and v.cpe_vendor = ${f.cpe.vendor} ${f.cpe.product ? sql`and p.cpe_product = ${f.cpe.product}` : sql``})`);
      }
      const r = await sql<{ id: string }>`select a.id from advisories a where ${sql.join(c, sql` and `)} order by a.public_date desc nulls last, a.jvndb_id desc nulls last`.execute(db);
      return r.rows.map((x) => x.id);
    }
    const id = async (q: ReturnType<typeof sql<{ id: number }>>) => Number((await q.execute(db)).rows[0].id);
    const microsoft = await id(sql<{ id: number }>`select id from advisories_vendors where key = 'microsoft'`);
    const windows = await id(sql<{ id: number }>`select id from advisories_products where vendor_id = ${microsoft} and key = 'windows'`);
    const jst = (d: string) => new Date(`${d}T00:00:00+09:00`);
    const cases: SearchFilters[] = [
      { q: '脆弱性' }, { q: 'vulnerability', severity: ['high', 'critical'] }, { q: 'クロスサイトスクリプティング' }, { q: 'sql インジェクション' },
      { q: 'windows', cwe: 'CWE-787' }, { q: '境界外書き込み', from: jst('2020-07-01'), to: jst('2021-01-01') }, { q: 'garoon' }, { q: 'xyzzy' },
      { severity: ['critical'] }, { cwe: 'CWE-79' }, { kev: true }, { vendorId: microsoft }, { vendorId: microsoft, severity: ['high'] },
      { productId: windows }, { vendorId: microsoft, q: 'windows' }, { cpe: { vendor: 'microsoft', product: null } },
      { cpe: { vendor: 'microsoft', product: 'windows' } }, { vendorId: microsoft, kev: false, cwe: 'CWE-79', from: jst('2020-10-01') },
    ];
    // Enough rows for the sampled "more than 5,000" decision (≥ 1,600 heap pages) and both sides of the cap.
    expect(Number((await sql<{ n: number }>`select (pg_relation_size('advisories') / 8192)::int as n`.execute(db)).rows[0].n)).toBeGreaterThanOrEqual(1600);
    const sizes = await Promise.all(cases.map(async (f) => (await reference(f)).length));
    expect(sizes.some((n) => n > SEARCH_COUNT_CAP) && sizes.some((n) => n > 50 && n <= SEARCH_COUNT_CAP) && sizes.includes(0)).toBe(true);
    // Without statistics keywords ask the trigram index for all their trigrams; with them, for the rarer ones.
    for (const analyzed of [false, true]) {
      if (analyzed) await sql`analyze advisories`.execute(db);
      for (const f of cases) {
        const ref = await reference(f);
        const total = Math.min(ref.length, SEARCH_COUNT_CAP);
        const first = await svc.search(f, { offset: 0, limit: 50 });
        expect({ f, total: first.total, exact: first.totalExact }).toEqual({ f, total, exact: ref.length <= SEARCH_COUNT_CAP });
        expect(first.items.map((a) => a.id)).toEqual(ref.slice(0, 50));
        const offset = Math.max(0, total - 30);
        expect((await svc.search(f, { offset, limit: 50 })).items.map((a) => a.id)).toEqual(ref.slice(offset, offset + 50));
      }
    }

    // The facets follow the service's writes: a draft is not found, an update moves the advisory to
    // another vendor and severity.
    const page = { offset: 0, limit: 10 };
    const input = { title: { ja: 'ファセット試験', en: 'Facet test' }, cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'], affected: [{ vendor: 'Facet Vendor A', product: 'Alpha' }], publicDate: '2026-11-21' };
    const a = await svc.create(input, WRITER);
    const vendorA = a.affected[0].vendorId;
    expect((await svc.search({ vendorId: vendorA }, page)).total).toBe(0);
    expect((await svc.search({ vendorId: vendorA, includeUnpublished: true }, page)).items.map((x) => x.id)).toEqual([a.id]);
    await svc.submitForReview(a.id, WRITER); await svc.publish(a.id, PUBLISHER);
    expect((await svc.search({ vendorId: vendorA, severity: ['critical'] }, page)).items.map((x) => x.id)).toEqual([a.id]);
    const b = await svc.update(a.id, { ...input, cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N'], affected: [{ vendor: 'Facet Vendor B', product: 'Beta' }] }, PUBLISHER);
    expect(b.severity).toBe('medium');
    expect((await svc.search({ vendorId: vendorA }, page)).total).toBe(0);
    expect((await svc.search({ vendorId: b.affected[0].vendorId, severity: ['critical'] }, page)).total).toBe(0);
    expect((await svc.search({ productId: b.affected[0].productId, severity: ['medium'] }, page)).items.map((x) => x.id)).toEqual([a.id]);
    // Every facet row is what its advisory and affected rows say, after the service, the NVD and KEV
    // importers (inserts, updates, KEV flags) and the generator.
    const drift = await sql`
      with f as (select advisory_id, vendor_ids, product_ids, state, severity, kev, cwe_ids, public_date, jvndb_id from advisories_search_facets),
      r as (select a.id as advisory_id, array_agg(distinct p.vendor_id) as vendor_ids, array_agg(distinct x.product_id) as product_ids, a.state, a.severity, a.kev, a.cwe_ids, a.public_date, a.jvndb_id
        from advisories a join advisories_affected x on x.advisory_id = a.id join advisories_products p on p.id = x.product_id group by a.id)
      select * from ((select * from f except select * from r) union all (select * from r except select * from f)) d`.execute(db);
    expect(drift.rows).toEqual([]);
    expect(await count('advisories_search_facets')).toBeGreaterThan(10_000);
  }, 240_000);
});
