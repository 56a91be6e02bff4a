import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createArmClient } from '../../src/client/arm-client.js';
import { DataPlaneAuthenticator } from '../../src/server/surfaces/data-plane-auth/data-plane-auth.js';
import { JwksVerifier } from '../../src/gate/jwks-verifier.js';
import { RemoteAuthorizer } from '../../src/gate/remote-authorizer.js';
import { createGate } from '../../src/gate/proxy.js';
import { gateMiddleware, type GateCheckOptions } from '../../src/gate/middleware.js';
import { parseGateConfig } from '../../src/gate/rules.js';

const listen = (s: Server) =>
  new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));

function call(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, json: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('openmi gate in front of a Node service', () => {
  let t: TestServer;
  let upstream: Server;
  let gate: Server;
  let port: number;
  let token: string;
  let oid: string;
  let resourceId: string;
  let options: GateCheckOptions;
  before(async () => {
    t = await startTestServer();
    upstream = createServer((req, res) => res.end(JSON.stringify({ path: req.url, headers: req.headers })));
    const upstreamPort = await listen(upstream);
    const sub = `/subscriptions/${t.creds.subscriptionId}`;
    resourceId = `${sub}/resourceGroups/rg-app/providers/Contoso.Orders/services/orders`;
    const client = createArmClient({ dataDir: t.dataDir });
    const auth = new DataPlaneAuthenticator({
      verifier: new JwksVerifier(t.server.baseUrl, t.creds.tenantId, t.ca),
      revocations: { get: async () => undefined },
      authorizer: new RemoteAuthorizer(client),
      resource: 'api://orders',
    });
    const policy = parseGateConfig({
      rules: [{ method: 'GET', path: '/orders/*', dataAction: 'Contoso.Orders/orders/read' }],
    });
    options = { auth, policy, resourceId };
    gate = createGate({ ...options, upstream: `http://127.0.0.1:${upstreamPort}` });
    port = await listen(gate);
    token = await t.adminToken('api://orders');
    oid = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).oid;
  });
  after(async () => {
    gate.close();
    upstream.close();
    await t.stop();
  });

  it('refuses forged and missing tokens with 401', async () => {
    const [h, p] = token.split('.');
    assert.equal((await call(port, 'GET', '/orders/1', {})).status, 401);
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: JSON.parse(Buffer.from(h!, 'base64url').toString()).kid })).toString('base64url')}.${p}.`;
    const r = await call(port, 'GET', '/orders/1', { authorization: `Bearer ${none}` });
    assert.equal(r.status, 401);
    assert.match(r.json.error.message, /algorithm 'none'/);
    const arm = await call(port, 'GET', '/orders/1', { authorization: `Bearer ${await t.adminToken()}` });
    assert.equal(arm.status, 401, 'a token for another audience');
  });

  it('403 with the reason without the role; passes the verified identity once a custom role is assigned', async () => {
    const denied = await call(port, 'GET', '/orders/1', { authorization: `Bearer ${token}` });
    assert.equal(denied.status, 403);
    assert.match(denied.json.error.message, /Contoso\.Orders\/orders\/read/);
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
    assert.equal(role.status, 201, JSON.stringify(role.json));
    const ra = await t.arm(
      'PUT',
      `${sub}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
      { properties: { roleDefinitionId: roleId, principalId: oid, principalType: 'ServicePrincipal' } },
    );
    assert.equal(ra.status, 201, JSON.stringify(ra.json));
    const ok = await call(port, 'GET', '/orders/1', {
      authorization: `Bearer ${token}`,
      'x-openmi-principal-id': 'spoofed',
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.json.path, '/orders/1');
    assert.equal(ok.json.headers['x-openmi-principal-id'], oid, 'the caller-sent header is replaced');
    assert.equal(ok.json.headers['x-openmi-client-id'], t.creds.clientId);
    const unmapped = await call(port, 'DELETE', '/orders/1', { authorization: `Bearer ${token}` });
    assert.equal(unmapped.status, 403, 'no rule maps DELETE');
  });

  it('as in-process middleware, the app routes the normalized path it authorized and sees only the verified identity', async () => {
    const check = gateMiddleware(options);
    const app = createServer((req, res) =>
      check(req, res, () =>
        res.end(
          JSON.stringify({
            path: req.url,
            principal: req.headers['x-openmi-principal-id'],
            other: req.headers['x-openmi-other'],
          }),
        ),
      ),
    );
    const appPort = await listen(app);
    try {
      const headers = {
        authorization: `Bearer ${token}`,
        'x-openmi-principal-id': 'spoofed',
        'x-openmi-other': 'spoofed',
      };
      const ok = await call(appPort, 'GET', '//orders/./1?x=%2F', headers);
      assert.equal(ok.status, 200, JSON.stringify(ok.json));
      assert.deepEqual(ok.json, { path: '/orders/1?x=%2F', principal: oid });
      const bad = await call(appPort, 'GET', '/orders/..%2f1', headers);
      assert.equal(bad.status, 400);
      assert.equal(bad.json.error.code, 'InvalidRequestPath');
    } finally {
      app.close();
    }
  });
});
