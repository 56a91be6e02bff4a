import { describe } from 'node:test';
import type { Store } from '../../src/store/store.js';
import { agentAssertionJtiContract } from './agent-assertion-jtis.contract.js';
import { agentContract, joinTokenContract } from './agents.contract.js';
import { auditContract } from './audit.contract.js';
import { auditLanesContract } from './audit-lanes.contract.js';
import { metaContract, subscriptionContract, tenantContract } from './directory.contract.js';
import { computeResourceContract } from './compute-resources.contract.js';
import { federatedCredentialContract } from './federated-credentials.contract.js';
import { identityContract } from './identities.contract.js';
import { clientSecretContract, principalContract } from './principals.contract.js';
import { groupContract } from './groups.contract.js';
import { permissionUsageContract } from './permission-usage.contract.js';
import { resourceGroupContract } from './resource-groups.contract.js';
import { roleAssignmentContract } from './role-assignments.contract.js';
import { roleDefinitionContract } from './role-definitions.contract.js';
import { signingKeyContract } from './signing-keys.contract.js';
import { federationIssuerContract, tokenRevocationContract } from './tokens.contract.js';
import { storageContract } from './storage.contract.js';
import { queuesTablesContract } from './queues-tables.contract.js';
import { txContract } from './tx.contract.js';
import { installLockContract } from './install-lock.contract.js';
import { keyVaultContract } from './key-vault.contract.js';
import { registryContract } from './registries.contract.js';
import { loginCodeContract } from './login-codes.contract.js';
import { resourceCascadeContract } from './resource-cascade.contract.js';
import { textContract } from './text.contract.js';

/**
 * The behaviour every Store implementation must have. `newStore` must return a fresh, migrated
 * store each call (each group opens its own and closes it afterwards).
 */
export function runStoreContract(name: string, newStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    metaContract(newStore);
    tenantContract(newStore);
    subscriptionContract(newStore);
    resourceGroupContract(newStore);
    principalContract(newStore);
    clientSecretContract(newStore);
    groupContract(newStore);
    signingKeyContract(newStore);
    roleAssignmentContract(newStore);
    identityContract(newStore);
    federatedCredentialContract(newStore);
    computeResourceContract(newStore);
    joinTokenContract(newStore);
    agentContract(newStore);
    agentAssertionJtiContract(newStore);
    tokenRevocationContract(newStore);
    federationIssuerContract(newStore);
    roleDefinitionContract(newStore);
    storageContract(newStore);
    queuesTablesContract(newStore);
    keyVaultContract(newStore);
    registryContract(newStore);
    loginCodeContract(newStore);
    resourceCascadeContract(newStore);
    auditContract(newStore);
    auditLanesContract(newStore);
    permissionUsageContract(newStore);
    textContract(newStore);
    txContract(newStore);
    installLockContract(newStore);
  });
}
