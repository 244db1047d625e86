// Password hashing with scrypt from node:crypto (no native add-on to build). The parameters are
// stored with each hash so they can be raised later without invalidating existing passwords.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Text } from '../i18n/i18n.js';

const N = 16384;
const R = 8;
const P = 1;
const KEY_LEN = 32;
export const PASSWORD_MIN_LENGTH = 12;
/** Bounds the work an attacker can make scrypt do per request. */
export const PASSWORD_MAX_LENGTH = 1024;

function scrypt(password: string, salt: Buffer, keyLen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFC'), salt, keyLen, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, KEY_LEN, { N, r: R, p: P, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  if (![n, r, p].every((x) => Number.isInteger(x) && x > 0) || n > 1 << 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  if (expected.length < 16 || password.length > PASSWORD_MAX_LENGTH) return false;
  const actual = await scrypt(password, salt, expected.length, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 });
  return timingSafeEqual(actual, expected);
}

/** A hash that never matches; verified against when the e-mail is unknown so timing does not tell. */
export const DUMMY_HASH = `scrypt$${N}$${R}$${P}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(KEY_LEN).toString('base64')}`;

export const PASSWORD_TOO_SHORT: Text = {
  ja: `パスワードは${PASSWORD_MIN_LENGTH}文字以上にしてください。`,
  en: `The password must be at least ${PASSWORD_MIN_LENGTH} characters long.`,
};
export const PASSWORD_TOO_LONG: Text = {
  ja: `パスワードは${PASSWORD_MAX_LENGTH}文字以内にしてください。`,
  en: `The password must be at most ${PASSWORD_MAX_LENGTH} characters long.`,
};

/** The problem with a new password, or null when it is acceptable. Length counts characters, not bytes. */
export function passwordProblem(password: string): Text | null {
  const len = [...password].length;
  if (len < PASSWORD_MIN_LENGTH) return PASSWORD_TOO_SHORT;
  if (len > PASSWORD_MAX_LENGTH) return PASSWORD_TOO_LONG;
  return null;
}
