import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startGate } from '../helpers/gate.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const listen = (s: Server) =>
  new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));

function get(port: number, token: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/orders/7', headers: { authorization: `Bearer ${token}` } },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('openmi gate (CLI)', () => {
  let t: TestServer;
  let upstream: Server;
  let gate: ChildProcess | undefined;
  let port: number;
  before(async () => {
    t = await startTestServer();
    upstream = createServer((req, res) => res.end(`upstream ${req.url} for ${req.headers['x-openmi-principal-id']}`));
    const upstreamPort = await listen(upstream);
    const sub = `/subscriptions/${t.creds.subscriptionId}`;
    const resource = `${sub}/resourceGroups/rg-app/providers/Contoso.Orders/services/orders`;
    const config = join(t.dataDir, 'gate.json');
    writeFileSync(
      config,
      JSON.stringify({ rules: [{ method: 'GET', path: '/orders/*', dataAction: 'Contoso.Orders/orders/read' }] }),
    );
    const started = await startGate([
      '--upstream',
      `http://127.0.0.1:${upstreamPort}`,
      '--resource',
      resource,
      '--config',
      config,
      '--listen',
      '127.0.0.1:0',
      '--data-dir',
      t.dataDir,
    ]);
    gate = started.child;
    port = started.port;
  });
  after(async () => {
    gate?.kill();
    upstream.close();
    await t.stop();
  });

  it('starts on an ephemeral port and proxies an authorized request', async () => {
    const token = await t.adminToken('api://orders');
    const oid = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).oid as string;
    assert.equal((await get(port, token)).status, 403, 'no role yet');
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
    const ra = await t.arm(
      'PUT',
      `${sub}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
      { properties: { roleDefinitionId: roleId, principalId: oid, principalType: 'ServicePrincipal' } },
    );
    assert.equal(ra.status, 201, ra.text);
    const ok = await get(port, token);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.text, `upstream /orders/7 for ${oid}`);
  });
});
