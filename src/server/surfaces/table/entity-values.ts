import type { EntityRecord } from '../../../store/tables.js';
import { StorageError } from '../blob/blob-errors.js';
import type { EdmValue } from './odata-filter.js';

/** Property types of the Table service (learn.microsoft.com/rest/api/storageservices/payload-format-for-table-service-operations). */
const EDM_TYPES = new Set([
  'Edm.Binary',
  'Edm.Boolean',
  'Edm.DateTime',
  'Edm.Double',
  'Edm.Guid',
  'Edm.Int32',
  'Edm.Int64',
  'Edm.String',
]);
const INT32 = 2 ** 31;
/** Azure's limit: 255 properties including the three system ones. */
const MAX_PROPERTIES = 252;

const invalid = (message: string) => new StorageError('InvalidInput', message);

export interface BodyEntity {
  partitionKey: string | undefined;
  rowKey: string | undefined;
  properties: Record<string, unknown>;
}

/** A request body's entity: its keys and its other properties with annotations; odata.* and Timestamp dropped. */
export function entityOf(body: unknown): BodyEntity {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('The entity is not a JSON object.');
  const src = body as Record<string, unknown>;
  const properties: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src)) {
    if (k.startsWith('odata.') || k === 'PartitionKey' || k === 'RowKey' || k.startsWith('Timestamp')) continue;
    const at = k.indexOf('@odata.type');
    if (at >= 0) {
      if (!EDM_TYPES.has(String(v))) throw invalid(`'${String(v)}' is not a property type.`);
      if (!(k.slice(0, at) in src)) throw invalid(`The annotation '${k}' has no property.`);
    } else if (v === null || typeof v === 'object') throw invalid(`The property '${k}' has no value.`);
    properties[k] = v;
  }
  if (Object.keys(properties).filter((k) => !k.includes('@')).length > MAX_PROPERTIES)
    throw invalid('The entity has more than 255 properties.');
  const key = (name: string) => (typeof src[name] === 'string' ? (src[name] as string) : undefined);
  return { partitionKey: key('PartitionKey'), rowKey: key('RowKey'), properties };
}

/** The typed value of a property for $filter, from its annotation or, without one, its JSON type. */
export function propertyValue(e: EntityRecord, name: string): EdmValue | undefined {
  if (name === 'PartitionKey') return { t: 'string', v: e.partitionKey };
  if (name === 'RowKey') return { t: 'string', v: e.rowKey };
  if (name === 'Timestamp') return { t: 'datetime', v: e.updatedAt };
  const v = e.properties[name];
  if (v === undefined) return undefined;
  switch (e.properties[`${name}@odata.type`]) {
    case 'Edm.Int64':
      return /^-?\d+$/.test(String(v)) ? { t: 'int64', v: BigInt(String(v)) } : undefined;
    case 'Edm.DateTime':
      return { t: 'datetime', v: Date.parse(String(v)) };
    case 'Edm.Guid':
      return { t: 'guid', v: String(v).toLowerCase() };
    case 'Edm.Binary':
      return { t: 'binary', v: String(v) };
    case 'Edm.Double':
      return { t: 'double', v: Number(v) };
    default:
      if (typeof v === 'boolean') return { t: 'bool', v };
      if (typeof v === 'number')
        return Number.isInteger(v) && Math.abs(v) < INT32 ? { t: 'int', v } : { t: 'double', v };
      return { t: 'string', v: String(v) };
  }
}

export type MetadataLevel = 'nometadata' | 'minimalmetadata' | 'fullmetadata';

/** The entity as the Table service returns it; `select` keeps only the named properties (and their annotations). */
export function entityJson(e: EntityRecord, level: MetadataLevel, select?: readonly string[]): Record<string, unknown> {
  const all: Record<string, unknown> = {
    PartitionKey: e.partitionKey,
    RowKey: e.rowKey,
    Timestamp: new Date(e.updatedAt).toISOString(),
    'Timestamp@odata.type': 'Edm.DateTime',
    ...e.properties,
  };
  const out: Record<string, unknown> = level === 'nometadata' ? {} : { 'odata.etag': e.etag };
  for (const [k, v] of Object.entries(all)) {
    const base = k.split('@')[0]!;
    if (select && !select.includes(base)) continue;
    if (k.includes('@') && level === 'nometadata') continue;
    out[k] = v;
  }
  return out;
}
