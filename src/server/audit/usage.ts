import type { SignInUsageRow } from '../../store/audit-repo.js';
import type { ComputeResourceRecord, UserAssignedIdentityRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { CallerUsage, IdentityUsage } from '../../wire/usage.js';

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/** Folds grouped sign-in rows (one identity) into one entry per calling resource; resource ids keep their stored casing when known. */
export function callerUsage(
  rows: readonly SignInUsageRow[],
  resources: readonly ComputeResourceRecord[],
): CallerUsage[] {
  const names = new Map(resources.map((r) => [r.id.toLowerCase(), r.id]));
  const acc = new Map<string, { first?: number; last?: number; successes: number; failures: number }>();
  for (const r of rows) {
    const a = acc.get(r.callingKey) ?? { successes: 0, failures: 0 };
    if (r.result === 'success') {
      a.successes += r.count;
      a.first = Math.min(a.first ?? r.first, r.first);
      a.last = Math.max(a.last ?? r.last, r.last);
    } else a.failures += r.count;
    acc.set(r.callingKey, a);
  }
  return [...acc.entries()].map(([key, a]) => ({
    callingResourceId: names.get(key) ?? key,
    firstUse: iso(a.first),
    lastUse: iso(a.last),
    successes: a.successes,
    failures: a.failures,
  }));
}

async function allCredentials(store: Store, identityId: string): Promise<IdentityUsage['federatedCredentials']> {
  const out: IdentityUsage['federatedCredentials'] = [];
  let after: string | undefined;
  do {
    const p = await store.federatedCredentials.list(identityId, 500, after);
    out.push(...p.items.map((f) => ({ name: f.name, issuer: f.issuer, subject: f.subject })));
    after = p.next;
  } while (after !== undefined);
  return out;
}

/** Everything that depends on one user-assigned identity, and who used it. */
export async function identityUsage(store: Store, identity: UserAssignedIdentityRecord): Promise<IdentityUsage> {
  const resources = await store.computeResources.listByUserAssignedIdentity(identity.id);
  const assignments = await store.roleAssignments.listForPrincipal(identity.principalId);
  const rows = await store.audit.signInUsage({ identityKey: identity.id });
  return {
    identityId: identity.id,
    principalId: identity.principalId,
    clientId: identity.clientId,
    resources: resources.map((r) => r.id),
    roleAssignments: assignments.map((a) => ({ id: a.id, roleDefinitionId: a.roleDefinitionId, scope: a.scope })),
    federatedCredentials: await allCredentials(store, identity.id),
    usage: callerUsage(rows, resources),
  };
}
