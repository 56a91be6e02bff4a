import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { forEachStore } from '../helpers/postgres.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const CLIENT = fileURLToPath(new URL('./clients/storage-datalake.client.js', import.meta.url));
const PRELOAD = fileURLToPath(new URL('../../src/cli/dns/preload.js', import.meta.url));
const CONTRIBUTOR = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe';
const READER = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1';

const parse =
  (resolve: (v: Record<string, any>) => void, reject: (e: Error) => void) =>
  (err: Error | null, stdout: string, stderr: string) =>
    err ? reject(new Error(`${String(err)}\n${stderr}`)) : resolve(JSON.parse(stdout));

/** `openmi run` exactly as a user types it: ManagedIdentityCredential, the dns preload from openmi run. */
function underRun(t: TestServer, vmId: string, args: object): Promise<Record<string, any>> {
  const argv = [
    MAIN,
    'run',
    '--data-dir',
    t.dataDir,
    '--resource',
    vmId,
    '--',
    process.execPath,
    CLIENT,
    JSON.stringify(args),
  ];
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      argv,
      { env: { PATH: process.env['PATH'] ?? '' }, timeout: 90_000 },
      parse(resolve, reject),
    ),
  );
}

/** The account key, with openmi's CA and zone resolver: the administrator's side of the ACL test. */
function withKey(t: TestServer, args: object): Promise<Record<string, any>> {
  const env = {
    PATH: process.env['PATH'] ?? '',
    NODE_EXTRA_CA_CERTS: t.server.caCertPath,
    NODE_OPTIONS: `--import ${PRELOAD}`,
    OPENMI_DATA_PLANE_ZONE: 'openmi.localhost',
    OPENMI_DATA_PLANE_HOST: '127.0.0.1',
  };
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [CLIENT, JSON.stringify(args)], { env, timeout: 60_000 }, parse(resolve, reject)),
  );
}

async function assign(t: TestServer, scope: string, role: string, principalId: string): Promise<string> {
  const roleDefinitionId = `/subscriptions/${t.creds.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`;
  const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`;
  const ra = await t.arm('PUT', `${id}?api-version=2022-04-01`, {
    properties: { roleDefinitionId, principalId, principalType: 'ServicePrincipal' },
  });
  assert.equal(ra.status, 201, ra.text);
  return id;
}

async function unassign(t: TestServer, id: string): Promise<void> {
  const r = await t.arm('DELETE', `${id}?api-version=2022-04-01`);
  assert.equal(r.status, 200, r.text);
}

await forEachStore((storeName, storeSpec) => {
  describe(`@azure/storage-file-datalake 12.29 + ManagedIdentityCredential under openmi run on ${storeName}`, () => {
    let t: TestServer;
    let vm: { id: string; principalId: string };
    let accountId: string;
    let url: string;
    before(async () => {
      const spec = await storeSpec();
      t = await startTestServer({ store: spec.spec, onStop: spec.drop });
      const rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-dfs`;
      await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'westeurope' });
      const v = await t.arm('PUT', `${rg}/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2024-07-01`, {
        location: 'westeurope',
        identity: { type: 'SystemAssigned' },
      });
      assert.equal(v.status, 201, v.text);
      vm = { id: v.json.id, principalId: v.json.identity.principalId };
      accountId = `${rg}/providers/Microsoft.Storage/storageAccounts/dl${Date.now().toString(36)}`;
      const st = await t.arm('PUT', `${accountId}?api-version=2023-05-01`, {
        location: 'westeurope',
        sku: { name: 'Standard_LRS' },
        kind: 'StorageV2',
        properties: { isHnsEnabled: true },
      });
      assert.equal(st.status, 200, st.text);
      assert.equal(st.json.properties.isHnsEnabled, true);
      url = st.json.properties.primaryEndpoints.dfs;
      assert.match(url, /^https:\/\/dl[0-9a-z]+\.dfs\./);
    });
    after(() => t.stop());

    it('refused before Storage Blob Data Contributor, a full round trip with it, refused again after removal', async () => {
      const before = await underRun(t, vm.id, { script: 'round', url, fs: 'lake' });
      assert.deepEqual(
        before['createFs'],
        { error: 'AuthorizationPermissionMismatch', status: 403 },
        JSON.stringify(before),
      );
      assert.deepEqual(before['mkdir'], { error: 'AuthorizationPermissionMismatch', status: 403 });
      const ra = await assign(t, accountId, CONTRIBUTOR, vm.principalId);
      const ok = await underRun(t, vm.id, { script: 'round', url, fs: 'lake' });
      assert.deepEqual(ok, {
        createFs: 'ok',
        mkdir: 'ok',
        upload: 'ok',
        whole: 'hello data lake',
        range: 'data',
        rename: 'ok',
        intoItself: { error: 'InvalidDestinationPath', status: 400 },
        list: ['d2/', 'd2/a.txt', 'd2/sub/'],
        acl: { owner: vm.principalId, group: vm.principalId, permissions: { read: true, write: true, execute: false } },
        deleteNonRecursive: { error: 'DirectoryNotEmpty', status: 409 },
        delete: 'ok',
        listAfter: [],
      });
      await unassign(t, ra);
      const after = await underRun(t, vm.id, { script: 'round', url, fs: 'lake2' });
      assert.deepEqual(
        after['createFs'],
        { error: 'AuthorizationPermissionMismatch', status: 403 },
        JSON.stringify(after),
      );
      assert.deepEqual(after['mkdir'], { error: 'AuthorizationPermissionMismatch', status: 403 });
    });

    it('ACLs: with only Storage Blob Data Reader, writes follow the path ACL; with no role, reads do', async () => {
      const keys = await t.arm('POST', `${accountId}/listKeys?api-version=2023-05-01`);
      const account = accountId.split('/').pop()!;
      const key = keys.json.keys[0].value as string;
      const setup = await withKey(t, { script: 'acl-setup', url, fs: 'acl', oid: vm.principalId, account, key });
      assert.deepEqual(setup, {
        createFs: 'ok',
        open: 'ok',
        closed: 'ok',
        aclOpen: 'ok',
        aclRoot: 'ok',
        rootAcl: { read: false, write: false, execute: true },
      });
      const ra = await assign(t, accountId, READER, vm.principalId);
      const reader = await underRun(t, vm.id, { script: 'acl-probe', url, fs: 'acl' });
      assert.deepEqual(reader, {
        // RBAC first: the reader role grants the read whatever the ACL says.
        readClosed: 'top secret',
        // The role does not grant writes; open/'s ACL names the identity with rwx, so they pass.
        writeOpen: 'ok',
        readOpen: 'via acl',
        // closed/ has no entry for it (other ---): the ACL denies, and so does Azure.
        writeClosed: { error: 'AuthorizationPermissionMismatch', status: 403 },
        deleteClosed: { error: 'AuthorizationPermissionMismatch', status: 403 },
      });
      await unassign(t, ra);
      const none = await underRun(t, vm.id, { script: 'acl-probe', url, fs: 'acl' });
      assert.deepEqual(
        none['readClosed'],
        { error: 'AuthorizationPermissionMismatch', status: 403 },
        JSON.stringify(none),
      );
      assert.equal(none['readOpen'], 'via acl');
    });

    it('isHnsEnabled is set at creation only; deleting the account takes its file systems and ACLs', async () => {
      const V = 'api-version=2023-05-01';
      const body = { location: 'westeurope', sku: { name: 'Standard_LRS' }, kind: 'StorageV2' };
      const off = await t.arm('PUT', `${accountId}?${V}`, { ...body, properties: { isHnsEnabled: false } });
      assert.equal(off.status, 400, off.text);
      const patched = await t.arm('PATCH', `${accountId}?${V}`, { properties: { isHnsEnabled: false } });
      assert.equal(patched.status, 400, patched.text);
      const kept = await t.arm('PUT', `${accountId}?${V}`, body);
      assert.equal(kept.json.properties.isHnsEnabled, true, 'a PUT without it keeps it');
      const bad = await t.arm('PUT', `${accountId}x?${V}`, { ...body, properties: { isHnsEnabled: 'yes' } });
      assert.equal(bad.status, 400, bad.text);
      const account = accountId.split('/').pop()!;
      const keyOf = async () => (await t.arm('POST', `${accountId}/listKeys?${V}`)).json.keys[0].value as string;
      const before = await withKey(t, { script: 'list', url, fs: 'acl', account, key: await keyOf() });
      assert.ok((before['list'] as string[]).includes('open/mine.txt'), JSON.stringify(before));
      assert.equal((await t.arm('DELETE', `${accountId}?${V}`)).status, 200);
      const flat = await t.arm('PUT', `${accountId}?${V}`, body);
      assert.equal(flat.status, 200, flat.text);
      const refused = await withKey(t, { script: 'list', url, fs: 'acl', account, key: await keyOf() });
      assert.deepEqual(
        refused['list'],
        { error: 'EndpointUnsupportedAccountFeatures', status: 409 },
        'no dfs without hns',
      );
      assert.equal((await t.arm('DELETE', `${accountId}?${V}`)).status, 200);
      assert.equal(
        (await t.arm('PUT', `${accountId}?${V}`, { ...body, properties: { isHnsEnabled: true } })).status,
        200,
      );
      const after = await withKey(t, { script: 'list', url, fs: 'acl', account, key: await keyOf() });
      assert.deepEqual(
        after['list'],
        { error: 'FilesystemNotFound', status: 404 },
        'the old file system went with the account',
      );
    });
  });
});
