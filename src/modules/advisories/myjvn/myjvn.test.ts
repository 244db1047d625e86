// The MyJVN-compatible API on PGlite and PostgreSQL: every method in both feeds, HND responses
// validated against MyJVN's XSDs (xmllint-wasm) and OKA responses against its JSON Schemas (ajv),
// the structure compared with MyJVN's real example responses, error statuses for bad input, a
// client paging through results, POST forms, and the JVNRSS feed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { XMLParser } from 'fast-xml-parser';
import { validateXML, type XMLFileInfo } from 'xmllint-wasm';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { BACKENDS, startTestPlatform, type TestPlatform } from '../../../../test/harness.js';
import { sharedPath } from '../../../../test/shared-reference.js';
import { SYSTEM_ACTOR, type Actor } from '../../../platform/context.js';
import { jstParts } from '../../../platform/i18n/dates.js';
import type { AdvisoriesService } from '../service.js';

const PUBLISHER: Actor = { userId: null, kind: 'staff', displayName: 'tester', organisationId: null, roles: [], permissions: new Set(['advisories.write', 'advisories.publish']) };
const HND_SCHEMAS = sharedPath('reference', 'myjvn', 'schemas', 'hnd');
const OKA_SCHEMAS = sharedPath('reference', 'myjvn', 'schemas', 'oka');
const HND_EXAMPLES = sharedPath('reference', 'myjvn', 'examples', 'hnd');
const OKA_EXAMPLES = sharedPath('reference', 'myjvn', 'examples', 'oka');

// ------------------------------------------------------------------ XSD validation
// xmllint validates against one schema document: a wrapper imports the schemas of the root's
// namespaces, and every XSD of the folder is preloaded under its own file name so that relative
// schemaLocations resolve. results_3.3.xsd also imports XCCDF, CPE dictionary, OVAL, CVRF and two
// JVN schemas that MyJVN does not publish with it; they are replaced by stubs that declare only the
// elements results_3.3.xsd refers to (none of them occurs in these responses).
const stub = (ns: string, els: string[]) =>
  `<?xml version="1.0"?><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="${ns}">${els.map((e) => `<xs:element name="${e}"/>`).join('')}</xs:schema>`;
const preload: XMLFileInfo[] = [
  ...readdirSync(HND_SCHEMAS).filter((f) => f.endsWith('.xsd')).map((f) => ({ fileName: f, contents: readFileSync(`${HND_SCHEMAS}/${f}`, 'utf8') })),
  { fileName: 'xccdf-1.1.4.xsd', contents: stub('http://checklists.nist.gov/xccdf/1.1', ['Benchmark']) },
  { fileName: 'cpe-dictionary_2.2.xsd', contents: stub('http://cpe.mitre.org/dictionary/2.0', ['cpe-list']) },
  { fileName: 'oval-definitions-schema_5.8.xsd', contents: stub('http://oval.mitre.org/XMLSchema/oval-definitions-5', ['oval_definitions']) },
  { fileName: 'windows-definitions-schema_5.8.xsd', contents: stub('http://oval.mitre.org/XMLSchema/oval-definitions-5#windows', []) },
  { fileName: 'cvrf_1.1.xsd', contents: stub('http://www.icasi.org/CVRF/schema/cvrf/1.1', []) },
  { fileName: 'jvndefinitions_0.2.xsd', contents: stub('http://jvndb.jvn.jp/myjvn/jvndefinitions', []) },
  { fileName: 'jvnmetadata_0.3.xsd', contents: stub('http://jvndb.jvn.jp/myjvn/jvnmetadata', []) },
];
const ROOT_SCHEMAS: Record<string, string[]> = {
  'rdf:RDF': ['jvnrss_3.2.xsd'], 'VULDEF-Document': ['vuldef_3.2.xsd', 'mod_sec_3.0.xsd', 'tlp_marking.xsd', 'status_3.3.xsd'],
  Result: ['results_3.3.xsd'], feed: ['atom.xsd', 'mod_sec_3.0.xsd', 'tlp_marking.xsd', 'status_3.3.xsd'],
};
async function xsdErrors(xml: string): Promise<string[]> {
  const root = /<([A-Za-z:-]+)[\s>]/.exec(xml.replace(/^<\?xml[^>]*\?>\s*/, ''))![1];
  const names = ROOT_SCHEMAS[root];
  if (!names) return [`no schema for root ${root}`];
  const nsOf = (n: string) => /targetNamespace="([^"]+)"/.exec(String(preload.find((p) => p.fileName === n)!.contents))![1];
  // xml.xsd first: atom.xsd imports the XML namespace from w3.org, which must not be fetched.
  const wrapper = '<?xml version="1.0"?><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:import namespace="http://www.w3.org/XML/1998/namespace" schemaLocation="xml.xsd"/>'
    + names.map((n) => `<xs:import namespace="${nsOf(n)}" schemaLocation="${n}"/>`).join('') + '</xs:schema>';
  const r = await validateXML({ xml: [{ fileName: 'response.xml', contents: xml }], schema: [{ fileName: 'wrapper.xsd', contents: wrapper }], preload });
  return r.valid ? [] : r.errors.map((e) => e.rawMessage);
}

// ------------------------------------------------------------------ JSON Schema validation
// MyJVN's schemas need four mechanical fixes to compile (none relaxes a constraint on our output):
// $ids without the "?20250419" suffix so relative $refs resolve, the FIRST CVSS schemas' http://
// meta-schema URI, a stub for the SSVC Decision_Point schema they reference, and the CSAF 2.1
// schema's misplaced "source"/"type" annotations inside cvss_v2/v3/v4 (not keywords there).
const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: false, allErrors: true });
(addFormats as unknown as typeof addFormats.default)(ajv);
for (const f of readdirSync(OKA_SCHEMAS).filter((x) => x.endsWith('.json'))) {
  const s = JSON.parse(readFileSync(`${OKA_SCHEMAS}/${f}`, 'utf8'));
  s.$schema = 'https://json-schema.org/draft/2020-12/schema';
  s.$id = String(s.$id).startsWith('https://jvndb.jvn.jp/') ? String(s.$id).replace(/\?.*$/, '') : `https://jvndb.jvn.jp/schema/${f}`;
  if (f === 'csaf_json_schema_2.1.json') {
    const content = s.properties.vulnerabilities.items.properties.metrics.items.properties.content.properties;
    for (const k of ['cvss_v2', 'cvss_v3', 'cvss_v4']) { delete content[k].source; delete content[k].type; }
  }
  ajv.addSchema(s, f);
}
ajv.addSchema({ $id: 'https://certcc.github.io/SSVC/data/schema/v1/Decision_Point-1-0-1.schema.json', $defs: { schemaVersion: { type: 'string' }, decision_point: { properties: { name: { type: 'string' }, namespace: { type: 'string' }, version: { type: 'string' } } }, decision_point_value: { properties: { name: { type: 'string' } } } } });
const HND_ALERT_SCHEMA = JSON.parse(readFileSync(`${HND_SCHEMAS}/getalert1.json`, 'utf8'));
HND_ALERT_SCHEMA.$id = 'https://jvndb.jvn.jp/schema/getalert1.json';
ajv.addSchema(HND_ALERT_SCHEMA, 'getalert1.json');
function schemaErrors(doc: unknown, schema: string): string[] {
  const v = ajv.getSchema(schema)!;
  return v(doc) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
const okaStatusSchema = (f: string) => `https://jvndb.jvn.jp/schema/${f}#/$defs/status_type`;

// ------------------------------------------------------------------ structure of the real examples

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', processEntities: false, parseTagValue: false });
/** Element paths (prefix:name as written) → attribute names seen there. */
function shape(xml: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const walk = (node: unknown, path: string) => {
    if (Array.isArray(node)) { for (const n of node) walk(n, path); return; }
    const set = out.get(path) ?? new Set<string>(); out.set(path, set);
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k.startsWith('@')) { if (!k.startsWith('@xmlns')) set.add(k.slice(1)); continue; }
      if (k === '#text' || k === '?xml') continue;
      walk(v, path ? `${path}/${k}` : k);
    }
  };
  const doc = parser.parse(xml) as Record<string, unknown>;
  delete doc['?xml'];
  walk(doc, '');
  out.delete('');
  return out;
}
const xmlns = (xml: string) => new Set([...xml.slice(0, xml.indexOf('>', xml.indexOf('<', 5))).matchAll(/xmlns(?::[\w]+)?="[^"]+"/g)].map((m) => m[0]));
/** JSON key paths (arrays collapsed). */
function keys(v: unknown, path = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) { for (const x of v) keys(x, path, out); return out; }
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { const p = path ? `${path}.${k}` : k; out.add(p); keys(x, p, out); }
  return out;
}
const example = (f: string) => readFileSync(`${HND_EXAMPLES}/${f}`, 'utf8');
const exampleJson = (f: string) => JSON.parse(readFileSync(`${OKA_EXAMPLES}/${f}`, 'utf8'));
/** Every element path and attribute we write also occurs in the examples (status attributes excepted: they echo the request). */
function expectStructureWithin(ours: string, examples: string[], allowAttrs: string[] = []) {
  const mine = shape(ours);
  const theirs = new Map<string, Set<string>>();
  for (const ex of examples) for (const [p, a] of shape(ex)) theirs.set(p, new Set([...(theirs.get(p) ?? []), ...a]));
  for (const [p, attrs] of mine) {
    expect(theirs.has(p), `element ${p} does not occur in MyJVN's example`).toBe(true);
    if (p.endsWith('status:Status')) continue;
    for (const a of attrs) if (!allowAttrs.includes(`${p}@${a}`)) expect(theirs.get(p)!.has(a), `attribute ${a} of ${p} does not occur in MyJVN's example`).toBe(true);
  }
  const ns = xmlns(examples[0]);
  for (const n of xmlns(ours)) expect(ns.has(n), `namespace declaration ${n}`).toBe(true);
}
const STATUS_ATTRS = ['version', 'method', 'lang', 'retCd', 'retMax', 'errCd', 'errMsg', 'totalRes', 'totalResRet', 'firstRes', 'feed'];

// ------------------------------------------------------------------ test data

/** An NVD CVE API 2.0 page with `n` synthetic CVEs of vendor acme (for paging), plus two real-shaped ones. */
function nvdDoc(n: number) {
  const vulns: unknown[] = [
    { cve: {
      id: 'CVE-2021-44228', published: '2021-12-10T10:15:09.143', lastModified: '2025-02-04T15:15:13.773',
      descriptions: [{ lang: 'en', value: 'Apache Log4j2 2.0-beta9 through 2.15.0 JNDI features do not protect against attacker controlled LDAP and other JNDI related endpoints.' }],
      metrics: { cvssMetricV31: [{ type: 'Primary', cvssData: { vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H' } }], cvssMetricV2: [{ type: 'Primary', cvssData: { vectorString: 'AV:N/AC:M/Au:N/C:C/I:C/A:C' } }] },
      weaknesses: [{ description: [{ lang: 'en', value: 'CWE-917' }] }],
      configurations: [{ nodes: [{ cpeMatch: [{ vulnerable: true, criteria: 'cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*', versionStartIncluding: '2.0.1', versionEndExcluding: '2.3.1' }] }] }],
      references: [{ url: 'https://logging.apache.org/log4j/2.x/security.html', tags: ['Vendor Advisory'] }],
    } },
    { cve: {
      id: 'CVE-2025-48384', published: '2025-07-08T19:15:30.853', lastModified: '2025-08-26T01:00:00.000',
      descriptions: [{ lang: 'en', value: 'Git is a fast, scalable, distributed revision control system. When reading a config value, Git strips any trailing carriage return.' }],
      metrics: { cvssMetricV40: [{ type: 'Secondary', cvssData: { vectorString: 'CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' } }], cvssMetricV31: [{ type: 'Secondary', cvssData: { vectorString: 'CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H' } }] },
      weaknesses: [{ description: [{ lang: 'en', value: 'CWE-59' }] }],
      configurations: [{ nodes: [{ cpeMatch: [{ vulnerable: true, criteria: 'cpe:2.3:a:git-scm:git:*:*:*:*:*:*:*:*', versionEndExcluding: '2.43.7' }] }] }],
      references: [{ url: 'https://github.com/git/git/security/advisories/GHSA-vwqx-4fm8-6qc9', tags: ['Vendor Advisory'] }],
    } },
  ];
  for (let i = 0; i < n; i++) {
    vulns.push({ cve: {
      id: `CVE-2024-${String(10000 + i)}`, published: `2024-01-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00.000`, lastModified: '2024-02-01T00:00:00.000',
      descriptions: [{ lang: 'en', value: `Acme Widget ${i} allows remote attackers to read files through a crafted request number ${i}.` }],
      metrics: { cvssMetricV31: [{ type: 'Primary', cvssData: { vectorString: i % 2 ? 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' : 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N' } }] },
      weaknesses: [{ description: [{ lang: 'en', value: 'CWE-22' }] }],
      configurations: [{ nodes: [{ cpeMatch: [{ vulnerable: true, criteria: 'cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*', versionEndExcluding: `3.${i}` }] }] }],
      references: [],
    } });
  }
  return { resultsPerPage: vulns.length, startIndex: 0, totalResults: vulns.length, format: 'NVD_CVE', version: '2.0', vulnerabilities: vulns };
}

describe.each(BACKENDS)('MyJVN-compatible API on %s', (backend) => {
  let p: TestPlatform;
  let svc: AdvisoriesService;
  let sample: { jvndbId: string; vendorId: number; productId: number };
  let router: { jvndbId: string };
  const today = jstParts(new Date());
  const todayStr = `${today.y}-${String(today.m).padStart(2, '0')}-${String(today.d).padStart(2, '0')}`;

  const get = async (qs: string) => {
    const res = await p.app.inject({ method: 'GET', url: `/myjvn?${qs}` });
    expect(res.statusCode).toBe(200);
    return res;
  };
  const hnd = async (qs: string) => {
    const res = await get(`feed=hnd&${qs}`);
    expect(res.headers['content-type']).toMatch(/^application\/xml; charset=utf-8/);
    return res.body;
  };
  const oka = async (qs: string) => {
    const res = await get(`feed=oka&${qs}`);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    return res.json() as Record<string, any>;
  };
  const status = (xml: string) => {
    const m = /<status:Status([^>]*)\/>/.exec(xml);
    expect(m, 'status element').toBeTruthy();
    return Object.fromEntries([...m![1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
  };
  const valid = async (xml: string) => expect(await xsdErrors(xml)).toEqual([]);

  beforeAll(async () => {
    p = await startTestPlatform(backend);
    svc = p.ctx.services.get('advisories') as AdvisoriesService;
    const publish = async (input: Parameters<AdvisoriesService['create']>[0]) => {
      const a = await svc.create(input, PUBLISHER);
      await svc.submitForReview(a.id, PUBLISHER);
      return svc.publish(a.id, PUBLISHER);
    };
    const a = await publish({
      title: { ja: 'SampleCMS におけるクロスサイトスクリプティングの脆弱性', en: 'SampleCMS vulnerable to cross-site scripting' },
      overview: { ja: 'SampleCMS には格納型クロスサイトスクリプティングの脆弱性が存在します。', en: 'SampleCMS contains a stored cross-site scripting vulnerability.' },
      impact: { ja: '任意のスクリプトを実行される可能性があります。', en: 'An arbitrary script may be executed.' },
      solution: { ja: '最新版へアップデートしてください。', en: 'Update to the latest version.' },
      cveIds: ['CVE-2026-10001'], jvnIds: ['JVN#12345678'], cweIds: ['CWE-79'],
      cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 'AV:N/AC:M/Au:N/C:N/I:P/A:N'],
      affected: [{ vendor: 'サンプル株式会社', product: 'SampleCMS', cpe: 'cpe:2.3:a:sample:samplecms:*:*:*:*:*:*:*:*', versionStart: '2.0.0', versionEnd: '2.3.2', versionEndIncluding: false, purl: 'pkg:npm/samplecms' }],
      references: [{ url: 'https://sample.example.jp/security/2026-001', type: 'vendor', title: 'SampleCMS security update' }],
      publicDate: todayStr,
    });
    sample = { jvndbId: a.jvndbId!, vendorId: a.affected[0].vendorId, productId: a.affected[0].productId };
    const b = await publish({
      title: { ja: 'RouterOS-X における <script> & "引用符" の扱いに関する脆弱性', en: '' },
      overview: { ja: '認証を回避される <b>おそれ</b> があります。\u0001', en: '' },
      cweIds: ['CWE-89'], cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
      affected: [{ vendor: 'ルータ株式会社', product: 'RouterOS-X', versionText: '2.3.1 およびそれ以前' }],
      publicDate: '2021-06-01',
    });
    router = { jvndbId: b.jvndbId! };
    const r = await svc.importNvd(nvdDoc(23), SYSTEM_ACTOR);
    expect(r.errors).toEqual([]);
    expect(r.created).toBe(25);
    // A draft is never served.
    await svc.create({ title: { ja: '下書き SampleCMS' }, affected: [{ vendor: 'サンプル株式会社', product: 'SampleCMS' }] }, PUBLISHER);

    // Alerts (the alerts part owns their workflow; here they are written as published rows).
    const adv = (await sql<{ id: string }>`select id from advisories where jvndb_id = ${sample.jvndbId}`.execute(p.ctx.db)).rows[0].id;
    const emergency = randomUUID(); const info = randomUUID(); const draft = randomUUID();
    const now = new Date();
    await sql`insert into advisories_alerts (id, alert_id, kind, state, title_ja, title_en, summary_ja, summary_en, url, public_date, first_published_at, modified_at, revision) values
      (${emergency}, 'IPA-ALERT-2026-0001', 'emergency', 'published', 'SampleCMS の脆弱性対策について（緊急）', 'Urgent: SampleCMS vulnerability', '至急アップデートしてください。', 'Update now.', null, ${now}, ${now}, ${now}, 1),
      (${info}, 'IPA-ALERT-2025-0007', 'alert', 'revised', 'WordPress に関するソフトウェア更新情報', 'WordPress update', '', '', 'https://wordpress.org/download/', ${new Date('2025-02-12T01:00:00Z')}, ${new Date('2025-02-12T01:58:02Z')}, ${new Date('2025-03-01T00:00:00Z')}, 2),
      (${draft}, null, 'alert', 'draft', '下書きの注意喚起', '', '', '', null, null, null, null, 0)`.execute(p.ctx.db);
    await sql`insert into advisories_alert_links (alert_id, advisory_id) values (${emergency}, ${adv})`.execute(p.ctx.db);
    await sql`insert into advisories_alert_products (alert_id, sort, product_id, cpe, title) values
      (${emergency}, 0, ${sample.productId}, null, 'SampleCMS 2.3.2 未満'), (${info}, 0, null, 'cpe:2.3:a:wordpress:wordpress:6.7.2:*:*:*:*:*:*:*', 'Download WordPress (6.7.2)')`.execute(p.ctx.db);
  }, 120_000);
  afterAll(async () => { await p?.destroy(); });

  it('validates MyJVN\'s own example responses with the same schema setup (the validators are real)', async () => {
    for (const f of ['getVulnOverviewList_hnd.xml', 'getVulnDetailInfo_hnd_JVNDB-2022-000097.xml', 'getVendorList_hnd.xml', 'getProductList_hnd.xml', 'getStatistics_hnd_sumAll.xml']) {
      expect(await xsdErrors(example(f)), f).toEqual([]);
    }
    // MyJVN's own getAlertList example omits sec:cpe's required version/vendor attributes.
    expect((await xsdErrors(example('getAlertList_hnd.xml'))).join('\n')).toContain("The attribute 'version' is required");
    expect(schemaErrors(exampleJson('getVendorList_oka.json'), 'jvnpid_1.0.json')).toEqual([]);
    expect(schemaErrors(exampleJson('getProductList_oka.json'), 'jvnpid_1.0.json')).toEqual([]);
    // …and they catch broken documents.
    expect(await xsdErrors(example('getVendorList_hnd.xml').replace('vid="11629"', 'vid="abc"'))).not.toEqual([]);
    expect(schemaErrors({ feed: { title: 1 } }, 'myjvn_feed_1.0.json')).not.toEqual([]);
  });

  it('getVulnOverviewList (hnd): JVNRSS 3.2 with the default one-week windows, filters and MyJVN\'s structure', async () => {
    // Defaults: public date, last update and registration all within the past week.
    const def = await hnd('method=getVulnOverviewList');
    await valid(def);
    expectStructureWithin(def, [example('getVulnOverviewList_hnd.xml')]);
    const st = status(def);
    for (const a of STATUS_ATTRS) expect(st).toHaveProperty(a);
    expect(st).toMatchObject({ method: 'getVulnOverviewList', retCd: '0', retMax: '50', errCd: '', totalRes: '1', totalResRet: '1', firstRes: '1', feed: 'hnd' });
    expect(def).toContain(`<sec:identifier>${sample.jvndbId}</sec:identifier>`);
    expect(def).toContain('<sec:cvss score="6.1" severity="Medium" vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N" version="3.1" type="Base"/>');
    expect(def).toContain('<sec:cpe version="2.2" vendor="サンプル株式会社" product="SampleCMS">cpe:/a:sample:samplecms</sec:cpe>');
    expect(def).toContain('<sec:references source="CVE" id="CVE-2026-10001">https://www.cve.org/CVERecord?id=CVE-2026-10001</sec:references>');
    expect(def).toContain('<sec:references id="CWE-79" title="クロスサイトスクリプティング(CWE-79)">https://cwe.mitre.org/data/definitions/79.html</sec:references>');
    expect(def).toMatch(/<dcterms:issued>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00<\/dcterms:issued>/);
    expect(def).not.toContain('下書き');

    const all = 'rangeDatePublic=n&rangeDatePublished=n&rangeDateFirstPublished=n';
    const everything = await hnd(`method=getVulnOverviewList&${all}`);
    expect(status(everything)).toMatchObject({ totalRes: '27', totalResRet: '27', rangeDatePublic: 'n' });
    // Escaping: markup and quotes in titles arrive as text; control characters are dropped.
    await valid(everything);
    expect(everything).toContain('RouterOS-X における &lt;script&gt; &amp; &quot;引用符&quot; の扱いに関する脆弱性');
    expect(everything).not.toContain('\u0001');
    expect(new XMLParser({ processEntities: true }).parse(everything)['rdf:RDF'].item.map((i: { title: string }) => i.title)).toContain('RouterOS-X における <script> & "引用符" の扱いに関する脆弱性');

    const count = async (qs: string) => Number(status(await hnd(`method=getVulnOverviewList&${all}&${qs}`)).totalRes);
    expect(await count('keyword=SampleCMS')).toBe(1);
    expect(await count('keyword=' + encodeURIComponent('クロスサイト'))).toBe(1);
    expect(await count('keyword=acme+widget')).toBe(23);
    expect(await count('severity=c')).toBe(2); // log4j 10.0, RouterOS-X 9.8 (CVSS v3)
    expect(await count('severity=h')).toBe(12); // 11 acme (7.5) + git (7.8)
    expect(await count(`vector=${encodeURIComponent('CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N')}`)).toBe(12);
    expect(await count(`vendorId=${sample.vendorId}`)).toBe(1);
    expect(await count(`productId=${sample.productId}`)).toBe(1);
    expect(await count('cpeName=cpe:/a:acme:widget')).toBe(23);
    expect(await count('cpeName=cpe:/a:acme:*+cpe:/a:apache:log4j')).toBe(24);
    expect(await count('cpeName=cpe:/:apache')).toBe(1);
    expect(await count('cpeName=cpe:/a:nobody:nothing')).toBe(0);
    expect(await count('datePublicStartY=2024&datePublicEndY=2024')).toBe(23);
    expect(await count('datePublicStartY=2021&datePublicStartM=12&datePublicEndY=2021&datePublicEndM=12&datePublicEndD=31')).toBe(1);
    expect(await count(`dateFirstPublishedStartY=${today.y}`)).toBe(27);
    expect(await count('datePublishedEndY=2020')).toBe(0);
    // An explicit public-date range replaces the default window of rangeDatePublic.
    expect(Number(status(await hnd('method=getVulnOverviewList&datePublicStartY=2021&rangeDatePublished=m&rangeDateFirstPublished=n')).totalRes)).toBe(27);
    // Zero results: a valid document with only the channel and the status.
    const none = await hnd('method=getVulnOverviewList&keyword=no-such-thing-anywhere');
    await valid(none);
    expect(status(none)).toMatchObject({ retCd: '0', totalRes: '0', totalResRet: '0' });
    // English.
    const en = await hnd(`method=getVulnOverviewList&lang=en&keyword=SampleCMS&${all}`);
    expect(en).toContain('<title>SampleCMS vulnerable to cross-site scripting</title>');
    expect(en).toContain('xml:lang="en"');
  });

  it('getVulnOverviewList (oka): MyJVN Feed JSON valid against myjvn_feed_1.0.json, with OKA filters', async () => {
    const doc = await oka('method=getVulnOverviewList&maxCountItem=5');
    expect(schemaErrors(doc, 'myjvn_feed_1.0.json')).toEqual([]);
    // Without a period OKA lists everything, newest change first.
    expect(doc.status).toMatchObject({ version: '4.0.0', method: 'getVulnOverviewList', feed: 'oka', retCd: 0, retMax: 50, totalRes: 27, totalResRet: 5, firstRes: 1 });
    const ours = keys(doc); const theirs = keys(exampleJson('getVulnOverviewList_oka.json'));
    for (const k of ours) if (!k.startsWith('status.')) expect(theirs.has(k), k).toBe(true);
    const all = await oka('method=getVulnOverviewList');
    const s = all.feed.entry.find((e: { id: string }) => e.id === sample.jvndbId);
    expect(s).toMatchObject({ title: 'SampleCMS におけるクロスサイトスクリプティングの脆弱性', link: `${p.config.baseUrl}/advisories/${sample.jvndbId}` });
    expect(s.products[0]).toMatchObject({ vname: 'サンプル株式会社', pname: 'SampleCMS', product_id: 'jvnpid:1.0::sample:samplecms', product_ids: { cpe: 'cpe:2.3:a:sample:samplecms:*:*:*:*:*:*:*:*', id_refs: [{ nameType: 'purl', value: 'pkg:npm/samplecms' }] } });
    expect(s.metrics[0].content.cvss_v3).toEqual({ version: '3.1', vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', baseScore: 6.1, baseSeverity: 'MEDIUM' });
    expect(s.metrics[0].content.cvss_v2).toMatchObject({ version: '2.0', baseScore: 4.3 });
    expect(s.cwes).toEqual([{ id: 'CWE-79', name: 'クロスサイトスクリプティング(CWE-79)', url: 'https://cwe.mitre.org/data/definitions/79.html' }]);
    const n = async (qs: string) => (await oka(`method=getVulnOverviewList&${qs}`)).status.totalRes as number;
    expect(await n('publicStartDate=20240101&publicEndDate=20241231')).toBe(23);
    expect(await n(`createdStartDate=${todayStr.replace(/-/g, '')}`)).toBe(27);
    expect(await n('modifiedRangeDate=DAY')).toBe(27);
    expect(await n('nameType=cpe&productName=cpe:2.3:a:acme:widget')).toBe(23);
    expect(await n('nameType=jvnpid&productName=jvnpid:1.0::apache:log4j')).toBe(1);
    expect(await n(`nameType=vid&productName=${sample.vendorId}`)).toBe(1);
    expect(await n(`nameType=pid&productName=${sample.productId}`)).toBe(1);
    expect(await n('cvssV3Severity=CRITICAL')).toBe(2);
    expect(await n('cvssV2Severity=HIGH')).toBe(1); // log4j 9.3
    expect(await n(`cvssV3Metrics=${encodeURIComponent('AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N')}`)).toBe(12);
    expect(await n(`cvssV4Metrics=${encodeURIComponent('AV:L/UI:P')}`)).toBe(1);
    expect(await n('keyword=SampleCMS')).toBe(1);
  });

  it('getVulnDetailInfo: VULDEF 3.2 (hnd) and CSAF-based JSON (oka), several ids and unknown ids', async () => {
    const x = await hnd(`method=getVulnDetailInfo&vulnId=${sample.jvndbId}+${router.jvndbId}+JVNDB-1999-000001`);
    await valid(x);
    expectStructureWithin(x, [example('getVulnDetailInfo_hnd_JVNDB-2022-000097.xml'), example('getVulnDetailInfo_hnd_JVNDB-2018-009328.xml')]);
    expect(status(x)).toMatchObject({ method: 'getVulnDetailInfo', retCd: '0', retMax: '10', totalRes: '2', totalResRet: '2', vulnId: `${sample.jvndbId}+${router.jvndbId}+JVNDB-1999-000001` });
    const doc = parser.parse(x)['VULDEF-Document'];
    const v = doc.Vulinfo[0].VulinfoData;
    expect(doc.Vulinfo.map((i: { VulinfoID: string }) => i.VulinfoID)).toEqual([sample.jvndbId, router.jvndbId]);
    expect(v.Affected.AffectedItem).toMatchObject({ Name: 'サンプル株式会社', ProductName: 'SampleCMS', Cpe: { '#text': 'cpe:/a:sample:samplecms', '@version': '2.2' }, VersionNumber: '2.0.0 以上 2.3.2 未満' });
    expect(v.Impact.Cvss.map((c: { '@version': string; Base: string }) => [c['@version'], c.Base])).toEqual([['2.0', '4.3'], ['3.1', '6.1']]);
    expect(v.Impact.ImpactItem.Description).toBe('任意のスクリプトを実行される可能性があります。');
    expect(v.Solution.SolutionItem.Description).toBe('最新版へアップデートしてください。');
    expect(v.Related.RelatedItem.map((r: { '@type': string; VulinfoID: string }) => `${r['@type']} ${r.VulinfoID}`)).toEqual(expect.arrayContaining(['advisory CVE-2026-10001', 'advisory JVN#12345678', 'cwe CWE-79', 'vendor SampleCMS security update']));
    expect(v.History.HistoryItem).toMatchObject({ HistoryNo: '1', Description: '掲載' });
    expect(v.DatePublic).toBe(`${todayStr}T00:00:00+09:00`);
    expect(doc.Vulinfo[1].VulinfoData.Affected.AffectedItem.VersionNumber).toBe('2.3.1 およびそれ以前');
    // Paging inside the requested ids.
    expect(status(await hnd(`method=getVulnDetailInfo&vulnId=${sample.jvndbId}+${router.jvndbId}&startItem=2&maxCountItem=1`))).toMatchObject({ totalRes: '2', totalResRet: '1', firstRes: '2' });
    // Unknown id: retCd 0 with no entries (MyJVN: a Result with only the status).
    const none = await hnd('method=getVulnDetailInfo&vulnId=JVNDB-1999-000001');
    await valid(none);
    expect(status(none)).toMatchObject({ retCd: '0', totalRes: '0' });

    const j = await oka(`method=getVulnDetailInfo&vulnId=${sample.jvndbId}`);
    expect(schemaErrors(j, 'myjvn_vuldef_1.0.csaf.json')).toEqual([]);
    expect(j.document).toMatchObject({ category: 'myjvn_security_advisory', csaf_version: '2.1', title: 'SampleCMS におけるクロスサイトスクリプティングの脆弱性', tracking: { id: sample.jvndbId, status: 'final' } });
    expect(j.vulnerabilities[0]).toMatchObject({ cve: 'CVE-2026-10001', product_status: { known_affected: ['jvnpid:1.0::sample:samplecms'] } });
    expect(j.vulnerabilities[0].metrics[0].content.cvss_v2).toMatchObject({ accessVector: 'NETWORK', accessComplexity: 'MEDIUM', integrityImpact: 'PARTIAL' });
    expect(j.product_tree.branches[0]).toMatchObject({ category: 'vendor', name: 'サンプル株式会社' });
    expect(j.status).toMatchObject({ method: 'getVulnDetailInfo', retCd: 0, retMax: 1, totalRes: 1, totalResRet: 1, vulnId: sample.jvndbId });
    const theirs = new Set([...keys(exampleJson('getVulnDetailInfo_oka_JVNDB-2022-000097.json')), ...keys(exampleJson('getVulnDetailInfo_oka_jvncsaf.json')), ...keys(exampleJson('getVulnDetailInfo_oka_JVNDB-2018-009328.json'))]);
    const extra = [...keys(j)].filter((k) => !theirs.has(k) && !k.startsWith('status.'));
    // Only documented additions:
    for (const k of extra) expect(['product_tree.branches.branches.product.product_identification_helper.purls', 'document.references.category']).toContain(k);
    // OKA: one CSAF document per response; several ids are paged with startItem.
    const second = await oka(`method=getVulnDetailInfo&vulnId=${sample.jvndbId}+${router.jvndbId}&startItem=2`);
    expect(schemaErrors(second, 'myjvn_vuldef_1.0.csaf.json')).toEqual([]);
    expect(second.document.tracking.id).toBe(router.jvndbId);
    expect(second.status).toMatchObject({ totalRes: 2, totalResRet: 1, firstRes: 2 });
  });

  it('getVendorList and getProductList: Results 3.3 (hnd) and jvnpid dictionaries (oka)', async () => {
    const v = await hnd('method=getVendorList');
    await valid(v);
    expectStructureWithin(v, [example('getVendorList_hnd.xml')]);
    expect(status(v)).toMatchObject({ method: 'getVendorList', retMax: '10000', totalRes: '5', totalResRet: '5' });
    expect(v).toContain(`<Vendor vname="サンプル株式会社" cpe="cpe:/:sample" vid="${sample.vendorId}"/>`);
    // A vendor without a CPE name gets one derived from its name (percent-encoded).
    expect(v).toMatch(/<Vendor vname="ルータ株式会社" cpe="cpe:\/:%E3%83%AB[^"]*" vid="\d+"\/>/);
    expect(status(await hnd('method=getVendorList&cpeName=cpe:/:apache+cpe:/:acme')).totalRes).toBe('2');
    expect(status(await hnd('method=getVendorList&keyword=' + encodeURIComponent('サンプル'))).totalRes).toBe('1');
    const page2 = await hnd('method=getVendorList&startItem=2&maxCountItem=2');
    expect(status(page2)).toMatchObject({ totalRes: '5', totalResRet: '2', firstRes: '2', startItem: '2', maxCountItem: '2' });

    const pr = await hnd(`method=getProductList&vendorId=${sample.vendorId}`);
    await valid(pr);
    expectStructureWithin(pr, [example('getProductList_hnd.xml')]);
    expect(pr).toContain(`<Product pname="SampleCMS" cpe="cpe:/a:sample:samplecms" pid="${sample.productId}"/>`);
    expect(status(await hnd('method=getProductList')).totalRes).toBe('5');
    expect(status(await hnd('method=getProductList&cpeName=cpe:/a:acme:*')).totalRes).toBe('1');
    expect(status(await hnd(`method=getProductList&productId=${sample.productId}`)).totalRes).toBe('1');
    expect(status(await hnd('method=getProductList&keyword=widget')).totalRes).toBe('1');

    const jv = await oka('method=getVendorList');
    expect(schemaErrors(jv, 'jvnpid_1.0.json')).toEqual([]);
    expect(jv['jvn-product-dictionary'].vendors).toContainEqual({ vendor_id: 'jvnpid:1.0::sample', vid: sample.vendorId, vname: 'サンプル株式会社', cpe: 'cpe:2.3::sample' });
    expect(jv.status).toMatchObject({ method: 'getVendorList', retMax: 10000, totalRes: 5 });
    expect((await oka('method=getVendorList&nameType=cpe&vendorName=cpe:2.3::acme')).status.totalRes).toBe(1);
    const jp = await oka(`method=getProductList&nameType=vid&productName=${sample.vendorId}`);
    expect(schemaErrors(jp, 'jvnpid_1.0.json')).toEqual([]);
    expect(jp['jvn-product-dictionary'].vendors[0].products[0]).toEqual({ product_id: 'jvnpid:1.0::sample:samplecms', pid: sample.productId, pname: 'SampleCMS', product_ids: [{ cpe: 'cpe:2.3:a:sample:samplecms:*:*:*:*:*:*:*:*' }] });
    const theirs = keys(exampleJson('getProductList_oka.json'));
    for (const k of keys(jp)) if (!k.startsWith('status.')) expect(theirs.has(k), k).toBe(true);
  });

  it('getAlertList: Atom + mod_sec (hnd xml), getalert1.json (hnd json) and MyJVN Feed (oka); drafts are not listed', async () => {
    const x = await hnd('method=getAlertList');
    await valid(x);
    // sec:cpe@version, @vendor (and optional @product) are required by mod_sec 3.0 but missing from MyJVN's example.
    expectStructureWithin(x, [example('getAlertList_hnd.xml')], ['version', 'vendor', 'product'].map((a) => `feed/entry/sec:items/sec:item/sec:cpe@${a}`));
    expect(status(x)).toMatchObject({ method: 'getAlertList', retMax: '50', totalRes: '2', totalResRet: '2' });
    const feed = parser.parse(x).feed;
    expect(feed.entry.map((e: { id: string }) => e.id)).toEqual(['IPA-ALERT-2026-0001', 'IPA-ALERT-2025-0007']);
    expect(feed.entry[0].category).toMatchObject({ '@term': 'Critical', '@label': '緊急' });
    expect(feed.entry[0]['sec:items']['sec:item'].map((i: { 'sec:identifier': string }) => i['sec:identifier'])).toEqual(['IPA-ALERT-2026-0001-0001', sample.jvndbId]);
    expect(feed.entry[1]['sec:items']['sec:item']['sec:cpe']).toMatchObject({ '#text': 'cpe:/a:wordpress:wordpress', '@version': '2.2', '@vendor': 'wordpress' });
    expect(x).not.toContain('下書きの注意喚起');
    expect(status(await hnd('method=getAlertList&datePublished=2025')).totalRes).toBe('1');
    expect(status(await hnd(`method=getAlertList&dateFirstPublished=${today.y}`)).totalRes).toBe('1');
    expect(status(await hnd('method=getAlertList&cpeName=cpe:/a:wordpress:wordpress')).totalRes).toBe('1');
    expect(status(await hnd('method=getAlertList&cpeName=cpe:/a:sample:samplecms')).totalRes).toBe('1');
    const empty = await hnd('method=getAlertList&datePublished=1999');
    await valid(empty);
    expect(parser.parse(empty).feed.entry.title).toBe('該当する脆弱性対策情報はありません。');

    const j = (await get('feed=hnd&method=getAlertList&ft=json')).json();
    expect(schemaErrors(j, 'getalert1.json')).toEqual([]);
    expect(j.feed['status:Status']).toMatchObject({ method: 'getAlertList', retCd: 0, totalRes: '2', ft: 'json' });
    const theirsHnd = keys(JSON.parse(example('getAlertList_hnd.json')));
    for (const k of keys(j)) expect(theirsHnd.has(k) || k.startsWith('feed.status:Status.') || k === '$schema', k).toBe(true);

    const o = await oka('method=getAlertList');
    expect(schemaErrors(o, 'myjvn_feed_1.0.json')).toEqual([]);
    expect(o.feed.entry[0]).toMatchObject({ id: 'IPA-ALERT-2026-0001', category: { term: 'Critical', label: '緊急' } });
    expect(o.feed.entry[0].items[0].products[0]).toMatchObject({ vname: 'サンプル株式会社', product_id: 'jvnpid:1.0::sample:samplecms' });
    const theirs = keys(exampleJson('getAlertList_oka.json'));
    for (const k of keys(o)) if (!k.startsWith('status.')) expect(theirs.has(k), k).toBe(true);
    expect((await oka('method=getAlertList&modifiedStartDate=20250101&modifiedEndDate=20251231')).status.totalRes).toBe(1);
    expect((await oka('method=getAlertList&keyword=WordPress')).status.totalRes).toBe(1);
  });

  it('getStatistics: sumJvnDb / sumCvss / sumCwe / sumAll by year, quarter and month (hnd) and the OKA statistics document', async () => {
    const x = await hnd('method=getStatistics&theme=sumAll&cweId=CWE-79&type=y&datePublicStartY=2021');
    await valid(x);
    expectStructureWithin(x, [example('getStatistics_hnd_sumAll.xml')]);
    const years = today.y - 2021 + 1;
    expect(status(x)).toMatchObject({ method: 'getStatistics', theme: 'sumAll', cweId: 'CWE-79', type: 'y', totalRes: String(years), firstRes: '', retMaxCnt: '23' });
    const r = parser.parse(x).Result;
    expect(r['mjstat:sumJvnDb']['mjstat:resDataTotal']).toMatchObject({ '@vulinfo': '27', '@vendor': '5', '@product': '5' });
    const row = (block: string, date: string) => r[block]['mjstat:resData'].find((d: { '@date': string }) => d['@date'] === date);
    expect(row('mjstat:sumJvnDb', '2021')['@cntAll']).toBe('2');
    expect(row('mjstat:sumJvnDb', '2022')['@cntAll']).toBe('0');
    expect(row('mjstat:sumJvnDb', '2024')['@cntAll']).toBe('23');
    expect(row('mjstat:sumCvss', '2021')).toMatchObject({ '@cntAll': '2', '@cntC': '2', '@cntH': '0' });
    expect(row('mjstat:sumCvss', '2024')).toMatchObject({ '@cntH': '11', '@cntM': '12' });
    expect(r['mjstat:sumCwe']['@cweId']).toBe('CWE-79');
    expect(r['mjstat:sumCwe']['mjstat:title'][0]['#text']).toBe('クロスサイトスクリプティング');
    expect(row('mjstat:sumCwe', String(today.y))['@cntAll']).toBe('1');
    const m = await hnd('method=getStatistics&theme=sumJvnDb&type=m&datePublicStartY=2021&datePublicStartM=11&datePublicEndY=2022&datePublicEndM=1');
    await valid(m);
    expect([...m.matchAll(/date="([^"]+)" cntAll="(\d+)"/g)].map((x2) => `${x2[1]}=${x2[2]}`)).toEqual(['2021-11=0', '2021-12=1', '2022-01=0']);
    const qq = await hnd('method=getStatistics&theme=sumCvss&type=q&datePublicStartY=2021&datePublicEndY=2021');
    expect([...qq.matchAll(/date="([^"]+)" cntAll="(\d+)"/g)].map((x2) => `${x2[1]}=${x2[2]}`)).toEqual(['2021-1Q=0', '2021-2Q=1', '2021-3Q=0', '2021-4Q=1']);
    expect(status(await hnd(`method=getStatistics&theme=sumJvnDb&pid=${sample.productId}&datePublicStartY=${today.y}`)).retMaxCnt).toBe('1');

    const o = await oka(`method=getStatistics&pubStartDate=${today.y}&pubEndDate=${today.y}`);
    expect(schemaErrors(o, 'myjvn_statistics_1.0.json')).toEqual([]);
    expect(o.data).toHaveLength(1);
    expect(o.data[0]).toMatchObject({ year: today.y, total_vulninfo: 27, total_severity_critical: 2 });
    expect(o.data[0].vulninfo[String(today.m)]).toBe(27);
    expect(o.dataTotal).toEqual({ vulninfo: 27, vendor: 5, product: 5 });
    expect((await oka(`method=getStatistics&cweId=79&pubStartDate=${today.y}`)).data[0].total_vulninfo).toBe(1);
    expect((await oka(`method=getStatistics&metricType=cvssV2&pubStartDate=${today.y}`)).data[0].total_severity_high).toBe(1);
    const theirs = keys(exampleJson('getStatistics_oka.json'));
    for (const k of keys(o)) if (!k.startsWith('status.') && !k.startsWith('dataFilter.')) expect(theirs.has(k), k).toBe(true);
  });

  it('answers bad input with MyJVN error statuses (retCd=1, errCd, bilingual errMsg) in the requested format, never a 500', async () => {
    const err = async (qs: string) => {
      const x = await (await get(qs)).body;
      const s = status(x);
      expect(s.retCd).toBe('1');
      return { x, s };
    };
    // The startItem code is MyJVN's own (VL01020003 "startItemは正の整数値のみ指定可能です。").
    const start = await err('feed=hnd&method=getVulnOverviewList&startItem=-1');
    expect(start.s).toMatchObject({ errCd: 'VL01020003', retMax: '', totalRes: '', startItem: '-1', method: 'getVulnOverviewList' });
    expect(start.s.errMsg).toContain('startItemは正の整数値のみ指定可能です。');
    expect(start.s.errMsg).toContain('startItem must be a positive integer.');
    await valid(start.x);
    expect((await err('feed=hnd&method=getVendorList&startItem=-1')).s.errCd).toBe('VN01020003');
    expect((await err('feed=hnd&method=getProductList&startItem=abc')).s.errCd).toBe('PR01020003');
    const max = await err('feed=hnd&method=getVulnOverviewList&maxCountItem=51');
    expect(max.s.errCd).toBe('VL01030004');
    expect(max.s.errMsg).toContain('1～50');
    expect((await err('feed=hnd&method=getVulnOverviewList&maxCountItem=0')).s.errCd).toBe('VL01030003');
    expect((await err('feed=hnd&method=getVulnDetailInfo&vulnId=JVNDB-2026-000001&maxCountItem=11')).s.errCd).toBe('VD01030004');
    expect((await err('feed=hnd&method=getVendorList&maxCountItem=10001')).s.errCd).toBe('VN01030004');
    const unknown = await err('feed=hnd&method=getVulnList');
    expect(unknown.s).toMatchObject({ errCd: 'MY01010002', method: 'getVulnList' });
    expect((await err('feed=hnd')).s.errCd).toBe('MY01010001');
    const feed = await err('method=getVulnOverviewList&feed=xyz');
    expect(feed.s.errCd).toBe('VL01040002');
    await valid(feed.x);
    expect((await err('method=getVulnOverviewList')).s.errCd).toBe('VL01040001');
    const month = await err('feed=hnd&method=getVulnOverviewList&datePublicStartY=2021&datePublicStartM=13');
    expect(month.s.errCd).toBe('VL01150005');
    expect((await err('feed=hnd&method=getVulnOverviewList&datePublicStartY=2023&datePublicStartM=2&datePublicStartD=30')).s.errMsg).toContain('2023-2-30');
    expect((await err('feed=hnd&method=getVulnOverviewList&datePublicStartM=2')).s.errCd).toBe('VL01150005');
    expect((await err('feed=hnd&method=getVulnOverviewList&datePublicStartY=2024&datePublicEndY=2023')).s.errCd).toBe('VL01150006');
    expect((await err('feed=hnd&method=getVulnOverviewList&severity=x')).s.errCd).toBe('VL01100002');
    expect((await err('feed=hnd&method=getVulnOverviewList&vector=AV:N')).s.errCd).toBe('VL01110005');
    expect((await err('feed=hnd&method=getVulnOverviewList&rangeDatePublic=y')).s.errCd).toBe('VL01120002');
    expect((await err('feed=hnd&method=getVulnOverviewList&vendorId=abc')).s.errCd).toBe('VL01070003');
    expect((await err('feed=hnd&method=getVulnOverviewList&cpeName=apache')).s.errCd).toBe('VL01060005');
    expect((await err('feed=hnd&method=getVulnOverviewList&lang=fr')).s.errCd).toBe('VL01050002');
    expect((await err(`feed=hnd&method=getVulnOverviewList&keyword=${'x'.repeat(201)}`)).s.errCd).toBe('VL01090004');
    expect((await err('feed=hnd&method=getVulnOverviewList&keyword=a%00b')).s.errCd).toBe('VL01090005');
    const detail = await err('feed=hnd&method=getVulnDetailInfo');
    expect(detail.s.errCd).toBe('VD01180001');
    await valid(detail.x);
    expect((await err('feed=hnd&method=getVulnDetailInfo&vulnId=CVE-2021-44228')).s.errCd).toBe('VD01180005');
    const conflict = await err(`feed=hnd&method=getProductList&cpeName=cpe:/a:acme:widget&vendorId=${sample.vendorId}`);
    expect(conflict.s.errCd).toBe('PR01070006');
    await valid(conflict.x);
    const stat = await err('feed=hnd&method=getStatistics');
    expect(stat.s.errCd).toBe('ST01190001');
    await valid(stat.x);
    expect((await err('feed=hnd&method=getStatistics&theme=sumCwe')).s.errCd).toBe('ST01210001');
    const alert = await err('feed=hnd&method=getAlertList&datePublished=abcd');
    expect(alert.s.errCd).toBe('AL01160005');
    expect(alert.s.datePublished).toBeUndefined(); // not an integer: not echoed (the XSD types it xs:integer)
    expect(alert.s.errMsg).toContain('datePublishedは半角数字のみ指定可能です（1～9999）。');
    await valid(alert.x);
    const alertJson = (await get('feed=hnd&method=getAlertList&ft=json&maxCountItem=99')).json();
    expect(alertJson.feed['status:Status']).toMatchObject({ retCd: 1, errCd: 'AL01030004' });
    expect(schemaErrors(alertJson, 'getalert1.json')).toEqual([]);

    // OKA: a status object.
    const okaErr = async (qs: string, code: string) => {
      const j = await oka(qs);
      expect(j.status).toMatchObject({ retCd: 1, errCd: code, feed: 'oka' });
      expect(schemaErrors(j.status, okaStatusSchema('myjvn_feed_1.0.json'))).toEqual([]);
      return j;
    };
    const om = await okaErr('method=getVulnOverviewList&maxCountItem=51', 'VL01030004');
    expect(om.status.errMsg).toContain('maxCountItem');
    await okaErr('method=getVulnOverviewList&modifiedStartDate=2021-01-01', 'VL01320005');
    await okaErr('method=getVulnOverviewList&modifiedStartDate=20210230', 'VL01320005');
    await okaErr('method=getVulnOverviewList&modifiedRangeDate=WEEK&publicStartDate=20210101', 'VL01310006');
    await okaErr('method=getVulnOverviewList&cvssV3Severity=HIGH&cvssV2Severity=LOW', 'VL01300006');
    await okaErr('method=getVulnOverviewList&nameType=cpe', 'VL01270001');
    await okaErr('method=getVulnOverviewList&nameType=cpe&productName=cpe:/a:acme:widget', 'VL01270005');
    await okaErr('method=getVulnOverviewList&nameType=cpe&productName=cpe:2.3:a:acme:widget&version=1.0', 'VL01290007');
    await okaErr('method=getVulnDetailInfo&vulnId=JVNDB-2026-000001&ft=jvnstix', 'VD01230007');
    await okaErr('method=getStatistics&metricType=cvssV5', 'ST01360002');
    await okaErr('method=getFoo', 'MY01010002');

    // Odd input never breaks the endpoint.
    for (const qs of ['feed=hnd&method=getVulnOverviewList&keyword=%00%01', 'feed=hnd&method=getVulnOverviewList&cpeName=cpe:/a:%ZZ:x', 'feed=hnd&method=getVendorList&keyword=%25_%5C',
      'feed=hnd&method=getVulnOverviewList&startItem=99999999999999999999', 'feed=oka&method=getProductList&nameType=pid&productName=99999999999', `feed=hnd&method=getVulnDetailInfo&vulnId=${'JVNDB-2026-000001+'.repeat(120)}`,
      'feed=hnd&method=getVulnOverviewList&method=getVendorList', 'feed[]=x&method=getVulnOverviewList']) {
      const res = await p.app.inject({ method: 'GET', url: `/myjvn?${qs}` });
      expect(res.statusCode, qs).toBe(200);
      expect(res.body, qs).toMatch(/retCd/);
      expect(res.body, qs).not.toMatch(/02990001/); // a parameter error, not the server-error code
    }
  });

  it('serves a client that pages through results with startItem / maxCountItem (GET and POST form)', async () => {
    const seen: string[] = [];
    let start = 1; let total = Infinity; let pages = 0;
    while (start <= total && pages < 10) {
      const x = await hnd(`method=getVulnOverviewList&rangeDatePublic=n&rangeDatePublished=n&rangeDateFirstPublished=n&startItem=${start}&maxCountItem=10`);
      const s = status(x);
      total = Number(s.totalRes);
      expect(Number(s.firstRes)).toBe(start);
      const ids = [...x.matchAll(/<sec:identifier>([^<]+)<\/sec:identifier>/g)].map((m) => m[1]);
      expect(ids.length).toBe(Number(s.totalResRet));
      seen.push(...ids);
      start += ids.length; pages++;
      if (!ids.length) break;
    }
    expect(pages).toBe(3);
    expect(seen.length).toBe(27);
    expect(new Set(seen).size).toBe(27);
    // Past the end: an empty page, still retCd 0.
    expect(status(await hnd('method=getVulnOverviewList&rangeDatePublic=n&rangeDatePublished=n&rangeDateFirstPublished=n&startItem=28'))).toMatchObject({ retCd: '0', totalRes: '27', totalResRet: '0' });
    // OKA paging gives the same order.
    const okaIds: string[] = [];
    for (let s = 1; s <= 27; s += 20) okaIds.push(...(await oka(`method=getVulnOverviewList&startItem=${s}&maxCountItem=20`)).feed.entry.map((e: { id: string }) => e.id));
    expect(okaIds).toEqual(seen);
    // MyJVN also accepts POST with a form body (no CSRF token: it is a public read API).
    const post = await p.app.inject({ method: 'POST', url: '/myjvn', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'method=getVendorList&feed=hnd&maxCountItem=2&startItem=3' });
    expect(post.statusCode).toBe(200);
    expect(status(post.body)).toMatchObject({ method: 'getVendorList', totalRes: '5', totalResRet: '2', firstRes: '3' });
  });

  it('publishes a JVNRSS 3.2 feed of new and updated advisories at /advisories/feed/jvnrss.xml', async () => {
    const res = await p.app.inject({ method: 'GET', url: '/advisories/feed/jvnrss.xml' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/rdf+xml; charset=utf-8');
    await valid(res.body);
    expectStructureWithin(res.body, [example('getVulnOverviewList_hnd.xml')]);
    const items = [...res.body.matchAll(/<sec:identifier>([^<]+)<\/sec:identifier>/g)].map((m) => m[1]);
    expect(items.length).toBe(27);
    expect(res.body).not.toContain('status:Status ');
    // Newest change first: an update moves an advisory to the top.
    const b = (await svc.get(router.jvndbId))!;
    await svc.update(b.id, { title: b.title, overview: { ja: '更新しました。', en: 'Updated.' }, cweIds: b.cweIds, cvss: b.cvss.map((c) => c.vector), affected: b.affected, publicDate: '2021-06-01' }, PUBLISHER, '概要を更新');
    const again = await p.app.inject({ method: 'GET', url: '/advisories/feed/jvnrss.xml?lang=en' });
    expect([...again.body.matchAll(/<sec:identifier>([^<]+)<\/sec:identifier>/g)][0][1]).toBe(router.jvndbId);
    expect(again.body).toContain('xml:lang="en"');
    // …and the detail shows the revision in its history.
    const d = parser.parse(await hnd(`method=getVulnDetailInfo&vulnId=${router.jvndbId}`))['VULDEF-Document'].Vulinfo.VulinfoData;
    expect(d.History.HistoryItem.map((h: { Description: string }) => h.Description)).toEqual(['掲載', '概要を更新']);
  });
});
