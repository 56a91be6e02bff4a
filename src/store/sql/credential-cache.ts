import type { ClientSecretRecord, PrincipalRecord } from '../records.js';
import type { PrincipalRepo } from '../store.js';
import { lookupKey } from './columns.js';

type WithSecrets = { principal: PrincipalRecord; secrets: ClientSecretRecord[] };

/**
 * Runs one write to principals or client secrets between two bumps of the count. The first makes
 * every entry read before it unusable at once: on SQLite an autocommit statement runs, and is
 * visible, before its promise resolves after the fsync, and a cache hit meanwhile would still
 * serve the old rows. The second keeps out what a read made during the write picked up.
 */
export async function countedWrite<T>(bump: () => void, write: () => Promise<T>): Promise<T> {
  bump();
  try {
    return await write();
  } finally {
    bump();
  }
}

/**
 * Counts writes to principals and client secrets (the repositories bump it around each, with
 * `countedWrite`), so a cache of them can tell an entry read before a write from one read after.
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

/**
 * One count per database file in this process: two stores open on one file (a restart in tests)
 * must see each other's writes. Other processes are kept off the file by the data-dir lock.
 * ':memory:' stores share nothing, so each gets its own.
 */
const byFile = new Map<string, CredentialWrites>();

export function credentialWritesFor(path: string): CredentialWrites {
  if (path === ':memory:') return new CredentialWrites();
  let w = byFile.get(path);
  if (w === undefined) byFile.set(path, (w = new CredentialWrites()));
  return w;
}

/** Applications a busy server authenticates; past it the cache starts over (it only saves a read). */
const MAX_ENTRIES = 1024;

/**
 * The principal-with-secrets read every client_credentials request makes, remembered until the
 * next write to principals or client secrets. Only for a store that is the database's only
 * writer: SQLite, which the data-dir lock gives one process (docs/performance.md). On PostgreSQL
 * another node's write would not be seen, so that store does not use it.
 *
 * An entry is kept only if no write started or ended while it was read, and used only while none
 * has started since: a write bumps the count before its statement runs and after it returns, so
 * no entry from before the write is served once it has begun, and a read that started after the
 * last bump sees the write (or, in a transaction that rolls back, the unchanged rows). Secret
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
    // The repository's own key: the cache holds one entry per row the lookup can find.
    const key = lookupKey(appId);
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
