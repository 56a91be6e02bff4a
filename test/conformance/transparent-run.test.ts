import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { describeEachStore } from '../helpers/postgres.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const CLIENT = fileURLToPath(new URL('./clients/transparent.client.js', import.meta.url));
// Not compiled: the Python client is read from the source tree.
const PY_CLIENT = fileURLToPath(new URL('../../../test/conformance/clients/python_transparent.py', import.meta.url));
const PYTHON = '/usr/bin/python3';
const ROLES = {
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  secretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  secretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
};
/** The host's resolver and trust store: `openmi run` must leave them exactly as they were. */
const HOST_FILES = ['/etc/hosts', '/etc/resolv.conf', '/etc/ssl/certs/ca-certificates.crt', '/etc/ssl/cert.pem'];

function pythonMissing(): string | undefined {
  try {
    execFileSync(PYTHON, ['-c', 'import azure.identity, azure.mgmt.resource, azure.keyvault.secrets'], {
      stdio: 'ignore',
    });
    return undefined;
  } catch {
    return `Debian's python3-azure is not installed (${PYTHON} cannot import azure.mgmt.resource); .ci/run installs it`;
  }
}

const hostState = () =>
  HOST_FILES.filter((f) => existsSync(f)).map((f) => [f, createHash('sha256').update(readFileSync(f)).digest('hex')]);

/** `openmi run` as a user types it: a clean environment with PATH only, nothing openmi-specific. */
function run(dataDir: string, resource: string, cmd: string[]): Promise<any> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [MAIN, 'run', '--data-dir', dataDir, '--resource', resource, '--', ...cmd],
      { env: { PATH: process.env['PATH'] ?? '' }, timeout: 120_000 },
      (e, stdout, stderr) => {
        if (e) return reject(new Error(`${e.message}\n${stderr}`));
        const out = JSON.parse(stdout.trim().split('\n').pop()!);
        if (out.error) return reject(new Error(`${out.error}\n${stderr}`));
        resolve(out);
      },
    ),
  );
}

await describeEachStore("Azure's host names under openmi run (Node and Python, no namespaces)", {}, (store) => {
  let t: TestServer;
  let sub: string;
  let readerId: string;
  const before0 = hostState();

  before(async () => {
    t = await startTestServer(await store.options());
    sub = t.creds.subscriptionId;
    const rg = `/subscriptions/${sub}/resourceGroups/rg-transparent`;
    await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'westeurope' });
    const vm = async (name: string) =>
      (
        await t.arm('PUT', `${rg}/providers/Microsoft.Compute/virtualMachines/${name}?api-version=2024-07-01`, {
          location: 'westeurope',
          identity: { type: 'SystemAssigned' },
        })
      ).json;
    const [reader, writer] = [await vm('reader'), await vm('writer')];
    readerId = reader.id;
    const kv = await t.arm('PUT', `${rg}/providers/Microsoft.KeyVault/vaults/kv-transparent?api-version=2023-07-01`, {
      location: 'westeurope',
      properties: {},
    });
    const grant = async (scope: string, role: string, principalId: string) => {
      const r = await t.arm(
        'PUT',
        `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
        {
          properties: {
            roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
            principalId,
          },
        },
      );
      assert.equal(r.status, 201, r.text);
    };
    // Reader on its own group only: the group list holds what the caller may read, as in Azure.
    await grant(rg, ROLES.reader, reader.identity.principalId);
    await grant(kv.json.id, ROLES.secretsUser, reader.identity.principalId);
    await grant(kv.json.id, ROLES.secretsOfficer, writer.identity.principalId);
    const wrote = await run(t.dataDir, writer.id, [
      process.execPath,
      CLIENT,
      'write',
      sub,
      'rg-transparent',
      'kv-transparent',
    ]);
    assert.match(wrote.id, /^https:\/\/kv-transparent\.vault\.azure\.net\/secrets\/db-password\/[0-9a-f]{32}$/);
  });
  after(() => t?.stop());

  const checkRead = (out: any) => {
    assert.deepEqual(out.groups, ['rg-transparent']);
    assert.equal(out.location, 'westeurope');
    assert.equal(out.value, 's3cret');
    assert.match(out.id, /^https:\/\/kv-transparent\.vault\.azure\.net\/secrets\/db-password\/[0-9a-f]{32}$/);
    assert.match(out.unserved.message, /'ns1\.servicebus\.windows\.net' is an Azure service openmi does not serve/);
    // Generous: a stopped name fails without a network round trip, let alone retries.
    assert.ok(out.unserved.ms < 5_000, `took ${out.unserved.ms} ms`);
  };

  it('a Node app with DefaultAzureCredential, a default ResourceManagementClient and a vault.azure.net SecretClient', async () => {
    const out = await run(t.dataDir, readerId, [
      process.execPath,
      CLIENT,
      'read',
      sub,
      'rg-transparent',
      'kv-transparent',
    ]);
    checkRead(out);
    assert.equal(out.unserved.code, 'EOPENMI_UNSERVED');
  });

  it("the same with Debian's Python SDK", { skip: process.env['CI'] !== 'true' && pythonMissing() }, async () => {
    checkRead(await run(t.dataDir, readerId, [PYTHON, PY_CLIENT, sub, 'rg-transparent', 'kv-transparent']));
  });

  it("leaves the host's resolver and trust store unchanged", () => {
    assert.deepEqual(hostState(), before0);
  });
});
