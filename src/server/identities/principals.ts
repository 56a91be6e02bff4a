import type { ChangeBatch } from '../audit/changes-batch.js';
import type { Clock } from '../../kernel/clock.js';
import type { Random } from '../../kernel/ids.js';
import type { PrincipalRecord } from '../../store/records.js';
import type { StoreRepos } from '../../store/store.js';
import { removeMemberships } from './memberships.js';

/** Creates the service principal behind a managed identity (no application object, as in Entra). */
export async function createIdentityPrincipal(
  tx: StoreRepos,
  clock: Clock,
  random: Random,
  tenantId: string,
  resourceId: string,
  displayName: string,
): Promise<PrincipalRecord> {
  const p: PrincipalRecord = {
    objectId: random.uuid(),
    appId: random.uuid(),
    tenantId,
    displayName,
    kind: 'managedIdentity',
    resourceId,
    createdAt: clock.now(),
  };
  await tx.principals.create(p);
  return p;
}

/**
 * An identity is going away (user-assigned deleted, system-assigned disabled, its resource
 * deleted). Azure leaves its role assignments behind, orphaned; openmi deletes them in the same
 * transaction and adds each removal to the batch (recorded once the transaction commits), so
 * nothing orphaned keeps power and the activity log shows what the deletion took away
 * (docs/identity-lifecycle.md). Its group memberships go the same way (docs/groups.md).
 *
 * The same transaction revokes every token the identity holds: its tokens live for hours, and a
 * verifier that only found its role assignments gone would answer 403 (authenticated, not
 * allowed) for the rest of their lifetime. Revoked, they are refused with 401 by every verifier
 * (tokens/revocation-check.ts), and the gate learns it from the revocations list. The change
 * carrying `principalId` reaches the InvalidationHub, so this node's RevocationCache sees it on
 * the very next request.
 */
export async function retireIdentityPrincipal(tx: StoreRepos, batch: ChangeBatch, principalId: string): Promise<void> {
  await tx.tokenRevocations.put({ principalId, revokedAt: batch.now(), revokedBy: batch.actor.principalId });
  for (const ra of await tx.roleAssignments.listForPrincipal(principalId)) {
    await tx.roleAssignments.delete(ra.id);
    batch.add('Microsoft.Authorization/roleAssignments/delete', ra.id, {
      reason: 'identity deleted',
      principalId,
      roleDefinitionId: ra.roleDefinitionId,
      scope: ra.scope,
    });
  }
  await removeMemberships(tx, batch, principalId);
  await tx.principals.delete(principalId);
}
