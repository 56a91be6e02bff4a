import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

/** Every table's rows, each as sorted JSON lines: two snapshots are equal when nothing was committed in between. */
export type StoreSnapshot = Record<string, string[]>;

const line = (row: Record<string, unknown>): string =>
  JSON.stringify(row, (_k, v: unknown) =>
    v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer'
      ? Buffer.from((v as { data: number[] }).data).toString('hex')
      : v,
  );

/**
 * Reads a running server's store through a connection of its own, as committed data: the
 * SQLite file in `dataDir` (WAL lets a reader in beside the server), or the PostgreSQL schema of
 * `pgUrl`. For tests that must see that a failed request left nothing behind, whatever table it touched.
 */
export async function snapshotStore(where: { dataDir: string } | { pgUrl: string }): Promise<StoreSnapshot> {
  const out: StoreSnapshot = {};
  if ('dataDir' in where) {
    const db = new Database(join(where.dataDir, 'openmi.db'), { readonly: true, fileMustExist: true });
    try {
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .all() as { name: string }[];
      for (const { name } of tables)
        out[name] = (db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[]).map(line).sort();
    } finally {
      db.close();
    }
    return out;
  }
  const c = new pg.Client({ connectionString: where.pgUrl });
  await c.connect();
  try {
    const tables = await c.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
    );
    for (const { name } of tables.rows) out[name] = (await c.query(`SELECT * FROM "${name}"`)).rows.map(line).sort();
  } finally {
    await c.end();
  }
  return out;
}

/** The tables whose rows differ between two snapshots. */
export function changedTables(a: StoreSnapshot, b: StoreSnapshot): string[] {
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return names.filter((n) => JSON.stringify(a[n] ?? []) !== JSON.stringify(b[n] ?? [])).sort();
}
