// MyJVN HND feed: VULDEF 3.2 XML (getVulnDetailInfo / dataFeed detail): one `Vulinfo` per advisory,
// keyed by its JVNDB id, with the source's three dates and history.
import type { AffectedInput } from '../../service.js';
import {
  CVE_RE, JVNDB_RE, JVN_ID_RE, RecordError, arr, asObj, cpeNames, decodeEntities, httpUrl, instant, normCwe, plainText, toCpe23, type MappedRecord,
} from '../common.js';
import { MalformedDocument, elementLines, parseXmlSafely } from '../xml.js';

export const HND_ARRAYS = new Set(['Vulinfo', 'AffectedItem', 'Cpe', 'VersionNumber', 'Cvss', 'ImpactItem', 'SolutionItem', 'RelatedItem', 'HistoryItem', 'Description']);

/** Text content of a parsed element (a string, or `#text` when it has attributes). */
const text = (v: unknown): string => {
  if (Array.isArray(v)) return v.map(text).filter(Boolean).join('\n');
  if (typeof v === 'string') return decodeEntities(v).trim();
  if (typeof v === 'number') return String(v);
  const o = asObj(v);
  return typeof o['#text'] === 'string' || typeof o['#text'] === 'number' ? decodeEntities(String(o['#text'])).trim() : '';
};
const attr = (v: unknown, name: string) => { const a = asObj(v)[`@_${name}`]; return typeof a === 'string' ? a : null; };

/** The Vulinfo records of a VULDEF document, each with its line. */
export function hndRecords(xml: string): Array<{ raw: unknown; path: string; line: number; lang: 'ja' | 'en' }> {
  const doc = parseXmlSafely(xml, HND_ARRAYS);
  const root = asObj(doc['VULDEF-Document']);
  if (!doc['VULDEF-Document']) throw new MalformedDocument('VULDEF-Document ではありません（MyJVN HND の XML が必要です）。', 'Not a VULDEF-Document (MyJVN HND XML expected).');
  const lang = (attr(root, 'lang') ?? 'ja').startsWith('en') ? 'en' : 'ja';
  const lines = elementLines(xml, 'Vulinfo');
  return arr(root.Vulinfo).map((raw, i) => ({ raw, path: `Vulinfo[${i}]`, line: lines[i] ?? 1, lang }));
}

export function mapHnd(raw: unknown, path: string, lang: 'ja' | 'en' = 'ja'): MappedRecord {
  const v = asObj(raw);
  const id = text(v.VulinfoID);
  if (!JVNDB_RE.test(id)) throw new RecordError(`${path}/VulinfoID`, `not a JVNDB id: ${id || '(empty)'}`);
  const d = asObj(v.VulinfoData);
  if (!v.VulinfoData) throw new RecordError(`${path}/VulinfoData`, 'VulinfoData is required');
  const bi = (s: string) => (lang === 'ja' ? { ja: s, en: '' } : { ja: '', en: s });
  const p = `${path}/VulinfoData`;

  const affected: AffectedInput[] = [];
  arr(asObj(d.Affected).AffectedItem).forEach((item) => {
    const o = asObj(item);
    const cpes = arr(o.Cpe).map((c) => toCpe23(text(c))).filter((c): c is string => !!c);
    const names = cpes[0] ? cpeNames(cpes[0]) : null;
    const product = text(o.ProductName) || names?.product || '';
    const vendor = text(o.Name) || names?.vendor || product;
    if (!vendor && !product) return;
    const versions = arr(o.VersionNumber).map(text).filter(Boolean);
    const cpe = cpes[0] ?? null;
    if (!versions.length) affected.push({ vendor, product: product || vendor, cpe });
    for (const ver of versions) affected.push({ vendor, product: product || vendor, cpe, versionText: ver });
  });

  const impact = asObj(d.Impact);
  const cvss = arr(impact.Cvss).map((c) => text(asObj(c).Vector)).filter(Boolean);
  const cveIds: string[] = []; const jvnIds: string[] = []; const cweIds: string[] = [];
  const references: Array<{ url: string; type: string; title: string | null }> = [];
  for (const r of arr(asObj(d.Related).RelatedItem)) {
    const o = asObj(r);
    const type = attr(o, 'type') ?? 'advisory';
    const rid = text(o.VulinfoID); const name = text(o.Name);
    if (type === 'cwe') { const c = normCwe(rid); if (c && !cweIds.includes(c)) cweIds.push(c); continue; }
    if (CVE_RE.test(rid) && !cveIds.includes(rid)) cveIds.push(rid);
    if (JVN_ID_RE.test(rid) && !jvnIds.includes(rid)) jvnIds.push(rid);
    const url = httpUrl(text(o.URL));
    if (url) references.push({ url, type: type === 'vendor' ? 'vendor' : 'advisory', title: [name, rid].filter(Boolean).join(' ') || null });
  }
  const sourceHistory = arr(asObj(d.History).HistoryItem).map((h) => { const o = asObj(h); return { no: text(o.HistoryNo), at: text(o.DateTime), note: plainText(text(o.Description)) }; });
  const firstPublished = instant(text(d.DateFirstPublished) || null, `${p}/DateFirstPublished`);
  const modified = instant(text(d.DateLastUpdated) || null, `${p}/DateLastUpdated`) ?? firstPublished;
  const pub = instant(text(d.DatePublic) || null, `${p}/DatePublic`);
  if (!firstPublished) throw new RecordError(`${p}/DateFirstPublished`, 'DateFirstPublished is required');
  return {
    source: 'jvn', cve: null, jvndbId: id, version: modified?.toISOString() ?? null, kevAdded: null,
    note: `JVN iPedia ${modified?.toISOString() ?? ''}`.trim(), firstPublished, modified, sourceHistory,
    input: {
      title: bi(text(d.Title)), overview: bi(plainText(text(asObj(d.VulinfoDescription).Overview))),
      impact: bi(plainText(arr(impact.ImpactItem).map((x) => text(asObj(x).Description)).join('\n'))),
      solution: bi(plainText(arr(asObj(d.Solution).SolutionItem).map((x) => text(asObj(x).Description)).join('\n'))),
      cveIds, jvnIds, cweIds, cvss, affected, references, publicDate: (pub ?? firstPublished).toISOString(),
    },
  };
}
