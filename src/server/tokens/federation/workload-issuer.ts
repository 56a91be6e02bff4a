import type { Clock } from '../../../kernel/clock.js';
import { invalid } from '../../../kernel/errors.js';
import type { Random } from '../../../kernel/ids.js';
import type { JwtSigner } from '../jwt/signer.js';
import type { SigningPool } from '../jwt/signing-pool.js';

/**
 * openmi as an OIDC workload issuer, for tests and CI pipelines that have no issuer of their
 * own: it mints short JWTs that a federated credential can trust like a Kubernetes or GitHub token.
 * Its `iss` differs from every tenant issuer, so these tokens are never accepted as access tokens
 * even though the same KeyRing signs both.
 */
export const WORKLOAD_ISSUER_PATH = '/openmi/workload';
/** The audience Entra recommends for federated credentials. */
export const DEFAULT_WORKLOAD_AUDIENCE = 'api://AzureADTokenExchange';
export const DEFAULT_WORKLOAD_LIFETIME_SECONDS = 3600;
export const MIN_WORKLOAD_LIFETIME_SECONDS = 60;
export const MAX_WORKLOAD_LIFETIME_SECONDS = 86_400;
const MAX_CLAIM_LENGTH = 600;

export const workloadIssuerUrl = (baseUrl: string): string => `${baseUrl.replace(/\/+$/, '')}${WORKLOAD_ISSUER_PATH}`;

/** The discovery document (the fields Kubernetes' service-account issuer publishes). */
export function workloadDiscoveryDocument(issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer}/keys`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
  };
}

export interface WorkloadTokenRequest {
  subject: string;
  audience: string;
  lifetimeSeconds: number;
}

export interface WorkloadToken {
  token: string;
  issuer: string;
  subject: string;
  audience: string;
  /** Epoch ms. */
  expiresAt: number;
}

function text(v: unknown, name: string, fallback?: string): string {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_CLAIM_LENGTH || /[\u0000-\u001f]/.test(v)) {
    throw invalid(`'${name}' must be a string of 1-${MAX_CLAIM_LENGTH} printable characters.`, {
      code: 'BadRequest',
      target: name,
    });
  }
  return v;
}

/** Checks a request body `{subject, audience?, lifetimeSeconds?}`. */
export function checkWorkloadTokenRequest(body: Record<string, unknown>): WorkloadTokenRequest {
  const lifetime = body['lifetimeSeconds'] ?? DEFAULT_WORKLOAD_LIFETIME_SECONDS;
  if (
    typeof lifetime !== 'number' ||
    !Number.isInteger(lifetime) ||
    lifetime < MIN_WORKLOAD_LIFETIME_SECONDS ||
    lifetime > MAX_WORKLOAD_LIFETIME_SECONDS
  ) {
    throw invalid(
      `'lifetimeSeconds' must be a whole number from ${MIN_WORKLOAD_LIFETIME_SECONDS} to ${MAX_WORKLOAD_LIFETIME_SECONDS}.`,
      { code: 'BadRequest', target: 'lifetimeSeconds' },
    );
  }
  return {
    subject: text(body['subject'], 'subject'),
    audience: text(body['audience'], 'audience', DEFAULT_WORKLOAD_AUDIENCE),
    lifetimeSeconds: lifetime,
  };
}

/** Mints workload tokens: `iss, sub, aud, iat, nbf, exp, jti`, RS256 with the current KeyRing key. */
export class WorkloadTokenMinter {
  readonly issuer: string;

  constructor(
    private readonly keys: { signer(): JwtSigner },
    baseUrl: string,
    private readonly clock: Clock,
    private readonly random: Random,
    /** Signs on its workers when given (see TokenIssuer); else on the event loop. */
    private readonly pool?: SigningPool,
  ) {
    this.issuer = workloadIssuerUrl(baseUrl);
  }

  async mint(r: WorkloadTokenRequest): Promise<WorkloadToken> {
    const iat = Math.floor(this.clock.now() / 1000);
    const exp = iat + r.lifetimeSeconds;
    const claims = { iss: this.issuer, sub: r.subject, aud: r.audience, iat, nbf: iat, exp, jti: this.random.uuid() };
    const token = await this.keys.signer().signAsync(claims, this.pool);
    return { token, issuer: this.issuer, subject: r.subject, audience: r.audience, expiresAt: exp * 1000 };
  }
}
