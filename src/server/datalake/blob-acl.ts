import type { AclNeed } from './access.js';
import { parentOf } from './access.js';

/** The blob operations whose ACL needs this module knows (a subset of the blob surface's names). */
type BlobOpName =
  'ListBlobs' | 'PutBlob' | 'PutBlock' | 'PutBlockList' | 'GetBlob' | 'GetBlobProperties' | 'DeleteBlob';

/**
 * What the ACLs must grant for a blob-endpoint data operation on a hierarchical-namespace account,
 * when RBAC did not (Azure applies the same model on both endpoints:
 * https://learn.microsoft.com/azure/storage/blobs/data-lake-storage-access-control-model).
 * The SDK's DataLakeFileClient reads, and DataLakeFileSystemClient lists file systems, through the blob endpoint.
 * Undefined when no ACL can grant the operation.
 */
export function blobAclNeeds(name: string, blob: string | undefined, prefix: string): AclNeed[] | undefined {
  const op = name as BlobOpName;
  if (op === 'ListBlobs') return [{ path: parentOf(`${prefix}x`).replace(/\/$/, ''), perms: ['r', 'x'] }];
  if (blob === undefined) return undefined;
  if (op === 'GetBlob') return [{ path: blob, perms: ['r'] }];
  if (op === 'GetBlobProperties') return [{ path: blob, perms: [] }];
  if (op === 'PutBlob' || op === 'PutBlock' || op === 'PutBlockList' || op === 'DeleteBlob')
    return [{ path: parentOf(blob), perms: ['w', 'x'] }];
  return undefined;
}
