import type { Clock } from '../../kernel/clock.js';
import type { Store } from '../../store/store.js';
import type { DeletedVaultObject } from '../../store/key-vault.js';
import { KeyVaultError } from './errors.js';

/** Soft-deleted objects stay recoverable this long (Azure's default and maximum). */
export const RECOVERABLE_DAYS = 90;
const DAY_MS = 86_400_000;

/** What soft delete needs of a store repo: the secrets repo and the key and certificate repos all fit. */
interface SoftDeleteRepo<R> {
  latest(vaultId: string, name: string): Promise<R | undefined>;
  listLatest(vaultId: string): Promise<R[]>;
  markDeleted(d: DeletedVaultObject): Promise<void>;
  getDeleted(vaultId: string, name: string): Promise<DeletedVaultObject | undefined>;
  listDeleted(vaultId: string): Promise<DeletedVaultObject[]>;
  recover(vaultId: string, name: string): Promise<boolean>;
  purge(vaultId: string, name: string): Promise<boolean>;
}
type Repos = Pick<Store, 'keyVaultSecrets' | 'keyVaultKeys' | 'keyVaultCertificates'>;

export type Deleted<R> = { latest: R; deleted: DeletedVaultObject };

/**
 * The soft-delete and versioning rules Key Vault applies alike to secrets, keys and certificates
 * (https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview): a deleted object
 * hides every version until recovered or purged, and its name cannot be reused meanwhile.
 * The services keep their own error wording; this keeps the rules in one place.
 */
export class SoftDelete<R extends { name: string; createdAt: number }> {
  constructor(
    private readonly store: Store,
    private readonly pick: (s: Repos) => SoftDeleteRepo<R>,
    private readonly clock: Clock,
    /** The error for a name that is not soft-deleted, from getDeleted, recover and purge. */
    private readonly notDeleted: (name: string) => KeyVaultError,
  ) {}

  private get repo(): SoftDeleteRepo<R> {
    return this.pick(this.store);
  }

  async isDeleted(vaultId: string, name: string): Promise<boolean> {
    return (await this.repo.getDeleted(vaultId, name)) !== undefined;
  }

  /**
   * The stored name and creation time of a new version, refused (with the service's `conflict`
   * message) while the name is soft-deleted. The first version's spelling of the name wins.
   */
  async nextVersion(vaultId: string, name: string, conflict: string): Promise<{ name: string; createdAt: number }> {
    if (await this.isDeleted(vaultId, name))
      throw new KeyVaultError('Conflict', conflict, 'ObjectIsDeletedButRecoverable');
    const prev = await this.repo.latest(vaultId, name);
    // Strictly increasing per name, so "latest" never depends on two writes in the same millisecond.
    return { name: prev?.name ?? name, createdAt: Math.max(this.clock.now(), (prev?.createdAt ?? 0) + 1) };
  }

  /** The newest version of every object that is not soft-deleted. */
  async listLive(vaultId: string): Promise<R[]> {
    const deleted = new Set((await this.repo.listDeleted(vaultId)).map((d) => d.name.toLowerCase()));
    return (await this.repo.listLatest(vaultId)).filter((o) => !deleted.has(o.name.toLowerCase()));
  }

  /** `latest` is the live object's newest version, as the caller has just read (and parsed) it. */
  async delete<L extends { name: string }>(vaultId: string, latest: L): Promise<Deleted<L>> {
    const now = this.clock.now();
    const deleted = { vaultId, name: latest.name, deletedAt: now, scheduledPurgeAt: now + RECOVERABLE_DAYS * DAY_MS };
    await this.repo.markDeleted(deleted);
    return { latest, deleted };
  }

  async getDeleted(vaultId: string, name: string): Promise<Deleted<R>> {
    const deleted = await this.repo.getDeleted(vaultId, name);
    const latest = deleted && (await this.repo.latest(vaultId, name));
    if (!deleted || !latest) throw this.notDeleted(name);
    return { latest, deleted };
  }

  async listDeleted(vaultId: string): Promise<Deleted<R>[]> {
    const out = [];
    for (const d of await this.repo.listDeleted(vaultId)) {
      const latest = await this.repo.latest(vaultId, d.name);
      if (latest) out.push({ latest, deleted: d });
    }
    return out;
  }

  async recover(vaultId: string, name: string): Promise<R> {
    const { latest } = await this.getDeleted(vaultId, name);
    await this.repo.recover(vaultId, name);
    return latest;
  }

  /** Every version goes, in one transaction (the repos' purge is two statements). */
  async purge(vaultId: string, name: string): Promise<void> {
    const ok = await this.store.tx((tx) => this.pick(tx).purge(vaultId, name));
    if (!ok) throw this.notDeleted(name);
  }
}
