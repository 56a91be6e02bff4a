import { parseAssignmentFilter } from '../../../rbac/filters.js';
import { ROLE_ASSIGNMENTS, type RoleAssignmentService } from '../../../rbac/role-assignments.js';
import { DENY_ASSIGNMENT_API_VERSIONS, ROLE_ASSIGNMENT_API_VERSIONS } from '../api-versions.js';
import { actorOf, type ArmCall, type ArmResult, type ArmRoute } from '../router.js';
import { assignmentWire, pageOf, propertiesOf } from './authorization-wire.js';

export interface RoleAssignmentRouteDeps {
  assignments: RoleAssignmentService;
  baseUrl: string;
  /** Items per list page; tests lower it to exercise nextLink. */
  pageSize?: number;
}

const EXAMPLE =
  '{"properties":{"roleDefinitionId":"/subscriptions/{id}/providers/Microsoft.Authorization/roleDefinitions/{guid}","principalId":"{objectId}"}}';
const scopeOf = (c: ArmCall) => c.params['scope']!;
const nameOf = (c: ArmCall) => c.params['roleAssignmentName']!;

async function list(d: RoleAssignmentRouteDeps, c: ArmCall): Promise<ArmResult> {
  const found = await d.assignments.list(scopeOf(c), parseAssignmentFilter(c.ctx.query.get('$filter')));
  return { status: 200, body: pageOf(d.baseUrl, c, found.map(assignmentWire), d.pageSize ?? 1000) };
}

async function put(d: RoleAssignmentRouteDeps, c: ArmCall): Promise<ArmResult> {
  const { assignment, created } = await d.assignments.put(scopeOf(c), nameOf(c), propertiesOf(c, EXAMPLE), actorOf(c));
  return { status: created ? 201 : 200, body: assignmentWire(assignment) };
}

async function remove(d: RoleAssignmentRouteDeps, c: ArmCall): Promise<ArmResult> {
  const gone = await d.assignments.delete(scopeOf(c), nameOf(c), actorOf(c));
  return gone ? { status: 200, body: assignmentWire(gone) } : { status: 204 };
}

/**
 * Microsoft.Authorization/roleAssignments at any scope (https://learn.microsoft.com/azure/role-based-access-control/role-assignments-rest). The by-id operations
 * (GetById, CreateById, DeleteById) are the same paths, so these routes serve them too.
 */
export function roleAssignmentRoutes(d: RoleAssignmentRouteDeps): ArmRoute[] {
  const common = { resourceType: ROLE_ASSIGNMENTS, apiVersions: ROLE_ASSIGNMENT_API_VERSIONS };
  return [
    {
      ...common,
      pattern: `{*scope}/providers/${ROLE_ASSIGNMENTS}`,
      methods: { GET: { action: `${ROLE_ASSIGNMENTS}/read`, handle: (c) => list(d, c) } },
    },
    {
      ...common,
      pattern: `{*scope}/providers/${ROLE_ASSIGNMENTS}/{roleAssignmentName}`,
      methods: {
        GET: {
          action: `${ROLE_ASSIGNMENTS}/read`,
          handle: async (c) => ({ status: 200, body: assignmentWire(await d.assignments.get(scopeOf(c), nameOf(c))) }),
        },
        PUT: { action: `${ROLE_ASSIGNMENTS}/write`, handle: (c) => put(d, c) },
        DELETE: { action: `${ROLE_ASSIGNMENTS}/delete`, handle: (c) => remove(d, c) },
      },
    },
    {
      resourceType: 'Microsoft.Authorization/denyAssignments',
      apiVersions: DENY_ASSIGNMENT_API_VERSIONS,
      pattern: '{*scope}/providers/Microsoft.Authorization/denyAssignments',
      // openmi creates no deny assignments; the list exists so tools that query it do not fail (docs/wire/arm.md).
      methods: {
        GET: {
          action: 'Microsoft.Authorization/denyAssignments/read',
          handle: async () => ({ status: 200, body: { value: [] } }),
        },
      },
    },
  ];
}
