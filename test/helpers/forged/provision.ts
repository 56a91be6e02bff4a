import assert from 'node:assert/strict';
import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { loadOrCreateMasterKey, unseal } from '../../../src/kernel/sealing.js';
import { openStore } from '../../../src/store/open-store.js';
import { aadFor } from '../../../src/server/tokens/key-ring.js';
import { JWT_BEARER_ASSERTION_TYPE } from '../../../src/server/tokens/federation/assertion-verifier.js';
import { LOGIN_LINK_GRANT_TYPE, PORTAL_CLIENT_ID } from '../../../src/server/tokens/login-links.js';
import type { ChildServer } from '../child-server.js';
import { httpsRequest, type HttpsResponse } from '../https.js';

export const VAULT_AUDIENCE = 'https://vault.openmi.localhost';
export const STORAGE_AUDIENCE = 'https://storage.azure.com';
export const GATE_AUDIENCE = 'api://orders';
export const GATE_ACTION = 'Contoso.Orders/orders/read';
const ROLES = {
  secretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
  blobContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
};

export const expectStatus = (r: HttpsResponse, status: number, what: string): HttpsResponse => (
  assert.equal(r.status, status, `${what}: ${r.text}`),
  r
);

/** The server's current signing key, read from its store with its master key, as only the server itself could. */
export async function serverSigningKey(s: ChildServer): Promise<KeyObject> {
  const store = await openStore(
    s.store === 'sqlite' ? { kind: 'sqlite', path: join(s.dataDir, 'openmi.db') } : { kind: 'postgres', url: s.store },
  );
  try {
    const current = (await store.signingKeys.list()).find((k) => k.status === 'current');
    assert.ok(current, 'the server has a current signing key');
    const pem = unseal(
      loadOrCreateMasterKey(join(s.dataDir, 'master.key')),
      current.sealedPrivateKey,
      aadFor(current.kid),
    ).toString();
    return createPrivateKey(pem);
  } finally {
    await store.close();
  }
}

/** What the corpus needs in the server: identities with federated credentials, a vault, a storage account, VMs. */
export interface Provisioned {
  rg: string;
  identities: Record<'fed' | 'revoked' | 'deleted', { id: string; clientId: string; principalId: string }>;
  vaultHost: string;
  blobHost: string;
  vmAgent: string;
  vmDoomed: string;
}

export async function provision(s: ChildServer): Promise<Provisioned> {
  const sub = `/subscriptions/${s.creds.subscriptionId}`;
  const rg = `${sub}/resourceGroups/rg-forged`;
  expectStatus(await s.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'westeurope' }), 201, 'resource group');
  const identities = {} as Provisioned['identities'];
  for (const name of ['fed', 'revoked', 'deleted'] as const) {
    const path = `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-${name}`;
    const u = expectStatus(
      await s.arm('PUT', `${path}?api-version=2024-11-30`, { location: 'westeurope' }),
      201,
      `identity ${name}`,
    );
    identities[name] = { id: u.json.id, ...u.json.properties };
    const fic = {
      properties: {
        issuer: `${s.server.baseUrl}/openmi/workload`,
        subject: `forged:${name}`,
        audiences: ['api://AzureADTokenExchange'],
      },
    };
    expectStatus(
      await s.arm('PUT', `${path}/federatedIdentityCredentials/fic?api-version=2024-11-30`, fic),
      201,
      `federated credential ${name}`,
    );
  }
  const vault = `${rg}/providers/Microsoft.KeyVault/vaults/kv-forged`;
  expectStatus(
    await s.arm('PUT', `${vault}?api-version=2023-07-01`, { location: 'westeurope', properties: {} }),
    201,
    'vault',
  );
  const account = `${rg}/providers/Microsoft.Storage/storageAccounts/stforged${randomUUID().slice(0, 8)}`;
  const st = expectStatus(
    await s.arm('PUT', `${account}?api-version=2023-05-01`, {
      location: 'westeurope',
      sku: { name: 'Standard_LRS' },
      kind: 'StorageV2',
    }),
    200,
    'storage account',
  ); // 200: Storage's spec has no 201 (docs/clients.md)
  const vm = async (name: string) =>
    expectStatus(
      await s.arm('PUT', `${rg}/providers/Microsoft.Compute/virtualMachines/${name}?api-version=2024-07-01`, {
        location: 'westeurope',
        identity: { type: 'SystemAssigned' },
      }),
      201,
      name,
    ).json.id as string;
  const admin = JSON.parse(Buffer.from((await s.adminToken()).split('.')[1]!, 'base64url').toString()).oid as string;
  await assign(s, vault, ROLES.secretsOfficer, admin);
  await assign(s, account, ROLES.blobContributor, admin);
  await assign(s, sub, await gateRole(s, sub), admin);
  const port = s.port;
  return {
    rg,
    identities,
    vaultHost: `kv-forged.vault.openmi.localhost:${port}`,
    blobHost: new URL(st.json.properties.primaryEndpoints.blob).host,
    vmAgent: await vm('vm-agent'),
    vmDoomed: await vm('vm-doomed'),
  };
}

async function assign(s: ChildServer, scope: string, role: string, principalId: string): Promise<void> {
  const roleDefinitionId = role.startsWith('/')
    ? role
    : `/subscriptions/${s.creds.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`;
  const body = { properties: { roleDefinitionId, principalId, principalType: 'ServicePrincipal' } };
  expectStatus(
    await s.arm(
      'PUT',
      `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
      body,
    ),
    201,
    `role ${role}`,
  );
}

/** A custom role holding the gate's data action. */
async function gateRole(s: ChildServer, sub: string): Promise<string> {
  const id = `${sub}/providers/Microsoft.Authorization/roleDefinitions/${randomUUID()}`;
  const permissions = [{ actions: [], notActions: [], dataActions: [GATE_ACTION], notDataActions: [] }];
  expectStatus(
    await s.arm('PUT', `${id}?api-version=2022-04-01`, {
      properties: { roleName: 'Orders Reader', type: 'CustomRole', permissions, assignableScopes: [sub] },
    }),
    201,
    'gate role',
  );
  return id;
}

/** A secret in the vault and a blob in a private container, written by the admin through the data planes. */
export async function seedData(s: ChildServer, p: Provisioned): Promise<void> {
  const vault = await s.adminToken(VAULT_AUDIENCE);
  const put = await httpsRequest(`${s.server.baseUrl}/secrets/s1?api-version=7.4`, {
    method: 'PUT',
    ca: s.ca,
    body: '{"value":"forged-corpus"}',
    headers: { host: p.vaultHost, authorization: `Bearer ${vault}`, 'content-type': 'application/json' },
  });
  expectStatus(put, 200, 'secret');
  const storage = await s.adminToken(STORAGE_AUDIENCE);
  const headers = { host: p.blobHost, authorization: `Bearer ${storage}`, 'x-ms-version': '2025-01-05' };
  expectStatus(
    await httpsRequest(`${s.server.baseUrl}/corpus?restype=container`, { method: 'PUT', ca: s.ca, headers }),
    201,
    'container',
  );
  expectStatus(
    await httpsRequest(`${s.server.baseUrl}/corpus/b.txt`, {
      method: 'PUT',
      ca: s.ca,
      body: 'forged corpus',
      headers: { ...headers, 'x-ms-blob-type': 'BlockBlob' },
    }),
    201,
    'blob',
  );
}

/** A real token from openmi's workload issuer. */
export async function workloadToken(s: ChildServer, subject: string, audience?: string): Promise<string> {
  const r = await s.arm('POST', '/providers/OpenMI.Tokens/workloadTokens?api-version=2025-01-01', {
    subject,
    ...(audience ? { audience } : {}),
  });
  return expectStatus(r, 200, 'workload token').json.token as string;
}

/** POSTs a v1 token request with `form` (the token service, exactly as clients call it). */
export function tokenRequest(s: ChildServer, form: Record<string, string>): Promise<HttpsResponse> {
  return httpsRequest(`${s.server.baseUrl}/${s.creds.tenantId}/oauth2/token`, {
    method: 'POST',
    ca: s.ca,
    body: new URLSearchParams(form).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

/** The federated exchange form for `clientId`; a null assertion sends no client assertion at all. */
export const exchangeForm = (clientId: string, assertion: string | null, resource: string): Record<string, string> =>
  assertion === null
    ? { grant_type: 'client_credentials', client_id: clientId, resource }
    : {
        grant_type: 'client_credentials',
        client_id: clientId,
        client_assertion_type: JWT_BEARER_ASSERTION_TYPE,
        client_assertion: assertion,
        resource,
      };

/** A real access token of an identity, by federated exchange of a workload token. */
export async function identityToken(
  s: ChildServer,
  clientId: string,
  subject: string,
  resource: string,
): Promise<string> {
  return expectStatus(
    await tokenRequest(s, exchangeForm(clientId, await workloadToken(s, subject), resource)),
    200,
    `token of ${subject}`,
  ).json.access_token as string;
}

/** A fresh login-link code, and the portal token another one is exchanged for. */
export async function loginLink(s: ChildServer): Promise<string> {
  const r = expectStatus(
    await s.arm('POST', '/providers/OpenMI.Portal/loginLinks?api-version=2025-01-01'),
    200,
    'login link',
  );
  const fragment = new URL(r.json.url as string).hash;
  return new URLSearchParams(fragment.slice(fragment.indexOf('?') + 1)).get('code')!;
}

export async function portalToken(s: ChildServer): Promise<string> {
  const form = {
    grant_type: LOGIN_LINK_GRANT_TYPE,
    client_id: PORTAL_CLIENT_ID,
    code: await loginLink(s),
    resource: s.server.baseUrl,
  };
  return expectStatus(await tokenRequest(s, form), 200, 'portal token').json.access_token as string;
}
