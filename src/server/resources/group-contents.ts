import type { Actor } from '../audit/changes.js';
import { changeInTransaction, type ChangeBatch, type ChangeSink } from '../audit/changes-batch.js';
import type { ResourceGroupRecord } from '../../store/records.js';
import type { StoreRepos } from '../../store/store.js';
import { kindOf, RESOURCE_KINDS } from './resource-kinds.js';
import { removeAssignmentsAtOrBelow } from '../resource-base/scope-assignments.js';

/**
 * Deleting a resource group deletes what is in it (ARM semantics): every resource of every kind,
 * each with what hangs off it (a vault's secrets, an account's blobs, a resource's system-assigned
 * identity, agents and join tokens, an identity's federated credentials), then the role
 * assignments left at or below the group's scope. Nothing of it may survive: a group created
 * later under the same name must start empty.
 */
export async function deleteGroupContents(tx: StoreRepos, batch: ChangeBatch, rg: ResourceGroupRecord): Promise<void> {
  const where = { subscriptionId: rg.subscriptionId, resourceGroup: rg.name };
  for (const kind of RESOURCE_KINDS) {
    // Deleting as we go: keyset paging continues after the last key, so no row is skipped.
    for (let p = await kind.list(tx, where, 500); ; p = await kind.list(tx, where, 500, p.next)) {
      for (const r of p.items) await kind.delete(tx, batch, r.id);
      if (!p.next) break;
    }
  }
  await removeAssignmentsAtOrBelow(tx, batch, rg.id, 'resource group deleted');
}

/** Deletes one resource of any served type with its dependents, in one transaction. False when absent. */
export async function deleteResource(sink: ChangeSink, actor: Actor, type: string, id: string): Promise<boolean> {
  const kind = kindOf(type);
  if (!kind)
    throw new Error(`No resource kind serves '${type}': add it to RESOURCE_KINDS (resources/resource-kinds.ts).`);
  return changeInTransaction(sink, actor, (tx, batch) => kind.delete(tx, batch, id));
}
