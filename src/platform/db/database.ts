// One SQL dialect everywhere: PostgreSQL, either embedded (PGlite, files under var/db) or a server.
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { PGliteDialect } from './pglite-dialect.js';

/**
 * The database schema. Each module adds its own tables by declaration merging:
 *   declare module '../../platform/db/database.js' { interface Tables { my_table: MyRow } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface Tables {}
export type DB = Kysely<Tables>;

export interface Database {
  db: DB;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
  ping(): Promise<boolean>;
}

// bigint (count(*)) and numeric come back as strings from pg; counts fit in a JS number.
pg.types.setTypeParser(20, (v) => Number(v));

export async function openDatabase(opts: { url?: string; dir?: string; memory?: boolean; poolSize?: number }): Promise<Database> {
  let db: DB;
  let kind: Database['kind'];
  if (opts.url) {
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10 });
    db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
    kind = 'postgres';
  } else {
    if (!opts.memory && opts.dir) mkdirSync(opts.dir, { recursive: true });
    const lite = await PGlite.create({
      dataDir: opts.memory || !opts.dir ? undefined : opts.dir,
      extensions: { pg_trgm, btree_gin },
    });
    // PGlite returns int8 as bigint by default; normalise to number like the pg parser above.
    db = new Kysely<Tables>({ dialect: new PGliteDialect(lite) });
    kind = 'pglite';
  }
  return {
    db,
    kind,
    close: () => db.destroy(),
    ping: async () => {
      try { await sql`select 1`.execute(db); return true; } catch { return false; }
    },
  };
}
