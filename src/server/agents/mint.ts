import type { Clock } from '../../kernel/clock.js';
import { DomainError } from '../../kernel/errors.js';
import type { AgentRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { RateLimitExceeded, retryAfterSeconds, type TokenBuckets } from '../../kernel/token-buckets.js';
import type { TokenIssuer } from '../tokens/issue.js';
import type { SignInEvent, SignInRecorder } from '../audit/sign-ins.js';
import { findSelectedIdentity, resolveIdentity } from './resolve-identity.js';
import type { IdentitySelector, MintedToken } from '../../wire/agent-protocol.js';

export type MintResult = MintedToken;

export interface MintRequest {
  agent: AgentRecord;
  resource: string;
  selector: IdentitySelector | undefined;
  correlationId: string;
}

const checkResource = (resource: unknown): string => {
  if (typeof resource !== 'string' || resource.length === 0 || resource.length > 512 || /\s/.test(resource)) {
    throw new DomainError(
      'invalid',
      "resource must be the audience of the token: an absolute URI such as 'https://management.azure.com' or an application id.",
      { code: 'invalid_request' },
    );
  }
  return resource;
};

/**
 * Mints managed-identity tokens for an agent's resource. Whether the identity is attached is
 * read from the store on every mint, so a detach takes effect on the very next request.
 */
export class ManagedIdentityMinter {
  constructor(
    private readonly store: Store,
    private readonly issuer: TokenIssuer,
    private readonly clock: Clock,
    private readonly lifetimeSeconds: number,
    private readonly signIns: SignInRecorder,
    /** Mints per agent; absent, unlimited. */
    private readonly perAgent?: TokenBuckets,
  ) {}

  async mint(r: MintRequest): Promise<MintResult> {
    const started = this.clock.now();
    const log = {
      at: started,
      correlationId: r.correlationId,
      flow: 'managedIdentity' as const,
      callingResourceId: r.agent.resourceId,
      agentId: r.agent.id,
      audience: typeof r.resource === 'string' ? r.resource : null,
    };
    try {
      this.throttle(r.agent);
      const out = await this.mintNow(r);
      void this.signIns.record({
        ...log,
        principalId: out.objectId,
        clientId: out.clientId,
        identityResourceId: out.identityResourceId,
        result: 'success',
        errorCode: null,
        reason: null,
        latencyMs: this.clock.now() - started,
      });
      return out;
    } catch (e) {
      const code =
        e instanceof DomainError
          ? (e.code ?? e.kind)
          : e instanceof RateLimitExceeded
            ? 'too_many_requests'
            : 'server_error';
      const durable = this.signIns.record({
        ...log,
        ...(await this.attempted(r)),
        result: 'failure',
        errorCode: code,
        reason: (e as Error).message,
        latencyMs: this.clock.now() - started,
      });
      // A refusal folded under a flood is answered once its folded row is written (docs/audit.md).
      await Promise.resolve(durable).catch(() => undefined);
      throw e;
    }
  }

  /**
   * Like Azure IMDS (20 requests/s per VM), but counted per agent at the server: the agent caches
   * tokens, so only its misses, refreshes and refusals get here.
   */
  private throttle(agent: AgentRecord): void {
    const limit = this.perAgent;
    const waitMs = limit?.take(agent.id.toLowerCase()) ?? 0;
    if (!limit || waitMs === 0) return;
    const s = retryAfterSeconds(waitMs);
    throw new RateLimitExceeded(
      `Too many token requests from agent '${agent.id}': the limit is ${limit.rate.perSecond} mints per second per agent (bursts of ${limit.rate.burst}). Retry after ${s} s; an operator can raise it with agentTokenRequestsPerSecond (OPENMI_AGENT_TOKEN_REQUESTS_PER_SECOND).`,
      s,
    );
  }

  /**
   * The existing identity a refused request named, so that identity's sign-in history shows
   * attempts to use it from resources that do not carry it. Only real identities are recorded:
   * the selector is the caller's word, and an unknown one names nobody.
   */
  private async attempted(
    r: MintRequest,
  ): Promise<Pick<SignInEvent, 'principalId' | 'clientId' | 'identityResourceId'>> {
    const named =
      r.selector && typeof r.selector.value === 'string'
        ? await findSelectedIdentity(this.store, r.selector).catch(() => undefined)
        : undefined;
    return named
      ? { principalId: named.principalId, clientId: named.clientId, identityResourceId: named.id }
      : { principalId: null, clientId: null, identityResourceId: null };
  }

  private async mintNow(r: MintRequest): Promise<MintResult> {
    const audience = checkResource(r.resource);
    const resource = await this.store.computeResources.get(r.agent.resourceId);
    if (!resource)
      throw new DomainError(
        'unauthenticated',
        `The resource '${r.agent.resourceId}' this agent was enrolled for no longer exists.`,
        { code: 'invalid_agent' },
      );
    const { principal, identityResourceId } = await resolveIdentity(this.store, resource, r.selector);
    const t = await this.issuer.issueAsync({
      principal,
      audience,
      lifetimeSeconds: this.lifetimeSeconds,
      appidacr: '2',
      extraClaims: { xms_mirid: identityResourceId, xms_az_rid: resource.id },
    });
    return {
      accessToken: t.accessToken,
      issuedAt: t.issuedAt,
      expiresOn: t.expiresAt,
      resource: audience,
      clientId: principal.appId,
      objectId: principal.objectId,
      identityResourceId,
    };
  }
}
