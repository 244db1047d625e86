// Synthetic advisories with realistic shape, generated in SQL (a few statements per batch, no
// per-row round trips): used by the demo (FY2020's 10,465 registrations) and by the benchmark
// (300,000 advisories). Distributions: a few popular products carry most advisories (power-law
// pick), CWE frequencies after the usual top-25 shape, CVSS v3.1 vectors from a pool scored by the
// shared library (never typed scores), one to three references, version ranges on every affected
// row, and a purl on products that are packages (npm, PyPI, Maven, Debian).
import { sql } from 'kysely';
import type { Executor } from '../../platform/context.js';
import { parseCvss } from '../../shared/cvss.js';

const VENDORS: Array<[string, string[]]> = [
  ['Microsoft', ['Windows', 'Office', 'Edge', 'Exchange Server', 'SharePoint Server']], ['Apache Software Foundation', ['HTTP Server', 'Tomcat', 'Struts', 'Log4j']],
  ['OpenSSL Project', ['OpenSSL']], ['WordPress Foundation', ['WordPress']], ['Oracle', ['Java SE', 'MySQL', 'WebLogic Server']],
  ['Cisco', ['IOS', 'ASA Software', 'Webex Meetings']], ['Linux', ['Linux Kernel']], ['Google', ['Chrome', 'Android']], ['Mozilla', ['Firefox', 'Thunderbird']],
  ['Adobe', ['Acrobat Reader', 'Photoshop']], ['Apple', ['iOS', 'macOS', 'Safari']], ['サイボウズ株式会社', ['サイボウズ Garoon', 'サイボウズ Office']],
  ['富士通株式会社', ['Interstage', 'ServerView']], ['日本電気株式会社', ['Aterm', 'WebSAM']], ['株式会社バッファロー', ['AirStation']],
  ['ELECOM', ['無線LANルータ']], ['Trend Micro', ['ウイルスバスター', 'Apex One']], ['VMware', ['ESXi', 'vCenter Server']],
  ['Fortinet', ['FortiOS']], ['Citrix', ['ADC']], ['npm community', ['lodash', 'express', 'minimist', 'node-fetch', 'axios']],
  ['Python Software Foundation', ['urllib3', 'requests', 'django', 'jinja2']], ['Debian', ['openssh', 'sudo', 'glibc', 'curl']],
  ['FasterXML', ['jackson-databind']], ['Spring', ['spring-framework']],
];
/** purl of packaged products: type and the package name. */
const PACKAGES: Record<string, string> = {
  lodash: 'npm/lodash', express: 'npm/express', minimist: 'npm/minimist', 'node-fetch': 'npm/node-fetch', axios: 'npm/axios',
  urllib3: 'pypi/urllib3', requests: 'pypi/requests', django: 'pypi/django', jinja2: 'pypi/jinja2',
  openssh: 'deb/debian/openssh', sudo: 'deb/debian/sudo', glibc: 'deb/debian/glibc', curl: 'deb/debian/curl',
  'jackson-databind': 'maven/com.fasterxml.jackson.core/jackson-databind', 'spring-framework': 'maven/org.springframework/spring-core',
  'Log4j': 'maven/org.apache.logging.log4j/log4j-core',
};
const CWES: Array<[string, string, string, number]> = [
  ['CWE-79', 'クロスサイトスクリプティング', 'cross-site scripting', 22], ['CWE-787', '境界外書き込み', 'out-of-bounds write', 12],
  ['CWE-20', '不適切な入力確認', 'improper input validation', 9], ['CWE-89', 'SQL インジェクション', 'SQL injection', 8],
  ['CWE-125', '境界外読み込み', 'out-of-bounds read', 7], ['CWE-416', '解放済みメモリの使用', 'use after free', 6],
  ['CWE-352', 'クロスサイトリクエストフォージェリ', 'cross-site request forgery', 6], ['CWE-22', 'パス・トラバーサル', 'path traversal', 5],
  ['CWE-78', 'OS コマンドインジェクション', 'OS command injection', 5], ['CWE-287', '不適切な認証', 'improper authentication', 4],
  ['CWE-200', '情報漏えい', 'information exposure', 4], ['CWE-119', 'バッファエラー', 'buffer errors', 4],
  ['CWE-434', '危険なタイプのファイルのアップロード', 'unrestricted file upload', 3], ['CWE-862', '認可の欠如', 'missing authorization', 3],
  ['NVD-CWE-Other', 'その他', 'other', 2],
];
const VECTORS = [
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H',
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H',
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', 'CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:L',
  'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:N/A:N', 'CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:L/I:N/A:N', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:N',
];

const list = (xs: Array<string | number>) => sql.raw(`(array[${xs.map((x) => (typeof x === 'number' ? String(x) : `'${x.replace(/'/g, "''")}'`)).join(',')}])`);

/** Ensures the generator's vendors and products exist. */
async function dictionaries(trx: Executor): Promise<void> {
  for (const [vendor, products] of VENDORS) {
    const vkey = vendor.toLowerCase();
    const cpeVendor = vkey.replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '') || 'vendor';
    await sql`insert into advisories_vendors (name, key, cpe_vendor) values (${vendor}, ${vkey}, ${cpeVendor}) on conflict (key) do update set cpe_vendor = coalesce(advisories_vendors.cpe_vendor, excluded.cpe_vendor)`.execute(trx);
    for (const p of products) {
      const cpeProduct = p.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '') || 'product';
      await sql`insert into advisories_products (vendor_id, name, key, cpe_product) select id, ${p}, ${p.toLowerCase()}, ${cpeProduct} from advisories_vendors where key = ${vkey} on conflict (vendor_id, key) do update set cpe_product = coalesce(advisories_products.cpe_product, excluded.cpe_product)`.execute(trx);
    }
  }
}

export interface GenerateOptions {
  /** Registrations (登録日) spread evenly over [from, to). */
  from: Date; to: Date; count: number;
  /** JST calendar year of the JVNDB numbers and the first sequence number to use. */
  year: number; firstSeq: number;
  /** Source recorded on the rows ('demo' for the demo). */
  source?: 'demo' | 'nvd';
  /** Seed of the SQL random generator, for repeatable data. */
  seed?: number;
  /** Synthetic long-tail products (synthetic-product-N of Synthetic Vendor M, 40 % with an npm purl) after the named ones; 0 for the demo. */
  longTail?: number;
}

/**
 * Inserts `count` published advisories numbered JVNDB-<year>-<firstSeq…>, with CVSS, affected
 * products, references and a revision row each. Does not touch the JVNDB counters; the caller raises them.
 */
export async function generateAdvisories(trx: Executor, o: GenerateOptions): Promise<void> {
  await dictionaries(trx);
  const tail = o.longTail ?? 0;
  if (tail > 0) {
    const vendors = Math.max(1, Math.floor(tail / 4));
    await sql`insert into advisories_vendors (name, key, cpe_vendor) select 'Synthetic Vendor ' || v, 'synthetic vendor ' || v, 'synthetic_vendor_' || v
      from generate_series(1, ${vendors}::int) v on conflict (key) do nothing`.execute(trx);
    await sql`insert into advisories_products (vendor_id, name, key, cpe_product)
      select vd.id, 'synthetic-product-' || n, 'synthetic-product-' || n, 'synthetic_product_' || n
      from generate_series(1, ${tail}::int) n join advisories_vendors vd on vd.key = 'synthetic vendor ' || (1 + n % ${vendors}::int) on conflict (vendor_id, key) do nothing`.execute(trx);
  }
  const named = (await sql<{ id: number; name: string; vendor: string }>`
    select p.id, p.name, v.name as vendor from advisories_products p join advisories_vendors v on v.id = p.vendor_id order by p.id`.execute(trx)).rows
    .filter((p) => VENDORS.some(([v, ps]) => v === p.vendor && ps.includes(p.name)));
  // The products to pick from, most popular first: the named ones, then the long tail.
  await sql`create temporary table if not exists advisories_gen_products (i integer primary key, id integer, name text, vendor text, cpe text, purl text) on commit drop`.execute(trx);
  await sql`delete from advisories_gen_products`.execute(trx);
  await sql`insert into advisories_gen_products
    select row_number() over (order by k.ord), p.id, p.name, v.name, 'cpe:2.3:a:' || v.cpe_vendor || ':' || p.cpe_product || ':*:*:*:*:*:*:*:*', k.purl
    from unnest(${named.map((p) => p.id)}::int[], ${named.map((p) => PACKAGES[p.name] ?? '')}::text[]) with ordinality as k(pid, purl, ord)
      join advisories_products p on p.id = k.pid join advisories_vendors v on v.id = p.vendor_id`.execute(trx);
  if (tail > 0) {
    await sql`insert into advisories_gen_products
      select ${named.length}::int + n, p.id, p.name, v.name, 'cpe:2.3:a:' || v.cpe_vendor || ':' || p.cpe_product || ':*:*:*:*:*:*:*:*',
        case when n % 5 < 2 then 'npm/synthetic-product-' || n else '' end
      from generate_series(1, ${tail}::int) n join advisories_products p on p.key = 'synthetic-product-' || n join advisories_vendors v on v.id = p.vendor_id`.execute(trx);
  }
  const nProducts = named.length + tail;
  const scored = VECTORS.map((v) => parseCvss(v));
  const cweBag = CWES.flatMap((c, i) => Array(c[3]).fill(i) as number[]);
  const step = (o.to.getTime() - o.from.getTime()) / (o.count + 1) / 1000;
  const year = o.year;
  await sql`select setseed(${o.seed ?? 0.2020})`.execute(trx);
  await sql`create temporary table if not exists advisories_gen (s integer, id uuid, at timestamptz, p integer, c integer, v integer, maj integer, min integer, nrefs integer) on commit drop`.execute(trx);
  await sql`delete from advisories_gen`.execute(trx);
  // Power-law product pick: random()^3 puts most advisories on the first (popular) products.
  await sql`insert into advisories_gen
    select s, gen_random_uuid(), ${o.from}::timestamptz + (s * ${step}::float8 * interval '1 second'),
      1 + floor(power(random(), 3) * ${nProducts}::int)::int, ${list(cweBag)}[1 + floor(random() * ${cweBag.length})::int],
      1 + floor(random() * ${VECTORS.length})::int, 1 + floor(random() * 12)::int, floor(random() * 20)::int, 1 + floor(random() * 3)::int
    from generate_series(0, ${o.count - 1}::int) s`.execute(trx);
  const C = { id: list(CWES.map((c) => c[0])), ja: list(CWES.map((c) => c[1])), en: list(CWES.map((c) => c[2])) };
  const V = { vec: list(VECTORS), score: list(scored.map((s) => s.baseScore)), sev: list(scored.map((s) => s.severity)) };
  const jvndb = sql`'JVNDB-' || ${String(year)} || '-' || lpad((${o.firstSeq} + g.s)::text, 6, '0')`;
  const cve = sql`'CVE-' || ${String(year)} || '-' || (10000 + ${o.firstSeq} + g.s)::text`;
  const titleJa = sql`gp.vendor || ' 製 ' || gp.name || ' における' || ${C.ja}[g.c + 1] || 'の脆弱性'`;
  const titleEn = sql`initcap(${C.en}[g.c + 1]) || ' vulnerability in ' || gp.vendor || ' ' || gp.name`;
  const overJa = sql`gp.vendor || ' が提供する ' || gp.name || ' には、' || ${C.ja}[g.c + 1] || 'の脆弱性が存在します。'`;
  const overEn = sql`gp.name || ' provided by ' || gp.vendor || ' contains a ' || ${C.en}[g.c + 1] || ' vulnerability.'`;
  const from = sql`advisories_gen g join advisories_gen_products gp on gp.i = g.p`;
  await sql`insert into advisories (id, jvndb_id, state, title_ja, title_en, overview_ja, overview_en, impact_ja, impact_en, solution_ja, solution_en,
      cve_ids, cwe_ids, severity, public_date, first_published_at, modified_at, source, source_ref, revision, search_text, updated_at)
    select g.id, ${jvndb}, 'published', ${titleJa}, ${titleEn}, ${overJa}, ${overEn},
      '遠隔の第三者によって、情報の窃取や改ざん、サービス運用妨害（DoS）が行われる可能性があります。', 'A remote attacker may obtain or alter information, or cause a denial of service.',
      'ベンダが提供する情報をもとに、最新版へアップデートしてください。', 'Update to the latest version according to the vendor''s information.',
      array[${cve}], array[${C.id}[g.c + 1]], ${V.sev}[g.v], g.at - interval '3 days', g.at, g.at, ${o.source ?? 'demo'}, ${cve}, 1,
      lower(${jvndb} || ' ' || ${cve} || ' ' || ${titleJa} || ' ' || ${titleEn} || ' ' || ${overJa} || ' ' || ${overEn}), g.at
    from ${from}`.execute(trx);
  await sql`insert into advisories_cvss (advisory_id, version, vector, base_score, severity) select g.id, '3.1', ${V.vec}[g.v], ${V.score}[g.v], ${V.sev}[g.v] from advisories_gen g`.execute(trx);
  // Affected below <maj>.<min>.0 (fixed there), from <maj>.0.0 for a third of them.
  await sql`insert into advisories_affected (advisory_id, sort, product_id, cpe23, version_text, version_start, start_including, version_end, end_including, purl)
    select g.id, 0, gp.id, gp.cpe, null,
      case when g.s % 3 = 0 then g.maj || '.0.0' end, case when g.s % 3 = 0 then true end, g.maj || '.' || g.min || '.0', false,
      case when gp.purl <> '' then 'pkg:' || gp.purl end
    from ${from}`.execute(trx);
  await sql`insert into advisories_references (advisory_id, sort, url, type, title)
    select g.id, r - 1, case r when 1 then 'https://www.cve.org/CVERecord?id=' || ${cve} when 2 then 'https://vendor.example.jp/security/' || lower(${jvndb}) else 'https://jvn.jp/vu/JVNVU' || lpad((90000000 + g.s)::text, 8, '0') || '/' end,
      case r when 1 then 'advisory' when 2 then 'vendor' else 'report' end, case r when 1 then ${cve} else null end
    from advisories_gen g cross join generate_series(1, 3) r where r <= g.nrefs`.execute(trx);
  await sql`insert into advisories_revisions (advisory_id, revision, at, actor, kind, note, snapshot)
    select g.id, 1, g.at, ${o.source ?? 'demo'}, 'imported', 'generated', '{}'::jsonb from advisories_gen g`.execute(trx);
}

/** Registrations per calendar year 2003–2026 for a generated total, growing like JVN iPedia's (≈1,600 a year at first, ≈23,000 recently). */
export function yearlyCounts(total: number): Array<[number, number]> {
  const years = Array.from({ length: 24 }, (_, i) => 2003 + i);
  const weights = years.map((_, i) => 1 + i * 0.6);
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.floor((total * w) / sum));
  counts[counts.length - 1] += total - counts.reduce((a, b) => a + b, 0);
  return years.map((y, i) => [y, counts[i]]);
}

