// An in-process cache of whole public GET responses, answered in the HTTP server's request handler
// before Fastify routes the request (as a reverse-proxy cache in front of the application would).
// A hit costs a map lookup and one write: no routing, hooks, cookie parsing or serialisation. Only
// exact paths that a module put in the cache are answered; everything else, and every path while
// the app is closing, goes to Fastify. Modules own what they store and must evict an entry when
// its source changes (the advisory module does so on the database's change notifications).
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { etagMatches } from './etag.js';

export interface CachedResponse {
  body: Buffer;
  etag: string;
  contentType: string;
  cacheControl: string;
  /** The owner's version of the source (e.g. its last change time), to tell stale entries apart. */
  tag: number;
  /** Gzip form, made on the first request that accepts it. */
  gzip?: Buffer;
  lists?: Partial<Record<'identity' | 'gzip' | 'notModified', string[]>>;
}

/** Bodies this small are sent uncompressed (as @fastify/compress's threshold does). */
export const COMPRESS_THRESHOLD = 2048;
const ENTRY_OVERHEAD = 200; // key, object and map slot, roughly

function acceptsGzip(h: string | undefined): boolean {
  if (!h) return false;
  for (const part of h.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (name !== 'gzip' && name !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return !q || Number(q.slice(2)) > 0;
  }
  return false;
}

export class ResponseCache {
  private map = new Map<string, CachedResponse>();
  private used = 0;
  private pending = new Set<Promise<unknown>>();
  /** Security headers every response carries (helmet, CSP), learnt from the app itself at startup. */
  baseHeaders: OutgoingHttpHeaders | null = null;
  closing = false;
  hits = 0;

  constructor(readonly maxBytes: number) {}

  get size() { return this.map.size; }
  get bytes() { return this.used; }
  get(path: string): CachedResponse | undefined { return this.map.get(path); }
  /** Room for a body of this size without evicting anything. */
  fits(bodyBytes: number): boolean { return this.used + bodyBytes + ENTRY_OVERHEAD <= this.maxBytes; }

  /** Stores an entry; the oldest entries make room when the budget is reached. */
  set(path: string, e: CachedResponse): void {
    const cost = e.body.length + ENTRY_OVERHEAD;
    if (cost > this.maxBytes) return;
    this.delete(path);
    while (this.used + cost > this.maxBytes && this.map.size) this.delete(this.map.keys().next().value as string);
    this.map.set(path, e);
    this.used += cost;
  }

  delete(path: string): void {
    const e = this.map.get(path);
    if (!e) return;
    this.map.delete(path);
    this.used -= e.body.length + ENTRY_OVERHEAD + (e.gzip?.length ?? 0);
  }

  clear(): void { this.map.clear(); this.used = 0; }
  /** Evicts every path under a prefix (the cache is shared: a module drops only its own entries). */
  deletePrefix(prefix: string): void { for (const k of [...this.map.keys()]) if (k.startsWith(prefix)) this.delete(k); }

  /** Background work that fills the cache (tests and benchmarks wait for it with settled()). */
  track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p)).catch(() => undefined);
    return p;
  }
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  /** Answers the request from the cache; false when it is not a cached GET/HEAD (Fastify answers it). */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || this.closing || !this.baseHeaders || !req.url) return false;
    const e = this.map.get(req.url);
    if (!e) return false;
    this.hits++;
    // The two request headers that matter, read from the raw list: `req.headers` is built on first
    // access, a noticeable share of a hit's cost.
    let acceptEncoding: string | undefined;
    let ifNoneMatch: string | undefined;
    const raw = req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i];
      // Repeated lines combine as one comma-separated list (RFC 9110 §5.3), as Node's req.headers does.
      if (name.length === 15 && name.toLowerCase() === 'accept-encoding') acceptEncoding = acceptEncoding === undefined ? raw[i + 1] : `${acceptEncoding}, ${raw[i + 1]}`;
      else if (name.length === 13 && name.toLowerCase() === 'if-none-match') ifNoneMatch = ifNoneMatch === undefined ? raw[i + 1] : `${ifNoneMatch}, ${raw[i + 1]}`;
    }
    const gzip = e.body.length >= COMPRESS_THRESHOLD && acceptsGzip(acceptEncoding);
    if (ifNoneMatch !== undefined && etagMatches({ headers: { 'if-none-match': ifNoneMatch } }, e.etag)) {
      res.writeHead(304, this.headers(e, 'notModified')).end();
      return true;
    }
    if (gzip && !e.gzip) {
      e.gzip = gzipSync(e.body);
      this.used += e.gzip.length;
    }
    // Header lists are built once per entry and variant: a hit then costs one writeHead and one write.
    res.writeHead(200, this.headers(e, gzip ? 'gzip' : 'identity'));
    res.end(req.method === 'HEAD' ? undefined : gzip ? e.gzip : e.body);
    return true;
  }

  private headers(e: CachedResponse, variant: 'identity' | 'gzip' | 'notModified'): string[] {
    const done = e.lists?.[variant];
    if (done) return done;
    const list: string[] = [];
    for (const [k, v] of Object.entries(this.baseHeaders ?? {})) list.push(k, String(v));
    list.push('etag', e.etag, 'cache-control', e.cacheControl, 'vary', 'accept-encoding');
    if (variant !== 'notModified') list.push('content-type', e.contentType, 'content-length', String(variant === 'gzip' ? e.gzip!.length : e.body.length));
    if (variant === 'gzip') list.push('content-encoding', 'gzip');
    (e.lists ??= {})[variant] = list;
    return list;
  }
}

/** The headers of a response that a cached answer must repeat: everything but the per-response ones. */
export function securityHeaders(h: Record<string, unknown>): OutgoingHttpHeaders {
  const skip = new Set(['content-type', 'content-length', 'etag', 'cache-control', 'vary', 'date', 'connection', 'keep-alive', 'set-cookie', 'content-encoding', 'transfer-encoding', 'last-modified']);
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(h)) if (!skip.has(k.toLowerCase()) && v !== undefined) out[k] = v as string;
  return out;
}
