// CSAF 2.0 security advisories (profile csaf_security_advisory), one document per advisory; checked
// in the tests with @secvisogram/csaf-validator-lib (schema test and all mandatory tests).
//
// - document.tracking: id = JVNDB ID, status final, version = the advisory's revision number, and a
//   revision_history with every revision of the advisory (1 … revision, gap-free as the service
//   writes them), initial_release_date = 登録日, current_release_date = 最終更新日.
// - product_tree: vendor → product_name → product_version (exact version) or product_version_range
//   (a vers string such as `vers:npm/>=2.0.0|<2.3.2`, or the desk's free-text versions), with the CPE
//   and purl as product_identification_helper. The first version outside an "excluding" upper bound is
//   added as a product_version in `fixed`.
// - vulnerabilities: one per CVE ID (one without `cve` when the advisory has none), CWE (the first
//   one the CWE catalogue knows, with its catalogue name), notes, CVSS v3.x and v2 scores (CSAF 2.0 has
//   no CVSS v4 field: the v4 vector is given in a note), known_affected / fixed, remediations, references.
import type { Advisory, Revision } from '../service.js';
import {
  advisoryUrl, isoSeconds, jvnUrl, NotExportable, packageOf, pick, rangeKind, versOf, type Affected, type ExportOptions,
} from './common.js';

export type CweNames = Map<string, string>;
let cweCache: Promise<CweNames> | null = null;

/** CWE id → name, from the CWE catalogue bundled with csaf-validator-lib (mandatory test 6.1.11 compares names). */
export function loadCweNames(): Promise<CweNames> {
  if (!cweCache) {
    const spec = '@secvisogram/csaf-validator-lib/cwe.js';
    cweCache = (import(spec) as Promise<{ weaknesses: Array<{ id: string; name: string }> }>)
      .then((m) => new Map(m.weaknesses.map((w) => [w.id, w.name])))
      .catch(() => new Map());
  }
  return cweCache;
}

const KIND: Record<string, { ja: string; en: string }> = {
  created: { ja: '作成', en: 'Created' }, submitted: { ja: '査読依頼', en: 'Submitted for review' }, published: { ja: '公開', en: 'Published' },
  updated: { ja: '更新', en: 'Updated' }, imported: { ja: '外部データから取り込み', en: 'Imported from external data' },
  kev_flagged: { ja: 'CISA KEV カタログへの掲載を反映', en: 'Added to the CISA KEV catalog' },
};
const REF_LABEL: Record<string, { ja: string; en: string }> = {
  advisory: { ja: 'アドバイザリ', en: 'Advisory' }, patch: { ja: 'パッチ', en: 'Patch' }, vendor: { ja: 'ベンダ情報', en: 'Vendor information' },
  exploit: { ja: '攻撃コード', en: 'Exploit' }, mitigation: { ja: '回避策', en: 'Mitigation' }, report: { ja: '報告', en: 'Report' }, other: { ja: '関連情報', en: 'Related information' },
};

interface Leaf { category: 'product_version' | 'product_version_range' | null; name: string; id: string; fullName: string; cpe: string | null; purl: string | null }

function productTree(a: Advisory) {
  const vendors = new Map<string, Map<string, Leaf[]>>();
  const affectedIds: string[] = []; const fixedIds: string[] = [];
  let n = 0;
  const leafFor = (vendor: string, product: string, category: Leaf['category'], name: string, cpe: string | null, purl: string | null): Leaf => {
    let products = vendors.get(vendor);
    if (!products) vendors.set(vendor, (products = new Map()));
    let leaves = products.get(product);
    if (!leaves) products.set(product, (leaves = []));
    const found = leaves.find((l) => l.category === category && l.name === name);
    if (found) return found;
    const leaf: Leaf = { category, name, id: `CSAFPID-${String(++n).padStart(4, '0')}`, fullName: [vendor, product, name].filter(Boolean).join(' '), cpe, purl };
    leaves.push(leaf);
    return leaf;
  };
  const fixedLater: Array<[Affected, string]> = [];
  for (const row of a.affected) {
    const pkg = packageOf(row.purl);
    const kind = rangeKind(row);
    const purl = row.purl && pkg ? row.purl : null;
    const leaf = kind === 'exact' ? leafFor(row.vendor, row.product, 'product_version', row.versionStart!, row.cpe, purl)
      : kind === 'range' ? leafFor(row.vendor, row.product, 'product_version_range', versOf(row, pkg?.type ?? 'generic'), row.cpe, purl)
      : kind === 'text' ? leafFor(row.vendor, row.product, 'product_version_range', row.versionText!, row.cpe, purl)
      : leafFor(row.vendor, row.product, null, '', row.cpe, purl);
    if (!affectedIds.includes(leaf.id)) affectedIds.push(leaf.id);
    if (kind === 'range' && row.versionEnd && !row.versionEndIncluding) fixedLater.push([row, row.versionEnd]);
  }
  for (const [row, version] of fixedLater) {
    const exists = vendors.get(row.vendor)?.get(row.product)?.find((l) => l.category === 'product_version' && l.name === version);
    if (exists) continue; // listed as affected by another row: no contradicting status
    const leaf = leafFor(row.vendor, row.product, 'product_version', version, cpeWithVersion(row.cpe, version), purlWithVersion(row.purl, version));
    fixedIds.push(leaf.id);
  }
  const productOf = (l: Leaf) => ({
    name: l.fullName, product_id: l.id,
    ...(l.cpe || l.purl ? { product_identification_helper: { ...(l.cpe ? { cpe: l.cpe } : {}), ...(l.purl ? { purl: l.purl } : {}) } } : {}),
  });
  const branches = [...vendors].map(([vendor, products]) => ({
    category: 'vendor', name: vendor,
    branches: [...products].map(([product, leaves]) => {
      const bare = leaves.find((l) => l.category === null);
      const versioned = leaves.filter((l) => l.category !== null);
      // A product without version information is the product_name branch itself; with versions, a leaf per version.
      if (bare && !versioned.length) return { category: 'product_name', name: product, product: productOf(bare) };
      const children = versioned.map((l) => ({ category: l.category!, name: l.name, product: productOf(l) }));
      if (bare) children.push({ category: 'product_version_range', name: 'vers:all/*', product: productOf({ ...bare, fullName: `${vendor} ${product}` }) });
      return { category: 'product_name', name: product, branches: children };
    }),
  }));
  return { branches, affectedIds, fixedIds };
}

/** The CPE of a fixed version: the row's CPE with its version component set (only when it was a wildcard). */
function cpeWithVersion(cpe: string | null, version: string): string | null {
  if (!cpe) return null;
  const parts = cpe.split(/(?<!\\):/);
  if (parts.length !== 13 || parts[5] !== '*' || !/^[A-Za-z0-9._-]+$/.test(version)) return null;
  parts[5] = version;
  return parts.join(':');
}
function purlWithVersion(purl: string | null, version: string): string | null {
  const pkg = packageOf(purl);
  if (!pkg) return null;
  const at = pkg.purl.indexOf('?');
  const v = `@${encodeURIComponent(version)}`;
  return at < 0 ? `${pkg.purl}${v}` : `${pkg.purl.slice(0, at)}${v}${pkg.purl.slice(at)}`;
}

/** Objects with their keys sorted (CSAF recommends it, optional test 6.2.13); arrays keep their order. */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  }
  return v;
}

function revisionHistory(a: Advisory, revisions: Revision[], lang: 'ja' | 'en') {
  const ok = revisions.length === a.revision && revisions.every((r, i) => r.revision === i + 1);
  if (!ok) {
    // History rows missing (e.g. bulk-loaded data): one entry for the current version.
    return { version: '1', history: [{ number: '1', date: isoSeconds(a.firstPublishedAt ?? a.updatedAt)!, summary: lang === 'ja' ? '初版' : 'Initial release' }] };
  }
  return {
    version: String(a.revision),
    history: revisions.map((r) => {
      const k = KIND[r.kind] ?? { ja: r.kind, en: r.kind };
      return { number: String(r.revision), date: new Date(r.at).toISOString(), summary: r.note ? `${k[lang]}: ${r.note}` : k[lang] };
    }),
  };
}

/** A CSAF 2.0 document for a published advisory, in `lang` (default: Japanese when it has Japanese text). */
export function toCsaf(a: Advisory, revisions: Revision[], o: ExportOptions & { lang?: 'ja' | 'en'; cwe: CweNames }): object {
  if (!a.affected.length) throw new NotExportable('CSAF', { ja: '影響を受ける製品が登録されていません。', en: 'it lists no affected product.' });
  const lang = o.lang ?? (a.title.ja || a.overview.ja ? 'ja' : 'en');
  const L = (t: { ja: string; en: string }) => t[lang];
  const tree = productTree(a);
  const { version, history } = revisionHistory(a, revisions, lang);
  const title = pick(a.title, lang);
  const overview = pick(a.overview, lang);
  const impact = pick(a.impact, lang);
  const solution = pick(a.solution, lang);
  const pageUrl = advisoryUrl(o, a);

  const docNotes = [
    { category: 'summary', title: L({ ja: '概要', en: 'Overview' }), text: overview || title },
    ...(impact ? [{ category: 'details', title: L({ ja: '想定される影響', en: 'Impact' }), text: impact }] : []),
    ...(solution ? [{ category: 'general', title: L({ ja: '対策', en: 'Solution' }), text: solution }] : []),
    ...(a.kev ? [{ category: 'general', title: 'CISA KEV', text: L({ ja: `CISA の Known Exploited Vulnerabilities カタログに掲載されています（${a.kevAdded ?? ''}）。`, en: `Listed in CISA's Known Exploited Vulnerabilities catalog (${a.kevAdded ?? ''}).` }) }] : []),
  ];
  const docRefs = [
    { category: 'self', summary: L({ ja: 'この文書（CSAF）', en: 'This document (CSAF)' }), url: `${o.baseUrl}/api/v1/advisories/${a.jvndbId}/csaf` },
    { category: 'external', summary: `${a.jvndbId}`, url: pageUrl },
    ...a.jvnIds.map((j) => ({ category: 'external', summary: j, url: jvnUrl(j) })).filter((r) => r.url),
  ];

  const cwes = a.cweIds.filter((c) => o.cwe.has(c));
  const cwe = cwes[0] ? { id: cwes[0], name: o.cwe.get(cwes[0])! } : null;
  const otherCwes = a.cweIds.filter((c) => c !== cwe?.id);
  const v3 = a.cvss.find((c) => c.version === '3.1') ?? a.cvss.find((c) => c.version === '3.0');
  const v2 = a.cvss.find((c) => c.version === '2.0');
  const v4 = a.cvss.find((c) => c.version === '4.0');
  const score = v3 || v2 ? [{
    products: tree.affectedIds,
    ...(v3 ? { cvss_v3: { version: v3.version, vectorString: v3.vector, baseScore: v3.baseScore, baseSeverity: v3.severity.toUpperCase() } } : {}),
    ...(v2 ? { cvss_v2: { version: '2.0', vectorString: v2.vector, baseScore: v2.baseScore } } : {}),
  }] : [];
  const vulnNotes = [
    { category: 'description', title: L({ ja: '概要', en: 'Description' }), text: overview || title },
    ...(v4 ? [{ category: 'other', title: 'CVSS v4.0', text: `${v4.vector} (${v4.baseScore} ${v4.severity.toUpperCase()})` }] : []),
    ...(otherCwes.length ? [{ category: 'other', title: 'CWE', text: otherCwes.join(', ') }] : []),
  ];
  const vulnRefs = a.references.map((r) => ({ category: 'external', summary: r.title || L(REF_LABEL[r.type] ?? REF_LABEL.other), url: r.url }));
  const remediations = solution ? [{ category: 'vendor_fix', details: solution, product_ids: tree.affectedIds }] : [];
  const ids = [{ system_name: 'JVNDB', text: a.jvndbId! }, ...a.jvnIds.map((j) => ({ system_name: 'JVN', text: j }))];
  const base = {
    title,
    ids,
    ...(cwe ? { cwe } : {}),
    notes: vulnNotes,
    product_status: { known_affected: tree.affectedIds, ...(tree.fixedIds.length ? { fixed: tree.fixedIds } : {}) },
    ...(score.length ? { scores: score } : {}),
    ...(remediations.length ? { remediations } : {}),
    ...(vulnRefs.length ? { references: vulnRefs } : {}),
    ...(a.publicDate ? { release_date: new Date(a.publicDate).toISOString() } : {}),
  };
  const vulnerabilities = a.cveIds.length ? a.cveIds.map((cve) => ({ cve, ...base })) : [base];

  return sortKeys({
    document: {
      category: 'csaf_security_advisory',
      csaf_version: '2.0',
      lang,
      title,
      publisher: {
        category: 'coordinator',
        name: L({ ja: 'Mamori 脆弱性対策情報データベース', en: 'Mamori vulnerability countermeasure database' }),
        namespace: o.baseUrl,
      },
      distribution: { tlp: { label: 'WHITE', url: 'https://www.first.org/tlp/' } },
      ...(a.severity ? { aggregate_severity: { text: a.severity.toUpperCase() } } : {}),
      notes: docNotes,
      references: docRefs,
      tracking: {
        id: a.jvndbId!,
        status: 'final',
        version,
        revision_history: history,
        initial_release_date: new Date(a.firstPublishedAt ?? a.updatedAt).toISOString(),
        // Not older than the last revision (optional test 6.2.6): 最終更新日, or the latest revision if later.
        current_release_date: new Date(Math.max(new Date(a.modifiedAt ?? a.firstPublishedAt ?? a.updatedAt).getTime(), ...history.map((h) => new Date(h.date).getTime()))).toISOString(),
        generator: { engine: { name: 'Mamori advisories export' } },
      },
    },
    product_tree: { branches: tree.branches },
    vulnerabilities,
  }) as object;
}
