// Inventory parsers for the version checker: CycloneDX JSON and XML (1.4–1.6, nested components),
// SPDX JSON 2.2/2.3 (packages with purl/CPE external references) and a plain list (one CPE or purl
// per line, optionally followed by a version). Every input is bounded (MAX_BODY_BYTES,
// MAX_COMPONENTS); XML with a DOCTYPE or ENTITY declaration is refused before parsing and entities
// are never expanded. Bad documents raise InventoryError (→ 413/422 in the platform's error shape);
// a bad CPE or purl only marks its component.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { FieldError } from '../../../platform/http/errors.js';
import type { Text } from '../../../platform/i18n/i18n.js';
import { cpeKey, cpeVersion, parseCpe, parsePurl, purlKey } from './identifiers.js';
import { schemeFor, type Scheme } from './versions.js';

/** Largest request body (and uploaded file) the checker reads. */
export const MAX_BODY_BYTES = 20 * 1024 * 1024;
/** Most components one check may contain. */
export const MAX_COMPONENTS = 20_000;
/** Deepest nesting of CycloneDX components followed. */
export const MAX_DEPTH = 32;

export type InventoryFormat = 'cyclonedx-json' | 'cyclonedx-xml' | 'spdx-json' | 'list';
export const FORMATS: InventoryFormat[] = ['cyclonedx-json', 'cyclonedx-xml', 'spdx-json', 'list'];

export class InventoryError extends Error {
  constructor(readonly status: 413 | 422, readonly code: string, readonly text: Text, readonly details: FieldError[] = []) { super(text.en); }
}
const tooMany = (n: number | string) => new InventoryError(413, 'too_many_components', {
  ja: `構成要素が多すぎます（${n} 件、上限 ${MAX_COMPONENTS.toLocaleString('ja-JP')} 件）。分割して送信してください。`,
  en: `Too many components (${n}; at most ${MAX_COMPONENTS.toLocaleString('en')}). Split the inventory.`,
});
const invalid = (ja: string, en: string, code = 'invalid_inventory') => new InventoryError(422, code, { ja, en });

/** A component as given, before matching. */
export interface RawComponent { name?: string | null; group?: string | null; version?: string | null; purl?: string | null; cpe?: string | null; ref?: string | null }

/** A component ready for matching: identifiers parsed, keys and rule chosen, problems listed. */
export interface Component {
  index: number; ref: string | null; name: string | null; group: string | null; version: string | null;
  purl: string | null; cpe: string | null; scheme: Scheme;
  purlKey: string | null; cpeKey: string | null;
  errors: FieldError[];
}

const s = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 1000) : typeof v === 'number' ? String(v) : null);

/** Parses identifiers, picks the version and the comparison rule. Never throws. */
export function normalise(raw: RawComponent, index: number): Component {
  const errors: FieldError[] = [];
  const field = (f: string) => `components[${index}].${f}`;
  let purl: string | null = null; let pk: string | null = null; let type: string | null = null; let purlVersion: string | null = null;
  const rawPurl = s(raw.purl);
  if (rawPurl) {
    const p = parsePurl(rawPurl);
    if (p.ok) { purl = p.value.purl; pk = purlKey(purl); type = p.value.type; purlVersion = p.value.version; }
    else errors.push({ field: field('purl'), message: { ja: `purl が正しくありません（${p.reason}）: ${rawPurl}`, en: `Invalid package URL (${p.reason}): ${rawPurl}` } });
  }
  let cpe: string | null = null; let ck: string | null = null; let cpeVer: string | null = null;
  const rawCpe = s(raw.cpe);
  if (rawCpe) {
    const c = parseCpe(rawCpe);
    if (c.ok) { cpe = c.value.cpe23; ck = cpeKey(c.value); cpeVer = cpeVersion(c.value); if (!ck) errors.push({ field: field('cpe'), message: { ja: `CPE のベンダ名・製品名が指定されていません: ${rawCpe}`, en: `The CPE names no vendor and product: ${rawCpe}` } }); }
    else errors.push({ field: field('cpe'), message: { ja: `CPE 名が正しくありません（${c.reason}）: ${rawCpe}`, en: `Invalid CPE name (${c.reason}): ${rawCpe}` } });
  }
  if (!rawPurl && !rawCpe) errors.push({ field: field('purl'), message: { ja: 'purl または CPE 名がないため照合できません。', en: 'No package URL or CPE name to match on.' } });
  return {
    index, ref: s(raw.ref), name: s(raw.name), group: s(raw.group), version: s(raw.version) ?? purlVersion ?? cpeVer,
    purl, cpe, scheme: schemeFor(type), purlKey: pk, cpeKey: ck, errors,
  };
}

// ------------------------------------------------------------------ detection

export function formatFromContentType(ct: string | undefined): InventoryFormat | null {
  const t = (ct ?? '').split(';')[0].trim().toLowerCase();
  if (t === 'application/vnd.cyclonedx+json') return 'cyclonedx-json';
  if (t === 'application/vnd.cyclonedx+xml' || t === 'application/xml' || t === 'text/xml') return 'cyclonedx-xml';
  if (t === 'application/spdx+json') return 'spdx-json';
  if (t === 'text/plain') return 'list';
  return null;
}

/** Guesses the format of a document given as text (an uploaded file or a textarea). */
export function sniff(text: string): InventoryFormat {
  const head = text.replace(/^\uFEFF/, '').trimStart().slice(0, 4096);
  if (head.startsWith('<')) return 'cyclonedx-xml';
  if (head.startsWith('{')) return /"spdxVersion"/.test(head) || (!/"bomFormat"/.test(head) && /"SPDXID"/.test(text.slice(0, 65536))) ? 'spdx-json' : 'cyclonedx-json';
  return 'list';
}

/** Parses a document of the given format (or sniffed) into raw components. */
export function parseInventory(input: string | object, format?: InventoryFormat | null): { format: InventoryFormat; components: RawComponent[] } {
  if (typeof input === 'string' && Buffer.byteLength(input) > MAX_BODY_BYTES) {
    throw new InventoryError(413, 'too_large', { ja: `インベントリが大きすぎます（上限 ${MAX_BODY_BYTES / 1024 / 1024} MiB）。`, en: `The inventory is too large (at most ${MAX_BODY_BYTES / 1024 / 1024} MiB).` });
  }
  const fmt = format ?? (typeof input === 'string' ? sniff(input) : 'spdxVersion' in input ? 'spdx-json' : 'cyclonedx-json');
  if (fmt === 'list') {
    if (typeof input !== 'string') throw invalid('リスト形式はテキストで送信してください。', 'A plain list must be sent as text.');
    return { format: fmt, components: parseList(input) };
  }
  if (fmt === 'cyclonedx-xml') {
    if (typeof input !== 'string') throw invalid('CycloneDX XML はテキストで送信してください。', 'CycloneDX XML must be sent as text.');
    return { format: fmt, components: parseCycloneDxXml(input) };
  }
  const doc = typeof input === 'string' ? parseJson(input) : input;
  return { format: fmt, components: fmt === 'spdx-json' ? parseSpdx(doc) : parseCycloneDxJson(doc) };
}

function parseJson(text: string): unknown {
  try { return JSON.parse(text.replace(/^\uFEFF/, '')); } catch (e) {
    const msg = e instanceof RangeError ? 'nesting too deep' : (e as Error).message;
    throw invalid(`JSON の形式が正しくありません（${msg}）。`, `The JSON document is malformed (${msg}).`, 'invalid_json');
  }
}

// ------------------------------------------------------------------ plain list

/** One component per line: a CPE (2.3 or 2.2 URI) or a purl, optionally whitespace and a version; `#` starts a comment. */
export function parseList(text: string): RawComponent[] {
  const out: RawComponent[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    if (out.length >= MAX_COMPONENTS) throw tooMany(`${MAX_COMPONENTS.toLocaleString('en')}+`);
    const [id, version] = line.split(/\s+/, 2);
    const isCpe = /^cpe:/i.test(id);
    out.push({ ref: `line ${i + 1}`, version: version ?? null, ...(isCpe ? { cpe: id } : { purl: id }) });
  }
  return out;
}

// ------------------------------------------------------------------ CycloneDX

const CDX_VERSIONS = ['1.2', '1.3', '1.4', '1.5', '1.6'];

function parseCycloneDxJson(doc: unknown): RawComponent[] {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw invalid('CycloneDX の文書はオブジェクトである必要があります。', 'A CycloneDX document must be a JSON object.');
  const d = doc as Record<string, unknown>;
  if (d.bomFormat !== 'CycloneDX') throw invalid('"bomFormat": "CycloneDX" がありません。', 'Not a CycloneDX document ("bomFormat": "CycloneDX" is missing).');
  if (typeof d.specVersion !== 'string' || !CDX_VERSIONS.includes(d.specVersion)) {
    throw invalid(`対応していない CycloneDX の版です: ${String(d.specVersion)}（1.4〜1.6 に対応）`, `Unsupported CycloneDX specVersion ${String(d.specVersion)} (1.4–1.6 are supported).`);
  }
  if (d.components !== undefined && !Array.isArray(d.components)) throw invalid('"components" は配列である必要があります。', '"components" must be an array.');
  return walk((d.components ?? []) as unknown[], (c) => {
    const o = c as Record<string, unknown>;
    return { ref: s(o['bom-ref']), name: s(o.name), group: s(o.group), version: s(o.version), purl: s(o.purl), cpe: s(o.cpe) };
  }, (c) => (c as { components?: unknown }).components);
}

/** Iterative depth-first walk over nested components (no recursion: deep documents cannot overflow the stack). */
function walk(top: unknown[], map: (c: unknown) => RawComponent, children: (c: unknown) => unknown): RawComponent[] {
  const out: RawComponent[] = [];
  const stack: Array<{ list: unknown[]; i: number }> = [{ list: top, i: 0 }];
  while (stack.length) {
    const f = stack[stack.length - 1];
    if (f.i >= f.list.length) { stack.pop(); continue; }
    const c = f.list[f.i++];
    if (!c || typeof c !== 'object') continue;
    if (out.length >= MAX_COMPONENTS) throw tooMany(`${MAX_COMPONENTS.toLocaleString('en')}+`);
    out.push(map(c));
    const kids = children(c);
    if (Array.isArray(kids) && kids.length) {
      if (stack.length >= MAX_DEPTH) throw invalid(`構成要素の入れ子が深すぎます（上限 ${MAX_DEPTH}）。`, `Components are nested too deeply (at most ${MAX_DEPTH} levels).`);
      stack.push({ list: kids, i: 0 });
    }
  }
  return out;
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** Decodes the predefined XML entities and character references (no other entity is ever expanded). */
function xmlText(v: unknown): string | null {
  const raw = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)['#text'] : v;
  const t = s(raw);
  if (t === null) return null;
  return t.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_m, e: string) => {
    if (e[0] !== '#') return XML_ENTITIES[e];
    const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
  });
}

function parseCycloneDxXml(text: string): RawComponent[] {
  const xml = text.replace(/^\uFEFF/, '');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw invalid('DOCTYPE・ENTITY 宣言を含む XML は受け付けません。', 'XML with a DOCTYPE or ENTITY declaration is refused.', 'xml_doctype_refused');
  }
  // Count before building a tree, so an oversized inventory is refused cheaply.
  let count = 0;
  const tag = /<(?:[A-Za-z_][\w.-]*:)?component[\s>/]/g;
  while (tag.exec(xml)) if (++count > MAX_COMPONENTS) throw tooMany(`${MAX_COMPONENTS.toLocaleString('en')}+`);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw invalid(`XML の形式が正しくありません（${valid.err.line} 行 ${valid.err.col} 列: ${valid.err.msg}）。`, `The XML document is malformed (line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}).`, 'invalid_xml');
  }
  const ns = /<(?:[A-Za-z_][\w.-]*:)?bom\b[^>]*?\bxmlns(?::[\w.-]+)?\s*=\s*["']http:\/\/cyclonedx\.org\/schema\/bom\/(\d+\.\d+)["']/.exec(xml.slice(0, 8192));
  if (!ns) throw invalid('CycloneDX の名前空間（http://cyclonedx.org/schema/bom/1.x）を持つ <bom> 要素がありません。', 'Not a CycloneDX document (no <bom> element in the http://cyclonedx.org/schema/bom/1.x namespace).');
  if (!CDX_VERSIONS.includes(ns[1])) throw invalid(`対応していない CycloneDX の版です: ${ns[1]}`, `Unsupported CycloneDX version ${ns[1]} (1.4–1.6 are supported).`);
  let doc: Record<string, unknown>;
  try {
    const parser = new XMLParser({
      ignoreAttributes: false, attributeNamePrefix: '@_', removeNSPrefix: true, processEntities: false, htmlEntities: false,
      parseTagValue: false, parseAttributeValue: false, trimValues: true, isArray: (name) => name === 'component',
    });
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch (e) {
    const msg = e instanceof RangeError ? 'nesting too deep' : (e as Error).message;
    throw invalid(`XML を解析できません（${msg}）。`, `The XML document cannot be parsed (${msg}).`, 'invalid_xml');
  }
  const bom = doc.bom as Record<string, unknown> | undefined;
  if (!bom || typeof bom !== 'object') throw invalid('<bom> 要素がありません。', 'The <bom> element is missing.');
  const list = (holder: unknown) => {
    const comps = holder && typeof holder === 'object' ? (holder as Record<string, unknown>).component : undefined;
    return Array.isArray(comps) ? comps : [];
  };
  return walk(list(bom.components), (c) => {
    const o = c as Record<string, unknown>;
    return { ref: xmlText(o['@_bom-ref']), name: xmlText(o.name), group: xmlText(o.group), version: xmlText(o.version), purl: xmlText(o.purl), cpe: xmlText(o.cpe) };
  }, (c) => list((c as Record<string, unknown>).components));
}

// ------------------------------------------------------------------ SPDX

function parseSpdx(doc: unknown): RawComponent[] {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw invalid('SPDX の文書はオブジェクトである必要があります。', 'An SPDX document must be a JSON object.');
  const d = doc as Record<string, unknown>;
  if (typeof d.spdxVersion !== 'string' || !/^SPDX-2\.[23]$/.test(d.spdxVersion)) {
    throw invalid(`対応していない SPDX の版です: ${String(d.spdxVersion)}（SPDX-2.2・2.3 に対応）`, `Unsupported spdxVersion ${String(d.spdxVersion)} (SPDX-2.2 and SPDX-2.3 are supported).`);
  }
  if (d.packages !== undefined && !Array.isArray(d.packages)) throw invalid('"packages" は配列である必要があります。', '"packages" must be an array.');
  const pkgs = (d.packages ?? []) as unknown[];
  if (pkgs.length > MAX_COMPONENTS) throw tooMany(pkgs.length.toLocaleString('en'));
  const out: RawComponent[] = [];
  for (const p of pkgs) {
    if (!p || typeof p !== 'object') continue;
    const o = p as Record<string, unknown>;
    const refs = Array.isArray(o.externalRefs) ? (o.externalRefs as Array<Record<string, unknown>>) : [];
    const ref = (types: string[]) => s(refs.find((r) => r && typeof r === 'object' && types.includes(String(r.referenceType)))?.referenceLocator);
    out.push({ ref: s(o.SPDXID), name: s(o.name), version: s(o.versionInfo), purl: ref(['purl']), cpe: ref(['cpe23Type', 'cpe22Type']) });
  }
  return out;
}

// ------------------------------------------------------------------ JSON body components

/** Components given directly in the JSON body. */
export function componentsFromBody(list: unknown[]): RawComponent[] {
  if (list.length > MAX_COMPONENTS) throw tooMany(list.length.toLocaleString('en'));
  return list.map((c) => {
    const o = (c && typeof c === 'object' ? c : {}) as Record<string, unknown>;
    return { ref: s(o.ref), name: s(o.name), group: s(o.group), version: s(o.version), purl: s(o.purl), cpe: s(o.cpe) };
  });
}
