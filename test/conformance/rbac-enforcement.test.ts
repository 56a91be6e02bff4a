import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import type { RunningAgent } from '../../src/agent/agent-runtime.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { httpsRequest, type HttpsResponse } from '../helpers/https.js';
import { forEachStore } from '../helpers/postgres.js';
import { cliFor } from '../helpers/cli-harness.js';
import { enrolledAgent } from '../helpers/enrolled-agent.js';

const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const MI_OPERATOR = 'f1a07417-d97a-45cb-824c-7a7467783830';

function imdsToken(agent: RunningAgent): Promise<string> {
  const url = `${agent.endpoints.imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com`;
  return new Promise((resolve, reject) => {
    request(url, { headers: { Metadata: 'true' } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text).access_token) : reject(new Error(text))));
    })
      .on('error', reject)
      .end();
  });
}

await forEachStore((storeName, storeSpec) => {
  describe(`RBAC on every control-plane call, with a workload's own managed identity, on ${storeName}`, () => {
    let t: TestServer;
    let agent: RunningAgent;
    let operator: string;
    let token: string;
    let uaiId: string;
    let vmId: string;
    const sub = () => t.creds.subscriptionId;
    const rg = (name: string) => `/subscriptions/${sub()}/resourceGroups/${name}`;
    const as = (method: string, path: string, body?: unknown): Promise<HttpsResponse> =>
      httpsRequest(`${t.server.baseUrl}${path}`, {
        method,
        ca: t.ca,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const assign = async (scope: string, role: string): Promise<string> => {
      const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`;
      const r = await t.arm('PUT', `${id}?api-version=2022-04-01`, {
        properties: {
          roleDefinitionId: `/subscriptions/${sub()}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
          principalId: operator,
          principalType: 'ServicePrincipal',
        },
      });
      assert.equal(r.status, 201, r.text);
      return id;
    };
    const attach = () =>
      as('PATCH', `${vmId}?api-version=2024-07-01`, {
        identity: { type: 'UserAssigned', userAssignedIdentities: { [uaiId]: {} } },
      });

    before(async () => {
      const s = await storeSpec();
      t = await startTestServer({ store: s.spec, onStop: s.drop });
      for (const name of ['rg-ops', 'rg-app', 'rg-ids'])
        await t.arm('PUT', `${rg(name)}?api-version=2025-04-01`, { location: 'local' });
      const ops = await t.arm(
        'PUT',
        `${rg('rg-ops')}/providers/Microsoft.Compute/virtualMachines/ops?api-version=2024-07-01`,
        { location: 'local', identity: { type: 'SystemAssigned' } },
      );
      operator = ops.json.identity.principalId;
      uaiId = (
        await t.arm(
          'PUT',
          `${rg('rg-ids')}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shared?api-version=2024-11-30`,
          { location: 'local' },
        )
      ).json.id;
      vmId = (
        await t.arm('PUT', `${rg('rg-app')}/providers/Microsoft.Compute/virtualMachines/app?api-version=2024-07-01`, {
          location: 'local',
        })
      ).json.id;
      agent = await enrolledAgent(t, ops.json.id);
      token = await imdsToken(agent);
    });
    after(async () => {
      await agent?.close({ leave: true });
      await t?.stop();
    });

    it('denies by default, and a Reader may read but gets AuthorizationFailed on a write', async () => {
      const before = await as('GET', `${rg('rg-app')}?api-version=2025-04-01`);
      assert.equal(before.status, 403);
      assert.equal(before.json.error.code, 'AuthorizationFailed');
      await assign(rg('rg-app'), READER);
      assert.equal((await as('GET', `${rg('rg-app')}?api-version=2025-04-01`)).status, 200);
      const write = await as(
        'PUT',
        `${rg('rg-app')}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/nope?api-version=2024-11-30`,
        { location: 'local' },
      );
      assert.equal(write.status, 403, write.text);
      assert.equal(write.json.error.code, 'AuthorizationFailed');
      assert.match(
        write.json.error.message,
        new RegExp(
          `object id '${operator}' does not have authorization to perform action 'Microsoft.ManagedIdentity/userAssignedIdentities/write' over scope '${rg('rg-app')}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/nope'`,
        ),
      );
      assert.match(write.json.error.message, /Reader at/, 'the explanation lists what the principal holds');
    });

    it('a Contributor without Managed Identity Operator gets LinkedAuthorizationFailed, and succeeds once it holds it', async () => {
      await assign(rg('rg-app'), CONTRIBUTOR);
      const denied = await attach();
      assert.equal(denied.status, 403, denied.text);
      assert.equal(denied.json.error.code, 'LinkedAuthorizationFailed');
      assert.ok(denied.json.error.message.includes(uaiId), denied.json.error.message);
      await assign(uaiId, MI_OPERATOR);
      const ok = await attach();
      assert.equal(ok.status, 200, ok.text);
    });

    it('deleting an assignment denies the very next request', async () => {
      const id = await assign(rg('rg-ids'), READER);
      assert.equal((await as('GET', `${rg('rg-ids')}?api-version=2025-04-01`)).status, 200);
      assert.equal((await t.arm('DELETE', `${id}?api-version=2022-04-01`)).status, 200);
      const next = await as('GET', `${rg('rg-ids')}?api-version=2025-04-01`);
      assert.equal(next.status, 403, next.text);
    });

    it('lists only the subscriptions the principal can see', async () => {
      const r = await as('GET', '/subscriptions?api-version=2022-12-01');
      assert.equal(r.status, 200);
      assert.deepEqual(
        r.json.value.map((s: { subscriptionId: string }) => s.subscriptionId),
        [sub()],
      );
    });

    it('checkAccess and openmi role explain say which assignment decides', async () => {
      const scope = `${rg('rg-app')}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/x`;
      const check = await t.arm('POST', '/providers/OpenMI.Authorization/checkAccess?api-version=2025-01-01', {
        principalId: operator,
        action: 'Microsoft.ManagedIdentity/userAssignedIdentities/write',
        scope,
      });
      assert.equal(check.status, 200, check.text);
      assert.equal(check.json.allowed, true);
      assert.match(check.json.reason, /allowed by assignment .* \(role Contributor\) at scope /);
      const data = await t.arm('POST', '/providers/OpenMI.Authorization/checkAccess?api-version=2025-01-01', {
        principalId: operator,
        dataAction: 'Microsoft.KeyVault/vaults/secrets/getSecret/action',
        scope,
      });
      assert.equal(data.json.allowed, false, 'Contributor grants no data actions');
      const out = await cliFor(t).ok(
        'role',
        'explain',
        '--assignee',
        operator,
        '--data-action',
        'Microsoft.KeyVault/vaults/secrets/getSecret/action',
        '--scope',
        scope,
      );
      assert.match(out, /^denied: no assignment grants Microsoft\.KeyVault\/vaults\/secrets\/getSecret\/action/);
      const asOperator = await as('POST', '/providers/OpenMI.Authorization/checkAccess?api-version=2025-01-01', {
        principalId: operator,
        action: 'x/read',
        scope: '/',
      });
      assert.equal(asOperator.status, 403, 'reading access at / needs roleAssignments/read there');
    });
  });
});
