// The vulnerability report desk's domain rules: validating and receiving reports, coordination
// actions (coordinator hand-off, developer/operator contact, priority provision, alerts,
// publication) and the statistics the annual and quarterly reports publish.
import type { Actor, AppContext, Executor } from '../../platform/context.js';
import { SYSTEM_ACTOR } from '../../platform/context.js';
import type { FieldError } from '../../platform/http/errors.js';
import { AppError, validationFailed, notFound } from '../../platform/http/errors.js';
import type { CaseRecord } from '../../platform/cases/types.js';
import type { CreatedCase } from '../../platform/cases/engine.js';
import type { UploadedFile } from '../../platform/http/forms.js';
import { submissionAttachments } from '../../platform/cases/submission.js';
import type { Text } from '../../platform/i18n/i18n.js';
import { normaliseCwe } from './cwe.js';
import { decryptForDesk } from './pgp.js';
import { PRODUCT, WEB, TARGET_DAYS } from './case-types.js';
import { parseCvss, CvssError } from '../../shared/cvss.js';
import { computeStatistics, type DeskStatistics } from './stats.js';

export type ReportKind = 'product' | 'web';
export type ReportSource = 'finder' | 'developer' | 'open_bug_bounty' | 'staff';

/** A report as the public form and the JSON API take it (flat, so both share one validator). */
export interface ReportInput {
  kind: ReportKind;
  reporterName?: string;
  reporterEmail?: string;
  reporterAffiliation?: string;
  anonymous?: boolean;
  isDeveloper?: boolean;
  consentToShare?: boolean;
  wishCredit?: boolean;
  creditName?: string;
  productName?: string;
  productVersions?: string;
  vendorName?: string;
  productCategory?: 'software' | 'embedded';
  siteUrl?: string;
  siteOperator?: string;
  cwe?: string;
  summary?: string;
  description?: string;
  reproduction?: string;
  impact?: string;
  discoveredOn?: string;
  disclosure?: 'none' | 'disclosed' | 'reported_elsewhere';
  disclosureDetail?: string;
  pgpMessage?: string;
}

export interface ValidReport {
  kind: ReportKind;
  reporter: { name: string | null; email: string; affiliation: string | null; anonymous: boolean };
  source: ReportSource;
  consentToShare: boolean;
  wishCredit: boolean;
  creditName: string | null;
  product?: { name: string; versions: string; vendor: string; category: 'software' | 'embedded' };
  site?: { url: string; operator: string | null };
  cwe: string;
  summary: string;
  description: string;
  reproduction: string;
  impact: string;
  discoveredOn: string | null;
  disclosure: 'none' | 'disclosed' | 'reported_elsewhere';
  disclosureDetail: string | null;
  encrypted: boolean;
}

export const FIELD_LABELS: Record<string, Text> = {
  kind: { ja: '届出の種類', en: 'Kind of report' },
  reporterName: { ja: '氏名', en: 'Name' },
  reporterEmail: { ja: '連絡先メールアドレス', en: 'Contact e-mail' },
  reporterAffiliation: { ja: '所属', en: 'Affiliation' },
  creditName: { ja: '謝辞に掲載する名前', en: 'Name for the credit' },
  productName: { ja: '製品名', en: 'Product name' },
  productVersions: { ja: 'バージョン', en: 'Version(s)' },
  vendorName: { ja: '製品開発者（ベンダ）', en: 'Product developer (vendor)' },
  productCategory: { ja: '製品の種類', en: 'Kind of product' },
  siteUrl: { ja: 'ウェブサイトの URL', en: 'Website URL' },
  siteOperator: { ja: 'ウェブサイト運営者', en: 'Website operator' },
  cwe: { ja: '脆弱性の種類（CWE）', en: 'Vulnerability type (CWE)' },
  summary: { ja: '概要（件名）', en: 'Summary (title)' },
  description: { ja: '脆弱性の内容', en: 'Description' },
  reproduction: { ja: '再現手順', en: 'Steps to reproduce' },
  impact: { ja: '想定される影響', en: 'Expected impact' },
  discoveredOn: { ja: '発見日', en: 'Date of discovery' },
  disclosure: { ja: '他所への公開・届出', en: 'Disclosure elsewhere' },
  disclosureDetail: { ja: '公開・届出の詳細', en: 'Disclosure details' },
  pgpMessage: { ja: 'PGP 暗号化メッセージ', en: 'PGP-encrypted message' },
  attachments: { ja: '添付ファイル', en: 'Attachments' },
};

const LIMITS: Record<string, number> = {
  reporterName: 200, reporterEmail: 254, reporterAffiliation: 200, creditName: 200, productName: 200, productVersions: 200,
  vendorName: 200, siteUrl: 2000, siteOperator: 200, summary: 200, description: 20_000, reproduction: 20_000, impact: 5_000, disclosureDetail: 2_000,
};

const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;

function required(field: string): FieldError {
  const l = FIELD_LABELS[field];
  return { field, message: { ja: `「${l.ja}」は必須です。`, en: `"${l.en}" is required.` } };
}
function tooLong(field: string, max: number): FieldError {
  const l = FIELD_LABELS[field];
  return { field, message: { ja: `「${l.ja}」は ${max.toLocaleString()} 文字以内で入力してください。`, en: `"${l.en}" must be at most ${max.toLocaleString()} characters.` } };
}
function invalid(field: string, ja: string, en: string): FieldError {
  const l = FIELD_LABELS[field];
  return { field, message: { ja: `「${l.ja}」${ja}`, en: `"${l.en}" ${en}` } };
}

function str(v: unknown): string { return typeof v === 'string' ? v.replace(/\r\n?/g, '\n').trim() : v === undefined || v === null ? '' : String(v).trim(); }
function bool(v: unknown): boolean { return v === true || v === 'true' || v === 'on' || v === '1' || v === 'yes'; }

/** Validates a report; throws 422 listing every invalid field in both languages. */
export function validateReport(input: ReportInput, opts: { now?: Date; allowStaffSources?: boolean; source?: ReportSource } = {}): ValidReport {
  const errors: FieldError[] = [];
  const s = (k: keyof ReportInput) => {
    const v = str(input[k]);
    const max = LIMITS[k as string];
    if (max && v.length > max) errors.push(tooLong(k as string, max));
    // Control characters other than newline and tab have no place in a report.
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v)) errors.push(invalid(k as string, 'に使用できない制御文字が含まれています。', 'contains control characters.'));
    return v;
  };
  const kind = input.kind;
  if (kind !== 'product' && kind !== 'web') errors.push(invalid('kind', 'は product（ソフトウェア製品）または web（ウェブサイト）を指定してください。', 'must be "product" or "web".'));
  const anonymous = bool(input.anonymous);
  const name = s('reporterName');
  const email = s('reporterEmail').toLowerCase();
  if (!anonymous && !name) errors.push(required('reporterName'));
  if (!email) errors.push(required('reporterEmail'));
  else if (!EMAIL.test(email)) errors.push(invalid('reporterEmail', 'の形式が正しくありません。', 'is not a valid e-mail address.'));
  const affiliation = s('reporterAffiliation');
  const wishCredit = bool(input.wishCredit);
  const creditName = s('creditName');
  const summary = s('summary');
  const description = s('description');
  const reproduction = s('reproduction');
  const impact = s('impact');
  if (!description) errors.push(required('description'));
  if (!reproduction) errors.push(required('reproduction'));
  const cweRaw = s('cwe');
  const cwe = cweRaw ? normaliseCwe(cweRaw) : 'NVD-CWE-noinfo';
  if (!cwe) errors.push(invalid('cwe', 'は CWE-79 のような形式で指定してください。', 'must look like CWE-79.'));
  let discoveredOn: string | null = s('discoveredOn') || null;
  if (discoveredOn) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(discoveredOn);
    const d = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : null;
    if (!d || d.getUTCMonth() !== +m![2] - 1) errors.push(invalid('discoveredOn', 'は YYYY-MM-DD 形式の日付で入力してください。', 'must be a date in YYYY-MM-DD format.'));
    else if (d.getTime() > (opts.now ?? new Date()).getTime() + 86400_000) errors.push(invalid('discoveredOn', 'に未来の日付は指定できません。', 'cannot be in the future.'));
    else if (d.getUTCFullYear() < 1990) errors.push(invalid('discoveredOn', 'が古すぎます。', 'is too far in the past.'));
  }
  const disclosure = (str(input.disclosure) || 'none') as ValidReport['disclosure'];
  if (!['none', 'disclosed', 'reported_elsewhere'].includes(disclosure)) errors.push(invalid('disclosure', 'の値が正しくありません。', 'has an invalid value.'));
  const disclosureDetail = s('disclosureDetail');
  if (disclosure !== 'none' && !disclosureDetail) errors.push(required('disclosureDetail'));

  let product: ValidReport['product'];
  let site: ValidReport['site'];
  const isDeveloper = bool(input.isDeveloper);
  if (kind === 'product') {
    const pn = s('productName'); const pv = s('productVersions'); const vn = s('vendorName');
    const cat = (str(input.productCategory) || 'software') as 'software' | 'embedded';
    if (!pn) errors.push(required('productName'));
    if (!pv) errors.push(required('productVersions'));
    if (!vn) errors.push(required('vendorName'));
    if (cat !== 'software' && cat !== 'embedded') errors.push(invalid('productCategory', 'は software または embedded を指定してください。', 'must be "software" or "embedded".'));
    product = { name: pn, versions: pv, vendor: vn, category: cat };
  } else if (kind === 'web') {
    const url = s('siteUrl');
    if (!url) errors.push(required('siteUrl'));
    else {
      let ok = false;
      try { const u = new URL(url); ok = (u.protocol === 'http:' || u.protocol === 'https:') && !!u.hostname; } catch { ok = false; }
      if (!ok) errors.push(invalid('siteUrl', 'は http:// または https:// で始まる URL を入力してください。', 'must be an http:// or https:// URL.'));
    }
    site = { url, operator: s('siteOperator') || null };
    if (isDeveloper) errors.push(invalid('kind', '開発者届はソフトウェア製品のみです。', 'developer self-reports are for software products only.'));
  }
  if (errors.length) {
    // Listed in the order the form shows the fields.
    const order = Object.keys(FIELD_LABELS);
    throw validationFailed(errors.sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field)));
  }
  let source: ReportSource = isDeveloper ? 'developer' : 'finder';
  if (opts.source && opts.allowStaffSources) source = opts.source;
  return {
    kind: kind as ReportKind,
    reporter: { name: anonymous ? null : name, email, affiliation: affiliation || null, anonymous },
    source,
    consentToShare: bool(input.consentToShare),
    wishCredit, creditName: wishCredit ? creditName || name || null : null,
    product, site, cwe: cwe!,
    summary: summary || (kind === 'product' ? `${product!.name} における脆弱性` : `${site!.url} における脆弱性`),
    description, reproduction, impact, discoveredOn, disclosure, disclosureDetail: disclosureDetail || null,
    encrypted: false,
  };
}

/** Merges a decrypted PGP payload: a JSON object supplies fields; plain text is the description. */
export async function resolveEncrypted(ctx: AppContext, input: ReportInput): Promise<{ input: ReportInput; encrypted: boolean }> {
  const armored = str(input.pgpMessage);
  if (!armored) return { input, encrypted: false };
  const plain = await decryptForDesk(ctx, armored);
  let merged: ReportInput = { ...input, pgpMessage: undefined };
  const trimmed = plain.trim();
  if (trimmed.startsWith('{')) {
    let obj: unknown;
    try { obj = JSON.parse(trimmed); } catch {
      throw validationFailed([{ field: 'pgpMessage', message: { ja: '復号した内容が JSON として読めません。', en: 'The decrypted content is not valid JSON.' } }]);
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw validationFailed([{ field: 'pgpMessage', message: { ja: '復号した内容は JSON オブジェクトである必要があります。', en: 'The decrypted content must be a JSON object.' } }]);
    const allowed = new Set(Object.keys(FIELD_LABELS).concat(['anonymous', 'isDeveloper', 'consentToShare', 'wishCredit']));
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) if (allowed.has(k) && k !== 'pgpMessage' && k !== 'kind') (merged as unknown as Record<string, unknown>)[k] = v;
  } else {
    merged = { ...merged, description: [str(input.description), trimmed].filter(Boolean).join('\n\n') };
  }
  return { input: merged, encrypted: true };
}

export interface SubmitResult { record: CaseRecord; created: boolean; trackingToken: string; trackingUrl: string }

export interface AdvisoryFields { title: string; summary: string; affectedProducts: string; cvssVector: string | null; cvss: ReturnType<typeof parseCvss> | null; solution: string }

export interface VulnDeskService {
  submit(input: ReportInput, opts: { actor: Actor; idempotencyKey?: string; files?: UploadedFile[]; ip?: string; source?: ReportSource }): Promise<SubmitResult>;
  statistics(from: Date, to: Date): Promise<DeskStatistics>;
  setAdvisory(caseId: string, fields: Record<string, string>, actor: Actor): Promise<CaseRecord>;
  priorityProvision(caseId: string, organisationId: string, actor: Actor): Promise<void>;
  issueAlert(caseId: string, level: 'alert' | 'emergency', title: string, actor: Actor): Promise<void>;
  addOperatorContact(caseId: string, input: { organisationId?: string; email?: string; name?: string }, actor: Actor): Promise<{ token?: string }>;
  proposePublicationDate(caseId: string, date: string, actor: Actor, partyId: string): Promise<void>;
}

export const PRIORITY_CATEGORIES: Record<string, Text> = {
  electric_power: { ja: '電力分野', en: 'Electric power sector' },
  government: { ja: '政府機関', en: 'Government agencies' },
};

export function createVulnDeskService(ctx: AppContext): VulnDeskService {
  const cases = () => ctx.cases;

  async function caseOf(id: string, trx?: Executor): Promise<CaseRecord> {
    const c = await cases().load(id, trx);
    if (!c || (c.type !== PRODUCT && c.type !== WEB)) throw notFound({ ja: '届出', en: 'report' });
    return c;
  }

  const trackingUrl = (partyId: string) => `${ctx.config.baseUrl}/track/${cases().trackingTokenOf(partyId)}`;

  return {
    async submit(raw, opts) {
      const { input, encrypted } = await resolveEncrypted(ctx, raw);
      const report = validateReport(input, { allowStaffSources: opts.actor.kind === 'staff' || opts.actor.kind === 'system', source: opts.source });
      report.encrypted = encrypted;
      const files = opts.files ?? [];
      if (files.length > ctx.config.maxAttachmentsPerMessage) {
        throw new AppError(413, 'too_many_files', { ja: `添付ファイルは ${ctx.config.maxAttachmentsPerMessage} 件までです。`, en: `At most ${ctx.config.maxAttachmentsPerMessage} attachments.` },
          [{ field: 'attachments', message: { ja: '件数が多すぎます。', en: 'Too many files.' } }]);
      }
      const type = report.kind === 'product' ? PRODUCT : WEB;
      const data: Record<string, unknown> = { ...report, kind: undefined };
      const reporterOf = (c: CreatedCase) => c.parties.find((p) => p.role === 'reporter')!;
      // Grouped with concurrent submissions into one transaction (see createGrouped); the receipt
      // number is returned only after that transaction, with the mail and audit entry, committed.
      const created = await cases().createGrouped({
        type, title: report.summary, data, idempotencyKey: opts.idempotencyKey,
        parties: [{
          role: 'reporter', email: report.reporter.email, name: report.reporter.name,
          userId: opts.actor.kind === 'public' || opts.actor.kind === 'org' ? opts.actor.userId : null, withToken: true,
        }],
      }, opts.actor.kind === 'system' ? SYSTEM_ACTOR : opts.actor, {
        inTransaction: submissionAttachments(ctx, files, opts.actor, report.reporter.name ?? '届出者 / reporter'),
        mails: (c) => [{
          to: report.reporter.email,
          key: `vulndesk-ack:${c.record.id}`,
          subject: `[${c.record.ref}] 脆弱性関連情報の届出を受け付けました / Your vulnerability report was received`,
          text: [
            `${report.reporter.name ?? '届出者'} 様`, '',
            `脆弱性関連情報の届出を受け付けました。受付番号は ${c.record.ref} です。`,
            '取扱いの状況は次のリンクから確認でき、窓口とのメッセージのやり取りもできます。このリンクは第三者に知らせないでください。',
            trackingUrl(reporterOf(c).id), '',
            `Your vulnerability report has been received. Your reference number is ${c.record.ref}.`,
            'You can follow its status and exchange messages with the desk at the link above. Keep the link secret.', '',
            '― 脆弱性関連情報届出受付窓口 / Vulnerability Report Desk',
          ].join('\n'),
        }],
        audit: (c) => [{ action: 'vulndesk.report.received', actor: opts.actor, subjectType: 'case', subjectId: c.record.id, details: { ref: c.record.ref, kind: report.kind, source: report.source, encrypted }, ip: opts.ip }],
      });
      const reporter = reporterOf(created);
      return { record: created.record, created: created.created, trackingToken: cases().trackingTokenOf(reporter.id), trackingUrl: trackingUrl(reporter.id) };
    },

    statistics: (from, to) => computeStatistics(ctx.cases, from, to),

    async setAdvisory(caseId, f, actor) {
      const c = await caseOf(caseId);
      if (c.type !== PRODUCT) throw new AppError(400, 'not_product', { ja: '公表情報はソフトウェア製品の届出にのみ設定できます。', en: 'Advisory fields apply to product reports only.' });
      const errors: FieldError[] = [];
      const title = str(f.advisoryTitle); const summary = str(f.advisorySummary); const affected = str(f.affectedProducts); const solution = str(f.solution);
      const vector = str(f.cvssVector);
      if (!title) errors.push({ field: 'advisoryTitle', message: { ja: '「公表タイトル」は必須です。', en: '"Advisory title" is required.' } });
      if (title.length > 300) errors.push({ field: 'advisoryTitle', message: { ja: '300 文字以内で入力してください。', en: 'At most 300 characters.' } });
      let cvss = null;
      if (vector) {
        try { cvss = parseCvss(vector); } catch (e) {
          if (e instanceof CvssError) errors.push({ field: 'cvssVector', message: e.text }); else throw e;
        }
      }
      if (errors.length) throw validationFailed(errors);
      const advisory: AdvisoryFields = { title, summary, affectedProducts: affected, cvssVector: cvss?.vector ?? null, cvss, solution };
      return cases().updateData(c.id, { advisory }, actor, { kind: 'advisory_updated' });
    },

    async priorityProvision(caseId, organisationId, actor) {
      const c = await caseOf(caseId);
      if (c.type !== PRODUCT || !['forwarded', 'coordinating'].includes(c.state)) {
        throw new AppError(409, 'priority_not_possible', { ja: '優先提供は公表前の調整中の製品届出に対してのみ行えます。', en: 'Priority provision is only possible for product reports being coordinated, before publication.' });
      }
      const org = await ctx.auth.getOrganisation(organisationId);
      if (!org || org.kind !== 'priority_recipient' || !org.category || !PRIORITY_CATEGORIES[org.category]) {
        throw validationFailed([{ field: 'organisationId', message: { ja: '優先提供先として登録された組織を選んでください。', en: 'Choose an organisation registered as a priority recipient.' } }]);
      }
      await ctx.db.transaction().execute(async (trx) => {
        const parties = await cases().partiesOf(c.id, trx);
        if (!parties.some((p) => p.organisationId === org.id)) await cases().addParty(c.id, { role: 'priority_recipient', organisationId: org.id }, actor, trx);
        await cases().recordEvent(c.id, 'priority_provision', actor, { category: org.category!, organisationId: org.id }, {}, trx);
        if (org.email) {
          await ctx.mail.enqueue({ to: org.email, subject: `[${c.ref}] 脆弱性対策情報の優先提供 / Priority provision of countermeasure information`,
            text: `公表前の脆弱性対策情報を優先提供します。Mamori にログインして ${c.ref} をご確認ください。\nCountermeasure information is provided to you before publication. Log in to Mamori and open ${c.ref}.\n${ctx.config.baseUrl}/cases/${c.ref}\n` }, trx);
        }
        await ctx.audit.record({ action: 'vulndesk.priority_provision', actor, subjectType: 'case', subjectId: c.id, details: { organisationId: org.id, category: org.category } }, trx);
      });
    },

    async issueAlert(caseId, level, title, actor) {
      const c = await caseOf(caseId);
      if (!title.trim()) throw validationFailed([{ field: 'alertTitle', message: { ja: '「注意喚起の件名」は必須です。', en: '"Alert title" is required.' } }]);
      await cases().recordEvent(c.id, 'alert', actor, { level, title: title.trim().slice(0, 300) });
    },

    async addOperatorContact(caseId, input, actor) {
      const c = await caseOf(caseId);
      const role = c.type === WEB ? 'operator' : 'vendor';
      if (input.organisationId) {
        const org = await ctx.auth.getOrganisation(input.organisationId);
        if (!org) throw validationFailed([{ field: 'organisationId', message: { ja: '組織が見つかりません。', en: 'Organisation not found.' } }]);
        if ((await cases().partiesOf(c.id)).some((p) => p.organisationId === org.id)) return {};
        await cases().addParty(c.id, { role, organisationId: org.id, name: org.name, email: org.email }, actor);
        return {};
      }
      const email = str(input.email).toLowerCase();
      if (!EMAIL.test(email)) throw validationFailed([{ field: 'email', message: { ja: 'メールアドレスの形式が正しくありません。', en: 'Invalid e-mail address.' } }]);
      // Operators without an account get a private link, as reporters do.
      return ctx.db.transaction().execute(async (trx) => {
        const { party, token } = await cases().addParty(c.id, { role, email, name: str(input.name) || null, withToken: true }, actor, trx);
        await ctx.mail.enqueue({
          to: email, key: `vulndesk-contact:${party.id}`,
          subject: `[${c.ref}] 脆弱性関連情報に関するご連絡 / About a vulnerability report`,
          text: `貴組織が運営・開発するシステムの脆弱性関連情報についてご連絡します。次のリンクから内容の確認と返信ができます。\nWe contact you about a vulnerability report concerning your system. Read it and reply at:\n${ctx.config.baseUrl}/track/${token}\n`,
        }, trx);
        return { token };
      });
    },

    async proposePublicationDate(caseId, date, actor, partyId) {
      const c = await caseOf(caseId);
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
      if (!m) throw validationFailed([{ field: 'proposedDate', message: { ja: '日付は YYYY-MM-DD 形式で入力してください。', en: 'Use the YYYY-MM-DD format.' } }]);
      await ctx.db.transaction().execute(async (trx) => {
        await cases().recordEvent(c.id, 'publication_date_proposed', actor, { date, partyId }, {}, trx);
        await cases().postMessage(c.id, { body: `公表日の提案: ${date} / Proposed publication date: ${date}`, visibility: 'parties', partyIds: [partyId], authorPartyId: partyId }, actor, trx);
      });
    },
  };
}

/** Transition effects: who becomes a party and which dates are set when the desk acts. */
export function transitionHooks(getCtx: () => AppContext) {
  return {
    product: {
      forward_to_coordinator: {
        async effect({ record, actor, trx }: { record: CaseRecord; actor: Actor; trx: Executor }) {
          const ctx = getCtx();
          const coordinators = await ctx.auth.listOrganisations({ kind: 'coordinator' }, trx);
          if (coordinators.length === 0) throw new AppError(409, 'no_coordinator', { ja: '調整機関（JPCERT/CC）の組織アカウントが登録されていません。', en: 'No coordinator organisation (JPCERT/CC) is registered.' });
          const parties = await ctx.cases.partiesOf(record.id, trx);
          for (const org of coordinators) {
            if (!parties.some((p) => p.organisationId === org.id)) await ctx.cases.addParty(record.id, { role: 'coordinator', organisationId: org.id, name: org.name, email: org.email }, actor, trx);
            if (org.email) await ctx.mail.enqueue({ to: org.email, subject: `[${record.ref}] 脆弱性関連情報の送付 / Vulnerability report forwarded`, text: `IPA から脆弱性関連情報を送付しました。Mamori で ${record.ref} をご確認ください。\nA vulnerability report has been forwarded to you: ${getCtx().config.baseUrl}/cases/${record.ref}\n` }, trx);
          }
        },
      },
      contact_developer: {
        async effect({ record, actor, trx, input }: { record: CaseRecord; actor: Actor; trx: Executor; input: { organisationId?: string } }) {
          const ctx = getCtx();
          if (input.organisationId) {
            const org = await ctx.auth.getOrganisation(input.organisationId, trx);
            if (!org || org.kind !== 'vendor') throw validationFailed([{ field: 'organisationId', message: { ja: '製品開発者の組織を選んでください。', en: 'Choose a product developer organisation.' } }]);
            const parties = await ctx.cases.partiesOf(record.id, trx);
            if (!parties.some((p) => p.organisationId === org.id)) await ctx.cases.addParty(record.id, { role: 'vendor', organisationId: org.id, name: org.name, email: org.email }, actor, trx);
            if (org.email) await ctx.mail.enqueue({ to: org.email, subject: `[${record.ref}] 脆弱性関連情報のご連絡 / Vulnerability report for your product`, text: `貴社製品の脆弱性関連情報についてご連絡します。Mamori で ${record.ref} をご確認ください。\nA vulnerability in your product has been reported: ${ctx.config.baseUrl}/cases/${record.ref}\n` }, trx);
          }
          // The guideline's default target: publication 45 days after the developer is notified.
          if (!record.dueAt) await ctx.cases.setDue(record.id, new Date(Date.now() + TARGET_DAYS * 86400_000), actor, trx);
        },
      },
      publish: {
        guard(record: CaseRecord): Text | null {
          const adv = record.data.advisory as AdvisoryFields | undefined;
          return adv?.title ? null : { ja: '公表前に公表情報（タイトル・概要・対象製品・CVSS・対策）を入力してください。', en: 'Fill in the advisory fields (title, summary, affected products, CVSS, solution) before publishing.' };
        },
        async effect({ record, actor, trx }: { record: CaseRecord; actor: Actor; trx: Executor }) {
          // The advisory database module, once present, receives a draft through its service.
          const advisories = getCtx().services.get('advisories') as { createDraftFromCase?(c: CaseRecord, actor: Actor, trx: Executor): Promise<void> } | undefined;
          await advisories?.createDraftFromCase?.(record, actor, trx);
        },
      },
    },
  };
}
