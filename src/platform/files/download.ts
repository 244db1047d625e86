// Attachments come from outside (reporters, vendors) and may be hostile HTML, SVG or PDF. They are
// only ever offered as downloads: never inline, never sniffed, sandboxed if a browser renders anyway.
import type { FastifyReply } from 'fastify';
import type { StoredFile } from './files.js';

/** RFC 8187 value for filename*: UTF-8, percent-encoded, including the characters RFC 3986 leaves alone. */
export function encodeRfc8187(s: string): string {
  return encodeURIComponent(s).replace(/['()*!]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** `attachment; filename="ascii fallback"; filename*=UTF-8''…` */
export function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%;]/g, '_').trim() || 'attachment';
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeRfc8187(filename)}`;
}

export function sendAttachment(reply: FastifyReply, file: Pick<StoredFile, 'filename'>, data: Buffer): FastifyReply {
  return reply
    .code(200)
    .header('Content-Type', 'application/octet-stream')
    .header('Content-Disposition', contentDisposition(file.filename))
    .header('X-Content-Type-Options', 'nosniff')
    .header('Content-Security-Policy', "sandbox; default-src 'none'")
    .header('Cache-Control', 'private, no-store')
    .send(data);
}
