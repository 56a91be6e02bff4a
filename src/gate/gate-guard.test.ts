import { parseGateConfig } from './rules.js';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createArmClient } from '../client/arm-client.js';
import { DataPlaneAuthenticator } from '../server/surfaces/data-plane-auth/data-plane-auth.js';
import { RawConnection, type Outcome } from '../../test/fuzz/raw-http.js';
import { createLogger } from '../kernel/log.js';
import type { RunningAgent } from '../agent/agent-runtime.js';
import { httpGet } from '../../test/helpers/http.js';
import { startTestServer, type TestServer } from '../../test/helpers/server.js';
import { JwksVerifier } from './jwks-verifier.js';
import { createGate } from './proxy.js';
import { RemoteAuthorizer } from './remote-authorizer.js';
import { enrolledAgent } from '../../test/helpers/enrolled-agent.js';

const listen = (s: Server) =>
  new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));

/** The gate in front of a real service, with tokens from a real agent (docs/security.md, finding 1). */
describe('openmi gate: no request ends it', () => {
  let t: TestServer;
  let agent: RunningAgent;
  let upstream: Server;
  let gate: Server;
  let port = 0;
  let uaiId = '';
  let clientId = '';
  const seen: Array<Record<string, unknown>> = [];
  const raw = async (text: string): Promise<Outcome> => {
    const c = await RawConnection.open({ host: '127.0.0.1', port, tls: false }, 10_000);
    try {
      return await c.exchange(Buffer.from(text, 'latin1'), 'GET', 10_000);
    } finally {
      c.close();
    }
  };
  const status = (o: Outcome) => (o.kind === 'answer' ? o.status : o.kind);

  before(async () => {
    t = await startTestServer();
    const sub = `/subscriptions/${t.creds.subscriptionId}`;
    // A resource group name outside Latin-1 is valid in ARM, so it reaches the token's xms_mirid.
    const rg = `${sub}/resourceGroups/${encodeURIComponent('rg-ğüş')}`;
    await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'westeurope' });
    const uai = await t.arm(
      'PUT',
      `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/worker?api-version=2024-11-30`,
      { location: 'westeurope' },
    );
    uaiId = uai.json.id;
    clientId = uai.json.properties.clientId;
    const vm = await t.arm('PUT', `${rg}/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2024-07-01`, {
      location: 'westeurope',
      identity: { type: 'UserAssigned', userAssignedIdentities: { [uaiId]: {} } },
    });
    const roleId = `${sub}/providers/Microsoft.Authorization/roleDefinitions/${randomUUID()}`;
    await t.arm('PUT', `${roleId}?api-version=2022-04-01`, {
      properties: {
        roleName: 'Orders Reader',
        description: 'reads',
        type: 'CustomRole',
        permissions: [{ actions: [], notActions: [], dataActions: ['Contoso.Orders/orders/read'], notDataActions: [] }],
        assignableScopes: [sub],
      },
    });
    await t.arm(
      'PUT',
      `${sub}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
      {
        properties: {
          roleDefinitionId: roleId,
          principalId: uai.json.properties.principalId,
          principalType: 'ServicePrincipal',
        },
      },
    );
    agent = await enrolledAgent(t, vm.json.id);
    upstream = createServer((req, res) => (seen.push(req.headers), res.end('{}')));
    const upstreamPort = await listen(upstream);
    const auth = new DataPlaneAuthenticator({
      verifier: new JwksVerifier(t.server.baseUrl, t.creds.tenantId, t.ca),
      revocations: { get: async () => undefined },
      authorizer: new RemoteAuthorizer(createArmClient({ dataDir: t.dataDir })),
      resource: 'api://orders',
    });
    gate = createGate({
      auth,
      policy: parseGateConfig({
        rules: [{ method: 'GET', path: '/orders/*', dataAction: 'Contoso.Orders/orders/read' }],
      }),
      resourceId: `${sub}/resourceGroups/rg-app/providers/Contoso.Orders/services/orders`,
      upstream: `http://127.0.0.1:${upstreamPort}`,
      log: createLogger('silent'),
      limits: { maxHeaderBytes: 8192, maxUrlBytes: 1024, maxConnectionsPerClient: 50 },
    });
    port = await listen(gate);
  });
  after(async () => {
    gate.closeAllConnections();
    gate.close();
    upstream.close();
    await agent.close({ leave: true });
    await t.stop();
  });

  it('forwards an identity from a Unicode-named resource group percent-encoded, and keeps serving', async () => {
    const tok = await httpGet(
      `${agent.endpoints.imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=api://orders&client_id=${clientId}`,
      { Metadata: 'true' },
    );
    assert.equal(tok.status, 200, JSON.stringify(tok.json));
    const out = await raw(
      `GET /orders/1 HTTP/1.1\r\nhost: gate\r\nauthorization: Bearer ${tok.json.access_token}\r\n\r\n`,
    );
    assert.equal(status(out), 200);
    const forwarded = String(seen.at(-1)?.['x-openmi-identity-resource-id']);
    assert.match(forwarded, /^[\x20-\x7e]+$/);
    assert.equal(decodeURIComponent(forwarded).toLowerCase(), uaiId.toLowerCase());
    assert.equal(status(await raw('GET /orders/1 HTTP/1.1\r\nhost: gate\r\n\r\n')), 401, 'still serving');
  });

  it('malformed HTTP is 400, oversized headers 431, a long target 414, and the gate keeps serving', async () => {
    assert.equal(status(await raw('G@T / HTTP/1.1\r\nhost: gate\r\n\r\n')), 400);
    assert.equal(status(await raw(`GET /orders/1 HTTP/1.1\r\nhost: gate\r\nx-big: ${'b'.repeat(9000)}\r\n\r\n`)), 431);
    assert.equal(status(await raw(`GET /orders/${'u'.repeat(2000)} HTTP/1.1\r\nhost: gate\r\n\r\n`)), 414);
    const token = await httpGet(
      `${agent.endpoints.imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=api://orders&client_id=${clientId}`,
      { Metadata: 'true' },
    );
    // `//` makes the target a URL with a host, and these bytes are no host: 500 before, now 400.
    assert.equal(
      status(
        await raw(
          `GET //%1D%00x/orders/1 HTTP/1.1\r\nhost: gate\r\nauthorization: Bearer ${token.json.access_token}\r\n\r\n`,
        ),
      ),
      400,
    );
    assert.equal(status(await raw('GET /orders/1 HTTP/1.1\r\nhost: gate\r\n\r\n')), 401);
  });
});
