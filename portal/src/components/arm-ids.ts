import { computeType } from '../api/api-versions.js';
import { pathOf } from '../router.js';

/** The last segment of an ARM id: what people call the resource (an identity's name, a role definition's GUID). */
export const nameOf = (id: string) => id.split('/').filter(Boolean).pop() ?? id;

const segment = (s: string) => decodeURIComponent(s);

/** `/resources/{rg}/{provider}/{type}/{name}` for a resource type such as `Microsoft.Compute/virtualMachines`. */
export function resourcePath(resourceGroup: string, type: string, name: string): string {
  const [provider = '', typeName = ''] = type.split('/');
  return pathOf('resources', resourceGroup, provider, typeName, name);
}

/** The portal page of an ARM id, when the portal has one (identities and compute resources), in the id's own spelling. */
export function portalPathOf(id: string): string | undefined {
  const uai =
    /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/([^/]+)$/i.exec(
      id,
    );
  if (uai) return pathOf('identities', segment(uai[1]!), segment(uai[2]!));
  const res = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/([^/]+\/[^/]+)\/([^/]+)$/i.exec(id);
  if (res && computeType(res[2]!)) return resourcePath(segment(res[1]!), res[2]!, segment(res[3]!));
  return undefined;
}

interface ScopeWording {
  /** Inside a sentence ("on resource group rg1"): lower case, with "the". */
  inSentence?: boolean;
  /** The resource being shown: its own scope reads "This resource", the ones above it "(inherited)". */
  from?: string;
}

/**
 * A role assignment scope in words: "Tenant root", "Subscription", "Resource group rg1", or the
 * resource's name, type and group.
 */
export function describeScope(scope: string, { inSentence = false, from }: ScopeWording = {}): string {
  const s = scope.replace(/\/+$/, '');
  if (from && s.toLowerCase() === from.replace(/\/+$/, '').toLowerCase())
    return inSentence ? 'this resource' : 'This resource';
  const words = scopeWords(s, inSentence);
  return from ? `${words} (inherited)` : words;
}

function scopeWords(s: string, inSentence: boolean): string {
  if (s === '') return inSentence ? 'the tenant root' : 'Tenant root';
  if (/^\/subscriptions\/[^/]+$/i.test(s)) return inSentence ? 'the subscription' : 'Subscription';
  const rg = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)$/i.exec(s);
  if (rg) return `${inSentence ? 'resource group' : 'Resource group'} ${segment(rg[1]!)}`;
  const res = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/[^/]+\/([^/]+)\/([^/]+)$/i.exec(s);
  return res ? `${segment(res[3]!)} (${res[2]}) in ${segment(res[1]!)}` : s;
}
