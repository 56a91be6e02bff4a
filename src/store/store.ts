import type {
  TenantRepo,
  SubscriptionRepo,
  ResourceGroupRepo,
  PrincipalRepo,
  ClientSecretRepo,
  RoleAssignmentRepo,
  RoleDefinitionRepo,
  SigningKeyRepo,
  TokenRevocationRepo,
  FederationIssuerRepo,
  LoginCodeRepo,
} from './directory-repos.js';
import type {
  UserAssignedIdentityRepo,
  FederatedCredentialRepo,
  ComputeResourceRepo,
  JoinTokenRepo,
  AgentRepo,
} from './compute-repos.js';

// The repo interfaces live by area; importers keep naming them from store.ts.
export type * from './directory-repos.js';
export type * from './compute-repos.js';
import type { AuditRepo } from './audit-repo.js';
import type { GroupRepo } from './group-repo.js';
import type { PermissionUsageRepo } from './permission-usage-repo.js';

export type { GroupFilter, GroupRepo } from './group-repo.js';

export type { AuditAppend, AuditQuery, AuditRepo } from './audit-repo.js';
import type { BlobRepo, StorageAccountRepo } from './storage.js';
import type { DataLakeRepo } from './datalake.js';
import type { QueueRepo } from './queues.js';
import type { TableRepo } from './tables.js';
import type { KeyRotationPolicyRepo, KeyVaultRepo, KeyVaultSecretRepo, VaultObjectRepo } from './key-vault.js';
import type { ContainerRegistryRepo } from './registry.js';
import type { AgentAssertionJtiRepo } from './agent-assertion-jti-repo.js';
import type { ChangeBus, ChangePublisher } from './changes.js';

export type { AgentAssertionJtiRepo } from './agent-assertion-jti-repo.js';

/**
 * Persistence for openmi. One interface, two implementations (SQLite, PostgreSQL), one contract
 * suite (`store/contract/`). Implementations hold SQL only; rules live in the services.
 *
 * Lookups by ARM id or name are case-insensitive (ARM ids are); returned records keep the
 * casing given at creation. Methods that create rows throw `DomainError('conflict')` on a
 * duplicate key, so callers can turn that into the surface's "already exists" error.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly meta: MetaRepo;
  readonly tenants: TenantRepo;
  readonly subscriptions: SubscriptionRepo;
  readonly resourceGroups: ResourceGroupRepo;
  readonly principals: PrincipalRepo;
  readonly groups: GroupRepo;
  readonly clientSecrets: ClientSecretRepo;
  readonly signingKeys: SigningKeyRepo;
  readonly roleAssignments: RoleAssignmentRepo;
  readonly identities: UserAssignedIdentityRepo;
  readonly federatedCredentials: FederatedCredentialRepo;
  readonly computeResources: ComputeResourceRepo;
  readonly joinTokens: JoinTokenRepo;
  readonly agents: AgentRepo;
  readonly tokenRevocations: TokenRevocationRepo;
  readonly federationIssuers: FederationIssuerRepo;
  readonly roleDefinitions: RoleDefinitionRepo;
  readonly audit: AuditRepo;
  readonly storageAccounts: StorageAccountRepo;
  readonly blobs: BlobRepo;
  readonly dataLake: DataLakeRepo;
  readonly queues: QueueRepo;
  readonly tables: TableRepo;
  readonly keyVaults: KeyVaultRepo;
  readonly keyVaultSecrets: KeyVaultSecretRepo;
  readonly keyVaultKeys: VaultObjectRepo;
  readonly keyVaultCertificates: VaultObjectRepo;
  readonly keyRotationPolicies: KeyRotationPolicyRepo;
  readonly containerRegistries: ContainerRegistryRepo;
  readonly loginCodes: LoginCodeRepo;
  readonly agentAssertionJtis: AgentAssertionJtiRepo;
  readonly permissionUsage: PermissionUsageRepo;
  /** Notifications to the other nodes sharing this store (changes.ts); `tx.changes` sends them at commit. */
  readonly changes: ChangeBus;

  /**
   * Runs `fn` in one transaction: all of its writes commit together or none do. Calls made on
   * the `tx` argument belong to the transaction; calls on `this` store outside `fn` do not wait
   * for it on PostgreSQL but are serialized after it on SQLite (one connection).
   */
  tx<T>(fn: (tx: StoreRepos) => Promise<T>): Promise<T>;
  /** Applies pending numbered migrations, forward only. Safe to call on every start and from several nodes. */
  migrate(): Promise<void>;
  /**
   * Runs `fn` while holding the installation lock, which every node sharing this store takes for
   * its first-start work (default tenant, admin, signing key slots): nodes started together on an
   * empty store queue on it, and the later ones find what the first created. `fn` uses the store
   * normally. PostgreSQL: a session advisory lock. SQLite: one process per file (the data-dir lock)
   * and an in-process mutex.
   */
  underInstallLock<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Whether this node leads housekeeping (retention, expired keys and revocations), which one node
   * of an installation does. PostgreSQL: the holder of a session advisory lock on a connection of
   * its own; when that session ends another node wins its next try. SQLite: always (one process).
   */
  tryLead(): Promise<boolean>;
  close(): Promise<void>;
}

export type StoreRepos = Omit<
  Store,
  'kind' | 'changes' | 'tx' | 'migrate' | 'underInstallLock' | 'tryLead' | 'close'
> & {
  /** Inside tx(fn): delivered when the transaction commits, never when it rolls back. */
  readonly changes: ChangePublisher;
};

/** Small key/value facts about the installation (default tenant id, bootstrap admin id …). */
export interface MetaRepo {
  get(key: string): Promise<string | undefined>;
  /** Sets the value only if the key is absent; returns the value now stored (first writer wins). */
  setIfAbsent(key: string, value: string): Promise<string>;
  set(key: string, value: string): Promise<void>;
}

export interface Page<T> {
  items: T[];
  /** Opaque continuation, absent on the last page. */
  next?: string;
}

/**
 * Listing of ARM resources in a subscription or resource group, ordered by lower-cased name then id;
 * `after` is the previous page's `next`, or `resourceCursor(name, id)` of any resource (listing-cursor.ts).
 */
export interface ResourceListing {
  subscriptionId: string;
  /** Omit to list the whole subscription. */
  resourceGroup?: string;
}

/**
 * An ARM resource with a globally unique name (key vaults, storage accounts): what each repo
 * replaces on `update` and what `delete` takes with it is said where it is declared.
 */
export interface GloballyNamedResourceRepo<R> {
  /** Throws conflict when the id or the (global) name exists. */
  create(r: R): Promise<void>;
  /** Returns false when absent. */
  update(r: R): Promise<boolean>;
  get(id: string): Promise<R | undefined>;
  /** By name, case-insensitive. */
  getByName(name: string): Promise<R | undefined>;
  list(where: ResourceListing, limit: number, after?: string): Promise<Page<R>>;
  /** Returns false when absent. */
  delete(id: string): Promise<boolean>;
}
