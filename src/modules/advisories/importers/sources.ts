// Turning input into records. Accepted: one document (JSON or XML, as a file or an uploaded
// buffer), a JSON Lines file (.jsonl/.ndjson, one record per line), a directory (every .json,
// .jsonl, .ndjson and .xml file below it, in name order), and — for NVD and KEV — JSON files too
// large for one string, which are streamed element by element. Every source is checked completely
// (syntax, and the document's shape) before the first record is handed out, so a malformed file
// imports nothing.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { asObj, type ImportFormat, type RawRecord } from './common.js';
import { MalformedDocument, lineAt } from './xml.js';
import { hndRecords } from './formats/hnd.js';
import { cve5Records } from './formats/cve5.js';
import { okaRecords } from './formats/oka.js';
import { streamArray } from './json-stream.js';

/** Files above this size are streamed (NVD/KEV) rather than read as one string. */
export const STREAM_THRESHOLD = 256 * 1024 * 1024;

export interface OpenedSource { format: ImportFormat; fileName: string; size: number; sha256: string | null; records(): AsyncIterable<RawRecord> }

const bad = (ja: string, en: string, line?: number) => new MalformedDocument(ja, en, line);
const stripBom = (s: string) => (s.charCodeAt(0) === 0xfeff ? s.slice(1) : s);

/** Parses JSON with a clear error naming the line. */
export function parseJson(text: string, name: string): unknown {
  try { return JSON.parse(text); } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    // V8 names a position, a line, or only quotes the text around the error: find that text.
    const snippet = /"([\s\S]{6,}?)"(?:\.\.\.)? is not valid JSON$/.exec(msg)?.[1]?.replace(/^\.\.\./, '');
    const at = snippet ? text.indexOf(snippet) : -1;
    const line = pos ? lineAt(text, Number(pos[1])) : Number(/line (\d+)/.exec(msg)?.[1]) || (at >= 0 ? lineAt(text, at) : undefined);
    throw bad(`${name}: JSON の形式が正しくありません${line ? `（${line} 行目）` : ''}: ${msg}`, `${name}: malformed JSON${line ? ` (line ${line})` : ''}: ${msg}`, line);
  }
}

/** Which format a parsed JSON document is in, or null. */
export function detectJson(doc: unknown): ImportFormat | null {
  const o = asObj(doc);
  const first = asObj(Array.isArray(doc) ? doc[0] : Array.isArray(o.vulnerabilities) ? o.vulnerabilities[0] : Array.isArray(o.cveRecords) ? o.cveRecords[0] : undefined);
  if (o.cveMetadata || o.cveRecords || first.cveMetadata || asObj(first.cve).cveMetadata) return 'cve5';
  if ((o.document && o.vulnerabilities) || first.document || (o.type === 'bundle' && Array.isArray(o.objects) && (o.objects as unknown[]).some((x) => asObj(x)['VULDEF-Document']))) return 'oka';
  if (o.catalogVersion || first.cveID) return 'kev';
  if (o.format === 'NVD_CVE' || asObj(first.cve).id || (first.id && first.lastModified)) return 'nvd';
  return null;
}

function undetected(name: string): MalformedDocument {
  return bad(`${name}: 形式を判別できません。形式を指定してください（nvd, kev, cve5, hnd, oka）。`, `${name}: cannot tell the format; choose one (nvd, kev, cve5, hnd, oka).`);
}

/** The records of one parsed document, checked for the format's shape. */
export function recordsOfDoc(format: ImportFormat, doc: unknown, name: string): Array<{ raw: unknown; path: string; line?: number; lang?: 'ja' | 'en' }> {
  const noRecords = (what: string) => bad(`${name}: ${what} がありません。`, `${name}: the document has no ${what}.`);
  switch (format) {
    case 'nvd': case 'kev': {
      const list = Array.isArray(doc) ? doc : asObj(doc).vulnerabilities;
      if (!Array.isArray(list)) throw bad(`${name}: "vulnerabilities" 配列がありません。`, `${name}: the document has no "vulnerabilities" array.`);
      return list.map((raw, i) => ({ raw, path: Array.isArray(doc) ? `[${i}]` : `vulnerabilities[${i}]` }));
    }
    case 'cve5': { const r = cve5Records(doc); if (!r.length) throw noRecords('CVE records (cveMetadata)'); return r; }
    case 'oka': { const r = okaRecords(doc); if (!r.length) throw noRecords('MyJVN OKA documents (document.tracking)'); return r; }
    case 'hnd': throw noRecords('XML');
  }
}

/** One document held in memory: XML (HND) or JSON. */
function fromText(formatArg: ImportFormat | 'auto', text: string, name: string): { format: ImportFormat; list: ReturnType<typeof recordsOfDoc> } {
  const t = stripBom(text);
  const isXml = /^\s*</.test(t);
  if (formatArg === 'hnd' || (formatArg === 'auto' && isXml)) {
    if (!isXml) throw bad(`${name}: XML ではありません（MyJVN HND は XML です）。`, `${name}: not XML (MyJVN HND is XML).`);
    return { format: 'hnd', list: hndRecords(t).map((r) => ({ ...r, path: r.path })) };
  }
  if (isXml) throw bad(`${name}: XML が渡されましたが、形式 ${formatArg} は JSON です。`, `${name}: got XML, but format ${formatArg} is JSON.`);
  const doc = parseJson(t, name);
  const format = formatArg === 'auto' ? detectJson(doc) : formatArg;
  if (!format) throw undetected(name);
  return { format, list: recordsOfDoc(format, doc, name) };
}

function jsonlRecord(format: ImportFormat, v: unknown): unknown {
  const o = asObj(v);
  if (format === 'nvd' && !o.cve && o.id) return { cve: v }; // a bare NVD `cve` object per line
  return v;
}

/** An uploaded (or otherwise in-memory) document. */
export function openBuffer(formatArg: ImportFormat | 'auto', buf: Buffer, name: string): OpenedSource {
  const text = buf.toString('utf8');
  let format: ImportFormat; let list: ReturnType<typeof recordsOfDoc>;
  if (/\.(jsonl|ndjson)$/i.test(name)) ({ format, list } = jsonLines(formatArg, text, name));
  else ({ format, list } = fromText(formatArg, text, name));
  return {
    format, fileName: name, size: buf.length, sha256: createHash('sha256').update(buf).digest('hex'),
    async *records() { let i = 0; for (const r of list) yield { index: i++, ...r }; },
  };
}

function jsonLines(formatArg: ImportFormat | 'auto', text: string, name: string): { format: ImportFormat; list: ReturnType<typeof recordsOfDoc> } {
  const list: ReturnType<typeof recordsOfDoc> = [];
  let format = formatArg === 'auto' ? null : formatArg;
  stripBom(text).split('\n').forEach((l, i) => {
    if (!l.trim()) return;
    const v = parseJson(l, `${name} line ${i + 1}`);
    format ??= detectJson(Array.isArray(v) ? v : [v]) ?? detectJson({ vulnerabilities: [v] });
    list.push({ raw: v, path: `line ${i + 1}`, line: i + 1 });
  });
  if (!format) throw undetected(name);
  if (format === 'hnd') throw bad(`${name}: MyJVN HND は JSON Lines にできません。`, `${name}: MyJVN HND cannot be JSON lines.`);
  const f = format;
  return { format: f, list: list.map((r) => ({ ...r, raw: jsonlRecord(f, r.raw) })) };
}

async function fileSha(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(file, { highWaterMark: 1 << 20 })) h.update(c as Buffer);
  return h.digest('hex');
}

async function filesBelow(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...await filesBelow(p));
    else if (e.isFile() && /\.(json|jsonl|ndjson|xml)$/i.test(e.name)) out.push(p);
  }
  return out.sort();
}

/** A file or directory on disk (the CLI). */
export async function openPath(formatArg: ImportFormat | 'auto', path: string): Promise<OpenedSource> {
  let st;
  try { st = await stat(path); } catch (e) { throw bad(`${path} を読めません: ${(e as Error).message}`, `cannot read ${path}: ${(e as Error).message}`); }
  if (st.isDirectory()) return openDirectory(formatArg, path);
  if (st.size > STREAM_THRESHOLD && !/\.(jsonl|ndjson)$/i.test(path)) return openLargeJson(formatArg, path, st.size);
  if (/\.(jsonl|ndjson)$/i.test(path)) return openJsonLinesFile(formatArg, path, st.size);
  const buf = await readFile(path);
  return { ...openBuffer(formatArg, buf, basename(path)), fileName: basename(path) };
}

/** JSON Lines on disk, read line by line (twice: checked first, then imported). */
async function openJsonLinesFile(formatArg: ImportFormat | 'auto', file: string, size: number): Promise<OpenedSource> {
  const name = basename(file);
  const lines = async function* () {
    let n = 0;
    for await (const l of createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity })) { n++; if (l.trim()) yield { text: n === 1 ? stripBom(l) : l, n }; }
  };
  let format = formatArg === 'auto' ? null : formatArg;
  for await (const { text, n } of lines()) { const v = parseJson(text, `${name} line ${n}`); format ??= detectJson({ vulnerabilities: [v] }) ?? detectJson(v); }
  if (!format) throw undetected(name);
  const f = format;
  return {
    format: f, fileName: name, size, sha256: await fileSha(file),
    async *records() { let i = 0; for await (const { text, n } of lines()) yield { index: i++, raw: jsonlRecord(f, JSON.parse(text)), path: `line ${n}`, line: n }; },
  };
}

/** A JSON file too large for one string: NVD pages or a KEV catalogue, streamed. */
export async function openLargeJson(formatArg: ImportFormat | 'auto', file: string, size: number): Promise<OpenedSource> {
  const name = basename(file);
  const format = formatArg === 'auto' ? 'nvd' : formatArg;
  if (format !== 'nvd' && format !== 'kev') throw bad(`${name}: ${format} の大きなファイルは JSON Lines かディレクトリに分けてください。`, `${name}: split large ${format} files into JSON lines or a directory.`);
  const check = streamArray(file, 'vulnerabilities');
  let n = 0;
  try {
    for await (const el of check.elements) { parseJson(el.text, `${name} vulnerabilities[${el.index}] (line ${el.line})`); n++; }
    parseJson(check.skeleton(), name);
  } catch (e) {
    if (e instanceof MalformedDocument) throw e;
    throw bad(`${name}: JSON の形式が正しくありません: ${(e as Error).message}`, `${name}: malformed JSON: ${(e as Error).message}`);
  }
  if (n === 0 && !/"vulnerabilities"\s*:/.test(check.skeleton())) throw bad(`${name}: "vulnerabilities" 配列がありません。`, `${name}: the document has no "vulnerabilities" array.`);
  return {
    format, fileName: name, size, sha256: await fileSha(file),
    async *records() {
      for await (const el of streamArray(file, 'vulnerabilities').elements) yield { index: el.index, raw: JSON.parse(el.text), path: `vulnerabilities[${el.index}]`, line: el.line };
    },
  };
}

/** Every document below a directory: each is checked before any is imported, then re-read in order. */
async function openDirectory(formatArg: ImportFormat | 'auto', dir: string): Promise<OpenedSource> {
  const files = await filesBelow(dir);
  if (!files.length) throw bad(`${dir}: 取り込めるファイル（.json, .jsonl, .ndjson, .xml）がありません。`, `${dir}: no .json, .jsonl, .ndjson or .xml files.`);
  let format: ImportFormat | null = formatArg === 'auto' ? null : formatArg;
  const digest = createHash('sha256');
  let size = 0;
  const opened: Array<() => Promise<OpenedSource>> = [];
  for (const f of files) {
    const src = await openPath(format ?? 'auto', f);
    if (format && src.format !== format) throw bad(`${relative(dir, f)}: 形式 ${src.format} は ${format} と異なります。`, `${relative(dir, f)}: format ${src.format} differs from ${format}.`);
    const fmt = src.format;
    format = fmt; size += src.size; digest.update(`${relative(dir, f)} ${src.sha256}\n`);
    // Only the format is kept: holding `src` would keep every checked file's parsed records alive
    // for the whole run (~120 MB of heap per 40,000 NVD records; ever slower garbage collection).
    opened.push(() => openPath(fmt, f));
  }
  return {
    format: format!, fileName: basename(dir) + '/', size, sha256: digest.digest('hex'),
    async *records() {
      let i = 0;
      for (let k = 0; k < files.length; k++) {
        const rel = relative(dir, files[k]);
        for await (const r of (await opened[k]()).records()) yield { ...r, index: i++, path: `${rel}: ${r.path}` };
      }
    },
  };
}
