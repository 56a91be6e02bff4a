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
  new OAuthError('invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`, 400);

const badBasic = (why: string) =>
  new OAuthError(
    'invalid_client',
    7000218,
    `The Basic authorization header ${why}. Send base64(urlencode(client_id) ":" urlencode(client_secret)) (RFC 6749 §2.3.1), or send client_id and client_secret in the form body instead.`,
    401,
  );

/** Standard base64 as RFC 7617 uses it (padding optional); Buffer's own decoder skips bad characters silently. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
/** Longer than any client id or secret openmi issues; a header this long is not a credential. */
const MAX_BASIC_PART = 1024;

/** RFC 6749 §2.3.1: each part is form-urlencoded before base64, so '+' is a space and '%xx' a byte. */
function formDecoded(part: string, name: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    throw badBasic(`has a ${name} that is not valid percent-encoding`);
  }
}

/**
 * Client credentials from `Authorization: Basic …`. Every way it can be malformed (bad base64, not
 * UTF-8, no colon, an empty part, too long, bad percent-encoding) is the client's error: 401
 * invalid_client, never a 500.
 */
function basicCredentials(headers: IncomingHttpHeaders): { id: string; secret: string } | undefined {
  const h = headers.authorization;
  if (!h || !/^basic(?: |$)/i.test(h)) return undefined;
  const b64 = h.slice(5).trim();
  if (b64 === '' || !BASE64.test(b64)) throw badBasic('is not base64');
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(b64, 'base64'));
  } catch {
    throw badBasic('does not decode to UTF-8 text');
  }
  const i = decoded.indexOf(':');
  if (i === -1) throw badBasic("has no ':' between client id and secret");
  if (i > MAX_BASIC_PART || decoded.length - i - 1 > MAX_BASIC_PART)
    throw badBasic(`has a part longer than ${MAX_BASIC_PART} characters`);
  const id = formDecoded(decoded.slice(0, i), 'client id');
  const secret = formDecoded(decoded.slice(i + 1), 'client secret');
  if (id === '' || secret === '') throw badBasic(`has an empty ${id === '' ? 'client id' : 'client secret'}`);
  return { id, secret };
}

/** v2 asks for `{resource}/.default`; Entra issues a token whose audience is `{resource}`. */
function resourceFromScope(scope: string): string {
  const scopes = scope.split(' ').filter((s) => s && !['openid', 'profile', 'offline_access'].includes(s));
  if (scopes.length !== 1 || !scopes[0]!.endsWith('/.default')) {
    throw new OAuthError(
      'invalid_scope',
      1002012,
      `The provided value for scope '${scope.slice(0, 80)}' is not valid. Client credential flows must have one scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  return scopes[0]!.slice(0, -'/.default'.length);
}

function checkResource(resource: string): string {
  if (resource.length === 0 || resource.length > 512 || /\s/.test(resource)) {
    throw new OAuthError(
      'invalid_resource',
      500011,
      `The resource '${resource.slice(0, 80)}' is not a valid resource identifier: use an absolute URI or an application id.`,
    );
  }
  return resource;
}

/** Parses and checks the token request form (RFC 6749 §4.4, Entra's v1 and v2 variants). */
export function parseTokenForm(headers: IncomingHttpHeaders, body: Buffer, version: 'v1' | 'v2'): TokenForm {
  const ct = String(headers['content-type'] ?? '').toLowerCase();
  if (!ct.startsWith('application/x-www-form-urlencoded')) {
    throw new OAuthError(
      'invalid_request',
      900144,
      "The token request must be a POST with Content-Type 'application/x-www-form-urlencoded'.",
      400,
    );
  }
  const p = new URLSearchParams(body.toString('utf8'));
  const basic = basicCredentials(headers);
  const grantType = p.get('grant_type') ?? '';
  if (!grantType) throw missing('grant_type');
  const bodyId = p.get('client_id');
  if (basic && bodyId !== null && bodyId !== basic.id) {
    throw new OAuthError(
      'invalid_client',
      7000218,
      'The client_id in the form body differs from the one in the Basic authorization header. Send the client id once, in one of them.',
      401,
    );
  }
  const clientId = bodyId ?? basic?.id ?? '';
  if (!clientId) throw missing('client_id');
  const rawResource =
    version === 'v2' ? resourceFromScope(p.get('scope') ?? missingScope()) : (p.get('resource') ?? '');
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
