// The editor form ↔ AdvisoryInput. The form has fixed names (`title.ja`, `affected[2].cpe`,
// `references[0].url`, …) so that the service's error paths point at the inputs. Rows left empty are
// dropped before the input is built and the rows are renumbered, so `affected[0]` in an error is the
// first non-empty row — the page is re-rendered from the compacted rows, keeping the indexes aligned.
import type { FormData } from '../../../platform/http/forms.js';
import { isoDate } from '../../../platform/i18n/dates.js';
import type { Advisory, AdvisoryInput } from '../service.js';

export const BI_FIELDS = ['title', 'overview', 'impact', 'solution'] as const;
export const AFFECTED_KEYS = ['vendor', 'product', 'cpe', 'purl', 'versionText', 'versionStart', 'versionStartIncluding', 'versionEnd', 'versionEndIncluding'] as const;
export const REFERENCE_KEYS = ['url', 'type', 'title'] as const;
export type AffectedRow = Record<(typeof AFFECTED_KEYS)[number], string>;
export type ReferenceRow = Record<(typeof REFERENCE_KEYS)[number], string>;

export interface EditorValues {
  text: Record<`${(typeof BI_FIELDS)[number]}.${'ja' | 'en'}`, string>;
  cveIds: string; jvnIds: string; cweIds: string; cvss: string; publicDate: string; note: string;
  affected: AffectedRow[]; references: ReferenceRow[];
}

/** Empty rows shown below the filled ones; "add rows" adds this many more. */
export const EMPTY_ROWS = 3;
/** Upper bound on rows read from a form (the platform also caps the number of fields). */
const MAX_ROWS = 200;
const MAX_FIELD = 25_000;

const emptyAffected = (): AffectedRow => ({ vendor: '', product: '', cpe: '', purl: '', versionText: '', versionStart: '', versionStartIncluding: 'including', versionEnd: '', versionEndIncluding: 'excluding' });
const emptyReference = (): ReferenceRow => ({ url: '', type: 'advisory', title: '' });
export const emptyRows = { affected: emptyAffected, references: emptyReference };

export function emptyValues(): EditorValues {
  return {
    text: { 'title.ja': '', 'title.en': '', 'overview.ja': '', 'overview.en': '', 'impact.ja': '', 'impact.en': '', 'solution.ja': '', 'solution.en': '' },
    cveIds: '', jvnIds: '', cweIds: '', cvss: '', publicDate: '', note: '', affected: [], references: [],
  };
}

function get(form: FormData, name: string): string {
  const v = form.fields[name];
  return (Array.isArray(v) ? v[0] ?? '' : v ?? '').slice(0, MAX_FIELD);
}

function rowsOf<K extends string>(form: FormData, prefix: string, keys: readonly K[], blank: () => Record<K, string>, meaningful: readonly K[]): Array<Record<K, string>> {
  const indexes = new Set<number>();
  const re = new RegExp(`^${prefix}\\[(\\d{1,4})\\]\\.`);
  for (const k of Object.keys(form.fields)) { const m = re.exec(k); if (m && Number(m[1]) < MAX_ROWS) indexes.add(Number(m[1])); }
  const out: Array<Record<K, string>> = [];
  for (const i of [...indexes].sort((a, b) => a - b)) {
    const row = blank();
    for (const k of keys) { const name = `${prefix}[${i}].${k}`; if (name in form.fields) row[k] = get(form, name).trim(); }
    if (meaningful.some((k) => row[k] !== '')) out.push(row);
  }
  return out;
}

export function valuesFromForm(form: FormData): EditorValues {
  const v = emptyValues();
  for (const f of BI_FIELDS) for (const l of ['ja', 'en'] as const) v.text[`${f}.${l}`] = get(form, `${f}.${l}`);
  v.cveIds = get(form, 'cveIds'); v.jvnIds = get(form, 'jvnIds'); v.cweIds = get(form, 'cweIds'); v.cvss = get(form, 'cvss');
  v.publicDate = get(form, 'publicDate').trim(); v.note = get(form, 'note').trim().slice(0, 500);
  v.affected = rowsOf(form, 'affected', AFFECTED_KEYS, emptyAffected, ['vendor', 'product', 'cpe', 'purl', 'versionText', 'versionStart', 'versionEnd']);
  v.references = rowsOf(form, 'references', REFERENCE_KEYS, emptyReference, ['url', 'title']);
  return v;
}

const list = (text: string) => text.split(/[\s,、，]+/).map((x) => x.trim()).filter(Boolean);
/** CVSS vectors: one per line (a vector has no spaces, so blank-separated also works). */
const lines = (text: string) => text.split(/\s+/).map((x) => x.trim()).filter(Boolean);

export function inputFromValues(v: EditorValues): AdvisoryInput {
  const bi = (f: (typeof BI_FIELDS)[number]) => ({ ja: v.text[`${f}.ja`], en: v.text[`${f}.en`] });
  return {
    title: bi('title'), overview: bi('overview'), impact: bi('impact'), solution: bi('solution'),
    cveIds: list(v.cveIds).map((x) => x.toUpperCase()), jvnIds: list(v.jvnIds).map((x) => x.toUpperCase()), cweIds: list(v.cweIds).map((x) => (/^cwe-/i.test(x) ? x.toUpperCase() : x)),
    cvss: lines(v.cvss),
    affected: v.affected.map((a) => ({
      vendor: a.vendor, product: a.product, cpe: a.cpe || null, purl: a.purl || null, versionText: a.versionText || null,
      versionStart: a.versionStart || null, versionStartIncluding: a.versionStart ? a.versionStartIncluding !== 'excluding' : null,
      versionEnd: a.versionEnd || null, versionEndIncluding: a.versionEnd ? a.versionEndIncluding === 'including' : null,
    })),
    references: v.references.map((r) => ({ url: r.url, type: r.type || 'other', title: r.title || null })),
    publicDate: v.publicDate || null,
  };
}

export function valuesFromAdvisory(a: Advisory): EditorValues {
  const v = emptyValues();
  for (const f of BI_FIELDS) for (const l of ['ja', 'en'] as const) v.text[`${f}.${l}`] = a[f][l];
  v.cveIds = a.cveIds.join('\n'); v.jvnIds = a.jvnIds.join('\n'); v.cweIds = a.cweIds.join('\n');
  v.cvss = a.cvss.map((c) => c.vector).join('\n');
  v.publicDate = a.publicDate ? isoDate(new Date(a.publicDate)) : '';
  v.affected = a.affected.map((x) => ({
    vendor: x.vendor, product: x.product, cpe: x.cpe ?? '', purl: x.purl ?? '', versionText: x.versionText ?? '',
    versionStart: x.versionStart ?? '', versionStartIncluding: x.versionStartIncluding === false ? 'excluding' : 'including',
    versionEnd: x.versionEnd ?? '', versionEndIncluding: x.versionEndIncluding ? 'including' : 'excluding',
  }));
  v.references = a.references.map((r) => ({ url: r.url, type: r.type, title: r.title ?? '' }));
  return v;
}
