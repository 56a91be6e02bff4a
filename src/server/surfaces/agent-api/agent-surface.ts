import type { ServerResponse } from 'node:http';
import type { RequestContext, Surface } from '../../../kernel/http/context.js';
import { sendEmpty, sendJson } from '../../../kernel/http/context.js';
import { readBody } from '../../../kernel/http/body.js';
import { parseJson } from '../../../kernel/json.js';
import type { Store } from '../../../store/store.js';
import type { AgentAuthenticator } from '../../agents/assertion.js';
import type { AgentEnrollment } from '../../agents/enrollment.js';
import type { ManagedIdentityMinter } from '../../agents/mint.js';
import type { InvalidationHub } from '../../agents/invalidation-hub.js';
import { instanceDocument } from '../../agents/instance.js';
import { parseSelector } from '../../agents/resolve-identity.js';
import { AgentApiError, renderAgentError } from './agent-errors.js';
import { streamInvalidations } from './events.js';
import type { SignInRecorder } from '../../audit/sign-ins.js';
import type { AgentRecord } from '../../../store/records.js';
import { MAX_UPLOAD_BYTES, recordAgentSignIns, type AgentSignInUpload } from '../../agents/agent-sign-ins.js';

export interface AgentSurfaceDeps {
  store: Store;
  enrollment: AgentEnrollment;
  authenticator: AgentAuthenticator;
  minter: ManagedIdentityMinter;
  hub: InvalidationHub;
  /** The minter's sign-in recorder: answers wait until the request's row is durable. */
  signIns?: SignInRecorder;
  /** Told of every durable sign-in upload (metrics, and the log line of a drop the agent reports). */
  observeSignIns?: (upload: AgentSignInUpload, agent: AgentRecord) => void;
}

/** Agent requests are small JSON documents; anything bigger is not an agent. */
const MAX_BODY = 16 * 1024;
const PREFIX = ['openmi', 'agent', 'v1'];

async function jsonBody(ctx: RequestContext, limit = MAX_BODY): Promise<Record<string, unknown>> {
  const raw = await readBody(ctx.req, limit);
  try {
    const v = parseJson(raw.toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new AgentApiError('invalid_request', 'The body must be a JSON object (see docs/agent-protocol.md).', 400);
}

/** The API agents call: enrollment, minting, instance metadata, invalidation events (docs/agent-protocol.md). */
export class AgentSurface implements Surface {
  readonly name = 'agent';
  private readonly streams = new Set<ServerResponse>();
  constructor(private readonly d: AgentSurfaceDeps) {}

  matches(ctx: RequestContext): boolean {
    return ctx.segments.length >= 3 && PREFIX.every((p, i) => ctx.segments[i]!.toLowerCase() === p);
  }

  renderError(ctx: RequestContext, err: unknown): void {
    renderAgentError(ctx, err);
  }

  async handle(ctx: RequestContext): Promise<void> {
    const route = `${ctx.method} ${ctx.segments.slice(3).join('/').toLowerCase()}`;
    if (route === 'POST enroll') return this.enroll(ctx);
    const known = ['POST token', 'POST signins', 'GET instance', 'GET events', 'DELETE self'];
    if (!known.includes(route)) {
      throw new AgentApiError(
        'invalid_request',
        `No agent API at '${ctx.method} ${ctx.path}'. Calls: POST enroll, POST token, POST signins, GET instance, GET events, DELETE self under /openmi/agent/v1.`,
        404,
      );
    }
    const agent = await this.d.authenticator.authenticate(ctx.req.headers.authorization);
    if (route === 'POST token') {
      ctx.operation = 'managedIdentity';
      const b = await jsonBody(ctx);
      const durable = async () => this.d.signIns?.flushed?.();
      const minted = await this.d.minter
        .mint({
          agent,
          resource: b['resource'] as string,
          selector: parseSelector(b['selector']),
          correlationId: ctx.correlationId,
        })
        .catch(async (e: unknown) => {
          await durable().catch(() => undefined);
          throw e;
        });
      await durable();
      return sendJson(ctx.res, 200, minted);
    }
    if (route === 'POST signins') return this.signIns(ctx, agent);
    if (route === 'GET instance') {
      const r = await this.d.store.computeResources.get(agent.resourceId);
      if (!r) throw new AgentApiError('invalid_agent', `The resource '${agent.resourceId}' no longer exists.`);
      return sendJson(ctx.res, 200, instanceDocument(r));
    }
    if (route === 'GET events') return streamInvalidations(ctx.res, this.d.hub, agent, this.streams);
    await this.d.store.agents.delete(agent.id);
    this.d.authenticator.forget(agent.id);
    sendEmpty(ctx.res, 204);
  }

  /** Cache hits the agent answered: 204 only once they are durable, so the agent may drop them. */
  private async signIns(ctx: RequestContext, agent: AgentRecord): Promise<void> {
    const recorder = this.d.signIns;
    if (!recorder) throw new AgentApiError('temporarily_unavailable', 'This server keeps no sign-in log.');
    const upload = recordAgentSignIns(await jsonBody(ctx, MAX_UPLOAD_BYTES), agent, recorder);
    await recorder.flushed?.();
    this.d.observeSignIns?.(upload, agent);
    sendEmpty(ctx.res, 204);
  }

  private async enroll(ctx: RequestContext): Promise<void> {
    const b = await jsonBody(ctx);
    const a = await this.d.enrollment.enroll({
      joinToken: String(b['joinToken'] ?? ''),
      publicJwk: b['publicJwk'],
      hostname: String(b['hostname'] ?? ''),
    });
    const resource = await this.d.store.computeResources.get(a.resourceId);
    sendJson(ctx.res, 201, {
      agentId: a.id,
      resourceId: a.resourceId,
      tenantId: resource ? await this.tenantOf(resource.subscriptionId) : null,
      expiresAt: a.expiresAt,
    });
  }

  private async tenantOf(subscriptionId: string): Promise<string | null> {
    return (await this.d.store.subscriptions.get(subscriptionId))?.tenantId ?? null;
  }

  /** Ends open event streams so the server can close (agents reconnect to another node or later). */
  close(): void {
    for (const s of this.streams) s.end();
  }
}
