import type { Clock } from '../../../kernel/clock.js';
import { MAX_BLOB_BYTES } from '../blob/blob-handlers.js';
import type { Store, StoreRepos } from '../../../store/store.js';
import type { BlobRecord } from '../../../store/storage.js';
import { applyAcl, childAccess, symbolic } from '../../datalake/acl.js';
import { parentOf, UNRECORDED, type PathAccessService } from '../../datalake/access.js';
import { DfsError, fsNotFound, pathNotFound } from './dfs-errors.js';
import {
  dfsBody,
  FOLDER_META,
  header,
  httpDate,
  isFolder,
  newEtag,
  positionOf,
  sendDfs,
  type DfsTarget,
} from './dfs-target.js';

/** Block ids of appended data: the position, zero-padded so they sort in order. */
const blockId = (position: number): string => String(position).padStart(16, '0');

/** Path writes of the dfs endpoint: create, append, flush, rename, delete, Set Access Control. */
export class DfsPathWrites {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly access: PathAccessService,
  ) {}

  private async requireFs(t: DfsTarget, repos: StoreRepos = this.store): Promise<void> {
    if (!(await repos.blobs.getContainer(t.account, t.op.fs))) throw fsNotFound();
  }

  private async blob(t: DfsTarget, path = t.op.path): Promise<BlobRecord> {
    const b = await this.store.blobs.getBlob(t.account, t.op.fs, path);
    if (b) return b;
    await this.requireFs(t);
    throw pathNotFound();
  }

  /** Azure creates missing parent directories of a new path; each inherits from its own parent. */
  private async makePath(tx: StoreRepos, t: DfsTarget, path: string, isDirectory: boolean): Promise<BlobRecord> {
    const parent = parentOf(path);
    if (parent !== '' && !(await tx.blobs.getBlob(t.account, t.op.fs, parent)))
      await this.makePath(tx, t, parent, true);
    const now = this.clock.now();
    const rec: BlobRecord = {
      account: t.account,
      container: t.op.fs,
      name: path,
      size: 0,
      properties: isDirectory ? {} : contentProps(t),
      metadata: isDirectory ? { [FOLDER_META]: 'true' } : {},
      etag: newEtag(),
      createdAt: now,
      updatedAt: now,
    };
    await tx.blobs.putBlob(rec, Buffer.alloc(0));
    const parentAccess = (await tx.dataLake.getAccess(t.account, t.op.fs, parent)) ?? UNRECORDED;
    const requested = path === t.op.path ? header(t, 'x-ms-permissions') : undefined;
    const a = childAccess(parentAccess, t.caller, isDirectory, requested);
    await tx.dataLake.putAccess({ account: t.account, container: t.op.fs, name: path, ...a });
    return rec;
  }

  async CreatePath(t: DfsTarget): Promise<void> {
    const resource = t.ctx.query.get('resource');
    if (resource !== 'file' && resource !== 'directory')
      throw new DfsError(
        400,
        'InvalidQueryParameterValue',
        "The value for one of the query parameters 'resource' is not valid.",
      );
    const rec = await this.store.tx(async (tx) => {
      await this.requireFs(t, tx);
      const existing = await tx.blobs.getBlob(t.account, t.op.fs, t.op.path);
      if (existing && header(t, 'if-none-match') === '*')
        throw new DfsError(409, 'PathAlreadyExists', 'The specified path already exists.');
      if (existing && isFolder(existing) !== (resource === 'directory'))
        throw new DfsError(409, 'ResourceTypeMismatch', 'The resource type of the existing path differs.');
      if (existing && resource === 'directory') return existing;
      return this.makePath(tx, t, t.op.path, resource === 'directory');
    });
    sendDfs(t, 201, {
      etag: rec.etag,
      'last-modified': httpDate(rec.updatedAt),
      'x-ms-request-server-encrypted': 'true',
    });
  }

  /** Appended data waits as blocks keyed by position until a flush commits it (Path Update, action=append). */
  async AppendData(t: DfsTarget): Promise<void> {
    const b = await this.blob(t);
    if (isFolder(b)) throw new DfsError(400, 'InvalidFlushOperation', 'The resource is a directory.');
    const position = positionOf(t);
    const blocks = await this.store.blobs.getBlocks(t.account, t.op.fs, t.op.path);
    // The blob plane's bound on uncommitted blocks holds for appends too.
    if (blocks.size >= 50_000)
      throw new DfsError(409, 'BlockCountExceedsLimit', 'Flush before appending more than 50,000 times.');
    const expected = [...blocks.values()].reduce((n, x) => n + x.length, b.size);
    if (position !== expected)
      throw new DfsError(
        400,
        'InvalidFlushPosition',
        `The append position ${position} is not the end of the data (${expected}).`,
      );
    const content = await dfsBody(t);
    if (expected + content.length > MAX_BLOB_BYTES)
      throw new DfsError(413, 'RequestBodyTooLarge', 'The file would exceed 32 MiB (ADR 0007).');
    await this.store.blobs.putBlock(t.account, t.op.fs, t.op.path, blockId(position), content, this.clock.now());
    sendDfs(t, 202, { 'x-ms-request-server-encrypted': 'true' });
  }

  async FlushData(t: DfsTarget): Promise<void> {
    const b = await this.blob(t);
    const position = positionOf(t);
    const blocks = [...(await this.store.blobs.getBlocks(t.account, t.op.fs, t.op.path)).entries()].sort(([x], [y]) =>
      x < y ? -1 : 1,
    );
    const committed = (await this.store.blobs.getContent(t.account, t.op.fs, t.op.path)) ?? Buffer.alloc(0);
    const parts = [committed];
    let at = committed.length;
    for (const [id, data] of blocks) {
      if (Number(id) !== at) break;
      parts.push(data);
      at += data.length;
    }
    if (position !== at)
      throw new DfsError(
        400,
        'InvalidFlushPosition',
        `The flush position ${position} does not match the appended data (${at}).`,
      );
    const now = this.clock.now();
    const rec: BlobRecord = {
      ...b,
      properties: { ...b.properties, ...contentProps(t) },
      etag: newEtag(),
      updatedAt: now,
    };
    await this.store.blobs.putBlob(rec, Buffer.concat(parts, at));
    sendDfs(t, 200, { etag: rec.etag, 'last-modified': httpDate(now), 'x-ms-request-server-encrypted': 'true' });
  }

  async RenamePath(t: DfsTarget): Promise<void> {
    const source = t.op.source!;
    if (t.op.path === source || t.op.path.startsWith(`${source}/`))
      throw new DfsError(400, 'InvalidDestinationPath', 'The destination path is the source or lies under it.');
    await this.store.tx(async (tx) => {
      await this.requireFs(t, tx);
      if (!(await tx.blobs.getBlob(t.account, t.op.fs, source)))
        throw new DfsError(404, 'SourcePathNotFound', 'The source path for a rename operation does not exist.');
      const dest = await tx.blobs.getBlob(t.account, t.op.fs, t.op.path);
      if (dest && isFolder(dest))
        throw new DfsError(409, 'PathAlreadyExists', 'The destination directory already exists.');
      if (dest) await tx.dataLake.deleteTree(t.account, t.op.fs, t.op.path);
      const parent = parentOf(t.op.path);
      if (parent !== '' && !(await tx.blobs.getBlob(t.account, t.op.fs, parent)))
        await this.makePath(tx, t, parent, true);
      await tx.dataLake.renameTree(t.account, t.op.fs, source, t.op.path);
    });
    sendDfs(t, 201, {});
  }

  /** A directory with children needs recursive=true; Azure's continuation is never needed here (one transaction). */
  async DeletePath(t: DfsTarget): Promise<void> {
    const b = await this.blob(t);
    const recursive = t.ctx.query.get('recursive') === 'true';
    if (isFolder(b) && !recursive && (await this.store.dataLake.listAccess(t.account, t.op.fs, t.op.path)).length > 0)
      throw new DfsError(
        409,
        'DirectoryNotEmpty',
        'The recursive query parameter value must be true to delete a non-empty directory.',
      );
    await this.store.tx((tx) => tx.dataLake.deleteTree(t.account, t.op.fs, t.op.path));
    sendDfs(t, 200, {});
  }

  /** Changing the owner takes a super-user (RBAC granted, rbacGranted); the owner may change the rest. */
  async SetAccessControl(t: DfsTarget, rbacGranted: boolean): Promise<void> {
    if (t.op.path !== '') await this.blob(t);
    else await this.requireFs(t);
    let a = await this.access.access(t.account, t.op.fs, t.op.path);
    if (!rbacGranted && a.owner !== t.caller)
      throw new DfsError(
        403,
        'AuthorizationPermissionMismatch',
        'Only the owning user or a super-user may change access control.',
      );
    const owner = header(t, 'x-ms-owner');
    if (owner !== undefined && owner !== a.owner && !rbacGranted)
      throw new DfsError(403, 'AuthorizationPermissionMismatch', 'Only a super-user may change the owner.');
    const acl = header(t, 'x-ms-acl');
    const permissions = header(t, 'x-ms-permissions');
    if (acl !== undefined) a = applyAcl(a, acl);
    if (permissions !== undefined) a = { ...a, permissions: symbolic(permissions) };
    a = { ...a, owner: owner ?? a.owner, group: header(t, 'x-ms-group') ?? a.group };
    await this.store.dataLake.putAccess({ account: t.account, container: t.op.fs, name: t.op.path, ...a });
    sendDfs(t, 200, { etag: newEtag(), 'last-modified': httpDate(this.clock.now()) });
  }
}

/** `x-ms-content-type` and friends of Path Create and flush become the blob's content headers. */
function contentProps(t: DfsTarget): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['content-type', 'content-encoding', 'content-language', 'content-disposition', 'cache-control']) {
    const v = header(t, `x-ms-${k}`);
    if (v !== undefined) out[k] = v;
  }
  return out;
}
