import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { credentialsPathOf, startServer, type RunningServer } from '../app.js';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../kernel/log.js';
import { freshPgSchema, pgUnreachable, PG_URL } from '../testing/postgres.js';

const TRIALS = 20;
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** One `openmi serve` node: its own data dir, the shared store and master key. */
function startNode(store: string, masterKey: string): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'openmi-node-'));
  dirs.push(dataDir);
  const cfg = loadConfig({ dataDir, port: 0, store, logLevel: 'silent', masterKey, signingWorkers: 0 }, {});
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
    assert.deepEqual(await countInstallation(schema.url), { tenants: 1, subscriptions: 1, admins: 1, current: 1, next: 1 });
    for (const s of servers) assert.deepEqual(s.installation, servers[0]!.installation, 'every node serves the one installation');
    const withCredentials = servers.filter((s) => existsSync(credentialsPathOf(join(s.credentialsPath, '..'))));
    assert.equal(withCredentials.length, 1, 'only the node that created the admin holds its secret');
  } finally {
    await Promise.all(servers.map((s) => s.close()));
    await schema.drop();
  }
}

const unreachable = await pgUnreachable();
describe('nodes started together on an empty PostgreSQL schema', { skip: unreachable && `PostgreSQL not reachable at ${PG_URL}: ${unreachable}` }, () => {
  for (const nodes of [2, 3]) {
    it(`${nodes} nodes: one tenant, subscription, admin, current and next key, ${TRIALS} trials`, async () => {
      for (let i = 0; i < TRIALS; i++) await trial(nodes);
    });
  }

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
