// Shared pieces of the importers: the mapped-record shape every format produces, the per-record
// error with its path (and line, for XML), and small helpers for reading untrusted JSON/XML values.
import type { AdvisoryInput } from '../service.js';

export type ImportFormat = 'nvd' | 'kev' | 'cve5' | 'hnd' | 'oka';
export const FORMATS: ImportFormat[] = ['nvd', 'kev', 'cve5', 'hnd', 'oka'];
export const FORMAT_LABEL: Record<ImportFormat, { ja: string; en: string }> = {
  nvd: { ja: 'NVD CVE API 2.0（JSON）', en: 'NVD CVE API 2.0 (JSON)' },
  kev: { ja: 'CISA KEV カタログ（JSON）', en: 'CISA KEV catalogue (JSON)' },
  cve5: { ja: 'CVE JSON 5.x レコード', en: 'CVE JSON 5.x records' },
  hnd: { ja: 'MyJVN HND（VULDEF 3.2 XML）', en: 'MyJVN HND (VULDEF 3.2 XML)' },
  oka: { ja: 'MyJVN OKA（JSON）', en: 'MyJVN OKA (JSON)' },
};

/** One record of a source document, before mapping. */
export interface RawRecord { index: number; path: string; line?: number; raw: unknown; /** Document language (HND's xml:lang). */ lang?: 'ja' | 'en' }

/** The advisory a source record describes, in the service's input shape plus provenance. */
export interface MappedRecord {
  source: 'nvd' | 'kev' | 'cve5' | 'jvn';
  /** CVE-keyed sources (NVD, KEV, CVE 5) match existing advisories by CVE; JVN by JVNDB id. */
  cve: string | null;
  jvndbId: string | null;
  /** The source's own version (last-modified instant, KEV dateAdded), normalised to an ISO string when it is an instant. */
  version: string | null;
  kevAdded: string | null;
  input: AdvisoryInput;
  /** JVN records keep the source's 登録日 and 最終更新日. */
  firstPublished?: Date | null;
  modified?: Date | null;
  /** The source's own revision history (JVN), kept in the revision snapshot. */
  sourceHistory?: Array<{ no: string; at: string; note: string }>;
  note: string;
  /** A record deliberately not imported (a REJECTED CVE record): counted as skipped. */
  skip?: string;
}

export class RecordError extends Error {
  readonly ja: string;
  constructor(readonly path: string, message: string, ja?: string) { super(message); this.ja = ja ?? `レコードの内容が正しくありません: ${message}`; }
}

export const CVE_RE = /^CVE-\d{4}-\d{4,}$/;
export const JVNDB_RE = /^JVNDB-(\d{4})-(\d{6})$/;
export const JVN_ID_RE = /^JVN(VU)?#\d{6,8}$/;

export function obj(v: unknown, path: string): Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new RecordError(path, 'expected an object');
  return v as Record<string, unknown>;
}
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
export const asObj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
/** Removes characters PostgreSQL text refuses (NUL) and lone surrogates. */
export const clean = (s: string) => s.replace(/\u0000/g, '').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
export function optStr(v: unknown): string | null {
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v.trim() ? clean(v.trim()) : null;
}
export function reqStr(o: Record<string, unknown>, k: string, path: string): string {
  const v = optStr(o[k]);
  if (!v) throw new RecordError(`${path}/${k}`, `"${k}" must be a non-empty string`);
  return v;
}
export const isoDay = (v: string, path: string) => { if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new RecordError(path, `not a date: ${v}`); return v; };

/** An instant from a source: ISO with or without zone (NVD writes UTC without 'Z'). */
export function instant(v: string | null, path: string): Date | null {
  if (!v) return null;
  const s = /^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(v) ? `${v}Z` : v;
  const d = new Date(s);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(d.getTime())) throw new RecordError(path, `not a date-time: ${v}`);
  return d;
}

const firstSentence = (s: string) => { const m = s.match(/^(.{20,200}?[.。])(\s|$)/); return m ? m[1] : s.length > 200 ? s.slice(0, 200) + '…' : s; };
export function titleFrom(id: string, text: string): string { return text ? `${id}: ${firstSentence(text)}` : id; }
export const titleFromJa = (text: string) => (text ? firstSentence(text) : '');

/** HTML fragments some sources embed in text (JVN overviews use <ul><li>): kept as plain text lines. */
export function plainText(s: string): string {
  const noTags = s.replace(/<\s*li[^>]*>/gi, '\n・').replace(/<\s*(br|\/p|\/ul|\/ol)[^>]*>/gi, '\n').replace(/<[^>]*>/g, '');
  return decodeEntities(noTags).replace(/\\n/g, '\n').replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** The five predefined XML entities and numeric character references; nothing else is expanded. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|amp|lt|gt|quot|apos);/g, (m, e: string) => {
    if (e === 'amp') return '&'; if (e === 'lt') return '<'; if (e === 'gt') return '>'; if (e === 'quot') return '"'; if (e === 'apos') return "'";
    const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : m;
  });
}

/** A CWE as the validator accepts it (JVN writes CWE-noinfo / CWE-Other for NVD's names). */
export function normCwe(v: string | null): string | null {
  if (!v) return null;
  const s = v.trim();
  if (/^CWE-\d{1,5}$/.test(s)) return s;
  if (/^(NVD-)?CWE-noinfo$/i.test(s)) return 'NVD-CWE-noinfo';
  if (/^(NVD-)?CWE-Other$/i.test(s)) return 'NVD-CWE-Other';
  return null;
}

const CPE23_SPECIAL = /[!"#$%&'()+,/:;<=>@[\]^`{|}~\\]/g;
/** A CPE 2.2 URI (`cpe:/a:vendor:product:version…`) as a CPE 2.3 formatted string; 2.3 strings pass through. */
export function toCpe23(raw: string | null): string | null {
  if (!raw) return null;
  const s = raw.trim();
  if (s.startsWith('cpe:2.3:')) return s;
  const m = /^cpe:\/([aho])((?::[^:]*){0,6})$/i.exec(s);
  if (!m) return null;
  const comps = m[2].split(':').slice(1).map((c) => {
    let v: string;
    try { v = decodeURIComponent(c); } catch { v = c; }
    if (v === '') return '*';
    if (v === '-') return '-';
    return v.replace(CPE23_SPECIAL, (ch) => '\\' + ch);
  });
  while (comps.length < 10) comps.push('*');
  return ['cpe', '2.3', m[1].toLowerCase(), ...comps.slice(0, 10)].join(':');
}

/** Vendor and product parts of a CPE 2.3 name, unescaped and with '_' read as a space, for display. */
export function cpeNames(cpe23: string): { vendor: string; product: string; version: string | null } {
  const parts = cpe23.split(/(?<!\\):/);
  const unesc = (s: string | undefined) => (s ?? '').replace(/\\(.)/g, '$1').replace(/_/g, ' ');
  const ver = parts[5];
  return { vendor: unesc(parts[3]), product: unesc(parts[4]), version: ver && ver !== '*' && ver !== '-' ? ver.replace(/\\(.)/g, '$1') : null };
}

/** A reference type of the data model from a source's tags or type names. */
export function refType(tags: string[]): string {
  const t = tags.map((x) => x.toLowerCase());
  if (t.some((x) => x === 'patch')) return 'patch';
  if (t.some((x) => x === 'exploit')) return 'exploit';
  if (t.some((x) => x === 'vendor advisory' || x === 'vendor-advisory' || x === 'vendor')) return 'vendor';
  if (t.some((x) => x === 'mitigation' || x === 'mitigations')) return 'mitigation';
  if (t.some((x) => x === 'technical-description' || x === 'technical description' || x === 'report' || x === 'issue tracking' || x === 'issue-tracking')) return 'report';
  return 'advisory';
}

/** Keeps http(s) URLs only (sources carry mailto: and bare words); the validator refuses the rest. */
export function httpUrl(v: unknown): string | null {
  const s = optStr(v);
  if (!s) return null;
  const u = decodeEntities(s);
  try { return ['http:', 'https:'].includes(new URL(u).protocol) ? u : null; } catch { return null; }
}
