import type { Clock } from '../../kernel/clock.js';
import { invalid, notFound } from '../../kernel/errors.js';
import type { SignInUsageRow } from '../../store/audit-repo.js';
import type { UserAssignedIdentityRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { IdentityImpact, UnusedIdentity } from '../../wire/usage.js';

const DAY_MS = 86_400_000;

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/** Last successful use per key (identity or calling resource, by `by`). */
function lastSuccess(rows: readonly SignInUsageRow[], by: 'identityKey' | 'callingKey'): Map<string, number> {
  const last = new Map<string, number>();
  for (const r of rows) if (r.result === 'success') last.set(r[by], Math.max(last.get(r[by]) ?? r.last, r.last));
  return last;
}

async function subscriptionIdentities(store: Store, subscriptionId: string): Promise<UserAssignedIdentityRecord[]> {
  const out: UserAssignedIdentityRecord[] = [];
  let after: string | undefined;
  do {
    const p = await store.identities.list({ subscriptionId }, 500, after);
    out.push(...p.items);
    after = p.next;
  } while (after !== undefined);
  return out;
}

/** User-assigned identities of a subscription with no successful token request in the last `days` days. */
export async function unusedIdentities(
  store: Store,
  clock: Clock,
  subscriptionId: string,
  days: number,
): Promise<UnusedIdentity[]> {
  if (!Number.isInteger(days) || days < 1)
    throw invalid(`days must be a positive integer, not '${days}'.`, { target: 'days' });
  const cutoff = clock.now() - days * DAY_MS;
  const rows = await store.audit.signInUsage({ identityPrefix: `/subscriptions/${subscriptionId}/` });
  const last = lastSuccess(rows, 'identityKey');
  const out: UnusedIdentity[] = [];
  for (const i of await subscriptionIdentities(store, subscriptionId)) {
    const used = last.get(i.id.toLowerCase());
    if (used !== undefined && used >= cutoff) continue;
    const resources = (await store.computeResources.listByUserAssignedIdentity(i.id)).map((r) => r.id);
    out.push({
      id: i.id,
      name: i.name,
      resourceGroup: i.resourceGroup,
      principalId: i.principalId,
      clientId: i.clientId,
      lastUse: iso(used),
      resources,
    });
  }
  return out;
}

/**
 * What deleting the identity (every resource carrying it) or removing one of its role
 * assignments, by id or GUID name (the resources carrying it whose workloads used it while the log kept the rows) affects.
 */
export async function identityImpact(
  store: Store,
  identity: UserAssignedIdentityRecord,
  roleAssignmentId?: string,
): Promise<IdentityImpact> {
  const carriers = await store.computeResources.listByUserAssignedIdentity(identity.id);
  const last = lastSuccess(await store.audit.signInUsage({ identityKey: identity.id }), 'callingKey');
  const resources = carriers.map((r) => ({ id: r.id, lastUse: iso(last.get(r.id.toLowerCase())) }));
  if (roleAssignmentId === undefined) return { identityId: identity.id, resources };
  const ra = roleAssignmentId.includes('/')
    ? await store.roleAssignments.get(roleAssignmentId)
    : await store.roleAssignments.getByName(roleAssignmentId);
  if (!ra || ra.principalId.toLowerCase() !== identity.principalId.toLowerCase()) {
    throw notFound(`The role assignment '${roleAssignmentId}' of identity '${identity.name}' was not found.`, {
      code: 'RoleAssignmentNotFound',
      target: 'roleAssignmentId',
    });
  }
  return {
    identityId: identity.id,
    roleAssignment: { id: ra.id, roleDefinitionId: ra.roleDefinitionId, scope: ra.scope },
    resources: resources.filter((r) => r.lastUse !== null),
  };
}
