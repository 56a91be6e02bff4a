import { invalid } from '../../kernel/errors.js';
import type { StorageAccountRecord } from '../../store/storage.js';

const propsOf = (body: Record<string, unknown>): Record<string, unknown> => {
  const p = body['properties'];
  return typeof p === 'object' && p !== null ? (p as Record<string, unknown>) : {};
};

/** `properties.isHnsEnabled`: a hierarchical namespace, served on the dfs endpoint (docs/data-planes.md#data-lake). */
export const hnsEnabled = (r: StorageAccountRecord): boolean => propsOf(r.body)['isHnsEnabled'] === true;

/**
 * isHnsEnabled is a create-time property in Azure (an existing account is upgraded by a separate
 * migration, https://learn.microsoft.com/azure/storage/blobs/upgrade-to-data-lake-storage-gen2):
 * a boolean when given, and a PUT or PATCH may not change it.
 */
export function checkHns(body: Record<string, unknown>, existing?: StorageAccountRecord): void {
  const v = propsOf(body)['isHnsEnabled'];
  if (v !== undefined && v !== null && typeof v !== 'boolean')
    throw invalid("'properties.isHnsEnabled' must be true or false.", { code: 'InvalidRequestContent' });
  if (existing && v !== undefined && v !== null && v !== hnsEnabled(existing))
    throw invalid('isHnsEnabled cannot be changed on an existing account; it is set when the account is created.', {
      code: 'InvalidValuesForRequestParameters',
    });
}

/** Keeps the account's isHnsEnabled in a replaced body (a PUT that leaves it out does not turn it off). */
export function keepHns(body: Record<string, unknown>, existing: StorageAccountRecord): Record<string, unknown> {
  if (!hnsEnabled(existing)) return body;
  return { ...body, properties: { ...propsOf(body), isHnsEnabled: true } };
}
