// Group commit: calls that arrive while a transaction is running are written together by the next
// one, so N concurrent writes cost one transaction (one commit, one turn of each lock they share)
// instead of N. Each call resolves only after the transaction holding its write has committed.

/** Writes a group in one transaction; returns per item its result or an error concerning it alone. */
export type GroupWriter<I, R> = (items: I[]) => Promise<Array<R | GroupItemError>>;

/** An error that belongs to one item of a group: that call fails, the others still commit. */
export class GroupItemError {
  constructor(readonly error: unknown) {}
}

/**
 * Returns a function that queues an item and resolves with its result once committed. One group is
 * written at a time, taking everything that queued meanwhile (up to `maxGroup`). If a group's
 * transaction fails, its items are retried one per transaction, so one bad item cannot sink the
 * others and each caller gets its own outcome.
 */
export function groupCommit<I, R>(write: GroupWriter<I, R>, maxGroup = 64): (item: I) => Promise<R> {
  const queue: Array<{ item: I; resolve(r: R): void; reject(e: unknown): void }> = [];
  let draining = false;

  async function run(group: typeof queue): Promise<void> {
    try {
      const results = await write(group.map((g) => g.item));
      group.forEach((g, i) => { const r = results[i]; if (r instanceof GroupItemError) g.reject(r.error); else g.resolve(r); });
    } catch (err) {
      if (group.length === 1) return group[0].reject(err);
      for (const g of group) await run([g]);
    }
  }

  async function drain(): Promise<void> {
    try {
      while (queue.length) await run(queue.splice(0, maxGroup));
    } finally {
      draining = false;
    }
  }

  return (item) => new Promise<R>((resolve, reject) => {
    queue.push({ item, resolve, reject });
    if (draining) return;
    draining = true;
    // Starts after the current I/O callbacks, so requests that arrived together share a group.
    setImmediate(() => void drain());
  });
}
