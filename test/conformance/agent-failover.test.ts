import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startAgent, type RunningAgent } from '../../src/agent/agent-runtime.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/kernel/log.js';
import { startServer, type RunningServer } from '../../src/server/app.js';
import { httpGet } from '../helpers/http.js';
import { freshPgSchema, pgUnreachable, PG_URL } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const unreachable = process.env['CI'] === 'true' ? undefined : await pgUnreachable();

/** docs/agent-protocol.md, "Several server URLs": an agent given two nodes outlives the first. */
describe(
  'an agent with two server URLs keeps serving when the first node goes away (PostgreSQL)',
  { skip: unreachable && `PostgreSQL not reachable at ${PG_URL}: ${unreachable}` },
  () => {
    const dirs: string[] = [];
    let drop: () => Promise<void>;
    let a: TestServer;
    let b: RunningServer;
    let agent: RunningAgent;
    let aStopped = false;
    const imds = (resource: string) =>
      httpGet(`${agent.endpoints.imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${resource}`, {
        Metadata: 'true',
      });

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
      const rg = `/subscriptions/${a.creds.subscriptionId}/resourceGroups/rg-failover`;
      await a.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'local' });
      const vm = await a.arm('PUT', `${rg}/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2024-07-01`, {
        location: 'local',
        identity: { type: 'SystemAssigned' },
      });
      const jt = await a.arm('POST', `${vm.json.id}/providers/OpenMI.Agents/joinTokens?api-version=2025-01-01`, {});
      const ca = readFileSync(b.caCertPath, 'utf8');
      agent = await startAgent({
        serverUrl: [a.server.baseUrl, b.baseUrl],
        ca,
        joinToken: jt.json.token,
        listenHost: '127.0.0.1',
        listenPort: 0,
        log: createLogger('silent'),
      });
    });
    after(async () => {
      await agent?.close({ leave: false });
      await b?.close();
      if (!aStopped) await a?.stop();
      await drop?.();
      dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
    });

    it('serves the cached token and mints a new one through the second node after the first closes', async () => {
      const cached = await imds('https://vault.azure.net');
      assert.equal(cached.status, 200, JSON.stringify(cached.json));
      await a.stop();
      aStopped = true;
      const again = await imds('https://vault.azure.net');
      assert.equal(again.status, 200, JSON.stringify(again.json));
      assert.equal(again.json.access_token, cached.json.access_token, 'a cache hit needs no server');
      const miss = await imds('https://storage.azure.com');
      assert.equal(miss.status, 200, `a cache miss is minted through node B: ${JSON.stringify(miss.json)}`);
      const iss = JSON.parse(Buffer.from(miss.json.access_token.split('.')[1], 'base64url').toString()).iss as string;
      assert.ok(iss.startsWith(b.baseUrl), `minted by node B (iss ${iss})`);
    });
  },
);
