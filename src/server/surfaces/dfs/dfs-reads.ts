import type { Clock } from '../../../kernel/clock.js';
import { isDomainError } from '../../../kernel/errors.js';
import type { Store } from '../../../store/store.js';
import type { BlobRecord } from '../../../store/storage.js';
import type { PathAccessRecord } from '../../../store/datalake.js';
import { formatAcl, SUPERUSER } from '../../datalake/acl.js';
import type { PathAccessService } from '../../datalake/access.js';
import { DfsError, fsNotFound, pathNotFound } from './dfs-errors.js';
import { httpDate, isFolder, newEtag, sendDfs, type DfsTarget } from './dfs-target.js';

const MAX_RESULTS = 5000;

/** File system operations and path reads of the dfs endpoint. */
export class DfsReads {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly access: PathAccessService,
  ) {}

  /** The root's owner and owning group are the creator under OAuth, `$superuser` under a key (the ACL doc's case 1). */
  async CreateFilesystem(t: DfsTarget): Promise<void> {
    const rec = { account: t.account, name: t.op.fs, metadata: {}, etag: newEtag(), createdAt: this.clock.now() };
    try {
      await this.store.tx(async (tx) => {
        await tx.blobs.createContainer(rec);
        const root = { owner: t.caller, group: t.caller, permissions: 'rwxr-x---', acl: '' };
        await tx.dataLake.putAccess({ account: t.account, container: t.op.fs, name: '', ...root });
      });
    } catch (e) {
      if (isDomainError(e) && e.kind === 'conflict')
        throw new DfsError(409, 'FilesystemAlreadyExists', 'The specified filesystem already exists.');
      throw e;
    }
    sendDfs(t, 201, { etag: rec.etag, 'last-modified': httpDate(rec.createdAt), 'x-ms-namespace-enabled': 'true' });
  }

  async DeleteFilesystem(t: DfsTarget): Promise<void> {
    if (!(await this.store.blobs.deleteContainer(t.account, t.op.fs))) throw fsNotFound();
    sendDfs(t, 202, {});
  }

  async GetFilesystemProperties(t: DfsTarget): Promise<void> {
    const c = await this.store.blobs.getContainer(t.account, t.op.fs);
    if (!c) throw fsNotFound();
    sendDfs(t, 200, { etag: c.etag, 'last-modified': httpDate(c.createdAt), 'x-ms-namespace-enabled': 'true' });
  }

  private async path(t: DfsTarget): Promise<BlobRecord | undefined> {
    if (t.op.path === '') {
      if (!(await this.store.blobs.getContainer(t.account, t.op.fs))) throw fsNotFound();
      return undefined;
    }
    const b = await this.store.blobs.getBlob(t.account, t.op.fs, t.op.path);
    if (b) return b;
    if (!(await this.store.blobs.getContainer(t.account, t.op.fs))) throw fsNotFound();
    throw pathNotFound();
  }

  /** HEAD: properties, or with action=getAccessControl the owner, group, permissions and ACL. */
  async GetPathProperties(t: DfsTarget): Promise<void> {
    const b = await this.path(t);
    const a = await this.access.access(t.account, t.op.fs, t.op.path);
    const acl = { 'x-ms-owner': a.owner, 'x-ms-group': a.group, 'x-ms-permissions': a.permissions };
    if (t.ctx.query.get('action') === 'getAccessControl')
      return sendDfs(t, 200, { ...acl, 'x-ms-acl': formatAcl(a), ...(b ? { etag: b.etag } : {}) });
    const dir = !b || isFolder(b);
    sendDfs(t, 200, {
      ...acl,
      'x-ms-resource-type': dir ? 'directory' : 'file',
      'content-type': b?.properties['content-type'] ?? 'application/octet-stream',
      ...(b
        ? { etag: b.etag, 'last-modified': httpDate(b.updatedAt), 'x-ms-creation-time': httpDate(b.createdAt) }
        : {}),
      'content-length': String(b?.size ?? 0),
    });
  }

  /** Path List: the directory's children (all descendants with recursive=true), paged by `continuation`. */
  async ListPaths(t: DfsTarget): Promise<void> {
    const q = t.ctx.query;
    const dir = (q.get('directory') ?? '').replace(/^\/+|\/+$/g, '');
    if (dir !== '') {
      const d = await this.store.blobs.getBlob(t.account, t.op.fs, dir);
      if (!d || !isFolder(d)) throw pathNotFound();
    } else if (!(await this.store.blobs.getContainer(t.account, t.op.fs))) throw fsNotFound();
    const recursive = q.get('recursive') === 'true';
    // A zero, negative or fractional maxResults must not reach the store's LIMIT (fuzz suite).
    const max = Math.min(
      Math.max(Math.trunc(Number(q.get('maxResults') ?? MAX_RESULTS) || MAX_RESULTS), 1),
      MAX_RESULTS,
    );
    const prefix = dir === '' ? '' : `${dir}/`;
    const after = q.get('continuation') ?? undefined;
    const scanned = await this.store.blobs.listBlobs(t.account, t.op.fs, prefix, max + 1, after || undefined);
    const page = scanned.slice(0, max);
    const access = new Map(
      (await this.store.dataLake.listAccess(t.account, t.op.fs, dir)).map((a) => [a.name, a] as const),
    );
    const paths = page
      .filter((b) => recursive || !b.name.slice(prefix.length).includes('/'))
      .map((b) => pathJson(b, access.get(b.name)));
    const next = scanned.length > max ? { 'x-ms-continuation': page[page.length - 1]!.name } : {};
    sendDfs(t, 200, { 'content-type': 'application/json;charset=utf-8', ...next }, JSON.stringify({ paths }));
  }
}

function pathJson(b: BlobRecord, a: PathAccessRecord | undefined): Record<string, string> {
  return {
    name: b.name,
    ...(isFolder(b) ? { isDirectory: 'true' } : {}),
    contentLength: String(b.size),
    lastModified: httpDate(b.updatedAt),
    etag: b.etag,
    owner: a?.owner ?? SUPERUSER,
    group: a?.group ?? SUPERUSER,
    permissions: a?.permissions ?? 'rwxr-x---',
  };
}
