import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resignerFor, type Resign } from '../helpers/forged-tokens.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { createArmClient } from '../../src/client/arm-client.js';
import { DataPlaneAuthenticator } from '../../src/server/surfaces/data-plane-auth/data-plane-auth.js';
import { JwksVerifier } from '../../src/gate/jwks-verifier.js';
import { RemoteAuthorizer } from '../../src/gate/remote-authorizer.js';
import { RemoteRevocationList, REVOCATION_REFRESH_MS } from '../../src/gate/revocation-list.js';
import { createGate } from '../../src/gate/proxy.js';
import { parseGateConfig } from '../../src/gate/rules.js';

const listen = (s: Server) =>
  new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));

function call(port: number, token: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/orders/1', headers: { authorization: `Bearer ${token}` } },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, json: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A custom role with the gate's data action, assigned to each principal at the subscription. */
async function grantOrdersRead(t: TestServer, principalIds: string[]): Promise<void> {
  const sub = `/subscriptions/${t.creds.subscriptionId}`;
  const roleId = `${sub}/providers/Microsoft.Authorization/roleDefinitions/${randomUUID()}`;
  const role = await t.arm('PUT', `${roleId}?api-version=2022-04-01`, {
    properties: {
      roleName: 'Orders Reader',
      description: 'reads orders',
      type: 'CustomRole',
      permissions: [{ actions: [], notActions: [], dataActions: ['Contoso.Orders/orders/read'], notDataActions: [] }],
      assignableScopes: [sub],
    },
  });
  assert.equal(role.status, 201, role.text);
  for (const principalId of principalIds) {
    const ra = await t.arm(
      'PUT',
      `${sub}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
      { properties: { roleDefinitionId: roleId, principalId, principalType: 'ServicePrincipal' } },
    );
    assert.equal(ra.status, 201, ra.text);
  }
}

// The forged-token corpus (test/conformance/forged-token-corpus.test.ts) runs against the gate too.
describe('openmi gate admits re-signed tokens and refuses revoked ones', () => {
  let t: TestServer;
  let upstream: Server;
  let gate: Server;
  let revocations: RemoteRevocationList;
  let port: number;
  let real: string;
  let resign: Resign;
  let identity: { id: string; principalId: string };
  before(async () => {
    t = await startTestServer();
    upstream = createServer((req, res) => res.end(JSON.stringify({ principal: req.headers['x-openmi-principal-id'] })));
    const upstreamPort = await listen(upstream);
    const sub = `/subscriptions/${t.creds.subscriptionId}`;
    await t.arm('PUT', `${sub}/resourceGroups/rg-gate?api-version=2025-04-01`, { location: 'local' });
    const u = await t.arm(
      'PUT',
      `${sub}/resourceGroups/rg-gate/providers/Microsoft.ManagedIdentity/userAssignedIdentities/orders-client?api-version=2024-11-30`,
      { location: 'local' },
    );
    assert.equal(u.status, 201, u.text);
    identity = { id: u.json.id, principalId: u.json.properties.principalId };
    const client = createArmClient({ dataDir: t.dataDir });
    revocations = new RemoteRevocationList(client);
    await revocations.start();
    const auth = new DataPlaneAuthenticator({
      verifier: new JwksVerifier(t.server.baseUrl, t.creds.tenantId, t.ca),
      revocations,
      authorizer: new RemoteAuthorizer(client),
      resource: 'api://orders',
    });
    const policy = parseGateConfig({
      rules: [{ method: 'GET', path: '/orders/*', dataAction: 'Contoso.Orders/orders/read' }],
    });
    gate = createGate({
      auth,
      policy,
      resourceId: `${sub}/resourceGroups/rg-gate/providers/Contoso.Orders/services/orders`,
      upstream: `http://127.0.0.1:${upstreamPort}`,
    });
    port = await listen(gate);
    real = await t.adminToken('api://orders');
    const claims = JSON.parse(Buffer.from(real.split('.')[1]!, 'base64url').toString());
    resign = await resignerFor(t, real);
    await grantOrdersRead(t, [claims.oid, identity.principalId]);
  });
  after(async () => {
    revocations.stop();
    gate.close();
    upstream.close();
    await t.stop();
  });

  it('admits the real token and the same claims re-signed (the baseline)', async () => {
    assert.equal((await call(port, real)).status, 200);
    assert.equal((await call(port, resign({}))).status, 200);
  });

  it('refuses tokens of a revoked identity within the refresh window; a newly minted token works', async () => {
    const old = resign({ oid: identity.principalId, iat: Math.floor(Date.now() / 1000) - 1 });
    assert.equal((await call(port, old)).status, 200, 'the identity is admitted before revocation');
    const rv = await t.arm('POST', `${identity.id}/providers/OpenMI.Tokens/revokeTokens?api-version=2025-01-01`);
    assert.equal(rv.status, 200, rv.text);
    const listed = await t.arm('GET', '/providers/OpenMI.Tokens/revocations?api-version=2025-01-01');
    assert.deepEqual(listed.json.value, [{ principalId: identity.principalId, revokedAt: rv.json.revokedAt }]);
    const r = await waitFor(
      async () => {
        const r = await call(port, old);
        return r.status !== 200 && r;
      },
      {
        what: 'the gate to refuse the revoked token within its refresh window',
        timeoutMs: REVOCATION_REFRESH_MS + 1_000,
        intervalMs: 200,
      },
    );
    assert.equal(r.status, 401, JSON.stringify(r.json));
    assert.equal(r.json.error.code, 'TokenRevoked');
    assert.match(r.json.error.message, /revoked/);
    const fresh = resign({ oid: identity.principalId, iat: Math.floor(Date.parse(rv.json.revokedAt) / 1000) + 1 });
    const ok = await call(port, fresh);
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.equal(ok.json.principal, identity.principalId);
  });
});
