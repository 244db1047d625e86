// What an embedding page receives: widget.js (which only inserts a sandboxed iframe) and the frame
// document (a small list with its own CSP: no scripts, one stylesheet allowed by hash, framing only
// by the registered origin).
import { createHash } from 'node:crypto';
import { renderToString } from 'preact-render-to-string';
import { t, type Lang } from '../../../platform/i18n/i18n.js';
import { isoDate } from '../../../platform/i18n/dates.js';
import { SEVERITY_LABEL, type Severity } from '../../../shared/cvss.js';
import type { WidgetItem } from './service.js';

export const SANDBOX = 'allow-popups allow-popups-to-escape-sandbox';

/**
 * The embed script. It reads its own data-* attributes, builds the frame URL on the script's origin
 * and inserts one iframe after the script element. It reads nothing else from the page, sets no
 * cookies and makes no requests of its own.
 */
export const WIDGET_JS = `/* icat: サイバーセキュリティ注意喚起サービス / cybersecurity alert widget */
(function () {
  'use strict';
  var s = document.currentScript;
  if (!s || !s.src) return;
  var key = s.getAttribute('data-key') || '';
  if (!/^icat_[A-Za-z0-9_-]{20,64}$/.test(key)) {
    if (window.console) window.console.warn('icat: data-key is missing or malformed / data-key がありません');
    return;
  }
  var src = new URL('/icat/frame', new URL(s.src, document.baseURI).origin);
  src.searchParams.set('key', key);
  var product = s.getAttribute('data-product');
  if (product) src.searchParams.set('product', product);
  var lang = s.getAttribute('data-lang');
  if (lang === 'ja' || lang === 'en') src.searchParams.set('lang', lang);
  var limit = s.getAttribute('data-limit');
  if (limit && /^[0-9]{1,2}$/.test(limit)) src.searchParams.set('limit', limit);
  var f = document.createElement('iframe');
  f.setAttribute('sandbox', '${SANDBOX}');
  f.setAttribute('src', src.href);
  f.setAttribute('title', lang === 'en' ? 'Cybersecurity alerts (icat)' : 'サイバーセキュリティ注意喚起（icat）');
  f.setAttribute('referrerpolicy', 'strict-origin');
  f.setAttribute('loading', 'lazy');
  var w = s.getAttribute('data-width'), h = s.getAttribute('data-height');
  f.setAttribute('width', w && /^[0-9]{2,4}$/.test(w) ? w : '300');
  f.setAttribute('height', h && /^[0-9]{2,4}$/.test(h) ? h : '400');
  f.style.border = '1px solid #c8d0d8';
  f.style.maxWidth = '100%';
  s.parentNode.insertBefore(f, s.nextSibling);
})();
`;

export const FRAME_CSS = 'body{margin:0;padding:8px 10px;font:13px/1.5 "Noto Sans JP","Hiragino Sans","Yu Gothic",Meiryo,sans-serif;color:#1b1b1b;background:#fff}'
  + 'h1{font-size:14px;margin:0 0 6px;padding-bottom:4px;border-bottom:2px solid #0b5394}h1 a{color:#0b5394;text-decoration:none}'
  + 'h2{font-size:13px;margin:10px 0 4px;color:#333}ul{list-style:none;margin:0;padding:0}li{margin:0 0 6px;padding:0 0 6px;border-bottom:1px solid #e3e6ea}'
  + 'a{color:#0645ad}a:focus{outline:2px solid #0b5394}time{display:block;color:#555;font-size:12px}'
  + '.em{color:#fff;background:#b00020;padding:0 4px;border-radius:2px;font-weight:bold;margin-right:4px}'
  + '.al{color:#fff;background:#0b5394;padding:0 4px;border-radius:2px;margin-right:4px}'
  + '.sev{font-weight:bold;margin-right:4px}.critical{color:#b00020}.high{color:#a04000}'
  + '.empty{color:#555}footer{margin-top:8px;font-size:11px;color:#555}';
export const FRAME_CSS_HASH = `'sha256-${createHash('sha256').update(FRAME_CSS).digest('base64')}'`;

/** The frame's own CSP: nothing but the hashed stylesheet; framed only by 'self' and the given origins. */
export function frameCsp(ancestors: string[]): string {
  return [
    "default-src 'none'", `style-src ${FRAME_CSS_HASH}`, "img-src 'none'", "base-uri 'none'", "form-action 'none'",
    `frame-ancestors ${ancestors.length ? ancestors.join(' ') : "'none'"}`,
    // Sandboxed even when an embedder drops the iframe's sandbox attribute.
    `sandbox ${SANDBOX}`,
  ].join('; ');
}

const L = {
  title: { ja: 'サイバーセキュリティ注意喚起', en: 'Cybersecurity alerts' },
  alerts: { ja: '注意喚起', en: 'Security alerts' },
  advisories: { ja: '深刻度の高い脆弱性対策情報', en: 'High-severity advisories' },
  none: { ja: '現在、該当する情報はありません。', en: 'Nothing to show at the moment.' },
  emergency: { ja: '緊急対策', en: 'Emergency' },
  alert: { ja: '注意喚起', en: 'Alert' },
  forProducts: { ja: '対象製品で絞り込み中', en: 'Filtered by product' },
  footer: { ja: 'icat（Mamori 脆弱性対策情報データベース）', en: 'icat (Mamori vulnerability database)' },
};
const pick = (b: { ja: string; en: string }, lang: Lang) => (lang === 'ja' ? b.ja || b.en : b.en || b.ja);
const ext = { target: '_blank', rel: 'noopener noreferrer' };

function Doc(props: { lang: Lang; title: string; children: preact.ComponentChildren }) {
  return (
    <html lang={props.lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        <style dangerouslySetInnerHTML={{ __html: FRAME_CSS }} />
      </head>
      <body>{props.children}</body>
    </html>
  );
}

export function renderFrame(props: { lang: Lang; alerts: WidgetItem[]; advisories: WidgetItem[]; filtered: boolean }): string {
  const { lang } = props;
  const item = (i: WidgetItem) => (
    <li>
      <time datetime={new Date(i.date).toISOString()}>{isoDate(new Date(i.date))}</time>
      {i.type === 'emergency' ? <strong class="em">{t(L.emergency, lang)}</strong> : i.type === 'alert' ? <span class="al">{t(L.alert, lang)}</span> : null}
      {i.severity ? <span class={`sev ${i.severity}`}>{t(SEVERITY_LABEL[i.severity as Severity], lang)}</span> : null}
      <a href={i.path} {...ext}>{pick(i.title, lang)}</a>
    </li>
  );
  const list = (items: WidgetItem[]) => (items.length ? <ul>{items.map(item)}</ul> : <p class="empty">{t(L.none, lang)}</p>);
  return '<!doctype html>' + renderToString(
    <Doc lang={lang} title={`icat ${t(L.title, lang)}`}>
      <h1><a href="/advisories/alerts" {...ext}>{t(L.title, lang)}</a></h1>
      {props.filtered ? <p class="empty">{t(L.forProducts, lang)}</p> : null}
      <section aria-labelledby="icat-alerts"><h2 id="icat-alerts">{t(L.alerts, lang)}</h2>{list(props.alerts)}</section>
      <section aria-labelledby="icat-adv"><h2 id="icat-adv">{t(L.advisories, lang)}</h2>{list(props.advisories)}</section>
      <footer><a href="/advisories" {...ext}>{t(L.footer, lang)}</a></footer>
    </Doc>,
  );
}

export function renderFrameError(lang: Lang, text: { ja: string; en: string }): string {
  return '<!doctype html>' + renderToString(
    <Doc lang={lang} title="icat">
      <h1>{t(L.title, lang)}</h1>
      <p role="alert">{t(text, lang)}</p>
    </Doc>,
  );
}
