// Test helpers for acting as a person through the real HTTP app: log in (with TOTP when due),
// fetch a CSRF token, and build multipart bodies.
import * as OTPAuth from 'otpauth';
import type { FastifyInstance } from 'fastify';
import { cookiesOf } from './harness.js';

export interface Session { cookie: string; csrf: string }

export function totpNow(secret: string, offset = 0): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' })
    .generate({ timestamp: Date.now() + offset * 30_000 });
}

function mergeCookies(cookie: string, set: Record<string, string>): string {
  const jar = new Map(cookie.split('; ').filter(Boolean).map((c) => { const i = c.indexOf('='); return [c.slice(0, i), c.slice(i + 1)] as [string, string]; }));
  for (const [k, v] of Object.entries(set)) jar.set(k, v);
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

/** An anonymous browser session with a CSRF token. */
export async function anonymous(app: FastifyInstance, page = '/vulnerability-reports/new/web'): Promise<Session> {
  const res = await app.inject({ method: 'GET', url: page, headers: { accept: 'text/html' } });
  const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
  return { cookie: mergeCookies('', cookiesOf(res)), csrf: m ? m[1] : '' };
}

export async function loginAs(app: FastifyInstance, email: string, password: string, totpSecret?: string): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email, password, ...(totpSecret ? { totp: totpNow(totpSecret) } : {}) } });
  if (res.statusCode !== 200) throw new Error(`login ${email} failed: ${res.statusCode} ${res.body}`);
  let cookie = mergeCookies('', cookiesOf(res));
  const page = await app.inject({ method: 'GET', url: '/account', headers: { accept: 'text/html', cookie } });
  cookie = mergeCookies(cookie, cookiesOf(page));
  const m = /name="_csrf" value="([^"]+)"/.exec(page.body);
  return { cookie, csrf: m ? m[1] : '' };
}

/** A multipart/form-data body from fields and files. */
export function multipart(fields: Record<string, string | string[]>, files: Array<{ field: string; filename: string; contentType?: string; data: Buffer }> = []) {
  const boundary = '----mamori' + Math.random().toString(16).slice(2);
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    for (const val of Array.isArray(v) ? v : [v]) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${val}\r\n`));
  }
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field}"; filename="${f.filename}"\r\nContent-Type: ${f.contentType ?? 'application/octet-stream'}\r\n\r\n`));
    parts.push(f.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export { mergeCookies };
