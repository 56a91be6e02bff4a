/**
 * Resource Manager's own shapes as openmi returns them: subscriptions, resource groups and the
 * compute resources that carry identities
 * (https://learn.microsoft.com/en-us/rest/api/resources/resource-groups/get).
 */

export interface SubscriptionWire {
  id: string;
  subscriptionId: string;
  tenantId: string;
  displayName: string;
  state: 'Enabled' | 'Disabled';
  subscriptionPolicies: { locationPlacementId: string; quotaId: string; spendingLimit: string };
  authorizationSource: string;
  managedByTenants: unknown[];
}

export interface ResourceGroupWire {
  id: string;
  name: string;
  type: string;
  location: string;
  managedBy?: string;
  tags: Record<string, string>;
  properties: { provisioningState: string };
}

/** One entry of a response's `userAssignedIdentities` map, keyed by the identity's ARM id. */
export interface UserAssignedIdentityRef {
  principalId: string;
  clientId: string;
}

/**
 * A resource's `identity` block in responses (ARM's ManagedServiceIdentity): principal ids are
 * filled in for every identity it holds. `type` is spelled as the provider spells it
 * (src/wire/compute-types.ts, `combined`).
 */
export interface ResourceIdentityWire {
  type: string;
  principalId?: string;
  tenantId?: string;
  userAssignedIdentities?: Record<string, UserAssignedIdentityRef>;
}

/**
 * A compute resource (src/wire/compute-types.ts). Everything but the fields below is stored and
 * returned as the client sent it, so it is not described here.
 */
export interface ComputeResourceWire {
  id: string;
  name: string;
  type: string;
  location: string;
  tags: Record<string, string>;
  properties: Record<string, unknown>;
  /** Absent when the resource holds no identity. */
  identity?: ResourceIdentityWire;
}
