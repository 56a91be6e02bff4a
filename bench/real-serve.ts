/**
 * The real processes under benchmark: `openmi serve` and the agents `openmi agent` and
 * `openmi run` start, each a child of dist/src/cli/main.js pinned to CPUs with taskset.
 * Their output goes to log files in the run's directory, as a service manager would collect it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { AdminCredentialsFile } from '../src/server/directory/bootstrap.js';
import { httpsRequest } from '../test/helpers/https.js';

export const CLI_MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

/**
 * Benchmark load from one client would hit the per-client and per-agent token limits (500/s and
 * 20/s by default, docs/config.md), which measure the limiter, not the server.
 */
export const SERVE_ENV = {
  OPENMI_TOKEN_REQUESTS_PER_SECOND_PER_CLIENT: '1000000',
  OPENMI_AGENT_TOKEN_REQUESTS_PER_SECOND: '100000',
};

export interface Proc {
  child: ChildProcess;
  pid: number;
  logPath: string;
  alive(): boolean;
  /** SIGTERM, then SIGKILL after 15 s; resolves once it exited (a --cpu-prof profile is written on the way). */
  stop(): Promise<void>;
}

/** `node [flags] main.js ARGS` pinned to `cpus`, its output appended to `logPath`. */
export function spawnCli(
  args: string[],
  cpus: string,
  nodeFlags: string[],
  logPath: string,
  env: Record<string, string> = {},
  main = CLI_MAIN,
): Proc {
  const fd = openSync(logPath, 'a');
  const child = spawn('taskset', ['-c', cpus, process.execPath, ...nodeFlags, main, ...args], {
    stdio: ['ignore', fd, fd],
    env: { ...process.env, ...env },
  });
  closeSync(fd);
  const alive = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (!alive()) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  return { child, pid: child.pid!, logPath, alive, stop };
}

export const logTail = (p: Proc): string => (existsSync(p.logPath) ? readFileSync(p.logPath, 'utf8').slice(-4000) : '');

/** Moves every thread of a running process (signing workers included) onto `cpus`. */
export function pin(pid: number, cpus: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('taskset', ['-a', '-p', '-c', cpus, String(pid)], (err, _out, stderr) =>
      err ? reject(new Error(`taskset -p ${pid}: ${stderr}`)) : resolve(),
    );
  });
}

export interface Serve extends Proc {
  dataDir: string;
  baseUrl: string;
  ca: string;
  caPath: string;
  creds: AdminCredentialsFile;
  /** The v1 token endpoint (`/{tenant}/oauth2/token`). */
  tokenUrl: string;
}

/**
 * `openmi serve` on a fresh data directory: SQLite (or `store`), TLS, the audit logs on (sign-in rows are
 * written before each token leaves), default log level. Resolves once OpenID discovery answers.
 */
export async function startServe(
  dataDir: string,
  cpus: string,
  nodeFlags: string[] = [],
  store: { url: string; env: Record<string, string> } = { url: 'sqlite', env: {} },
  main = CLI_MAIN,
): Promise<Serve> {
  const proc = spawnCli(
    ['serve', '--data-dir', dataDir, '--port', '0', '--store', store.url],
    cpus,
    nodeFlags,
    join(dataDir, 'serve.log'),
    { ...SERVE_ENV, ...store.env },
    main,
  );
  for (let i = 0; i < 1200; i++) {
    if (!proc.alive()) throw new Error(`openmi serve exited: ${logTail(proc)}`);
    const ready = await readiness(dataDir);
    if (ready !== undefined)
      return { ...proc, dataDir, ...ready, tokenUrl: `${ready.baseUrl}/${ready.creds.tenantId}/oauth2/token` };
    await sleep(100);
  }
  await proc.stop();
  throw new Error(`openmi serve did not become ready within 120 s: ${logTail(proc)}`);
}

async function readiness(dataDir: string): Promise<Pick<Serve, 'baseUrl' | 'ca' | 'caPath' | 'creds'> | undefined> {
  try {
    const { baseUrl } = JSON.parse(readFileSync(join(dataDir, 'endpoint.json'), 'utf8')) as { baseUrl: string };
    const caPath = join(dataDir, 'ca.pem');
    const ca = readFileSync(caPath, 'utf8');
    const creds = JSON.parse(readFileSync(join(dataDir, 'admin-credentials.json'), 'utf8')) as AdminCredentialsFile;
    const r = await httpsRequest(`${baseUrl}/${creds.tenantId}/v2.0/.well-known/openid-configuration`, { ca });
    return r.status === 200 ? { baseUrl, ca, caPath, creds } : undefined;
  } catch {
    return undefined;
  }
}

/** The form a client_credentials request posts (the bootstrap admin's secret, a v1 `resource`). */
export function clientCredentialsForm(s: Serve, resource: string): string {
  return new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: s.creds.clientId,
    client_secret: s.creds.clientSecret,
    resource,
  }).toString();
}

export async function adminToken(s: Serve): Promise<string> {
  const r = await httpsRequest(s.tokenUrl, {
    method: 'POST',
    ca: s.ca,
    body: clientCredentialsForm(s, s.baseUrl),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  if (r.status !== 200) throw new Error(`token request failed: ${r.status} ${r.text}`);
  return r.json.access_token as string;
}
