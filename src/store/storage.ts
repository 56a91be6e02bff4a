import type { GloballyNamedResourceRepo } from './store.js';

/** Records and repositories of the blob data plane (ADR 0007), kept apart from store.ts to keep it small. */

export interface StorageAccountKey {
  keyName: 'key1' | 'key2';
  /** The key sealed with the master key (`seal(..., aad = '<account id>/<keyName>')`). */
  sealed: string;
  creationTime: number;
}

export interface StorageAccountRecord {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  /** Globally unique: it is the first label of the blob host name. */
  name: string;
  location: string;
  tags: Record<string, string>;
  /** sku, kind and the caller's properties, returned as given. */
  body: Record<string, unknown>;
  keys: StorageAccountKey[];
  createdAt: number;
  updatedAt: number;
}

export interface ContainerRecord {
  account: string;
  name: string;
  metadata: Record<string, string>;
  etag: string;
  createdAt: number;
}

/** Content headers the client set (content-type, -encoding, -language, -md5, -disposition, cache-control). */
export type BlobProperties = Record<string, string>;

export interface BlobRecord {
  account: string;
  container: string;
  name: string;
  size: number;
  properties: BlobProperties;
  metadata: Record<string, string>;
  etag: string;
  createdAt: number;
  updatedAt: number;
}

/** `update` replaces tags, body, keys and updatedAt; `delete` takes its containers, blobs and blocks with it. */
export type StorageAccountRepo = GloballyNamedResourceRepo<StorageAccountRecord>;

export interface BlobRepo {
  /** Throws conflict when the container exists. */
  createContainer(c: ContainerRecord): Promise<void>;
  getContainer(account: string, name: string): Promise<ContainerRecord | undefined>;
  /** Ordered by name; names start with `prefix`; `after` is the last name of the previous page. */
  listContainers(account: string, prefix: string, limit: number, after?: string): Promise<ContainerRecord[]>;
  /** Its blobs and blocks go with it. */
  deleteContainer(account: string, name: string): Promise<boolean>;
  /** Creates or replaces the blob; clears its uncommitted blocks. */
  putBlob(b: BlobRecord, content: Buffer): Promise<void>;
  getBlob(account: string, container: string, name: string): Promise<BlobRecord | undefined>;
  getContent(account: string, container: string, name: string): Promise<Buffer | undefined>;
  /** Ordered by name, as `listContainers`. */
  listBlobs(account: string, container: string, prefix: string, limit: number, after?: string): Promise<BlobRecord[]>;
  deleteBlob(account: string, container: string, name: string): Promise<boolean>;
  /** Stages (or replaces) one uncommitted block. */
  putBlock(
    account: string,
    container: string,
    blob: string,
    blockId: string,
    content: Buffer,
    now: number,
  ): Promise<void>;
  /** Uncommitted blocks of a blob by block id. */
  getBlocks(account: string, container: string, blob: string): Promise<Map<string, Buffer>>;
  countBlocks(account: string, container: string, blob: string): Promise<number>;
}
