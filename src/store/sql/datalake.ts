import type { DataLakeRepo, PathAccessRecord } from '../datalake.js';
import { lookupKey } from './columns.js';
import type { Executor } from './executor.js';

interface AccessRow {
  account_key: string;
  container: string;
  name: string;
  owner: string;
  owning_group: string;
  permissions: string;
  acl: string;
}

const toAccess = (r: AccessRow): PathAccessRecord => ({
  account: r.account_key,
  container: r.container,
  name: r.name,
  owner: r.owner,
  group: r.owning_group,
  permissions: r.permissions,
  acl: r.acl,
});

/** `name` itself or a name under `name/`, as a range on the primary key ($3 is the path, $4 its end). */
const SUBTREE = `(name = $3 OR (name > $4 AND name < $5))`;
const subtreeParams = (name: string): string[] => [name, `${name}/`, `${name}/\u{10FFFF}`];
/** The 1-based character position after `name` (SQL substr counts code points in both engines). */
const after = (name: string): number => [...name].length + 1;

const TABLES = [
  { table: 'blobs', column: 'name' },
  { table: 'blob_blocks', column: 'blob' },
  { table: 'dfs_paths', column: 'name' },
];

/** Path access records and whole-subtree moves and deletions of the Data Lake plane. */
export class SqlDataLakeRepo implements DataLakeRepo {
  constructor(private readonly db: Executor) {}

  async getAccess(account: string, container: string, name: string): Promise<PathAccessRecord | undefined> {
    const r = await this.db.get<AccessRow>(
      'SELECT * FROM dfs_paths WHERE account_key = $1 AND container = $2 AND name = $3',
      [lookupKey(account), container, name],
    );
    return r && toAccess(r);
  }

  async putAccess(a: PathAccessRecord): Promise<void> {
    await this.db.run(
      `INSERT INTO dfs_paths (account_key, container, name, owner, owning_group, permissions, acl)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (account_key, container, name) DO UPDATE SET owner = excluded.owner,
         owning_group = excluded.owning_group, permissions = excluded.permissions, acl = excluded.acl`,
      [lookupKey(a.account), a.container, a.name, a.owner, a.group, a.permissions, a.acl],
    );
  }

  async listAccess(account: string, container: string, under: string): Promise<PathAccessRecord[]> {
    const key = [lookupKey(account), container];
    const rows =
      under === ''
        ? await this.db.all<AccessRow>(
            "SELECT * FROM dfs_paths WHERE account_key = $1 AND container = $2 AND name <> '' ORDER BY name",
            key,
          )
        : await this.db.all<AccessRow>(
            'SELECT * FROM dfs_paths WHERE account_key = $1 AND container = $2 AND name > $3 AND name < $4 ORDER BY name',
            [...key, `${under}/`, `${under}/\u{10FFFF}`],
          );
    return rows.map(toAccess);
  }

  async renameTree(account: string, container: string, from: string, to: string): Promise<number> {
    const key = [lookupKey(account), container];
    await this.db.run(`DELETE FROM blob_blocks WHERE account_key = $1 AND container = $2 AND blob = $3`, [
      ...key,
      from,
    ]);
    let moved = 0;
    for (const { table, column } of TABLES) {
      const where = SUBTREE.replace(/name/g, column);
      const { changes } = await this.db.run(
        `UPDATE ${table} SET ${column} = $6 || substr(${column}, $7) WHERE account_key = $1 AND container = $2 AND ${where}`,
        [...key, ...subtreeParams(from), to, after(from)],
      );
      if (table === 'blobs') moved = changes;
    }
    return moved;
  }

  async deleteTree(account: string, container: string, name: string): Promise<number> {
    const params = [lookupKey(account), container, ...subtreeParams(name)];
    let deleted = 0;
    for (const { table, column } of TABLES) {
      const where = SUBTREE.replace(/name/g, column);
      const { changes } = await this.db.run(
        `DELETE FROM ${table} WHERE account_key = $1 AND container = $2 AND ${where}`,
        params,
      );
      if (table === 'blobs') deleted = changes;
    }
    return deleted;
  }
}
