/**
 * Data Lake Storage Gen2 access records (docs/data-planes.md#data-lake). A path's bytes and
 * properties are a blob of the file system's container; this holds what the blob model has not:
 * its POSIX owner, owning group, permissions and ACL. The root directory has name ''.
 */
export interface PathAccessRecord {
  account: string;
  container: string;
  name: string;
  /** An object id, or `$superuser`. */
  owner: string;
  group: string;
  /** Symbolic, `rwxr-x---` (with a trailing `+` never stored). */
  permissions: string;
  /** Named and default entries, `user:<oid>:r-x,default:user::rwx,mask::r-x` (owner/group/other live in permissions). */
  acl: string;
}

export interface DataLakeRepo {
  getAccess(account: string, container: string, name: string): Promise<PathAccessRecord | undefined>;
  /** Creates or replaces the path's record. */
  putAccess(r: PathAccessRecord): Promise<void>;
  /** Records of `under`'s descendants (all paths when `under` is ''), ordered by name. */
  listAccess(account: string, container: string, under: string): Promise<PathAccessRecord[]>;
  /** Moves the path and its descendants (blobs and records) to `to`; drops their uncommitted blocks. */
  renameTree(account: string, container: string, from: string, to: string): Promise<number>;
  /** Deletes the path and its descendants (blobs, blocks and records); returns how many blobs went. */
  deleteTree(account: string, container: string, name: string): Promise<number>;
}
