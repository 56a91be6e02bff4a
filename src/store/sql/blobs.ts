import type { BlobRecord, BlobRepo, ContainerRecord } from '../storage.js';
import { fromJson, lookupKey, toJson } from './columns.js';
import { insertOrConflict } from './conflict.js';
import type { Executor } from './executor.js';
import { checkLimit } from './paging.js';

interface ContainerRow {
  account_key: string;
  name: string;
  metadata: string;
  etag: string;
  created_at: number | string;
}
interface BlobRow {
  account_key: string;
  container: string;
  name: string;
  size: number | string;
  properties: string;
  metadata: string;
  etag: string;
  created_at: number | string;
  updated_at: number | string;
}

// Container and blob names are case-sensitive in Azure (container names are lower-case by rule);
// only the account name is a host label and so is looked up case-insensitively.
const toContainer = (r: ContainerRow): ContainerRecord => ({
  account: r.account_key,
  name: r.name,
  metadata: fromJson(r.metadata, 'container metadata'),
  etag: r.etag,
  createdAt: Number(r.created_at),
});
const toBlob = (r: BlobRow): BlobRecord => ({
  account: r.account_key,
  container: r.container,
  name: r.name,
  size: Number(r.size),
  properties: fromJson(r.properties, 'blob properties'),
  metadata: fromJson(r.metadata, 'blob metadata'),
  etag: r.etag,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});
const BLOB_COLUMNS =
  'account_key, container, name, LENGTH(content) AS size, properties, metadata, etag, created_at, updated_at';

/** `LIKE` would need escaping of `%`/`_`; a range on the name is exact and uses the primary key. */
function nameRange(prefix: string, after: string | undefined, first: number): { sql: string; params: string[] } {
  const params: string[] = [];
  const conds: string[] = [];
  if (prefix) {
    conds.push(`name >= $${first + params.length}`);
    params.push(prefix);
    conds.push(`name < $${first + params.length}`);
    params.push(`${prefix}\u{10FFFF}`);
  }
  if (after !== undefined) {
    conds.push(`name > $${first + params.length}`);
    params.push(after);
  }
  return { sql: conds.map((c) => ` AND ${c}`).join(''), params };
}

/** Containers, blobs and uncommitted blocks of the blob data plane. */
export class SqlBlobRepo implements BlobRepo {
  constructor(private readonly db: Executor) {}

  async createContainer(c: ContainerRecord): Promise<void> {
    await insertOrConflict(
      this.db,
      'INSERT INTO blob_containers (account_key, name, metadata, etag, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
      [lookupKey(c.account), c.name, toJson(c.metadata), c.etag, c.createdAt],
      `Container '${c.name}'`,
      c.name,
    );
  }

  async getContainer(account: string, name: string): Promise<ContainerRecord | undefined> {
    const r = await this.db.get<ContainerRow>('SELECT * FROM blob_containers WHERE account_key = $1 AND name = $2', [
      lookupKey(account),
      name,
    ]);
    return r && toContainer(r);
  }

  async listContainers(account: string, prefix: string, limit: number, after?: string): Promise<ContainerRecord[]> {
    checkLimit(limit);
    const range = nameRange(prefix, after, 2);
    const rows = await this.db.all<ContainerRow>(
      `SELECT * FROM blob_containers WHERE account_key = $1${range.sql} ORDER BY name LIMIT ${limit}`,
      [lookupKey(account), ...range.params],
    );
    return rows.map(toContainer);
  }

  async deleteContainer(account: string, name: string): Promise<boolean> {
    const { changes } = await this.db.run('DELETE FROM blob_containers WHERE account_key = $1 AND name = $2', [
      lookupKey(account),
      name,
    ]);
    return changes === 1;
  }

  async putBlob(b: BlobRecord, content: Buffer): Promise<void> {
    const key = [lookupKey(b.account), b.container, b.name];
    await this.db.run(
      `INSERT INTO blobs (account_key, container, name, content, properties, metadata, etag, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (account_key, container, name) DO UPDATE SET content = excluded.content, properties = excluded.properties,
         metadata = excluded.metadata, etag = excluded.etag, updated_at = excluded.updated_at`,
      [...key, content, toJson(b.properties), toJson(b.metadata), b.etag, b.createdAt, b.updatedAt],
    );
    await this.db.run('DELETE FROM blob_blocks WHERE account_key = $1 AND container = $2 AND blob = $3', key);
  }

  async getBlob(account: string, container: string, name: string): Promise<BlobRecord | undefined> {
    const r = await this.db.get<BlobRow>(
      `SELECT ${BLOB_COLUMNS} FROM blobs WHERE account_key = $1 AND container = $2 AND name = $3`,
      [lookupKey(account), container, name],
    );
    return r && toBlob(r);
  }

  async getContent(account: string, container: string, name: string): Promise<Buffer | undefined> {
    const r = await this.db.get<{ content: Buffer }>(
      'SELECT content FROM blobs WHERE account_key = $1 AND container = $2 AND name = $3',
      [lookupKey(account), container, name],
    );
    return r && Buffer.from(r.content);
  }

  async listBlobs(
    account: string,
    container: string,
    prefix: string,
    limit: number,
    after?: string,
  ): Promise<BlobRecord[]> {
    checkLimit(limit);
    const range = nameRange(prefix, after, 3);
    const rows = await this.db.all<BlobRow>(
      `SELECT ${BLOB_COLUMNS} FROM blobs WHERE account_key = $1 AND container = $2${range.sql} ORDER BY name LIMIT ${limit}`,
      [lookupKey(account), container, ...range.params],
    );
    return rows.map(toBlob);
  }

  async deleteBlob(account: string, container: string, name: string): Promise<boolean> {
    const key = [lookupKey(account), container, name];
    await this.db.run('DELETE FROM blob_blocks WHERE account_key = $1 AND container = $2 AND blob = $3', key);
    const { changes } = await this.db.run(
      'DELETE FROM blobs WHERE account_key = $1 AND container = $2 AND name = $3',
      key,
    );
    return changes === 1;
  }

  async putBlock(
    account: string,
    container: string,
    blob: string,
    blockId: string,
    content: Buffer,
    now: number,
  ): Promise<void> {
    await this.db.run(
      `INSERT INTO blob_blocks (account_key, container, blob, block_id, content, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (account_key, container, blob, block_id) DO UPDATE SET content = excluded.content, created_at = excluded.created_at`,
      [lookupKey(account), container, blob, blockId, content, now],
    );
  }

  async getBlocks(account: string, container: string, blob: string): Promise<Map<string, Buffer>> {
    const rows = await this.db.all<{ block_id: string; content: Buffer }>(
      'SELECT block_id, content FROM blob_blocks WHERE account_key = $1 AND container = $2 AND blob = $3',
      [lookupKey(account), container, blob],
    );
    return new Map(rows.map((r) => [r.block_id, Buffer.from(r.content)]));
  }

  async countBlocks(account: string, container: string, blob: string): Promise<number> {
    const r = await this.db.get<{ n: number | string }>(
      'SELECT COUNT(*) AS n FROM blob_blocks WHERE account_key = $1 AND container = $2 AND blob = $3',
      [lookupKey(account), container, blob],
    );
    return Number(r?.n ?? 0);
  }
}
