// The TAXII module's store: collections with read/write grants, versioned STIX objects, status
// resources of add requests, and the service other modules (J-CSIP) use. HTTP lives in http.ts.
import { sql, type Kysely } from 'kysely';
import type { Actor, AppContext, Executor } from '../../platform/context.js';
import { SYSTEM_ACTOR } from '../../platform/context.js';
import type { DB } from '../../platform/db/database.js';
import { AppError, validationFailed } from '../../platform/http/errors.js';
import { stixProblem, timestampMicros, versionOf } from './stix.js';

export interface TaxiiGrant { organisationIds: string[]; staffPermission?: string }
export interface CollectionAccess { readers: TaxiiGrant; writers: TaxiiGrant }

export interface TaxiiService {
  /** Creates or updates a collection identified by a stable key (e.g. 'jcsip-sig-electric', 'jcsip-inbox-<orgId>'). */
  ensureCollection(input: { key: string; title: string; description?: string; readers: TaxiiGrant; writers: TaxiiGrant }, trx?: Executor): Promise<{ id: string; key: string }>;
  setAccess(key: string, access: CollectionAccess, trx?: Executor): Promise<void>;
  /** Adds (or versions, by id + modified) STIX 2.1 objects; validates them; all-or-nothing. */
  addObjects(key: string, objects: Record<string, unknown>[], trx?: Executor): Promise<{ added: number; versions: number }>;
  /** Objects added to a collection after a point (for consumers that pull, e.g. inbox collections). */
  objectsAddedSince(key: string, since: Date | null, limit: number): Promise<Array<{ object: Record<string, unknown>; addedAt: Date; addedByOrganisationId: string | null }>>;
}

/** Limits of one add request (documented in docs/modules/taxii.md). */
export const MAX_CONTENT_LENGTH = 10 * 1024 * 1024;
export const MAX_OBJECTS_PER_ENVELOPE = 10_000;
export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;
export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';

declare module '../../platform/db/database.js' {
  interface Tables {
    taxii_collections: {
      id: string; key: string; title: string; description: string | null;
      readers: CollectionAccess['readers']; writers: CollectionAccess['writers']; created_at: Date; updated_at: Date;
    };
    taxii_objects: {
      collection_id: string; stix_id: string; type: string; spec_version: string; version: string; version_us: number;
      added_ms: number; added_by_org: string | null; added_by_user: string | null; is_latest: boolean; is_first: boolean; body: string;
    };
    taxii_statuses: {
      id: string; collection_id: string; user_id: string | null; organisation_id: string | null; created_at: Date;
      total_count: number; success_count: number; failure_count: number; successes: unknown; failures: unknown;
    };
    taxii_tokens: {
      id: string; user_id: string; name: string; token_hash: string; created_at: Date; last_used_at: Date | null; revoked_at: Date | null;
    };
  }
}

export const taxiiMigrations = [{
  id: 'taxii_001_schema',
  async up(db: Kysely<any>) {
    await sql`create table taxii_collections (
      id uuid primary key default gen_random_uuid(),
      key text not null unique,
      title text not null,
      description text,
      readers jsonb not null,
      writers jsonb not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now())`.execute(db);
    // One row per object version. added_ms is unique within a collection (one millisecond per
    // object, assigned under the collection's row lock), so it is the pagination key and
    // added_after/next never skip or repeat an object.
    await sql`create table taxii_objects (
      collection_id uuid not null references taxii_collections (id) on delete cascade,
      stix_id text not null,
      type text not null,
      spec_version text not null,
      version text not null,
      version_us bigint not null,
      added_ms bigint not null,
      added_by_org uuid,
      added_by_user uuid,
      is_latest boolean not null,
      is_first boolean not null,
      body text not null,
      primary key (collection_id, stix_id, version_us))`.execute(db);
    await sql`create unique index taxii_objects_added_idx on taxii_objects (collection_id, added_ms)`.execute(db);
    await sql`create index taxii_objects_type_idx on taxii_objects (collection_id, type, added_ms)`.execute(db);
    await sql`create table taxii_statuses (
      id uuid primary key default gen_random_uuid(),
      collection_id uuid not null references taxii_collections (id) on delete cascade,
      user_id uuid,
      organisation_id uuid,
      created_at timestamptz not null default now(),
      total_count integer not null,
      success_count integer not null,
      failure_count integer not null,
      successes jsonb not null,
      failures jsonb not null)`.execute(db);
    await sql`create table taxii_tokens (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      name text not null,
      token_hash text not null unique,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz)`.execute(db);
    await sql`create index taxii_tokens_user_idx on taxii_tokens (user_id)`.execute(db);
  },
}];

export interface CollectionRow { id: string; key: string; title: string; description: string | null; readers: TaxiiGrant; writers: TaxiiGrant }

/** May this actor use a grant? Organisation members of a listed organisation, or staff holding the permission. */
export function granted(actor: Actor, grant: TaxiiGrant): boolean {
  if (actor.kind === 'org' && actor.organisationId) return grant.organisationIds.includes(actor.organisationId);
  if (actor.kind === 'staff' && grant.staffPermission) return actor.permissions.has(grant.staffPermission);
  return false;
}

export function accessOf(actor: Actor, c: CollectionRow): { read: boolean; write: boolean } {
  return { read: granted(actor, c.readers), write: granted(actor, c.writers) };
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string) => UUID_RE.test(s);

function checkGrant(g: TaxiiGrant, field: string): TaxiiGrant {
  if (!g || !Array.isArray(g.organisationIds) || g.organisationIds.some((id) => typeof id !== 'string' || !isUuid(id))) {
    throw validationFailed([{ field, message: { ja: '組織 ID の一覧が正しくありません。', en: 'organisationIds must be a list of organisation ids.' } }]);
  }
  if (g.staffPermission !== undefined && (typeof g.staffPermission !== 'string' || !g.staffPermission)) {
    throw validationFailed([{ field: `${field}.staffPermission`, message: { ja: '権限名が正しくありません。', en: 'staffPermission must be a permission name.' } }]);
  }
  return { organisationIds: [...new Set(g.organisationIds.map((s) => s.toLowerCase()))], ...(g.staffPermission ? { staffPermission: g.staffPermission } : {}) };
}

export const isoOfMs = (ms: number) => new Date(ms).toISOString();

/** A validated object ready to store. */
export interface Prepared { object: Record<string, unknown>; id: string; type: string; specVersion: string; version: string | null; versionUs: number | null; body: string }

export function prepare(obj: unknown): Prepared | { problem: string; id: string | null; version: string | null } {
  const problem = stixProblem(obj);
  const o = obj as Record<string, unknown>;
  if (problem) {
    const id = o && typeof o === 'object' && typeof o.id === 'string' ? o.id.slice(0, 300) : null;
    const v = o && typeof o === 'object' ? versionOf(o) : null;
    return { problem, id, version: typeof v === 'string' ? v.slice(0, 40) : null };
  }
  const version = versionOf(o);
  return {
    object: o, id: o.id as string, type: o.type as string, specVersion: (o.spec_version as string | undefined) ?? '2.1',
    version, versionUs: version ? Number(timestampMicros(version)) : null, body: JSON.stringify(o),
  };
}

export interface StoreOutcome { id: string; version: string; result: 'added' | 'version' | 'duplicate' }

/**
 * Stores validated objects in one collection inside `trx`: locks the collection row, assigns each
 * new object its own added millisecond, keeps the first/last flags of every id and skips exact
 * duplicates (same id and version; for observables, an id already present).
 */
export async function storeObjects(trx: DB, collectionId: string, items: Prepared[], by: { organisationId: string | null; userId: string | null }): Promise<StoreOutcome[]> {
  if (!items.length) return [];
  await sql`select id from taxii_collections where id = ${collectionId} for update`.execute(trx);
  const baseRow = await sql<{ base: number }>`select greatest(floor(extract(epoch from clock_timestamp()) * 1000)::bigint,
      coalesce((select max(added_ms) from taxii_objects where collection_id = ${collectionId}), 0) + 1) as base`.execute(trx);
  const base = Number(baseRow.rows[0].base);
  const ids = [...new Set(items.map((i) => i.id))];
  const existing = await sql<{ stix_id: string; version_us: number; is_latest: boolean; is_first: boolean }>`
    select stix_id, version_us, is_latest, is_first from taxii_objects where collection_id = ${collectionId} and stix_id = any(${ids}::text[])`.execute(trx);
  const known = new Map<string, { versions: Set<number>; min: number; max: number }>();
  for (const r of existing.rows) {
    const v = Number(r.version_us);
    const k = known.get(r.stix_id);
    if (k) { k.versions.add(v); k.min = Math.min(k.min, v); k.max = Math.max(k.max, v); } else known.set(r.stix_id, { versions: new Set([v]), min: v, max: v });
  }
  const oldBounds = new Map([...known].map(([id, k]) => [id, { min: k.min, max: k.max }]));
  const outcomes: StoreOutcome[] = [];
  const rows: Array<{ stix_id: string; type: string; spec_version: string; version: string; version_us: number; added_ms: number; body: string }> = [];
  let n = 0;
  for (const it of items) {
    const k = known.get(it.id);
    let version = it.version;
    let versionUs = it.versionUs;
    if (versionUs === null) {
      // Observables have no version of their own: the first copy stays, later copies are duplicates.
      if (k) { outcomes.push({ id: it.id, version: isoOfMs(Math.floor(k.max / 1000)), result: 'duplicate' }); continue; }
      const addedMs = base + n;
      version = isoOfMs(addedMs);
      versionUs = addedMs * 1000;
    }
    if (k?.versions.has(versionUs)) { outcomes.push({ id: it.id, version: version!, result: 'duplicate' }); continue; }
    const addedMs = base + n++;
    rows.push({ stix_id: it.id, type: it.type, spec_version: it.specVersion, version: version!, version_us: versionUs, added_ms: addedMs, body: it.body });
    outcomes.push({ id: it.id, version: version!, result: k ? 'version' : 'added' });
    if (k) { k.versions.add(versionUs); k.min = Math.min(k.min, versionUs); k.max = Math.max(k.max, versionUs); } else known.set(it.id, { versions: new Set([versionUs]), min: versionUs, max: versionUs });
  }
  if (!rows.length) return outcomes;
  // Clear the first/last flags of stored versions that new ones supersede.
  const lostLatest: string[] = [];
  const lostFirst: string[] = [];
  for (const [id, old] of oldBounds) {
    const now = known.get(id)!;
    if (now.max !== old.max) lostLatest.push(id);
    if (now.min !== old.min) lostFirst.push(id);
  }
  if (lostLatest.length) await sql`update taxii_objects set is_latest = false where collection_id = ${collectionId} and is_latest and stix_id = any(${lostLatest}::text[])`.execute(trx);
  if (lostFirst.length) await sql`update taxii_objects set is_first = false where collection_id = ${collectionId} and is_first and stix_id = any(${lostFirst}::text[])`.execute(trx);
  const payload = rows.map((r) => {
    const k = known.get(r.stix_id)!;
    return { ...r, is_latest: r.version_us === k.max, is_first: r.version_us === k.min };
  });
  // One statement and one parameter for the whole batch.
  await sql`insert into taxii_objects (collection_id, stix_id, type, spec_version, version, version_us, added_ms, added_by_org, added_by_user, is_latest, is_first, body)
    select ${collectionId}::uuid, x.stix_id, x.type, x.spec_version, x.version, x.version_us, x.added_ms, ${by.organisationId}::uuid, ${by.userId}::uuid, x.is_latest, x.is_first, x.body
    from jsonb_to_recordset(${JSON.stringify(payload)}::jsonb) as x(stix_id text, type text, spec_version text, version text, version_us bigint, added_ms bigint, is_latest boolean, is_first boolean, body text)`.execute(trx);
  return outcomes;
}

export async function collectionByKey(exec: Executor, key: string): Promise<CollectionRow | undefined> {
  return (exec as DB).selectFrom('taxii_collections').select(['id', 'key', 'title', 'description', 'readers', 'writers']).where('key', '=', key).executeTakeFirst();
}

export async function collectionById(exec: Executor, id: string): Promise<CollectionRow | undefined> {
  if (!isUuid(id)) return undefined;
  return (exec as DB).selectFrom('taxii_collections').select(['id', 'key', 'title', 'description', 'readers', 'writers']).where('id', '=', id).executeTakeFirst();
}

const noCollection = (key: string) => new AppError(404, 'taxii_collection_not_found', { ja: `TAXII コレクション ${key} がありません。`, en: `No TAXII collection ${key}.` });

async function inTransaction<T>(ctx: AppContext, trx: Executor | undefined, fn: (t: DB) => Promise<T>): Promise<T> {
  if (trx) return fn(trx as DB);
  return ctx.db.transaction().execute(fn);
}

export function createTaxiiService(ctx: AppContext): TaxiiService {
  return {
    async ensureCollection(input, trx) {
      if (typeof input.key !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/.test(input.key)) {
        throw validationFailed([{ field: 'key', message: { ja: 'キーが正しくありません。', en: 'The key must be 1–200 letters, digits, ".", "_", ":" or "-".' } }]);
      }
      if (typeof input.title !== 'string' || !input.title.trim()) throw validationFailed([{ field: 'title', message: { ja: '必須項目です。', en: 'This field is required.' } }]);
      const readers = checkGrant(input.readers, 'readers');
      const writers = checkGrant(input.writers, 'writers');
      return inTransaction(ctx, trx, async (t) => {
        const row = await sql<{ id: string; inserted: boolean }>`insert into taxii_collections (key, title, description, readers, writers)
          values (${input.key}, ${input.title.trim()}, ${input.description?.trim() || null}, ${JSON.stringify(readers)}::jsonb, ${JSON.stringify(writers)}::jsonb)
          on conflict (key) do update set title = excluded.title, description = excluded.description, readers = excluded.readers,
            writers = excluded.writers, updated_at = now()
          returning id, (xmax = 0) as inserted`.execute(t);
        const r = row.rows[0];
        await ctx.audit.record({ action: r.inserted ? 'taxii.collection_create' : 'taxii.collection_update', actor: SYSTEM_ACTOR, subjectType: 'taxii_collection', subjectId: r.id, details: { key: input.key, title: input.title, readers, writers } }, t);
        return { id: r.id, key: input.key };
      });
    },

    async setAccess(key, access, trx) {
      const readers = checkGrant(access.readers, 'readers');
      const writers = checkGrant(access.writers, 'writers');
      await inTransaction(ctx, trx, async (t) => {
        const r = await t.updateTable('taxii_collections').set({ readers: JSON.stringify(readers) as never, writers: JSON.stringify(writers) as never, updated_at: sql<Date>`now()` as never })
          .where('key', '=', key).returning('id').executeTakeFirst();
        if (!r) throw noCollection(key);
        await ctx.audit.record({ action: 'taxii.collection_access', actor: SYSTEM_ACTOR, subjectType: 'taxii_collection', subjectId: r.id, details: { key, readers, writers } }, t);
      });
    },

    async addObjects(key, objects, trx) {
      if (!Array.isArray(objects)) throw validationFailed([{ field: 'objects', message: { ja: '配列が必要です。', en: 'Must be an array.' } }]);
      if (objects.length > MAX_OBJECTS_PER_ENVELOPE) throw new AppError(413, 'too_large', { ja: `一度に追加できるのは ${MAX_OBJECTS_PER_ENVELOPE} 件までです。`, en: `At most ${MAX_OBJECTS_PER_ENVELOPE} objects per call.` });
      const prepared: Prepared[] = [];
      const problems: Array<{ field: string; message: { ja: string; en: string } }> = [];
      objects.forEach((o, i) => {
        const p = prepare(o);
        if ('problem' in p) problems.push({ field: `objects.${i}`, message: { ja: `STIX オブジェクトが不正です: ${p.problem}`, en: `Invalid STIX object: ${p.problem}` } });
        else prepared.push(p);
      });
      if (problems.length) throw validationFailed(problems);
      return inTransaction(ctx, trx, async (t) => {
        const c = await collectionByKey(t, key);
        if (!c) throw noCollection(key);
        const out = await storeObjects(t, c.id, prepared, { organisationId: null, userId: null });
        const added = out.filter((o) => o.result === 'added').length;
        const versions = out.filter((o) => o.result === 'version').length;
        await ctx.audit.record({ action: 'taxii.objects_add', actor: SYSTEM_ACTOR, subjectType: 'taxii_collection', subjectId: c.id, details: { key, via: 'service', total: objects.length, added, versions, duplicates: out.length - added - versions } }, t);
        return { added, versions };
      });
    },

    async objectsAddedSince(key, since, limit) {
      const c = await collectionByKey(ctx.db, key);
      if (!c) throw noCollection(key);
      const n = Math.max(1, Math.min(Math.floor(limit) || DEFAULT_PAGE, 10_000));
      const rows = await ctx.db.selectFrom('taxii_objects').select(['body', 'added_ms', 'added_by_org'])
        .where('collection_id', '=', c.id).where('added_ms', '>', since ? since.getTime() : -1)
        .orderBy('added_ms').limit(n).execute();
      return rows.map((r) => ({ object: JSON.parse(r.body) as Record<string, unknown>, addedAt: new Date(Number(r.added_ms)), addedByOrganisationId: r.added_by_org }));
    },
  };
}
