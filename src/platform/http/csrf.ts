// Double-submit CSRF tokens bound to a random per-browser cookie: the form carries
// HMAC(secret, cookie); a cross-site page can neither read the cookie nor compute the HMAC.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const CSRF_COOKIE = 'mamori_csrf';

export function newCsrfSeed(): string { return randomBytes(18).toString('base64url'); }

export function csrfToken(secret: Buffer, seed: string): string {
  return createHmac('sha256', secret).update('csrf:' + seed).digest('base64url');
}

export function csrfValid(secret: Buffer, seed: string | undefined, token: string | undefined): boolean {
  if (!seed || !token) return false;
  const expected = Buffer.from(csrfToken(secret, seed));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
