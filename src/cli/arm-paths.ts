/** ARM paths and api-versions the CLI speaks. Segments are URL-encoded: names come from the user. */

export const IDENTITY_API_VERSION = '2024-11-30';
/** listAssociatedResources exists only in this preview api-version. */
export const ASSOCIATED_API_VERSION = '2022-01-31-preview';

const IDENTITY_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities';
const seg = encodeURIComponent;

export function scopePath(subscriptionId: string, resourceGroup?: string): string {
  const sub = `/subscriptions/${seg(subscriptionId)}`;
  return resourceGroup === undefined ? sub : `${sub}/resourceGroups/${seg(resourceGroup)}`;
}

export function withApiVersion(path: string, apiVersion: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}api-version=${apiVersion}`;
}

/** The ARM id of a user-assigned identity; also its path. */
export function identityId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `${scopePath(subscriptionId, resourceGroup)}/providers/${IDENTITY_TYPE}/${seg(name)}`;
}

export function identityCollectionPath(subscriptionId: string, resourceGroup?: string): string {
  return `${scopePath(subscriptionId, resourceGroup)}/providers/${IDENTITY_TYPE}`;
}

export function federatedCredentialPath(
  subscriptionId: string,
  resourceGroup: string,
  identity: string,
  name?: string,
): string {
  const base = `${identityId(subscriptionId, resourceGroup, identity)}/federatedIdentityCredentials`;
  return name === undefined ? base : `${base}/${seg(name)}`;
}

/** Reads the resource group out of an ARM id, for table columns; '' when the id has none. */
export function resourceGroupOf(id: string | undefined): string {
  const m = /\/resourceGroups\/([^/]+)/i.exec(id ?? '');
  return m ? decodeURIComponent(m[1]!) : '';
}

/** The last segment of an ARM id: the resource's name. */
export function nameOf(id: string): string {
  return decodeURIComponent(id.replace(/\/+$/, '').split('/').pop() ?? '');
}

export function isIdentityId(id: string): boolean {
  return /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i.test(
    id,
  );
}
