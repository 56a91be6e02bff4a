import type { StoreRepos } from '../store.js';
import { SqlAgentAssertionJtiRepo } from './agent-assertion-jtis.js';
import { SqlAgentRepo } from './agents.js';
import { SqlAuditRepo } from './audit-log.js';
import type { AuditLanes } from './audit-lanes.js';
import { SqlClientSecretRepo } from './client-secrets.js';
import { SqlComputeResourceRepo } from './compute-resources.js';
import { textSafe, type Executor } from './executor.js';
import { timedExecutor, type QueryTimings } from '../query-timings.js';
import { SqlFederatedCredentialRepo } from './federated-credentials.js';
import { SqlFederationIssuerRepo } from './federation-issuers.js';
import { SqlUserAssignedIdentityRepo } from './identities.js';
import { SqlJoinTokenRepo } from './join-tokens.js';
import { SqlLoginCodeRepo } from './login-codes.js';
import { SqlMetaRepo } from './meta.js';
import { SqlPrincipalRepo } from './principals.js';
import { SqlGroupRepo } from './groups.js';
import { SqlPermissionUsageRepo } from './permission-usage.js';
import { SqlResourceGroupRepo } from './resource-groups.js';
import { SqlRoleAssignmentRepo } from './role-assignments.js';
import { SqlRoleDefinitionRepo } from './role-definitions.js';
import { SqlBlobRepo } from './blobs.js';
import { SqlDataLakeRepo } from './datalake.js';
import { SqlQueueRepo } from './queues.js';
import { SqlTableRepo } from './tables.js';
import { SqlKeyRotationPolicyRepo } from './key-rotation-policies.js';
import { SqlStorageAccountRepo } from './storage-accounts.js';
import { SqlKeyVaultRepo } from './key-vaults.js';
import { SqlContainerRegistryRepo } from './container-registries.js';
import { SqlKeyVaultSecretRepo } from './key-vault-secrets.js';
import { SqlVaultObjectRepo } from './key-vault-objects.js';
import { SqlSigningKeyRepo } from './signing-keys.js';
import { SqlSubscriptionRepo } from './subscriptions.js';
import { SqlTenantRepo } from './tenants.js';
import { SqlTokenRevocationRepo } from './token-revocations.js';

/**
 * Binds every repository to one executor: the store's own, or a transaction's. `lanes`: the
 * engine's audit appends. `credentialWrite`: told after each write to principals or client
 * secrets (credential-cache.ts).
 */
export function createRepos(
  raw: Executor,
  lanes: AuditLanes,
  timings?: QueryTimings,
  credentialWrite?: () => void,
): Omit<StoreRepos, 'changes'> {
  const db = textSafe(timedExecutor(raw, timings));
  return {
    meta: new SqlMetaRepo(db),
    tenants: new SqlTenantRepo(db),
    subscriptions: new SqlSubscriptionRepo(db),
    resourceGroups: new SqlResourceGroupRepo(db),
    principals: new SqlPrincipalRepo(db, credentialWrite),
    groups: new SqlGroupRepo(db),
    clientSecrets: new SqlClientSecretRepo(db, credentialWrite),
    signingKeys: new SqlSigningKeyRepo(db),
    roleAssignments: new SqlRoleAssignmentRepo(db),
    identities: new SqlUserAssignedIdentityRepo(db),
    federatedCredentials: new SqlFederatedCredentialRepo(db),
    computeResources: new SqlComputeResourceRepo(db),
    joinTokens: new SqlJoinTokenRepo(db),
    agents: new SqlAgentRepo(db),
    tokenRevocations: new SqlTokenRevocationRepo(db),
    federationIssuers: new SqlFederationIssuerRepo(db),
    roleDefinitions: new SqlRoleDefinitionRepo(db),
    audit: new SqlAuditRepo(db, lanes),
    storageAccounts: new SqlStorageAccountRepo(db),
    blobs: new SqlBlobRepo(db),
    dataLake: new SqlDataLakeRepo(db),
    queues: new SqlQueueRepo(db),
    tables: new SqlTableRepo(db),
    keyVaults: new SqlKeyVaultRepo(db),
    keyVaultSecrets: new SqlKeyVaultSecretRepo(db),
    keyVaultKeys: new SqlVaultObjectRepo(db, 'keys'),
    keyVaultCertificates: new SqlVaultObjectRepo(db, 'certificates'),
    keyRotationPolicies: new SqlKeyRotationPolicyRepo(db),
    containerRegistries: new SqlContainerRegistryRepo(db),
    loginCodes: new SqlLoginCodeRepo(db),
    agentAssertionJtis: new SqlAgentAssertionJtiRepo(db),
    permissionUsage: new SqlPermissionUsageRepo(db),
  };
}
