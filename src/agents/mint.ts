import type { Clock } from '../kernel/clock.js';
import { DomainError } from '../kernel/errors.js';
import type { AgentRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { TokenIssuer } from '../tokens/issue.js';
import type { SignInEvent, SignInRecorder } from '../tokens/sign-ins.js';
import { findSelectedIdentity, resolveIdentity } from './resolve-identity.js';
import type { IdentitySelector, MintedToken } from './protocol.js';

export type MintResult = MintedToken;

export interface MintRequest {
  agent: AgentRecord;
  resource: string;
  selector: IdentitySelector | undefined;
  correlationId: string;
}

const checkResource = (resource: unknown): string => {
  if (typeof resource !== 'string' || resource.length === 0 || resource.length > 512 || /\s/.test(resource)) {
    throw new DomainError('invalid', "resource must be the audience of the token: an absolute URI such as 'https://management.azure.com' or an application id.", { code: 'invalid_request' });
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
  ) {}

  async mint(r: MintRequest): Promise<MintResult> {
    const started = this.clock.now();
    const log = { at: started, correlationId: r.correlationId, flow: 'managedIdentity' as const, callingResourceId: r.agent.resourceId, agentId: r.agent.id, audience: typeof r.resource === 'string' ? r.resource : null };
    try {
      const out = await this.mintNow(r);
      this.signIns.record({ ...log, principalId: out.objectId, clientId: out.clientId, identityResourceId: out.identityResourceId, result: 'success', errorCode: null, reason: null, latencyMs: this.clock.now() - started });
      return out;
    } catch (e) {
      const code = e instanceof DomainError ? (e.code ?? e.kind) : 'server_error';
      this.signIns.record({ ...log, ...(await this.attempted(r)), result: 'failure', errorCode: code, reason: (e as Error).message, latencyMs: this.clock.now() - started });
      throw e;
    }
  }

  /**
   * The existing identity a refused request named, so that identity's sign-in history shows
   * attempts to use it from resources that do not carry it. Only real identities are recorded:
   * the selector is the caller's word, and an unknown one names nobody.
   */
  private async attempted(r: MintRequest): Promise<Pick<SignInEvent, 'principalId' | 'clientId' | 'identityResourceId'>> {
    const named = r.selector && typeof r.selector.value === 'string' ? await findSelectedIdentity(this.store, r.selector).catch(() => undefined) : undefined;
    return named ? { principalId: named.principalId, clientId: named.clientId, identityResourceId: named.id } : { principalId: null, clientId: null, identityResourceId: null };
  }

  private async mintNow(r: MintRequest): Promise<MintResult> {
    const audience = checkResource(r.resource);
    const resource = await this.store.computeResources.get(r.agent.resourceId);
    if (!resource) throw new DomainError('unauthenticated', `The resource '${r.agent.resourceId}' this agent was enrolled for no longer exists.`, { code: 'invalid_agent' });
    const { principal, identityResourceId } = await resolveIdentity(this.store, resource, r.selector);
    const t = await this.issuer.issueAsync({
      principal,
      audience,
      lifetimeSeconds: this.lifetimeSeconds,
      appidacr: '2',
      extraClaims: { xms_mirid: identityResourceId, xms_az_rid: resource.id },
    });
    return { accessToken: t.accessToken, issuedAt: t.issuedAt, expiresOn: t.expiresAt, resource: audience, clientId: principal.appId, objectId: principal.objectId, identityResourceId };
  }
}
