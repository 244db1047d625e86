// Atom 1.0 (RFC 4287) feed of new and updated advisories: the 100 most recently changed published
// advisories, newest first. An entry's id is the advisory's page URL, so a revised advisory is the
// same entry with a newer <updated>; <published> is 登録日. Japanese by default, `?lang=en` for English.
import type { Advisory } from '../service.js';
import { SEVERITY_LABEL } from '../../../shared/cvss.js';
import { advisoryUrl, pick, type ExportOptions } from './common.js';

export const FEED_SIZE = 100;

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
  // characters XML 1.0 does not allow
  // eslint-disable-next-line no-control-regex
  .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
const iso = (d: Date | string) => new Date(d).toISOString();

export function atomFeed(items: Advisory[], o: ExportOptions & { lang: 'ja' | 'en' }): string {
  const J = o.lang === 'ja';
  const self = `${o.baseUrl}/advisories/feed/atom.xml${J ? '' : '?lang=en'}`;
  const updated = items.length ? items.map((a) => new Date(a.updatedAt).getTime()).reduce((x, y) => Math.max(x, y)) : 0;
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom">`,
    `  <id>${esc(`${o.baseUrl}/advisories/feed/atom.xml`)}</id>`,
    `  <title type="text">${esc(J ? '脆弱性対策情報データベース — 新着・更新' : 'Vulnerability countermeasure database — new and updated advisories')}</title>`,
    `  <subtitle type="text">${esc(J ? '新規登録および更新された脆弱性対策情報（最新 100 件）' : 'The 100 most recently published or updated advisories')}</subtitle>`,
    `  <updated>${iso(new Date(updated))}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${esc(self)}"/>`,
    `  <link rel="alternate" type="text/html" href="${esc(`${o.baseUrl}/advisories`)}"/>`,
    `  <author><name>${esc(J ? 'Mamori 脆弱性対策情報データベース' : 'Mamori vulnerability countermeasure database')}</name></author>`,
    `  <generator>Mamori</generator>`,
  ];
  for (const a of items) {
    const url = advisoryUrl(o, a);
    const title = `[${a.jvndbId}] ${pick(a.title, o.lang)}`;
    const summary = pick(a.overview, o.lang);
    const isUpdate = a.modifiedAt && a.firstPublishedAt && new Date(a.modifiedAt).getTime() > new Date(a.firstPublishedAt).getTime();
    out.push('  <entry>',
      `    <id>${esc(url)}</id>`,
      `    <title type="text">${esc(title)}</title>`,
      `    <link rel="alternate" type="text/html" href="${esc(url)}"/>`,
      `    <link rel="alternate" type="application/json" href="${esc(`${o.baseUrl}/api/v1/advisories/${a.jvndbId}`)}"/>`,
      ...(a.firstPublishedAt ? [`    <published>${iso(a.firstPublishedAt)}</published>`] : []),
      `    <updated>${iso(a.updatedAt)}</updated>`,
      `    <category term="${isUpdate ? 'updated' : 'new'}" label="${esc(isUpdate ? (J ? '更新' : 'Updated') : (J ? '新規' : 'New'))}"/>`,
      ...(a.severity ? [`    <category term="${a.severity}" scheme="${esc(`${o.baseUrl}/advisories#severity`)}" label="${esc(J ? SEVERITY_LABEL[a.severity].ja : SEVERITY_LABEL[a.severity].en)}"/>`] : []),
      ...a.cveIds.map((c) => `    <category term="${esc(c)}" scheme="https://www.cve.org/"/>`),
      ...a.cweIds.map((c) => `    <category term="${esc(c)}" scheme="https://cwe.mitre.org/"/>`),
      ...(a.kev ? ['    <category term="kev" label="CISA KEV"/>'] : []),
      ...(summary ? [`    <summary type="text">${esc(summary)}</summary>`] : []),
      '  </entry>');
  }
  out.push('</feed>', '');
  return out.join('\n');
}
