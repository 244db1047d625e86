// Request parameters of the MyJVN API: names, defaults and limits as MyJVN documents them
// (MyJVN/np docs/*.md), and the error status a bad value produces. Parameter names are
// case-sensitive; an empty value means "use the default"; a missing required parameter is an error.
import { jstMidnight } from '../../../platform/i18n/dates.js';

export const METHODS = ['getVulnOverviewList', 'getVulnDetailInfo', 'getVendorList', 'getProductList', 'getAlertList', 'getStatistics'] as const;
export type Method = (typeof METHODS)[number];
export type Feed = 'hnd' | 'oka';
export type Lang = 'ja' | 'en';

/** Error-code prefix per method (VL, VN and PR are MyJVN's own; the others follow the pattern). */
export const PREFIX: Record<Method, string> = {
  getVulnOverviewList: 'VL', getVulnDetailInfo: 'VD', getVendorList: 'VN', getProductList: 'PR', getAlertList: 'AL', getStatistics: 'ST',
};
/** maxCountItem: default = maximum per method and feed (entry limit, MyJVN's retMax). */
export const LIMITS: Record<Method, { hnd: number; oka: number }> = {
  getVulnOverviewList: { hnd: 50, oka: 50 }, getVulnDetailInfo: { hnd: 10, oka: 10 }, getVendorList: { hnd: 10000, oka: 10000 },
  getProductList: { hnd: 10000, oka: 10000 }, getAlertList: { hnd: 50, oka: 50 }, getStatistics: { hnd: 10000, oka: 10000 },
};

/** Two-digit number of each parameter inside an error code (`<prefix>01<param><kind>`). */
const PARAM_NO: Record<string, string> = {
  method: '01', startItem: '02', maxCountItem: '03', feed: '04', lang: '05', cpeName: '06', vendorId: '07', productId: '08', keyword: '09',
  severity: '10', vector: '11', rangeDatePublic: '12', rangeDatePublished: '13', rangeDateFirstPublished: '14', datePublic: '15', datePublished: '16',
  dateFirstPublished: '17', vulnId: '18', theme: '19', type: '20', cweId: '21', pid: '22', ft: '23', nameType: '26', productName: '27',
  vendorName: '28', version: '29', cvss: '30', modifiedRangeDate: '31', modifiedDate: '32', createdDate: '33', publicDate: '34', pubDate: '35', metricType: '36',
};
export const KIND = { missing: '0001', value: '0002', positiveInt: '0003', range: '0004', format: '0005', conflict: '0006', unsupported: '0007' } as const;

/** A request MyJVN would answer with retCd=1: the code and the (Japanese, English) message. */
export class MyJvnError extends Error {
  constructor(readonly code: string, readonly ja: string, readonly en: string) { super(en); }
  /** errMsg: Japanese first, then English (MyJVN prints Japanese only). */
  text(lang: Lang): string { return lang === 'en' ? `${this.en} / ${this.ja}` : `${this.ja} / ${this.en}`; }
}
export const unknownMethod = (m: string) => new MyJvnError(m ? 'MY01010002' : 'MY01010001',
  m ? `methodに指定できない値です（${METHODS.join(', ')}）。` : 'methodは必須です。',
  m ? `Unknown method; use one of ${METHODS.join(', ')}.` : 'The method parameter is required.');
export const serverError = (prefix: string) => new MyJvnError(`${prefix}02990001`,
  'サーバ側でエラーが発生しました。しばらく時間を置いてから再試行してください。', 'A server error occurred. Please retry later.');

const MAX_VALUE = 1000;
const MULTI = new Set(['vulnId', 'cpeName', 'vendorId', 'productId', 'pid']);
/** Dictionary ids are PostgreSQL integers. */
export const MAX_ID = 2147483647;

/** Reads a MyJVN request (query string and, for POST, the form body). */
export class Params {
  /** Parameters echoed in the status (only those given). */
  readonly echo: Record<string, string> = {};
  constructor(private readonly raw: Record<string, string>, readonly method: Method, readonly feed: Feed) {}

  static collect(query: unknown, body: unknown): Record<string, string> {
    const out: Record<string, string> = {};
    for (const src of [body, query]) {
      if (!src || typeof src !== 'object') continue;
      for (const [k, v] of Object.entries(src as Record<string, unknown>)) {
        if (k === '_csrf') continue;
        const val = Array.isArray(v) ? v[0] : v;
        if (typeof val === 'string' || typeof val === 'number') out[k] = String(val);
      }
    }
    return out;
  }

  err(param: string, kind: keyof typeof KIND, ja: string, en: string): MyJvnError {
    return new MyJvnError(`${PREFIX[this.method]}01${PARAM_NO[param] ?? '99'}${KIND[kind]}`, ja, en);
  }

  /** The value, or undefined when absent or empty (= default). */
  str(name: string, maxLen = MAX_VALUE): string | undefined {
    const v = this.raw[name];
    if (v === undefined || v === '') return undefined;
    if (v.length > maxLen) throw this.err(name, 'range', `${name}は${maxLen}文字以内で指定してください。`, `${name} must be at most ${maxLen} characters.`);
    // Control characters (NUL cannot even be stored in PostgreSQL text) are refused.
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001F\u007F]/.test(v)) throw this.err(name, 'format', `${name}に制御文字は使用できません。`, `${name} must not contain control characters.`);
    // A "+" (MyJVN's separator) arrives as a space when the client did not percent-encode it.
    this.echo[name] = MULTI.has(name) ? v.replace(/ /g, '+') : v;
    return v;
  }
  has(name: string): boolean { return this.raw[name] !== undefined && this.raw[name] !== ''; }

  positiveInt(name: string, min: number, max: number): number | undefined {
    const v = this.str(name, 20);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v) || Number(v) < 1) throw this.err(name, 'positiveInt', `${name}は正の整数値のみ指定可能です。`, `${name} must be a positive integer.`);
    const n = Number(v);
    if (n < min || n > max) throw this.err(name, 'range', `${name}は${min}～${max}の範囲で指定してください。`, `${name} must be between ${min} and ${max}.`);
    return n;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], dflt?: T): T | undefined {
    const v = this.str(name, 100);
    if (v === undefined) return dflt;
    if (!(allowed as readonly string[]).includes(v)) throw this.err(name, 'value', `${name}に指定できない値です（${allowed.join(', ')}）。`, `${name} must be one of ${allowed.join(', ')}.`);
    return v as T;
  }

  /** Integer ids joined with "+" (a "+" in a query string arrives as a space). */
  ids(name: string): number[] | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    const parts = v.split(/[+ ]+/).filter(Boolean);
    if (!parts.length || parts.length > 100 || parts.some((p) => !/^\d{1,10}$/.test(p) || Number(p) < 1 || Number(p) > MAX_ID)) {
      throw this.err(name, 'positiveInt', `${name}は正の整数値のみ指定可能です（複数指定は "+" で連結）。`, `${name} must be positive integers joined with "+".`);
    }
    return parts.map(Number);
  }

  /** startItem / maxCountItem with the method's limit. */
  paging(): { start: number; max: number; retMax: number } {
    const retMax = LIMITS[this.method][this.feed];
    const start = this.positiveInt('startItem', 1, 1_000_000_000) ?? 1;
    const max = this.positiveInt('maxCountItem', 1, retMax) ?? retMax;
    return { start, max, retMax };
  }

  lang(): Lang { return this.oneOf('lang', ['ja', 'en'] as const, 'ja')!; }

  /**
   * HND dates: `<base>StartY/M/D` and `<base>EndY/M/D` → [from, to) in JST. Month and day are
   * optional (start: first day; end: last day inclusive); a month or day without its year is an error.
   */
  ymdRange(base: string, code: string, withDay = true): { from?: Date; to?: Date } | undefined {
    const one = (edge: 'Start' | 'End') => {
      const y = this.str(`${base}${edge}Y`, 20); const m = this.str(`${base}${edge}M`, 20); const d = withDay ? this.str(`${base}${edge}D`, 20) : undefined;
      if (y === undefined && m === undefined && d === undefined) return undefined;
      const bad = (what: string, en: string) => this.err(code, 'format', `${base}${edge}${what}`, en);
      if (y === undefined || !/^\d{4}$/.test(y)) throw bad(`Yは整数4桁で指定してください。`, `${base}${edge}Y must be a 4-digit year.`);
      if (m !== undefined && (!/^\d{1,2}$/.test(m) || +m < 1 || +m > 12)) throw bad('Mは1～12で指定してください。', `${base}${edge}M must be 1–12.`);
      if (d !== undefined && (!/^\d{1,2}$/.test(d) || +d < 1 || +d > 31)) throw bad('Dは1～31で指定してください。', `${base}${edge}D must be 1–31.`);
      if (d !== undefined && m === undefined) throw bad('Dを指定する場合はMも指定してください。', `${base}${edge}D needs ${base}${edge}M.`);
      const yy = +y; const mm = m ? +m : undefined; const dd = d ? +d : undefined;
      if (yy < 1900 || yy > 2999) throw bad('Yは1900～2999で指定してください。', `${base}${edge}Y must be between 1900 and 2999.`);
      if (mm && dd && new Date(Date.UTC(yy, mm - 1, dd)).getUTCDate() !== dd) throw bad(`の日付が存在しません（${yy}-${mm}-${dd}）。`, `${base}${edge}: no such date ${yy}-${mm}-${dd}.`);
      if (edge === 'Start') return jstMidnight(yy, mm ?? 1, dd ?? 1);
      return dd ? jstMidnight(yy, mm!, dd + 1) : mm ? jstMidnight(yy, mm + 1, 1) : jstMidnight(yy + 1, 1, 1);
    };
    const from = one('Start'); const to = one('End');
    if (!from && !to) return undefined;
    if (from && to && from >= to) throw this.err(code, 'conflict', `${base}の開始日が終了日より後です。`, `The ${base} start is after its end.`);
    return { from, to };
  }

  /** OKA dates: `YYYYMMDD` (8 digits) for start and end → [from, to) in JST. */
  yyyymmdd(startName: string, endName: string, code: string, min: number): { from?: Date; to?: Date } | undefined {
    const one = (name: string, end: boolean) => {
      const v = this.str(name, 20);
      if (v === undefined) return undefined;
      const m = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
      const bad = () => this.err(code, 'format', `${name}は整数8桁（YYYYMMDD、${min}以降）で指定してください。`, `${name} must be a date YYYYMMDD (from ${min}).`);
      if (!m) throw bad();
      const [y, mo, d] = [+m[1], +m[2], +m[3]];
      if (mo < 1 || mo > 12 || d < 1 || new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d || +v < min || y > 2999) throw bad();
      return jstMidnight(y, mo, d + (end ? 1 : 0));
    };
    const from = one(startName, false); const to = one(endName, true);
    if (!from && !to) return undefined;
    if (from && to && from >= to) throw this.err(code, 'conflict', `${startName}が${endName}より後です。`, `${startName} is after ${endName}.`);
    return { from, to };
  }

  /** A 4-digit year (getAlertList datePublished / dateFirstPublished, OKA pubStartDate …). */
  year(name: string, code: string): number | undefined {
    const v = this.str(name, 20);
    if (v === undefined) return undefined;
    if (!/^\d{1,4}$/.test(v) || +v < 1 || +v > 9999) throw this.err(code, 'format', `${name}は半角数字のみ指定可能です（1～9999）。`, `${name} must be a number (1–9999).`);
    return +v;
  }
}

/** A CPE 2.2 URI pattern from cpeName (`cpe:/{part}:{vendor}[:{product}]`, `*` wildcards) → LIKE patterns. */
export interface CpePattern { part?: string; vendor: string; product?: string }
export function parseCpeNames(p: Params, param: string, value: string, requireProduct: boolean): CpePattern[] {
  const items = value.split(/[+ ]+/).filter(Boolean);
  if (!items.length || items.length > 50) throw p.err(param, 'format', `${param}の形式が正しくありません。`, `Invalid ${param}.`);
  return items.map((raw) => {
    let s = raw.trim();
    try { s = decodeURIComponent(s); } catch { /* keep as is */ }
    let m: Array<string | undefined> | null = /^cpe:\/([aho*]?):([^:]+)(?::([^:]+))?(?::.*)?$/i.exec(s) ?? /^cpe:2\.3:([aho*-]?):([^:]+)(?::([^:]+))?(?::.*)?$/i.exec(s);
    if (!m) { const j = /^jvnpid:1\.0::([^:]+)(?::([^:]+))?(?::.*)?$/i.exec(s); m = j ? [j[0], '', j[1], j[2]] : null; }
    if (!m || (requireProduct && !m[3])) {
      throw p.err(param, 'format', `${param}の形式が正しくありません（例: cpe:/a:apache:http_server）: ${raw.slice(0, 100)}`, `Invalid ${param} (e.g. cpe:/a:apache:http_server): ${raw.slice(0, 100)}`);
    }
    const pat = (x: string) => x.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c).replace(/\*/g, '%');
    return { part: m[1] && m[1] !== '*' && m[1] !== '-' ? m[1].toLowerCase() : undefined, vendor: pat(m[2]!), product: m[3] ? pat(m[3]) : undefined };
  });
}
