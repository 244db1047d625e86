// Demo data of icat: the annual report counts 980 websites using icat in FY2020 (seed line 445,
// 「ウェブサイト利用数 980サイト」). Generated in SQL: 930 registered demo sites embedding the widget on
// their www host, 50 of which also on their bare domain → 980 distinct (key × host) pairs with views
// in FY2020, spread over the months after each site's registration. Noise that must not count: sites
// seen only in FY2019 or FY2021, views without a known host, suspended sites never seen.
import { sql } from 'kysely';
import type { AppContext } from '../../../platform/context.js';

export const FY2020_EMBEDDING_SITES = 980;
const ACTIVE = 930; const TWO_HOSTS = 50; const OUT_OF_YEAR = 15; const SUSPENDED = 5;

export async function loadIcatDemo(ctx: AppContext): Promise<void> {
  const done = await sql<{ n: number }>`select count(*)::int as n from advisories_icat_sites where source = 'demo'`.execute(ctx.db);
  if (Number(done.rows[0].n) > 0) return;
  const total = ACTIVE + OUT_OF_YEAR + SUSPENDED;
  await ctx.db.transaction().execute(async (trx) => {
    // Sites 1..930 registered between 2016-04 and 2021-03 (JST), the rest earlier.
    await sql`insert into advisories_icat_sites (id, key, name, url, origin, email, state, source, created_at, state_changed_at)
      select gen_random_uuid(), 'icat_demo_' || substr(md5('icat-demo-' || s), 1, 24), 'デモサイト ' || lpad(s::text, 4, '0'),
             'https://www.site' || lpad(s::text, 4, '0') || '.example.jp/', 'https://www.site' || lpad(s::text, 4, '0') || '.example.jp',
             'webmaster@site' || lpad(s::text, 4, '0') || '.example.jp',
             case when s > ${ACTIVE + OUT_OF_YEAR} then 'suspended' else 'active' end, 'demo',
             case when s <= ${ACTIVE} then timestamptz '2016-04-01 10:00+09' + ((s - 1) * interval '1 day' * 1795 / ${ACTIVE})
                  else timestamptz '2015-06-01 10:00+09' + (s * interval '1 day') end,
             case when s > ${ACTIVE + OUT_OF_YEAR} then timestamptz '2019-12-01 10:00+09' else null end
      from generate_series(1, ${total}::int) s`.execute(trx);
    // FY2020 views: month m (0 = April 2020) when the site existed, on about two months in three, always in March 2021.
    await sql`with sites as (select id, created_at, substring(name from '[0-9]+$')::int as s from advisories_icat_sites where source = 'demo'),
      hosts as (select id, created_at, s, 'www.site' || lpad(s::text, 4, '0') || '.example.jp' as host from sites where s <= ${ACTIVE}
                union all select id, created_at, s, 'site' || lpad(s::text, 4, '0') || '.example.jp' from sites where s <= ${TWO_HOSTS}),
      months as (select m, (date '2020-04-01' + m * interval '1 month')::date as first from generate_series(0, 11) m)
      insert into advisories_icat_hits (site_id, host, day, views)
      select h.id, h.host, months.first + ((h.s * 7 + months.m * 3) % 28), 20 + (h.s * 13 + months.m * 7) % 400
      from hosts h cross join months
      where (months.first + interval '1 month') > (h.created_at at time zone 'Asia/Tokyo')::date and ((h.s + months.m) % 3 <> 0 or months.m = 11)`.execute(trx);
    // Views whose embedding host was not sent (not counted as sites).
    await sql`insert into advisories_icat_hits (site_id, host, day, views)
      select id, '', date '2020-09-15', 3 from advisories_icat_sites where source = 'demo' and substring(name from '[0-9]+$')::int <= 100`.execute(trx);
    // Sites seen only outside FY2020 (March 2020 or April 2021).
    await sql`insert into advisories_icat_hits (site_id, host, day, views)
      select id, 'www.site' || lpad(substring(name from '[0-9]+$'), 4, '0') || '.example.jp',
             case when substring(name from '[0-9]+$')::int % 2 = 0 then date '2020-03-31' else date '2021-04-01' end, 42
      from advisories_icat_sites where source = 'demo' and substring(name from '[0-9]+$')::int between ${ACTIVE + 1} and ${ACTIVE + OUT_OF_YEAR}`.execute(trx);
  });
}
