import type { Clock } from '../../kernel/clock.js';
import type { Authority } from './issuers.js';
import type { KeyRing } from './key-ring.js';
import { JwtVerifyError, verifyJwt, type VerifiedJwt } from './jwt/verify.js';

/** After an unknown `kid`, re-read keys at most this often (a forged kid must not hammer the store). */
const RELOAD_COOLDOWN_MS = 5_000;

/**
 * Verifies tokens this server issued: signature by `kid`, RS256 only, exact issuer, audience,
 * tenant and lifetime. An unknown kid triggers one key reload (another node may have rotated).
 */
export class TokenVerifier {
  private lastReload = 0;

  constructor(
    private readonly keys: KeyRing,
    private readonly authority: Authority,
    private readonly tenantId: string,
    private readonly clock: Clock,
  ) {}

  async verify(token: string, audiences: readonly string[]): Promise<VerifiedJwt> {
    try {
      return this.verifyNow(token, audiences);
    } catch (e) {
      if (!(e instanceof JwtVerifyError) || e.code !== 'unknown_kid') throw e;
      const now = this.clock.now();
      if (now - this.lastReload < RELOAD_COOLDOWN_MS) throw e;
      this.lastReload = now;
      await this.keys.reload();
      return this.verifyNow(token, audiences);
    }
  }

  private verifyNow(token: string, audiences: readonly string[]): VerifiedJwt {
    return verifyJwt(token, {
      keyFor: (kid) => this.keys.publicKey(kid),
      issuers: this.authority.issuers(this.tenantId),
      audiences,
      tenantId: this.tenantId,
      nowSeconds: Math.floor(this.clock.now() / 1000),
    });
  }
}
