import type { Authorizer } from '../../../rbac/authorizer.js';
import type { Store } from '../../../../store/store.js';
import { computeType } from '../../../../wire/compute-types.js';
import { parseResourceFilter } from '../../../resources/resource-filter.js';
import type { ArmResource } from '../../../resources/resource-kinds.js';
import { listArmResources, parseExpand } from '../../../resources/resource-listing.js';
import { RESOURCES_API_VERSIONS } from '../api-versions.js';
import { nextLink, page, readSkipToken, readTop } from '../paging.js';
import type { ArmCall, ArmRoute } from '../router.js';
import { identityWire } from './compute.js';

export interface ResourceListRouteDeps {
  store: Store;
  authorizer: Authorizer;
  tenantId: string;
  baseUrl: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** GenericResourceExpanded: the resource's envelope, never its properties (as in Azure). */
async function wire(d: ResourceListRouteDeps, r: ArmResource, expand: Set<string>) {
  const type = computeType(r.type);
  const identity = r.identity && type ? await identityWire(d.store, r.identity, type, d.tenantId) : undefined;
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    location: r.location,
    tags: r.tags,
    ...r.extras,
    ...(identity ? { identity } : {}),
    ...(expand.has('createdTime') ? { createdTime: iso(r.createdAt) } : {}),
    ...(expand.has('changedTime') ? { changedTime: iso(r.updatedAt) } : {}),
    ...(expand.has('provisioningState') ? { provisioningState: 'Succeeded' } : {}),
  };
}

/**
 * Who may see a resource in the list: `{type}/read` at the listed scope covers every resource of
 * that type under it (one check per type); otherwise each resource is checked on its own.
 */
function readFilter(d: ResourceListRouteDeps, c: ArmCall, scope: string) {
  const atScope = new Map<string, Promise<boolean>>();
  const check = async (action: string, at: string) =>
    (await d.authorizer.check(c.caller!.objectId, action, at)).allowed;
  return async (r: ArmResource): Promise<boolean> => {
    const action = `${r.type}/read`;
    let whole = atScope.get(action);
    if (!whole) atScope.set(action, (whole = check(action, scope)));
    return (await whole) || check(action, r.id);
  };
}

function list(d: ResourceListRouteDeps, withGroup: boolean) {
  return async (c: ArmCall) => {
    const subscriptionId = c.params['subscriptionId']!;
    const resourceGroup = withGroup ? c.params['resourceGroupName']! : undefined;
    const scope = `/subscriptions/${subscriptionId}${resourceGroup !== undefined ? `/resourceGroups/${resourceGroup}` : ''}`;
    const expand = parseExpand(c.ctx.query.get('$expand'));
    const after = readSkipToken(c.ctx);
    const p = await listArmResources(d.store, {
      subscriptionId,
      ...(resourceGroup !== undefined ? { resourceGroup } : {}),
      filter: parseResourceFilter(c.ctx.query.get('$filter')),
      limit: readTop(c.ctx, 1000, 1000),
      ...(after !== undefined ? { after } : {}),
      canRead: readFilter(d, c, scope),
    });
    const value = await Promise.all(p.items.map((r) => wire(d, r, expand)));
    return { status: 200, body: page(value, nextLink(d.baseUrl, c.ctx, p.next)) };
  };
}

/**
 * Resources – List at subscription and group scope, over every type openmi serves: what
 * `az resource list`, `vaults.list()` of the Key Vault SDKs and `resources.list*` read.
 * Any signed-in caller may ask; the answer holds only what it may read.
 */
export function resourceListRoutes(d: ResourceListRouteDeps): ArmRoute[] {
  const common = { resourceType: 'Microsoft.Resources/resources', apiVersions: RESOURCES_API_VERSIONS };
  return [
    {
      ...common,
      pattern: '/subscriptions/{subscriptionId}/resources',
      methods: {
        GET: { action: 'Microsoft.Resources/subscriptions/resources/read', everyone: true, handle: list(d, false) },
      },
    },
    {
      ...common,
      pattern: '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/resources',
      methods: {
        GET: {
          action: 'Microsoft.Resources/subscriptions/resourceGroups/resources/read',
          everyone: true,
          handle: list(d, true),
        },
      },
    },
  ];
}
