import { notFound } from '../../kernel/errors.js';
import type { Store } from '../../store/store.js';
import type { MembershipImpact } from '../../wire/usage.js';
import { transitiveGroups } from '../identities/group-expansion.js';
import { successfulSignIns, usedThrough } from './sign-in-use.js';

/**
 * The identity that would leave: a user-assigned one (its ARM id), or a resource's system-assigned
 * one (the resource's id, which is what the sign-in log keys it by).
 */
export interface LeavingIdentity {
  id: string;
  name: string;
  principalId: string;
}

/**
 * What `identity` would lose if it left group `groupId` (a direct membership): the groups it is in
 * only through that one, their role assignments, and, from the sign-in log, the resources those
 * assignments cover that it asked tokens for, with the calling resources that asked.
 */
export async function membershipImpact(
  store: Store,
  identity: LeavingIdentity,
  groupId: string,
): Promise<MembershipImpact> {
  const lookup = (id: string) => store.groups.listMemberships(id);
  const direct = await lookup(identity.principalId);
  const left = direct.find((m) => m.groupId.toLowerCase() === groupId.toLowerCase());
  if (!left)
    throw notFound(`Identity '${identity.name}' is not a direct member of group '${groupId}'.`, { target: 'groupId' });
  const before = await transitiveGroups(lookup, identity.principalId);
  const without = await transitiveGroups(
    async (id) => (id === identity.principalId ? direct.filter((m) => m !== left) : lookup(id)),
    identity.principalId,
  );
  const kept = new Set([...without.keys()].map((g) => g.toLowerCase()));
  const lostGroups = [...before.keys()].filter((g) => !kept.has(g.toLowerCase()));
  const assignments = (await Promise.all(lostGroups.map((g) => store.roleAssignments.listForPrincipal(g)))).flat();
  const signIns = await successfulSignIns(store, { column: 'identity_key', value: identity.id });
  const { resources, callingResources } = usedThrough(
    signIns,
    assignments.map((ra) => ra.scope),
  );
  return {
    identityId: identity.id,
    groupId: left.groupId,
    lostGroups,
    roleAssignments: assignments.map((ra) => ({
      id: ra.id,
      roleDefinitionId: ra.roleDefinitionId,
      scope: ra.scope,
      principalId: ra.principalId,
    })),
    resources,
    callingResources,
  };
}
