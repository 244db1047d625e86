// Test databases: every database test runs on PGlite and on the PostgreSQL server
// (127.0.0.1:5432, or TEST_POSTGRES_URL), each in a database of its own.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export type Backend = 'pglite' | 'postgres';
export const BACKENDS: Backend[] = (process.env.MAMORI_TEST_BACKENDS ?? 'pglite,postgres').split(',').map((s) => s.trim()) as Backend[];
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `mamori_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    async drop() {
      // pg's pool.end() resolves before its connections have fully closed; forcing the drop at
      // once kills them mid-goodbye and the client raises an uncaught error. Wait for them first.
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      try {
        for (let i = 0; i < 50; i++) {
          const r = await c.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
          if (r.rows[0].n === 0) break;
          await new Promise((res) => setTimeout(res, 20));
        }
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

