// Personal data of closed cases is purged after the type's retention period; the case, its history
// and its statistics stay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startTestPlatform, type TestPlatform } from '../../../test/harness.js';
import { modules } from '../../modules/index.js';
import type { ModuleDefinition } from '../module.js';
import { SYSTEM_ACTOR, type Actor } from '../context.js';
import { purgeExpiredPersonalData, removePath } from './retention.js';

const TYPE = 'test.retained';
const DAY = 86_400_000;
const hookCalls: string[] = [];

const testModule: ModuleDefinition = {
  name: 'retention-test',
  title: { ja: '保存期間テスト', en: 'Retention test' },
  migrations: [],
  permissions: { 'rt.all': { roles: ['analyst'], description: { ja: 'テスト', en: 'Test' } } },
  caseTypes: [{
    type: TYPE, title: { ja: '保存期間のある案件', en: 'Retained case' }, refPrefix: 'IPA-RT', initial: 'open',
    readPermission: 'rt.all', writePermission: 'rt.all',
    states: { open: { label: { ja: '受付', en: 'Open' } }, done: { label: { ja: '終了', en: 'Done' }, terminal: true } },
    transitions: [{ name: 'close', label: { ja: '終了', en: 'Close' }, from: ['open'], to: 'done', permission: 'rt.all' }],
    retention: { days: 30, personalKeys: ['reporter.name', 'reporter.phone', 'memo'], purge: async (_ctx, caseId) => { hookCalls.push(caseId); } },
  }],
};

describe('removePath', () => {
  it('removes nested keys and reports whether anything went', () => {
    const d: Record<string, unknown> = { a: { b: 1, c: 2 }, x: 3 };
    expect(removePath(d, 'a.b')).toBe(true);
    expect(removePath(d, 'a.zz')).toBe(false);
    expect(removePath(d, 'x.y')).toBe(false);
    expect(d).toEqual({ a: { c: 2 }, x: 3 });
  });
});

describe.each(BACKENDS)('retention of personal data on %s', (backend) => {
  let p: TestPlatform;
  const staff: Actor = { ...SYSTEM_ACTOR, kind: 'staff', userId: null, displayName: 'tester', permissions: new Set(['rt.all']) };

  beforeAll(async () => { p = await startTestPlatform(backend, { modules: [...modules, testModule] }); });
  afterAll(async () => { await p?.destroy(); });

  it('purges after the period only, keeps state, history and other data, and audits', async () => {
    const mk = async (closed: boolean) => {
      const { record } = await p.ctx.cases.create({
        type: TYPE, title: 'ウイルス感染の相談', data: { reporter: { name: '山田 太郎', phone: '03-0000-0000', sector: '製造業' }, memo: '自宅住所など', damage: true },
        parties: [{ role: 'reporter', email: 'taro@example.jp', name: '山田 太郎' }],
      }, SYSTEM_ACTOR);
      if (closed) await p.ctx.cases.transition(record.id, 'close', staff);
      return record;
    };
    const closed = await mk(true);
    const open = await mk(false);
    const before = await p.ctx.cases.stateCountsAsOf(TYPE, new Date(Date.now() + DAY));
    const types = p.ctx.cases.types();

    expect(await purgeExpiredPersonalData(p.ctx, types, new Date(Date.now() + 10 * DAY))).toBe(0);
    expect(await purgeExpiredPersonalData(p.ctx, types, new Date(Date.now() + 31 * DAY))).toBe(1);
    expect(await purgeExpiredPersonalData(p.ctx, types, new Date(Date.now() + 62 * DAY))).toBe(0); // once only

    const purged = (await p.ctx.cases.load(closed.id))!;
    expect(purged.data).toEqual({ reporter: { sector: '製造業' }, damage: true });
    expect(purged.state).toBe('done');
    const [party] = await p.ctx.cases.partiesOf(closed.id);
    expect(party).toMatchObject({ role: 'reporter', email: null, name: null });
    expect((await p.ctx.cases.history(closed.id)).map((e) => e.kind)).toContain('personal_data_purged');
    expect((await p.ctx.cases.load(open.id))!.data).toMatchObject({ memo: '自宅住所など' });
    expect((await p.ctx.cases.partiesOf(open.id))[0].email).toBe('taro@example.jp');
    expect(await p.ctx.cases.stateCountsAsOf(TYPE, new Date(Date.now() + DAY))).toEqual(before);
    expect(hookCalls).toEqual([closed.id]);
    hookCalls.length = 0;
    // Grouped counts by data keys (and month) stay available after the purge: damage is not personal.
    const grouped = await p.ctx.cases.countReceivedBy(TYPE, new Date(Date.now() - DAY), new Date(Date.now() + DAY), ['damage', 'memo'], { byMonth: true });
    expect(grouped.reduce((a, g) => a + g.n, 0)).toBe(2);
    expect(grouped.find((g) => g.values.memo === null)).toMatchObject({ values: { damage: 'true', memo: null }, n: 1, month: expect.stringMatching(/^\d{4}-\d{2}$/) });
    await expect(p.ctx.cases.countReceivedBy(TYPE, new Date(0), new Date(), ["x'; drop table cases; --"])).rejects.toThrow(RangeError);
    const audit = await p.ctx.audit.list({ action: 'cases.personal_data_purged' });
    expect(audit[0].details).toMatchObject({ count: 1, refs: [closed.ref] });
  });
});
