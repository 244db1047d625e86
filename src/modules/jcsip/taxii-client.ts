// A small TAXII 2.1 client for exchanging with other sharing bodies. Outbound requests are the
// risky part of the feature (staff type the URL), so every request goes through `taxiiFetch`:
// http/https only, no link-local or cloud-metadata addresses (checked on the resolved addresses),
// no redirects (a redirect could lead there), a timeout and a cap on the response size. Failures
// become `TaxiiClientError` with a bilingual message that the caller records on the source.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Text } from '../../platform/i18n/i18n.js';

export const TAXII_MEDIA = 'application/taxii+json;version=2.1';
export const TIMEOUT_MS = 20_000;
/** Largest response read from a partner: the same as this platform's own max_content_length. */
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

export class TaxiiClientError extends Error {
  constructor(readonly text: Text) { super(text.en); }
}

/** 169.254.0.0/16 (IPv4 link-local, incl. the cloud metadata address 169.254.169.254), fe80::/10 and their IPv4-mapped forms. */
export function isLinkLocal(address: string): boolean {
  const a = address.toLowerCase().replace(/^\[|\]$/g, '');
  const v4 = /^(?:::ffff:)?(\d+)\.(\d+)\.\d+\.\d+$/.exec(a);
  if (v4) return v4[1] === '169' && v4[2] === '254';
  if (isIP(a) === 6) return /^fe[89ab][0-9a-f]:/.test(a) || a === 'fd00:ec2::254';
  return false;
}

/** Why a URL may not be used (null when it may): scheme and literal addresses; names are checked when connecting. */
export function urlProblem(raw: string): Text | null {
  let u: URL;
  try { u = new URL(raw); } catch { return { ja: 'URL が正しくありません。', en: 'The URL is not valid.' }; }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { ja: 'http または https の URL だけを使えます。', en: 'Only http and https URLs can be used.' };
  if (u.username || u.password) return { ja: 'URL に認証情報を含めないでください（認証情報の欄に入力してください）。', en: 'Do not put credentials in the URL; use the credential fields.' };
  if (isLinkLocal(u.hostname)) return linkLocalText(u.hostname);
  return null;
}

const linkLocalText = (addr: string): Text => ({
  ja: `リンクローカルアドレス（${addr}）には接続しません。169.254.0.0/16 にはクラウドのメタデータサービスがあり、認証情報が漏れるおそれがあるためです。`,
  en: `Refusing to connect to the link-local address ${addr}: 169.254.0.0/16 hosts cloud metadata services, which could leak credentials.`,
});

export interface TaxiiResponse { status: number; json: any; headers: Headers }

/** One TAXII request with the safety rules above; non-2xx answers become errors carrying the TAXII error message. */
export async function taxiiFetch(url: string, init: { method?: 'GET' | 'POST'; auth?: string | null; body?: unknown } = {}): Promise<TaxiiResponse> {
  const problem = urlProblem(url);
  if (problem) throw new TaxiiClientError(problem);
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  // Resolve first so that a name pointing at the metadata service is refused too. (fetch resolves
  // again; a name that changes its answer in between is a residual risk, noted in the docs.)
  let addresses: string[];
  try { addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address); }
  catch { throw new TaxiiClientError({ ja: `ホスト名 ${host} を解決できません。`, en: `Cannot resolve the host name ${host}.` }); }
  const bad = addresses.find(isLinkLocal);
  if (bad) throw new TaxiiClientError(linkLocalText(bad));

  const headers: Record<string, string> = { accept: TAXII_MEDIA };
  if (init.auth) headers.authorization = init.auth;
  if (init.body !== undefined) headers['content-type'] = TAXII_MEDIA;
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method ?? 'GET', headers, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS),
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch (e) {
    const timedOut = (e as Error).name === 'TimeoutError';
    const cause = String((e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message);
    throw new TaxiiClientError(timedOut
      ? { ja: `${TIMEOUT_MS / 1000} 秒以内に応答がありませんでした。`, en: `No answer within ${TIMEOUT_MS / 1000} s.` }
      : { ja: `接続できませんでした（${cause}）。`, en: `Could not connect (${cause}).` });
  }
  const text = await readCapped(res);
  let json: any = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* reported below when it matters */ }
  if (res.status >= 300 && res.status < 400) {
    throw new TaxiiClientError({ ja: `転送（HTTP ${res.status}）には従いません。API ルートの URL を確認してください。`, en: `Not following a redirect (HTTP ${res.status}); check the API root URL.` });
  }
  if (!res.ok) {
    // TAXII error message: {title, description, http_status}.
    const detail = [json?.title, json?.description].filter((x) => typeof x === 'string').join(': ').slice(0, 300);
    throw new TaxiiClientError({ ja: `TAXII サーバがエラーを返しました（HTTP ${res.status}${detail ? `: ${detail}` : ''}）。`, en: `The TAXII server answered HTTP ${res.status}${detail ? `: ${detail}` : ''}.` });
  }
  if (json === null || typeof json !== 'object') throw new TaxiiClientError({ ja: 'TAXII サーバの応答が JSON ではありません。', en: 'The TAXII server did not answer with JSON.' });
  return { status: res.status, json, headers: res.headers };
}

async function readCapped(res: Response): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? 0);
  const tooLarge = () => new TaxiiClientError({ ja: `応答が大きすぎます（上限 ${MAX_RESPONSE_BYTES} バイト）。`, en: `The answer is too large (limit ${MAX_RESPONSE_BYTES} bytes).` });
  if (declared > MAX_RESPONSE_BYTES) { await res.body?.cancel(); throw tooLarge(); }
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) { await reader.cancel(); throw tooLarge(); }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `Authorization` header for the stored credential. */
export function authHeader(kind: 'none' | 'basic' | 'bearer', username: string, secret: string | null): string | null {
  if (kind === 'basic') return `Basic ${Buffer.from(`${username}:${secret ?? ''}`).toString('base64')}`;
  if (kind === 'bearer' && secret) return `Bearer ${secret}`;
  return null;
}

/** `{apiRoot}collections/{id}/objects/` and friends; the API root always ends with '/'. */
export const apiUrl = (apiRoot: string, path: string) => `${apiRoot.endsWith('/') ? apiRoot : apiRoot + '/'}${path}`;
