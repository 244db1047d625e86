// Validation of a notification (public form, JSON API and staff entry share it): every invalid
// field is reported at once, in Japanese and English, in the order the form shows them.
import type { FieldError } from '../../platform/http/errors.js';
import { validationFailed } from '../../platform/http/errors.js';
import type { Text } from '../../platform/i18n/i18n.js';
import {
  AFFECTED_SYSTEMS, ATTACK_METHODS, CHANNELS, DETECTION_ROUTES, REPORTER_TYPES, SECTORS, SIZES, UNAUTH_DAMAGE, VIRUS_DAMAGE, type IncidentKind,
} from './vocab.js';

/** A report as forms and the API take it (flat; multi-choice fields as arrays). */
export interface IncidentInput {
  kind?: string;
  reporterType?: string;
  reporterName?: string;
  reporterEmail?: string;
  reporterPhone?: string;
  organisationName?: string;
  department?: string;
  sector?: string;
  size?: string;
  // virus
  malwareName?: string;
  malwareFile?: string;
  detectionRoutes?: string[];
  os?: string;
  software?: string;
  discoveredOn?: string;
  // unauthorised access
  attackMethods?: string[];
  affectedSystems?: string[];
  reportedToPolice?: boolean | string;
  // both
  damaged?: boolean | string;
  damageTypes?: string[];
  occurredOn?: string;
  description?: string;
  countermeasures?: string;
}

/** What a case stores (`data`). Top-level codes and flags are what statistics count. */
export interface IncidentData {
  kind: IncidentKind;
  channel: string;
  reporterType: string;
  sector: string | null;
  size: string | null;
  reporter: { name: string; email: string; phone: string | null; organisationName: string | null; department: string | null };
  damaged: boolean;
  damageTypes: string[];
  occurredOn: string | null;
  description: string;
  countermeasures: string | null;
  malwareName?: string | null;
  malwareFile?: string | null;
  detectionRoutes?: string[];
  os?: string | null;
  software?: string | null;
  discoveredOn?: string | null;
  attackMethods?: string[];
  affectedSystems?: string[];
  reportedToPolice?: boolean;
  classification?: { code: string; notable: boolean; note: string | null; by: string; at: string };
  hearings?: Array<{ on: string; method: string; note: string; by: string; at: string }>;
}

export const FIELD_LABELS: Record<string, Text> = {
  kind: { ja: '届出の種類', en: 'Kind of report' },
  channel: { ja: '受付経路', en: 'Channel' },
  reporterType: { ja: '届出者の区分', en: 'Reporter' },
  reporterName: { ja: '氏名（担当者名）', en: 'Name (contact person)' },
  reporterEmail: { ja: '連絡先メールアドレス', en: 'Contact e-mail' },
  reporterPhone: { ja: '電話番号', en: 'Telephone' },
  organisationName: { ja: '企業・組織名', en: 'Company or organisation' },
  department: { ja: '部署名', en: 'Department' },
  sector: { ja: '業種', en: 'Sector' },
  size: { ja: '従業員規模', en: 'Number of employees' },
  malwareName: { ja: 'ウイルス名（判明している場合）', en: 'Malware name (if known)' },
  malwareFile: { ja: 'ファイル名・件名等', en: 'File name, mail subject etc.' },
  detectionRoutes: { ja: '発見・感染の経路', en: 'How it was found or arrived' },
  os: { ja: 'OS', en: 'Operating system' },
  software: { ja: '使用ソフトウェア（ウイルス対策ソフト等）', en: 'Software (antivirus etc.)' },
  discoveredOn: { ja: '発見日', en: 'Date discovered' },
  attackMethods: { ja: '攻撃の手口', en: 'Attack method' },
  affectedSystems: { ja: '被害を受けたシステム', en: 'Affected systems' },
  reportedToPolice: { ja: '警察への届出', en: 'Reported to the police' },
  damaged: { ja: '被害の有無', en: 'Damage' },
  damageTypes: { ja: '被害の内容', en: 'Kind of damage' },
  occurredOn: { ja: '発生日（判明している場合）', en: 'Date it happened (if known)' },
  description: { ja: '経緯・状況', en: 'What happened' },
  countermeasures: { ja: '実施した対策', en: 'Measures taken' },
  attachments: { ja: '添付ファイル', en: 'Attachments' },
};

const LIMITS: Record<string, number> = {
  reporterName: 200, reporterEmail: 254, reporterPhone: 40, organisationName: 200, department: 200, malwareName: 200, malwareFile: 300,
  os: 200, software: 300, description: 20_000, countermeasures: 5_000,
};

const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;

const msg = (field: string, ja: string, en: string): FieldError => {
  const l = FIELD_LABELS[field] ?? { ja: field, en: field };
  return { field, message: { ja: `「${l.ja}」${ja}`, en: `"${l.en}" ${en}` } };
};
const required = (f: string) => msg(f, 'は必須です。', 'is required.');

export function str(v: unknown): string { return typeof v === 'string' ? v.replace(/\r\n?/g, '\n').trim() : v === undefined || v === null ? '' : String(v).trim(); }
export function bool(v: unknown): boolean { return v === true || v === 'true' || v === 'on' || v === '1' || v === 'yes'; }
function list(v: unknown): string[] { return (Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v]).map(str).filter(Boolean); }

export function parseDate(v: string, now: Date): 'bad' | 'future' | 'old' | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const d = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : null;
  if (!d || d.getUTCMonth() !== +m![2] - 1 || d.getUTCDate() !== +m![3]) return 'bad';
  if (d.getTime() > now.getTime() + 86400_000) return 'future';
  if (d.getUTCFullYear() < 1990) return 'old';
  return null;
}

/** Validates a notification; throws 422 listing every invalid field in both languages. */
export function validateIncident(input: IncidentInput, opts: { channel: string; now?: Date }): IncidentData {
  const now = opts.now ?? new Date();
  const errors: FieldError[] = [];
  const s = (k: keyof IncidentInput) => {
    const v = str(input[k]);
    const max = LIMITS[k as string];
    if (max && v.length > max) errors.push(msg(k as string, `は ${max.toLocaleString()} 文字以内で入力してください。`, `must be at most ${max.toLocaleString()} characters.`));
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v)) errors.push(msg(k as string, 'に使用できない制御文字が含まれています。', 'contains control characters.'));
    return v;
  };
  const oneOf = (k: keyof IncidentInput, dict: Record<string, Text>, need: boolean): string | null => {
    const v = str(input[k]);
    if (!v) { if (need) errors.push(required(k as string)); return null; }
    if (!dict[v]) { errors.push(msg(k as string, 'の値が正しくありません。', 'has an invalid value.')); return null; }
    return v;
  };
  const many = (k: keyof IncidentInput, dict: Record<string, Text>): string[] | null => {
    const vs = [...new Set(list(input[k]))];
    if (vs.some((v) => !dict[v])) { errors.push(msg(k as string, 'に選択できない値が含まれています。', 'contains an invalid choice.')); return null; }
    return vs;
  };
  const date = (k: 'discoveredOn' | 'occurredOn') => {
    const v = s(k);
    if (!v) return null;
    const bad = parseDate(v, now);
    if (bad === 'bad') errors.push(msg(k, 'は YYYY-MM-DD 形式の日付で入力してください。', 'must be a date in YYYY-MM-DD format.'));
    else if (bad === 'future') errors.push(msg(k, 'に未来の日付は指定できません。', 'cannot be in the future.'));
    else if (bad === 'old') errors.push(msg(k, 'が古すぎます。', 'is too far in the past.'));
    return v;
  };

  const kind = str(input.kind);
  if (kind !== 'virus' && kind !== 'unauthorized') errors.push(msg('kind', 'は virus（コンピュータウイルス）または unauthorized（不正アクセス）を指定してください。', 'must be "virus" or "unauthorized".'));
  if (!CHANNELS[opts.channel]) errors.push(msg('channel', 'の値が正しくありません。', 'has an invalid value.'));
  const reporterType = oneOf('reporterType', REPORTER_TYPES, true);
  const name = s('reporterName');
  const email = s('reporterEmail').toLowerCase();
  const phone = s('reporterPhone');
  const orgName = s('organisationName');
  const department = s('department');
  if (!name) errors.push(required('reporterName'));
  if (!email) errors.push(required('reporterEmail'));
  else if (!EMAIL.test(email)) errors.push(msg('reporterEmail', 'の形式が正しくありません。', 'is not a valid e-mail address.'));
  if (phone && !/^[0-9+()\- ]{6,40}$/.test(phone)) errors.push(msg('reporterPhone', 'は数字とハイフンで入力してください。', 'may contain digits, spaces, +, - and brackets only.'));
  const isOrg = reporterType === 'company' || reporterType === 'organisation';
  if (isOrg && !orgName) errors.push(required('organisationName'));
  const sector = isOrg ? oneOf('sector', SECTORS, true) : null;
  const size = isOrg ? oneOf('size', SIZES, true) : null;

  const damagedRaw = str(input.damaged);
  let damaged = false;
  if (input.damaged === true || input.damaged === false) damaged = input.damaged;
  else if (damagedRaw === 'yes' || damagedRaw === 'true') damaged = true;
  else if (damagedRaw === 'no' || damagedRaw === 'false') damaged = false;
  else errors.push(damagedRaw ? msg('damaged', 'は「有り」か「無し」を選んでください。', 'must be yes or no.') : required('damaged'));
  const damageDict = kind === 'unauthorized' ? UNAUTH_DAMAGE : VIRUS_DAMAGE;
  const damageTypesOk = many('damageTypes', damageDict);
  const damageTypes = damageTypesOk ?? [];
  if (damageTypesOk && damaged && damageTypes.length === 0) errors.push(msg('damageTypes', 'を一つ以上選んでください（被害有りの場合）。', 'needs at least one choice when there was damage.'));
  if (!damaged && damageTypes.length > 0) errors.push(msg('damageTypes', 'は被害有りの場合にのみ選んでください。', 'applies only when there was damage.'));
  const occurredOn = date('occurredOn');
  const description = s('description');
  if (!description) errors.push(required('description'));
  const countermeasures = s('countermeasures');

  const data: Partial<IncidentData> = {};
  if (kind === 'virus') {
    data.malwareName = s('malwareName') || null;
    data.malwareFile = s('malwareFile') || null;
    const routes = many('detectionRoutes', DETECTION_ROUTES);
    data.detectionRoutes = routes ?? [];
    if (routes && routes.length === 0) errors.push(msg('detectionRoutes', 'を一つ以上選んでください。', 'needs at least one choice.'));
    data.os = s('os') || null;
    data.software = s('software') || null;
    data.discoveredOn = date('discoveredOn');
  } else if (kind === 'unauthorized') {
    const methods = many('attackMethods', ATTACK_METHODS);
    data.attackMethods = methods ?? [];
    if (methods && methods.length === 0) errors.push(msg('attackMethods', 'を一つ以上選んでください（不明の場合は「不明」）。', 'needs at least one choice ("Unknown" if unknown).'));
    const systems = many('affectedSystems', AFFECTED_SYSTEMS);
    data.affectedSystems = systems ?? [];
    if (systems && systems.length === 0) errors.push(msg('affectedSystems', 'を一つ以上選んでください。', 'needs at least one choice.'));
    const police = str(input.reportedToPolice);
    data.reportedToPolice = input.reportedToPolice === true || police === 'yes' || police === 'true' || police === 'on';
  }
  if (errors.length) {
    const order = Object.keys(FIELD_LABELS);
    throw validationFailed(errors.sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field)));
  }
  return {
    kind: kind as IncidentKind, channel: opts.channel, reporterType: reporterType!, sector, size,
    reporter: { name, email, phone: phone || null, organisationName: isOrg ? orgName : null, department: isOrg ? department || null : null },
    damaged, damageTypes, occurredOn, description, countermeasures: countermeasures || null, ...data,
  };
}

/** The case title: never the reporter's name, so lists and CSV exports stay low in personal data. */
export function titleOf(d: IncidentData): string {
  if (d.kind === 'virus') return `ウイルス届出${d.malwareName ? `（${d.malwareName}）` : ''}${d.damaged ? ' 被害有り' : ''}`;
  return `不正アクセス届出${d.damaged ? ' 被害有り' : ''}`;
}
