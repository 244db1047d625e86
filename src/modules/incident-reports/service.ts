// The desk's domain rules: receiving notifications (web form, API, staff entry of e-mail and paper
// reports), follow-up hearings and classification, request-for-report records (情報公開を契機とした
// 届出依頼) and the half-yearly case write-ups (届出事例: draft → reviewed → published).
import { sql } from 'kysely';
import type { Actor, AppContext, Executor } from '../../platform/context.js';
import { SYSTEM_ACTOR } from '../../platform/context.js';
import type { FieldError } from '../../platform/http/errors.js';
import { AppError, notFound, validationFailed } from '../../platform/http/errors.js';
import type { CaseRecord } from '../../platform/cases/types.js';
import type { CreatedCase } from '../../platform/cases/engine.js';
import type { UploadedFile } from '../../platform/http/forms.js';
import { submissionAttachments } from '../../platform/cases/submission.js';
import type { Text } from '../../platform/i18n/i18n.js';
import { KIND_OF, TYPE_OF, VIRUS, UNAUTHORIZED } from './case-types.js';
import { CLASSIFICATIONS, type IncidentKind } from './vocab.js';
import { bool, parseDate, str, titleOf, validateIncident, type IncidentData, type IncidentInput } from './validate.js';
import { computeStatistics, type IncidentStatistics } from './stats.js';

export interface SubmitResult { record: CaseRecord; created: boolean; trackingToken: string; trackingUrl: string }

export interface ReportRequest {
  id: string; organisationName: string; sector: string | null; kind: IncidentKind; disclosureUrl: string; disclosedOn: string;
  requestedOn: string | null; status: RequestStatus; note: string | null; caseId: string | null; caseRef: string | null;
  createdAt: Date; updatedAt: Date;
}
export type RequestStatus = 'planned' | 'requested' | 'reported' | 'declined' | 'no_response';
export const REQUEST_STATUS: Record<RequestStatus, Text> = {
  planned: { ja: '依頼予定', en: 'To be requested' },
  requested: { ja: '依頼済（回答待ち）', en: 'Requested (awaiting a report)' },
  reported: { ja: '届出あり', en: 'Report received' },
  declined: { ja: '届出辞退', en: 'Declined' },
  no_response: { ja: '回答なし', en: 'No response' },
};

export interface CaseStudy {
  id: string; half: string; kind: IncidentKind; titleJa: string; titleEn: string; bodyJa: string; bodyEn: string;
  sourceRefs: string[]; state: StudyState; authoredBy: string; authoredByName: string; reviewedBy: string | null; reviewedByName: string | null;
  publishedAt: Date | null; createdAt: Date; updatedAt: Date;
}
export type StudyState = 'draft' | 'reviewed' | 'published';
export const STUDY_STATE: Record<StudyState, Text> = {
  draft: { ja: '下書き', en: 'Draft' }, reviewed: { ja: 'レビュー済', en: 'Reviewed' }, published: { ja: '公開', en: 'Published' },
};

declare module '../../platform/db/database.js' {
  interface Tables {
    incident_report_requests: {
      id: string; organisation_name: string; sector: string | null; kind: string; disclosure_url: string; disclosed_on: string;
      requested_on: string | null; status: string; note: string | null; case_id: string | null; created_by: string | null; created_at: Date; updated_at: Date;
    };
    incident_case_studies: {
      id: string; half: string; kind: string; title_ja: string; title_en: string; body_ja: string; body_en: string; source_refs: string[];
      state: string; authored_by: string; authored_by_name: string; reviewed_by: string | null; reviewed_by_name: string | null;
      published_at: Date | null; created_at: Date; updated_at: Date;
    };
  }
}

export interface IncidentReportsService {
  submit(input: IncidentInput, opts: { actor: Actor; channel: string; idempotencyKey?: string; files?: UploadedFile[]; ip?: string; receivedAt?: Date }): Promise<SubmitResult>;
  classify(caseId: string, input: { code: string; notable: boolean; note: string }, actor: Actor): Promise<CaseRecord>;
  addHearing(caseId: string, input: { on: string; method: string; note: string }, actor: Actor): Promise<CaseRecord>;
  statistics(from: Date, to: Date): Promise<IncidentStatistics>;
  listRequests(): Promise<ReportRequest[]>;
  createRequest(input: Record<string, string>, actor: Actor, ip?: string): Promise<ReportRequest>;
  updateRequest(id: string, input: { status: string; requestedOn?: string; caseRef?: string; note?: string }, actor: Actor, ip?: string): Promise<ReportRequest>;
  listStudies(opts: { publishedOnly: boolean }): Promise<CaseStudy[]>;
  getStudy(id: string): Promise<CaseStudy | undefined>;
  saveStudy(id: string | null, input: Record<string, string>, actor: Actor, ip?: string): Promise<CaseStudy>;
  reviewStudy(id: string, actor: Actor, ip?: string): Promise<CaseStudy>;
  publishStudy(id: string, actor: Actor, ip?: string, at?: Date): Promise<CaseStudy>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const HALF = /^(\d{4})-H([12])$/;

function requestOf(r: Record<string, unknown>): ReportRequest {
  return {
    id: r.id as string, organisationName: r.organisation_name as string, sector: (r.sector as string) ?? null, kind: r.kind as IncidentKind,
    disclosureUrl: r.disclosure_url as string, disclosedOn: r.disclosed_on as string, requestedOn: (r.requested_on as string) ?? null,
    status: r.status as RequestStatus, note: (r.note as string) ?? null, caseId: (r.case_id as string) ?? null, caseRef: (r.case_ref as string) ?? null,
    createdAt: r.created_at as Date, updatedAt: r.updated_at as Date,
  };
}
function studyOf(r: Record<string, unknown>): CaseStudy {
  return {
    id: r.id as string, half: r.half as string, kind: r.kind as IncidentKind, titleJa: r.title_ja as string, titleEn: r.title_en as string,
    bodyJa: r.body_ja as string, bodyEn: r.body_en as string, sourceRefs: (r.source_refs as string[]) ?? [], state: r.state as StudyState,
    authoredBy: r.authored_by as string, authoredByName: r.authored_by_name as string, reviewedBy: (r.reviewed_by as string) ?? null,
    reviewedByName: (r.reviewed_by_name as string) ?? null, publishedAt: (r.published_at as Date) ?? null, createdAt: r.created_at as Date, updatedAt: r.updated_at as Date,
  };
}

const URL_OK = (u: string) => { try { const x = new URL(u); return (x.protocol === 'http:' || x.protocol === 'https:') && !!x.hostname; } catch { return false; } };

export function createIncidentReportsService(ctx: AppContext): IncidentReportsService {
  const cases = () => ctx.cases;
  const trackingUrl = (partyId: string) => `${ctx.config.baseUrl}/track/${cases().trackingTokenOf(partyId)}`;

  async function caseOf(id: string, trx?: Executor): Promise<CaseRecord> {
    const c = await cases().load(id, trx);
    if (!c || (c.type !== VIRUS && c.type !== UNAUTHORIZED)) throw notFound({ ja: '届出', en: 'report' });
    return c;
  }

  async function loadRequest(id: string, trx?: Executor): Promise<ReportRequest> {
    if (!UUID.test(id)) throw notFound({ ja: '届出依頼', en: 'request record' });
    const r = await sql<Record<string, unknown>>`select r.*, c.ref as case_ref from incident_report_requests r left join cases c on c.id = r.case_id where r.id = ${id}`.execute(trx ?? ctx.db);
    if (!r.rows[0]) throw notFound({ ja: '届出依頼', en: 'request record' });
    return requestOf(r.rows[0]);
  }

  async function loadStudy(id: string, trx?: Executor): Promise<CaseStudy | undefined> {
    if (!UUID.test(id)) return undefined;
    const r = await sql<Record<string, unknown>>`select * from incident_case_studies where id = ${id}`.execute(trx ?? ctx.db);
    return r.rows[0] ? studyOf(r.rows[0]) : undefined;
  }

  return {
    async submit(raw, opts) {
      const data = validateIncident(raw, { channel: opts.channel });
      const files = opts.files ?? [];
      if (files.length > ctx.config.maxAttachmentsPerMessage) {
        throw new AppError(413, 'too_many_files', { ja: `添付ファイルは ${ctx.config.maxAttachmentsPerMessage} 件までです。`, en: `At most ${ctx.config.maxAttachmentsPerMessage} attachments.` },
          [{ field: 'attachments', message: { ja: '件数が多すぎます。', en: 'Too many files.' } }]);
      }
      const type = TYPE_OF[data.kind];
      const reporterOf = (c: CreatedCase) => c.parties.find((p) => p.role === 'reporter')!;
      const kindJa = data.kind === 'virus' ? 'コンピュータウイルス' : 'コンピュータ不正アクセス';
      const kindEn = data.kind === 'virus' ? 'computer virus' : 'unauthorised computer access';
      // The receipt number is returned only after the transaction (case, mail, audit) committed.
      const created = await cases().createGrouped({
        type, title: titleOf(data), data: data as unknown as Record<string, unknown>, idempotencyKey: opts.idempotencyKey, receivedAt: opts.receivedAt,
        parties: [{
          role: 'reporter', email: data.reporter.email, name: data.reporter.name,
          userId: opts.actor.kind === 'public' || opts.actor.kind === 'org' ? opts.actor.userId : null, withToken: true,
        }],
      }, opts.actor.kind === 'system' ? SYSTEM_ACTOR : opts.actor, {
        inTransaction: submissionAttachments(ctx, files, opts.actor, data.reporter.name),
        mails: (c) => [{
          to: data.reporter.email,
          key: `incident-ack:${c.record.id}`,
          subject: `[${c.record.ref}] ${kindJa}の届出を受け付けました / Your ${kindEn} report was received`,
          text: [
            `${data.reporter.name} 様`, '',
            `経済産業省告示に基づく${kindJa}の届出を受け付けました。受付番号は ${c.record.ref} です。`,
            '取扱いの状況は次のリンクから確認でき、窓口とのメッセージのやり取りもできます。このリンクは第三者に知らせないでください。',
            trackingUrl(reporterOf(c).id), '',
            '届出の内容は統計と、個人・組織を特定できないよう加工した届出事例の作成にのみ利用します。',
            '', `Your ${kindEn} report has been received. Your reference number is ${c.record.ref}.`,
            'You can follow its status and exchange messages with the desk at the link above. Keep the link secret.',
            'Reports are used only for statistics and for anonymised case write-ups.', '',
            '― コンピュータウイルス・不正アクセス届出窓口 / Virus and Unauthorised Access Report Desk',
          ].join('\n'),
        }],
        audit: (c) => [{ action: 'incidents.report.received', actor: opts.actor, subjectType: 'case', subjectId: c.record.id, details: { ref: c.record.ref, kind: data.kind, channel: data.channel, damaged: data.damaged }, ip: opts.ip }],
      });
      const reporter = reporterOf(created);
      return { record: created.record, created: created.created, trackingToken: cases().trackingTokenOf(reporter.id), trackingUrl: trackingUrl(reporter.id) };
    },

    async classify(caseId, input, actor) {
      const c = await caseOf(caseId);
      const kind = KIND_OF[c.type];
      const code = str(input.code);
      const errors: FieldError[] = [];
      if (!CLASSIFICATIONS[kind][code]) errors.push({ field: 'classification', message: { ja: '「分類」を一覧から選んでください。', en: 'Choose a "Classification" from the list.' } });
      const note = str(input.note);
      if (note.length > 2000) errors.push({ field: 'classificationNote', message: { ja: '「分類メモ」は 2,000 文字以内で入力してください。', en: '"Classification note" must be at most 2,000 characters.' } });
      if (errors.length) throw validationFailed(errors);
      const classification = { code, notable: !!input.notable, note: note || null, by: actor.displayName, at: new Date().toISOString() };
      return cases().updateData(c.id, { classification }, actor, { kind: 'classified' });
    },

    async addHearing(caseId, input, actor) {
      const c = await caseOf(caseId);
      const errors: FieldError[] = [];
      const on = str(input.on); const method = str(input.method); const note = str(input.note);
      if (!on) errors.push({ field: 'hearingOn', message: { ja: '「実施日」は必須です。', en: '"Date" is required.' } });
      else if (parseDate(on, new Date())) errors.push({ field: 'hearingOn', message: { ja: '「実施日」は今日以前の YYYY-MM-DD 形式の日付で入力してください。', en: '"Date" must be a date (YYYY-MM-DD), not in the future.' } });
      if (!['phone', 'email', 'visit', 'web_meeting'].includes(method)) errors.push({ field: 'hearingMethod', message: { ja: '「方法」を選んでください。', en: 'Choose a "Method".' } });
      if (!note) errors.push({ field: 'hearingNote', message: { ja: '「ヒアリング内容」は必須です。', en: '"Notes" are required.' } });
      else if (note.length > 10_000) errors.push({ field: 'hearingNote', message: { ja: '「ヒアリング内容」は 10,000 文字以内で入力してください。', en: '"Notes" must be at most 10,000 characters.' } });
      if (errors.length) throw validationFailed(errors);
      return ctx.db.transaction().execute(async (trx) => {
        const fresh = await caseOf(c.id, trx);
        const hearings = [...((fresh.data.hearings as IncidentData['hearings']) ?? []), { on, method, note, by: actor.displayName, at: new Date().toISOString() }];
        const updated = await cases().updateData(c.id, { hearings }, actor, { kind: 'hearing_recorded' }, trx);
        await ctx.audit.record({ action: 'incidents.hearing_recorded', actor, subjectType: 'case', subjectId: c.id, details: { ref: c.ref, on, method } }, trx);
        return updated;
      });
    },

    statistics: (from, to) => computeStatistics(ctx.cases, from, to),

    async listRequests() {
      const r = await sql<Record<string, unknown>>`select r.*, c.ref as case_ref from incident_report_requests r left join cases c on c.id = r.case_id order by r.disclosed_on desc, r.created_at desc limit 1000`.execute(ctx.db);
      return r.rows.map(requestOf);
    },

    async createRequest(input, actor, ip) {
      const errors: FieldError[] = [];
      const org = str(input.organisationName); const url = str(input.disclosureUrl); const disclosedOn = str(input.disclosedOn);
      const kind = str(input.kind); const sector = str(input.sector) || null; const note = str(input.note) || null; const requestedOn = str(input.requestedOn) || null;
      if (!org) errors.push({ field: 'organisationName', message: { ja: '「組織名」は必須です。', en: '"Organisation" is required.' } });
      else if (org.length > 200) errors.push({ field: 'organisationName', message: { ja: '「組織名」は 200 文字以内です。', en: '"Organisation" must be at most 200 characters.' } });
      if (!URL_OK(url) || url.length > 2000) errors.push({ field: 'disclosureUrl', message: { ja: '「公表ページの URL」は http:// または https:// で始まる URL を入力してください。', en: '"Disclosure URL" must be an http:// or https:// URL.' } });
      if (!disclosedOn || parseDate(disclosedOn, new Date())) errors.push({ field: 'disclosedOn', message: { ja: '「公表日」は今日以前の YYYY-MM-DD 形式の日付で入力してください。', en: '"Disclosed on" must be a date (YYYY-MM-DD), not in the future.' } });
      if (kind !== 'virus' && kind !== 'unauthorized') errors.push({ field: 'kind', message: { ja: '「種類」を選んでください。', en: 'Choose the "Kind".' } });
      if (requestedOn && parseDate(requestedOn, new Date())) errors.push({ field: 'requestedOn', message: { ja: '「依頼日」は今日以前の YYYY-MM-DD 形式の日付で入力してください。', en: '"Requested on" must be a date (YYYY-MM-DD), not in the future.' } });
      if (note && note.length > 5000) errors.push({ field: 'note', message: { ja: '「メモ」は 5,000 文字以内です。', en: '"Note" must be at most 5,000 characters.' } });
      if (errors.length) throw validationFailed(errors);
      return ctx.db.transaction().execute(async (trx) => {
        const r = await sql<{ id: string }>`insert into incident_report_requests (organisation_name, sector, kind, disclosure_url, disclosed_on, requested_on, status, note, created_by)
          values (${org}, ${sector}, ${kind}, ${url}, ${disclosedOn}, ${requestedOn}, ${requestedOn ? 'requested' : 'planned'}, ${note}, ${actor.userId}) returning id`.execute(trx);
        const id = r.rows[0].id;
        await ctx.audit.record({ action: 'incidents.request.create', actor, subjectType: 'incident_request', subjectId: id, ip, details: { organisationName: org, kind, disclosureUrl: url, disclosedOn, requestedOn } }, trx);
        return loadRequest(id, trx);
      });
    },

    async updateRequest(id, input, actor, ip) {
      const before = await loadRequest(id);
      const errors: FieldError[] = [];
      const status = str(input.status) as RequestStatus;
      if (!REQUEST_STATUS[status]) errors.push({ field: 'status', message: { ja: '「状況」を選んでください。', en: 'Choose a "Status".' } });
      const requestedOn = str(input.requestedOn) || before.requestedOn;
      if (requestedOn && parseDate(requestedOn, new Date())) errors.push({ field: 'requestedOn', message: { ja: '「依頼日」は今日以前の YYYY-MM-DD 形式の日付で入力してください。', en: '"Requested on" must be a date (YYYY-MM-DD), not in the future.' } });
      if (status !== 'planned' && !requestedOn) errors.push({ field: 'requestedOn', message: { ja: '依頼済みの場合は「依頼日」が必要です。', en: '"Requested on" is needed once the request has been sent.' } });
      let caseId: string | null = before.caseId;
      const ref = str(input.caseRef);
      if (ref) {
        const c = await cases().load(ref);
        if (!c || (c.type !== VIRUS && c.type !== UNAUTHORIZED)) errors.push({ field: 'caseRef', message: { ja: '「届出の受付番号」に該当する届出がありません。', en: 'No report has that "Reference".' } });
        else caseId = c.id;
      }
      if (status === 'reported' && !caseId) errors.push({ field: 'caseRef', message: { ja: '届出ありの場合は、その届出の受付番号を入力してください。', en: 'Enter the reference of the report that came back.' } });
      const note = input.note === undefined ? before.note : str(input.note) || null;
      if (note && note.length > 5000) errors.push({ field: 'note', message: { ja: '「メモ」は 5,000 文字以内です。', en: '"Note" must be at most 5,000 characters.' } });
      if (errors.length) throw validationFailed(errors);
      return ctx.db.transaction().execute(async (trx) => {
        await sql`update incident_report_requests set status = ${status}, requested_on = ${requestedOn}, case_id = ${caseId}, note = ${note}, updated_at = now() where id = ${id}`.execute(trx);
        await ctx.audit.record({ action: 'incidents.request.update', actor, subjectType: 'incident_request', subjectId: id, ip, details: { before: { status: before.status, requestedOn: before.requestedOn, caseId: before.caseId }, after: { status, requestedOn, caseId } } }, trx);
        if (caseId && caseId !== before.caseId) await cases().recordEvent(caseId, 'linked_request', actor, { requestId: id, organisationName: before.organisationName }, {}, trx);
        return loadRequest(id, trx);
      });
    },

    async listStudies({ publishedOnly }) {
      const r = publishedOnly
        ? await sql<Record<string, unknown>>`select * from incident_case_studies where state = 'published' order by half desc, published_at, title_ja`.execute(ctx.db)
        : await sql<Record<string, unknown>>`select * from incident_case_studies order by half desc, updated_at desc`.execute(ctx.db);
      return r.rows.map(studyOf);
    },

    getStudy: (id) => loadStudy(id),

    async saveStudy(id, input, actor, ip) {
      const errors: FieldError[] = [];
      const half = str(input.half); const kind = str(input.kind);
      const titleJa = str(input.titleJa); const titleEn = str(input.titleEn); const bodyJa = str(input.bodyJa); const bodyEn = str(input.bodyEn);
      const refs = [...new Set(str(input.sourceRefs).split(/[\s,、]+/).filter(Boolean))];
      const m = HALF.exec(half);
      if (!m || +m[1] < 2000 || +m[1] > 2100) errors.push({ field: 'half', message: { ja: '「対象期間」は 2020-H1 のように入力してください。', en: '"Half-year" must look like 2020-H1.' } });
      if (kind !== 'virus' && kind !== 'unauthorized') errors.push({ field: 'kind', message: { ja: '「種類」を選んでください。', en: 'Choose the "Kind".' } });
      for (const [f, v, max, ja, en] of [['titleJa', titleJa, 200, '表題（日本語）', 'Title (Japanese)'], ['titleEn', titleEn, 200, '表題（英語）', 'Title (English)'], ['bodyJa', bodyJa, 20000, '本文（日本語）', 'Text (Japanese)'], ['bodyEn', bodyEn, 20000, '本文（英語）', 'Text (English)']] as const) {
        if (!v) errors.push({ field: f, message: { ja: `「${ja}」は必須です。`, en: `"${en}" is required.` } });
        else if (v.length > max) errors.push({ field: f, message: { ja: `「${ja}」は ${max.toLocaleString()} 文字以内です。`, en: `"${en}" must be at most ${max.toLocaleString()} characters.` } });
      }
      for (const ref of refs) {
        const c = await cases().load(ref);
        if (!c || (c.type !== VIRUS && c.type !== UNAUTHORIZED)) { errors.push({ field: 'sourceRefs', message: { ja: `受付番号 ${ref.slice(0, 40)} の届出がありません。`, en: `No report ${ref.slice(0, 40)}.` } }); break; }
      }
      if (errors.length) throw validationFailed(errors);
      return ctx.db.transaction().execute(async (trx) => {
        let studyId = id;
        if (id) {
          const before = await loadStudy(id, trx);
          if (!before) throw notFound({ ja: '届出事例', en: 'case write-up' });
          if (before.state === 'published') throw new AppError(409, 'study_published', { ja: '公開済みの届出事例は変更できません。', en: 'A published write-up cannot be changed.' });
          // Any change sends a reviewed write-up back to draft: what is published is what was reviewed.
          await sql`update incident_case_studies set half = ${half}, kind = ${kind}, title_ja = ${titleJa}, title_en = ${titleEn}, body_ja = ${bodyJa}, body_en = ${bodyEn},
            source_refs = ${sql.val(refs)}::text[], state = 'draft', reviewed_by = null, reviewed_by_name = null, authored_by = ${actor.userId}, authored_by_name = ${actor.displayName}, updated_at = now() where id = ${id}`.execute(trx);
        } else {
          const r = await sql<{ id: string }>`insert into incident_case_studies (half, kind, title_ja, title_en, body_ja, body_en, source_refs, state, authored_by, authored_by_name)
            values (${half}, ${kind}, ${titleJa}, ${titleEn}, ${bodyJa}, ${bodyEn}, ${sql.val(refs)}::text[], 'draft', ${actor.userId ?? 'system'}, ${actor.displayName}) returning id`.execute(trx);
          studyId = r.rows[0].id;
        }
        await ctx.audit.record({ action: id ? 'incidents.study.update' : 'incidents.study.create', actor, subjectType: 'incident_study', subjectId: studyId!, ip, details: { half, kind, titleJa, sourceRefs: refs } }, trx);
        return (await loadStudy(studyId!, trx))!;
      });
    },

    async reviewStudy(id, actor, ip) {
      return ctx.db.transaction().execute(async (trx) => {
        const s = await loadStudy(id, trx);
        if (!s) throw notFound({ ja: '届出事例', en: 'case write-up' });
        if (s.state !== 'draft') throw new AppError(409, 'illegal_transition', { ja: `現在の状態「${STUDY_STATE[s.state].ja}」からレビュー済にはできません。`, en: `Cannot mark as reviewed from "${STUDY_STATE[s.state].en}".` });
        if (actor.userId && s.authoredBy === actor.userId) throw new AppError(409, 'separation_of_duties', { ja: '作成者以外の職員がレビューしてください。', en: 'The write-up must be reviewed by someone other than its author.' });
        await sql`update incident_case_studies set state = 'reviewed', reviewed_by = ${actor.userId ?? 'system'}, reviewed_by_name = ${actor.displayName}, updated_at = now() where id = ${id}`.execute(trx);
        await ctx.audit.record({ action: 'incidents.study.review', actor, subjectType: 'incident_study', subjectId: id, ip }, trx);
        return (await loadStudy(id, trx))!;
      });
    },

    async publishStudy(id, actor, ip, at) {
      return ctx.db.transaction().execute(async (trx) => {
        const s = await loadStudy(id, trx);
        if (!s) throw notFound({ ja: '届出事例', en: 'case write-up' });
        if (s.state !== 'reviewed') throw new AppError(409, 'illegal_transition', { ja: 'レビュー済の届出事例のみ公開できます。', en: 'Only a reviewed write-up can be published.' });
        await sql`update incident_case_studies set state = 'published', published_at = ${at ?? new Date()}, updated_at = now() where id = ${id}`.execute(trx);
        await ctx.audit.record({ action: 'incidents.study.publish', actor, subjectType: 'incident_study', subjectId: id, ip }, trx);
        return (await loadStudy(id, trx))!;
      });
    },
  };
}

/** Closing a report as 確認・分類済み needs a classification first. */
export function transitionHooks() {
  return {
    close: {
      async effect({ record, input }: { record: CaseRecord; input: { reason?: string } }) {
        if (input.reason === 'classified' && !record.data.classification) {
          throw new AppError(409, 'precondition_failed', { ja: '「確認・分類済み」で終了する前に分類を登録してください。', en: 'Record a classification before closing as "Reviewed and classified".' });
        }
      },
    },
  };
}

export { bool };
