/**
 * Compute resource types that carry managed identities. `combined` is how each RP spells the
 * combined identity type in responses (docs/wire/arm.md: Compute, Web and Container Instances use a
 * space after the comma; common-types RPs do not). Arc machines support system-assigned only.
 * Their api-versions are the control plane's (api-versions.generated.json).
 */
export interface ComputeType {
  type: string;
  combined: 'SystemAssigned, UserAssigned' | 'SystemAssigned,UserAssigned';
  userAssigned: boolean;
}

export const COMPUTE_TYPES: readonly ComputeType[] = [
  {
    type: 'Microsoft.Compute/virtualMachines',
    combined: 'SystemAssigned, UserAssigned',
    userAssigned: true,
  },
  {
    type: 'Microsoft.Compute/virtualMachineScaleSets',
    combined: 'SystemAssigned, UserAssigned',
    userAssigned: true,
  },
  {
    type: 'Microsoft.Web/sites',
    combined: 'SystemAssigned, UserAssigned',
    userAssigned: true,
  },
  {
    type: 'Microsoft.ContainerInstance/containerGroups',
    combined: 'SystemAssigned, UserAssigned',
    userAssigned: true,
  },
  {
    type: 'Microsoft.App/containerApps',
    combined: 'SystemAssigned,UserAssigned',
    userAssigned: true,
  },
  {
    type: 'Microsoft.HybridCompute/machines',
    combined: 'SystemAssigned,UserAssigned',
    userAssigned: false,
  },
];

export function computeType(type: string): ComputeType | undefined {
  const t = type.toLowerCase();
  return COMPUTE_TYPES.find((c) => c.type.toLowerCase() === t);
}
