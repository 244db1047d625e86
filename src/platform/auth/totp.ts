// RFC 6238 TOTP (SHA-1, 6 digits, 30 s), the parameters every authenticator app understands.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

const PERIOD = 30;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function isBase32Secret(s: string): boolean {
  return /^[A-Z2-7]{16,}=*$/.test(s);
}

export function totpUri(secretBase32: string, account: string): string {
  return new TOTP({ issuer: 'Mamori', label: account, secret: Secret.fromBase32(secretBase32), algorithm: 'SHA1', digits: 6, period: PERIOD }).toString();
}

/**
 * The time step the code belongs to (±1 step for clock drift), or null when it is wrong. Callers
 * store the step and refuse steps not newer than the last one, so a seen code cannot be replayed.
 */
export function totpStep(secretBase32: string, code: string, now = Date.now()): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = TOTP.validate({ token, secret: Secret.fromBase32(secretBase32), algorithm: 'SHA1', digits: 6, period: PERIOD, timestamp: now, window: 1 });
  if (delta === null) return null;
  return TOTP.counter({ period: PERIOD, timestamp: now }) + delta;
}

/**
 * TOTP secrets are stored sealed (AES-256-GCM under a key derived from the platform secret), so a
 * copy of the users table alone does not let anyone generate second-factor codes.
 */

function sealKey(secret: Buffer): Buffer {
  return createHmac('sha256', secret).update('mamori:totp-secret').digest();
}

export function sealTotpSecret(platformSecret: Buffer, base32: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', sealKey(platformSecret), iv);
  const ct = Buffer.concat([c.update(base32, 'utf8'), c.final()]);
  return `v1:${iv.toString('base64url')}:${c.getAuthTag().toString('base64url')}:${ct.toString('base64url')}`;
}

export function openTotpSecret(platformSecret: Buffer, stored: string): string {
  if (!stored.startsWith('v1:')) return stored;
  const [, iv, tag, ct] = stored.split(':');
  const d = createDecipheriv('aes-256-gcm', sealKey(platformSecret), Buffer.from(iv, 'base64url'), { authTagLength: 16 });
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
}
