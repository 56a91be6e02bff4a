import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AdminCredentialsFile } from '../../src/server/directory/bootstrap.js';
import { httpsRequest } from '../helpers/https.js';
import { describeOnPostgres, freshPgSchema } from '../helpers/postgres.js';
import { RoundRobinClient, type RoundRobinAnswer } from '../helpers/round-robin.js';
import { spawnServe, type ServeChild } from '../helpers/serve-child.js';

/** The load balancer's address, shared by both nodes (docs/operations.md); the test's client plays the balancer. */
const PUBLIC_URL = 'https://openmi-lb.test:8443';
const IDENTITY_API = '2024-11-30';
const LOAD = { tokenWorkers: 6, armWorkers: 3, beforeKillMs: 3_000, whileDeadMs: 3_000, afterRestartMs: 3_000 };

/** A port free now, so a restarted node comes back at the address the client knows. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Acked {
  tokens: RoundRobinAnswer[];
  identities: string[];
  failures: string[];
}

/**
 * docs/operations.md, "Several nodes on PostgreSQL": two `openmi serve` processes on one store
 * behind a round-robin client with one retry. One node is killed (SIGKILL) under token and ARM
 * write load and restarted: no request fails after its retry, nothing acknowledged is lost (ARM
 * writes readable from both nodes, a sign-in row for every token), the audit chains verify, and
 * the restarted node serves again.
 */
await describeOnPostgres('two nodes on PostgreSQL: one is killed under load and rejoins', () => {
  const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'openmi-kill-')));
  const nodes: ServeChild[] = [];
  const ports: number[] = [];
  let storeUrl: string;
  let drop: (() => Promise<void>) | undefined;
  let env: Record<string, string>;
  let creds: AdminCredentialsFile;
  let ca: string;
  let rr: RoundRobinClient;
  let armToken: string;
  let rg: string;

  const start = (i: number) =>
    spawnServe(dirs[i]!, storeUrl, env, ['--port', String(ports[i]), '--public-url', PUBLIC_URL]);
  const own = (i: number) => `https://127.0.0.1:${ports[i]}`;
  const tokenForm = () =>
    new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: creds.clientId,
      client_secret: creds.clientSecret,
      resource: PUBLIC_URL,
    }).toString();
  const tokenRequest = () => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: tokenForm(),
  });
  const onNode = (i: number, path: string, method = 'GET') =>
    httpsRequest(path.startsWith('https:') ? path : `${own(i)}${path}`, {
      method,
      ca,
      headers: { authorization: `Bearer ${armToken}` },
    });
  /** Every page of a list on node i; nextLinks name the public URL, so they are sent to the node itself. */
  const allPages = async (i: number, path: string, method = 'GET'): Promise<Record<string, unknown>[]> => {
    const out: Record<string, unknown>[] = [];
    for (let next: string | undefined = path; next !== undefined;) {
      const r = await onNode(i, next.replace(PUBLIC_URL, own(i)), method);
      assert.equal(r.status, 200, `${next} on node ${i}: ${r.text}`);
      out.push(...(r.json.value as Record<string, unknown>[]));
      next = r.json.nextLink as string | undefined;
    }
    return out;
  };
  const leaderGauge = async (i: number): Promise<number> => {
    const m = /^openmi_housekeeping_leader (\d+)$/m.exec((await httpsRequest(`${own(i)}/metrics`, { ca })).text);
    assert.ok(m, `node ${i} exports openmi_housekeeping_leader`);
    return Number(m[1]);
  };

  before(async () => {
    const schema = await freshPgSchema();
    storeUrl = schema.url;
    drop = schema.drop;
    env = {
      OPENMI_MASTER_KEY: randomBytes(32).toString('base64'),
      // Both nodes see one client address; the limits would measure the limiter, not the failover.
      OPENMI_TOKEN_REQUESTS_PER_SECOND_PER_CLIENT: '1000000',
    };
    ports.push(await freePort(), await freePort());
    nodes[0] = await start(0);
    // The secret is written on the node that made the installation (docs/operations.md, "First start").
    copyFileSync(join(dirs[0]!, 'admin-credentials.json'), join(dirs[1]!, 'admin-credentials.json'));
    nodes[1] = await start(1);
    creds = nodes[0].creds;
    ca = readFileSync(join(dirs[0]!, 'ca.pem'), 'utf8');
    rr = new RoundRobinClient([own(0), own(1)], ca);
    armToken = (await rr.send(`/${creds.tenantId}/oauth2/token`, tokenRequest())).json.access_token as string;
    rg = `/subscriptions/${creds.subscriptionId}/resourceGroups/rg-kill`;
    const made = await rr.send(`${rg}?api-version=2025-04-01`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${armToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ location: 'local' }),
    });
    assert.equal(made.status, 201, made.text);
  });
  after(async () => {
    for (const n of nodes) await n?.stop();
    await drop?.();
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  /** Keeps token and ARM write requests going until `done()`; records what was acknowledged and what failed. */
  const load = async (acked: Acked, done: () => boolean): Promise<void> => {
    let n = 0;
    const token = async () => {
      while (!done()) {
        const r = await rr.send(`/${creds.tenantId}/oauth2/token`, tokenRequest()).catch((e: Error) => e);
        if (r instanceof Error || r.status !== 200) acked.failures.push(`token: ${explain(r)}`);
        else acked.tokens.push(r);
      }
    };
    const write = async () => {
      while (!done()) {
        const name = `id-${n++}`;
        const r = await rr
          .send(
            `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}?api-version=${IDENTITY_API}`,
            {
              method: 'PUT',
              headers: { authorization: `Bearer ${armToken}`, 'content-type': 'application/json' },
              body: JSON.stringify({ location: 'local', tags: { run: 'kill' } }),
            },
          )
          .catch((e: Error) => e);
        // 200 when the first attempt committed on the node that died before answering.
        if (r instanceof Error || (r.status !== 201 && r.status !== 200))
          acked.failures.push(`PUT ${name}: ${explain(r)}`);
        else acked.identities.push(name);
      }
    };
    await Promise.all([
      ...Array.from({ length: LOAD.tokenWorkers }, token),
      ...Array.from({ length: LOAD.armWorkers }, write),
    ]);
  };

  it('serves every request after at most one retry, loses nothing acknowledged, and the node rejoins', async (t) => {
    assert.deepEqual([await leaderGauge(0), await leaderGauge(1)], [1, 0], 'the first node leads housekeeping');
    let stop = false;
    const acked: Acked = { tokens: [], identities: [], failures: [] };
    const running = load(acked, () => stop);
    await sleep(LOAD.beforeKillMs);
    const killed = new Promise((r) => nodes[0]!.child.once('exit', r));
    nodes[0]!.child.kill('SIGKILL');
    await killed;
    const retriesAtKill = rr.retries;
    await sleep(LOAD.whileDeadMs);
    nodes[0] = await start(0);
    const beforeRestart = acked.tokens.length;
    await sleep(LOAD.afterRestartMs);
    stop = true;
    await running;
    t.diagnostic(
      `${acked.tokens.length} tokens and ${acked.identities.length} ARM writes acknowledged; ${rr.retries} retries (${rr.retries - retriesAtKill} after the kill)`,
    );

    assert.deepEqual(acked.failures.slice(0, 10), [], `${acked.failures.length} requests failed after their retry`);
    assert.ok(rr.retries > retriesAtKill, 'requests to the dead node were retried on the other');
    assert.ok(acked.tokens.length > 0 && acked.identities.length > 0, 'the load ran');
    assert.ok(
      acked.tokens.slice(beforeRestart).some((t) => t.node === 0),
      'the restarted node answered load',
    );
    await checkNothingLost(acked);
    await checkRejoined(acked);
  });

  const checkNothingLost = async (acked: Acked) => {
    const list = `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=${IDENTITY_API}`;
    for (const i of [0, 1]) {
      const names = new Set((await allPages(i, list)).map((x) => String(x['name'])));
      const missing = acked.identities.filter((n) => !names.has(n));
      assert.deepEqual(missing, [], `acknowledged identities missing on node ${i}`);
    }
    const query = `/providers/OpenMI.Audit/signIns?api-version=2025-01-01&identity=${creds.clientId}&result=success&$top=1000`;
    const rows = new Set((await allPages(1, query)).map((s) => String(s['correlationId']).toLowerCase()));
    const unlogged = acked.tokens.filter((t) => !rows.has(t.correlationId.toLowerCase()));
    assert.equal(
      unlogged.length,
      0,
      `${unlogged.length} of ${acked.tokens.length} acknowledged tokens have no sign-in row`,
    );
    for (const i of [0, 1]) {
      const logs = await allPages(i, '/providers/OpenMI.Audit/verify?api-version=2025-01-01', 'POST');
      assert.deepEqual(
        logs.map((l) => [l['log'], l['ok']]),
        [
          ['activity', true],
          ['signIns', true],
        ],
        `audit verify on node ${i}: ${JSON.stringify(logs)}`,
      );
    }
  };

  const checkRejoined = async (acked: Acked) => {
    const direct = await httpsRequest(`${own(0)}/${creds.tenantId}/oauth2/token`, { ca, ...tokenRequest() });
    assert.equal(direct.status, 200, `the restarted node issues tokens: ${direct.text}`);
    const last = acked.identities.at(-1)!;
    const read = await onNode(
      0,
      `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${last}?api-version=${IDENTITY_API}`,
    );
    assert.equal(read.status, 200, `the restarted node serves ARM reads: ${read.text}`);
    const gauges = [await leaderGauge(0), await leaderGauge(1)];
    assert.equal(gauges[0]! + gauges[1]!, 1, `exactly one node leads housekeeping: ${gauges.join(', ')}`);
  };
});

function explain(r: RoundRobinAnswer | Error): string {
  return r instanceof Error ? r.message : `${r.status} from node ${r.node} ${r.text.slice(0, 200)}`;
}
