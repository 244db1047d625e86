// A deliberately small migrator: migrations are ordered lists (kernel first, then modules in the
// order of src/modules/index.ts), each applied once in its own transaction and recorded by id.
// Kysely's own migrator orders by name across all sources, which would interleave modules.
import { sql, type Kysely } from 'kysely';

export interface Migration {
  id: string;
  up(db: Kysely<any>): Promise<void>;
}

export async function migrate(db: Kysely<any>, migrations: Migration[]): Promise<string[]> {
  const ids = new Set<string>();
  for (const m of migrations) {
    if (ids.has(m.id)) throw new Error(`duplicate migration id ${m.id}`);
    ids.add(m.id);
  }
  await sql`create table if not exists mamori_migrations (id text primary key, applied_at timestamptz not null default now())`.execute(db);
  const applied: string[] = [];
  for (const m of migrations) {
    const done = await db.transaction().execute(async (trx) => {
      // Serialise concurrent starters on a PostgreSQL server (harmless on PGlite).
      await sql`select pg_advisory_xact_lock(4242)`.execute(trx);
      const row = await sql<{ id: string }>`select id from mamori_migrations where id = ${m.id}`.execute(trx);
      if (row.rows.length) return false;
      await m.up(trx);
      await sql`insert into mamori_migrations (id) values (${m.id})`.execute(trx);
      return true;
    });
    if (done) applied.push(m.id);
  }
  return applied;
}
