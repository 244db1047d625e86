// OKA (MyJVN API ver. 4.0) responses: JSON documents in the shapes of MyJVN's JSON Schemas
// (myjvn_feed_1.0 for overview lists and alerts, myjvn_vuldef_1.0.csaf for details, jvnpid_1.0 for
// vendor and product dictionaries, myjvn_statistics_1.0), each with the common `status` object.
// Also the HND getAlertList JSON variant (getalert1.json, ft=json).
import { cpe23, cpe22, cweName, cweUrl, jst, jvnpid, jvnUrl } from './xml.js';
import { advisoryUrl, alertItems, alertUrl, CATEGORY, pick, type Status } from './hnd.js';
import type { AlertItem, Item, ProductRow, StatRow, VendorRow } from './query.js';
import type { Lang } from './params.js';

const SCHEMA = 'https://jvndb.jvn.jp/schema/';
/** CWE list version cited in CSAF cwes[] (required there; the names come from CWE_NAMES). */
const CWE_VERSION = '4.15';
const generator = (now: Date) => ({ date: jst(now), engine: { version: '4.0.0', name: 'MyJVN API' } });
const author = { name: 'IPA', uri: 'https://www.ipa.go.jp/' };
const distribution = { tlp: { label: 'CLEAR', url: 'https://www.first.org/tlp/' } };
const SEV_UP: Record<string, string> = { none: 'NONE', low: 'LOW', medium: 'MEDIUM', high: 'HIGH', critical: 'CRITICAL' };

/** OKA status object; integers where the schemas say integer, omitted when unknown. */
export function okaStatus(s: Status, feedVersion = '4.0.0') {
  const out: Record<string, string | number> = { version: feedVersion, method: s.method, feed: 'oka', lang: s.lang ?? 'ja', retCd: s.retCd };
  if (s.retMax !== '') out.retMax = s.retMax;
  out.errCd = s.errCd; out.errMsg = s.errMsg;
  if (s.totalRes !== '') out.totalRes = s.totalRes;
  if (s.totalResRet !== '') out.totalResRet = s.totalResRet;
  if (s.firstRes !== '') out.firstRes = s.firstRes;
  for (const [k, v] of Object.entries(s.echo)) if (!(k in out) && k !== 'method' && k !== 'feed') out[k] = /^(startItem|maxCountItem)$/.test(k) && /^\d{1,15}$/.test(v) ? Number(v) : v;
  return out;
}
export const okaError = (s: Status) => ({ status: okaStatus(s) });

function products(a: Item) {
  const seen = new Set<number>();
  const out: Array<Record<string, unknown>> = [];
  for (const p of a.affected) {
    if (seen.has(p.productId)) continue;
    seen.add(p.productId);
    const ids: Record<string, unknown> = { cpe: cpe23(p) };
    if (p.purl) ids.id_refs = [{ nameType: 'purl', value: p.purl }];
    out.push({ vname: p.vendor, product_id: jvnpid(p), pname: p.product, product_ids: ids });
  }
  return out;
}

function metrics(a: Item) {
  if (!a.cvss.length) return [];
  const content: Record<string, unknown> = {};
  for (const c of a.cvss) {
    const key = c.version === '2.0' ? 'cvss_v2' : c.version === '4.0' ? 'cvss_v4' : 'cvss_v3';
    if (key === 'cvss_v3' && content.cvss_v3 && c.version === '3.0') continue; // prefer 3.1 over 3.0
    content[key] = { version: c.version, vectorString: c.vector, baseScore: c.baseScore, baseSeverity: SEV_UP[c.severity] };
  }
  return [{ content }];
}

function references(a: Item) {
  const out: Array<{ url: string; summary: string; source: string }> = [];
  for (const c of a.cveIds) out.push({ url: `https://www.cve.org/CVERecord?id=${c}`, summary: c, source: 'CVE' }, { url: `https://nvd.nist.gov/vuln/detail/${c}`, summary: c, source: 'NVD' });
  for (const j of a.jvnIds) out.push({ url: jvnUrl(j), summary: j, source: 'JVN' });
  for (const r of a.references) out.push({ url: r.url, summary: r.title ?? r.url, source: r.type });
  return out;
}
const cwes = (a: Item, lang: Lang) => a.cweIds.map((w) => ({ id: w, name: `${cweName(w, lang)}(${w})`, url: cweUrl(w) }));

export function overviewFeed(items: Item[], o: { lang: Lang; base: string; status: Status; now: Date; title?: string }) {
  return {
    $schema: `${SCHEMA}myjvn_feed_1.0.json?20250419`,
    feed: {
      generator: generator(o.now), title: o.title ?? (o.lang === 'en' ? 'JVNDB Vulnerability Countermeasure Information' : 'JVNDB 脆弱性対策情報'),
      link: `${o.base}/myjvn`, updated: jst(o.now), lang: o.lang, author, distribution,
      entry: items.map((a) => {
        const e: Record<string, unknown> = {
          title: pick(o.lang, a.titleJa, a.titleEn) || a.jvndbId, id: a.jvndbId, summary: pick(o.lang, a.overviewJa, a.overviewEn), link: advisoryUrl(o.base, a.jvndbId),
          modified: jst(a.modifiedAt ?? a.firstPublishedAt), created: jst(a.firstPublishedAt),
        };
        if (a.publicDate) e.public = jst(a.publicDate);
        e.references = references(a); e.products = products(a);
        const m = metrics(a); if (m.length) e.metrics = m;
        e.cwes = cwes(a, o.lang);
        return e;
      }),
    },
    status: okaStatus(o.status),
  };
}

// ------------------------------------------------------------------ CSAF-based detail (ft=jvncsaf)

const REF_CATEGORY = (t: string) => (t === 'advisory' ? 'external' : 'external');
const V2_NAMES: Record<string, [string, Record<string, string>]> = {
  AV: ['accessVector', { N: 'NETWORK', A: 'ADJACENT_NETWORK', L: 'LOCAL' }], AC: ['accessComplexity', { H: 'HIGH', M: 'MEDIUM', L: 'LOW' }],
  Au: ['authentication', { M: 'MULTIPLE', S: 'SINGLE', N: 'NONE' }], C: ['confidentialityImpact', { N: 'NONE', P: 'PARTIAL', C: 'COMPLETE' }],
  I: ['integrityImpact', { N: 'NONE', P: 'PARTIAL', C: 'COMPLETE' }], A: ['availabilityImpact', { N: 'NONE', P: 'PARTIAL', C: 'COMPLETE' }],
};

export function csafDetail(a: Item, history: Array<{ revision: number; at: Date; kind: string; note: string }>, o: { lang: Lang; base: string; status: Status; now: Date }) {
  const pids = [...new Set(a.affected.map((p) => jvnpid(p)))];
  const byVendor = new Map<string, Array<Record<string, unknown>>>();
  const seen = new Set<string>();
  for (const p of a.affected) {
    const id = jvnpid(p);
    if (seen.has(id)) continue;
    seen.add(id);
    // CSAF's CPE 2.3 pattern has no percent-encoding: names derived from non-ASCII use the 2.2 URI form.
    const c23 = cpe23(p);
    const helper: Record<string, unknown> = { cpe: c23.includes('%') ? cpe22(p) : c23 };
    if (p.purl) helper.purls = [p.purl];
    byVendor.set(p.vendor, [...(byVendor.get(p.vendor) ?? []), { category: 'product_name', name: p.product, product: { product_id: id, name: p.product, product_identification_helper: helper } }]);
  }
  const content: Record<string, unknown> = {};
  for (const c of a.cvss) {
    if (c.version === '2.0') {
      const v2: Record<string, unknown> = { version: '2.0', vectorString: c.vector, baseScore: c.baseScore };
      for (const part of c.vector.split('/')) { const [k, v] = part.split(':'); const d = V2_NAMES[k]; if (d && d[1][v]) v2[d[0]] = d[1][v]; }
      content.cvss_v2 = v2;
    } else if (c.version === '4.0') {
      content.cvss_v4 = { version: '4.0', vectorString: c.vector, baseScore: c.baseScore, baseSeverity: SEV_UP[c.severity] };
    } else if (!content.cvss_v3 || c.version === '3.1') {
      content.cvss_v3 = { version: c.version, vectorString: c.vector, baseScore: c.baseScore, baseSeverity: SEV_UP[c.severity] };
    }
  }
  const description = pick(o.lang, a.overviewJa, a.overviewEn);
  const impact = pick(o.lang, a.impactJa, a.impactEn);
  const solution = pick(o.lang, a.solutionJa, a.solutionEn);
  const vuln = (cve?: string) => {
    const v: Record<string, unknown> = {};
    if (cve) v.cve = cve;
    // CSAF 2.1 requires the CWE list version; the dictionary here follows CWE 4.x (see CWE_VERSION).
    if (a.cweIds.length) v.cwes = a.cweIds.filter((w) => /^CWE-\d+$/.test(w)).map((w) => ({ id: w, name: cweName(w, o.lang), url: cweUrl(w), version: CWE_VERSION, source: 'IPA' }));
    if (!(v.cwes as unknown[] | undefined)?.length) delete v.cwes;
    if (pids.length) v.product_status = { known_affected: pids };
    if (impact) v.threats = [{ category: 'impact', details: impact }];
    if (solution && pids.length) v.remediations = [{ category: 'vendor_fix', details: solution, product_ids: pids }];
    if (Object.keys(content).length && pids.length) v.metrics = [{ content, products: pids }];
    return v;
  };
  const vulnerabilities = a.cveIds.length ? a.cveIds.map((c) => vuln(c)) : [vuln()];
  const refs = [
    ...a.references.map((r) => ({ category: REF_CATEGORY(r.type), summary: r.title ?? r.url, url: r.url })),
    ...a.cveIds.flatMap((c) => [{ category: 'external', summary: c, url: `https://www.cve.org/CVERecord?id=${c}` }, { category: 'external', summary: c, url: `https://nvd.nist.gov/vuln/detail/${c}` }]),
    ...a.jvnIds.map((j) => ({ category: 'external', summary: j, url: jvnUrl(j) })),
    { category: 'self', summary: a.jvndbId, url: advisoryUrl(o.base, a.jvndbId) },
  ];
  const revs = history.length ? history : [{ revision: 1, at: a.firstPublishedAt ?? o.now, kind: 'published', note: '' }];
  const doc: Record<string, unknown> = {
    category: 'myjvn_security_advisory', csaf_version: '2.1', distribution,
    title: pick(o.lang, a.titleJa, a.titleEn) || a.jvndbId, lang: o.lang,
    publisher: { category: 'coordinator', name: 'IPA', namespace: 'https://www.ipa.go.jp' },
    references: refs,
    tracking: {
      generator: generator(o.now), id: a.jvndbId,
      current_release_date: jst(a.modifiedAt ?? a.firstPublishedAt ?? o.now), initial_release_date: jst(a.firstPublishedAt ?? o.now),
      public_date: jst(a.publicDate ?? a.firstPublishedAt ?? o.now),
      status: 'final', version: String(revs.length),
      revision_history: revs.map((h, i) => ({ date: jst(h.at), number: String(i + 1), summary: h.kind === 'published' ? (o.lang === 'en' ? 'Published' : '掲載') : h.note || (o.lang === 'en' ? 'Updated' : '更新') })),
    },
  };
  if (description) doc.notes = [{ category: 'description', text: description }];
  const out: Record<string, unknown> = {
    $schema: `${SCHEMA}myjvn_vuldef_1.0.csaf.json?20250419`,
    document: doc,
  };
  if (byVendor.size) out.product_tree = { branches: [...byVendor].map(([vendor, branches]) => ({ category: 'vendor', name: vendor, branches })) };
  out.vulnerabilities = vulnerabilities;
  out.jvn_extension = { generator: generator(o.now), title: o.lang === 'en' ? 'JVNDB Vulnerability Details' : 'JVNDB 脆弱性対策詳細情報', link: `${o.base}/myjvn`, updated: jst(o.now), vulnid: a.jvndbId };
  out.status = okaStatus(o.status);
  return out;
}

// ------------------------------------------------------------------ jvnpid dictionaries

function dictionary(title: string, vendors: unknown[], o: { lang: Lang; base: string; status: Status; now: Date }) {
  return {
    $schema: `${SCHEMA}jvnpid_1.0.json?20250419`,
    'jvn-product-dictionary': { generator: generator(o.now), title, link: `${o.base}/myjvn`, updated: jst(o.now), lang: o.lang, author, distribution, vendors },
    status: okaStatus(o.status),
  };
}

export function vendorDictionary(items: VendorRow[], o: { lang: Lang; base: string; status: Status; now: Date }) {
  return dictionary(o.lang === 'en' ? 'JVNDB Vendor List' : 'JVNDB ベンダ一覧',
    items.map((v) => ({ vendor_id: jvnpid({ vendorCpe: v.vendorCpe }), vid: v.id, vname: v.name, cpe: cpe23({ vendorCpe: v.vendorCpe }) })), o);
}

export function productDictionary(items: ProductRow[], o: { lang: Lang; base: string; status: Status; now: Date }) {
  const vendors: Array<Record<string, unknown> & { products: unknown[] }> = [];
  let cur: (Record<string, unknown> & { products: unknown[] }) | null = null;
  for (const p of items) {
    if (!cur || cur.vid !== p.vendorId) {
      cur = { vendor_id: jvnpid({ vendorCpe: p.vendorCpe }), vid: p.vendorId, vname: p.vendor, cpe: cpe23({ vendorCpe: p.vendorCpe }), products: [] };
      vendors.push(cur);
    }
    const n = { vendorCpe: p.vendorCpe, productCpe: p.productCpe };
    cur.products.push({ product_id: jvnpid(n), pid: p.id, pname: p.name, product_ids: [{ cpe: cpe23(n) }] });
  }
  return dictionary(o.lang === 'en' ? 'JVNDB Product List' : 'JVNDB 製品一覧', vendors, o);
}

// ------------------------------------------------------------------ alerts

const OKA_LABEL = { alert: '注意', emergency: '緊急' } as const;

export function alertFeed(alerts: AlertItem[], o: { lang: Lang; base: string; status: Status; now: Date }) {
  return {
    $schema: `${SCHEMA}myjvn_feed_1.0.json?20250419`,
    feed: {
      generator: generator(o.now), title: o.lang === 'en' ? 'IPA Security Alert Service API' : 'IPA注意警戒サービスAPI', link: `${o.base}/myjvn`,
      updated: jst(o.now), lang: o.lang, author, distribution,
      entry: alerts.map((a) => {
        const e: Record<string, unknown> = {
          title: pick(o.lang, a.titleJa, a.titleEn) || a.alertId, id: a.alertId, summary: pick(o.lang, a.summaryJa, a.summaryEn), link: alertUrl(o.base, a),
          category: { term: CATEGORY[a.kind].term, label: OKA_LABEL[a.kind] },
          modified: jst(a.modifiedAt ?? a.firstPublishedAt), created: jst(a.firstPublishedAt),
        };
        if (a.publicDate) e.public = jst(a.publicDate);
        e.items = alertItems(a, o.lang, o.base).map((it) => {
          const item: Record<string, unknown> = { title: it.title, id: it.id, link: it.link, modified: jst(it.updated ?? it.published), created: jst(it.published), author: 'IPA' };
          const prod = a.products.find((p) => p.names && cpe22(p.names) === it.cpe22);
          item.products = prod?.names ? [{ vname: prod.vendor ?? '', product_id: jvnpid(prod.names), pname: prod.product ?? '', product_ids: { cpe: cpe23(prod.names) } }] : [];
          return item;
        });
        return e;
      }),
    },
    status: okaStatus(o.status),
  };
}

/** HND getAlertList with ft=json (getalert1.json): Atom-like JSON with a "status:Status" member. */
export function alertJsonHnd(alerts: AlertItem[], o: { lang: Lang; base: string; status: Status; now: Date }) {
  const s = o.status;
  const status: Record<string, string | number> = {
    version: '3.3', method: 'getAlertList', retCd: s.retCd, retMax: String(s.retMax), errCd: s.errCd, errMsg: s.errMsg,
    totalRes: String(s.totalRes), totalResRet: String(s.totalResRet), firstRes: String(s.firstRes), feed: 'hnd', ft: 'json',
  };
  if (s.echo.cpeName) status.cpeName = s.echo.cpeName;
  return {
    $schema: `${SCHEMA}getalert1.json`,
    feed: {
      title: o.lang === 'en' ? 'IPA Security Alert Service API' : 'IPA注意警戒サービスAPI', id: `${o.base}/myjvn#getAlertList`, author, updated: jst(o.now), link: `${o.base}/advisories`,
      'sec:handling': { 'marking:Marking': { 'marking:Marking_Structure': { 'xsi:type': 'tlpMarking:TLPMarkingStructureType', marking_model_name: 'TLP', marking_model_ref: 'http://www.us-cert.gov/tlp/', color: 'WHITE' } } },
      entry: alerts.map((a) => ({
        title: pick(o.lang, a.titleJa, a.titleEn) || a.alertId, id: a.alertId, summary: pick(o.lang, a.summaryJa, a.summaryEn), link: alertUrl(o.base, a),
        category: { term: CATEGORY[a.kind].term, label: CATEGORY[a.kind].label }, updated: jst(a.modifiedAt ?? a.firstPublishedAt), published: jst(a.firstPublishedAt),
        'sec:items': alertItems(a, o.lang, o.base).map((it) => ({
          'sec:item': {
            'sec:title': it.title, 'sec:identifier': it.id, 'sec:link': it.link, 'sec:published': jst(it.published), 'sec:updated': jst(it.updated ?? it.published),
            'sec:author': { value: 'IPA' }, 'sec:cpe': it.cpe22 ? [{ value: it.cpe22 }] : [],
          },
        })),
      })),
      'status:Status': status,
    },
  };
}

// ------------------------------------------------------------------ statistics

export function statisticsDoc(rows: StatRow[], years: number[], totals: { vulinfo: number; vendor: number; product: number },
  filter: Record<string, string>, o: { lang: Lang; base: string; status: Status; now: Date }) {
  const months = () => Object.fromEntries(Array.from({ length: 12 }, (_, i) => [String(i + 1), 0])) as Record<string, number>;
  const data = years.map((year) => {
    const d = {
      year, total_vulninfo: 0, total_severity_critical: 0, total_severity_high: 0, total_severity_medium: 0, total_severity_low: 0, total_severity_none: 0,
      vulninfo: months(), severity_critical: months(), severity_high: months(), severity_medium: months(), severity_low: months(), severity_none: months(),
    };
    for (const r of rows) {
      if (!r.key.startsWith(`${year}-`)) continue;
      const m = String(Number(r.key.slice(5, 7)));
      d.vulninfo[m] = r.all; d.severity_critical[m] = r.critical; d.severity_high[m] = r.high; d.severity_medium[m] = r.medium; d.severity_low[m] = r.low; d.severity_none[m] = r.none;
      d.total_vulninfo += r.all; d.total_severity_critical += r.critical; d.total_severity_high += r.high; d.total_severity_medium += r.medium;
      d.total_severity_low += r.low; d.total_severity_none += r.none;
    }
    return d;
  });
  return {
    $schema: `${SCHEMA}myjvn_statistics_1.0.json?20250419`,
    generator: generator(o.now), title: o.lang === 'en' ? 'JVNDB Vulnerability Statistics' : 'JVNDB 脆弱性対策統計データ', link: `${o.base}/myjvn`,
    updated: jst(o.now), lang: o.lang, author, distribution,
    dataTotal: { vulninfo: totals.vulinfo, vendor: totals.vendor, product: totals.product },
    dataFilter: filter, data,
    status: okaStatus(o.status),
  };
}
