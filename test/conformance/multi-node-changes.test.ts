import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startAgent, type RunningAgent } from '../../src/agent/agent-runtime.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/kernel/log.js';
import { startServer, type RunningServer } from '../../src/server/app.js';
import { httpGet } from '../helpers/http.js';
import { httpsRequest, type HttpsResponse } from '../helpers/https.js';
import { freshPgSchema, pgUnreachable, PG_URL } from '../helpers/postgres.js';
import { RawAgent } from '../helpers/raw-agent.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const SECRETS_USER = '4633458b-17de-408a-b874-0445c86b69e6';
const SECRETS_OFFICER = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7';
const VAULT = 'https://vault.openmi.localhost';
const DEADLINE_MS = 1_000;

/** Polls `probe` until `done` holds, failing if that takes longer than DEADLINE_MS from `since`. */
async function within<T>(what: string, since: number, probe: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (;;) {
    const v = await probe();
    if (done(v)) return v;
    if (Date.now() - since > DEADLINE_MS)
      assert.fail(
        `${what}: not seen within ${DEADLINE_MS} ms of the acknowledgement (last: ${JSON.stringify(v).slice(0, 300)})`,
      );
    await new Promise((r) => setTimeout(r, 20));
  }
}

const kidOf = (jwt: string): string => JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()).kid;

const unreachable = process.env['CI'] === 'true' ? undefined : await pgUnreachable();

/**
 * docs/architecture.md, "Several nodes": two nodes on one PostgreSQL store. A change made through
 * node A takes effect on node B (and on the agents connected to B) within a second.
 */
describe(
  'changes made on one node reach the other node within 1 s (PostgreSQL)',
  { skip: unreachable && `PostgreSQL not reachable at ${PG_URL}: ${unreachable}` },
  () => {
    const dirs: string[] = [];
    let drop: () => Promise<void>;
    let a: TestServer;
    let b: RunningServer;
    let ca: string;
    const sub = () => a.creds.subscriptionId;
    const rg = `/resourceGroups/rg-multi`;

    before(async () => {
      const schema = await freshPgSchema();
      drop = schema.drop;
      const config = { masterKey: randomBytes(32).toString('base64'), signingWorkers: 0 };
      a = await startTestServer({ store: schema.url, config });
      const dataDir = mkdtempSync(join(tmpdir(), 'openmi-node-b-'));
      dirs.push(dataDir);
      b = await startServer(loadConfig({ dataDir, port: 0, store: schema.url, logLevel: 'silent', ...config }, {}), {
        log: createLogger('silent'),
      });
      ca = readFileSync(b.caCertPath, 'utf8');
      assert.equal(
        (await a.arm('PUT', `/subscriptions/${sub()}${rg}?api-version=2025-04-01`, { location: 'local' })).status,
        201,
      );
    });
    after(async () => {
      await b?.close();
      await a?.stop();
      await drop?.();
      dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
    });

    const arm = (path: string, body?: unknown, method = body === undefined ? 'GET' : 'PUT') =>
      a.arm(method, `/subscriptions/${sub()}${rg}${path}`, body);
    const assign = async (scope: string, role: string, principalId: string): Promise<string> => {
      const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`;
      const r = await a.arm('PUT', `${id}?api-version=2022-04-01`, {
        properties: {
          roleDefinitionId: `/subscriptions/${sub()}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
          principalId,
          principalType: 'ServicePrincipal',
        },
      });
      assert.equal(r.status, 201, r.text);
      return id;
    };
    /** A VM with a system-assigned identity, created through A, and a hand-made agent of it enrolled on B. */
    const vmOnB = async (name: string): Promise<{ vmId: string; principalId: string; agent: RawAgent }> => {
      const vm = await arm(`/providers/Microsoft.Compute/virtualMachines/${name}?api-version=2024-07-01`, {
        location: 'local',
        identity: { type: 'SystemAssigned' },
      });
      assert.equal(vm.status, 201, vm.text);
      const jt = await a.arm('POST', `${vm.json.id}/providers/OpenMI.Agents/joinTokens?api-version=2025-01-01`, {});
      const agent = new RawAgent({ ca, server: { baseUrl: b.baseUrl } });
      assert.equal((await agent.enroll(jt.json.token)).status, 201);
      return { vmId: vm.json.id, principalId: vm.json.identity.principalId, agent };
    };
    const mintOnB = async (agent: RawAgent, resource: string): Promise<string> => {
      const r = await agent.token(resource);
      assert.equal(r.status, 200, r.text);
      return r.json.accessToken as string;
    };
    /** The bootstrap admin's token from B (each node issues under its own URL here). */
    const adminTokenFromB = async (resource: string): Promise<string> => {
      const body = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: a.creds.clientId,
        client_secret: a.creds.clientSecret,
        resource,
      }).toString();
      const r = await httpsRequest(`${b.baseUrl}/${a.creds.tenantId}/oauth2/token`, {
        method: 'POST',
        ca,
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(r.status, 200, r.text);
      return r.json.access_token as string;
    };
    const onB = (path: string, token: string, host?: string): Promise<HttpsResponse> =>
      httpsRequest(`${b.baseUrl}${path}`, {
        ca,
        headers: { authorization: `Bearer ${token}`, ...(host ? { host } : {}) },
      });

    it('(a) a detach via A reaches an agent connected to B, which then refuses the identity', async () => {
      const u = await arm('/providers/Microsoft.ManagedIdentity/userAssignedIdentities/worker?api-version=2024-11-30', {
        location: 'local',
      });
      const vm = await arm('/providers/Microsoft.Compute/virtualMachines/vm-detach?api-version=2024-07-01', {
        location: 'local',
        identity: { type: 'UserAssigned', userAssignedIdentities: { [u.json.id]: {} } },
      });
      const jt = await a.arm('POST', `${vm.json.id}/providers/OpenMI.Agents/joinTokens?api-version=2025-01-01`, {});
      const agent: RunningAgent = await startAgent({
        serverUrl: b.baseUrl,
        ca,
        joinToken: jt.json.token,
        listenHost: '127.0.0.1',
        listenPort: 0,
        log: createLogger('silent'),
      });
      try {
        const imds = () =>
          httpGet(
            `${agent.endpoints.imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${VAULT}&client_id=${u.json.properties.clientId}`,
            { Metadata: 'true' },
          );
        assert.equal((await imds()).status, 200, 'the token is cached by the agent');
        const detached = await a.arm('PATCH', `${vm.json.id}?api-version=2024-07-01`, { identity: { type: 'None' } });
        assert.equal(detached.status, 200, detached.text);
        const r = await within(
          'the agent on B refusing the detached identity',
          Date.now(),
          imds,
          (x) => x.status !== 200,
        );
        assert.equal(r.status, 400, JSON.stringify(r.json));
        assert.match(r.json.error_description, /user-assigned identities attached: none/);
      } finally {
        await agent.close({ leave: false });
      }
    });

    it("(b) a role assignment removed via A: B's ARM and Key Vault deny", async () => {
      const kv = await arm('/providers/Microsoft.KeyVault/vaults/kv-multi?api-version=2023-07-01', {
        location: 'local',
        properties: {},
      });
      assert.equal(kv.status, 201, kv.text);
      const w = await vmOnB('vm-rbac');
      const scope = `/subscriptions/${sub()}${rg}`;
      const reader = await assign(scope, READER, w.principalId);
      const secretsUser = await assign(kv.json.id, SECRETS_USER, w.principalId);
      await assign(kv.json.id, SECRETS_OFFICER, a.server.installation.adminObjectId);
      const vaultHost = `kv-multi.vault.openmi.localhost:${new URL(b.baseUrl).port}`;
      const put = await httpsRequest(`${b.baseUrl}/secrets/s1?api-version=7.4`, {
        method: 'PUT',
        ca,
        body: '{"value":"v"}',
        headers: {
          host: vaultHost,
          'content-type': 'application/json',
          authorization: `Bearer ${await adminTokenFromB(VAULT)}`,
        },
      });
      assert.equal(put.status, 200, put.text);
      const armToken = await mintOnB(w.agent, b.baseUrl);
      const vaultToken = await mintOnB(w.agent, VAULT);
      const readGroup = () => onB(`${scope}?api-version=2025-04-01`, armToken);
      const getSecret = () => onB('/secrets/s1?api-version=7.4', vaultToken, vaultHost);
      assert.equal((await readGroup()).status, 200);
      assert.equal((await getSecret()).status, 200);
      for (const id of [reader, secretsUser])
        assert.equal((await a.arm('DELETE', `${id}?api-version=2022-04-01`)).status, 200);
      const since = Date.now();
      assert.equal((await within("B's ARM denying", since, readGroup, (r) => r.status !== 200)).status, 403);
      assert.equal((await within("B's Key Vault denying", since, getSecret, (r) => r.status !== 200)).status, 403);
    });

    it('(c) revokeTokens via A: B refuses the earlier token', async () => {
      const w = await vmOnB('vm-revoke');
      await assign(`/subscriptions/${sub()}${rg}`, READER, w.principalId);
      const token = await mintOnB(w.agent, b.baseUrl);
      const readGroup = () => onB(`/subscriptions/${sub()}${rg}?api-version=2025-04-01`, token);
      assert.equal(
        (await readGroup()).status,
        200,
        'B has read the revocation list with no revocation of this principal',
      );
      const rv = await a.arm('POST', `${w.vmId}/providers/OpenMI.Tokens/revokeTokens?api-version=2025-01-01`);
      assert.equal(rv.status, 200, rv.text);
      const r = await within('B refusing the revoked token', Date.now(), readGroup, (x) => x.status !== 200);
      assert.equal(r.status, 401, r.text);
      assert.match(r.text, /revoked/);
    });

    it('(d) a key rotation via A: B signs with the new key', async () => {
      const rotated = await a.arm('POST', '/providers/OpenMI.Tokens/signingKeys/rotate?api-version=2025-01-01');
      assert.equal(rotated.status, 200, rotated.text);
      const since = Date.now();
      const tokenFromB = async () => kidOf(await adminTokenFromB(b.baseUrl));
      assert.equal(
        await within('B signing with the new key', since, tokenFromB, (kid) => kid === rotated.json.currentKid),
        rotated.json.currentKid,
      );
    });
  },
);
