import { arm } from '../../api/arm.js';
import { API } from '../../api/api-versions.js';
import { identityPath } from '../../api/identities.js';

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
