// Small helpers shared by the auth service and its routes.
import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: session cookies and password-reset links. */
export const newToken = (): string => randomBytes(32).toString('base64url');
export const isTokenShaped = (s: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(s);
/** Only the hash of a token is stored, so a database leak does not yield usable tokens. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();
// One address, no display name and none of the characters the mailer refuses (header injection).
const EMAIL_RE = /^[^\s@,;<>"()\\]+@[^\s@,;<>"()\\]+\.[^\s@,;<>"()\\]+$/;
export const isValidEmail = (email: string): boolean => email.length <= 320 && EMAIL_RE.test(email);
