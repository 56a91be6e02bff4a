import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Agent, request } from 'node:https';
import { epochSeconds, systemClock, type Clock } from '../kernel/clock.js';
import { systemRandom, type Random } from '../kernel/ids.js';
import type { Logger } from '../kernel/log.js';
import { runEventStream } from './agent-events.js';
import { interpret, send, type HttpCall } from './agent-http.js';
import { publicJwkOf, signAssertion } from './agent-jws.js';
import { ServerList } from './server-list.js';
import type { AgentSignIn } from './sign-in-buffer.js';
import {
  UpstreamUnavailable,
  type IdentitySelector,
  type Invalidation,
  type MintedToken,
  type TokenUpstream,
} from './upstream.js';

export const API_PREFIX = '/openmi/agent/v1';
const DEFAULT_TIMEOUT_MS = 10_000;

export interface Enrollment {
  agentId: string;
  resourceId: string;
  tenantId: string;
  /** Epoch ms; null for an agent that does not expire. */
  expiresAt: number | null;
  privateKey: KeyObject;
}

export interface EnrollOptions {
  /** One URL, or several nodes of one installation (tried in turn while unreachable). */
  serverUrl: string | readonly string[];
  /** PEM of the openmi CA: the only root trusted for this connection. */
  ca: string;
  joinToken: string;
  hostname: string;
  timeoutMs?: number;
}

export interface AgentClientOptions {
  /** One URL, or several nodes of one installation: calls fail over between them (server-list.ts). */
  serverUrl: string | readonly string[];
  ca: string;
  agentId: string;
  privateKey: KeyObject;
  clock?: Clock;
  random?: Random;
  log?: Logger;
  timeoutMs?: number;
  /** Event stream tuning, for tests. */
  events?: { idleTimeoutMs?: number; minBackoffMs?: number; maxBackoffMs?: number };
}

function field<T>(body: Record<string, unknown>, name: string, type: 'string' | 'number'): T {
  if (typeof body[name] !== type) throw new UpstreamUnavailable(`the openmi server's answer lacks '${name}' (${type})`);
  return body[name] as T;
}

const asObject = (json: unknown, what: string): Record<string, unknown> => {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new UpstreamUnavailable(`the openmi server sent no ${what} object`);
  return json as Record<string, unknown>;
};

function parseIds(data: string): string[] | undefined {
  try {
    const ids = (JSON.parse(data) as { ids?: unknown }).ids;
    return Array.isArray(ids) && ids.every((id) => typeof id === 'string') ? ids : undefined;
  } catch {
    return undefined;
  }
}

/** The agent's side of docs/agent-protocol.md over HTTPS. */
export class AgentClient implements TokenUpstream {
  readonly servers: ServerList;
  private readonly agent: Agent;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly timeoutMs: number;

  constructor(private readonly opts: AgentClientOptions) {
    this.servers = new ServerList(opts.serverUrl);
    // keepAlive: every workload token miss is one call; a TLS handshake each time would dominate.
    this.agent = new Agent({ keepAlive: true, ca: opts.ca, maxSockets: 64 });
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? systemRandom;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Generates the agent's key pair (the private key never leaves this host) and enrolls it with a join token. */
  static async enroll(opts: EnrollOptions): Promise<Enrollment> {
    const servers = new ServerList(opts.serverUrl);
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const agent = new Agent({ keepAlive: false, ca: opts.ca });
    try {
      const answer = await servers.first(async (serverUrl) => {
        const call: HttpCall = {
          agent,
          url: `${serverUrl}${API_PREFIX}/enroll`,
          method: 'POST',
          headers: {},
          body: { joinToken: opts.joinToken, publicJwk: publicJwkOf(publicKey), hostname: opts.hostname },
          timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        };
        return interpret(call, await send(call));
      });
      const body = asObject(answer, 'enrollment');
      const expiresAt =
        body.expiresAt === null || body.expiresAt === undefined ? null : field<number>(body, 'expiresAt', 'number');
      return {
        agentId: field<string>(body, 'agentId', 'string'),
        resourceId: field<string>(body, 'resourceId', 'string'),
        tenantId: field<string>(body, 'tenantId', 'string'),
        expiresAt,
        privateKey,
      };
    } finally {
      agent.destroy();
    }
  }

  get agentId(): string {
    return this.opts.agentId;
  }

  /** The first server URL given: the one the enrollment is saved under. */
  get serverUrl(): string {
    return this.servers.primary;
  }

  /** A fresh assertion per call (its jti is single-use on the server), addressed to the node it goes to. */
  private authorization(serverUrl: string): string {
    const jws = signAssertion({
      agentId: this.opts.agentId,
      audience: `${serverUrl}${API_PREFIX}`,
      privateKey: this.opts.privateKey,
      nowSeconds: epochSeconds(this.clock),
      jti: this.random.uuid(),
    });
    return `OpenMI-Agent ${jws}`;
  }

  private call(method: string, path: string, correlationId: string, body?: unknown): Promise<unknown> {
    return this.servers.first((serverUrl) => this.callOne(serverUrl, method, path, correlationId, body));
  }

  private async callOne(
    serverUrl: string,
    method: string,
    path: string,
    correlationId: string,
    body?: unknown,
  ): Promise<unknown> {
    const call: HttpCall = {
      agent: this.agent,
      url: `${serverUrl}${API_PREFIX}${path}`,
      method,
      headers: {
        authorization: this.authorization(serverUrl),
        'x-ms-client-request-id': correlationId,
        'x-ms-correlation-request-id': correlationId,
      },
      body,
      timeoutMs: this.timeoutMs,
    };
    return interpret(call, await send(call));
  }

  async mint(resource: string, selector: IdentitySelector | undefined, correlationId: string): Promise<MintedToken> {
    const body = asObject(
      await this.call('POST', '/token', correlationId, selector ? { resource, selector } : { resource }),
      'token',
    );
    return {
      accessToken: field<string>(body, 'accessToken', 'string'),
      issuedAt: field<number>(body, 'issuedAt', 'number'),
      expiresOn: field<number>(body, 'expiresOn', 'number'),
      resource: field<string>(body, 'resource', 'string'),
      clientId: field<string>(body, 'clientId', 'string'),
      objectId: field<string>(body, 'objectId', 'string'),
      identityResourceId: field<string>(body, 'identityResourceId', 'string'),
    };
  }

  async instanceMetadata(correlationId: string): Promise<Record<string, unknown>> {
    return asObject(await this.call('GET', '/instance', correlationId), 'instance metadata');
  }

  /** Uploads sign-in rows of requests answered without the server; resolves once the server made them durable. */
  async uploadSignIns(events: readonly AgentSignIn[]): Promise<void> {
    await this.call('POST', '/signins', this.random.uuid(), { events });
  }

  /** Deletes this agent on the server; its key is worthless afterwards. */
  async leave(): Promise<void> {
    await this.call('DELETE', '/self', this.random.uuid());
  }

  /** Invalidation events until closed; `onReconnect` after every connection but the first, since events may have been missed. */
  subscribe(onEvent: (inv: Invalidation) => void, onReconnect: () => void): { close(): void } {
    return runEventStream({
      // A surviving node takes over the stream; the reconnect flushes what may have been missed.
      open: (signal) => this.servers.first((serverUrl) => this.openEvents(serverUrl, signal)),
      onEvent: (event, data) => {
        if (event !== 'invalidate') return;
        const ids = parseIds(data);
        if (ids !== undefined) return onEvent({ ids });
        // An invalidation we cannot read is one we missed: fail safe the way a reconnect does.
        onReconnect();
        throw new Error(`malformed invalidate event: ${data.slice(0, 200)}`);
      },
      onReconnect,
      ...(this.opts.log ? { log: this.opts.log } : {}),
      ...this.opts.events,
    });
  }

  private openEvents(serverUrl: string, signal: AbortSignal): Promise<IncomingMessage> {
    const url = `${serverUrl}${API_PREFIX}/events`;
    const headers = { authorization: this.authorization(serverUrl), accept: 'text/event-stream' };
    return new Promise((resolve, reject) => {
      // No overall deadline here (the stream is meant to stay open); the idle timeout covers it.
      const req = request(url, { method: 'GET', headers, agent: this.agent, signal }, (res) => {
        req.setTimeout(0); // the connect deadline must not cut a quiet but healthy stream
        if (res.statusCode === 200) return resolve(res);
        res.resume();
        reject(new UpstreamUnavailable(`GET ${url} answered ${res.statusCode}`));
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`no answer within ${this.timeoutMs / 1000} s`)));
      // As an unavailability, so the next node is tried (server-list.ts).
      req.on('error', (err) => reject(new UpstreamUnavailable(`GET ${url} failed: ${err.message}`)));
      req.end();
    });
  }

  /** Closes pooled connections; call after closing any subscription. */
  close(): void {
    this.agent.destroy();
  }
}
