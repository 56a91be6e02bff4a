import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { httpsRequest } from '../helpers/https.js';
import { forEachStore } from '../helpers/postgres.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const CLIENT = fileURLToPath(new URL('./clients/managed-identity.client.js', import.meta.url));

/** `openmi run` exactly as a user types it, with a clean environment. */
function openmiRun(
  dataDir: string,
  resourceId: string,
  metadata: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const argv = [
      MAIN,
      'run',
      '--data-dir',
      dataDir,
      '--resource',
      resourceId,
      '--metadata',
      metadata,
      '--',
      process.execPath,
      CLIENT,
      ...args,
    ];
    execFile(
      process.execPath,
      argv,
      { env: { PATH: process.env['PATH'] ?? '' }, timeout: 90_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

interface Setup {
  vmId: string;
  uai: { id: string; clientId: string; principalId: string };
  systemPrincipalId: string;
}

async function setup(t: TestServer): Promise<Setup> {
  const sub = t.creds.subscriptionId;
  await t.arm('PUT', `/subscriptions/${sub}/resourceGroups/rg-mi?api-version=2025-04-01`, { location: 'westeurope' });
  const uai = await t.arm(
    'PUT',
    `/subscriptions/${sub}/resourceGroups/rg-mi/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app-id?api-version=2024-11-30`,
    { location: 'westeurope' },
  );
  assert.equal(uai.status, 201, uai.text);
  const vm = await t.arm(
    'PUT',
    `/subscriptions/${sub}/resourceGroups/rg-mi/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2024-07-01`,
    {
      location: 'westeurope',
      identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [uai.json.id]: {} } },
    },
  );
  assert.equal(vm.status, 201, vm.text);
  return {
    vmId: vm.json.id,
    uai: { id: uai.json.id, ...uai.json.properties },
    systemPrincipalId: vm.json.identity.principalId,
  };
}

async function verifier(t: TestServer) {
  const jwks = await httpsRequest(`${t.server.baseUrl}/${t.creds.tenantId}/discovery/v2.0/keys`, { ca: t.ca });
  const keys = createLocalJWKSet(jwks.json);
  return async (token: string, audience: string): Promise<JWTPayload> =>
    (
      await jwtVerify(token, keys, {
        issuer: `${t.server.baseUrl}/${t.creds.tenantId}/`,
        audience,
        algorithms: ['RS256'],
      })
    ).payload;
}

await forEachStore((storeName, storeSpec) => {
  describe(`@azure/identity 4.13.1 ManagedIdentityCredential under openmi run on ${storeName}`, () => {
    let t: TestServer;
    let s: Setup;
    before(async () => {
      const spec = await storeSpec();
      t = await startTestServer({ store: spec.spec, onStop: spec.drop });
      s = await setup(t);
    });
    after(() => t.stop());

    for (const metadata of ['app-service', 'imds']) {
      it(`gets system-assigned and user-assigned tokens (clientId, objectId, resourceId, DAC) through ${metadata}`, async () => {
        const scope = 'https://management.azure.com/.default';
        const r = await openmiRun(t.dataDir, s.vmId, metadata, [
          JSON.stringify({ clientId: s.uai.clientId, objectId: s.uai.principalId, resourceId: s.uai.id, scope }),
        ]);
        assert.equal(r.code, 0, r.stderr);
        const { out, env } = JSON.parse(r.stdout);
        assert.equal(
          env.IDENTITY_ENDPOINT === null,
          metadata === 'imds',
          'the endpoint family asked for is the one the SDK saw',
        );
        const verify = await verifier(t);
        const system = await verify(out.system.token, 'https://management.azure.com');
        assert.equal(system.oid, s.systemPrincipalId);
        assert.equal(system.sub, s.systemPrincipalId);
        assert.equal(system['xms_mirid'], s.vmId);
        assert.equal(system['xms_az_rid'], s.vmId);
        assert.equal(out.systemAgain.token, out.system.token, 'the SDK caches the token: the resource echo matched');
        for (const k of ['clientId', 'objectId', 'resourceId', 'dacClientId']) {
          assert.ok(out[k].token, `${k}: ${out[k].error}`);
          const c = await verify(out[k].token, 'https://management.azure.com');
          assert.equal(c.oid, s.uai.principalId, k);
          assert.equal(c['appid'], s.uai.clientId, k);
          assert.equal(c['tid'], t.creds.tenantId, k);
          assert.equal(c['idtyp'], 'app', k);
          assert.equal(c['ver'], '1.0', k);
          assert.equal(c['xms_mirid'], s.uai.id, k);
          assert.equal(c['xms_az_rid'], s.vmId, k);
          assert.ok(typeof c['uti'] === 'string' && c.exp! > c.iat!, k);
        }
        assert.match(out.unknownClientId.error, /client_id=00000000-0000-4000-8000-000000000000/);
        assert.match(out.unknownClientId.error, /app-id/, 'the error lists the identities that are attached');
      });
    }
  });
});
