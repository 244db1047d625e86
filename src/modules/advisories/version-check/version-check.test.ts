// The version checker on PGlite and PostgreSQL: advisories created through the service (staff
// workflow and an NVD import), real-looking SBOMs (CycloneDX JSON/XML, SPDX, plain list) checked
// through the API and the web page, bad and oversized input, the usage statistic and `mamori check`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { BACKENDS, startTestPlatform, type TestPlatform } from '../../../../test/harness.js';
import { anonymous, multipart, type Session } from '../../../../test/session.js';
import { SYSTEM_ACTOR, type Actor } from '../../../platform/context.js';
import type { AdvisoriesService, AdvisoryInput } from '../service.js';
import { advisoriesModule } from '../definition.js';
import { part, FY2020_USES } from './index.js';
import { runCheck, type CheckDeps } from './cli.js';
import { MAX_COMPONENTS } from './inventory.js';

const PUBLISHER: Actor = { userId: null, kind: 'staff', displayName: 'tester', organisationId: null, roles: [], permissions: new Set(['advisories.write', 'advisories.publish', 'advisories.import']) };

/** An NVD CVE API 2.0 page with real-looking configurations (versionStartIncluding, versionEndExcluding, exact CPEs). */
const NVD = {
  resultsPerPage: 2, startIndex: 0, totalResults: 2, format: 'NVD_CVE', version: '2.0', timestamp: '2025-08-26T10:00:00.000',
  vulnerabilities: [
    { cve: {
      id: 'CVE-2021-44228', published: '2021-12-10T10:15:09.143', lastModified: '2025-02-04T15:15:13.773', cisaExploitAdd: '2021-12-10',
      descriptions: [{ lang: 'en', value: 'Apache Log4j2 2.0-beta9 through 2.15.0 JNDI features used in configuration, log messages, and parameters do not protect against attacker controlled LDAP endpoints.' }],
      metrics: { cvssMetricV31: [{ type: 'Primary', cvssData: { version: '3.1', vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H' } }], cvssMetricV2: [{ type: 'Primary', cvssData: { version: '2.0', vectorString: 'AV:N/AC:M/Au:N/C:C/I:C/A:C' } }] },
      weaknesses: [{ description: [{ lang: 'en', value: 'CWE-917' }] }],
      configurations: [{ nodes: [{ operator: 'OR', negate: false, cpeMatch: [
        { vulnerable: true, criteria: 'cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*', versionStartIncluding: '2.0.1', versionEndExcluding: '2.3.1' },
        { vulnerable: true, criteria: 'cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*', versionStartIncluding: '2.4.0', versionEndExcluding: '2.12.2' },
        { vulnerable: true, criteria: 'cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*', versionStartIncluding: '2.13.0', versionEndExcluding: '2.15.0' },
        { vulnerable: true, criteria: 'cpe:2.3:a:apache:log4j:2.0:beta9:*:*:*:*:*:*' },
      ] }] }],
      references: [{ url: 'https://logging.apache.org/log4j/2.x/security.html', tags: ['Vendor Advisory'] }],
    } },
    { cve: {
      id: 'CVE-2025-48384', published: '2025-07-08T19:15:30.853', lastModified: '2025-08-26T01:00:00.000', cisaExploitAdd: '2025-08-25',
      descriptions: [{ lang: 'en', value: 'Git is a fast, scalable, distributed revision control system. When reading a config value, Git strips any trailing carriage return and line feed.' }],
      metrics: { cvssMetricV31: [{ type: 'Secondary', cvssData: { version: '3.1', vectorString: 'CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H' } }] },
      configurations: [{ nodes: [{ operator: 'OR', negate: false, cpeMatch: [
        { vulnerable: true, criteria: 'cpe:2.3:a:git-scm:git:*:*:*:*:*:*:*:*', versionEndExcluding: '2.43.7' },
        { vulnerable: true, criteria: 'cpe:2.3:a:git-scm:git:*:*:*:*:*:*:*:*', versionStartIncluding: '2.44.0', versionEndExcluding: '2.44.4' },
      ] }] }],
    } },
  ],
};

/** Staff advisories: npm and Debian packages (purl), an exact CPE version, free-text versions, and a draft. */
const STAFF: Array<AdvisoryInput & { publish: boolean }> = [
  { publish: true, title: { ja: 'SampleCMS におけるクロスサイトスクリプティングの脆弱性', en: 'SampleCMS vulnerable to cross-site scripting' }, cveIds: ['CVE-2026-10001'],
    cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N'],
    affected: [{ vendor: 'Sample', product: 'SampleCMS', purl: 'pkg:npm/samplecms', versionStart: '2.0.0-rc.1', versionStartIncluding: true, versionEnd: '2.3.2', versionEndIncluding: false }] },
  { publish: true, title: { ja: 'OpenSSL における領域外読み込みの脆弱性', en: 'OpenSSL out-of-bounds read' }, cveIds: ['CVE-2026-10002'],
    cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H'],
    affected: [{ vendor: 'OpenSSL Project', product: 'OpenSSL', purl: 'pkg:deb/debian/openssl?distro=debian-12', versionStart: '3.0.0', versionEnd: '3.0.11-1~deb12u2', versionEndIncluding: false }] },
  { publish: true, title: { ja: 'Widget 1.2.3 における認証回避', en: 'Authentication bypass in Widget 1.2.3' }, cveIds: ['CVE-2026-10003'],
    cvss: ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N'],
    affected: [{ vendor: 'Example', product: 'Widget', cpe: 'cpe:2.3:a:example:widget:1.2.3:*:*:*:*:*:*:*' }] },
  { publish: true, title: { ja: 'Widget の古い版における情報漏えい', en: 'Information disclosure in old Widget versions' }, cveIds: ['CVE-2026-10004'],
    affected: [{ vendor: 'Example', product: 'Widget', versionText: '1.x 系のすべての版' }] },
  { publish: false, title: { ja: 'lodash の未公開の下書き', en: 'Unpublished lodash draft' }, cveIds: ['CVE-2026-10005'],
    affected: [{ vendor: 'lodash', product: 'lodash', purl: 'pkg:npm/lodash' }] },
];

const CDX_JSON = {
  $schema: 'http://cyclonedx.org/schema/bom-1.5.schema.json', bomFormat: 'CycloneDX', specVersion: '1.5', serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79', version: 1,
  metadata: { timestamp: '2026-01-10T09:00:00Z', component: { type: 'application', name: 'portal', version: '5.0.0', 'bom-ref': 'portal' } },
  components: [
    { type: 'library', 'bom-ref': 'pkg:npm/samplecms@2.1.0', name: 'samplecms', version: '2.1.0', purl: 'pkg:npm/samplecms@2.1.0',
      components: [{ type: 'library', name: 'samplecms', version: '2.3.2', purl: 'pkg:npm/samplecms@2.3.2', 'bom-ref': 'nested' }] },
    { type: 'library', group: 'org.apache.logging.log4j', name: 'log4j-core', version: '2.14.1', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar', cpe: 'cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*' },
    { type: 'library', name: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20' },
    { type: 'application', name: 'git', version: '2.43.0', cpe: 'cpe:2.3:a:git-scm:git:2.43.0:*:*:*:*:*:*:*' },
    { type: 'library', name: 'broken', version: '1.0', purl: 'npm:broken@1.0' },
    { type: 'library', name: 'samplecms-rc', version: '2.0.0-beta.3', purl: 'pkg:npm/samplecms@2.0.0-beta.3' },
  ],
  dependencies: [{ ref: 'portal', dependsOn: ['pkg:npm/samplecms@2.1.0'] }],
};

const CDX_XML = `<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6" serialNumber="urn:uuid:3e671687-395b-41f5-a30f-a58921a69b7a" version="1">
  <metadata><timestamp>2026-01-10T09:00:00Z</timestamp><component type="application"><name>backend</name></component></metadata>
  <components>
    <component type="library" bom-ref="log4j">
      <group>org.apache.logging.log4j</group><name>log4j-core</name><version>2.0-beta9</version>
      <cpe>cpe:2.3:a:apache:log4j:2.0:beta9:*:*:*:*:*:*</cpe>
      <purl>pkg:maven/org.apache.logging.log4j/log4j-core@2.0-beta9</purl>
    </component>
    <component type="library">
      <name>Sample &amp; CMS</name><version>2.3.1</version><purl>pkg:npm/samplecms@2.3.1</purl>
      <components>
        <component type="library"><name>widget</name><version>1.2.3</version><cpe>cpe:/a:example:widget:1.2.3</cpe></component>
      </components>
    </component>
    <component type="library"><name>log4j-fixed</name><version>2.17.1</version><cpe>cpe:2.3:a:apache:log4j:2.17.1:*:*:*:*:*:*:*</cpe></component>
    <component type="library"><name>bad-cpe</name><version>1</version><cpe>cpe:2.3:a:bad</cpe></component>
  </components>
</bom>`;

const SPDX = {
  spdxVersion: 'SPDX-2.3', dataLicense: 'CC0-1.0', SPDXID: 'SPDXRef-DOCUMENT', name: 'debian-12-image', documentNamespace: 'https://example.jp/spdx/debian-12-image-1',
  creationInfo: { created: '2026-01-10T09:00:00Z', creators: ['Tool: syft-1.0.0'] },
  packages: [
    { SPDXID: 'SPDXRef-openssl-old', name: 'openssl', versionInfo: '3.0.11-1~deb12u1', downloadLocation: 'NOASSERTION',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:deb/debian/openssl@3.0.11-1~deb12u1?arch=amd64&distro=debian-12' }] },
    { SPDXID: 'SPDXRef-openssl-new', name: 'openssl', versionInfo: '3.0.11-1~deb12u2', downloadLocation: 'NOASSERTION',
      externalRefs: [{ referenceCategory: 'PACKAGE_MANAGER', referenceType: 'purl', referenceLocator: 'pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64' }] },
    { SPDXID: 'SPDXRef-openssl-epoch', name: 'openssl', versionInfo: '1:1.0', downloadLocation: 'NOASSERTION',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:deb/debian/openssl@1:1.0' }] },
    { SPDXID: 'SPDXRef-widget', name: 'widget', versionInfo: '1.2.4', downloadLocation: 'NOASSERTION',
      externalRefs: [{ referenceCategory: 'SECURITY', referenceType: 'cpe23Type', referenceLocator: 'cpe:2.3:a:example:widget:1.2.4:*:*:*:*:*:*:*' }] },
  ],
};

describe.each(BACKENDS)('version checker on %s', (backend) => {
  let p: TestPlatform;
  let svc: AdvisoriesService;
  const ids: Record<string, string> = {};
  const api = (payload: unknown, headers: Record<string, string> = {}) =>
    p.app.inject({ method: 'POST', url: '/api/v1/version-check', payload: payload as string, headers: { 'content-type': 'application/json', ...headers } });
  const comp = (body: { components: Array<{ name: string | null; status: string; advisories: Array<Record<string, unknown>> }> }, name: string) => body.components.filter((c) => c.name === name);

  beforeAll(async () => {
    p = await startTestPlatform(backend);
    svc = p.ctx.services.get('advisories') as AdvisoriesService;
    const nvd = await svc.importNvd(NVD, SYSTEM_ACTOR);
    expect(nvd.errors).toEqual([]);
    for (const a of (await svc.search({ q: 'CVE-2021-44228' }, { offset: 0, limit: 1 })).items) ids.log4j = a.jvndbId!;
    for (const a of (await svc.search({ q: 'CVE-2025-48384' }, { offset: 0, limit: 1 })).items) ids.git = a.jvndbId!;
    for (const { publish, ...input } of STAFF) {
      const a = await svc.create(input, PUBLISHER);
      if (!publish) continue;
      await svc.submitForReview(a.id, PUBLISHER);
      ids[input.cveIds![0]] = (await svc.publish(a.id, PUBLISHER)).jvndbId!;
    }
  }, 60_000);
  afterAll(async () => { await p?.destroy(); });

  it('checks a CycloneDX JSON SBOM: ranges, prereleases, exact CPE versions, KEV, fixed versions, drafts hidden', async () => {
    const res = await api({ sbom: CDX_JSON });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.format).toBe('cyclonedx-json');
    expect(body.summary).toMatchObject({ components: 7, affected: 3, possiblyAffected: 0, notAffected: 3, invalid: 1, advisories: 3, kev: 2 });
    const [sample, nested] = comp(body, 'samplecms');
    expect(sample).toMatchObject({ status: 'affected', scheme: 'semver', version: '2.1.0' });
    expect(sample.advisories).toEqual([expect.objectContaining({ id: ids['CVE-2026-10001'], severity: 'medium', cvssScore: 6.1, kev: false, status: 'affected', matchedBy: 'purl', fixedVersion: '2.3.2' })]);
    expect(nested).toMatchObject({ status: 'not_affected', advisories: [] }); // 2.3.2 is the fixed version (excluding)
    // 2.0.0-beta.3 < 2.0.0-rc.1 (the range start): not affected.
    expect(comp(body, 'samplecms-rc')[0]).toMatchObject({ status: 'not_affected', version: '2.0.0-beta.3' });
    const log4j = comp(body, 'log4j-core')[0];
    expect(log4j).toMatchObject({ status: 'affected', scheme: 'generic', group: 'org.apache.logging.log4j' });
    expect(log4j.advisories).toEqual([expect.objectContaining({ id: ids.log4j, severity: 'critical', cvssScore: 10, kev: true, matchedBy: 'cpe', fixedVersion: '2.15.0', versionStart: '2.13.0' })]);
    expect(comp(body, 'git')[0].advisories).toEqual([expect.objectContaining({ id: ids.git, kev: true, fixedVersion: '2.43.7' })]);
    expect(comp(body, 'lodash')[0]).toMatchObject({ status: 'not_affected', advisories: [] }); // only a draft mentions lodash
    const broken = comp(body, 'broken')[0] as unknown as { status: string; errors: Array<{ field: string; messages: { ja: string; en: string } }> };
    expect(broken.status).toBe('invalid');
    expect(broken.errors[0]).toMatchObject({ field: 'components[5].purl', messages: { en: expect.stringContaining('Invalid package URL'), ja: expect.stringContaining('purl') } });

    // The same document as the raw body, with its media type or as plain application/json.
    for (const [ct, payload] of [['application/vnd.cyclonedx+json', JSON.stringify(CDX_JSON)], ['application/json', CDX_JSON]] as const) {
      const raw = await api(payload, { 'content-type': ct });
      expect(raw.statusCode).toBe(200);
      expect(raw.json().summary).toEqual(body.summary);
    }
  });

  it('checks CycloneDX XML (nested, CPE 2.2, entities), SPDX JSON (Debian rules, epochs) and plain lists', async () => {
    const xml = await api(CDX_XML, { 'content-type': 'application/vnd.cyclonedx+xml' });
    expect(xml.statusCode).toBe(200);
    const x = xml.json();
    expect(x.format).toBe('cyclonedx-xml');
    expect(comp(x, 'log4j-core')[0].advisories).toEqual([expect.objectContaining({ id: ids.log4j, status: 'affected', versionStart: '2.0', versionEnd: '2.0', fixedVersion: null })]);
    expect(comp(x, 'Sample & CMS')[0]).toMatchObject({ status: 'affected', advisories: [expect.objectContaining({ fixedVersion: '2.3.2' })] });
    const widget = comp(x, 'widget')[0];
    expect(widget).toMatchObject({ status: 'affected', cpe: 'cpe:2.3:a:example:widget:1.2.3:*:*:*:*:*:*:*' });
    // The exact-version advisory (critical) and the free-text one (possibly affected, via the product dictionary).
    expect(widget.advisories.map((a) => [a.id, a.status, a.versionText])).toEqual([
      [ids['CVE-2026-10003'], 'affected', null], [ids['CVE-2026-10004'], 'possibly_affected', '1.x 系のすべての版']]);
    expect(comp(x, 'log4j-fixed')[0].status).toBe('not_affected');
    expect(comp(x, 'bad-cpe')[0]).toMatchObject({ status: 'invalid', errors: [expect.objectContaining({ field: 'components[4].cpe' })] });

    const spdx = await api(JSON.stringify(SPDX), { 'content-type': 'application/spdx+json' });
    expect(spdx.statusCode).toBe(200);
    const s = spdx.json();
    expect(s.format).toBe('spdx-json');
    const [old, fixed, epoch] = comp(s, 'openssl');
    expect(old).toMatchObject({ status: 'affected', scheme: 'debian', advisories: [expect.objectContaining({ id: ids['CVE-2026-10002'], severity: 'critical', cvssScore: 9.1, fixedVersion: '3.0.11-1~deb12u2' })] });
    expect(fixed.status).toBe('not_affected'); // ~deb12u2 is the fix
    expect(epoch.status).toBe('not_affected'); // 1:1.0 > 3.0.11-1~deb12u2 by its epoch
    const w = comp(s, 'widget')[0];
    expect(w).toMatchObject({ status: 'possibly_affected', advisories: [expect.objectContaining({ id: ids['CVE-2026-10004'], status: 'possibly_affected' })] });

    const list = await api('# inventory of host-1\npkg:npm/samplecms@2.2.9\ncpe:/a:git-scm:git 2.44.3\ncpe:2.3:a:git-scm:git:*:*:*:*:*:*:*:* 2.44.4\nnot-an-id 1.0\n', { 'content-type': 'text/plain; charset=utf-8' });
    expect(list.statusCode).toBe(200);
    const l = list.json();
    expect(l.components.map((c: { status: string }) => c.status)).toEqual(['affected', 'affected', 'not_affected', 'invalid']);
    expect(l.components[1].advisories[0]).toMatchObject({ id: ids.git, fixedVersion: '2.44.4' });

    // Components in a JSON body; sbom given as text with an explicit format.
    const direct = await api({ components: [{ name: 'git', version: '2.44.0', cpe: 'cpe:2.3:a:git-scm:git:*:*:*:*:*:*:*:*' }, { purl: 'pkg:npm/samplecms' }] });
    expect(direct.json().components.map((c: { status: string }) => c.status)).toEqual(['affected', 'possibly_affected']); // no version: possibly
    const asText = await api({ format: 'cyclonedx-xml', sbom: CDX_XML });
    expect(asText.json().summary).toEqual(x.summary);

    // CSV for pipelines.
    const csv = await api({ sbom: CDX_JSON }, { accept: 'text/csv' });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.startsWith('\uFEFF')).toBe(true);
    expect(csv.body).toContain(ids.log4j);
  });

  it('refuses bad and oversized input with the platform error shape, never a 500', async () => {
    const bad = async (res: Awaited<ReturnType<typeof api>>, status: number, code: string) => {
      expect([res.statusCode, res.json().error.code]).toEqual([status, code]);
      expect(res.json().error.messages.ja).toBeTruthy(); expect(res.json().error.messages.en).toBeTruthy();
      return res.json().error;
    };
    await bad(await api('{"sbom": {', { 'content-type': 'application/json' }), 422, 'invalid_json');
    await bad(await api('{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"name":', { 'content-type': 'application/vnd.cyclonedx+json' }), 422, 'invalid_json');
    const e = await bad(await api('<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component><name>x</component></components></bom>', { 'content-type': 'application/vnd.cyclonedx+xml' }), 422, 'invalid_xml');
    expect(e.messages.en).toMatch(/line 1/);
    const laughs = `<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component><name>&lol2;</name></component></components></bom>`;
    await bad(await api(laughs, { 'content-type': 'application/vnd.cyclonedx+xml' }), 422, 'xml_doctype_refused');
    await bad(await api('<?xml version="1.0"?><!DOCTYPE bom SYSTEM "file:///etc/passwd"><bom/>', { 'content-type': 'application/xml' }), 422, 'xml_doctype_refused');
    await bad(await api({ spdxVersion: 'SPDX-2.1', packages: [] }), 422, 'invalid_inventory');
    await bad(await api({}), 422, 'validation_failed');
    await bad(await api({ components: [], sbom: 'pkg:npm/x' }), 422, 'validation_failed');
    await bad(await api({ components: [{ purl: 'x'.repeat(3000) }] }), 422, 'validation_failed');
    await bad(await api({ format: 'yaml', sbom: 'x' }), 422, 'validation_failed');
    await bad(await api('x', { 'content-type': 'application/octet-stream' }), 415, 'unsupported_media_type');

    // 50 MB: refused by size before parsing.
    const huge = 'pkg:npm/left-pad@1.0.0\n'.repeat(Math.ceil((50 * 1024 * 1024) / 23));
    const t0 = Date.now();
    await bad(await api(huge, { 'content-type': 'text/plain' }), 413, 'too_large');
    await bad(await api(JSON.stringify({ ...CDX_JSON, padding: 'x'.repeat(50 * 1024 * 1024) }), { 'content-type': 'application/vnd.cyclonedx+json' }), 413, 'too_large');
    // 100,000 components (about 10 MB): refused by count, as JSON, XML and SPDX.
    const many = Array.from({ length: 100_000 }, (_, i) => ({ type: 'library', name: `pkg-${i}`, version: '1.0.0', purl: `pkg:npm/pkg-${i}@1.0.0` }));
    const cdx = JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: many });
    expect(cdx.length).toBeLessThan(20 * 1024 * 1024);
    const tooMany = await bad(await api(cdx, { 'content-type': 'application/vnd.cyclonedx+json' }), 413, 'too_many_components');
    expect(tooMany.messages.en).toContain(MAX_COMPONENTS.toLocaleString('en'));
    await bad(await api({ components: many }), 413, 'too_many_components');
    const xmlMany = `<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>${many.map((c) => `<component type="library"><name>${c.name}</name><purl>${c.purl}</purl></component>`).join('')}</components></bom>`;
    await bad(await api(xmlMany, { 'content-type': 'application/vnd.cyclonedx+xml' }), 413, 'too_many_components');
    await bad(await api(JSON.stringify({ spdxVersion: 'SPDX-2.3', packages: many }), { 'content-type': 'application/spdx+json' }), 413, 'too_many_components');
    expect(Date.now() - t0).toBeLessThan(60_000);
  }, 120_000);

  it('checks 1,000 components with one set-based query', async () => {
    const components = Array.from({ length: 1000 }, (_, i) => i % 10 === 0
      ? { type: 'library', name: 'samplecms', version: `2.${i % 4}.${i % 7}`, purl: `pkg:npm/samplecms@2.${i % 4}.${i % 7}` }
      : { type: 'library', name: `lib-${i}`, version: `1.${i}.0`, purl: `pkg:npm/lib-${i}@1.${i}.0`, cpe: `cpe:2.3:a:vendor${i}:lib-${i}:1.${i}.0:*:*:*:*:*:*:*` });
    const sbom = JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components });
    const t0 = performance.now();
    const res = await api(sbom, { 'content-type': 'application/vnd.cyclonedx+json' });
    const ms = performance.now() - t0;
    expect(res.statusCode).toBe(200);
    expect(res.json().summary.components).toBe(1000);
    const below = (v: string) => { const [, mi, pa] = v.split('.').map(Number); return mi < 3 || (mi === 3 && pa < 2); };
    const expected = components.filter((c) => c.name === 'samplecms' && below(c.version)).length;
    expect(expected).toBeGreaterThan(50);
    expect(res.json().summary.affected).toBe(expected);
    expect(ms).toBeLessThan(5000); // a sanity bound, not the benchmark
  });

  it('serves the page: upload with CSRF, results table, CSV download, errors in the page', async () => {
    const page = await p.app.inject({ method: 'GET', url: '/advisories/version-check', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('バージョンチェッカ');
    expect(page.body).toMatch(/<label for="vc-file">/); expect(page.body).toMatch(/<label for="vc-text">/);
    expect(page.body).toContain('enctype="multipart/form-data"');
    expect((await p.app.inject({ method: 'GET', url: '/advisories/version-check?lang=en' })).body).toContain('Version checker');
    const s: Session = await anonymous(p.app, '/advisories/version-check');
    expect(s.csrf).toBeTruthy();
    const post = (fields: Record<string, string>, files: Parameters<typeof multipart>[1] = [], session: Session = s) => {
      const m = multipart(fields, files);
      return p.app.inject({ method: 'POST', url: '/advisories/version-check', payload: m.payload, headers: { ...m.headers, cookie: session.cookie, accept: 'text/html' } });
    };
    const xmlFile = [{ field: 'file', filename: 'bom.xml', contentType: 'text/plain', data: Buffer.from(CDX_XML) }]; // labelled loosely: detected
    expect((await post({ output: 'html' }, xmlFile, { cookie: s.cookie, csrf: '' })).statusCode).toBe(403);
    const res = await post({ _csrf: s.csrf, output: 'html' }, xmlFile);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('照合結果');
    expect(res.body).toContain(`href="/advisories/${ids.log4j}"`);
    expect(res.body).toContain('緊急'); // critical
    expect(res.body).toMatch(/<th scope="col">悪用の確認（KEV）<\/th>/);
    expect(res.body).toContain('2.3.2 で修正');
    expect(res.body).toContain('影響の可能性あり');
    expect(res.body).toContain('cpe:2.3:a:bad'); // the reason of the invalid component
    // The CSV form of the results page carries the components; re-downloading is not counted as a use.
    const components = /name="components" value="([^"]*)"/.exec(res.body)![1].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    const uses = async () => p.ctx.stats.between('advisories.version_check.uses', new Date(Date.now() - 86400_000 * 2), new Date(Date.now() + 86400_000 * 2));
    const before = await uses();
    const csv = await p.app.inject({ method: 'POST', url: '/advisories/version-check', payload: new URLSearchParams({ _csrf: s.csrf, components, output: 'csv', again: '1' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: s.cookie } });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="version-check-\d{8}\.csv"/);
    const rows = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(rows[0]).toContain('悪用の確認（KEV）');
    expect(rows.find((r) => r.includes(ids.log4j))).toMatch(/KEV/);
    expect(await uses()).toBe(before);
    // The textarea, straight to CSV.
    const direct = await post({ _csrf: s.csrf, text: 'pkg:npm/samplecms@2.1.0', output: 'csv' });
    expect(direct.body).toContain('2.3.2');
    expect(await uses()).toBe(before + 1);
    // Errors are shown in the page with the form.
    const empty = await post({ _csrf: s.csrf, output: 'html' });
    expect(empty.statusCode).toBe(422); expect(empty.body).toContain('ファイルを選ぶか');
    const broken = await post({ _csrf: s.csrf, output: 'html' }, [{ field: 'file', filename: 'bom.json', contentType: 'application/json', data: Buffer.from('{"bomFormat":"CycloneDX",') }]);
    expect(broken.statusCode).toBe(422); expect(broken.body).toContain('JSON の形式が正しくありません'); expect(broken.body).toContain('role="alert"');
    const doctype = await post({ _csrf: s.csrf, text: '<!DOCTYPE x><bom/>' });
    expect(doctype.statusCode).toBe(422);
  });

  it('counts uses per day and publishes them as a statistic; the demo reproduces FY2020', async () => {
    const now = new Date();
    const n = await p.ctx.stats.between('advisories.version_check.uses', new Date(now.getTime() - 86400_000 * 2), new Date(now.getTime() + 86400_000 * 2));
    expect(n).toBeGreaterThanOrEqual(12);
    const openapi = (await p.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(openapi.paths['/api/v1/version-check'].post.requestBody.content).toHaveProperty('application/vnd.cyclonedx+xml');
    await part.demo!(p.ctx);
    await part.demo!(p.ctx); // idempotent
    expect(await p.ctx.stats.fiscalYearValue('advisories.version_check.uses', 2020, 'period')).toBe(FY2020_USES);
  });

  it('mamori check: dpkg and npm lockfiles against the local database and a server', async () => {
    expect(advisoriesModule.commands!.map((c) => c.name)).toContain('check');
    const dir = mkdtempSync(join(tmpdir(), 'vc-cli-'));
    const lock = join(dir, 'package-lock.json');
    writeFileSync(lock, JSON.stringify({ name: 'portal', version: '1.0.0', lockfileVersion: 3, requires: true, packages: {
      '': { name: 'portal', version: '1.0.0', dependencies: { samplecms: '^2.1.0' } },
      'node_modules/samplecms': { version: '2.2.0', resolved: 'https://registry.npmjs.org/samplecms/-/samplecms-2.2.0.tgz', integrity: 'sha512-x' },
      'node_modules/left-pad': { version: '1.3.0' },
    } }));
    const clean = join(dir, 'clean-lock.json');
    writeFileSync(clean, JSON.stringify({ lockfileVersion: 2, packages: { '': { name: 'x' }, 'node_modules/samplecms': { version: '2.3.2' } } }));
    const dpkgCalls: number[] = [];
    const deps = (over: Partial<CheckDeps> = {}): CheckDeps => ({
      runDpkg: async () => { dpkgCalls.push(1); return 'openssl\t3.0.11-1~deb12u1\tamd64\ncurl\t7.88.1-10+deb12u5\tamd64\n'; },
      osId: async () => 'debian', fetch: (...a) => fetch(...a), ...over,
    });
    const run = async (args: string[], d = deps()) => { const out: string[] = []; const err: string[] = []; const code = await runCheck(p.ctx, args, { out: (l) => out.push(l), err: (l) => err.push(l) }, d); return { code, out, err }; };

    const local = await run(['--lockfile', lock]);
    expect(local.code).toBe(1);
    expect(local.out[0]).toMatch(/^COMPONENT\s+VERSION\s+STATUS\s+ADVISORY/);
    expect(local.out.join('\n')).toContain(ids['CVE-2026-10001']);
    expect(local.out.join('\n')).toContain(ids['CVE-2026-10002']); // openssl from dpkg
    expect(local.out.at(-1)).toMatch(/^4 components: 2 affected/);
    expect(dpkgCalls.length).toBe(1);

    const ok = await run(['--no-dpkg', '--lockfile', clean]);
    expect([ok.code, ok.out.at(-1)]).toEqual([0, expect.stringMatching(/^1 components: 0 affected/)]);
    expect(dpkgCalls.length).toBe(1);

    // Against a server over HTTP (real fetch).
    await p.app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(p.app.server.address() as AddressInfo).port}`;
    const remote = await run(['--server', url, '--lockfile', lock, '--json']);
    expect(remote.code).toBe(1);
    expect(JSON.parse(remote.out.join('\n')).summary).toMatchObject({ components: 4, affected: 2 });
    const remoteOk = await runCheck(null, ['--server', url, '--no-dpkg', '--lockfile', clean], { out: () => {}, err: () => {} }, deps());
    expect(remoteOk).toBe(0);

    // No dpkg on this system; unreadable lockfile; bad arguments; unreachable server.
    const noDpkg = await run(['--lockfile', clean], deps({ runDpkg: async () => { throw Object.assign(new Error('spawn dpkg-query ENOENT'), { code: 'ENOENT' }); } }));
    expect([noDpkg.code, noDpkg.err[0]]).toEqual([0, expect.stringContaining('dpkg-query not found')]);
    expect((await run(['--no-dpkg', '--lockfile', join(dir, 'missing.json')])).code).toBe(2);
    expect((await run(['--no-dpkg'])).code).toBe(2);
    expect((await run(['--bogus'])).err[0]).toContain('usage: mamori check');
    const down = await run(['--server', 'http://127.0.0.1:9', '--no-dpkg', '--lockfile', clean]);
    expect([down.code, down.err[0]]).toEqual([2, expect.stringContaining('cannot reach')]);
  });

  it('rate-limits the API like other public endpoints', async () => {
    let last = 0;
    for (let i = 0; i < 200 && last !== 429; i++) last = (await api({ components: [{ purl: 'pkg:npm/x@1.0.0' }] })).statusCode;
    expect(last).toBe(429);
    const res = await api({ components: [] });
    expect(res.json().error.code).toBe('rate_limited');
  });
});
