import type {
  AgentRecord,
  ComputeResourceRecord,
  FederatedCredentialRecord,
  JoinTokenRecord,
  UserAssignedIdentityRecord,
} from './records.js';
import type { Page, ResourceListing } from './store.js';

/*
 * The workload side of the Store (store.ts): user-assigned identities and their federated
 * credentials, compute resources, and the agents that join them with one-time tokens.
 */

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
