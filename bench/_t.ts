import { PGlite } from '@electric-sql/pglite';
import { mkdtempSync } from 'node:fs';
for (const dataDir of [undefined, mkdtempSync('/tmp/pgl-')]) {
  const db = await PGlite.create({ dataDir });
  await db.exec('create table t (id serial primary key, x text)');
  const time = async (label: string, n: number, fn: () => Promise<unknown>) => { for (let i = 0; i < 50; i++) await fn(); const c0 = process.cpuUsage(); const t = performance.now(); for (let i = 0; i < n; i++) await fn(); const c = process.cpuUsage(c0); console.log(dataDir ? 'disk' : 'mem ', label.padEnd(30), ((performance.now() - t) / n * 1000).toFixed(0), 'µs wall', ((c.user + c.system) / n).toFixed(0), 'µs cpu'); };
  await time('select 1 (simple)', 2000, () => db.exec('select 1'));
  await time('select $1 (extended)', 2000, () => db.query('select $1::int', [1]));
  await time('begin;insert;commit', 1000, async () => { await db.query('begin'); await db.query('insert into t (x) values ($1)', ['a']); await db.query('commit'); });
  await time('insert autocommit', 1000, () => db.query('insert into t (x) values ($1)', ['a']));
  await time('select by pk', 2000, () => db.query('select * from t where id = $1', [5]));
  await db.close();
}
