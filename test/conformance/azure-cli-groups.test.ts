import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { azEnv, azLoginAdmin, azMissing, azRunner, ROLE_SHIM } from '../helpers/az.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { describeEachStore } from '../helpers/postgres.js';

const missing = azMissing();

/**
 * `az ad group …` and `az role assignment create --assignee-principal-type Group` (Debian's
 * azure-cli 2.45, unmodified) against openmi's Graph groups, logged in as the bootstrap admin
 * through the ADFS-style authority (see azure-cli.test.ts).
 */
await describeEachStore(
  'Azure CLI (unmodified) az ad group and group role assignments',
  { skip: process.env['CI'] !== 'true' && missing },
  (store) => {
    let t: TestServer;
    let dir: string;
    let env: Record<string, string>;
    let principalId: string;
    const ok = azRunner(() => env);
    const json = async (args: string[]): Promise<any> => JSON.parse(await ok([...args, '-o', 'json']));

    before(async () => {
      if (missing) throw new Error(missing);
      t = await startTestServer(await store.options());
      dir = mkdtempSync(join(tmpdir(), 'openmi-az-groups-'));
      env = azEnv(t, dir, { PYTHONPATH: ROLE_SHIM });
      const rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-az-groups`;
      await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'local' });
      const mi = await t.arm(
        'PUT',
        `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/az-member?api-version=2024-11-30`,
        { location: 'local' },
      );
      principalId = mi.json.properties.principalId;
      await azLoginAdmin(ok, t);
    });
    after(async () => {
      await t?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('creates, shows, lists and deletes groups; adds, lists, checks and removes members; assigns a role to a group', async () => {
      const g = await json(['ad', 'group', 'create', '--display-name', 'az-readers', '--mail-nickname', 'az-readers']);
      assert.equal(g.securityEnabled, true);
      // Idempotent as az makes it: its displayName-and-mailNickname lookup finds the group.
      assert.equal(
        (await json(['ad', 'group', 'create', '--display-name', 'az-readers', '--mail-nickname', 'az-readers'])).id,
        g.id,
      );
      assert.equal((await json(['ad', 'group', 'show', '-g', 'az-readers'])).id, g.id);
      assert.deepEqual(
        (await json(['ad', 'group', 'list', '--display-name', 'az-'])).map((x: any) => x.id),
        [g.id],
      );
      const outer = await json(['ad', 'group', 'create', '--display-name', 'az-outer', '--mail-nickname', 'az-outer']);
      await ok(['ad', 'group', 'member', 'add', '-g', g.id, '--member-id', principalId]);
      await ok(['ad', 'group', 'member', 'add', '-g', outer.id, '--member-id', g.id]);
      assert.deepEqual(
        (await json(['ad', 'group', 'member', 'list', '-g', g.id])).map((m: any) => m.id),
        [principalId],
      );
      assert.equal(
        (await json(['ad', 'group', 'member', 'check', '-g', outer.id, '--member-id', principalId])).value,
        true,
      );
      const ra = await json([
        'role',
        'assignment',
        'create',
        '--assignee-object-id',
        g.id,
        '--assignee-principal-type',
        'Group',
        '--role',
        'Key Vault Secrets User',
        '--scope',
        `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-az-groups`,
      ]);
      assert.equal(ra.principalType, 'Group');
      assert.equal(ra.principalId, g.id);
      await ok(['ad', 'group', 'member', 'remove', '-g', g.id, '--member-id', principalId]);
      assert.equal(
        (await json(['ad', 'group', 'member', 'check', '-g', outer.id, '--member-id', principalId])).value,
        false,
      );
      await ok(['ad', 'group', 'delete', '-g', g.id]);
      assert.deepEqual(
        (await json(['ad', 'group', 'list', '--display-name', 'az-'])).map((x: any) => x.id),
        [outer.id],
      );
    });
  },
);
