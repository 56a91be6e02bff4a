import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { ArmClient } from '../client/arm-client.js';
import { DataPlaneAuthenticator } from '../server/surfaces/data-plane-auth/data-plane-auth.js';
import { JwksVerifier } from './jwks-verifier.js';
import { createGate } from './proxy.js';
import { RemoteAuthorizer } from './remote-authorizer.js';
import { RemoteRevocationList } from './revocation-list.js';
import { DEFAULT_POLICY, parseGateConfig, type GatePolicy } from './rules.js';

export interface GateRuntimeOptions {
  /** Signed in as the installation's admin: fetches revocations and asks checkAccess. */
  client: Pick<ArmClient, 'baseUrl' | 'dataDir' | 'request'>;
  /** The service to protect, e.g. http://127.0.0.1:8080. */
  upstream: string;
  /** ARM id of the protected resource (the RBAC scope). */
  resourceId: string;
  /** Token audience the gate accepts; default api://{resource name}. */
  audience?: string | undefined;
  /** JSON rules file (docs/data-planes.md); default: DEFAULT_POLICY. */
  configPath?: string | undefined;
  host: string;
  port: number;
  /** A refresh of the revocation list failed; the last list stays in force. */
  onRefreshError: (e: unknown) => void;
}

export interface RunningGate {
  server: Server;
  audience: string;
}

function loadPolicy(path: string | undefined): GatePolicy {
  if (!path) return DEFAULT_POLICY;
  try {
    return parseGateConfig(JSON.parse(readFileSync(path, 'utf8')));
  } catch (e) {
    throw new Error(`cannot use gate config ${path}: ${(e as Error).message}`);
  }
}

/**
 * openmi gate as a process: verifies tokens against the server's signing keys and revocations
 * and asks the server's checkAccess, all over the public wire, so it needs no store. The CLI's
 * `openmi gate` starts it, as `openmi agent` starts the agent.
 */
export async function startGate(o: GateRuntimeOptions): Promise<RunningGate> {
  const { tenantId } = JSON.parse(readFileSync(join(o.client.dataDir, 'endpoint.json'), 'utf8')) as {
    tenantId: string;
  };
  const ca = readFileSync(join(o.client.dataDir, 'ca.pem'), 'utf8');
  const audience = o.audience ?? `api://${o.resourceId.split('/').filter(Boolean).pop()}`;
  const revocations = new RemoteRevocationList(o.client, o.onRefreshError);
  await revocations.start();
  const auth = new DataPlaneAuthenticator({
    verifier: new JwksVerifier(o.client.baseUrl, tenantId, ca),
    revocations,
    authorizer: new RemoteAuthorizer(o.client),
    resource: audience,
  });
  const server = createGate({ auth, policy: loadPolicy(o.configPath), resourceId: o.resourceId, upstream: o.upstream });
  await new Promise<void>((r) => server.listen(o.port, o.host, r));
  return { server, audience };
}
