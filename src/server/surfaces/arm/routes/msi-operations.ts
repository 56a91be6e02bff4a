import { MSI_API_VERSIONS } from '../api-versions.js';
import type { ArmRoute } from '../router.js';

const OPS: [string, string][] = [
  ['Microsoft.ManagedIdentity/userAssignedIdentities/read', 'Gets an existing user assigned identity'],
  ['Microsoft.ManagedIdentity/userAssignedIdentities/write', 'Creates or updates a user assigned identity'],
  ['Microsoft.ManagedIdentity/userAssignedIdentities/delete', 'Deletes an existing user assigned identity'],
  ['Microsoft.ManagedIdentity/userAssignedIdentities/assign/action', 'Assigns a user assigned identity to a resource'],
  [
    'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read',
    'Gets a federated identity credential',
  ],
  [
    'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write',
    'Creates or updates a federated identity credential',
  ],
  [
    'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/delete',
    'Deletes a federated identity credential',
  ],
  ['Microsoft.ManagedIdentity/identities/read', "Gets a resource's system assigned identity"],
];

/** `GET /providers/Microsoft.ManagedIdentity/operations` (arm-msi `operations.list`). */
export function msiOperationRoutes(): ArmRoute[] {
  const value = OPS.map(([name, description]) => ({
    name,
    display: {
      provider: 'Managed Service Identity',
      resource: name.split('/')[1],
      operation: description,
      description,
    },
  }));
  return [
    {
      pattern: '/providers/Microsoft.ManagedIdentity/operations',
      resourceType: 'Microsoft.ManagedIdentity/operations',
      apiVersions: MSI_API_VERSIONS,
      methods: {
        GET: {
          action: 'Microsoft.ManagedIdentity/operations/read',
          everyone: true,
          handle: async () => ({ status: 200, body: { value } }),
        },
      },
    },
  ];
}
