import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../../kernel/clock.js';
import type { RequestContext } from '../../../kernel/http/context.js';
import { BodyTooLargeError, bodyRefusal, readBody } from '../../../kernel/http/body.js';
import { isDomainError } from '../../../kernel/errors.js';
import type { Store } from '../../../store/store.js';
import type { BlobRecord } from '../../../store/storage.js';
import { notFoundError, StorageError, versionOf } from './blob-errors.js';
import { blobsXml, containersXml, httpDate, parseBlockList } from './blob-xml.js';
import type { Operation } from './operations.js';

/** ADR 0007: a blob (and any request body) is at most 32 MiB; the store is not an object store. */
export const MAX_BLOB_BYTES = 32 * 1024 * 1024;
const MAX_BLOCKS = 50_000;
const CONTENT_HEADERS = [
  'content-type',
  'content-encoding',
  'content-language',
  'content-md5',
  'content-disposition',
  'cache-control',
];

export interface Target {
  ctx: RequestContext;
  op: Operation;
  account: string;
  endpoint: string;
}

const etag = (): string => `"0x${randomBytes(8).toString('hex').toUpperCase()}"`;
const base = (t: Target): Record<string, string> => ({
  'x-ms-request-id': t.ctx.requestId,
  'x-ms-version': versionOf(t.ctx),
  date: new Date().toUTCString(),
});

function send(t: Target, status: number, headers: Record<string, string>, body: Buffer | string = ''): void {
  const payload = t.ctx.method === 'HEAD' ? '' : body;
  t.ctx.res.writeHead(status, { ...base(t), 'content-length': String(Buffer.byteLength(body)), ...headers });
  t.ctx.res.end(payload);
}

async function body(t: Target): Promise<Buffer> {
  try {
    return await readBody(t.ctx.req, MAX_BLOB_BYTES);
  } catch (e) {
    if (e instanceof BodyTooLargeError)
      throw new StorageError(
        'RequestBodyTooLarge',
        bodyRefusal(
          e,
          `The request body is too large and exceeds the maximum permissible limit (${MAX_BLOB_BYTES} bytes, ADR 0007).`,
        ),
      );
    throw e;
  }
}

const metadataOf = (t: Target): Record<string, string> =>
  Object.fromEntries(
    Object.entries(t.ctx.req.headers)
      .filter(([k]) => k.startsWith('x-ms-meta-'))
      .map(([k, v]) => [k.slice(10), String(v)]),
  );

/** Blob properties come from `x-ms-blob-*` on Put Block List, from either form on Put Blob. */
function propertiesOf(t: Target, fallbackToBody: boolean): Record<string, string> {
  const h = t.ctx.req.headers;
  const out: Record<string, string> = {};
  for (const k of CONTENT_HEADERS) {
    const v = h[`x-ms-blob-${k}`] ?? (fallbackToBody && k !== 'content-md5' ? h[k] : undefined);
    if (typeof v === 'string' && v) out[k] = v;
  }
  return out;
}

/** `maxresults`: 1 to 5,000 (larger asks get 5,000, as Azure caps them); zero, negative or not a number is a 400, as in Azure. */
function maxResults(q: URLSearchParams): number {
  const raw = q.get('maxresults');
  if (raw === null) return 5000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new StorageError(
      'OutOfRangeQueryParameterValue',
      `The value for one of the query parameters specified in the request URI is outside the permissible range: maxresults must be an integer of at least 1, not '${raw.slice(0, 20)}'.`,
    );
  return Math.min(n, 5000);
}

export class BlobHandlers {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async handle(t: Target): Promise<void> {
    try {
      await this[t.op.name](t);
    } catch (e) {
      if (isDomainError(e) && e.kind === 'conflict')
        throw new StorageError('ContainerAlreadyExists', 'The specified container already exists.');
      throw e;
    }
  }

  private async ListContainers(t: Target): Promise<void> {
    const q = t.ctx.query;
    const max = maxResults(q);
    const items = await this.store.blobs.listContainers(
      t.account,
      q.get('prefix') ?? '',
      max + 1,
      q.get('marker') || undefined,
    );
    const page = items.slice(0, max);
    const next = items.length > max ? page[page.length - 1]!.name : undefined;
    send(
      t,
      200,
      { 'content-type': 'application/xml' },
      containersXml(t.endpoint, q.get('prefix') ?? '', max, page, next),
    );
  }

  private async CreateContainer(t: Target): Promise<void> {
    const name = t.op.container!;
    if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(name))
      throw new StorageError('InvalidResourceName', 'The specifed resource name contains invalid characters.');
    const rec = { account: t.account, name, metadata: metadataOf(t), etag: etag(), createdAt: this.clock.now() };
    await this.store.blobs.createContainer(rec);
    send(t, 201, { etag: rec.etag, 'last-modified': httpDate(rec.createdAt) });
  }

  private async container(t: Target) {
    const c = await this.store.blobs.getContainer(t.account, t.op.container!);
    if (!c) throw notFoundError('ContainerNotFound', 'The specified container does not exist.');
    return c;
  }

  private async GetContainerProperties(t: Target): Promise<void> {
    const c = await this.container(t);
    const meta = Object.fromEntries(Object.entries(c.metadata).map(([k, v]) => [`x-ms-meta-${k}`, v]));
    send(t, 200, {
      etag: c.etag,
      'last-modified': httpDate(c.createdAt),
      'x-ms-lease-status': 'unlocked',
      'x-ms-lease-state': 'available',
      'x-ms-has-immutability-policy': 'false',
      'x-ms-has-legal-hold': 'false',
      ...meta,
    });
  }

  private async DeleteContainer(t: Target): Promise<void> {
    if (!(await this.store.blobs.deleteContainer(t.account, t.op.container!)))
      throw notFoundError('ContainerNotFound', 'The specified container does not exist.');
    send(t, 202, {});
  }

  /** Delimiter grouping is done over the fetched page, so a page may hold fewer than maxresults entries. */
  private async ListBlobs(t: Target): Promise<void> {
    await this.container(t);
    const q = t.ctx.query;
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter') ?? '';
    const max = maxResults(q);
    const items = await this.store.blobs.listBlobs(
      t.account,
      t.op.container!,
      prefix,
      max + 1,
      q.get('marker') || undefined,
    );
    const page = items.slice(0, max);
    const next = items.length > max ? page[page.length - 1]!.name : undefined;
    const prefixes = new Set<string>();
    const blobs = page.filter((b) => {
      const cut = delimiter ? b.name.indexOf(delimiter, prefix.length) : -1;
      if (cut >= 0) prefixes.add(b.name.slice(0, cut + delimiter.length));
      return cut < 0;
    });
    send(
      t,
      200,
      { 'content-type': 'application/xml' },
      blobsXml(t.endpoint, t.op.container!, { prefix, delimiter, max, blobs, prefixes: [...prefixes], next }),
    );
  }

  private async commit(t: Target, content: Buffer, fallback: boolean): Promise<void> {
    await this.container(t);
    const now = this.clock.now();
    const existing = await this.store.blobs.getBlob(t.account, t.op.container!, t.op.blob!);
    const md5 = createHash('md5').update(content).digest('base64');
    const rec: BlobRecord = {
      account: t.account,
      container: t.op.container!,
      name: t.op.blob!,
      size: content.length,
      properties: { 'content-md5': md5, ...propertiesOf(t, fallback) },
      metadata: metadataOf(t),
      etag: etag(),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await this.store.blobs.putBlob(rec, content);
    send(t, 201, {
      etag: rec.etag,
      'last-modified': httpDate(now),
      'content-md5': md5,
      'x-ms-request-server-encrypted': 'true',
    });
  }

  private async PutBlob(t: Target): Promise<void> {
    const type = t.ctx.req.headers['x-ms-blob-type'];
    if (type !== undefined && type !== 'BlockBlob')
      throw new StorageError('UnsupportedHeader', 'Only block blobs are supported (ADR 0007).');
    await this.commit(t, await body(t), true);
  }

  private async PutBlock(t: Target): Promise<void> {
    const id = t.ctx.query.get('blockid');
    if (!id) throw new StorageError('InvalidQueryParameterValue', 'blockid is required.');
    await this.container(t);
    if ((await this.store.blobs.countBlocks(t.account, t.op.container!, t.op.blob!)) >= MAX_BLOCKS)
      throw new StorageError(
        'BlockCountExceedsLimit',
        'The uncommitted block count cannot exceed the maximum limit of 50,000 blocks.',
      );
    const content = await body(t);
    await this.store.blobs.putBlock(t.account, t.op.container!, t.op.blob!, id, content, this.clock.now());
    send(t, 201, {
      'content-md5': createHash('md5').update(content).digest('base64'),
      'x-ms-request-server-encrypted': 'true',
    });
  }

  private async PutBlockList(t: Target): Promise<void> {
    const ids = parseBlockList((await body(t)).toString('utf8'));
    const blocks = await this.store.blobs.getBlocks(t.account, t.op.container!, t.op.blob!);
    const parts = ids.map((id) => blocks.get(id));
    if (parts.some((p) => p === undefined))
      throw new StorageError('InvalidBlockList', 'The specified block list is invalid.');
    const total = parts.reduce((n, p) => n + p!.length, 0);
    if (total > MAX_BLOB_BYTES)
      throw new StorageError('RequestBodyTooLarge', `The blob would exceed ${MAX_BLOB_BYTES} bytes (ADR 0007).`);
    await this.commit(t, Buffer.concat(parts as Buffer[], total), false);
  }

  private async blobRecord(t: Target): Promise<BlobRecord> {
    const b = await this.store.blobs.getBlob(t.account, t.op.container!, t.op.blob!);
    if (b) return b;
    await this.container(t);
    throw notFoundError('BlobNotFound', 'The specified blob does not exist.');
  }

  private async GetBlobProperties(t: Target): Promise<void> {
    const b = await this.blobRecord(t);
    send(t, 200, { ...blobHeaders(b), 'content-length': String(b.size) });
  }

  private async GetBlob(t: Target): Promise<void> {
    const b = await this.blobRecord(t);
    const content = (await this.store.blobs.getContent(t.account, t.op.container!, t.op.blob!)) ?? Buffer.alloc(0);
    const range = rangeOf(t, content.length);
    if (!range) return send(t, 200, blobHeaders(b), content);
    const [start, end] = range;
    send(
      t,
      206,
      { ...blobHeaders(b), 'content-range': `bytes ${start}-${end}/${content.length}` },
      content.subarray(start, end + 1),
    );
  }

  private async DeleteBlob(t: Target): Promise<void> {
    await this.blobRecord(t);
    await this.store.blobs.deleteBlob(t.account, t.op.container!, t.op.blob!);
    send(t, 202, { 'x-ms-delete-type-permanent': 'true' });
  }
}

function blobHeaders(b: BlobRecord): Record<string, string> {
  const meta = Object.fromEntries(Object.entries(b.metadata).map(([k, v]) => [`x-ms-meta-${k}`, v]));
  return {
    'content-type': 'application/octet-stream',
    ...b.properties,
    etag: b.etag,
    'last-modified': httpDate(b.updatedAt),
    'x-ms-creation-time': httpDate(b.createdAt),
    'x-ms-blob-type': 'BlockBlob',
    'accept-ranges': 'bytes',
    'x-ms-lease-status': 'unlocked',
    'x-ms-lease-state': 'available',
    'x-ms-server-encrypted': 'true',
    ...meta,
  };
}

/** `x-ms-range` wins over `Range`; `bytes=a-b` or `bytes=a-`, clamped to the size; 416 when it starts past the end. */
function rangeOf(t: Target, size: number): [number, number] | undefined {
  const raw = t.ctx.req.headers['x-ms-range'] ?? t.ctx.req.headers['range'];
  if (typeof raw !== 'string') return undefined;
  const m = /^bytes=(\d+)-(\d*)$/.exec(raw.trim());
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = Math.min(m[2] ? Number(m[2]) : size - 1, size - 1);
  if (start >= size || end < start)
    throw new StorageError('InvalidRange', 'The range specified is invalid for the current size of the resource.', {
      'content-range': `bytes */${size}`,
    });
  return [start, end];
}
