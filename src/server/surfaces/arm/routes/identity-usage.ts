import { identityImpact, unusedIdentities } from '../../../audit/usage-impact.js';
import { identityUsage } from '../../../audit/usage.js';
import { membershipImpact } from '../../../directory/membership-impact.js';
import type { Clock } from '../../../../kernel/clock.js';
import type { Store } from '../../../../store/store.js';
import { UAI_TYPE, type UserAssignedIdentityService } from '../../../identities/user-assigned.js';
import { OPENMI_API_VERSIONS } from '../api-versions.js';
import { ArmError } from '../arm-errors.js';
import type { ArmCall, ArmRoute } from '../router.js';

const NS = 'OpenMI.Audit';
const IDENTITY =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{resourceName}';

export interface IdentityUsageRouteDeps {
  store: Store;
  clock: Clock;
  identities: UserAssignedIdentityService;
}

const identityOf = (d: IdentityUsageRouteDeps, c: ArmCall) =>
  d.identities.get({
    subscriptionId: c.params['subscriptionId']!,
    resourceGroup: c.params['resourceGroupName']!,
    name: c.params['resourceName']!,
  });

function days(c: ArmCall): number {
  const raw = c.ctx.query.get('days');
  const n = Number(raw);
  if (raw === null || !/^\d+$/.test(raw) || n < 1)
    throw new ArmError('InvalidParameter', `days must be a positive whole number of days, not '${raw ?? ''}'.`, 'days');
  return n;
}

/**
 * A resource's system-assigned identity leaving group `groupId` (docs/groups.md); removing one of
 * its role assignments is the assignment's own impact route (routes/assignment-impact.ts).
 */
async function systemImpact(d: IdentityUsageRouteDeps, c: ArmCall) {
  const scope = c.params['scope']!;
  const group = c.ctx.query.get('groupId');
  if (!group)
    throw new ArmError(
      'InvalidParameter',
      'groupId is required: the group the identity would leave. For a role assignment, ask GET {assignment id}/providers/OpenMI.Audit/impact.',
      'groupId',
    );
  const r = await d.store.computeResources.get(scope);
  if (!r?.systemPrincipalId)
    throw new ArmError(
      'ResourceNotFound',
      `The resource '${scope}' does not exist or has no system-assigned identity.`,
    );
  const identity = { id: r.id, name: r.name, principalId: r.systemPrincipalId };
  return { status: 200, body: await membershipImpact(d.store, identity, group) };
}

/** Per-identity usage (resources, role assignments, federated credentials, token use), unused identities and deletion impact. */
export function identityUsageRoutes(d: IdentityUsageRouteDeps): ArmRoute[] {
  const common = { apiVersions: OPENMI_API_VERSIONS };
  const read = `${UAI_TYPE}/read`;
  const usage = async (c: ArmCall) => ({ status: 200, body: await identityUsage(d.store, await identityOf(d, c)) });
  const impact = async (c: ArmCall) => {
    const ra = c.ctx.query.get('roleAssignmentId') ?? undefined;
    const group = c.ctx.query.get('groupId');
    if (group) return { status: 200, body: await membershipImpact(d.store, await identityOf(d, c), group) };
    return { status: 200, body: await identityImpact(d.store, await identityOf(d, c), ra || undefined) };
  };
  const unused = async (c: ArmCall) => {
    const value = await unusedIdentities(d.store, d.clock, c.params['subscriptionId']!, days(c));
    return { status: 200, body: { value } };
  };
  return [
    {
      ...common,
      resourceType: `${NS}/usage`,
      pattern: `${IDENTITY}/providers/${NS}/usage`,
      methods: { GET: { action: read, handle: usage } },
    },
    {
      ...common,
      resourceType: `${NS}/impact`,
      pattern: `${IDENTITY}/providers/${NS}/impact`,
      methods: { GET: { action: read, handle: impact } },
    },
    {
      ...common,
      resourceType: `${NS}/impact`,
      pattern: `{*scope}/providers/Microsoft.ManagedIdentity/identities/default/providers/${NS}/impact`,
      methods: { GET: { action: 'Microsoft.ManagedIdentity/identities/read', handle: (c) => systemImpact(d, c) } },
    },
    {
      ...common,
      resourceType: `${NS}/unusedIdentities`,
      pattern: `/subscriptions/{subscriptionId}/providers/${NS}/unusedIdentities`,
      methods: { GET: { action: read, handle: unused } },
    },
  ];
}
