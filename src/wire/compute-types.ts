/**
 * The compute resource types openmi hosts, in one table for the server, the CLI and the portal,
 * so adding a type is one line.
 *
 * - `apiVersion` is what openmi's own clients send; the server accepts every api-version the
 *   type's provider publishes (src/server/surfaces/arm/api-versions.generated.json).
 * - `combined` is how the provider spells the combined identity type in responses: Compute, Web
 *   and Container Instances write a space after the comma, providers built on ARM's common-types
 *   do not (https://learn.microsoft.com/en-us/rest/api/compute/virtual-machines/get,
 *   https://learn.microsoft.com/en-us/rest/api/containerapps/container-apps/get).
 * - Arc machines support the system-assigned identity only
 *   (https://learn.microsoft.com/en-us/azure/azure-arc/servers/managed-identity-authentication).
 */
export interface ComputeType {
  type: string;
  /** What people call it (the portal's words). */
  label: string;
  apiVersion: string;
  combined: 'SystemAssigned, UserAssigned' | 'SystemAssigned,UserAssigned';
  userAssigned: boolean;
}

export const COMPUTE_TYPES: readonly ComputeType[] = [
  {
    type: 'Microsoft.Compute/virtualMachines',
    label: 'Virtual machine',
    apiVersion: '2024-07-01',
    combined: 'SystemAssigned, UserAssigned',
    userAssigned: true,
  },
  {
    type: 'Microsoft.Compute/virtualMachineScaleSets',
    label: 'Virtual machine scale set',
    apiVersion: '2024-07-01',
    combined: 'SystemAssigned, UserAssigned',
    userAssigned: true,
  },
  {
    type: 'Microsoft.Web/sites',
    label: 'App Service / Function app',
    apiVersion: '2023-12-01',
    combined: 'SystemAssigned, UserAssigned',
    userAssigned: true,
  },
  {
    type: 'Microsoft.ContainerInstance/containerGroups',
    label: 'Container group',
    apiVersion: '2023-05-01',
    combined: 'SystemAssigned, UserAssigned',
    userAssigned: true,
  },
  {
    type: 'Microsoft.App/containerApps',
    label: 'Container app',
    apiVersion: '2024-03-01',
    combined: 'SystemAssigned,UserAssigned',
    userAssigned: true,
  },
  {
    type: 'Microsoft.HybridCompute/machines',
    label: 'Arc-style machine',
    apiVersion: '2024-07-10',
    combined: 'SystemAssigned,UserAssigned',
    userAssigned: false,
  },
];

/** Resource types are case-insensitive in ARM: the table's entry for any spelling, if hosted. */
export function computeType(type: string): ComputeType | undefined {
  const t = type.toLowerCase();
  return COMPUTE_TYPES.find((c) => c.type.toLowerCase() === t);
}
