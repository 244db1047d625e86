import { Layout, type PageContext } from './layout.js';
import { t } from '../i18n/i18n.js';
import type { AppError } from '../http/errors.js';

export function ErrorPage(props: { ctx: PageContext; error: AppError }) {
  const { ctx, error } = props;
  return (
    <Layout ctx={ctx} title={{ ja: `エラー（${error.status}）`, en: `Error (${error.status})` }}>
      <div class="alert error" role="alert">
        <p>{t(error.text, ctx.lang)}</p>
        {error.details.length > 0 && (
          <ul>{error.details.map((d) => <li><code>{d.field}</code>: {t(d.message, ctx.lang)}</li>)}</ul>
        )}
      </div>
      <p><a href="/">{ctx.lang === 'ja' ? 'トップページへ戻る' : 'Back to the top page'}</a></p>
    </Layout>
  );
}
