/**
 * The resource types whose api-versions openmi tracks, and where each source names them. A key is
 * either one ARM resource type or a whole namespace where Azure accepts one set for every type in
 * it (Microsoft.Resources: groups, subscriptions, tenants, providers; Microsoft.ManagedIdentity).
 *
 * - `spec`: resource types as the REST specs publish them (read from Azure/bicep-types-az, which
 *   is generated from Azure/azure-rest-api-specs: one `## Resource Type@version` per published pair).
 * - `python`: folders of Debian's Python SDK (`azure/mgmt/...`); a versioned folder `v2022_08_01`
 *   is one api-version, a single-api package names its version in `_configuration.py`. `marker`
 *   is a path fragment that an operation of the type has, so a folder only counts if it serves it.
 * - `az`: the Azure CLI's `ResourceType` names in its `latest` API profile.
 */
export interface TrackedType {
  key: string;
  spec: string[];
  python: { dir: string; marker: string }[];
  az: string[];
  /** Other route types that share the key's versions (provider actions defined in the same spec files). */
  also?: string[];
}

const py = (dir: string, marker: string) => ({ dir, marker });

export const TRACKED: readonly TrackedType[] = [
  {
    key: 'Microsoft.Resources',
    spec: ['Microsoft.Resources/resourceGroups'],
    python: [
      py('resource/resources', '/resourcegroups/{resourcegroupname}'),
      py('resource/subscriptions', '/subscriptions/{subscriptionid}/locations'),
    ],
    az: ['MGMT_RESOURCE_RESOURCES', 'MGMT_RESOURCE_SUBSCRIPTIONS'],
  },
  {
    key: 'Microsoft.ManagedIdentity',
    spec: [
      'Microsoft.ManagedIdentity/userAssignedIdentities',
      'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
      'Microsoft.ManagedIdentity/identities',
    ],
    python: [py('msi', 'providers/microsoft.managedidentity/')],
    az: ['MGMT_MSI'],
  },
  {
    key: 'Microsoft.Authorization/roleAssignments',
    spec: ['Microsoft.Authorization/roleAssignments'],
    python: [py('authorization', 'providers/microsoft.authorization/roleassignments')],
    az: ['MGMT_AUTHORIZATION'],
  },
  {
    key: 'Microsoft.Authorization/roleDefinitions',
    spec: ['Microsoft.Authorization/roleDefinitions'],
    python: [py('authorization', 'providers/microsoft.authorization/roledefinitions')],
    az: [],
  },
  {
    key: 'Microsoft.Authorization/denyAssignments',
    spec: [],
    python: [py('authorization', 'providers/microsoft.authorization/denyassignments')],
    az: [],
  },
  {
    key: 'Microsoft.Insights/eventtypes/values',
    spec: [],
    python: [py('monitor', 'providers/microsoft.insights/eventtypes/management/values')],
    az: [],
  },
  {
    key: 'Microsoft.Compute/virtualMachines',
    spec: ['Microsoft.Compute/virtualMachines'],
    python: [py('compute', 'providers/microsoft.compute/virtualmachines/{')],
    az: ['MGMT_COMPUTE'],
  },
  {
    key: 'Microsoft.Compute/virtualMachineScaleSets',
    spec: ['Microsoft.Compute/virtualMachineScaleSets'],
    python: [py('compute', 'providers/microsoft.compute/virtualmachinescalesets/{')],
    az: ['MGMT_COMPUTE'],
  },
  {
    key: 'Microsoft.Web/sites',
    spec: ['Microsoft.Web/sites'],
    python: [py('web', 'providers/microsoft.web/sites/{')],
    az: ['MGMT_APPSERVICE'],
  },
  {
    key: 'Microsoft.ContainerInstance/containerGroups',
    spec: ['Microsoft.ContainerInstance/containerGroups'],
    python: [py('containerinstance', 'providers/microsoft.containerinstance/containergroups/{')],
    az: ['MGMT_CONTAINERINSTANCE'],
  },
  {
    key: 'Microsoft.App/containerApps',
    spec: ['Microsoft.App/containerApps'],
    python: [py('appcontainers', 'providers/microsoft.app/containerapps/{')],
    az: [],
  },
  {
    key: 'Microsoft.HybridCompute/machines',
    spec: ['Microsoft.HybridCompute/machines'],
    python: [py('hybridcompute', 'providers/microsoft.hybridcompute/machines/{')],
    az: [],
  },
  {
    key: 'Microsoft.KeyVault/vaults',
    spec: ['Microsoft.KeyVault/vaults'],
    python: [py('keyvault', 'providers/microsoft.keyvault/vaults/{')],
    az: ['MGMT_KEYVAULT'],
    also: ['Microsoft.KeyVault/checkNameAvailability'],
  },
  {
    key: 'Microsoft.ContainerRegistry/registries',
    spec: ['Microsoft.ContainerRegistry/registries'],
    python: [py('containerregistry', 'providers/microsoft.containerregistry/registries/{')],
    az: ['MGMT_CONTAINERREGISTRY'],
  },
  {
    key: 'Microsoft.Storage/storageAccounts',
    spec: ['Microsoft.Storage/storageAccounts'],
    python: [py('storage', 'providers/microsoft.storage/storageaccounts/{')],
    az: ['MGMT_STORAGE'],
    // The queue and table services are defined in the storage accounts' spec files, one api-version set.
    also: [
      'Microsoft.Storage/checkNameAvailability',
      'Microsoft.Storage/storageAccounts/queueServices',
      'Microsoft.Storage/storageAccounts/queueServices/queues',
      'Microsoft.Storage/storageAccounts/tableServices',
      'Microsoft.Storage/storageAccounts/tableServices/tables',
    ],
  },
];

/** The tracked key that covers an ARM resource type (`Namespace/type[/child]`), if any. */
export function trackedKeyOf(resourceType: string): string | undefined {
  const t = resourceType.toLowerCase();
  const exact = TRACKED.find((k) => k.key.toLowerCase() === t || k.also?.some((a) => a.toLowerCase() === t));
  if (exact) return exact.key;
  return TRACKED.find((k) => !k.key.includes('/') && t.startsWith(`${k.key.toLowerCase()}/`))?.key;
}
