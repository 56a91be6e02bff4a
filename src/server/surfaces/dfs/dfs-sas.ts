import { blobServiceSas } from '../blob/sas-blob.js';
import type { SasNeed } from '../blob/sas-verify.js';
import type { DfsOp, DfsOpName } from './dfs-ops.js';

/**
 * What a dfs operation needs of a SAS: an account SAS over the blob service (`ss` b), or a blob
 * service SAS over the file system (sr c), the file (sr b) or a directory above the path (sr d), with
 * the Data Lake letters (m move, e execute, o ownership, p permissions;
 * https://learn.microsoft.com/rest/api/storageservices/create-service-sas#permissions-for-a-directory-container-or-blob).
 * File systems are created and deleted with an account SAS only, as containers are.
 */
const TABLE: Record<DfsOpName, { srt: 'c' | 'o'; perms: string; service?: string }> = {
  CreateFilesystem: { srt: 'c', perms: 'cw' },
  DeleteFilesystem: { srt: 'c', perms: 'd' },
  GetFilesystemProperties: { srt: 'c', perms: 'r', service: 'r' },
  ListPaths: { srt: 'c', perms: 'l', service: 'l' },
  CreatePath: { srt: 'o', perms: 'cw', service: 'cw' },
  RenamePath: { srt: 'o', perms: 'w', service: 'm' },
  AppendData: { srt: 'o', perms: 'aw', service: 'aw' },
  FlushData: { srt: 'o', perms: 'w', service: 'w' },
  SetAccessControl: { srt: 'o', perms: 'op', service: 'op' },
  GetPathProperties: { srt: 'o', perms: 'r', service: 're' },
  DeletePath: { srt: 'o', perms: 'd', service: 'd' },
};

/** `path`: the request's path; List Paths' is its `directory`, so a directory SAS can list below itself. */
export function dfsSasNeed(op: DfsOp, account: string, path: string): SasNeed {
  const row = TABLE[op.name];
  const service = row.service;
  return {
    service: 'b',
    srt: row.srt,
    perms: [row.perms],
    serviceSas: service
      ? { ...blobServiceSas(account, op.fs, path || undefined), perms: [service] }
      : 'This operation needs an account SAS.',
  };
}
