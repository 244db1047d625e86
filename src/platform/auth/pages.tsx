// Server-rendered auth pages. Every form posts the CSRF token, every input has a label, and errors
// are listed in a role="alert" summary that names and links to the field, as well as next to it.
import type { ComponentChildren } from 'preact';
import { Layout, type PageContext } from '../ui/layout.js';
import { t, type Lang, type Text } from '../i18n/i18n.js';
import { formatDateTime } from '../i18n/dates.js';
import { STAFF_ROLES, type Organisation, type User } from './auth.js';
import { PASSWORD_MIN_LENGTH } from './passwords.js';

export interface FormError { field?: string; message: Text }

export const L = {
  email: { ja: 'メールアドレス', en: 'E-mail address' },
  password: { ja: 'パスワード', en: 'Password' },
  newPassword: { ja: '新しいパスワード', en: 'New password' },
  confirmPassword: { ja: '新しいパスワード（確認）', en: 'New password (again)' },
  code: { ja: '確認コード（6桁）', en: 'Verification code (6 digits)' },
  displayName: { ja: '氏名', en: 'Name' },
  kind: { ja: '種別', en: 'Kind' },
  organisation: { ja: '組織', en: 'Organisation' },
  roles: { ja: 'ロール', en: 'Roles' },
  errorsTitle: { ja: '入力内容を確認してください。', en: 'Please check the form.' },
  passwordHint: { ja: `${PASSWORD_MIN_LENGTH}文字以上。長い文章（パスフレーズ）を推奨します。`, en: `At least ${PASSWORD_MIN_LENGTH} characters. A long passphrase is best.` },
  yes: { ja: 'はい', en: 'Yes' },
  no: { ja: 'いいえ', en: 'No' },
} satisfies Record<string, Text>;

const KIND: Record<string, Text> = {
  staff: { ja: '職員', en: 'Staff' },
  org: { ja: '組織ユーザー', en: 'Organisation user' },
  public: { ja: '一般', en: 'Public' },
};
const ORG_KIND: Record<string, Text> = {
  vendor: { ja: '製品開発者', en: 'Vendor' },
  site_operator: { ja: 'ウェブサイト運営者', en: 'Website operator' },
  coordinator: { ja: '調整機関', en: 'Coordinator' },
  priority_recipient: { ja: '優先情報提供先', en: 'Priority recipient' },
  other: { ja: 'その他', en: 'Other' },
};
const ROLE: Record<string, Text> = {
  intake_handler: { ja: '受付担当', en: 'Intake handler' },
  coordinator: { ja: '調整担当', en: 'Coordinator' },
  analyst: { ja: '分析担当', en: 'Analyst' },
  publisher: { ja: '公表担当', en: 'Publisher' },
  consultant: { ja: '相談員', en: 'Consultant' },
  planner: { ja: '企画担当（計画・目標）', en: 'Planning staff' },
  department: { ja: '部門担当（実績入力）', en: 'Department staff' },
  approver: { ja: '承認者', en: 'Approver' },
  administrator: { ja: 'システム管理者', en: 'Administrator' },
  auditor: { ja: '監査担当', en: 'Auditor' },
};
const label = (map: Record<string, Text>, key: string, lang: Lang) => (map[key] ? t(map[key], lang) : key);

function Csrf(props: { ctx: PageContext }) {
  return <input type="hidden" name="_csrf" value={props.ctx.csrfToken} />;
}

/** Field names that appear in summaries, so the message says which input is wrong. */
const FIELD_LABEL: Record<string, Text> = {
  email: L.email, password: L.password, password_confirm: L.confirmPassword, code: L.code,
  display_name: L.displayName, kind: L.kind, organisation_id: L.organisation, roles: L.roles,
};

export function ErrorSummary(props: { lang: Lang; errors: FormError[] }) {
  if (!props.errors.length) return null;
  const { lang } = props;
  return (
    <div class="alert error" role="alert" id="error-summary">
      <p>{t(L.errorsTitle, lang)}</p>
      <ul>
        {props.errors.map((e) => (
          <li>
            {e.field && FIELD_LABEL[e.field]
              ? <a href={`#${e.field}`}>{t(FIELD_LABEL[e.field], lang)}: {t(e.message, lang)}</a>
              : t(e.message, lang)}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Notice(props: { lang: Lang; text?: Text }) {
  return props.text ? <div class="alert ok" role="status"><p>{t(props.text, props.lang)}</p></div> : null;
}

function Field(props: {
  lang: Lang; id: string; label: Text; type?: string; value?: string; autocomplete?: string;
  required?: boolean; hint?: Text; errors: FormError[]; inputmode?: string; pattern?: string; maxLength?: number;
}) {
  const { lang, id } = props;
  const err = props.errors.find((e) => e.field === id);
  const describedBy = [props.hint ? `${id}-hint` : '', err ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <>
      <label for={id}>
        {t(props.label, lang)}
        {props.hint && <span class="hint" id={`${id}-hint`}>{t(props.hint, lang)}</span>}
      </label>
      {err && <span class="field-error" id={`${id}-error`}>{t(err.message, lang)}</span>}
      <input
        id={id} name={id} type={props.type ?? 'text'} value={props.value} autocomplete={props.autocomplete}
        required={props.required} aria-invalid={err ? 'true' : undefined} aria-describedby={describedBy}
        inputmode={props.inputmode} pattern={props.pattern} maxLength={props.maxLength}
      />
    </>
  );
}

function Submit(props: { children: ComponentChildren }) {
  return <p><button type="submit">{props.children}</button></p>;
}

const withNext = (path: string, next: string | null) => (next ? `${path}?next=${encodeURIComponent(next)}` : path);

export function LoginPage(props: { ctx: PageContext; next: string | null; email: string; errors: FormError[]; notice?: Text }) {
  const { ctx } = props;
  const lang = ctx.lang;
  return (
    <Layout ctx={ctx} title={{ ja: 'ログイン', en: 'Log in' }}>
      <Notice lang={lang} text={props.notice} />
      <ErrorSummary lang={lang} errors={props.errors} />
      <form method="post" action={withNext('/login', props.next)} class="stack" novalidate>
        <Csrf ctx={ctx} />
        {props.next && <input type="hidden" name="next" value={props.next} />}
        <Field lang={lang} id="email" label={L.email} type="email" value={props.email} autocomplete="username" required errors={props.errors} maxLength={320} />
        <Field lang={lang} id="password" label={L.password} type="password" autocomplete="current-password" required errors={props.errors} />
        <Submit>{t({ ja: 'ログイン', en: 'Log in' }, lang)}</Submit>
      </form>
      <p><a href="/password-reset">{t({ ja: 'パスワードを忘れた場合', en: 'Forgot your password?' }, lang)}</a></p>
    </Layout>
  );
}

export function TotpPage(props: { ctx: PageContext; next: string | null; errors: FormError[] }) {
  const { ctx } = props;
  const lang = ctx.lang;
  return (
    <Layout ctx={ctx} title={{ ja: '2段階認証', en: 'Two-step verification' }}>
      <ErrorSummary lang={lang} errors={props.errors} />
      <p>{t({ ja: '認証アプリに表示されている6桁の確認コードを入力してください。', en: 'Enter the 6-digit code shown in your authenticator app.' }, lang)}</p>
      <form method="post" action={withNext('/login/totp', props.next)} class="stack" novalidate>
        <Csrf ctx={ctx} />
        {props.next && <input type="hidden" name="next" value={props.next} />}
        <Field lang={lang} id="code" label={L.code} autocomplete="one-time-code" inputmode="numeric" pattern="[0-9]{6}" maxLength={6} required errors={props.errors} />
        <Submit>{t({ ja: '確認', en: 'Verify' }, lang)}</Submit>
      </form>
      <form method="post" action="/logout" class="inline">
        <Csrf ctx={ctx} />
        <button type="submit" class="link">{t({ ja: 'ログインをやめる', en: 'Cancel login' }, lang)}</button>
      </form>
    </Layout>
  );
}

/** Base32 in groups of four, easier to type into an app by hand (apps ignore the spaces). */
const grouped = (s: string) => s.replace(/(.{4})(?=.)/g, '$1 ');

export function EnrolPage(props: { ctx: PageContext; next: string | null; secret: string | null; uri: string | null; required: boolean; errors: FormError[] }) {
  const { ctx } = props;
  const lang = ctx.lang;
  const title = { ja: '2段階認証の設定', en: 'Set up two-step verification' };
  if (!props.secret) {
    return (
      <Layout ctx={ctx} title={title}>
        <div class="alert ok" role="status"><p>{t({ ja: '2段階認証は既に有効です。', en: 'Two-step verification is already enabled.' }, lang)}</p></div>
        <p><a href="/account">{t({ ja: 'アカウント情報へ', en: 'Back to your account' }, lang)}</a></p>
      </Layout>
    );
  }
  return (
    <Layout ctx={ctx} title={title}>
      <ErrorSummary lang={lang} errors={props.errors} />
      {props.required && (
        <p>{t({ ja: '職員アカウントでは2段階認証（TOTP）が必須です。設定を完了するとログインが完了します。', en: 'Staff accounts must use two-step verification (TOTP). Finishing the setup completes your login.' }, lang)}</p>
      )}
      <ol>
        <li>{t({ ja: '認証アプリ（Google Authenticator、Microsoft Authenticator など）で「セットアップキーを入力」を選び、次のキーを登録してください。', en: 'In your authenticator app (Google Authenticator, Microsoft Authenticator, …) choose “enter a setup key” and add this key:' }, lang)}
          <p><code id="totp-secret">{grouped(props.secret)}</code></p>
          <details>
            <summary>{t({ ja: 'otpauth:// URI（URI を取り込めるアプリ向け）', en: 'otpauth:// URI (for apps that import URIs)' }, lang)}</summary>
            <p><code id="totp-uri">{props.uri}</code></p>
          </details>
        </li>
        <li>{t({ ja: 'アプリに表示された6桁のコードを入力してください。', en: 'Enter the 6-digit code the app shows.' }, lang)}</li>
      </ol>
      <form method="post" action={withNext('/account/totp-enrol', props.next)} class="stack" novalidate>
        <Csrf ctx={ctx} />
        {props.next && <input type="hidden" name="next" value={props.next} />}
        <Field lang={lang} id="code" label={L.code} autocomplete="one-time-code" inputmode="numeric" pattern="[0-9]{6}" maxLength={6} required errors={props.errors} />
        <Submit>{t({ ja: '設定を完了する', en: 'Finish setup' }, lang)}</Submit>
      </form>
    </Layout>
  );
}

export function ResetRequestPage(props: { ctx: PageContext; email: string; errors: FormError[]; sent: boolean }) {
  const { ctx } = props;
  const lang = ctx.lang;
  return (
    <Layout ctx={ctx} title={{ ja: 'パスワードの再設定', en: 'Reset your password' }}>
      {props.sent ? (
        <div class="alert ok" role="status">
          <p>{t({
            ja: 'ご入力のメールアドレスが登録されている場合、パスワード再設定用のリンクをお送りしました。リンクの有効期限は1時間です。',
            en: 'If the address belongs to an account, we have sent it a link to reset the password. The link is valid for one hour.',
          }, lang)}</p>
        </div>
      ) : (
        <>
          <ErrorSummary lang={lang} errors={props.errors} />
          <p>{t({ ja: '登録済みのメールアドレスを入力してください。再設定用のリンクをお送りします。', en: 'Enter the e-mail address of your account and we will send you a reset link.' }, lang)}</p>
          <form method="post" action="/password-reset" class="stack" novalidate>
            <Csrf ctx={ctx} />
            <Field lang={lang} id="email" label={L.email} type="email" value={props.email} autocomplete="email" required errors={props.errors} maxLength={320} />
            <Submit>{t({ ja: '再設定リンクを送る', en: 'Send the reset link' }, lang)}</Submit>
          </form>
        </>
      )}
      <p><a href="/login">{t({ ja: 'ログインへ戻る', en: 'Back to log in' }, lang)}</a></p>
    </Layout>
  );
}

export function ResetPage(props: { ctx: PageContext; token: string; errors: FormError[] }) {
  const { ctx } = props;
  const lang = ctx.lang;
  return (
    <Layout ctx={ctx} title={{ ja: '新しいパスワードの設定', en: 'Set a new password' }}>
      <ErrorSummary lang={lang} errors={props.errors} />
      <form method="post" action={`/password-reset/${props.token}`} class="stack" novalidate>
        <Csrf ctx={ctx} />
        <Field lang={lang} id="password" label={L.newPassword} type="password" autocomplete="new-password" required hint={L.passwordHint} errors={props.errors} />
        <Field lang={lang} id="password_confirm" label={L.confirmPassword} type="password" autocomplete="new-password" required errors={props.errors} />
        <Submit>{t({ ja: 'パスワードを設定する', en: 'Set the password' }, lang)}</Submit>
      </form>
    </Layout>
  );
}

export function ResetInvalidPage(props: { ctx: PageContext }) {
  const lang = props.ctx.lang;
  return (
    <Layout ctx={props.ctx} title={{ ja: 'リンクが無効です', en: 'This link is not valid' }}>
      <div class="alert error" role="alert">
        <p>{t({ ja: 'このリンクは期限切れか、既に使用されています。', en: 'This link has expired or has already been used.' }, lang)}</p>
      </div>
      <p><a href="/password-reset">{t({ ja: '再設定リンクをもう一度請求する', en: 'Request a new link' }, lang)}</a></p>
    </Layout>
  );
}

export function AccountPage(props: { ctx: PageContext; user: User; org: Organisation | undefined; notice?: Text }) {
  const { ctx, user, org } = props;
  const lang = ctx.lang;
  return (
    <Layout ctx={ctx} title={{ ja: 'アカウント', en: 'Your account' }}>
      <Notice lang={lang} text={props.notice} />
      <dl class="meta">
        <dt>{t(L.displayName, lang)}</dt><dd>{user.displayName}</dd>
        <dt>{t(L.email, lang)}</dt><dd>{user.email}</dd>
        <dt>{t(L.kind, lang)}</dt><dd>{label(KIND, user.kind, lang)}</dd>
        {user.roles.length > 0 && <><dt>{t(L.roles, lang)}</dt><dd>{user.roles.map((r) => label(ROLE, r, lang)).join('、')}</dd></>}
        {org && (
          <>
            <dt>{t(L.organisation, lang)}</dt>
            <dd>{lang === 'en' && org.nameEn ? org.nameEn : org.name}（{label(ORG_KIND, org.kind, lang)}）</dd>
          </>
        )}
        <dt>{t({ ja: '2段階認証', en: 'Two-step verification' }, lang)}</dt>
        <dd>
          {user.totpEnabled ? t({ ja: '有効', en: 'Enabled' }, lang) : (
            <>{t({ ja: '未設定', en: 'Not set up' }, lang)} — <a href="/account/totp-enrol">{t({ ja: '設定する', en: 'Set it up' }, lang)}</a></>
          )}
        </dd>
      </dl>
      <p><a href="/password-reset">{t({ ja: 'パスワードを変更する（メールで再設定）', en: 'Change your password (by e-mail)' }, lang)}</a></p>
    </Layout>
  );
}

export interface AdminUserRow {
  id: string; email: string; display_name: string; kind: string; roles: string[]; organisation_name: string | null;
  totp_enabled: boolean; disabled: boolean; created_at: Date;
}

export function AdminUsersPage(props: {
  ctx: PageContext; users: AdminUserRow[]; total: number; page: number; pageSize: number; orgs: Organisation[];
  errors: FormError[]; values: { email?: string; display_name?: string; kind?: string; organisation_id?: string; roles?: string[] };
  notice?: Text; selfId: string | null;
}) {
  const { ctx, values } = props;
  const lang = ctx.lang;
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  const roleErr = props.errors.find((e) => e.field === 'roles');
  const kindErr = props.errors.find((e) => e.field === 'kind');
  const orgErr = props.errors.find((e) => e.field === 'organisation_id');
  return (
    <Layout ctx={ctx} title={{ ja: 'ユーザー管理', en: 'User administration' }}>
      <Notice lang={lang} text={props.notice} />
      <table>
        <caption>{t({ ja: `ユーザー一覧（全${props.total}件、${props.page}/${pages}ページ）`, en: `Users (${props.total} in all, page ${props.page} of ${pages})` }, lang)}</caption>
        <thead>
          <tr>
            <th scope="col">{t(L.email, lang)}</th><th scope="col">{t(L.displayName, lang)}</th><th scope="col">{t(L.kind, lang)}</th>
            <th scope="col">{t(L.organisation, lang)}</th><th scope="col">{t(L.roles, lang)}</th>
            <th scope="col">{t({ ja: '2段階認証', en: 'TOTP' }, lang)}</th><th scope="col">{t({ ja: '状態', en: 'Status' }, lang)}</th>
            <th scope="col">{t({ ja: '作成日時', en: 'Created' }, lang)}</th><th scope="col">{t({ ja: '操作', en: 'Actions' }, lang)}</th>
          </tr>
        </thead>
        <tbody>
          {props.users.map((u) => (
            <tr>
              <td>{u.email}</td><td>{u.display_name}</td><td>{label(KIND, u.kind, lang)}</td><td>{u.organisation_name ?? ''}</td>
              <td>{u.roles.map((r) => label(ROLE, r, lang)).join(', ')}</td>
              <td>{t(u.totp_enabled ? L.yes : L.no, lang)}</td>
              <td>{u.disabled ? t({ ja: '無効', en: 'Disabled' }, lang) : t({ ja: '有効', en: 'Active' }, lang)}</td>
              <td>{formatDateTime(new Date(u.created_at), lang)}</td>
              <td>
                {!u.disabled && u.id !== props.selfId && (
                  <form method="post" action={`/admin/users/${u.id}/disable`} class="inline">
                    <Csrf ctx={ctx} />
                    <button type="submit" class="secondary" aria-label={t({ ja: `${u.email} を無効にする`, en: `Disable ${u.email}` }, lang)}>
                      {t({ ja: '無効にする', en: 'Disable' }, lang)}
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav class="pager" aria-label={t({ ja: 'ページ送り', en: 'Pagination' }, lang)}>
        {props.page > 1 && <a href={`/admin/users?page=${props.page - 1}`} rel="prev">{t({ ja: '前へ', en: 'Previous' }, lang)}</a>}
        {props.page < pages && <a href={`/admin/users?page=${props.page + 1}`} rel="next">{t({ ja: '次へ', en: 'Next' }, lang)}</a>}
      </nav>

      <h2 id="create">{t({ ja: 'ユーザーの作成', en: 'Create a user' }, lang)}</h2>
      <p>{t({ ja: '作成したユーザーには、パスワード設定用のリンク（72時間有効）をメールで送ります。', en: 'The new user receives an e-mail with a link to set their password (valid for 72 hours).' }, lang)}</p>
      <ErrorSummary lang={lang} errors={props.errors} />
      <form method="post" action="/admin/users" class="stack" novalidate>
        <Csrf ctx={ctx} />
        <Field lang={lang} id="email" label={L.email} type="email" value={values.email} autocomplete="off" required errors={props.errors} maxLength={320} />
        <Field lang={lang} id="display_name" label={L.displayName} value={values.display_name} autocomplete="off" required errors={props.errors} />
        <label for="kind">{t(L.kind, lang)}</label>
        {kindErr && <span class="field-error" id="kind-error">{t(kindErr.message, lang)}</span>}
        <select id="kind" name="kind" aria-invalid={kindErr ? 'true' : undefined} aria-describedby={kindErr ? 'kind-error' : undefined}>
          {(['staff', 'org'] as const).map((k) => <option value={k} selected={(values.kind ?? 'staff') === k}>{label(KIND, k, lang)}</option>)}
        </select>
        <label for="organisation_id">
          {t(L.organisation, lang)}
          <span class="hint">{t({ ja: '組織ユーザーの場合は必須、職員の場合は空欄', en: 'Required for organisation users; leave empty for staff' }, lang)}</span>
        </label>
        {orgErr && <span class="field-error" id="organisation_id-error">{t(orgErr.message, lang)}</span>}
        <select id="organisation_id" name="organisation_id" aria-invalid={orgErr ? 'true' : undefined} aria-describedby={orgErr ? 'organisation_id-error' : undefined}>
          <option value="">{t({ ja: '（なし）', en: '(none)' }, lang)}</option>
          {props.orgs.map((o) => <option value={o.id} selected={values.organisation_id === o.id}>{lang === 'en' && o.nameEn ? o.nameEn : o.name}</option>)}
        </select>
        <fieldset id="roles" aria-describedby={roleErr ? 'roles-error' : undefined}>
          <legend>{t(L.roles, lang)}{' '}<span class="hint">{t({ ja: '職員のみ', en: 'staff only' }, lang)}</span></legend>
          {roleErr && <span class="field-error" id="roles-error">{t(roleErr.message, lang)}</span>}
          {STAFF_ROLES.map((r) => (
            <label for={`role-${r}`}>
              <input type="checkbox" id={`role-${r}`} name="roles" value={r} checked={values.roles?.includes(r)} />{' '}
              {label(ROLE, r, lang)}
            </label>
          ))}
        </fieldset>
        <Submit>{t({ ja: '作成する', en: 'Create' }, lang)}</Submit>
      </form>
    </Layout>
  );
}

export function RegisterPage(props: { ctx: PageContext; email: string; displayName: string; errors: FormError[]; sent: boolean }) {
  const { ctx } = props;
  const lang = ctx.lang;
  return (
    <Layout ctx={ctx} title={{ ja: 'アカウントの作成（届出者向け）', en: 'Create an account (for reporters)' }}>
      {props.sent ? (
        <div class="alert ok" role="status">
          <p>{t({
            ja: 'ご入力のメールアドレスに、パスワード設定用のリンクをお送りしました（有効期限72時間）。リンクからパスワードを設定するとログインできます。',
            en: 'We have sent a link to set your password to that address (valid for 72 hours). Set a password with it, then log in.',
          }, lang)}</p>
        </div>
      ) : (
        <>
          <ErrorSummary lang={lang} errors={props.errors} />
          <p>{t({ ja: '届出はアカウントなしでも行えます。アカウントを作ると、自分の届出の状況を一覧で確認できます。', en: 'You can report without an account. With one, you can follow all your reports in one place.' }, lang)}</p>
          <form method="post" action="/register" class="stack" novalidate>
            <Csrf ctx={ctx} />
            <Field lang={lang} id="display_name" label={{ ja: '氏名（表示名）', en: 'Name (display name)' }} value={props.displayName} autocomplete="name" required errors={props.errors} maxLength={200} />
            <Field lang={lang} id="email" label={L.email} type="email" value={props.email} autocomplete="email" required errors={props.errors} maxLength={320} />
            <Submit>{t({ ja: 'アカウントを作成する', en: 'Create the account' }, lang)}</Submit>
          </form>
        </>
      )}
      <p><a href="/login">{t({ ja: 'ログインへ', en: 'Log in' }, lang)}</a></p>
    </Layout>
  );
}
