import type { ResourceGroupRecord } from '../../../../store/records.js';
import { isDomainError } from '../../../../kernel/errors.js';
import type { Authorizer } from '../../../rbac/authorizer.js';
import { listReadableGroups } from '../../../resources/resource-group-listing.js';
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

const forbidden = (c: ArmCall, reason: string) =>
  new ArmError(
    'AuthorizationFailed',
    `The client '${c.caller!.appId}' with object id '${c.caller!.objectId}' does not have authorization to perform action '${ACTION}/read' over scope '${c.ctx.path}' or the scope is invalid, nor on any resource group in it. If access was recently granted, please refresh your credentials. (${reason})`,
  );

/** The groups the caller may read one by one; a caller who may read none, or a missing subscription, is refused. */
async function readableGroups(groups: ResourceGroupService, authorizer: Authorizer, c: ArmCall, reason: string) {
  const [limit, after] = [readTop(c.ctx, 100, 1000), readSkipToken(c.ctx)];
  const p = await listReadableGroups({
    list: (n, from) => groups.list(sub(c), n, from),
    canRead: async (rg) => (await authorizer.check(c.caller!.objectId, `${ACTION}/read`, rg.id)).allowed,
    limit,
    after,
  }).catch((err: unknown) => {
    if (isDomainError(err) && err.kind === 'not_found') return undefined;
    throw err;
  });
  // Without read here a 404 would tell the caller which subscriptions exist: same refusal as before.
  if (p === undefined || (after === undefined && p.items.length === 0 && p.next === undefined))
    throw forbidden(c, reason);
  return p;
}

/**
 * The list, cut to what the caller may read: read on the subscription lists every group; read on
 * some groups lists those, as Azure filters list results by the caller's access
 * (https://learn.microsoft.com/azure/role-based-access-control/overview#how-azure-rbac-determines-if-a-user-has-access-to-a-resource).
 */
async function list(groups: ResourceGroupService, authorizer: Authorizer, baseUrl: string, c: ArmCall) {
  if (c.ctx.query.has('$filter'))
    throw new ArmError(
      'InvalidFilterParameter',
      'Filtering resource groups ($filter) is not supported by openmi; list without $filter and filter on the client.',
    );
  const whole = await authorizer.check(c.caller!.objectId, `${ACTION}/read`, c.ctx.path);
  const p = whole.allowed
    ? await groups.list(sub(c), readTop(c.ctx, 100, 1000), readSkipToken(c.ctx))
    : await readableGroups(groups, authorizer, c, whole.reason);
  return { status: 200, body: page(p.items.map(resourceGroupWire), nextLink(baseUrl, c.ctx, p.next)) };
}

const sub = (c: ArmCall) => c.params['subscriptionId']!;

/** Resource groups: PUT / GET / HEAD / PATCH / DELETE and list with paging. */
export function resourceGroupRoutes(groups: ResourceGroupService, authorizer: Authorizer, baseUrl: string): ArmRoute[] {
  const name = (c: ArmCall) => c.params['resourceGroupName']!;
  return [
    {
      pattern: '/subscriptions/{subscriptionId}/resourceGroups',
      resourceType: TYPE,
      apiVersions: RESOURCES_API_VERSIONS,
      methods: {
        GET: { action: `${ACTION}/read`, everyone: true, handle: (c) => list(groups, authorizer, baseUrl, c) },
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
