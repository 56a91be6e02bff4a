import type { Operation } from './operations.js';
import { serviceStringToSign, type ServiceSasFields } from './sas.js';
import { field, sasRefused, type SasNeed, type ServiceSas } from './sas-verify.js';

const SIGNED = [
  'sp',
  'st',
  'se',
  'si',
  'sip',
  'spr',
  'sv',
  'sr',
  'ses',
  'rscc',
  'rscd',
  'rsce',
  'rscl',
  'rsct',
] as const;

/**
 * The part of `/{container}/{path}` a blob service SAS signs, by `sr`: c the container, b the blob,
 * d a Data Lake directory `sdd` segments deep, which covers every path below it
 * (https://learn.microsoft.com/rest/api/storageservices/create-service-sas#specify-the-signed-resource-blob-storage-only).
 */
function signedPath(q: URLSearchParams, path: string | undefined): string {
  const sr = field(q, 'sr');
  if (sr === 'c') return '';
  if (sr === 'b' && path) return `/${path}`;
  if (sr === 'd' && path) {
    const depth = Number(q.get('sdd'));
    const parts = path.split('/').filter((s) => s !== '');
    if (Number.isInteger(depth) && depth >= 1 && depth <= parts.length) return `/${parts.slice(0, depth).join('/')}`;
  }
  throw sasRefused('AuthorizationFailure', '. The signed resource of the SAS does not cover this request.');
}

/** A blob service SAS over `/blob/{account}/{container}[/{path}]`, in the layout of its `sv` (sas.ts). */
export function blobServiceSas(account: string, container: string, path: string | undefined): ServiceSas {
  return {
    stringToSign(q) {
      const resource = `/blob/${account}/${container}${signedPath(q, path)}`;
      const f = Object.fromEntries(SIGNED.map((k) => [k, q.get(k) ?? undefined])) as unknown as ServiceSasFields;
      return serviceStringToSign({ ...f, snapshot: q.get('snapshot') ?? q.get('versionid') ?? undefined }, resource);
    },
  };
}

/** What a blob operation needs of a SAS; an account SAS's `w` also creates containers, as in Azure. */
export function blobSasNeed(op: Operation, account: string): SasNeed {
  return {
    service: 'b',
    srt: op.srt,
    perms: [op.letter === 'c' ? 'cw' : op.letter],
    serviceSas:
      op.serviceSas && op.container
        ? blobServiceSas(account, op.container, op.blob)
        : 'This operation needs an account SAS.',
  };
}
