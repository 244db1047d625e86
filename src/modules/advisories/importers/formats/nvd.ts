// NVD CVE API 2.0: one item of a page's `vulnerabilities` array, `{cve: {id, published, lastModified,
// descriptions, metrics, weaknesses, configurations, references, cisaExploitAdd…}}`.
import type { AffectedInput } from '../../service.js';
import { CVE_RE, RecordError, cpeNames, instant, obj, optStr, refType, reqStr, titleFrom, titleFromJa, type MappedRecord } from '../common.js';

interface NvdMetric { cvssData?: { vectorString?: string }; type?: string }

export function mapNvd(raw: unknown, path: string): MappedRecord {
  const item = obj(raw, path);
  const p = `${path}/cve`;
  const c = obj(item.cve, p);
  const cve = reqStr(c, 'id', p);
  if (!CVE_RE.test(cve)) throw new RecordError(`${p}/id`, `not a CVE ID: ${cve}`);
  const lastModified = instant(reqStr(c, 'lastModified', p), `${p}/lastModified`)!;
  const published = instant(reqStr(c, 'published', p), `${p}/published`)!;
  const descs = Array.isArray(c.descriptions) ? (c.descriptions as Array<{ lang?: string; value?: unknown }>) : [];
  const en = optStr(descs.find((d) => d?.lang === 'en')?.value) ?? '';
  const ja = optStr(descs.find((d) => d?.lang === 'ja')?.value) ?? '';
  const metrics = (c.metrics && typeof c.metrics === 'object' ? c.metrics : {}) as Record<string, NvdMetric[] | undefined>;
  const vectors: string[] = [];
  for (const k of ['cvssMetricV40', 'cvssMetricV31', 'cvssMetricV30', 'cvssMetricV2']) {
    const list = Array.isArray(metrics[k]) ? metrics[k]! : [];
    const m = list.find((x) => x?.type === 'Primary') ?? list[0];
    const vs = optStr(m?.cvssData?.vectorString);
    if (vs) vectors.push(vs);
  }
  const cwes = new Set<string>();
  for (const w of (Array.isArray(c.weaknesses) ? c.weaknesses : []) as Array<{ description?: Array<{ value?: string }> }>) {
    for (const d of Array.isArray(w?.description) ? w.description : []) if (typeof d?.value === 'string') cwes.add(d.value);
  }
  const affected: AffectedInput[] = [];
  const configs = (Array.isArray(c.configurations) ? c.configurations : []) as Array<{ nodes?: Array<{ cpeMatch?: Array<Record<string, unknown>> }> }>;
  for (const cfg of configs) for (const n of Array.isArray(cfg?.nodes) ? cfg.nodes : []) for (const m of Array.isArray(n?.cpeMatch) ? n.cpeMatch : []) {
    if (!m || m.vulnerable === false || typeof m.criteria !== 'string') continue;
    const names = cpeNames(m.criteria);
    const exact = names.version;
    const start = optStr(m.versionStartIncluding) ?? optStr(m.versionStartExcluding) ?? exact;
    const end = optStr(m.versionEndIncluding) ?? optStr(m.versionEndExcluding) ?? exact;
    affected.push({
      vendor: names.vendor, product: names.product, cpe: m.criteria,
      versionStart: start, versionStartIncluding: start ? !m.versionStartExcluding : null,
      versionEnd: end, versionEndIncluding: end ? !m.versionEndExcluding : null,
    });
  }
  const refs = ((Array.isArray(c.references) ? c.references : []) as Array<{ url?: string; tags?: string[] }>).map((r) => ({
    url: typeof r?.url === 'string' ? r.url : '', type: refType(Array.isArray(r?.tags) ? r.tags.filter((t): t is string => typeof t === 'string') : []),
  }));
  const kev = optStr(c.cisaExploitAdd);
  return {
    source: 'nvd', cve, jvndbId: null, version: lastModified.toISOString(), kevAdded: kev, note: `NVD ${lastModified.toISOString()}`,
    input: {
      title: { en: titleFrom(cve, en), ja: titleFromJa(ja) }, overview: { en, ja },
      solution: { en: optStr(c.cisaRequiredAction) ?? '' },
      cveIds: [cve], cweIds: [...cwes], cvss: vectors, affected, references: refs, publicDate: published.toISOString(),
    },
  };
}
