/**
 * Compute resource types that carry managed identities. `combined` is how each RP spells the
 * combined identity type in responses (spec 02 §4.1: Compute, Web and Container Instances use a
 * space after the comma; common-types RPs do not). Arc machines support system-assigned only.
 */
export interface ComputeType {
  type: string;
  apiVersions: readonly string[];
  combined: 'SystemAssigned, UserAssigned' | 'SystemAssigned,UserAssigned';
  userAssigned: boolean;
}

export const COMPUTE_TYPES: readonly ComputeType[] = [
  {
    type: 'Microsoft.Compute/virtualMachines',
    apiVersions: ['2017-12-01', '2018-06-01', '2019-03-01', '2019-07-01', '2020-06-01', '2020-12-01', '2021-03-01', '2021-07-01', '2021-11-01', '2022-03-01', '2022-08-01', '2022-11-01', '2023-03-01', '2023-07-01', '2023-09-01', '2024-03-01', '2024-07-01', '2024-11-01', '2025-04-01'],
    combined: 'SystemAssigned, UserAssigned',
    userAssigned: true,
  },
  {
    type: 'Microsoft.Compute/virtualMachineScaleSets',
    apiVersions: ['2017-12-01', '2018-06-01', '2019-03-01', '2019-07-01', '2020-06-01', '2020-12-01', '2021-03-01', '2021-07-01', '2021-11-01', '2022-03-01', '2022-08-01', '2022-11-01', '2023-03-01', '2023-07-01', '2023-09-01', '2024-03-01', '2024-07-01', '2024-11-01', '2025-04-01'],
    combined: 'SystemAssigned, UserAssigned',
    userAssigned: true,
  },
  {
    type: 'Microsoft.Web/sites',
    apiVersions: ['2018-02-01', '2019-08-01', '2020-06-01', '2020-12-01', '2021-02-01', '2021-03-01', '2022-03-01', '2022-09-01', '2023-01-01', '2023-12-01', '2024-04-01', '2024-11-01'],
    combined: 'SystemAssigned, UserAssigned',
    userAssigned: true,
  },
  {
    type: 'Microsoft.ContainerInstance/containerGroups',
    apiVersions: ['2018-10-01', '2019-12-01', '2021-03-01', '2021-09-01', '2021-10-01', '2022-09-01', '2023-05-01', '2024-05-01-preview', '2024-10-01-preview', '2025-09-01'],
    combined: 'SystemAssigned, UserAssigned',
    userAssigned: true,
  },
  {
    type: 'Microsoft.App/containerApps',
    apiVersions: ['2022-03-01', '2022-10-01', '2023-05-01', '2023-08-01-preview', '2024-03-01', '2025-01-01'],
    combined: 'SystemAssigned,UserAssigned',
    userAssigned: true,
  },
  {
    type: 'Microsoft.HybridCompute/machines',
    apiVersions: ['2020-08-02', '2022-03-10', '2022-12-27', '2023-10-03-preview', '2024-07-10', '2025-01-13'],
    combined: 'SystemAssigned,UserAssigned',
    userAssigned: false,
  },
];

export function computeType(type: string): ComputeType | undefined {
  const t = type.toLowerCase();
  return COMPUTE_TYPES.find((c) => c.type.toLowerCase() === t);
}
