import { arm } from '../../api/arm.js';
import { API, computeType } from '../../api/api-versions.js';
import { identityPath } from '../../api/identities.js';
import { pathOf } from '../../router.js';

/** A row of listAssociatedResources (type and resourceGroup come back lower-cased). */
export interface AssociatedResource {
  id: string;
  name: string;
  type: string;
  resourceGroup: string;
  subscriptionId: string;
  subscriptionDisplayName: string;
}

interface AssociatedPage {
  totalCount: number;
  value: AssociatedResource[];
  nextLink?: string;
}

/** A POST in preview api-versions only; its nextLink is POSTed too. */
export async function listAssociatedResources(sub: string, rg: string, name: string): Promise<AssociatedResource[]> {
  let page = await arm<AssociatedPage>('POST', `${identityPath(sub, rg, name)}/listAssociatedResources`, { apiVersion: API.msiPreview });
  const out = [...page.value];
  while (page.nextLink && out.length < 5_000) {
    page = await arm<AssociatedPage>('POST', page.nextLink, { apiVersion: API.msiPreview });
    out.push(...page.value);
  }
  return out;
}

/** The ARM id's own spelling of group, provider and type, for the resource detail route. */
export function resourceRoute(id: string): string | undefined {
  const m = /\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/([^/]+)\/([^/]+)$/i.exec(id);
  if (!m) return undefined;
  return pathOf('resources', m[1]!, m[2]!, m[3]!, m[4]!);
}

/** "Virtual machine" for 'microsoft.compute/virtualmachines'. */
export const typeLabel = (type: string) => computeType(type)?.label ?? type;
