// Domain rules of 標的型サイバー攻撃の特別相談窓口 and J-CRAT: receiving items (e-mails, files,
// threat information) and consultations, quarantine of samples, analysis notes and advice,
// indicators, J-CRAT support cases with their dated activity log, and the half-yearly figures.
import { randomUUID } from 'node:crypto';
import type { Actor, AppContext, Executor } from '../../platform/context.js';
import { SYSTEM_ACTOR } from '../../platform/context.js';
import type { FieldError } from '../../platform/http/errors.js';
import { AppError, forbidden, notFound, validationFailed } from '../../platform/http/errors.js';
import type { CaseRecord } from '../../platform/cases/types.js';
import type { CreatedCase } from '../../platform/cases/engine.js';
import type { UploadedFile } from '../../platform/http/forms.js';
import type { Text } from '../../platform/i18n/i18n.js';
import { jstMidnight } from '../../platform/i18n/dates.js';
import { ACTIVITY_MODES, ATTACK_TYPES, CONSULTATION, ITEM, ITEM_KINDS, JCRAT, ONSITE_MODES, PERM, SECTORS, type ItemKind } from './case-types.js';
import { emailIndicators, parseEmail, type ParsedEmail } from '../../shared/eml.js';
import { defang, extractIndicators, normaliseIndicator, refang, INDICATOR_TYPES, type Indicator, type IndicatorType } from '../../shared/indicators.js';
import { generateArchivePassword, hashesOf, MIN_PASSWORD_LENGTH, quarantineArchive, type Hashes } from '../../shared/quarantine.js';

declare module '../../platform/db/database.js' {
  interface Tables {
    targeted_attack_artifacts: {
      id: string; case_id: string; kind: string; file_id: string; filename: string; size: number;
      md5: string; sha1: string; sha256: string; declared_type: string; created_at: Date;
    };
    targeted_attack_indicators: {
      id: string; case_id: string; type: string; value: string; source: string; created_at: Date;
    };
  }
}

export type Channel = 'web' | 'api' | 'org' | 'staff';

/** An item as the public form and the JSON API take it (flat, so both share one validator). */
export interface ItemInput {
  kind?: string;
  submitterName?: string;
  submitterEmail?: string;
  submitterOrganisation?: string;
  title?: string;
  description?: string;
  sourceUrl?: string;
  /** The complete source of a suspicious e-mail, pasted or forwarded as text. */
  rawEmail?: string;
  /** JSON API: the .eml file, base64. */
  emlBase64?: string;
  /** JSON API: one suspicious file, base64. */
  file?: { filename?: string; base64?: string };
}

export interface ConsultationInput {
  submitterName?: string;
  submitterEmail?: string;
  submitterOrganisation?: string;
  submitterPhone?: string;
  sector?: string;
  title?: string;
  description?: string;
}

export interface JcratInput {
  organisationName?: string;
  organisationId?: string;
  sector?: string;
  attackType?: string;
  contactName?: string;
  contactEmail?: string;
  contactPhone?: string;
  summary?: string;
  requestedOn?: string;
  origin?: string;
  linkedRef?: string;
}

export interface ActivityInput { date?: string; mode?: string; summary?: string }
export interface Activity { at: Date; date: string; mode: string; summary: string; actorName: string }

export interface Artifact { id: string; caseId: string; kind: 'eml' | 'sample'; fileId: string; filename: string; size: number; md5: string; sha1: string; sha256: string; declaredType: string; createdAt: Date }
export interface StoredIndicator extends Indicator { id: string; caseId: string; source: string; defanged: string; createdAt: Date }
/** What the threat-sharing module receives: indicators with the case they came from. */
export interface SharedIndicator extends Indicator { defanged: string; source: string; caseRef: string; caseType: string; firstSeen: Date }

export interface PeriodCounts {
  items: number;
  itemsByKind: Record<ItemKind, number>;
  consultations: number;
  jcratRemote: number;
  jcratOnsite: number;
  advice: number;
}

export interface HalfYear { key: 'H1' | 'H2'; from: Date; to: Date; label: Text }

export function halfYears(fy: number): HalfYear[] {
  return [
    { key: 'H1', from: jstMidnight(fy, 4, 1), to: jstMidnight(fy, 10, 1), label: { ja: `${fy}年度上半期`, en: `FY${fy} H1` } },
    { key: 'H2', from: jstMidnight(fy, 10, 1), to: jstMidnight(fy + 1, 4, 1), label: { ja: `${fy}年度下半期`, en: `FY${fy} H2` } },
  ];
}

export interface SubmitResult { record: CaseRecord; created: boolean; trackingToken: string; trackingUrl: string }

export interface TargetedAttackService {
  submitItem(input: ItemInput, opts: { actor: Actor; channel?: Channel; idempotencyKey?: string; files?: UploadedFile[]; ip?: string }): Promise<SubmitResult>;
  submitConsultation(input: ConsultationInput, opts: { actor: Actor; channel?: Channel; idempotencyKey?: string; ip?: string }): Promise<SubmitResult>;
  artifactsOf(caseId: string): Promise<Artifact[]>;
  artifact(id: string): Promise<Artifact | undefined>;
  indicatorsOf(caseId: string): Promise<StoredIndicator[]>;
  /** Indicators for other modules (threat sharing): newest first, optionally since an instant and of some types. */
  indicators(opts?: { since?: Date; until?: Date; types?: IndicatorType[]; limit?: number }): Promise<SharedIndicator[]>;
  extractIndicators(text: string): Indicator[];
  refang(text: string): string;
  defang(ind: Indicator): string;
  addNote(caseId: string, kind: 'analysis' | 'advice', body: string, actor: Actor): Promise<void>;
  addIndicators(caseId: string, text: string, actor: Actor, typed?: { type: string; value: string }): Promise<number>;
  /** The sample in an AES-encrypted ZIP for an analyst; audited with its hashes. */
  archiveSample(artifactId: string, password: string | undefined, actor: Actor, ip?: string): Promise<{ archive: Buffer; filename: string; password: string; generated: boolean; artifact: Artifact }>;
  createJcrat(input: JcratInput, actor: Actor): Promise<CaseRecord>;
  addActivity(caseId: string, input: ActivityInput, actor: Actor): Promise<void>;
  activities(caseId: string): Promise<Activity[]>;
  counts(from: Date, to: Date): Promise<PeriodCounts>;
  halfYearly(fy: number, now?: Date): Promise<Array<HalfYear & { counts: PeriodCounts }>>;
}

export const FIELD_LABELS: Record<string, Text> = {
  kind: { ja: '提供する情報の種類', en: 'Kind of information' },
  submitterName: { ja: '氏名', en: 'Name' },
  submitterEmail: { ja: '連絡先メールアドレス', en: 'Contact e-mail' },
  submitterOrganisation: { ja: '組織名', en: 'Organisation' },
  submitterPhone: { ja: '電話番号', en: 'Phone' },
  sector: { ja: '業種', en: 'Sector' },
  title: { ja: '件名', en: 'Subject' },
  description: { ja: '内容', en: 'Description' },
  sourceUrl: { ja: '情報の出典 URL', en: 'Source URL' },
  eml: { ja: 'メール（.eml）', en: 'E-mail (.eml)' },
  rawEmail: { ja: 'メールのソース', en: 'E-mail source' },
  sample: { ja: '不審ファイル', en: 'Suspicious file' },
  organisationName: { ja: '支援対象組織', en: 'Supported organisation' },
  attackType: { ja: '攻撃の種類', en: 'Attack type' },
  contactName: { ja: '窓口担当者', en: 'Contact person' },
  contactEmail: { ja: '担当者メールアドレス', en: 'Contact e-mail' },
  contactPhone: { ja: '担当者電話番号', en: 'Contact phone' },
  summary: { ja: '概要', en: 'Summary' },
  requestedOn: { ja: '支援要請日', en: 'Request date' },
  date: { ja: '実施日', en: 'Date' },
  mode: { ja: '対応手段', en: 'Mode' },
  password: { ja: 'アーカイブのパスワード', en: 'Archive password' },
  body: { ja: '本文', en: 'Text' },
  indicators: { ja: 'インジケータ', en: 'Indicators' },
  linkedRef: { ja: '関連する受付番号', en: 'Related reference' },
  origin: { ja: '支援の端緒', en: 'Origin' },
};

const LIMITS: Record<string, number> = {
  submitterName: 200, submitterEmail: 254, submitterOrganisation: 200, submitterPhone: 40, title: 300, description: 20_000, sourceUrl: 2000, rawEmail: 5_000_000,
  organisationName: 200, contactName: 200, contactEmail: 254, contactPhone: 40, summary: 5000,
};

const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;

function label(field: string): Text { return FIELD_LABELS[field] ?? { ja: field, en: field }; }
export function required(field: string): FieldError {
  const l = label(field);
  return { field, message: { ja: `「${l.ja}」は必須です。`, en: `"${l.en}" is required.` } };
}
function invalid(field: string, ja: string, en: string): FieldError {
  const l = label(field);
  return { field, message: { ja: `「${l.ja}」${ja}`, en: `"${l.en}" ${en}` } };
}
function str(v: unknown): string { return typeof v === 'string' ? v.replace(/\r\n?/g, '\n').trim() : v === undefined || v === null ? '' : String(v).trim(); }

/** Reads a string field with its length limit and the control-character rule. */
function reader(input: Record<string, unknown>, errors: FieldError[]) {
  return (k: string) => {
    const v = str(input[k]);
    const max = LIMITS[k];
    if (max && v.length > max) errors.push(invalid(k, `は ${max.toLocaleString()} 文字以内で入力してください。`, `must be at most ${max.toLocaleString()} characters.`));
    if (k !== 'rawEmail' && /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v)) errors.push(invalid(k, 'に使用できない制御文字が含まれています。', 'contains control characters.'));
    return v;
  };
}

function validDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCMonth() === +m[2] - 1 && +m[1] >= 2000;
}

function decodeBase64(field: string, v: string | undefined, errors: FieldError[]): Buffer | null {
  if (!v) return null;
  if (!/^[A-Za-z0-9+/=\s]+$/.test(v)) { errors.push(invalid(field, 'は Base64 で指定してください。', 'must be base64.')); return null; }
  return Buffer.from(v, 'base64');
}

function tooLarge(max: number) {
  const mb = Math.round((max / 1048576) * 10) / 10;
  return new AppError(413, 'file_too_large', { ja: `ファイルが大きすぎます（上限 ${mb} MB）。`, en: `The file is too large (limit ${mb} MB).` });
}

interface PreparedFile { kind: 'eml' | 'sample'; filename: string; contentType: string; data: Buffer; hashes: Hashes }

export function createTargetedAttackService(ctx: AppContext): TargetedAttackService {
  const cases = () => ctx.cases;
  const db = () => ctx.db;
  const trackingUrl = (partyId: string) => `${ctx.config.baseUrl}/track/${cases().trackingTokenOf(partyId)}`;

  async function caseOf(id: string, types: string[]): Promise<CaseRecord> {
    const c = await cases().load(id);
    if (!c || !types.includes(c.type)) throw notFound({ ja: '案件', en: 'case' });
    return c;
  }

  async function insertIndicators(trx: Executor, caseId: string, list: Array<Indicator & { source: string }>) {
    const seen = new Set<string>();
    const rows = [];
    for (const i of list) {
      const k = `${i.type}|${i.value}`;
      if (seen.has(k)) continue;
      seen.add(k);
      rows.push({ id: randomUUID(), case_id: caseId, type: i.type, value: i.value.slice(0, 2000), source: i.source });
    }
    for (let k = 0; k < rows.length; k += 500) {
      await (trx as typeof ctx.db).insertInto('targeted_attack_indicators').values(rows.slice(k, k + 500) as never)
        .onConflict((oc) => oc.columns(['case_id', 'type', 'value']).doNothing()).execute();
    }
    return rows.length;
  }

  function partyFor(actor: Actor, email: string, name: string | null) {
    return {
      role: 'reporter' as const, email, name,
      userId: actor.kind === 'public' || actor.kind === 'org' ? actor.userId : null,
      organisationId: actor.kind === 'org' ? actor.organisationId : null,
      withToken: true,
    };
  }

  function channelOf(actor: Actor, given?: Channel): Channel {
    if (actor.kind === 'staff' || actor.kind === 'system') return 'staff';
    if (actor.kind === 'org') return 'org';
    return given ?? 'web';
  }

  const toArtifact = (r: { id: string; case_id: string; kind: string; file_id: string; filename: string; size: number; md5: string; sha1: string; sha256: string; declared_type: string; created_at: Date }): Artifact => ({
    id: r.id, caseId: r.case_id, kind: r.kind as Artifact['kind'], fileId: r.file_id, filename: r.filename, size: Number(r.size),
    md5: r.md5, sha1: r.sha1, sha256: r.sha256, declaredType: r.declared_type, createdAt: new Date(r.created_at),
  });

  const svc: TargetedAttackService = {
    async submitItem(raw, opts) {
      const errors: FieldError[] = [];
      const s = reader(raw as Record<string, unknown>, errors);
      const kind = str(raw.kind) as ItemKind;
      if (!ITEM_KINDS.includes(kind)) errors.push(invalid('kind', 'は email（不審メール）、file（不審ファイル）、threat_info（脅威情報）のいずれかを指定してください。', 'must be "email", "file" or "threat_info".'));
      const name = s('submitterName');
      const email = s('submitterEmail').toLowerCase();
      if (!email) errors.push(required('submitterEmail'));
      else if (!EMAIL.test(email)) errors.push(invalid('submitterEmail', 'の形式が正しくありません。', 'is not a valid e-mail address.'));
      const organisation = s('submitterOrganisation');
      let title = s('title');
      const description = s('description');
      const sourceUrl = s('sourceUrl');
      const rawEmail = s('rawEmail');
      const max = ctx.config.maxAttachmentBytes;
      // Files: from the multipart form (fields "eml" and "sample") or base64 in the JSON API.
      const prepared: PreparedFile[] = [];
      const uploads = opts.files ?? [];
      if (uploads.length > ctx.config.maxAttachmentsPerMessage) {
        throw new AppError(413, 'too_many_files', { ja: `ファイルは ${ctx.config.maxAttachmentsPerMessage} 件までです。`, en: `At most ${ctx.config.maxAttachmentsPerMessage} files.` },
          [{ field: 'sample', message: { ja: '件数が多すぎます。', en: 'Too many files.' } }]);
      }
      const emlBytes = decodeBase64('eml', raw.emlBase64, errors);
      const fileBytes = decodeBase64('sample', raw.file?.base64, errors);
      for (const f of uploads) if (f.data.length > max) throw tooLarge(max);
      if ((emlBytes?.length ?? 0) > max || (fileBytes?.length ?? 0) > max || Buffer.byteLength(rawEmail) > max) throw tooLarge(max);

      let parsed: ParsedEmail | undefined;
      if (kind === 'email') {
        const upload = uploads.find((f) => f.field === 'eml');
        const source = upload?.data ?? emlBytes ?? (rawEmail ? Buffer.from(rawEmail, 'utf8') : null);
        if (!source || source.length === 0) errors.push({ field: 'eml', message: { ja: '「メール（.eml）」を添付するか、メールのソースを貼り付けてください。', en: 'Attach the e-mail (.eml) or paste its source.' } });
        else if (!errors.length) {
          try { parsed = await parseEmail(source); } catch (e) { if (e instanceof AppError) errors.push(...e.details); else throw e; }
          if (parsed) {
            prepared.push({ kind: 'eml', filename: upload?.filename || 'message.eml', contentType: 'message/rfc822', data: source, hashes: hashesOf(source) });
            if (!title) title = parsed.subject || '(件名なし / no subject)';
          }
        }
      } else if (kind === 'file') {
        const samples = uploads.filter((f) => f.field === 'sample' || f.field === 'file');
        if (fileBytes?.length) samples.push({ field: 'sample', filename: str(raw.file?.filename) || 'sample.bin', contentType: 'application/octet-stream', data: fileBytes });
        if (!samples.length) errors.push(required('sample'));
        for (const f of samples) prepared.push({ kind: 'sample', filename: f.filename, contentType: f.contentType, data: f.data, hashes: hashesOf(f.data) });
        if (!title && samples.length) title = samples[0].filename;
      } else if (kind === 'threat_info') {
        if (!description && !sourceUrl) errors.push(required('description'));
        if (!title) errors.push(required('title'));
      }
      if (sourceUrl) {
        let ok = false;
        try { const u = new URL(refang(sourceUrl)); ok = (u.protocol === 'http:' || u.protocol === 'https:') && !!u.hostname; } catch { ok = false; }
        if (!ok) errors.push(invalid('sourceUrl', 'は http:// または https:// で始まる URL を入力してください。', 'must be an http:// or https:// URL.'));
      }
      if (errors.length) throw validationFailed(errors);

      const indicators: Array<Indicator & { source: string }> = [];
      if (parsed) indicators.push(...emailIndicators(parsed));
      for (const f of prepared.filter((p) => p.kind === 'sample')) {
        indicators.push({ type: 'md5', value: f.hashes.md5, source: 'sample' }, { type: 'sha1', value: f.hashes.sha1, source: 'sample' }, { type: 'sha256', value: f.hashes.sha256, source: 'sample' });
      }
      // Threat information is about the attacker; the submitter's own notes on a mail or file may
      // contain their contact details, so only threat information text is mined automatically.
      if (kind === 'threat_info') for (const i of extractIndicators(`${description}\n${sourceUrl}`)) indicators.push({ ...i, source: 'threat_info' });

      const channel = channelOf(opts.actor, opts.channel);
      const data: Record<string, unknown> = {
        kind, channel,
        submitter: { name: name || null, email, organisation: organisation || null },
        description, sourceUrl: sourceUrl || null,
        ...(parsed ? { email: parsed } : {}),
        files: prepared.map((p) => ({ kind: p.kind, filename: p.filename, size: p.hashes.size, md5: p.hashes.md5, sha1: p.hashes.sha1, sha256: p.hashes.sha256 })),
      };
      const reporterOf = (c: CreatedCase) => c.parties.find((p) => p.role === 'reporter')!;
      const created = await cases().createGrouped({
        type: ITEM, title: title.slice(0, 300), data, idempotencyKey: opts.idempotencyKey,
        parties: [partyFor(opts.actor, email, name || null)],
      }, opts.actor.kind === 'system' ? SYSTEM_ACTOR : opts.actor, {
        async inTransaction(trx, c) {
          // Everything or nothing: the encrypted files, their hashes and the indicators commit with the case.
          for (const p of prepared) {
            const stored = await ctx.files.put({ filename: p.filename, contentType: p.contentType, data: p.data }, trx);
            await (trx as typeof ctx.db).insertInto('targeted_attack_artifacts').values({
              id: randomUUID(), case_id: c.record.id, kind: p.kind, file_id: stored.id, filename: stored.filename, size: p.hashes.size,
              md5: p.hashes.md5, sha1: p.hashes.sha1, sha256: p.hashes.sha256, declared_type: stored.contentType,
            } as never).execute();
          }
          await insertIndicators(trx, c.record.id, indicators);
        },
        mails: (c) => [{
          to: email, key: `ta-ack:${c.record.id}`,
          subject: `[${c.record.ref}] 情報提供を受け付けました / Your submission was received`,
          text: [
            `${name || 'ご提供者'} 様`, '',
            `標的型サイバー攻撃の特別相談窓口への情報提供を受け付けました。受付番号は ${c.record.ref} です。`,
            '解析結果や助言は次のリンクからご確認いただけます。このリンクは第三者に知らせないでください。',
            trackingUrl(reporterOf(c).id), '',
            `Your submission to the special consultation desk for targeted cyber attacks was received (${c.record.ref}).`,
            'Analysis results and advice will appear at the link above. Keep the link secret.', '',
            '― 標的型サイバー攻撃の特別相談窓口 / Special consultation desk for targeted cyber attacks',
          ].join('\n'),
        }],
        audit: (c) => [{
          action: 'targeted-attack.item.received', actor: opts.actor, subjectType: 'case', subjectId: c.record.id, ip: opts.ip,
          details: { ref: c.record.ref, kind, channel, files: prepared.map((p) => ({ kind: p.kind, sha256: p.hashes.sha256, size: p.hashes.size })) },
        }],
      });
      const reporter = reporterOf(created);
      return { record: created.record, created: created.created, trackingToken: cases().trackingTokenOf(reporter.id), trackingUrl: trackingUrl(reporter.id) };
    },

    async submitConsultation(raw, opts) {
      const errors: FieldError[] = [];
      const s = reader(raw as Record<string, unknown>, errors);
      const name = s('submitterName');
      const email = s('submitterEmail').toLowerCase();
      if (!email) errors.push(required('submitterEmail'));
      else if (!EMAIL.test(email)) errors.push(invalid('submitterEmail', 'の形式が正しくありません。', 'is not a valid e-mail address.'));
      const organisation = s('submitterOrganisation');
      const phone = s('submitterPhone');
      if (phone && !/^[0-9+()\- ]{6,40}$/.test(phone)) errors.push(invalid('submitterPhone', 'は数字とハイフンで入力してください。', 'may contain digits, spaces, +, ( ) and - only.'));
      const sector = s('sector') || 'other';
      if (!SECTORS[sector]) errors.push(invalid('sector', 'の値が正しくありません。', 'has an invalid value.'));
      const title = s('title');
      const description = s('description');
      if (!title) errors.push(required('title'));
      if (!description) errors.push(required('description'));
      if (errors.length) throw validationFailed(errors);
      const channel = channelOf(opts.actor, opts.channel);
      const reporterOf = (c: CreatedCase) => c.parties.find((p) => p.role === 'reporter')!;
      const created = await cases().createGrouped({
        type: CONSULTATION, title, idempotencyKey: opts.idempotencyKey,
        data: { channel, sector, submitter: { name: name || null, email, organisation: organisation || null, phone: phone || null }, description },
        parties: [partyFor(opts.actor, email, name || null)],
      }, opts.actor.kind === 'system' ? SYSTEM_ACTOR : opts.actor, {
        mails: (c) => [{
          to: email, key: `ta-consult-ack:${c.record.id}`,
          subject: `[${c.record.ref}] ご相談を受け付けました / Your consultation was received`,
          text: [`ご相談を受け付けました。受付番号は ${c.record.ref} です。回答は次のリンクでご確認いただけます。`, trackingUrl(reporterOf(c).id), '',
            `Your consultation was received (${c.record.ref}). Our answer will appear at the link above.`].join('\n'),
        }],
        audit: (c) => [{ action: 'targeted-attack.consultation.received', actor: opts.actor, subjectType: 'case', subjectId: c.record.id, ip: opts.ip, details: { ref: c.record.ref, channel, sector } }],
      });
      const reporter = reporterOf(created);
      return { record: created.record, created: created.created, trackingToken: cases().trackingTokenOf(reporter.id), trackingUrl: trackingUrl(reporter.id) };
    },

    async artifactsOf(caseId) {
      const rows = await db().selectFrom('targeted_attack_artifacts').selectAll().where('case_id', '=', caseId).orderBy('created_at').orderBy('filename').execute();
      return rows.map(toArtifact);
    },

    async artifact(id) {
      if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
      const r = await db().selectFrom('targeted_attack_artifacts').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toArtifact(r) : undefined;
    },

    async indicatorsOf(caseId) {
      const rows = await db().selectFrom('targeted_attack_indicators').selectAll().where('case_id', '=', caseId).orderBy('type').orderBy('value').execute();
      return rows.map((r) => ({ id: r.id, caseId: r.case_id, type: r.type as IndicatorType, value: r.value, source: r.source, createdAt: new Date(r.created_at), defanged: defang({ type: r.type as IndicatorType, value: r.value }) }));
    },

    async indicators(opts = {}) {
      let q = db().selectFrom('targeted_attack_indicators as i').innerJoin('cases as c', 'c.id', 'i.case_id')
        .select(['i.type', 'i.value', 'i.source', 'i.created_at', 'c.ref', 'c.type as case_type'])
        // A case closed as "not a targeted attack" yields no indicators worth sharing.
        .where((eb) => eb.or([eb('c.closure_reason', 'is', null), eb('c.closure_reason', '!=', 'not_targeted')]));
      if (opts.since) q = q.where('i.created_at', '>=', opts.since);
      if (opts.until) q = q.where('i.created_at', '<', opts.until);
      if (opts.types?.length) q = q.where('i.type', 'in', opts.types);
      const rows = await q.orderBy('i.created_at', 'desc').orderBy('i.id').limit(Math.min(Math.max(opts.limit ?? 1000, 1), 10_000)).execute();
      return rows.map((r) => ({
        type: r.type as IndicatorType, value: r.value, defanged: defang({ type: r.type as IndicatorType, value: r.value }),
        source: r.source, caseRef: r.ref, caseType: r.case_type, firstSeen: new Date(r.created_at),
      }));
    },

    extractIndicators: (text) => extractIndicators(text),
    refang,
    defang,

    async addNote(caseId, kind, body, actor) {
      const c = await caseOf(caseId, [ITEM, CONSULTATION]);
      const text = str(body);
      if (!text) throw validationFailed([required('body')]);
      if (text.length > 20_000) throw validationFailed([invalid('body', 'は 20,000 文字以内で入力してください。', 'must be at most 20,000 characters.')]);
      if (kind === 'advice' && !actor.permissions.has(PERM.advise)) throw forbidden();
      if (kind === 'analysis' && !actor.permissions.has(PERM.analyse)) throw forbidden();
      await db().transaction().execute(async (trx) => {
        if (kind === 'analysis') {
          await cases().postMessage(c.id, { body: `【分析メモ / Analysis】\n${text}`, visibility: 'internal' }, actor, trx);
          await cases().recordEvent(c.id, 'analysis_note', actor, {}, {}, trx);
        } else {
          const reporters = (await cases().partiesOf(c.id, trx)).filter((p) => p.role === 'reporter');
          await cases().postMessage(c.id, { body: `【助言 / Advice】\n${text}`, visibility: 'parties', partyIds: reporters.map((p) => p.id) }, actor, trx);
          await cases().recordEvent(c.id, 'advice', actor, {}, {}, trx);
          for (const r of reporters) {
            if (r.email) await ctx.mail.enqueue({ to: r.email, subject: `[${c.ref}] 特別相談窓口からの助言 / Advice from the desk`, text: `${c.ref} について助言をお送りしました。受付時にお知らせしたリンクからご確認ください。\nWe have sent you advice about ${c.ref}. Open the link you received with your acknowledgement.\n` }, trx);
          }
        }
        await ctx.audit.record({ action: `targeted-attack.${kind}`, actor, subjectType: 'case', subjectId: c.id, details: { ref: c.ref } }, trx);
      });
    },

    async addIndicators(caseId, text, actor, typed) {
      const c = await caseOf(caseId, [ITEM, CONSULTATION]);
      if (!actor.permissions.has(PERM.analyse)) throw forbidden();
      const list: Array<Indicator & { source: string }> = [];
      if (typed && typed.value) {
        const n = INDICATOR_TYPES.includes(typed.type as IndicatorType) ? normaliseIndicator(typed.type, typed.value) : null;
        if (!n) throw validationFailed([invalid('indicators', 'の形式が種類と一致しません。', 'does not match its type.')]);
        list.push({ ...n, source: 'analyst' });
      }
      if (str(text)) for (const i of extractIndicators(text)) list.push({ ...i, source: 'analyst' });
      if (!list.length) throw validationFailed([invalid('indicators', 'が見つかりません。', 'were not found in the text.')]);
      return db().transaction().execute(async (trx) => {
        const n = await insertIndicators(trx, c.id, list);
        await cases().recordEvent(c.id, 'indicators_added', actor, { count: n }, {}, trx);
        await ctx.audit.record({ action: 'targeted-attack.indicators.added', actor, subjectType: 'case', subjectId: c.id, details: { ref: c.ref, count: n } }, trx);
        return n;
      });
    },

    async archiveSample(artifactId, password, actor, ip) {
      if (actor.kind !== 'staff' || !actor.permissions.has(PERM.sample)) {
        await ctx.audit.record({ action: 'targeted-attack.sample.download_denied', actor, subjectType: 'artifact', subjectId: artifactId, ip });
        throw forbidden();
      }
      const a = await svc.artifact(artifactId);
      if (!a) throw notFound({ ja: '検体', en: 'sample' });
      const pw = str(password);
      if (pw && pw.length < MIN_PASSWORD_LENGTH) throw validationFailed([invalid('password', `は ${MIN_PASSWORD_LENGTH} 文字以上にしてください。`, `must be at least ${MIN_PASSWORD_LENGTH} characters.`)]);
      if (pw.length > 128) throw validationFailed([invalid('password', 'は 128 文字以内にしてください。', 'must be at most 128 characters.')]);
      const generated = !pw;
      const finalPassword = pw || generateArchivePassword();
      const file = await ctx.files.read(a.fileId);
      if (!file) throw notFound({ ja: '検体', en: 'sample' });
      if (file.file.sha256 !== a.sha256) throw new AppError(500, 'sample_mismatch', { ja: '検体の整合性を確認できません。', en: 'The sample failed its integrity check.' });
      const archive = await quarantineArchive({ filename: a.filename, data: file.data, sha256: a.sha256 }, finalPassword);
      const c = await cases().load(a.caseId);
      await ctx.audit.record({
        action: 'targeted-attack.sample.downloaded', actor, subjectType: 'artifact', subjectId: a.id, ip,
        details: { ref: c?.ref ?? null, caseId: a.caseId, filename: a.filename, size: a.size, md5: a.md5, sha1: a.sha1, sha256: a.sha256, passwordGenerated: generated, archive: 'zip-aes256' },
      });
      return { archive, filename: `${c?.ref ?? 'sample'}-${a.sha256.slice(0, 12)}.zip`, password: finalPassword, generated, artifact: a };
    },

    async createJcrat(raw, actor) {
      const errors: FieldError[] = [];
      const s = reader(raw as Record<string, unknown>, errors);
      const organisationName = s('organisationName');
      if (!organisationName) errors.push(required('organisationName'));
      const sector = s('sector');
      if (!SECTORS[sector]) errors.push(sector ? invalid('sector', 'の値が正しくありません。', 'has an invalid value.') : required('sector'));
      const attackType = s('attackType');
      if (!ATTACK_TYPES[attackType]) errors.push(attackType ? invalid('attackType', 'の値が正しくありません。', 'has an invalid value.') : required('attackType'));
      const contactName = s('contactName');
      const contactEmail = s('contactEmail').toLowerCase();
      if (contactEmail && !EMAIL.test(contactEmail)) errors.push(invalid('contactEmail', 'の形式が正しくありません。', 'is not a valid e-mail address.'));
      const contactPhone = s('contactPhone');
      const summary = s('summary');
      if (!summary) errors.push(required('summary'));
      const requestedOn = s('requestedOn');
      if (requestedOn && !validDate(requestedOn)) errors.push(invalid('requestedOn', 'は YYYY-MM-DD 形式の日付で入力してください。', 'must be a date in YYYY-MM-DD format.'));
      const origin = s('origin') || 'request';
      if (!['request', 'consultation', 'jcrat_discovery', 'referral'].includes(origin)) errors.push(invalid('origin', 'の値が正しくありません。', 'has an invalid value.'));
      const linkedRef = s('linkedRef');
      let orgId: string | null = null;
      if (raw.organisationId) {
        const org = await ctx.auth.getOrganisation(raw.organisationId);
        if (!org) errors.push(invalid('organisationName', 'の組織アカウントが見つかりません。', 'account was not found.'));
        else orgId = org.id;
      }
      if (errors.length) throw validationFailed(errors);
      const created = await cases().create({
        type: JCRAT, title: organisationName,
        data: { organisationName, sector, attackType, origin, linkedRef: linkedRef || null, requestedOn: requestedOn || null, summary,
          contact: { name: contactName || null, email: contactEmail || null, phone: contactPhone || null } },
        parties: orgId ? [{ role: 'reporter', organisationId: orgId }] : [],
      }, actor);
      await ctx.audit.record({ action: 'targeted-attack.jcrat.created', actor, subjectType: 'case', subjectId: created.record.id, details: { ref: created.record.ref, sector, attackType } });
      return created.record;
    },

    async addActivity(caseId, input, actor) {
      const c = await caseOf(caseId, [JCRAT]);
      if (!actor.permissions.has(PERM.jcrat)) throw forbidden();
      const errors: FieldError[] = [];
      const date = str(input.date);
      if (!date) errors.push(required('date')); else if (!validDate(date)) errors.push(invalid('date', 'は YYYY-MM-DD 形式の日付で入力してください。', 'must be a date in YYYY-MM-DD format.'));
      const mode = str(input.mode);
      if (!ACTIVITY_MODES[mode]) errors.push(mode ? invalid('mode', 'の値が正しくありません。', 'has an invalid value.') : required('mode'));
      const summary = str(input.summary);
      if (!summary) errors.push(required('summary')); else if (summary.length > 5000) errors.push(invalid('summary', 'は 5,000 文字以内で入力してください。', 'must be at most 5,000 characters.'));
      if (c.closedAt) errors.push({ field: 'date', message: { ja: '終了した支援には活動を記録できません。', en: 'The support case is closed.' } });
      if (errors.length) throw validationFailed(errors);
      await db().transaction().execute(async (trx) => {
        // The activity log drives the workflow: the first remote contact starts remote support, the
        // first on-site or face-to-face activity escalates it to on-site support.
        if (c.state === 'requested') await cases().transition(c.id, 'start_remote', actor, { note: 'activity' }, trx);
        if (ONSITE_MODES.includes(mode) && c.state !== 'onsite') await cases().transition(c.id, 'escalate_onsite', actor, { note: 'activity' }, trx);
        await cases().recordEvent(c.id, 'jcrat_activity', actor, { date, mode, summary }, {}, trx);
        await ctx.audit.record({ action: 'targeted-attack.jcrat.activity', actor, subjectType: 'case', subjectId: c.id, details: { ref: c.ref, date, mode } }, trx);
      });
    },

    async activities(caseId) {
      const h = await cases().history(caseId);
      return h.filter((e) => e.kind === 'jcrat_activity').map((e) => ({
        at: e.at, date: String(e.details.date ?? ''), mode: String(e.details.mode ?? ''), summary: String(e.details.summary ?? ''), actorName: e.actorName,
      })).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.at.getTime() - b.at.getTime()));
    },

    counts: (from, to) => periodCounts(ctx, from, to),

    async halfYearly(fy, now = new Date()) {
      return Promise.all(halfYears(fy).map(async (h) => {
        const to = h.to > now ? now : h.to;
        const counts = to <= h.from ? emptyCounts() : await periodCounts(ctx, h.from, to);
        return { ...h, counts };
      }));
    },
  };
  return svc;
}

function emptyCounts(): PeriodCounts {
  return { items: 0, itemsByKind: { email: 0, file: 0, threat_info: 0 }, consultations: 0, jcratRemote: 0, jcratOnsite: 0, advice: 0 };
}

/** The desk's figures for [from, to), from the case history (so any past period is reproducible). */
export async function periodCounts(ctx: AppContext, from: Date, to: Date): Promise<PeriodCounts> {
  const c = ctx.cases;
  const [email, file, threat, consultations, remote, onsite, advice] = await Promise.all([
    c.countReceived(ITEM, from, to, { kind: 'email' }),
    c.countReceived(ITEM, from, to, { kind: 'file' }),
    c.countReceived(ITEM, from, to, { kind: 'threat_info' }),
    c.countReceived(CONSULTATION, from, to),
    c.countEvents(JCRAT, from, to, { transition: 'start_remote' }),
    c.countEvents(JCRAT, from, to, { transition: 'escalate_onsite' }),
    Promise.all([c.countEvents(ITEM, from, to, { kind: 'advice' }), c.countEvents(CONSULTATION, from, to, { kind: 'advice' })]).then(([a, b]) => a + b),
  ]);
  return { items: email + file + threat, itemsByKind: { email, file, threat_info: threat }, consultations, jcratRemote: remote, jcratOnsite: onsite, advice };
}

