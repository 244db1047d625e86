// Indicators of compromise (IPs, domains, URLs, e-mail addresses, file hashes) found in submitted
// material. Analysts and reports often write them "defanged" (hxxp://evil[.]example) so that nobody
// clicks them; extraction first "refangs" the text, stores the canonical value and shows the
// defanged form on pages. Nothing here resolves, fetches or opens anything.
import { isIP } from 'node:net';

export const INDICATOR_TYPES = ['ipv4', 'ipv6', 'domain', 'url', 'email', 'md5', 'sha1', 'sha256'] as const;
export type IndicatorType = (typeof INDICATOR_TYPES)[number];

export interface Indicator { type: IndicatorType; value: string }

/** Undoes the usual defanging notations: hxxp, [.], (.), {.}, [dot], [:], [@], (at) … */
export function refang(text: string): string {
  return text
    .replace(/\bh(?:xx|XX|\*\*|__)p(s?)(\[?:\]?)\/\//g, (_m, s: string) => `http${s}://`)
    .replace(/\bfxp:\/\//gi, 'ftp://')
    .replace(/\[:\]|\(:\)/g, ':')
    .replace(/\[\/\]/g, '/')
    .replace(/\s?(?:\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}|\[\s?\.\s?\])\s?/gi, '.')
    .replace(/\s?(?:\[@\]|\(@\)|\{@\}|\[at\]|\(at\)|\{at\})\s?/gi, '@');
}

/** The safe display form: http → hxxp, dots of hosts → [.], @ → [@]. */
export function defang(ind: Indicator): string {
  const dots = (s: string) => s.replace(/\./g, '[.]');
  switch (ind.type) {
    case 'url': {
      const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/i.exec(ind.value);
      if (!m) return ind.value;
      const scheme = m[1].toLowerCase().replace(/^http/, 'hxxp').replace(/^ftp/, 'fxp');
      return `${scheme}[:]//${dots(m[2])}${m[3]}`;
    }
    case 'domain': return dots(ind.value);
    case 'ipv4': return ind.value.replace(/\.(\d+)$/, '[.]$1');
    case 'ipv6': return ind.value.replace(/:/g, '[:]');
    case 'email': { const at = ind.value.lastIndexOf('@'); return `${ind.value.slice(0, at)}[@]${dots(ind.value.slice(at + 1))}`; }
    default: return ind.value;
  }
}

// File extensions that look like top-level domains in "invoice.pdf" or "run.exe" but are not hosts.
const NOT_TLDS = new Set(['exe', 'dll', 'pdf', 'doc', 'docx', 'docm', 'xls', 'xlsx', 'xlsm', 'ppt', 'pptx', 'zip', 'rar', '7z', 'lzh', 'js', 'jse', 'vbs', 'vbe',
  'txt', 'htm', 'html', 'png', 'jpg', 'jpeg', 'gif', 'bmp', 'lnk', 'iso', 'img', 'ps1', 'bat', 'cmd', 'scr', 'hta', 'eml', 'msg', 'jar', 'tmp', 'dat', 'log',
  'bin', 'cab', 'chm', 'rtf', 'wsf', 'svg', 'xml', 'json', 'csv', 'php', 'asp', 'aspx', 'jsp', 'py', 'sh', 'gz', 'tar', 'bz2', 'ini', 'cfg', 'sys', 'drv', 'ocx']);

const URL_RE = /\b(?:https?|ftp):\/\/[^\s<>"'`{}|\\^\u3000-\u303f\uff01-\uff5e]+/gi;
const EMAIL_RE = /\b[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}\b/g;
const DOMAIN_RE = /\b(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}\b/g;
const IPV4_RE = /\b(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\b/g;
const IPV6_RE = /(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{1,4}:){2,7}[0-9A-Fa-f]{0,4}(?![0-9A-Fa-f:])|(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}:?){0,6}(?![0-9A-Fa-f:])/g;
const HASH_RE = /\b(?:[A-Fa-f0-9]{64}|[A-Fa-f0-9]{40}|[A-Fa-f0-9]{32})\b/g;

function trimUrl(u: string): string {
  // Trailing punctuation of the sentence is not part of the URL; unmatched closing brackets neither.
  let s = u.replace(/[.,;:!?'"）」』】]+$/u, '');
  while (/[)\]]$/.test(s) && (s.split(/[([]/).length - 1) < (s.split(/[)\]]/).length - 1)) s = s.slice(0, -1);
  return s;
}

function hostOf(url: string): string | null {
  try { return new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase() || null; } catch { return null; }
}

export function isDomain(s: string): boolean {
  const d = s.toLowerCase();
  if (d.length > 253 || !/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}$/.test(d)) return false;
  return !NOT_TLDS.has(d.slice(d.lastIndexOf('.') + 1));
}

/** Every indicator in the text (refanged first), deduplicated, in order of first appearance. */
export function extractIndicators(raw: string, opts: { max?: number } = {}): Indicator[] {
  const max = opts.max ?? 1000;
  const text = refang(raw.normalize('NFKC'));
  const out: Indicator[] = [];
  const seen = new Set<string>();
  const add = (type: IndicatorType, value: string) => {
    const key = `${type}|${value}`;
    if (out.length >= max || seen.has(key)) return;
    seen.add(key);
    out.push({ type, value });
  };
  let rest = text;
  for (const m of text.matchAll(URL_RE)) {
    const url = trimUrl(m[0]);
    const host = hostOf(url);
    if (!host) continue;
    add('url', url);
    if (isIP(host) === 4) add('ipv4', host); else if (isIP(host) === 6) add('ipv6', host.toLowerCase()); else if (isDomain(host)) add('domain', host);
    rest = rest.replace(m[0], ' ');
  }
  for (const m of rest.matchAll(EMAIL_RE)) {
    const email = m[0].toLowerCase();
    add('email', email);
    const d = email.slice(email.lastIndexOf('@') + 1);
    if (isDomain(d)) add('domain', d);
  }
  rest = rest.replace(EMAIL_RE, ' ');
  for (const m of rest.matchAll(IPV4_RE)) add('ipv4', m[0]);
  for (const m of rest.matchAll(IPV6_RE)) {
    const v = m[0].toLowerCase();
    if (isIP(v) === 6) add('ipv6', v);
  }
  for (const m of rest.replace(IPV4_RE, ' ').matchAll(DOMAIN_RE)) if (isDomain(m[0])) add('domain', m[0].toLowerCase());
  for (const m of rest.matchAll(HASH_RE)) {
    const h = m[0].toLowerCase();
    add(h.length === 32 ? 'md5' : h.length === 40 ? 'sha1' : 'sha256', h);
  }
  return out;
}

/** Validates and normalises one indicator an analyst entered by type (defanged input accepted). */
export function normaliseIndicator(type: string, raw: string): Indicator | null {
  const v = refang(raw.trim());
  switch (type) {
    case 'ipv4': return isIP(v) === 4 ? { type, value: v } : null;
    case 'ipv6': return isIP(v) === 6 ? { type, value: v.toLowerCase() } : null;
    case 'domain': return isDomain(v) ? { type, value: v.toLowerCase() } : null;
    case 'url': return hostOf(v) && /^(https?|ftp):\/\//i.test(v) ? { type, value: v } : null;
    case 'email': return new RegExp(`^${EMAIL_RE.source}$`).test(v) ? { type, value: v.toLowerCase() } : null;
    case 'md5': return /^[a-f0-9]{32}$/i.test(v) ? { type, value: v.toLowerCase() } : null;
    case 'sha1': return /^[a-f0-9]{40}$/i.test(v) ? { type, value: v.toLowerCase() } : null;
    case 'sha256': return /^[a-f0-9]{64}$/i.test(v) ? { type, value: v.toLowerCase() } : null;
    default: return null;
  }
}
