import { jsonHeaders } from './metadata-http.js';
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

/**
 * IMDS (and Cloud Shell, which copies it): string values, as real IMDS sends — except
 * `refresh_in`, which real IMDS omits and Python MSAL adds to the current time as a number
 * (`now + refresh_in`): a string there breaks every Python managed-identity credential
 * (seen with azure-identity 1.13 / msal 1.21 under `openmi run --metadata imds`).
 */
export function imdsBody(token: MintedToken, resource: string, nowSeconds: number): Record<string, string | number> {
  const { expiresIn, refreshIn } = lifetimes(token, nowSeconds);
  return {
    access_token: token.accessToken,
    client_id: token.clientId,
    expires_in: String(expiresIn),
    expires_on: String(token.expiresOn),
    ext_expires_in: String(expiresIn),
    not_before: String(token.issuedAt),
    refresh_in: refreshIn,
    resource,
    token_type: 'Bearer',
  };
}

/** App Service 2019-08-01: numbers for the times. */
export function appServiceBody(
  token: MintedToken,
  resource: string,
  nowSeconds: number,
): Record<string, string | number> {
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

/** The success body shapes; Cloud Shell answers with the IMDS one. */
export type BodyKind = 'imds' | 'appService' | 'legacy';

const RENDER: Record<BodyKind, typeof imdsBody> = { imds: imdsBody, appService: appServiceBody, legacy: legacyBody };

/** A success answer ready for the wire. Never mutate: it is shared by every hit within its second. */
export interface RenderedBody {
  readonly second: number;
  readonly resource: string;
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string | number>>;
}

/**
 * Serialized bodies per token and kind (G1 in docs/performance.md: JSON.stringify of the ~1.8 KB body and its
 * byteLength cost ≈ 9 µs of a ≈ 18 µs budget per cached hit). Keyed weakly by the token object,
 * which the upstream mints fresh for one TokenCache entry: a refresh stores a new token and an
 * invalidation drops the entry, so either way its bodies become unreachable with it. A body
 * depends only on the token, the epoch second (expires_in, refresh_in) and the echoed resource;
 * the last two are checked, so a body is right even if one token object were shared.
 */
const rendered = new WeakMap<MintedToken, Partial<Record<BodyKind, RenderedBody>>>();

export function renderedBody(kind: BodyKind, token: MintedToken, resource: string, nowSeconds: number): RenderedBody {
  let slots = rendered.get(token);
  const cached = slots?.[kind];
  if (cached !== undefined && cached.second === nowSeconds && cached.resource === resource) return cached;
  const body = Buffer.from(JSON.stringify(RENDER[kind](token, resource, nowSeconds)), 'utf8');
  const fresh: RenderedBody = { second: nowSeconds, resource, body, headers: jsonHeaders(body.length) };
  if (slots === undefined) rendered.set(token, (slots = {}));
  slots[kind] = fresh;
  return fresh;
}
