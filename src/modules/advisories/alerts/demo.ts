// Demo alerts: the annual report counts, for FY2020, 注意喚起 3 and 緊急対策 0 (seed line 377). The
// three alerts below are illustrative (titles and text are invented, marked as demo data); each links
// to up to three demo advisories of the core demo (JVNDB-2020-…) that affect the alert's product and
// were registered before it (the most severe first), and names that product from the dictionary.
import { sql } from 'kysely';
import { SYSTEM_ACTOR, type AppContext } from '../../../platform/context.js';
import { jstMidnight } from '../../../platform/i18n/dates.js';
import { createAlertsService, type AlertInput } from './service.js';

const NOTE = { ja: '（デモデータ。実在の注意喚起ではありません）', en: '(Demo data, not a real alert.)' };

export const DEMO_ALERTS: Array<{ at: Date; vendor: string; product: string; input: AlertInput }> = [
  {
    at: new Date(jstMidnight(2020, 6, 24).getTime() + 10 * 3600_000), vendor: 'OpenSSL Project', product: 'OpenSSL',
    input: {
      kind: 'alert',
      title: { ja: 'VPN 製品等で使用される OpenSSL の脆弱性対策について', en: 'Vulnerabilities in OpenSSL used by VPN products and others' },
      summary: { ja: `テレワークで利用が増えている VPN 製品等に組み込まれた OpenSSL の脆弱性が公表されました。製品開発者の情報を確認し、更新してください。${NOTE.ja}`, en: `Vulnerabilities have been disclosed in OpenSSL as embedded in VPN products widely used for telework. Check the developers' information and update. ${NOTE.en}` },
      body: { ja: '対象: OpenSSL を組み込んだ VPN 装置・ソフトウェア\n対策: 開発者が提供する修正版への更新、または回避策の適用\n悪用された場合、通信内容の漏えいやサービス停止のおそれがあります。', en: 'Affected: VPN appliances and software embedding OpenSSL.\nCountermeasure: update to the fixed versions provided by the developers, or apply the workarounds.\nExploitation may disclose traffic or stop the service.' },
    },
  },
  {
    at: new Date(jstMidnight(2020, 10, 14).getTime() + 11 * 3600_000), vendor: 'WordPress Foundation', product: 'WordPress',
    input: {
      kind: 'alert',
      title: { ja: 'WordPress プラグインの脆弱性を悪用したウェブサイト改ざんに関する注意喚起', en: 'Website defacement exploiting vulnerabilities in WordPress plugins' },
      summary: { ja: `WordPress のプラグインの脆弱性を悪用したウェブサイトの改ざんが報告されています。ウェブサイト運営者は本体とプラグインを最新版に更新してください。${NOTE.ja}`, en: `Defacements exploiting vulnerabilities in WordPress plugins have been reported. Website operators should update WordPress and its plugins. ${NOTE.en}` },
      body: { ja: '対象: WordPress 及び脆弱なプラグインを使用しているウェブサイト\n対策: 本体・プラグインの更新、不要なプラグインの削除、管理画面へのアクセス制限', en: 'Affected: websites running WordPress with vulnerable plugins.\nCountermeasure: update WordPress and the plugins, remove unused plugins, restrict access to the admin pages.' },
    },
  },
  {
    at: new Date(jstMidnight(2021, 2, 17).getTime() + 10 * 3600_000), vendor: 'Microsoft', product: 'Windows',
    input: {
      kind: 'alert',
      title: { ja: 'Microsoft Windows の脆弱性対策について（悪用が確認された脆弱性を含む）', en: 'Vulnerabilities in Microsoft Windows, including one being exploited' },
      summary: { ja: `Microsoft Windows の脆弱性が公表され、一部は攻撃への悪用が確認されています。修正プログラムを早急に適用してください。${NOTE.ja}`, en: `Vulnerabilities in Microsoft Windows have been disclosed and one is being exploited. Apply the security updates as soon as possible. ${NOTE.en}` },
      body: { ja: '対象: サポート中の Microsoft Windows\n対策: Windows Update による修正プログラムの適用', en: 'Affected: supported versions of Microsoft Windows.\nCountermeasure: apply the security updates through Windows Update.' },
    },
  },
];

export async function loadAlertsDemo(ctx: AppContext): Promise<void> {
  const done = await sql<{ n: number }>`select count(*)::int as n from advisories_alerts where source = 'demo'`.execute(ctx.db);
  if (Number(done.rows[0].n) > 0) return;
  const svc = createAlertsService(ctx);
  for (const { at, vendor, product, input } of DEMO_ALERTS) {
    const prod = (await sql<{ id: number }>`select p.id from advisories_products p join advisories_vendors v on v.id = p.vendor_id
      where v.key = ${vendor.toLowerCase()} and p.key = ${product.toLowerCase()}`.execute(ctx.db)).rows[0];
    const linked = prod ? (await sql<{ jvndb_id: string }>`select a.jvndb_id from advisories a
      where a.source = 'demo' and a.first_published_at < ${at} and a.first_published_at >= ${new Date(at.getTime() - 90 * 86400_000)}
        and exists (select 1 from advisories_affected f where f.advisory_id = a.id and f.product_id = ${prod.id})
      order by case a.severity when 'critical' then 0 when 'high' then 1 when 'medium' then 2 else 3 end, a.first_published_at desc limit 3`.execute(ctx.db)).rows : [];
    const a = await svc.create({ ...input, advisories: linked.map((r) => r.jvndb_id), products: prod ? [{ productId: prod.id }] : [{ title: `${vendor} ${product}` }] }, SYSTEM_ACTOR);
    await sql`update advisories_alerts set source = 'demo' where id = ${a.id}`.execute(ctx.db);
    await svc.publish(a.id, SYSTEM_ACTOR, at);
  }
}
