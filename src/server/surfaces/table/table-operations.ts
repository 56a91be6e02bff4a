import type { EntityKey } from '../../../store/tables.js';
import { StorageError } from '../blob/blob-errors.js';

const T = 'Microsoft.Storage/storageAccounts/tableServices/tables';
const E = `${T}/entities`;

export type TableOpName =
  | 'CreateTable'
  | 'QueryTables'
  | 'DeleteTable'
  | 'InsertEntity'
  | 'QueryEntities'
  | 'GetEntity'
  | 'UpdateEntity'
  | 'MergeEntity'
  | 'InsertOrReplaceEntity'
  | 'InsertOrMergeEntity'
  | 'DeleteEntity';

export interface TableOperation {
  name: TableOpName;
  table?: string;
  key?: EntityKey;
  /** Any one of `actions`, and one of `andActions` when given. */
  actions: readonly string[];
  andActions?: readonly string[];
  kind: 'action' | 'dataAction';
}

// Azure's actions per operation (learn.microsoft.com/rest/api/storageservices/authorize-with-azure-active-directory,
// "Permissions for calling data operations"): tables are actions, entities data actions; insert
// takes entities/add/action, update and merge entities/update/action, the upserts both;
// entities/write (in Azure's role definitions) stands in for either.
const tableOp = (name: TableOpName, verb: 'read' | 'write' | 'delete') => ({
  name,
  actions: [`${T}/${verb}`],
  kind: 'action' as const,
});
const entityOp = (name: TableOpName, actions: string[], andActions?: string[]) => ({
  name,
  actions,
  ...(andActions ? { andActions } : {}),
  kind: 'dataAction' as const,
});
const ADD = [`${E}/add/action`, `${E}/write`];
const UPDATE = [`${E}/update/action`, `${E}/write`];

const TABLE_KEYS = /^PartitionKey='((?:[^']|'')*)',RowKey='((?:[^']|'')*)'$/;
const unquote = (s: string) => s.replace(/''/g, "'");

const unsupported = (what: string) =>
  new StorageError('UnsupportedHttpVerb', `The operation '${what}' is not supported by openmi's table service.`);

/** Routes `/Tables`, `/Tables('t')`, `/t`, `/t()` and `/t(PartitionKey='p',RowKey='r')` (Table service REST API). */
export function classifyTable(
  method: string,
  segments: readonly string[],
  headers: { ifMatch?: string },
): TableOperation {
  if (segments.length !== 1) throw unsupported(`${method} /${segments.join('/')}`);
  const seg = segments[0]!;
  if (seg === 'Tables' && method === 'POST') return tableOp('CreateTable', 'write');
  if (seg === 'Tables' && method === 'GET') return tableOp('QueryTables', 'read');
  const named = /^Tables\('((?:[^']|'')*)'\)$/.exec(seg);
  if (named && method === 'DELETE') return { ...tableOp('DeleteTable', 'delete'), table: unquote(named[1]!) };
  const m = /^([^()]+)(?:\((.*)\))?$/.exec(seg);
  if (!m || seg.startsWith('$')) throw unsupported(`${method} /${seg}`);
  const table = m[1]!;
  if (!m[2]) {
    if (method === 'GET') return { ...entityOp('QueryEntities', [`${E}/read`]), table };
    if (method === 'POST' && m[2] === undefined) return { ...entityOp('InsertEntity', ADD), table };
    throw unsupported(`${method} /${seg}`);
  }
  const k = TABLE_KEYS.exec(m[2]);
  if (!k) throw new StorageError('InvalidInput', 'The entity address is not PartitionKey=…,RowKey=….');
  const key = { partitionKey: unquote(k[1]!), rowKey: unquote(k[2]!) };
  return { ...entityLevel(method, headers.ifMatch !== undefined), table, key };
}

function entityLevel(method: string, conditional: boolean): TableOperation {
  if (method === 'GET') return entityOp('GetEntity', [`${E}/read`]);
  if (method === 'DELETE') return entityOp('DeleteEntity', [`${E}/delete`]);
  if (method === 'PUT')
    return conditional ? entityOp('UpdateEntity', UPDATE) : entityOp('InsertOrReplaceEntity', ADD, UPDATE);
  if (method === 'PATCH' || method === 'MERGE')
    return conditional ? entityOp('MergeEntity', UPDATE) : entityOp('InsertOrMergeEntity', ADD, UPDATE);
  throw unsupported(`${method} entity`);
}
