import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { forEachStore } from '../helpers/postgres.js';
import { assignRole, keyVaultClient, removeRole, vaultWithVm, type VaultWithVm } from '../helpers/key-vault-client.js';
import type { Answer } from '../helpers/line-client.js';

const OFFICER = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7';

await forEachStore((storeName, storeSpec) => {
  describe(`@azure/keyvault-secrets 4.11.2 SecretClient (default options) under openmi run on ${storeName}`, () => {
    let t: TestServer;
    let vmId: string;
    let principalId: string;
    let vault: VaultWithVm['vault'];
    before(async () => {
      const spec = await storeSpec();
      t = await startTestServer({ store: spec.spec, onStop: spec.drop });
      ({ vmId, principalId, vault } = await vaultWithVm(t, { rg: 'rg-kv', vault: 'kv-conf1' }));
    });
    after(() => t.stop());

    it('serves the vault resource with its own vault host', async () => {
      const port = new URL(t.server.baseUrl).port;
      assert.equal(vault.properties.vaultUri, `https://kv-conf1.vault.openmi.localhost:${port}/`);
      assert.equal(vault.properties.enableRbacAuthorization, true);
      const got = await t.arm('GET', `${vault.id}?api-version=2023-07-01`);
      assert.equal(got.json.properties.vaultUri, vault.properties.vaultUri);
    });

    it('403 with the explanation before any assignment; secrets work with Secrets Officer; 403 right after removal', async () => {
      const c = keyVaultClient(t.dataDir, vmId, vault.properties.vaultUri);
      try {
        const denied = await c.call({ op: 'set', name: 'db-password', value: 's3cret' });
        assert.equal(denied.ok, false);
        assert.equal(denied.statusCode, 403, JSON.stringify(denied));
        assert.match(denied.message!, /setSecret\/action/);
        assert.match(denied.message!, new RegExp(principalId));
        const assignment = await assignRole(t, vault.id, OFFICER, principalId);
        const v1 = await c.call({ op: 'set', name: 'db-password', value: 's3cret' });
        assert.ok(v1.ok, JSON.stringify(v1));
        const v2 = await c.call({ op: 'set', name: 'db-password', value: 'rotated' });
        await c.call({ op: 'set', name: 'api-key', value: 'k' });
        assert.deepEqual((await c.call({ op: 'get', name: 'db-password' })).result, {
          value: 'rotated',
          version: v2.result,
          vaultUrl: vault.properties.vaultUri.replace(/\/$/, ''),
          contentType: 'text/plain',
        });
        assert.equal((await c.call({ op: 'get', name: 'db-password', version: v1.result })).result.value, 's3cret');
        assert.deepEqual((await c.call({ op: 'list' })).result, ['api-key', 'db-password']);
        assert.deepEqual((await c.call({ op: 'versions', name: 'db-password' })).result, [v1.result, v2.result].sort());
        assert.deepEqual(
          (await c.call({ op: 'update', name: 'db-password', version: v2.result, tags: { env: 'prod' } })).result,
          { env: 'prod' },
        );
        await lifecycle(c.call);
        await removeRole(t, assignment);
        const after = await c.call({ op: 'get', name: 'db-password' });
        assert.equal(after.statusCode, 403, 'the very next call after removal is refused');
      } finally {
        await c.close();
      }
    });

    it('stores secret values sealed, never in clear', async () => {
      const rows = await t.server.store.keyVaultSecrets.listVersions(vault.id, 'db-password');
      assert.ok(rows.length >= 2);
      for (const r of rows)
        assert.ok(
          r.sealedValue.startsWith('v1.') && !r.sealedValue.includes('rotated') && !r.sealedValue.includes('s3cret'),
        );
    });
  });
});

/** Soft delete, get deleted, recover, delete again, purge: the SDK's pollers included. */
async function lifecycle(call: (cmd: object) => Promise<Answer>): Promise<void> {
  const del = await call({ op: 'delete', name: 'api-key' });
  assert.match(del.result, /\/deletedsecrets\/api-key$/, JSON.stringify(del));
  assert.equal((await call({ op: 'get', name: 'api-key' })).statusCode, 404);
  assert.equal((await call({ op: 'getDeleted', name: 'api-key' })).result, 'api-key');
  assert.equal((await call({ op: 'set', name: 'api-key', value: 'x' })).statusCode, 409);
  assert.equal((await call({ op: 'recover', name: 'api-key' })).result, 'api-key');
  assert.equal((await call({ op: 'get', name: 'api-key' })).result.value, 'k');
  await call({ op: 'delete', name: 'api-key' });
  assert.equal((await call({ op: 'purge', name: 'api-key' })).result, 'purged');
  assert.equal((await call({ op: 'getDeleted', name: 'api-key' })).statusCode, 404);
}
