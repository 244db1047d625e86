// Small helpers shared by the MyJVN renderers: XML escaping (string building, no DOM), JST
// timestamps in MyJVN's format, CPE 2.2 / 2.3 / jvnpid names from the vendor and product
// dictionaries, and the names of common CWEs (MyJVN prints them next to the id).

const XML_ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
// Characters that XML 1.0 forbids (C0 controls except TAB, LF, CR; lone surrogates; U+FFFE/U+FFFF).
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for element content and attribute values, dropping characters XML cannot carry. */
export function esc(v: unknown): string {
  const s = v == null ? '' : String(v);
  if (!/[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/.test(s)) return s;
  return s.replace(XML_INVALID, '').replace(/[&<>"']/g, (c) => XML_ESC[c]);
}

/** ` name="value"` for each defined, non-null entry (values escaped). */
export function attrs(a: Record<string, string | number | null | undefined>): string {
  let out = '';
  for (const k in a) {
    const v = a[k];
    if (v === undefined || v === null) continue;
    out += ` ${k}="${esc(v)}"`;
  }
  return out;
}

/** `<tag attrs>text</tag>`, or nothing when text is empty and `keepEmpty` is false. */
export function el(tag: string, text: string | number | null | undefined, a?: Record<string, string | number | null | undefined>, keepEmpty = false): string {
  const t = text == null ? '' : String(text);
  if (!t && !keepEmpty) return '';
  return `<${tag}${a ? attrs(a) : ''}>${esc(t)}</${tag}>`;
}

const JST = 9 * 3600_000;
/** `2025-04-04T14:45:58+09:00` (MyJVN prints every instant in JST); '' for null. */
export function jst(d: Date | string | null | undefined): string {
  if (!d) return '';
  const t = typeof d === 'string' ? new Date(d) : d;
  if (Number.isNaN(t.getTime())) return '';
  return new Date(t.getTime() + JST).toISOString().slice(0, 19) + '+09:00';
}

// ------------------------------------------------------------------ CPE names

/** A CPE name component: unescaped (CPE 2.3 `\x`), lower-cased, spaces as `_`, other characters percent-encoded. */
export function cpeComponent(raw: string | null | undefined): string {
  const s = (raw ?? '').replace(/\\(.)/g, '$1').trim().toLowerCase().replace(/\s+/g, '_');
  let out = '';
  for (const ch of s) {
    if (/[a-z0-9._\-~]/.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

export interface DictNames { vendorCpe: string; productCpe?: string; part?: string }
const PART_RE = /^[aho]$/;

/** CPE 2.2 URI: `cpe:/:vendor` or `cpe:/a:vendor:product`. */
export function cpe22(n: DictNames): string {
  if (n.productCpe === undefined) return `cpe:/:${n.vendorCpe}`;
  return `cpe:/${n.part && PART_RE.test(n.part) ? n.part : 'a'}:${n.vendorCpe}:${n.productCpe}`;
}
/** CPE 2.3 formatted string: `cpe:2.3::vendor` (vendor) or `cpe:2.3:a:vendor:product:*:…` (product). */
export function cpe23(n: DictNames, version?: string | null): string {
  if (n.productCpe === undefined) return `cpe:2.3::${n.vendorCpe}`;
  const v = version ? cpeComponent(version) || '*' : '*';
  return `cpe:2.3:${n.part && PART_RE.test(n.part) ? n.part : 'a'}:${n.vendorCpe}:${n.productCpe}:${v}:*:*:*:*:*:*:*`;
}
/** JVN platform id: `jvnpid:1.0::vendor` or `jvnpid:1.0::vendor:product[:version]`. */
export function jvnpid(n: DictNames, version?: string | null): string {
  if (n.productCpe === undefined) return `jvnpid:1.0::${n.vendorCpe}`;
  const v = version ? cpeComponent(version) : '';
  return `jvnpid:1.0::${n.vendorCpe}:${n.productCpe}${v ? ':' + v : ''}`;
}
/** The part (a/h/o) of a CPE 2.3 formatted string, if any. */
export function partOf(cpe: string | null | undefined): string | undefined {
  const m = cpe ? /^cpe:2\.3:([aho])/.exec(cpe) : null;
  return m ? m[1] : undefined;
}

// ------------------------------------------------------------------ CWE names

/** Names of the weaknesses that JVN iPedia cites most often (CWE Top 25 and MyJVN's examples). */
export const CWE_NAMES: Record<string, { ja: string; en: string }> = {
  'CWE-20': { ja: '不適切な入力確認', en: 'Improper Input Validation' },
  'CWE-22': { ja: 'パス・トラバーサル', en: 'Path Traversal' },
  'CWE-59': { ja: 'リンク解釈の問題', en: 'Link Following' },
  'CWE-77': { ja: 'コマンドインジェクション', en: 'Command Injection' },
  'CWE-78': { ja: 'OSコマンドインジェクション', en: 'OS Command Injection' },
  'CWE-79': { ja: 'クロスサイトスクリプティング', en: 'Cross-site Scripting' },
  'CWE-89': { ja: 'SQLインジェクション', en: 'SQL Injection' },
  'CWE-94': { ja: 'コード・インジェクション', en: 'Code Injection' },
  'CWE-119': { ja: 'バッファエラー', en: 'Buffer Errors' },
  'CWE-120': { ja: '古典的バッファオーバーフロー', en: 'Classic Buffer Overflow' },
  'CWE-125': { ja: '境界外読み取り', en: 'Out-of-bounds Read' },
  'CWE-190': { ja: '整数オーバーフローまたはラップアラウンド', en: 'Integer Overflow or Wraparound' },
  'CWE-200': { ja: '情報漏えい', en: 'Information Exposure' },
  'CWE-264': { ja: '認可・権限・アクセス制御', en: 'Permissions, Privileges, and Access Controls' },
  'CWE-269': { ja: '不適切な権限管理', en: 'Improper Privilege Management' },
  'CWE-276': { ja: '不適切なデフォルトパーミッション', en: 'Incorrect Default Permissions' },
  'CWE-287': { ja: '不適切な認証', en: 'Improper Authentication' },
  'CWE-306': { ja: '重要な機能に対する認証の欠如', en: 'Missing Authentication for Critical Function' },
  'CWE-352': { ja: 'クロスサイトリクエストフォージェリ', en: 'Cross-Site Request Forgery (CSRF)' },
  'CWE-362': { ja: '競合状態', en: 'Race Condition' },
  'CWE-400': { ja: '制御されていないリソース消費', en: 'Uncontrolled Resource Consumption' },
  'CWE-416': { ja: '解放済みメモリの使用', en: 'Use After Free' },
  'CWE-434': { ja: '危険なタイプのファイルの無制限アップロード', en: 'Unrestricted Upload of File with Dangerous Type' },
  'CWE-476': { ja: 'NULL ポインタデリファレンス', en: 'NULL Pointer Dereference' },
  'CWE-502': { ja: '信頼できないデータのデシリアライゼーション', en: 'Deserialization of Untrusted Data' },
  'CWE-601': { ja: 'オープンリダイレクト', en: 'Open Redirect' },
  'CWE-611': { ja: 'XML 外部エンティティ参照の不適切な制限', en: 'Improper Restriction of XML External Entity Reference' },
  'CWE-787': { ja: '境界外書き込み', en: 'Out-of-bounds Write' },
  'CWE-798': { ja: 'ハードコードされた認証情報の使用', en: 'Use of Hard-coded Credentials' },
  'CWE-862': { ja: '認可の欠如', en: 'Missing Authorization' },
  'CWE-863': { ja: '不正な認可', en: 'Incorrect Authorization' },
  'CWE-917': { ja: '式言語インジェクション', en: 'Expression Language Injection' },
  'CWE-918': { ja: 'サーバサイドリクエストフォージェリ', en: 'Server-Side Request Forgery (SSRF)' },
  'NVD-CWE-Other': { ja: 'その他', en: 'Other' },
  'NVD-CWE-noinfo': { ja: '情報不足', en: 'Insufficient Information' },
};
export const cweName = (id: string, lang: 'ja' | 'en'): string => CWE_NAMES[id]?.[lang] ?? id;
export const cweUrl = (id: string): string => {
  const m = /^CWE-(\d+)$/.exec(id);
  return m ? `https://cwe.mitre.org/data/definitions/${m[1]}.html` : 'https://cwe.mitre.org/';
};
/** `JVN#12345678` → https://jvn.jp/jp/JVN12345678/, `JVNVU#…` → https://jvn.jp/vu/JVNVU…/ */
export const jvnUrl = (id: string): string => {
  const vu = id.startsWith('JVNVU#');
  const n = id.replace('#', '');
  return `https://jvn.jp/${vu ? 'vu' : 'jp'}/${n}/`;
};
