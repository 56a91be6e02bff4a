import type { Authority } from '../../tokens/issuers.js';

/**
 * OpenID discovery documents. MSAL needs authorization_endpoint, token_endpoint, issuer and
 * jwks_uri (docs/wire/managed-identity.md); resource servers read issuer and jwks_uri.
 */
export function discoveryDocument(
  authority: Authority,
  tenantId: string,
  version: 'v1' | 'v2',
): Record<string, unknown> {
  const t = authority.tenantUrl(tenantId);
  const v2 = version === 'v2';
  return {
    issuer: v2 ? authority.issuerV2(tenantId) : authority.issuerV1(tenantId),
    authorization_endpoint: v2 ? `${t}/oauth2/v2.0/authorize` : `${t}/oauth2/authorize`,
    token_endpoint: v2 ? `${t}/oauth2/v2.0/token` : `${t}/oauth2/token`,
    jwks_uri: v2 ? `${t}/discovery/v2.0/keys` : `${t}/discovery/keys`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'private_key_jwt'],
    grant_types_supported: ['client_credentials'],
    response_types_supported: ['token'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid'],
    claims_supported: [
      'aud',
      'iss',
      'iat',
      'nbf',
      'exp',
      'appid',
      'idtyp',
      'oid',
      'sub',
      'tid',
      'uti',
      'ver',
      'xms_mirid',
      'xms_az_rid',
    ],
    tenant_region_scope: null,
    cloud_instance_name: 'openmi',
  };
}

/**
 * The ADFS-style authority `{base}/adfs` (docs/clients.md, Azure CLI). MSAL skips instance
 * discovery (a call to login.microsoftonline.com) only for authorities whose first path segment
 * is `adfs` or that it knows; the Azure CLI 2.45 cannot turn it off otherwise. It reads
 * `{authority}/.well-known/openid-configuration` (no `/v2.0`) and posts to its token_endpoint;
 * tokens are the tenant's own, with the tenant's issuers.
 */
export function adfsDiscoveryDocument(authority: Authority, tenantId: string): Record<string, unknown> {
  const adfs = `${authority.baseUrl}/adfs`;
  return {
    ...discoveryDocument(authority, tenantId, 'v1'),
    authorization_endpoint: `${adfs}/oauth2/authorize`,
    token_endpoint: `${adfs}/oauth2/token`,
    jwks_uri: `${adfs}/discovery/keys`,
  };
}
