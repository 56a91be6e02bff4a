import type { RoleDefinition } from '../../../rbac/roles.js';
import type { Authorizer } from '../../../rbac/authorizer.js';
import type { RoleAssignmentRecord } from '../../../../store/records.js';
import type { ScopesAccessCheck } from '../../../rbac/role-definitions.js';
import { ROLE_ASSIGNMENTS } from '../../../rbac/role-assignments.js';
import { ROLE_DEFINITIONS, roleDefinitionIdAt } from '../../../rbac/scopes.js';
import { ArmError } from '../arm-errors.js';
import { nextLink, page, readSkipToken } from '../paging.js';
import type { ArmCall } from '../router.js';
import type { RoleAssignmentWire, RoleDefinitionWire } from '../../../../wire/authorization.js';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** A role assignment as ARM returns it (docs/wire/arm.md). */
export const assignmentWire = (ra: RoleAssignmentRecord): RoleAssignmentWire => ({
  id: ra.id,
  name: ra.name,
  type: ROLE_ASSIGNMENTS,
  properties: {
    roleDefinitionId: ra.roleDefinitionId,
    principalId: ra.principalId,
    principalType: ra.principalType,
    scope: ra.scope,
    condition: ra.condition ?? null,
    conditionVersion: ra.conditionVersion ?? null,
    description: ra.description,
    createdOn: iso(ra.createdAt),
    updatedOn: iso(ra.updatedAt),
    createdBy: ra.createdBy,
    updatedBy: ra.updatedBy ?? ra.createdBy,
    delegatedManagedIdentityResourceId: null,
  },
});

/** A role definition as ARM returns it at a scope: its id sits under the scope's subscription (docs/wire/arm.md). */
export const definitionWire = (scope: string, r: RoleDefinition): RoleDefinitionWire => ({
  id: roleDefinitionIdAt(scope, r.id),
  name: r.id,
  type: ROLE_DEFINITIONS,
  properties: {
    roleName: r.roleName,
    type: r.type,
    description: r.description,
    assignableScopes: r.assignableScopes,
    permissions: r.permissions.map((p) => ({
      actions: p.actions,
      notActions: p.notActions,
      dataActions: p.dataActions,
      notDataActions: p.notDataActions,
    })),
    createdOn: iso(r.createdAt),
    updatedOn: iso(r.updatedAt),
    createdBy: r.createdBy,
    updatedBy: r.updatedBy,
  },
});

/** One page of an in-memory list; the skip token is the offset of the next page. */
export function pageOf<T>(baseUrl: string, c: ArmCall, items: T[], size: number): { value: T[]; nextLink?: string } {
  const token = readSkipToken(c.ctx) ?? '0';
  const offset = Number(token);
  if (!/^\d+$/.test(token) || offset > items.length) {
    throw new ArmError(
      'InvalidParameter',
      'The $skiptoken is not valid. Follow the nextLink of the previous page as given.',
      '$skiptoken',
    );
  }
  const next = offset + size < items.length ? String(offset + size) : undefined;
  return page(items.slice(offset, offset + size), nextLink(baseUrl, c.ctx, next));
}

/** The caller must hold `action` at every scope too, as for linked resources (docs/wire/arm.md#errors). */
export function scopesAccessCheck(authorizer: Authorizer, c: ArmCall): ScopesAccessCheck {
  return async (action, scopes) => {
    const caller = c.caller!;
    for (const scope of new Set(scopes)) {
      const decision = await authorizer.check(caller.objectId, action, scope);
      if (decision.allowed) continue;
      throw new ArmError(
        'LinkedAuthorizationFailed',
        `The client '${caller.appId}' with object id '${caller.objectId}' has permission to perform action '${c.ctx.method}' on scope '${c.ctx.path}'; however, it does not have permission to perform action(s) '${action}' on the linked scope(s) '${scope}' or the linked scope(s) are invalid. (${decision.reason})`,
      );
    }
  };
}

/** `properties` of a request body, or InvalidRequestContent that says what to send. */
export function propertiesOf(c: ArmCall, example: string): Record<string, unknown> {
  const b = c.body;
  const props =
    typeof b === 'object' && b !== null && !Array.isArray(b) ? (b as Record<string, unknown>)['properties'] : undefined;
  if (typeof props !== 'object' || props === null || Array.isArray(props)) {
    throw new ArmError(
      'InvalidRequestContent',
      `The request content must be a JSON object with 'properties', e.g. ${example}.`,
    );
  }
  return props as Record<string, unknown>;
}
