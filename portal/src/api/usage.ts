import { arm } from './arm.js';
import { API } from './api-versions.js';
import { listAssignmentsIn } from './role-assignments.js';
import type { CallerUsage, IdentityImpact, IdentityUsage, UnusedIdentity } from '../../../src/wire/usage.js';

const NS = 'providers/OpenMI.Audit';

export type { CallerUsage, IdentityImpact, IdentityUsage, UnusedIdentity };

export async function unusedIdentities(sub: string, days: number): Promise<UnusedIdentity[]> {
  const r = await arm<{ value: UnusedIdentity[] }>('GET', `/subscriptions/${sub}/${NS}/unusedIdentities`, {
    apiVersion: API.openmi,
    query: { days: String(days) },
  });
  return r.value;
}

/** `identityId` is the identity's ARM id; `roleAssignmentId` narrows the question to one assignment. */
export function identityImpact(identityId: string, roleAssignmentId?: string): Promise<IdentityImpact> {
  return arm<IdentityImpact>('GET', `${identityId}/${NS}/impact`, {
    apiVersion: API.openmi,
    query: { roleAssignmentId },
  });
}

export const identityUsage = (identityId: string) =>
  arm<IdentityUsage>('GET', `${identityId}/${NS}/usage`, { apiVersion: API.openmi });

/** Role assignments per principal id (lower case), for counting without one call per identity. */
export async function assignmentsByPrincipal(sub: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const a of await listAssignmentsIn(sub)) {
    const k = a.properties.principalId.toLowerCase();
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}
