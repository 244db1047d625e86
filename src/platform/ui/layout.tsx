// The page frame every server-rendered page uses: skip link, header with the language switch,
// main landmark, footer. Pages are Preact components rendered to strings (auto-escaped).
import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { t, type Lang, type Text } from '../i18n/i18n.js';

export interface PageContext {
  lang: Lang;
  /** Path and query of this page, used to build the language switch link. */
  url: string;
  csrfToken: string;
  user?: { displayName: string; kind: string } | null;
  nav?: Array<{ href: string; label: Text }>;
}

const L = {
  skip: { ja: '本文へ移動', en: 'Skip to main content' },
  site: { ja: 'Mamori 情報セキュリティ・IT人材 業務基盤', en: 'Mamori — IT security and IT skills services' },
  login: { ja: 'ログイン', en: 'Log in' },
  logout: { ja: 'ログアウト', en: 'Log out' },
  switchTo: { ja: 'English', en: '日本語' },
  workbench: { ja: '職員ワークベンチ', en: 'Staff workbench' },
  myCases: { ja: '関係する案件', en: 'My cases' },
  footer: { ja: 'Mamori はオープンソースの業務基盤です。', en: 'Mamori is an open-source operations platform.' },
} satisfies Record<string, Text>;

export function langSwitchHref(url: string, to: Lang): string {
  const u = new URL(url, 'http://x');
  u.searchParams.set('lang', to);
  return u.pathname + u.search;
}

export function Layout(props: { ctx: PageContext; title: Text; children: ComponentChildren }) {
  const { ctx } = props;
  const other: Lang = ctx.lang === 'ja' ? 'en' : 'ja';
  return (
    <html lang={ctx.lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${t(props.title, ctx.lang)} | Mamori`}</title>
        <link rel="stylesheet" href="/static/app.css" />
      </head>
      <body>
        <a class="skip" href="#main">{t(L.skip, ctx.lang)}</a>
        <header class="site">
          <a class="brand" href="/">{t(L.site, ctx.lang)}</a>
          <nav aria-label={ctx.lang === 'ja' ? 'サイト' : 'Site'}>
            <ul>
              {(ctx.nav ?? []).map((n) => <li><a href={n.href}>{t(n.label, ctx.lang)}</a></li>)}
              {ctx.user?.kind === 'staff' && <li><a href="/staff">{t(L.workbench, ctx.lang)}</a></li>}
              {ctx.user && ctx.user.kind !== 'staff' && <li><a href="/cases">{t(L.myCases, ctx.lang)}</a></li>}
              <li><a href={langSwitchHref(ctx.url, other)} lang={other} hrefLang={other}>{t(L.switchTo, ctx.lang)}</a></li>
              {ctx.user ? (
                <li>
                  <form method="post" action="/logout" class="inline">
                    <input type="hidden" name="_csrf" value={ctx.csrfToken} />
                    <span class="who">{ctx.user.displayName}</span>{' '}
                    <button type="submit" class="link">{t(L.logout, ctx.lang)}</button>
                  </form>
                </li>
              ) : (
                <li><a href="/login">{t(L.login, ctx.lang)}</a></li>
              )}
            </ul>
          </nav>
        </header>
        <main id="main">
          <h1>{t(props.title, ctx.lang)}</h1>
          {props.children}
        </main>
        <footer class="site"><p>{t(L.footer, ctx.lang)}</p></footer>
      </body>
    </html>
  );
}

export function renderPage(node: preact.VNode): string {
  return '<!doctype html>' + renderToString(node);
}
