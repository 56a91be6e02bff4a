import { randomBytes } from 'node:crypto';
import { seal, unseal } from '../../kernel/sealing.js';
import type { Clock } from '../../kernel/clock.js';
import type { Store } from '../../store/store.js';
import type { KeyVaultRecord, SecretVersionRecord } from '../../store/key-vault.js';
import { KeyVaultError } from './errors.js';
import { applyAttributes } from './objects.js';
import { SoftDelete, type Deleted } from './soft-delete.js';

export interface SecretInput {
  value?: unknown;
  contentType?: unknown;
  tags?: unknown;
  attributes?: { enabled?: unknown; nbf?: unknown; exp?: unknown };
}

const notFound = (name: string, version?: string): KeyVaultError =>
  new KeyVaultError(
    'SecretNotFound',
    `A secret with (name/id) ${name}${version ? `/${version}` : ''} was not found in this key vault.`,
  );

/** The additional data binds a sealed value to its row, so values cannot be swapped between secrets. */
const aadOf = (vaultId: string, name: string, version: string): string =>
  `keyvault-secret:${vaultId.toLowerCase()}/${name.toLowerCase()}/${version}`;

const deletedNotFound = (name: string): KeyVaultError =>
  new KeyVaultError('SecretNotFound', `Deleted Secret not found: ${name}`);

/** Secret versions of one vault: rules of the Key Vault secrets API over the store; values sealed at rest. */
export class SecretService {
  private readonly soft: SoftDelete<SecretVersionRecord>;

  constructor(
    private readonly store: Store,
    private readonly masterKey: Buffer,
    private readonly clock: Clock,
  ) {
    this.soft = new SoftDelete(store, (s) => s.keyVaultSecrets, clock, deletedNotFound);
  }

  /** `version` is given for a certificate's secret, which shares the certificate's version. */
  async set(
    v: KeyVaultRecord,
    name: string,
    input: SecretInput,
    version = randomBytes(16).toString('hex'),
  ): Promise<SecretVersionRecord> {
    if (typeof input.value !== 'string')
      throw new KeyVaultError('BadParameter', "The request body must carry the secret's 'value' as a string.");
    const { name: stored, createdAt: now } = await this.soft.nextVersion(
      v.id,
      name,
      `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.`,
    );
    const rec: SecretVersionRecord = {
      vaultId: v.id,
      name: stored,
      version,
      sealedValue: seal(this.masterKey, Buffer.from(input.value, 'utf8'), aadOf(v.id, name, version)),
      contentType: null,
      tags: {},
      enabled: true,
      notBefore: null,
      expires: null,
      createdAt: now,
      updatedAt: now,
    };
    applyProperties(rec, input);
    await this.store.keyVaultSecrets.putVersion(rec);
    return rec;
  }

  /** A live (not soft-deleted) version: the latest when `version` is empty. */
  async get(v: KeyVaultRecord, name: string, version?: string): Promise<SecretVersionRecord> {
    if (await this.soft.isDeleted(v.id, name)) throw notFound(name, version);
    const rec = version
      ? await this.store.keyVaultSecrets.getVersion(v.id, name, version)
      : await this.store.keyVaultSecrets.latest(v.id, name);
    if (!rec) throw notFound(name, version);
    return rec;
  }

  /** Disabled versions keep their metadata readable but not their value, as in Azure. */
  valueOf(rec: SecretVersionRecord): string {
    if (!rec.enabled)
      throw new KeyVaultError('Forbidden', `Operation get is not allowed on a disabled secret.`, 'SecretDisabled');
    return unseal(this.masterKey, rec.sealedValue, aadOf(rec.vaultId, rec.name, rec.version)).toString('utf8');
  }

  list(v: KeyVaultRecord): Promise<SecretVersionRecord[]> {
    return this.soft.listLive(v.id);
  }

  async versions(v: KeyVaultRecord, name: string): Promise<SecretVersionRecord[]> {
    if (await this.soft.isDeleted(v.id, name)) throw notFound(name);
    return this.store.keyVaultSecrets.listVersions(v.id, name);
  }

  async update(
    v: KeyVaultRecord,
    name: string,
    version: string | undefined,
    input: SecretInput,
  ): Promise<SecretVersionRecord> {
    const rec = await this.get(v, name, version);
    const next = { ...rec, updatedAt: Math.max(this.clock.now(), rec.updatedAt) };
    applyProperties(next, input);
    await this.store.keyVaultSecrets.updateVersion(next);
    return next;
  }

  async delete(v: KeyVaultRecord, name: string): Promise<Deleted<SecretVersionRecord>> {
    return this.soft.delete(v.id, await this.get(v, name));
  }

  getDeleted(v: KeyVaultRecord, name: string): Promise<Deleted<SecretVersionRecord>> {
    return this.soft.getDeleted(v.id, name);
  }

  listDeleted(v: KeyVaultRecord): Promise<Deleted<SecretVersionRecord>[]> {
    return this.soft.listDeleted(v.id);
  }

  recover(v: KeyVaultRecord, name: string): Promise<SecretVersionRecord> {
    return this.soft.recover(v.id, name);
  }

  purge(v: KeyVaultRecord, name: string): Promise<void> {
    return this.soft.purge(v.id, name);
  }
}

/** contentType, then tags and attributes as keys and certificates take them (objects.ts). */
function applyProperties(rec: SecretVersionRecord, input: SecretInput): void {
  if (input.contentType !== undefined)
    rec.contentType = typeof input.contentType === 'string' ? input.contentType : null;
  applyAttributes(rec, input);
}
