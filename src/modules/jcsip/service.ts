// J-CSIP hub: participants (SIGs, linkage schemes, membership, contacts), provisions (情報提供) from
// the portal, the intake e-mail address and TAXII inboxes, analysis (duplicates, grouping into
// shared items, anonymisation with preview/diff and approval), sharing (portal, e-mail, STIX via the
// TAXII service) under the providers' conditions, public alerts with revisions and view counts,
// technical reports, and the figures of the quarterly 運用状況.
import { randomBytes, randomUUID, createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { SYSTEM_ACTOR, type Actor, type AppContext, type Executor } from '../../platform/context.js';
import { AppError, notFound, validationFailed, type FieldError } from '../../platform/http/errors.js';
import type { Text } from '../../platform/i18n/i18n.js';
import { jstMidnight } from '../../platform/i18n/dates.js';
import { parseEmail, type ParsedEmail } from '../../shared/eml.js';
import { extractIndicators, normaliseIndicator, type Indicator } from '../../shared/indicators.js';
import { hashesOf } from '../../shared/quarantine.js';
import {
  AGENCY_IDENTITY_ID, EXCHANGE_AUTH, EXCHANGE_DIRECTIONS, EXTERNAL_TLPS, MEMBER_TRANSITIONS, PERM, RECEIVED_VIA, SCOPES, SIGS, TLPS, scopeRank, tlpRank,
  type Channel, type ContactRole, type ExchangeAuth, type ExchangeDirection, type MemberState, type ProvisionKind, type ReceivedVia, type Scope, type Tlp, type ItemState,
} from './data.js';
import { redact, validateRulePattern, type RedactionContext, type RedactionRule, type RuleKind, type Segment, RULE_KINDS } from './redaction.js';
import { bundleOf, itemObjects, tlpOfMarkingRefs } from './stix.js';
import { TaxiiClientError, apiUrl, authHeader, taxiiFetch, urlProblem } from './taxii-client.js';

// ---- The TAXII service this module codes against (provided by src/modules/taxii when loaded). ----
export interface TaxiiGrant { organisationIds: string[]; staffPermission?: string }
export interface TaxiiService {
  ensureCollection(input: { key: string; title: string; description?: string; readers: TaxiiGrant; writers: TaxiiGrant }, trx?: Executor): Promise<{ id: string; key: string }>;
  setAccess(key: string, access: { readers: TaxiiGrant; writers: TaxiiGrant }, trx?: Executor): Promise<void>;
  addObjects(key: string, objects: Record<string, unknown>[], trx?: Executor): Promise<{ added: number; versions: number }>;
  objectsAddedSince(key: string, since: Date | null, limit: number): Promise<Array<{ object: Record<string, unknown>; addedAt: Date; addedByOrganisationId: string | null }>>;
}

export const inboxKey = (orgId: string) => `jcsip-inbox-${orgId}`;
export const sigCollectionKey = (sigId: string) => `jcsip-sig-${sigId}`;
export const ALL_COLLECTION = 'jcsip-all';
export const INTAKE_DOMAIN = 'intake.mamori.example.jp';
export const intakeAddress = (token: string) => `jcsip+${token}@${INTAKE_DOMAIN}`;

// ---- Records --------------------------------------------------------------------------------------
export interface Sig { id: string; kind: 'sig' | 'scheme'; nameJa: string; nameEn: string; facilities: number | null; sort: number }
export interface Member {
  organisationId: string; name: string; nameEn: string | null; email: string | null; sigId: string; state: MemberState;
  appliedAt: Date | null; agreementAt: Date | null; joinedAt: Date | null; suspendedAt: Date | null; leftAt: Date | null;
  intakeToken: string; note: string;
  /** An external sharing body connected over TAXII, not a participant (excluded from the figures). */
  external: boolean;
}
export interface Contact { id: string; organisationId: string; name: string; email: string; role: ContactRole }
export interface ProvisionFile { id: string; fileId: string; filename: string; size: number; md5: string; sha1: string; sha256: string }
export interface Provision {
  id: string; ref: string; organisationId: string; kind: ProvisionKind; channel: Channel; title: string; body: string;
  tlp: Tlp; scope: Scope; nameProvider: boolean; receivedAt: Date; submittedBy: string | null;
  email: ParsedEmail | null; fingerprint: string | null; status: 'received' | 'grouped' | 'duplicate' | 'closed';
  itemId: string | null; duplicateOf: string | null; demo: boolean; receivedVia: ReceivedVia | null;
}
export interface Item {
  id: string; ref: string; title: string; draft: string; approvedText: string | null; approvedTitle: string | null; approvedHash: string | null;
  approvedBy: string | null; approvedAt: Date | null; tlp: Tlp; state: ItemState; malware: string | null; attackPattern: string | null; attackPatternId: string | null;
  nameProviders: boolean; createdAt: Date; sharedAt: Date | null; stixVersion: number;
  withdrawnAt: Date | null; withdrawnReason: string | null;
}
export interface ExternalSource {
  id: string; name: string; apiRoot: string; collectionId: string; authKind: ExchangeAuth; username: string; hasSecret: boolean;
  direction: ExchangeDirection; organisationId: string; sigId: string; tlp: Tlp; scope: Scope; enabled: boolean; pullCursor: string | null;
  lastSyncAt: Date | null; lastOk: boolean | null; lastError: Text | null; lastSummary: string | null;
}
export interface Share { id: string; itemId: string; audience: string; sharedAt: Date; actor: string | null }
export interface Alert { id: string; slug: string; itemId: string | null; title: string; body: string; publishedAt: Date; updatedAt: Date; views: number; revision: number }
export interface AlertRevision { revision: number; title: string; body: string; note: string; at: Date }
export interface TechReport { id: string; slug: string; kind: 'activity' | 'technical'; title: string; body: string; publishedAt: Date | null; itemIds: string[] }

const d = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));
const n = (v: unknown) => Number(v ?? 0);

function toMember(r: any): Member {
  return {
    organisationId: r.organisation_id, name: r.name, nameEn: r.name_en, email: r.email, sigId: r.sig_id, state: r.state,
    appliedAt: d(r.applied_at), agreementAt: d(r.agreement_at), joinedAt: d(r.joined_at), suspendedAt: d(r.suspended_at), leftAt: d(r.left_at),
    intakeToken: r.intake_token, note: r.note ?? '', external: !!r.external,
  };
}
function toProvision(r: any): Provision {
  return {
    id: r.id, ref: r.ref, organisationId: r.organisation_id, kind: r.kind, channel: r.channel, title: r.title, body: r.body,
    tlp: r.tlp, scope: r.scope, nameProvider: !!r.name_provider, receivedAt: new Date(r.received_at), submittedBy: r.submitted_by,
    email: r.email_json ? JSON.parse(r.email_json) : null, fingerprint: r.fingerprint, status: r.status, itemId: r.item_id, duplicateOf: r.duplicate_of, demo: !!r.demo, receivedVia: r.received_via ?? null,
  };
}
function toItem(r: any): Item {
  return {
    id: r.id, ref: r.ref, title: r.title, draft: r.draft, approvedText: r.approved_text, approvedTitle: r.approved_title, approvedHash: r.approved_hash,
    approvedBy: r.approved_by, approvedAt: d(r.approved_at), tlp: r.tlp, state: r.state, malware: r.malware, attackPattern: r.attack_pattern, attackPatternId: r.attack_pattern_id,
    nameProviders: !!r.name_providers, createdAt: new Date(r.created_at), sharedAt: d(r.shared_at), stixVersion: n(r.stix_version),
    withdrawnAt: d(r.withdrawn_at), withdrawnReason: r.withdrawn_reason ?? null,
  };
}
const toAlert = (r: any): Alert => ({ id: r.id, slug: r.slug, itemId: r.item_id, title: r.title, body: r.body, publishedAt: new Date(r.published_at), updatedAt: new Date(r.updated_at), views: n(r.views), revision: n(r.revision) });
const toReport = (r: any): TechReport => ({ id: r.id, slug: r.slug, kind: r.kind, title: r.title, body: r.body, publishedAt: d(r.published_at), itemIds: JSON.parse(r.item_ids || '[]') });

/** A refusal with a bilingual reason (409). */
export const refused = (code: string, text: Text) => new AppError(409, code, text);

const hashText = (s: string) => createHash('sha256').update(s).digest('hex');
const IDENT = /^[a-z0-9][a-z0-9-]{1,40}$/;

export interface ProvisionInput {
  kind: string; title?: string; body?: string; tlp?: string; scope?: string; nameProvider?: boolean | string;
  rawEmail?: Buffer | null; indicators?: string; files?: Array<{ filename: string; contentType: string; data: Buffer }>;
}

export interface ShareCheck { ok: boolean; reasons: Text[] }

/** The version of a STIX object for de-duplication: `modified` (SDO/SRO), `created` (marking definitions), none (SCOs). */
const stixVersionOf = (o: Record<string, unknown>) => String(o.modified ?? o.created ?? '');

/** STIX objects that carry information of their own; markings, identities and relationships only describe others. */
const isProvisionObject = (o: Record<string, unknown>) => !['marking-definition', 'identity', 'relationship'].includes(String(o.type));

/** A STIX object received over TAXII (inbox or external partner) as a provision: reports and notes as text, the rest as indicators. */
function provisionInputOf(o: Record<string, unknown>, tlp: Tlp, scope: Scope): ProvisionInput {
  const text = [o.name, o.description, o.content, o.pattern].filter((x) => typeof x === 'string').join('\n');
  return o.type === 'report' || o.type === 'note'
    ? { kind: 'report', title: String(o.name ?? o.abstract ?? o.type), body: text || JSON.stringify(o).slice(0, 5000), tlp, scope }
    : { kind: 'indicators', title: String(o.name ?? `${o.type} ${o.id}`).slice(0, 300), indicators: text || JSON.stringify(o), body: JSON.stringify(o, null, 1).slice(0, 20_000), tlp, scope };
}

export interface ExternalSourceInput {
  name: string; apiRoot: string; collectionId: string; authKind: string; username?: string; secret?: string;
  direction: string; sigId: string; tlp: string; scope: string;
}

export function createJcsipService(ctx: AppContext) {
  const db = ctx.db as unknown as Kysely<any>;
  const ex = (trx?: Executor) => (trx ?? ctx.db) as unknown as Kysely<any>;
  const taxii = () => ctx.services.get('taxii') as TaxiiService | undefined;

  async function nextRef(prefix: string, at: Date, trx: Executor): Promise<string> {
    const y = at.getUTCFullYear();
    const key = `${prefix}-${y}`;
    const r = await sql<{ n: number }>`insert into jcsip_counters (key, n) values (${key}, 1)
      on conflict (key) do update set n = jcsip_counters.n + 1 returning n`.execute(trx);
    return `${prefix}-${y}-${String(r.rows[0].n).padStart(5, '0')}`;
  }

  // ==== Participants ================================================================================
  async function listSigs(): Promise<Sig[]> {
    const r = await sql<any>`select * from jcsip_sigs order by sort, id`.execute(db);
    return r.rows.map((x) => ({ id: x.id, kind: x.kind, nameJa: x.name_ja, nameEn: x.name_en, facilities: x.facilities === null ? null : n(x.facilities), sort: n(x.sort) }));
  }

  async function addSig(input: { id: string; kind: string; nameJa: string; nameEn: string; facilities?: number | null }, actor: Actor): Promise<void> {
    const errors: FieldError[] = [];
    if (!IDENT.test(input.id)) errors.push({ field: 'id', message: { ja: '英小文字・数字・ハイフンで指定してください。', en: 'Use lower-case letters, digits and hyphens.' } });
    if (!['sig', 'scheme'].includes(input.kind)) errors.push({ field: 'kind', message: { ja: '種類を選んでください。', en: 'Choose a kind.' } });
    if (!input.nameJa.trim()) errors.push({ field: 'nameJa', message: { ja: '名称を入力してください。', en: 'Enter a name.' } });
    if (errors.length) throw validationFailed(errors);
    await db.transaction().execute(async (trx) => {
      const exists = await sql`select 1 from jcsip_sigs where id = ${input.id}`.execute(trx);
      if (exists.rows.length) throw validationFailed([{ field: 'id', message: { ja: 'この ID は使われています。', en: 'This id is already used.' } }]);
      await sql`insert into jcsip_sigs (id, kind, name_ja, name_en, facilities, sort) values (${input.id}, ${input.kind}, ${input.nameJa.trim()}, ${input.nameEn.trim() || input.nameJa.trim()}, ${input.facilities ?? null}, 100)`.execute(trx);
      await ctx.audit.record({ action: 'jcsip.sig_added', actor, subjectType: 'jcsip_sig', subjectId: input.id }, trx);
    });
  }

  async function listMembers(filter: { sigId?: string; state?: MemberState } = {}, trx?: Executor): Promise<Member[]> {
    const r = await sql<any>`select m.*, o.name, o.name_en, o.email from jcsip_members m join organisations o on o.id = m.organisation_id
      where (${filter.sigId ?? null}::text is null or m.sig_id = ${filter.sigId ?? null})
        and (${filter.state ?? null}::text is null or m.state = ${filter.state ?? null})
      order by m.sig_id, o.name`.execute(ex(trx));
    return r.rows.map(toMember);
  }

  async function getMember(orgId: string, trx?: Executor): Promise<Member | undefined> {
    const r = await sql<any>`select m.*, o.name, o.name_en, o.email from jcsip_members m join organisations o on o.id = m.organisation_id where m.organisation_id = ${orgId}`.execute(ex(trx));
    return r.rows[0] ? toMember(r.rows[0]) : undefined;
  }

  /** Registers an organisation's application (creating the kernel organisation when a name is given). */
  async function addMember(input: { organisationId?: string; name?: string; nameEn?: string; email?: string; sigId: string; appliedOn?: string; note?: string }, actor: Actor, trx?: Executor): Promise<Member> {
    const errors: FieldError[] = [];
    if (!SIGS.some((s) => s.id === input.sigId) && !(await sql`select 1 from jcsip_sigs where id = ${input.sigId}`.execute(ex(trx))).rows.length) errors.push({ field: 'sigId', message: { ja: 'SIG を選んでください。', en: 'Choose a SIG.' } });
    if (!input.organisationId && !input.name?.trim()) errors.push({ field: 'name', message: { ja: '組織名を入力してください。', en: 'Enter the organisation name.' } });
    if (input.appliedOn && !/^\d{4}-\d{2}-\d{2}$/.test(input.appliedOn)) errors.push({ field: 'appliedOn', message: { ja: '日付は YYYY-MM-DD で入力してください。', en: 'Enter the date as YYYY-MM-DD.' } });
    if (errors.length) throw validationFailed(errors);
    const run = async (t: Executor) => {
      let orgId = input.organisationId;
      if (!orgId) orgId = (await ctx.auth.createOrganisation({ name: input.name!.trim(), nameEn: input.nameEn?.trim() || undefined, kind: 'other', email: input.email?.trim() || undefined, category: 'jcsip' }, t)).id;
      else if (!(await ctx.auth.getOrganisation(orgId, t))) throw notFound({ ja: '組織', en: 'organisation' });
      if ((await sql`select 1 from jcsip_members where organisation_id = ${orgId}`.execute(t)).rows.length) throw refused('jcsip.already_member', { ja: 'この組織は既に J-CSIP に登録されています。', en: 'This organisation is already registered with J-CSIP.' });
      const at = input.appliedOn ? jstMidnight(...(input.appliedOn.split('-').map(Number) as [number, number, number])) : new Date();
      await sql`insert into jcsip_members (organisation_id, sig_id, state, applied_at, intake_token, note) values (${orgId}, ${input.sigId}, 'applied', ${at}, ${randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, 'x')}, ${input.note ?? ''})`.execute(t);
      await sql`insert into jcsip_member_events (id, organisation_id, from_state, to_state, at, actor) values (${randomUUID()}, ${orgId}, null, 'applied', ${at}, ${actor.displayName})`.execute(t);
      await ctx.audit.record({ action: 'jcsip.member_applied', actor, subjectType: 'organisation', subjectId: orgId, details: { sig: input.sigId } }, t);
      return (await getMember(orgId, t))!;
    };
    return trx ? run(trx) : db.transaction().execute(run);
  }

  async function transitionMember(orgId: string, to: MemberState, on: string | Date | undefined, actor: Actor): Promise<Member> {
    const at = on instanceof Date ? on : on ? (/^\d{4}-\d{2}-\d{2}$/.test(on) ? jstMidnight(...(on.split('-').map(Number) as [number, number, number])) : null) : new Date();
    if (!at) throw validationFailed([{ field: 'on', message: { ja: '日付は YYYY-MM-DD で入力してください。', en: 'Enter the date as YYYY-MM-DD.' } }]);
    const member = await db.transaction().execute(async (trx) => {
      const r = await sql<any>`select * from jcsip_members where organisation_id = ${orgId} for update`.execute(trx);
      if (!r.rows[0]) throw notFound({ ja: '参加組織', en: 'participant' });
      const from = r.rows[0].state as MemberState;
      if (!MEMBER_TRANSITIONS[from].includes(to)) {
        throw refused('jcsip.member_transition', { ja: `状態「${from}」から「${to}」には変更できません。`, en: `A participant cannot go from "${from}" to "${to}".` });
      }
      const col = { agreement_signed: 'agreement_at', active: 'joined_at', suspended: 'suspended_at', left: 'left_at', applied: 'applied_at' }[to];
      // joined_at is the first activation (新規参加の日); resuming after a suspension keeps it.
      if (to === 'active' && r.rows[0].joined_at) await sql`update jcsip_members set state = ${to}, suspended_at = null where organisation_id = ${orgId}`.execute(trx);
      else await sql`update jcsip_members set state = ${to}, ${sql.ref(col)} = ${at} where organisation_id = ${orgId}`.execute(trx);
      await sql`insert into jcsip_member_events (id, organisation_id, from_state, to_state, at, actor) values (${randomUUID()}, ${orgId}, ${from}, ${to}, ${at}, ${actor.displayName})`.execute(trx);
      await ctx.audit.record({ action: 'jcsip.member_state', actor, subjectType: 'organisation', subjectId: orgId, details: { from, to } }, trx);
      return (await getMember(orgId, trx))!;
    });
    await syncTaxiiAccess().catch((e) => ctx.log.warn({ err: e }, 'jcsip: TAXII access sync failed'));
    return member;
  }

  async function memberEvents(orgId: string) {
    const r = await sql<any>`select * from jcsip_member_events where organisation_id = ${orgId} order by at, id`.execute(db);
    return r.rows.map((x) => ({ from: x.from_state as MemberState | null, to: x.to_state as MemberState, at: new Date(x.at), actor: x.actor as string }));
  }

  async function addContact(orgId: string, input: { name: string; email: string; role: string }, actor: Actor, trx?: Executor): Promise<Contact> {
    const errors: FieldError[] = [];
    if (!input.name.trim()) errors.push({ field: 'contactName', message: { ja: '氏名を入力してください。', en: 'Enter a name.' } });
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email.trim())) errors.push({ field: 'contactEmail', message: { ja: 'メールアドレスを入力してください。', en: 'Enter an e-mail address.' } });
    if (!['submitter', 'reader'].includes(input.role)) errors.push({ field: 'contactRole', message: { ja: '役割を選んでください。', en: 'Choose a role.' } });
    if (errors.length) throw validationFailed(errors);
    const id = randomUUID();
    const run = async (t: Executor) => {
      if (!(await getMember(orgId, t))) throw notFound({ ja: '参加組織', en: 'participant' });
      await sql`insert into jcsip_contacts (id, organisation_id, name, email, role) values (${id}, ${orgId}, ${input.name.trim()}, ${input.email.trim().toLowerCase()}, ${input.role})
        on conflict (organisation_id, email, role) do nothing`.execute(t);
      await ctx.audit.record({ action: 'jcsip.contact_added', actor, subjectType: 'organisation', subjectId: orgId, details: { role: input.role } }, t);
    };
    await (trx ? run(trx) : db.transaction().execute(run));
    return { id, organisationId: orgId, name: input.name.trim(), email: input.email.trim().toLowerCase(), role: input.role as ContactRole };
  }

  async function removeContact(contactId: string, actor: Actor) {
    await db.transaction().execute(async (trx) => {
      const r = await sql<any>`delete from jcsip_contacts where id = ${contactId} returning organisation_id`.execute(trx);
      if (!r.rows[0]) throw notFound({ ja: '担当者', en: 'contact' });
      await ctx.audit.record({ action: 'jcsip.contact_removed', actor, subjectType: 'organisation', subjectId: r.rows[0].organisation_id }, trx);
    });
  }

  async function contactsOf(orgId: string, trx?: Executor): Promise<Contact[]> {
    const r = await sql<any>`select * from jcsip_contacts where organisation_id = ${orgId} order by role, name`.execute(ex(trx));
    return r.rows.map((x) => ({ id: x.id, organisationId: x.organisation_id, name: x.name, email: x.email, role: x.role }));
  }

  /** The participant an organisation user acts for, with the roles their contact entries give them; null when not an active participant's contact. */
  async function portalAccess(actor: Actor): Promise<{ member: Member; roles: Set<ContactRole> } | null> {
    if (actor.kind !== 'org' || !actor.organisationId || !actor.userId) return null;
    const member = await getMember(actor.organisationId);
    if (!member || member.state !== 'active') return null;
    const user = await ctx.auth.getUser(actor.userId);
    if (!user) return null;
    const roles = new Set((await contactsOf(member.organisationId)).filter((c) => c.email === user.email.toLowerCase()).map((c) => c.role));
    if (!roles.size) return null;
    return { member, roles };
  }

  // ==== TAXII collections ==========================================================================
  /** Inbox per active member; per-SIG and all-participants collections whose readers are the active members. */
  async function syncTaxiiAccess(): Promise<boolean> {
    const t = taxii();
    if (!t) return false;
    // External sharing bodies exchange through their own server, not through collections here.
    const members = (await listMembers()).filter((m) => !m.external);
    const active = members.filter((m) => m.state === 'active');
    const staffRead = { organisationIds: [] as string[], staffPermission: PERM.analyse };
    const staffWrite = { organisationIds: [] as string[], staffPermission: PERM.share };
    for (const m of members) {
      const key = inboxKey(m.organisationId);
      const writers = { organisationIds: m.state === 'active' ? [m.organisationId] : [] };
      await t.ensureCollection({ key, title: `J-CSIP inbox: ${m.nameEn ?? m.name}`, description: 'Provisions to the J-CSIP hub (write only for the participant).', readers: staffRead, writers });
      await t.setAccess(key, { readers: staffRead, writers });
    }
    for (const sig of await listSigs()) {
      const key = sigCollectionKey(sig.id);
      const readers = { organisationIds: active.filter((m) => m.sigId === sig.id).map((m) => m.organisationId), staffPermission: PERM.analyse };
      await t.ensureCollection({ key, title: `J-CSIP SIG: ${sig.nameEn}`, description: `Shared items for the ${sig.nameEn} SIG.`, readers, writers: staffWrite });
      await t.setAccess(key, { readers, writers: staffWrite });
    }
    const all = { organisationIds: active.map((m) => m.organisationId), staffPermission: PERM.analyse };
    await t.ensureCollection({ key: ALL_COLLECTION, title: 'J-CSIP: all participants', description: 'Shared items for every participant.', readers: all, writers: staffWrite });
    await t.setAccess(ALL_COLLECTION, { readers: all, writers: staffWrite });
    return true;
  }

  // ==== Provisions =================================================================================
  function conditionErrors(input: ProvisionInput): { tlp: Tlp; scope: Scope; nameProvider: boolean; errors: FieldError[] } {
    const errors: FieldError[] = [];
    const tlp = String(input.tlp ?? '').toUpperCase() as Tlp;
    const scope = String(input.scope ?? '') as Scope;
    if (!TLPS.includes(tlp)) errors.push({ field: 'tlp', message: { ja: 'TLP を選んでください。', en: 'Choose a TLP marking.' } });
    if (!SCOPES.includes(scope)) errors.push({ field: 'scope', message: { ja: '共有範囲を選んでください。', en: 'Choose how widely it may be shared.' } });
    if (scope === 'public' && tlp !== 'CLEAR' && TLPS.includes(tlp)) errors.push({ field: 'scope', message: { ja: '一般公開を許可する場合は TLP:CLEAR を指定してください。', en: 'Information that may be made public must be marked TLP:CLEAR.' } });
    const np = input.nameProvider === true || input.nameProvider === 'yes' || input.nameProvider === 'on' || input.nameProvider === 'true';
    return { tlp, scope, nameProvider: np, errors };
  }

  /** Records a provision of an active participant (portal, intake e-mail, TAXII or staff). */
  async function submitProvision(orgId: string, input: ProvisionInput, opts: { actor: Actor; channel: Channel; at?: Date; receivedVia?: string }): Promise<Provision> {
    const member = await getMember(orgId);
    if (!member || member.state !== 'active') throw refused('jcsip.not_active', { ja: '参加中の組織だけが情報提供できます。', en: 'Only active participants can provide information.' });
    const kind = input.kind as ProvisionKind;
    const { tlp, scope, nameProvider, errors } = conditionErrors(input);
    if (!['email', 'indicators', 'file', 'report'].includes(kind)) errors.push({ field: 'kind', message: { ja: '情報の種類を選んでください。', en: 'Choose what you are providing.' } });
    let email: ParsedEmail | null = null;
    let indicators: Indicator[] = [];
    const files = input.files ?? [];
    let title = (input.title ?? '').trim().slice(0, 300);
    let body = (input.body ?? '').slice(0, 50_000);
    if (kind === 'email') {
      if (!input.rawEmail?.length) errors.push({ field: 'eml', message: { ja: '不審メール（.eml）を添付してください。', en: 'Attach the suspicious e-mail (.eml).' } });
      else {
        try { email = await parseEmail(input.rawEmail); } catch (e) { if (e instanceof AppError) errors.push(...e.details); else throw e; }
      }
    }
    if (kind === 'indicators') {
      indicators = extractIndicators(input.indicators ?? '');
      if (!indicators.length) errors.push({ field: 'indicators', message: { ja: 'IP アドレス・ドメイン・URL・メールアドレス・ハッシュ値を 1 行に 1 つ入力してください。', en: 'Enter IP addresses, domains, URLs, e-mail addresses or hashes, one per line.' } });
    }
    if (kind === 'file' && !files.length) errors.push({ field: 'file', message: { ja: 'ファイルを添付してください。', en: 'Attach the file.' } });
    if (kind === 'report' && !body.trim()) errors.push({ field: 'body', message: { ja: '内容を入力してください。', en: 'Describe what you are reporting.' } });
    // Staff entering a provision on a participant's behalf record how it reached them.
    const receivedVia = opts.channel === 'staff' && opts.receivedVia !== undefined ? opts.receivedVia as ReceivedVia : null;
    if (receivedVia !== null && !RECEIVED_VIA.includes(receivedVia)) errors.push({ field: 'receivedVia', message: { ja: '受付手段を選んでください。', en: 'Choose how it was received.' } });
    if (files.length > ctx.config.maxAttachmentsPerMessage) errors.push({ field: 'file', message: { ja: `添付は ${ctx.config.maxAttachmentsPerMessage} 個までです。`, en: `At most ${ctx.config.maxAttachmentsPerMessage} files.` } });
    if (errors.length) throw validationFailed(errors);

    if (email) {
      title ||= email.subject || '(件名なし)';
      const head = [email.from, email.replyTo, email.returnPath, email.xOriginatingIp, ...email.received].join('\n');
      indicators = extractIndicators([head, email.text, ...email.links.map((l) => l.url)].join('\n'))
        .concat(email.attachments.flatMap((a) => [{ type: 'sha256' as const, value: a.sha256 }, { type: 'md5' as const, value: a.md5 }]));
    }
    if (kind === 'report') indicators = extractIndicators(body);
    if (kind === 'file') title ||= files.map((f) => f.filename).join(', ');
    if (kind === 'indicators') title ||= `${indicators.length} indicators`;
    indicators = [...new Map(indicators.map((i) => [`${i.type}:${i.value}`, i])).values()].slice(0, 1000);
    const fingerprint = email ? hashText(`${email.subject.trim().toLowerCase()}|${(email.from.match(/[^\s<>"]+@[^\s<>"]+/)?.[0] ?? email.from).toLowerCase()}`) : null;
    const at = opts.at ?? new Date();
    const id = randomUUID();
    return db.transaction().execute(async (trx) => {
      const ref = await nextRef('JCSIP-P', at, trx);
      await sql`insert into jcsip_provisions (id, ref, organisation_id, kind, channel, title, body, tlp, scope, name_provider, received_at, submitted_by, email_json, fingerprint, status, received_via)
        values (${id}, ${ref}, ${orgId}, ${kind}, ${opts.channel}, ${title}, ${body}, ${tlp}, ${scope}, ${nameProvider}, ${at}, ${opts.actor.userId}, ${email ? JSON.stringify(email) : null}, ${fingerprint}, 'received', ${receivedVia})`.execute(trx);
      const stored = [...files.map((f) => ({ ...f, kind: 'file' }))];
      if (input.rawEmail && email) stored.push({ filename: 'message.eml', contentType: 'message/rfc822', data: input.rawEmail, kind: 'eml' });
      for (const f of stored) {
        const h = hashesOf(f.data);
        const file = await ctx.files.put({ filename: f.filename, contentType: 'application/octet-stream', data: f.data }, trx);
        await sql`insert into jcsip_provision_files (id, provision_id, file_id, kind, filename, size, md5, sha1, sha256) values (${randomUUID()}, ${id}, ${file.id}, ${f.kind}, ${file.filename}, ${h.size}, ${h.md5}, ${h.sha1}, ${h.sha256})`.execute(trx);
        if (f.kind === 'file') indicators.push({ type: 'sha256', value: h.sha256 }, { type: 'md5', value: h.md5 });
      }
      const uniq = [...new Map(indicators.map((i) => [`${i.type}:${i.value}`, i])).values()];
      for (const ind of uniq) await sql`insert into jcsip_indicators (provision_id, type, value) values (${id}, ${ind.type}, ${ind.value}) on conflict do nothing`.execute(trx);
      await ctx.audit.record({ action: 'jcsip.provision_received', actor: opts.actor, subjectType: 'jcsip_provision', subjectId: id, details: { ref, channel: opts.channel, kind, ...(receivedVia ? { receivedVia } : {}) } }, trx);
      return toProvision((await sql<any>`select * from jcsip_provisions where id = ${id}`.execute(trx)).rows[0]);
    });
  }

  async function getProvision(id: string): Promise<Provision | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const r = await sql<any>`select * from jcsip_provisions where id = ${id}`.execute(db);
    return r.rows[0] ? toProvision(r.rows[0]) : undefined;
  }
  async function provisionsByIds(ids: string[], trx?: Executor): Promise<Provision[]> {
    if (!ids.length) return [];
    const r = await sql<any>`select * from jcsip_provisions where id in (${sql.join(ids)}) order by received_at`.execute(ex(trx));
    return r.rows.map(toProvision);
  }
  async function listProvisions(filter: { organisationId?: string; status?: string; limit?: number } = {}): Promise<Provision[]> {
    const r = await sql<any>`select * from jcsip_provisions
      where (${filter.organisationId ?? null}::uuid is null or organisation_id = ${filter.organisationId ?? null})
        and (${filter.status ?? null}::text is null or status = ${filter.status ?? null})
      order by received_at desc limit ${filter.limit ?? 100}`.execute(db);
    return r.rows.map(toProvision);
  }
  async function indicatorsOf(provisionIds: string[], trx?: Executor): Promise<Indicator[]> {
    if (!provisionIds.length) return [];
    const r = await sql<any>`select distinct type, value from jcsip_indicators where provision_id in (${sql.join(provisionIds)}) order by type, value`.execute(ex(trx));
    return r.rows.map((x) => ({ type: x.type, value: x.value }));
  }
  async function filesOf(provisionId: string): Promise<Array<ProvisionFile & { kind: string }>> {
    const r = await sql<any>`select * from jcsip_provision_files where provision_id = ${provisionId} order by filename`.execute(db);
    return r.rows.map((x) => ({ id: x.id, fileId: x.file_id, kind: x.kind, filename: x.filename, size: n(x.size), md5: x.md5, sha1: x.sha1, sha256: x.sha256 }));
  }

  /** Other provisions that share an indicator or come from the same mail campaign (subject + sender). */
  async function duplicatesOf(provisionId: string): Promise<Array<{ provision: Provision; reasons: string[] }>> {
    const p = await getProvision(provisionId);
    if (!p) return [];
    const r = await sql<any>`select p.*, array_agg(distinct i2.type || ':' || i2.value) filter (where i2.value is not null) as shared,
        bool_or(p.fingerprint is not null and p.fingerprint = ${p.fingerprint}) as same_campaign
      from jcsip_provisions p
      left join jcsip_indicators i2 on i2.provision_id = p.id and (i2.type, i2.value) in (select type, value from jcsip_indicators where provision_id = ${p.id})
      where p.id <> ${p.id}
      group by p.id
      having count(i2.value) > 0 or bool_or(p.fingerprint is not null and p.fingerprint = ${p.fingerprint})
      order by p.received_at desc limit 50`.execute(db);
    return r.rows.map((x) => ({ provision: toProvision(x), reasons: [...(x.same_campaign ? ['same-campaign'] : []), ...((x.shared as string[] | null) ?? [])] }));
  }

  async function markDuplicate(provisionId: string, ofId: string, actor: Actor) {
    await db.transaction().execute(async (trx) => {
      const [p, of] = await provisionsByIds([provisionId, ofId], trx).then((l) => [l.find((x) => x.id === provisionId), l.find((x) => x.id === ofId)]);
      if (!p || !of || p.id === of.id) throw notFound({ ja: '情報提供', en: 'provision' });
      await sql`update jcsip_provisions set status = 'duplicate', duplicate_of = ${of.id}, item_id = coalesce(item_id, ${of.itemId}) where id = ${p.id}`.execute(trx);
      if (of.itemId) await sql`insert into jcsip_item_sources (item_id, provision_id) values (${of.itemId}, ${p.id}) on conflict do nothing`.execute(trx);
      await ctx.audit.record({ action: 'jcsip.provision_duplicate', actor, subjectType: 'jcsip_provision', subjectId: p.id, details: { of: of.ref } }, trx);
    });
  }

  // ==== TAXII inbox pull (scheduled) ================================================================
  async function pullTaxiiInboxes(): Promise<number> {
    const t = taxii();
    if (!t) return 0;
    let created = 0;
    for (const m of (await listMembers({ state: 'active' })).filter((x) => !x.external)) {
      const key = inboxKey(m.organisationId);
      const cur = await sql<any>`select last_added_at from jcsip_taxii_cursors where organisation_id = ${m.organisationId}`.execute(db);
      const since = cur.rows[0] ? new Date(cur.rows[0].last_added_at) : null;
      let rows: Awaited<ReturnType<TaxiiService['objectsAddedSince']>>;
      try { rows = await t.objectsAddedSince(key, since, 500); } catch { continue; }
      let last = since;
      for (const row of rows) {
        if (!last || row.addedAt > last) last = row.addedAt;
        const o = row.object;
        if (row.addedByOrganisationId && row.addedByOrganisationId !== m.organisationId) continue;
        if (!isProvisionObject(o)) continue;
        const input = provisionInputOf(o, tlpOfMarkingRefs(o.object_marking_refs) ?? 'AMBER', 'sig');
        try {
          await submitProvision(m.organisationId, input, { actor: { userId: null, kind: 'system', displayName: `TAXII ${key}`, organisationId: m.organisationId, roles: [], permissions: new Set() }, channel: 'taxii', at: row.addedAt });
          created++;
        } catch (e) {
          if (!(e instanceof AppError)) throw e; // objects without usable content are skipped
        }
      }
      if (last && (!since || last > since)) {
        await sql`insert into jcsip_taxii_cursors (organisation_id, last_added_at) values (${m.organisationId}, ${last})
          on conflict (organisation_id) do update set last_added_at = excluded.last_added_at`.execute(db);
      }
    }
    return created;
  }

  // ==== Intake e-mail address =======================================================================
  /**
   * A message sent to a participant's intake address (jcsip+<token>@intake…). The sender must be a
   * registered submitter of that participant. An attached message (message/rfc822 or .eml) is the
   * suspicious e-mail; otherwise the message itself is a free-text report. Conditions in the
   * subject: [TLP:AMBER] [SCOPE:sig|all|public] [NAMED]; defaults TLP:AMBER, own SIG, anonymous.
   */
  async function ingestEmail(raw: Buffer): Promise<Provision> {
    const outer = await parseEmail(raw);
    const { simpleParser } = await import('mailparser');
    const mail = await simpleParser(raw);
    const rcpts = [outer.to, outer.cc, String(mail.headers.get('delivered-to') ?? '')].join(',');
    const token = new RegExp(`jcsip\\+([a-z0-9]+)@${INTAKE_DOMAIN.replace(/\./g, '\\.')}`, 'i').exec(rcpts)?.[1]?.toLowerCase();
    if (!token) throw refused('jcsip.intake_address', { ja: '宛先が J-CSIP の受付アドレスではありません。', en: 'The message is not addressed to a J-CSIP intake address.' });
    const r = await sql<any>`select organisation_id from jcsip_members where intake_token = ${token}`.execute(db);
    if (!r.rows[0]) throw refused('jcsip.intake_address', { ja: '受付アドレスに該当する参加組織がありません。', en: 'No participant has this intake address.' });
    const orgId = r.rows[0].organisation_id as string;
    const sender = (outer.from.match(/[^\s<>"]+@[^\s<>"]+/)?.[0] ?? '').toLowerCase();
    const submitters = (await contactsOf(orgId)).filter((c) => c.role === 'submitter').map((c) => c.email);
    if (!submitters.includes(sender)) throw refused('jcsip.intake_sender', { ja: '送信者はこの参加組織の情報提供担当として登録されていません。', en: 'The sender is not a registered submitter of this participant.' });
    const subject = outer.subject;
    const tlp = (/\[TLP:(CLEAR|GREEN|AMBER\+STRICT|AMBER|RED)\]/i.exec(subject)?.[1] ?? 'AMBER').toUpperCase();
    const scope = (/\[SCOPE:(sig|all|public)\]/i.exec(subject)?.[1] ?? 'sig').toLowerCase();
    const named = /\[NAMED\]/i.test(subject);
    const cleanSubject = subject.replace(/\[(TLP:[A-Z+]+|SCOPE:\w+|NAMED)\]/gi, '').replace(/^\s*(fwd?|転送)\s*:\s*/i, '').trim();
    const attached = mail.attachments.find((a) => a.contentType === 'message/rfc822' || /\.eml$/i.test(a.filename ?? ''));
    const others = mail.attachments.filter((a) => a !== attached).map((a) => ({ filename: a.filename ?? 'attachment.bin', contentType: a.contentType, data: a.content }));
    const user = await ctx.auth.findUserByEmail(sender);
    const actor: Actor = { userId: user?.id ?? null, kind: 'org', displayName: sender, organisationId: orgId, roles: [], permissions: new Set() };
    const conditions = { tlp, scope, nameProvider: named };
    if (attached) return submitProvision(orgId, { kind: 'email', title: cleanSubject, body: outer.text, rawEmail: attached.content, files: others, ...conditions }, { actor, channel: 'email' });
    if (others.length) return submitProvision(orgId, { kind: 'file', title: cleanSubject, body: outer.text, files: others, ...conditions }, { actor, channel: 'email' });
    return submitProvision(orgId, { kind: 'report', title: cleanSubject, body: outer.text || cleanSubject, ...conditions }, { actor, channel: 'email' });
  }

  // ==== Redaction rules ============================================================================
  async function listRules(): Promise<Array<RedactionRule & { description: string; sort: number }>> {
    const r = await sql<any>`select * from jcsip_redaction_rules order by sort, created_at`.execute(db);
    return r.rows.map((x) => ({ id: x.id, kind: x.kind, pattern: x.pattern, replacement: x.replacement, category: x.category, enabled: !!x.enabled, description: x.description, sort: n(x.sort) }));
  }
  async function saveRule(input: { id?: string; kind: string; pattern: string; replacement: string; category: string; enabled: boolean; description: string }, actor: Actor) {
    const errors: FieldError[] = [];
    if (!RULE_KINDS.includes(input.kind as RuleKind)) errors.push({ field: 'kind', message: { ja: '規則の種類を選んでください。', en: 'Choose a rule kind.' } });
    const reErr = validateRulePattern(input.kind as RuleKind, input.pattern);
    if (reErr) errors.push({ field: 'pattern', message: { ja: `正規表現が正しくありません: ${reErr}`, en: `Invalid regular expression: ${reErr}` } });
    if (['literal', 'regex'].includes(input.kind) && !input.pattern.trim() && input.kind === 'regex') errors.push({ field: 'pattern', message: { ja: 'パターンを入力してください。', en: 'Enter a pattern.' } });
    if (!input.replacement.trim()) errors.push({ field: 'replacement', message: { ja: '置換文字列を入力してください。', en: 'Enter a replacement.' } });
    if (errors.length) throw validationFailed(errors);
    await db.transaction().execute(async (trx) => {
      if (input.id) {
        const r = await sql`update jcsip_redaction_rules set kind = ${input.kind}, pattern = ${input.pattern}, replacement = ${input.replacement.trim()}, category = ${input.category.trim() || 'other'},
          enabled = ${input.enabled}, description = ${input.description} where id = ${input.id}`.execute(trx);
        if (!Number(r.numAffectedRows ?? 0)) throw notFound({ ja: '匿名化規則', en: 'redaction rule' });
      } else {
        await sql`insert into jcsip_redaction_rules (id, kind, pattern, replacement, category, enabled, description, sort) values (${randomUUID()}, ${input.kind}, ${input.pattern}, ${input.replacement.trim()}, ${input.category.trim() || 'other'}, ${input.enabled}, ${input.description}, 50)`.execute(trx);
      }
      await ctx.audit.record({ action: 'jcsip.rule_saved', actor, subjectType: 'jcsip_rule', subjectId: input.id, details: { kind: input.kind, category: input.category } }, trx);
    });
  }

  // ==== Items ======================================================================================
  async function getItem(id: string, trx?: Executor): Promise<Item | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const r = await sql<any>`select * from jcsip_items where id = ${id}`.execute(ex(trx));
    return r.rows[0] ? toItem(r.rows[0]) : undefined;
  }
  async function listItems(limit = 100): Promise<Item[]> {
    const r = await sql<any>`select * from jcsip_items order by created_at desc limit ${limit}`.execute(db);
    return r.rows.map(toItem);
  }
  async function sourcesOf(itemId: string, trx?: Executor): Promise<Provision[]> {
    const r = await sql<any>`select p.* from jcsip_item_sources s join jcsip_provisions p on p.id = s.provision_id where s.item_id = ${itemId} order by p.received_at`.execute(ex(trx));
    return r.rows.map(toProvision);
  }
  async function sharesOf(itemId: string, trx?: Executor): Promise<Share[]> {
    const r = await sql<any>`select * from jcsip_shares where item_id = ${itemId} order by shared_at`.execute(ex(trx));
    return r.rows.map((x) => ({ id: x.id, itemId: x.item_id, audience: x.audience, sharedAt: new Date(x.shared_at), actor: x.actor }));
  }

  /** The strictest conditions among an item's sources. */
  function strictest(sources: Provision[]): { tlp: Tlp; scope: Scope; nameProviders: boolean } {
    let tlp: Tlp = 'CLEAR'; let scope: Scope = 'public'; let names = sources.length > 0;
    for (const s of sources) {
      if (tlpRank(s.tlp) > tlpRank(tlp)) tlp = s.tlp;
      if (scopeRank(s.scope) < scopeRank(scope)) scope = s.scope;
      if (!s.nameProvider) names = false;
    }
    return { tlp, scope, nameProviders: names };
  }

  /** Groups provisions into a new shared item (draft): title and text start from the sources. */
  async function createItem(input: { title: string; provisionIds: string[] }, actor: Actor): Promise<Item> {
    const ids = [...new Set(input.provisionIds)].filter((x) => /^[0-9a-f-]{36}$/i.test(x));
    if (!ids.length) throw validationFailed([{ field: 'provisionIds', message: { ja: '情報提供を 1 件以上選んでください。', en: 'Choose at least one provision.' } }]);
    const id = randomUUID();
    return db.transaction().execute(async (trx) => {
      const sources = await provisionsByIds(ids, trx);
      if (sources.length !== ids.length) throw notFound({ ja: '情報提供', en: 'provision' });
      const strict = strictest(sources);
      const ref = await nextRef('JCSIP-S', new Date(), trx);
      const title = input.title.trim() || sources[0].title;
      const draft = sources.map((s) => [`■ ${s.title}`, s.email ? [`From: ${s.email.from}`, `To: ${s.email.to}`, `Subject: ${s.email.subject}`, '', s.email.text].join('\n') : s.body].join('\n')).join('\n\n').slice(0, 50_000);
      await sql`insert into jcsip_items (id, ref, title, draft, tlp, state, name_providers, created_by) values (${id}, ${ref}, ${title.slice(0, 300)}, ${draft}, ${strict.tlp}, 'draft', false, ${actor.userId})`.execute(trx);
      for (const s of sources) {
        await sql`insert into jcsip_item_sources (item_id, provision_id) values (${id}, ${s.id}) on conflict do nothing`.execute(trx);
        await sql`update jcsip_provisions set status = 'grouped', item_id = ${id} where id = ${s.id} and status <> 'duplicate'`.execute(trx);
      }
      await ctx.audit.record({ action: 'jcsip.item_created', actor, subjectType: 'jcsip_item', subjectId: id, details: { ref, sources: sources.map((s) => s.ref) } }, trx);
      return (await getItem(id, trx))!;
    });
  }

  async function addSources(itemId: string, provisionIds: string[], actor: Actor) {
    await db.transaction().execute(async (trx) => {
      const item = await getItem(itemId, trx);
      if (!item) throw notFound({ ja: '共有情報', en: 'shared item' });
      const sources = await provisionsByIds(provisionIds.filter((x) => /^[0-9a-f-]{36}$/i.test(x)), trx);
      for (const s of sources) {
        await sql`insert into jcsip_item_sources (item_id, provision_id) values (${itemId}, ${s.id}) on conflict do nothing`.execute(trx);
        await sql`update jcsip_provisions set status = 'grouped', item_id = ${itemId} where id = ${s.id} and status <> 'duplicate'`.execute(trx);
      }
      // A new source may be stricter: the item's TLP is raised and any approval is void.
      const strict = strictest(await sourcesOf(itemId, trx));
      const tlp = tlpRank(strict.tlp) > tlpRank(item.tlp) ? strict.tlp : item.tlp;
      await sql`update jcsip_items set tlp = ${tlp}, state = case when state = 'approved' then 'draft' else state end, approved_hash = null where id = ${itemId}`.execute(trx);
      await ctx.audit.record({ action: 'jcsip.item_sources_added', actor, subjectType: 'jcsip_item', subjectId: itemId, details: { sources: sources.map((s) => s.ref) } }, trx);
    });
  }

  /** Edits the draft; any edit voids the approval. TLP may not go below the strictest source. */
  async function updateItem(itemId: string, input: { title: string; draft: string; tlp: string; malware?: string; attackPattern?: string; attackPatternId?: string; nameProviders?: boolean }, actor: Actor): Promise<Item> {
    return db.transaction().execute(async (trx) => {
      const item = await getItem(itemId, trx);
      if (!item) throw notFound({ ja: '共有情報', en: 'shared item' });
      const sources = await sourcesOf(itemId, trx);
      const strict = strictest(sources);
      const tlp = input.tlp.toUpperCase() as Tlp;
      if (!TLPS.includes(tlp)) throw validationFailed([{ field: 'tlp', message: { ja: 'TLP を選んでください。', en: 'Choose a TLP marking.' } }]);
      if (tlpRank(tlp) < tlpRank(strict.tlp)) {
        throw refused('jcsip.tlp_lowered', { ja: `TLP を提供元の指定（TLP:${strict.tlp}）より緩くすることはできません。`, en: `The TLP cannot be lower than the strictest source's marking (TLP:${strict.tlp}).` });
      }
      if (input.nameProviders && !strict.nameProviders) {
        throw refused('jcsip.naming_not_allowed', { ja: '提供元の組織名の表示を許可していない情報提供が含まれています。', en: 'A source did not allow its provider to be named.' });
      }
      await sql`update jcsip_items set title = ${input.title.trim().slice(0, 300) || item.title}, draft = ${input.draft.slice(0, 50_000)}, tlp = ${tlp},
        malware = ${input.malware?.trim() || null}, attack_pattern = ${input.attackPattern?.trim() || null}, attack_pattern_id = ${input.attackPatternId?.trim() || null},
        name_providers = ${!!input.nameProviders}, state = case when state = 'approved' then 'draft' else state end, approved_hash = null where id = ${itemId}`.execute(trx);
      await ctx.audit.record({ action: 'jcsip.item_edited', actor, subjectType: 'jcsip_item', subjectId: itemId }, trx);
      return (await getItem(itemId, trx))!;
    });
  }

  async function redactionContext(sources: Provision[], trx?: Executor): Promise<RedactionContext> {
    const names: string[] = []; const domains: string[] = []; const recipients: string[] = [];
    for (const s of sources) {
      const org = await ctx.auth.getOrganisation(s.organisationId, trx);
      if (org) {
        names.push(org.name); if (org.nameEn) names.push(org.nameEn);
        const dom = org.email?.split('@')[1]; if (dom) domains.push(dom.toLowerCase());
      }
      for (const c of await contactsOf(s.organisationId, trx)) { const dom = c.email.split('@')[1]; if (dom) domains.push(dom); }
      if (s.email) {
        for (const a of `${s.email.to},${s.email.cc}`.matchAll(/[^\s<>",;]+@[^\s<>",;]+/g)) { recipients.push(a[0]); const dom = a[0].split('@')[1]; if (dom) domains.push(dom.toLowerCase()); }
      }
    }
    return { providerNames: [...new Set(names)], providerDomains: [...new Set(domains)], recipientAddresses: [...new Set(recipients)] };
  }

  /** The redacted title and text of the draft (or of `text`), with the segments that form the diff. */
  async function preview(itemId: string, text?: string): Promise<{ title: string; text: string; segments: Segment[]; titleSegments: Segment[]; replaced: number }> {
    const item = await getItem(itemId);
    if (!item) throw notFound({ ja: '共有情報', en: 'shared item' });
    const sources = await sourcesOf(itemId);
    const rules = await listRules();
    const rc = await redactionContext(sources);
    const body = redact(text ?? item.draft, rules, rc);
    const title = redact(item.title, rules, rc);
    return { title: title.text, text: body.text, segments: body.segments, titleSegments: title.segments, replaced: body.replaced + title.replaced };
  }

  /** The analyst approves the redacted text; it becomes what participants and STIX receive. */
  async function approve(itemId: string, actor: Actor): Promise<Item> {
    const p = await preview(itemId);
    return db.transaction().execute(async (trx) => {
      const item = await getItem(itemId, trx);
      if (!item) throw notFound({ ja: '共有情報', en: 'shared item' });
      if (item.state === 'withdrawn') throw refused('jcsip.withdrawn', { ja: '取り下げた共有情報は承認できません。', en: 'A withdrawn item cannot be approved.' });
      await sql`update jcsip_items set approved_text = ${p.text}, approved_title = ${p.title}, approved_hash = ${hashText(item.title + '\n' + item.draft)}, approved_by = ${actor.userId}, approved_at = now(),
        state = case when state = 'shared' then 'shared' else 'approved' end where id = ${itemId}`.execute(trx);
      await ctx.audit.record({ action: 'jcsip.item_approved', actor, subjectType: 'jcsip_item', subjectId: itemId, details: { replaced: p.replaced } }, trx);
      return (await getItem(itemId, trx))!;
    });
  }

  /** Audience: 'all' or a list of SIG ids. Returns every reason the providers' conditions forbid it. */
  async function checkShare(itemId: string, audience: { all: boolean; sigs: string[] }, trx?: Executor): Promise<ShareCheck> {
    const item = await getItem(itemId, trx);
    if (!item) throw notFound({ ja: '共有情報', en: 'shared item' });
    const sources = await sourcesOf(itemId, trx);
    const reasons: Text[] = [];
    if (!audience.all && !audience.sigs.length) reasons.push({ ja: '共有先（SIG または全参加組織）を選んでください。', en: 'Choose the SIGs or all participants.' });
    if (!item.approvedHash || item.approvedHash !== hashText(item.title + '\n' + item.draft) || !item.approvedText) {
      reasons.push({ ja: '匿名化した本文が承認されていません（編集後は再承認が必要です）。', en: 'The anonymised text has not been approved (approve again after every edit).' });
    }
    if (item.state === 'withdrawn') reasons.push({ ja: '取り下げた共有情報は共有できません。', en: 'A withdrawn item cannot be shared.' });
    if (item.tlp === 'RED') reasons.push({ ja: 'TLP:RED の情報は名指しの受領者にしか渡せないため、SIG や全参加組織には共有できません。', en: 'TLP:RED information is for named recipients only and cannot be shared with SIGs or all participants.' });
    const strict = strictest(sources);
    if (tlpRank(item.tlp) < tlpRank(strict.tlp)) reasons.push({ ja: `TLP が提供元の指定（TLP:${strict.tlp}）より緩くなっています。`, en: `The TLP is lower than the strictest source's (TLP:${strict.tlp}).` });
    for (const s of sources) {
      const member = await getMember(s.organisationId, trx);
      if (s.scope === 'sig') {
        if (audience.all) reasons.push({ ja: `${s.ref} の提供元は共有範囲を「同じ SIG 内のみ」としているため、全参加組織には共有できません。`, en: `${s.ref}: its provider allowed sharing within its own SIG only, not with all participants.` });
        const outside = audience.sigs.filter((g) => g !== member?.sigId);
        if (outside.length) reasons.push({ ja: `${s.ref} の提供元は共有範囲を「同じ SIG 内のみ」としているため、${outside.join(', ')} には共有できません。`, en: `${s.ref}: its provider allowed sharing within its own SIG only, not with ${outside.join(', ')}.` });
      }
    }
    if (item.nameProviders && !strict.nameProviders) reasons.push({ ja: '提供元の組織名の表示を許可していない情報提供が含まれています。', en: 'A source did not allow its provider to be named.' });
    // Defence in depth: the approved text must not name a provider that asked to stay anonymous.
    if (item.approvedText) {
      const anon = sources.filter((s) => !s.nameProvider || !item.nameProviders);
      const rc = await redactionContext(anon, trx);
      const hay = `${item.approvedTitle ?? ''}\n${item.approvedText}`.toLowerCase();
      const leak = [...rc.providerNames, ...rc.providerDomains, ...rc.recipientAddresses].find((x) => x.length >= 3 && hay.includes(x.toLowerCase()));
      if (leak) reasons.push({ ja: '承認済みの本文に提供元を特定できる情報（組織名・ドメイン・受信者）が残っています。匿名化規則を見直してください。', en: 'The approved text still identifies a provider (name, domain or recipient). Review the redaction rules.' });
    }
    return { ok: reasons.length === 0, reasons: [...new Map(reasons.map((r) => [r.en, r])).values()] };
  }

  /** Organisations that receive an item shared to an audience: active members of the SIGs (or all). */
  async function recipientsOf(audiences: string[], trx?: Executor): Promise<Member[]> {
    const active = (await listMembers({ state: 'active' }, trx)).filter((m) => !m.external);
    if (audiences.includes('all')) return active;
    return active.filter((m) => audiences.includes(`sig:${m.sigId}`));
  }

  async function shareItem(itemId: string, audience: { all: boolean; sigs: string[] }, actor: Actor, opts: { at?: Date } = {}): Promise<{ shares: Share[]; notified: number; stix: { written: boolean; objects: number } }> {
    const sigIds = new Set((await listSigs()).map((s) => s.id));
    audience = { all: audience.all, sigs: [...new Set(audience.sigs)].filter((s) => sigIds.has(s)) };
    const check = await checkShare(itemId, audience);
    if (!check.ok) {
      const e = refused('jcsip.share_refused', { ja: `共有できません: ${check.reasons.map((r) => r.ja).join(' ')}`, en: `Cannot share: ${check.reasons.map((r) => r.en).join(' ')}` });
      throw e;
    }
    const at = opts.at ?? new Date();
    const audiences = audience.all ? ['all'] : audience.sigs.map((s) => `sig:${s}`);
    const result = await db.transaction().execute(async (trx) => {
      const item = (await getItem(itemId, trx))!;
      for (const a of audiences) await sql`insert into jcsip_shares (id, item_id, audience, shared_at, actor) values (${randomUUID()}, ${itemId}, ${a}, ${at}, ${actor.displayName})`.execute(trx);
      await sql`update jcsip_items set state = 'shared', shared_at = coalesce(shared_at, ${at}), stix_version = stix_version + 1 where id = ${itemId}`.execute(trx);
      const recipients = await recipientsOf(audiences, trx);
      let notified = 0;
      for (const m of recipients) {
        for (const c of (await contactsOf(m.organisationId, trx)).filter((x) => x.role === 'reader')) {
          // The notice carries no content and no provider: readers open the item in the portal.
          await ctx.mail.enqueue({
            to: c.email, key: `jcsip-share:${itemId}:${item.stixVersion + 1}:${c.email}`,
            subject: `[J-CSIP][TLP:${item.tlp}] ${item.ref} 共有情報のお知らせ / New shared item`,
            text: [`${m.name} ${c.name} 様`, '', 'J-CSIP で新しい情報が共有されました。参加組織ポータルでご確認ください。', 'A new item has been shared through J-CSIP. Read it in the member portal.', '',
              `${item.ref} — ${item.approvedTitle ?? ''}`, `TLP:${item.tlp}`, `${ctx.config.baseUrl}/jcsip/portal/items/${item.id}`].join('\n'),
          }, trx);
          notified++;
        }
      }
      await ctx.audit.record({ action: 'jcsip.item_shared', actor, subjectType: 'jcsip_item', subjectId: itemId, details: { audiences, recipients: recipients.length } }, trx);
      return { notified };
    });
    const stix = await writeStix(itemId, audiences).catch((e) => { ctx.log.warn({ err: e }, 'jcsip: STIX write failed'); return { written: false, objects: 0 }; });
    return { shares: (await sharesOf(itemId)).filter((s) => audiences.includes(s.audience)), notified: result.notified, stix };
  }

  /** The STIX 2.1 bundle of an approved item: only approved (redacted) text, no provider identity. */
  async function stixBundle(itemId: string): Promise<Record<string, unknown>> {
    const item = await getItem(itemId);
    if (!item || !item.approvedText) throw notFound({ ja: '共有情報', en: 'shared item' });
    const sources = await sourcesOf(itemId);
    const inds = await indicatorsOf(sources.map((s) => s.id));
    // Indicators that would identify a provider (its domains, recipients) are not exported.
    const rc = await redactionContext(sources.filter((s) => !s.nameProvider || !item.nameProviders));
    const blocked = new Set([...rc.providerDomains, ...rc.recipientAddresses].map((x) => x.toLowerCase()));
    // So are indicators any redaction rule would touch (internal hosts and ranges, names …).
    const rules = await listRules();
    const safe = inds.filter((i) => ![...blocked].some((b) => i.value.toLowerCase() === b || i.value.toLowerCase().endsWith('.' + b) || i.value.toLowerCase().endsWith('@' + b) || i.value.toLowerCase().includes('//' + b))
      && redact(i.value, rules, rc).replaced === 0);
    const times = sources.map((s) => s.receivedAt.getTime());
    const objects = itemObjects({
      id: item.id, ref: item.ref, title: item.approvedTitle ?? item.ref, text: item.approvedText, tlp: item.tlp,
      created: item.createdAt, modified: item.approvedAt ?? item.createdAt,
      firstObserved: new Date(Math.min(...times, item.createdAt.getTime())), lastObserved: new Date(Math.max(...times, item.createdAt.getTime())),
      numberObserved: sources.length, indicators: safe,
      malware: item.malware ? { name: item.malware, types: /ransom|ランサム|ekans/i.test(item.malware) ? ['ransomware'] : /emotet/i.test(item.malware) ? ['trojan'] : ['unknown'] } : null,
      attackPattern: item.attackPattern ? { name: item.attackPattern, mitreId: item.attackPatternId } : null,
    });
    return bundleOf(objects, `${item.id}:${item.stixVersion}`);
  }

  async function writeStix(itemId: string, audiences: string[]): Promise<{ written: boolean; objects: number }> {
    const t = taxii();
    if (!t) return { written: false, objects: 0 };
    await syncTaxiiAccess();
    const bundle = await stixBundle(itemId);
    const objects = bundle.objects as Record<string, unknown>[];
    for (const a of audiences) await t.addObjects(a === 'all' ? ALL_COLLECTION : sigCollectionKey(a.slice(4)), objects);
    return { written: true, objects: objects.length };
  }

  /** The item's own SDOs/SROs again, as a later version with `revoked: true` (markings, the agency and SCOs are shared, not revoked). */
  async function revokedObjects(itemId: string, at: Date): Promise<Record<string, unknown>[]> {
    const objects = (await stixBundle(itemId)).objects as Record<string, unknown>[];
    return objects.filter((o) => o.created_by_ref === AGENCY_IDENTITY_ID).map((o) => ({ ...o, modified: at.toISOString(), revoked: true }));
  }

  /**
   * Withdraws an item (reason required): participants no longer see it (portal views show shared
   * items only), and every collection it was written to receives revoked versions of its objects
   * in the same transaction, so TAXII consumers learn of the withdrawal. External partners that
   * received it get the revocation at their next sync.
   */
  async function withdrawItem(itemId: string, reason: string, actor: Actor, at = new Date()): Promise<Item> {
    if (!reason.trim()) throw validationFailed([{ field: 'reason', message: { ja: '取下げの理由を入力してください。', en: 'Enter the reason for the withdrawal.' } }]);
    const item = await getItem(itemId);
    if (!item) throw notFound({ ja: '共有情報', en: 'shared item' });
    if (item.state === 'withdrawn') throw refused('jcsip.withdrawn', { ja: 'この共有情報は既に取り下げられています。', en: 'This item has already been withdrawn.' });
    const audiences = [...new Set((await sharesOf(itemId)).map((s) => s.audience))];
    const t = taxii();
    const revoked = t && audiences.length && item.approvedText ? await revokedObjects(itemId, at) : [];
    if (revoked.length) await syncTaxiiAccess(); // the collections exist even if the STIX write at sharing time failed
    return db.transaction().execute(async (trx) => {
      await sql`update jcsip_items set state = 'withdrawn', withdrawn_at = ${at}, withdrawn_reason = ${reason.trim().slice(0, 2000)}, withdrawn_by = ${actor.userId} where id = ${itemId}`.execute(trx);
      for (const a of revoked.length ? audiences : []) await t!.addObjects(a === 'all' ? ALL_COLLECTION : sigCollectionKey(a.slice(4)), revoked, trx);
      await ctx.audit.record({ action: 'jcsip.item_withdrawn', actor, subjectType: 'jcsip_item', subjectId: itemId, details: { reason: reason.trim(), revokedObjects: revoked.length, audiences } }, trx);
      return (await getItem(itemId, trx))!;
    });
  }

  // ==== Exchange with other sharing bodies (TAXII 2.1 client) ======================================
  const toSource = (r: any): ExternalSource => ({
    id: r.id, name: r.name, apiRoot: r.api_root, collectionId: r.collection_id, authKind: r.auth_kind, username: r.username, hasSecret: !!r.secret_file_id,
    direction: r.direction, organisationId: r.organisation_id, sigId: r.sig_id, tlp: r.tlp, scope: r.scope, enabled: !!r.enabled, pullCursor: r.pull_cursor,
    lastSyncAt: d(r.last_sync_at), lastOk: r.last_ok === null ? null : !!r.last_ok,
    lastError: r.last_error_en ? { ja: r.last_error_ja, en: r.last_error_en } : null, lastSummary: r.last_summary,
  });
  async function listExternalSources(): Promise<ExternalSource[]> {
    return (await sql<any>`select e.*, m.sig_id from jcsip_external_sources e join jcsip_members m on m.organisation_id = e.organisation_id order by e.name`.execute(db)).rows.map(toSource);
  }
  async function getExternalSource(id: string): Promise<ExternalSource | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const r = await sql<any>`select e.*, m.sig_id from jcsip_external_sources e join jcsip_members m on m.organisation_id = e.organisation_id where e.id = ${id}`.execute(db);
    return r.rows[0] ? toSource(r.rows[0]) : undefined;
  }

  /**
   * Registers another sharing body's TAXII collection. The body becomes an active member flagged
   * `external` in the chosen SIG, so that what it sends is a provision under the conditions given
   * here; it receives nothing through this hub's portal, mail or collections. The password or token
   * is stored through ctx.files (AES-256-GCM under the platform's file key), never in this table.
   */
  async function registerExternalSource(input: ExternalSourceInput, actor: Actor): Promise<ExternalSource> {
    const { tlp, scope, errors } = conditionErrors({ kind: 'report', tlp: input.tlp, scope: input.scope });
    const fieldError = (field: string, ja: string, en: string) => errors.push({ field, message: { ja, en } });
    if (!input.name.trim()) fieldError('name', '名称を入力してください。', 'Enter a name.');
    const urlErr = urlProblem(input.apiRoot.trim());
    if (urlErr) errors.push({ field: 'apiRoot', message: urlErr });
    if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/.test(input.collectionId.trim())) fieldError('collectionId', 'コレクション ID を入力してください。', 'Enter the collection id.');
    const authKind = input.authKind as ExchangeAuth;
    if (!EXCHANGE_AUTH.includes(authKind)) fieldError('authKind', '認証方式を選んでください。', 'Choose an authentication method.');
    if (authKind === 'basic' && !input.username?.trim()) fieldError('username', 'ユーザ名を入力してください。', 'Enter the user name.');
    if ((authKind === 'basic' || authKind === 'bearer') && !input.secret) fieldError('secret', 'パスワードまたはトークンを入力してください。', 'Enter the password or token.');
    if (!EXCHANGE_DIRECTIONS.includes(input.direction as ExchangeDirection)) fieldError('direction', '方向を選んでください。', 'Choose a direction.');
    if (errors.length) throw validationFailed(errors);
    const id = randomUUID();
    await db.transaction().execute(async (trx) => {
      const member = await addMember({ name: input.name.trim(), sigId: input.sigId, note: `TAXII: ${input.apiRoot.trim()}` }, actor, trx);
      const now = new Date();
      await sql`update jcsip_members set state = 'active', external = true, agreement_at = ${now}, joined_at = ${now} where organisation_id = ${member.organisationId}`.execute(trx);
      await sql`insert into jcsip_member_events (id, organisation_id, from_state, to_state, at, actor) values (${randomUUID()}, ${member.organisationId}, 'applied', 'active', ${now}, ${actor.displayName})`.execute(trx);
      const secret = authKind === 'none' || !input.secret ? null
        : await ctx.files.put({ filename: 'taxii-credential.bin', contentType: 'application/octet-stream', data: Buffer.from(input.secret, 'utf8') }, trx);
      const root = input.apiRoot.trim().endsWith('/') ? input.apiRoot.trim() : `${input.apiRoot.trim()}/`;
      await sql`insert into jcsip_external_sources (id, name, api_root, collection_id, auth_kind, username, secret_file_id, direction, organisation_id, tlp, scope)
        values (${id}, ${input.name.trim()}, ${root}, ${input.collectionId.trim()}, ${authKind}, ${input.username?.trim() ?? ''}, ${secret?.id ?? null}, ${input.direction}, ${member.organisationId}, ${tlp}, ${scope})`.execute(trx);
      await ctx.audit.record({ action: 'jcsip.external_registered', actor, subjectType: 'jcsip_external_source', subjectId: id, details: { apiRoot: root, direction: input.direction } }, trx);
    });
    return (await getExternalSource(id))!;
  }

  /** Every enabled source; a failure is recorded on its source and never stops the others. */
  async function syncExternalSources(): Promise<void> {
    for (const s of await listExternalSources()) if (s.enabled) await syncExternalSource(s.id, SYSTEM_ACTOR);
  }

  /** Pull and/or push for one source; the outcome (or the bilingual reason of a failure) is stored on the source. */
  async function syncExternalSource(id: string, actor: Actor): Promise<{ pulled: number; pushed: number; error: Text | null }> {
    const src = await getExternalSource(id);
    if (!src) throw notFound({ ja: 'TAXII 連携先', en: 'TAXII partner' });
    let pulled = 0; let pushed = 0; let error: Text | null = null;
    try {
      const secretFile = (await sql<any>`select secret_file_id from jcsip_external_sources where id = ${id}`.execute(db)).rows[0]?.secret_file_id;
      const secret = secretFile ? (await ctx.files.read(secretFile))?.data.toString('utf8') ?? null : null;
      const auth = authHeader(src.authKind, src.username, secret);
      if (src.direction !== 'push') pulled = await pullExternal(src, auth);
      if (src.direction !== 'pull') pushed = await pushExternal(src, auth);
    } catch (e) {
      error = e instanceof TaxiiClientError || e instanceof AppError ? e.text
        : { ja: `同期中に予期しないエラーが発生しました: ${(e as Error).message}`, en: `Unexpected error during the sync: ${(e as Error).message}` };
      if (!(e instanceof TaxiiClientError)) ctx.log.warn({ err: e, source: id }, 'jcsip: external TAXII sync failed');
    }
    const summary = `pulled ${pulled}, pushed ${pushed}`;
    await sql`update jcsip_external_sources set last_sync_at = now(), last_ok = ${!error}, last_error_ja = ${error?.ja ?? null}, last_error_en = ${error?.en ?? null}, last_summary = ${summary} where id = ${id}`.execute(db);
    await ctx.audit.record({ action: 'jcsip.external_sync', actor, subjectType: 'jcsip_external_source', subjectId: id, details: { pulled, pushed, error: error?.en ?? null } });
    return { pulled, pushed, error };
  }

  /** GET objects added after the stored cursor, following `next` while `more`; each new object (STIX id + version) becomes a provision. */
  async function pullExternal(src: ExternalSource, auth: string | null): Promise<number> {
    const base = apiUrl(src.apiRoot, `collections/${encodeURIComponent(src.collectionId)}/objects/`);
    const actor: Actor = { userId: null, kind: 'system', displayName: `TAXII ${src.name}`, organisationId: src.organisationId, roles: [], permissions: new Set() };
    let cursor = src.pullCursor;
    let next: string | null = null;
    let created = 0;
    for (let page = 0; page < 1000; page++) {
      const q = new URLSearchParams({ limit: '100' });
      if (src.pullCursor) q.set('added_after', src.pullCursor); // the same filters on every page, as TAXII asks
      if (next) q.set('next', next);
      const res = await taxiiFetch(`${base}?${q}`, { auth });
      const objects: unknown[] = Array.isArray(res.json.objects) ? res.json.objects : [];
      for (const o of objects) if (o && typeof o === 'object' && await recordPulled(src, o as Record<string, unknown>, actor)) created++;
      const last = res.headers.get('x-taxii-date-added-last');
      if (last && !Number.isNaN(Date.parse(last)) && (!cursor || Date.parse(last) > Date.parse(cursor))) {
        cursor = last;
        // Saved per page, so a failure later in the run does not fetch the same pages again.
        await sql`update jcsip_external_sources set pull_cursor = ${cursor} where id = ${src.id}`.execute(db);
      }
      if (res.json.more !== true || typeof res.json.next !== 'string') break;
      next = res.json.next;
    }
    return created;
  }

  async function recordPulled(src: ExternalSource, o: Record<string, unknown>, actor: Actor): Promise<boolean> {
    if (typeof o.id !== 'string' || !isProvisionObject(o)) return false;
    // Our own pushes coming back from a partner's collection, and revocations, are not new information.
    if (o.created_by_ref === AGENCY_IDENTITY_ID || o.revoked === true) return false;
    const version = stixVersionOf(o);
    const claim = await sql`insert into jcsip_external_seen (source_id, stix_id, version) values (${src.id}, ${o.id}, ${version}) on conflict do nothing`.execute(db);
    if (!Number(claim.numAffectedRows ?? 0)) return false;
    // The partner's marking counts when stricter than the TLP registered for the source.
    const marked = tlpOfMarkingRefs(o.object_marking_refs);
    const tlp = marked && tlpRank(marked) > tlpRank(src.tlp) ? marked : src.tlp;
    const scope: Scope = src.scope === 'public' && tlp !== 'CLEAR' ? 'all' : src.scope;
    try {
      const p = await submitProvision(src.organisationId, provisionInputOf(o, tlp, scope), { actor, channel: 'taxii' });
      await sql`update jcsip_external_seen set provision_id = ${p.id} where source_id = ${src.id} and stix_id = ${o.id} and version = ${version}`.execute(db);
      return true;
    } catch (e) {
      if (e instanceof AppError) return false; // an object without usable content stays seen and skipped
      await sql`delete from jcsip_external_seen where source_id = ${src.id} and stix_id = ${o.id} and version = ${version}`.execute(db);
      throw e;
    }
  }

  /**
   * Why an item may not leave J-CSIP for another sharing body (empty: it may). Only what every
   * provider allowed to be made public, shared with all participants, at TLP:CLEAR or GREEN.
   */
  async function externalShareProblems(item: Item, sources: Provision[]): Promise<Text[]> {
    const reasons: Text[] = [];
    if (!(await sharesOf(item.id)).some((s) => s.audience === 'all')) reasons.push({ ja: '全参加組織に共有されていません。', en: 'Not shared with all participants.' });
    if (!sources.length || strictest(sources).scope !== 'public') reasons.push({ ja: '一般公開を許可していない提供元があります。', en: 'Not every provider allowed the information to be made public.' });
    if (!EXTERNAL_TLPS.includes(item.tlp)) reasons.push({ ja: `TLP:${item.tlp} の情報は外部の共有機関に送りません。`, en: `TLP:${item.tlp} information is not sent to other sharing bodies.` });
    if (!item.approvedText) reasons.push({ ja: '匿名化した本文が承認されていません。', en: 'The anonymised text has not been approved.' });
    return reasons;
  }

  /** POST an envelope, then poll its status resource until it is complete (a few seconds at most). */
  async function postEnvelope(src: ExternalSource, auth: string | null, objects: Record<string, unknown>[]): Promise<string | null> {
    const res = await taxiiFetch(apiUrl(src.apiRoot, `collections/${encodeURIComponent(src.collectionId)}/objects/`), { method: 'POST', auth, body: { objects } });
    let status = res.json;
    for (let i = 0; i < 5 && status.status === 'pending' && typeof status.id === 'string'; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      status = (await taxiiFetch(apiUrl(src.apiRoot, `status/${encodeURIComponent(status.id)}/`), { auth })).json;
    }
    const failures = Number(status.failure_count ?? 0);
    if (failures > 0) {
      const why = (Array.isArray(status.failures) ? status.failures : []).slice(0, 3).map((f: any) => `${f.id}: ${f.message ?? ''}`).join('; ');
      throw new TaxiiClientError({ ja: `連携先が ${failures} 件のオブジェクトを受け付けませんでした（${why}）。`, en: `The partner refused ${failures} object(s) (${why}).` });
    }
    return typeof status.id === 'string' ? status.id : null;
  }

  /** Pushes new versions of shareable items, and revocations of withdrawn items this partner received. */
  async function pushExternal(src: ExternalSource, auth: string | null): Promise<number> {
    const items = (await sql<any>`select distinct i.* from jcsip_items i join jcsip_shares s on s.item_id = i.id where s.audience = 'all' and i.state in ('shared', 'withdrawn') order by i.created_at`.execute(db)).rows.map(toItem);
    const done = (await sql<any>`select item_id, stix_version, revoked from jcsip_external_pushes where source_id = ${src.id}`.execute(db)).rows;
    const has = (itemId: string, pred: (r: any) => boolean) => done.some((r) => r.item_id === itemId && pred(r));
    let pushed = 0;
    for (const item of items) {
      let objects: Record<string, unknown>[];
      let revoked = false;
      if (item.state === 'withdrawn') {
        if (!has(item.id, (r) => !r.revoked) || has(item.id, (r) => !!r.revoked)) continue;
        objects = await revokedObjects(item.id, item.withdrawnAt ?? new Date());
        revoked = true;
      } else {
        if (has(item.id, (r) => !r.revoked && n(r.stix_version) === item.stixVersion)) continue;
        const sources = await sourcesOf(item.id);
        // Never send a partner's own information back to it.
        if (sources.some((s) => s.organisationId === src.organisationId)) continue;
        if ((await externalShareProblems(item, sources)).length) continue;
        objects = (await stixBundle(item.id)).objects as Record<string, unknown>[];
      }
      const statusId = await postEnvelope(src, auth, objects);
      // What we push is marked seen for this partner, so it is not pulled back from its collection
      // (SCOs carry no created_by_ref, so the check in recordPulled cannot catch them).
      for (const o of objects) await sql`insert into jcsip_external_seen (source_id, stix_id, version) values (${src.id}, ${String(o.id)}, ${stixVersionOf(o)}) on conflict do nothing`.execute(db);
      await sql`insert into jcsip_external_pushes (source_id, item_id, stix_version, revoked, status_id, pushed_at) values (${src.id}, ${item.id}, ${item.stixVersion}, ${revoked}, ${statusId}, now()) on conflict do nothing`.execute(db);
      pushed++;
    }
    return pushed;
  }

  // ==== What a participant may see ================================================================
  /** Items shared to the organisation (via its SIG or all participants), newest first. */
  async function itemsVisibleTo(orgId: string): Promise<Array<Item & { audiences: string[] }>> {
    const m = await getMember(orgId);
    if (!m || m.state !== 'active') return [];
    const r = await sql<any>`select i.*, array_agg(s.audience) as audiences from jcsip_items i join jcsip_shares s on s.item_id = i.id
      where i.state = 'shared' and (s.audience = 'all' or s.audience = ${'sig:' + m.sigId})
      group by i.id order by i.shared_at desc limit 200`.execute(db);
    return r.rows.map((x) => ({ ...toItem(x), audiences: x.audiences }));
  }
  async function canSee(orgId: string, itemId: string): Promise<boolean> {
    return (await itemsVisibleTo(orgId)).some((i) => i.id === itemId);
  }
  /** Provider names a participant may see for an item: only when every source allowed naming and the analyst chose to name them. */
  async function namedProviders(item: Item): Promise<string[]> {
    if (!item.nameProviders) return [];
    const sources = await sourcesOf(item.id);
    if (!strictest(sources).nameProviders) return [];
    const names = new Set<string>();
    for (const s of sources) { const o = await ctx.auth.getOrganisation(s.organisationId); if (o) names.add(o.name); }
    return [...names];
  }

  // ==== Public alerts (注意喚起) =====================================================================
  async function publishAlert(itemId: string | null, input: { slug: string; title: string; body: string }, actor: Actor, opts: { at?: Date } = {}): Promise<Alert> {
    const errors: FieldError[] = [];
    if (!IDENT.test(input.slug)) errors.push({ field: 'slug', message: { ja: 'URL 名は英小文字・数字・ハイフンで指定してください。', en: 'Use lower-case letters, digits and hyphens for the URL name.' } });
    if (!input.title.trim()) errors.push({ field: 'title', message: { ja: '題名を入力してください。', en: 'Enter a title.' } });
    if (!input.body.trim()) errors.push({ field: 'body', message: { ja: '本文を入力してください。', en: 'Enter the text.' } });
    if (errors.length) throw validationFailed(errors);
    if (itemId) {
      const item = await getItem(itemId);
      if (!item) throw notFound({ ja: '共有情報', en: 'shared item' });
      const sources = await sourcesOf(itemId);
      const strict = strictest(sources);
      const reasons: Text[] = [];
      if (strict.scope !== 'public') reasons.push({ ja: '一般公開を許可していない提供元があります。', en: 'Not every provider allowed the information to be made public.' });
      if (item.tlp !== 'CLEAR' || strict.tlp !== 'CLEAR') reasons.push({ ja: 'TLP:CLEAR 以外の情報は一般公開できません。', en: 'Only TLP:CLEAR information can be made public.' });
      if (!item.approvedText) reasons.push({ ja: '匿名化した本文が承認されていません。', en: 'The anonymised text has not been approved.' });
      if (reasons.length) throw refused('jcsip.public_refused', { ja: `一般公開できません: ${reasons.map((r) => r.ja).join(' ')}`, en: `Cannot make this public: ${reasons.map((r) => r.en).join(' ')}` });
    }
    const at = opts.at ?? new Date();
    const id = randomUUID();
    return db.transaction().execute(async (trx) => {
      if ((await sql`select 1 from jcsip_alerts where slug = ${input.slug}`.execute(trx)).rows.length) throw validationFailed([{ field: 'slug', message: { ja: 'この URL 名は使われています。', en: 'This URL name is already used.' } }]);
      await sql`insert into jcsip_alerts (id, slug, item_id, title, body, published_at, updated_at, views, revision) values (${id}, ${input.slug}, ${itemId}, ${input.title.trim()}, ${input.body}, ${at}, ${at}, 0, 1)`.execute(trx);
      await sql`insert into jcsip_alert_revisions (alert_id, revision, title, body, note, at) values (${id}, 1, ${input.title.trim()}, ${input.body}, '公開 / published', ${at})`.execute(trx);
      await ctx.audit.record({ action: 'jcsip.alert_published', actor, subjectType: 'jcsip_alert', subjectId: id, details: { slug: input.slug } }, trx);
      return toAlert((await sql<any>`select * from jcsip_alerts where id = ${id}`.execute(trx)).rows[0]);
    });
  }
  async function updateAlert(slug: string, input: { title: string; body: string; note: string }, actor: Actor, opts: { at?: Date } = {}): Promise<Alert> {
    const at = opts.at ?? new Date();
    return db.transaction().execute(async (trx) => {
      const r = await sql<any>`select * from jcsip_alerts where slug = ${slug} for update`.execute(trx);
      if (!r.rows[0]) throw notFound({ ja: '注意喚起', en: 'alert' });
      const rev = n(r.rows[0].revision) + 1;
      const title = input.title.trim() || r.rows[0].title;
      await sql`update jcsip_alerts set title = ${title}, body = ${input.body || r.rows[0].body}, updated_at = ${at}, revision = ${rev} where id = ${r.rows[0].id}`.execute(trx);
      await sql`insert into jcsip_alert_revisions (alert_id, revision, title, body, note, at) values (${r.rows[0].id}, ${rev}, ${title}, ${input.body || r.rows[0].body}, ${input.note.trim() || '更新 / updated'}, ${at})`.execute(trx);
      await ctx.audit.record({ action: 'jcsip.alert_updated', actor, subjectType: 'jcsip_alert', subjectId: r.rows[0].id, details: { revision: rev } }, trx);
      return toAlert((await sql<any>`select * from jcsip_alerts where id = ${r.rows[0].id}`.execute(trx)).rows[0]);
    });
  }
  async function listAlerts(): Promise<Alert[]> {
    return (await sql<any>`select * from jcsip_alerts order by updated_at desc`.execute(db)).rows.map(toAlert);
  }
  /** A public alert by slug; counts the view when `count` is set. */
  async function viewAlert(slug: string, count: boolean): Promise<{ alert: Alert; revisions: AlertRevision[] } | undefined> {
    const r = count
      ? await sql<any>`update jcsip_alerts set views = views + 1 where slug = ${slug} returning *`.execute(db)
      : await sql<any>`select * from jcsip_alerts where slug = ${slug}`.execute(db);
    if (!r.rows[0]) return undefined;
    const revs = await sql<any>`select * from jcsip_alert_revisions where alert_id = ${r.rows[0].id} order by revision`.execute(db);
    return { alert: toAlert(r.rows[0]), revisions: revs.rows.map((x) => ({ revision: n(x.revision), title: x.title, body: x.body, note: x.note, at: new Date(x.at) })) };
  }

  // ==== Reports (活動レポート・技術レポート) ==========================================================
  async function saveReport(input: { id?: string; slug: string; kind: string; title: string; body: string; itemIds: string[] }, actor: Actor): Promise<TechReport> {
    const errors: FieldError[] = [];
    if (!IDENT.test(input.slug)) errors.push({ field: 'slug', message: { ja: 'URL 名は英小文字・数字・ハイフンで指定してください。', en: 'Use lower-case letters, digits and hyphens for the URL name.' } });
    if (!['activity', 'technical'].includes(input.kind)) errors.push({ field: 'kind', message: { ja: '種類を選んでください。', en: 'Choose a kind.' } });
    if (!input.title.trim()) errors.push({ field: 'title', message: { ja: '題名を入力してください。', en: 'Enter a title.' } });
    if (errors.length) throw validationFailed(errors);
    const items: string[] = [];
    for (const id of input.itemIds) { const it = await getItem(id); if (!it) throw notFound({ ja: '共有情報', en: 'shared item' }); items.push(it.id); }
    const id = input.id ?? randomUUID();
    await db.transaction().execute(async (trx) => {
      if (input.id) await sql`update jcsip_reports set slug = ${input.slug}, kind = ${input.kind}, title = ${input.title.trim()}, body = ${input.body}, item_ids = ${JSON.stringify(items)} where id = ${id}`.execute(trx);
      else await sql`insert into jcsip_reports (id, slug, kind, title, body, item_ids) values (${id}, ${input.slug}, ${input.kind}, ${input.title.trim()}, ${input.body}, ${JSON.stringify(items)})`.execute(trx);
      await ctx.audit.record({ action: 'jcsip.report_saved', actor, subjectType: 'jcsip_report', subjectId: id }, trx);
    });
    return (await getReport(id))!;
  }
  async function publishReport(id: string, actor: Actor, at = new Date()) {
    await db.transaction().execute(async (trx) => {
      const r = await sql`update jcsip_reports set published_at = coalesce(published_at, ${at}) where id = ${id}`.execute(trx);
      if (!Number(r.numAffectedRows ?? 0)) throw notFound({ ja: 'レポート', en: 'report' });
      await ctx.audit.record({ action: 'jcsip.report_published', actor, subjectType: 'jcsip_report', subjectId: id }, trx);
    });
  }
  async function getReport(idOrSlug: string): Promise<TechReport | undefined> {
    const r = /^[0-9a-f-]{36}$/i.test(idOrSlug)
      ? await sql<any>`select * from jcsip_reports where id = ${idOrSlug}`.execute(db)
      : await sql<any>`select * from jcsip_reports where slug = ${idOrSlug}`.execute(db);
    return r.rows[0] ? toReport(r.rows[0]) : undefined;
  }
  async function listReports(onlyPublished: boolean): Promise<TechReport[]> {
    const r = await sql<any>`select * from jcsip_reports where (${!onlyPublished} or published_at is not null) order by coalesce(published_at, now()) desc`.execute(db);
    return r.rows.map(toReport);
  }

  return {
    listSigs, addSig, listMembers, getMember, addMember, transitionMember, memberEvents, addContact, removeContact, contactsOf, portalAccess,
    syncTaxiiAccess, submitProvision, getProvision, listProvisions, indicatorsOf, filesOf, duplicatesOf, markDuplicate, pullTaxiiInboxes, ingestEmail,
    listRules, saveRule, getItem, listItems, sourcesOf, sharesOf, strictest, createItem, addSources, updateItem, preview, approve, checkShare, shareItem,
    stixBundle, withdrawItem, itemsVisibleTo, canSee, namedProviders, recipientsOf,
    listExternalSources, getExternalSource, registerExternalSource, syncExternalSources, syncExternalSource, externalShareProblems,
    publishAlert, updateAlert, listAlerts, viewAlert, saveReport, publishReport, getReport, listReports,
  };
}

export type JcsipService = ReturnType<typeof createJcsipService>;

// ==== Figures (stats) ===============================================================================
/** 参加組織からの情報提供: objects pulled from external sharing bodies are not counted. */
const FROM_PARTICIPANTS = sql`organisation_id not in (select organisation_id from jcsip_members where external)`;
export async function countProvisions(ctx: AppContext, from: Date, to: Date): Promise<number> {
  return n((await sql<any>`select count(*)::int as n from jcsip_provisions where received_at >= ${from} and received_at < ${to} and ${FROM_PARTICIPANTS}`.execute(ctx.db)).rows[0]?.n);
}
/** 情報共有実施件数: items first shared in the period. */
export async function countShares(ctx: AppContext, from: Date, to: Date): Promise<number> {
  return n((await sql<any>`select count(*)::int as n from jcsip_items where shared_at >= ${from} and shared_at < ${to}`.execute(ctx.db)).rows[0]?.n);
}
export async function countNewParticipants(ctx: AppContext, from: Date, to: Date, kind: 'sig' | 'scheme' | null = 'sig'): Promise<number> {
  return n((await sql<any>`select count(*)::int as n from jcsip_members m join jcsip_sigs s on s.id = m.sig_id
    where m.joined_at >= ${from} and m.joined_at < ${to} and not m.external and (${kind}::text is null or s.kind = ${kind})`.execute(ctx.db)).rows[0]?.n);
}
/** Participants at an instant: joined before it and not left/suspended before it. */
export async function participantsAt(ctx: AppContext, at: Date): Promise<Array<{ sigId: string; kind: string; organisations: number; facilities: number | null }>> {
  const r = await sql<any>`select s.id, s.kind, s.facilities, s.sort, count(m.organisation_id)::int as n from jcsip_sigs s
    left join jcsip_members m on m.sig_id = s.id and not m.external and m.joined_at < ${at} and (m.left_at is null or m.left_at >= ${at})
    group by s.id, s.kind, s.facilities, s.sort order by s.sort, s.id`.execute(ctx.db);
  return r.rows.map((x) => ({ sigId: x.id, kind: x.kind, organisations: n(x.n), facilities: x.facilities === null ? null : n(x.facilities) }));
}

export interface OperationsReport {
  from: Date; to: Date;
  provisions: number; shares: number; newParticipants: number;
  provisionsByKind: Record<string, number>;
  provisionsBySig: Record<string, number>;
  sharesBySig: Record<string, number>;
  byMonth: Array<{ month: string; provisions: number; shares: number }>;
  participants: Array<{ sigId: string; kind: string; organisations: number; facilities: number | null }>;
}

/** 運用状況 of any period (the published reports are calendar quarters). */
export async function operationsReport(ctx: AppContext, from: Date, to: Date): Promise<OperationsReport> {
  const q = async (s: ReturnType<typeof sql<any>>) => (await s.execute(ctx.db)).rows;
  const byKind = await q(sql<any>`select kind, count(*)::int as n from jcsip_provisions where received_at >= ${from} and received_at < ${to} and ${FROM_PARTICIPANTS} group by kind`);
  const bySig = await q(sql<any>`select m.sig_id, count(*)::int as n from jcsip_provisions p join jcsip_members m on m.organisation_id = p.organisation_id where p.received_at >= ${from} and p.received_at < ${to} and not m.external group by m.sig_id`);
  const shares = await q(sql<any>`select s.audience, count(distinct s.item_id)::int as n from jcsip_shares s join jcsip_items i on i.id = s.item_id where i.shared_at >= ${from} and i.shared_at < ${to} and s.shared_at = i.shared_at group by s.audience`);
  const months = await q(sql<any>`select to_char(received_at at time zone 'Asia/Tokyo', 'YYYY-MM') as m, count(*)::int as n from jcsip_provisions where received_at >= ${from} and received_at < ${to} and ${FROM_PARTICIPANTS} group by 1`);
  const smonths = await q(sql<any>`select to_char(shared_at at time zone 'Asia/Tokyo', 'YYYY-MM') as m, count(*)::int as n from jcsip_items where shared_at >= ${from} and shared_at < ${to} group by 1`);
  const monthList: string[] = [];
  for (let t = new Date(from.getTime() + 9 * 3600_000); t.getTime() < to.getTime() + 9 * 3600_000; t = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 1))) monthList.push(t.toISOString().slice(0, 7));
  const rec = (rows: any[], k: string) => Object.fromEntries(rows.map((r) => [r[k], n(r.n)]));
  const pm = rec(months, 'm'); const sm = rec(smonths, 'm');
  return {
    from, to,
    provisions: await countProvisions(ctx, from, to), shares: await countShares(ctx, from, to), newParticipants: await countNewParticipants(ctx, from, to),
    provisionsByKind: rec(byKind, 'kind'), provisionsBySig: rec(bySig, 'sig_id'), sharesBySig: rec(shares, 'audience'),
    byMonth: monthList.map((m) => ({ month: m, provisions: pm[m] ?? 0, shares: sm[m] ?? 0 })),
    participants: await participantsAt(ctx, to),
  };
}

export { normaliseIndicator };
