import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runClient } from '../helpers/child.js';

const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const RG_V = 'api-version=2025-04-01';
const MSI_V = 'api-version=2024-11-30';

type Lists = Record<'identities' | 'virtualMachines' | 'vaults' | 'storageAccounts', unknown>;

/**
 * Subscription-wide lists hold only what the caller may read, as ARM filters them
 * (https://learn.microsoft.com/azure/role-based-access-control/overview): Reader on one group
 * lists that group's resources, Reader on one resource lists that resource, and a caller who may
 * read none of them is refused as before.
 */
describe('subscription-wide lists of identities, VMs, vaults and storage accounts are filtered by RBAC', () => {
  let t: TestServer;
  let asReader: Lists;
  let asNobody: Lists;
  let asAdmin: Lists;
  const sub = () => `/subscriptions/${t.creds.subscriptionId}`;
  const put = async (path: string, body: unknown) => {
    const r = await t.arm('PUT', path, body);
    assert.ok(r.status === 200 || r.status === 201, `${path}: ${r.status} ${r.text}`);
    return r.json;
  };
  const assign = (scope: string, principalId: string) =>
    put(`${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`, {
      properties: {
        roleDefinitionId: `${sub()}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
        principalId,
        principalType: 'ServicePrincipal',
      },
    });
  /** A user-assigned identity in rg-callers that signs in with a workload token, as a pipeline would. */
  const caller = async (name: string) => {
    const uai = await put(
      `${sub()}/resourceGroups/rg-callers/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}?${MSI_V}`,
      {
        location: 'westeurope',
      },
    );
    const minted = (
      await t.arm('POST', '/providers/OpenMI.Tokens/workloadTokens?api-version=2025-01-01', { subject: name })
    ).json;
    await put(`${uai.id}/federatedIdentityCredentials/pipeline?${MSI_V}`, {
      properties: { issuer: minted.issuer, subject: name, audiences: [minted.audience] },
    });
    return {
      principalId: uai.properties.principalId as string,
      clientId: uai.properties.clientId as string,
      assertion: minted.token as string,
    };
  };
  const lists = async (who: { clientId: string; assertion: string }): Promise<Lists> => {
    const env = {
      tenantId: t.creds.tenantId,
      endpoint: t.server.baseUrl,
      subscriptionId: t.creds.subscriptionId,
      ...who,
    };
    const r = await runClient('subscription-lists.client.js', [JSON.stringify(env)], {
      NODE_EXTRA_CA_CERTS: t.server.caCertPath,
    });
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Lists;
  };

  before(async () => {
    t = await startTestServer();
    for (const g of ['a', 'b', 'callers'])
      await put(`${sub()}/resourceGroups/rg-${g}?${RG_V}`, { location: 'westeurope' });
    const ids: Record<string, string> = {};
    for (const g of ['a', 'b']) {
      const rg = `${sub()}/resourceGroups/rg-${g}/providers`;
      await put(`${rg}/Microsoft.ManagedIdentity/userAssignedIdentities/id-${g}?${MSI_V}`, { location: 'westeurope' });
      await put(`${rg}/Microsoft.Compute/virtualMachines/vm-${g}?api-version=2024-07-01`, { location: 'westeurope' });
      await put(`${rg}/Microsoft.KeyVault/vaults/kv-${g}-lists?api-version=2023-07-01`, {
        location: 'westeurope',
        properties: { tenantId: t.creds.tenantId, sku: { family: 'A', name: 'standard' } },
      });
      const st = await put(`${rg}/Microsoft.Storage/storageAccounts/st${g}lists?api-version=2025-08-01`, {
        location: 'westeurope',
        sku: { name: 'Standard_LRS' },
        kind: 'StorageV2',
      });
      ids[g] = st.id;
    }
    const reader = await caller('reader');
    const nobody = await caller('nobody');
    // Reader on rg-a, and on rg-b's storage account alone.
    await assign(`${sub()}/resourceGroups/rg-a`, reader.principalId);
    await assign(ids['b']!, reader.principalId);
    [asReader, asNobody] = [await lists(reader), await lists(nobody)];
    // Reader on the subscription: the unfiltered path, everything.
    await assign(sub(), nobody.principalId);
    asAdmin = await lists(nobody);
  });
  after(() => t?.stop());

  it('userAssignedIdentities.listBySubscription', () => {
    assert.deepEqual(asReader.identities, ['id-a']);
    assert.deepEqual(asAdmin.identities, ['id-a', 'id-b', 'nobody', 'reader']);
    assert.deepEqual(asNobody.identities, { statusCode: 403, code: 'AuthorizationFailed' });
  });

  it('virtualMachines.listAll', () => {
    assert.deepEqual(asReader.virtualMachines, ['vm-a']);
    assert.deepEqual(asAdmin.virtualMachines, ['vm-a', 'vm-b']);
    assert.deepEqual(asNobody.virtualMachines, { statusCode: 403, code: 'AuthorizationFailed' });
  });

  it('vaults.listBySubscription', () => {
    assert.deepEqual(asReader.vaults, ['kv-a-lists']);
    assert.deepEqual(asAdmin.vaults, ['kv-a-lists', 'kv-b-lists']);
    assert.deepEqual(asNobody.vaults, { statusCode: 403, code: 'AuthorizationFailed' });
  });

  it('storageAccounts.list: read on one account lists that account', () => {
    assert.deepEqual(asReader.storageAccounts, ['stalists', 'stblists']);
    assert.deepEqual(asAdmin.storageAccounts, ['stalists', 'stblists']);
    assert.deepEqual(asNobody.storageAccounts, { statusCode: 403, code: 'AuthorizationFailed' });
  });
});
