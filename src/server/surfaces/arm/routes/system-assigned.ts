import type { Store } from '../../../../store/store.js';
import { MSI_API_VERSIONS } from '../api-versions.js';
import { ArmError } from '../arm-errors.js';
import type { ArmRoute } from '../router.js';

/** `GET {scope}/providers/Microsoft.ManagedIdentity/identities/default`: a resource's system-assigned identity. */
export function systemAssignedRoutes(store: Store): ArmRoute[] {
  return [
    {
      pattern: '{*scope}/providers/Microsoft.ManagedIdentity/identities/default',
      resourceType: 'Microsoft.ManagedIdentity/identities',
      apiVersions: MSI_API_VERSIONS,
      methods: {
        GET: {
          action: 'Microsoft.ManagedIdentity/identities/read',
          handle: async (c) => {
            const scope = c.params['scope']!;
            const r = await store.computeResources.get(scope);
            const principal = r?.systemPrincipalId
              ? await store.principals.getByObjectId(r.systemPrincipalId)
              : undefined;
            if (!r || !principal) {
              throw new ArmError(
                'ResourceNotFound',
                `The resource '${scope}' does not exist or has no system-assigned identity. Enable it with identity.type 'SystemAssigned' on the resource.`,
              );
            }
            return {
              status: 200,
              body: {
                id: `${r.id}/providers/Microsoft.ManagedIdentity/identities/default`,
                name: 'default',
                type: 'Microsoft.ManagedIdentity/identities',
                location: r.location,
                tags: {},
                properties: {
                  tenantId: principal.tenantId,
                  principalId: principal.objectId,
                  clientId: principal.appId,
                },
              },
            };
          },
        },
      },
    },
  ];
}
