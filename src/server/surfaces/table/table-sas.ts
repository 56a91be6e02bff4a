import type { EntityKey } from '../../../store/tables.js';
import { field, sasRefused, type SasNeed } from '../blob/sas-verify.js';
import type { TableOperation, TableOpName } from './table-operations.js';

/**
 * Account SAS resource type and letter groups per operation, and whether a table service SAS may
 * be used (r query, a add, u update, d delete entities; an upsert needs a and u;
 * https://learn.microsoft.com/rest/api/storageservices/create-account-sas and create-service-sas).
 * A table service SAS reaches entities only.
 */
const TABLE: Record<TableOpName, { srt: 's' | 'c' | 'o'; perms: string[]; service: boolean }> = {
  QueryTables: { srt: 's', perms: ['l'], service: false },
  CreateTable: { srt: 'c', perms: ['wc'], service: false },
  DeleteTable: { srt: 'c', perms: ['d'], service: false },
  InsertEntity: { srt: 'o', perms: ['a'], service: true },
  QueryEntities: { srt: 'o', perms: ['r'], service: true },
  GetEntity: { srt: 'o', perms: ['r'], service: true },
  UpdateEntity: { srt: 'o', perms: ['u'], service: true },
  MergeEntity: { srt: 'o', perms: ['u'], service: true },
  InsertOrReplaceEntity: { srt: 'o', perms: ['a', 'u'], service: true },
  InsertOrMergeEntity: { srt: 'o', perms: ['a', 'u'], service: true },
  DeleteEntity: { srt: 'o', perms: ['d'], service: true },
};

/** Table service SAS string-to-sign (2015-04-05 and later): the key range closes it. */
const tableStringToSign = (q: URLSearchParams, resource: string): string =>
  [
    ...['sp', 'st', 'se'].map((k) => field(q, k)),
    resource,
    ...['si', 'sip', 'spr', 'sv', 'spk', 'srk', 'epk', 'erk'].map((k) => field(q, k)),
  ].join('\n');

const outOfRange = () => sasRefused('AuthorizationFailure', '. The entity is outside the key range of the SAS.');

/**
 * The key range a table service SAS in `q` allows ({spk, srk} to {epk, erk}, inclusive), or
 * undefined when `q` holds no table service SAS. Keys compare as strings, as the service orders them.
 */
export function sasKeyRange(q: URLSearchParams): ((k: EntityKey) => boolean) | undefined {
  if (!q.has('sig') || q.has('ss') || q.has('srt')) return undefined;
  const [spk, srk, epk, erk] = ['spk', 'srk', 'epk', 'erk'].map((k) => q.get(k) ?? undefined);
  return (k) => {
    const afterStart =
      spk === undefined || k.partitionKey > spk || (k.partitionKey === spk && (srk === undefined || k.rowKey >= srk));
    const beforeEnd =
      epk === undefined || k.partitionKey < epk || (k.partitionKey === epk && (erk === undefined || k.rowKey <= erk));
    return afterStart && beforeEnd;
  };
}

/** Refuses an entity written or read outside the SAS's key range (InsertEntity checks its body's key). */
export function checkKeyRange(range: ((k: EntityKey) => boolean) | undefined, key: EntityKey): void {
  if (range && !range(key)) throw outOfRange();
}

export function tableSasNeed(op: TableOperation, account: string): SasNeed {
  const row = TABLE[op.name];
  const table = op.table ?? '';
  return {
    service: 't',
    srt: row.srt,
    perms: row.perms,
    serviceSas: row.service
      ? {
          stringToSign(q) {
            const tn = q.get('tn');
            if (tn !== null && tn.toLowerCase() !== table.toLowerCase())
              throw sasRefused('AuthorizationFailure', '. The SAS is for another table.');
            return tableStringToSign(q, `/table/${account}/${table.toLowerCase()}`);
          },
          within: (q) => (op.key ? checkKeyRange(sasKeyRange(q), op.key) : undefined),
        }
      : 'This operation needs an account SAS.',
  };
}
