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
  /**
   * Calls `onNotify` for every NOTIFY on `channel` (after the notifying transaction commits), from
   * any process using the database. Returns the function that stops listening. On a server the
   * listener holds a connection of its own and reconnects after errors (calling `onNotify` then, as
   * notifications may have been missed).
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
}

// bigint (count(*)) and numeric come back as strings from pg; counts fit in a JS number.
pg.types.setTypeParser(20, (v) => Number(v));

export async function openDatabase(opts: { url?: string; dir?: string; memory?: boolean; poolSize?: number }): Promise<Database> {
  let db: DB;
  let kind: Database['kind'];
  let listen: Database['listen'];
  if (opts.url) {
    const url = opts.url;
    listen = async (channel, onNotify) => {
      let client: pg.Client | null = null; let stopped = false;
      const connect = async (): Promise<void> => {
        const c = new pg.Client({ connectionString: url });
        c.on('notification', (n) => { if (n.channel === channel) onNotify(); });
        c.on('error', () => {
          if (stopped) return;
          onNotify(); client = null;
          setTimeout(() => { if (!stopped) void connect().catch(() => undefined); }, 1000).unref();
        });
        await c.connect();
        await c.query(`listen "${channel.replace(/"/g, '""')}"`);
        client = c;
      };
      await connect();
      return async () => { stopped = true; await client?.end().catch(() => undefined); };
    };
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
    listen = async (channel, onNotify) => {
      const stop = await lite.listen(channel, () => onNotify());
      return async () => { await stop().catch(() => undefined); };
    };
  }
  return {
    db,
    kind,
    listen,
    close: () => db.destroy(),
    ping: async () => {
      try { await sql`select 1`.execute(db); return true; } catch { return false; }
    },
  };
}
