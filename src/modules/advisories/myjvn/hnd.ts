// HND (MyJVN API ver. 3.x) responses, built as strings: JVNRSS 3.2 (RSS 1.0 + mod_sec) for
// getVulnOverviewList and the /advisories/feed/jvnrss.xml feed, VULDEF 3.2 for getVulnDetailInfo,
// MyJVN Results 3.3 for vendors, products and statistics, Atom + mod_sec for getAlertList, and the
// MyJVN Status 3.3 element everywhere. Element order follows the XSDs (validated in the tests).
import { attrs, cpe22, cweName, cweUrl, el, esc, jst, jvnUrl } from './xml.js';
import type { AlertItem, Item, ProductRow, StatRow, VendorRow } from './query.js';
import type { Lang, Method } from './params.js';

export interface Status {
  method: Method | string; lang?: Lang; retCd: 0 | 1; retMax: number | ''; errCd: string; errMsg: string;
  totalRes: number | ''; totalResRet: number | ''; firstRes: number | ''; echo: Record<string, string>; retMaxCnt?: number;
}

/** Request parameters the Status 3.3 schema can carry as attributes (with their XSD types). */
const ECHO_STRING = new Set(['startItem', 'maxCountItem', 'cpeName', 'keyword', 'type', 'severity', 'vector', 'rangeDatePublic', 'rangeDatePublished', 'rangeDateFirstPublished',
  'datePublicStartY', 'datePublicStartM', 'datePublicStartD', 'datePublicEndY', 'datePublicEndM', 'datePublicEndD',
  'datePublishedStartY', 'datePublishedStartM', 'datePublishedStartD', 'datePublishedEndY', 'datePublishedEndM', 'datePublishedEndD',
  'dateFirstPublishedStartY', 'dateFirstPublishedStartM', 'dateFirstPublishedStartD', 'dateFirstPublishedEndY', 'dateFirstPublishedEndM', 'dateFirstPublishedEndD',
  'vulnId', 'cweId']);
const ECHO_INT = new Set(['vendorId', 'productId', 'pid', 'datePublished', 'dateFirstPublished']);
const ECHO_ENUM: Record<string, string[]> = { theme: ['sumAll', 'sumJvnDb', 'sumCvss', 'sumCwe'], ft: ['xml', 'json'] };

export function statusXml(s: Status): string {
  const echo: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.echo)) {
    if (ECHO_STRING.has(k) || (ECHO_INT.has(k) && /^-?\d{1,18}$/.test(v)) || ECHO_ENUM[k]?.includes(v)) echo[k] = v;
  }
  return `<status:Status${attrs({
    version: '3.3', method: s.method, lang: s.lang, retCd: s.retCd, retMax: s.retMax, retMaxCnt: s.retMaxCnt, errCd: s.errCd, errMsg: s.errMsg,
    totalRes: s.totalRes, totalResRet: s.totalResRet, firstRes: s.firstRes, feed: 'hnd', ...echo,
  })}/>`;
}

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const HANDLING = '<sec:handling><marking:Marking><marking:Marking_Structure xsi:type="tlpMarking:TLPMarkingStructureType" marking_model_name="TLP" marking_model_ref="http://www.us-cert.gov/tlp/" color="WHITE"/></marking:Marking></sec:handling>';
const SEV: Record<string, string> = { none: 'None', low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };
export const pick = (lang: Lang, ja: string, en: string) => (lang === 'en' ? en || ja : ja || en);
export const advisoryUrl = (base: string, jvndbId: string) => `${base}/advisories/${jvndbId}`;

// ------------------------------------------------------------------ JVNRSS 3.2

function rssItem(a: Item, lang: Lang, base: string): string {
  const url = advisoryUrl(base, a.jvndbId);
  let x = `<item rdf:about="${esc(url)}">${el('title', pick(lang, a.titleJa, a.titleEn) || a.jvndbId)}${el('link', url)}`;
  x += el('description', pick(lang, a.overviewJa, a.overviewEn));
  x += `<dc:creator>Information-technology Promotion Agency, Japan</dc:creator>${el('sec:identifier', a.jvndbId)}`;
  for (const c of a.cveIds) {
    x += el('sec:references', `https://www.cve.org/CVERecord?id=${c}`, { source: 'CVE', id: c });
    x += el('sec:references', `https://nvd.nist.gov/vuln/detail/${c}`, { source: 'NVD', id: c });
  }
  for (const j of a.jvnIds) x += el('sec:references', jvnUrl(j), { source: 'JVN', id: j });
  for (const r of a.references) x += el('sec:references', r.url, { source: r.type, title: r.title ?? undefined });
  for (const w of a.cweIds) x += el('sec:references', cweUrl(w), { id: w, title: `${cweName(w, lang)}(${w})` });
  const seen = new Set<number>();
  for (const p of a.affected) {
    if (seen.has(p.productId)) continue;
    seen.add(p.productId);
    x += el('sec:cpe', cpe22(p), { version: '2.2', vendor: p.vendor, product: p.product });
  }
  for (const c of a.cvss) x += `<sec:cvss${attrs({ score: c.baseScore.toFixed(1), severity: SEV[c.severity], vector: c.vector, version: c.version, type: 'Base' })}/>`;
  const mod = jst(a.modifiedAt ?? a.firstPublishedAt);
  x += el('dc:date', mod) + el('dcterms:issued', jst(a.firstPublishedAt)) + el('dcterms:modified', mod);
  return x + '</item>';
}

/** JVNRSS 3.2 document; `status` is omitted for the plain feed. */
export function jvnrss(items: Item[], o: { lang: Lang; base: string; about: string; title: string; status?: Status; now: Date }): string {
  const now = jst(o.now);
  let x = `<?xml version="1.0" encoding="UTF-8"?>\n<rdf:RDF xmlns:xsi="${XSI}" xmlns="http://purl.org/rss/1.0/" xmlns:rss="http://purl.org/rss/1.0/"`
    + ' xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
    + ' xmlns:sec="http://jvn.jp/rss/mod_sec/3.0/" xmlns:marking="http://data-marking.mitre.org/Marking-1"'
    + ' xmlns:tlpMarking="http://data-marking.mitre.org/extensions/MarkingStructure#TLP-1" xmlns:status="http://jvndb.jvn.jp/myjvn/Status"'
    + ' xsi:schemaLocation="http://purl.org/rss/1.0/ https://jvndb.jvn.jp/schema/jvnrss_3.2.xsd http://jvndb.jvn.jp/myjvn/Status https://jvndb.jvn.jp/schema/status_3.3.xsd"'
    + ` xml:lang="${o.lang}">\n`;
  x += `<channel rdf:about="${esc(o.about)}">${el('title', o.title)}${el('link', o.about)}${el('description', o.title)}`;
  x += `${el('dc:date', now)}<dcterms:issued/>${el('dcterms:modified', now)}${HANDLING}<items><rdf:Seq>`;
  for (const a of items) x += `<rdf:li rdf:resource="${esc(advisoryUrl(o.base, a.jvndbId))}"/>`;
  x += '</rdf:Seq></items></channel>\n';
  for (const a of items) x += rssItem(a, o.lang, o.base) + '\n';
  if (o.status) x += statusXml(o.status) + '\n';
  return x + '</rdf:RDF>\n';
}

// ------------------------------------------------------------------ VULDEF 3.2

const REL_NAME: Record<string, string> = { advisory: 'Advisory', patch: 'Patch', vendor: 'Vendor', exploit: 'Exploit', mitigation: 'Mitigation', report: 'Report', other: 'Reference' };

function vulinfo(a: Item, lang: Lang, base: string, history: Array<{ revision: number; at: Date; kind: string; note: string }>): string {
  let x = `<Vulinfo>${el('VulinfoID', a.jvndbId)}<VulinfoData>${el('Title', pick(lang, a.titleJa, a.titleEn) || a.jvndbId, undefined, true)}`;
  x += `<VulinfoDescription>${el('Overview', pick(lang, a.overviewJa, a.overviewEn), undefined, true)}</VulinfoDescription>`;
  if (a.affected.length) {
    x += '<Affected>';
    const byProduct = new Map<number, typeof a.affected>();
    for (const p of a.affected) byProduct.set(p.productId, [...(byProduct.get(p.productId) ?? []), p]);
    for (const rows of byProduct.values()) {
      const p = rows[0];
      x += `<AffectedItem>${el('Name', p.vendor, undefined, true)}${el('ProductName', p.product)}${el('Cpe', cpe22(p), { version: '2.2' })}`;
      for (const r of rows) {
        const v = r.versionText ?? (r.versionStart || r.versionEnd
          ? [r.versionStart ? `${r.versionStart}${r.startIncluding === false ? ' より後' : ' 以上'}` : '', r.versionEnd ? `${r.versionEnd}${r.endIncluding ? ' 以下' : ' 未満'}` : ''].filter(Boolean).join(' ')
          : null);
        x += el('VersionNumber', v);
      }
      x += '</AffectedItem>';
    }
    x += '</Affected>';
  }
  const impact = pick(lang, a.impactJa, a.impactEn);
  if (a.cvss.length || impact) {
    x += '<Impact>';
    for (const c of a.cvss) x += `<Cvss version="${c.version}"><Severity type="Base">${SEV[c.severity]}</Severity>${el('Base', String(c.baseScore))}${el('Vector', c.vector)}</Cvss>`;
    // VULDEF requires an ImpactItem after the CVSS scores; MyJVN's own wording when none is written.
    x += `<ImpactItem>${el('Description', impact || (lang === 'en' ? "See the vendor's information for the possible impact." : '想定される影響については、ベンダ情報をご確認ください。'))}</ImpactItem>`;
    x += '</Impact>';
  }
  const solution = pick(lang, a.solutionJa, a.solutionEn);
  if (solution) x += `<Solution><SolutionItem>${el('Description', solution)}</SolutionItem></Solution>`;
  const rel: string[] = [];
  for (const r of a.references) rel.push(`<RelatedItem type="${r.type === 'vendor' ? 'vendor' : 'advisory'}">${el('Name', r.title ? REL_NAME[r.type] ?? r.type : REL_NAME[r.type] ?? r.type)}${el('VulinfoID', r.title ?? r.url)}${el('URL', r.url)}</RelatedItem>`);
  for (const c of a.cveIds) {
    rel.push(`<RelatedItem type="advisory"><Name>Common Vulnerabilities and Exposures (CVE)</Name>${el('VulinfoID', c)}${el('URL', `https://www.cve.org/CVERecord?id=${c}`)}</RelatedItem>`);
    rel.push(`<RelatedItem type="advisory"><Name>National Vulnerability Database (NVD)</Name>${el('VulinfoID', c)}${el('URL', `https://nvd.nist.gov/vuln/detail/${c}`)}</RelatedItem>`);
  }
  for (const j of a.jvnIds) rel.push(`<RelatedItem type="advisory"><Name>JVN</Name>${el('VulinfoID', j)}${el('URL', jvnUrl(j))}</RelatedItem>`);
  for (const w of a.cweIds) rel.push(`<RelatedItem type="cwe"><Name>JVNDB</Name>${el('VulinfoID', w)}${el('Title', cweName(w, lang))}${el('URL', cweUrl(w))}</RelatedItem>`);
  if (rel.length) x += `<Related>${rel.join('')}</Related>`;
  if (history.length) {
    x += '<History>';
    history.forEach((h, i) => {
      const label = h.kind === 'published' ? (lang === 'en' ? 'Published' : '掲載') : h.note || (lang === 'en' ? 'Updated' : '更新');
      x += `<HistoryItem>${el('HistoryNo', String(i + 1))}${el('DateTime', jst(h.at))}${el('Description', label)}</HistoryItem>`;
    });
    x += '</History>';
  }
  x += el('DateFirstPublished', jst(a.firstPublishedAt)) + el('DateLastUpdated', jst(a.modifiedAt ?? a.firstPublishedAt)) + el('DatePublic', jst(a.publicDate ?? a.firstPublishedAt));
  void base;
  return x + '</VulinfoData></Vulinfo>';
}

export function vuldef(items: Item[], history: Map<string, Array<{ revision: number; at: Date; kind: string; note: string }>>, o: { lang: Lang; base: string; status: Status }): string {
  let x = `<?xml version="1.0" encoding="UTF-8"?>\n<VULDEF-Document version="3.2" xmlns:xsi="${XSI}" xmlns="http://jvn.jp/vuldef/" xmlns:vuldef="http://jvn.jp/vuldef/"`
    + ' xmlns:status="http://jvndb.jvn.jp/myjvn/Status" xmlns:sec="http://jvn.jp/rss/mod_sec/3.0/" xmlns:marking="http://data-marking.mitre.org/Marking-1"'
    + ' xmlns:tlpMarking="http://data-marking.mitre.org/extensions/MarkingStructure#TLP-1"'
    + ' xsi:schemaLocation="http://jvn.jp/vuldef/ https://jvndb.jvn.jp/schema/vuldef_3.2.xsd http://jvn.jp/rss/mod_sec/3.0/ https://jvndb.jvn.jp/schema/mod_sec_3.0.xsd'
    + ' http://data-marking.mitre.org/extensions/MarkingStructure#TLP-1 https://jvndb.jvn.jp/schema/tlp_marking.xsd http://jvndb.jvn.jp/myjvn/Status https://jvndb.jvn.jp/schema/status_3.3.xsd"'
    + ` xml:lang="${o.lang}">\n`;
  for (const a of items) x += vulinfo(a, o.lang, o.base, history.get(a.id) ?? []) + '\n';
  x += HANDLING + '\n' + statusXml(o.status) + '\n';
  return x + '</VULDEF-Document>\n';
}

// ------------------------------------------------------------------ Results 3.3 (vendors, products, statistics, errors)

const resultOpen = (stat: boolean) => `<?xml version="1.0" encoding="UTF-8"?>\n<Result version="3.3" xmlns:xsi="${XSI}" xmlns="http://jvndb.jvn.jp/myjvn/Results" xmlns:mjres="http://jvndb.jvn.jp/myjvn/Results"`
  + (stat ? ' xmlns:mjstat="http://jvndb.jvn.jp/myjvn/Statistics"' : '') + ' xmlns:status="http://jvndb.jvn.jp/myjvn/Status"'
  + ' xsi:schemaLocation="http://jvndb.jvn.jp/myjvn/Results https://jvndb.jvn.jp/schema/results_3.3.xsd">\n';
const RESULT_OPEN = resultOpen(false);

/** A Results document with only the status (errors, empty results). */
export function resultStatusOnly(status: Status): string {
  return `${RESULT_OPEN}${statusXml(status)}\n</Result>\n`;
}

export function vendorList(items: VendorRow[], o: { lang: Lang; status: Status }): string {
  let x = `${RESULT_OPEN}<VendorInfo xml:lang="${o.lang}">\n`;
  for (const v of items) x += `<Vendor${attrs({ vname: v.name, cpe: cpe22({ vendorCpe: v.vendorCpe }), vid: v.id })}/>\n`;
  return `${x}</VendorInfo>\n${statusXml(o.status)}\n</Result>\n`;
}

export function productList(items: ProductRow[], o: { lang: Lang; status: Status }): string {
  let x = `${RESULT_OPEN}<VendorInfo xml:lang="${o.lang}">\n`;
  let open: number | null = null;
  for (const p of items) {
    if (open !== p.vendorId) {
      if (open !== null) x += '</Vendor>\n';
      x += `<Vendor${attrs({ vname: p.vendor, cpe: cpe22({ vendorCpe: p.vendorCpe }), vid: p.vendorId })}>`;
      open = p.vendorId;
    }
    x += `<Product${attrs({ pname: p.name, cpe: cpe22({ vendorCpe: p.vendorCpe, productCpe: p.productCpe }), pid: p.id })}/>`;
  }
  if (open !== null) x += '</Vendor>\n';
  return `${x}</VendorInfo>\n${statusXml(o.status)}\n</Result>\n`;
}

export interface StatBlock { theme: 'sumJvnDb' | 'sumCvss' | 'sumCwe'; cweId?: string; rows: StatRow[] }
const STAT_TITLE = { sumJvnDb: { ja: '脆弱性統計情報', en: 'Statistics Vulnerability Count' }, sumCvss: { ja: 'CVSSスコア', en: 'CVSS Score' } };

export function statistics(blocks: StatBlock[], totals: { vulinfo: number; vendor: number; product: number }, o: { status: Status }): string {
  let x = resultOpen(true);
  for (const b of blocks) {
    const title = b.theme === 'sumCwe' ? { ja: cweName(b.cweId ?? '', 'ja'), en: cweName(b.cweId ?? '', 'en') } : STAT_TITLE[b.theme];
    x += `<mjstat:${b.theme}${b.theme === 'sumCwe' ? attrs({ cweId: b.cweId }) : ''}>`;
    x += `<mjstat:title xml:lang="ja">${esc(title.ja)}</mjstat:title><mjstat:title xml:lang="en-US">${esc(title.en)}</mjstat:title>`;
    x += `<mjstat:resDataTotal${attrs({ vulinfo: totals.vulinfo, vendor: totals.vendor, product: totals.product })}/>\n`;
    for (const r of b.rows) {
      x += b.theme === 'sumCvss'
        ? `<mjstat:resData${attrs({ date: r.key, cntAll: r.all, cntC: r.critical, cntH: r.high, cntM: r.medium, cntL: r.low, cntN: r.none })}/>\n`
        : `<mjstat:resData${attrs({ date: r.key, cntAll: r.all })}/>\n`;
    }
    x += `</mjstat:${b.theme}>\n`;
  }
  return `${x}${statusXml(o.status)}\n</Result>\n`;
}

// ------------------------------------------------------------------ Atom + mod_sec (getAlertList)

export const CATEGORY = { alert: { term: 'Low', label: '注意' }, emergency: { term: 'Critical', label: '緊急' } } as const;
export const alertUrl = (base: string, a: AlertItem) => a.url ?? `${base}/advisories/alerts/${a.alertId}`;

/** The related items of an alert: its products, then the advisories it links (MYJVN-style sub-ids). */
export function alertItems(a: AlertItem, lang: Lang, base: string) {
  const out: Array<{ title: string; id: string; link: string; cpe22: string | null; vendor: string | null; product: string | null; published: Date | null; updated: Date | null }> = [];
  let n = 0;
  const sub = () => `${a.alertId}-${String(++n).padStart(4, '0')}`;
  for (const p of a.products) {
    let c: string | null = p.names ? cpe22(p.names) : null;
    if (!c && p.cpe) {
      const parts = p.cpe.split(/(?<!\\):/);
      c = p.cpe.startsWith('cpe:2.3:') ? `cpe:/${parts[2]}:${parts[3]}:${parts[4]}` : p.cpe;
    }
    out.push({ title: p.title || [p.vendor, p.product].filter(Boolean).join(' ') || a.alertId, id: sub(), link: alertUrl(base, a), cpe22: c, vendor: p.vendor ?? (c?.split(':')[2] ?? null), product: p.product, published: a.firstPublishedAt, updated: a.modifiedAt });
  }
  for (const d of a.advisories) out.push({ title: pick(lang, d.titleJa, d.titleEn) || d.jvndbId, id: d.jvndbId, link: advisoryUrl(base, d.jvndbId), cpe22: null, vendor: null, product: null, published: d.firstPublishedAt, updated: d.modifiedAt });
  return out;
}

export function alertAtom(alerts: AlertItem[], o: { lang: Lang; base: string; status: Status; now: Date }): string {
  let x = `<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns:xsi="${XSI}" xmlns="http://www.w3.org/2005/Atom" xmlns:sec="http://jvn.jp/rss/mod_sec/3.0/"`
    + ' xmlns:marking="http://data-marking.mitre.org/Marking-1" xmlns:tlpMarking="http://data-marking.mitre.org/extensions/MarkingStructure#TLP-1"'
    + ' xmlns:status="http://jvndb.jvn.jp/myjvn/Status"'
    + ' xsi:schemaLocation="http://www.w3.org/2005/Atom https://jvndb.jvn.jp/schema/atom.xsd http://jvn.jp/rss/mod_sec/3.0/ https://jvndb.jvn.jp/schema/mod_sec_3.0.xsd'
    + ' http://data-marking.mitre.org/extensions/MarkingStructure#TLP-1 https://jvndb.jvn.jp/schema/tlp_marking.xsd http://jvndb.jvn.jp/myjvn/Status https://jvndb.jvn.jp/schema/status_3.3.xsd"'
    + ` xml:lang="${o.lang}">\n`;
  x += `<title type="text">${o.lang === 'en' ? 'IPA Security Alert Service API' : 'IPA注意警戒サービスAPI'}</title>${el('updated', jst(o.now))}<id>${esc(`${o.base}/myjvn#getAlertList`)}</id>`;
  x += `<link rel="alternate" type="text/html" hreflang="${o.lang}" href="${esc(`${o.base}/advisories`)}"/><author><name>IPA</name><uri>https://www.ipa.go.jp/</uri></author>${HANDLING}\n`;
  if (!alerts.length) {
    // MyJVN answers an empty result with one entry saying so.
    x += `<entry><title>${o.lang === 'en' ? 'No matching security alerts.' : '該当する脆弱性対策情報はありません。'}</title><id>${esc(`${o.base}/myjvn#no-entry`)}</id>${el('updated', jst(o.now))}</entry>\n`;
  }
  for (const a of alerts) {
    const url = alertUrl(o.base, a);
    const cat = CATEGORY[a.kind];
    x += `<entry>${el('title', pick(o.lang, a.titleJa, a.titleEn) || a.alertId, undefined, true)}${el('id', a.alertId)}${el('summary', pick(o.lang, a.summaryJa, a.summaryEn))}`;
    x += `<link href="${esc(url)}"/>${el('published', jst(a.firstPublishedAt))}${el('updated', jst(a.modifiedAt ?? a.firstPublishedAt), undefined, true)}`;
    x += `<category${attrs({ term: cat.term, label: o.lang === 'en' ? cat.term.toUpperCase() : cat.label })}/>`;
    const items = alertItems(a, o.lang, o.base);
    if (items.length) {
      x += '<sec:items>';
      for (const it of items) {
        x += `<sec:item>${el('sec:title', it.title, undefined, true)}${el('sec:identifier', it.id)}<sec:link href="${esc(it.link)}"/>`;
        if (it.cpe22) x += el('sec:cpe', it.cpe22, { version: '2.2', vendor: it.vendor ?? '', product: it.product ?? undefined });
        x += el('sec:published', jst(it.published)) + el('sec:updated', jst(it.updated ?? it.published));
        x += '</sec:item>';
      }
      x += '</sec:items>';
    }
    x += '</entry>\n';
  }
  return `${x}${statusXml(o.status)}\n</feed>\n`;
}
