import { randomBytes } from 'node:crypto';
import { seal, unseal } from '../../kernel/sealing.js';
import type { Clock } from '../../kernel/clock.js';
import type { Store } from '../../store/store.js';
import type { DeletedSecretRecord, KeyVaultRecord, SecretVersionRecord } from '../../store/key-vault.js';
import { KeyVaultError } from './errors.js';

/** Soft-deleted secrets stay recoverable this long (Azure's default and maximum). */
export const RECOVERABLE_DAYS = 90;
const DAY_MS = 86_400_000;

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

/** Secret versions of one vault: rules of the Key Vault secrets API over the store; values sealed at rest. */
export class SecretService {
  constructor(
    private readonly store: Store,
    private readonly masterKey: Buffer,
    private readonly clock: Clock,
  ) {}

  /** `version` is given for a certificate's secret, which shares the certificate's version. */
  async set(
    v: KeyVaultRecord,
    name: string,
    input: SecretInput,
    version = randomBytes(16).toString('hex'),
  ): Promise<SecretVersionRecord> {
    if (typeof input.value !== 'string')
      throw new KeyVaultError('BadParameter', "The request body must carry the secret's 'value' as a string.");
    if (await this.store.keyVaultSecrets.getDeleted(v.id, name)) {
      throw new KeyVaultError(
        'Conflict',
        `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.`,
        'ObjectIsDeletedButRecoverable',
      );
    }
    const prev = await this.store.keyVaultSecrets.latest(v.id, name);
    // Strictly increasing per secret, so "latest" never depends on two writes in the same millisecond.
    const now = Math.max(this.clock.now(), (prev?.createdAt ?? 0) + 1);
    const rec: SecretVersionRecord = {
      vaultId: v.id,
      name: prev?.name ?? name,
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
    if (await this.store.keyVaultSecrets.getDeleted(v.id, name)) throw notFound(name, version);
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

  async list(v: KeyVaultRecord): Promise<SecretVersionRecord[]> {
    const deleted = new Set((await this.store.keyVaultSecrets.listDeleted(v.id)).map((d) => d.name.toLowerCase()));
    return (await this.store.keyVaultSecrets.listLatest(v.id)).filter((s) => !deleted.has(s.name.toLowerCase()));
  }

  async versions(v: KeyVaultRecord, name: string): Promise<SecretVersionRecord[]> {
    if (await this.store.keyVaultSecrets.getDeleted(v.id, name)) throw notFound(name);
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

  async delete(
    v: KeyVaultRecord,
    name: string,
  ): Promise<{ latest: SecretVersionRecord; deleted: DeletedSecretRecord }> {
    const latest = await this.get(v, name);
    const now = this.clock.now();
    const deleted = {
      vaultId: v.id,
      name: latest.name,
      deletedAt: now,
      scheduledPurgeAt: now + RECOVERABLE_DAYS * DAY_MS,
    };
    await this.store.keyVaultSecrets.markDeleted(deleted);
    return { latest, deleted };
  }

  async getDeleted(
    v: KeyVaultRecord,
    name: string,
  ): Promise<{ latest: SecretVersionRecord; deleted: DeletedSecretRecord }> {
    const deleted = await this.store.keyVaultSecrets.getDeleted(v.id, name);
    const latest = deleted && (await this.store.keyVaultSecrets.latest(v.id, name));
    if (!deleted || !latest) throw new KeyVaultError('SecretNotFound', `Deleted Secret not found: ${name}`);
    return { latest, deleted };
  }

  async listDeleted(v: KeyVaultRecord): Promise<{ latest: SecretVersionRecord; deleted: DeletedSecretRecord }[]> {
    const out = [];
    for (const d of await this.store.keyVaultSecrets.listDeleted(v.id)) {
      const latest = await this.store.keyVaultSecrets.latest(v.id, d.name);
      if (latest) out.push({ latest, deleted: d });
    }
    return out;
  }

  async recover(v: KeyVaultRecord, name: string): Promise<SecretVersionRecord> {
    const { latest } = await this.getDeleted(v, name);
    await this.store.keyVaultSecrets.recover(v.id, name);
    return latest;
  }

  async purge(v: KeyVaultRecord, name: string): Promise<void> {
    const ok = await this.store.tx((tx) => tx.keyVaultSecrets.purge(v.id, name));
    if (!ok) throw new KeyVaultError('SecretNotFound', `Deleted Secret not found: ${name}`);
  }
}

/** contentType, tags and attributes from a set/update body; times arrive as Unix seconds. */
function applyProperties(rec: SecretVersionRecord, input: SecretInput): void {
  if (input.contentType !== undefined)
    rec.contentType = typeof input.contentType === 'string' ? input.contentType : null;
  if (input.tags !== undefined) rec.tags = checkTags(input.tags);
  const a = input.attributes;
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
  ) {
    throw new KeyVaultError('BadParameter', "'tags' must be an object of strings.");
  }
  return { ...(tags as Record<string, string>) };
}
