// Japanese fiscal year (April–March), calendar quarters and 令和 era formatting. All dates are
// interpreted in Japan Standard Time (UTC+9, no DST) because the agency's periods are JST periods.
const JST_OFFSET_MS = 9 * 3600 * 1000;

/** Parts of the instant in JST. */
export function jstParts(d: Date): { y: number; m: number; d: number; hh: number; mm: number } {
  const j = new Date(d.getTime() + JST_OFFSET_MS);
  return { y: j.getUTCFullYear(), m: j.getUTCMonth() + 1, d: j.getUTCDate(), hh: j.getUTCHours(), mm: j.getUTCMinutes() };
}

/** The instant at 00:00 JST of the given calendar date. */
export function jstMidnight(y: number, m: number, d: number): Date {
  return new Date(Date.UTC(y, m - 1, d) - JST_OFFSET_MS);
}

/** Fiscal year (年度) of an instant: April–March, named by the April year. */
export function fiscalYearOf(d: Date): number {
  const p = jstParts(d);
  return p.m >= 4 ? p.y : p.y - 1;
}

export interface Period { from: Date; to: Date; label: { ja: string; en: string } }

/** [from, to) of a fiscal year in JST. */
export function fiscalYear(fy: number): Period {
  return {
    from: jstMidnight(fy, 4, 1),
    to: jstMidnight(fy + 1, 4, 1),
    label: { ja: `${eraYear(fy, 12, 31)}年度（${fy}年度）`, en: `FY${fy}` }, // FY2019 is 令和元年度: the era at the end of the calendar year
  };
}

/** Fiscal quarter q (1 = Apr–Jun … 4 = Jan–Mar) of fiscal year fy. */
export function fiscalQuarter(fy: number, q: 1 | 2 | 3 | 4): Period {
  const startMonth = [4, 7, 10, 1][q - 1];
  const y = q === 4 ? fy + 1 : fy;
  const from = jstMidnight(y, startMonth, 1);
  const to = q === 3 ? jstMidnight(fy + 1, 1, 1) : jstMidnight(q === 4 ? fy + 1 : fy, startMonth + 3, 1);
  return { from, to, label: { ja: `${fy}年度第${q}四半期`, en: `FY${fy} Q${q}` } };
}

/** Calendar quarter q of calendar year y (Q1 = Jan–Mar). */
export function calendarQuarter(y: number, q: 1 | 2 | 3 | 4): Period {
  const from = jstMidnight(y, (q - 1) * 3 + 1, 1);
  const to = q === 4 ? jstMidnight(y + 1, 1, 1) : jstMidnight(y, q * 3 + 1, 1);
  return { from, to, label: { ja: `${y}年第${q}四半期`, en: `${y} Q${q}` } };
}

/** End of a JST day as an exclusive bound: asOf 2021-03-31 means everything before 2021-04-01 00:00 JST. */
export function endOfJstDay(isoDate: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) throw new RangeError(`invalid date ${isoDate}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) throw new RangeError(`invalid date ${isoDate}`);
  return jstMidnight(y, mo, d + 1);
}

const ERAS: Array<{ name: string; en: string; start: [number, number, number] }> = [
  { name: '令和', en: 'Reiwa', start: [2019, 5, 1] },
  { name: '平成', en: 'Heisei', start: [1989, 1, 8] },
  { name: '昭和', en: 'Showa', start: [1926, 12, 25] },
];

function eraOf(y: number, m: number, d: number) {
  for (const e of ERAS) {
    const [ey, em, ed] = e.start;
    if (y > ey || (y === ey && (m > em || (m === em && d >= ed)))) return { era: e, year: y - ey + 1 };
  }
  return undefined;
}

/** "令和2" for the era year of a given date (元 for the first year, as printed documents do). */
export function eraYear(y: number, m: number, d = 1): string {
  const e = eraOf(y, m, d);
  if (!e) return String(y);
  return `${e.era.name}${e.year === 1 ? '元' : e.year}`;
}

/** 令和3年3月31日 */
export function formatWareki(date: Date): string {
  const p = jstParts(date);
  return `${eraYear(p.y, p.m, p.d)}年${p.m}月${p.d}日`;
}

/** 2021-03-31 (JST) */
export function isoDate(date: Date): string {
  const p = jstParts(date);
  return `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
}

export function formatDateTime(date: Date, lang: 'ja' | 'en'): string {
  const p = jstParts(date);
  const hm = `${String(p.hh).padStart(2, '0')}:${String(p.mm).padStart(2, '0')}`;
  return lang === 'ja' ? `${p.y}年${p.m}月${p.d}日 ${hm}` : `${isoDate(date)} ${hm} JST`;
}

export function formatDate(date: Date, lang: 'ja' | 'en'): string {
  const p = jstParts(date);
  return lang === 'ja' ? `${p.y}年${p.m}月${p.d}日（${formatWareki(date)}）` : isoDate(date);
}
