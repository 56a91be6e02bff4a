import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/kernel/log.js';
import { startAgent, type RunningAgent } from '../../src/agent/agent-runtime.js';
import { httpGet } from '../helpers/http.js';
import { httpsRequest, type HttpsResponse } from '../helpers/https.js';
import { describeEachStore } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Row = Record<string, any>;
const MI = "signInEventTypes/any(t: t eq 'managedIdentity')";

/**
 * The sign-in log through Graph's `/beta/auditLogs/signIns` (docs/wire/graph.md) against a real
 * server and agent: tokens minted for a user-assigned and a system-assigned identity, a refused
 * identity and the admin's client credentials, then read back with each filter and with paging.
 */
await describeEachStore('Graph /beta/auditLogs/signIns reads the sign-in log', (store) => {
  let t: TestServer;
  let agent: RunningAgent;
  let stateDir: string;
  let admin: string;
  const ids = { uamiClient: '', uamiPrincipal: '', vmPrincipal: '', vm: '', refusedClient: randomUUID() };

  const graph = (path: string, token = admin): Promise<HttpsResponse> =>
    httpsRequest(path.startsWith('https:') ? path : `${t.server.baseUrl}${path}`, {
      ca: t.ca,
      headers: { authorization: `Bearer ${token}` },
    });
  const list = async (filter?: string, extra = ''): Promise<Row[]> => {
    const q = filter === undefined ? '' : `?$filter=${encodeURIComponent(filter)}`;
    const r = await graph(`/beta/auditLogs/signIns${q}${extra}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json['@odata.context'], 'https://graph.microsoft.com/beta/$metadata#auditLogs/signIns');
    return r.json.value as Row[];
  };
  const imds = (query: string) =>
    httpGet(`${agent.endpoints.imds}/metadata/identity/oauth2/token?api-version=2018-02-01&${query}`, {
      Metadata: 'true',
    });

  before(async () => {
    t = await startTestServer(await store.options());
    stateDir = mkdtempSync(join(tmpdir(), 'openmi-graph-signins-'));
    const sub = t.creds.subscriptionId;
    await t.arm('PUT', `/subscriptions/${sub}/resourceGroups/rg-g?api-version=2025-04-01`, { location: 'local' });
    const u = await t.arm(
      'PUT',
      `/subscriptions/${sub}/resourceGroups/rg-g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/worker?api-version=2024-11-30`,
      { location: 'local' },
    );
    [ids.uamiClient, ids.uamiPrincipal] = [u.json.properties.clientId, u.json.properties.principalId];
    const vm = await t.arm(
      'PUT',
      `/subscriptions/${sub}/resourceGroups/rg-g/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2024-07-01`,
      {
        location: 'local',
        identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [u.json.id]: {} } },
      },
    );
    [ids.vm, ids.vmPrincipal] = [vm.json.id, vm.json.identity.principalId];
    const jt = await t.arm('POST', `${ids.vm}/providers/OpenMI.Agents/joinTokens?api-version=2025-01-01`, {});
    agent = await startAgent({
      serverUrl: t.server.baseUrl,
      ca: t.ca,
      joinToken: jt.json.token,
      stateDir,
      listenHost: '127.0.0.1',
      listenPort: 0,
      log: createLogger('silent'),
    });
    // Each asked once, so every row is the server's own, durable before the answer.
    assert.equal((await imds(`resource=https://vault.azure.net&client_id=${ids.uamiClient}`)).status, 200);
    assert.equal((await imds('resource=https://management.azure.com/')).status, 200);
    assert.notEqual((await imds(`resource=https://vault.azure.net&client_id=${ids.refusedClient}`)).status, 200);
    admin = await t.adminToken();
  });
  after(async () => {
    await agent?.close({ leave: true });
    await t?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("lists the same rows as openmi's own sign-in API, newest first, in Entra's shape", async () => {
    const mine = await t.arm('GET', '/providers/OpenMI.Audit/signIns?api-version=2025-01-01');
    const rows = await list();
    assert.deepEqual(
      rows.map((r) => r['id']),
      (mine.json.value as Row[]).map((r) => r['id']),
    );
    const uami = rows.find((r) => r['appId'] === ids.uamiClient)!;
    assert.deepEqual(
      [uami['servicePrincipalId'], uami['servicePrincipalName'], uami['managedIdentityType'], uami['resourceId']],
      [ids.uamiPrincipal, 'worker', 'userAssigned', 'https://vault.azure.net'],
    );
    assert.deepEqual(uami['signInEventTypes'], ['managedIdentity']);
    assert.deepEqual(uami['status'], { errorCode: 0, failureReason: null, additionalDetails: null });
    assert.deepEqual(uami['managedServiceIdentity'], { msiType: 'userAssigned', associatedResourceId: ids.vm });
    assert.equal(uami['resourceDisplayName'], 'Azure Key Vault');
    assert.match(uami['createdDateTime'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(uami['correlationId']);
    const sys = rows.find((r) => r['servicePrincipalId'] === ids.vmPrincipal)!;
    assert.deepEqual([sys['managedIdentityType'], sys['servicePrincipalName']], ['systemAssigned', 'vm1']);
    const sp = rows.find((r) => r['appId'] === t.creds.clientId)!;
    assert.deepEqual(sp['signInEventTypes'], ['servicePrincipal']);
    assert.equal(sp['managedIdentityType'], 'none');
    assert.ok(sp['servicePrincipalName'], 'a service principal is named by its display name');
  });

  it('filters by signInEventTypes, servicePrincipalId and appId', async () => {
    const mi = await list(MI);
    assert.ok(mi.length >= 3);
    assert.ok(mi.every((r) => r['signInEventTypes'][0] === 'managedIdentity'));
    const sps = await list("signInEventTypes/any(t: t eq 'servicePrincipal')");
    assert.ok(sps.length >= 1 && sps.every((r) => r['signInEventTypes'][0] === 'servicePrincipal'));
    assert.deepEqual(await list("signInEventTypes/any(t: t eq 'interactiveUser')"), []);
    const bySp = await list(`servicePrincipalId eq '${ids.uamiPrincipal.toUpperCase()}'`);
    assert.deepEqual(
      bySp.map((r) => r['servicePrincipalId']),
      [ids.uamiPrincipal],
    );
    const byApp = await list(`${MI} and appId eq '${ids.uamiClient}'`);
    assert.deepEqual(
      byApp.map((r) => r['id']),
      bySp.map((r) => r['id']),
    );
  });

  it('filters by status/errorCode: eq 0, ne 0 and eq the AADSTS number of a refusal', async () => {
    const failed = await list('status/errorCode ne 0');
    const refused = failed.find((r) => r['signInEventTypes'][0] === 'managedIdentity')!;
    assert.ok(refused, JSON.stringify(failed));
    assert.ok(failed.every((r) => r['status']['errorCode'] > 0 && r['status']['failureReason']));
    // The identity the agent asked for does not exist: Entra's "application not found" (AADSTS700016).
    assert.deepEqual(
      [refused['status']['errorCode'], refused['status']['additionalDetails'], refused['managedIdentityType']],
      [700016, 'openmi error code: identity_not_found', 'none'],
    );
    const ok = await list('status/errorCode eq 0');
    assert.ok(ok.length >= 3 && ok.every((r) => r['status']['errorCode'] === 0));
    const same = await list(`status/errorCode eq ${refused['status']['errorCode']}`);
    assert.ok(same.some((r) => r['id'] === refused['id']));
    assert.ok(same.every((r) => r['status']['errorCode'] === refused['status']['errorCode']));
    assert.deepEqual(await list('status/errorCode eq 1'), []);
  });

  it('filters by createdDateTime ge, gt, le and lt', async () => {
    const rows = await list(MI);
    const oldest = rows[rows.length - 1]!;
    const newest = rows[0]!;
    const at = (r: Row) => r['createdDateTime'] as string;
    assert.ok((await list(`${MI} and createdDateTime ge ${at(oldest)}`)).some((r) => r['id'] === oldest['id']));
    assert.ok(!(await list(`${MI} and createdDateTime gt ${at(oldest)}`)).some((r) => r['id'] === oldest['id']));
    assert.ok((await list(`${MI} and createdDateTime le ${at(newest)}`)).some((r) => r['id'] === newest['id']));
    const before = await list(`${MI} and createdDateTime lt ${at(newest)}`);
    assert.ok(!before.some((r) => r['id'] === newest['id']));
    assert.deepEqual(await list(`createdDateTime lt 2000-01-01T00:00:00Z`), []);
  });

  it('pages with $top and @odata.nextLink, keeping the filter, until the last page', async () => {
    const all = await list(MI);
    const seen: string[] = [];
    let url: string | undefined = `/beta/auditLogs/signIns?$filter=${encodeURIComponent(MI)}&$top=1`;
    while (url) {
      const r = await graph(url);
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.value.length <= 1);
      seen.push(...(r.json.value as Row[]).map((v) => v['id']));
      url = r.json['@odata.nextLink'];
      if (url) {
        assert.ok(url.startsWith(`${t.server.baseUrl}/beta/auditLogs/signIns?`), url);
        const q = new URL(url).searchParams;
        assert.equal(q.get('$filter'), MI);
        assert.ok(q.get('$skiptoken')!.length <= 32);
      }
      assert.ok(seen.length <= all.length, 'paging ends');
    }
    assert.deepEqual(
      seen,
      all.map((r) => r['id']),
    );
  });

  it('reads one sign-in by id, and answers 404 for an unknown one', async () => {
    const [first] = await list(MI);
    const r = await graph(`/beta/auditLogs/signIns/${first!['id']}`);
    assert.equal(r.status, 200, r.text);
    const { '@odata.context': ctx, ...row } = r.json;
    assert.equal(ctx, 'https://graph.microsoft.com/beta/$metadata#auditLogs/signIns/$entity');
    assert.deepEqual(row, first);
    const missing = await graph(`/beta/auditLogs/signIns/${randomUUID()}`);
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.code, 'Request_ResourceNotFound');
  });

  it("answers Graph's 400 envelope for what it does not support", async () => {
    const cases: Array<[string, string, string]> = [
      [`?$filter=${encodeURIComponent("userPrincipalName eq 'x'")}`, 'Request_UnsupportedQuery', 'userPrincipalName'],
      [`?$filter=${encodeURIComponent("appId eq 'a' or appId eq 'b'")}`, 'Request_UnsupportedQuery', "or appId eq 'b'"],
      [`?$filter=${'x'.repeat(3000)}`, 'BadRequest', 'at most 2048'],
      ['?$top=0', 'BadRequest', '$top'],
      ['?$top=1001', 'BadRequest', '$top'],
      ['?$skiptoken=not-ours', 'BadRequest', '$skiptoken'],
      [`?$skiptoken=${Buffer.from('v1.1; DROP TABLE x').toString('base64url')}`, 'BadRequest', '$skiptoken'],
    ];
    for (const [query, code, fragment] of cases) {
      const r = await graph(`/beta/auditLogs/signIns${query}`);
      assert.equal(r.status, 400, query);
      assert.equal(r.json.error.code, code, query);
      assert.ok(r.json.error.message.includes(fragment), `${query}: ${r.json.error.message}`);
      assert.ok(r.json.error.innerError['request-id']);
    }
  });

  it("refuses a caller without OpenMI.Audit/signIns/read, as openmi's API does", async () => {
    const mi = await imds(`resource=${encodeURIComponent(t.server.baseUrl)}&client_id=${ids.uamiClient}`);
    assert.equal(mi.status, 200);
    const token = mi.json.access_token as string;
    const r = await graph('/beta/auditLogs/signIns', token);
    assert.equal(r.status, 403, r.text);
    assert.equal(r.json.error.code, 'Authorization_RequestDenied');
    const mine = await httpsRequest(`${t.server.baseUrl}/providers/OpenMI.Audit/signIns?api-version=2025-01-01`, {
      ca: t.ca,
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(mine.status, 403, 'the same caller is refused by both');
    assert.equal((await graph('/beta/auditLogs/signIns', 'not-a-token')).status, 401);
  });
});
