import type { IncomingHttpHeaders } from 'node:http';
import { OAuthError } from './oauth-errors.js';

export interface TokenForm {
  grantType: string;
  clientId: string;
  clientSecret?: string;
  /** The resource the token is for, exactly as requested (v1 `resource`, or the v2 scope without `/.default`). */
  resource: string;
  clientAssertion?: string;
  clientAssertionType?: string;
  /** The one-time code of the login-link grant. */
  code?: string;
}

const missing = (name: string) =>
  new OAuthError(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`);

function basicCredentials(headers: IncomingHttpHeaders): { id: string; secret: string } | undefined {
  const h = headers.authorization;
  if (!h || !/^basic /i.test(h)) return undefined;
  const decoded = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  const malformed = () => new OAuthError(401, 'invalid_client', 7000218, 'The Basic authorization header is malformed; expected base64(urlencoded client_id:urlencoded client_secret).');
  if (i === -1) throw malformed();
  // RFC 6749 §2.3.1: both parts are form-urlencoded before base64; a bad escape is the client's error, not ours.
  try {
    return { id: decodeURIComponent(decoded.slice(0, i)), secret: decodeURIComponent(decoded.slice(i + 1)) };
  } catch {
    throw malformed();
  }
}

/** v2 asks for `{resource}/.default`; Entra issues a token whose audience is `{resource}`. */
function resourceFromScope(scope: string): string {
  const scopes = scope.split(' ').filter((s) => s && !['openid', 'profile', 'offline_access'].includes(s));
  if (scopes.length !== 1 || !scopes[0]!.endsWith('/.default')) {
    throw new OAuthError(400, 'invalid_scope', 1002012, `The provided value for scope '${scope}' is not valid. Client credential flows must have one scope value with /.default suffixed to the resource identifier (application ID URI).`);
  }
  return scopes[0]!.slice(0, -'/.default'.length);
}

function checkResource(resource: string): string {
  if (resource.length === 0 || resource.length > 512 || /\s/.test(resource)) {
    throw new OAuthError(400, 'invalid_resource', 500011, `The resource '${resource.slice(0, 80)}' is not a valid resource identifier: use an absolute URI or an application id.`);
  }
  return resource;
}

/** Parses and checks the token request form (RFC 6749 §4.4, Entra's v1 and v2 variants). */
export function parseTokenForm(headers: IncomingHttpHeaders, body: Buffer, version: 'v1' | 'v2'): TokenForm {
  const ct = String(headers['content-type'] ?? '').toLowerCase();
  if (!ct.startsWith('application/x-www-form-urlencoded')) {
    throw new OAuthError(400, 'invalid_request', 900144, "The token request must be a POST with Content-Type 'application/x-www-form-urlencoded'.");
  }
  const p = new URLSearchParams(body.toString('utf8'));
  const basic = basicCredentials(headers);
  const grantType = p.get('grant_type') ?? '';
  if (!grantType) throw missing('grant_type');
  const clientId = p.get('client_id') ?? basic?.id ?? '';
  if (!clientId) throw missing('client_id');
  const rawResource = version === 'v2' ? resourceFromScope(p.get('scope') ?? missingScope()) : p.get('resource') ?? '';
  if (!rawResource) throw missing('resource');
  const form: TokenForm = { grantType, clientId, resource: checkResource(rawResource) };
  const secret = p.get('client_secret') ?? basic?.secret;
  if (secret !== undefined) form.clientSecret = secret;
  const assertion = p.get('client_assertion');
  if (assertion !== null) form.clientAssertion = assertion;
  const assertionType = p.get('client_assertion_type');
  if (assertionType !== null) form.clientAssertionType = assertionType;
  const code = p.get('code');
  if (code !== null) form.code = code;
  return form;
}

function missingScope(): never {
  throw missing('scope');
}
