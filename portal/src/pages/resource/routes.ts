import { groupOf } from '../../api/identities.js';
import type { ComputeResourceWire } from '../../api/resources.js';
import { pathOf } from '../../router.js';

/** `#/resources/{rg}/{provider}/{type}/{name}` for a resource type such as `Microsoft.Compute/virtualMachines`. */
export function resourceRouteOf(resourceGroup: string, type: string, name: string): string {
  const [provider = '', typeName = ''] = type.split('/');
  return pathOf('resources', resourceGroup, provider, typeName, name);
}

export const resourceRoute = (r: ComputeResourceWire) => resourceRouteOf(groupOf(r.id), r.type, r.name);

/** The last segment of an ARM id (an identity's name, a role definition's GUID). */
export const leafOf = (id: string) => id.slice(id.lastIndexOf('/') + 1);
