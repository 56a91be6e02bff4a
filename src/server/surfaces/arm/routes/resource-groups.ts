import type { ResourceGroupRecord } from '../../../../store/records.js';
import type { ResourceGroupService, ResourceGroupInput } from '../../../resources/resource-groups.js';
import { RESOURCES_API_VERSIONS } from '../api-versions.js';
import { ArmError } from '../arm-errors.js';
import { nextLink, page, readSkipToken, readTop } from '../paging.js';
import { actorOf, type ArmCall, type ArmRoute } from '../router.js';
import type { ResourceGroupWire } from '../../../../wire/resources.js';

const TYPE = 'Microsoft.Resources/resourceGroups';
const ACTION = 'Microsoft.Resources/subscriptions/resourceGroups';

export const resourceGroupWire = (rg: ResourceGroupRecord): ResourceGroupWire => ({
  id: rg.id,
  name: rg.name,
  type: TYPE,
  location: rg.location,
  ...(rg.managedBy ? { managedBy: rg.managedBy } : {}),
  tags: rg.tags,
  properties: { provisioningState: 'Succeeded' },
});

function bodyObject(call: ArmCall): ResourceGroupInput {
  const b = call.body;
  if (b === undefined)
    throw new ArmError(
      'InvalidRequestContent',
      'The request content was empty. Send a JSON object such as {"location":"local"}.',
    );
  if (typeof b !== 'object' || b === null || Array.isArray(b))
    throw new ArmError('InvalidRequestContent', 'The request content must be a JSON object.');
  return b as ResourceGroupInput;
}

/** Resource groups: PUT / GET / HEAD / PATCH / DELETE and list with paging. */
export function resourceGroupRoutes(groups: ResourceGroupService, baseUrl: string): ArmRoute[] {
  const sub = (c: ArmCall) => c.params['subscriptionId']!;
  const name = (c: ArmCall) => c.params['resourceGroupName']!;
  return [
    {
      pattern: '/subscriptions/{subscriptionId}/resourceGroups',
      resourceType: TYPE,
      apiVersions: RESOURCES_API_VERSIONS,
      methods: {
        GET: {
          action: `${ACTION}/read`,
          handle: async (c) => {
            if (c.ctx.query.has('$filter'))
              throw new ArmError(
                'InvalidFilterParameter',
                'Filtering resource groups ($filter) is not supported by openmi; list without $filter and filter on the client.',
              );
            const p = await groups.list(sub(c), readTop(c.ctx, 100, 1000), readSkipToken(c.ctx));
            return { status: 200, body: page(p.items.map(resourceGroupWire), nextLink(baseUrl, c.ctx, p.next)) };
          },
        },
      },
    },
    {
      pattern: '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}',
      resourceType: TYPE,
      apiVersions: RESOURCES_API_VERSIONS,
      methods: {
        GET: {
          action: `${ACTION}/read`,
          handle: async (c) => ({ status: 200, body: resourceGroupWire(await groups.get(sub(c), name(c))) }),
        },
        HEAD: {
          action: `${ACTION}/read`,
          handle: async (c) => {
            await groups.requireSubscription(sub(c));
            try {
              await groups.get(sub(c), name(c));
              return { status: 204 };
            } catch {
              return { status: 404 };
            }
          },
        },
        PUT: {
          action: `${ACTION}/write`,
          handle: async (c) => {
            const { rg, created } = await groups.put(sub(c), name(c), bodyObject(c), actorOf(c));
            return { status: created ? 201 : 200, body: resourceGroupWire(rg) };
          },
        },
        PATCH: {
          action: `${ACTION}/write`,
          handle: async (c) => ({
            status: 200,
            body: resourceGroupWire(await groups.patch(sub(c), name(c), bodyObject(c), actorOf(c))),
          }),
        },
        DELETE: {
          action: `${ACTION}/delete`,
          handle: async (c) => ({ status: (await groups.delete(sub(c), name(c), actorOf(c))) ? 200 : 204 }),
        },
      },
    },
  ];
}
