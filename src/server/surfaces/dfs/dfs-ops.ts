import type { AclNeed } from '../../datalake/access.js';
import { parentOf } from '../../datalake/access.js';
import { DfsError, unsupportedDfs } from './dfs-errors.js';

const C = 'Microsoft.Storage/storageAccounts/blobServices/containers';

export type DfsOpName =
  | 'CreateFilesystem'
  | 'DeleteFilesystem'
  | 'GetFilesystemProperties'
  | 'ListPaths'
  | 'CreatePath'
  | 'RenamePath'
  | 'AppendData'
  | 'FlushData'
  | 'SetAccessControl'
  | 'GetPathProperties'
  | 'DeletePath';

/** One dfs operation: its RBAC action and, for data actions, what the ACLs must grant instead. */
export interface DfsOp {
  name: DfsOpName;
  fs: string;
  /** '' for the file system (its root directory). */
  path: string;
  rbac: { action: string; kind: 'action' | 'dataAction' };
  /** Empty for control-plane actions (no ACL can grant them) and Set Access Control (owner only). */
  acl: AclNeed[];
  /** Rename: the source path within the same file system. */
  source?: string;
}

const fsOp = (name: DfsOpName, verb: string): Omit<DfsOp, 'fs' | 'path'> => ({
  name,
  rbac: { action: `${C}/${verb}`, kind: 'action' },
  acl: [],
});
const data = (name: DfsOpName, verb: string, acl: AclNeed[]): Omit<DfsOp, 'fs' | 'path'> => ({
  name,
  rbac: { action: `${C}/blobs/${verb}`, kind: 'dataAction' },
  acl,
});

/**
 * The permission table of
 * https://learn.microsoft.com/azure/storage/blobs/data-lake-storage-access-control#common-scenarios-related-to-acl-permissions:
 * create and delete need write and execute on the parent, read needs read, append/flush write;
 * all need execute on every ancestor (access.ts adds that).
 */
/**
 * Requests the Data Lake SDK sends in the blob service's form (`restype`/`comp`, and reads and
 * property gets without `action`): it maps `*.dfs.core.windows.net` to `*.blob.…` for them, but a
 * host under openmi's own zone it cannot map, so they reach the dfs endpoint and go to the blob plane.
 */
export function isBlobStyle(method: string, segments: readonly string[], q: URLSearchParams): boolean {
  if (q.has('restype') || q.has('comp')) return true;
  return segments.length > 1 && (method === 'GET' || method === 'HEAD') && !q.has('action');
}

export function classifyDfs(
  method: string,
  segments: readonly string[],
  q: URLSearchParams,
  renameSource?: string,
): DfsOp {
  const [fs, ...rest] = segments;
  if (fs === undefined) throw unsupportedDfs(`${method} account ${q.get('resource') ?? ''}`);
  // The root directory's access control is addressed as the file system with an `action`.
  if (rest.length === 0 && q.has('action')) return { ...pathLevel(method, q, '', renameSource, fs), fs, path: '' };
  if (rest.length === 0) return { ...filesystemLevel(method, q), fs, path: '' };
  const path = rest.join('/');
  return { ...pathLevel(method, q, path, renameSource, fs), fs, path };
}

function filesystemLevel(method: string, q: URLSearchParams): Omit<DfsOp, 'fs' | 'path'> {
  if (q.get('resource') !== 'filesystem') throw unsupportedDfs(`${method} filesystem without resource=filesystem`);
  if (method === 'PUT') return fsOp('CreateFilesystem', 'write');
  if (method === 'DELETE') return fsOp('DeleteFilesystem', 'delete');
  if (method === 'HEAD') return fsOp('GetFilesystemProperties', 'read');
  if (method === 'GET') {
    const dir = (q.get('directory') ?? '').replace(/^\/+|\/+$/g, '');
    return data('ListPaths', 'read', [{ path: dir, perms: ['r', 'x'] }]);
  }
  throw unsupportedDfs(`${method} filesystem`);
}

function pathLevel(
  method: string,
  q: URLSearchParams,
  path: string,
  renameSource: string | undefined,
  fs: string,
): Omit<DfsOp, 'fs' | 'path'> {
  const parent: AclNeed = { path: parentOf(path), perms: ['w', 'x'] };
  const action = q.get('action');
  if (method === 'PUT' && renameSource !== undefined) {
    const source = sourcePath(renameSource, fs);
    return { ...data('RenamePath', 'move/action', [parent, { path: parentOf(source), perms: ['w', 'x'] }]), source };
  }
  if (method === 'PUT') return data('CreatePath', 'write', [parent]);
  if (method === 'PATCH' && action === 'append') return data('AppendData', 'write', [{ path, perms: ['w'] }]);
  if (method === 'PATCH' && action === 'flush') return data('FlushData', 'write', [{ path, perms: ['w'] }]);
  if (method === 'PATCH' && action === 'setAccessControl')
    return data('SetAccessControl', 'modifyPermissions/action', []);
  if (method === 'HEAD') return data('GetPathProperties', 'read', [{ path, perms: [] }]);
  if (method === 'DELETE') return data('DeletePath', 'delete', [parent]);
  throw unsupportedDfs(`${method} path action=${action ?? ''}`);
}

/** `x-ms-rename-source: /{filesystem}/{path}[?sas]`; openmi renames within one file system. */
function sourcePath(header: string, fs: string): string {
  const [segs] = header.split('?');
  const parts = (segs ?? '').replace(/^\/+/, '').split('/').map(decodeURIComponent);
  if (parts[0] !== fs || parts.length < 2)
    throw new DfsError(400, 'InvalidSourceUri', 'The source URI is invalid (openmi renames within one file system).');
  return parts.slice(1).join('/');
}
