// The case engine: case types declared as data, reference numbers, parties with per-party
// visibility, messages and attachments, assignment, due dates, tags, full history, search and
// statistics "as of" any date. Desks configure it; none of them re-implements it.
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { Actor, AppContext, Executor } from '../context.js';
import { SYSTEM_ACTOR } from '../context.js';
import { AppError, forbidden, notFound } from '../http/errors.js';
import { jstParts } from '../i18n/dates.js';
import type { CaseEvent, CaseMessage, CaseParty, CaseRecord, CaseTransitionDef, CaseTypeDefinition, PartyRole } from './types.js';
import type { CaseRow } from './migrations.js';
import type { Tables } from '../db/database.js';
import type { StoredFile } from '../files/files.js';
import type { OutgoingMail } from '../mail/mail.js';
import { enqueueMany } from '../mail/mailer.js';
import { groupCommit, GroupItemError } from '../db/group-commit.js';
import type { AuditEntryInput } from '../audit/audit.js';

export interface PartyInput {
  role: PartyRole;
  organisationId?: string | null;
  userId?: string | null;
  email?: string | null;
  name?: string | null;
  /** Issue a secret tracking token for this party (reporters without an account). */
  withToken?: boolean;
}

export interface CreateCaseInput {
  type: string;
  title: string;
  data?: Record<string, unknown>;
  tags?: string[];
  parties?: PartyInput[];
  idempotencyKey?: string;
  /** Historical receipt time; only the system actor (imports, demo data) may set it. */
  receivedAt?: Date;
  dueAt?: Date | null;
}

export interface CreatedCase { record: CaseRecord; created: boolean; tokens: string[]; parties: CaseParty[] }

/** What createGrouped() writes with a new case, in the same transaction (nothing for a retry). */
export interface CreateEffects {
  /** Per-case work after the inserts (e.g. storing attachments); use only `t`. */
  inTransaction?(t: Executor, created: CreatedCase): Promise<void>;
  /** Outbox mail; one insert for the whole group. */
  mails?(created: CreatedCase): OutgoingMail[];
  /** Audit entries; appended for the whole group under one lock of the chain. */
  audit?(created: CreatedCase): AuditEntryInput[];
}

export interface CaseFilter {
  type?: string;
  types?: string[];
  state?: string[];
  open?: boolean;
  assigneeId?: string;
  unassigned?: boolean;
  tag?: string;
  q?: string;
  receivedFrom?: Date;
  receivedTo?: Date;
  overdue?: boolean;
  /** Equality filters on top-level keys of the case data (strings or booleans). */
  data?: Record<string, string | boolean>;
}

export interface ImportedCase {
  type: string;
  title: string;
  data: Record<string, unknown>;
  receivedAt: Date;
  parties: Array<{ role: PartyRole; organisationId?: string | null; email?: string | null; name?: string | null }>;
  /** Transitions in time order; states follow the type's state machine. */
  path: Array<{ transition: string; at: Date; reason?: string }>;
  /** Extra history events (priority provisions, alerts…). */
  events?: Array<{ kind: string; at: Date; details: Record<string, unknown> }>;
  dueAt?: Date | null;
}

export type CaseSort = 'received_desc' | 'received_asc' | 'updated_desc' | 'due_asc' | 'ref_asc';

export interface CasePage { items: CaseRecord[]; next: string | null; total: number }

type Db = Kysely<Tables>;

const CASE_TEXT = { ja: '案件', en: 'case' };

/** What keyword search matches (see search()); must stay exactly the expression of the index
 *  cases_open_type_search (migration kernel_cases_003), or the planner cannot use it. */
/** The columns of a case record: everything but the stored search text (as large as the data). */
const CASE_COLUMNS = ['id', 'type', 'ref', 'state', 'title', 'data', 'tags', 'assignee_id', 'due_at', 'received_at', 'updated_at', 'closed_at', 'closure_reason', 'idempotency_key', 'reminded_at', 'version'] as const;
const CASE_COLUMNS_QUALIFIED = CASE_COLUMNS.map((c) => `cases.${c}` as const);

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function toRecord(r: CaseRow): CaseRecord {
  return {
    id: r.id, type: r.type, ref: r.ref, state: r.state, title: r.title, data: r.data ?? {}, tags: r.tags ?? [],
    assigneeId: r.assignee_id, dueAt: r.due_at, receivedAt: r.received_at, updatedAt: r.updated_at,
    closedAt: r.closed_at, closureReason: r.closure_reason, version: r.version,
  };
}

function encodeCursor(v: unknown[]): string { return Buffer.from(JSON.stringify(v)).toString('base64url'); }
function decodeCursor(c: string): unknown[] | null {
  try { const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')); return Array.isArray(v) && v.length === 2 ? v : null; } catch { return null; }
}

export interface CaseEngine {
  registerType(def: CaseTypeDefinition): void;
  typeDef(type: string): CaseTypeDefinition;
  types(): CaseTypeDefinition[];
  create(input: CreateCaseInput, actor: Actor, trx?: Executor): Promise<CreatedCase>;
  /**
   * create() plus its effects in a transaction of its own that concurrent calls share (group
   * commit): one idempotency lookup, one reference-number reservation and one insert per table for
   * the whole group. Resolves only after that transaction has committed. A call that fails alone
   * (idempotency key of another type) is rejected without affecting the others; if the group's
   * transaction fails, each call is retried in a transaction of its own.
   */
  createGrouped(input: CreateCaseInput, actor: Actor, effects?: CreateEffects): Promise<CreatedCase>;
  /** Loads a case for an actor; refuses who may not see it; records the read in the audit log. */
  read(idOrRef: string, actor: Actor, ip?: string): Promise<CaseRecord>;
  /** Loads without access control or audit (internal use by services that already checked). */
  load(idOrRef: string, trx?: Executor): Promise<CaseRecord | undefined>;
  canRead(record: CaseRecord, actor: Actor): Promise<boolean>;
  isStaffReader(record: CaseRecord, actor: Actor): boolean;
  partiesOf(caseId: string, trx?: Executor): Promise<CaseParty[]>;
  /** Party records that this actor acts as on this case (org membership, own user, token). */
  actorParties(caseId: string, actor: Actor, tokenPartyId?: string): Promise<CaseParty[]>;
  addParty(caseId: string, party: PartyInput, actor: Actor, trx?: Executor): Promise<{ party: CaseParty; token?: string }>;
  byTrackingToken(token: string): Promise<{ record: CaseRecord; party: CaseParty } | undefined>;
  /** The tracking token of a party that was created with one. */
  trackingTokenOf(partyId: string): string;
  allowedTransitions(record: CaseRecord, actor: Actor): CaseTransitionDef[];
  transition(caseId: string, name: string, actor: Actor, opts?: { reason?: string; note?: string; at?: Date; expectedVersion?: number; details?: Record<string, unknown>; organisationId?: string }, trx?: Executor): Promise<CaseRecord>;
  /** Loads historical cases with their full history in bulk (imports from a previous system, demo data). */
  bulkImport(cases: ImportedCase[]): Promise<number>;
  assign(caseId: string, userId: string | null, actor: Actor, trx?: Executor): Promise<CaseRecord>;
  setDue(caseId: string, dueAt: Date | null, actor: Actor, trx?: Executor): Promise<CaseRecord>;
  setTags(caseId: string, tags: string[], actor: Actor, trx?: Executor): Promise<CaseRecord>;
  /** Merges keys into the case data and records which keys changed. */
  updateData(caseId: string, patch: Record<string, unknown>, actor: Actor, opts?: { kind?: string; at?: Date; title?: string }, trx?: Executor): Promise<CaseRecord>;
  /** Records a domain event (e.g. 'priority_provision') in the history without changing state. */
  recordEvent(caseId: string, kind: string, actor: Actor, details?: Record<string, unknown>, opts?: { at?: Date }, trx?: Executor): Promise<void>;
  postMessage(caseId: string, input: { body: string; visibility: 'internal' | 'parties'; partyIds?: string[]; authorPartyId?: string | null; files?: StoredFile[] }, actor: Actor, trx?: Executor): Promise<CaseMessage>;
  /** Messages the actor may see: staff see all; a party sees messages addressed to its party ids. */
  messagesFor(caseId: string, actor: Actor, partyIds: string[]): Promise<CaseMessage[]>;
  /** The file if the actor may download it through this case; audited by the caller. */
  attachmentFor(caseId: string, fileId: string, actor: Actor, partyIds: string[]): Promise<boolean>;
  history(caseId: string): Promise<CaseEvent[]>;
  search(filter: CaseFilter, opts: { sort?: CaseSort; limit?: number; cursor?: string | null; withTotal?: boolean }): Promise<CasePage>;
  /** Cases visible to an organisation or user party (their portal list). */
  listForParty(actor: Actor): Promise<CaseRecord[]>;
  // Statistics ---------------------------------------------------------------
  /** Number of cases of `type` in each state at the instant `asOf` (exclusive), from the history. */
  stateCountsAsOf(type: string, asOf: Date): Promise<Record<string, number>>;
  /** Cases received in [from, to), optionally those whose data matches. */
  countReceived(type: string, from: Date | null, to: Date, data?: Record<string, string | boolean>): Promise<number>;
  /**
   * Cases received in [from, to) counted per combination of the given data keys (text values, null
   * when absent) and, with `byMonth`, per JST month ('YYYY-MM'): one grouped query for a breakdown.
   */
  countReceivedBy(type: string, from: Date, to: Date, keys: string[], opts?: { byMonth?: boolean }): Promise<Array<{ values: Record<string, string | null>; month: string | null; n: number }>>;
  /** Events of a kind (or transitions into a state) in [from, to), counted per case or per event. */
  countEvents(type: string, from: Date | null, to: Date, where: { kind?: string; toState?: string; transition?: string; details?: Record<string, string> }): Promise<number>;
  /** Reminds assignees (or the case type's desk address) of open cases past their due date, once a day. */
  remindOverdue(now?: Date): Promise<number>;
  routes(app: FastifyInstance): Promise<void>;
}

export function createCaseEngine(ctx: AppContext): CaseEngine {
  const registry = new Map<string, CaseTypeDefinition>();
  const db = () => ctx.db as Db;
  const ex = (trx?: Executor) => (trx ?? ctx.db) as Db;

  // Derived rather than random so that an idempotent retry can show the same link again;
  // only its hash is stored, so the table alone does not reveal it.
  function trackingTokenOf(partyId: string): string {
    return createHmac('sha256', ctx.config.secret).update('track:' + partyId).digest('base64url');
  }

  function typeDef(type: string): CaseTypeDefinition {
    const def = registry.get(type);
    if (!def) throw new Error(`unknown case type ${type}`);
    return def;
  }

  function isStaffReader(record: Pick<CaseRecord, 'type'>, actor: Actor): boolean {
    return actor.kind === 'system' || (actor.kind === 'staff' && actor.permissions.has(typeDef(record.type).readPermission));
  }

  async function inTx<T>(trx: Executor | undefined, fn: (t: Db) => Promise<T>): Promise<T> {
    if (trx) return fn(trx as Db);
    return db().transaction().execute((t) => fn(t));
  }

  /**
   * The next reference numbers for the given (prefix, year) pairs, in order, with one statement.
   * Gap-free: the counter rows stay locked until the transaction ends and roll back with it.
   */
  async function reserveRefs(t: Db, keys: Array<{ prefix: string; year: number }>): Promise<string[]> {
    const counts = new Map<string, { prefix: string; year: number; n: number }>();
    for (const k of keys) {
      const c = counts.get(`${k.prefix}|${k.year}`) ?? { ...k, n: 0 };
      c.n++;
      counts.set(`${k.prefix}|${k.year}`, c);
    }
    // Always locked in the same order, so transactions reserving several counters cannot deadlock.
    const rows = [...counts.values()].sort((a, b) => (a.prefix === b.prefix ? a.year - b.year : a.prefix < b.prefix ? -1 : 1));
    const res = await sql<{ prefix: string; year: number; next: number }>`
      insert into case_ref_counters (prefix, year, next)
      select * from unnest(${rows.map((r) => r.prefix)}::text[], ${rows.map((r) => r.year)}::int[], ${rows.map((r) => r.n)}::int[])
      on conflict (prefix, year) do update set next = case_ref_counters.next + excluded.next
      returning prefix, year, next`.execute(t);
    const nextOf = new Map(res.rows.map((r) => {
      const k = `${r.prefix}|${r.year}`;
      return [k, Number(r.next) - counts.get(k)!.n + 1];
    }));
    return keys.map((k) => {
      const seq = nextOf.get(`${k.prefix}|${k.year}`)!;
      nextOf.set(`${k.prefix}|${k.year}`, seq + 1);
      return `${k.prefix}-${k.year}-${String(seq).padStart(5, '0')}`;
    });
  }

  /** A creation checked before any transaction: its type exists and its time may be used. */
  interface PreparedCreate { input: CreateCaseInput; actor: Actor; def: CaseTypeDefinition; at: Date; effects?: CreateEffects }

  function prepareCreate(input: CreateCaseInput, actor: Actor, effects?: CreateEffects): PreparedCreate {
    return { input, actor, def: typeDef(input.type), at: eventTime(actor, input.receivedAt), effects };
  }

  const idempotencyConflict = () => new GroupItemError(new AppError(409, 'idempotency_conflict', { ja: 'この送信キーは別の種類の届出で使用済みです。', en: 'This idempotency key was used for a different kind of submission.' }));

  /**
   * Creates the cases of `items` in transaction t, with their effects, in a fixed number of
   * statements whatever their number. Returns each item's result, or the error that concerns that
   * item alone (its idempotency key was used for another type); any other error is thrown.
   */
  async function createAll(t: Db, items: PreparedCreate[]): Promise<Array<CreatedCase | GroupItemError>> {
    const results: Array<CreatedCase | GroupItemError | undefined> = items.map(() => undefined);
    const keys = [...new Set(items.flatMap((it) => (it.input.idempotencyKey ? [it.input.idempotencyKey] : [])))];
    const stored = new Map<string, { row: CaseRow; parties: CaseParty[] }>();
    if (keys.length) {
      // Serialise retries of the same submission so exactly one case is created. Several keys are
      // locked in one order, so concurrent groups cannot deadlock on them.
      await sql`select pg_advisory_xact_lock(h) from (
        select distinct hashtext('case-idem:' || k) as h from unnest(${keys}::text[]) as k order by h) as locks`.execute(t);
      const rows = await t.selectFrom('cases').select(CASE_COLUMNS).where('idempotency_key', 'in', keys).execute();
      const parties = rows.length
        ? await t.selectFrom('case_parties').selectAll().where('case_id', 'in', rows.map((r) => r.id)).orderBy('added_at').execute()
        : [];
      for (const r of rows) stored.set(r.idempotency_key!, { row: r as CaseRow, parties: parties.filter((p) => p.case_id === r.id).map(partyOf) });
    }
    // A retry of a stored case gets it back; a retry within this group gets its first copy (below).
    const firstOf = new Map<string, number>();
    const fresh: number[] = [];
    items.forEach((it, i) => {
      const key = it.input.idempotencyKey;
      const prior = key ? stored.get(key) : undefined;
      if (prior) results[i] = prior.row.type === it.def.type ? { record: toRecord(prior.row), created: false, tokens: [], parties: prior.parties } : idempotencyConflict();
      else if (key && firstOf.has(key)) return;
      else { if (key) firstOf.set(key, i); fresh.push(i); }
    });

    if (fresh.length) {
      // As late as possible: the counter rows stay locked from here to the commit.
      const refs = await reserveRefs(t, fresh.map((i) => ({ prefix: items[i].def.refPrefix, year: jstParts(items[i].at).y })));
      const caseRows: Array<Insertable<Tables['cases']>> = [];
      const eventRows: Array<Insertable<Tables['case_events']>> = [];
      const partyRows: Array<Insertable<Tables['case_parties']>> = [];
      const made = fresh.map((i, n) => {
        const { input, actor, def, at } = items[i];
        const id = randomUUID();
        caseRows.push({
          id, type: def.type, ref: refs[n], state: def.initial, title: input.title,
          data: JSON.stringify(input.data ?? {}) as unknown as Record<string, unknown>,
          tags: input.tags ?? [], assignee_id: null, due_at: input.dueAt ?? null, received_at: at, updated_at: at,
          closed_at: null, closure_reason: null, idempotency_key: input.idempotencyKey ?? null, reminded_at: null,
        });
        eventRows.push(eventRow(id, 'created', actor, at, { to: def.initial }));
        const parties: CaseParty[] = [];
        const tokens: string[] = [];
        for (const p of input.parties ?? []) {
          const { row, party, token } = newParty(id, p, at);
          partyRows.push(row);
          parties.push(party);
          if (token) tokens.push(token);
        }
        return { id, parties, tokens };
      });
      // One statement: the cases, their 'created' events and their parties.
      const withEvents = t.with('c', (w) => w.insertInto('cases').values(caseRows).returning(CASE_COLUMNS))
        .with('e', (w) => w.insertInto('case_events').values(eventRows));
      const inserted = partyRows.length
        ? await withEvents.with('p', (w) => w.insertInto('case_parties').values(partyRows)).selectFrom('c').selectAll().execute()
        : await withEvents.selectFrom('c').selectAll().execute();
      const rowOf = new Map(inserted.map((r) => [r.id, r as CaseRow]));
      fresh.forEach((i, n) => { results[i] = { record: toRecord(rowOf.get(made[n].id)!), created: true, tokens: made[n].tokens, parties: made[n].parties }; });
    }
    items.forEach((it, i) => {
      if (results[i]) return;
      const first = results[firstOf.get(it.input.idempotencyKey!)!] as CreatedCase;
      results[i] = first.record.type === it.def.type ? { record: first.record, created: false, tokens: [], parties: first.parties } : idempotencyConflict();
    });

    const created = fresh.map((i) => ({ effects: items[i].effects, c: results[i] as CreatedCase }));
    for (const { effects, c } of created) await effects?.inTransaction?.(t, c);
    await enqueueMany(t, created.flatMap(({ effects, c }) => effects?.mails?.(c) ?? []));
    await ctx.audit.recordMany(created.flatMap(({ effects, c }) => effects?.audit?.(c) ?? []), t);
    return results as Array<CreatedCase | GroupItemError>;
  }

  // One group at a time: under load each takes every submission that queued during the previous one.
  const createInGroup = groupCommit<PreparedCreate, CreatedCase>((items) => db().transaction().execute((t) => createAll(t, items)));

  /** A new party: its row, its record and its tracking token (the id is made here, not by the database). */
  function newParty(caseId: string, p: PartyInput, at: Date): { row: Insertable<Tables['case_parties']>; party: CaseParty; token?: string } {
    const party: CaseParty = {
      id: randomUUID(), caseId, role: p.role, organisationId: p.organisationId ?? null, userId: p.userId ?? null,
      email: p.email ?? null, name: p.name ?? null, addedAt: at,
    };
    const token = p.withToken ? trackingTokenOf(party.id) : undefined;
    const row = {
      id: party.id, case_id: caseId, role: p.role, organisation_id: party.organisationId, user_id: party.userId,
      email: party.email, name: party.name, token_hash: token ? hashToken(token) : null, added_at: at,
    };
    return { row, party, token };
  }

  async function insertParty(t: Db, caseId: string, p: PartyInput, at: Date): Promise<{ party: CaseParty; token?: string }> {
    const { row, token } = newParty(caseId, p, at);
    return { party: partyOf(await t.insertInto('case_parties').values(row).returningAll().executeTakeFirstOrThrow()), token };
  }

  function partyOf(r: Selectable<Tables['case_parties']>): CaseParty {
    return { id: r.id, caseId: r.case_id, role: r.role as PartyRole, organisationId: r.organisation_id, userId: r.user_id, email: r.email, name: r.name, addedAt: r.added_at };
  }

  function eventRow(caseId: string, kind: string, actor: Actor, at: Date, e: { from?: string | null; to?: string | null; transition?: string | null; reason?: string | null; details?: Record<string, unknown> } = {}): Insertable<Tables['case_events']> {
    return {
      case_id: caseId, at, kind, actor_user_id: actor.userId, actor_name: actor.displayName,
      from_state: e.from ?? null, to_state: e.to ?? null, transition: e.transition ?? null, reason: e.reason ?? null,
      details: JSON.stringify(e.details ?? {}) as unknown as Record<string, unknown>,
    };
  }

  async function event(t: Db, caseId: string, kind: string, actor: Actor, at: Date, e?: Parameters<typeof eventRow>[4]) {
    await t.insertInto('case_events').values(eventRow(caseId, kind, actor, at, e)).execute();
  }

  async function lockCase(t: Db, caseId: string): Promise<CaseRecord> {
    const row = await t.selectFrom('cases').select(CASE_COLUMNS).where('id', '=', caseId).forUpdate().executeTakeFirst();
    if (!row) throw notFound(CASE_TEXT);
    return toRecord(row as CaseRow);
  }

  async function touch(t: Db, caseId: string, set: Record<string, unknown>, at: Date): Promise<CaseRecord> {
    const row = await t.updateTable('cases').set({ ...set, updated_at: at, version: sql`version + 1` } as never)
      .where('id', '=', caseId).returning(CASE_COLUMNS).executeTakeFirstOrThrow();
    return toRecord(row as CaseRow);
  }

  function eventTime(actor: Actor, at?: Date): Date {
    if (at && actor.kind !== 'system') throw new Error('only the system actor may back-date case events');
    return at ?? new Date();
  }

  const engine: CaseEngine = {
    registerType(def) {
      if (registry.has(def.type)) throw new Error(`case type ${def.type} registered twice`);
      if (!def.states[def.initial]) throw new Error(`${def.type}: initial state ${def.initial} not declared`);
      for (const tr of def.transitions) {
        for (const s of [...tr.from, tr.to]) if (!def.states[s]) throw new Error(`${def.type}: transition ${tr.name} uses undeclared state ${s}`);
      }
      registry.set(def.type, def);
    },
    typeDef,
    types: () => [...registry.values()],

    async create(input, actor, trx) {
      const item = prepareCreate(input, actor);
      return inTx(trx, async (t) => {
        const [result] = await createAll(t, [item]);
        if (result instanceof GroupItemError) throw result.error;
        return result;
      });
    },

    async createGrouped(input, actor, effects) {
      return createInGroup(prepareCreate(input, actor, effects));
    },

    async load(idOrRef, trx) {
      const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrRef);
      const row = await ex(trx).selectFrom('cases').select(CASE_COLUMNS).where(isUuid ? 'id' : 'ref', '=', idOrRef).executeTakeFirst();
      return row ? toRecord(row as CaseRow) : undefined;
    },

    async canRead(record, actor) {
      if (isStaffReader(record, actor)) return true;
      if (actor.kind === 'staff' || actor.kind === 'public' && !actor.userId) return false;
      return (await engine.actorParties(record.id, actor)).length > 0;
    },
    isStaffReader,

    async read(idOrRef, actor, ip) {
      const record = await engine.load(idOrRef);
      // Same answer for "absent" and "not yours", so references cannot be probed.
      if (!record || !(await engine.canRead(record, actor))) {
        if (record) await ctx.audit.record({ action: 'case.read_denied', actor, subjectType: 'case', subjectId: record.id, ip });
        throw notFound(CASE_TEXT);
      }
      await ctx.audit.record({ action: 'case.read', actor, subjectType: 'case', subjectId: record.id, details: { ref: record.ref }, ip });
      return record;
    },

    async partiesOf(caseId, trx) {
      const rows = await ex(trx).selectFrom('case_parties').selectAll().where('case_id', '=', caseId).orderBy('added_at').execute();
      return rows.map(partyOf);
    },

    async actorParties(caseId, actor, tokenPartyId) {
      const parties = await engine.partiesOf(caseId);
      return parties.filter((p) =>
        (tokenPartyId && p.id === tokenPartyId) ||
        (actor.userId && p.userId === actor.userId) ||
        (actor.kind === 'org' && actor.organisationId && p.organisationId === actor.organisationId));
    },

    async addParty(caseId, party, actor, trx) {
      return inTx(trx, async (t) => {
        await lockCase(t, caseId);
        const at = new Date();
        const r = await insertParty(t, caseId, party, at);
        await event(t, caseId, 'party_added', actor, at, { details: { role: party.role, organisationId: party.organisationId ?? null, partyId: r.party.id } });
        await touch(t, caseId, {}, at);
        return r;
      });
    },

    async byTrackingToken(token) {
      if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return undefined;
      const p = await db().selectFrom('case_parties').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst();
      if (!p) return undefined;
      const record = await engine.load(p.case_id);
      return record ? { record, party: partyOf(p) } : undefined;
    },

    trackingTokenOf,

    allowedTransitions(record, actor) {
      const def = typeDef(record.type);
      return def.transitions.filter((tr) => tr.from.includes(record.state) && (actor.kind === 'system' || actor.permissions.has(tr.permission)));
    },

    async transition(caseId, name, actor, opts = {}, trx) {
      return inTx(trx, async (t) => {
        const current = await lockCase(t, caseId);
        const def = typeDef(current.type);
        const tr = def.transitions.find((x) => x.name === name);
        if (!tr) throw new AppError(400, 'unknown_transition', { ja: `操作「${name}」はこの種類の案件にはありません。`, en: `There is no action "${name}" for this kind of case.` });
        if (actor.kind !== 'system' && !actor.permissions.has(tr.permission)) throw forbidden();
        if (opts.expectedVersion !== undefined && opts.expectedVersion !== current.version) {
          throw new AppError(409, 'stale_case', { ja: '案件が他の担当者により更新されました。再読み込みしてください。', en: 'The case was changed by someone else. Reload and try again.' });
        }
        if (!tr.from.includes(current.state) || (tr.fromReasons && !tr.fromReasons.includes(current.closureReason ?? ''))) {
          const fromLabel = def.states[current.state]?.label;
          throw new AppError(409, 'illegal_transition', {
            ja: `現在の状態「${fromLabel?.ja ?? current.state}」から「${tr.label.ja}」は行えません。`,
            en: `"${tr.label.en}" is not possible from the current state "${fromLabel?.en ?? current.state}".`,
          });
        }
        if (tr.reasons && (!opts.reason || !tr.reasons[opts.reason])) {
          throw new AppError(422, 'reason_required', { ja: '終了理由を選択してください。', en: 'Choose a closure reason.' },
            [{ field: 'reason', message: { ja: `次のいずれか: ${Object.values(tr.reasons).map((r) => r.ja).join('、')}`, en: `One of: ${Object.keys(tr.reasons).join(', ')}` } }]);
        }
        const refusal = tr.guard?.(current);
        if (refusal) throw new AppError(409, 'precondition_failed', refusal);
        const at = eventTime(actor, opts.at);
        const terminal = !!def.states[tr.to].terminal;
        const wasTerminal = !!def.states[current.state].terminal;
        const set: Record<string, unknown> = { state: tr.to };
        if (terminal) {
          if (!wasTerminal) set.closed_at = at;
          set.closure_reason = opts.reason ?? tr.to;
        } else { set.closed_at = null; set.closure_reason = null; }
        await event(t, caseId, 'transition', actor, at, { from: current.state, to: tr.to, transition: tr.name, reason: opts.reason ?? null, details: { ...(opts.details ?? {}), ...(opts.note ? { note: opts.note } : {}) } });
        const updated = await touch(t, caseId, set, at);
        await tr.effect?.({ record: updated, actor, trx: t, input: { reason: opts.reason, note: opts.note, organisationId: opts.organisationId, details: opts.details } });
        await ctx.audit.record({ action: 'case.transition', actor, subjectType: 'case', subjectId: caseId, details: { ref: current.ref, from: current.state, to: tr.to, transition: tr.name, reason: opts.reason ?? null } }, t);
        return updated;
      });
    },

    async assign(caseId, userId, actor, trx) {
      return inTx(trx, async (t) => {
        const c = await lockCase(t, caseId);
        const at = new Date();
        await event(t, caseId, 'assigned', actor, at, { details: { from: c.assigneeId, to: userId } });
        await ctx.audit.record({ action: 'case.assign', actor, subjectType: 'case', subjectId: caseId, details: { to: userId } }, t);
        return touch(t, caseId, { assignee_id: userId }, at);
      });
    },

    async setDue(caseId, dueAt, actor, trx) {
      return inTx(trx, async (t) => {
        const c = await lockCase(t, caseId);
        const at = new Date();
        await event(t, caseId, 'due_changed', actor, at, { details: { from: c.dueAt?.toISOString() ?? null, to: dueAt?.toISOString() ?? null } });
        return touch(t, caseId, { due_at: dueAt, reminded_at: null }, at);
      });
    },

    async setTags(caseId, tags, actor, trx) {
      const clean = [...new Set(tags.map((x) => x.trim()).filter(Boolean))].slice(0, 30);
      return inTx(trx, async (t) => {
        const c = await lockCase(t, caseId);
        const at = new Date();
        await event(t, caseId, 'tags_changed', actor, at, { details: { from: c.tags, to: clean } });
        return touch(t, caseId, { tags: clean }, at);
      });
    },

    async updateData(caseId, patch, actor, opts = {}, trx) {
      return inTx(trx, async (t) => {
        const c = await lockCase(t, caseId);
        const at = eventTime(actor, opts.at);
        const changed = Object.keys(patch).filter((k) => JSON.stringify(c.data[k]) !== JSON.stringify(patch[k]));
        const before = Object.fromEntries(changed.map((k) => [k, c.data[k] ?? null]));
        await event(t, caseId, opts.kind ?? 'data_changed', actor, at, { details: { keys: changed, before } });
        const set: Record<string, unknown> = { data: JSON.stringify({ ...c.data, ...patch }) };
        if (opts.title) set.title = opts.title;
        return touch(t, caseId, set, at);
      });
    },

    async recordEvent(caseId, kind, actor, details = {}, opts = {}, trx) {
      await inTx(trx, async (t) => {
        await lockCase(t, caseId);
        const at = eventTime(actor, opts.at);
        await event(t, caseId, kind, actor, at, { details });
        await touch(t, caseId, {}, at);
      });
    },

    async postMessage(caseId, input, actor, trx) {
      const body = input.body.trim();
      if (!body && !(input.files?.length)) {
        throw new AppError(422, 'validation_failed', { ja: '入力内容に誤りがあります。', en: 'Some fields are invalid.' }, [{ field: 'body', message: { ja: 'メッセージを入力してください。', en: 'Enter a message.' } }]);
      }
      return inTx(trx, async (t) => {
        await lockCase(t, caseId);
        const at = new Date();
        const row = await t.insertInto('case_messages').values({
          case_id: caseId, author_user_id: actor.userId, author_party_id: input.authorPartyId ?? null, author_name: actor.displayName,
          visibility: input.visibility, party_ids: input.visibility === 'internal' ? [] : input.partyIds ?? [], body, created_at: at,
        }).returningAll().executeTakeFirstOrThrow();
        for (const f of input.files ?? []) await t.insertInto('case_message_files').values({ message_id: row.id, file_id: f.id }).execute();
        await event(t, caseId, 'message', actor, at, { details: { messageId: row.id, visibility: input.visibility, partyIds: row.party_ids, files: (input.files ?? []).length } });
        await touch(t, caseId, {}, at);
        return {
          id: row.id, caseId, authorName: row.author_name, authorUserId: row.author_user_id, authorPartyId: row.author_party_id,
          visibility: row.visibility as CaseMessage['visibility'], partyIds: row.party_ids, body: row.body, createdAt: row.created_at,
          attachments: (input.files ?? []).map((f) => ({ fileId: f.id, filename: f.filename, size: f.size, contentType: f.contentType })),
        };
      });
    },

    async messagesFor(caseId, actor, partyIds) {
      const record = await engine.load(caseId);
      if (!record) return [];
      const staff = isStaffReader(record, actor);
      let q = db().selectFrom('case_messages').selectAll().where('case_id', '=', caseId);
      if (!staff) {
        if (partyIds.length === 0) return [];
        q = q.where('visibility', '=', 'parties').where(sql<boolean>`party_ids && ${sql.val(partyIds)}::uuid[]`);
      }
      const rows = await q.orderBy('created_at').orderBy('id').execute();
      const ids = rows.map((r) => r.id);
      const files = ids.length
        ? await sql<{ message_id: string; file_id: string; filename: string; size: number; content_type: string }>`
            select mf.message_id, f.id as file_id, f.filename, f.size, f.content_type
            from case_message_files mf join files f on f.id = mf.file_id where mf.message_id = any(${sql.val(ids)}::uuid[])`.execute(db())
        : { rows: [] };
      return rows.map((r) => ({
        id: r.id, caseId, authorName: r.author_name, authorUserId: r.author_user_id, authorPartyId: r.author_party_id,
        visibility: r.visibility as CaseMessage['visibility'], partyIds: r.party_ids, body: r.body, createdAt: r.created_at,
        attachments: files.rows.filter((f) => f.message_id === r.id).map((f) => ({ fileId: f.file_id, filename: f.filename, size: Number(f.size), contentType: f.content_type })),
      }));
    },

    async attachmentFor(caseId, fileId, actor, partyIds) {
      const msgs = await engine.messagesFor(caseId, actor, partyIds);
      return msgs.some((m) => m.attachments.some((a) => a.fileId === fileId));
    },

    async history(caseId) {
      const rows = await db().selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('at').orderBy('id').execute();
      return rows.map((r) => ({
        id: Number(r.id), caseId: r.case_id, at: r.at, kind: r.kind, actorName: r.actor_name, actorUserId: r.actor_user_id,
        fromState: r.from_state, toState: r.to_state, reason: r.reason, details: { ...(r.details ?? {}), ...(r.transition ? { transition: r.transition } : {}) },
      }));
    },

    async bulkImport(list) {
      let n = 0;
      for (let i = 0; i < list.length; i += 400) {
        const chunk = list.slice(i, i + 400);
        await db().transaction().execute(async (t) => {
          const refs = await reserveRefs(t, chunk.map((c) => ({ prefix: typeDef(c.type).refPrefix, year: jstParts(c.receivedAt).y })));
          const caseRows = chunk.map((c, j) => {
            const def = typeDef(c.type);
            let state = def.initial; let closedAt: Date | null = null; let reason: string | null = null; let updated = c.receivedAt;
            for (const step of c.path) {
              const tr = def.transitions.find((x) => x.name === step.transition);
              if (!tr || !tr.from.includes(state)) throw new Error(`import: ${step.transition} not allowed from ${state} (${c.type})`);
              const wasTerminal = !!def.states[state].terminal;
              state = tr.to;
              if (def.states[state].terminal) { if (!wasTerminal) closedAt = step.at; reason = step.reason ?? state; } else { closedAt = null; reason = null; }
              updated = step.at;
            }
            return {
              type: c.type, ref: refs[j], state, title: c.title,
              data: JSON.stringify(c.data) as unknown as Record<string, unknown>, tags: [] as string[], assignee_id: null, due_at: c.dueAt ?? null,
              received_at: c.receivedAt, updated_at: updated, closed_at: closedAt, closure_reason: reason, idempotency_key: null, reminded_at: null,
            };
          });
          const inserted = await t.insertInto('cases').values(caseRows).returning(['id']).execute();
          const events: Array<Parameters<ReturnType<Db['insertInto']>['values']>[0]> = [];
          const parties: Array<Record<string, unknown>> = [];
          chunk.forEach((c, j) => {
            const id = inserted[j].id;
            const def = typeDef(c.type);
            let state = def.initial;
            events.push({ case_id: id, at: c.receivedAt, kind: 'created', actor_user_id: null, actor_name: 'import', from_state: null, to_state: state, transition: null, reason: null, details: '{}' } as never);
            for (const step of c.path) {
              const tr = def.transitions.find((x) => x.name === step.transition)!;
              events.push({ case_id: id, at: step.at, kind: 'transition', actor_user_id: null, actor_name: 'import', from_state: state, to_state: tr.to, transition: tr.name, reason: step.reason ?? null, details: '{}' } as never);
              state = tr.to;
            }
            for (const e of c.events ?? []) events.push({ case_id: id, at: e.at, kind: e.kind, actor_user_id: null, actor_name: 'import', from_state: null, to_state: null, transition: null, reason: null, details: JSON.stringify(e.details) } as never);
            for (const p of c.parties) parties.push({ case_id: id, role: p.role, organisation_id: p.organisationId ?? null, user_id: null, email: p.email ?? null, name: p.name ?? null, token_hash: null, added_at: c.receivedAt });
          });
          for (let k = 0; k < events.length; k += 2000) await t.insertInto('case_events').values(events.slice(k, k + 2000) as never).execute();
          if (parties.length) for (let k = 0; k < parties.length; k += 2000) await t.insertInto('case_parties').values(parties.slice(k, k + 2000) as never).execute();
        });
        n += chunk.length;
      }
      // Planner statistics and the visibility map for the bulk-loaded rows (index-only scans in the
      // statistics). Embedded PGlite runs no autovacuum: without this the tables would stay "never
      // analysed" and the statistics and lists get poor plans. (VACUUM cannot run in a transaction.)
      if (n > 0) await sql`vacuum analyze cases, case_events, case_parties`.execute(db());
      return n;
    },

    async search(filter, opts) {
      const limit = Math.min(Math.max(opts.limit ?? 50, 1), 500);
      const sort = opts.sort ?? 'received_desc';
      let q = db().selectFrom('cases').select(CASE_COLUMNS);
      if (filter.type) q = q.where('type', '=', filter.type);
      if (filter.types) q = q.where('type', 'in', filter.types.length ? filter.types : ['-']);
      if (filter.state?.length) q = q.where('state', 'in', filter.state);
      if (filter.open === true) q = q.where('closed_at', 'is', null);
      if (filter.open === false) q = q.where('closed_at', 'is not', null);
      if (filter.assigneeId) q = q.where('assignee_id', '=', filter.assigneeId);
      if (filter.unassigned) q = q.where('assignee_id', 'is', null);
      if (filter.tag) q = q.where(sql<boolean>`tags @> array[${filter.tag}]::text[]`);
      if (filter.receivedFrom) q = q.where('received_at', '>=', filter.receivedFrom);
      if (filter.receivedTo) q = q.where('received_at', '<', filter.receivedTo);
      if (filter.overdue) q = q.where('closed_at', 'is', null).where('due_at', '<', new Date());
      for (const [k, v] of Object.entries(filter.data ?? {})) {
        q = q.where(sql<boolean>`data->>${k} = ${String(v)}`);
      }
      if (filter.q) {
        const like = `%${filter.q.replace(/[\\%_]/g, (m) => '\\' + m)}%`;
        // Title, reference or any value of the data, case-insensitively (ILIKE is lower() LIKE lower()),
        // in the stored column search_text, so that the trigram index cases_open_search_text answers it
        // and its recheck reads the stored text instead of rebuilding it from the JSON.
        q = q.where(sql<boolean>`search_text like lower(${like})`);
      }
      // Sort keys are never null (due dates sort missing-last), so keyset pagination is exact.
      const [key, dir] = ({
        received_desc: [sql`received_at`, 'desc'], received_asc: [sql`received_at`, 'asc'], updated_desc: [sql`updated_at`, 'desc'],
        due_asc: [sql`coalesce(due_at, 'infinity'::timestamptz)`, 'asc'], ref_asc: [sql`ref`, 'asc'],
      } as const)[sort];
      const cur = opts.cursor ? decodeCursor(opts.cursor) : null;
      if (opts.cursor && !cur) throw new AppError(400, 'bad_cursor', { ja: 'ページ指定が不正です。', en: 'Invalid page cursor.' });
      if (filter.q && !cur && opts.withTotal !== false) {
        // A keyword has to be matched against every candidate to count them anyway, so the first
        // page and the total come from one pass: count and rank the matches by id and sort key only,
        // then load the page's rows (a separate count would evaluate the keyword twice).
        const ranked = q.clearSelect().select(['id as match_id', sql<number>`count(*) over ()`.as('match_total')])
          .orderBy(key as never, dir).orderBy('id', dir).limit(limit + 1);
        const rows = await db().selectFrom('cases').innerJoin(ranked.as('m'), 'm.match_id', 'cases.id')
          .select(CASE_COLUMNS_QUALIFIED).select(['m.match_total', sql<string>`${key}::text`.as('sort_key')])
          .orderBy(key as never, dir).orderBy('cases.id', dir).execute();
        const items = rows.slice(0, limit).map((r) => toRecord(r as unknown as CaseRow));
        const lastRow = rows[limit - 1] as unknown as { sort_key: string; id: string } | undefined;
        const total = rows.length ? Number(rows[0].match_total) : 0;
        return { items, total, next: rows.length > limit && lastRow ? encodeCursor([lastRow.sort_key, lastRow.id]) : null };
      }
      const total = opts.withTotal === false ? -1 : Number((await q.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
      if (cur) {
        const [v, id] = cur as [string, string];
        const cmp = sort === 'ref_asc' ? sql`(${key}, id) > (${v}, ${id}::uuid)` : sql`(${key}, id) ${sql.raw(dir === 'desc' ? '<' : '>')} (${v}::timestamptz, ${id}::uuid)`;
        q = q.where(cmp as never);
      }
      const rows = await q.select(sql<string>`${key}::text`.as('sort_key'))
        .orderBy(key as never, dir).orderBy('id', dir).limit(limit + 1).execute();
      const items = rows.slice(0, limit).map((r) => toRecord(r as unknown as CaseRow));
      const lastRow = rows[limit - 1] as unknown as { sort_key: string; id: string } | undefined;
      return { items, total, next: rows.length > limit && lastRow ? encodeCursor([lastRow.sort_key, lastRow.id]) : null };
    },

    async listForParty(actor) {
      if (!actor.userId && !actor.organisationId) return [];
      const rows = await db().selectFrom('cases').select(CASE_COLUMNS).where('id', 'in', (eb) => {
        let sub = eb.selectFrom('case_parties').select('case_id');
        sub = sub.where((w) => w.or([
          ...(actor.userId ? [w('user_id', '=', actor.userId)] : []),
          ...(actor.kind === 'org' && actor.organisationId ? [w('organisation_id', '=', actor.organisationId)] : []),
        ]));
        return sub;
      }).orderBy('updated_at', 'desc').limit(500).execute();
      return rows.map((r) => toRecord(r as CaseRow));
    },

    async stateCountsAsOf(type, asOf) {
      // The state of each case at asOf is the target of its latest state-changing event before it.
      // Every state change writes that event together with the new state, so for a case with no state
      // change since asOf this is its current state; only the cases changed since then ("moved": few
      // for a past date, found through case_events_state) are looked up in their history, one index
      // probe each. Sorting the type's whole history instead took most of the statistics' time.
      const rows = await sql<{ state: string; n: number }>`
        with moved as (
          select distinct e.case_id from case_events e join cases c on c.id = e.case_id
          where e.at >= ${asOf} and e.to_state is not null and c.type = ${type} and c.received_at < ${asOf}
        )
        select state, sum(n)::int as n from (
          select c.state, count(*) as n from cases c
          where c.type = ${type} and c.received_at < ${asOf} and not exists (select 1 from moved m where m.case_id = c.id)
          group by c.state
          union all
          select h.to_state, count(*) from moved m cross join lateral (
            select e.to_state from case_events e
            where e.case_id = m.case_id and e.at < ${asOf} and e.to_state is not null
            order by e.at desc, e.id desc limit 1
          ) h group by h.to_state
        ) x group by state`.execute(db());
      return Object.fromEntries(rows.rows.map((r) => [r.state, Number(r.n)]));
    },

    async countReceived(type, from, to, data) {
      let q = db().selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).where('type', '=', type).where('received_at', '<', to);
      if (from) q = q.where('received_at', '>=', from);
      for (const [k, v] of Object.entries(data ?? {})) q = q.where(sql<boolean>`data->>${k} = ${String(v)}`);
      return Number((await q.executeTakeFirst())?.n ?? 0);
    },

    async countReceivedBy(type, from, to, keys, opts) {
      if (keys.some((k) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))) throw new RangeError('countReceivedBy: data keys must be identifiers');
      const cols = keys.map((k, i) => sql`data->>${k} as ${sql.ref(`k${i}`)}`);
      const month = opts?.byMonth ? sql`to_char(received_at at time zone 'Asia/Tokyo', 'YYYY-MM')` : sql`null::text`;
      const groups = Array.from({ length: keys.length + 1 }, (_, i) => sql.raw(String(i + 1)));
      const r = await sql<Record<string, string | null> & { month: string | null; n: number }>`
        select ${sql.join([...cols, sql`${month} as month`])}, count(*)::int as n from cases
        where type = ${type} and received_at >= ${from} and received_at < ${to}
        group by ${sql.join(groups)}`.execute(db());
      return r.rows.map((row) => ({ values: Object.fromEntries(keys.map((k, i) => [k, row[`k${i}`] ?? null])), month: row.month, n: Number(row.n) }));
    },

    async countEvents(type, from, to, where) {
      let q = db().selectFrom('case_events as e').innerJoin('cases as c', 'c.id', 'e.case_id')
        .select((eb) => eb.fn.countAll<number>().as('n')).where('c.type', '=', type).where('e.at', '<', to);
      if (from) q = q.where('e.at', '>=', from);
      if (where.kind) q = q.where('e.kind', '=', where.kind);
      if (where.toState) q = q.where('e.to_state', '=', where.toState);
      if (where.transition) q = q.where('e.transition', '=', where.transition);
      for (const [k, v] of Object.entries(where.details ?? {})) q = q.where(sql<boolean>`e.details->>${k} = ${v}`);
      return Number((await q.executeTakeFirst())?.n ?? 0);
    },

    async remindOverdue(now = new Date()) {
      const due = await db().selectFrom('cases').select(['id', 'ref', 'title', 'assignee_id', 'due_at', 'type'])
        .where('closed_at', 'is', null).where('due_at', '<', now)
        .where((eb) => eb.or([eb('reminded_at', 'is', null), eb('reminded_at', '<', new Date(now.getTime() - 86400_000))]))
        .limit(500).execute();
      for (const c of due) {
        const assignee = c.assignee_id ? await ctx.auth.getUser(c.assignee_id) : undefined;
        await db().transaction().execute(async (t) => {
          const def = registry.get(c.type);
          await event(t, c.id, 'reminder', SYSTEM_ACTOR, now, { details: { dueAt: c.due_at?.toISOString() ?? null, to: assignee?.email ?? null } });
          await t.updateTable('cases').set({ reminded_at: now }).where('id', '=', c.id).execute();
          const to = assignee?.email ?? def?.deskEmail;
          if (to) {
            await ctx.mail.enqueue({
              to, key: `overdue:${c.id}:${now.toISOString().slice(0, 10)}`,
              subject: `[${c.ref}] 期日を過ぎています / Past its due date`,
              text: `${c.ref}「${c.title}」は期日（${c.due_at?.toISOString().slice(0, 10)}）を過ぎています。\n${c.ref} "${c.title}" is past its due date.\n${ctx.config.baseUrl}/staff/cases/${c.ref}\n`,
            }, t);
          }
        });
      }
      return due.length;
    },

    async routes(app) {
      const { caseRoutes } = await import('./routes.js');
      await caseRoutes(app, ctx, engine);
    },
  };
  return engine;
}

