// Domain rules of the consultation desk: validating and recording consultations (staff-entered and
// from the public web form), referrals to partner desks, the category taxonomy, the knowledge base,
// the partner directory with its cooperation log, and the advisories (安心相談窓口だより).
import { sql } from 'kysely';
import type { Actor, AppContext, Executor } from '../../platform/context.js';
import { SYSTEM_ACTOR } from '../../platform/context.js';
import type { FieldError } from '../../platform/http/errors.js';
import { AppError, notFound, validationFailed } from '../../platform/http/errors.js';
import type { CaseRecord } from '../../platform/cases/types.js';
import type { Text } from '../../platform/i18n/i18n.js';
import { jstMidnight } from '../../platform/i18n/dates.js';
import { CHANNELS, CLOSE_REASONS, CONSULTATION, DEVICES, STAFF_CHANNELS, type Channel, type Device } from './case-types.js';
import { KB_SEARCH_TEXT, type AdvisoryRevisionRow, type CategoryRow, type CooperationRow, type KbRow, type PartnerRow } from './migrations.js';

/** A consultation as stored in the case data. Personal data lives only under `consulter` and `summary`. */
export interface ConsultationData {
  source: 'staff' | 'web_form' | 'import';
  channel: Channel | null;
  /** Primary category (first of `categories`), kept separately for filtering and statistics. */
  category: string;
  categories: string[];
  device: Device;
  os: string | null;
  summary: string;
  advice: string;
  callSeconds: number | null;
  financialLoss: boolean;
  kbRefs: number[];
  consulter: { name: string | null; email: string | null; phone: string | null };
  referrals: Array<{ partnerId: string; partnerName: string; at: string }>;
}

export const FIELD_LABELS: Record<string, Text> = {
  channel: { ja: '受付手段', en: 'Channel' },
  callDuration: { ja: '通話時間', en: 'Call duration' },
  device: { ja: '機器', en: 'Device' },
  os: { ja: 'OS・バージョン', en: 'OS / version' },
  categories: { ja: '相談の分類', en: 'Categories' },
  category: { ja: '相談の分類', en: 'Category' },
  summary: { ja: '相談内容', en: 'What happened' },
  advice: { ja: '回答・助言', en: 'Advice given' },
  kbRefs: { ja: '参照したナレッジ番号', en: 'Knowledge base numbers used' },
  consulterName: { ja: 'お名前', en: 'Name' },
  consulterEmail: { ja: 'メールアドレス', en: 'E-mail' },
  consulterPhone: { ja: '電話番号', en: 'Phone' },
  referralPartner: { ja: '案内した相談窓口', en: 'Desk referred to' },
  referralNote: { ja: '案内の内容（メモ）', en: 'Referral note' },
  outcome: { ja: '対応結果', en: 'Outcome' },
  followUpOn: { ja: 'フォローアップ予定日', en: 'Follow-up date' },
  consent: { ja: '個人情報の取扱いへの同意', en: 'Consent to the privacy notice' },
};

const LIMITS: Record<string, number> = { os: 100, summary: 5000, advice: 5000, consulterName: 100, consulterEmail: 254, consulterPhone: 30, referralNote: 500 };
const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const label = (f: string) => FIELD_LABELS[f] ?? { ja: f, en: f };
const required = (f: string): FieldError => ({ field: f, message: { ja: `「${label(f).ja}」は必須です。`, en: `"${label(f).en}" is required.` } });
const invalid = (f: string, ja: string, en: string): FieldError => ({ field: f, message: { ja: `「${label(f).ja}」${ja}`, en: `"${label(f).en}" ${en}` } });

export function str(v: unknown): string { return typeof v === 'string' ? v.replace(/\r\n?/g, '\n').trim() : v === undefined || v === null ? '' : String(v).trim(); }
const list = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v]).map(str).filter(Boolean);

/** Raw input of the staff form, the public form and the API (flat, one validator for all). */
export interface ConsultationInput {
  channel?: string; callDuration?: string; device?: string; os?: string; categories?: string | string[];
  summary?: string; advice?: string; financialLoss?: boolean | string; kbRefs?: string;
  consulterName?: string; consulterEmail?: string; consulterPhone?: string;
  referralPartner?: string; referralNote?: string;
  outcome?: string; followUpOn?: string; consent?: boolean | string;
}

export interface ValidConsultation { data: ConsultationData; referral: { partnerId: string; note: string } | null; outcome: 'open' | 'follow_up' | keyof typeof CLOSE_REASONS; followUpOn: Date | null }

/** "12:34" (minutes:seconds) or "12" (minutes) → seconds. */
export function parseDuration(v: string): number | null | undefined {
  if (!v) return null;
  const m = /^(\d{1,3})(?::([0-5]\d))?$/.exec(v);
  return m ? Number(m[1]) * 60 + Number(m[2] ?? 0) : undefined;
}

const bool = (v: unknown) => v === true || v === 'true' || v === 'on' || v === '1';

export interface ConsultationService {
  categories(opts?: { activeOnly?: boolean }): Promise<CategoryRow[]>;
  saveCategory(input: { key: string; labelJa: string; labelEn: string; description?: string; active: boolean; sort?: number }, actor: Actor): Promise<void>;
  validate(input: ConsultationInput, mode: 'staff' | 'public'): Promise<ValidConsultation>;
  record(input: ConsultationInput, actor: Actor, opts?: { idempotencyKey?: string; ip?: string }): Promise<CaseRecord>;
  submitPublic(input: ConsultationInput, actor: Actor, opts: { idempotencyKey?: string; ip?: string }): Promise<{ record: CaseRecord; trackingToken: string }>;
  refer(caseId: string, partnerId: string, note: string, actor: Actor, trx?: Executor): Promise<void>;
  updateAdvice(caseId: string, advice: string, actor: Actor): Promise<void>;
  // knowledge base
  searchKb(q: string, opts?: { kind?: string; category?: string; limit?: number }): Promise<KbRow[]>;
  kbEntry(no: number): Promise<KbRow | undefined>;
  saveKb(input: { no?: number; kind: string; title: string; body: string; category?: string; keywords?: string; active?: boolean }, actor: Actor): Promise<KbRow>;
  // partners
  partners(opts?: { at?: Date; kind?: 'council' | 'partner' }): Promise<PartnerRow[]>;
  savePartner(input: Record<string, string>, actor: Actor): Promise<PartnerRow>;
  partnersAdded(from: Date, to: Date, kind?: 'council' | 'partner'): Promise<number>;
  membersAt(at: Date, kind?: 'council' | 'partner'): Promise<number>;
  recordCooperation(input: { partnerId: string; kind: string; subject: string; caseRef?: string; at?: Date }, actor: Actor): Promise<void>;
  cooperation(from?: Date, to?: Date): Promise<Array<CooperationRow & { partner_name: string }>>;
  countCooperation(from: Date, to: Date): Promise<number>;
  // advisories
  publishedAdvisories(): Promise<Array<{ slug: string; title: string; publishedAt: Date; updatedAt: Date; revisions: number; views: number; category: string | null }>>;
  advisory(slug: string, revision?: number): Promise<{ id: string; slug: string; category: string | null; views: number; current: AdvisoryRevisionRow; shown: AdvisoryRevisionRow; history: AdvisoryRevisionRow[] } | undefined>;
  countView(id: string): Promise<void>;
  staffAdvisories(): Promise<Array<{ id: string; slug: string; title: string; published: number; draft: boolean; views: number }>>;
  advisoryForEdit(id: string): Promise<{ id: string; slug: string; category: string | null; revisions: AdvisoryRevisionRow[] } | undefined>;
  createAdvisory(input: { slug: string; title: string; body: string; category?: string }, actor: Actor): Promise<string>;
  saveDraft(id: string, input: { title: string; body: string; changeNote: string }, actor: Actor): Promise<void>;
  publish(id: string, actor: Actor, at?: Date): Promise<number>;
}

function rowsOf<T>(r: { rows: unknown[] }): T[] { return r.rows as T[]; }

export function createConsultationService(ctx: AppContext): ConsultationService {
  const db = () => ctx.db;

  async function categoryKeys(activeOnly: boolean): Promise<Set<string>> {
    return new Set((await svc.categories({ activeOnly })).map((c) => c.key));
  }

  async function partnerOf(id: string, trx?: Executor): Promise<PartnerRow | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    return rowsOf<PartnerRow>(await sql`select * from consultation_partners where id = ${id}`.execute(trx ?? db()))[0];
  }

  async function caseOf(id: string, trx?: Executor): Promise<CaseRecord> {
    const c = await ctx.cases.load(id, trx);
    if (!c || c.type !== CONSULTATION) throw notFound({ ja: '相談', en: 'consultation' });
    return c;
  }

  const titleOf = (d: ConsultationData, cats: CategoryRow[]) => {
    const c = cats.find((x) => x.key === d.category);
    return `${c?.label_ja ?? d.category}（${d.channel ? CHANNELS[d.channel].ja : '受付手段未記録'}）`;
  };

  const svc: ConsultationService = {
    async categories(opts = {}) {
      return rowsOf<CategoryRow>(await sql`select * from consultation_categories ${opts.activeOnly ? sql`where active` : sql``} order by sort, key`.execute(db()));
    },

    async saveCategory(input, actor) {
      const errors: FieldError[] = [];
      const key = str(input.key).toLowerCase();
      if (!/^[a-z][a-z0-9_]{1,39}$/.test(key)) errors.push({ field: 'key', message: { ja: '「キー」は英小文字で始まる英小文字・数字・_ の 2〜40 文字です。', en: '"Key" must be 2–40 lowercase letters, digits or _ starting with a letter.' } });
      if (!str(input.labelJa)) errors.push({ field: 'labelJa', message: { ja: '「名称（日本語）」は必須です。', en: '"Name (Japanese)" is required.' } });
      if (!str(input.labelEn)) errors.push({ field: 'labelEn', message: { ja: '「名称（英語）」は必須です。', en: '"Name (English)" is required.' } });
      if (str(input.labelJa).length > 100 || str(input.labelEn).length > 100) errors.push({ field: 'labelJa', message: { ja: '名称は 100 文字以内です。', en: 'Names are at most 100 characters.' } });
      if (errors.length) throw validationFailed(errors);
      await db().transaction().execute(async (trx) => {
        const before = rowsOf<CategoryRow>(await sql`select * from consultation_categories where key = ${key}`.execute(trx))[0];
        const sort = input.sort ?? before?.sort ?? Number(rowsOf<{ m: number }>(await sql`select coalesce(max(sort), 0) + 10 as m from consultation_categories`.execute(trx))[0].m);
        await sql`insert into consultation_categories (key, label_ja, label_en, description, active, sort, updated_at)
          values (${key}, ${str(input.labelJa)}, ${str(input.labelEn)}, ${str(input.description)}, ${input.active}, ${sort}, now())
          on conflict (key) do update set label_ja = excluded.label_ja, label_en = excluded.label_en, description = excluded.description, active = excluded.active, sort = excluded.sort, updated_at = now()`.execute(trx);
        await ctx.audit.record({ action: before ? 'consultation.category.updated' : 'consultation.category.created', actor, subjectType: 'consultation_category', subjectId: key,
          details: { before: before ? { label_ja: before.label_ja, label_en: before.label_en, active: before.active } : null, after: { label_ja: str(input.labelJa), label_en: str(input.labelEn), active: input.active } } }, trx);
      });
    },

    async validate(input, mode) {
      const errors: FieldError[] = [];
      const s = (k: keyof ConsultationInput) => {
        const v = str(input[k]);
        const max = LIMITS[k];
        if (max && v.length > max) errors.push(invalid(k, `は ${max.toLocaleString()} 文字以内で入力してください。`, `must be at most ${max.toLocaleString()} characters.`));
        if (CONTROL.test(v)) errors.push(invalid(k, 'に使用できない制御文字が含まれています。', 'contains control characters.'));
        return v;
      };
      let channel: Channel | null = 'web_form';
      if (mode === 'staff') {
        const c = str(input.channel);
        if (!c) errors.push(required('channel'));
        else if (!(STAFF_CHANNELS as string[]).includes(c)) errors.push(invalid('channel', 'の値が正しくありません。', 'has an invalid value.'));
        channel = c as Channel;
      }
      const device = (str(input.device) || 'unknown') as Device;
      if (!(device in DEVICES)) errors.push(invalid('device', 'の値が正しくありません。', 'has an invalid value.'));
      const os = s('os');
      const active = await categoryKeys(true);
      let categories = [...new Set(list(input.categories))];
      if (mode === 'public' && categories.length === 0) categories = ['other'];
      if (categories.length === 0) errors.push(required('categories'));
      else if (categories.some((c) => !active.has(c))) errors.push(invalid('categories', 'に使用できない分類が含まれています。', 'contains an unknown or retired category.'));
      const summary = s('summary');
      if (!summary) errors.push(required('summary'));
      const advice = mode === 'staff' ? s('advice') : '';
      const duration = parseDuration(str(input.callDuration));
      if (duration === undefined) errors.push(invalid('callDuration', 'は「分」または「分:秒」（例: 12:34）で入力してください。', 'must be minutes or minutes:seconds (e.g. 12:34).'));
      const kbRefs: number[] = [];
      for (const part of str(input.kbRefs).split(/[\s,、]+/).filter(Boolean)) {
        const m = /^(?:KB-?)?(\d{1,6})$/i.exec(part);
        if (!m) { errors.push(invalid('kbRefs', 'は KB-12 のような番号をカンマ区切りで入力してください。', 'must be numbers such as KB-12, separated by commas.')); break; }
        kbRefs.push(Number(m[1]));
      }
      const name = s('consulterName');
      const email = s('consulterEmail').toLowerCase();
      const phone = s('consulterPhone');
      if (mode === 'public' && !email) errors.push(required('consulterEmail'));
      if (email && !EMAIL.test(email)) errors.push(invalid('consulterEmail', 'の形式が正しくありません。', 'is not a valid e-mail address.'));
      if (phone && !/^[0-9+\-() ]{6,30}$/.test(phone)) errors.push(invalid('consulterPhone', 'は数字とハイフンで入力してください。', 'must contain digits and hyphens only.'));
      if (mode === 'public' && !bool(input.consent)) errors.push(invalid('consent', 'が必要です。', 'is required.'));
      let referral: ValidConsultation['referral'] = null;
      const partnerId = str(input.referralPartner);
      if (partnerId) {
        const p = await partnerOf(partnerId);
        if (!p || p.is_ipa || p.left_on) errors.push(invalid('referralPartner', 'には連携中の相談窓口を選んでください。', 'must be a current partner desk.'));
        else referral = { partnerId, note: s('referralNote') };
      }
      let outcome: ValidConsultation['outcome'] = 'open';
      let followUpOn: Date | null = null;
      if (mode === 'staff') {
        const o = str(input.outcome) || 'open';
        if (o !== 'open' && o !== 'follow_up' && !(o in CLOSE_REASONS)) errors.push(invalid('outcome', 'の値が正しくありません。', 'has an invalid value.'));
        outcome = o as ValidConsultation['outcome'];
        if (o === 'referred' && !referral) errors.push(invalid('referralPartner', 'は「他の相談窓口を案内」の場合に必須です。', 'is required when the outcome is a referral.'));
        const f = str(input.followUpOn);
        if (o === 'follow_up') {
          const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(f);
          if (!f) errors.push(required('followUpOn'));
          else if (!m) errors.push(invalid('followUpOn', 'は YYYY-MM-DD 形式で入力してください。', 'must be a date in YYYY-MM-DD format.'));
          else followUpOn = jstMidnight(+m[1], +m[2], +m[3]);
          if (!email && !phone) errors.push(invalid('consulterPhone', '（またはメールアドレス）はフォローアップに必要です。', '(or an e-mail address) is needed for a follow-up.'));
        }
      }
      if (errors.length) {
        const order = Object.keys(FIELD_LABELS);
        throw validationFailed(errors.sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field)));
      }
      return {
        data: {
          source: mode === 'staff' ? 'staff' : 'web_form', channel, category: categories[0], categories, device, os: os || null,
          summary, advice, callSeconds: duration ?? null, financialLoss: bool(input.financialLoss), kbRefs,
          // Minimised: contact data only when given (the public form needs an address to answer).
          consulter: { name: name || null, email: email || null, phone: phone || null }, referrals: [],
        },
        referral, outcome, followUpOn,
      };
    },

    async record(input, actor, opts = {}) {
      const v = await svc.validate(input, 'staff');
      const cats = await svc.categories();
      return db().transaction().execute(async (trx) => {
        const created = await ctx.cases.create({ type: CONSULTATION, title: titleOf(v.data, cats), data: v.data as unknown as Record<string, unknown>, idempotencyKey: opts.idempotencyKey }, actor, trx);
        if (!created.created) return created.record;
        const id = created.record.id;
        if (v.referral) await svc.refer(id, v.referral.partnerId, v.referral.note, actor, trx);
        if (v.outcome === 'follow_up') {
          await ctx.cases.transition(id, 'schedule_follow_up', actor, {}, trx);
          await ctx.cases.setDue(id, v.followUpOn, actor, trx);
        } else if (v.outcome !== 'open') {
          await ctx.cases.transition(id, 'complete', actor, { reason: v.outcome }, trx);
        }
        await ctx.audit.record({ action: 'consultation.recorded', actor, subjectType: 'case', subjectId: id, details: { ref: created.record.ref, channel: v.data.channel, categories: v.data.categories, outcome: v.outcome }, ip: opts.ip }, trx);
        return (await ctx.cases.load(id, trx))!;
      });
    },

    async submitPublic(input, actor, opts) {
      const v = await svc.validate(input, 'public');
      const cats = await svc.categories();
      const created = await ctx.cases.createGrouped({
        type: CONSULTATION, title: titleOf(v.data, cats), data: v.data as unknown as Record<string, unknown>, idempotencyKey: opts.idempotencyKey,
        parties: [{ role: 'reporter', email: v.data.consulter.email, name: v.data.consulter.name, withToken: true }],
      }, actor.kind === 'system' ? SYSTEM_ACTOR : actor, {
        mails: (c) => [{
          to: v.data.consulter.email!, key: `consultation-ack:${c.record.id}`,
          subject: `[${c.record.ref}] ご相談を受け付けました / Your consultation was received`,
          text: [
            `${v.data.consulter.name ?? 'ご相談者'} 様`, '',
            `情報セキュリティ安心相談窓口です。ご相談を受け付けました。受付番号は ${c.record.ref} です。`,
            '回答は次のリンクからご確認いただけます（第三者に知らせないでください）。',
            `${ctx.config.baseUrl}/track/${ctx.cases.trackingTokenOf(c.parties[0].id)}`, '',
            `Your consultation has been received (reference ${c.record.ref}). Our answer will appear at the link above; keep it secret.`, '',
            '― 情報セキュリティ安心相談窓口 / Information Security Consultation Desk',
          ].join('\n'),
        }],
        audit: (c) => [{ action: 'consultation.received', actor, subjectType: 'case', subjectId: c.record.id, details: { ref: c.record.ref, channel: 'web_form' }, ip: opts.ip }],
      });
      const reporter = created.parties.find((p) => p.role === 'reporter')!;
      return { record: created.record, trackingToken: ctx.cases.trackingTokenOf(reporter.id) };
    },

    async refer(caseId, partnerId, note, actor, trx) {
      const run = async (t: Executor) => {
        const c = await caseOf(caseId, t);
        const p = await partnerOf(partnerId, t);
        if (!p || p.is_ipa || p.left_on) throw validationFailed([invalid('referralPartner', 'には連携中の相談窓口を選んでください。', 'must be a current partner desk.')]);
        const d = c.data as unknown as ConsultationData;
        const referrals = [...(d.referrals ?? []), { partnerId: p.id, partnerName: p.name, at: new Date().toISOString() }];
        await ctx.cases.updateData(c.id, { referrals }, actor, { kind: 'data_changed' }, t);
        await ctx.cases.recordEvent(c.id, 'referral', actor, { partnerId: p.id, partnerName: p.name, ...(note ? { note: note.slice(0, 500) } : {}) }, {}, t);
        await ctx.audit.record({ action: 'consultation.referral', actor, subjectType: 'case', subjectId: c.id, details: { ref: c.ref, partnerId: p.id } }, t);
      };
      if (trx) await run(trx); else await db().transaction().execute(run);
    },

    async updateAdvice(caseId, advice, actor) {
      const c = await caseOf(caseId);
      const a = str(advice);
      if (!a) throw validationFailed([required('advice')]);
      if (a.length > LIMITS.advice) throw validationFailed([invalid('advice', 'は 5,000 文字以内で入力してください。', 'must be at most 5,000 characters.')]);
      await ctx.cases.updateData(c.id, { advice: a }, actor, { kind: 'advice_updated' });
    },

    async searchKb(q, opts = {}) {
      const words = str(q).toLowerCase().split(/[\s　]+/).filter(Boolean).slice(0, 5);
      const like = (w: string) => `%${w.replace(/[\\%_]/g, (m) => '\\' + m)}%`;
      const conds = words.map((w) => sql`${sql.raw(KB_SEARCH_TEXT)} like ${like(w)}`);
      if (opts.kind) conds.push(sql`kind = ${opts.kind}`);
      if (opts.category) conds.push(sql`category = ${opts.category}`);
      conds.push(sql`active`);
      const where = sql.join(conds, sql` and `);
      const titleHit = words.length ? sql`(lower(title) like ${like(words[0])})` : sql`(no < 0)`;
      return rowsOf<KbRow>(await sql`select * from consultation_kb where ${where} order by ${titleHit} desc, updated_at desc, no limit ${Math.min(opts.limit ?? 20, 100)}`.execute(db()));
    },

    async kbEntry(no) {
      return rowsOf<KbRow>(await sql`select * from consultation_kb where no = ${no}`.execute(db()))[0];
    },

    async saveKb(input, actor) {
      const errors: FieldError[] = [];
      const title = str(input.title); const body = str(input.body); const keywords = str(input.keywords); const category = str(input.category) || null;
      if (input.kind !== 'template' && input.kind !== 'method') errors.push({ field: 'kind', message: { ja: '「種類」は回答テンプレートまたは手口を選んでください。', en: '"Kind" must be an answer template or an attack method.' } });
      if (!title) errors.push({ field: 'title', message: { ja: '「タイトル」は必須です。', en: '"Title" is required.' } });
      if (title.length > 200) errors.push({ field: 'title', message: { ja: '「タイトル」は 200 文字以内です。', en: '"Title" is at most 200 characters.' } });
      if (!body) errors.push({ field: 'body', message: { ja: '「本文」は必須です。', en: '"Body" is required.' } });
      if (body.length > 20000) errors.push({ field: 'body', message: { ja: '「本文」は 20,000 文字以内です。', en: '"Body" is at most 20,000 characters.' } });
      if (category && !(await categoryKeys(false)).has(category)) errors.push({ field: 'category', message: { ja: '「分類」が見つかりません。', en: 'Unknown category.' } });
      if (errors.length) throw validationFailed(errors);
      return db().transaction().execute(async (trx) => {
        let row: KbRow | undefined;
        if (input.no) {
          row = rowsOf<KbRow>(await sql`update consultation_kb set kind = ${input.kind}, title = ${title}, body = ${body}, category = ${category}, keywords = ${keywords},
            active = ${input.active ?? true}, updated_at = now(), updated_by = ${actor.displayName} where no = ${input.no} returning *`.execute(trx))[0];
          if (!row) throw notFound({ ja: 'ナレッジ', en: 'knowledge base entry' });
        } else {
          row = rowsOf<KbRow>(await sql`insert into consultation_kb (kind, title, body, category, keywords, updated_by) values (${input.kind}, ${title}, ${body}, ${category}, ${keywords}, ${actor.displayName}) returning *`.execute(trx))[0];
        }
        await ctx.audit.record({ action: input.no ? 'consultation.kb.updated' : 'consultation.kb.created', actor, subjectType: 'consultation_kb', subjectId: String(row.no), details: { title } }, trx);
        return row;
      });
    },

    async partners(opts = {}) {
      const conds = [sql`true`];
      if (opts.kind) conds.push(sql`kind = ${opts.kind}`);
      if (opts.at) conds.push(sql`joined_on < ${opts.at}::timestamptz at time zone 'Asia/Tokyo' and (left_on is null or left_on >= ${opts.at}::timestamptz at time zone 'Asia/Tokyo')`);
      return rowsOf<PartnerRow>(await sql`select id, name, name_en, kind, is_ipa, scope, scope_en, contact, url, joined_on::text as joined_on, left_on::text as left_on, created_at
        from consultation_partners where ${sql.join(conds, sql` and `)} order by kind, is_ipa desc, joined_on, name`.execute(db()));
    },

    async savePartner(input, actor) {
      const errors: FieldError[] = [];
      const name = str(input.name); const kind = str(input.kind); const joined = str(input.joinedOn); const left = str(input.leftOn);
      const date = /^\d{4}-\d{2}-\d{2}$/;
      if (!name) errors.push({ field: 'name', message: { ja: '「組織名」は必須です。', en: '"Organisation" is required.' } });
      if (kind !== 'council' && kind !== 'partner') errors.push({ field: 'kind', message: { ja: '「区分」は相談窓口連絡会または連携組織です。', en: '"Kind" must be council member or partner organisation.' } });
      if (!date.test(joined) || Number.isNaN(Date.parse(joined))) errors.push({ field: 'joinedOn', message: { ja: '「参加日」は YYYY-MM-DD 形式の日付です。', en: '"Joined on" must be a date in YYYY-MM-DD format.' } });
      if (left && (!date.test(left) || left < joined)) errors.push({ field: 'leftOn', message: { ja: '「離脱日」は参加日以降の日付です。', en: '"Left on" must be a date on or after the joining date.' } });
      const url = str(input.url);
      if (url && !/^https?:\/\/[^\s]+$/.test(url)) errors.push({ field: 'url', message: { ja: '「URL」は http(s):// で始まる必要があります。', en: '"URL" must start with http(s)://.' } });
      if (errors.length) throw validationFailed(errors);
      return db().transaction().execute(async (trx) => {
        const id = str(input.id);
        const vals = { name, nameEn: str(input.nameEn), scope: str(input.scope).slice(0, 2000), scopeEn: str(input.scopeEn).slice(0, 2000), contact: str(input.contact).slice(0, 500) };
        let row: PartnerRow | undefined;
        if (id) {
          row = rowsOf<PartnerRow>(await sql`update consultation_partners set name = ${vals.name}, name_en = ${vals.nameEn}, kind = ${kind}, scope = ${vals.scope}, scope_en = ${vals.scopeEn},
            contact = ${vals.contact}, url = ${url || null}, joined_on = ${joined}, left_on = ${left || null} where id = ${id} returning id, name, kind`.execute(trx))[0];
          if (!row) throw notFound({ ja: '連携組織', en: 'partner' });
        } else {
          const dup = rowsOf(await sql`select 1 from consultation_partners where name = ${name}`.execute(trx));
          if (dup.length) throw validationFailed([{ field: 'name', message: { ja: '同じ名前の組織が登録済みです。', en: 'An organisation with this name already exists.' } }]);
          row = rowsOf<PartnerRow>(await sql`insert into consultation_partners (name, name_en, kind, is_ipa, scope, scope_en, contact, url, joined_on, left_on)
            values (${vals.name}, ${vals.nameEn}, ${kind}, ${bool(input.isIpa)}, ${vals.scope}, ${vals.scopeEn}, ${vals.contact}, ${url || null}, ${joined}, ${left || null}) returning id, name, kind`.execute(trx))[0];
        }
        await ctx.audit.record({ action: id ? 'consultation.partner.updated' : 'consultation.partner.created', actor, subjectType: 'consultation_partner', subjectId: row.id, details: { name, kind, joinedOn: joined, leftOn: left || null } }, trx);
        return row;
      });
    },

    async partnersAdded(from, to, kind = 'council') {
      // joined_on is a JST calendar date; [from, to) are instants.
      const r = await sql<{ n: number }>`select count(*)::int as n from consultation_partners where kind = ${kind} and not is_ipa
        and joined_on >= (${from}::timestamptz at time zone 'Asia/Tokyo')::date and joined_on < (${to}::timestamptz at time zone 'Asia/Tokyo')::date`.execute(db());
      return Number(r.rows[0].n);
    },

    async membersAt(at, kind = 'council') {
      const r = await sql<{ n: number }>`select count(*)::int as n from consultation_partners where kind = ${kind}
        and joined_on < (${at}::timestamptz at time zone 'Asia/Tokyo')::date and (left_on is null or left_on >= (${at}::timestamptz at time zone 'Asia/Tokyo')::date)`.execute(db());
      return Number(r.rows[0].n);
    },

    async recordCooperation(input, actor) {
      const errors: FieldError[] = [];
      const p = await partnerOf(str(input.partnerId));
      if (!p || p.is_ipa) errors.push({ field: 'partnerId', message: { ja: '「連携先」を選んでください。', en: 'Choose the partner.' } });
      if (!['provided', 'received', 'shared'].includes(input.kind)) errors.push({ field: 'kind', message: { ja: '「種別」の値が正しくありません。', en: '"Kind" has an invalid value.' } });
      const subject = str(input.subject);
      if (!subject) errors.push({ field: 'subject', message: { ja: '「件名」は必須です。', en: '"Subject" is required.' } });
      if (subject.length > 300) errors.push({ field: 'subject', message: { ja: '「件名」は 300 文字以内です。', en: '"Subject" is at most 300 characters.' } });
      const ref = str(input.caseRef);
      if (ref && !(await ctx.cases.load(ref))) errors.push({ field: 'caseRef', message: { ja: '「関連する相談の受付番号」が見つかりません。', en: 'No consultation with this reference.' } });
      if (errors.length) throw validationFailed(errors);
      const at = input.at && actor.kind === 'system' ? input.at : new Date();
      await db().transaction().execute(async (trx) => {
        const row = rowsOf<{ id: string }>(await sql`insert into consultation_cooperation (partner_id, at, kind, subject, case_ref, recorded_by) values (${p!.id}, ${at}, ${input.kind}, ${subject}, ${ref || null}, ${actor.displayName}) returning id`.execute(trx))[0];
        await ctx.audit.record({ action: 'consultation.cooperation.recorded', actor, subjectType: 'consultation_cooperation', subjectId: row.id, details: { partnerId: p!.id, kind: input.kind } }, trx);
      });
    },

    async cooperation(from, to) {
      return rowsOf(await sql`select c.*, p.name as partner_name from consultation_cooperation c join consultation_partners p on p.id = c.partner_id
        where ${from ? sql`c.at >= ${from}` : sql`true`} and ${to ? sql`c.at < ${to}` : sql`true`} order by c.at desc limit 500`.execute(db()));
    },

    async countCooperation(from, to) {
      return Number(rowsOf<{ n: number }>(await sql`select count(*)::int as n from consultation_cooperation where at >= ${from} and at < ${to}`.execute(db()))[0].n);
    },

    async publishedAdvisories() {
      const rows = rowsOf<{ slug: string; title: string; first: Date; last: Date; n: number; views: string; category: string | null }>(await sql`
        select a.slug, a.category, a.view_count as views, cur.title, agg.first, agg.last, agg.n from consultation_advisories a
        join lateral (select min(published_at) as first, max(published_at) as last, count(*)::int as n from consultation_advisory_revisions r where r.advisory_id = a.id and r.published_at is not null) agg on agg.n > 0
        join lateral (select title from consultation_advisory_revisions r where r.advisory_id = a.id and r.published_at is not null order by revision desc limit 1) cur on true
        order by agg.last desc`.execute(db()));
      return rows.map((r) => ({ slug: r.slug, title: r.title, publishedAt: new Date(r.first), updatedAt: new Date(r.last), revisions: Number(r.n), views: Number(r.views), category: r.category }));
    },

    async advisory(slug, revision) {
      const a = rowsOf<{ id: string; slug: string; category: string | null; view_count: string }>(await sql`select * from consultation_advisories where slug = ${slug}`.execute(db()))[0];
      if (!a) return undefined;
      const history = rowsOf<AdvisoryRevisionRow>(await sql`select * from consultation_advisory_revisions where advisory_id = ${a.id} and published_at is not null order by revision desc`.execute(db()));
      if (!history.length) return undefined;
      const shown = revision ? history.find((h) => h.revision === revision) : history[0];
      if (!shown) return undefined;
      return { id: a.id, slug: a.slug, category: a.category, views: Number(a.view_count), current: history[0], shown, history };
    },

    async countView(id) {
      await sql`update consultation_advisories set view_count = view_count + 1 where id = ${id}`.execute(db());
    },

    async staffAdvisories() {
      const rows = rowsOf<{ id: string; slug: string; title: string; published: number; draft: boolean; views: string }>(await sql`
        select a.id, a.slug, a.view_count as views,
          (select title from consultation_advisory_revisions r where r.advisory_id = a.id order by revision desc limit 1) as title,
          (select count(*)::int from consultation_advisory_revisions r where r.advisory_id = a.id and r.published_at is not null) as published,
          exists (select 1 from consultation_advisory_revisions r where r.advisory_id = a.id and r.published_at is null) as draft
        from consultation_advisories a order by a.created_at desc`.execute(db()));
      return rows.map((r) => ({ ...r, published: Number(r.published), views: Number(r.views) }));
    },

    async advisoryForEdit(id) {
      if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
      const a = rowsOf<{ id: string; slug: string; category: string | null }>(await sql`select id, slug, category from consultation_advisories where id = ${id}`.execute(db()))[0];
      if (!a) return undefined;
      const revisions = rowsOf<AdvisoryRevisionRow>(await sql`select * from consultation_advisory_revisions where advisory_id = ${id} order by revision desc`.execute(db()));
      return { ...a, revisions };
    },

    async createAdvisory(input, actor) {
      const errors: FieldError[] = [];
      const slug = str(input.slug).toLowerCase();
      if (!/^[a-z0-9][a-z0-9-]{2,79}$/.test(slug)) errors.push({ field: 'slug', message: { ja: '「URL 名」は英小文字・数字・ハイフンの 3〜80 文字です。', en: '"URL name" must be 3–80 lowercase letters, digits or hyphens.' } });
      advisoryErrors(input.title, input.body, errors);
      const category = str(input.category) || null;
      if (category && !(await categoryKeys(false)).has(category)) errors.push({ field: 'category', message: { ja: '「分類」が見つかりません。', en: 'Unknown category.' } });
      if (!errors.length && rowsOf(await sql`select 1 from consultation_advisories where slug = ${slug}`.execute(db())).length) errors.push({ field: 'slug', message: { ja: 'この URL 名は使用済みです。', en: 'This URL name is taken.' } });
      if (errors.length) throw validationFailed(errors);
      return db().transaction().execute(async (trx) => {
        const a = rowsOf<{ id: string }>(await sql`insert into consultation_advisories (slug, category) values (${slug}, ${category}) returning id`.execute(trx))[0];
        await sql`insert into consultation_advisory_revisions (advisory_id, revision, title, body, change_note, created_by) values (${a.id}, 1, ${str(input.title)}, ${str(input.body)}, '', ${actor.displayName})`.execute(trx);
        await ctx.audit.record({ action: 'consultation.advisory.created', actor, subjectType: 'consultation_advisory', subjectId: a.id, details: { slug } }, trx);
        return a.id;
      });
    },

    async saveDraft(id, input, actor) {
      const errors: FieldError[] = [];
      advisoryErrors(input.title, input.body, errors);
      const a = await svc.advisoryForEdit(id);
      if (!a) throw notFound({ ja: '安心相談窓口だより', en: 'advisory' });
      const published = a.revisions.some((r) => r.published_at);
      if (published && !str(input.changeNote)) errors.push({ field: 'changeNote', message: { ja: '「更新内容」は公開済みの記事の改訂に必須です（改訂履歴として公開されます）。', en: '"What changed" is required when revising a published advisory (it is shown in the public history).' } });
      if (errors.length) throw validationFailed(errors);
      await db().transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(hashtext(${'consultation-advisory:' + id}))`.execute(trx);
        const draft = rowsOf<AdvisoryRevisionRow>(await sql`select * from consultation_advisory_revisions where advisory_id = ${id} and published_at is null`.execute(trx))[0];
        if (draft) {
          await sql`update consultation_advisory_revisions set title = ${str(input.title)}, body = ${str(input.body)}, change_note = ${str(input.changeNote)}, created_at = now(), created_by = ${actor.displayName} where id = ${draft.id}`.execute(trx);
        } else {
          await sql`insert into consultation_advisory_revisions (advisory_id, revision, title, body, change_note, created_by)
            values (${id}, (select max(revision) + 1 from consultation_advisory_revisions where advisory_id = ${id}), ${str(input.title)}, ${str(input.body)}, ${str(input.changeNote)}, ${actor.displayName})`.execute(trx);
        }
        await ctx.audit.record({ action: 'consultation.advisory.draft_saved', actor, subjectType: 'consultation_advisory', subjectId: id }, trx);
      });
    },

    async publish(id, actor, at) {
      return db().transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(hashtext(${'consultation-advisory:' + id}))`.execute(trx);
        const draft = rowsOf<AdvisoryRevisionRow>(await sql`select * from consultation_advisory_revisions where advisory_id = ${id} and published_at is null`.execute(trx))[0];
        if (!draft) throw new AppError(409, 'nothing_to_publish', { ja: '公開する下書きがありません。', en: 'There is no draft to publish.' });
        const when = at && actor.kind === 'system' ? at : new Date();
        await sql`update consultation_advisory_revisions set published_at = ${when} where id = ${draft.id}`.execute(trx);
        await ctx.audit.record({ action: 'consultation.advisory.published', actor, subjectType: 'consultation_advisory', subjectId: id, details: { revision: draft.revision } }, trx);
        return draft.revision;
      });
    },
  };
  return svc;
}

function advisoryErrors(title: string, body: string, errors: FieldError[]) {
  if (!str(title)) errors.push({ field: 'title', message: { ja: '「タイトル」は必須です。', en: '"Title" is required.' } });
  if (str(title).length > 200) errors.push({ field: 'title', message: { ja: '「タイトル」は 200 文字以内です。', en: '"Title" is at most 200 characters.' } });
  if (!str(body)) errors.push({ field: 'body', message: { ja: '「本文」は必須です。', en: '"Body" is required.' } });
  if (str(body).length > 50000) errors.push({ field: 'body', message: { ja: '「本文」は 50,000 文字以内です。', en: '"Body" is at most 50,000 characters.' } });
}
