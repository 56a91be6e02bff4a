import type { ChangeBatch } from '../audit/changes-batch.js';
import type { StoreRepos } from '../../store/store.js';

/**
 * Deletes the role assignments made at `scope` or below it (a vault's secrets, a storage
 * account's containers, …), each recorded in the batch. A deleted resource takes them with it:
 * otherwise a resource of the same name, created later by someone else, would inherit who may use
 * it from the one before.
 */
export async function removeAssignmentsAtOrBelow(
  tx: StoreRepos,
  batch: ChangeBatch,
  scope: string,
  reason: string,
): Promise<void> {
  for (const ra of await tx.roleAssignments.listAtOrBelow(scope)) {
    await tx.roleAssignments.delete(ra.id);
    batch.add('Microsoft.Authorization/roleAssignments/delete', ra.id, {
      reason,
      principalId: ra.principalId,
      roleDefinitionId: ra.roleDefinitionId,
      scope: ra.scope,
    });
  }
}
