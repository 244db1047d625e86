// The group-commit queue on its own (no database): grouping, per-item errors, one-by-one retry.
import { describe, expect, it } from 'vitest';
import { groupCommit, GroupItemError } from './group-commit.js';

describe('groupCommit', () => {
  it('writes calls made together as one group and later calls as the next', async () => {
    const groups: number[][] = [];
    const write = groupCommit<number, string>(async (items) => {
      groups.push(items);
      await new Promise((r) => setTimeout(r, 10));
      return items.map((i) => `#${i}`);
    });
    const first = [1, 2, 3].map(write);
    await new Promise((r) => setTimeout(r, 2)); // the first group is being written
    const second = [4, 5].map(write);
    expect(await Promise.all([...first, ...second])).toEqual(['#1', '#2', '#3', '#4', '#5']);
    expect(groups).toEqual([[1, 2, 3], [4, 5]]);
  });

  it('fails an item with its own error without failing the group', async () => {
    const write = groupCommit<number, number>(async (items) => items.map((i) => (i < 0 ? new GroupItemError(new Error(`bad ${i}`)) : i)));
    const settled = await Promise.allSettled([1, -2, 3].map(write));
    expect(settled).toMatchObject([{ status: 'fulfilled', value: 1 }, { status: 'rejected', reason: { message: 'bad -2' } }, { status: 'fulfilled', value: 3 }]);
  });

  it('retries each item of a failed group on its own, and respects the group size', async () => {
    const groups: number[][] = [];
    const write = groupCommit<number, number>(async (items) => {
      groups.push(items);
      if (items.includes(13)) throw new Error('unlucky');
      return items;
    }, 2);
    const settled = await Promise.allSettled([12, 13, 14].map(write));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(groups).toEqual([[12, 13], [12], [13], [14]]);
  });
});
