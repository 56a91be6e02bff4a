import { createHash } from 'node:crypto';
import type { ComputeResourceRecord } from '../../store/records.js';

/** A stable GUID-shaped id for a resource that did not bring its own `vmId`. */
function derivedVmId(resourceId: string): string {
  const h = createHash('sha256').update(resourceId.toLowerCase()).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** `Microsoft.Compute/virtualMachines` → `Microsoft.Compute`, IMDS's `compute.provider`. */
const providerOf = (type: string): string => type.split('/')[0] ?? '';

/**
 * The IMDS `/metadata/instance` document of a resource, in the shape IMDS answers
 * (https://learn.microsoft.com/en-us/azure/virtual-machines/instance-metadata-service#instance-metadata):
 * the `compute` part is what workloads read to find where they run (subscription, group, name,
 * location, tags). `azEnvironment` is Azure's public cloud because openmi answers on its host
 * names (docs/clients.md#transparent-mode), so code that picks its endpoints from this value
 * picks the ones openmi serves. Values IMDS reports about hardware and networking openmi does not
 * know are left empty rather than invented.
 */
export function instanceDocument(r: ComputeResourceRecord): Record<string, unknown> {
  const props = (r.body['properties'] ?? {}) as Record<string, unknown>;
  const hw = (props['hardwareProfile'] ?? {}) as Record<string, unknown>;
  const os = ((props['storageProfile'] ?? {}) as Record<string, unknown>)['osDisk'] as
    Record<string, unknown> | undefined;
  const tags = Object.entries(r.tags);
  return {
    compute: {
      azEnvironment: 'AzurePublicCloud',
      location: r.location,
      name: r.name,
      provider: providerOf(r.type),
      resourceGroupName: r.resourceGroup,
      subscriptionId: r.subscriptionId,
      resourceId: r.id,
      vmId: str(props['vmId']) || derivedVmId(r.id),
      vmSize: str(hw['vmSize']),
      osType: str(os?.['osType']),
      tags: tags.map(([k, v]) => `${k}:${v}`).join(';'),
      tagsList: tags.map(([name, value]) => ({ name, value })),
      zone: Array.isArray(r.body['zones']) ? String((r.body['zones'] as unknown[])[0] ?? '') : '',
    },
    network: { interface: [] },
  };
}
