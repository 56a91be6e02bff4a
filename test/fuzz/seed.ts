import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AdminCredentialsFile } from '../../src/server/directory/bootstrap.js';
import { httpsRequest } from '../helpers/https.js';
import type { Fixtures } from './server-cases.js';

const OFFICER = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'; // Key Vault Secrets Officer
const BLOB_OWNER = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'; // Storage Blob Data Owner
const ZONE = 'openmi.localhost';

/**
 * What the fuzz needs on the server before it starts: a VM with a user-assigned identity for the
 * agent, a vault and a storage account the admin may use, and a gate resource with a custom role,
 * so that valid requests reach every handler and hostile ones meet real data.
 */
export async function seedFixtures(
  dataDir: string,
  baseUrl: string,
  ca: string,
): Promise<{
  fixtures: Omit<Fixtures, 'identityHeader'>;
  gateResourceId: string;
  token: (resource: string) => Promise<string>;
}> {
  const creds = JSON.parse(readFileSync(join(dataDir, 'admin-credentials.json'), 'utf8')) as AdminCredentialsFile;
  const token = async (resource: string): Promise<string> => {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: creds.clientId,
      client_secret: creds.clientSecret,
      resource,
    }).toString();
    const r = await httpsRequest(`${baseUrl}/${creds.tenantId}/oauth2/token`, {
      method: 'POST',
      ca,
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    if (r.status !== 200) throw new Error(`token for ${resource}: ${r.status} ${r.text}`);
    return r.json.access_token as string;
  };
  const armToken = await token(baseUrl);
  const arm = async (method: string, path: string, body: unknown): Promise<any> => {
    const r = await httpsRequest(`${baseUrl}${path}`, {
      method,
      ca,
      body: JSON.stringify(body),
      headers: { authorization: `Bearer ${armToken}`, 'content-type': 'application/json' },
    });
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
    return r.json;
  };
  const sub = `/subscriptions/${creds.subscriptionId}`;
  const rg = `${sub}/resourceGroups/rg-fixed`;
  await arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'westeurope' });
  // Where the fuzz's writes with a valid token land (it never writes to rg-fixed).
  await arm('PUT', `${sub}/resourceGroups/rg-scratch?api-version=2025-04-01`, { location: 'westeurope' });
  const uai = await arm(
    'PUT',
    `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uai-fuzz?api-version=2024-11-30`,
    { location: 'westeurope' },
  );
  const vm = await arm('PUT', `${rg}/providers/Microsoft.Compute/virtualMachines/vm-fuzz?api-version=2024-07-01`, {
    location: 'westeurope',
    identity: { type: 'UserAssigned', userAssignedIdentities: { [uai.id]: {} } },
  });
  const kv = await arm('PUT', `${rg}/providers/Microsoft.KeyVault/vaults/kvfuzz?api-version=2023-07-01`, {
    location: 'westeurope',
    properties: { tenantId: creds.tenantId, sku: { family: 'A', name: 'standard' } },
  });
  const st = await arm('PUT', `${rg}/providers/Microsoft.Storage/storageAccounts/stfuzz?api-version=2023-05-01`, {
    location: 'westeurope',
    sku: { name: 'Standard_LRS' },
    kind: 'StorageV2',
  });
  const oid = JSON.parse(Buffer.from(armToken.split('.')[1]!, 'base64url').toString('utf8')).oid as string;
  const assign = (scope: string, roleId: string) =>
    arm('PUT', `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`, {
      properties: { roleDefinitionId: roleId, principalId: oid, principalType: 'ServicePrincipal' },
    });
  await assign(kv.id, `${sub}/providers/Microsoft.Authorization/roleDefinitions/${OFFICER}`);
  await assign(st.id, `${sub}/providers/Microsoft.Authorization/roleDefinitions/${BLOB_OWNER}`);
  const gateRole = `${sub}/providers/Microsoft.Authorization/roleDefinitions/${randomUUID()}`;
  await arm('PUT', `${gateRole}?api-version=2022-04-01`, {
    properties: {
      roleName: 'Fuzz Gate',
      description: 'fuzz',
      type: 'CustomRole',
      permissions: [{ actions: [], notActions: [], dataActions: ['Contoso.Fuzz/requests/action'], notDataActions: [] }],
      assignableScopes: [sub],
    },
  });
  await assign(sub, gateRole);
  const fixtures = {
    tenantId: creds.tenantId,
    subscriptionId: creds.subscriptionId,
    zone: ZONE,
    serverPort: Number(new URL(baseUrl).port),
    clientId: creds.clientId,
    armToken,
    vaultToken: await token(`https://vault.${ZONE}`),
    storageToken: await token('https://storage.azure.com'),
    gateToken: await token('api://fuzz-app'),
    vaultName: 'kvfuzz',
    accountName: 'stfuzz',
    vmId: vm.id as string,
    identityClientId: uai.properties.clientId as string,
    maxBodyBytes: 4 * 1024 * 1024,
  };
  return { fixtures, gateResourceId: `${rg}/providers/Contoso.Fuzz/services/app`, token };
}
