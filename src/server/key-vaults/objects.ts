import { randomBytes } from 'node:crypto';
import type { Clock } from '../../kernel/clock.js';
import type { Store } from '../../store/store.js';
import type { DeletedVaultObject, KeyVaultRecord, VaultObjectRepo, VaultObjectVersion } from '../../store/key-vault.js';
import { KeyVaultError } from './errors.js';
import { RECOVERABLE_DAYS } from './secrets.js';

const DAY_MS = 86_400_000;

/** Attributes every key and certificate version carries (times in milliseconds, or null). */
export interface ObjectAttributes {
  enabled: boolean;
  notBefore: number | null;
  expires: number | null;
  updatedAt: number;
  tags: Record<string, string>;
}

/** One version with its public document parsed. */
export type Versioned<D> = Omit<VaultObjectVersion, 'doc'> & { doc: D };
export type Deleted<D> = { latest: Versioned<D>; deleted: DeletedVaultObject };

/**
 * The soft-delete and versioning rules Key Vault applies to keys and certificates as to secrets
 * (https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview): a deleted object
 * hides every version until recovered or purged, and its name cannot be reused meanwhile.
 */
export class VaultObjects<D extends ObjectAttributes> {
  constructor(
    private readonly store: Store,
    private readonly pick: (s: Pick<Store, 'keyVaultKeys' | 'keyVaultCertificates'>) => VaultObjectRepo,
    private readonly clock: Clock,
    private readonly what: 'key' | 'certificate',
  ) {}

  private get repo(): VaultObjectRepo {
    return this.pick(this.store);
  }

  notFound(name: string, version?: string): KeyVaultError {
    const code = this.what === 'key' ? 'KeyNotFound' : 'CertificateNotFound';
    const label = this.what === 'key' ? 'A key' : 'A certificate';
    return new KeyVaultError(
      code,
      `${label} with (name/id) ${name}${version ? `/${version}` : ''} was not found in this key vault.`,
    );
  }

  private parse(o: VaultObjectVersion): Versioned<D> {
    return { ...o, doc: JSON.parse(o.doc) as D };
  }

  /** A new version; refused while the name is soft-deleted, as Key Vault does. */
  async add(
    v: KeyVaultRecord,
    name: string,
    doc: Omit<D, 'updatedAt'>,
    sealed: string | null,
    version = newVersion(),
  ): Promise<Versioned<D>> {
    if (await this.repo.getDeleted(v.id, name))
      throw new KeyVaultError(
        'Conflict',
        `${this.what === 'key' ? 'Key' : 'Certificate'} ${name} is currently in a deleted but recoverable state; it can only be recovered or purged.`,
        'ObjectIsDeletedButRecoverable',
      );
    const prev = await this.repo.latest(v.id, name);
    // Strictly increasing per name, so "latest" never depends on two writes in the same millisecond.
    const now = Math.max(this.clock.now(), (prev?.createdAt ?? 0) + 1);
    const full = { ...doc, updatedAt: now } as D;
    const rec = { vaultId: v.id, name: prev?.name ?? name, version, sealed, createdAt: now };
    await this.repo.putVersion({ ...rec, doc: JSON.stringify(full) });
    return { ...rec, doc: full };
  }

  async get(v: KeyVaultRecord, name: string, version?: string): Promise<Versioned<D>> {
    if (await this.repo.getDeleted(v.id, name)) throw this.notFound(name, version);
    const rec = version ? await this.repo.getVersion(v.id, name, version) : await this.repo.latest(v.id, name);
    if (!rec) throw this.notFound(name, version);
    return this.parse(rec);
  }

  async replaceDoc(rec: Versioned<D>, doc: D): Promise<Versioned<D>> {
    const next = { ...doc, updatedAt: Math.max(this.clock.now(), rec.doc.updatedAt) };
    await this.repo.updateDoc(rec.vaultId, rec.name, rec.version, JSON.stringify(next));
    return { ...rec, doc: next };
  }

  async list(v: KeyVaultRecord): Promise<Versioned<D>[]> {
    const deleted = new Set((await this.repo.listDeleted(v.id)).map((d) => d.name.toLowerCase()));
    return (await this.repo.listLatest(v.id))
      .filter((o) => !deleted.has(o.name.toLowerCase()))
      .map((o) => this.parse(o));
  }

  async versions(v: KeyVaultRecord, name: string): Promise<Versioned<D>[]> {
    if (await this.repo.getDeleted(v.id, name)) throw this.notFound(name);
    const all = await this.repo.listVersions(v.id, name);
    if (!all.length) throw this.notFound(name);
    return all.map((o) => this.parse(o));
  }

  async delete(v: KeyVaultRecord, name: string): Promise<Deleted<D>> {
    const latest = await this.get(v, name);
    const now = this.clock.now();
    const deleted = {
      vaultId: v.id,
      name: latest.name,
      deletedAt: now,
      scheduledPurgeAt: now + RECOVERABLE_DAYS * DAY_MS,
    };
    await this.repo.markDeleted(deleted);
    return { latest, deleted };
  }

  async getDeleted(v: KeyVaultRecord, name: string): Promise<Deleted<D>> {
    const deleted = await this.repo.getDeleted(v.id, name);
    const latest = deleted && (await this.repo.latest(v.id, name));
    if (!deleted || !latest) throw this.notFound(name);
    return { latest: this.parse(latest), deleted };
  }

  async listDeleted(v: KeyVaultRecord): Promise<Deleted<D>[]> {
    const out = [];
    for (const d of await this.repo.listDeleted(v.id)) {
      const latest = await this.repo.latest(v.id, d.name);
      if (latest) out.push({ latest: this.parse(latest), deleted: d });
    }
    return out;
  }

  async recover(v: KeyVaultRecord, name: string): Promise<Versioned<D>> {
    const { latest } = await this.getDeleted(v, name);
    await this.repo.recover(v.id, name);
    return latest;
  }

  async purge(v: KeyVaultRecord, name: string): Promise<void> {
    const ok = await this.store.tx((tx) => this.pick(tx).purge(v.id, name));
    if (!ok) throw this.notFound(name);
  }
}

export const newVersion = (): string => randomBytes(16).toString('hex');

/** tags and attributes of a create, import or update body; times arrive as Unix seconds. */
export function applyAttributes(
  rec: Omit<ObjectAttributes, 'updatedAt'>,
  input: { tags?: unknown; attributes?: unknown },
): void {
  if (input.tags !== undefined) rec.tags = checkTags(input.tags);
  const a = input.attributes as { enabled?: unknown; nbf?: unknown; exp?: unknown } | undefined | null;
  if (a === undefined || a === null) return;
  if (typeof a !== 'object') throw new KeyVaultError('BadParameter', "'attributes' must be an object.");
  if (a.enabled !== undefined) rec.enabled = a.enabled !== false;
  if (a.nbf !== undefined) rec.notBefore = seconds(a.nbf, 'nbf');
  if (a.exp !== undefined) rec.expires = seconds(a.exp, 'exp');
}

function seconds(v: unknown, what: string): number | null {
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new KeyVaultError('BadParameter', `'attributes.${what}' must be Unix seconds.`);
  return v * 1000;
}

function checkTags(tags: unknown): Record<string, string> {
  if (tags === null) return {};
  if (
    typeof tags !== 'object' ||
    Array.isArray(tags) ||
    !Object.values(tags as object).every((t) => typeof t === 'string')
  )
    throw new KeyVaultError('BadParameter', "'tags' must be an object of strings.");
  return { ...(tags as Record<string, string>) };
}
