import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { forEachStore } from '../helpers/postgres.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const CLIENT = fileURLToPath(new URL('./clients/key-vault.client.js', import.meta.url));
const OFFICER = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7';

type Answer = { ok: boolean; result?: any; statusCode?: number; code?: string; message?: string };

/** `openmi run` as a user types it (clean environment), driving the SDK client line by line. */
function runClient(dataDir: string, vmId: string, vaultUrl: string) {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [MAIN, 'run', '--data-dir', dataDir, '--resource', vmId, '--', process.execPath, CLIENT, vaultUrl],
    { env: { PATH: process.env['PATH'] ?? '' } },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async call(cmd: object): Promise<Answer> {
      child.stdin.write(`${JSON.stringify(cmd)}\n`);
      const next = await lines.next();
      if (next.done) throw new Error(`client exited: ${stderr}`);
      return JSON.parse(next.value) as Answer;
    },
    close: () => new Promise<void>((r) => (child.once('exit', () => r()), child.stdin.end())),
  };
}

await forEachStore((storeName, storeSpec) => {
  describe(`@azure/keyvault-secrets 4.11.2 SecretClient (default options) under openmi run on ${storeName}`, () => {
    let t: TestServer;
    let vmId: string;
    let principalId: string;
    let vault: { id: string; properties: { vaultUri: string; tenantId: string; enableRbacAuthorization: boolean } };
    before(async () => {
      const spec = await storeSpec();
      t = await startTestServer({ store: spec.spec, onStop: spec.drop });
      const rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-kv`;
      await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'westeurope' });
      const vm = await t.arm('PUT', `${rg}/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2024-07-01`, {
        location: 'westeurope',
        identity: { type: 'SystemAssigned' },
      });
      vmId = vm.json.id;
      principalId = vm.json.identity.principalId;
      const kv = await t.arm('PUT', `${rg}/providers/Microsoft.KeyVault/vaults/kv-conf1?api-version=2023-07-01`, {
        location: 'westeurope',
        properties: { tenantId: t.creds.tenantId, sku: { family: 'A', name: 'standard' } },
      });
      assert.equal(kv.status, 201, kv.text);
      vault = kv.json;
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
      const c = runClient(t.dataDir, vmId, vault.properties.vaultUri);
      try {
        const denied = await c.call({ op: 'set', name: 'db-password', value: 's3cret' });
        assert.equal(denied.ok, false);
        assert.equal(denied.statusCode, 403, JSON.stringify(denied));
        assert.match(denied.message!, /setSecret\/action/);
        assert.match(denied.message!, new RegExp(principalId));
        const assignment = `${vault.id}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`;
        const ra = await t.arm('PUT', `${assignment}?api-version=2022-04-01`, {
          properties: {
            roleDefinitionId: `/subscriptions/${t.creds.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${OFFICER}`,
            principalId,
            principalType: 'ServicePrincipal',
          },
        });
        assert.equal(ra.status, 201, ra.text);
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
        assert.equal((await t.arm('DELETE', `${assignment}?api-version=2022-04-01`)).status, 200);
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
