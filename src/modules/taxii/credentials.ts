// Who is calling the TAXII API: HTTP Basic (an organisation user's e-mail and password) or an API
// token (`Authorization: Bearer taxii_…`). Passwords are checked by the kernel (ctx.auth.verifyCredentials)
// with the login form's throttling, lockout and audit.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Actor, AppContext } from '../../platform/context.js';
import { PASSWORD_MAX_LENGTH } from '../../platform/auth/passwords.js';
import { hashToken, newToken, normaliseEmail } from '../../platform/auth/tokens.js';

export const TOKEN_PREFIX = 'taxii_';
/** A verified Basic credential is remembered this long, so paging clients do not pay scrypt per request. */
const BASIC_CACHE_MS = 60_000;
const BASIC_CACHE_MAX = 1000;

export type CredentialOutcome =
  | { ok: true; actor: Actor; via: 'basic' | 'token' }
  | { ok: false; reason: 'missing' | 'invalid' | 'locked' | 'staff_basic' };

export const newApiToken = () => `${TOKEN_PREFIX}${newToken()}`;

export function createCredentials(ctx: AppContext) {
  const basicCache = new Map<string, { userId: string; until: number }>();
  const db = () => ctx.db;

  async function basic(email: string, password: string, ip: string): Promise<CredentialOutcome> {
    email = normaliseEmail(email).slice(0, 320);
    if (password.length > PASSWORD_MAX_LENGTH) return { ok: false, reason: 'invalid' };
    // A verified credential is remembered briefly (keyed by a hash of both parts, never the password itself).
    const cacheKey = createHash('sha256').update(`${email}\0${password}`).digest('hex');
    const cached = basicCache.get(cacheKey);
    if (cached && cached.until > Date.now()) {
      const user = await ctx.auth.getUser(cached.userId);
      if (user && !user.disabled && user.email === email) return { ok: true, actor: ctx.auth.actorOf(user), via: 'basic' };
      basicCache.delete(cacheKey);
    }
    // The kernel checks the password with the login form's throttling, lockout and audit.
    const r = await ctx.auth.verifyCredentials(email, password, ip);
    if (r.status === 'second_factor_required') return { ok: false, reason: 'staff_basic' };
    if (r.status !== 'ok') return { ok: false, reason: r.status };
    if (basicCache.size >= BASIC_CACHE_MAX) basicCache.delete(basicCache.keys().next().value!);
    basicCache.set(cacheKey, { userId: r.user.id, until: Date.now() + BASIC_CACHE_MS });
    return { ok: true, actor: ctx.auth.actorOf(r.user), via: 'basic' };
  }

  async function bearer(token: string): Promise<CredentialOutcome> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return { ok: false, reason: 'invalid' };
    const row = await db().selectFrom('taxii_tokens').select(['id as token_id', 'user_id', 'last_used_at'])
      .where('token_hash', '=', hashToken(token)).where('revoked_at', 'is', null).executeTakeFirst();
    const user = row ? await ctx.auth.getUser(row.user_id) : undefined;
    if (!row || !user || user.disabled) return { ok: false, reason: 'invalid' };
    if (!row.last_used_at || Date.now() - new Date(row.last_used_at).getTime() > 60_000) {
      await db().updateTable('taxii_tokens').set({ last_used_at: sql<Date>`now()` as never }).where('id', '=', row.token_id).execute();
    }
    return { ok: true, actor: ctx.auth.actorOf(user), via: 'token' };
  }

  return {
    async identify(header: string | undefined, ip: string): Promise<CredentialOutcome> {
      if (!header) return { ok: false, reason: 'missing' };
      const m = /^(\w+)\s+(.+)$/.exec(header.trim());
      if (!m) return { ok: false, reason: 'invalid' };
      const scheme = m[1].toLowerCase();
      if (scheme === 'bearer') return bearer(m[2].trim());
      if (scheme === 'basic') {
        const decoded = Buffer.from(m[2].trim(), 'base64').toString('utf8');
        const i = decoded.indexOf(':');
        if (i <= 0) return { ok: false, reason: 'invalid' };
        return basic(decoded.slice(0, i), decoded.slice(i + 1), ip);
      }
      return { ok: false, reason: 'invalid' };
    },
  };
}

export type Credentials = ReturnType<typeof createCredentials>;
