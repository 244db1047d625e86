// Demo data of J-CSIP: accounts, 13 SIGs with 262 participating organisations (14 of them new in
// FY2020) and the two linkage schemes (hospitals: 4 organisations ≈ 5,500 facilities; water: 9),
// and a deterministic FY2020 history whose figures are the annual report's: 6,202 provisions and
// 147 items shared. Public alerts (Emotet, with its updates) and reports as in the report's list.
// Everything is fictional (example.jp organisations and addresses).
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext, Actor } from '../../platform/context.js';
import { SYSTEM_ACTOR } from '../../platform/context.js';
import { jstMidnight } from '../../platform/i18n/dates.js';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, mulberry32 } from '../../platform/demo.js';
import { SIGS, TLPS, type Tlp } from './data.js';
import type { JcsipService } from './service.js';

export const DEMO_FY2020 = { provisions: 6202, shares: 147, sigs: 13, organisations: 262, newParticipants: 14, hospitals: 4, water: 9 };

/** Organisations per SIG (sums to 262) and how many joined in FY2020 (sums to 14). */
const SIG_SIZES: Record<string, [number, number]> = {
  heavy: [12, 1], 'infra-mfg': [13, 1], electric: [12, 0], gas: [11, 1], chemical: [39, 2], petroleum: [17, 1], resources: [7, 0],
  automotive: [28, 2], aviation: [5, 1], logistics: [26, 2], railway: [24, 1], credit: [60, 1], airport: [8, 1],
};

export const DEMO_JCSIP_ACCOUNTS = [
  { email: 'jcsip-analyst@mamori.example.jp', displayName: 'J-CSIP 分析担当', roles: ['analyst'] },
  { email: 'jcsip-coordinator@mamori.example.jp', displayName: 'J-CSIP 運営担当', roles: ['coordinator'] },
  { email: 'jcsip-publisher@mamori.example.jp', displayName: 'J-CSIP 公開担当', roles: ['publisher'] },
] as const;
/** Organisation users: two in the heavy-industry SIG, one in electric power. */
export const DEMO_JCSIP_MEMBERS = [
  { email: 'jcsip-member-a@mamori.example.jp', displayName: 'みほん重工 CSIRT', sig: 'heavy', index: 0 },
  { email: 'jcsip-member-b@mamori.example.jp', displayName: 'ためし機械 情報セキュリティ室', sig: 'heavy', index: 1 },
  { email: 'jcsip-member-c@mamori.example.jp', displayName: 'ひかり電力 SOC', sig: 'electric', index: 0 },
] as const;

const ORG_WORDS = ['みほん', 'ためし', 'ひかり', 'あかり', 'こだま', 'すばる', 'れいじ', 'さくら', 'かすみ', 'わかば', 'あおば', 'ときわ', 'はやて'];
const SUFFIX: Record<string, string> = {
  heavy: '重工', 'infra-mfg': '電機', electric: '電力', gas: 'ガス', chemical: '化学', petroleum: '石油', resources: '資源開発', automotive: '自動車',
  aviation: '航空', logistics: '運輸', railway: '鉄道', credit: 'カード', airport: '空港', hospitals: '医療連携', water: '水道',
};
const SUBJECTS = ['請求書の送付', 'Re: お見積りの件', '【至急】口座変更のお願い', '新型コロナウイルスに関する注意喚起', '会議資料の件', '配送状況のお知らせ', '支払通知書', 'アカウントの確認'];
const MIN = 60_000;

export async function loadJcsipDemo(ctx: AppContext): Promise<void> {
  const svc = ctx.services.get('jcsip') as JcsipService;
  for (const a of DEMO_JCSIP_ACCOUNTS) {
    if (await ctx.auth.findUserByEmail(a.email)) continue;
    await ctx.auth.createUser({ email: a.email, displayName: a.displayName, password: DEMO_PASSWORD, kind: 'staff', roles: [...a.roles], totpSecret: DEMO_TOTP_SECRET });
  }
  const exists = await sql<any>`select count(*)::int as n from jcsip_members`.execute(ctx.db);
  if (Number(exists.rows[0].n) > 0) return;
  const rng = mulberry32(20200402);
  const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
  const pick = <T>(l: readonly T[]) => l[Math.floor(rng() * l.length)];
  const fyFrom = jstMidnight(2020, 4, 1).getTime();
  const fySpan = jstMidnight(2021, 4, 1).getTime() - fyFrom;

  // Participants.
  const members: Array<{ id: string; sig: string; joined: Date; name: string }> = [];
  const sizes: Array<[string, number, number]> = [...Object.entries(SIG_SIZES).map(([k, v]) => [k, v[0], v[1]] as [string, number, number]), ['hospitals', DEMO_FY2020.hospitals, 0], ['water', DEMO_FY2020.water, 0]];
  await ctx.db.transaction().execute(async (trx) => {
    for (const [sig, size, fresh] of sizes) {
      for (let i = 0; i < size; i++) {
        const name = `${ORG_WORDS[i % ORG_WORDS.length]}${SUFFIX[sig]}${i >= ORG_WORDS.length ? Math.floor(i / ORG_WORDS.length) + 1 : ''}株式会社（デモ）`;
        const slug = `${sig}${i + 1}`;
        const org = await ctx.auth.createOrganisation({ name, nameEn: `${sig} member ${i + 1} (demo)`, kind: 'other', email: `security@${slug}.example.jp`, category: 'jcsip' }, trx);
        const isNew = i >= size - fresh;
        const joined = isNew ? new Date(fyFrom + Math.floor(((i - (size - fresh) + 0.5) / Math.max(1, fresh)) * fySpan * 0.9)) : jstMidnight(int(2011, 2019), int(4, 12), int(1, 28));
        members.push({ id: org.id, sig, joined, name });
        const applied = new Date(joined.getTime() - int(30, 90) * 24 * 60 * MIN);
        const agreed = new Date(joined.getTime() - int(5, 25) * 24 * 60 * MIN);
        await sql`insert into jcsip_members (organisation_id, sig_id, state, applied_at, agreement_at, joined_at, intake_token) values (${org.id}, ${sig}, 'active', ${applied}, ${agreed}, ${joined}, ${slug})`.execute(trx);
        await sql`insert into jcsip_member_events (id, organisation_id, from_state, to_state, at, actor) values
          (${randomUUID()}, ${org.id}, null, 'applied', ${applied}, 'demo'), (${randomUUID()}, ${org.id}, 'applied', 'agreement_signed', ${agreed}, 'demo'), (${randomUUID()}, ${org.id}, 'agreement_signed', 'active', ${joined}, 'demo')`.execute(trx);
        await sql`insert into jcsip_contacts (id, organisation_id, name, email, role) values
          (${randomUUID()}, ${org.id}, '情報提供担当', ${`csirt@${slug}.example.jp`}, 'submitter'), (${randomUUID()}, ${org.id}, '情報受領担当', ${`csirt@${slug}.example.jp`}, 'reader')`.execute(trx);
      }
    }
  });
  // Portal accounts for three participants.
  for (const m of DEMO_JCSIP_MEMBERS) {
    const member = members.filter((x) => x.sig === m.sig)[m.index];
    if (!(await ctx.auth.findUserByEmail(m.email))) await ctx.auth.createUser({ email: m.email, displayName: m.displayName, password: DEMO_PASSWORD, kind: 'org', organisationId: member.id });
    await svc.addContact(member.id, { name: m.displayName, email: m.email, role: 'submitter' }, SYSTEM_ACTOR);
    await svc.addContact(member.id, { name: m.displayName, email: m.email, role: 'reader' }, SYSTEM_ACTOR);
  }

  // Provisions of FY2020 (6,202) and 147 shared items.
  const sigMembers = members.filter((m) => m.sig !== 'hospitals' && m.sig !== 'water');
  const provs: Array<{ id: string; org: string; sig: string; at: Date; tlp: Tlp; scope: string }> = [];
  for (let i = 0; i < DEMO_FY2020.provisions; i++) {
    const m = pick(members);
    const at = new Date(fyFrom + Math.floor(rng() * (fySpan - MIN)));
    if (at < m.joined) { i--; continue; }
    const r = rng();
    provs.push({ id: randomUUID(), org: m.id, sig: m.sig, at, tlp: r < 0.1 ? 'GREEN' : r < 0.95 ? 'AMBER' : 'AMBER+STRICT', scope: r < 0.3 ? 'all' : 'sig' });
  }
  provs.sort((a, b) => a.at.getTime() - b.at.getTime());
  const kinds = ['email', 'email', 'email', 'indicators', 'file', 'report'];
  const rows = provs.map((p, i) => {
    const kind = pick(kinds);
    return sql`(${p.id}, ${`JCSIP-P-${p.at.getUTCFullYear()}-D${String(i + 1).padStart(5, '0')}`}, ${p.org}, ${kind}, ${rng() < 0.8 ? 'email' : 'portal'}, ${kind === 'email' ? pick(SUBJECTS) : kind === 'file' ? 'invoice.doc' : kind === 'indicators' ? '不審な通信先' : '攻撃活動の報告'},
      '', ${p.tlp}, ${p.scope}, false, ${p.at}, 'received', true)`;
  });
  await ctx.db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 500) {
      await sql`insert into jcsip_provisions (id, ref, organisation_id, kind, channel, title, body, tlp, scope, name_provider, received_at, status, demo) values ${sql.join(rows.slice(i, i + 500))}`.execute(trx);
    }
    // Items: each groups 1–4 provisions of one SIG received shortly before it is shared.
    const used = new Set<string>();
    for (let k = 0; k < DEMO_FY2020.shares; k++) {
      const sharedAt = new Date(fyFrom + Math.floor(((k + 0.5) / DEMO_FY2020.shares) * (fySpan - 2 * 24 * 60 * MIN)));
      const candidates = provs.filter((p) => p.at < sharedAt && !used.has(p.id) && p.sig !== 'hospitals' && p.sig !== 'water').slice(-40);
      const first = candidates[candidates.length - 1 - int(0, Math.min(10, candidates.length - 1))];
      const group = [first, ...candidates.filter((p) => p.sig === first.sig && p !== first).slice(-int(0, 3))];
      group.forEach((p) => used.add(p.id));
      const tlp = group.reduce<Tlp>((a, p) => (TLPS.indexOf(p.tlp) > TLPS.indexOf(a) ? p.tlp : a), 'GREEN');
      const allOk = group.every((p) => p.scope === 'all');
      const id = randomUUID();
      const title = `${pick(['ばらまき型メール', 'ビジネスメール詐欺', '標的型攻撃メール', 'Emotet 感染を狙うメール', 'ランサムウェア関連の通信先'])}（${SIGS.find((s) => s.id === first.sig)!.name.ja} SIG）`;
      const text = `${title}に関する情報提供が ${group.length} 件ありました。[参加組織] で受信された不審メールの特徴と通信先を共有します。`;
      await sql`insert into jcsip_items (id, ref, title, draft, approved_text, approved_title, approved_hash, approved_at, tlp, state, created_at, shared_at, stix_version)
        values (${id}, ${`JCSIP-S-${sharedAt.getUTCFullYear()}-D${String(k + 1).padStart(4, '0')}`}, ${title}, ${text}, ${text}, ${title}, 'demo', ${sharedAt}, ${tlp}, 'shared', ${sharedAt}, ${sharedAt}, 1)`.execute(trx);
      for (const p of group) {
        await sql`insert into jcsip_item_sources (item_id, provision_id) values (${id}, ${p.id})`.execute(trx);
        await sql`update jcsip_provisions set status = 'grouped', item_id = ${id} where id = ${p.id}`.execute(trx);
      }
      const aud = allOk ? 'all' : `sig:${first.sig}`;
      await sql`insert into jcsip_shares (id, item_id, audience, shared_at, actor) values (${randomUUID()}, ${id}, ${aud}, ${sharedAt}, 'demo')`.execute(trx);
    }
  });
  void sigMembers;

  // Public alert with its updates, and the year's reports.
  const actor: Actor = { ...SYSTEM_ACTOR, displayName: 'demo' };
  const emotet = await svc.publishAlert(null, {
    slug: 'emotet', title: '「Emotet」と呼ばれるウイルスへの感染を狙うメールについて',
    body: '取引先や知人を装い、Word 文書の添付ファイルや URL リンクで「Emotet」への感染を狙うメールが広く確認されています。\n心当たりのないメールの添付ファイルは開かず、マクロを有効にしないでください。',
  }, actor, { at: jstMidnight(2019, 11, 27) });
  for (const [m, d, note] of [[7, 28, '2020年7月からの攻撃再開について追記'], [9, 2, 'パスワード付き ZIP ファイルを添付する手口を追記'], [12, 22, '年末年始の長期休暇に向けた注意を追記']] as const) {
    await svc.updateAlert('emotet', { title: emotet.title, body: `${emotet.body}\n\n【更新 ${2020}/${m}/${d}】${note}`, note }, actor, { at: jstMidnight(2020, m, d) });
  }
  await sql`update jcsip_alerts set views = 1204567 where id = ${emotet.id}`.execute(ctx.db);
  await svc.publishAlert(null, { slug: 'ransomware-2020', title: '事業継続を脅かす新たなランサムウェア攻撃について', body: '暴露型・人手によるランサムウェア攻撃への対策をまとめました。' }, actor, { at: jstMidnight(2020, 8, 20) });
  const reports: Array<[string, 'activity' | 'technical', string, [number, number, number]]> = [
    ['bec-3', 'technical', '偽口座への送金を促す“ビジネスメール詐欺”の手口（第三報）', [2020, 4, 27]],
    ['ops-2020q1', 'activity', 'サイバー情報共有イニシアティブ（J-CSIP）運用状況 [2020 年 1 月～3 月]', [2020, 4, 30]],
    ['ops-2020q2', 'activity', 'サイバー情報共有イニシアティブ（J-CSIP）運用状況 [2020 年 4 月～6 月]', [2020, 7, 30]],
    ['ekans', 'technical', 'EKANS ランサムウェアの解析事例', [2020, 7, 30]],
    ['ops-2020q3', 'activity', 'サイバー情報共有イニシアティブ（J-CSIP）運用状況 [2020 年 7 月～9 月]', [2020, 10, 29]],
    ['ops-2020q4', 'activity', 'サイバー情報共有イニシアティブ（J-CSIP）運用状況 [2020 年 10 月～12 月]', [2021, 1, 28]],
  ];
  const anyItem = (await svc.listItems(1))[0];
  for (const [slug, kind, title, [y, m, d]] of reports) {
    const r = await svc.saveReport({ slug, kind, title, body: `${title}（デモ）`, itemIds: kind === 'technical' && anyItem ? [anyItem.id] : [] }, actor);
    await svc.publishReport(r.id, actor, jstMidnight(y, m, d));
  }
  // Inbox and SIG collections in the TAXII module, readers = active members.
  await svc.syncTaxiiAccess();
}
