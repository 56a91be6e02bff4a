import type { ContainerRegistryRecord } from '../../../../store/registry.js';
import { loginServerOf, type RegistryAddress, type RegistryService } from '../../../registries/registries.js';
import { REGISTRY_TYPE as TYPE } from '../../../resources/resource-kinds.js';
import { REGISTRY_API_VERSIONS as API_VERSIONS } from '../api-versions.js';
import { nextLink, page, readSkipToken, readTop } from '../paging.js';
import { actorOf, bodyObject, type ArmCall, type ArmRoute } from '../router.js';
import { createdStatus } from '../write-statuses.js';

export interface RegistryRouteDeps {
  registries: RegistryService;
  baseUrl: string;
  dataPlaneZone: string;
}

/** The shape of https://learn.microsoft.com/en-us/rest/api/containerregistry/registries/get. */
function wire(d: RegistryRouteDeps, r: ContainerRegistryRecord) {
  const props = (r.body['properties'] as Record<string, unknown> | undefined) ?? {};
  return {
    id: r.id,
    name: r.name,
    type: TYPE,
    location: r.location,
    tags: r.tags,
    sku: r.body['sku'] ?? { name: 'Basic', tier: 'Basic' },
    properties: {
      ...props,
      loginServer: loginServerOf(r, d.dataPlaneZone),
      creationDate: new Date(r.createdAt).toISOString(),
      provisioningState: 'Succeeded',
      adminUserEnabled: false,
      anonymousPullEnabled: false,
    },
  };
}

const addr = (c: ArmCall): RegistryAddress => ({
  subscriptionId: c.params['subscriptionId']!,
  resourceGroup: c.params['resourceGroupName']!,
  name: c.params['name']!,
});

async function put(d: RegistryRouteDeps, c: ArmCall) {
  const b = bodyObject(c, '{"location":"westeurope","sku":{"name":"Basic"}}');
  const { record, created } = await d.registries.put(addr(c), b, actorOf(c));
  return { status: created ? createdStatus(TYPE) : 200, body: wire(d, record) };
}

/** ARM `Microsoft.ContainerRegistry/registries`: PUT/PATCH/GET/DELETE and listings. Tokens: docs/registries.md. */
export function registryRoutes(d: RegistryRouteDeps): ArmRoute[] {
  const common = { resourceType: TYPE, apiVersions: API_VERSIONS };
  const list = (withGroup: boolean) => async (c: ArmCall) => {
    const where = {
      subscriptionId: c.params['subscriptionId']!,
      ...(withGroup ? { resourceGroup: c.params['resourceGroupName']! } : {}),
    };
    const p = await d.registries.list(where, readTop(c.ctx, 100, 1000), readSkipToken(c.ctx));
    return {
      status: 200,
      body: page(
        p.items.map((r) => wire(d, r)),
        nextLink(d.baseUrl, c.ctx, p.next),
      ),
    };
  };
  const rg = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${TYPE}`;
  return [
    {
      ...common,
      pattern: `/subscriptions/{subscriptionId}/providers/${TYPE}`,
      methods: { GET: { action: `${TYPE}/read`, handle: list(false) } },
    },
    { ...common, pattern: rg, methods: { GET: { action: `${TYPE}/read`, handle: list(true) } } },
    {
      ...common,
      pattern: `${rg}/{name}`,
      methods: {
        GET: {
          action: `${TYPE}/read`,
          handle: async (c) => ({ status: 200, body: wire(d, await d.registries.get(addr(c))) }),
        },
        PUT: { action: `${TYPE}/write`, handle: (c) => put(d, c) },
        PATCH: {
          action: `${TYPE}/write`,
          handle: async (c) => ({
            status: 200,
            body: wire(d, await d.registries.patch(addr(c), bodyObject(c, '{"tags":{"env":"test"}}'), actorOf(c))),
          }),
        },
        DELETE: {
          action: `${TYPE}/delete`,
          handle: async (c) => ({ status: (await d.registries.delete(addr(c), actorOf(c))) ? 200 : 204 }),
        },
      },
    },
  ];
}
