/** Matrix flows of Key Vault, Storage, Monitor, Resources, Subscriptions, MSI and Authorization. */
import { randomUUID } from 'node:crypto';
import type { TokenCredential } from '@azure/core-auth';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { StorageManagementClient } from '@azure/arm-storage';
import { MonitorClient } from '@azure/arm-monitor';
import { ResourceManagementClient } from '@azure/arm-resources';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { collect, expect, provisioned, type MatrixEnv, type Recorder } from './arm-matrix-kit.js';

export async function keyVault(rec: Recorder, cred: TokenCredential, env: MatrixEnv): Promise<void> {
  const P = '@azure/arm-keyvault';
  const c = new KeyVaultManagementClient(cred, env.subscriptionId, { endpoint: env.armEndpoint });
  const check = (name: string) => c.vaults.checkNameAvailability({ name, type: 'Microsoft.KeyVault/vaults' });
  await rec.flow(
    P,
    'vaults.checkNameAvailability (free)',
    () => check(env.vault),
    (r) => expect(r.nameAvailable === true, r),
  );
  await rec.flow(
    P,
    'vaults.checkNameAvailability (invalid)',
    () => check('1-bad--name'),
    (r) => expect(r.nameAvailable === false && r.reason === 'AccountNameInvalid', r),
  );
  const body = {
    location: 'westeurope',
    properties: {
      tenantId: env.tenantId,
      sku: { family: 'A' as const, name: 'standard' as const },
      enableRbacAuthorization: true,
    },
  };
  await rec.flow(
    P,
    'vaults.beginCreateOrUpdateAndWait',
    () => c.vaults.beginCreateOrUpdateAndWait(env.rg, env.vault, body),
    (r) => expect(provisioned(r), r),
  );
  await rec.flow(
    P,
    'vaults.checkNameAvailability (taken)',
    () => check(env.vault.toUpperCase()),
    (r) => expect(r.nameAvailable === false && r.reason === 'AlreadyExists', r),
  );
  await rec.flow(
    P,
    'vaults.get',
    () => c.vaults.get(env.rg, env.vault),
    (r) => expect(r.name === env.vault, r),
  );
  await rec.flow(
    P,
    'vaults.update',
    () => c.vaults.update(env.rg, env.vault, { tags: { x: '1' } }),
    (r) => expect(r.tags?.['x'] === '1', r),
  );
  await rec.flow(
    P,
    'vaults.listByResourceGroup',
    () => collect(c.vaults.listByResourceGroup(env.rg)),
    (r) =>
      expect(
        r.some((v) => v.name === env.vault),
        r,
      ),
  );
  await rec.flow(P, 'vaults.delete', () => c.vaults.delete(env.rg, env.vault));
}

export async function storage(rec: Recorder, cred: TokenCredential, env: MatrixEnv): Promise<void> {
  const P = '@azure/arm-storage';
  const c = new StorageManagementClient(cred, env.subscriptionId, { endpoint: env.armEndpoint });
  const check = (name: string) =>
    c.storageAccounts.checkNameAvailability({ name, type: 'Microsoft.Storage/storageAccounts' });
  await rec.flow(
    P,
    'storageAccounts.checkNameAvailability (free)',
    () => check(env.account),
    (r) => expect(r.nameAvailable === true, r),
  );
  await rec.flow(
    P,
    'storageAccounts.checkNameAvailability (invalid)',
    () => check('Not_Valid'),
    (r) => expect(r.nameAvailable === false && r.reason === 'AccountNameInvalid', r),
  );
  await rec.flow(
    P,
    'storageAccounts.beginCreateAndWait',
    () =>
      c.storageAccounts.beginCreateAndWait(env.rg, env.account, {
        location: 'westeurope',
        sku: { name: 'Standard_LRS' },
        kind: 'StorageV2',
      }),
    (r) => expect(provisioned(r), r),
  );
  await rec.flow(
    P,
    'storageAccounts.checkNameAvailability (taken)',
    () => check(env.account),
    (r) => expect(r.nameAvailable === false && r.reason === 'AlreadyExists', r),
  );
  await rec.flow(
    P,
    'storageAccounts.getProperties',
    () => c.storageAccounts.getProperties(env.rg, env.account),
    (r) => expect(r.name === env.account, r),
  );
  await rec.flow(
    P,
    'storageAccounts.update',
    () => c.storageAccounts.update(env.rg, env.account, { tags: { x: '1' } }),
    (r) => expect(r.tags?.['x'] === '1', r),
  );
  await rec.flow(
    P,
    'storageAccounts.listByResourceGroup',
    () => collect(c.storageAccounts.listByResourceGroup(env.rg)),
    (r) =>
      expect(
        r.some((a) => a.name === env.account),
        r,
      ),
  );
  await rec.flow(
    P,
    'storageAccounts.listKeys',
    () => c.storageAccounts.listKeys(env.rg, env.account),
    (r) => expect(r.keys?.length === 2, r),
  );
  await rec.flow(P, 'storageAccounts.delete', () => c.storageAccounts.delete(env.rg, env.account));
}

export async function monitor(rec: Recorder, cred: TokenCredential, env: MatrixEnv): Promise<void> {
  const P = '@azure/arm-monitor';
  const c = new MonitorClient(cred, env.subscriptionId, { endpoint: env.armEndpoint });
  const since = new Date(Date.now() - 3_600_000).toISOString();
  await rec.flow(
    P,
    'activityLogs.list',
    () => collect(c.activityLogs.list(`eventTimestamp ge '${since}' and resourceGroupName eq '${env.rg}'`)),
    (r) =>
      expect(
        r.some((e) => e.operationName?.value === 'Microsoft.Storage/storageAccounts/write'),
        r.length,
      ),
  );
}

export async function resources(rec: Recorder, cred: TokenCredential, env: MatrixEnv): Promise<void> {
  const P = '@azure/arm-resources';
  const c = new ResourceManagementClient(cred, env.subscriptionId, { endpoint: env.armEndpoint });
  const rg = `${env.rg}-groups`;
  await rec.flow(
    P,
    'resourceGroups.createOrUpdate',
    () => c.resourceGroups.createOrUpdate(rg, { location: 'westeurope' }),
    (r) => expect(r.properties?.provisioningState === 'Succeeded', r),
  );
  await rec.flow(
    P,
    'resourceGroups.get',
    () => c.resourceGroups.get(rg),
    (r) => expect(r.name === rg, r),
  );
  await rec.flow(
    P,
    'resourceGroups.update',
    () => c.resourceGroups.update(rg, { tags: { x: '1' } }),
    (r) => expect(r.tags?.['x'] === '1', r),
  );
  await rec.flow(
    P,
    'resourceGroups.list',
    () => collect(c.resourceGroups.list()),
    (r) =>
      expect(
        r.some((g) => g.name === rg),
        r,
      ),
  );
  await rec.flow(
    P,
    'providers.get',
    () => c.providers.get('Microsoft.Compute'),
    (r) => expect(r.registrationState === 'Registered', r),
  );
  await rec.flow(P, 'resourceGroups.beginDeleteAndWait', () => c.resourceGroups.beginDeleteAndWait(rg));
}

export async function subscriptions(rec: Recorder, cred: TokenCredential, env: MatrixEnv): Promise<void> {
  const P = '@azure/arm-resources-subscriptions';
  const c = new SubscriptionClient(cred, { endpoint: env.armEndpoint });
  await rec.flow(
    P,
    'subscriptions.list',
    () => collect(c.subscriptions.list()),
    (r) =>
      expect(
        r.some((s) => s.subscriptionId === env.subscriptionId),
        r,
      ),
  );
  await rec.flow(
    P,
    'subscriptions.get',
    () => c.subscriptions.get(env.subscriptionId),
    (r) => expect(r.state === 'Enabled', r),
  );
  await rec.flow(
    P,
    'subscriptions.listLocations',
    () => collect(c.subscriptions.listLocations(env.subscriptionId)),
    (r) => expect(r.length > 0, r),
  );
  await rec.flow(
    P,
    'tenants.list',
    () => collect(c.tenants.list()),
    (r) =>
      expect(
        r.some((t) => t.tenantId === env.tenantId),
        r,
      ),
  );
}

export async function msiAndRoles(rec: Recorder, cred: TokenCredential, env: MatrixEnv): Promise<void> {
  const [M, A] = ['@azure/arm-msi', '@azure/arm-authorization'];
  const msi = new ManagedServiceIdentityClient(cred, env.subscriptionId, { endpoint: env.armEndpoint });
  const uai = await rec.flow(
    M,
    'userAssignedIdentities.createOrUpdate',
    () => msi.userAssignedIdentities.createOrUpdate(env.rg, 'matrix-id', { location: 'westeurope' }),
    (r) => expect(!!r.principalId, r),
  );
  await rec.flow(
    M,
    'userAssignedIdentities.update',
    () => msi.userAssignedIdentities.update(env.rg, 'matrix-id', { tags: { x: '1' } }),
    (r) => expect(r.tags?.['x'] === '1', r),
  );
  await rec.flow(
    M,
    'userAssignedIdentities.listByResourceGroup',
    () => collect(msi.userAssignedIdentities.listByResourceGroup(env.rg)),
    (r) =>
      expect(
        r.some((i) => i.name === 'matrix-id'),
        r,
      ),
  );
  const fic = {
    issuer: 'https://token.actions.githubusercontent.com',
    subject: 'repo:o/r:ref:refs/heads/main',
    audiences: ['api://AzureADTokenExchange'],
  };
  await rec.flow(
    M,
    'federatedIdentityCredentials.createOrUpdate',
    () => msi.federatedIdentityCredentials.createOrUpdate(env.rg, 'matrix-id', 'gh-main', fic),
    (r) => expect(r.subject === fic.subject, r),
  );
  await rec.flow(
    M,
    'federatedIdentityCredentials.list',
    () => collect(msi.federatedIdentityCredentials.list(env.rg, 'matrix-id')),
    (r) => expect(r.length === 1, r),
  );
  await rec.flow(M, 'federatedIdentityCredentials.delete', () =>
    msi.federatedIdentityCredentials.delete(env.rg, 'matrix-id', 'gh-main'),
  );
  const auth = new AuthorizationManagementClient(cred, env.subscriptionId, { endpoint: env.armEndpoint });
  const scope = `/subscriptions/${env.subscriptionId}/resourceGroups/${env.rg}`;
  const reader = await rec.flow(
    A,
    'roleDefinitions.list (roleName filter)',
    () => collect(auth.roleDefinitions.list(scope, { filter: "roleName eq 'Reader'" })),
    (r) => expect(r.length === 1, r),
  );
  const name = randomUUID();
  const props = {
    roleDefinitionId: reader?.[0]?.id ?? '',
    principalId: uai?.principalId ?? '',
    principalType: 'ServicePrincipal',
  };
  await rec.flow(
    A,
    'roleAssignments.create',
    () => auth.roleAssignments.create(scope, name, props),
    (r) => expect(r.principalId === props.principalId, r),
  );
  await rec.flow(
    A,
    'roleAssignments.listForScope',
    () => collect(auth.roleAssignments.listForScope(scope)),
    (r) =>
      expect(
        r.some((a) => a.name === name),
        r,
      ),
  );
  await rec.flow(A, 'roleAssignments.delete', () => auth.roleAssignments.delete(scope, name));
  await rec.flow(M, 'userAssignedIdentities.delete', () => msi.userAssignedIdentities.delete(env.rg, 'matrix-id'));
}
