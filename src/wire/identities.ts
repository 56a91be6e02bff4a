/**
 * Microsoft.ManagedIdentity as openmi returns it: user-assigned identities, their federated
 * credentials and the resources that use them
 * (https://learn.microsoft.com/en-us/rest/api/managedidentity/).
 */

/** A user-assigned identity (Microsoft.ManagedIdentity/userAssignedIdentities). */
export interface IdentityWire {
  id: string;
  name: string;
  type: string;
  location: string;
  tags: Record<string, string>;
  properties: { tenantId: string; principalId: string; clientId: string; isolationScope: string };
}

export interface FederatedCredentialWire {
  id: string;
  name: string;
  type: string;
  properties: { issuer: string; subject: string; audiences: string[] };
}

/** A row of `listAssociatedResources` (preview api-versions): `type` and `resourceGroup` come back lower-cased. */
export interface AssociatedResourceWire {
  id: string;
  name: string;
  type: string;
  resourceGroup: string;
  subscriptionId: string;
  subscriptionDisplayName: string;
}

/** `listAssociatedResources` answers a POST; its nextLink is POSTed too. */
export interface AssociatedResourcesPage {
  totalCount: number;
  value: AssociatedResourceWire[];
  nextLink?: string;
}
