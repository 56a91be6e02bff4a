import type { TokenRevocationRepo } from '../../store/store.js';
import { JwtVerifyError, show } from './jwt/errors.js';
import type { VerifiedJwt } from './jwt/verify.js';

/** Where a verifier reads revocations: the store, the server's RevocationCache, or the gate's remote list. */
export type RevocationLookup = Pick<TokenRevocationRepo, 'get'>;

/** What verifies a bearer's signature, issuer, audience, tenant and lifetime (TokenVerifier, or the gate's JWKS verifier). */
export interface BearerVerifier {
  verify(token: string, audiences: readonly string[]): Promise<VerifiedJwt>;
}

/**
 * The one revocation rule every verifier of openmi access tokens applies (ARM, Graph, Key Vault,
 * Blob, the gate): a token of principal `oid` issued at or before the principal's revocation time
 * is refused. `iat` has second resolution and the revocation millisecond resolution, so a token
 * minted in the same second as the revocation is refused too: the safe side of the tie.
 * A revocation is written by revokeTokens and by every deletion of an identity
 * (identities/principals.ts), so a deleted identity's tokens are refused as revoked (401), not
 * merely unauthorized (403).
 */
export async function refuseRevoked(revocations: RevocationLookup, claims: Record<string, unknown>): Promise<void> {
  const oid = claims['oid'];
  const iat = claims['iat'];
  // Without both, no revocation could ever apply to the token, so it is not accepted at all.
  if (typeof oid !== 'string' || oid === '' || typeof iat !== 'number' || !Number.isFinite(iat)) {
    throw new JwtVerifyError(
      'malformed',
      "token lacks 'oid' or a numeric 'iat'; openmi access tokens carry both, get a token from this server's token endpoint",
    );
  }
  const r = await revocations.get(oid);
  if (r && iat * 1000 <= r.revokedAt) {
    throw new JwtVerifyError(
      'revoked',
      `Tokens of principal ${show(oid)} issued at or before ${new Date(r.revokedAt).toISOString()} have been revoked (revokeTokens, or the identity was deleted); get a new token`,
    );
  }
}

/** A BearerVerifier whose accepted tokens have also passed `refuseRevoked`. */
export class RevocationCheckingVerifier implements BearerVerifier {
  constructor(
    private readonly inner: BearerVerifier,
    private readonly revocations: RevocationLookup,
  ) {}

  async verify(token: string, audiences: readonly string[]): Promise<VerifiedJwt> {
    const jwt = await this.inner.verify(token, audiences);
    await refuseRevoked(this.revocations, jwt.claims);
    return jwt;
  }
}
