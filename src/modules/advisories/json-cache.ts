// The public JSON of single advisories (`GET /api/v1/advisories/:id`, the hottest public request) in
// the platform's response cache, which answers it before Fastify routes the request.
//
// Filling: each miss stores what it read, and at start a background pass stores every published
// advisory, newest first, until the cache's byte budget is reached (config responseCacheWarm).
// Staleness: the database notifies 'advisories_changed' after every committed transaction that
// touched the advisories table, from any process (migration advisories_003); this process's own
// writes also call changed() at once. On a notice the advisories changed since the previous check's
// mark are evicted; the mark is the start of the oldest writing transaction then still open, since
// its rows carry its start time but become visible only at commit. A read that overlaps a notice
// does not store its result, since it may have read the state before the change.
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { Migration } from '../../platform/db/migrator.js';
import { strongEtag } from '../../platform/http/etag.js';
import type { CachedResponse, ResponseCache } from '../../platform/http/response-cache.js';
import type { Advisory, AdvisoriesService } from './service.js';

/**
 * Staleness is judged by `updated_at`, as incremental sync (`modifiedSince`) is: a change that forgot
 * to set it (a hand-written statement, another tool) still moves it, so neither can miss the change.
 */
export const jsonCacheMigrations: Migration[] = [{
  id: 'advisories_cache_001_touch_updated_at',
  async up(db) {
    await sql`create function advisories_touch() returns trigger language plpgsql as $$
      begin
        if new.updated_at is not distinct from old.updated_at and new is distinct from old then new.updated_at := now(); end if;
        return new;
      end $$`.execute(db);
    await sql`create trigger advisories_touch before update on advisories for each row execute function advisories_touch()`.execute(db);
  },
}];

export const advisoryPath = (jvndbId: string) => `/api/v1/advisories/${jvndbId}`;
/** Allowance for the application servers' clocks (they stamp updated_at) against the database's. */
const SKEW_MS = 5_000;
const WARM_BATCH = 500;

export class AdvisoryResponses {
  private notices = 0;
  /** Changes stamped at or after this (database time) are still to be checked; set by init(). */
  private mark = 0;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly cache: ResponseCache,
    private readonly svc: AdvisoriesService,
    private readonly toJson: (a: Advisory) => unknown,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Before anything is stored: transactions open now are then caught by the first check. */
  async init(): Promise<void> { this.mark = (await this.svc.changeMark()).getTime(); }

  /** Taken before a read: store() keeps the result only if no change was noticed meanwhile. */
  ticket(): number { return this.notices; }

  render(a: Advisory): CachedResponse {
    const body = Buffer.from(JSON.stringify(this.toJson(a)));
    return { body, etag: strongEtag(body), contentType: 'application/json; charset=utf-8', cacheControl: 'public, max-age=60', tag: a.updatedAt.getTime() };
  }

  store(a: Advisory, ticket: number, e: CachedResponse = this.render(a)): CachedResponse {
    if (a.jvndbId && ticket === this.notices && !this.stopped) this.cache.set(advisoryPath(a.jvndbId), e);
    return e;
  }

  /** Some advisory changed (notification or own write): evict what changed, one check at a time. */
  changed(): void {
    this.notices++;
    if (this.running) { this.again = true; return; }
    this.running = this.cache.track(this.check()).finally(() => {
      this.running = null;
      if (this.again && !this.stopped) { this.again = false; this.changed(); }
    });
  }

  private async check(): Promise<void> {
    try {
      // Read first: a transaction still open now stamps its rows at or after it, so the next check
      // finds them; one that committed before it is visible to the query below.
      const next = (await this.svc.changeMark()).getTime();
      if (this.cache.size > 0) {
        for (const r of await this.svc.changedSince(new Date(this.mark - SKEW_MS))) {
          const p = advisoryPath(r.jvndbId);
          const e = this.cache.get(p);
          // Millisecond tags cannot order two changes within one millisecond: evict on equality too.
          if (e && r.updatedAt.getTime() >= e.tag) this.cache.delete(p);
        }
      }
      this.mark = next;
    } catch (err) {
      if (this.stopped) return;
      // Without knowing what changed, nothing cached can be trusted.
      this.log.error({ err }, 'advisory cache check failed; cache cleared');
      this.cache.deletePrefix(advisoryPath(''));
    }
  }

  /** Stores published advisories newest first until all are cached or the budget is reached. */
  warm(): Promise<void> {
    return this.cache.track((async () => {
      let before: string | undefined;
      for (;;) {
        if (this.stopped) return;
        const keys = await this.svc.publishedKeys({ before, limit: WARM_BATCH });
        if (!keys.length) return;
        before = keys[keys.length - 1];
        const missing = keys.filter((k) => !this.cache.get(advisoryPath(k)));
        if (!missing.length) continue;
        const ticket = this.ticket();
        for (const a of await this.svc.getMany(missing)) {
          if (this.stopped) return;
          // Full: the newest advisories are in; the older ones are read from the database on demand.
          const e = this.render(a);
          if (!this.cache.fits(e.body.length)) return;
          this.store(a, ticket, e);
        }
      }
    })().catch((err) => { if (!this.stopped) this.log.warn({ err }, 'advisory cache warm-up stopped'); }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running?.catch(() => undefined);
  }
}
