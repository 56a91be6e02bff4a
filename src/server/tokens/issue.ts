import type { Clock } from '../../kernel/clock.js';
import type { Random } from '../../kernel/ids.js';
import type { PrincipalRecord } from '../../store/records.js';
import type { Authority } from './issuers.js';
import type { KeyRing } from './key-ring.js';
import type { SigningPool } from './jwt/signing-pool.js';

export interface IssuedToken {
  accessToken: string;
  /** Epoch seconds. */
  issuedAt: number;
  expiresAt: number;
  audience: string;
}

export interface IssueRequest {
  principal: PrincipalRecord;
  /** The resource exactly as requested; Entra puts it verbatim in `aud`. */
  audience: string;
  lifetimeSeconds: number;
  /** "1" for a client secret, "2" for a certificate or managed identity (Entra's appidacr). */
  appidacr: '0' | '1' | '2';
  extraClaims?: Record<string, unknown>;
}

/**
 * Mints Entra-shaped v1.0 access tokens. Entra picks the token version from the target API, and
 * the APIs clients call (Resource Manager, Key Vault, Storage) take v1.0 tokens, whichever
 * endpoint issued them; so does openmi (docs/wire/managed-identity.md#the-token).
 *
 * With a SigningPool the RSA signature (most of a mint) runs on worker threads, so minting uses
 * every core the pool has; without one it signs on the event loop.
 */
export class TokenIssuer {
  constructor(
    private readonly keys: KeyRing,
    private readonly authority: Authority,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly pool?: SigningPool,
  ) {}

  async issueAsync(r: IssueRequest): Promise<IssuedToken> {
    const iat = Math.floor(this.clock.now() / 1000);
    const exp = iat + r.lifetimeSeconds;
    // Taken before any await, so the kid and the claims belong to the same moment of the ring.
    const signer = this.keys.signer();
    const accessToken = await signer.signAsync(this.claims(r, iat, exp), this.pool);
    return { accessToken, issuedAt: iat, expiresAt: exp, audience: r.audience };
  }

  private claims(r: IssueRequest, iat: number, exp: number): Record<string, unknown> {
    const iss = this.authority.issuerV1(r.principal.tenantId);
    return {
      aud: r.audience,
      iss,
      iat,
      nbf: iat,
      exp,
      appid: r.principal.appId,
      appidacr: r.appidacr,
      idp: iss,
      idtyp: 'app',
      oid: r.principal.objectId,
      sub: r.principal.objectId,
      tid: r.principal.tenantId,
      uti: this.random.bytes(16).toString('base64url'),
      ver: '1.0',
      ...r.extraClaims,
    };
  }
}
