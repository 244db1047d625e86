// Exports on PGlite and PostgreSQL: CVE JSON 5 (validated against CVEProject/cve-schema's bundled
// schema), CSAF 2.0 (csaf-validator-lib schema + mandatory tests), OSV (ossf/osv-schema), the Atom feed
// (atom.xsd of the MyJVN reference schemas, with libxml2), the yearly bulk files and the CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { validateXML } from 'xmllint-wasm';
import { XMLParser } from 'fast-xml-parser';
import { BACKENDS, startTestPlatform, type TestPlatform } from '../../../../test/harness.js';
import { sharedPath } from '../../../../test/shared-reference.js';
import { SYSTEM_ACTOR, type Actor } from '../../../platform/context.js';
import { jstParts } from '../../../platform/i18n/dates.js';
import type { Advisory, AdvisoriesService, AdvisoryInput } from '../service.js';
import { part } from './index.js';
import { advisoriesModule } from '../definition.js';
import { advisoryRoutes } from '../routes.js';
import type { ModuleDefinition } from '../../../platform/module.js';
import { advisoriesOfYear } from './load.js';

const FIX = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const PUBLISHER: Actor = { userId: null, kind: 'staff', displayName: 'tester', organisationId: null, roles: [], permissions: new Set(['advisories.write', 'advisories.publish']) };

// --- validators (all local: nothing is downloaded)
const ajv7 = new (Ajv as unknown as typeof Ajv.default)({ strict: false, allErrors: true, unicodeRegExp: false });
(addFormats as unknown as typeof addFormats.default)(ajv7);
const validateCve = ajv7.compile(JSON.parse(readFileSync(join(FIX, 'cve-record-format-5.2.0-bundled.json'), 'utf8')));
const ajv2020 = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: false, allErrors: true });
(addFormats as unknown as typeof addFormats.default)(ajv2020);
const validateOsv = ajv2020.compile(JSON.parse(readFileSync(join(FIX, 'osv-schema.json'), 'utf8')));
const cveErrors = (doc: unknown) => (validateCve(doc) ? null : ajv7.errorsText(validateCve.errors?.slice(0, 8)));
const osvErrors = (doc: unknown) => (validateOsv(doc) ? null : ajv2020.errorsText(validateOsv.errors?.slice(0, 8)));

type CsafTest = (doc: unknown) => unknown;
let csafTests: CsafTest[] = [];
let csafValidate: (tests: CsafTest[], doc: unknown) => Promise<{ isValid: boolean; tests: Array<{ name: string; isValid: boolean; errors: Array<{ instancePath: string; message: string }> }> }>;
async function loadCsaf() {
  const lib = '@secvisogram/csaf-validator-lib';
  csafValidate = ((await import(`${lib}/validate.js`)) as { default: typeof csafValidate }).default;
  const schema = (await import(`${lib}/schemaTests.js`)) as Record<string, CsafTest>;
  const mandatory = (await import(`${lib}/mandatoryTests.js`)) as Record<string, CsafTest>;
  csafTests = [schema.csaf_2_0, ...Object.values(mandatory)];
}
async function csafErrors(doc: unknown): Promise<string | null> {
  const r = await csafValidate(csafTests, doc);
  if (r.isValid) return null;
  return r.tests.filter((t) => !t.isValid).map((t) => `${t.name}: ${t.errors.map((e) => `${e.instancePath} ${e.message}`).join('; ')}`).join('\n');
}

/** A small page in the shape of NVD's CVE API 2.0 (version ranges, CPEs, KEV, CVSS v4/v3.1/v2). */
const nvdPage = () => ({
  format: 'NVD_CVE', version: '2.0',
  vulnerabilities: [
    { cve: {
      id: 'CVE-2025-48384', published: '2025-07-08T19:15:30.853', lastModified: '2025-08-26T01:00:00.000', cisaExploitAdd: '2025-08-25',
      descriptions: [{ lang: 'en', value: 'Git is a fast, scalable, distributed revision control system. When reading a config value, Git strips any trailing carriage return and line feed.' }],
      metrics: {
        cvssMetricV31: [{ type: 'Secondary', cvssData: { vectorString: 'CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H' } }],
        cvssMetricV40: [{ type: 'Secondary', cvssData: { vectorString: 'CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' } }],
      },
      weaknesses: [{ description: [{ lang: 'en', value: 'CWE-59' }, { lang: 'en', value: 'CWE-436' }] }],
      configurations: [{ nodes: [{ cpeMatch: [
        { vulnerable: true, criteria: 'cpe:2.3:a:git-scm:git:*:*:*:*:*:*:*:*', versionEndExcluding: '2.43.7' },
        { vulnerable: true, criteria: 'cpe:2.3:a:git-scm:git:*:*:*:*:*:*:*:*', versionStartIncluding: '2.44.0', versionEndExcluding: '2.44.4' },
      ] }] }],
      references: [{ url: 'https://github.com/git/git/security/advisories/GHSA-vwqx-4fm8-6qc9', tags: ['Vendor Advisory'] }, { url: 'https://github.com/git/git/commit/05e9cd64ee23bbadcea6bcffd6660ed02b8eab89', tags: ['Patch'] }],
    } },
    { cve: {
      id: 'CVE-2021-44228', published: '2021-12-10T10:15:09.143', lastModified: '2025-02-04T15:15:13.773',
      descriptions: [{ lang: 'en', value: 'Apache Log4j2 2.0-beta9 through 2.15.0 JNDI features do not protect against attacker controlled LDAP and other JNDI related endpoints.' }],
      metrics: {
        cvssMetricV31: [{ type: 'Primary', cvssData: { vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H' } }],
        cvssMetricV2: [{ type: 'Primary', cvssData: { vectorString: 'AV:N/AC:M/Au:N/C:C/I:C/A:C' } }],
      },
      weaknesses: [{ description: [{ lang: 'en', value: 'CWE-917' }, { lang: 'en', value: 'NVD-CWE-Other' }] }],
      configurations: [{ nodes: [{ cpeMatch: [
        { vulnerable: true, criteria: 'cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*', versionStartIncluding: '2.0.1', versionEndExcluding: '2.3.1' },
        { vulnerable: true, criteria: 'cpe:2.3:a:apache:log4j:2.0:beta9:*:*:*:*:*:*' },
      ] }] }],
      references: [{ url: 'https://logging.apache.org/log4j/2.x/security.html', tags: ['Vendor Advisory'] }],
    } },
  ],
});

/** Staff-written advisories covering the shapes the exports must handle. */
const INPUTS: Record<string, AdvisoryInput> = {
  // Bilingual, two CVEs, npm package with a semver range, CVSS v3.1 + v2, JVN ID; revised after publication.
  bilingual: {
    title: { ja: 'SampleCMS におけるクロスサイトスクリプティングの脆弱性', en: 'SampleCMS vulnerable to cross-site scripting' },
    overview: { ja: 'SampleCMS には格納型クロスサイトスクリプティングの脆弱性が存在します。', en: 'SampleCMS contains a stored cross-site scripting vulnerability.' },
    impact: { ja: '任意のスクリプトを実行される可能性があります。', en: 'An arbitrary script may be executed.' },
    solution: { ja: '2.3.2 に更新してください。', en: 'Update to 2.3.2.' },
    cveIds: ['CVE-2026-10001', 'CVE-2026-10002'], jvnIds: ['JVN#12345678'], cweIds: ['CWE-79'],
    cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 'AV:N/AC:M/Au:N/C:N/I:P/A:N'],
    affected: [{ vendor: 'サンプル株式会社', product: 'SampleCMS', cpe: 'cpe:2.3:a:sample:samplecms:*:*:*:*:*:*:*:*', versionStart: '2.0.0', versionEnd: '2.3.2', versionEndIncluding: false, purl: 'pkg:npm/samplecms' }],
    references: [{ url: 'https://example.jp/samplecms/security/2026-01', type: 'vendor', title: 'SampleCMS security notice' }, { url: 'https://example.jp/samplecms/commit/abc', type: 'patch' }],
    publicDate: '2026-01-20',
  },
  // Japanese only, no CVE, no CVSS, versions as free text.
  japaneseOnly: {
    title: { ja: 'ルータ製品 RX-100 における認証回避の脆弱性' },
    overview: { ja: 'RX-100 の管理画面には認証回避の脆弱性が存在します。' },
    solution: { ja: 'ファームウェアを更新してください。' },
    jvnIds: ['JVNVU#98765432'], cweIds: ['CWE-287'],
    affected: [{ vendor: 'ルータ株式会社', product: 'RX-100', versionText: 'ファームウェア 1.0.0 から 1.2.3 まで' }],
  },
  // English only, CVSS v4.0 + v3.0, PyPI exact version, Maven range with an excluded start and an included end.
  englishOnly: {
    title: { en: 'Deserialization issue in example-lib and example-core' },
    overview: { en: 'example-lib and example-core deserialize untrusted data.' },
    cveIds: ['CVE-2026-20001'], cweIds: ['CWE-502', 'NVD-CWE-noinfo'],
    cvss: ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    affected: [
      { vendor: 'Example Project', product: 'example-lib', versionStart: '1.4.2', versionEnd: '1.4.2', versionEndIncluding: true, purl: 'pkg:pypi/example-lib' },
      { vendor: 'Example Project', product: 'example-core', versionStart: '3.0', versionStartIncluding: false, versionEnd: '3.9.1', versionEndIncluding: true, purl: 'pkg:maven/org.example/example-core' },
    ],
    references: [{ url: 'https://example.org/advisories/2026-1', type: 'advisory' }],
  },
  // No affected product at all (not exportable as CSAF, nor OSV).
  noProduct: {
    title: { ja: '製品情報のない注意喚起的な脆弱性対策情報', en: 'Advisory without product information' },
    cveIds: ['CVE-2026-30001'], cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N'],
  },
};

/**
 * The advisories module with only the core migrations and routes plus this part, so that these tests do
 * not depend on the state of the other parts being built in parallel (definition.ts merges them all).
 */
const exportsOnly: ModuleDefinition<AdvisoriesService> = {
  ...advisoriesModule,
  migrations: advisoriesModule.migrations.filter((m) => !m.id.startsWith('advisories_vc_')),
  async routes(app, ctx) {
    const svc = ctx.services.get('advisories') as AdvisoriesService;
    await advisoryRoutes(app, ctx, svc);
    await part.routes!(app, ctx, svc);
  },
  jobs: part.jobs, schedules: {}, commands: part.commands, demo: undefined, statistics: [], statTables: [], staffNav: [], nav: [],
};

describe.each(BACKENDS)('advisory exports on %s', (backend) => {
  let p: TestPlatform;
  let svc: AdvisoriesService;
  const adv: Record<string, Advisory> = {};
  const year = jstParts(new Date()).y;
  const get = (url: string, headers: Record<string, string> = {}) => p.app.inject({ method: 'GET', url, headers });

  beforeAll(async () => {
    p = await startTestPlatform(backend, { modules: [exportsOnly] });
    svc = p.ctx.services.get('advisories') as AdvisoriesService;
    await loadCsaf();
    for (const [k, input] of Object.entries(INPUTS)) {
      const a = await svc.create(input, PUBLISHER);
      await svc.submitForReview(a.id, PUBLISHER);
      adv[k] = await svc.publish(a.id, PUBLISHER);
    }
    adv.bilingual = await svc.update(adv.bilingual.id, { ...INPUTS.bilingual, solution: { ja: '2.3.2 以降に更新してください。', en: 'Update to 2.3.2 or later.' } }, PUBLISHER, '対策を更新');
    const r = await svc.importNvd(nvdPage(), SYSTEM_ACTOR);
    expect(r.errors).toEqual([]);
    adv.git = (await svc.search({ q: 'CVE-2025-48384' }, { offset: 0, limit: 1 })).items[0];
    adv.log4j = (await svc.search({ q: 'CVE-2021-44228' }, { offset: 0, limit: 1 })).items[0];
  }, 300_000);
  afterAll(async () => { await p?.destroy(); });

  it('exports CVE JSON 5 records that validate against the CVE schema, one per CVE ID', async () => {
    for (const k of ['bilingual', 'englishOnly', 'noProduct', 'git', 'log4j']) {
      const res = await get(`/api/v1/advisories/${adv[k].jvndbId}/cve5`);
      expect(res.statusCode, k).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const body = res.json();
      for (const rec of Array.isArray(body) ? body : [body]) expect(cveErrors(rec), `${k}: ${JSON.stringify(rec).slice(0, 200)}`).toBeNull();
    }
    // Two CVE IDs: an array; ?cve= selects one record.
    const both = (await get(`/api/v1/advisories/${adv.bilingual.jvndbId}/cve5`)).json();
    expect(both.map((r: { cveMetadata: { cveId: string } }) => r.cveMetadata.cveId)).toEqual(['CVE-2026-10001', 'CVE-2026-10002']);
    const one = (await get(`/api/v1/advisories/${adv.bilingual.jvndbId}/cve5?cve=CVE-2026-10002`)).json();
    expect(one.cveMetadata).toMatchObject({ cveId: 'CVE-2026-10002', state: 'PUBLISHED' });
    const cna = one.containers.cna;
    expect(cna.descriptions.map((d: { lang: string }) => d.lang)).toEqual(['en', 'ja']);
    expect(cna.affected[0]).toMatchObject({ vendor: 'サンプル株式会社', product: 'SampleCMS', collectionURL: 'https://registry.npmjs.org', packageName: 'samplecms', cpes: ['cpe:2.3:a:sample:samplecms:*:*:*:*:*:*:*:*'] });
    expect(cna.affected[0].versions).toEqual([{ version: '2.0.0', status: 'affected', versionType: 'semver', lessThan: '2.3.2' }]);
    expect(cna.problemTypes[0].descriptions[0]).toMatchObject({ cweId: 'CWE-79' });
    expect(cna.metrics.map((m: object) => Object.keys(m).find((x) => x.startsWith('cvss')))).toEqual(['cvssV3_1', 'cvssV2_0']);
    expect(cna.metrics[0].cvssV3_1).toMatchObject({ baseScore: 6.1, baseSeverity: 'MEDIUM' });
    expect(cna.references.find((r: { url: string }) => r.url === 'https://jvn.jp/jp/JVN12345678/')).toBeTruthy();
    expect(cna.references.find((r: { url: string }) => r.url.endsWith('/2026-01')).tags).toEqual(['vendor-advisory']);
    // An excluded start is listed as unaffected before the range; an included end is lessThanOrEqual.
    const eng = (await get(`/api/v1/advisories/${adv.englishOnly.jvndbId}/cve5`)).json();
    const core = eng.containers.cna.affected.find((x: { product: string }) => x.product === 'example-core');
    expect(core.versions).toEqual([{ version: '3.0', status: 'unaffected' }, { version: '3.0', status: 'affected', versionType: 'maven', lessThanOrEqual: '3.9.1' }]);
    expect(eng.containers.cna.descriptions.map((d: { lang: string }) => d.lang)).toEqual(['en']);
    const git = (await get(`/api/v1/advisories/${adv.git.jvndbId}/cve5`)).json();
    expect(git.containers.cna.affected[0].versions).toEqual([
      { version: '0', status: 'affected', versionType: 'semver', lessThan: '2.43.7' },
      { version: '2.44.0', status: 'affected', versionType: 'semver', lessThan: '2.44.4' }]);
    expect(git.containers.cna.metrics.map((m: object) => Object.keys(m).find((x) => x.startsWith('cvss')))).toEqual(['cvssV4_0', 'cvssV3_1']);
    expect(git.containers.cna.timeline[0].time).toBe('2025-08-25T00:00:00Z');

    // Not exportable, unknown, malformed; ETag and 304.
    const noCve = await get(`/api/v1/advisories/${adv.japaneseOnly.jvndbId}/cve5`, { 'accept-language': 'en' });
    expect(noCve.statusCode).toBe(404);
    expect(noCve.json().error.code).toBe('not_exportable');
    expect(noCve.json().error.messages).toMatchObject({ ja: expect.stringContaining('CVE ID が付与されていません'), en: expect.stringContaining('no CVE ID') });
    expect((await get(`/api/v1/advisories/${adv.bilingual.jvndbId}/cve5?cve=CVE-2026-99999`)).json().error.code).toBe('not_exportable');
    expect((await get(`/api/v1/advisories/${adv.bilingual.jvndbId}/cve5?cve=nope`)).statusCode).toBe(422);
    expect((await get('/api/v1/advisories/JVNDB-1999-000001/cve5')).statusCode).toBe(404);
    expect((await get('/api/v1/advisories/garbage/cve5')).statusCode).toBe(422);
    const first = await get(`/api/v1/advisories/${adv.log4j.jvndbId}/cve5`);
    expect(first.headers.etag).toMatch(/^"[\w-]{32}"$/);
    expect((await get(`/api/v1/advisories/${adv.log4j.jvndbId}/cve5`, { 'if-none-match': first.headers.etag as string })).statusCode).toBe(304);
  });

  it('exports CSAF 2.0 documents that pass the schema and mandatory tests of csaf-validator-lib', async () => {
    for (const k of ['bilingual', 'japaneseOnly', 'englishOnly', 'git', 'log4j']) {
      for (const q of ['', '?lang=en']) {
        const res = await get(`/api/v1/advisories/${adv[k].jvndbId}/csaf${q}`);
        expect(res.statusCode, k).toBe(200);
        expect(await csafErrors(res.json()), `${k}${q}`).toBeNull();
      }
    }
    const doc = (await get(`/api/v1/advisories/${adv.bilingual.jvndbId}/csaf`)).json();
    expect(doc.document).toMatchObject({ category: 'csaf_security_advisory', csaf_version: '2.0', lang: 'ja', title: INPUTS.bilingual.title!.ja });
    expect(doc.document.tracking).toMatchObject({ id: adv.bilingual.jvndbId, status: 'final', version: String(adv.bilingual.revision) });
    const revisions = await svc.revisions(adv.bilingual.id);
    expect(doc.document.tracking.revision_history.map((r: { number: string }) => r.number)).toEqual(revisions.map((r) => String(r.revision)));
    expect(doc.document.tracking.revision_history.at(-1).summary).toBe('更新: 対策を更新');
    expect(doc.vulnerabilities.map((v: { cve: string }) => v.cve)).toEqual(['CVE-2026-10001', 'CVE-2026-10002']);
    expect(doc.vulnerabilities[0].cwe).toEqual({ id: 'CWE-79', name: "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')" });
    const product = doc.product_tree.branches[0].branches[0];
    expect(product.branches[0]).toMatchObject({ category: 'product_version_range', name: 'vers:npm/>=2.0.0|<2.3.2', product: { product_identification_helper: { purl: 'pkg:npm/samplecms', cpe: 'cpe:2.3:a:sample:samplecms:*:*:*:*:*:*:*:*' } } });
    expect(product.branches[1]).toMatchObject({ category: 'product_version', name: '2.3.2' });
    expect(doc.vulnerabilities[0].product_status).toEqual({ known_affected: [product.branches[0].product.product_id], fixed: [product.branches[1].product.product_id] });
    expect(doc.vulnerabilities[0].scores[0]).toMatchObject({ cvss_v3: { version: '3.1', baseScore: 6.1, baseSeverity: 'MEDIUM' }, cvss_v2: { baseScore: 4.3 } });
    expect(doc.vulnerabilities[0].remediations[0]).toMatchObject({ category: 'vendor_fix', details: '2.3.2 以降に更新してください。' });
    const en = (await get(`/api/v1/advisories/${adv.bilingual.jvndbId}/csaf?lang=en`)).json();
    expect(en.document).toMatchObject({ lang: 'en', title: INPUTS.bilingual.title!.en });
    // Japanese only: no CVE (one vulnerability with ids), free-text versions, no scores.
    const ja = (await get(`/api/v1/advisories/${adv.japaneseOnly.jvndbId}/csaf`)).json();
    expect(ja.vulnerabilities).toHaveLength(1);
    expect(ja.vulnerabilities[0].cve).toBeUndefined();
    expect(ja.vulnerabilities[0].ids).toEqual([{ system_name: 'JVNDB', text: adv.japaneseOnly.jvndbId }, { system_name: 'JVN', text: 'JVNVU#98765432' }]);
    expect(ja.vulnerabilities[0].scores).toBeUndefined();
    expect(ja.product_tree.branches[0].branches[0].branches[0]).toMatchObject({ category: 'product_version_range', name: 'ファームウェア 1.0.0 から 1.2.3 まで' });
    // English only with CVSS v4 (a note: CSAF 2.0 has no v4 field) and an exact PyPI version.
    const eo = (await get(`/api/v1/advisories/${adv.englishOnly.jvndbId}/csaf`)).json();
    expect(eo.document.lang).toBe('en');
    expect(eo.vulnerabilities[0].notes.find((n: { title: string }) => n.title === 'CVSS v4.0').text).toMatch(/^CVSS:4\.0\/.* \(9\.3 CRITICAL\)$/);
    expect(eo.vulnerabilities[0].scores[0].cvss_v3.version).toBe('3.0');
    expect(eo.product_tree.branches[0].branches.find((b: { name: string }) => b.name === 'example-lib').branches[0]).toMatchObject({ category: 'product_version', name: '1.4.2' });
    // KEV advisory from NVD: two ranges, their fixed versions.
    const git = (await get(`/api/v1/advisories/${adv.git.jvndbId}/csaf`)).json();
    expect(git.product_tree.branches[0].branches[0].branches.map((b: { name: string }) => b.name)).toEqual(['vers:generic/<2.43.7', 'vers:generic/>=2.44.0|<2.44.4', '2.43.7', '2.44.4']);
    expect(git.document.notes.some((n: { title: string }) => n.title === 'CISA KEV')).toBe(true);

    // A broken document is caught by the validator (the check can fail).
    const broken = structuredClone(doc);
    broken.vulnerabilities[0].product_status.known_affected.push('CSAFPID-9999');
    expect(await csafErrors(broken)).toMatch(/mandatoryTest_6_1_1/);

    const none = await get(`/api/v1/advisories/${adv.noProduct.jvndbId}/csaf`);
    expect(none.statusCode).toBe(404); expect(none.json().error.code).toBe('not_exportable');
    expect((await get(`/api/v1/advisories/${adv.bilingual.jvndbId}/csaf?lang=fr`)).statusCode).toBe(422);
    const tag = (await get(`/api/v1/advisories/${adv.git.jvndbId}/csaf`)).headers.etag as string;
    expect((await get(`/api/v1/advisories/${adv.git.jvndbId}/csaf`, { 'if-none-match': tag })).statusCode).toBe(304);
  });

  it('exports OSV records for package-based advisories, valid against the OSV schema', async () => {
    for (const k of ['bilingual', 'englishOnly']) {
      const res = await get(`/api/v1/advisories/${adv[k].jvndbId}/osv`);
      expect(res.statusCode, k).toBe(200);
      expect(osvErrors(res.json()), k).toBeNull();
    }
    const a = (await get(`/api/v1/advisories/${adv.bilingual.jvndbId}/osv`)).json();
    expect(a).toMatchObject({ id: `x_${adv.bilingual.jvndbId}`, aliases: ['CVE-2026-10001', 'CVE-2026-10002'], summary: INPUTS.bilingual.title!.en });
    expect(a.modified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(a.severity).toEqual([{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N' }, { type: 'CVSS_V2', score: 'AV:N/AC:M/Au:N/C:N/I:P/A:N' }]);
    expect(a.affected).toEqual([{ package: { ecosystem: 'npm', name: 'samplecms', purl: 'pkg:npm/samplecms' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '2.0.0' }, { fixed: '2.3.2' }] }] }]);
    expect(a.references.map((r: { type: string }) => r.type)).toEqual(['ADVISORY', 'ADVISORY', 'ADVISORY', 'FIX']);
    expect(a.database_specific).toMatchObject({ jvndb_id: adv.bilingual.jvndbId, kev: false, jvn_ids: ['JVN#12345678'] });
    const e = (await get(`/api/v1/advisories/${adv.englishOnly.jvndbId}/osv`)).json();
    expect(e.severity.map((s: { type: string }) => s.type)).toEqual(['CVSS_V4', 'CVSS_V3']);
    expect(e.affected).toEqual([
      { package: { ecosystem: 'PyPI', name: 'example-lib', purl: 'pkg:pypi/example-lib' }, versions: ['1.4.2'] },
      { package: { ecosystem: 'Maven', name: 'org.example:example-core', purl: 'pkg:maven/org.example/example-core' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '3.0' }, { last_affected: '3.9.1' }], database_specific: { introduced_exclusive: true } }] },
    ]);
    expect(osvErrors({ ...e, id: adv.englishOnly.jvndbId })).toMatch(/pattern/); // a bare JVNDB ID is not a valid OSV id
    for (const k of ['japaneseOnly', 'git', 'noProduct']) {
      const res = await get(`/api/v1/advisories/${adv[k].jvndbId}/osv`);
      expect(res.statusCode, k).toBe(404);
      expect(res.json().error.messages.en).toContain('no affected product is identified as a package (purl)');
    }
    const tag = (await get(`/api/v1/advisories/${adv.bilingual.jvndbId}/osv`)).headers.etag as string;
    expect((await get(`/api/v1/advisories/${adv.bilingual.jvndbId}/osv`, { 'if-none-match': tag })).statusCode).toBe(304);
  });

  it('serves an Atom 1.0 feed of new and updated advisories that validates against atom.xsd', async () => {
    const res = await get('/advisories/feed/atom.xml');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    const xsd = readFileSync(sharedPath('reference', 'myjvn', 'schemas', 'hnd', 'atom.xsd'), 'utf8');
    for (const body of [res.body, (await get('/advisories/feed/atom.xml?lang=en')).body]) {
      const v = await validateXML({ xml: [{ fileName: 'feed.xml', contents: body }], schema: [{ fileName: 'atom.xsd', contents: xsd }] });
      expect(v.errors.map((x) => x.message)).toEqual([]);
      expect(v.valid).toBe(true);
    }
    const feed = new XMLParser({ ignoreAttributes: false, processEntities: false }).parse(res.body).feed;
    const entries = Array.isArray(feed.entry) ? feed.entry : [feed.entry];
    expect(entries).toHaveLength(Object.keys(adv).length);
    // Newest change first (the NVD imports came last); the revised advisory is marked as updated.
    const times = entries.map((x: { updated: string }) => Date.parse(x.updated));
    expect(times).toEqual([...times].sort((x, y) => y - x));
    expect([adv.git.jvndbId, adv.log4j.jvndbId].some((id) => entries[0].id.endsWith(id!))).toBe(true);
    const revised = entries.find((x: { id: string }) => x.id.endsWith(adv.bilingual.jvndbId!));
    expect(revised.title['#text']).toBe(`[${adv.bilingual.jvndbId}] ${INPUTS.bilingual.title!.ja}`);
    expect([revised.category].flat().map((c: Record<string, string>) => c['@_term'])).toEqual(expect.arrayContaining(['updated', 'medium', 'CVE-2026-10001', 'CWE-79']));
    const tag = res.headers.etag as string;
    expect((await get('/advisories/feed/atom.xml', { 'if-none-match': tag })).statusCode).toBe(304);
    // A broken feed fails the schema (the check can fail).
    const bad = await validateXML({ xml: [{ fileName: 'feed.xml', contents: res.body.replace(/<updated>[^<]+<\/updated>/, '<updated>yesterday</updated>') }], schema: [{ fileName: 'atom.xsd', contents: xsd }] });
    expect(bad.valid).toBe(false);
  });

  it('streams yearly bulk files in batches, caches them on disk and regenerates them when the year changes', async () => {
    // The loader reads a year in keyset batches, never the whole year at once.
    const batches: number[] = []; const ids: string[] = [];
    for await (const b of advisoriesOfYear(p.ctx.db, year, 2)) { batches.push(b.length); ids.push(...b.map((a) => a.jvndbId!)); }
    expect(batches).toEqual([2, 2, 2]);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(6);

    const index = await get('/advisories/bulk/');
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('一括ダウンロード');
    expect(index.body).toContain(`href="/advisories/bulk/${year}.csaf.gz"`);
    expect(index.body).toContain('（要求時に生成）');
    expect((await get('/advisories/bulk')).statusCode).toBe(301);

    const json = await get(`/advisories/bulk/${year}.json.gz`);
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-type']).toBe('application/gzip');
    expect(json.headers['content-disposition']).toBe(`attachment; filename="jvndb-${year}.json.gz"`);
    const list = JSON.parse(gunzipSync(json.rawPayload).toString('utf8')) as Array<{ id: string }>;
    expect(list.map((a) => a.id)).toEqual(ids);

    const lines = async (format: string) => {
      const r = await get(`/advisories/bulk/${year}.${format}.gz`);
      expect(r.statusCode).toBe(200);
      return { res: r, docs: gunzipSync(r.rawPayload).toString('utf8').trim().split('\n').map((l) => JSON.parse(l)) };
    };
    const cve5 = await lines('cve5');
    expect(cve5.docs).toHaveLength(6); // 2 + 1 + 1 + git + log4j; the Japanese-only advisory has no CVE
    for (const d of cve5.docs) expect(cveErrors(d)).toBeNull();
    const csaf = await lines('csaf');
    expect(csaf.docs.map((d) => d.document.tracking.id)).toEqual(ids.filter((i) => i !== adv.noProduct.jvndbId));
    for (const d of csaf.docs) expect(await csafErrors(d)).toBeNull();
    const osv = await lines('osv');
    expect(osv.docs.map((d) => d.id)).toEqual([adv.bilingual, adv.englishOnly].map((a) => `x_${a.jvndbId}`));
    for (const d of osv.docs) expect(osvErrors(d)).toBeNull();

    // Cached: same ETag, 304, not regenerated; the index shows the sizes.
    const dir = join(p.config.dataDir, 'cache', 'advisories-bulk');
    const meta = () => JSON.parse(readFileSync(join(dir, `${year}.csaf.json`), 'utf8')) as { generatedAt: string; size: number; records: number };
    const before = meta();
    const again = await get(`/advisories/bulk/${year}.csaf.gz`);
    expect(again.headers.etag).toBe(csaf.res.headers.etag);
    expect(meta().generatedAt).toBe(before.generatedAt);
    expect((await get(`/advisories/bulk/${year}.csaf.gz`, { 'if-none-match': again.headers.etag as string })).statusCode).toBe(304);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const index2 = (await get('/advisories/bulk/?lang=en')).body;
    expect(index2).toContain(`${before.records} records`);

    // A change in the year invalidates the file.
    await svc.update(adv.englishOnly.id, { ...INPUTS.englishOnly, solution: { en: 'Update example-core to 3.9.2.' } }, PUBLISHER);
    const after = await get(`/advisories/bulk/${year}.csaf.gz`);
    expect(after.headers.etag).not.toBe(csaf.res.headers.etag);
    expect(meta().generatedAt).not.toBe(before.generatedAt);
    expect(gunzipSync(after.rawPayload).toString('utf8')).toContain('Update example-core to 3.9.2.');

    // Concurrent requests share one generation.
    await svc.update(adv.englishOnly.id, { ...INPUTS.englishOnly, solution: { en: 'Update example-core to 3.9.3.' } }, PUBLISHER);
    const [r1, r2] = await Promise.all([get(`/advisories/bulk/${year}.osv.gz`), get(`/advisories/bulk/${year}.osv.gz`)]);
    expect(r1.headers.etag).toBe(r2.headers.etag);

    for (const url of [`/advisories/bulk/${year}.xml.gz`, '/advisories/bulk/1999.json.gz', '/advisories/bulk/../../etc/passwd', `/advisories/bulk/${year}.json`]) {
      expect((await get(url)).statusCode, url).toBe(404);
    }
    // The refresh job regenerates whatever is stale.
    await svc.update(adv.englishOnly.id, { ...INPUTS.englishOnly, solution: { en: 'Update example-core to 3.9.4.' } }, PUBLISHER);
    await part.jobs!['advisories.exports_refresh_bulk']({}, p.ctx);
    expect(gunzipSync(readFileSync(join(dir, `${year}.json.gz`))).toString('utf8')).toContain('3.9.4');
  }, 120_000);

  it('writes a year with the CLI: mamori advisories export <format> <year> <out>', async () => {
    const cmd = part.commands!.find((c) => c.name === 'advisories export')!;
    const out = mkdtempSync(join(tmpdir(), 'adv-export-'));
    try {
      const run = async (...args: string[]) => {
        const o: string[] = []; const e: string[] = [];
        const code = await cmd.run(p.ctx, args, { out: (l) => o.push(l), err: (l) => e.push(l), stdin: async () => Buffer.alloc(0) });
        return { code, out: o.join('\n'), err: e.join('\n') };
      };
      const r = await run('cve5', String(year), out);
      expect(r.code).toBe(0);
      expect(r.out).toContain('6 cve5 records from 6 advisories');
      const cveLines = readFileSync(join(out, `jvndb-${year}.cve5.jsonl`), 'utf8').trim().split('\n');
      expect(cveLines).toHaveLength(6);
      expect(cveErrors(JSON.parse(cveLines[0]))).toBeNull();
      expect((await run('osv', String(year), join(out, 'sub', 'osv.jsonl.gz'))).code).toBe(0);
      expect(gunzipSync(readFileSync(join(out, 'sub', 'osv.jsonl.gz'))).toString('utf8').trim().split('\n')).toHaveLength(2);
      expect((await run('json', String(year), join(out, 'all.json'))).code).toBe(0);
      expect(JSON.parse(readFileSync(join(out, 'all.json'), 'utf8'))).toHaveLength(6);
      expect((await run('csaf', '1999', join(out, 'empty.jsonl'))).out).toContain('0 csaf records from 0 advisories');
      expect(readFileSync(join(out, 'empty.jsonl'), 'utf8')).toBe('');
      expect((await run('json', '1999', join(out, 'empty.json'))).code).toBe(0);
      expect(JSON.parse(readFileSync(join(out, 'empty.json'), 'utf8'))).toEqual([]);
      const bad = await run('xml', String(year), out);
      expect(bad.code).toBe(2); expect(bad.err).toContain('usage: mamori advisories export');
      expect((await run('csaf', 'last-year', out)).code).toBe(2);
      expect((await run('csaf', String(year))).code).toBe(2);
    } finally { rmSync(out, { recursive: true, force: true }); }
  });
});
