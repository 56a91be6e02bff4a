import { CliError } from './cli-error.js';
import { scopePath } from './arm-paths.js';
import { COMPUTE_TYPES, computeType, type ComputeType } from '../wire/compute-types.js';

/** A compute type as the CLI addresses it: the canonical spelling and the api-version to send. */
export type ResourceType = Pick<ComputeType, 'type' | 'apiVersion'>;

/** Resource types are case-insensitive in ARM; resolve to the canonical spelling. */
export function resourceType(type: string): ResourceType {
  const t = computeType(type);
  if (!t)
    throw new CliError(
      `unknown resource type '${type}'; use one of: ${COMPUTE_TYPES.map((c) => c.type).join(', ')}`,
      2,
    );
  return { type: t.type, apiVersion: t.apiVersion };
}

export function resourcePath(subscriptionId: string, resourceGroup: string, type: string, name: string): string {
  return `${scopePath(subscriptionId, resourceGroup)}/providers/${type}/${encodeURIComponent(name)}`;
}

export function resourceCollectionPath(subscriptionId: string, type: string, resourceGroup?: string): string {
  return `${scopePath(subscriptionId, resourceGroup)}/providers/${type}`;
}
