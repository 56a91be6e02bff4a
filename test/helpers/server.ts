import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { startServer, type AppOptions, type RunningServer } from '../../src/server/app.js';
import { createLogger } from '../../src/kernel/log.js';
import type { AdminCredentialsFile } from '../../src/server/directory/bootstrap.js';
import { httpsRequest, type HttpsResponse } from './https.js';

export interface TestServer {
  server: RunningServer;
  dataDir: string;
  ca: string;
  creds: AdminCredentialsFile;
  /** Client-credentials token for the bootstrap admin, for the given resource (default: this ARM). */
  adminToken(resource?: string): Promise<string>;
  arm(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpsResponse>;
  stop(): Promise<void>;
}

/**
 * Starts a real server on an ephemeral port (or `port`, to restart one at the same URL) with a
 * fresh data directory (or `dataDir`, which is then kept).
 */
export async function startTestServer(
  opts: AppOptions & {
    store?: string;
    dataDir?: string;
    port?: number;
    onStop?: () => Promise<void>;
    config?: Partial<Config>;
  } = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'openmi-test-'));
  const cfg = loadConfig(
    { dataDir, port: opts.port ?? 0, store: opts.store ?? 'sqlite', logLevel: 'silent', ...opts.config },
    {},
  );
  const { store: _s, dataDir: _d, port: _p, onStop: _o, config: _c, ...appOpts } = opts;
  const server = await startServer(cfg, { log: createLogger('silent'), ...appOpts });
  const ca = readFileSync(server.caCertPath, 'utf8');
  const creds = JSON.parse(readFileSync(server.credentialsPath, 'utf8')) as AdminCredentialsFile;
  const adminToken = async (resource = server.baseUrl) => {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: creds.clientId,
      client_secret: creds.clientSecret,
      resource,
    }).toString();
    const r = await httpsRequest(`${server.baseUrl}/${creds.tenantId}/oauth2/token`, {
      method: 'POST',
      ca,
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    if (r.status !== 200) throw new Error(`token request failed: ${r.status} ${r.text}`);
    return r.json.access_token as string;
  };
  let token: string | undefined;
  const arm = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    token ??= await adminToken();
    const h: Record<string, string> = { authorization: `Bearer ${token}`, ...headers };
    if (body !== undefined) h['content-type'] = 'application/json';
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return httpsRequest(`${server.baseUrl}${path}`, {
      method,
      ca,
      headers: h,
      ...(payload !== undefined ? { body: payload } : {}),
    });
  };
  return {
    server,
    dataDir,
    ca,
    creds,
    adminToken,
    arm,
    stop: async () => {
      await server.close();
      await opts.onStop?.();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
