import type { Clock } from '../../kernel/clock.js';
import { DomainError, invalid } from '../../kernel/errors.js';
import type { Random } from '../../kernel/ids.js';
import type { LoginCodeRecord, PrincipalRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { Actor, ChangeRecorder } from '../audit/changes.js';
import { changeInTransaction } from '../audit/changes-batch.js';
import { hashSecret } from './client-credentials.js';

/** The public client the portal's browser code signs in as; the only client_id the login-link grant accepts. */
export const PORTAL_CLIENT_ID = 'openmi-portal';
/** The token endpoint's grant type for exchanging a login-link code. */
export const LOGIN_LINK_GRANT_TYPE = 'urn:openmi:params:oauth:grant-type:login-link';
/** The domain error code of a login link that cannot be redeemed (the token service answers invalid_grant). */
export const INVALID_LOGIN_LINK = 'invalid_login_link';

export const LOGIN_LINKS_PATH = '/providers/OpenMI.Portal/loginLinks';
export const LOGIN_LINK_OPERATION = 'OpenMI.Portal/loginLinks/action';
export const DEFAULT_LOGIN_LINK_TTL_SECONDS = 300;
const MAX_TTL_SECONDS = 3600;
/** 32 random bytes in base64url are 43 characters; anything much longer is not a code of ours. */
const MAX_CODE_LENGTH = 128;

export interface CreatedLoginLink {
  /** Shown once (in the link), never stored: only its SHA-256 is. */
  code: string;
  /** Epoch ms. */
  expiresAt: number;
}

const unusable = () =>
  new DomainError(
    'unauthenticated',
    "This login link has expired or was already used. Run 'openmi portal' for a new one.",
    { code: INVALID_LOGIN_LINK },
  );

/**
 * One-time login links for the web portal. A code signs in, once and within its lifetime, as the
 * principal that asked for it; it never grants more than that principal already has.
 */
export class LoginLinkService {
  constructor(
    readonly store: Store,
    readonly clock: Clock,
    private readonly random: Random,
    /** Hears of each link after it committed; only creation is a control-plane change. */
    readonly recorder: ChangeRecorder = { record: () => undefined },
  ) {}

  /** A link for `principal`, asked for by `actor`; the code and its activity row commit together. */
  async create(
    actor: Actor,
    principal: PrincipalRecord,
    ttlSeconds = DEFAULT_LOGIN_LINK_TTL_SECONDS,
  ): Promise<CreatedLoginLink> {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
      throw invalid(`A login link lives from 1 to ${MAX_TTL_SECONDS} seconds, not ${ttlSeconds}.`, {
        target: 'ttlSeconds',
      });
    }
    return changeInTransaction(this, actor, async (tx, batch) => {
      const now = this.clock.now();
      // Purge on the way: codes are few and short-lived, so no background job is needed.
      await tx.loginCodes.deleteExpired(now);
      const code = this.random.bytes(32).toString('base64url');
      const record: LoginCodeRecord = {
        codeHash: hashSecret(code),
        principalObjectId: principal.objectId,
        tenantId: principal.tenantId,
        createdAt: now,
        expiresAt: now + ttlSeconds * 1000,
        consumedAt: null,
      };
      await tx.loginCodes.create(record);
      // The code itself is a credential: the activity log gets who and until when, never the code.
      batch.add(LOGIN_LINK_OPERATION, LOGIN_LINKS_PATH, {
        principalId: principal.objectId,
        expiresOn: new Date(record.expiresAt).toISOString(),
      });
      return { code, expiresAt: record.expiresAt };
    });
  }

  /** Consumes the code (compare-and-set: of two racing browsers, one wins) and returns the principal it signs in. */
  async redeem(tenantId: string, code: string): Promise<PrincipalRecord> {
    if (code.length === 0 || code.length > MAX_CODE_LENGTH) throw unusable();
    const record = await this.store.loginCodes.consume(hashSecret(code), this.clock.now());
    if (!record) throw unusable();
    // The code is spent even so: a link opened against another tenant has been altered, and a
    // code that was shown to the wrong place is not given a second chance.
    if (record.tenantId.toLowerCase() !== tenantId.toLowerCase()) {
      throw new DomainError(
        'unauthenticated',
        "This login link was made for another tenant and has been used up. Open a new link from 'openmi portal' exactly as printed.",
        { code: INVALID_LOGIN_LINK },
      );
    }
    const principal = await this.store.principals.getByObjectId(record.principalObjectId);
    if (!principal || principal.tenantId.toLowerCase() !== tenantId.toLowerCase()) {
      throw new DomainError(
        'unauthenticated',
        "The principal this login link was made for no longer exists. Run 'openmi portal' as an existing principal for a new link.",
        { code: INVALID_LOGIN_LINK },
      );
    }
    // A code is a credential derived from the token that asked for it: revoking the principal's
    // tokens revokes it too, or a stolen token could outlive revokeTokens by minting a link first.
    const revocation = await this.store.tokenRevocations.get(principal.objectId);
    if (revocation && record.createdAt <= revocation.revokedAt) {
      throw new DomainError(
        'unauthenticated',
        "This login link was made before its principal's tokens were revoked, and was revoked with them. Run 'openmi portal' with a new token for a new link.",
        { code: INVALID_LOGIN_LINK },
      );
    }
    return principal;
  }
}
