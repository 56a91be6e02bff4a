import type {
  ClientSecretRecord,
  AgentRecord,
  ComputeResourceRecord,
  FederationIssuerRecord,
  JoinTokenRecord,
  LoginCodeRecord,
  RoleDefinitionRecord,
  TokenRevocationRecord,
  FederatedCredentialRecord,
  UserAssignedIdentityRecord,
  PrincipalRecord,
  ResourceGroupRecord,
  RoleAssignmentRecord,
  SigningKeyRecord,
  SigningKeyStatus,
  SubscriptionRecord,
  TenantRecord,
} from './records.js';
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

export interface TenantRepo {
  create(t: TenantRecord): Promise<void>;
  get(id: string): Promise<TenantRecord | undefined>;
  list(): Promise<TenantRecord[]>;
}

export interface SubscriptionRepo {
  create(s: SubscriptionRecord): Promise<void>;
  get(id: string): Promise<SubscriptionRecord | undefined>;
  list(): Promise<SubscriptionRecord[]>;
}

export interface Page<T> {
  items: T[];
  /** Opaque continuation, absent on the last page. */
  next?: string;
}

export interface ResourceGroupRepo {
  create(rg: ResourceGroupRecord): Promise<void>;
  /** Replaces location-independent mutable fields (tags, managedBy, updatedAt). Returns false when absent. */
  update(rg: ResourceGroupRecord): Promise<boolean>;
  get(subscriptionId: string, name: string): Promise<ResourceGroupRecord | undefined>;
  /** Ordered by lower-cased name; `after` is the `next` of the previous page. */
  list(subscriptionId: string, limit: number, after?: string): Promise<Page<ResourceGroupRecord>>;
  /** Returns false when absent. */
  delete(subscriptionId: string, name: string): Promise<boolean>;
}

export interface PrincipalRepo {
  create(p: PrincipalRecord): Promise<void>;
  getByObjectId(objectId: string): Promise<PrincipalRecord | undefined>;
  getByAppId(appId: string): Promise<PrincipalRecord | undefined>;
  /** The principal with its client secrets oldest first, in one query: what a client_credentials request reads. */
  getByAppIdWithSecrets(
    appId: string,
  ): Promise<{ principal: PrincipalRecord; secrets: ClientSecretRecord[] } | undefined>;
  delete(objectId: string): Promise<boolean>;
}

export interface ClientSecretRepo {
  create(s: ClientSecretRecord): Promise<void>;
  listForPrincipal(objectId: string): Promise<ClientSecretRecord[]>;
}

export interface SigningKeyRepo {
  insert(k: SigningKeyRecord): Promise<void>;
  list(): Promise<SigningKeyRecord[]>;
  /**
   * Compare-and-set on a key's status: moves `kid` from `from` to `to` and stamps the given
   * times; returns false (and changes nothing) if the key is not in `from`. Rotation relies on
   * this so two nodes rotating at once cannot both promote a key.
   */
  transition(
    kid: string,
    from: SigningKeyStatus,
    to: SigningKeyStatus,
    at: { activatedAt?: number; retiredAt?: number; publishUntil?: number },
  ): Promise<boolean>;
  /** Removes retired keys whose publishUntil has passed; returns how many. */
  deleteExpired(now: number): Promise<number>;
}

export interface RoleAssignmentRepo {
  /**
   * Throws conflict when an assignment with the same id or name (any scope) exists, or one with
   * the same scope, principal and role GUID.
   */
  create(ra: RoleAssignmentRecord): Promise<void>;
  /** Replaces description, condition, conditionVersion, updatedBy and updatedAt (never scope, principal or role). Returns false when absent. */
  update(ra: RoleAssignmentRecord): Promise<boolean>;
  get(id: string): Promise<RoleAssignmentRecord | undefined>;
  /** By name (a GUID, unique across every scope), case-insensitive. */
  getByName(name: string): Promise<RoleAssignmentRecord | undefined>;
  /** Assignments of one role, matched on the role GUID (the last segment of either id), oldest first. */
  listForRoleDefinition(roleDefinitionId: string): Promise<RoleAssignmentRecord[]>;
  delete(id: string): Promise<boolean>;
  listForPrincipal(principalId: string): Promise<RoleAssignmentRecord[]>;
  /** Assignments whose scope equals `scope` exactly (case-insensitive). */
  listAtScope(scope: string): Promise<RoleAssignmentRecord[]>;
  /** Assignments at `scope` or any scope below it (`scope` + '/' prefix), case-insensitive. */
  listAtOrBelow(scope: string): Promise<RoleAssignmentRecord[]>;
  /** Deletes every assignment of a principal; returns how many. */
  deleteForPrincipal(principalId: string): Promise<number>;
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

export interface UserAssignedIdentityRepo {
  /** Throws conflict when the id exists. */
  create(i: UserAssignedIdentityRecord): Promise<void>;
  /** Replaces tags, isolationScope and updatedAt (never ids or location). Returns false when absent. */
  update(i: UserAssignedIdentityRecord): Promise<boolean>;
  get(id: string): Promise<UserAssignedIdentityRecord | undefined>;
  getByClientId(clientId: string): Promise<UserAssignedIdentityRecord | undefined>;
  getByPrincipalId(principalId: string): Promise<UserAssignedIdentityRecord | undefined>;
  list(where: ResourceListing, limit: number, after?: string): Promise<Page<UserAssignedIdentityRecord>>;
  delete(id: string): Promise<boolean>;
}

export interface FederatedCredentialRepo {
  /** Throws conflict (code 'FederatedCredentialExists' or 'FederatedCredentialIssuerSubjectExists') on a duplicate name or issuer+subject within the identity. */
  create(f: FederatedCredentialRecord): Promise<void>;
  /** Replaces issuer, subject, audiences, updatedAt. Throws the issuer+subject conflict like create. Returns false when absent. */
  update(f: FederatedCredentialRecord): Promise<boolean>;
  get(id: string): Promise<FederatedCredentialRecord | undefined>;
  /** Ordered by lower-cased name. */
  list(identityId: string, limit: number, after?: string): Promise<Page<FederatedCredentialRecord>>;
  /** Every credential (any identity) with exactly this issuer and subject. */
  findByIssuerSubject(issuer: string, subject: string): Promise<FederatedCredentialRecord[]>;
  delete(id: string): Promise<boolean>;
  /** Deletes every credential of an identity; returns how many. */
  deleteForIdentity(identityId: string): Promise<number>;
}

export interface ComputeResourceRepo {
  /** Throws conflict when the id exists. Also records the user-assigned attachments. */
  create(r: ComputeResourceRecord): Promise<void>;
  /** Replaces every mutable field (tags, body, systemPrincipalId, userAssignedIdentityIds, updatedAt). Returns false when absent. */
  update(r: ComputeResourceRecord): Promise<boolean>;
  get(id: string): Promise<ComputeResourceRecord | undefined>;
  getBySystemPrincipalId(principalId: string): Promise<ComputeResourceRecord | undefined>;
  /** `type` filters case-insensitively when given. */
  list(where: ResourceListing & { type?: string }, limit: number, after?: string): Promise<Page<ComputeResourceRecord>>;
  /** Resources that carry the user-assigned identity `identityId` (case-insensitive), ordered by id. */
  listByUserAssignedIdentity(identityId: string): Promise<ComputeResourceRecord[]>;
  delete(id: string): Promise<boolean>;
}

export interface JoinTokenRepo {
  /** Throws conflict when the id exists. */
  create(t: JoinTokenRecord): Promise<void>;
  get(id: string): Promise<JoinTokenRecord | undefined>;
  /**
   * Marks the token used, compare-and-set: succeeds only if it is unused and `expiresAt > now`.
   * Two agents racing with one token: exactly one gets true.
   */
  consume(id: string, now: number): Promise<boolean>;
  /** Tokens of the resource (any casing) that are unused and unexpired at `now`. */
  countOutstanding(resourceId: string, now: number): Promise<number>;
  /** Deletes every join token of a resource (its deletion); returns how many. */
  deleteForResource(resourceId: string): Promise<number>;
  /** Deletes tokens whose expiresAt <= now, used or not; returns how many. */
  deleteExpired(now: number): Promise<number>;
}

export interface LoginCodeRepo {
  /** Throws conflict when the hash exists. */
  create(rec: LoginCodeRecord): Promise<void>;
  /**
   * Marks the code consumed, compare-and-set: succeeds only if it is unconsumed and
   * `expiresAt > now`, and returns the record as stored after the update. Two browsers racing
   * with one code: exactly one gets the record, the other undefined (as does an unknown code).
   */
  consume(codeHash: string, now: number): Promise<LoginCodeRecord | undefined>;
  /** Deletes codes whose expiresAt <= before, consumed or not; returns how many. */
  deleteExpired(before: number): Promise<number>;
}

export interface AgentRepo {
  /** Throws conflict when the id exists. */
  create(a: AgentRecord): Promise<void>;
  get(id: string): Promise<AgentRecord | undefined>;
  /** Agents of one resource (case-insensitive), ordered by createdAt then id. */
  listForResource(resourceId: string): Promise<AgentRecord[]>;
  delete(id: string): Promise<boolean>;
  /** Deletes every agent of a resource (its deletion); returns how many. */
  deleteForResource(resourceId: string): Promise<number>;
  /** Deletes agents whose expiresAt is not null and <= now; returns how many. */
  deleteExpired(now: number): Promise<number>;
}

export interface TokenRevocationRepo {
  /** Inserts or moves forward the revocation time of a principal (never backwards). */
  put(r: TokenRevocationRecord): Promise<void>;
  get(principalId: string): Promise<TokenRevocationRecord | undefined>;
  list(): Promise<TokenRevocationRecord[]>;
  /** When the principal itself is deleted. Returns false when absent. */
  delete(principalId: string): Promise<boolean>;
  /** Deletes revocations made before `before` (epoch ms), whose tokens have all expired; returns how many. */
  deleteRevokedBefore(before: number): Promise<number>;
}

export interface FederationIssuerRepo {
  /**
   * Inserts, or replaces issuer, jwks and updatedAt of, the entry with this name (case-insensitive;
   * createdAt and createdBy are kept). Throws conflict when another name already holds the issuer.
   */
  put(r: FederationIssuerRecord): Promise<void>;
  get(name: string): Promise<FederationIssuerRecord | undefined>;
  /** Exact, case-sensitive match on the issuer. */
  getByIssuer(issuer: string): Promise<FederationIssuerRecord | undefined>;
  /** Ordered by lower-cased name. */
  list(): Promise<FederationIssuerRecord[]>;
  delete(name: string): Promise<boolean>;
}

export interface RoleDefinitionRepo {
  /** Throws conflict when the id exists, or (code 'RoleDefinitionWithSameNameExists') when another custom role has the same roleName (case-insensitive). */
  create(r: RoleDefinitionRecord): Promise<void>;
  /** Replaces roleName, description, assignableScopes, permissions, updatedBy, updatedAt; same name rule as create. Returns false when absent. */
  update(r: RoleDefinitionRecord): Promise<boolean>;
  get(id: string): Promise<RoleDefinitionRecord | undefined>;
  getByName(roleName: string): Promise<RoleDefinitionRecord | undefined>;
  /** Every custom role, ordered by lower-cased roleName. */
  list(): Promise<RoleDefinitionRecord[]>;
  delete(id: string): Promise<boolean>;
}
