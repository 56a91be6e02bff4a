import { randomBytes } from 'node:crypto';
import type { Clock } from '../../kernel/clock.js';
import type { Store } from '../../store/store.js';
import type { DeletedVaultObject, KeyVaultRecord, VaultObjectRepo, VaultObjectVersion } from '../../store/key-vault.js';
import { KeyVaultError } from './errors.js';
import { SoftDelete } from './soft-delete.js';

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

/** Versions of keys or certificates, their public part parsed, under Key Vault's soft delete (soft-delete.ts). */
export class VaultObjects<D extends ObjectAttributes> {
  private readonly soft: SoftDelete<VaultObjectVersion>;

  constructor(
    private readonly store: Store,
    private readonly pick: (s: Pick<Store, 'keyVaultKeys' | 'keyVaultCertificates'>) => VaultObjectRepo,
    private readonly clock: Clock,
    private readonly what: 'key' | 'certificate',
  ) {
    this.soft = new SoftDelete(store, pick, clock, (name) => this.notFound(name));
  }

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
    const next = await this.soft.nextVersion(
      v.id,
      name,
      `${this.what === 'key' ? 'Key' : 'Certificate'} ${name} is currently in a deleted but recoverable state; it can only be recovered or purged.`,
    );
    const full = { ...doc, updatedAt: next.createdAt } as D;
    const rec = { vaultId: v.id, name: next.name, version, sealed, createdAt: next.createdAt };
    await this.repo.putVersion({ ...rec, doc: JSON.stringify(full) });
    return { ...rec, doc: full };
  }

  async get(v: KeyVaultRecord, name: string, version?: string): Promise<Versioned<D>> {
    if (await this.soft.isDeleted(v.id, name)) throw this.notFound(name, version);
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
    return (await this.soft.listLive(v.id)).map((o) => this.parse(o));
  }

  async versions(v: KeyVaultRecord, name: string): Promise<Versioned<D>[]> {
    if (await this.soft.isDeleted(v.id, name)) throw this.notFound(name);
    const all = await this.repo.listVersions(v.id, name);
    if (!all.length) throw this.notFound(name);
    return all.map((o) => this.parse(o));
  }

  async delete(v: KeyVaultRecord, name: string): Promise<Deleted<D>> {
    return this.soft.delete(v.id, await this.get(v, name));
  }

  async getDeleted(v: KeyVaultRecord, name: string): Promise<Deleted<D>> {
    return this.parseDeleted(await this.soft.getDeleted(v.id, name));
  }

  async listDeleted(v: KeyVaultRecord): Promise<Deleted<D>[]> {
    return (await this.soft.listDeleted(v.id)).map((d) => this.parseDeleted(d));
  }

  async recover(v: KeyVaultRecord, name: string): Promise<Versioned<D>> {
    return this.parse(await this.soft.recover(v.id, name));
  }

  purge(v: KeyVaultRecord, name: string): Promise<void> {
    return this.soft.purge(v.id, name);
  }

  private parseDeleted(d: { latest: VaultObjectVersion; deleted: DeletedVaultObject }): Deleted<D> {
    return { latest: this.parse(d.latest), deleted: d.deleted };
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
