// usage: tsx bench/_cpu.ts <pg|pglite> <file.sql> [n]  — CPU ms per execution of each ;-separated statement (split by lines of ---)
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
const [kind, file, nArg] = process.argv.slice(2);
const n = Number(nArg ?? 20);
const stmts = readFileSync(file, 'utf8').split(/^---.*$/m).map((s) => s.trim()).filter(Boolean);
const jiff = (pid: number) => { const s = readFileSync(`/proc/${pid}/stat`, 'utf8'); const r = s.slice(s.lastIndexOf(')') + 2).split(' '); return (Number(r[11]) + Number(r[12])) * 10; };
if (kind === 'pg') {
  const c = new pg.Client({ connectionString: process.env.URL ?? 'postgres://postgres@127.0.0.1:5432/mamori_bench_diag' });
  await c.connect(); (globalThis as any).__c = c;
  const pid = (await c.query('select pg_backend_pid() as p')).rows[0].p;
  for (const s of stmts) {
    if (/^(create|alter|analyze|vacuum|drop|set)/i.test(s)) { await (kind === "pg" ? (globalThis as any).__c.query(s) : (globalThis as any).__db.query(s)); continue; }
    await c.query(s);
    const j0 = jiff(pid); const t0 = performance.now();
    let rows = 0;
    for (let i = 0; i < n; i++) rows = (await c.query(s)).rowCount ?? 0;
    console.log(`cpu ${((jiff(pid) - j0) / n).toFixed(1)} ms  wall ${((performance.now() - t0) / n).toFixed(1)} ms  rows ${rows}  ${s.slice(0, 90).replace(/\s+/g, ' ')}`);
  }
  await c.end();
} else {
  const db = await PGlite.create({ dataDir: process.env.DIR ?? '/tmp/mbdiag-pglite/db', extensions: { pg_trgm } }); (globalThis as any).__db = db;
  for (const s of stmts) {
    if (/^(create|alter|analyze|vacuum|drop|set)/i.test(s)) { await (kind === "pg" ? (globalThis as any).__c.query(s) : (globalThis as any).__db.query(s)); continue; }
    await db.query(s);
    const c0 = process.cpuUsage(); const t0 = performance.now();
    let rows = 0;
    for (let i = 0; i < n; i++) rows = (await db.query(s)).rows.length;
    const c = process.cpuUsage(c0);
    console.log(`cpu ${((c.user + c.system) / 1000 / n).toFixed(1)} ms  wall ${((performance.now() - t0) / n).toFixed(1)} ms  rows ${rows}  ${s.slice(0, 90).replace(/\s+/g, ' ')}`);
  }
  await db.close();
}
