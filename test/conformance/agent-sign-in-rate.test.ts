import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { Agent as HttpAgent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RunningAgent } from '../../src/agent/agent-runtime.js';
import { enrolledAgent } from '../helpers/enrolled-agent.js';
import { httpLoad } from '../helpers/http-load.js';
import { httpsRequest } from '../helpers/https.js';
import { forEachStore } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * An agent under a sustained rate of cached answers: every answer must be counted in the sign-in
 * log exactly once (docs/audit.md, "Agent-served requests"). Before aggregation, an agent at
 * 30,000 answers a second dropped most of its rows while the server was up.
 */

const DRIVE_MS = 4_000;
/** A starved CI runner drives on (up to 20 s) until this many answers, so the volume is there either way. */
const MIN_ANSWERS = 10_000;
const CONNECTIONS = 16;
/** Pipelined requests in flight per connection: cheap for the test process, so the agent is what is measured. */
const DEPTH = 16;
/** Short windows (a minute in production) so the test sees several windows close while it drives. */
const WINDOW_MS = 2_000;
const AUDIENCES = ['https://vault.azure.net', 'https://storage.azure.com'];
const cli = (args: string[]) =>
  promisify(execFile)(process.execPath, [fileURLToPath(new URL('../../src/cli/main.js', import.meta.url)), ...args]);

interface Setup {
  t: TestServer;
  agent: RunningAgent;
  identityId: string;
  clientId: string;
}

async function setUp(store: string): Promise<Setup> {
  const t = await startTestServer({ store });
  const sub = `/subscriptions/${t.creds.subscriptionId}`;
  await t.arm('PUT', `${sub}/resourceGroups/rg-rate?api-version=2025-04-01`, { location: 'local' });
  const u = await t.arm(
    'PUT',
    `${sub}/resourceGroups/rg-rate/providers/Microsoft.ManagedIdentity/userAssignedIdentities/busy?api-version=2024-11-30`,
    { location: 'local' },
  );
  const vm = await t.arm(
    'PUT',
    `${sub}/resourceGroups/rg-rate/providers/Microsoft.Compute/virtualMachines/vm-rate?api-version=2024-07-01`,
    {
      location: 'local',
      identity: { type: 'UserAssigned', userAssignedIdentities: { [u.json.id]: {} } },
    },
  );
  const agent = await enrolledAgent(t, vm.json.id, { signInWindowMs: WINDOW_MS }, { ephemeral: true });
  return { t, agent, identityId: u.json.id, clientId: u.json.properties.clientId };
}

/** One GET on a keep-alive connection; the status, once the body is read. */
function get(pool: HttpAgent, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { agent: pool, headers: { Metadata: 'true' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

interface Tally {
  requests: number;
  cached: number;
  rows: number;
}

/** Sums the requests the sign-in log counts for the identity (a row of requestCount N counts N). */
async function tally(t: TestServer, identityId: string): Promise<Tally> {
  const out: Tally = { requests: 0, cached: 0, rows: 0 };
  let next: string | undefined =
    `/providers/OpenMI.Audit/signIns?api-version=2025-01-01&identity=${encodeURIComponent(identityId)}&$top=1000`;
  while (next !== undefined) {
    const r = await t.arm('GET', next);
    assert.equal(r.status, 200, r.text);
    for (const s of r.json.value as { requestCount?: number; source: string }[]) {
      const n = s.requestCount ?? 1;
      out.requests += n;
      if (s.source === 'agentCache') out.cached += n;
      out.rows += 1;
    }
    next = r.json.nextLink ? String(r.json.nextLink).slice(t.server.baseUrl.length) : undefined;
  }
  return out;
}

async function waitForCount(t: TestServer, identityId: string, want: number, timeoutMs: number): Promise<Tally> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await tally(t, identityId);
    if (got.requests >= want || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function metric(t: TestServer, name: string): Promise<number> {
  const r = await httpsRequest(`${t.server.baseUrl}/metrics`, { method: 'GET', ca: t.ca });
  const line = r.text.split('\n').find((l) => l.startsWith(name));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

await forEachStore((kind, storeSpec) => {
  describe(`an agent's cached answers at a sustained rate are all counted in the sign-in log (${kind})`, () => {
    it(`every answer served in ${DRIVE_MS / 1000} s (at least ${MIN_ANSWERS}) over ${CONNECTIONS} keep-alive connections is counted exactly once`, async (ctx) => {
      const s = await storeSpec();
      let setup: Setup | undefined;
      let stopped = false;
      try {
        setup = await setUp(s.spec);
        const { t, agent, identityId, clientId } = setup;
        const urls = AUDIENCES.map(
          (a) =>
            `${agent.endpoints.imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${encodeURIComponent(a)}&client_id=${clientId}`,
        );
        // The first request per audience is a miss: the server mints it and writes its own row.
        const pool = new HttpAgent({ keepAlive: true });
        for (const u of urls) assert.equal(await get(pool, u), 200);
        pool.destroy();

        const { host, port } = agent;
        const targets = urls.map((u) => u.slice(agent.endpoints.imds.length));
        const { statuses, ms } = await httpLoad({
          targets,
          host,
          port,
          headers: { Metadata: 'true' },
          connections: CONNECTIONS,
          depth: DEPTH,
          durationMs: DRIVE_MS,
          minRequests: MIN_ANSWERS,
          maxMs: 20_000,
        });
        const served = statuses.get(200) ?? 0;
        assert.deepEqual([...statuses.keys()], [200], `every request answered 200: ${JSON.stringify([...statuses])}`);
        const rate = Math.round(served / (ms / 1000));
        ctx.diagnostic(`${kind}: ${served} cached answers in ${ms} ms (${rate}/s) over ${CONNECTIONS} connections`);
        assert.ok(served >= MIN_ANSWERS, `a sustained load was driven (${served} answers, ${rate}/s)`);

        const total = served + urls.length;
        // The last window closes WINDOW_MS after the drive at most, and is uploaded at the next tick.
        const got = await waitForCount(t, identityId, total, 20_000);
        assert.equal(
          got.requests,
          total,
          `the log counts ${got.requests} requests for ${total} answers (${got.cached} from the agent's cache, ${got.rows} rows)`,
        );
        assert.equal(got.cached, served);
        const windows = Math.ceil(ms / WINDOW_MS) + 2;
        assert.ok(
          got.rows <= urls.length + AUDIENCES.length * windows * 2,
          `${got.rows} rows: bounded by keys and windows, not by ${served} requests`,
        );
        ctx.diagnostic(`${kind}: ${got.requests} requests counted in ${got.rows} rows`);

        // Nothing arrives twice: another window later, and after the agent has stopped (which uploads the rest).
        await new Promise((r) => setTimeout(r, WINDOW_MS + 1_500));
        await agent.close({ leave: true });
        stopped = true;
        assert.equal((await tally(t, identityId)).requests, total);

        const usage = await t.arm('GET', `${identityId}/providers/OpenMI.Audit/usage?api-version=2025-01-01`);
        assert.equal(usage.status, 200, usage.text);
        assert.deepEqual(
          usage.json.usage.map((u: { successes: number; failures: number }) => [u.successes, u.failures]),
          [[total, 0]],
        );
        assert.equal(await metric(t, 'openmi_agent_sign_in_requests_total{result="success"}'), served);
        assert.equal(await metric(t, 'openmi_agent_sign_ins_dropped_total'), 0);
        const listed = (await cli(['signins', 'list', '--data-dir', t.dataDir, '--identity', identityId])).stdout;
        const counts = [...listed.matchAll(/success ×(\d+)/g)].map((m) => Number(m[1]));
        assert.ok(
          counts.some((n) => n > 1),
          `openmi signins list shows the counts:\n${listed}`,
        );
      } finally {
        if (!stopped) await setup?.agent.close({ leave: true });
        await setup?.t.stop();
        await s.drop();
      }
    });
  });
});
