// Demo data of the advisory database: FY2020 registrations as lightweight synthetic advisories, so
// that the monthly table reproduces the annual report (1,452 … 791 = 10,465), and the registrations
// before FY2020 as one counted baseline row (116,622), so that the cumulative total is 127,087.
// Generated in SQL (one insert per month) so that it loads in a few seconds on every start.
import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import { jstMidnight } from '../../platform/i18n/dates.js';

/** 登録件数 per month of FY2020 (April 2020 … March 2021), as printed in the annual report. */
export const FY2020_MONTHLY = [1452, 1297, 1523, 1202, 907, 969, 468, 383, 569, 479, 425, 791];
export const FY2020_CUMULATIVE = 127087;
export const PRE_FY2020 = FY2020_CUMULATIVE - FY2020_MONTHLY.reduce((a, b) => a + b, 0); // 116,622

const PRODUCTS = ['Apache HTTP Server', 'OpenSSL', 'WordPress', 'Microsoft Windows', 'Oracle Java SE', 'Cisco IOS', 'Linux Kernel', 'Google Chrome', 'Mozilla Firefox', 'Adobe Acrobat'];
const CWES: Array<[string, string, string]> = [
  ['CWE-79', 'クロスサイトスクリプティング', 'cross-site scripting'], ['CWE-89', 'SQL インジェクション', 'SQL injection'],
  ['CWE-787', '境界外書き込み', 'out-of-bounds write'], ['CWE-20', '不適切な入力確認', 'improper input validation'],
  ['CWE-352', 'クロスサイトリクエストフォージェリ', 'cross-site request forgery'], ['CWE-22', 'パス・トラバーサル', 'path traversal'],
];
const SEVERITIES = ['critical', 'high', 'high', 'medium', 'medium', 'medium', 'low'];

export async function loadAdvisoriesDemo(ctx: AppContext): Promise<void> {
  const done = await sql<{ n: number }>`select count(*)::int as n from advisories_registration_baseline`.execute(ctx.db);
  if (Number(done.rows[0].n) > 0) return;
  await ctx.db.transaction().execute(async (trx) => {
    const fyStart = jstMidnight(2020, 4, 1);
    await sql`insert into advisories_registration_baseline (before, count, note) values (${fyStart}, ${PRE_FY2020}, ${'Registrations before FY2020 (demo: counted, not itemised)'})`.execute(trx);
    const seq: Record<number, number> = {};
    for (let i = 0; i < 12; i++) {
      const month = ((i + 3) % 12) + 1; const year = month >= 4 ? 2020 : 2021;
      const from = jstMidnight(year, month, 1); const to = month === 12 ? jstMidnight(year + 1, 1, 1) : jstMidnight(year, month + 1, 1);
      const n = FY2020_MONTHLY[i]; const base = seq[year] ?? 0;
      const step = (to.getTime() - from.getTime()) / (n + 1) / 1000;
      await sql`
        with g as (select s, ${from}::timestamptz + (s * ${step}::float8 * interval '1 second') as at,
                          (${sql.raw(`array[${PRODUCTS.map((p) => `'${p}'`).join(',')}]`)})[1 + s % ${PRODUCTS.length}] as product,
                          (${sql.raw(`array[${CWES.map((c) => `'${c[0]}'`).join(',')}]`)})[1 + s % ${CWES.length}] as cwe,
                          (${sql.raw(`array[${CWES.map((c) => `'${c[1]}'`).join(',')}]`)})[1 + s % ${CWES.length}] as cwe_ja,
                          (${sql.raw(`array[${CWES.map((c) => `'${c[2]}'`).join(',')}]`)})[1 + s % ${CWES.length}] as cwe_en,
                          (${sql.raw(`array[${SEVERITIES.map((c) => `'${c}'`).join(',')}]`)})[1 + s % ${SEVERITIES.length}] as sev
                   from generate_series(1, ${n}::int) s)
        insert into advisories (id, jvndb_id, state, title_ja, title_en, cve_ids, cwe_ids, severity, public_date, first_published_at, modified_at, source, revision, search_text, updated_at)
        select gen_random_uuid(), 'JVNDB-' || ${year}::text || '-' || lpad((${base} + s)::text, 6, '0'), 'published',
               product || ' における' || cwe_ja || 'の脆弱性', cwe_en || ' vulnerability in ' || product,
               array['CVE-' || ${year}::text || '-' || (10000 + ${base} + s)::text], array[cwe], sev, at - interval '3 days', at, at, 'demo', 1,
               lower('jvndb-' || ${year}::text || '-' || lpad((${base} + s)::text, 6, '0') || ' ' || product || ' における' || cwe_ja || 'の脆弱性 ' || cwe_en || ' vulnerability in ' || product), at
        from g`.execute(trx);
      seq[year] = base + n;
    }
    await sql`insert into advisories_revisions (advisory_id, revision, at, actor, kind, note, snapshot)
      select id, 1, first_published_at, 'demo', 'imported', 'demo data', '{}'::jsonb from advisories where source = 'demo'`.execute(trx);
    for (const [year, n] of Object.entries(seq)) {
      await sql`insert into advisories_counters (year, n) values (${Number(year)}, ${n}) on conflict (year) do update set n = greatest(advisories_counters.n, excluded.n)`.execute(trx);
    }
  });
}
