import type { Clock } from '../../../../kernel/clock.js';
import type { Random } from '../../../../kernel/ids.js';
import type { ChangeRecorder } from '../../../audit/changes.js';
import { applyAccessReview } from '../../../rbac/access-apply.js';
import type { Authorizer } from '../../../rbac/authorizer.js';
import { groupAccessReview } from '../../../rbac/group-access-review.js';
import type { Store } from '../../../../store/store.js';
import { accessReview, type ReviewSubject } from '../../../rbac/access-review.js';
import { UAI_TYPE } from '../../../identities/user-assigned.js';
import type { RoleCatalog } from '../../../rbac/roles.js';
import { OPENMI_API_VERSIONS } from '../api-versions.js';
import { ArmError } from '../arm-errors.js';
import { actorOf, type ArmCall, type ArmRoute } from '../router.js';
import { scopesAccessCheck } from './authorization-wire.js';

export interface AccessReviewRouteDeps {
  store: Store;
  catalog: RoleCatalog;
  clock: Clock;
  random: Random;
  recorder: ChangeRecorder;
  authorizer: Authorizer;
}

const lastSegment = (id: string): string => id.slice(id.lastIndexOf('/') + 1);

/** A user-assigned identity's id, or a resource id for its system-assigned identity. */
async function subjectOf(store: Store, scope: string): Promise<ReviewSubject> {
  if (scope.toLowerCase().includes(`/providers/${UAI_TYPE.toLowerCase()}/`)) {
    const i = await store.identities.get(scope);
    if (i) return { id: i.id, name: i.name, principalId: i.principalId };
    throw new ArmError('ResourceNotFound', `The user-assigned identity '${scope}' was not found.`);
  }
  const r = await store.computeResources.get(scope);
  if (r?.systemPrincipalId) return { id: r.id, name: lastSegment(r.id), principalId: r.systemPrincipalId };
  throw new ArmError(
    'ResourceNotFound',
    `'${scope}' is neither a user-assigned identity nor a resource with a system-assigned identity. Name one of them.`,
  );
}

function dryRun(c: ArmCall): boolean {
  const raw = (c.ctx.query.get('dryRun') ?? 'false').toLowerCase();
  if (raw !== 'true' && raw !== 'false')
    throw new ArmError('InvalidParameter', `dryRun must be 'true' or 'false', not '${raw}'.`, 'dryRun');
  return raw === 'true';
}

function days(c: ArmCall): number {
  const raw = c.ctx.query.get('days') ?? '30';
  if (!/^\d{1,5}$/.test(raw))
    throw new ArmError('InvalidParameter', `days must be a whole number of days, not '${raw}'.`, 'days');
  return Number(raw);
}

/**
 * `GET {identityId or resourceId}/providers/OpenMI.Audit/accessReview?days=N` (docs/audit.md):
 * what the identity used of its permissions. It reveals the identity's role assignments, so it
 * needs what reading them needs.
 */
export function accessReviewRoutes(d: AccessReviewRouteDeps): ArmRoute[] {
  return [
    {
      // A group's assignments may be anywhere in the tenant: reading them all needs the root.
      pattern: '/providers/OpenMI.Audit/groupAccessReviews/{groupId}',
      resourceType: 'OpenMI.Audit/groupAccessReviews',
      apiVersions: OPENMI_API_VERSIONS,
      methods: {
        GET: {
          action: 'Microsoft.Authorization/roleAssignments/read',
          handle: async (c) => ({
            status: 200,
            body: await groupAccessReview(d.store, d.catalog, d.clock, c.params['groupId']!, days(c)),
          }),
        },
      },
    },
    {
      pattern: '{*scope}/providers/OpenMI.Audit/accessReview',
      resourceType: 'OpenMI.Audit/accessReview',
      apiVersions: OPENMI_API_VERSIONS,
      methods: {
        GET: {
          action: 'Microsoft.Authorization/roleAssignments/read',
          handle: async (c) => {
            const subject = await subjectOf(d.store, c.params['scope']!);
            return { status: 200, body: await accessReview(d.store, d.catalog, d.clock, subject, days(c)) };
          },
        },
      },
    },
    {
      // Apply (docs/audit.md, applying a review): the route needs roleAssignments/write on the
      // identity; the handler checks each scope the plan writes before writing anything.
      pattern: '{*scope}/providers/OpenMI.Audit/accessReview/apply',
      resourceType: 'OpenMI.Audit/accessReview',
      apiVersions: OPENMI_API_VERSIONS,
      methods: {
        POST: {
          action: 'Microsoft.Authorization/roleAssignments/write',
          handle: async (c) => {
            const subject = await subjectOf(d.store, c.params['scope']!);
            const access = scopesAccessCheck(d.authorizer, c);
            const plan = await applyAccessReview(d, subject, days(c), actorOf(c), access, dryRun(c));
            return { status: 200, body: plan };
          },
        },
      },
    },
  ];
}
