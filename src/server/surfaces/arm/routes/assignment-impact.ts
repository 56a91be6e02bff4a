import { assignmentImpact } from '../../../directory/assignment-impact.js';
import type { RoleCatalog } from '../../../rbac/roles.js';
import { ROLE_ASSIGNMENTS } from '../../../rbac/role-assignments.js';
import type { Store } from '../../../../store/store.js';
import { OPENMI_API_VERSIONS } from '../api-versions.js';
import type { ArmRoute } from '../router.js';

/**
 * `GET {scope}/providers/Microsoft.Authorization/roleAssignments/{name}/providers/OpenMI.Audit/impact`:
 * what every principal the assignment reaches (a group's transitive members) would lose if it were
 * removed (docs/groups.md). Reading it needs what reading the assignment needs, at its scope.
 */
export function assignmentImpactRoutes(d: { store: Store; catalog: RoleCatalog }): ArmRoute[] {
  return [
    {
      resourceType: 'OpenMI.Audit/impact',
      apiVersions: OPENMI_API_VERSIONS,
      pattern: `{*scope}/providers/${ROLE_ASSIGNMENTS}/{roleAssignmentName}/providers/OpenMI.Audit/impact`,
      methods: {
        GET: {
          action: `${ROLE_ASSIGNMENTS}/read`,
          handle: async (c) => ({
            status: 200,
            body: await assignmentImpact(d.store, d.catalog, c.params['scope']!, c.params['roleAssignmentName']!),
          }),
        },
      },
    },
  ];
}
