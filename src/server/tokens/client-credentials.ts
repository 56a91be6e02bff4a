import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../kernel/clock.js';
import { DomainError } from '../../kernel/errors.js';
import type { PrincipalRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';

export const hashSecret = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

/** Why a client could not be authenticated; the OAuth surface maps each to an AADSTS code. */
export type ClientFailure = 'unknown_client' | 'bad_secret' | 'unknown_tenant';

const fail = (reason: ClientFailure, message: string) => new DomainError('unauthenticated', message, { code: reason });

/**
 * Authenticates an application with a client secret. Secrets are compared as SHA-256 digests in
 * constant time, and every stored secret is checked so timing does not reveal which matched.
 */
export async function authenticateClientSecret(
  store: Store,
  clock: Clock,
  tenantId: string,
  clientId: string,
  secret: string,
): Promise<PrincipalRecord> {
  const found = await store.principals.getByAppIdWithSecrets(clientId);
  if (!found || found.principal.tenantId !== tenantId || found.principal.kind !== 'application') {
    throw fail(
      'unknown_client',
      `Application with identifier '${clientId.slice(0, 80)}' was not found in the directory '${tenantId}'. Check the client id and the tenant in the authority URL.`,
    );
  }
  const { principal, secrets } = found;
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const now = clock.now();
  let ok = false;
  for (const s of secrets) {
    const live = s.expiresAt === null || s.expiresAt > now;
    const same = timingSafeEqual(presented, Buffer.from(s.hash, 'hex'));
    ok = ok || (live && same);
  }
  if (!ok) {
    throw fail(
      'bad_secret',
      `Invalid client secret provided for application '${clientId}'. Ensure the secret being sent is the client secret value, not its id; openmi env --admin prints the bootstrap admin's.`,
    );
  }
  return principal;
}
