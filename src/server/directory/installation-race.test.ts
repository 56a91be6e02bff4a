import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import pg from 'pg';
import { credentialsPathOf, startServer, type RunningServer } from '../app.js';
import { loadConfig } from '../../config/load.js';
import { createLogger } from '../../kernel/log.js';
import { httpsRequest } from '../../../test/helpers/https.js';
import { describeOnPostgres, freshPgSchema } from '../../../test/helpers/postgres.js';

const TRIALS = 20;
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** One `openmi serve` node: its own data dir, the shared store and master key. */
function startNode(store: string, masterKey: string, extra: { publicUrl?: string } = {}): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'openmi-node-'));
  dirs.push(dataDir);
  const cfg = loadConfig({ dataDir, port: 0, store, logLevel: 'silent', masterKey, signingWorkers: 0, ...extra }, {});
  return startServer(cfg, { log: createLogger('silent') });
}

async function countInstallation(url: string): Promise<Record<string, number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const n = async (sql: string) => (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`)).rows[0]!.n;
    return {
      tenants: await n('tenants'),
      subscriptions: await n('subscriptions'),
      admins: await n(`principals WHERE display_name = 'openmi-bootstrap-admin'`),
      current: await n(`signing_keys WHERE status = 'current'`),
      next: await n(`signing_keys WHERE status = 'next'`),
    };
  } finally {
    await c.end();
  }
}

/** `nodes` servers started at the same moment on a fresh, empty schema. */
async function trial(nodes: number): Promise<void> {
  const schema = await freshPgSchema();
  const masterKey = randomBytes(32).toString('base64');
  const started = await Promise.allSettled(Array.from({ length: nodes }, () => startNode(schema.url, masterKey)));
  const servers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  try {
    for (const r of started) if (r.status === 'rejected') throw r.reason;
    assert.deepEqual(await countInstallation(schema.url), {
      tenants: 1,
      subscriptions: 1,
      admins: 1,
      current: 1,
      next: 1,
    });
    for (const s of servers)
      assert.deepEqual(s.installation, servers[0]!.installation, 'every node serves the one installation');
    const cas = new Set(servers.map((s) => readFileSync(s.caCertPath, 'utf8')));
    assert.equal(cas.size, 1, 'every node serves a certificate from the one CA in the store');
    const withCredentials = servers.filter((s) => existsSync(credentialsPathOf(join(s.credentialsPath, '..'))));
    assert.equal(withCredentials.length, 1, 'only the node that created the admin holds its secret');
  } finally {
    await Promise.all(servers.map((s) => s.close()));
    await schema.drop();
  }
}

await describeOnPostgres('nodes started together on an empty PostgreSQL schema', () => {
  for (const nodes of [2, 3]) {
    it(`${nodes} nodes: one tenant, subscription, admin, current and next key, ${TRIALS} trials`, async () => {
      for (let i = 0; i < TRIALS; i++) await trial(nodes);
    });
  }

  it("behind one --public-url, a client trusting one node's ca.pem reaches every node, and a token from one is accepted by the other", async () => {
    const schema = await freshPgSchema();
    const masterKey = randomBytes(32).toString('base64');
    // As behind a load balancer: one public URL (the issuer), each node reached at its own port.
    const publicUrl = 'https://openmi.lb.test';
    const a = await startNode(schema.url, masterKey, { publicUrl });
    const b = await startNode(schema.url, masterKey, { publicUrl });
    const at = (s: RunningServer) => `https://127.0.0.1:${s.port}`;
    try {
      const ca = readFileSync(a.caCertPath, 'utf8');
      const creds = JSON.parse(readFileSync(a.credentialsPath, 'utf8')) as {
        tenantId: string;
        clientId: string;
        clientSecret: string;
        subscriptionId: string;
      };
      const body = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: creds.clientId,
        client_secret: creds.clientSecret,
        resource: 'https://management.azure.com/',
      }).toString();
      const t = await httpsRequest(`${at(a)}/${creds.tenantId}/oauth2/token`, {
        method: 'POST',
        ca,
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(t.status, 200, t.text);
      const r = await httpsRequest(
        `${at(b)}/subscriptions/${creds.subscriptionId}/resourcegroups?api-version=2025-04-01`,
        { method: 'GET', ca, headers: { authorization: `Bearer ${t.json.access_token}` } },
      );
      assert.equal(r.status, 200, r.text);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await schema.drop();
    }
  });

  it('a node with another master key refuses to start and says which key to use', async () => {
    const schema = await freshPgSchema();
    const first = await startNode(schema.url, randomBytes(32).toString('base64'));
    try {
      await assert.rejects(startNode(schema.url, randomBytes(32).toString('base64')), (e: Error) => {
        assert.match(e.message, /master key cannot decrypt signing key/);
        assert.match(e.message, /same master key: set OPENMI_MASTER_KEY/);
        return true;
      });
    } finally {
      await first.close();
      await schema.drop();
    }
  });
});
