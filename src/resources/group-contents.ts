import type { ChangeBatch } from '../activity-log/changes-batch.js';
import { deleteIdentityCascade } from '../identities/user-assigned.js';
import type { ResourceGroupRecord } from '../store/records.js';
import type { StoreRepos } from '../store/store.js';
import { deleteComputeCascade } from './compute.js';

/**
 * Deleting a resource group deletes what is in it (ARM semantics): compute resources first (their
 * system-assigned identities go with them), then user-assigned identities, then role
 * assignments made at or below the group's scope.
 */
export async function deleteGroupContents(tx: StoreRepos, batch: ChangeBatch, rg: ResourceGroupRecord): Promise<void> {
  const where = { subscriptionId: rg.subscriptionId, resourceGroup: rg.name };
  for (let p = await tx.computeResources.list(where, 500); ; p = await tx.computeResources.list(where, 500, p.next)) {
    for (const r of p.items) await deleteComputeCascade(tx, batch, r);
    if (!p.next) break;
  }
  for (let p = await tx.identities.list(where, 500); ; p = await tx.identities.list(where, 500, p.next)) {
    for (const i of p.items) await deleteIdentityCascade(tx, batch, i);
    if (!p.next) break;
  }
  for (const ra of await tx.roleAssignments.listAtOrBelow(rg.id)) {
    await tx.roleAssignments.delete(ra.id);
    batch.add('Microsoft.Authorization/roleAssignments/delete', ra.id, { reason: 'resource group deleted', principalId: ra.principalId, scope: ra.scope });
  }
}
