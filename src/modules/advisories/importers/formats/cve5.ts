// CVE JSON 5.x (CVE Record Format 5.0/5.1): `{dataType: 'CVE_RECORD', dataVersion, cveMetadata, containers: {cna, adp}}`.
// Mapped from the CNA container; ADP containers (e.g. CISA's) only fill CVSS versions and CWEs the CNA
// left out. REJECTED records are skipped (counted, never imported; an advisory imported earlier stays).
import type { AffectedInput } from '../../service.js';
import { CVE_RE, RecordError, arr, asObj, cpeNames, httpUrl, instant, normCwe, obj, optStr, refType, reqStr, titleFrom, titleFromJa, toCpe23, type MappedRecord } from '../common.js';

const METRIC_KEYS: Array<[string, string]> = [['cvssV4_0', '4.0'], ['cvssV3_1', '3.1'], ['cvssV3_0', '3.0'], ['cvssV2_0', '2.0']];

/** Package registries whose collectionURL + packageName give a purl. */
const PURL_TYPES: Array<[RegExp, string]> = [
  [/registry\.npmjs\.org|npmjs\.com/, 'npm'], [/pypi\.org|pypi\.python\.org/, 'pypi'], [/rubygems\.org/, 'gem'],
  [/crates\.io/, 'cargo'], [/pkg\.go\.dev|proxy\.golang\.org/, 'golang'], [/packagist\.org/, 'composer'], [/nuget\.org/, 'nuget'],
  [/repo\.maven\.apache\.org|repo1\.maven\.org|search\.maven\.org/, 'maven'],
];

function purlOf(collectionURL: string | null, packageName: string | null): string | null {
  if (!collectionURL || !packageName) return null;
  const t = PURL_TYPES.find(([re]) => re.test(collectionURL))?.[1];
  if (!t) return null;
  const name = t === 'maven' ? packageName.replace(':', '/') : packageName;
  return `pkg:${t}/${name.split('/').map(encodeURIComponent).join('/')}`;
}

function metricVectors(containers: Array<Record<string, unknown>>): string[] {
  const out = new Map<string, string>();
  for (const c of containers) for (const m of arr(c.metrics)) {
    const mo = asObj(m);
    for (const [k, ver] of METRIC_KEYS) {
      const vs = optStr(asObj(mo[k]).vectorString);
      if (vs && !out.has(ver)) out.set(ver, ver === '2.0' ? vs.replace(/^\((.*)\)$/, '$1') : vs);
    }
  }
  return METRIC_KEYS.map(([, v]) => out.get(v)).filter((v): v is string => !!v);
}

function cwesOf(c: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const pt of arr(c.problemTypes)) for (const d of arr(asObj(pt).descriptions)) {
    const o = asObj(d);
    const cwe = normCwe(optStr(o.cweId)) ?? normCwe(/^(CWE-\d{1,5})\b/.exec(optStr(o.description) ?? '')?.[1] ?? null);
    if (cwe && !out.includes(cwe)) out.push(cwe);
  }
  return out;
}

/** Affected rows of one product from CVE 5 `versions` entries (status affected: exact version, or a range with lessThan / lessThanOrEqual). */
export function versionRows(row: AffectedInput, versions: Array<Record<string, unknown>>, defaultAffected: boolean, path: string): AffectedInput[] {
  const out: AffectedInput[] = [];
  const open = (s: string | null) => !s || s === '*' || s === '0' || s === 'n/a' || s === 'unspecified';
  versions.forEach((v, j) => {
    const status = optStr(v.status);
    if (!status) throw new RecordError(`${path}/versions[${j}]/status`, '"status" is required');
    if (status !== 'affected') return;
    const version = optStr(v.version);
    const lt = optStr(v.lessThan); const lte = optStr(v.lessThanOrEqual);
    if (lt || lte) {
      const end = lt ?? lte!;
      out.push({ ...row, versionStart: open(version) ? null : version, versionStartIncluding: open(version) ? null : true,
        versionEnd: end === '*' ? null : end, versionEndIncluding: end === '*' ? null : !lt });
    } else if (version && !open(version)) {
      out.push({ ...row, versionText: version, versionStart: version, versionStartIncluding: true, versionEnd: version, versionEndIncluding: true });
    } else {
      out.push({ ...row, versionText: version });
    }
  });
  if (!out.length && (defaultAffected || versions.length === 0)) out.push({ ...row });
  return out;
}

export function mapCve5(raw: unknown, path: string): MappedRecord {
  const rec = obj(raw, path);
  const meta = obj(rec.cveMetadata, `${path}/cveMetadata`);
  const cve = reqStr(meta, 'cveId', `${path}/cveMetadata`);
  if (!CVE_RE.test(cve)) throw new RecordError(`${path}/cveMetadata/cveId`, `not a CVE ID: ${cve}`);
  const dv = optStr(rec.dataVersion);
  if (dv && !/^5\.\d+(\.\d+)?$/.test(dv)) throw new RecordError(`${path}/dataVersion`, `unsupported CVE record format version ${dv} (5.x expected)`);
  const state = optStr(meta.state) ?? 'PUBLISHED';
  const updated = instant(optStr(meta.dateUpdated) ?? optStr(meta.datePublished), `${path}/cveMetadata/dateUpdated`);
  const base: MappedRecord = { source: 'cve5', cve, jvndbId: null, version: updated?.toISOString() ?? null, kevAdded: null, note: `CVE ${updated?.toISOString() ?? ''}`.trim(), input: {} };
  if (state === 'REJECTED') return { ...base, skip: 'REJECTED' };
  if (state !== 'PUBLISHED') throw new RecordError(`${path}/cveMetadata/state`, `unknown record state ${state}`);
  const containers = asObj(rec.containers);
  const cna = obj(containers.cna, `${path}/containers/cna`);
  const adp = arr(containers.adp).map(asObj);
  const published = instant(optStr(meta.datePublished) ?? optStr(asObj(cna).datePublic), `${path}/cveMetadata/datePublished`);
  const descs = arr(cna.descriptions).map(asObj);
  const desc = (lang: string) => optStr(descs.find((d) => optStr(d.lang)?.toLowerCase().startsWith(lang))?.value) ?? '';
  const en = desc('en'); const ja = desc('ja');
  const cnaTitle = optStr(cna.title);

  const affected: AffectedInput[] = [];
  arr(cna.affected).forEach((a, i) => {
    const o = asObj(a);
    const cpes = arr(o.cpes).map((c) => toCpe23(optStr(c))).filter((c): c is string => !!c);
    const cpe = cpes.find((c) => cpeNames(c).version === null) ?? cpes[0] ?? null;
    const fromCpe = cpe ? cpeNames(cpe) : null;
    const na = (s: string | null) => (!s || /^n\/?a$/i.test(s) ? null : s);
    const vendor = na(optStr(o.vendor)) ?? fromCpe?.vendor ?? na(optStr(o.collectionURL)) ?? null;
    const product = na(optStr(o.product)) ?? na(optStr(o.packageName)) ?? fromCpe?.product ?? null;
    if (!vendor && !product) return; // "n/a" entries with nothing to name
    const purl = purlOf(optStr(o.collectionURL), optStr(o.packageName));
    const row = { vendor: vendor ?? product!, product: product ?? vendor!, cpe, purl };
    affected.push(...versionRows(row, arr(o.versions).map(asObj), optStr(o.defaultStatus) === 'affected', `${path}/containers/cna/affected[${i}]`));
  });

  const references = arr(cna.references).map(asObj).map((r) => ({
    url: httpUrl(r.url) ?? '', type: refType(arr(r.tags).filter((t): t is string => typeof t === 'string').map((t) => t.replace(/^x_refsource_/i, ''))), title: optStr(r.name),
  })).filter((r) => r.url);
  const cwes = cwesOf(cna);
  if (!cwes.length) for (const a of adp) for (const c of cwesOf(a)) if (!cwes.includes(c)) cwes.push(c);
  return {
    ...base,
    input: {
      title: { en: cnaTitle ? `${cve}: ${cnaTitle}` : titleFrom(cve, en), ja: titleFromJa(ja) },
      overview: { en, ja },
      solution: { en: arr(cna.solutions).map((s) => optStr(asObj(s).value)).filter(Boolean).join('\n') },
      cveIds: [cve], cweIds: cwes, cvss: metricVectors([cna, ...adp]), affected, references,
      publicDate: published?.toISOString() ?? null,
    },
  };
}

/** The records of a CVE 5 document: one record, an array, `{cveRecords: […]}` or `{vulnerabilities: […]}` (items either records or `{cve: record}`). */
export function cve5Records(doc: unknown): Array<{ raw: unknown; path: string }> {
  if (Array.isArray(doc)) return doc.map((raw, i) => ({ raw, path: `[${i}]` }));
  const o = asObj(doc);
  if (o.cveMetadata) return [{ raw: doc, path: '' }];
  for (const k of ['cveRecords', 'vulnerabilities']) {
    if (Array.isArray(o[k])) return (o[k] as unknown[]).map((raw, i) => {
      const inner = asObj(raw);
      return inner.cveMetadata || !inner.cve ? { raw, path: `${k}[${i}]` } : { raw: inner.cve, path: `${k}[${i}]/cve` };
    });
  }
  return [];
}
