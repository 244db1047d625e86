// HTTP side of auth: login (form and JSON), second factor, logout, password reset, the account
// page and the minimal user administration.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { PUBLIC_ACTOR } from '../context.js';
import { AppError, notFound, validationFailed } from '../http/errors.js';
import { field, readForm, type FormData } from '../http/forms.js';
import { pageContext, sendPage, wantsHtml } from '../http/request.js';
import type { Text } from '../i18n/i18n.js';
import { STAFF_ROLES, type User } from './auth.js';
import type { AuthCore, UserRow } from './auth-service.js';
import { requireLogin, requirePermission } from './guards.js';
import { passwordProblem } from './passwords.js';
import { totpUri } from './totp.js';
import { isValidEmail } from './tokens.js';
import {
  AccountPage, AdminUsersPage, EnrolPage, LoginPage, RegisterPage, ResetInvalidPage, ResetPage, ResetRequestPage, TotpPage, type FormError,
} from './pages.js';

const E = {
  required: { ja: '入力してください。', en: 'Please fill this in.' },
  invalidLogin: {
    ja: 'メールアドレスまたはパスワードが正しくありません。',
    en: 'The e-mail address or the password is incorrect.',
  },
  locked: {
    ja: 'ログインの失敗が続いたため、一時的にログインできません。15分ほど待ってから再度お試しください。',
    en: 'Too many failed attempts: logging in is blocked for a while. Please try again in about 15 minutes.',
  },
  invalidCode: { ja: '確認コードが正しくないか、既に使用されています。', en: 'The code is wrong or has already been used.' },
  invalidEmail: { ja: 'メールアドレスの形式が正しくありません。', en: 'The e-mail address is not valid.' },
  mismatch: { ja: '確認用のパスワードが一致しません。', en: 'The two passwords do not match.' },
  totpRequired: { ja: '確認コード（TOTP）が必要です。', en: 'A TOTP code is required.' },
  enrolRequired: {
    ja: '職員アカウントは、ブラウザでログインして2段階認証を設定してから API を利用してください。',
    en: 'Staff accounts must log in with a browser and set up two-step verification before using the API.',
  },
  badKind: { ja: '種別を選択してください。', en: 'Choose a kind.' },
  orgRequired: { ja: '組織ユーザーには組織の指定が必要です。', en: 'Organisation users need an organisation.' },
  orgNotForStaff: { ja: '職員に組織は指定できません。', en: 'Staff users do not belong to an organisation.' },
  unknownOrg: { ja: '組織が見つかりません。', en: 'The organisation does not exist.' },
  badRoles: { ja: 'ロールは職員にのみ、定義済みのものから指定できます。', en: 'Roles can only be given to staff, from the defined list.' },
  selfDisable: { ja: '自分自身のアカウントは無効にできません。', en: 'You cannot disable your own account.' },
} satisfies Record<string, Text>;

const NOTICES = {
  logged_out: { ja: 'ログアウトしました。', en: 'You have logged out.' },
  reset: { ja: 'パスワードを設定しました。新しいパスワードでログインしてください。', en: 'Your password has been set. Log in with the new password.' },
  totp: { ja: '2段階認証を有効にしました。', en: 'Two-step verification is now enabled.' },
  created: { ja: 'ユーザーを作成し、パスワード設定の案内メールを送りました。', en: 'The user was created and has been sent a link to set a password.' },
  disabled: { ja: 'ユーザーを無効にしました。', en: 'The user has been disabled.' },
} satisfies Record<string, Text>;

/** A local path to return to after login; anything else (other hosts, `//x`, `/\x`) is dropped. */
export function safeNext(v: unknown): string | null {
  if (typeof v !== 'string' || v.length > 2000) return null;
  if (!/^\/(?![/\\])/.test(v) || /[\u0000-\u001f\u007f\\]/.test(v)) return null;
  return v;
}

const landing = (kind: string) => (kind === 'staff' ? '/staff' : '/account');
const withNext = (path: string, next: string | null) => (next ? `${path}?next=${encodeURIComponent(next)}` : path);
const query = (req: FastifyRequest) => (req.query ?? {}) as Record<string, string | undefined>;
const nextOf = (req: FastifyRequest, form?: FormData) => safeNext((form && field(form, 'next')) || query(req).next);
/** Passwords are taken verbatim: leading or trailing spaces are part of them. */
function rawField(form: FormData, name: string): string {
  const v = form.fields[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}
const see = (reply: FastifyReply, url: string) => reply.redirect(url, 303);
const noticeOf = (req: FastifyRequest): Text | undefined => {
  const q = query(req);
  const key = Object.keys(NOTICES).find((k) => q[k] !== undefined) as keyof typeof NOTICES | undefined;
  return key && NOTICES[key];
};

const UserSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  displayName: Type.String(),
  kind: Type.Union([Type.Literal('staff'), Type.Literal('org'), Type.Literal('public')]),
  organisationId: Type.Union([Type.String(), Type.Null()]),
  roles: Type.Array(Type.String()),
  permissions: Type.Array(Type.String()),
  totpEnabled: Type.Boolean(),
});

export async function authRoutes(root: FastifyInstance, core: AuthCore): Promise<void> {
  const { ctx, auth } = core;
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const loginLimit = { rateLimit: { max: 30, timeWindow: '1 minute' } };

  const userJson = (u: User) => ({ ...u, permissions: [...auth.actorOf(u).permissions].sort() });
  const toUserOf = async (row: UserRow) => (await auth.getUser(row.id))!;

  // ---- login -------------------------------------------------------------------------------

  app.get('/login', async (req, reply) => {
    const next = nextOf(req);
    if (req.actor.userId) return see(reply, next ?? landing(req.actor.kind));
    const p = core.pendingOf(req);
    if (p) return see(reply, withNext(p.user.totp_enabled ? '/login/totp' : '/account/totp-enrol', next));
    return sendPage(reply, LoginPage({ ctx: pageContext(req), next, email: '', errors: [], notice: noticeOf(req) }));
  });

  app.post('/login', { config: loginLimit }, async (req, reply) => {
    const form = readForm(req);
    const next = nextOf(req, form);
    const email = field(form, 'email');
    const password = rawField(form, 'password');
    const page = (errors: FormError[], status: number) =>
      sendPage(reply, LoginPage({ ctx: pageContext(req), next, email, errors }), status);
    const missing: FormError[] = [];
    if (!email) missing.push({ field: 'email', message: E.required });
    if (!password) missing.push({ field: 'password', message: E.required });
    if (missing.length) return page(missing, 422);

    const r = await core.passwordLogin(email, password, req.ip);
    if (r.status === 'locked') return page([{ message: E.locked }], 429);
    if (r.status === 'invalid') return page([{ field: 'email', message: E.invalidLogin }], 401);
    if (r.next === 'done') {
      await core.loginSucceeded(r.user, req.ip, 'password');
      await core.startSession(req, reply, r.user, true);
      return see(reply, next ?? landing(r.user.kind));
    }
    await core.startSession(req, reply, r.user, false);
    return see(reply, withNext(r.next === 'totp' ? '/login/totp' : '/account/totp-enrol', next));
  });

  app.get('/login/totp', async (req, reply) => {
    const next = nextOf(req);
    const p = core.pendingOf(req);
    if (!p) return see(reply, req.actor.userId ? next ?? landing(req.actor.kind) : withNext('/login', next));
    if (!p.user.totp_enabled) return see(reply, withNext('/account/totp-enrol', next));
    return sendPage(reply, TotpPage({ ctx: pageContext(req), next, errors: [] }));
  });

  app.post('/login/totp', { config: loginLimit }, async (req, reply) => {
    const form = readForm(req);
    const next = nextOf(req, form);
    const p = core.pendingOf(req);
    if (!p) return see(reply, withNext('/login', next));
    const code = field(form, 'code');
    if (!code) return sendPage(reply, TotpPage({ ctx: pageContext(req), next, errors: [{ field: 'code', message: E.required }] }), 422);
    const r = await core.verifySecondFactor(p.user, code, req.ip);
    if (r === 'locked') {
      await core.endSession(req, reply);
      return sendPage(reply, LoginPage({ ctx: pageContext(req), next, email: p.user.email, errors: [{ message: E.locked }] }), 429);
    }
    if (r === 'invalid') return sendPage(reply, TotpPage({ ctx: pageContext(req), next, errors: [{ field: 'code', message: E.invalidCode }] }), 401);
    await core.loginSucceeded(p.user, req.ip, 'totp');
    await core.startSession(req, reply, p.user, true);
    return see(reply, next ?? landing(p.user.kind));
  });

  // ---- TOTP enrolment: a half-logged-in staff member must finish it; others may opt in ------

  async function enrolSubject(req: FastifyRequest): Promise<{ user: UserRow; pending: boolean } | undefined> {
    const p = core.pendingOf(req);
    if (p) return { user: (await core.userRow(p.user.id)) ?? p.user, pending: true };
    if (req.actor.userId) {
      const user = await core.userRow(req.actor.userId);
      if (user) return { user, pending: false };
    }
    return undefined;
  }

  app.get('/account/totp-enrol', async (req, reply) => {
    const next = nextOf(req);
    const s = await enrolSubject(req);
    if (!s) return see(reply, withNext('/login', '/account/totp-enrol'));
    if (s.pending && s.user.totp_enabled) return see(reply, withNext('/login/totp', next));
    const secret = s.user.totp_enabled ? null : await core.enrolmentSecret(s.user);
    return sendPage(reply, EnrolPage({
      ctx: pageContext(req), next, secret, uri: secret && totpUri(secret, s.user.email), required: s.user.kind === 'staff', errors: [],
    }));
  });

  app.post('/account/totp-enrol', { config: loginLimit }, async (req, reply) => {
    const form = readForm(req);
    const next = nextOf(req, form);
    const s = await enrolSubject(req);
    if (!s) return see(reply, withNext('/login', '/account/totp-enrol'));
    if (s.user.totp_enabled) return see(reply, s.pending ? withNext('/login/totp', next) : '/account');
    const code = field(form, 'code');
    const actor = s.pending ? auth.actorOf(await toUserOf(s.user)) : req.actor;
    const ok = code ? await core.enableTotp(s.user, code, actor, req.ip) : false;
    if (!ok) {
      const secret = await core.enrolmentSecret(s.user);
      return sendPage(reply, EnrolPage({
        ctx: pageContext(req), next, secret, uri: totpUri(secret, s.user.email), required: s.user.kind === 'staff',
        errors: [{ field: 'code', message: code ? E.invalidCode : E.required }],
      }), 422);
    }
    if (!s.pending) return see(reply, '/account?totp=1');
    await core.loginSucceeded(s.user, req.ip, 'totp');
    await core.startSession(req, reply, s.user, true);
    return see(reply, next ?? landing(s.user.kind));
  });

  // ---- logout --------------------------------------------------------------------------------

  app.post('/logout', async (req, reply) => {
    const user = await core.sessionUser(req);
    if (user) await ctx.audit.record({ action: 'auth.logout', actor: req.actor.userId ? req.actor : PUBLIC_ACTOR, subjectType: 'user', subjectId: user.id, ip: req.ip });
    await core.endSession(req, reply);
    return see(reply, '/login?logged_out=1');
  });

  // ---- password reset ------------------------------------------------------------------------

  app.get('/register', async (req, reply) =>
    sendPage(reply, RegisterPage({ ctx: pageContext(req), email: '', displayName: '', errors: [], sent: false })));

  app.post('/register', { config: { rateLimit: { max: 5, timeWindow: '15 minutes' } } }, async (req, reply) => {
    const form = readForm(req);
    const email = field(form, 'email');
    const displayName = field(form, 'display_name');
    const errors: FormError[] = [];
    if (!displayName) errors.push({ field: 'display_name', message: E.required });
    else if (displayName.length > 200) errors.push({ field: 'display_name', message: { ja: '200文字以内で入力してください。', en: 'At most 200 characters.' } });
    if (!email) errors.push({ field: 'email', message: E.required });
    else if (!isValidEmail(email)) errors.push({ field: 'email', message: E.invalidEmail });
    if (errors.length) return sendPage(reply, RegisterPage({ ctx: pageContext(req), email, displayName, errors, sent: false }), 422);
    await core.registerPublic({ email, displayName }, req.ip);
    return sendPage(reply, RegisterPage({ ctx: pageContext(req), email: '', displayName: '', errors: [], sent: true }));
  });

  app.get('/password-reset', async (req, reply) =>
    sendPage(reply, ResetRequestPage({ ctx: pageContext(req), email: '', errors: [], sent: false })));

  app.post('/password-reset', { config: { rateLimit: { max: 10, timeWindow: '15 minutes' } } }, async (req, reply) => {
    const form = readForm(req);
    const email = field(form, 'email');
    const error = !email ? E.required : !isValidEmail(email) ? E.invalidEmail : null;
    if (error) return sendPage(reply, ResetRequestPage({ ctx: pageContext(req), email, errors: [{ field: 'email', message: error }], sent: false }), 422);
    // Same answer whether or not the address has an account.
    await core.requestPasswordReset(email, req.ip);
    return sendPage(reply, ResetRequestPage({ ctx: pageContext(req), email: '', errors: [], sent: true }));
  });

  app.get<{ Params: { token: string } }>('/password-reset/:token', async (req, reply) => {
    if (!(await core.resetTokenValid(req.params.token))) return sendPage(reply, ResetInvalidPage({ ctx: pageContext(req) }), 410);
    return sendPage(reply, ResetPage({ ctx: pageContext(req), token: req.params.token, errors: [] }));
  });

  app.post<{ Params: { token: string } }>('/password-reset/:token', { config: loginLimit }, async (req, reply) => {
    const { token } = req.params;
    const form = readForm(req);
    const password = rawField(form, 'password');
    const confirm = rawField(form, 'password_confirm');
    const errors: FormError[] = [];
    const problem = password ? passwordProblem(password) : E.required;
    if (problem) errors.push({ field: 'password', message: problem });
    else if (password !== confirm) errors.push({ field: 'password_confirm', message: E.mismatch });
    if (!(await core.resetTokenValid(token))) return sendPage(reply, ResetInvalidPage({ ctx: pageContext(req) }), 410);
    if (errors.length) return sendPage(reply, ResetPage({ ctx: pageContext(req), token, errors }), 422);
    if (!(await core.resetPassword(token, password, req))) return sendPage(reply, ResetInvalidPage({ ctx: pageContext(req) }), 410);
    return see(reply, req.actor.userId ? '/account' : '/login?reset=1');
  });

  // ---- account -------------------------------------------------------------------------------

  app.get('/account', { onRequest: requireLogin }, async (req, reply) => {
    const user = await auth.getUser(req.actor.userId!);
    if (!user) throw notFound({ ja: 'アカウント', en: 'account' });
    const org = user.organisationId ? await auth.getOrganisation(user.organisationId) : undefined;
    return sendPage(reply, AccountPage({ ctx: pageContext(req), user, org, notice: noticeOf(req) }));
  });

  // ---- JSON session API --------------------------------------------------------------------

  app.post('/api/v1/session', {
    config: loginLimit,
    schema: {
      tags: ['auth'],
      summary: 'Log in (sets the mamori_session cookie)',
      description: 'Staff accounts must send a TOTP code; organisation and public accounts only when they enabled TOTP.',
      body: Type.Object({
        email: Type.String({ minLength: 1, maxLength: 320 }),
        password: Type.String({ minLength: 1, maxLength: 1024 }),
        totp: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ user: UserSchema }) },
    },
  }, async (req, reply) => {
    const { email, password, totp } = req.body;
    const r = await core.passwordLogin(email, password, req.ip);
    if (r.status === 'locked') throw new AppError(429, 'login_locked', E.locked);
    if (r.status === 'invalid') throw new AppError(401, 'invalid_credentials', E.invalidLogin);
    if (r.next === 'enrol') throw new AppError(403, 'totp_enrolment_required', E.enrolRequired);
    if (r.next === 'totp') {
      if (!totp) throw new AppError(401, 'totp_required', E.totpRequired, [{ field: 'totp', message: E.totpRequired }]);
      const v = await core.verifySecondFactor(r.user, totp, req.ip);
      if (v === 'locked') throw new AppError(429, 'login_locked', E.locked);
      if (v === 'invalid') throw new AppError(401, 'invalid_totp', E.invalidCode, [{ field: 'totp', message: E.invalidCode }]);
    }
    await core.loginSucceeded(r.user, req.ip, r.next === 'totp' ? 'totp' : 'password');
    await core.startSession(req, reply, r.user, true);
    return { user: userJson(await toUserOf(r.user)) };
  });

  app.get('/api/v1/session', {
    schema: { tags: ['auth'], summary: 'The logged-in user', security: [{ session: [] }], response: { 200: Type.Object({ user: UserSchema }) } },
    onRequest: requireLogin,
  }, async (req) => {
    const user = await auth.getUser(req.actor.userId!);
    if (!user) throw notFound({ ja: 'アカウント', en: 'account' });
    return { user: userJson(user) };
  });

  app.delete('/api/v1/session', {
    // Browsers cannot send a cross-site DELETE without a CORS preflight, which is never granted.
    config: { csrf: false },
    schema: { tags: ['auth'], summary: 'Log out', security: [{ session: [] }], response: { 204: Type.Null() } },
  }, async (req, reply) => {
    const user = await core.sessionUser(req);
    if (user) await ctx.audit.record({ action: 'auth.logout', actor: req.actor.userId ? req.actor : PUBLIC_ACTOR, subjectType: 'user', subjectId: user.id, ip: req.ip });
    await core.endSession(req, reply);
    return reply.code(204).send(null);
  });

  // ---- user administration -----------------------------------------------------------------

  const PAGE_SIZE = 50;
  async function adminPage(req: FastifyRequest, reply: FastifyReply, opts: { errors?: FormError[]; values?: Record<string, unknown>; status?: number } = {}) {
    const page = Math.max(1, Math.min(100_000, Number.parseInt(query(req).page ?? '1', 10) || 1));
    const [{ users, total }, orgs] = await Promise.all([core.listUsers(page, PAGE_SIZE), auth.listOrganisations()]);
    return sendPage(reply, AdminUsersPage({
      ctx: pageContext(req), users, total, page, pageSize: PAGE_SIZE, orgs, errors: opts.errors ?? [],
      values: (opts.values ?? {}) as Parameters<typeof AdminUsersPage>[0]['values'], notice: noticeOf(req), selfId: req.actor.userId,
    }), opts.status ?? 200);
  }

  app.get('/admin/users', { onRequest: requirePermission('admin.users') }, async (req, reply) => adminPage(req, reply));

  app.post('/admin/users', { onRequest: requirePermission('admin.users') }, async (req, reply) => {
    const form = readForm(req);
    const values = {
      email: field(form, 'email'), display_name: field(form, 'display_name'), kind: field(form, 'kind') || 'staff',
      organisation_id: field(form, 'organisation_id'), roles: [...new Set(form.fields.roles === undefined ? [] : ([] as string[]).concat(form.fields.roles).map((s) => s.trim()).filter(Boolean))],
    };
    const errors: FormError[] = [];
    if (!values.email) errors.push({ field: 'email', message: E.required });
    else if (!isValidEmail(values.email)) errors.push({ field: 'email', message: E.invalidEmail });
    if (!values.display_name) errors.push({ field: 'display_name', message: E.required });
    if (values.kind !== 'staff' && values.kind !== 'org') errors.push({ field: 'kind', message: E.badKind });
    if (values.kind === 'org') {
      if (!values.organisation_id) errors.push({ field: 'organisation_id', message: E.orgRequired });
      else if (!(await auth.getOrganisation(values.organisation_id))) errors.push({ field: 'organisation_id', message: E.unknownOrg });
      if (values.roles.length) errors.push({ field: 'roles', message: E.badRoles });
    } else if (values.kind === 'staff') {
      if (values.organisation_id) errors.push({ field: 'organisation_id', message: E.orgNotForStaff });
      if (values.roles.some((r) => !(STAFF_ROLES as readonly string[]).includes(r))) errors.push({ field: 'roles', message: E.badRoles });
    }
    let user: User | undefined;
    if (!errors.length) {
      try {
        user = await core.adminCreateUser({
          email: values.email, displayName: values.display_name, kind: values.kind as 'staff' | 'org',
          organisationId: values.organisation_id || undefined, roles: values.roles,
        }, req.actor, req.ip);
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        // Map the service's camelCase field names to the form's.
        errors.push(...(err.details.length ? err.details : [{ field: 'email', message: err.text }])
          .map((d) => ({ field: d.field === 'displayName' ? 'display_name' : d.field, message: d.message })));
      }
    }
    if (!wantsHtml(req)) {
      if (errors.length) throw validationFailed(errors.map((e) => ({ field: e.field ?? '(body)', message: e.message })));
      return reply.code(201).send({ user: userJson(user!) });
    }
    if (errors.length) return adminPage(req, reply, { errors, values, status: 422 });
    return see(reply, '/admin/users?created=1');
  });

  app.post<{ Params: { id: string } }>('/admin/users/:id/disable', { onRequest: requirePermission('admin.users') }, async (req, reply) => {
    if (req.params.id === req.actor.userId) throw new AppError(409, 'cannot_disable_self', E.selfDisable);
    if (!(await core.disableUser(req.params.id, req.actor, req.ip))) throw notFound({ ja: 'ユーザー', en: 'user' });
    if (!wantsHtml(req)) return { ok: true };
    return see(reply, '/admin/users?disabled=1');
  });
}
