import type { ComputeResourceRecord } from '../../../../store/records.js';
import type { Store } from '../../../../store/store.js';
import type { Authorizer } from '../../../rbac/authorizer.js';
import { COMPUTE_TYPES, type ComputeType } from '../../../../wire/compute-types.js';
import type { ComputeResourceService, ResourceAddress } from '../../../resources/compute.js';
import { identityTypeOf } from '../../../resources/identity-block.js';
import { publishedApiVersions } from '../api-versions.js';
import { ArmError } from '../arm-errors.js';
import { createdStatus, withSucceeded } from '../write-statuses.js';
import { nextLink, page, readSkipToken, readTop } from '../paging.js';
import { readablePage } from './readable-list.js';
import { actorOf, type ArmCall, type ArmRoute } from '../router.js';
import type { ComputeResourceWire, ResourceIdentityWire, UserAssignedIdentityRef } from '../../../../wire/resources.js';

export interface ComputeRouteDeps {
  compute: ComputeResourceService;
  store: Store;
  authorizer: Authorizer;
  tenantId: string;
  baseUrl: string;
}

const ASSIGN = 'Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action';

/** The `identity` block as the RP returns it (and Resources – List): principal ids filled in for every identity. */
export async function identityWire(
  store: Store,
  r: Pick<ComputeResourceRecord, 'systemPrincipalId' | 'userAssignedIdentityIds'>,
  type: ComputeType,
  tenantId: string,
): Promise<ResourceIdentityWire | undefined> {
  const state = { system: !!r.systemPrincipalId, userAssigned: r.userAssignedIdentityIds };
  if (!state.system && state.userAssigned.length === 0) return undefined;
  const block: ResourceIdentityWire = { type: identityTypeOf(state, type) };
  if (r.systemPrincipalId) Object.assign(block, { principalId: r.systemPrincipalId, tenantId });
  if (state.userAssigned.length > 0) {
    const map: Record<string, UserAssignedIdentityRef> = {};
    for (const id of state.userAssigned) {
      const i = await store.identities.get(id);
      if (i) map[id] = { principalId: i.principalId, clientId: i.clientId };
    }
    block.userAssignedIdentities = map;
  }
  return block;
}

async function resourceWire(
  d: ComputeRouteDeps,
  r: ComputeResourceRecord,
  type: ComputeType,
): Promise<ComputeResourceWire> {
  const identity = await identityWire(d.store, r, type, d.tenantId);
  const properties = withSucceeded(r.body['properties']);
  return {
    ...r.body,
    id: r.id,
    name: r.name,
    type: type.type,
    location: r.location,
    tags: r.tags,
    properties,
    ...(identity ? { identity } : {}),
  };
}

/** Attaching a user-assigned identity needs assign/action on it as well (docs/wire/arm.md). */
function attachCheck(d: ComputeRouteDeps, c: ArmCall) {
  return async (ids: string[]) => {
    for (const id of ids) {
      const decision = await d.authorizer.check(c.caller!.objectId, ASSIGN, id);
      if (!decision.allowed) {
        throw new ArmError(
          'LinkedAuthorizationFailed',
          `The client '${c.caller!.appId}' with object id '${c.caller!.objectId}' has permission to perform action 'write' on scope '${c.ctx.path}'; however, it does not have permission to perform action(s) '${ASSIGN}' on the linked scope(s) '${id}' or the linked scope(s) are invalid. (${decision.reason})`,
        );
      }
    }
  };
}

function routesFor(d: ComputeRouteDeps, type: ComputeType): ArmRoute[] {
  const common = { resourceType: type.type, apiVersions: publishedApiVersions(type.type) };
  const addr = (c: ArmCall): ResourceAddress => ({
    subscriptionId: c.params['subscriptionId']!,
    resourceGroup: c.params['resourceGroupName']!,
    type,
    name: c.params['name']!,
  });
  const list = (withGroup: boolean) => async (c: ArmCall) => {
    const where = {
      subscriptionId: c.params['subscriptionId']!,
      ...(withGroup ? { resourceGroup: c.params['resourceGroupName']! } : {}),
    };
    const list = (limit: number, after?: string) => d.compute.list(where, type, limit, after);
    // Subscription-wide: what the caller may read; a group's list needs read on the group (route check).
    const p = withGroup
      ? await list(readTop(c.ctx, 100, 1000), readSkipToken(c.ctx))
      : await readablePage(d.authorizer, c, `${type.type}/read`, list);
    const value = await Promise.all(p.items.map((r) => resourceWire(d, r, type)));
    return { status: 200, body: page(value, nextLink(d.baseUrl, c.ctx, p.next)) };
  };
  const write = (mode: 'put' | 'patch') => async (c: ArmCall) => {
    const { resource, created } = await d.compute.write(addr(c), c.body ?? {}, mode, actorOf(c), attachCheck(d, c));
    return { status: created ? createdStatus(type.type) : 200, body: await resourceWire(d, resource, type) };
  };
  const rg = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${type.type}`;
  return [
    {
      ...common,
      pattern: `/subscriptions/{subscriptionId}/providers/${type.type}`,
      methods: { GET: { action: `${type.type}/read`, everyone: true, handle: list(false) } },
    },
    { ...common, pattern: rg, methods: { GET: { action: `${type.type}/read`, handle: list(true) } } },
    {
      ...common,
      pattern: `${rg}/{name}`,
      methods: {
        GET: {
          action: `${type.type}/read`,
          handle: async (c) => ({ status: 200, body: await resourceWire(d, await d.compute.get(addr(c)), type) }),
        },
        PUT: { action: `${type.type}/write`, handle: write('put') },
        PATCH: { action: `${type.type}/write`, handle: write('patch') },
        DELETE: {
          action: `${type.type}/delete`,
          handle: async (c) => ({ status: (await d.compute.delete(addr(c), actorOf(c))) ? 200 : 204 }),
        },
      },
    },
  ];
}

/** VMs, scale sets, sites, container groups, container apps and Arc machines. */
export function computeRoutes(d: ComputeRouteDeps): ArmRoute[] {
  return COMPUTE_TYPES.flatMap((t) => routesFor(d, t));
}
