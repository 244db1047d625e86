// RFC 6238 TOTP (SHA-1, 6 digits, 30 s), the parameters every authenticator app understands.
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
