import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AdminCredentialsFile } from '../../src/server/directory/bootstrap.js';
import { httpsRequest } from './https.js';
import { GiveUp, waitFor } from './wait.js';

export const CLI_MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface ServeChild {
  child: ChildProcess;
  baseUrl: string;
  port: number;
  ca: string;
  creds: AdminCredentialsFile;
  /** What the child wrote to stdout and stderr so far. */
  output(): string;
  alive(): boolean;
  token(resource?: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * `openmi serve` as a child process, for tests where the process itself is under test: a crash
 * is an exit the test can see, not the end of the test runner.
 */
export async function spawnServe(
  dataDir: string,
  store = 'sqlite',
  env: Record<string, string> = {},
  /** More `openmi serve` options; a later `--port` wins over the default 0 (a restart on the same port). */
  args: string[] = [],
): Promise<ServeChild> {
  const argv = [CLI_MAIN, 'serve', '--data-dir', dataDir, '--port', '0', '--store', store, ...args];
  const child = spawn(process.execPath, argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, OPENMI_LOG_LEVEL: 'error', ...env },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-200_000)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-200_000)));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const endpoint = join(dataDir, 'endpoint.json');
  // It prints "listening on" once every surface is mounted, after writing endpoint.json.
  await waitFor(
    () => {
      if (!alive()) throw new GiveUp(`openmi serve exited: ${out}`);
      return existsSync(endpoint) && /listening on/.test(out);
    },
    { what: 'openmi serve to listen', timeoutMs: 30_000, intervalMs: 50 },
  ).catch((e: Error) => {
    throw e instanceof GiveUp ? e : new Error(`${e.message}; its output: ${out}`);
  });
  const { baseUrl } = JSON.parse(readFileSync(endpoint, 'utf8')) as { baseUrl: string };
  const ca = readFileSync(join(dataDir, 'ca.pem'), 'utf8');
  const creds = JSON.parse(readFileSync(join(dataDir, 'admin-credentials.json'), 'utf8')) as AdminCredentialsFile;
  const token = async (resource = baseUrl) => {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: creds.clientId,
      client_secret: creds.clientSecret,
      resource,
    }).toString();
    const r = await httpsRequest(`${baseUrl}/${creds.tenantId}/oauth2/token`, {
      method: 'POST',
      ca,
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    if (r.status !== 200) throw new Error(`token request failed: ${r.status} ${r.text}`);
    return r.json.access_token as string;
  };
  const stop = async () => {
    if (!alive()) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  };
  return { child, baseUrl, port: Number(new URL(baseUrl).port), ca, creds, output: () => out, alive, token, stop };
}
