import { CliError } from './cli-error.js';
import { scopePath } from './arm-paths.js';

/**
 * The compute resource types openmi hosts, and the api-version the CLI sends for each. One table,
 * so adding a type is one line.
 */
export const RESOURCE_API_VERSIONS: Readonly<Record<string, string>> = {
  'Microsoft.Compute/virtualMachines': '2024-07-01',
  'Microsoft.Compute/virtualMachineScaleSets': '2024-07-01',
  'Microsoft.Web/sites': '2023-12-01',
  'Microsoft.ContainerInstance/containerGroups': '2023-05-01',
  'Microsoft.App/containerApps': '2024-03-01',
  'Microsoft.HybridCompute/machines': '2024-07-10',
};

export interface ResourceType {
  type: string;
  apiVersion: string;
}

/** Resource types are case-insensitive in ARM; resolve to the canonical spelling. */
export function resourceType(type: string): ResourceType {
  const canonical = Object.keys(RESOURCE_API_VERSIONS).find((t) => t.toLowerCase() === type.toLowerCase());
  if (!canonical) {
    throw new CliError(`unknown resource type '${type}'; use one of: ${Object.keys(RESOURCE_API_VERSIONS).join(', ')}`, 2);
  }
  return { type: canonical, apiVersion: RESOURCE_API_VERSIONS[canonical]! };
}

export function resourcePath(subscriptionId: string, resourceGroup: string, type: string, name: string): string {
  return `${scopePath(subscriptionId, resourceGroup)}/providers/${type}/${encodeURIComponent(name)}`;
}

export function resourceCollectionPath(subscriptionId: string, type: string, resourceGroup?: string): string {
  return `${scopePath(subscriptionId, resourceGroup)}/providers/${type}`;
}
