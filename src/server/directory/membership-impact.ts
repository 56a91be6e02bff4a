import { notFound } from '../../kernel/errors.js';
import type { UserAssignedIdentityRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { MembershipImpact } from '../../wire/usage.js';
import type { SignInEvent } from '../audit/sign-ins.js';
import { transitiveGroups } from '../identities/group-expansion.js';

/** Sign-in rows read per identity; beyond this the answer says it is partial (docs/groups.md). */
const MAX_SIGN_IN_ROWS = 50_000;

const VAULT = /^https:\/\/vault\.[^/]+\/?$/i;
const STORAGE = /^https:\/\/storage\.[^/]+\/?$/i;

/**
 * Whether a token for `audience` reaches a resource at `scope`. The data planes have their own
 * audiences (https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/services-id-authentication-support):
 * `vault.azure.net` or openmi's `vault.{dataPlaneZone}` (docs/data-planes.md), likewise storage;
 * any other audience is Resource Manager's.
 */
function reaches(scope: string, audience: string): boolean {
  if (/\/providers\/Microsoft\.KeyVault\/vaults\/[^/]+/i.test(scope)) return VAULT.test(audience);
  if (/\/providers\/Microsoft\.Storage\/storageAccounts\/[^/]+/i.test(scope)) return STORAGE.test(audience);
  return !VAULT.test(audience) && !STORAGE.test(audience);
}

async function successfulSignIns(store: Store, identityId: string): Promise<SignInEvent[]> {
  const out: SignInEvent[] = [];
  let after: string | undefined;
  do {
    const p = await store.audit.query(
      'signIns',
      { eq: { identity_key: identityId.toLowerCase(), result: 'success' } },
      1000,
      after,
    );
    for (const r of p.items) out.push(JSON.parse(r.data) as SignInEvent);
    after = p.next;
  } while (after !== undefined && out.length < MAX_SIGN_IN_ROWS);
  return out;
}

/**
 * What `identity` would lose if it left group `groupId` (a direct membership): the groups it is in
 * only through that one, their role assignments, and, from the sign-in log, the resources those
 * assignments cover that it asked tokens for, with the calling resources that asked.
 */
export async function membershipImpact(
  store: Store,
  identity: UserAssignedIdentityRecord,
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
  const { resources, callers } = await usedThrough(store, identity.id, assignments);
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
    resources: [...resources].map(([id, lastUse]) => ({ id, lastUse })),
    callingResources: [...callers].map(([id, at]) => ({ id, lastUse: new Date(at).toISOString() })),
  };
}

/** The assignment scopes the identity asked tokens for, and the calling resources that asked. */
async function usedThrough(store: Store, identityId: string, assignments: readonly { scope: string }[]) {
  const signIns = await successfulSignIns(store, identityId);
  const resources = new Map<string, string | null>();
  const callers = new Map<string, number>();
  for (const ra of assignments) {
    for (const s of signIns) {
      if (s.audience === null || !reaches(ra.scope, s.audience)) continue;
      const at = s.lastAt ?? s.at;
      resources.set(ra.scope, maxIso(resources.get(ra.scope) ?? null, at));
      if (s.callingResourceId) callers.set(s.callingResourceId, Math.max(callers.get(s.callingResourceId) ?? 0, at));
    }
  }
  return { resources, callers };
}

function maxIso(current: string | null, at: number): string {
  const iso = new Date(at).toISOString();
  return current === null || current < iso ? iso : current;
}
