import type { ClientSecretRecord, PrincipalRecord } from '../records.js';
import type { PrincipalRepo } from '../store.js';

type WithSecrets = { principal: PrincipalRecord; secrets: ClientSecretRecord[] };

/**
 * Counts writes to principals and client secrets (the repositories call `bump` after each), so a
 * cache of them can tell an entry read before a write from one read after it.
 */
export class CredentialWrites {
  private n = 0;
  readonly bump = (): void => {
    this.n += 1;
  };
  get count(): number {
    return this.n;
  }
}

/** Applications a busy server authenticates; past it the cache starts over (it only saves a read). */
const MAX_ENTRIES = 1024;

/**
 * The principal-with-secrets read every client_credentials request makes, remembered until the
 * next write to principals or client secrets. Only for a store that is the database's only
 * writer: SQLite, which the data-dir lock gives one process (docs/performance.md). On PostgreSQL
 * another node's write would not be seen, so that store does not use it.
 *
 * An entry is kept only if no write happened while it was read, and used only while no write has
 * happened since: a write bumps the count after its statement ran, so a read that started after
 * the bump sees the write (or, in a transaction that rolls back, the unchanged rows). Secret
 * expiry is not cached: the caller compares `expiresAt` with its clock on every use. Only found
 * applications are kept, so unknown client ids cannot fill it.
 */
export class CachedPrincipalRepo implements PrincipalRepo {
  private readonly entries = new Map<string, { at: number; value: Readonly<WithSecrets> }>();

  constructor(
    private readonly inner: PrincipalRepo,
    private readonly writes: CredentialWrites,
  ) {}

  create(p: PrincipalRecord): Promise<void> {
    return this.inner.create(p);
  }

  getByObjectId(objectId: string): Promise<PrincipalRecord | undefined> {
    return this.inner.getByObjectId(objectId);
  }

  getByAppId(appId: string): Promise<PrincipalRecord | undefined> {
    return this.inner.getByAppId(appId);
  }

  delete(objectId: string): Promise<boolean> {
    return this.inner.delete(objectId);
  }

  async getByAppIdWithSecrets(appId: string): Promise<WithSecrets | undefined> {
    const key = appId.toLowerCase();
    const seen = this.writes.count;
    const hit = this.entries.get(key);
    if (hit !== undefined && hit.at === seen) return hit.value;
    const found = await this.inner.getByAppIdWithSecrets(appId);
    if (found === undefined || this.writes.count !== seen) return found;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    // Shared by every caller until the next write: frozen, so none can change what others get.
    const value = Object.freeze({
      principal: Object.freeze(found.principal),
      secrets: Object.freeze(found.secrets.map((s) => Object.freeze(s))) as ClientSecretRecord[],
    });
    this.entries.set(key, { at: seen, value });
    return value;
  }
}
