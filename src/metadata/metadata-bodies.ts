import type { MintedToken } from './upstream.js';

/**
 * Success bodies per protocol. `resource` is always the request's own value, not the token's:
 * MSAL keys its cache on it and silently stops caching when it differs by even a trailing
 * slash, and Python azure-identity raises KeyError without it.
 */

function lifetimes(token: MintedToken, nowSeconds: number): { expiresIn: number; refreshIn: number } {
  const expiresIn = Math.max(0, token.expiresOn - nowSeconds);
  return { expiresIn, refreshIn: Math.floor(expiresIn / 2) };
}

/** IMDS (and Cloud Shell, which copies it): every value a string, as real IMDS sends. */
export function imdsBody(token: MintedToken, resource: string, nowSeconds: number): Record<string, string> {
  const { expiresIn, refreshIn } = lifetimes(token, nowSeconds);
  return {
    access_token: token.accessToken,
    client_id: token.clientId,
    expires_in: String(expiresIn),
    expires_on: String(token.expiresOn),
    ext_expires_in: String(expiresIn),
    not_before: String(token.issuedAt),
    refresh_in: String(refreshIn),
    resource,
    token_type: 'Bearer',
  };
}

/** App Service 2019-08-01: numbers for the times. */
export function appServiceBody(token: MintedToken, resource: string, nowSeconds: number): Record<string, string | number> {
  const { expiresIn, refreshIn } = lifetimes(token, nowSeconds);
  return {
    access_token: token.accessToken,
    expires_on: token.expiresOn,
    expires_in: expiresIn,
    refresh_in: refreshIn,
    resource,
    token_type: 'Bearer',
    client_id: token.clientId,
  };
}

/**
 * The 2017-09-01 API. Real App Service sent `expires_on` as a date string
 * ("MM/dd/yyyy hh:mm:ss +00:00") that MSAL turns into NaN and Python cannot int(); epoch
 * seconds as a string satisfies both and the Azure CLI.
 */
export function legacyBody(token: MintedToken, resource: string, nowSeconds: number): Record<string, string | number> {
  return { ...appServiceBody(token, resource, nowSeconds), expires_on: String(token.expiresOn) };
}
