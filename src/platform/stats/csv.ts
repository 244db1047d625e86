// CSV for spreadsheets: RFC 4180 quoting, CRLF, and formula-injection guarding (cells starting
// with = + - @ are prefixed with '), in UTF-8 with BOM or Shift_JIS for older Excel installs.
import iconv from 'iconv-lite';

export type CsvEncoding = 'utf-8' | 'shift_jis';

export function parseCsvEncoding(v: unknown): CsvEncoding {
  return v === 'shift_jis' || v === 'sjis' ? 'shift_jis' : 'utf-8';
}

function cell(v: unknown): string {
  let s = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: unknown[][], encoding: CsvEncoding = 'utf-8'): Buffer {
  const text = rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
  return encoding === 'shift_jis' ? iconv.encode(text, 'Shift_JIS') : Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

export function csvContentType(encoding: CsvEncoding): string {
  return `text/csv; charset=${encoding === 'shift_jis' ? 'Shift_JIS' : 'utf-8'}`;
}

export function csvDisposition(name: string): string {
  return `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"`;
}
