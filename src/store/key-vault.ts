import type { GloballyNamedResourceRepo } from './store.js';

/** A `Microsoft.KeyVault/vaults` resource. Vault names are global (each is a host name), so `name` is unique. */
export interface KeyVaultRecord {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  tenantId: string;
  sku: string;
  createdAt: number;
  updatedAt: number;
}

/** One version of a secret. The value is sealed with the master key; the store never sees it in clear. */
export interface SecretVersionRecord {
  vaultId: string;
  name: string;
  /** 32 lower-case hex characters. */
  version: string;
  sealedValue: string;
  contentType: string | null;
  tags: Record<string, string>;
  enabled: boolean;
  /** Milliseconds since the epoch, or null. */
  notBefore: number | null;
  expires: number | null;
  createdAt: number;
  updatedAt: number;
}

/** A soft-deleted secret: all its versions stay in place until purge. */
export interface DeletedSecretRecord {
  vaultId: string;
  name: string;
  deletedAt: number;
  scheduledPurgeAt: number;
}

/** `update` replaces tags, sku and updatedAt; `delete` takes every secret of the vault with it. */
export type KeyVaultRepo = GloballyNamedResourceRepo<KeyVaultRecord>;

export interface KeyVaultSecretRepo {
  /** Throws conflict when the version exists. */
  putVersion(s: SecretVersionRecord): Promise<void>;
  /** Replaces contentType, tags, enabled, notBefore, expires, updatedAt. Returns false when absent. */
  updateVersion(s: SecretVersionRecord): Promise<boolean>;
  getVersion(vaultId: string, name: string, version: string): Promise<SecretVersionRecord | undefined>;
  /** The newest version (by createdAt, then version), deleted or not. */
  latest(vaultId: string, name: string): Promise<SecretVersionRecord | undefined>;
  /** Newest first. */
  listVersions(vaultId: string, name: string): Promise<SecretVersionRecord[]>;
  /** The newest version of every secret of the vault, ordered by lower-cased name, soft-deleted ones included. */
  listLatest(vaultId: string): Promise<SecretVersionRecord[]>;
  /** Throws conflict when the secret is already deleted. */
  markDeleted(d: DeletedSecretRecord): Promise<void>;
  getDeleted(vaultId: string, name: string): Promise<DeletedSecretRecord | undefined>;
  /** Ordered by lower-cased name. */
  listDeleted(vaultId: string): Promise<DeletedSecretRecord[]>;
  /** Removes the deleted mark. Returns false when not deleted. */
  recover(vaultId: string, name: string): Promise<boolean>;
  /** Removes a deleted secret and all its versions. Returns false when not deleted. */
  purge(vaultId: string, name: string): Promise<boolean>;
}

/**
 * One version of a key or certificate. `doc` is the public part as JSON text (the service owns its
 * shape); `sealed` the private part, sealed with the master key before it reaches the store.
 */
export interface VaultObjectVersion {
  vaultId: string;
  name: string;
  /** 32 lower-case hex characters. */
  version: string;
  doc: string;
  sealed: string | null;
  createdAt: number;
}

/** A soft-deleted key or certificate: its versions stay in place until purge. */
export type DeletedVaultObject = DeletedSecretRecord;

/** Keys (`keyVaultKeys`) and certificates (`keyVaultCertificates`): same rules as secrets. */
export interface VaultObjectRepo {
  /** Throws conflict when the version exists. */
  putVersion(o: VaultObjectVersion): Promise<void>;
  /** Replaces `doc`. Returns false when absent. */
  updateDoc(vaultId: string, name: string, version: string, doc: string): Promise<boolean>;
  getVersion(vaultId: string, name: string, version: string): Promise<VaultObjectVersion | undefined>;
  /** The newest version (by createdAt, then version), deleted or not. */
  latest(vaultId: string, name: string): Promise<VaultObjectVersion | undefined>;
  /** Newest first. */
  listVersions(vaultId: string, name: string): Promise<VaultObjectVersion[]>;
  /** The newest version of every object, ordered by lower-cased name, soft-deleted ones included. */
  listLatest(vaultId: string): Promise<VaultObjectVersion[]>;
  /** Throws conflict when already deleted. */
  markDeleted(d: DeletedVaultObject): Promise<void>;
  getDeleted(vaultId: string, name: string): Promise<DeletedVaultObject | undefined>;
  /** Ordered by lower-cased name. */
  listDeleted(vaultId: string): Promise<DeletedVaultObject[]>;
  /** Removes the deleted mark. Returns false when not deleted. */
  recover(vaultId: string, name: string): Promise<boolean>;
  /** Removes a deleted object and all its versions. Two statements: call inside `tx`. */
  purge(vaultId: string, name: string): Promise<boolean>;
}

/** A key's rotation policy: `policy` is its JSON text (the service owns its shape). */
export interface KeyRotationPolicyRecord {
  vaultId: string;
  name: string;
  policy: string;
  /** Whether the policy has a Rotate action: housekeeping lists only these. */
  autoRotate: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface KeyRotationPolicyRepo {
  /** Inserts or replaces the key's policy (createdAt kept on replace). */
  put(p: KeyRotationPolicyRecord): Promise<void>;
  get(vaultId: string, name: string): Promise<KeyRotationPolicyRecord | undefined>;
  delete(vaultId: string, name: string): Promise<boolean>;
  /** Policies with a Rotate action, ordered by vault then lower-cased name, after `after` when given. */
  listAutoRotate(limit: number, after?: { vaultId: string; name: string }): Promise<KeyRotationPolicyRecord[]>;
}
