import type { JsonWebKey, KeyObject } from 'node:crypto';
import type { Json, SigningAlg } from './jose.js';

/** Every verifier of credentials in openmi, as the forged-token corpus addresses them. */
export const VERIFIERS = ['arm', 'graph', 'keyVault', 'blob', 'gate', 'tokenService', 'agentApi'] as const;
export type Verifier = (typeof VERIFIERS)[number];

/**
 * What a verifier accepts: openmi access tokens (RS256, tenant issuer), workload assertions for
 * a federated exchange (RS256 or ES256, the federated credential's issuer), or agent assertions
 * (ES256, signed by the agent's own key, iss = sub = the agent id).
 */
export type TokenFamily = 'access' | 'workload' | 'agent';

export const FAMILY: Record<Verifier, TokenFamily> = {
  arm: 'access',
  graph: 'access',
  keyVault: 'access',
  blob: 'access',
  gate: 'access',
  tokenService: 'workload',
  agentApi: 'agent',
};

/** Real credentials of other kinds, made by the server during setup, that must not pass here. */
export interface SpecialTokens {
  /** A token (or assertion) of a principal whose tokens were revoked after it was issued. */
  revoked?: () => string;
  /** A token (or assertion) of an identity, or agent, deleted after it was issued. */
  deletedIdentity: () => string;
  /** The portal's token from the login-link grant (an ARM token). */
  portalToken: () => string;
  /** An unused login-link code, presented as the credential itself. */
  loginLinkCode: () => string;
  /** A token from openmi's own workload issuer (`openmi workload-token`). */
  workloadToken: () => string;
  /** An openmi access token (for ARM). */
  accessToken: () => string;
}

/**
 * One verifier's view of a valid credential, from which every forged case is derived: the
 * cases change one thing and (where the point is past the signature) re-sign with the key the
 * verifier trusts, so each case fails on the thing it changed and nothing else.
 */
export interface TokenKit {
  family: TokenFamily;
  /** The algorithm of a valid credential here. */
  alg: 'RS256' | 'ES256';
  /** A valid header. */
  header(): Record<string, unknown>;
  /** Valid claims, fresh on every call (agent assertions are single-use by jti). */
  claims(): Record<string, unknown>;
  /** Signs with the key this verifier trusts, under `alg` (default: the kit's). */
  sign(header: Json, payload: Json, alg?: SigningAlg): string;
  /** Signs an already encoded `header.payload` (for payload bytes no JS string can carry) and returns the token. */
  signInput(input: string, alg?: SigningAlg): string;
  /** Signs with a key of the same type this verifier has never seen. */
  signForeign(header: Json, payload: Json): string;
  /** Signs with a foreign key of the other family (EC for an RSA verifier, RSA for an EC one). */
  signOtherFamily(header: Json, payload: Json): string;
  /** The trusted public key, which an attacker has (JWKS, or the agent's enrollment). */
  publicKey: KeyObject;
  /** The claim naming the caller: `oid` in access tokens, `sub` in assertions. */
  subjectClaim: 'oid' | 'sub';
  /** Allowed clock skew of this verifier, seconds. */
  skewSeconds: number;
  issuer: string;
  /** An issuer of someone else (another tenant, another workload issuer, another agent). */
  foreignIssuer: string;
  /** openmi's other issuer: the workload issuer for access tokens, the tenant issuer for assertions. */
  siblingIssuer: string;
  audience: string;
  /** A valid credential of this family for another audience. */
  otherAudienceToken(): string;
  /** The attacker's own key material and where it is served (jku, x5u). */
  attacker: AttackerKeys;
  special: SpecialTokens;
}

export interface AttackerKeys {
  kid: string;
  /** Public JWK of the attacker's RSA key (embedded as `jwk`). */
  publicJwk: JsonWebKey;
  /** base64 DER of a self-signed certificate for the attacker's RSA key (embedded as `x5c`). */
  certDer: string;
  /** An attacker-run URL serving its JWKS; the test asserts no verifier ever fetches it. */
  jwksUrl: string;
  /** An attacker-run URL serving its certificate. */
  certUrl: string;
}
