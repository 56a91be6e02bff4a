import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { forEachStore } from '../../../test/helpers/postgres.js';
import { startTestServer, type TestServer } from '../../../test/helpers/server.js';
import { httpsRequest } from '../../../test/helpers/https.js';
import { RawAgent } from '../../../test/helpers/raw-agent.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const cli = (args: string[]) =>
  promisify(execFile)(process.execPath, [fileURLToPath(new URL('../../cli/main.js', import.meta.url)), ...args]);

const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const UAI = 'Microsoft.ManagedIdentity/userAssignedIdentities';

await forEachStore((kind, storeSpec) => {
  describe(`audit scenario (${kind})`, () => {
    let t: TestServer;
    const ids: Record<string, string> = {};
    const sub = () => `/subscriptions/${t.creds.subscriptionId}`;

    before(async () => {
      const s = await storeSpec();
      t = await startTestServer({ store: s.spec, onStop: s.drop });
      const ok = async (p: Promise<{ status: number; text: string; json: any }>) => {
        const r = await p;
        assert.ok(r.status < 300, r.text);
        return r.json;
      };
      await ok(t.arm('PUT', `${sub()}/resourceGroups/rg-a?api-version=2025-04-01`, { location: 'local' }));
      const u = await ok(
        t.arm('PUT', `${sub()}/resourceGroups/rg-a/providers/${UAI}/uai-1?api-version=2024-11-30`, {
          location: 'local',
        }),
      );
      Object.assign(ids, { uai: u.id, clientId: u.properties.clientId, principalId: u.properties.principalId });
      for (const vm of ['vm1', 'vm2']) {
        const v = await ok(
          t.arm(
            'PUT',
            `${sub()}/resourceGroups/rg-a/providers/Microsoft.Compute/virtualMachines/${vm}?api-version=2024-07-01`,
            { location: 'local', identity: { type: 'UserAssigned', userAssignedIdentities: { [u.id]: {} } } },
          ),
        );
        ids[vm] = v.id;
      }
      ids['ra'] = `${sub()}/resourceGroups/rg-a/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`;
      await ok(
        t.arm('PUT', `${ids['ra']}?api-version=2022-04-01`, {
          properties: {
            roleDefinitionId: `${sub()}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
            principalId: ids['principalId'],
          },
        }),
      );
      await ok(t.arm('DELETE', `${ids['ra']}?api-version=2022-04-01`));
      ids['refused'] = randomUUID();
      const refused = await t.arm(
        'PUT',
        `${sub()}/resourceGroups/rg-a/providers/Microsoft.Authorization/roleAssignments/${ids['refused']}?api-version=2022-04-01`,
        { properties: { roleDefinitionId: 'not-a-role', principalId: ids['principalId'] } },
      );
      assert.ok(refused.status >= 400, refused.text);
      const join = await ok(
        t.arm('POST', `${ids['vm1']}/providers/OpenMI.Agents/joinTokens?api-version=2025-01-01`, {}),
      );
      const agent = new RawAgent(t);
      assert.equal((await agent.enroll(join.token)).status, 201);
      ids['agent'] = agent.id;
      const minted = await agent.token('https://vault.azure.net', { name: 'client_id', value: ids['clientId']! });
      assert.equal(minted.status, 200, minted.text);
      const bad = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: t.creds.clientId,
        client_secret: 'wrong',
        resource: t.server.baseUrl,
      });
      const denied = await httpsRequest(`${t.server.baseUrl}/${t.creds.tenantId}/oauth2/token`, {
        method: 'POST',
        ca: t.ca,
        body: bad.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(denied.status, 401, denied.text);
    });
    after(() => t?.stop());

    it('the activity log (ARM route) holds every write, and the refused one as Failed, oldest last', async () => {
      const r = await t.arm(
        'GET',
        `${sub()}/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01`,
      );
      assert.equal(r.status, 200, r.text);
      const got = (r.json.value as any[])
        .map((e) => `${e.operationName.value} ${e.status.value} ${e.resourceId.split('/').slice(-2).join('/')}`)
        .reverse();
      assert.deepEqual(got, EXPECTED_ACTIVITY(ids));
      for (const e of r.json.value) {
        assert.equal(e.caller, t.server.installation.adminObjectId);
        assert.match(e.correlationId, /^[0-9a-f-]{36}$/);
      }
    });

    it('activity $filter narrows by resourceUri, correlationId and time, and $select trims fields', async () => {
      const base = `${sub()}/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01`;
      const byUri = await t.arm(
        'GET',
        `${base}&$filter=${encodeURIComponent(`resourceUri eq '${ids['uai']!.toUpperCase()}'`)}&$select=operationName,resourceId`,
      );
      assert.deepEqual(
        byUri.json.value.map((e: any) => Object.keys(e).sort()),
        [['operationName', 'resourceId']],
      );
      const future = await t.arm(
        'GET',
        `${base}&$filter=${encodeURIComponent(`eventTimestamp ge '${new Date(Date.now() + 60_000).toISOString()}'`)}`,
      );
      assert.deepEqual(future.json.value, []);
      const paged = await t.arm('GET', `${base}&$top=2`);
      assert.equal(paged.json.value.length, 2);
      const next = await t.arm('GET', new URL(paged.json.nextLink).pathname + new URL(paged.json.nextLink).search);
      assert.notEqual(next.json.value[0].eventDataId, paged.json.value[0].eventDataId);
    });

    it('the sign-in log holds exactly one row per token request, with identity, resource, agent and outcome', async () => {
      const r = await t.arm('GET', '/providers/OpenMI.Audit/signIns?api-version=2025-01-01');
      assert.equal(r.status, 200, r.text);
      const rows = (r.json.value as any[]).reverse();
      assert.deepEqual(
        rows.map((s) => `${s.flow} ${s.result} ${s.status.errorCode ?? '-'}`),
        ['clientCredentials success -', 'managedIdentity success -', 'clientCredentials failure invalid_client'],
      );
      const mi = rows[1];
      assert.deepEqual(
        [mi.servicePrincipalId, mi.appId, mi.managedServiceIdentity],
        [
          ids['principalId'],
          ids['clientId'],
          { associatedResourceId: ids['vm1'], identityResourceId: ids['uai'], agentId: ids['agent'] },
        ],
      );
      assert.equal(mi.resourceId, 'https://vault.azure.net');
      const byIdentity = await t.arm(
        'GET',
        `/providers/OpenMI.Audit/signIns?api-version=2025-01-01&identity=${ids['clientId']!.toUpperCase()}&result=success`,
      );
      assert.deepEqual(
        byIdentity.json.value.map((s: any) => s.id),
        [mi.id],
      );
    });

    it('the CLI lists both logs with the same filters and verifies the chains', async () => {
      const d = ['--data-dir', t.dataDir];
      const acts = JSON.parse(
        (await cli(['activity', 'list', ...d, '-o', 'json', '-g', 'RG-A', '--resource', ids['vm2']!])).stdout,
      );
      assert.deepEqual(
        acts.map((e: any) => e.operationName.value),
        ['Microsoft.Compute/virtualMachines/write'],
      );
      const lines = (await cli(['signins', 'list', ...d, '--result', 'failure', '--jsonl'])).stdout.trim().split('\n');
      assert.deepEqual(
        lines.map((l) => JSON.parse(l).status.errorCode),
        ['invalid_client'],
      );
      assert.match((await cli(['audit', 'verify', ...d, '-o', 'table'])).stdout, /activity\s+true/);
    });

    it('both chains verify', async () => {
      const r = await t.arm('POST', '/providers/OpenMI.Audit/verify?api-version=2025-01-01');
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.ok, true, r.text);
    });
  });
});

/** Pinned from the services: one event per change, cascades included. */
function EXPECTED_ACTIVITY(ids: Record<string, string>): string[] {
  const ra = ids['ra']!.split('/').slice(-2).join('/');
  return [
    'Microsoft.Resources/subscriptions/resourceGroups/write Succeeded resourceGroups/rg-a',
    `${UAI}/write Succeeded userAssignedIdentities/uai-1`,
    'Microsoft.Compute/virtualMachines/write Succeeded virtualMachines/vm1',
    'Microsoft.Compute/virtualMachines/write Succeeded virtualMachines/vm2',
    `Microsoft.Authorization/roleAssignments/write Succeeded ${ra}`,
    `Microsoft.Authorization/roleAssignments/delete Succeeded ${ra}`,
    `Microsoft.Authorization/roleAssignments/write Failed roleAssignments/${ids['refused']}`,
    'OpenMI.Agents/joinTokens/write Succeeded virtualMachines/vm1',
  ];
}
