import { DomainError } from '../../kernel/errors.js';
import type { ComputeResourceRecord, PrincipalRecord, UserAssignedIdentityRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';

import { SELECTOR_NAMES, type IdentitySelector, type SelectorName } from '../../wire/agent-protocol.js';

export type { IdentitySelector } from '../../wire/agent-protocol.js';

export interface ResolvedIdentity {
  principal: PrincipalRecord;
  /** The user-assigned identity's ARM id, or the resource's own for system-assigned. */
  identityResourceId: string;
}

/**
 * Refused with 400 and never 404: the SDKs retry 404 for about 25 s (docs/wire/managed-identity.md). The message
 * names what was asked for and what the resource actually carries, so the fix is obvious.
 */
function notAttached(resource: ComputeResourceRecord, asked: string): DomainError {
  const system = resource.systemPrincipalId
    ? `system-assigned (object id ${resource.systemPrincipalId})`
    : 'no system-assigned identity';
  const users = resource.userAssignedIdentityIds.length ? resource.userAssignedIdentityIds.join(', ') : 'none';
  return new DomainError(
    'invalid',
    `${asked} is not an identity of resource '${resource.id}'. It has ${system}; user-assigned identities attached: ${users}. Attach it (openmi resource identity assign) or ask for one of these.`,
    { code: 'identity_not_found' },
  );
}

const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

async function principalOf(
  store: Store,
  objectId: string,
  resource: ComputeResourceRecord,
  asked: string,
): Promise<PrincipalRecord> {
  const p = await store.principals.getByObjectId(objectId);
  if (!p) throw notAttached(resource, asked);
  return p;
}

/** The user-assigned identity a selector names, attached anywhere or not. */
export function findSelectedIdentity(
  store: Store,
  selector: IdentitySelector,
): Promise<UserAssignedIdentityRecord | undefined> {
  if (selector.name === 'client_id') return store.identities.getByClientId(selector.value);
  if (selector.name === 'object_id' || selector.name === 'principal_id')
    return store.identities.getByPrincipalId(selector.value);
  return store.identities.get(selector.value);
}

/** Finds the identity a selector names, if and only if it is attached to `resource` right now. */
export async function resolveIdentity(
  store: Store,
  resource: ComputeResourceRecord,
  selector: IdentitySelector | undefined,
): Promise<ResolvedIdentity> {
  if (!selector) {
    if (!resource.systemPrincipalId)
      throw notAttached(
        resource,
        'No identity was selected (client_id, object_id or msi_res_id), so the system-assigned identity was asked for, but it',
      );
    return {
      principal: await principalOf(store, resource.systemPrincipalId, resource, 'The system-assigned identity'),
      identityResourceId: resource.id,
    };
  }
  const asked = `The identity selected by ${selector.name}=${selector.value}`;
  const system = resource.systemPrincipalId;
  if (system && (selector.name === 'object_id' || selector.name === 'principal_id') && sameId(selector.value, system)) {
    return { principal: await principalOf(store, system, resource, asked), identityResourceId: resource.id };
  }
  const identity = await findSelectedIdentity(store, selector);
  if (!identity || !resource.userAssignedIdentityIds.some((id) => sameId(id, identity.id))) {
    if (system && !identity && selector.name === 'client_id') {
      const sp = await store.principals.getByObjectId(system);
      if (sp && sameId(sp.appId, selector.value)) return { principal: sp, identityResourceId: resource.id };
    }
    throw notAttached(resource, asked);
  }
  return {
    principal: await principalOf(store, identity.principalId, resource, asked),
    identityResourceId: identity.id,
  };
}

export function parseSelector(raw: unknown): IdentitySelector | undefined {
  if (raw === undefined || raw === null) return undefined;
  const s = raw as Record<string, unknown>;
  const name = s['name'];
  const value = s['value'];
  if (
    typeof name !== 'string' ||
    !(SELECTOR_NAMES as readonly string[]).includes(name) ||
    typeof value !== 'string' ||
    !value
  ) {
    throw new DomainError(
      'invalid',
      `selector must be {name, value} with name one of ${SELECTOR_NAMES.join(', ')} and a non-empty value.`,
      { code: 'invalid_request' },
    );
  }
  return { name: name as SelectorName, value };
}
