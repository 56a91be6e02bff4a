import type { RbacAuthorizer } from '../../../rbac/rbac-authorizer.js';
import { OPENMI_API_VERSIONS } from '../api-versions.js';
import { ArmError } from '../arm-errors.js';
import { bodyObject, type ArmCall, type ArmRoute } from '../router.js';
import { CHECK_ACCESS_PATH, type CheckAccessWire } from '../../../../wire/authorization.js';

interface CheckInput {
  principalId: string;
  operation: string;
  kind: 'action' | 'dataAction';
  scope: string;
  recordUsage: boolean;
}

function input(c: ArmCall): CheckInput {
  const b = bodyObject(
    c,
    '{"principalId":"…","dataAction":"Microsoft.KeyVault/vaults/secrets/getSecret/action","scope":"/subscriptions/…"}',
  );
  const str = (k: string) => (typeof b[k] === 'string' && b[k] !== '' ? (b[k] as string) : undefined);
  const principalId = str('principalId');
  const scope = str('scope');
  const action = str('action');
  const dataAction = str('dataAction');
  if (!principalId || !scope || !scope.startsWith('/') || (action === undefined) === (dataAction === undefined)) {
    throw new ArmError(
      'InvalidRequestContent',
      'Send {"principalId", "scope" (a resource id or scope starting with /) and exactly one of "action" or "dataAction"}.',
    );
  }
  return {
    principalId,
    scope,
    operation: (action ?? dataAction)!,
    kind: action !== undefined ? 'action' : 'dataAction',
    recordUsage: b['recordUsage'] === true,
  };
}

/**
 * checkAccess: the decision RBAC would make for a principal, an operation and a scope, with its
 * explanation and every assignment considered — for resources that live outside the server
 * (openmi gate, users' own services) and for `openmi role explain`. Asking about someone's
 * access reveals their assignments, so the caller needs roleAssignments/read at that scope.
 */
export function checkAccessRoutes(authorizer: RbacAuthorizer): ArmRoute[] {
  return [
    {
      pattern: CHECK_ACCESS_PATH,
      resourceType: 'OpenMI.Authorization/checkAccess',
      apiVersions: OPENMI_API_VERSIONS,
      methods: {
        POST: {
          action: 'Microsoft.Authorization/roleAssignments/read',
          everyone: true,
          handle: async (c) => {
            const i = input(c);
            const own = await authorizer.check(
              c.caller!.objectId,
              'Microsoft.Authorization/roleAssignments/read',
              i.scope,
            );
            if (!own.allowed) {
              throw new ArmError(
                'AuthorizationFailed',
                `The client with object id '${c.caller!.objectId}' may not read role assignments at '${i.scope}', so it cannot check another principal's access there. (${own.reason})`,
              );
            }
            // The gate's questions decide real requests and count as usage; `role explain`'s do not.
            const ask = i.recordUsage ? authorizer.decide.bind(authorizer) : authorizer.explain.bind(authorizer);
            const e = await ask(i.principalId, i.operation, i.scope, i.kind);
            const asked = i.kind === 'action' ? { action: i.operation } : { dataAction: i.operation };
            const body: CheckAccessWire = {
              allowed: e.allowed,
              reason: e.reason,
              principalId: i.principalId,
              ...asked,
              scope: i.scope,
              considered: e.considered,
            };
            return { status: 200, body };
          },
        },
      },
    },
  ];
}
