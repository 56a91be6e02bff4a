import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate, generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { httpsRequest } from '../helpers/https.js';
import { forEachStore } from '../helpers/postgres.js';
import {
  DOCKER_REGISTRY,
  SKOPEO,
  openmiPair,
  skopeo,
  startRegistry,
  startUpload,
  writeOciLayout,
} from '../helpers/registry.js';
import { RegistryJwt } from '../../src/server/registries/registry-jwt.js';
import { loadCa } from '../../src/server/pki/ca.js';
import { issueCertificate } from '../../src/server/key-vaults/cert-issue.js';
import { systemClock } from '../../src/kernel/clock.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const CLIENT = fileURLToPath(new URL('./clients/acr-exchange.client.js', import.meta.url));
const ACR_PULL = '7f951dba-4ed5-480c-a5ee-cc8f06e34d23';
const ACR_PUSH = '8311e382-0749-4cb8-b61a-304f252e45ec';
const USER = '00000000-0000-0000-0000-000000000000';
const missing = [DOCKER_REGISTRY, SKOPEO].filter((p) => !existsSync(p));
// Locally a missing binary skips with the reason; CI installs both (.ci/run) and must run this.
const skip = missing.length > 0 && process.env['CI'] !== 'true' ? `not installed: ${missing.join(', ')}` : false;

/** The exchange as the VM's workload does it: IMDS token, then POST /oauth2/exchange, under `openmi run`. */
function exchangeUnderRun(t: TestServer, vmId: string, args: object): Promise<{ status: number; body: any }> {
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
      (err, out, errOut) => (err ? reject(new Error(`${String(err)}\n${errOut}`)) : resolve(JSON.parse(out))),
    ),
  );
}

await forEachStore((storeName, storeSpec) => {
  describe(`Debian skopeo against docker-registry 2.8 with openmi's registry tokens on ${storeName}`, { skip }, () => {
    let t: TestServer;
    let reg: Awaited<ReturnType<typeof startRegistry>>;
    let dir: string;
    let vm: { id: string; principalId: string };
    let registryId: string;
    const name = `acr${Date.now().toString(36)}`;
    before(async () => {
      const spec = await storeSpec();
      t = await startTestServer({ store: spec.spec, onStop: spec.drop });
      dir = mkdtempSync(join(tmpdir(), 'openmi-registry-'));
      reg = await startRegistry(t.dataDir, t.server.baseUrl, name, dir);
      const rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-acr`;
      await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'westeurope' });
      const v = await t.arm('PUT', `${rg}/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2024-07-01`, {
        location: 'westeurope',
        identity: { type: 'SystemAssigned' },
      });
      vm = { id: v.json.id, principalId: v.json.identity.principalId };
      registryId = `${rg}/providers/Microsoft.ContainerRegistry/registries/${name}`;
      const r = await t.arm('PUT', `${registryId}?api-version=2021-09-01`, {
        location: 'westeurope',
        sku: { name: 'Basic' },
        properties: { loginServer: `127.0.0.1:${reg.port}` },
      });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.properties.loginServer, `127.0.0.1:${reg.port}`);
      assert.equal(r.json.properties.provisioningState, 'Succeeded');
      mkdirSync(join(dir, 'certs'));
      writeFileSync(join(dir, 'certs', 'ca.crt'), t.ca);
      writeOciLayout(join(dir, 'layout'));
    });
    after(async () => {
      reg?.stop();
      await t?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const assign = async (role: string): Promise<string> => {
      const id = `${registryId}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`;
      const roleDefinitionId = `/subscriptions/${t.creds.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`;
      const ra = await t.arm('PUT', id, {
        properties: { roleDefinitionId, principalId: vm.principalId, principalType: 'ServicePrincipal' },
      });
      assert.equal(ra.status, 201, ra.text);
      return id;
    };
    const refreshToken = async (): Promise<string> => {
      const x = await exchangeUnderRun(t, vm.id, {
        exchangeUrl: `${t.server.baseUrl}/acr/${name}/oauth2/exchange`,
        service: `127.0.0.1:${reg.port}`,
      });
      assert.equal(x.status, 200, JSON.stringify(x.body));
      return x.body.refresh_token as string;
    };
    const image = (tag: string) => `docker://127.0.0.1:${reg.port}/hello:${tag}`;
    const creds = (rt: string) => `${USER}:${rt}`;

    it('pushes with AcrPush, pulls with AcrPull only, and is refused a push with AcrPull only', async () => {
      const push = await assign(ACR_PUSH);
      const rt = await refreshToken();
      const pushed = await skopeo([
        'copy',
        '--dest-cert-dir',
        join(dir, 'certs'),
        '--dest-creds',
        creds(rt),
        `oci:${join(dir, 'layout')}:v1`,
        image('v1'),
      ]);
      assert.equal(pushed.status, 0, pushed.out);

      assert.equal((await t.arm('DELETE', push)).status, 200);
      await assign(ACR_PULL);
      const pulled = await skopeo([
        'copy',
        '--src-cert-dir',
        join(dir, 'certs'),
        '--src-creds',
        creds(rt),
        image('v1'),
        `oci:${join(dir, 'pulled')}:v1`,
      ]);
      assert.equal(pulled.status, 0, pulled.out);
      assert.ok(existsSync(join(dir, 'pulled', 'index.json')));

      const refused = await skopeo([
        'copy',
        '--dest-cert-dir',
        join(dir, 'certs'),
        '--dest-creds',
        creds(rt),
        `oci:${join(dir, 'layout')}:v1`,
        image('v2'),
      ]);
      assert.notEqual(refused.status, 0, refused.out);
      assert.match(refused.out, /denied: requested access to the resource is denied/, refused.out);
    });

    it('refuses a forged refresh token and a token for another audience', async () => {
      const forged = await skopeo([
        'inspect',
        '--cert-dir',
        join(dir, 'certs'),
        '--creds',
        creds('e30.e30.AAAA'),
        image('v1'),
      ]);
      assert.notEqual(forged.status, 0, forged.out);
      const r = await httpsRequest(`${t.server.baseUrl}/acr/${name}/oauth2/exchange`, {
        method: 'POST',
        ca: t.ca,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'access_token',
          service: 'x',
          access_token: await t.adminToken('https://storage.azure.com'),
        }).toString(),
      });
      // A storage token is not a registry (or ARM) token.
      assert.equal(r.status, 401, r.text);
      assert.equal(r.json.errors[0].code, 'UNAUTHORIZED');
    });

    it("refuses push tokens signed with the CA's leaves (a Key Vault certificate's, a node's), takes openmi's", async () => {
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        iss: t.server.baseUrl,
        sub: 'attacker',
        aud: `127.0.0.1:${reg.port}`,
        nbf: now - 60,
        iat: now,
        exp: now + 600,
        access: [{ type: 'repository', name: 'x', actions: ['pull', 'push'] }],
      };
      const mint = (pair: { certPem: string; keyPem: string }) =>
        new RegistryJwt(pair, systemClock).sign({ ...claims, jti: randomUUID() });
      // The control: the same claims signed with openmi's registry signing key are accepted.
      const ours = openmiPair(t.dataDir, 'registry-signing', 'openmi-registry-signing-key');
      const accepted = await startUpload(reg.port, 'x', mint(ours), t.ca);
      assert.equal(accepted.status, 202, accepted.text);
      // A holder of an exportable Key Vault certificate of issuer `openmi` has such a leaf and its key.
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const kvDer = await issueCertificate(
        privateKey.export({ format: 'jwk' }),
        {
          key_props: { kty: 'RSA', key_size: 2048, exportable: true, reuse_key: false },
          secret_props: { contentType: 'application/x-pem-file' },
          x509_props: { subject: 'CN=attacker', key_usage: ['digitalSignature'], validity_months: 12 },
          issuer: { name: 'openmi' },
        },
        Date.now(),
        await loadCa(openmiPair(t.dataDir, 'ca', 'openmi-ca-key')),
      );
      const kvLeaf = {
        certPem: new X509Certificate(kvDer).toString(),
        keyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      };
      for (const leaf of [kvLeaf, openmiPair(t.dataDir, 'server', 'openmi-server-key')]) {
        const refused = await startUpload(reg.port, 'x', mint(leaf), t.ca);
        assert.equal(refused.status, 401, refused.text);
      }
    });

    it('openmi acr login --expose-token prints what az acr login does, and skopeo signs in with it', async () => {
      const { out, err } = await new Promise<{ out: string; err: string }>((resolve, reject) =>
        execFile(
          process.execPath,
          [MAIN, 'acr', 'login', '-n', name.toUpperCase(), '--expose-token', '--data-dir', t.dataDir],
          { env: { PATH: process.env['PATH'] ?? '' }, timeout: 60_000 },
          (e, stdout, stderr) =>
            e ? reject(new Error(`${String(e)}\n${stderr}`)) : resolve({ out: stdout, err: stderr }),
        ),
      );
      // az acr login --expose-token: these two keys on stdout, the user name in a warning on stderr.
      const login = JSON.parse(out) as Record<string, string>;
      assert.deepEqual(Object.keys(login), ['accessToken', 'loginServer']);
      assert.equal(login['loginServer'], `127.0.0.1:${reg.port}`);
      assert.match(err, new RegExp(`^WARNING: .*docker login loginServer -u ${USER} -p accessToken`));
      // The admin is Owner of the subscription: Owner's '*' covers pull.
      const seen = await skopeo([
        'inspect',
        '--cert-dir',
        join(dir, 'certs'),
        '--creds',
        creds(login['accessToken']!),
        image('v1'),
      ]);
      assert.equal(seen.status, 0, seen.out);
      assert.equal(JSON.parse(seen.out.slice(seen.out.indexOf('{'))).Os, 'linux');
    });

    it('records the exchanges and token requests in the sign-in log', async () => {
      const log = await t.arm('GET', '/providers/OpenMI.Audit/signIns?api-version=2025-01-01&$top=1000');
      assert.equal(log.status, 200, log.text);
      const rows = (log.json.value as any[]).filter((r) => r.flow === 'containerRegistry');
      const ok = rows.filter((r) => r.result === 'success' && r.servicePrincipalId === vm.principalId);
      assert.ok(ok.length >= 3, JSON.stringify(rows));
      assert.ok(
        rows.some((r) => r.result === 'failure'),
        'the forged token is a failure row',
      );
    });
  });
});
