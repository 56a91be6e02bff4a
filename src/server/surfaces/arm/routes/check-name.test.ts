import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../../../../../test/helpers/server.js';
import { httpsRequest } from '../../../../../test/helpers/https.js';
import { RawAgent } from '../../../../../test/helpers/raw-agent.js';

const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';

/** Per provider: the path segment, the body's type, Azure's RBAC action (Storage's is lower case); vault names compare case-insensitively. */
const PROVIDERS = [
  {
    ns: 'Microsoft.KeyVault',
    type: 'Microsoft.KeyVault/vaults',
    version: '2026-02-01',
    action: 'Microsoft.KeyVault/checkNameAvailability/read',
    invalid: '9starts-with-digit',
    taken: 'kv-taken-1',
    ask: 'KV-Taken-1',
  },
  {
    ns: 'Microsoft.Storage',
    type: 'Microsoft.Storage/storageAccounts',
    version: '2025-08-01',
    action: 'Microsoft.Storage/checknameavailability/read',
    invalid: 'Has_Upper',
    taken: 'sttaken1',
    ask: 'sttaken1',
  },
] as const;

describe('checkNameAvailability for Microsoft.KeyVault and Microsoft.Storage', () => {
  let t: TestServer;
  let miToken: string;
  let miPrincipal: string;
  const sub = () => `/subscriptions/${t.creds.subscriptionId}`;
  const path = (p: (typeof PROVIDERS)[number], version: string = p.version) =>
    `${sub()}/providers/${p.ns}/checkNameAvailability?api-version=${version}`;
  before(async () => {
    t = await startTestServer();
    const rg = `${sub()}/resourceGroups/rg-names`;
    await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'westeurope' });
    assert.equal(
      (
        await t.arm('PUT', `${rg}/providers/Microsoft.KeyVault/vaults/kv-taken-1?api-version=2026-02-01`, {
          location: 'westeurope',
          properties: { tenantId: t.creds.tenantId, sku: { family: 'A', name: 'standard' } },
        })
      ).status,
      201,
    );
    assert.equal(
      (
        await t.arm('PUT', `${rg}/providers/Microsoft.Storage/storageAccounts/sttaken1?api-version=2025-08-01`, {
          location: 'westeurope',
          sku: { name: 'Standard_LRS' },
        })
      ).status,
      200,
    );
    const vm = await t.arm('PUT', `${rg}/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2026-03-01`, {
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
    });
    miPrincipal = vm.json.identity.principalId;
    const join = await t.arm('POST', `${vm.json.id}/providers/OpenMI.Agents/joinTokens?api-version=2025-01-01`, {});
    const agent = new RawAgent(t);
    assert.equal((await agent.enroll(join.json.token)).status, 201);
    const minted = await agent.token(t.server.baseUrl);
    miToken = minted.json.accessToken;
    assert.ok(miToken, minted.text);
  });
  after(() => t.stop());

  for (const p of PROVIDERS) {
    it(`${p.ns}: free, invalid and taken names in Azure's shape`, async () => {
      const ask = async (name: string) => {
        const r = await t.arm('POST', path(p), { name, type: p.type });
        assert.equal(r.status, 200, r.text);
        return r.json;
      };
      assert.deepEqual(await ask('freename123'), { nameAvailable: true });
      const invalid = await ask(p.invalid);
      assert.equal(invalid.nameAvailable, false);
      assert.equal(invalid.reason, 'AccountNameInvalid');
      assert.match(invalid.message, new RegExp(p.invalid));
      const taken = await ask(p.ask);
      assert.equal(taken.nameAvailable, false);
      assert.equal(taken.reason, 'AlreadyExists');
      assert.match(taken.message, /already/);
    });

    it(`${p.ns}: a body without name or with another type is a 400 that says what to send; an unknown subscription a 404`, async () => {
      const noName = await t.arm('POST', path(p), { type: p.type });
      assert.equal(noName.status, 400);
      assert.equal(noName.json.error.code, 'InvalidRequestContent');
      assert.ok(noName.json.error.message.includes(p.type));
      const wrongType = await t.arm('POST', path(p), { name: 'x1234', type: 'Microsoft.Web/sites' });
      assert.equal(wrongType.status, 400);
      const other = await t.arm('POST', path(p).replace(t.creds.subscriptionId, randomUUID()), {
        name: 'abc123',
        type: p.type,
      });
      assert.equal(other.status, 404, other.text);
      assert.equal(other.json.error.code, 'SubscriptionNotFound');
    });
  }

  it(`needs each provider's checkNameAvailability read action: refused without a role, allowed with Reader`, async () => {
    const asMi = (p: (typeof PROVIDERS)[number]) =>
      httpsRequest(`${t.server.baseUrl}${path(p)}`, {
        method: 'POST',
        ca: t.ca,
        headers: { authorization: `Bearer ${miToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'abc123x', type: p.type }),
      });
    for (const p of PROVIDERS) {
      const denied = await asMi(p);
      assert.equal(denied.status, 403, denied.text);
      assert.ok(denied.json.error.message.includes(`'${p.action}'`), denied.text);
    }
    const ra = await t.arm(
      'PUT',
      `${sub()}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
      {
        properties: {
          roleDefinitionId: `${sub()}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
          principalId: miPrincipal,
          principalType: 'ServicePrincipal',
        },
      },
    );
    assert.equal(ra.status, 201, ra.text);
    for (const p of PROVIDERS) assert.equal((await asMi(p)).status, 200);
  });
});
