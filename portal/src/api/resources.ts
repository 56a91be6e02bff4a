import { arm, armList } from './arm.js';
import { API, COMPUTE_TYPES, computeType } from './api-versions.js';
import { groupPath } from './identities.js';
import type { AgentWire, JoinTokenWire } from '../../../src/wire/agents.js';
import type { ComputeResourceWire } from '../../../src/wire/resources.js';

export type { AgentWire, ComputeResourceWire, JoinTokenWire };

export interface ResourceKey {
  resourceGroup: string;
  type: string;
  name: string;
}

/** Arc-style machines accept only the system-assigned identity (the server answers InvalidIdentityType otherwise). */
export const supportsUserAssigned = (type: string) => computeType(type)?.userAssigned !== false;

export const typeLabel = (type: string) => computeType(type)?.label ?? type;

function apiVersionOf(type: string): string {
  const t = computeType(type);
  if (!t)
    throw new Error(
      `'${type}' is not a compute resource type openmi hosts. Use one of: ${COMPUTE_TYPES.map((c) => c.type).join(', ')}.`,
    );
  return t.apiVersion;
}

export const resourcePath = (sub: string, k: ResourceKey) =>
  `${groupPath(sub, k.resourceGroup)}/providers/${k.type}/${encodeURIComponent(k.name)}`;

/** Every compute resource in the subscription: one list call per type, in parallel. */
export async function listAllResources(sub: string): Promise<ComputeResourceWire[]> {
  const lists = await Promise.all(
    COMPUTE_TYPES.map((t) =>
      armList<ComputeResourceWire>(`/subscriptions/${sub}/providers/${t.type}`, { apiVersion: t.apiVersion }),
    ),
  );
  return lists.flat();
}

export const getResource = (sub: string, k: ResourceKey) =>
  arm<ComputeResourceWire>('GET', resourcePath(sub, k), { apiVersion: apiVersionOf(k.type) });

export function createResource(
  sub: string,
  k: ResourceKey,
  location: string,
  systemAssigned: boolean,
): Promise<ComputeResourceWire> {
  // openmi stores `properties` as given and requires none for any type.
  const body = { location, properties: {}, ...(systemAssigned ? { identity: { type: 'SystemAssigned' } } : {}) };
  return arm<ComputeResourceWire>('PUT', resourcePath(sub, k), { apiVersion: apiVersionOf(k.type), body });
}

export const deleteResource = (sub: string, k: ResourceKey) =>
  arm('DELETE', resourcePath(sub, k), { apiVersion: apiVersionOf(k.type) });

/** ARM's identity type for a combination ("SystemAssigned, UserAssigned" is accepted by every RP). */
export function identityType(system: boolean, userAssigned: boolean): string {
  if (system && userAssigned) return 'SystemAssigned, UserAssigned';
  if (system) return 'SystemAssigned';
  return userAssigned ? 'UserAssigned' : 'None';
}

export const hasSystem = (r: ComputeResourceWire) => !!r.identity?.principalId;
export const userAssignedIds = (r: ComputeResourceWire) => Object.keys(r.identity?.userAssignedIdentities ?? {});

function patchIdentity(sub: string, k: ResourceKey, identity: Record<string, unknown>) {
  return arm<ComputeResourceWire>('PATCH', resourcePath(sub, k), {
    apiVersion: apiVersionOf(k.type),
    body: { identity },
  });
}

/** PATCH merges the user-assigned map, so the attached identities stay as they are. */
export const setSystemAssigned = (sub: string, r: ComputeResourceWire, k: ResourceKey, on: boolean) =>
  patchIdentity(sub, k, { type: identityType(on, userAssignedIds(r).length > 0) });

export const attachIdentity = (sub: string, r: ComputeResourceWire, k: ResourceKey, identityId: string) =>
  patchIdentity(sub, k, { type: identityType(hasSystem(r), true), userAssignedIdentities: { [identityId]: {} } });

/** A `null` entry detaches one identity; detaching the last one drops UserAssigned from the type. */
export function detachIdentity(sub: string, r: ComputeResourceWire, k: ResourceKey, identityId: string) {
  const left = userAssignedIds(r).filter((id) => id.toLowerCase() !== identityId.toLowerCase());
  if (left.length === 0) return patchIdentity(sub, k, { type: identityType(hasSystem(r), false) });
  return patchIdentity(sub, k, {
    type: identityType(hasSystem(r), true),
    userAssignedIdentities: { [identityId]: null },
  });
}

/** "System-assigned + 2 user-assigned", "1 user-assigned", "None". */
export function identitySummary(r: ComputeResourceWire): string {
  const n = userAssignedIds(r).length;
  const parts = [hasSystem(r) ? 'System-assigned' : '', n > 0 ? `${n} user-assigned` : ''].filter(Boolean);
  return parts.length ? parts.join(' + ') : 'None';
}

export const listAgents = (resourceId: string) =>
  armList<AgentWire>(`${resourceId}/providers/OpenMI.Agents/agents`, { apiVersion: API.openmi });

export const removeAgent = (agentId: string) => arm('DELETE', agentId, { apiVersion: API.openmi });

export const createJoinToken = (resourceId: string, expiresInSeconds: number) =>
  arm<JoinTokenWire>('POST', `${resourceId}/providers/OpenMI.Agents/joinTokens`, {
    apiVersion: API.openmi,
    body: { ephemeral: false, expiresInSeconds },
  });
