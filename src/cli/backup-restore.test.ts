import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditLogName } from '../store/records.js';
import type { Store } from '../store/store.js';
import { startTestServer, type TestServer } from '../../test/helpers/server.js';
import { createResourceGroup, runCli } from '../../test/helpers/cli-harness.js';

const root = mkdtempSync(join(tmpdir(), 'openmi-backup-'));
after(() => rmSync(root, { recursive: true, force: true }));
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const API = 'api-version=2024-11-30';

/** Every row of both audit logs, by seq: what must survive the round trip unchanged. */
async function auditRows(store: Store): Promise<Map<string, string>> {
  const rows = new Map<string, string>();
  for (const log of ['activity', 'signIns'] as AuditLogName[]) {
    for (const r of await store.audit.scan(log, 0, 1_000_000)) rows.set(`${log}/${r.seq}`, `${r.hash} ${r.data}`);
  }
  return rows;
}

/** One identity, a role assignment for it and a sign-in; resolves with the ARM ids once all are acknowledged. */
async function writeSome(t: TestServer, rg: string, name: string): Promise<string[]> {
  const id = await t.arm('PUT', `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}?${API}`, {
    location: 'local',
  });
  assert.equal(id.status, 201, id.text);
  const raId = `${rg}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`;
  const ra = await t.arm('PUT', `${raId}?api-version=2022-04-01`, {
    properties: {
      roleDefinitionId: `/subscriptions/${t.creds.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
      principalId: id.json.properties.principalId,
      principalType: 'ServicePrincipal',
    },
  });
  assert.equal(ra.status, 201, ra.text);
  await t.adminToken();
  return [id.json.id as string, raId];
}

describe('openmi backup and restore (SQLite)', () => {
  it('a backup taken while the server serves writes restores every acknowledged row, and the audit chains verify', async () => {
    const oldDir = join(root, 'old');
    const t = await startTestServer({ dataDir: oldDir });
    const rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-b`;
    const acked: string[] = [];
    let during: Promise<void> | undefined;
    try {
      await createResourceGroup(t, 'rg-b');
      for (let i = 0; i < 5; i++) acked.push(...(await writeSome(t, rg, `before-${i}`)));
      const audit = await auditRows(t.server.store);
      // Writes keep landing while the backup runs in another process.
      let stop = false;
      during = (async () => {
        for (let i = 0; !stop; i++) await writeSome(t, rg, `during-${i}`);
      })();
      const out = join(root, 'openmi.backup');
      const b = await runCli(['backup', '--out', out, '--data-dir', oldDir]);
      stop = true;
      await during;
      assert.equal(b.code, 0, b.stderr);
      assert.match(b.stderr, /THE MASTER KEY IS NOT IN THE BACKUP/);
      assert.equal(statSync(out).mode & 0o077, 0, 'the backup is the owner’s only');
      assert.equal((await runCli(['backup', '--out', out, '--data-dir', oldDir])).code, 1, 'never overwrites');

      const newDir = join(root, 'new');
      const busy = await runCli(['restore', '--in', out, '--data-dir', oldDir, '--force']);
      assert.equal(busy.code, 1);
      assert.match(
        busy.stderr,
        /refusing to restore: another openmi server \(pid \d+\) is already using the data directory/,
      );
      await t.stop();

      const r = await runCli(['restore', '--in', out, '--data-dir', newDir]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /master key/);
      assert.equal(
        (await runCli(['restore', '--in', out, '--data-dir', newDir])).code,
        1,
        'refuses to replace a store without --force',
      );
      // What the restore output asks for: the same master key, and the admin credentials file.
      copyFileSync(join(oldDir, 'master.key'), join(newDir, 'master.key'));
      copyFileSync(join(oldDir, 'admin-credentials.json'), join(newDir, 'admin-credentials.json'));
      const restored = await startTestServer({ dataDir: newDir });
      try {
        for (const id of acked) {
          const g = await restored.arm(
            'GET',
            `${id}?${id.includes('roleAssignments') ? 'api-version=2022-04-01' : API}`,
          );
          assert.equal(g.status, 200, `${id}: ${g.text}`);
        }
        const after = await auditRows(restored.server.store);
        for (const [k, v] of audit) assert.equal(after.get(k), v, `audit row ${k}`);
        const v = await runCli(['audit', 'verify', '--data-dir', newDir]);
        assert.equal(v.code, 0, v.stdout + v.stderr);
      } finally {
        await restored.stop();
      }
    } finally {
      await during?.catch(() => undefined);
      await t.stop().catch(() => undefined);
    }
  });

  it('restore refuses a file that is not an openmi store', async () => {
    const junk = join(root, 'junk');
    writeFileSync(junk, 'not a database');
    const r = await runCli(['restore', '--in', junk, '--data-dir', join(root, 'junk-dir')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /restore failed: .*(not a readable SQLite database|not an openmi store)/);
  });

  it('PostgreSQL: prints pg_dump and pg_restore guidance instead', async () => {
    const r = await runCli(['backup', '--out', join(root, 'x'), '--store', 'postgres://db.example/openmi']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /pg_dump --format=custom/);
    assert.match(r.stderr, /pg_restore/);
    assert.match(r.stderr, /THE MASTER KEY IS NOT IN THE BACKUP/);
  });
});
