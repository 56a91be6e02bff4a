import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../kernel/log.js';
import { startAgent } from '../../agent/agent-runtime.js';
import { httpGet } from '../../../test/helpers/http.js';
import { httpsRequest } from '../../../test/helpers/https.js';
import { forEachStore } from '../../../test/helpers/postgres.js';
import { startTestServer, type TestServer } from '../../../test/helpers/server.js';

/**
 * docs/security.md, finding 7: the replay cache of agent assertions lived in memory, so a restarted
 * server accepted an assertion it had already accepted, for the rest of its lifetime. The real
 * agent's own Authorization header is captured as it leaves (node's http client diagnostics
 * channel), used once, and replayed to the restarted server on the same store.
 */

interface Captured {
  method: string;
  path: string;
  authorization: string;
}

/** Records the agent API calls this process sends, headers as written on the wire. */
function captureAgentCalls(): { calls: Captured[]; stop(): void } {
  const calls: Captured[] = [];
  const onStart = (message: unknown) => {
    const req = (message as { request: ClientRequest }).request;
    const authorization = req.getHeader('authorization');
    if (req.path.startsWith('/openmi/agent/v1/') && typeof authorization === 'string')
      calls.push({ method: req.method, path: req.path, authorization });
  };
  subscribe('http.client.request.start', onStart);
  return { calls, stop: () => void unsubscribe('http.client.request.start', onStart) };
}

async function vmWithJoinToken(t: TestServer): Promise<string> {
  const sub = t.creds.subscriptionId;
  await t.arm('PUT', `/subscriptions/${sub}/resourceGroups/rg-r?api-version=2025-04-01`, { location: 'local' });
  const vm = await t.arm(
    'PUT',
    `/subscriptions/${sub}/resourceGroups/rg-r/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2024-07-01`,
    {
      location: 'local',
      identity: { type: 'SystemAssigned' },
    },
  );
  const jt = await t.arm('POST', `${vm.json.id}/providers/OpenMI.Agents/joinTokens?api-version=2025-01-01`, {});
  assert.equal(jt.status, 200, jt.text);
  return jt.json.token as string;
}

const imdsUrl = (base: string, resource: string) =>
  `${base}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${encodeURIComponent(resource)}`;

await forEachStore((kind, storeSpec) => {
  describe(`agent assertions survive a server restart (${kind})`, () => {
    it("refuses a real agent's used assertion replayed to the restarted server, and still accepts fresh ones", async () => {
      const s = await storeSpec();
      const dataDir = mkdtempSync(join(tmpdir(), 'openmi-replay-'));
      const stateDir = mkdtempSync(join(tmpdir(), 'openmi-replay-agent-'));
      const log = createLogger('silent');
      let t: TestServer | undefined;
      try {
        t = await startTestServer({ dataDir, store: s.spec });
        const joinToken = await vmWithJoinToken(t);
        const agent = await startAgent({
          serverUrl: t.server.baseUrl,
          ca: t.ca,
          joinToken,
          stateDir,
          listenHost: '127.0.0.1',
          listenPort: 0,
          log,
        });
        const capture = captureAgentCalls();
        const minted = await httpGet(imdsUrl(agent.endpoints.imds, 'api://replay'), { Metadata: 'true' });
        capture.stop();
        assert.equal(minted.status, 200, JSON.stringify(minted.json));
        const used = capture.calls.find((c) => c.method === 'POST' && c.path === '/openmi/agent/v1/token');
        assert.ok(used, `the agent's mint was captured: ${JSON.stringify(capture.calls.map((c) => c.path))}`);
        await agent.close({ leave: false });
        const port = t.server.port;
        await t.stop();
        t = undefined;

        t = await startTestServer({ dataDir, store: s.spec, port });
        const replay = await httpsRequest(`${t.server.baseUrl}/openmi/agent/v1/token`, {
          method: 'POST',
          ca: t.ca,
          // Node 20's global agent keeps connections alive: a socket pooled before the restart may be the old server's.
          freshConnection: true,
          headers: { authorization: used.authorization, 'content-type': 'application/json' },
          body: JSON.stringify({ resource: 'api://replay' }),
        });
        assert.equal(replay.status, 401, replay.text);
        assert.equal(replay.json.error, 'invalid_agent');
        assert.match(replay.json.error_description, /already used \(replay\)/);

        const resumed = await startAgent({
          serverUrl: t.server.baseUrl,
          ca: t.ca,
          stateDir,
          listenHost: '127.0.0.1',
          listenPort: 0,
          log,
        });
        const fresh = await httpGet(imdsUrl(resumed.endpoints.imds, 'api://after-restart'), { Metadata: 'true' });
        await resumed.close({ leave: true });
        assert.equal(fresh.status, 200, JSON.stringify(fresh.json));
      } finally {
        await t?.stop();
        await s.drop();
        rmSync(dataDir, { recursive: true, force: true });
        rmSync(stateDir, { recursive: true, force: true });
      }
    });
  });
});
