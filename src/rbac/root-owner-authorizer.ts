import type { Store } from '../store/store.js';
import type { AccessDecision, Authorizer } from './authorizer.js';

export const OWNER_ROLE_ID = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';

/**
 * Interim policy until full RBAC evaluation lands (issue D): only principals holding Owner at
 * the root scope `/` may do anything. Reads assignments on every call, so a removal applies to
 * the very next request.
 */
export class RootOwnerAuthorizer implements Authorizer {
  constructor(private readonly store: Store) {}

  async check(principalId: string, action: string, scope: string): Promise<AccessDecision> {
    const assignments = await this.store.roleAssignments.listForPrincipal(principalId);
    const owner = assignments.find((a) => a.scope === '/' && a.roleDefinitionId.toLowerCase().endsWith(`/${OWNER_ROLE_ID}`));
    if (owner) return { allowed: true, reason: `allowed by assignment ${owner.name} (role Owner) at scope /` };
    return { allowed: false, reason: `denied: no assignment grants ${action} at or above ${scope}; only Owner at / is honoured until RBAC evaluation is enabled` };
  }
}
