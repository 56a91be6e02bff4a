import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AdminCredentialsFile } from '../../src/server/directory/bootstrap.js';
import { httpsRequest, type HttpsResponse } from './https.js';
import { GiveUp, waitFor } from './wait.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/**
 * `openmi serve` in a child process, as it runs in production: a request that kills the server
 * shows up as a connection error here instead of ending the test process. `restart()` brings it
 * back on the same port, data directory and store, so issuers and audiences stay the same.
 */
export interface ChildServer {
  server: { baseUrl: string };
  port: number;
  dataDir: string;
  ca: string;
  creds: AdminCredentialsFile;
  /** The store spec it was started with ('sqlite' or a PostgreSQL URL). */
  store: string;
  alive(): boolean;
  /** True when the token service answers (the process is up and serving). */
  healthy(): Promise<boolean>;
  restart(): Promise<void>;
  adminToken(resource?: string): Promise<string>;
  arm(method: string, path: string, body?: unknown): Promise<HttpsResponse>;
  stop(): Promise<void>;
}

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

const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;

/** One `openmi serve` process on a fixed port, data directory and store; start() waits until it serves. */
class ServeProcess {
  private child: ChildProcess | undefined;
  private output = '';
  ca = '';
  tenantId = '';

  constructor(
    private readonly dataDir: string,
    readonly baseUrl: string,
    private readonly args: string[],
  ) {}

  alive(): boolean {
    return this.child !== undefined && !exited(this.child);
  }

  async healthy(): Promise<boolean> {
    try {
      return (
        (await httpsRequest(`${this.baseUrl}/${this.tenantId}/v2.0/.well-known/openid-configuration`, { ca: this.ca }))
          .status === 200
      );
    } catch {
      return false;
    }
  }

  async start(): Promise<void> {
    this.output = '';
    const child = spawn(process.execPath, [MAIN, 'serve', ...this.args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OPENMI_LOG_LEVEL: 'warn' },
    });
    const keep = (c: Buffer) => (this.output = (this.output + c.toString()).slice(-8000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.child = child;
    await waitFor(
      async () => {
        if (exited(child))
          throw new GiveUp(`openmi serve exited with ${child.exitCode ?? child.signalCode}: ${this.output}`);
        return this.readFiles() && (await this.healthy());
      },
      { what: 'openmi serve to become healthy', timeoutMs: 60_000, intervalMs: 100 },
    ).catch((e: Error) => {
      throw e instanceof GiveUp ? e : new Error(`${e.message}; its output: ${this.output}`);
    });
  }

  /** The CA and tenant, once the server has written them. */
  private readFiles(): boolean {
    try {
      this.ca ||= readFileSync(join(this.dataDir, 'ca.pem'), 'utf8');
      this.tenantId ||= (
        JSON.parse(readFileSync(join(this.dataDir, 'admin-credentials.json'), 'utf8')) as AdminCredentialsFile
      ).tenantId;
      return true;
    } catch {
      return false;
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || exited(child)) return;
    const done = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await done;
    clearTimeout(timer);
  }
}

export async function spawnChildServer(opts: { store: string; onStop?: () => Promise<void> }): Promise<ChildServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'openmi-child-'));
  const port = await freePort();
  const proc = new ServeProcess(dataDir, `https://127.0.0.1:${port}`, [
    '--data-dir',
    dataDir,
    '--port',
    String(port),
    '--store',
    opts.store,
  ]);
  await proc.start();
  const creds = JSON.parse(readFileSync(join(dataDir, 'admin-credentials.json'), 'utf8')) as AdminCredentialsFile;
  const baseUrl = proc.baseUrl;
  const adminToken = async (resource = baseUrl) => {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: creds.clientId,
      client_secret: creds.clientSecret,
      resource,
    }).toString();
    const r = await httpsRequest(`${baseUrl}/${creds.tenantId}/oauth2/token`, {
      method: 'POST',
      ca: proc.ca,
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    if (r.status !== 200) throw new Error(`token request failed: ${r.status} ${r.text}`);
    return r.json.access_token as string;
  };
  let armToken: string | undefined;
  return {
    server: { baseUrl },
    port,
    dataDir,
    ca: proc.ca,
    creds,
    store: opts.store,
    alive: () => proc.alive(),
    healthy: () => proc.healthy(),
    restart: async () => (await proc.stop(), await proc.start()),
    adminToken,
    arm: async (method, path, body) => {
      armToken ??= await adminToken();
      const headers: Record<string, string> = { authorization: `Bearer ${armToken}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      return httpsRequest(`${baseUrl}${path}`, {
        method,
        ca: proc.ca,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    },
    stop: async () => {
      await proc.stop();
      await opts.onStop?.();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
