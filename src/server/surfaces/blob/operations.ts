import { StorageError } from './blob-errors.js';

const P = 'Microsoft.Storage/storageAccounts/blobServices/containers';

export type OpName =
  | 'ListContainers'
  | 'CreateContainer'
  | 'GetContainerProperties'
  | 'DeleteContainer'
  | 'ListBlobs'
  | 'PutBlob'
  | 'PutBlock'
  | 'PutBlockList'
  | 'GetBlob'
  | 'GetBlobProperties'
  | 'DeleteBlob';

/** What one operation needs from each authentication scheme (docs/wire/blob.md). */
export interface Operation {
  name: OpName;
  container?: string;
  blob?: string;
  /** RBAC: container operations are control-plane *actions*, blob operations *data actions*. */
  rbac: { action: string; kind: 'action' | 'dataAction' };
  /** SAS permission letter, and the account-SAS resource type (s service, c container, o object). */
  letter: string;
  srt: 's' | 'c' | 'o';
  /** Service SAS cannot create, delete or list containers (only an account SAS can). */
  serviceSas: boolean;
}

const containerOp = (
  name: OpName,
  verb: 'read' | 'write' | 'delete',
  letter: string,
  serviceSas: boolean,
): Omit<Operation, 'container'> => ({
  name,
  rbac: { action: `${P}/${verb}`, kind: 'action' },
  letter,
  srt: name === 'ListContainers' ? 's' : 'c',
  serviceSas,
});
const blobOp = (
  name: OpName,
  verb: 'read' | 'write' | 'delete',
  letter: string,
  srt: 'c' | 'o' = 'o',
): Omit<Operation, 'container'> => ({
  name,
  rbac: { action: `${P}/blobs/${verb}`, kind: 'dataAction' },
  letter,
  srt,
  serviceSas: true,
});

const unsupported = (what: string) =>
  new StorageError(
    'UnsupportedHttpVerb',
    `The operation '${what}' is not supported by openmi's blob service (ADR 0007).`,
  );

/** Classifies a request from its method, path depth and `restype`/`comp` (the Storage REST routing rules). */
export function classify(method: string, segments: readonly string[], q: URLSearchParams): Operation {
  const restype = q.get('restype');
  const comp = q.get('comp');
  const [container, ...rest] = segments;
  if (container === undefined) {
    if (method === 'GET' && comp === 'list') return containerOp('ListContainers', 'read', 'l', false) as Operation;
    throw unsupported(`${method} service ${restype ?? ''} ${comp ?? ''}`);
  }
  if (rest.length === 0 && restype === 'container') {
    const op = containerLevel(method, comp);
    return { ...op, container };
  }
  if (rest.length === 0) throw unsupported(`${method} /${container} without restype=container`);
  return { ...blobLevel(method, comp), container, blob: rest.join('/') };
}

function containerLevel(method: string, comp: string | null): Omit<Operation, 'container'> {
  if (method === 'GET' && comp === 'list') return blobOp('ListBlobs', 'read', 'l', 'c');
  if (comp !== null) throw unsupported(`${method} container comp=${comp}`);
  if (method === 'PUT') return containerOp('CreateContainer', 'write', 'c', false);
  if (method === 'GET' || method === 'HEAD') return containerOp('GetContainerProperties', 'read', 'r', true);
  if (method === 'DELETE') return containerOp('DeleteContainer', 'delete', 'd', false);
  throw unsupported(`${method} container`);
}

function blobLevel(method: string, comp: string | null): Omit<Operation, 'container'> {
  if (method === 'PUT' && comp === null) return blobOp('PutBlob', 'write', 'w');
  if (method === 'PUT' && comp === 'block') return blobOp('PutBlock', 'write', 'w');
  if (method === 'PUT' && comp === 'blocklist') return blobOp('PutBlockList', 'write', 'w');
  if (comp !== null) throw unsupported(`${method} blob comp=${comp}`);
  if (method === 'GET') return blobOp('GetBlob', 'read', 'r');
  if (method === 'HEAD') return blobOp('GetBlobProperties', 'read', 'r');
  if (method === 'DELETE') return blobOp('DeleteBlob', 'delete', 'd');
  throw unsupported(`${method} blob`);
}
