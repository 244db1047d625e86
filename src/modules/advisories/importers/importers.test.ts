// The importers on PGlite and PostgreSQL: the real MyJVN HND/OKA examples (JVNDB ids, dates,
// counters, conflicts), CVE JSON 5.x records, malformed and hostile input, the bulk engine's
// batching and fallback, two batches in flight and two runs at once, streamed/JSON-lines/directory
// sources, the CLI and the staff upload page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { BACKENDS, startTestPlatform, type TestPlatform } from '../../../../test/harness.js';
import { loginAs, multipart } from '../../../../test/session.js';
import { sharedPath } from '../../../../test/shared-reference.js';
import { SYSTEM_ACTOR, type Actor } from '../../../platform/context.js';
import { AppError } from '../../../platform/http/errors.js';
import { jstParts } from '../../../platform/i18n/dates.js';
import type { AdvisoriesService } from '../service.js';
import { advisoriesModule } from '../definition.js';
import { runImport } from './engine.js';
import { importNvdRecords } from './api.js';
import { openBuffer, openLargeJson, openPath } from './sources.js';
import { syntheticNvdItem } from './synthetic.js';

const HND = (id: string) => sharedPath('reference', 'myjvn', 'examples', 'hnd', `getVulnDetailInfo_hnd_${id}.xml`);
const OKA = (name: string) => sharedPath('reference', 'myjvn', 'examples', 'oka', `getVulnDetailInfo_oka_${name}.json`);
const HND_IDS = ['JVNDB-2017-009608', 'JVNDB-2018-009328', 'JVNDB-2021-002774', 'JVNDB-2022-000097'];
const PASSWORD = 'correct horse battery staple';
const TOTP = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const PUBLISHER: Actor = { userId: null, kind: 'staff', displayName: 'pub', organisationId: null, roles: [], permissions: new Set(['advisories.write', 'advisories.publish', 'advisories.import']) };

function cve5(id: string, over: { state?: string; updated?: string; vector?: string; desc?: string } = {}) {
  return {
    dataType: 'CVE_RECORD', dataVersion: '5.1',
    cveMetadata: { cveId: id, assignerOrgId: '00000000-0000-4000-8000-000000000000', assignerShortName: 'example', state: over.state ?? 'PUBLISHED', datePublished: '2025-03-01T09:00:00.000Z', dateUpdated: over.updated ?? '2025-03-05T12:00:00.000Z', dateReserved: '2025-01-10T00:00:00.000Z' },
    containers: {
      cna: {
        providerMetadata: { orgId: '00000000-0000-4000-8000-000000000000', shortName: 'example' },
        title: 'Stored XSS in Example CMS admin panel',
        descriptions: [{ lang: 'en', value: over.desc ?? 'Example CMS before 4.2.1 allows stored cross-site scripting via the admin panel.' }, { lang: 'ja', value: 'Example CMS 4.2.1 より前のバージョンには格納型クロスサイトスクリプティングの脆弱性があります。' }],
        affected: [
          { vendor: 'Example Corp', product: 'Example CMS', cpes: ['cpe:2.3:a:example:example_cms:*:*:*:*:*:*:*:*'], defaultStatus: 'unaffected', versions: [
            { version: '4.0.0', lessThan: '4.2.1', status: 'affected', versionType: 'semver' },
            { version: '3.0', lessThanOrEqual: '3.9.9', status: 'affected', versionType: 'semver' },
            { version: '2.5.1', status: 'affected' },
            { version: '4.2.1', status: 'unaffected' },
          ] },
          { vendor: 'n/a', product: 'n/a', versions: [{ version: 'n/a', status: 'affected' }] },
          { collectionURL: 'https://registry.npmjs.org', packageName: '@example/cms-core', product: 'cms-core', vendor: 'example', versions: [{ version: '0', lessThan: '1.4.0', status: 'affected', versionType: 'semver' }] },
        ],
        problemTypes: [{ descriptions: [{ type: 'CWE', cweId: 'CWE-79', lang: 'en', description: 'CWE-79 Improper Neutralization of Input During Web Page Generation' }] }],
        metrics: [{ format: 'CVSS', cvssV3_1: { version: '3.1', vectorString: over.vector ?? 'CVSS:3.1/AV:N/AC:L/PR:H/UI:R/S:C/C:L/I:L/A:N', baseScore: 4.8, baseSeverity: 'MEDIUM' } }, { other: { type: 'ssvc', content: {} } }],
        references: [{ url: 'https://example.com/advisories/2025-01', tags: ['vendor-advisory'] }, { url: 'https://github.com/example/cms/commit/abc123', tags: ['patch'], name: 'fix' }, { url: 'mailto:security@example.com' }],
      },
      adp: [{ providerMetadata: { shortName: 'CISA-ADP' }, metrics: [{ cvssV4_0: { version: '4.0', vectorString: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N', baseScore: 5.1 } }, { cvssV3_1: { vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' } }] }],
    },
  };
}

describe.each(BACKENDS)('advisory importers on %s', (backend) => {
  let p: TestPlatform;
  let svc: AdvisoriesService;
  const dir = mkdtempSync(join(tmpdir(), 'adv-imp-'));

  beforeAll(async () => {
    p = await startTestPlatform(backend);
    svc = p.ctx.services.get('advisories') as AdvisoriesService;
  });
  afterAll(async () => { await p?.destroy(); });

  const n = async (q: ReturnType<typeof sql<{ n: number }>>) => Number((await q.execute(p.ctx.db)).rows[0].n);
  const count = (table: string) => n(sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`);
  const importFile = async (file: string, format: 'auto' | 'hnd' | 'oka' | 'cve5' | 'nvd' = 'auto', actor: Actor = SYSTEM_ACTOR) => {
    const src = openBuffer(format, readFileSync(file), file.split('/').pop()!);
    return runImport(p.ctx, src.records(), { actor, format: src.format, fileName: src.fileName, sha256: src.sha256, size: src.size });
  };
  const importText = (text: string, name: string, format: 'auto' | 'hnd' | 'oka' | 'cve5' | 'nvd' = 'auto') => {
    const src = openBuffer(format, Buffer.from(text), name);
    return runImport(p.ctx, src.records(), { actor: SYSTEM_ACTOR, format: src.format, fileName: name });
  };

  it('imports the real MyJVN HND and OKA examples with their JVNDB ids and three dates, idempotently', async () => {
    for (const id of HND_IDS) expect(await importFile(HND(id))).toMatchObject({ created: 1, errorCount: 0 });
    const a = (await svc.get('JVNDB-2022-000097'))!;
    expect(a).toMatchObject({ source: 'jvn', state: 'published', revision: 1, jvnIds: ['JVN#96321933'], cweIds: ['CWE-79', 'CWE-20'] });
    expect(a.cveIds).toEqual(['CVE-2022-41993', 'CVE-2022-46287', 'CVE-2022-46288']);
    expect(a.publicDate!.toISOString()).toBe('2022-12-14T15:00:00.000Z');
    expect(a.firstPublishedAt!.toISOString()).toBe('2022-12-15T03:04:51.000Z');
    expect(a.modifiedAt!.toISOString()).toBe('2024-05-29T08:39:51.000Z');
    expect(a.cvss.map((c) => [c.version, c.baseScore, c.severity])).toEqual([['3.0', 6.1, 'medium'], ['2.0', 4.3, 'medium']]);
    expect(a.affected[0]).toMatchObject({ vendor: '一般財団法人日本建設情報総合センター', product: '電子入札コアシステム', cpe: 'cpe:2.3:a:jacic:electronic_bidding_core_system:*:*:*:*:*:*:*:*', versionText: 'v6 R4 およびそれ以前のバージョン' });
    expect(a.title.ja).toBe('電子入札コアシステムにおける複数の脆弱性');
    expect(a.overview.ja).toContain('\n・オープンリダイレクト (CWE-601) - CVE-2022-46288');
    expect(a.references.find((r) => r.type === 'vendor')!.url).toBe('https://www.cals.jacic.or.jp/coreconso/pdf/coreconsoinfo20221215.pdf');
    const netbackup = (await svc.get('JVNDB-2018-009328'))!;
    expect(netbackup.affected.map((x) => [x.vendor, x.versionText])).toEqual([['ベリタス', '7.7'], ['ベリタス', '8.0'], ['ベリタス', '8.1'], ['日立', '7.7'], ['日立', '8.0'], ['日立', '8.1']]);
    expect(netbackup.cweIds).toEqual(['NVD-CWE-noinfo']);
    // The source history is kept in the revision snapshot.
    const snap = (await sql<{ snapshot: { sourceHistory: Array<{ no: string }> } }>`select snapshot from advisories_revisions where advisory_id = ${a.id}`.execute(p.ctx.db)).rows[0].snapshot;
    expect(snap.sourceHistory.map((h) => h.no)).toEqual(['1', '2']);
    // Counters are raised to the imported numbers.
    expect(await n(sql<{ n: number }>`select n from advisories_counters where year = 2022`)).toBeGreaterThanOrEqual(97);
    expect(await n(sql<{ n: number }>`select n from advisories_counters where year = 2018`)).toBeGreaterThanOrEqual(9328);

    const revisions = await count('advisories_revisions'); const audits = await count('audit_log');
    for (const id of HND_IDS) expect(await importFile(HND(id))).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    // The same advisories in the OKA feed (same last-updated date) change nothing either.
    for (const id of HND_IDS) expect(await importFile(OKA(id))).toMatchObject({ created: 0, updated: 0, unchanged: 1, errorCount: 0 });
    expect(await importFile(OKA('JVNDB-2017-009608_jvnstix'))).toMatchObject({ unchanged: 1 });
    expect(await count('advisories_revisions')).toBe(revisions);
    expect(await count('audit_log')).toBe(audits);

    // OKA with versions from jvn_extension, CVSS v4.0 and a purl; the STIX bundle of the same id is unchanged.
    expect(await importFile(OKA('jvncsaf'))).toMatchObject({ created: 1, errorCount: 0 });
    const myjvn = (await svc.get('JVNDB-2025-000000'))!;
    expect(myjvn.cvss.map((c) => c.version)).toEqual(['4.0', '3.0', '2.0']);
    expect(myjvn.affected.some((x) => x.versionStart === '2.1.0' && x.versionEnd === '2.1.3' && x.versionEndIncluding === true)).toBe(true);
    expect(myjvn.affected.some((x) => x.versionEnd === '1.0.6' && x.versionEndIncluding === false && x.purl === 'pkg:rpm/dendai.ac.jp/myjvn_api')).toBe(true);
    expect(await importFile(OKA('jvnstix'))).toMatchObject({ unchanged: 1 });

    // A newer version updates and appends a revision; an older one is stale.
    const xml = readFileSync(HND('JVNDB-2022-000097'), 'utf8');
    const newer = xml.replace('<DateLastUpdated>2024-05-29T17:39:51+09:00', '<DateLastUpdated>2025-01-10T10:00:00+09:00').replace('<Title>電子入札コアシステムにおける複数の脆弱性', '<Title>電子入札コアシステムにおける複数の脆弱性（更新）');
    expect(await importText(newer, 'newer.xml')).toMatchObject({ updated: 1 });
    const updated = (await svc.get('JVNDB-2022-000097'))!;
    expect(updated).toMatchObject({ revision: 2, state: 'revised', title: { ja: '電子入札コアシステムにおける複数の脆弱性（更新）' } });
    expect(updated.modifiedAt!.toISOString()).toBe('2025-01-10T01:00:00.000Z');
    expect(updated.firstPublishedAt!.toISOString()).toBe('2022-12-15T03:04:51.000Z');
    expect(await importFile(HND('JVNDB-2022-000097'))).toMatchObject({ stale: 1, updated: 0 });
    const run = (await sql<{ format: string; sha256: string; created: number }>`select * from advisories_import_runs order by started_at desc limit 1`.execute(p.ctx.db)).rows[0];
    expect(run).toMatchObject({ format: 'hnd', created: 0 });
    expect(run.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await sql<{ import_run_id: string }>`select import_run_id from advisories where jvndb_id = 'JVNDB-2022-000097'`.execute(p.ctx.db)).rows[0].import_run_id).toBeTruthy();
  });

  it('keeps local JVNDB numbers clear of imported ones and refuses an id another advisory uses', async () => {
    const year = jstParts(new Date()).y;
    const xml = readFileSync(HND('JVNDB-2017-009608'), 'utf8');
    expect(await importText(xml.replaceAll('JVNDB-2017-009608', `JVNDB-${year}-000500`), 'high.xml')).toMatchObject({ created: 1 });
    const local = await svc.create({ title: { ja: 'ローカルの脆弱性対策情報' } }, PUBLISHER);
    await svc.submitForReview(local.id, PUBLISHER);
    const published = await svc.publish(local.id, PUBLISHER);
    expect(published.jvndbId).toBe(`JVNDB-${year}-000501`);
    const clash = await importText(xml.replaceAll('JVNDB-2017-009608', published.jvndbId!), 'clash.xml');
    expect(clash.created).toBe(0);
    expect(clash.errors).toHaveLength(1);
    expect(clash.errors[0]).toMatchObject({ index: 0, path: 'Vulinfo[0]', line: 17 });
    expect(clash.errors[0].message).toContain('already used by another advisory');
    expect((await svc.get(published.jvndbId!))!.title.ja).toBe('ローカルの脆弱性対策情報');
  });

  it('imports CVE JSON 5.x records: one, an array and bundles; REJECTED skipped; newer updates, older is stale', async () => {
    const r1 = await importText(JSON.stringify(cve5('CVE-2025-30001')), 'one.json');
    expect(r1).toMatchObject({ created: 1, errorCount: 0 });
    const a = (await svc.search({ q: 'CVE-2025-30001' }, { offset: 0, limit: 1 })).items[0];
    expect(a).toMatchObject({ source: 'cve5', cweIds: ['CWE-79'], title: { en: 'CVE-2025-30001: Stored XSS in Example CMS admin panel' } });
    expect(a.overview.ja).toContain('格納型クロスサイトスクリプティング');
    // The CNA's v3.1 wins over the ADP's; the ADP fills v4.0.
    expect(a.cvss.map((c) => [c.version, c.vector])).toEqual([['4.0', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N'], ['3.1', 'CVSS:3.1/AV:N/AC:L/PR:H/UI:R/S:C/C:L/I:L/A:N']]);
    expect(a.affected.map((x) => [x.product, x.versionStart, x.versionStartIncluding, x.versionEnd, x.versionEndIncluding, x.versionText])).toEqual([
      ['Example CMS', '4.0.0', true, '4.2.1', false, null], ['Example CMS', '3.0', true, '3.9.9', true, null], ['Example CMS', '2.5.1', true, '2.5.1', true, '2.5.1'], ['cms-core', null, null, '1.4.0', false, null]]);
    expect(a.affected[3].purl).toBe('pkg:npm/%40example/cms-core');
    expect(a.references.map((r) => [r.type, r.title])).toEqual([['vendor', null], ['patch', 'fix']]);
    expect(a.publicDate!.toISOString()).toBe('2025-03-01T09:00:00.000Z');

    const bundle = { cveRecords: [cve5('CVE-2025-30001'), cve5('CVE-2025-30002'), cve5('CVE-2025-30003', { state: 'REJECTED' }), cve5('CVE-2025-30004', { vector: 'CVSS:3.1/AV:N/AC:L' }), { cveMetadata: { cveId: 'not-a-cve' } }] };
    const r2 = await importText(JSON.stringify(bundle), 'bundle.json');
    expect(r2).toMatchObject({ created: 1, unchanged: 1, skipped: 1, errorCount: 2 });
    expect(r2.errors.map((e) => e.path)).toEqual(['cveRecords[3]/cvss[1]', 'cveRecords[4]/cveMetadata/cveId']);
    expect(r2.errors[0].messageJa).toContain('基本評価基準が不足しています');
    expect(await n(sql<{ n: number }>`select count(*)::int as n from advisories where 'CVE-2025-30004' = any(cve_ids) or 'CVE-2025-30003' = any(cve_ids)`)).toBe(0);
    expect(await importText(JSON.stringify([cve5('CVE-2025-30002')]), 'array.json')).toMatchObject({ unchanged: 1 });
    expect(await importText(JSON.stringify({ vulnerabilities: [{ cve: cve5('CVE-2025-30002') }] }), 'vulns.json', 'cve5')).toMatchObject({ unchanged: 1 });
    const newer = await importText(JSON.stringify(cve5('CVE-2025-30002', { updated: '2025-04-01T00:00:00.000Z', desc: 'Example CMS before 4.2.1 allows stored XSS. Updated.' })), 'newer.json');
    expect(newer).toMatchObject({ updated: 1 });
    const b = (await svc.search({ q: 'CVE-2025-30002' }, { offset: 0, limit: 1 })).items[0];
    expect(b.revision).toBe(2); expect(b.overview.en).toContain('Updated.');
    expect(await importText(JSON.stringify(cve5('CVE-2025-30002', { updated: '2025-03-02T00:00:00.000Z', desc: 'old' })), 'old.json')).toMatchObject({ stale: 1 });
    // An NVD record for the same CVE replaces it only when strictly newer.
    const nvd = syntheticNvdItem(1) as { cve: Record<string, unknown> };
    nvd.cve.id = 'CVE-2025-30002'; nvd.cve.lastModified = '2025-03-20T00:00:00.000';
    expect(await importNvdRecords(p.ctx, [nvd], SYSTEM_ACTOR)).toMatchObject({ stale: 1 });
    nvd.cve.lastModified = '2025-05-01T00:00:00.000';
    expect(await importNvdRecords(p.ctx, [nvd], SYSTEM_ACTOR)).toMatchObject({ updated: 1 });
    expect((await svc.search({ q: 'CVE-2025-30002' }, { offset: 0, limit: 5 })).items.map((x) => [x.source, x.revision])).toEqual([['nvd', 3]]);
  });

  it('refuses malformed and hostile documents as a whole, with the line', async () => {
    const before = await count('advisories'); const runs = await count('advisories_import_runs');
    // The real dataFeed example has `"retMax": ,` — malformed JSON.
    const bad = (() => { try { openBuffer('auto', readFileSync(sharedPath('reference', 'myjvn', 'examples', 'oka', 'dataFeed_jvndb_detail_oka.json')), 'feed.json'); } catch (e) { return e; } })();
    expect(bad).toBeInstanceOf(AppError);
    expect((bad as AppError).status).toBe(422);
    expect((bad as AppError).text.en).toMatch(/malformed JSON \(line 1377\)/);
    expect((bad as AppError).text.ja).toContain('JSON の形式が正しくありません');
    const xml = readFileSync(HND('JVNDB-2022-000097'), 'utf8');
    const truncated = (() => { try { openBuffer('hnd', Buffer.from(xml.replace('</Title>', '')), 't.xml'); } catch (e) { return e as AppError; } })()!;
    expect(truncated.text.en).toMatch(/Malformed XML \(line \d+/);
    const laughs = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n<VULDEF-Document><Vulinfo><VulinfoID>&lol3;</VulinfoID></Vulinfo></VULDEF-Document>`;
    expect(() => openBuffer('auto', Buffer.from(laughs), 'lol.xml')).toThrow(/DOCTYPE or ENTITY declaration is refused/);
    const external = `<?xml version="1.0"?>\n<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n<VULDEF-Document><Vulinfo><VulinfoID>&xxe;</VulinfoID></Vulinfo></VULDEF-Document>`;
    const xxe = (() => { try { openBuffer('hnd', Buffer.from(external), 'xxe.xml'); } catch (e) { return e as AppError; } })()!;
    expect(xxe.text).toMatchObject({ ja: expect.stringContaining('DOCTYPE'), en: 'line 2: XML with a DOCTYPE or ENTITY declaration is refused.' });
    // An undeclared entity is never expanded: it stays text (and is then not a valid JVNDB id).
    const r = await importText('<VULDEF-Document><Vulinfo><VulinfoID>&xxe;</VulinfoID></Vulinfo></VULDEF-Document>', 'x.xml');
    expect(r.errors[0]).toMatchObject({ path: 'Vulinfo[0]/VulinfoID', line: 1 });
    expect(() => openBuffer('cve5', Buffer.from(xml), 'x.xml')).toThrow(/got XML, but format cve5 is JSON/);
    expect(() => openBuffer('auto', Buffer.from('{"hello": 1}'), 'x.json')).toThrow(/cannot tell the format/);
    expect(() => openBuffer('nvd', Buffer.from('{"vulnerabilities": 3}'), 'x.json')).toThrow(/no "vulnerabilities" array/);
    expect(await count('advisories')).toBe(before);
    expect(await count('advisories_import_runs')).toBe(runs + 1); // only the run of the well-formed document above
  });

  it('writes in batches: duplicates within a batch, a database failure confined to its record, streamed files, JSON lines and directories', async () => {
    const items = Array.from({ length: 7 }, (_, i) => syntheticNvdItem(900 + i, { year: 2024 })) as Array<{ cve: Record<string, unknown> }>;
    const dup = JSON.parse(JSON.stringify(items[1])); dup.cve.lastModified = '2025-02-01T00:00:00.000'; dup.cve.descriptions = [{ lang: 'en', value: 'The second version of this record, later in the same batch.' }];
    // A product name too long for the dictionary's unique index: only the database notices.
    const huge = JSON.parse(JSON.stringify(items[3])); huge.cve.configurations = [{ nodes: [{ cpeMatch: [{ vulnerable: true, criteria: `cpe:2.3:a:acme:${randomBytes(6000).toString('hex')}:1.0:*:*:*:*:*:*:*` }] }] }];
    const r = await importNvdRecords(p.ctx, [items[0], items[1], dup, huge, items[4], items[5], items[6]], SYSTEM_ACTOR, { batchSize: 3 });
    expect(r).toMatchObject({ created: 5, updated: 1, errorCount: 1 });
    expect(r.errors[0]).toMatchObject({ index: 3, path: 'vulnerabilities[3]' });
    expect(r.errors[0].message).toMatch(/^database error: /);
    expect(await n(sql<{ n: number }>`select count(*)::int as n from advisories where ${items[3].cve.id as string} = any(cve_ids)`)).toBe(0);
    expect(await n(sql<{ n: number }>`select count(*)::int as n from advisories_revisions r join advisories a on a.id = r.advisory_id where ${items[1].cve.id as string} = any(a.cve_ids)`)).toBe(2);
    const audit = await p.ctx.audit.verify();
    expect(audit.ok).toBe(true);

    // The same records from a streamed file, JSON lines and a directory of pages: nothing changes.
    const page = (list: unknown[]) => JSON.stringify({ resultsPerPage: list.length, startIndex: 0, totalResults: list.length, format: 'NVD_CVE', version: '2.0', vulnerabilities: list }, null, 1);
    const good = [items[0], dup, items[4], items[5], items[6]];
    writeFileSync(join(dir, 'big.json'), page(good));
    const streamed = await openLargeJson('auto', join(dir, 'big.json'), 0);
    const s1 = await runImport(p.ctx, streamed.records(), { actor: SYSTEM_ACTOR, format: streamed.format });
    expect(s1).toMatchObject({ total: 5, unchanged: 5, errorCount: 0 });
    writeFileSync(join(dir, 'broken.json'), page(good).replace('"vulnStatus"', '"vulnStatus" "x"'));
    await expect(openLargeJson('nvd', join(dir, 'broken.json'), 0)).rejects.toThrow(/malformed JSON/);
    writeFileSync(join(dir, 'lines.jsonl'), good.map((g) => JSON.stringify((g as { cve: unknown }).cve)).join('\n') + '\n');
    const jl = await openPath('auto', join(dir, 'lines.jsonl'));
    expect(await runImport(p.ctx, jl.records(), { actor: SYSTEM_ACTOR, format: jl.format })).toMatchObject({ total: 5, unchanged: 5 });
    mkdirSync(join(dir, 'pages', 'b'), { recursive: true });
    writeFileSync(join(dir, 'pages', 'a.json'), page(good.slice(0, 2)));
    writeFileSync(join(dir, 'pages', 'b', 'c.json'), page([...good.slice(2), { cve: { id: 'CVE-BAD' } }]));
    const d = await openPath('auto', join(dir, 'pages'));
    const rd = await runImport(p.ctx, d.records(), { actor: SYSTEM_ACTOR, format: d.format, fileName: d.fileName });
    expect(rd).toMatchObject({ total: 6, unchanged: 5, errorCount: 1 });
    expect(rd.errors[0].path).toBe('b/c.json: vulnerabilities[3]/cve/id');
  });

  it('writes two batches at once on a server: a refused record fails its batch, the batch after it is written again, numbers stay gap-free and in record order', async () => {
    const year = jstParts(new Date()).y;
    const tag = randomBytes(4).toString('hex');
    const counter = () => n(sql<{ n: number }>`select coalesce((select n from advisories_counters where year = ${year}), 0) as n`);
    const cpe = (vendor: string) => [{ nodes: [{ cpeMatch: [{ vulnerable: true, criteria: `cpe:2.3:a:${vendor}:tool:1.0:*:*:*:*:*:*:*` }] }] }];
    const items = Array.from({ length: 20 }, (_, i) => syntheticNvdItem(5000 + i, { year: 2023 })) as Array<{ cve: Record<string, unknown> }>;
    // A vendor new to the database used by several batches: a batch uses the names its predecessor inserts.
    for (const it of items.slice(0, 16)) it.cve.configurations = cpe(`shared${tag}`);
    const bad = items[2]; bad.cve.configurations = cpe(`refused${tag}`);
    const again = JSON.parse(JSON.stringify(items[7])) as typeof bad; again.cve.lastModified = '2025-06-01T00:00:00.000';
    again.cve.descriptions = [{ lang: 'en', value: 'A later version of a record of the previous batch.' }];
    const list = [...items.slice(0, 12), again, ...items.slice(12)];
    const before = await counter();
    // The database refuses the bad record at the very end of its batch (the audit append), after
    // the next batch has written its rows and waits for it.
    const audit = p.ctx.audit; const recordMany = audit.recordMany.bind(audit); let first = true;
    audit.recordMany = async (entries, trx) => {
      if (first) { first = false; await new Promise((r) => setTimeout(r, 300)); }
      const hit = await sql`select 1 from advisories where id = any(${entries.map((e) => e.subjectId!)}::uuid[]) and ${bad.cve.id as string} = any(cve_ids)`.execute(trx!);
      if (hit.rows.length) throw new Error('refused');
      return recordMany(entries, trx);
    };
    let r;
    try { r = await importNvdRecords(p.ctx, list, SYSTEM_ACTOR, { batchSize: 5 }); } finally { audit.recordMany = recordMany; }
    expect(r).toMatchObject({ created: 19, updated: 1, errorCount: 1, retried: backend === 'postgres' ? 2 : 1 });
    expect(r.errors[0]).toMatchObject({ index: 2, path: 'vulnerabilities[2]', message: 'database error: refused' });
    // Nothing of the refused record: no advisory, no revision, not its vendor.
    expect(await n(sql<{ n: number }>`select count(*)::int as n from advisories where ${bad.cve.id as string} = any(cve_ids)`)).toBe(0);
    expect(await n(sql<{ n: number }>`select count(*)::int as n from advisories_vendors where key = ${`refused${tag}`}`)).toBe(0);
    expect(await n(sql<{ n: number }>`select count(*)::int as n from advisories_vendors where key = ${`shared${tag}`}`)).toBe(1);
    // JVNDB numbers: the next ones of the year, without a gap, in the order of the records.
    const rows = (await sql<{ cve: string; jvndb_id: string; revision: number }>`select cve_ids[1] as cve, jvndb_id, revision from advisories where import_run_id = ${r.runId}`.execute(p.ctx.db)).rows;
    const byCve = new Map(rows.map((x) => [x.cve, x]));
    const created = list.filter((x) => x !== bad && x !== again).map((x) => byCve.get(x.cve.id as string)!);
    expect(created.map((x) => x.jvndb_id)).toEqual(created.map((_, i) => `JVNDB-${year}-${String(before + i + 1).padStart(6, '0')}`));
    expect(await counter()).toBe(before + 19);
    expect(byCve.get(again.cve.id as string)!.revision).toBe(2);
    expect(await n(sql<{ n: number }>`select count(*)::int as n from advisories_revisions v join advisories a on a.id = v.advisory_id where a.import_run_id = ${r.runId}`)).toBe(20);
    expect((await p.ctx.audit.verify()).ok).toBe(true);
  });

  it('runs two imports of overlapping records at once: one advisory per CVE, numbers unique and gap-free', async () => {
    const year = jstParts(new Date()).y;
    const counter = () => n(sql<{ n: number }>`select coalesce((select n from advisories_counters where year = ${year}), 0) as n`);
    const items = Array.from({ length: 120 }, (_, i) => syntheticNvdItem(6000 + i, { year: 2022 }));
    const before = await counter();
    const [a, b] = await Promise.all([
      importNvdRecords(p.ctx, items.slice(0, 80), SYSTEM_ACTOR, { batchSize: 5 }),
      importNvdRecords(p.ctx, items.slice(40), SYSTEM_ACTOR, { batchSize: 5 }),
    ]);
    expect([...a.errors, ...b.errors]).toEqual([]);
    expect(a.created + b.created).toBe(120);
    expect(a.unchanged + b.unchanged).toBe(40);
    const cves = items.map((x) => (x as { cve: { id: string } }).cve.id);
    const rows = (await sql<{ cve: string; jvndb_id: string }>`select cve_ids[1] as cve, jvndb_id from advisories where cve_ids && ${cves}::text[]`.execute(p.ctx.db)).rows;
    expect(rows).toHaveLength(120);
    expect(new Set(rows.map((x) => x.cve)).size).toBe(120);
    expect(rows.map((x) => Number(x.jvndb_id.slice(-6))).sort((x, y) => x - y)).toEqual(Array.from({ length: 120 }, (_, i) => before + i + 1));
    expect(await counter()).toBe(before + 120);
    expect((await p.ctx.audit.verify()).ok).toBe(true);
    // The runs took turns (on a server the run lock is handed over between batches) rather than one waiting for the other to end.
    const order = (await sql<{ run: string }>`select import_run_id as run from advisories where cve_ids && ${cves}::text[] order by jvndb_id`.execute(p.ctx.db)).rows.map((x) => x.run);
    expect(order.filter((x, i) => i > 0 && x !== order[i - 1]).length).toBeGreaterThanOrEqual(2);
  });

  it('runs from the CLI (`mamori import` and `mamori advisories import`)', async () => {
    const cmd = advisoriesModule.commands!.find((c) => c.name === 'import')!;
    const io = () => { const out: string[] = []; const err: string[] = []; return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), stdin: async () => Buffer.alloc(0) } }; };
    const a = io();
    writeFileSync(join(dir, 'cve.json'), JSON.stringify([cve5('CVE-2025-31001'), cve5('CVE-2025-31002', { vector: 'CVSS:3.1/AV:N' })]));
    expect(await cmd.run(p.ctx, ['cve5', join(dir, 'cve.json')], a.io)).toBe(1);
    expect(a.out[0]).toBe('created 1, updated 0, unchanged 0, stale 0, skipped 0, errors 1');
    expect(a.out[1]).toMatch(/records\/s/);
    expect(a.err.join('\n')).toContain('record 1 [1]/cvss[1]: Base metrics are missing');
    const b = io();
    expect(await cmd.run(p.ctx, ['auto', join(dir, 'cve.json')], b.io)).toBe(1);
    expect(b.out[0]).toMatch(/^created 0, updated 0, unchanged 1/);
    const alias = advisoriesModule.commands!.find((c) => c.name === 'advisories import')!;
    const c = io();
    expect(await alias.run(p.ctx, ['hnd', HND('JVNDB-2021-002774')], c.io)).toBe(0);
    expect(c.out[0]).toMatch(/unchanged 1/);
    const d = io();
    expect(await cmd.run(p.ctx, ['xml', 'x'], d.io)).toBe(2);
    expect(d.err[0]).toMatch(/^usage: mamori import/);
    writeFileSync(join(dir, 'bad.json'), '{"vulnerabilities": [');
    expect(await cmd.run(p.ctx, ['nvd', join(dir, 'bad.json')], d.io)).toBe(65);
    expect(await cmd.run(p.ctx, ['nvd', join(dir, 'missing.json')], d.io)).toBe(66);
  });

  it('serves the staff upload page: CSRF, permission, per-record errors and the list of runs', async () => {
    await p.ctx.auth.createUser({ email: 'imp-pub@ipa.example.jp', displayName: '公表担当', password: PASSWORD, kind: 'staff', roles: ['publisher'], totpSecret: TOTP });
    await p.ctx.auth.createUser({ email: 'imp-analyst@ipa.example.jp', displayName: '分析担当', password: PASSWORD, kind: 'staff', roles: ['analyst'], totpSecret: TOTP });
    const pub = await loginAs(p.app, 'imp-pub@ipa.example.jp', PASSWORD, TOTP);
    const analyst = await loginAs(p.app, 'imp-analyst@ipa.example.jp', PASSWORD, TOTP);
    const page = await p.app.inject({ method: 'GET', url: '/staff/advisories/import', headers: { cookie: pub.cookie, accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('enctype="multipart/form-data"'); expect(page.body).toContain('<label for="import-file">'); expect(page.body).toContain('name="_csrf"');
    expect(page.body).toContain('取り込み履歴');
    expect((await p.app.inject({ method: 'GET', url: '/staff/advisories/import', headers: { cookie: analyst.cookie, accept: 'text/html' } })).statusCode).toBe(403);
    const staffHome = await p.app.inject({ method: 'GET', url: '/staff', headers: { cookie: pub.cookie, accept: 'text/html' } });
    expect(staffHome.body).toContain('/staff/advisories/import');

    const upload = (fields: Record<string, string>, file?: { name: string; data: Buffer }) => {
      const mp = multipart(fields, file ? [{ field: 'file', filename: file.name, contentType: 'application/octet-stream', data: file.data }] : []);
      return p.app.inject({ method: 'POST', url: '/staff/advisories/import', payload: mp.payload, headers: { ...mp.headers, cookie: pub.cookie, accept: 'text/html' } });
    };
    const body = Buffer.from(JSON.stringify({ cveRecords: [cve5('CVE-2025-32001'), cve5('CVE-2025-32002', { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H' })] }));
    expect((await upload({ format: 'auto' }, { name: 'records.json', data: body })).statusCode).toBe(403); // no CSRF token
    const res = await upload({ _csrf: pub.csrf, format: 'auto' }, { name: 'records.json', data: body });
    expect(res.statusCode).toBe(303);
    const result = await p.app.inject({ method: 'GET', url: res.headers.location as string, headers: { cookie: pub.cookie, accept: 'text/html' } });
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('records.json'); expect(result.body).toContain('cveRecords[1]/cvss[1]');
    expect(result.body).toContain('基本評価基準が不足しています（A）');
    expect(result.body).toMatch(/<td>2<\/td><td>1<\/td><td>0<\/td><td>0<\/td><td>0<\/td><td>0<\/td><td>1<\/td>/);
    const bad = await upload({ _csrf: pub.csrf, format: 'hnd' }, { name: 'lol.xml', data: Buffer.from('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>') });
    expect(bad.statusCode).toBe(422); expect(bad.body).toContain('role="alert"'); expect(bad.body).toContain('DOCTYPE');
    expect((await upload({ _csrf: pub.csrf, format: 'auto' })).body).toContain('ファイルを選んでください。');
    expect((await upload({ _csrf: pub.csrf, format: 'csv' }, { name: 'a.json', data: body })).statusCode).toBe(422);
    const list = await p.app.inject({ method: 'GET', url: '/staff/advisories/import?lang=en', headers: { cookie: pub.cookie, accept: 'text/html' } });
    expect(list.body).toContain('records.json'); expect(list.body).toContain('Past imports');
    expect((await p.app.inject({ method: 'GET', url: '/staff/advisories/import/runs/00000000-0000-4000-8000-000000000000', headers: { cookie: pub.cookie, accept: 'text/html' } })).statusCode).toBe(404);
    const actor = (await sql<{ actor: string }>`select actor from advisories_import_runs where file_name = 'records.json'`.execute(p.ctx.db)).rows[0].actor;
    expect(actor).not.toBe('system');
  });
});
