import type {
  ClientSecretRecord,
  FederationIssuerRecord,
  LoginCodeRecord,
  PrincipalRecord,
  ResourceGroupRecord,
  RoleAssignmentRecord,
  RoleDefinitionRecord,
  SigningKeyRecord,
  SigningKeyStatus,
  SubscriptionRecord,
  TenantRecord,
  TokenRevocationRecord,
} from './records.js';
import type { Page } from './store.js';

/*
 * The directory, RBAC and token side of the Store (store.ts): tenants, subscriptions, resource
 * groups, principals and their secrets, role assignments and definitions, signing keys,
 * revocations, federation issuers and portal login codes.
 */

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
