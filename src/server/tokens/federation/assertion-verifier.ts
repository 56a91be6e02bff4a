import type { Clock } from '../../../kernel/clock.js';
import { DomainError } from '../../../kernel/errors.js';
import type { FederatedCredentialRecord, PrincipalRecord, UserAssignedIdentityRecord } from '../../../store/records.js';
import type { FederatedCredentialRepo, PrincipalRepo, UserAssignedIdentityRepo } from '../../../store/store.js';
import { JwtVerifyError, show, type JwtFailureCode } from '../jwt/errors.js';
import type { JwtClaims } from '../jwt/verify.js';
import { peekAssertion, verifyAssertion, type UnverifiedAssertion } from './assertion-jwt.js';
import type { IssuerKeys, IssuerKeySet } from './issuer-keys.js';

/** RFC 7523 §2.2: the only client_assertion_type a federated exchange accepts. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Why a federated exchange was refused; the OAuth surface maps each to an AADSTS code. */
export type FederationFailure =
  | 'unknown_identity'
  | 'no_matching_federated_credential'
  | 'assertion_audience'
  | 'assertion_malformed'
  | 'assertion_signature'
  | 'assertion_lifetime'
  | 'issuer_keys_unavailable';

/** Entra allows 5 minutes of skew on client assertions; external issuers' clocks are not ours to fix. */
export const ASSERTION_CLOCK_SKEW_SECONDS = 300;
/** How many of an identity's credentials a "no match" message lists. */
const LISTED_CREDENTIALS = 20;

const JWT_FAILURES: Record<JwtFailureCode, FederationFailure> = {
  malformed: 'assertion_malformed',
  alg_not_allowed: 'assertion_signature',
  unknown_kid: 'assertion_signature',
  bad_signature: 'assertion_signature',
  expired: 'assertion_lifetime',
  not_yet_valid: 'assertion_lifetime',
  wrong_issuer: 'assertion_malformed',
  wrong_audience: 'assertion_audience',
  wrong_tenant: 'assertion_malformed',
  // Not produced here (assertions are not openmi access tokens); listed because the map is total.
  revoked: 'assertion_malformed',
};

export interface FederationStore {
  identities: Pick<UserAssignedIdentityRepo, 'getByClientId'>;
  principals: Pick<PrincipalRepo, 'getByObjectId'>;
  federatedCredentials: Pick<FederatedCredentialRepo, 'findByIssuerSubject' | 'list'>;
}

export interface FederatedGrant {
  identity: UserAssignedIdentityRecord;
  principal: PrincipalRecord;
  credential: FederatedCredentialRecord;
  claims: JwtClaims;
}

const fail = (code: FederationFailure, message: string) => new DomainError('unauthenticated', message, { code });

/**
 * Exchanges an external workload's JWT for the identity of a user-assigned managed identity
 * (Entra's federated identity credentials). Order: identity, the assertion's own iss/sub/aud
 * against the identity's credentials, and only then the signature, with keys chosen by the
 * credential's issuer — never by anything else in the token.
 */
export class FederatedAssertionVerifier {
  constructor(private readonly d: { store: FederationStore; keys: IssuerKeys; clock: Clock }) {}

  async verify(tenantId: string, clientId: string, rawAssertion: string): Promise<FederatedGrant> {
    const identity = await this.d.store.identities.getByClientId(clientId);
    if (!identity || identity.tenantId !== tenantId) {
      throw fail(
        'unknown_identity',
        `No user-assigned managed identity with client id ${show(clientId)} exists in tenant '${tenantId}'. Use the identity's clientId (properties.clientId), and the tenant it was created in.`,
      );
    }
    // Python's azure-identity may pass the token file's trailing newline along.
    const assertion = rawAssertion.trim();
    const seen = guard(() => peekAssertion(assertion));
    const credential = await this.matchCredential(identity, seen);
    if (!seen.aud.some((a) => credential.audiences.includes(a))) {
      throw fail(
        'assertion_audience',
        `The assertion audience ${show(seen.aud.length === 1 ? seen.aud[0] : seen.aud)} does not match the audience of federated credential '${credential.name}': expected ${credential.audiences.map((a) => `'${a}'`).join(', ')}.`,
      );
    }
    const claims = await this.verifySignature(assertion, credential);
    const principal = await this.d.store.principals.getByObjectId(identity.principalId);
    if (!principal)
      throw fail(
        'unknown_identity',
        `The service principal '${identity.principalId}' of identity '${identity.name}' is missing from the directory.`,
      );
    return { identity, principal, credential, claims };
  }

  private async matchCredential(
    identity: UserAssignedIdentityRecord,
    seen: UnverifiedAssertion,
  ): Promise<FederatedCredentialRecord> {
    const candidates = await this.d.store.federatedCredentials.findByIssuerSubject(seen.iss, seen.sub);
    const own = identity.id.toLowerCase();
    const match = candidates.find((c) => c.identityId.toLowerCase() === own);
    if (match) return match;
    // Only the count: anyone who knows a client id (not a secret) can call this before any
    // signature check, so the identity's trusted issuers and subjects are not disclosed here.
    const page = await this.d.store.federatedCredentials.list(identity.id, LISTED_CREDENTIALS);
    const count =
      page.items.length === 0
        ? 'no federated credentials'
        : `${page.items.length}${page.next ? '+' : ''} federated credential(s), none with this issuer and subject`;
    throw fail(
      'no_matching_federated_credential',
      `No matching federated identity record found for presented assertion. Assertion issuer: ${show(seen.iss)}, subject: ${show(seen.sub)}. The identity '${identity.name}' has ${count}; an administrator can list them with 'openmi identity federated-credential list'.`,
    );
  }

  private async verifySignature(assertion: string, credential: FederatedCredentialRecord): Promise<JwtClaims> {
    const set = await this.d.keys.forIssuer(credential.issuer);
    try {
      return this.verifyWith(assertion, credential, set);
    } catch (e) {
      if (!(e instanceof DomainError) || e.details?.['jwtFailure'] !== 'unknown_kid') throw e;
      // A kid we have not seen may be a freshly rotated key: re-read the source once.
      const fresh = await this.d.keys.refresh(credential.issuer, set);
      if (!fresh) throw e;
      return this.verifyWith(assertion, credential, fresh);
    }
  }

  private verifyWith(assertion: string, credential: FederatedCredentialRecord, set: IssuerKeySet): JwtClaims {
    const opts = {
      keyFor: (kid: string) => set.keyFor(kid),
      issuers: [credential.issuer],
      audiences: credential.audiences,
      clockSkewSeconds: ASSERTION_CLOCK_SKEW_SECONDS,
      nowSeconds: Math.floor(this.d.clock.now() / 1000),
    };
    return guard(() => verifyAssertion(assertion, opts).claims, ` (keys: ${set.describe})`);
  }
}

/** Runs a JWT step, turning JwtVerifyError into this module's failure codes. */
function guard<T>(fn: () => T, suffix = ''): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof JwtVerifyError)) throw e;
    throw new DomainError('unauthenticated', `The client assertion was refused: ${e.message}${suffix}.`, {
      code: JWT_FAILURES[e.code],
      details: { jwtFailure: e.code },
    });
  }
}
