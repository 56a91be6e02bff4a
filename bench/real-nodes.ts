/**
 * The `nodes` group: `openmi serve` nodes on one PostgreSQL database, as docs/operations.md runs
 * them (same store, same master key), each node pinned to a CPU of its own. Needs PostgreSQL
 * (OPENMI_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/test); the tables go to a fresh
 * schema dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freshPgSchema, pgUnreachable, PG_URL } from '../test/helpers/postgres.js';
import { startServe, type Serve } from './real-serve.js';

export interface PgNodes {
  nodes: [Serve, Serve];
  stop(): Promise<void>;
}

/** Undefined when the `nodes` group can run, else why not. */
export async function pgNodesUnavailable(): Promise<string | undefined> {
  const why = await pgUnreachable();
  return why === undefined ? undefined : `PostgreSQL not reachable at ${PG_URL}: ${why}`;
}

/** Two nodes on one fresh schema: the first on `cpus[0]`, the second on `cpus[1]`. */
export async function startPgNodes(dir: string, cpus: [string, string], nodeFlags: string[]): Promise<PgNodes> {
  const schema = await freshPgSchema();
  const store = { url: schema.url, env: { OPENMI_MASTER_KEY: randomBytes(32).toString('base64') } };
  const dirs = ['pg-node-1', 'pg-node-2'].map((d) => join(dir, d));
  dirs.forEach((d) => mkdirSync(d, { recursive: true, mode: 0o700 }));
  const started: Serve[] = [];
  const stop = async () => {
    for (const s of started) await s.stop().catch(() => undefined);
    await schema.drop();
  };
  try {
    started.push(await startServe(dirs[0]!, cpus[0], nodeFlags, store));
    // The admin's secret is written by the node that made the installation (docs/operations.md).
    copyFileSync(join(dirs[0]!, 'admin-credentials.json'), join(dirs[1]!, 'admin-credentials.json'));
    started.push(await startServe(dirs[1]!, cpus[1], nodeFlags, store));
    return { nodes: [started[0]!, started[1]!], stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
