import { sign, type KeyObject } from 'node:crypto';

/** docs/agent-protocol.md allows up to 300 s; shorter narrows the window a leaked assertion is worth anything. */
export const ASSERTION_LIFETIME_SECONDS = 120;

export interface AssertionInput {
  agentId: string;
  /** `{server}/openmi/agent/v1`: binds the assertion to one server so another cannot replay it. */
  audience: string;
  privateKey: KeyObject;
  nowSeconds: number;
  jti: string;
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/**
 * A compact ES256 JWS. JOSE wants the raw r||s signature (RFC 7518 §3.4), not node's default
 * DER encoding, hence `ieee-p1363`.
 */
export function signAssertion(input: AssertionInput): string {
  const header = { alg: 'ES256', typ: 'JWT', kid: input.agentId };
  const claims = {
    iss: input.agentId,
    sub: input.agentId,
    aud: input.audience,
    iat: input.nowSeconds,
    exp: input.nowSeconds + ASSERTION_LIFETIME_SECONDS,
    jti: input.jti,
  };
  const signingInput = `${b64url(header)}.${b64url(claims)}`;
  const signature = sign('sha256', Buffer.from(signingInput, 'ascii'), {
    key: input.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${signingInput}.${signature.toString('base64url')}`;
}

export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

/** Only the public coordinates: the private scalar `d` must never leave the host. */
export function publicJwkOf(key: KeyObject): PublicJwk {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    throw new Error('the agent key must be an EC P-256 key');
  }
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}
