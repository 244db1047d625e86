// The MyJVN-compatible endpoint `/myjvn?method=…&feed=hnd|oka` (GET, or POST with a form body, as
// MyJVN accepts both) and the JVNRSS feed of recently changed advisories. Every outcome is a MyJVN
// document: a bad request gets a status with retCd=1, errCd and errMsg in the feed's format (HTTP
// 200, like MyJVN, so existing clients read the status); an unexpected failure is logged and
// answered the same way with a server error code, never a bare 500.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import type { Severity } from '../../../shared/cvss.js';
import type { AdvisoriesService } from '../service.js';
import { MAX_ID, METHODS, MyJvnError, Params, parseCpeNames, PREFIX, serverError, unknownMethod, type Feed, type Lang, type Method } from './params.js';
import * as q from './query.js';
import * as hnd from './hnd.js';
import * as oka from './oka.js';
import { jst } from './xml.js';

const XML_TYPE = 'application/xml; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const DAY = 86400_000;
const HND_SEV: Record<string, Severity> = { n: 'none', l: 'low', m: 'medium', h: 'high', c: 'critical' };
const V3_VECTOR = /^CVSS:3\.[01]\/(AV:[NALP]\/AC:[LH]\/PR:[NLH]\/UI:[NR]\/S:[UC]\/C:[NLH]\/I:[NLH]\/A:[NLH])$/;
const V3_BASE = /^(CVSS:3\.[01]\/)?(AV:[NALP]\/AC:[LH]\/PR:[NLH]\/UI:[NR]\/S:[UC]\/C:[NLH]\/I:[NLH]\/A:[NLH])$/;
const V2_BASE = /^(AV:[NAL]\/AC:[HML]\/Au:[MSN]\/C:[NPC]\/I:[NPC]\/A:[NPC])$/;
const V4_PART = /^(CVSS:4\.0\/)?((AV|AC|AT|PR|UI|VC|VI|VA|SC|SI|SA):[A-Z])(\/(AV|AC|AT|PR|UI|VC|VI|VA|SC|SI|SA):[A-Z])*$/;

interface Ctx { p: Params; db: AppContext['db']; base: string; now: Date; lang: Lang; svc: AdvisoriesService }
interface Out { type: string; body: string }

const monthsAgo = (now: Date, n: number) => { const d = new Date(now); d.setUTCMonth(d.getUTCMonth() - n); return d; };
const ok = (p: Params, lang: Lang, retMax: number, total: number, got: number, start: number): hnd.Status => ({
  method: p.method, lang, retCd: 0, retMax, errCd: '', errMsg: '', totalRes: total, totalResRet: got, firstRes: got ? start : total ? start : 1, echo: p.echo,
});
const json = (v: unknown): Out => ({ type: JSON_TYPE, body: JSON.stringify(v) });
const xml = (body: string): Out => ({ type: XML_TYPE, body });

/** productName + nameType (OKA): product ids (cpe, jvnpid, pid) or vendor ids (vid). */
async function okaProduct(c: Ctx, vendorsOnly = false): Promise<{ productIds?: number[]; vendorIds?: number[] } | undefined> {
  const { p } = c;
  const nameType = p.oneOf('nameType', vendorsOnly ? (['cpe', 'jvnpid'] as const) : (['cpe', 'jvnpid', 'vid', 'pid'] as const));
  const nameParam = vendorsOnly ? 'vendorName' : 'productName';
  const name = p.str(nameParam, 500);
  if (!nameType && !name) return undefined;
  if (!nameType) throw p.err('nameType', 'missing', `${nameParam}を指定する場合はnameTypeも指定してください。`, `nameType is required with ${nameParam}.`);
  if (!name) throw p.err(nameParam, 'missing', `nameTypeを指定する場合は${nameParam}も指定してください。`, `${nameParam} is required with nameType.`);
  if (nameType === 'vid' || nameType === 'pid') {
    if (!/^\d{1,10}$/.test(name) || Number(name) < 1 || Number(name) > MAX_ID) throw p.err(nameParam, 'positiveInt', `${nameParam}は正の整数値のみ指定可能です。`, `${nameParam} must be a positive integer.`);
    return nameType === 'vid' ? { vendorIds: [Number(name)] } : { productIds: [Number(name)] };
  }
  const okPrefix = nameType === 'cpe' ? /^cpe:2\.3:/i : /^jvnpid:1\.0::/i;
  if (!okPrefix.test(name) || /[+ ]/.test(name.trim())) {
    throw p.err(nameParam, 'format', `${nameParam}の形式が正しくありません（${nameType === 'cpe' ? 'cpe:2.3:a:vendor:product' : 'jvnpid:1.0::vendor:product'}）。`, `Invalid ${nameParam} for nameType=${nameType}.`);
  }
  const pats = parseCpeNames(p, nameParam, name, false);
  return vendorsOnly ? { vendorIds: await q.resolveCpe(c.db, pats, 'vendors') } : { productIds: await q.resolveCpe(c.db, pats, 'products') };
}

function rejectVersions(p: Params) {
  for (const n of ['version', 'versionType', 'versionStart', 'versionStartType', 'versionEnd', 'versionEndType']) {
    if (p.has(n)) throw p.err('version', 'unsupported', `${n}（バージョン指定による絞り込み）は本サーバでは未対応です。バージョンの照合には /api/v1/version-check を使用してください。`, `${n} (filtering by version) is not supported here; use /api/v1/version-check.`);
  }
}

// ------------------------------------------------------------------ methods

async function getVulnOverviewList(c: Ctx): Promise<Out> {
  const { p, now, lang } = c;
  const { start, max, retMax } = p.paging();
  const f: q.OverviewFilter = {};
  f.keyword = p.str('keyword', 200);
  if (p.feed === 'hnd') {
    const cpe = p.str('cpeName');
    if (cpe) f.cpeProductIds = await q.resolveCpe(c.db, parseCpeNames(p, 'cpeName', cpe, false), 'products');
    f.vendorIds = p.ids('vendorId');
    f.productIds = p.ids('productId');
    const sev = p.oneOf('severity', ['n', 'l', 'm', 'h', 'c'] as const);
    const vector = p.str('vector', 200);
    if (vector && !V3_VECTOR.test(vector)) throw p.err('vector', 'format', 'vectorはCVSS v3.0形式（例: CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H）で指定してください。', 'vector must be a CVSS v3 base vector, e.g. CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H.');
    if (sev || vector) f.cvss = { versions: ['3.0', '3.1'], severity: sev ? HND_SEV[sev] : undefined, vector: vector ? V3_VECTOR.exec(vector)![1] : undefined };
    const window = (param: string) => {
      const v = p.oneOf(param, ['n', 'w', 'm'] as const);
      return { explicit: v !== undefined, from: (v ?? 'w') === 'w' ? new Date(now.getTime() - 7 * DAY) : (v ?? 'w') === 'm' ? monthsAgo(now, 1) : undefined };
    };
    for (const [rangeParam, base, code, key] of [
      ['rangeDatePublic', 'datePublic', 'datePublic', 'public'], ['rangeDatePublished', 'datePublished', 'datePublished', 'modified'],
      ['rangeDateFirstPublished', 'dateFirstPublished', 'dateFirstPublished', 'created'],
    ] as const) {
      const explicit = p.ymdRange(base, code);
      const w = window(rangeParam);
      if (explicit && w.explicit && w.from) throw p.err(rangeParam, 'conflict', `${rangeParam}と${base}Start/End…は同時に指定できません。`, `${rangeParam} cannot be combined with ${base}Start…/End….`);
      f[key] = explicit ?? (w.from ? { from: w.from } : undefined);
    }
  } else {
    rejectVersions(p);
    const range = p.oneOf('modifiedRangeDate', ['NONE', 'DAY', 'WEEK', 'MONTH'] as const);
    f.modified = p.yyyymmdd('modifiedStartDate', 'modifiedEndDate', 'modifiedDate', 19980101);
    f.created = p.yyyymmdd('createdStartDate', 'createdEndDate', 'createdDate', 19980101);
    f.public = p.yyyymmdd('publicStartDate', 'publicEndDate', 'publicDate', 19890101);
    if (range && (f.modified || f.created || f.public)) throw p.err('modifiedRangeDate', 'conflict', 'modifiedRangeDateと期間指定（modified/created/public…Date）は同時に指定できません。', 'modifiedRangeDate cannot be combined with modified/created/public…Date.');
    if (range && range !== 'NONE') f.modified = { from: range === 'DAY' ? new Date(now.getTime() - DAY) : range === 'WEEK' ? new Date(now.getTime() - 7 * DAY) : monthsAgo(now, 1) };
    const prod = await okaProduct(c);
    f.cpeProductIds = prod?.productIds; f.vendorIds = prod?.vendorIds;
    const cvssParams = ['cvssV2Metrics', 'cvssV2Severity', 'cvssV3Metrics', 'cvssV3Severity', 'cvssV4Metrics', 'cvssV4Severity'].filter((n) => p.has(n));
    if (cvssParams.length > 1) throw p.err('cvss', 'conflict', `CVSSの条件（${cvssParams.join(', ')}）はいずれか一つのみ指定可能です。`, `Only one CVSS condition may be given (${cvssParams.join(', ')}).`);
    if (cvssParams.length) {
      const n = cvssParams[0]; const ver = n.slice(5, 6);
      const versions = ver === '2' ? ['2.0'] : ver === '3' ? ['3.0', '3.1'] : ['4.0'];
      if (n.endsWith('Severity')) {
        const sev = p.oneOf(n, ver === '2' ? (['LOW', 'MEDIUM', 'HIGH'] as const) : (['NONE', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const))!;
        f.cvss = { versions, severity: sev.toLowerCase() as Severity };
      } else {
        const v = p.str(n, 200)!;
        const m = ver === '2' ? V2_BASE.exec(v) : ver === '3' ? V3_BASE.exec(v) : V4_PART.exec(v);
        if (!m) throw p.err('cvss', 'format', `${n}の形式が正しくありません。`, `Invalid ${n}.`);
        f.cvss = ver === '4' ? { versions, vector: v.replace(/^CVSS:4\.0\//, ''), partial: true } : { versions, vector: m[ver === '2' ? 1 : 2] };
      }
    }
  }
  if (f.cpeProductIds && !f.cpeProductIds.length) f.cpeProductIds = [-1];
  if (f.vendorIds && !f.vendorIds.length) f.vendorIds = [-1];
  const page = await q.overviewPage(c.db, f, start, max);
  const status = ok(p, lang, retMax, page.total, page.items.length, start);
  if (p.feed === 'oka') return json(oka.overviewFeed(page.items, { lang, base: c.base, status, now }));
  return xml(hnd.jvnrss(page.items, { lang, base: c.base, about: `${c.base}/myjvn`, title: lang === 'en' ? 'JVNDB Vulnerability Countermeasure Information' : 'JVNDB　脆弱性対策情報', status, now }));
}

async function getVulnDetailInfo(c: Ctx): Promise<Out> {
  const { p, lang, now } = c;
  const { start, max, retMax } = p.paging();
  const raw = p.str('vulnId', 2000);
  if (!raw) throw p.err('vulnId', 'missing', 'vulnIdは必須です。', 'vulnId is required.');
  const ids = [...new Set(raw.split(/[+ ]+/).filter(Boolean))];
  const bad = ids.find((i) => !/^JVNDB-\d{4}-\d{6}$/.test(i));
  if (bad || ids.length > 100) throw p.err('vulnId', 'format', `vulnIdはJVNDB-YYYY-XXXXXX形式で指定してください（複数指定は "+" で連結、100件まで）: ${(bad ?? '').slice(0, 40)}`, `vulnId must be JVNDB-YYYY-NNNNNN (join several with "+", at most 100): ${(bad ?? '').slice(0, 40)}`);
  if (p.feed === 'oka') {
    const ft = p.oneOf('ft', ['jvncsaf', 'jvnstix'] as const, 'jvncsaf');
    if (ft === 'jvnstix') throw p.err('ft', 'unsupported', 'ft=jvnstix（STIX形式）は本サーバでは未対応です。ft=jvncsafを使用してください。', 'ft=jvnstix (STIX) is not supported here; use ft=jvncsaf.');
  }
  const found = await q.detailItems(c.db, ids);
  // OKA returns one CSAF document per response (retMax 1): page through several ids with startItem.
  const pageItems = found.slice(start - 1, start - 1 + (p.feed === 'oka' ? 1 : max));
  const status = ok(p, lang, p.feed === 'oka' ? 1 : retMax, found.length, pageItems.length, start);
  const history = await q.revisionsOf(c.db, pageItems.map((i) => i.id));
  if (p.feed === 'oka') {
    if (!pageItems.length) return json(oka.okaError(status));
    return json(oka.csafDetail(pageItems[0], history.get(pageItems[0].id) ?? [], { lang, base: c.base, status, now }));
  }
  if (!pageItems.length) return xml(hnd.resultStatusOnly(status));
  return xml(hnd.vuldef(pageItems, history, { lang, base: c.base, status }));
}

async function getVendorList(c: Ctx): Promise<Out> {
  const { p, lang, now } = c;
  const { start, max, retMax } = p.paging();
  const keyword = p.str('keyword', 200);
  let vendorIds: number[] | undefined;
  if (p.feed === 'hnd') {
    const cpe = p.str('cpeName');
    if (cpe) vendorIds = await q.resolveCpe(c.db, parseCpeNames(p, 'cpeName', cpe, false), 'vendors');
  } else {
    vendorIds = (await okaProduct(c, true))?.vendorIds;
  }
  if (vendorIds && !vendorIds.length) vendorIds = [-1];
  const page = await q.vendorPage(c.db, { keyword, vendorIds }, start, max);
  const status = ok(p, lang, retMax, page.total, page.items.length, start);
  if (p.feed === 'oka') return json(oka.vendorDictionary(page.items, { lang, base: c.base, status, now }));
  return xml(page.items.length ? hnd.vendorList(page.items, { lang, status }) : hnd.resultStatusOnly(status));
}

async function getProductList(c: Ctx): Promise<Out> {
  const { p, lang, now } = c;
  const { start, max, retMax } = p.paging();
  const keyword = p.str('keyword', 200);
  let f: { vendorIds?: number[]; productIds?: number[] } = {};
  if (p.feed === 'hnd') {
    const given = ['cpeName', 'vendorId', 'productId'].filter((n) => p.has(n));
    if (given.length > 1) throw p.err(given[1], 'conflict', `cpeName、vendorId、productIdはいずれか一つのみ指定可能です（${given.join(', ')}）。`, `Give only one of cpeName, vendorId, productId (got ${given.join(', ')}).`);
    const cpe = p.str('cpeName');
    if (cpe) f.productIds = await q.resolveCpe(c.db, parseCpeNames(p, 'cpeName', cpe, false), 'products');
    f.vendorIds = p.ids('vendorId') ?? undefined;
    f.productIds = f.productIds ?? p.ids('productId');
  } else {
    rejectVersions(p);
    f = (await okaProduct(c)) ?? {};
  }
  if (f.productIds && !f.productIds.length) f.productIds = [-1];
  if (f.vendorIds && !f.vendorIds.length) f.vendorIds = [-1];
  const page = await q.productPage(c.db, { keyword, ...f }, start, max);
  const status = ok(p, lang, retMax, page.total, page.items.length, start);
  if (p.feed === 'oka') return json(oka.productDictionary(page.items, { lang, base: c.base, status, now }));
  return xml(page.items.length ? hnd.productList(page.items, { lang, status }) : hnd.resultStatusOnly(status));
}

async function getAlertList(c: Ctx): Promise<Out> {
  const { p, lang, now } = c;
  const { start, max, retMax } = p.paging();
  const f: q.AlertFilter = {};
  let ft: 'xml' | 'json' = 'xml';
  if (p.feed === 'hnd') {
    f.modifiedYear = p.year('datePublished', 'datePublished');
    f.createdYear = p.year('dateFirstPublished', 'dateFirstPublished');
    const cpe = p.str('cpeName');
    if (cpe) { f.cpe = parseCpeNames(p, 'cpeName', cpe, false); f.productIds = await q.resolveCpe(c.db, f.cpe, 'products'); }
    ft = p.oneOf('ft', ['xml', 'json'] as const, 'xml')!;
  } else {
    rejectVersions(p);
    f.modified = p.yyyymmdd('modifiedStartDate', 'modifiedEndDate', 'modifiedDate', 19980101);
    f.created = p.yyyymmdd('createdStartDate', 'createdEndDate', 'createdDate', 19980101);
    f.public = p.yyyymmdd('publicStartDate', 'publicEndDate', 'publicDate', 19890101);
    const prod = await okaProduct(c);
    if (prod) { f.productIds = prod.productIds ?? []; f.vendorIds = prod.vendorIds; }
    f.keyword = p.str('keyword', 200);
  }
  const page = await q.alertPage(c.db, f, start, max);
  const status = ok(p, lang, retMax, page.total, page.items.length, start);
  if (p.feed === 'oka') return json(oka.alertFeed(page.items, { lang, base: c.base, status, now }));
  if (ft === 'json') return json(oka.alertJsonHnd(page.items, { lang, base: c.base, status, now }));
  return xml(hnd.alertAtom(page.items, { lang, base: c.base, status, now }));
}

/** Period keys from `from` to `to` (inclusive) for type y / q / m. */
function periods(type: 'y' | 'q' | 'm', from: { y: number; m: number }, to: { y: number; m: number }): string[] {
  const out: string[] = [];
  if (type === 'y') for (let y = from.y; y <= to.y; y++) out.push(String(y));
  else if (type === 'm') for (let y = from.y, m = from.m; y < to.y || (y === to.y && m <= to.m); m === 12 ? (y++, m = 1) : m++) out.push(`${y}-${String(m).padStart(2, '0')}`);
  else for (let y = from.y, qq = Math.ceil(from.m / 3); y < to.y || (y === to.y && qq <= Math.ceil(to.m / 3)); qq === 4 ? (y++, qq = 1) : qq++) out.push(`${y}-${qq}Q`);
  return out;
}
const jstYm = (d: Date) => { const s = jst(d); return { y: Number(s.slice(0, 4)), m: Number(s.slice(5, 7)) }; };

async function getStatistics(c: Ctx): Promise<Out> {
  const { p, lang, now } = c;
  const retMax = 10000;
  if (p.feed === 'hnd') {
    const theme = p.oneOf('theme', ['sumAll', 'sumJvnDb', 'sumCvss', 'sumCwe'] as const);
    if (!theme) throw p.err('theme', 'missing', 'themeは必須です（sumAll, sumJvnDb, sumCvss, sumCwe）。', 'theme is required (sumAll, sumJvnDb, sumCvss, sumCwe).');
    const type = p.oneOf('type', ['y', 'q', 'm'] as const, 'y')!;
    const cweId = p.str('cweId', 20);
    if (cweId && !/^CWE-\d{1,5}$/.test(cweId)) throw p.err('cweId', 'format', 'cweIdはCWE-n形式で指定してください。', 'cweId must look like CWE-79.');
    if (theme === 'sumCwe' && !cweId) throw p.err('cweId', 'missing', 'theme=sumCweの場合、cweIdは必須です。', 'cweId is required with theme=sumCwe.');
    const filter: q.StatFilter = { productIds: p.ids('pid') };
    const cpe = p.str('cpeName');
    if (cpe) { const ids = await q.resolveCpe(c.db, parseCpeNames(p, 'cpeName', cpe, false), 'products'); filter.productIds = ids.length ? ids : [-1]; }
    const range = p.ymdRange('datePublic', 'datePublic', false) ?? {};
    const first = range.from ? jstYm(range.from) : { y: (await q.firstYear(c.db, 'public')) ?? jstYm(now).y, m: 1 };
    const last = range.to ? jstYm(new Date(range.to.getTime() - 1)) : jstYm(now);
    const keys = periods(type, { y: first.y, m: type === 'y' ? 1 : first.m }, last);
    if (keys.length > 2000) throw p.err('datePublic', 'range', '集計期間が長すぎます（2000期間まで）。', 'The period is too long (at most 2000 periods).');
    const fill = (rows: q.StatRow[]) => keys.map((k) => rows.find((r) => r.key === k) ?? { key: k, all: 0, critical: 0, high: 0, medium: 0, low: 0, none: 0 });
    const blocks: hnd.StatBlock[] = [];
    if (theme === 'sumAll' || theme === 'sumJvnDb' || theme === 'sumCvss') {
      const rows = fill(await q.statistics(c.db, filter, type, 'public', range, ['3.0', '3.1']));
      if (theme !== 'sumCvss') blocks.push({ theme: 'sumJvnDb', rows });
      if (theme !== 'sumJvnDb') blocks.push({ theme: 'sumCvss', rows });
    }
    if ((theme === 'sumAll' || theme === 'sumCwe') && cweId) blocks.push({ theme: 'sumCwe', cweId, rows: fill(await q.statistics(c.db, { ...filter, cweId }, type, 'public', range, ['3.0', '3.1'])) });
    const status: hnd.Status = { ...ok(p, lang, retMax, keys.length, keys.length, 1), firstRes: '', retMaxCnt: Math.max(0, ...blocks.flatMap((b) => b.rows.map((r) => r.all))) };
    if (!p.echo.type) p.echo.type = type;
    return xml(hnd.statistics(blocks, await q.totals(c.db), { status }));
  }
  const from = p.year('pubStartDate', 'pubDate');
  const to = p.year('pubEndDate', 'pubDate');
  if (from && to && from > to) throw p.err('pubDate', 'conflict', 'pubStartDateがpubEndDateより後です。', 'pubStartDate is after pubEndDate.');
  const metricType = p.oneOf('metricType', ['cvssV2', 'cvssV3', 'cvssV4'] as const, 'cvssV3')!;
  let cweId = p.str('cweId', 20);
  if (cweId) {
    if (!/^(CWE-)?\d{1,5}$/.test(cweId)) throw p.err('cweId', 'format', 'cweIdはCWE番号で指定してください。', 'cweId must be a CWE number.');
    cweId = cweId.startsWith('CWE-') ? cweId : `CWE-${cweId}`;
  }
  const prod = await okaProduct(c);
  const startYear = from ?? (await q.firstYear(c.db, 'created')) ?? jstYm(now).y;
  const endYear = to ?? jstYm(now).y;
  if (endYear - startYear > 200) throw p.err('pubDate', 'range', '集計期間が長すぎます。', 'The period is too long.');
  const range = { from: new Date(Date.UTC(startYear, 0, 1) - 9 * 3600_000), to: new Date(Date.UTC(endYear + 1, 0, 1) - 9 * 3600_000) };
  const versions = metricType === 'cvssV2' ? ['2.0'] : metricType === 'cvssV3' ? ['3.0', '3.1'] : ['4.0'];
  const rows = await q.statistics(c.db, { cweId, productIds: prod?.productIds?.length === 0 ? [-1] : prod?.productIds, vendorIds: prod?.vendorIds }, 'm', 'created', range, versions);
  const years = Array.from({ length: Math.max(0, endYear - startYear + 1) }, (_, i) => startYear + i);
  const status = ok(p, lang, retMax, years.length, years.length, 1);
  const filter = { nameType: p.echo.nameType ?? '', productName: p.echo.productName ?? '', cweId: cweId ?? '', metricType, pubStartDate: String(startYear), pubEndDate: String(endYear) };
  return json(oka.statisticsDoc(rows, years, await q.totals(c.db), filter, { lang, base: c.base, status, now }));
}

const HANDLERS: Record<Method, (c: Ctx) => Promise<Out>> = { getVulnOverviewList, getVulnDetailInfo, getVendorList, getProductList, getAlertList, getStatistics };

/** The document an error is answered with, in the format the client asked for. */
function errorOut(e: MyJvnError, method: string, feed: Feed, lang: Lang, echo: Record<string, string>, base: string, now: Date, ftJson: boolean): Out {
  const known = (METHODS as readonly string[]).includes(method);
  const status: hnd.Status = { method: known ? method : method.slice(0, 100), lang, retCd: 1, retMax: '', errCd: e.code, errMsg: e.text(lang), totalRes: '', totalResRet: '', firstRes: '', echo };
  if (feed === 'oka') return json(oka.okaError(status));
  if (method === 'getAlertList' && ftJson) return json(oka.alertJsonHnd([], { lang, base, status, now }));
  switch (method) {
    case 'getVulnOverviewList': return xml(hnd.jvnrss([], { lang, base, about: `${base}/myjvn`, title: lang === 'en' ? 'JVNDB Vulnerability Countermeasure Information' : 'JVNDB　脆弱性対策情報', status, now }));
    case 'getAlertList': return xml(hnd.alertAtom([], { lang, base, status, now }).replace(/<entry>.*?<\/entry>\n/s, ''));
    default: return xml(hnd.resultStatusOnly(status));
  }
}

export async function myjvnRoutes(app: FastifyInstance, ctx: AppContext, svc: AdvisoriesService) {
  const handle = async (req: FastifyRequest, reply: FastifyReply) => {
    const raw = Params.collect(req.query, req.method === 'POST' ? req.body : undefined);
    const now = new Date();
    const base = ctx.config.baseUrl;
    const feed: Feed = raw.feed === 'oka' ? 'oka' : 'hnd';
    const lang: Lang = raw.lang === 'en' ? 'en' : 'ja';
    const method = raw.method ?? '';
    let p: Params | null = null;
    let out: Out;
    try {
      if (!(METHODS as readonly string[]).includes(method)) throw unknownMethod(method);
      p = new Params(raw, method as Method, feed);
      if (!raw.feed) throw p.err('feed', 'missing', 'feedは必須です（hnd または oka）。', 'feed is required (hnd or oka).');
      if (raw.feed !== 'hnd' && raw.feed !== 'oka') throw p.err('feed', 'value', 'feedに指定できない値です（hnd, oka）。', 'feed must be hnd or oka.');
      const lang2 = p.lang();
      out = await HANDLERS[method as Method]({ p, db: ctx.db, base, now, lang: lang2, svc });
    } catch (e) {
      const echo = p?.echo ?? {};
      if (e instanceof MyJvnError) {
        out = errorOut(e, method, feed, lang, echo, base, now, raw.ft === 'json');
      } else {
        req.log.error({ err: e, method }, 'myjvn request failed');
        const prefix = (PREFIX as Record<string, string>)[method] ?? 'MY';
        out = errorOut(serverError(prefix), method, feed, lang, echo, base, now, raw.ft === 'json');
      }
    }
    return reply.type(out.type).header('cache-control', 'public, max-age=60').send(out.body);
  };
  app.get('/myjvn', { config: { csrf: false } }, handle);
  app.post('/myjvn', { config: { csrf: false } }, handle);

  // JVNRSS 3.2 feed of the latest new and updated advisories (same builder as getVulnOverviewList).
  app.get('/advisories/feed/jvnrss.xml', async (req, reply) => {
    const lang: Lang = (req.query as { lang?: string }).lang === 'en' ? 'en' : 'ja';
    const items = await q.recent(ctx.db, 100);
    const now = new Date();
    const body = hnd.jvnrss(items, {
      lang, base: ctx.config.baseUrl, about: `${ctx.config.baseUrl}/advisories/feed/jvnrss.xml`,
      title: lang === 'en' ? 'JVN iPedia — new and updated advisories' : 'JVN iPedia 新着・更新情報', now: items[0]?.modifiedAt ?? now,
    });
    return reply.type('application/rdf+xml; charset=utf-8').header('cache-control', 'public, max-age=300').send(body);
  });
}
