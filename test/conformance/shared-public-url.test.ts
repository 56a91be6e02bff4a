import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { httpsRequest, type HttpsResponse } from '../helpers/https.js';
import { RawAgent } from '../helpers/raw-agent.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The load balancer's address: every node shares it (docs/operations.md); nothing listens there in this test. */
const PUBLIC_URL = 'https://openmi-lb.test:8443';

/**
 * docs/operations.md, "Several nodes": behind a load balancer every node has the same
 * --public-url, yet an agent or client pointed at one node's own address names that address as the
 * audience. The node accepts both its public URL and its own https://host:port.
 */
describe('a node behind a shared public URL accepts audiences naming its own address', () => {
  let t: TestServer;
  let own: string;
  let sub: string;

  const tokenFor = async (resource: string): Promise<string> => {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: t.creds.clientId,
      client_secret: t.creds.clientSecret,
      resource,
    }).toString();
    const r = await httpsRequest(`${own}/${t.creds.tenantId}/oauth2/token`, {
      method: 'POST',
      ca: t.ca,
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(r.status, 200, r.text);
    return r.json.access_token as string;
  };
  const arm = async (token: string, method: string, path: string, body?: unknown): Promise<HttpsResponse> =>
    httpsRequest(`${own}${path}`, {
      method,
      ca: t.ca,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  before(async () => {
    t = await startTestServer({ config: { publicUrl: PUBLIC_URL } });
    assert.equal(t.server.baseUrl, PUBLIC_URL);
    own = `https://127.0.0.1:${t.server.port}`;
    sub = `/subscriptions/${t.creds.subscriptionId}`;
  });
  after(async () => t?.stop());

  it('ARM accepts a token for the public URL and one for the node’s own URL, and no other', async () => {
    for (const resource of [PUBLIC_URL, own]) {
      const r = await arm(await tokenFor(resource), 'GET', `${sub}/resourcegroups?api-version=2025-04-01`);
      assert.equal(r.status, 200, `aud ${resource}: ${r.text}`);
    }
    const other = await arm(
      await tokenFor('https://127.0.0.1:1'),
      'GET',
      `${sub}/resourcegroups?api-version=2025-04-01`,
    );
    assert.equal(other.status, 401, other.text);
  });

  it('an agent given the node’s own URL signs assertions for it, and they are accepted', async () => {
    const token = await tokenFor(own);
    const rg = `${sub}/resourceGroups/rg-own-url`;
    assert.equal((await arm(token, 'PUT', `${rg}?api-version=2025-04-01`, { location: 'local' })).status, 201);
    const vm = await arm(token, 'PUT', `${rg}/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2024-07-01`, {
      location: 'local',
      identity: { type: 'SystemAssigned' },
    });
    assert.equal(vm.status, 201, vm.text);
    const jt = await arm(token, 'POST', `${vm.json.id}/providers/OpenMI.Agents/joinTokens?api-version=2025-01-01`, {});
    assert.equal(jt.status, 200, jt.text);
    const viaOwn = new RawAgent({ ca: t.ca, server: { baseUrl: own } });
    assert.equal((await viaOwn.enroll(jt.json.token)).status, 201);
    const minted = await viaOwn.token('https://vault.azure.net');
    assert.equal(minted.status, 200, minted.text);
    const viaPublic = await viaOwn.call(
      'POST',
      'token',
      { resource: 'https://vault.azure.net' },
      viaOwn.assertion({ aud: `${PUBLIC_URL}/openmi/agent/v1` }),
    );
    assert.equal(viaPublic.status, 200, `the public URL stays accepted: ${viaPublic.text}`);
    const elsewhere = await viaOwn.call(
      'POST',
      'token',
      { resource: 'https://vault.azure.net' },
      viaOwn.assertion({ aud: 'https://127.0.0.1:1/openmi/agent/v1' }),
    );
    assert.equal(elsewhere.status, 401, elsewhere.text);
  });
});
