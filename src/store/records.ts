/**
 * Row shapes as the domain sees them. Never wire shapes: ARM/OAuth names stay in surface folders.
 * Times are epoch milliseconds. `*Key` fields are the lower-cased lookup form of an ARM id or name
 * (ARM ids are case-insensitive; the casing given at creation is kept in the non-key field).
 */
export interface TenantRecord {
  id: string;
  displayName: string;
  createdAt: number;
}

export interface SubscriptionRecord {
  id: string;
  tenantId: string;
  displayName: string;
  state: 'Enabled' | 'Disabled';
  createdAt: number;
}

export interface ResourceGroupRecord {
  /** Full ARM id with the casing given at creation, e.g. /subscriptions/{s}/resourceGroups/{name}. */
  id: string;
  subscriptionId: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  managedBy: string | null;
  createdAt: number;
  updatedAt: number;
}

export type PrincipalKind = 'application' | 'managedIdentity';

/** A service principal in the directory: the bootstrap admin, applications, and (from [B]) managed identities. */
export interface PrincipalRecord {
  /** Object id (what role assignments name as principalId). */
  objectId: string;
  /** Application (client) id. */
  appId: string;
  tenantId: string;
  displayName: string;
  kind: PrincipalKind;
  /** For managed identities: the ARM id of the identity (user-assigned) or of its resource (system-assigned). */
  resourceId: string | null;
  createdAt: number;
}

/** A client secret of an application principal. Only a hash is stored. */
export interface ClientSecretRecord {
  id: string;
  principalObjectId: string;
  /** Hex SHA-256 of the secret; secrets are 256-bit random, so a fast hash is enough. */
  hash: string;
  /** First characters of the secret, to tell secrets apart in listings. */
  hint: string;
  createdAt: number;
  expiresAt: number | null;
}

export type SigningKeyStatus = 'next' | 'current' | 'retired';

/** An RS256 signing key. The private key is sealed under the master key; never stored in clear. */
export interface SigningKeyRecord {
  kid: string;
  status: SigningKeyStatus;
  /** Output of `seal()` over the PKCS#8 PEM. */
  sealedPrivateKey: string;
  /** Public JWK as published in JWKS (kty, n, e, kid, x5t, x5c, use, alg). */
  publicJwk: Record<string, unknown>;
  createdAt: number;
  activatedAt: number | null;
  retiredAt: number | null;
  /** After this time the key may leave JWKS: every token it signed has expired. */
  publishUntil: number | null;
}

export interface RoleAssignmentRecord {
  /** Full ARM id: {scope}/providers/Microsoft.Authorization/roleAssignments/{name}. */
  id: string;
  /** GUID. */
  name: string;
  /** Scope as given at creation ("/" for root). */
  scope: string;
  /** Full role definition id as given. */
  roleDefinitionId: string;
  principalId: string;
  principalType: string;
  description: string | null;
  createdBy: string | null;
  /** Who last wrote it; the repo returns null when never set. Optional so older callers need not supply it. */
  updatedBy?: string | null;
  /**
   * ABAC condition (conditionVersion '2.0'), stored and returned as given. An evaluator that
   * cannot evaluate it must treat the assignment as granting nothing (fail closed, docs/wire/arm.md).
   */
  condition?: string | null;
  conditionVersion?: string | null;
  createdAt: number;
  updatedAt: number;
}

/** A user-assigned managed identity (Microsoft.ManagedIdentity/userAssignedIdentities). */
export interface UserAssignedIdentityRecord {
  /** Full ARM id as given at creation. */
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  /** 'None' or 'Regional'. */
  isolationScope: string;
  /** Object id of its service principal; never changes. */
  principalId: string;
  /** App (client) id of its service principal; never changes. */
  clientId: string;
  tenantId: string;
  createdAt: number;
  updatedAt: number;
}

/** A federated identity credential of a user-assigned identity. */
export interface FederatedCredentialRecord {
  /** Full ARM id: {identityId}/federatedIdentityCredentials/{name}. */
  id: string;
  identityId: string;
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
  createdAt: number;
  updatedAt: number;
}

/**
 * A compute resource that can carry identities (VMs, scale sets, sites, container groups,
 * container apps, Arc machines). Properties other than identity are stored and returned as given.
 */
export interface ComputeResourceRecord {
  /** Full ARM id as given at creation. */
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  /** Canonical type, e.g. 'Microsoft.Compute/virtualMachines'. */
  type: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  /** Every other top-level property the client sent (properties, sku, kind, zones, plan …). */
  body: Record<string, unknown>;
  /** Object id of the system-assigned identity's principal, or null when not enabled. */
  systemPrincipalId: string | null;
  /** ARM ids (as given) of the user-assigned identities attached, in attach order. */
  userAssignedIdentityIds: string[];
  createdAt: number;
  updatedAt: number;
}

/**
 * A one-time join token that enrolls one agent for one compute resource. Only a hash of its
 * secret is stored; the token given to the operator is `{id}.{secret}`.
 */
export interface JoinTokenRecord {
  /** GUID; the public half of the token. */
  id: string;
  /** ARM id of the compute resource the enrolled agent will speak for (casing as given). */
  resourceId: string;
  /** Hex SHA-256 of the secret half (256-bit random, so a fast hash is enough). */
  hash: string;
  /** An agent enrolled with this token is ephemeral (`openmi run`): it expires with `agentExpiresAt`. */
  ephemeral: boolean;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  /** Set once, when an agent enrolls with it; a used token never enrolls again. */
  usedAt: number | null;
}

/**
 * An enrolled agent: the server knows it by its own public key and binds it to one compute
 * resource. Every call it makes is a JWT signed with the matching private key.
 */
export interface AgentRecord {
  /** GUID, chosen by the server at enrollment. */
  id: string;
  resourceId: string;
  /** The agent's public key as a JWK (EC P-256). */
  publicJwk: Record<string, unknown>;
  /** Host name the agent reported, for listings only; never trusted. */
  hostname: string;
  joinTokenId: string;
  createdAt: number;
  /** Ephemeral agents (`openmi run`) stop being accepted after this time; null for permanent agents. */
  expiresAt: number | null;
}

/** Tokens of this principal issued at or before `revokedAt` are no longer valid. */
export interface TokenRevocationRecord {
  principalId: string;
  revokedAt: number;
  revokedBy: string;
}

/**
 * Signing keys of an external workload-identity issuer that openmi cannot (or should not) fetch
 * through OpenID discovery, registered by an administrator.
 */
export interface FederationIssuerRecord {
  /** Name given by the administrator (unique, case-insensitive), as in `federationIssuers/{name}`. */
  name: string;
  /** The issuer exactly as it appears in `iss` (unique, case-sensitive). */
  issuer: string;
  /** A JWKS document `{keys: [...]}`. */
  jwks: Record<string, unknown>;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

/** One permission block of a role definition (Azure's `permissions[]`). */
export interface RolePermission {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

/** A custom role definition (built-in roles are data shipped with openmi, not rows). */
export interface RoleDefinitionRecord {
  /** GUID (the ARM name). */
  id: string;
  roleName: string;
  description: string;
  /** Scopes where it may be assigned, as given ("/", subscription, resource group …). */
  assignableScopes: string[];
  permissions: RolePermission[];
  /** The scope it was created at (its ARM id is `{scope}/providers/Microsoft.Authorization/roleDefinitions/{id}`). */
  scope: string;
  createdBy: string | null;
  updatedBy: string | null;
  createdAt: number;
  updatedAt: number;
}

/** The two hash-chained audit logs (docs/audit.md). */
export type AuditLogName = 'activity' | 'signIns';

/**
 * One row of an audit log. `data` is the event itself (what the domain wrote); `keys` are the
 * lower-cased filter columns derived from it. `hash` = chainHash(prevHash, seq, at, data).
 */
export interface AuditEntryRecord {
  seq: number;
  at: number;
  /** Canonical JSON of the event, exactly as hashed. */
  data: string;
  keys: Record<string, string>;
  prevHash: string;
  hash: string;
}

/** Each chain's tip, and the checkpoint retention leaves: the last row it deleted (0/'' when none). */
export interface AuditHeadRecord {
  seq: number;
  hash: string;
  baseSeq: number;
  baseHash: string;
}

/**
 * A one-time portal login code (`openmi portal`). Only a hash of the code is stored; the code
 * signs the principal in once, before it expires.
 */
export interface LoginCodeRecord {
  /** Hex SHA-256 of the code (256-bit random, so a fast hash is enough). */
  codeHash: string;
  principalObjectId: string;
  tenantId: string;
  createdAt: number;
  expiresAt: number;
  /** Set once, when the code is exchanged for a token; a consumed code never signs in again. */
  consumedAt: number | null;
}
