import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEachStore } from '../helpers/postgres.js';
import { azEnv, azLoginAdmin, azMissing, azRunner } from '../helpers/az.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const missing = azMissing();

/**
 * Debian's azure-cli 2.45, unmodified, reads the sign-in log the way a script written for Entra
 * does: `az rest` against `{graph}/beta/auditLogs/signIns` with a `$filter` (docs/wire/graph.md).
 * openmi's cloud metadata names openmi as Graph, so the CLI sends its own token there.
 */
await describeEachStore(
  'Azure CLI (unmodified) az rest reads /beta/auditLogs/signIns',
  { skip: process.env['CI'] !== 'true' && missing },
  (store) => {
    let t: TestServer;
    let dir: string;
    let env: Record<string, string>;
    const az = azRunner(() => env);

    before(async () => {
      if (missing) throw new Error(missing);
      t = await startTestServer(await store.options());
      dir = mkdtempSync(join(tmpdir(), 'openmi-az-graph-'));
      env = azEnv(t, dir);
      await azLoginAdmin(az, t);
    });
    after(async () => {
      await t?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("lists the CLI's own sign-in with a filter and reads it back by id", async () => {
      const filter = `signInEventTypes/any(t: t eq 'servicePrincipal') and appId eq '${t.creds.clientId}' and status/errorCode eq 0`;
      const url = `${t.server.baseUrl}/beta/auditLogs/signIns?$filter=${encodeURIComponent(filter)}&$top=5`;
      const page = JSON.parse(await az(['rest', '--method', 'get', '--url', url, '-o', 'json']));
      assert.ok(page.value.length >= 1, JSON.stringify(page));
      const [row] = page.value;
      assert.deepEqual(
        [row.appId, row.signInEventTypes, row.status.errorCode, row.clientCredentialType],
        [t.creds.clientId, ['servicePrincipal'], 0, 'clientSecret'],
      );
      const one = JSON.parse(
        await az(['rest', '--method', 'get', '--url', `${t.server.baseUrl}/beta/auditLogs/signIns/${row.id}`]),
      );
      assert.equal(one.id, row.id);
    });
  },
);
