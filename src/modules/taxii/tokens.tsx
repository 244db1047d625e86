// /account/taxii-tokens: a logged-in user creates and revokes API tokens for TAXII clients. Only
// the hash of a token is stored; the token itself is shown once, right after it is created.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { requireLogin } from '../../platform/auth/guards.js';
import { hashToken } from '../../platform/auth/tokens.js';
import { readForm, field } from '../../platform/http/forms.js';
import { pageContext, sendPage } from '../../platform/http/request.js';
import { notFound } from '../../platform/http/errors.js';
import { Layout, type PageContext } from '../../platform/ui/layout.js';
import { t, type Text } from '../../platform/i18n/i18n.js';
import { newApiToken } from './credentials.js';

const MAX_TOKENS = 20;

const L = {
  title: { ja: 'TAXII API トークン', en: 'TAXII API tokens' },
  intro: {
    ja: 'TAXII 2.1 クライアント（taxii2-client など）から /taxii2/ に接続するためのトークンです。「Authorization: Bearer <トークン>」で送信します。組織ユーザーはメールアドレスとパスワードによる Basic 認証も使えます。職員は二要素認証があるため、トークンを使ってください。',
    en: 'Tokens let TAXII 2.1 clients (such as taxii2-client) connect to /taxii2/ with "Authorization: Bearer <token>". Organisation users may also use HTTP Basic with their e-mail and password; staff, who have a second factor, must use a token.',
  },
  name: { ja: 'トークンの名前（用途）', en: 'Token name (what it is for)' },
  create: { ja: 'トークンを作成', en: 'Create token' },
  created: { ja: '作成日時', en: 'Created' },
  lastUsed: { ja: '最終使用', en: 'Last used' },
  revoke: { ja: '失効させる', en: 'Revoke' },
  revoked: { ja: '失効済み', en: 'Revoked' },
  none: { ja: 'トークンはありません。', en: 'No tokens yet.' },
  showOnce: { ja: '新しいトークンです。この画面を離れると二度と表示されません。今すぐ安全な場所に保存してください。', en: 'Your new token. It will not be shown again: store it safely now.' },
  nameRequired: { ja: '名前を入力してください（100 文字以内）。', en: 'Enter a name (at most 100 characters).' },
  tooMany: { ja: `有効なトークンは ${MAX_TOKENS} 個までです。不要なものを失効させてください。`, en: `At most ${MAX_TOKENS} active tokens; revoke one first.` },
  revokedNotice: { ja: 'トークンを失効させました。', en: 'The token was revoked.' },
} satisfies Record<string, Text>;

interface TokenRow { id: string; name: string; created_at: Date; last_used_at: Date | null; revoked_at: Date | null }

const fmt = (d: Date | null) => (d ? new Date(d).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '—');

function TokensPage(props: { ctx: PageContext; tokens: TokenRow[]; newToken?: string; error?: Text; notice?: Text }) {
  const { ctx } = props;
  const lang = ctx.lang;
  return (
    <Layout ctx={ctx} title={L.title}>
      <h1>{t(L.title, lang)}</h1>
      <p>{t(L.intro, lang)}</p>
      {props.newToken && (
        <div class="notice" role="status">
          <p>{t(L.showOnce, lang)}</p>
          <p><code id="new-token">{props.newToken}</code></p>
        </div>
      )}
      {props.notice && <p class="notice" role="status">{t(props.notice, lang)}</p>}
      {props.error && <p class="error" role="alert">{t(props.error, lang)}</p>}
      <form method="post" action="/account/taxii-tokens">
        <input type="hidden" name="_csrf" value={ctx.csrfToken} />
        <label for="token-name">{t(L.name, lang)}</label>{' '}
        <input id="token-name" name="name" maxLength={100} required />{' '}
        <button type="submit">{t(L.create, lang)}</button>
      </form>
      {props.tokens.length === 0 ? <p>{t(L.none, lang)}</p> : (
        <table>
          <thead><tr><th scope="col">{t(L.name, lang)}</th><th scope="col">{t(L.created, lang)}</th><th scope="col">{t(L.lastUsed, lang)}</th><th scope="col"><span class="visually-hidden">{t(L.revoke, lang)}</span></th></tr></thead>
          <tbody>
            {props.tokens.map((tk) => (
              <tr>
                <td>{tk.name}</td><td>{fmt(tk.created_at)}</td><td>{fmt(tk.last_used_at)}</td>
                <td>{tk.revoked_at ? `${t(L.revoked, lang)} ${fmt(tk.revoked_at)}` : (
                  <form method="post" action={`/account/taxii-tokens/${tk.id}/revoke`} class="inline">
                    <input type="hidden" name="_csrf" value={ctx.csrfToken} />
                    <button type="submit">{t(L.revoke, lang)}</button>
                  </form>
                )}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

export async function tokenRoutes(app: FastifyInstance, ctx: AppContext) {
  const list = (userId: string) => ctx.db.selectFrom('taxii_tokens').select(['id', 'name', 'created_at', 'last_used_at', 'revoked_at'])
    .where('user_id', '=', userId).orderBy('created_at', 'desc').limit(100).execute();
  const show = async (req: FastifyRequest, reply: import('fastify').FastifyReply, extra: { newToken?: string; error?: Text; notice?: Text } = {}, status = 200) =>
    sendPage(reply, <TokensPage ctx={pageContext(req)} tokens={await list(req.actor.userId!)} {...extra} />, status);

  app.get('/account/taxii-tokens', { onRequest: requireLogin }, async (req, reply) => show(req, reply));

  app.post('/account/taxii-tokens', { onRequest: requireLogin }, async (req, reply) => {
    const name = field(readForm(req), 'name');
    if (!name || [...name].length > 100) return show(req, reply, { error: L.nameRequired }, 422);
    const token = newApiToken();
    const ok = await ctx.db.transaction().execute(async (trx) => {
      const active = await trx.selectFrom('taxii_tokens').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', req.actor.userId!).where('revoked_at', 'is', null).executeTakeFirstOrThrow();
      if (Number(active.n) >= MAX_TOKENS) return false;
      const row = await trx.insertInto('taxii_tokens').values({ user_id: req.actor.userId!, name, token_hash: hashToken(token) } as never).returning('id').executeTakeFirstOrThrow();
      await ctx.audit.record({ action: 'taxii.token_create', actor: req.actor, subjectType: 'taxii_token', subjectId: row.id, ip: req.ip, details: { name } }, trx);
      return true;
    });
    if (!ok) return show(req, reply, { error: L.tooMany }, 422);
    reply.header('cache-control', 'no-store');
    return show(req, reply, { newToken: token });
  });

  app.post('/account/taxii-tokens/:id/revoke', { onRequest: requireLogin }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound({ ja: 'トークン', en: 'token' });
    const done = await ctx.db.transaction().execute(async (trx) => {
      const r = await trx.updateTable('taxii_tokens').set({ revoked_at: new Date() as never })
        .where('id', '=', id).where('user_id', '=', req.actor.userId!).where('revoked_at', 'is', null).returning('id').executeTakeFirst();
      if (!r) return false;
      await ctx.audit.record({ action: 'taxii.token_revoke', actor: req.actor, subjectType: 'taxii_token', subjectId: id, ip: req.ip }, trx);
      return true;
    });
    if (!done) throw notFound({ ja: 'トークン', en: 'token' });
    return show(req, reply, { notice: L.revokedNotice });
  });
}
