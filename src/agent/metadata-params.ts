import type { IncomingMessage } from 'node:http';
import { badRequest, EndpointError } from './metadata-http.js';
import type { IdentitySelector, SelectorName } from './upstream.js';

/** Query or form parameter name → the selector it means on one endpoint. */
export type SelectorSpelling = Readonly<Record<string, SelectorName>>;

export const IMDS_SELECTORS: SelectorSpelling = {
  client_id: 'client_id',
  object_id: 'object_id',
  principal_id: 'principal_id',
  msi_res_id: 'msi_res_id',
  mi_res_id: 'mi_res_id',
};

// The JS SDK sends mi_res_id, Python passes through whatever the app configured.
export const APP_SERVICE_SELECTORS: SelectorSpelling = IMDS_SELECTORS;

// The 2017 API spelled it `clientid`; only a client id can be selected there.
export const LEGACY_SELECTORS: SelectorSpelling = { clientid: 'client_id', client_id: 'client_id' };

/**
 * One value or none. A repeated parameter is refused rather than resolved first-wins: the
 * agent and anything in front of it could otherwise disagree on which identity was asked for.
 */
export function single(params: URLSearchParams, name: string): string | undefined {
  const all = params.getAll(name);
  if (all.length > 1) throw badRequest(`The '${name}' parameter was given ${all.length} times; give it once.`);
  return all[0];
}

/** Longest resource or selector value accepted: resource URIs and ARM ids are far shorter. */
export const MAX_PARAM_CHARS = 2048;

/**
 * C0 and C1 controls, DEL, the Unicode line separators, and U+FFFD (what URLSearchParams makes
 * of bytes that are not UTF-8): no resource URI or identity id holds one, and each can split or
 * forge a line in a log or a header downstream.
 */
const MALFORMED = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufffd]/;

/** Refuses an over-long or malformed value with 400, naming the parameter but never echoing it. */
export function requireWellFormed(name: string, value: string): string {
  if (value.length > MAX_PARAM_CHARS) {
    throw badRequest(
      `The '${name}' parameter is ${value.length} characters long; at most ${MAX_PARAM_CHARS} are accepted.`,
    );
  }
  if (MALFORMED.test(value)) {
    throw badRequest(
      `The '${name}' parameter contains control characters or bytes that are not UTF-8; send the value percent-encoded UTF-8, exactly as registered.`,
    );
  }
  return value;
}

export function requireResource(params: URLSearchParams): string {
  const resource = single(params, 'resource');
  if (resource === undefined || resource.trim() === '') {
    throw badRequest(
      "Required query parameter 'resource' is missing: name the audience, e.g. resource=https://management.azure.com.",
    );
  }
  return requireWellFormed('resource', resource);
}

/**
 * At most one selector. Empty values count as absent: Azure ML's SDK path sends
 * `clientid=$DEFAULT_IDENTITY_CLIENT_ID` for system-assigned, which may be unset.
 */
export function parseSelector(params: URLSearchParams, spelling: SelectorSpelling): IdentitySelector | undefined {
  const found: IdentitySelector[] = [];
  const names: string[] = [];
  for (const [param, name] of Object.entries(spelling)) {
    const value = single(params, param);
    if (value === undefined || value === '') continue;
    found.push({ name, value: requireWellFormed(param, value) });
    names.push(param);
  }
  if (found.length > 1) {
    throw badRequest(
      `Give at most one identity selector; got ${names.join(', ')}. Accepted: ${Object.keys(spelling).join(', ')}.`,
    );
  }
  return found[0];
}

const DATE_VERSION = /^\d{4}-\d{2}-\d{2}$/;

/** IMDS accepts every dated version from its first one on; new SDKs may send versions newer than we know. */
export function requireDatedVersion(params: URLSearchParams, minimum: string): string {
  const version = single(params, 'api-version');
  if (version === undefined || !DATE_VERSION.test(version) || version < minimum) {
    const got = version === undefined ? 'none was given' : `got '${version}'`;
    throw badRequest(
      `Missing or unsupported 'api-version' (${got}); accepted: any YYYY-MM-DD version from ${minimum} on, e.g. 2018-02-01.`,
    );
  }
  return version;
}

/**
 * The `Metadata: true` header is IMDS's SSRF defence: a server-side request forgery can make a
 * process fetch a URL but rarely set a custom header. Real IMDS answers its absence with 400,
 * which is also what DefaultAzureCredential's header-less probe must get (anything but 403).
 */
export function requireMetadataHeader(req: IncomingMessage): void {
  if (!hasMetadataHeader(req)) {
    throw new EndpointError(
      'invalid_request',
      'Required metadata header not specified: send the header "Metadata: true".',
    );
  }
}

/**
 * IMDS is link-local and never reached through a proxy, so a proxied request is a workload's
 * proxy (or an SSRF through one) talking on someone else's behalf: refuse it as IMDS does.
 */
export function rejectForwarded(req: IncomingMessage): void {
  if (isForwarded(req)) {
    throw badRequest(
      'Requests carrying X-Forwarded-For are refused: the metadata endpoint is never reached through a proxy. Add this address to NO_PROXY.',
    );
  }
}

/** The checks behind the two above, shared with the IMDS fast path so both decide alike. */
export function hasMetadataHeader(req: IncomingMessage): boolean {
  const value = req.headers['metadata'];
  return value === 'true' || (typeof value === 'string' && value.toLowerCase() === 'true');
}

export const isForwarded = (req: IncomingMessage): boolean => req.headers['x-forwarded-for'] !== undefined;
