import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { httpsRequest } from '../helpers/https.js';

describe('Key Vault data plane: challenge and authentication order', () => {
  let t: TestServer;
  let vaultPath: string;
  before(async () => {
    t = await startTestServer();
    const rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-ch`;
    await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'westeurope' });
    vaultPath = `${rg}/providers/Microsoft.KeyVault/vaults/kv-ch`;
    assert.equal(
      (await t.arm('PUT', `${vaultPath}?api-version=2023-07-01`, { location: 'westeurope', properties: {} })).status,
      201,
    );
  });
  after(() => t.stop());

  /** Addressed to the vault's host name; the connection goes to the server's own address. */
  const vault = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
    httpsRequest(`${t.server.baseUrl}${path}`, {
      method,
      ca: t.ca,
      headers: { host: `kv-ch.vault.openmi.localhost:${new URL(t.server.baseUrl).port}`, ...headers },
      ...(body !== undefined ? { body } : {}),
    });

  it('answers an unauthenticated empty-body PUT with 401 and the exact challenge, before any validation', async () => {
    const r = await vault('PUT', '/secrets/x?api%2Dversion=2025-07-01', {
      'content-type': 'application/json',
      'content-length': '0',
    });
    assert.equal(r.status, 401);
    // Off port 443 the resource carries the port: Python's SDK compares host:port with the vault URL's.
    const port = new URL(t.server.baseUrl).port;
    assert.equal(
      r.headers['www-authenticate'],
      `Bearer authorization="${t.server.baseUrl}/${t.creds.tenantId}", resource="https://vault.openmi.localhost:${port}"`,
    );
    assert.equal(r.json.error.code, 'Unauthorized');
  });

  it('accepts tokens for the resource with and without the port', async () => {
    const port = new URL(t.server.baseUrl).port;
    for (const audience of [
      `https://vault.openmi.localhost:${port}`,
      'https://vault.openmi.localhost',
      `https://vault.openmi.localhost:${port}/`,
    ]) {
      const r = await vault('GET', '/secrets?api-version=7.4', {
        authorization: `Bearer ${await t.adminToken(audience)}`,
      });
      assert.equal(r.status, 403, `${audience}: ${r.text}`);
      assert.equal(r.json.error.innererror.code, 'ForbiddenByRbac');
    }
    const other = await vault('GET', '/secrets?api-version=7.4', {
      authorization: `Bearer ${await t.adminToken('https://vault.openmi.localhost:1')}`,
    });
    assert.equal(other.status, 401, other.text);
  });

  it('refuses a token for another audience with 401 and the challenge', async () => {
    const r = await vault('GET', '/secrets?api-version=7.4', { authorization: `Bearer ${await t.adminToken()}` });
    assert.equal(r.status, 401, r.text);
    assert.match(r.json.error.message, /audience/);
    assert.ok(r.headers['www-authenticate']);
  });

  it('accepts the vault audience (then RBAC decides: 403 ForbiddenByRbac); an unknown vault is 404', async () => {
    const token = await t.adminToken('https://vault.openmi.localhost');
    const list = await vault('GET', '/secrets?api-version=7.4', { authorization: `Bearer ${token}` });
    assert.equal(list.status, 403, 'the admin holds no data actions (Owner has none)');
    assert.equal(list.json.error.innererror.code, 'ForbiddenByRbac');
    const other = await httpsRequest(`${t.server.baseUrl}/secrets?api-version=7.4`, {
      ca: t.ca,
      headers: { host: 'nope.vault.openmi.localhost', authorization: `Bearer ${token}` },
    });
    assert.equal(other.status, 404, other.text);
    assert.equal(other.json.error.code, 'VaultNotFound');
  });
});
