import type { Store } from '../../store/store.js';
import { aclAllows, SUPERUSER, type PathAccess, type Perm } from './acl.js';

/** One ACL requirement of an operation: `perms` on `path`, and execute on each of its ancestors. */
export interface AclNeed {
  path: string;
  perms: Perm[];
}

/** A path no record describes (the root before any Set Access Control, a blob put over the blob endpoint). */
export const UNRECORDED: PathAccess = { owner: SUPERUSER, group: SUPERUSER, permissions: 'rwxr-x---', acl: '' };

export const parentOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

/** Root ('') first, then each directory down to the parent of `path`. */
function ancestorsOf(path: string): string[] {
  const parts = path.split('/').slice(0, -1);
  return ['', ...parts.map((_, i) => parts.slice(0, i + 1).join('/'))];
}

/**
 * The ACL half of Data Lake authorization (docs/data-planes.md#data-lake): consulted only when
 * RBAC did not grant the data action, as Azure does
 * (https://learn.microsoft.com/azure/storage/blobs/data-lake-storage-access-control-model#how-permissions-are-evaluated).
 */
export class PathAccessService {
  constructor(private readonly store: Store) {}

  async access(account: string, fs: string, path: string): Promise<PathAccess> {
    return (await this.store.dataLake.getAccess(account, fs, path)) ?? UNRECORDED;
  }

  /** A new file system's root: owner and owning group the creator (`$superuser` under a key or SAS). */
  async recordRoot(account: string, fs: string, creator: string | undefined): Promise<void> {
    const owner = creator ?? SUPERUSER;
    await this.store.dataLake.putAccess({
      account,
      container: fs,
      name: '',
      owner,
      group: owner,
      permissions: 'rwxr-x---',
      acl: '',
    });
  }

  async allows(account: string, fs: string, oid: string, needs: readonly AclNeed[]): Promise<boolean> {
    // Direct memberships: named-group entries of the caller's own groups (nested groups: docs/data-planes.md).
    const groups = (await this.store.groups.listMemberships(oid)).map((m) => m.groupId);
    for (const need of needs) {
      const trail = need.path === '' ? [] : ancestorsOf(need.path);
      for (const dir of trail) if (!aclAllows(await this.access(account, fs, dir), oid, groups, 'x')) return false;
      const own = await this.access(account, fs, need.path);
      if (!need.perms.every((p) => aclAllows(own, oid, groups, p))) return false;
    }
    return true;
  }
}
