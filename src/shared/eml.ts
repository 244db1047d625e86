// Suspicious e-mails: parsed (never rendered) with mailparser. Headers, links and the list of
// attachments are extracted; attachments are hashed, never opened; the HTML body is kept only as
// source text that pages show escaped.
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { validationFailed } from '../platform/http/errors.js';
import { hashesOf, type Hashes } from './quarantine.js';
import { extractIndicators, isDomain, type Indicator } from './indicators.js';

export interface ParsedEmail {
  subject: string;
  from: string;
  replyTo: string;
  returnPath: string;
  /** Recipients: personal data of the submitting organisation, removed by retention. */
  to: string;
  cc: string;
  date: string | null;
  messageId: string;
  xMailer: string;
  xOriginatingIp: string;
  authenticationResults: string;
  received: string[];
  links: Array<{ url: string; text: string | null }>;
  attachments: Array<{ filename: string; contentType: string } & Hashes>;
  text: string;
  /** HTML source as text, never rendered. */
  htmlSource: string | null;
  truncated: boolean;
}

const MAX_BODY_CHARS = 100_000;
const MAX_LINKS = 500;

function addr(a: AddressObject | AddressObject[] | undefined): string {
  if (!a) return '';
  return (Array.isArray(a) ? a : [a]).map((x) => x.text).join(', ').slice(0, 2000);
}

function headerText(mail: ParsedMail, name: string): string {
  const v = mail.headers.get(name);
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v.slice(0, 2000);
  if (Array.isArray(v)) return v.map(String).join('\n').slice(0, 2000);
  if (typeof v === 'object' && 'text' in (v as object)) return String((v as { text: string }).text).slice(0, 2000);
  if (typeof v === 'object' && 'value' in (v as object)) return String((v as { value: unknown }).value).slice(0, 2000);
  return String(v).slice(0, 2000);
}

const notAnEmail = () => validationFailed([{ field: 'eml', message: {
  ja: '「メール（.eml）」を電子メールとして読めません。メールソフトで「ファイルに保存（.eml）」したもの、またはメールのソース全体を指定してください。',
  en: '"E-mail (.eml)" could not be read as an e-mail message. Save the message as an .eml file from your mail client, or paste its complete source.',
} }]);

/** Parses an RFC 5322 message; refuses (422) what is not one. */
export async function parseEmail(raw: Buffer): Promise<ParsedEmail> {
  // A message starts with a header field ("Name: value"); binary files and plain text do not.
  const head = raw.subarray(0, Math.min(raw.length, 64 * 1024)).toString('latin1');
  const headerEnd = head.search(/\r?\n\r?\n/);
  const headerBlock = headerEnd >= 0 ? head.slice(0, headerEnd) : head;
  if (!/^(?:From [^\r\n]*\r?\n)?[!-9;-~]+:[ \t]*[^\r\n]*/.test(head) || headerBlock.includes('\u0000')) throw notAnEmail();
  const names = [...headerBlock.matchAll(/^([!-9;-~]+):/gm)].map((m) => m[1].toLowerCase());
  if (!names.some((n) => ['from', 'subject', 'date', 'message-id', 'received', 'to'].includes(n))) throw notAnEmail();
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, { skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true, maxHtmlLengthToParse: 2_000_000 });
  } catch {
    throw notAnEmail();
  }
  if (!mail.headers || mail.headers.size === 0) throw notAnEmail();
  const html = typeof mail.html === 'string' ? mail.html : null;
  const text = mail.text ?? '';
  const links: ParsedEmail['links'] = [];
  const seen = new Set<string>();
  if (html) {
    // Links are read from the source with a pattern, not by building a DOM: nothing is interpreted.
    for (const m of html.matchAll(/<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>([\s\S]{0,300}?)<\/a>/gi)) {
      const url = (m[1] ?? m[2] ?? m[3] ?? '').replace(/&amp;/g, '&').trim();
      if (!url || seen.has(url) || links.length >= MAX_LINKS) continue;
      seen.add(url);
      links.push({ url: url.slice(0, 2000), text: m[4].replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim().slice(0, 300) || null });
    }
  }
  for (const ind of extractIndicators(text, { max: MAX_LINKS })) {
    if (ind.type !== 'url' || seen.has(ind.value) || links.length >= MAX_LINKS) continue;
    seen.add(ind.value);
    links.push({ url: ind.value.slice(0, 2000), text: null });
  }
  const received = (() => {
    const v = mail.headers.get('received');
    return (Array.isArray(v) ? v : v ? [v] : []).map((x) => String(x).slice(0, 1000)).slice(0, 50);
  })();
  return {
    subject: (mail.subject ?? '').slice(0, 1000),
    from: addr(mail.from),
    replyTo: addr(mail.replyTo),
    returnPath: headerText(mail, 'return-path'),
    to: addr(mail.to),
    cc: addr(mail.cc),
    date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date.toISOString() : null,
    messageId: (mail.messageId ?? '').slice(0, 1000),
    xMailer: headerText(mail, 'x-mailer'),
    xOriginatingIp: headerText(mail, 'x-originating-ip'),
    authenticationResults: headerText(mail, 'authentication-results'),
    received,
    links,
    attachments: mail.attachments.map((a) => ({
      filename: (a.filename ?? '(no name)').slice(0, 300), contentType: (a.contentType ?? 'application/octet-stream').slice(0, 200), ...hashesOf(a.content),
    })),
    text: text.slice(0, MAX_BODY_CHARS),
    htmlSource: html ? html.slice(0, MAX_BODY_CHARS) : null,
    truncated: text.length > MAX_BODY_CHARS || (html?.length ?? 0) > MAX_BODY_CHARS,
  };
}

/**
 * Indicators of the attacker's side of a message: sender addresses and their domains, the
 * originating IP, the links and the attachment hashes. Recipients (the victim) are left out.
 */
export function emailIndicators(e: ParsedEmail): Array<Indicator & { source: string }> {
  const out: Array<Indicator & { source: string }> = [];
  const push = (list: Indicator[], source: string) => { for (const i of list) out.push({ ...i, source }); };
  push(extractIndicators([e.from, e.replyTo, e.returnPath].join('\n')).filter((i) => i.type === 'email' || i.type === 'domain'), 'email_header');
  push(extractIndicators(e.xOriginatingIp).filter((i) => i.type === 'ipv4' || i.type === 'ipv6'), 'email_header');
  // The earliest hop (last Received header) names the sending host.
  const first = e.received.at(-1);
  if (first) push(extractIndicators(first.replace(/\bby\b[\s\S]*$/i, '')).filter((i) => i.type === 'ipv4' || i.type === 'ipv6' || (i.type === 'domain' && isDomain(i.value))), 'email_received');
  push(extractIndicators(e.links.map((l) => l.url).join('\n')), 'email_link');
  for (const a of e.attachments) {
    out.push({ type: 'md5', value: a.md5, source: 'email_attachment' }, { type: 'sha1', value: a.sha1, source: 'email_attachment' }, { type: 'sha256', value: a.sha256, source: 'email_attachment' });
  }
  return out;
}
