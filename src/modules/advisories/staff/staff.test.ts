// The staff workbench of the advisory database on PGlite and PostgreSQL: access control, the editor
// through real HTML form posts (CSRF, validation errors next to the fields with the input kept,
// computed CVSS), submit and publish with confirmations, revisions and diffs, vendor statements and
// their public JSON, the work queue and its CSV export. Plus the line diff on its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, startTestPlatform, type TestPlatform } from '../../../../test/harness.js';
import { loginAs, type Session } from '../../../../test/session.js';
import { SYSTEM_ACTOR } from '../../../platform/context.js';
import type { CaseRecord } from '../../../platform/cases/types.js';
import type { AdvisoriesService } from '../service.js';
import type { ModuleDefinition } from '../../../platform/module.js';
import { modules as allModules } from '../../index.js';
import { advisoriesModule } from '../definition.js';
import { advisoryMigrations } from '../migrations.js';
import { advisoryRoutes } from '../routes.js';
import { part as staffPart } from './index.js';
import { diffSnapshots, lineDiff } from './diff.js';
import { vendorStatements } from './statements.js';

const PASSWORD = 'correct horse battery staple';
const TOTP = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/**
 * The advisory module with only the core and this part, so that these tests do not depend on the
 * migrations and routes of the other parts (developed in parallel). ADVISORIES_ALL_PARTS=1 runs
 * them against the whole module instead.
 */
const staffOnly: ModuleDefinition<AdvisoriesService> = {
  ...advisoriesModule,
  migrations: [...advisoryMigrations, ...staffPart.migrations!],
  staffNav: staffPart.staffNav,
  async routes(app, ctx) {
    const svc = ctx.services.get('advisories') as AdvisoriesService;
    await advisoryRoutes(app, ctx, svc);
    await staffPart.routes!(app, ctx, svc);
  },
  demo: undefined,
};
const testModules = process.env.ADVISORIES_ALL_PARTS === '1' ? allModules : allModules.map((m) => (m.name === 'advisories' ? staffOnly : m));

describe('line diff and snapshot diff', () => {
  it('diffs lines by longest common subsequence', () => {
    const ops = lineDiff(['a', 'b', 'c', 'd', 'e'], ['a', 'c', 'x', 'd', 'e', 'f']).map((l) => `${l.op === 'same' ? ' ' : l.op === 'add' ? '+' : '-'}${l.text}`);
    expect(ops).toEqual([' a', '-b', ' c', '+x', ' d', ' e', '+f']);
    expect(lineDiff([], ['x'])).toEqual([{ op: 'add', text: 'x' }]);
    expect(lineDiff(['x', 'y'], [])).toEqual([{ op: 'del', text: 'x' }, { op: 'del', text: 'y' }]);
    // A replaced middle line among identical ones.
    expect(lineDiff(['p', 'q', 'p'], ['p', 'r', 'p']).map((l) => l.op)).toEqual(['same', 'del', 'add', 'same']);
  });

  it('lists only changed fields: scalars old → new, lists as added/removed, long text by line', () => {
    const base = { id: 'x', revision: 1, updatedAt: 'a', title: { ja: '旧', en: 'Old' }, overview: { ja: '一行目\n二行目\n三行目', en: '' }, cveIds: ['CVE-2026-1'], cvss: [], state: 'draft' };
    const next = { ...base, revision: 2, updatedAt: 'b', title: { ja: '新', en: 'Old' }, overview: { ja: '一行目\n二行目（改）\n三行目', en: '' }, cveIds: ['CVE-2026-1', 'CVE-2026-2'],
      cvss: [{ version: '3.1', vector: 'CVSS:3.1/AV:N', baseScore: 9.8, severity: 'critical' }] };
    const changes = diffSnapshots(base, next);
    expect(changes.map((c) => c.field)).toEqual(['title.ja', 'overview.ja', 'cveIds', 'cvss']);
    expect(changes[0]).toEqual({ field: 'title.ja', kind: 'scalar', from: '旧', to: '新' });
    expect(changes[1]).toMatchObject({ kind: 'text', lines: [{ op: 'same', text: '一行目' }, { op: 'del', text: '二行目' }, { op: 'add', text: '二行目（改）' }, { op: 'same', text: '三行目' }] });
    expect(changes[2]).toEqual({ field: 'cveIds', kind: 'list', added: ['CVE-2026-2'], removed: [] });
    expect(changes[3]).toMatchObject({ kind: 'list', added: ['v3.1 CVSS:3.1/AV:N (9.8 critical)'] });
  });
});

describe.each(BACKENDS)('advisory staff workbench on %s', (backend) => {
  let p: TestPlatform;
  let svc: AdvisoriesService;
  let analyst: Session; let publisher: Session; let consultant: Session; let member: Session;

  const form = (s: Session, url: string, fields: Record<string, string>, csrf = true) => p.app.inject({
    method: 'POST', url, payload: new URLSearchParams({ ...(csrf ? { _csrf: s.csrf } : {}), ...fields }).toString(),
    headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
  });
  const get = (s: Session | null, url: string) => p.app.inject({ method: 'GET', url, headers: { ...(s ? { cookie: s.cookie } : {}), accept: 'text/html' } });
  const count = async () => Number((await sql<{ n: number }>`select count(*)::int as n from advisories`.execute(p.ctx.db)).rows[0].n);
  const decode = (html: string) => html.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

  beforeAll(async () => {
    p = await startTestPlatform(backend, { modules: testModules });
    svc = p.ctx.services.get('advisories') as AdvisoriesService;
    const au = p.ctx.auth;
    await au.createUser({ email: 'analyst@ipa.example.jp', displayName: '分析 花子', password: PASSWORD, kind: 'staff', roles: ['analyst'], totpSecret: TOTP });
    await au.createUser({ email: 'publisher@ipa.example.jp', displayName: '公開 太郎', password: PASSWORD, kind: 'staff', roles: ['publisher'], totpSecret: TOTP });
    await au.createUser({ email: 'consultant@ipa.example.jp', displayName: '相談員', password: PASSWORD, kind: 'staff', roles: ['consultant'], totpSecret: TOTP });
    await au.createUser({ email: 'someone@example.jp', displayName: '一般', password: PASSWORD, kind: 'public' });
    analyst = await loginAs(p.app, 'analyst@ipa.example.jp', PASSWORD, TOTP);
    publisher = await loginAs(p.app, 'publisher@ipa.example.jp', PASSWORD, TOTP);
    consultant = await loginAs(p.app, 'consultant@ipa.example.jp', PASSWORD, TOTP);
    member = await loginAs(p.app, 'someone@example.jp', PASSWORD);
  }, 120_000);
  afterAll(async () => { await p?.destroy(); });

  it('keeps the workbench to staff with advisories.write', async () => {
    const anon = await get(null, '/staff/advisories');
    expect(anon.statusCode).toBe(303);
    expect(anon.headers.location).toBe('/login?next=%2Fstaff%2Fadvisories');
    expect((await p.app.inject({ method: 'GET', url: '/staff/advisories/new' })).statusCode).toBe(401);
    expect((await get(member, '/staff/advisories')).statusCode).toBe(403);
    expect((await get(consultant, '/staff/advisories')).statusCode).toBe(403);
    expect((await form(consultant, '/staff/advisories/new', { 'title.ja': 'x' })).statusCode).toBe(403);
    expect((await form(member, '/staff/advisories/new', { 'title.ja': 'x' })).statusCode).toBe(403);
    const ok = await get(analyst, '/staff/advisories');
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('作業キュー');
    // The workbench links of the module (staffNav) are offered to analysts only.
    const bench = await get(analyst, '/staff');
    expect(bench.body).toContain('/staff/advisories');
    expect((await get(consultant, '/staff')).body).not.toContain('/staff/advisories');
    expect(await count()).toBe(0);
  });

  let uuid = '';
  let jvndb = '';

  it('creates through the editor: errors next to their paths with the input kept, then fixed, submitted and published', async () => {
    const blank = await get(analyst, '/staff/advisories/new');
    expect(blank.statusCode).toBe(200);
    expect(blank.body).toContain(`name="_csrf" value="${analyst.csrf}"`);
    expect(blank.body).toContain('name="affected[2].vendor"');
    expect(blank.body).not.toContain('name="affected[3].vendor"');
    // Strict CSP: no inline script or style; every input has a label.
    expect(blank.body).not.toMatch(/<script|style=/);
    const ids = [...blank.body.matchAll(/<(?:input|textarea|select) [^>]*id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(40);
    for (const id of ids) expect(blank.body, id).toContain(`for="${id}"`);
    const en = await get(analyst, '/staff/advisories/new?lang=en');
    expect(en.body).toContain('Save as draft'); expect(en.body).toContain('Affected products');

    // "Add rows" re-renders with three more empty rows and keeps what was typed.
    const more = await form(analyst, '/staff/advisories/new', { 'title.ja': '行追加テスト', extraRows: '3', action: 'addRows' });
    expect(more.statusCode).toBe(200);
    expect(more.body).toContain('name="affected[5].vendor"');
    expect(more.body).toContain('value="行追加テスト"');
    expect(await count()).toBe(0);

    // Without the CSRF token the form is refused.
    expect((await form(analyst, '/staff/advisories/new', { 'title.ja': 'x' }, false)).statusCode).toBe(403);

    const fields: Record<string, string> = {
      'title.ja': 'SampleCMS におけるクロスサイトスクリプティングの脆弱性', 'title.en': 'SampleCMS vulnerable to cross-site scripting',
      'overview.ja': 'SampleCMS には格納型クロスサイトスクリプティングの脆弱性が存在します。\n管理画面が影響を受けます。', 'overview.en': 'SampleCMS contains a stored XSS vulnerability.',
      'impact.ja': '利用者のブラウザ上で任意のスクリプトを実行される可能性があります。', 'solution.ja': '開発者が提供する情報をもとに最新版へアップデートしてください。',
      cveIds: 'CVE-21-1\nCVE-2026-10001', jvnIds: 'JVN#12345678', cweIds: 'CWE-79',
      cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N\nCVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H',
      // Row 0 is left empty: the rows are compacted, so the error of row 1 is reported as affected[0].
      'affected[1].vendor': 'サンプル株式会社', 'affected[1].product': 'SampleCMS', 'affected[1].cpe': 'cpe:2.3:a:broken',
      'affected[1].versionStart': '2.0.0', 'affected[1].versionStartIncluding': 'including', 'affected[1].versionEnd': '2.3.2', 'affected[1].versionEndIncluding': 'excluding',
      'references[0].url': 'https://jvn.jp/jp/JVN12345678/', 'references[0].type': 'advisory', 'references[0].title': 'JVN#12345678',
      publicDate: '2026-11-20', extraRows: '3', action: 'save',
    };
    const bad = await form(analyst, '/staff/advisories/new', fields);
    expect(bad.statusCode).toBe(422);
    const html = decode(bad.body);
    for (const path of ['cveIds[0]', 'cvss[1]', 'affected[0].cpe']) expect(html).toContain(`<code>${path}</code>`);
    expect(html).toContain('CVE ID の形式が正しくありません: CVE-21-1');
    expect(html).toContain('<code>cvss[1]</code> «<code>CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H</code>»: 基本評価基準が不足しています（A）。');
    expect(html).toMatch(/id="e-affected\[0\]\.cpe"/);
    expect(html).toContain('aria-invalid="true"');
    // The user's input is kept, including the broken values.
    expect(html).toContain('value="SampleCMS におけるクロスサイトスクリプティングの脆弱性"');
    expect(html).toContain('value="cpe:2.3:a:broken"');
    expect(html).toContain('CVE-21-1\nCVE-2026-10001');
    expect(html).toContain('value="2026-11-20"');
    expect(await count()).toBe(0);

    const fixed = await form(analyst, '/staff/advisories/new', {
      ...fields, cveIds: 'CVE-2026-10001', cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N\nAV:N/AC:M/Au:N/C:N/I:P/A:N',
      'affected[1].cpe': 'cpe:2.3:a:sample:samplecms:*:*:*:*:*:*:*:*', 'affected[1].purl': 'pkg:npm/samplecms',
    });
    expect(fixed.statusCode).toBe(303);
    const m = /^\/staff\/advisories\/([0-9a-f-]{36})\/edit\?saved=1$/.exec(String(fixed.headers.location));
    expect(m).not.toBeNull();
    uuid = m![1];
    const saved = await get(analyst, String(fixed.headers.location));
    expect(saved.statusCode).toBe(200);
    // Scores and severities are computed by the server and shown per version.
    expect(saved.body).toMatch(/<tr data-cvss="3.1"><th scope="row">CVSS v3.1<\/th><td class="num">6.1<\/td><td>警告<\/td>/);
    expect(saved.body).toMatch(/<tr data-cvss="2.0"><th scope="row">CVSS v2.0<\/th><td class="num">4.3<\/td><td>警告<\/td>/);
    expect(saved.body).toContain('value="cpe:2.3:a:sample:samplecms:*:*:*:*:*:*:*:*"');
    const draft = (await svc.get(uuid, { includeUnpublished: true }))!;
    expect(draft).toMatchObject({ state: 'draft', source: 'staff', cveIds: ['CVE-2026-10001'], severity: 'medium' });
    expect(draft.affected[0]).toMatchObject({ vendor: 'サンプル株式会社', versionStart: '2.0.0', versionStartIncluding: true, versionEnd: '2.3.2', versionEndIncluding: false, purl: 'pkg:npm/samplecms' });
    expect(draft.references).toEqual([{ url: 'https://jvn.jp/jp/JVN12345678/', type: 'advisory', title: 'JVN#12345678' }]);

    // Drafts are staff-only, and each staff read of one is audited.
    expect((await p.app.inject({ method: 'GET', url: `/staff/advisories/${uuid}` })).statusCode).toBe(401);
    const view = await get(analyst, `/staff/advisories/${uuid}`);
    expect(view.statusCode).toBe(200);
    expect(view.body).toContain('未公開');
    expect(view.body).toContain(`action="/staff/advisories/${uuid}/submit"`);
    expect(view.body).not.toContain(`action="/staff/advisories/${uuid}/publish"`);
    const audit = await p.ctx.audit.list({ subjectType: 'advisory', subjectId: uuid });
    expect(audit.map((e) => e.action)).toContain('advisories.read');

    // Submit needs the confirmation box.
    const noConfirm = await form(analyst, `/staff/advisories/${uuid}/submit`, {});
    expect(noConfirm.statusCode).toBe(422);
    expect(noConfirm.body).toContain('確認欄にチェックを入れてください');
    expect((await svc.get(uuid, { includeUnpublished: true }))!.state).toBe('draft');
    expect((await form(analyst, `/staff/advisories/${uuid}/submit`, { confirm: 'yes' })).statusCode).toBe(303);
    expect((await svc.get(uuid, { includeUnpublished: true }))!.state).toBe('review');
    // Submitting twice is a clear conflict, not a 500.
    const twice = await form(analyst, `/staff/advisories/${uuid}/submit`, { confirm: 'yes' });
    expect(twice.statusCode).toBe(409);

    // The analyst may not publish; the publisher may, with the confirmation.
    expect((await form(analyst, `/staff/advisories/${uuid}/publish`, { confirm: 'yes' })).statusCode).toBe(403);
    const inReview = await get(publisher, `/staff/advisories/${uuid}`);
    expect(inReview.body).toContain(`action="/staff/advisories/${uuid}/publish"`);
    expect((await form(publisher, `/staff/advisories/${uuid}/publish`, {})).statusCode).toBe(422);
    const pub = await form(publisher, `/staff/advisories/${uuid}/publish`, { confirm: 'yes' });
    expect(pub.statusCode).toBe(303);
    expect(pub.headers.location).toBe(`/staff/advisories/${uuid}?notice=published`);
    const published = (await svc.get(uuid))!;
    expect(published.state).toBe('published');
    expect(published.jvndbId).toMatch(/^JVNDB-\d{4}-000001$/);
    jvndb = published.jvndbId!;
    expect((await get(publisher, pub.headers.location as string)).body).toContain(`公開しました（${jvndb}）`);
  });

  it('lets only the publisher revise a published advisory, and shows the change in revisions and the diff', async () => {
    expect((await get(analyst, `/staff/advisories/${uuid}/edit`)).statusCode).toBe(403);
    const edit = await get(publisher, `/staff/advisories/${uuid}/edit`);
    expect(edit.statusCode).toBe(200);
    const val = (name: string) => decode(new RegExp(`name="${name.replace(/[.[\]]/g, '\\$&')}" value="([^"]*)"`).exec(edit.body)?.[1] ?? '');
    const area = (name: string) => decode(new RegExp(`name="${name}"[^>]*>([^<]*)</textarea>`).exec(edit.body)?.[1] ?? '');
    const fields: Record<string, string> = {
      'title.ja': 'SampleCMS における格納型クロスサイトスクリプティングの脆弱性', 'title.en': val('title.en'),
      'overview.ja': area('overview.ja'), 'overview.en': area('overview.en'), 'impact.ja': area('impact.ja'), 'solution.ja': area('solution.ja'),
      cveIds: `${area('cveIds')}\nCVE-2026-10002`, jvnIds: area('jvnIds'), cweIds: area('cweIds'), cvss: area('cvss'),
      'affected[0].vendor': val('affected[0].vendor'), 'affected[0].product': val('affected[0].product'), 'affected[0].cpe': val('affected[0].cpe'), 'affected[0].purl': val('affected[0].purl'),
      'affected[0].versionStart': val('affected[0].versionStart'), 'affected[0].versionEnd': val('affected[0].versionEnd'), 'affected[0].versionStartIncluding': 'including', 'affected[0].versionEndIncluding': 'excluding',
      'references[0].url': val('references[0].url'), 'references[0].type': 'advisory', 'references[0].title': val('references[0].title'),
      publicDate: val('publicDate'), note: 'タイトルを修正し CVE を追加', action: 'save',
    };
    expect(fields.cveIds).toBe('CVE-2026-10001\nCVE-2026-10002');
    expect(fields['overview.ja']).toContain('\n管理画面');
    const res = await form(publisher, `/staff/advisories/${uuid}/edit`, fields);
    expect(res.statusCode).toBe(303);
    const a = (await svc.get(uuid))!;
    expect(a).toMatchObject({ state: 'revised', jvndbId: jvndb, cveIds: ['CVE-2026-10001', 'CVE-2026-10002'] });
    expect(a.affected).toHaveLength(1);

    const revs = await get(analyst, `/staff/advisories/${uuid}/revisions`);
    expect(revs.statusCode).toBe(200);
    expect(revs.body).toContain('タイトルを修正し CVE を追加');
    expect(revs.body).toContain('分析 花子');
    expect(revs.body).toContain(`/staff/advisories/${uuid}/diff?from=3&amp;to=4`);
    expect((await svc.revisions(uuid)).map((r) => r.kind)).toEqual(['created', 'submitted', 'published', 'updated']);

    const diff = await get(analyst, `/staff/advisories/${uuid}/diff?from=3&to=4`);
    expect(diff.statusCode).toBe(200);
    const body = diff.body;
    expect(body).toMatch(/<tr data-field="title\.ja"><th scope="row">タイトル（日本語）<\/th><td><del>SampleCMS におけるクロスサイトスクリプティングの脆弱性<\/del> → <ins>SampleCMS における格納型クロスサイトスクリプティングの脆弱性<\/ins><\/td><\/tr>/);
    expect(body).toMatch(/<tr data-field="cveIds">.*追加: <ins>CVE-2026-10002<\/ins>/);
    expect(body).toContain('<tr data-field="state"><th scope="row">状態</th><td><del>公開</del> → <ins>改訂済み</ins></td></tr>');
    expect(body).toContain('公開 太郎'); // actors by display name
    expect(body).not.toContain('data-field="title.en"');
    expect(body).not.toContain('data-field="cvss"');
    // The whole history: draft → revised.
    const all = await get(analyst, `/staff/advisories/${uuid}/diff?from=1&to=4`);
    expect(all.body).toContain('data-field="jvndbId"');
    // Bad revision numbers are clear errors.
    expect((await get(analyst, `/staff/advisories/${uuid}/diff?from=abc&to=2`)).statusCode).toBe(422);
    expect((await p.app.inject({ method: 'GET', url: `/staff/advisories/${uuid}/diff?from=abc&to=2`, headers: { cookie: analyst.cookie } })).json().error.details[0].field).toBe('from');
    expect((await get(analyst, `/staff/advisories/${uuid}/diff?from=1&to=99`)).statusCode).toBe(404);
    expect((await get(analyst, '/staff/advisories/not-a-uuid/diff')).statusCode).toBe(404);
    expect((await get(analyst, '/staff/advisories/00000000-0000-0000-0000-000000000000')).statusCode).toBe(404);
  });

  it('saves vendor statements on the staff page and serves them as public JSON for published advisories', async () => {
    const a = (await svc.get(uuid))!;
    const vendorId = a.affected[0].vendorId;
    // A published advisory's statements are public: the analyst may not change them.
    expect((await form(analyst, `/staff/advisories/${uuid}/statements`, { vendorId: String(vendorId), status: 'fixed' })).statusCode).toBe(403);
    const bad = await form(publisher, `/staff/advisories/${uuid}/statements`, { vendorId: String(vendorId), status: 'maybe', url: 'javascript:alert(1)', statementJa: '対策版を公開しました。' });
    expect(bad.statusCode).toBe(422);
    expect(decode(bad.body)).toContain('<code>status</code>');
    expect(decode(bad.body)).toContain('<code>url</code>');
    expect(bad.body).toContain('対策版を公開しました。'); // kept
    const ok = await form(publisher, `/staff/advisories/${uuid}/statements`, { vendorId: String(vendorId), status: 'fixed', statementJa: '2.3.2 で修正しました。', statementEn: 'Fixed in 2.3.2.', url: 'https://sample.example.jp/security/2026-01' });
    expect(ok.statusCode).toBe(303);
    // A vendor not yet in the dictionary is added by name.
    expect((await form(publisher, `/staff/advisories/${uuid}/statements`, { vendorName: 'Other Vendor Inc.', status: 'not_affected' })).statusCode).toBe(303);
    // Saving again for the same vendor replaces the statement.
    expect((await form(publisher, `/staff/advisories/${uuid}/statements`, { vendorName: 'other vendor inc.', status: 'under_investigation' })).statusCode).toBe(303);

    const page = await get(publisher, `/staff/advisories/${uuid}`);
    expect(page.body).toContain('2.3.2 で修正しました。');
    expect(page.body).toContain('対策済み');

    const json = await p.app.inject({ method: 'GET', url: `/api/v1/advisories/${jvndb}/statements` });
    expect(json.statusCode).toBe(200);
    const items = json.json().items as Array<{ vendorId: number; vendor: string; status: string; statement: { ja: string; en: string }; url: string | null }>;
    expect(items.map((s) => [s.vendor, s.status])).toEqual([['Other Vendor Inc.', 'under_investigation'], ['サンプル株式会社', 'fixed']]);
    expect(items[1]).toMatchObject({ vendorId, statement: { ja: '2.3.2 で修正しました。', en: 'Fixed in 2.3.2.' }, url: 'https://sample.example.jp/security/2026-01' });
    expect(json.json().items[0]).not.toHaveProperty('updatedBy');
    expect((await vendorStatements(p.ctx.db, uuid)).length).toBe(2);
    expect((await p.app.inject({ method: 'GET', url: '/api/v1/advisories/JVNDB-1999-000001/statements' })).statusCode).toBe(404);
    expect((await p.app.inject({ method: 'GET', url: '/api/v1/advisories/nope/statements' })).statusCode).toBe(422);
    const openapi = (await p.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(Object.keys(openapi.paths)).toContain('/api/v1/advisories/{id}/statements');

    // Removing one.
    const other = items[0].vendorId;
    expect((await form(publisher, `/staff/advisories/${uuid}/statements/${other}/delete`, {})).statusCode).toBe(303);
    expect((await vendorStatements(p.ctx.db, uuid)).map((s) => s.vendorId)).toEqual([vendorId]);
    expect((await form(publisher, `/staff/advisories/${uuid}/statements/${other}/delete`, {})).statusCode).toBe(404);
  });

  it('shows the case ref of a draft from the vulnerability desk, and drafts have no public statements', async () => {
    const record = { ref: 'VN-TEST-0001', data: { advisory: { title: 'RouterOS-X における認証回避の脆弱性', summary: '認証を回避される' }, product: { vendor: 'ルータ株式会社', name: 'RouterOS-X', versions: '2.0.0 - 2.3.1' } } } as unknown as CaseRecord;
    await p.ctx.db.transaction().execute((trx) => svc.createDraftFromCase(record, SYSTEM_ACTOR, trx));
    const row = (await sql<{ id: string }>`select id from advisories where source = 'case' and source_ref = 'VN-TEST-0001'`.execute(p.ctx.db)).rows[0];
    const view = await get(analyst, `/staff/advisories/${row.id}`);
    expect(view.statusCode).toBe(200);
    expect(view.body).toContain('href="/staff/cases/VN-TEST-0001" data-case-ref="VN-TEST-0001"');
    const edit = await get(analyst, `/staff/advisories/${row.id}/edit`);
    expect(edit.body).toContain('届出案件から作成された下書きです');
    // The analyst may add statements to a draft; they are not public until it is published.
    const vendorId = (await svc.get(row.id, { includeUnpublished: true }))!.affected[0].vendorId;
    expect((await form(analyst, `/staff/advisories/${row.id}/statements`, { vendorId: String(vendorId), status: 'affected' })).statusCode).toBe(303);
    expect((await vendorStatements(p.ctx.db, row.id)).length).toBe(1);
  });

  it('filters the work queue by state, source and keyword, counts per state, and exports the filtered list as CSV', async () => {
    const all = await get(analyst, '/staff/advisories');
    expect(all.body).toMatch(/data-state="draft">1</);
    expect(all.body).toMatch(/data-state="revised">1</);
    expect(all.body).toContain('RouterOS-X における認証回避の脆弱性');
    const drafts = await get(analyst, '/staff/advisories?state=draft');
    expect(drafts.body).toContain('RouterOS-X');
    expect(drafts.body).not.toContain('SampleCMS');
    expect((await get(analyst, '/staff/advisories?source=case')).body).not.toContain('SampleCMS');
    expect((await get(analyst, '/staff/advisories?q=VN-TEST-0001')).body).toContain('RouterOS-X');
    expect((await get(analyst, `/staff/advisories?q=${jvndb}`)).body).toContain('SampleCMS');
    expect((await get(analyst, '/staff/advisories?q=%E6%A0%BC%E7%B4%8D%E5%9E%8B')).body).toContain('SampleCMS'); // 格納型
    // Unknown filter values are ignored, never an error.
    expect((await get(analyst, '/staff/advisories?state=bogus&source=%27;drop&page=-4')).statusCode).toBe(200);

    const csv = await get(analyst, '/staff/advisories?format=csv&state=revised');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="advisories-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = csv.rawPayload.subarray(3).toString('utf8').trim().split('\r\n');
    expect(lines[0]).toBe('uuid,JVNDB ID,状態,出所,出所の参照,タイトル（日本語）,タイトル（英語）,CVE,深刻度,公表日,登録日,最終更新日,最終変更,版');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`${uuid},${jvndb},改訂済み,職員作成,,SampleCMS における格納型クロスサイトスクリプティングの脆弱性,SampleCMS vulnerable to cross-site scripting,CVE-2026-10001 CVE-2026-10002,medium,2026-11-20,`);
    const every = (await get(analyst, '/staff/advisories?format=csv')).rawPayload.subarray(3).toString('utf8').trim().split('\r\n');
    expect(every).toHaveLength(3);
    const en = await p.app.inject({ method: 'GET', url: '/staff/advisories?format=csv&source=case&encoding=shift_jis&lang=en', headers: { cookie: analyst.cookie } });
    expect(en.headers['content-type']).toBe('text/csv; charset=Shift_JIS');
    expect(en.rawPayload.toString('latin1').split('\r\n')[0]).toContain('state,source,source ref');
    const audit = await p.ctx.audit.list({ action: 'advisories.export' });
    expect(audit.length).toBeGreaterThan(0);
  });
});
