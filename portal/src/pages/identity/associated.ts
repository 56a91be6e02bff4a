import { arm } from '../../api/arm.js';
import { API } from '../../api/api-versions.js';
import { identityPath } from '../../api/identities.js';
import type {
  AssociatedResourcesPage as AssociatedPage,
  AssociatedResourceWire as AssociatedResource,
} from '../../../../src/wire/identities.js';

export type { AssociatedResource };

/** A POST in preview api-versions only; its nextLink is POSTed too. */
export async function listAssociatedResources(sub: string, rg: string, name: string): Promise<AssociatedResource[]> {
  let page = await arm<AssociatedPage>('POST', `${identityPath(sub, rg, name)}/listAssociatedResources`, {
    apiVersion: API.msiPreview,
  });
  const out = [...page.value];
  while (page.nextLink && out.length < 5_000) {
    page = await arm<AssociatedPage>('POST', page.nextLink, { apiVersion: API.msiPreview });
    out.push(...page.value);
  }
  return out;
}
