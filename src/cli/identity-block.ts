import { CliError } from './cli-error.js';
import { identityId, isIdentityId } from './arm-paths.js';
import type { ResourceIdentityWire, UserAssignedIdentityRef } from '../wire/resources.js';

/**
 * The `identity` block of a compute resource, and the PATCH that `openmi resource identity
 * assign|remove` sends, computed the way `az vm identity assign|remove` does. Pure functions.
 */

export type IdentityType = 'None' | 'SystemAssigned' | 'UserAssigned' | 'SystemAssigned, UserAssigned';

export type UserAssignedEntry = Partial<UserAssignedIdentityRef>;

/** What the server returns on a resource (ResourceIdentityWire), read leniently: a removed entry may be echoed as `null`. */
export type IdentityBlock = Partial<Omit<ResourceIdentityWire, 'userAssignedIdentities'>> & {
  userAssignedIdentities?: Record<string, UserAssignedEntry | null>;
};

/** What the CLI sends: `{}` keeps or adds a user-assigned identity, `null` removes one. */
export interface IdentityPatch {
  type: IdentityType;
  userAssignedIdentities?: Record<string, Record<string, never> | null>;
}

/** The identities named on the command line; user-assigned ones already resolved to ARM ids. */
export interface IdentityChange {
  systemAssigned: boolean;
  userAssigned: readonly string[];
}

export function identityType(system: boolean, user: boolean): IdentityType {
  if (system && user) return 'SystemAssigned, UserAssigned';
  if (system) return 'SystemAssigned';
  return user ? 'UserAssigned' : 'None';
}

/** Reads the type leniently: some providers write `SystemAssigned,UserAssigned` without the space. */
export function hasSystemAssigned(block: IdentityBlock | undefined): boolean {
  return (block?.type ?? '').split(',').some((t) => t.trim().toLowerCase() === 'systemassigned');
}

function currentUserAssigned(block: IdentityBlock | undefined): string[] {
  return Object.entries(block?.userAssignedIdentities ?? {})
    .filter(([, v]) => v !== null)
    .map(([k]) => k);
}

const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Like `az`: naming nothing means the system-assigned identity. */
function withDefault(change: IdentityChange): IdentityChange {
  return change.systemAssigned || change.userAssigned.length > 0 ? change : { systemAssigned: true, userAssigned: [] };
}

/** A bare name is an identity in the resource's own group; anything with a slash must be a full identity id. */
export function resolveUserAssignedId(value: string, subscriptionId: string, resourceGroup: string): string {
  if (value.startsWith('/')) {
    if (!isIdentityId(value)) {
      throw new CliError(
        `'${value}' is not a user-assigned identity id; expected /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}`,
        2,
      );
    }
    return value;
  }
  if (value.includes('/') || value === '')
    throw new CliError(`'${value}' is neither an identity name nor a full identity id`, 2);
  return identityId(subscriptionId, resourceGroup, value);
}

/** Adds identities to what the resource has. Existing user-assigned ids keep the server's spelling. */
export function assignIdentities(current: IdentityBlock | undefined, requested: IdentityChange): IdentityPatch {
  const change = withDefault(requested);
  const system = hasSystemAssigned(current) || change.systemAssigned;
  const users = currentUserAssigned(current);
  for (const id of change.userAssigned) if (!users.some((u) => sameId(u, id))) users.push(id);
  const type = identityType(system, users.length > 0);
  if (users.length === 0) return { type };
  return { type, userAssignedIdentities: Object.fromEntries(users.map((u) => [u, {}])) };
}

/**
 * Removes identities. While user-assigned ones remain, the removed ones are sent as `null`
 * (ARM merges the map on PATCH); once none remain the map is left out, because the type alone
 * says so and ARM rejects a map next to `None` or plain `SystemAssigned`.
 */
export function removeIdentities(current: IdentityBlock | undefined, requested: IdentityChange): IdentityPatch {
  const change = withDefault(requested);
  const existing = currentUserAssigned(current);
  const removed = change.userAssigned.map((id) => {
    const match = existing.find((u) => sameId(u, id));
    if (!match) {
      const have = existing.length ? existing.join(', ') : 'none';
      throw new CliError(`'${id}' is not assigned to this resource (user-assigned identities: ${have})`);
    }
    return match;
  });
  const remaining = existing.filter((u) => !removed.includes(u));
  const system = hasSystemAssigned(current) && !change.systemAssigned;
  const type = identityType(system, remaining.length > 0);
  if (remaining.length === 0) return { type };
  const map: Record<string, Record<string, never> | null> = Object.fromEntries(remaining.map((u) => [u, {}]));
  for (const r of removed) map[r] = null;
  return { type, userAssignedIdentities: map };
}
