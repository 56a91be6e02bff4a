import { parseDefinitionFilter } from '../../../rbac/filters.js';
import type { RoleDefinitionService } from '../../../rbac/role-definitions.js';
import { ROLE_DEFINITIONS } from '../../../rbac/scopes.js';
import type { Authorizer } from '../../../rbac/authorizer.js';
import { ROLE_DEFINITION_API_VERSIONS } from '../api-versions.js';
import { actorOf, type ArmCall, type ArmResult, type ArmRoute } from '../router.js';
import { definitionWire, pageOf, propertiesOf, scopesAccessCheck } from './authorization-wire.js';

export interface RoleDefinitionRouteDeps {
  definitions: RoleDefinitionService;
  authorizer: Authorizer;
  baseUrl: string;
  /** Items per list page; tests lower it to exercise nextLink. */
  pageSize?: number;
}

const EXAMPLE =
  '{"properties":{"roleName":"…","permissions":[{"actions":["*/read"]}],"assignableScopes":["/subscriptions/{id}"]}}';
const scopeOf = (c: ArmCall) => c.params['scope']!;
const idOf = (c: ArmCall) => c.params['roleDefinitionId']!;

async function list(d: RoleDefinitionRouteDeps, c: ArmCall): Promise<ArmResult> {
  const found = await d.definitions.list(scopeOf(c), parseDefinitionFilter(c.ctx.query.get('$filter')));
  return {
    status: 200,
    body: pageOf(
      d.baseUrl,
      c,
      found.map((r) => definitionWire(scopeOf(c), r)),
      d.pageSize ?? 1000,
    ),
  };
}

async function put(d: RoleDefinitionRouteDeps, c: ArmCall): Promise<ArmResult> {
  const { definition } = await d.definitions.put(
    scopeOf(c),
    idOf(c),
    propertiesOf(c, EXAMPLE),
    actorOf(c),
    scopesAccessCheck(d.authorizer, c),
  );
  // 201 for updates too: Azure answers so, and arm-authorization's createOrUpdate accepts nothing else.
  return { status: 201, body: definitionWire(scopeOf(c), definition) };
}

async function remove(d: RoleDefinitionRouteDeps, c: ArmCall): Promise<ArmResult> {
  const gone = await d.definitions.delete(scopeOf(c), idOf(c), actorOf(c), scopesAccessCheck(d.authorizer, c));
  return gone ? { status: 200, body: definitionWire(scopeOf(c), gone) } : { status: 204 };
}

/**
 * Microsoft.Authorization/roleDefinitions at any scope (https://learn.microsoft.com/azure/role-based-access-control/role-definitions). GetById is the same path
 * (`/subscriptions/{s}/providers/…/{guid}` or the tenant-level `/providers/…/{guid}`).
 */
export function roleDefinitionRoutes(d: RoleDefinitionRouteDeps): ArmRoute[] {
  const common = { resourceType: ROLE_DEFINITIONS, apiVersions: ROLE_DEFINITION_API_VERSIONS };
  return [
    {
      ...common,
      pattern: `{*scope}/providers/${ROLE_DEFINITIONS}`,
      methods: { GET: { action: `${ROLE_DEFINITIONS}/read`, handle: (c) => list(d, c) } },
    },
    {
      ...common,
      pattern: `{*scope}/providers/${ROLE_DEFINITIONS}/{roleDefinitionId}`,
      methods: {
        GET: {
          action: `${ROLE_DEFINITIONS}/read`,
          handle: async (c) => ({
            status: 200,
            body: definitionWire(scopeOf(c), await d.definitions.get(scopeOf(c), idOf(c))),
          }),
        },
        PUT: { action: `${ROLE_DEFINITIONS}/write`, handle: (c) => put(d, c) },
        DELETE: { action: `${ROLE_DEFINITIONS}/delete`, handle: (c) => remove(d, c) },
      },
    },
  ];
}
