import { RESOURCES_API_VERSIONS } from '../api-versions.js';
import { ArmError } from '../arm-errors.js';
import type { ArmRoute } from '../router.js';

interface ProviderWire {
  id: string;
  namespace: string;
  registrationState: 'Registered';
  resourceTypes: { resourceType: string; locations: string[]; apiVersions: string[] }[];
}

/** Builds the provider list from the route table itself, so it never advertises what is not served. */
function providersOf(routes: readonly ArmRoute[]): Map<string, Map<string, Set<string>>> {
  const out = new Map<string, Map<string, Set<string>>>();
  for (const r of routes) {
    const [ns, ...type] = r.resourceType.split('/');
    if (!ns || type.length === 0 || !ns.includes('.')) continue;
    const types = out.get(ns) ?? new Map<string, Set<string>>();
    const versions = types.get(type.join('/')) ?? new Set<string>();
    r.apiVersions.forEach((v) => versions.add(v));
    types.set(type.join('/'), versions);
    out.set(ns, types);
  }
  return out;
}

function wire(prefix: string, ns: string, types: Map<string, Set<string>>): ProviderWire {
  return {
    id: `${prefix}/providers/${ns}`,
    namespace: ns,
    registrationState: 'Registered',
    resourceTypes: [...types].map(([resourceType, v]) => ({
      resourceType,
      locations: ['local'],
      apiVersions: [...v].sort().reverse(),
    })),
  };
}

/** Provider listings, which `az resource` and `az provider` read to pick api-versions. */
export function providerRoutes(allRoutes: () => readonly ArmRoute[]): ArmRoute[] {
  const list = (prefix: string) => [...providersOf(allRoutes())].map(([ns, t]) => wire(prefix, ns, t));
  const one = (prefix: string, ns: string) => {
    const found = [...providersOf(allRoutes())].find(([n]) => n.toLowerCase() === ns.toLowerCase());
    if (!found)
      throw new ArmError(
        'InvalidResourceNamespace',
        `The resource namespace '${ns}' is invalid or not served by openmi.`,
      );
    return wire(prefix, found[0], found[1]);
  };
  const read = 'Microsoft.Resources/subscriptions/providers/read';
  const common = { resourceType: 'Microsoft.Resources/providers', apiVersions: RESOURCES_API_VERSIONS };
  return [
    // Tenant-level provider listings are public metadata in Azure: any signed-in principal may read them.
    {
      ...common,
      pattern: '/providers',
      methods: {
        GET: { action: read, everyone: true, handle: async () => ({ status: 200, body: { value: list('') } }) },
      },
    },
    {
      ...common,
      pattern: '/providers/{namespace}',
      methods: {
        GET: {
          action: read,
          everyone: true,
          handle: async (c) => ({ status: 200, body: one('', c.params['namespace']!) }),
        },
      },
    },
    {
      ...common,
      pattern: '/subscriptions/{subscriptionId}/providers',
      methods: {
        GET: {
          action: read,
          handle: async (c) => ({ status: 200, body: { value: list(`/subscriptions/${c.params['subscriptionId']}`) } }),
        },
      },
    },
    {
      ...common,
      pattern: '/subscriptions/{subscriptionId}/providers/{namespace}',
      methods: {
        GET: {
          action: read,
          handle: async (c) => ({
            status: 200,
            body: one(`/subscriptions/${c.params['subscriptionId']}`, c.params['namespace']!),
          }),
        },
      },
    },
  ];
}
