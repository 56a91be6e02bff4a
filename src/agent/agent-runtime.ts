import { createPrivateKey } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { systemClock, type Clock } from '../kernel/clock.js';
import { systemRandom, type Random } from '../kernel/ids.js';
import type { Logger } from '../kernel/log.js';
import { tightenPrivateDir } from '../kernel/private-files.js';
import { AgentClient } from './agent-client.js';
import { parseServerUrls } from './server-list.js';
import { clearState, loadState, saveState, statePath, type AgentState } from './agent-state.js';
import { AgentMetrics } from './agent-metrics.js';
import { createMetadataServer, DEFAULT_APP_SERVICE_PATH, METADATA_LIMITS } from './metadata-server.js';
import { MetadataSignIns } from './metadata-sign-ins.js';
import { SignInBuffer } from './sign-in-buffer.js';
import { TokenCache } from './token-cache.js';
import { UpstreamRefusal } from './upstream.js';

export interface AgentRuntimeOptions {
  /** One URL, or several nodes of one installation (docs/agent-protocol.md, "Several server URLs"). */
  serverUrl: string | readonly string[];
  /** PEM of the openmi CA. */
  ca: string;
  /** Needed only when there is no saved enrollment for this server. */
  joinToken?: string;
  /** Where the enrollment is kept across restarts; omit for an ephemeral, in-memory agent. */
  stateDir?: string;
  listenHost: string;
  listenPort: number;
  log: Logger;
  clock?: Clock;
  random?: Random;
  identityHeader?: string;
  msiSecret?: string;
  /** Reported at enrollment; defaults to this machine's name. */
  hostname?: string;
  /** Host header values (name:port) workloads reach the agent by besides its address (RequestGuard). */
  allowedHosts?: readonly string[];
  /** Open connections one workload address may hold on the metadata endpoints (default METADATA_LIMITS: 128). */
  maxConnectionsPerClient?: number;
  /** Sign-ins of requests the agent answers are counted per window of this many ms (default a minute; tests shorten it). */
  signInWindowMs?: number;
}

export interface RunningAgent {
  host: string;
  port: number;
  resourceId: string;
  agentId: string;
  identityHeader: string;
  msiSecret: string;
  endpoints: { imds: string; identityEndpoint: string };
  close(opts: { leave: boolean }): Promise<void>;
}

function usableSaved(opts: AgentRuntimeOptions, serverUrls: readonly string[], clock: Clock): AgentState | undefined {
  if (opts.stateDir === undefined) return undefined;
  // The state holds the agent's private key in the clear: an older agent wrote it 0644.
  const narrowed = tightenPrivateDir(opts.stateDir);
  if (narrowed.length > 0)
    opts.log.warn(
      { paths: narrowed },
      `narrowed ${narrowed.length} agent state path(s) that group or others could access to owner-only`,
    );
  const saved = loadState(opts.stateDir);
  if (saved === undefined) return undefined;
  // Any of the nodes will do: they serve one installation, which knows this agent.
  if (!serverUrls.includes(saved.serverUrl)) {
    const serverUrl = serverUrls.join(', ');
    if (opts.joinToken === undefined) {
      throw new Error(
        `${statePath(opts.stateDir!)} belongs to ${saved.serverUrl}, not ${serverUrl}: pass --join-token to enroll with ${serverUrl} (that replaces it)`,
      );
    }
    return undefined;
  }
  if (saved.expiresAt !== null && saved.expiresAt <= clock.now()) {
    if (opts.joinToken === undefined)
      throw new Error(`the saved agent ${saved.agentId} expired: enroll again with a new join token`);
    return undefined;
  }
  if (opts.joinToken !== undefined)
    opts.log.warn({ agentId: saved.agentId }, 'a saved enrollment exists: the join token was not used');
  return saved;
}

/** The saved enrollment for this server, or a new one made with the join token. */
async function enrollment(
  opts: AgentRuntimeOptions,
  serverUrls: readonly string[],
  clock: Clock,
): Promise<{ state: AgentState; fresh: boolean }> {
  const saved = usableSaved(opts, serverUrls, clock);
  if (saved !== undefined) return { state: saved, fresh: false };
  if (opts.joinToken === undefined) {
    const where =
      opts.stateDir === undefined
        ? 'this ephemeral agent keeps no state'
        : `${statePath(opts.stateDir)} does not exist`;
    throw new Error(
      `cannot start the agent: ${where} and no join token was given (create one with \`openmi resource join-token create\`)`,
    );
  }
  const e = await AgentClient.enroll({
    serverUrl: serverUrls,
    ca: opts.ca,
    joinToken: opts.joinToken,
    hostname: opts.hostname ?? osHostname(),
  });
  const privateKeyPem = e.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const state: AgentState = {
    serverUrl: serverUrls[0]!,
    agentId: e.agentId,
    resourceId: e.resourceId,
    tenantId: e.tenantId,
    expiresAt: e.expiresAt,
    privateKeyPem,
  };
  if (opts.stateDir !== undefined) saveState(opts.stateDir, state);
  return { state, fresh: true };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function stopServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/**
 * Leaves the server (the key becomes worthless) and forgets the enrollment. An agent the server
 * no longer knows (401) has nothing left to leave, so its state goes too; any other failure
 * keeps the state so a later `leave` can retry.
 */
async function leave(client: AgentClient, stateDir: string | undefined): Promise<void> {
  try {
    await client.leave();
  } catch (err) {
    if (!(err instanceof UpstreamRefusal && err.status === 401)) throw err;
  }
  if (stateDir !== undefined) clearState(stateDir);
}

function watchInvalidations(
  client: AgentClient,
  cache: TokenCache,
  resourceId: string,
  log: Logger,
): { close(): void } {
  return client.subscribe(
    (inv) => {
      log.info({ ids: inv.ids }, 'invalidation: dropping cached tokens');
      cache.invalidate(inv, resourceId);
    },
    () => {
      log.info('event stream reconnected: dropping all cached tokens (events may have been missed)');
      cache.flushAll();
    },
  );
}

/** Enrolls (or resumes), then serves the metadata endpoints backed by the openmi server. */
export async function startAgent(opts: AgentRuntimeOptions): Promise<RunningAgent> {
  const clock = opts.clock ?? systemClock;
  const random = opts.random ?? systemRandom;
  const serverUrls = parseServerUrls(opts.serverUrl);
  const { state, fresh } = await enrollment(opts, serverUrls, clock);
  const log = opts.log.child({ agentId: state.agentId });
  const client = new AgentClient({
    serverUrl: serverUrls,
    ca: opts.ca,
    agentId: state.agentId,
    privateKey: createPrivateKey(state.privateKeyPem),
    clock,
    random,
    log,
  });
  const cache = new TokenCache({ upstream: client, clock, log });
  const identityHeader = opts.identityHeader ?? random.bytes(32).toString('base64url');
  const msiSecret = opts.msiSecret ?? random.bytes(32).toString('base64url');
  const aggregation = opts.signInWindowMs === undefined ? {} : { aggregation: { windowMs: opts.signInWindowMs } };
  const buffer = new SignInBuffer({
    upload: (events) => client.uploadSignIns(events),
    clock,
    log,
    random,
    ...aggregation,
  });
  const signIns = new MetadataSignIns(buffer, clock);
  const allowedHosts = opts.allowedHosts ?? [];
  const limits =
    opts.maxConnectionsPerClient === undefined
      ? METADATA_LIMITS
      : { ...METADATA_LIMITS, maxConnectionsPerClient: opts.maxConnectionsPerClient };
  const server = createMetadataServer({
    cache,
    upstream: client,
    identityHeader,
    msiSecret,
    log,
    clock,
    random,
    signIns,
    limits,
    allowedHosts,
    metrics: new AgentMetrics({ cache, signIns: buffer }),
  });
  const port = await listen(server, opts.listenHost, opts.listenPort).catch(async (err: unknown) => {
    // An ephemeral agent nobody will ever resume must not stay enrolled on the server.
    if (fresh && opts.stateDir === undefined) await leave(client, undefined).catch(() => undefined);
    await buffer.close();
    client.close();
    throw err;
  });
  const events = watchInvalidations(client, cache, state.resourceId, log);
  const imds = `http://${urlHost(opts.listenHost)}:${port}`;
  log.info({ resourceId: state.resourceId, imds }, 'openmi agent listening');
  const close = async ({ leave: leaving }: { leave: boolean }): Promise<void> => {
    events.close();
    await stopServer(server);
    try {
      // Before leaving: afterwards the server no longer accepts this agent's uploads.
      await buffer.close();
      if (leaving) await leave(client, opts.stateDir);
    } finally {
      client.close();
    }
  };
  const endpoints = { imds, identityEndpoint: `${imds}${DEFAULT_APP_SERVICE_PATH}` };
  return {
    host: opts.listenHost,
    port,
    resourceId: state.resourceId,
    agentId: state.agentId,
    identityHeader,
    msiSecret,
    endpoints,
    close,
  };
}
