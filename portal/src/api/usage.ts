import { arm } from './arm.js';
import { API } from './api-versions.js';
import { listAssignmentsIn } from './role-assignments.js';

const NS = 'providers/OpenMI.Audit';

export interface UnusedIdentity {
  id: string;
  name: string;
  resourceGroup: string;
  principalId: string;
  clientId: string;
  /** Last successful token request still in the sign-in log, or null. */
  lastUse: string | null;
  resources: string[];
}

export interface IdentityImpact {
  identityId: string;
  roleAssignment?: { id: string; roleDefinitionId: string; scope: string };
  resources: Array<{ id: string; lastUse: string | null }>;
}

export interface CallerUsage {
  callingResourceId: string;
  firstUse: string | null;
  lastUse: string | null;
  successes: number;
  failures: number;
}

export interface IdentityUsage {
  identityId: string;
  principalId: string;
  clientId: string;
  resources: string[];
  roleAssignments: Array<{ id: string; roleDefinitionId: string; scope: string }>;
  federatedCredentials: Array<{ name: string; issuer: string; subject: string }>;
  usage: CallerUsage[];
}

export async function unusedIdentities(sub: string, days: number): Promise<UnusedIdentity[]> {
  const r = await arm<{ value: UnusedIdentity[] }>('GET', `/subscriptions/${sub}/${NS}/unusedIdentities`, { apiVersion: API.openmi, query: { days: String(days) } });
  return r.value;
}

/** `identityId` is the identity's ARM id; `roleAssignmentId` narrows the question to one assignment. */
export function identityImpact(identityId: string, roleAssignmentId?: string): Promise<IdentityImpact> {
  return arm<IdentityImpact>('GET', `${identityId}/${NS}/impact`, { apiVersion: API.openmi, query: { roleAssignmentId } });
}

export const identityUsage = (identityId: string) => arm<IdentityUsage>('GET', `${identityId}/${NS}/usage`, { apiVersion: API.openmi });

/** Role assignments per principal id (lower case), for counting without one call per identity. */
export async function assignmentsByPrincipal(sub: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const a of await listAssignmentsIn(sub)) {
    const k = a.properties.principalId.toLowerCase();
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}
