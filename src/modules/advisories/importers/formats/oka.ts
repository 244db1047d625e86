// MyJVN OKA feed (JSON): getVulnDetailInfo in the CSAF-based `myjvn_vuldef_1.0.csaf` shape
// (document / product_tree / vulnerabilities / jvn_extension), alone or embedded in the jvnstix
// STIX bundle (`objects[type=jvn-jp-sdo]['VULDEF-Document'][]`).
import type { AffectedInput } from '../../service.js';
import { parseCvss } from '../../../../shared/cvss.js';
import {
  CVE_RE, JVNDB_RE, JVN_ID_RE, RecordError, arr, asObj, cpeNames, decodeEntities, httpUrl, instant, normCwe, obj, optStr, plainText, toCpe23, type MappedRecord,
} from '../common.js';
import { versionRows } from './cve5.js';

/** The advisory documents of an OKA response. */
export function okaRecords(doc: unknown): Array<{ raw: unknown; path: string }> {
  const o = asObj(doc);
  if (o.document && o.vulnerabilities) return [{ raw: doc, path: '' }];
  if (o.type === 'bundle' && Array.isArray(o.objects)) {
    const out: Array<{ raw: unknown; path: string }> = [];
    (o.objects as unknown[]).forEach((x, i) => {
      arr(asObj(x)['VULDEF-Document']).forEach((raw, j) => out.push({ raw, path: `objects[${i}]/VULDEF-Document[${j}]` }));
    });
    return out;
  }
  if (Array.isArray(doc)) return doc.map((raw, i) => ({ raw, path: `[${i}]` }));
  return [];
}

interface Product { id: string; vendor: string; product: string; cpe: string | null; purl: string | null; versions: string[] }

function walk(branches: unknown, vendor: string, out: Map<string, Product>, parent: Product | null) {
  for (const b of arr(branches)) {
    const o = asObj(b);
    const cat = optStr(o.category); const name = decodeEntities(optStr(o.name) ?? '');
    const prod = asObj(o.product);
    if (cat === 'vendor') { walk(o.branches, name, out, null); continue; }
    if (cat === 'product_version' && parent) { parent.versions.push(name); walk(o.branches, vendor, out, parent); continue; }
    let here = parent;
    if (o.product) {
      const helper = asObj(prod.product_identification_helper);
      const cpe = toCpe23(optStr(helper.cpe));
      const names = cpe ? cpeNames(cpe) : null;
      here = { id: optStr(prod.product_id) ?? name, vendor: vendor || names?.vendor || name, product: name || names?.product || '', cpe, purl: optStr(arr(helper.purls)[0]) ?? optStr(helper.purl), versions: [] };
      out.set(here.id, here);
    }
    walk(o.branches, vendor, out, here);
  }
}

const VERSION_KEY: Record<string, string> = { cvss_v2: '2.0', cvss_v3: '3', cvss_v4: '4.0' };

export function mapOka(raw: unknown, path: string): MappedRecord {
  const root = obj(raw, path || '/');
  const docPath = `${path}/document`;
  const document = obj(root.document, docPath);
  const tracking = obj(document.tracking, `${docPath}/tracking`);
  const id = optStr(tracking.id) ?? '';
  if (!JVNDB_RE.test(id)) throw new RecordError(`${docPath}/tracking/id`, `not a JVNDB id: ${id || '(empty)'}`);
  const lang = (optStr(document.lang) ?? 'ja').startsWith('en') ? 'en' : 'ja';
  const bi = (s: string) => (lang === 'ja' ? { ja: s, en: '' } : { ja: '', en: s });
  const notes = arr(document.notes).map(asObj);
  const overview = notes.filter((n) => ['description', 'summary'].includes(optStr(n.category) ?? '')).map((n) => optStr(n.text) ?? '').join('\n');

  const products = new Map<string, Product>();
  walk(asObj(root.product_tree).branches, '', products, null);
  const ext = asObj(root.jvn_extension);
  const affected: AffectedInput[] = [];
  const extAffected = arr(ext.affected).map(asObj);
  for (const p of products.values()) {
    const row = { vendor: p.vendor || p.product, product: p.product || p.vendor, cpe: p.cpe, purl: p.purl && /^pkg:[a-z][a-z0-9.+-]*\/\S+$/.test(p.purl) ? p.purl : null };
    if (!row.vendor) continue;
    const e = extAffected.find((a) => optStr(a.product) === p.product);
    const fromExt = e ? versionRows(row, arr(e.versions).map(asObj), false, `${path}/jvn_extension/affected`) : [];
    if (fromExt.length) affected.push(...fromExt);
    else if (p.versions.length) for (const v of p.versions) affected.push({ ...row, versionText: v });
    else affected.push(row);
  }

  const cveIds: string[] = []; const cweIds: string[] = []; const impacts: string[] = []; const solutions: string[] = [];
  const best = new Map<string, { vector: string; score: number }>();
  const broken: string[] = [];
  arr(root.vulnerabilities).forEach((v) => {
    const o = asObj(v);
    const cve = optStr(o.cve);
    if (cve && CVE_RE.test(cve) && !cveIds.includes(cve)) cveIds.push(cve);
    for (const c of arr(o.cwes)) { const w = normCwe(optStr(asObj(c).id)); if (w && !cweIds.includes(w)) cweIds.push(w); }
    for (const t of arr(o.threats)) { const x = asObj(t); const s = optStr(x.details); if (s && optStr(x.category) === 'impact' && !impacts.includes(s)) impacts.push(s); }
    for (const r of arr(o.remediations)) { const s = optStr(asObj(r).details); if (s && !solutions.includes(s)) solutions.push(s); }
    for (const m of arr(o.metrics)) {
      const content = asObj(asObj(m).content);
      for (const k of Object.keys(VERSION_KEY)) {
        const vs = optStr(asObj(content[k]).vectorString);
        if (!vs) continue;
        try {
          const r = parseCvss(vs);
          const cur = best.get(r.version);
          if (!cur || r.baseScore > cur.score) best.set(r.version, { vector: r.vector, score: r.baseScore });
        } catch { broken.push(vs); }
      }
    }
  });
  const jvnIds: string[] = [];
  const references = arr(document.references).map(asObj).flatMap((r) => {
    const summary = decodeEntities(optStr(r.summary) ?? '');
    if (JVN_ID_RE.test(summary) && !jvnIds.includes(summary)) jvnIds.push(summary);
    const url = httpUrl(r.url);
    return url ? [{ url, type: optStr(r.type) === 'vendor' ? 'vendor' : 'advisory', title: [decodeEntities(optStr(r.source) ?? ''), summary].filter(Boolean).join(' ') || null }] : [];
  });
  const tp = `${docPath}/tracking`;
  const firstPublished = instant(optStr(tracking.initial_release_date), `${tp}/initial_release_date`);
  if (!firstPublished) throw new RecordError(`${tp}/initial_release_date`, 'initial_release_date is required');
  const modified = instant(optStr(tracking.current_release_date), `${tp}/current_release_date`) ?? firstPublished;
  const pub = instant(optStr(tracking.public_date), `${tp}/public_date`);
  const sourceHistory = arr(tracking.revision_history).map(asObj).map((h) => ({ no: optStr(h.number) ?? '', at: optStr(h.date) ?? '', note: plainText(optStr(h.summary) ?? '') }));
  return {
    source: 'jvn', cve: null, jvndbId: id, version: modified.toISOString(), kevAdded: null, note: `JVN iPedia ${modified.toISOString()}`,
    firstPublished, modified, sourceHistory,
    input: {
      title: bi(decodeEntities(optStr(document.title) ?? '')), overview: bi(plainText(overview)),
      impact: bi(plainText(impacts.join('\n'))), solution: bi(plainText(solutions.join('\n'))),
      cveIds, jvnIds, cweIds, cvss: [...broken, ...[...best.values()].map((b) => b.vector)], affected, references,
      publicDate: (pub ?? firstPublished).toISOString(),
    },
  };
}
