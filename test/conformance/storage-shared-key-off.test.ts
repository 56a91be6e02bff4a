import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { httpsRequest } from '../helpers/https.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { describeEachStore } from '../helpers/postgres.js';
import { assignContributor, blobSetup, runBlobClient } from './clients/storage-setup.js';

const CLIENT = fileURLToPath(new URL('./clients/storage-blob.client.js', import.meta.url));
const PRELOAD = fileURLToPath(new URL('../../src/cli/dns/preload.js', import.meta.url));
const REFUSED = { error: 'KeyBasedAuthenticationNotPermitted', status: 403 };

/** @azure/storage-blob with StorageSharedKeyCredential or a SAS, trusting openmi's CA. */
function keyClient(t: TestServer, args: object): Promise<Record<string, unknown>> {
  const env = {
    PATH: process.env['PATH'] ?? '',
    NODE_EXTRA_CA_CERTS: t.server.caCertPath,
    NODE_OPTIONS: `--import ${PRELOAD}`,
    OPENMI_DATA_PLANE_ZONE: 'openmi.localhost',
    OPENMI_DATA_PLANE_HOST: '127.0.0.1',
  };
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [CLIENT, JSON.stringify(args)], { env, timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(stderr || String(err))) : resolve(JSON.parse(stdout)),
    ),
  );
}

await describeEachStore(
  'allowSharedKeyAccess: false is enforced by the blob plane (Shared Key and account-key SAS refused, bearer works)',
  (store) => {
    let t: TestServer;
    let s: Awaited<ReturnType<typeof blobSetup>>;
    let name: string;
    const put = (allowSharedKeyAccess: unknown) =>
      t.arm('PUT', `${s.accountId}?api-version=2023-05-01`, {
        location: 'westeurope',
        sku: { name: 'Standard_LRS' },
        kind: 'StorageV2',
        properties: { allowSharedKeyAccess },
      });
    const keys = async () =>
      (await t.arm('POST', `${s.accountId}/listKeys?api-version=2016-12-01`)).json.keys as { value: string }[];
    const se = () => new Date(Date.now() + 3600_000).toISOString();

    before(async () => {
      t = await startTestServer(await store.options());
      s = await blobSetup(t, 'rg-nokey');
      name = s.accountId.split('/').pop()!;
      // A container and a blob written while keys still work, so reads have something to refuse.
      const made = await keyClient(t, { url: s.url, account: name, key: (await keys())[0]!.value, container: 'ctr1' });
      assert.equal(made['create'], 'ok', JSON.stringify(made));
      const off = await put(false);
      assert.equal(off.status, 200, off.text);
      assert.equal(off.json.properties.allowSharedKeyAccess, false);
    });
    after(() => t.stop());

    it("refuses StorageSharedKeyCredential with 403 KeyBasedAuthenticationNotPermitted and Azure's message", async () => {
      const k = await keys();
      assert.equal(
        k.length,
        2,
        'listKeys still answers, as in Azure: the keys are kept for when access is turned back on',
      );
      const out = await keyClient(t, { url: s.url, account: name, key: k[0]!.value, container: 'ctr2' });
      assert.deepEqual(out['create'], REFUSED);
      assert.deepEqual(out['upload'], REFUSED);
      assert.deepEqual(out['list'], REFUSED);
      // A forged SharedKey header gets the same answer: the setting is checked before any signature.
      const host = new URL(s.url).host;
      const raw = await httpsRequest(`${t.server.baseUrl}/ctr1?restype=container&comp=list`, {
        ca: t.ca,
        headers: { host, authorization: `SharedKey ${name}:AAAA`, 'x-ms-version': '2025-01-05' },
      });
      assert.equal(raw.status, 403);
      assert.equal(raw.headers['x-ms-error-code'], 'KeyBasedAuthenticationNotPermitted');
      assert.match(
        raw.text,
        /<Code>KeyBasedAuthenticationNotPermitted<\/Code><Message>Key based authentication is not permitted on this storage account\.\n/,
      );
    });

    it('refuses a service SAS and an account SAS signed with the account keys', async () => {
      const svc = await t.arm('POST', `${s.accountId}/listServiceSas?api-version=2017-06-01`, {
        canonicalizedResource: `/blob/${name}/ctr1`,
        signedResource: 'c',
        signedPermission: 'rwdl',
        signedExpiry: se(),
      });
      assert.equal(svc.status, 200, svc.text);
      const viaService = await keyClient(t, {
        url: s.url,
        account: name,
        sas: svc.json.serviceSasToken,
        container: 'ctr1',
      });
      assert.deepEqual(viaService['upload'], REFUSED);
      assert.deepEqual(viaService['list'], REFUSED);
      const acct = await t.arm('POST', `${s.accountId}/ListAccountSas?api-version=2017-06-01`, {
        signedServices: 'b',
        signedResourceTypes: 'sco',
        signedPermission: 'rwdlac',
        signedExpiry: se(),
      });
      assert.equal(acct.status, 200, acct.text);
      const viaAccount = await keyClient(t, {
        url: s.url,
        account: name,
        sas: acct.json.accountSasToken,
        container: 'ctr3',
      });
      assert.deepEqual(viaAccount['create'], REFUSED);
      assert.deepEqual(viaAccount['upload'], REFUSED);
    });

    it('still serves bearer tokens (ManagedIdentityCredential under openmi run), with RBAC', async () => {
      await assignContributor(t, s.accountId, s.principalId);
      const ok = await runBlobClient(t.dataDir, s.vmId, { url: s.url, container: 'mic' });
      assert.equal(ok['create'], 'ok', JSON.stringify(ok));
      assert.equal(ok['download'], 'hello blob world');
    });

    it('turning it back on restores the same keys; a non-boolean value is refused with what to send', async () => {
      assert.equal((await put(true)).status, 200);
      const out = await keyClient(t, { url: s.url, account: name, key: (await keys())[1]!.value, container: 'ctr4' });
      assert.equal(out['create'], 'ok', JSON.stringify(out));
      const bad = await put('false');
      assert.equal(bad.status, 400, bad.text);
      assert.match(bad.json.error.message, /'properties\.allowSharedKeyAccess' must be true or false/);
    });
  },
);
