// The kernel's auth service: users and organisations, roles → permissions, server-side sessions,
// login throttling, TOTP and password reset. HTTP routes live in routes.ts and call into `AuthCore`.
import { sql, type Selectable } from 'kysely';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, AppContext, Executor } from '../context.js';
import { PUBLIC_ACTOR } from '../context.js';
import type { DB } from '../db/database.js';
import { AppError, validationFailed, type FieldError } from '../http/errors.js';
import type { Text } from '../i18n/i18n.js';
import { ORG_KINDS, type Auth, type OrgKind, type Organisation, type User } from './auth.js';
import type { OrganisationsTable, UsersTable } from './migrations.js';
import { DUMMY_HASH, hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { isBase32Secret, newTotpSecret, openTotpSecret, sealTotpSecret, totpStep } from './totp.js';
import { hasPermission } from './guards.js';
import { authRoutes } from './routes.js';
import { hashToken, isTokenShaped, isValidEmail, newToken, normaliseEmail } from './tokens.js';

export const SESSION_COOKIE = 'mamori_session';
const STAFF_IDLE_S = 8 * 3600;
const OTHER_IDLE_S = 30 * 86400;
/** A password-only session waiting for its TOTP code. */
const PENDING_IDLE_S = 10 * 60;
const TOUCH_EVERY_MS = 60_000;
const LOCK_MINUTES = 15;
const IP_MAX_FAILURES = 30;
const RESET_VALID_S = 3600;
const INVITE_VALID_S = 72 * 3600;
/** Reset mails per address and hour, so the form cannot be used to flood someone's mailbox. */
const RESET_MAILS_PER_HOUR = 3;
const PRUNE_EVERY_MS = 10 * 60_000;

export type UserRow = Selectable<UsersTable>;
type OrgRow = Selectable<OrganisationsTable>;

export interface SessionInfo { id: string; user: UserRow; secondFactorOk: boolean }

export type PasswordOutcome =
  | { status: 'invalid' }
  | { status: 'locked' }
  /** Password correct; `next` says what the user still has to do before the session is complete. */
  | { status: 'ok'; user: UserRow; next: 'done' | 'totp' | 'enrol' };

export type SecondFactorOutcome = 'ok' | 'invalid' | 'locked';


const T = {
  email: { ja: 'メールアドレス', en: 'E-mail address' },
  password: { ja: 'パスワード', en: 'Password' },
  displayName: { ja: '氏名', en: 'Name' },
  invalidEmail: { ja: 'メールアドレスの形式が正しくありません。', en: 'The e-mail address is not valid.' },
  required: { ja: '必須項目です。', en: 'This field is required.' },
  emailTaken: { ja: 'このメールアドレスは既に登録されています。', en: 'This e-mail address is already registered.' },
  badSecret: { ja: 'TOTP シークレットの形式が正しくありません。', en: 'The TOTP secret is not valid base32.' },
  badOrgKind: { ja: '組織の種別が正しくありません。', en: 'Unknown organisation kind.' },
} satisfies Record<string, Text>;

function toUser(r: UserRow): User {
  return {
    id: r.id, email: r.email, displayName: r.display_name, kind: r.kind, organisationId: r.organisation_id,
    roles: r.roles ?? [], totpEnabled: r.totp_enabled, disabled: r.disabled,
  };
}

function toOrg(r: OrgRow): Organisation {
  return { id: r.id, name: r.name, nameEn: r.name_en, kind: r.kind as OrgKind, email: r.email, category: r.category };
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}

/** Everything routes.ts needs beyond the public Auth contract. */
export interface AuthCore {
  ctx: AppContext;
  auth: Auth;
  /** The password-only session of this request, if any (the actor is public meanwhile). */
  pendingOf(req: FastifyRequest): SessionInfo | undefined;
  sessionUser(req: FastifyRequest): Promise<UserRow | undefined>;
  userRow(id: string, db?: DB): Promise<UserRow | undefined>;
  passwordLogin(email: string, password: string, ip: string): Promise<PasswordOutcome>;
  verifySecondFactor(user: UserRow, code: string, ip: string): Promise<SecondFactorOutcome>;
  /** Resets the failure counters and records the login. */
  loginSucceeded(user: UserRow, ip: string, method: 'password' | 'totp'): Promise<void>;
  /** Replaces the request's session (if any) with a new one: a fresh token at every privilege change. */
  startSession(req: FastifyRequest, reply: FastifyReply, user: UserRow, secondFactorOk: boolean): Promise<string>;
  endSession(req: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** The secret to show on the enrolment page (created on first visit, kept until enabled). */
  enrolmentSecret(user: UserRow): Promise<string>;
  enableTotp(user: UserRow, code: string, actor: Actor, ip: string): Promise<boolean>;
  requestPasswordReset(email: string, ip: string): Promise<void>;
  resetTokenValid(token: string): Promise<boolean>;
  resetPassword(token: string, password: string, req: FastifyRequest): Promise<boolean>;
  listUsers(page: number, pageSize: number): Promise<{ users: Array<UserRow & { organisation_name: string | null }>; total: number }>;
  adminCreateUser(input: { email: string; displayName: string; kind: 'staff' | 'org'; organisationId?: string; roles: string[] }, actor: Actor, ip: string): Promise<User>;
  disableUser(id: string, actor: Actor, ip: string): Promise<boolean>;
  /** A public reporter signs up: the account gets a password only through the e-mailed link, which proves the address. */
  registerPublic(input: { email: string; displayName: string }, ip: string): Promise<void>;
}

export function createAuth(ctx: AppContext): Auth {
  const grants = new Map<string, { roles: Set<string>; description: Text }>();
  const pending = new WeakMap<FastifyRequest, SessionInfo>();
  const db = () => ctx.db;
  let lastPrune = 0;

  const permissionsOf = (roles: string[]): Set<string> => {
    const out = new Set<string>();
    for (const [perm, g] of grants) if (roles.some((r) => g.roles.has(r))) out.add(perm);
    return out;
  };

  const actorOf = (user: User): Actor => ({
    userId: user.id, kind: user.kind, displayName: user.displayName, organisationId: user.organisationId, roles: user.roles,
    // Permissions are staff business; organisations and the public get access per case.
    permissions: user.kind === 'staff' ? permissionsOf(user.roles) : new Set(),
  });

  const userRow = async (id: string, exec: DB = db()) =>
    /^[0-9a-f-]{36}$/i.test(id) ? exec.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst() : undefined;

  const audit = (action: string, actor: Actor, user: { id: string } | null, ip: string | undefined, details?: Record<string, unknown>, trx?: Executor) =>
    ctx.audit.record({ action, actor, subjectType: 'user', subjectId: user?.id, ip, details }, trx);

  const idleSeconds = (user: UserRow, secondFactorOk: boolean) =>
    !secondFactorOk ? PENDING_IDLE_S : user.kind === 'staff' ? STAFF_IDLE_S : OTHER_IDLE_S;

  const cookieOptions = (maxAge?: number) => ({
    path: '/', httpOnly: true, sameSite: 'lax' as const, secure: ctx.config.secureCookies, ...(maxAge ? { maxAge } : {}),
  });
  // Staff and half-finished sessions use a browser-session cookie; others may stay logged in.
  const cookieMaxAge = (user: UserRow, secondFactorOk: boolean) => (secondFactorOk && user.kind !== 'staff' ? OTHER_IDLE_S : undefined);

  async function failuresSince(key: string, minutes: number, exec: DB = db()): Promise<number> {
    const r = await sql<{ n: number }>`select count(*)::int as n from login_attempts
      where key = ${key} and at > now() - make_interval(mins => ${minutes})`.execute(exec);
    return r.rows[0]?.n ?? 0;
  }

  async function maybePrune() {
    if (Date.now() - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = Date.now();
    await db().deleteFrom('sessions').where('expires_at', '<', sql<Date>`now()`).execute();
    await sql`delete from login_attempts where at < now() - interval '1 day'`.execute(db());
  }

  async function isLocked(email: string, user: UserRow | undefined): Promise<boolean> {
    if (user) {
      const r = await sql<{ locked: boolean }>`select coalesce(locked_until > now(), false) as locked from users where id = ${user.id}`.execute(db());
      if (r.rows[0]?.locked) return true;
    }
    // Counted per address whether or not an account exists, so the lock does not reveal accounts.
    return (await failuresSince(`email:${email}`, LOCK_MINUTES)) >= ctx.config.loginMaxFailures;
  }

  async function recordFailure(email: string, ip: string, user: UserRow | undefined, reason: string) {
    await db().insertInto('login_attempts').values([{ key: `email:${email}` }, { key: `ip:${ip}` }]).execute();
    if (user) {
      // Consecutive failures since the last success; every failure from the limit on (re)locks.
      await sql`update users set failed_logins = failed_logins + 1,
        locked_until = case when failed_logins + 1 >= ${ctx.config.loginMaxFailures}
          then now() + make_interval(mins => ${LOCK_MINUTES}) else locked_until end
        where id = ${user.id}`.execute(db());
    }
    await audit('auth.login_failed', PUBLIC_ACTOR, user ?? null, ip, { email, reason });
    await maybePrune();
  }

  const core: AuthCore = {
    ctx,
    auth: undefined as unknown as Auth,
    pendingOf: (req) => pending.get(req),
    async sessionUser(req) {
      if (req.actor.userId) return userRow(req.actor.userId);
      return pending.get(req)?.user;
    },
    userRow: (id, exec) => userRow(id, exec),

    async passwordLogin(rawEmail, password, ip) {
      const email = normaliseEmail(rawEmail).slice(0, 320);
      if ((await failuresSince(`ip:${ip}`, LOCK_MINUTES)) >= IP_MAX_FAILURES) {
        await audit('auth.login_failed', PUBLIC_ACTOR, null, ip, { email, reason: 'ip_limited' });
        return { status: 'locked' };
      }
      const user = await db().selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
      if (await isLocked(email, user)) {
        await audit('auth.login_failed', PUBLIC_ACTOR, user ?? null, ip, { email, reason: 'locked' });
        return { status: 'locked' };
      }
      // Always run scrypt so the response time does not tell whether the address exists.
      const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
      if (!user || !ok || user.disabled) {
        await recordFailure(email, ip, user, !user ? 'unknown_email' : !ok ? 'bad_password' : 'disabled');
        return { status: (await isLocked(email, user)) ? 'locked' : 'invalid' };
      }
      // Counters are reset only once the whole login succeeds: otherwise a known password would
      // allow unlimited guessing of TOTP codes by logging in again between guesses.
      if (user.totp_enabled) return { status: 'ok', user, next: 'totp' };
      if (user.kind === 'staff') return { status: 'ok', user, next: 'enrol' };
      return { status: 'ok', user, next: 'done' };
    },

    async verifySecondFactor(user, code, ip) {
      const fresh = await userRow(user.id);
      if (!fresh || fresh.disabled || !fresh.totp_enabled || !fresh.totp_secret) return 'invalid';
      if (await isLocked(fresh.email, fresh)) {
        await audit('auth.login_failed', PUBLIC_ACTOR, fresh, ip, { email: fresh.email, reason: 'locked' });
        return 'locked';
      }
      const step = totpStep(openTotpSecret(ctx.config.secret, fresh.totp_secret), code);
      if (step !== null) {
        // Atomic compare-and-set: the same code (or an older one) is accepted at most once.
        const r = await db().updateTable('users').set({ totp_last_step: step })
          .where('id', '=', fresh.id)
          .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 1) return 'ok';
      }
      await recordFailure(fresh.email, ip, fresh, step === null ? 'bad_totp' : 'totp_replayed');
      return (await isLocked(fresh.email, fresh)) ? 'locked' : 'invalid';
    },

    async loginSucceeded(user, ip, method) {
      await db().updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', user.id).execute();
      await db().deleteFrom('login_attempts').where('key', '=', `email:${user.email}`).execute();
      await audit('auth.login', actorOf(toUser(user)), user, ip, { method });
    },

    async startSession(req, reply, user, secondFactorOk) {
      const old = req.cookies[SESSION_COOKIE];
      if (old) await db().deleteFrom('sessions').where('id', '=', hashToken(old)).execute();
      const token = newToken();
      const id = hashToken(token);
      await db().insertInto('sessions').values({
        id, user_id: user.id, second_factor_ok: secondFactorOk,
        last_seen_at: sql<Date>`now()`,
        expires_at: sql<Date>`now() + make_interval(secs => ${idleSeconds(user, secondFactorOk)})`,
        ip: req.ip, user_agent: String(req.headers['user-agent'] ?? '').slice(0, 500) || null,
      }).execute();
      reply.setCookie(SESSION_COOKIE, token, cookieOptions(cookieMaxAge(user, secondFactorOk)));
      req.cookies[SESSION_COOKIE] = token;
      if (secondFactorOk) {
        req.actor = actorOf(toUser(user));
        req.sessionId = id;
        pending.delete(req);
      } else {
        pending.set(req, { id, user, secondFactorOk });
      }
      return id;
    },

    async endSession(req, reply) {
      const token = req.cookies[SESSION_COOKIE];
      if (token) await db().deleteFrom('sessions').where('id', '=', hashToken(token)).execute();
      reply.clearCookie(SESSION_COOKIE, cookieOptions());
      req.sessionId = null;
      req.actor = PUBLIC_ACTOR;
      pending.delete(req);
    },

    async enrolmentSecret(user) {
      const fresh = await userRow(user.id);
      if (fresh?.totp_secret && !fresh.totp_enabled) return openTotpSecret(ctx.config.secret, fresh.totp_secret);
      const secret = newTotpSecret();
      // Never overwrite an enabled secret: re-enrolment is an administrator's reset, not a page visit.
      await db().updateTable('users').set({ totp_secret: sealTotpSecret(ctx.config.secret, secret), totp_last_step: null })
        .where('id', '=', user.id).where('totp_enabled', '=', false).execute();
      return secret;
    },

    async enableTotp(user, code, actor, ip) {
      const fresh = await userRow(user.id);
      if (!fresh?.totp_secret || fresh.totp_enabled) return false;
      const step = totpStep(openTotpSecret(ctx.config.secret, fresh.totp_secret), code);
      if (step === null) return false;
      const r = await db().transaction().execute(async (trx) => {
        const res = await trx.updateTable('users').set({ totp_enabled: true, totp_last_step: step })
          .where('id', '=', fresh.id).where('totp_enabled', '=', false).where('totp_secret', '=', fresh.totp_secret)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) return false;
        await audit('auth.totp_enrol', actor, fresh, ip, undefined, trx);
        return true;
      });
      return r;
    },

    async requestPasswordReset(rawEmail, ip) {
      const email = normaliseEmail(rawEmail).slice(0, 320);
      if (!isValidEmail(email)) return;
      const key = `reset:${email}`;
      if ((await failuresSince(key, 60)) >= RESET_MAILS_PER_HOUR) return;
      await db().insertInto('login_attempts').values({ key }).execute();
      const user = await db().selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
      if (!user || user.disabled) return;
      await db().transaction().execute(async (trx) => {
        await issueResetMail(trx, user, RESET_VALID_S, 'reset');
        await audit('auth.password_reset_request', PUBLIC_ACTOR, user, ip, undefined, trx);
      });
    },

    async resetTokenValid(token) {
      if (!isTokenShaped(token)) return false;
      const r = await db().selectFrom('password_resets').select('user_id')
        .where('token_hash', '=', hashToken(token)).where('used_at', 'is', null)
        .where('expires_at', '>', sql<Date>`now()`).executeTakeFirst();
      return !!r;
    },

    async resetPassword(token, password, req) {
      if (!isTokenShaped(token)) return false;
      const hash = await hashPassword(password);
      return db().transaction().execute(async (trx) => {
        // Consuming the token is the conditional update itself, so two concurrent uses cannot both win.
        const used = await trx.updateTable('password_resets').set({ used_at: sql<Date>`now()` })
          .where('token_hash', '=', hashToken(token)).where('used_at', 'is', null)
          .where('expires_at', '>', sql<Date>`now()`).returning('user_id').executeTakeFirst();
        if (!used) return false;
        const user = await userRow(used.user_id, trx);
        if (!user || user.disabled) return false;
        await trx.updateTable('users').set({ password_hash: hash, failed_logins: 0, locked_until: null }).where('id', '=', user.id).execute();
        await trx.updateTable('password_resets').set({ used_at: sql<Date>`now()` })
          .where('user_id', '=', user.id).where('used_at', 'is', null).execute();
        // Whoever knew the old password is logged out everywhere; keep only the caller's own session.
        let del = trx.deleteFrom('sessions').where('user_id', '=', user.id);
        if (req.sessionId && req.actor.userId === user.id) del = del.where('id', '<>', req.sessionId);
        await del.execute();
        await trx.deleteFrom('login_attempts').where('key', '=', `email:${user.email}`).execute();
        await audit('auth.password_reset', req.actor.userId ? req.actor : PUBLIC_ACTOR, user, req.ip, undefined, trx);
        return true;
      });
    },

    async listUsers(page, pageSize) {
      const [users, total] = await Promise.all([
        db().selectFrom('users').leftJoin('organisations', 'organisations.id', 'users.organisation_id')
          .selectAll('users').select('organisations.name as organisation_name')
          .orderBy('users.kind').orderBy('users.email')
          .limit(pageSize).offset((page - 1) * pageSize).execute(),
        sql<{ n: number }>`select count(*)::int as n from users`.execute(db()).then((r) => r.rows[0]?.n ?? 0),
      ]);
      return { users, total };
    },

    async adminCreateUser(input, actor, ip) {
      return db().transaction().execute(async (trx) => {
        // Nobody, the administrator included, ever knows the initial password: the user sets it
        // through an invitation link.
        const user = await auth.createUser({
          email: input.email, displayName: input.displayName, kind: input.kind, organisationId: input.organisationId,
          roles: input.roles, password: newToken(),
        }, trx);
        const row = (await userRow(user.id, trx))!;
        await issueResetMail(trx, row, INVITE_VALID_S, 'invite');
        await audit('auth.user_create', actor, user, ip, { email: user.email, kind: user.kind, roles: user.roles, organisationId: user.organisationId }, trx);
        return user;
      });
    },

    async registerPublic(input, ip) {
      const email = normaliseEmail(input.email);
      const existing = await db().selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
      // Same answer either way, so the form cannot be used to learn who has an account; an existing
      // holder simply gets a password-reset link.
      if (existing) {
        if (!existing.disabled) await core.requestPasswordReset(email, ip);
        return;
      }
      await db().transaction().execute(async (trx) => {
        const user = await auth.createUser({ email, displayName: input.displayName, kind: 'public', password: newToken() }, trx);
        const row = (await userRow(user.id, trx))!;
        await issueResetMail(trx, row, INVITE_VALID_S, 'invite');
        await audit('auth.register', PUBLIC_ACTOR, row, ip, { email }, trx);
      });
    },

    async disableUser(id, actor, ip) {
      return db().transaction().execute(async (trx) => {
        const user = await userRow(id, trx);
        if (!user) return false;
        await trx.updateTable('users').set({ disabled: true }).where('id', '=', id).execute();
        await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
        await audit('auth.user_disable', actor, user, ip, { email: user.email }, trx);
        return true;
      });
    },
  };

  async function issueResetMail(trx: DB, user: UserRow, validSeconds: number, kind: 'reset' | 'invite') {
    const token = newToken();
    const tokenHash = hashToken(token);
    await trx.insertInto('password_resets').values({
      token_hash: tokenHash, user_id: user.id, expires_at: sql<Date>`now() + make_interval(secs => ${validSeconds})`,
    }).execute();
    const link = `${ctx.config.baseUrl}/password-reset/${token}`;
    const mail = kind === 'reset'
      ? {
        subject: '【Mamori】パスワード再設定のご案内 / Password reset',
        text: `${user.display_name} 様\n\nパスワード再設定の依頼を受け付けました。次のリンクから1時間以内に新しいパスワードを設定してください。\n${link}\n\nお心当たりがない場合は、このメールを破棄してください。パスワードは変更されません。\n\n---\n\nA password reset was requested for your Mamori account. Set a new password within one hour using this link:\n${link}\n\nIf you did not ask for this, ignore this message; your password stays unchanged.\n`,
      }
      : {
        subject: '【Mamori】アカウント開設のご案内 / Your Mamori account',
        text: `${user.display_name} 様\n\nMamori のアカウントが作成されました。次のリンクから72時間以内にパスワードを設定してください。\n${link}\n\n---\n\nA Mamori account has been created for you. Set your password within 72 hours using this link:\n${link}\n`,
      };
    await ctx.mail.enqueue({ to: user.email, ...mail, key: `auth-${kind}:${tokenHash}` }, trx);
  }

  const auth: Auth = {
    grant(permission, roles, description) {
      const g = grants.get(permission);
      if (g) for (const r of roles) g.roles.add(r);
      else grants.set(permission, { roles: new Set(roles), description });
    },
    permissionsOf,
    can: (actor, permission) => hasPermission(actor, permission),

    async createOrganisation(input, trx) {
      if (!(ORG_KINDS as readonly string[]).includes(input.kind)) throw validationFailed([{ field: 'kind', message: T.badOrgKind }]);
      const exec = (trx ?? db()) as DB;
      const row = await exec.insertInto('organisations').values({
        name: input.name.trim(), name_en: input.nameEn?.trim() || null, kind: input.kind,
        email: input.email ? normaliseEmail(input.email) : null, category: input.category?.trim() || null,
      }).returningAll().executeTakeFirstOrThrow();
      return toOrg(row);
    },
    async getOrganisation(id, trx) {
      if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
      const r = await ((trx ?? db()) as DB).selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toOrg(r);
    },
    async listOrganisations(filter = {}, trx) {
      let q = ((trx ?? db()) as DB).selectFrom('organisations').selectAll().orderBy('name');
      if (filter.kind) q = q.where('kind', '=', filter.kind);
      return (await q.execute()).map(toOrg);
    },

    async createUser(input, trx) {
      const email = normaliseEmail(input.email);
      const errors: FieldError[] = [];
      if (!isValidEmail(email)) errors.push({ field: 'email', message: T.invalidEmail });
      if (!input.displayName.trim()) errors.push({ field: 'displayName', message: T.required });
      const pw = passwordProblem(input.password);
      if (pw) errors.push({ field: 'password', message: pw });
      const secret = input.totpSecret?.replace(/\s+/g, '').toUpperCase();
      if (secret !== undefined && !isBase32Secret(secret)) errors.push({ field: 'totpSecret', message: T.badSecret });
      if (errors.length) throw validationFailed(errors);
      const exec = (trx ?? db()) as DB;
      try {
        const row = await exec.insertInto('users').values({
          email, display_name: input.displayName.trim(), kind: input.kind, organisation_id: input.organisationId ?? null,
          roles: [...new Set(input.roles ?? [])], password_hash: await hashPassword(input.password),
          totp_secret: secret ? sealTotpSecret(ctx.config.secret, secret) : null, totp_enabled: secret !== undefined, totp_last_step: null, locked_until: null,
        }).returningAll().executeTakeFirstOrThrow();
        return toUser(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError(409, 'email_taken', T.emailTaken, [{ field: 'email', message: T.emailTaken }]);
        throw err;
      }
    },
    async getUser(id) {
      const r = await userRow(id);
      return r && toUser(r);
    },
    async listStaff() {
      const rows = await db().selectFrom('users').selectAll().where('kind', '=', 'staff').where('disabled', '=', false)
        .orderBy('display_name').orderBy('email').execute();
      return rows.map(toUser);
    },
    async findUserByEmail(email) {
      const r = await db().selectFrom('users').selectAll().where('email', '=', normaliseEmail(email)).executeTakeFirst();
      return r && toUser(r);
    },
    actorOf,

    async verifyCredentials(email, password, ip) {
      const r = await core.passwordLogin(email, password, ip);
      if (r.status !== 'ok') return r;
      // Machine access has no second factor: accounts that need one (staff) must use tokens.
      if (r.next !== 'done') return { status: 'second_factor_required' };
      await db().updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', r.user.id).where('failed_logins', '>', 0).execute();
      await db().deleteFrom('login_attempts').where('key', '=', `email:${r.user.email}`).execute();
      return { status: 'ok', user: toUser(r.user) };
    },

    async routes(app: FastifyInstance) {
      // Added on the root instance so that every route, in every module scope, sees the actor.
      app.addHook('onRequest', async (req, reply) => {
        const token = req.cookies[SESSION_COOKIE];
        if (!token) return;
        const s = isTokenShaped(token) ? await loadSession(hashToken(token)) : undefined;
        if (!s) {
          reply.clearCookie(SESSION_COOKIE, cookieOptions());
          return;
        }
        if (!s.session.second_factor_ok) {
          // Half-logged-in: public everywhere except the second-factor pages, which use pendingOf().
          pending.set(req, { id: s.session.id, user: s.user, secondFactorOk: false });
          return;
        }
        req.actor = actorOf(toUser(s.user));
        req.sessionId = s.session.id;
        if (Date.now() - s.session.last_seen_at.getTime() >= TOUCH_EVERY_MS) {
          await db().updateTable('sessions').set({
            last_seen_at: sql<Date>`now()`,
            expires_at: sql<Date>`now() + make_interval(secs => ${idleSeconds(s.user, true)})`,
          }).where('id', '=', s.session.id).execute();
          const maxAge = cookieMaxAge(s.user, true);
          if (maxAge) reply.setCookie(SESSION_COOKIE, token, cookieOptions(maxAge));
          await maybePrune();
        }
      });
      await authRoutes(app, core);
    },
  };
  core.auth = auth;

  async function loadSession(id: string) {
    const row = await db().selectFrom('sessions').innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('users')
      .select(['sessions.id as s_id', 'sessions.last_seen_at as s_last_seen_at', 'sessions.second_factor_ok as s_second_factor_ok'])
      .where('sessions.id', '=', id).where('sessions.expires_at', '>', sql<Date>`now()`).where('users.disabled', '=', false)
      .executeTakeFirst();
    if (!row) return undefined;
    const { s_id, s_last_seen_at, s_second_factor_ok, ...user } = row;
    return { session: { id: s_id, last_seen_at: new Date(s_last_seen_at), second_factor_ok: s_second_factor_ok }, user: user as UserRow };
  }

  // The kernel's own permissions. Administrators get only what is granted here or by modules.
  auth.grant('admin.users', ['administrator'], { ja: 'ユーザーの作成・無効化', en: 'Create and disable user accounts' });
  auth.grant('audit.read', ['auditor', 'administrator'], { ja: '監査ログの閲覧', en: 'Read the audit log' });

  return auth;
}

