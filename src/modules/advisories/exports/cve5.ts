// CVE JSON 5.x records (CVE Record Format, dataVersion 5.1; valid against CVEProject/cve-schema's
// bundled schema, see fixtures/README.md): one record per CVE ID of an advisory. The database is
// not the assigning CNA: the record is the database's view of the CVE, with its own provider
// metadata (orgId below), English and Japanese descriptions, affected products with version
// ranges and CPEs, CWE problem types, CVSS metrics and tagged references.
import type { Advisory } from '../service.js';
import {
  advisoryUrl, isoSeconds, jvnUrl, NotExportable, packageOf, rangeKind, truncate, versionScheme,
  type Affected, type ExportOptions,
} from './common.js';

/** Stable UUID (v4 form) identifying this database as the provider of the records. */
export const PROVIDER_ORG_ID = '6d616d6f-7269-4a76-8e64-62a0c0ffee01';
export const PROVIDER_SHORT_NAME = 'mamori-jvndb';

const REF_TAGS: Record<string, string[]> = {
  vendor: ['vendor-advisory'], patch: ['patch'], exploit: ['exploit'], mitigation: ['mitigation'],
  advisory: ['third-party-advisory'], report: ['technical-description'], other: [],
};

const SEV = (s: string) => s.toUpperCase();

type CveVersion = { version: string; status: 'affected' | 'unaffected' | 'unknown'; versionType?: string; lessThan?: string; lessThanOrEqual?: string };

function versionsOf(a: Affected): CveVersion[] {
  const pkg = packageOf(a.purl);
  const kind = rangeKind(a);
  if (kind === 'exact') return [{ version: a.versionStart!, status: 'affected' }];
  if (kind === 'text') return [{ version: truncate(a.versionText!, 1024), status: 'affected' }];
  if (kind === 'none') return [];
  const versionType = versionScheme(a, pkg);
  const out: CveVersion[] = [];
  const start = a.versionStart ?? '0';
  // CVE ranges start inclusive; an excluded start is listed first as unaffected (entries are matched in order).
  if (a.versionStart && a.versionStartIncluding === false) out.push({ version: a.versionStart, status: 'unaffected' });
  if (a.versionEnd) out.push(a.versionEndIncluding
    ? { version: start, status: 'affected', versionType, lessThanOrEqual: a.versionEnd }
    : { version: start, status: 'affected', versionType, lessThan: a.versionEnd });
  else out.push({ version: start, status: 'affected', versionType, lessThan: '*' });
  return out;
}

function affectedOf(a: Advisory) {
  const products = new Map<string, { vendor: string; product: string; collectionURL?: string; packageName?: string; cpes: string[]; versions: CveVersion[] }>();
  for (const row of a.affected) {
    const pkg = packageOf(row.purl);
    const key = `${row.vendor}\u0000${row.product}\u0000${pkg?.purl ?? ''}`;
    let p = products.get(key);
    if (!p) {
      p = { vendor: truncate(row.vendor, 512), product: truncate(row.product, 2048), cpes: [], versions: [] };
      if (pkg?.cveCollection) { p.collectionURL = pkg.cveCollection; p.packageName = pkg.name; }
      products.set(key, p);
    }
    if (row.cpe && !p.cpes.includes(row.cpe)) p.cpes.push(row.cpe);
    for (const v of versionsOf(row)) if (!p.versions.some((x) => JSON.stringify(x) === JSON.stringify(v))) p.versions.push(v);
  }
  const list = [...products.values()].map((p) => ({
    vendor: p.vendor, product: p.product,
    ...(p.collectionURL ? { collectionURL: p.collectionURL, packageName: p.packageName } : {}),
    ...(p.cpes.length ? { cpes: p.cpes } : {}),
    ...(p.versions.length ? { versions: p.versions } : {}),
    defaultStatus: 'unknown' as const,
  }));
  return list.length ? list : [{ vendor: 'n/a', product: 'n/a', defaultStatus: 'unknown' as const }];
}

function descriptionsOf(a: Advisory) {
  const en = [a.overview.en, a.impact.en].filter(Boolean).join('\n\n') || a.title.en;
  const ja = [a.overview.ja, a.impact.ja].filter(Boolean).join('\n\n') || a.title.ja;
  const out: Array<{ lang: string; value: string }> = [];
  // The schema requires an English description; a Japanese-only advisory says so in English.
  out.push({ lang: 'en', value: truncate(en || `${a.jvndbId}: no English description is available; see the Japanese description (lang "ja").`, 4096) });
  if (ja) out.push({ lang: 'ja', value: truncate(ja, 4096) });
  return out;
}

function metricsOf(a: Advisory) {
  return a.cvss.map((c) => {
    switch (c.version) {
      case '4.0': return { format: 'CVSS', scenarios: [{ lang: 'en', value: 'GENERAL' }], cvssV4_0: { version: '4.0', vectorString: c.vector, baseScore: c.baseScore, baseSeverity: SEV(c.severity) } };
      case '3.1': return { format: 'CVSS', scenarios: [{ lang: 'en', value: 'GENERAL' }], cvssV3_1: { version: '3.1', vectorString: c.vector, baseScore: c.baseScore, baseSeverity: SEV(c.severity) } };
      case '3.0': return { format: 'CVSS', scenarios: [{ lang: 'en', value: 'GENERAL' }], cvssV3_0: { version: '3.0', vectorString: c.vector, baseScore: c.baseScore, baseSeverity: SEV(c.severity) } };
      default: return { format: 'CVSS', scenarios: [{ lang: 'en', value: 'GENERAL' }], cvssV2_0: { version: '2.0', vectorString: c.vector, baseScore: c.baseScore } };
    }
  });
}

function referencesOf(a: Advisory, o: ExportOptions) {
  const refs: Array<{ url: string; name?: string; tags?: string[] }> = [{ url: advisoryUrl(o, a), name: a.jvndbId!, tags: ['vdb-entry'] }];
  for (const j of a.jvnIds) { const url = jvnUrl(j); if (url) refs.push({ url, name: j, tags: ['third-party-advisory'] }); }
  for (const r of a.references) {
    const tags = REF_TAGS[r.type] ?? [];
    refs.push({ url: r.url, ...(r.title ? { name: truncate(r.title, 512) } : {}), ...(tags.length ? { tags } : {}) });
  }
  const seen = new Set<string>();
  return refs.filter((r) => (seen.has(r.url) ? false : (seen.add(r.url), true))).slice(0, 512);
}

function problemTypesOf(a: Advisory) {
  return a.cweIds.map((id) => (/^CWE-[1-9]\d*$/.test(id)
    ? { descriptions: [{ lang: 'en', cweId: id, description: id, type: 'CWE' }] }
    : { descriptions: [{ lang: 'en', description: id === 'NVD-CWE-noinfo' ? 'Insufficient information' : 'Other', type: 'text' }] }));
}

/** The CVE records of an advisory, one per CVE ID (in the advisory's order). */
export function toCve5(a: Advisory, o: ExportOptions): object[] {
  if (!a.cveIds.length) throw new NotExportable('CVE JSON 5', { ja: 'CVE ID が付与されていません。', en: 'it has no CVE ID.' });
  const solutions = [a.solution.en && { lang: 'en', value: truncate(a.solution.en, 4096) }, a.solution.ja && { lang: 'ja', value: truncate(a.solution.ja, 4096) }].filter(Boolean);
  const title = a.title.en || a.title.ja;
  const datePublic = isoSeconds(a.publicDate);
  const updated = isoSeconds(a.modifiedAt ?? a.firstPublishedAt ?? a.updatedAt)!;
  const problemTypes = problemTypesOf(a);
  const metrics = metricsOf(a);
  return a.cveIds.map((cveId) => ({
    dataType: 'CVE_RECORD',
    dataVersion: '5.1',
    cveMetadata: {
      cveId, assignerOrgId: PROVIDER_ORG_ID, assignerShortName: PROVIDER_SHORT_NAME, state: 'PUBLISHED',
      ...(a.firstPublishedAt ? { datePublished: isoSeconds(a.firstPublishedAt) } : {}),
      dateUpdated: updated,
    },
    containers: {
      cna: {
        providerMetadata: { orgId: PROVIDER_ORG_ID, shortName: PROVIDER_SHORT_NAME, dateUpdated: updated },
        ...(title ? { title: truncate(title, 256) } : {}),
        ...(datePublic ? { datePublic } : {}),
        descriptions: descriptionsOf(a),
        affected: affectedOf(a),
        ...(problemTypes.length ? { problemTypes } : {}),
        ...(metrics.length ? { metrics } : {}),
        ...(solutions.length ? { solutions } : {}),
        references: referencesOf(a, o),
        ...(a.kev && a.kevAdded ? { timeline: [{ time: `${a.kevAdded}T00:00:00Z`, lang: 'en', value: 'Added to the CISA Known Exploited Vulnerabilities catalog' }] } : {}),
        'x_jvndb': { id: a.jvndbId, revision: a.revision, jvnIds: a.jvnIds, kev: a.kev, kevAdded: a.kevAdded },
      },
    },
  }));
}
