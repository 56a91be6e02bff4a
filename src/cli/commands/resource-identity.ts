import { Command } from 'commander';
import { nameOf } from '../arm-paths.js';
import { clientFor } from '../command-kit.js';
import {
  assignIdentities,
  hasSystemAssigned,
  removeIdentities,
  resolveUserAssignedId,
  type IdentityBlock,
  type IdentityChange,
  type IdentityPatch,
} from '../identity-block.js';
import { print, type Column } from '../output.js';
import type { ComputeResourceWire } from '../../wire/resources.js';
import { resourceLeaf, resourceUrl, type ResourceTarget } from '../resource-target.js';

interface Options extends ResourceTarget {
  systemAssigned?: boolean;
  userAssigned?: string[];
}

/** One table row per identity the resource holds. */
interface IdentityRow {
  kind: 'SystemAssigned' | 'UserAssigned';
  name: string;
  principalId?: string | undefined;
  clientId?: string | undefined;
  tenantId?: string | undefined;
}

const COLUMNS: Column<IdentityRow>[] = [
  { header: 'kind', get: (r) => r.kind },
  { header: 'name', get: (r) => r.name },
  { header: 'principalId', get: (r) => r.principalId },
  { header: 'clientId', get: (r) => r.clientId },
  { header: 'tenantId', get: (r) => r.tenantId },
];

export function identityRows(block: IdentityBlock | undefined): IdentityRow[] {
  const rows: IdentityRow[] = [];
  if (hasSystemAssigned(block))
    rows.push({ kind: 'SystemAssigned', name: '(system)', principalId: block?.principalId, tenantId: block?.tenantId });
  for (const [id, v] of Object.entries(block?.userAssignedIdentities ?? {})) {
    if (v !== null)
      rows.push({ kind: 'UserAssigned', name: nameOf(id), principalId: v.principalId, clientId: v.clientId });
  }
  return rows;
}

type Compute = (current: IdentityBlock | undefined, change: IdentityChange) => IdentityPatch;

/** GET the resource, compute the new identity block, PATCH it, print what the server now holds. */
async function apply(o: Options, compute: Compute): Promise<void> {
  const client = clientFor(o);
  const url = resourceUrl(o, client.subscriptionId);
  const current = await client.request<ComputeResourceWire>('GET', url);
  const change: IdentityChange = {
    systemAssigned: o.systemAssigned === true,
    userAssigned: (o.userAssigned ?? []).map((v) => resolveUserAssignedId(v, client.subscriptionId, o.resourceGroup)),
  };
  const patched = await client.request<ComputeResourceWire | undefined>('PATCH', url, {
    identity: compute(current.identity, change),
  });
  // A server that answers PATCH without a body (202/204) still has the result: read it back.
  const result = patched ?? (await client.request<ComputeResourceWire>('GET', url));
  const block = result.identity ?? { type: 'None' };
  print(o.output, block, identityRows(block), COLUMNS);
}

function leaf(verb: 'assign' | 'remove', compute: Compute): Command {
  const what = verb === 'assign' ? 'Assign managed identities to' : 'Remove managed identities from';
  return resourceLeaf(verb, `${what} a compute resource (with neither flag: the system-assigned identity).`)
    .option('--system-assigned', 'the system-assigned identity')
    .option('--user-assigned <ids...>', 'user-assigned identities: names in the same resource group, or full ARM ids')
    .action((o: Options) => apply(o, compute));
}

export function resourceIdentityCommand(): Command {
  return new Command('identity')
    .description("Manage a compute resource's managed identities, like `az vm identity`.")
    .addCommand(leaf('assign', assignIdentities))
    .addCommand(leaf('remove', removeIdentities));
}
