import { createPublicKey } from 'node:crypto';
import type { Clock } from '../../kernel/clock.js';
import { DomainError, invalid } from '../../kernel/errors.js';
import type { Random } from '../../kernel/ids.js';
import type { AgentRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { JoinTokenService } from './join-tokens.js';

/** Ephemeral agents (`openmi run`) outlive a CI job or a laptop session, not much more. */
export const EPHEMERAL_AGENT_TTL_MS = 24 * 3600 * 1000;

export interface EnrollRequest {
  joinToken: string;
  publicJwk: unknown;
  hostname: string;
}

/** Only a public EC P-256 key: the agent keeps its private key, and ES256 is all we verify. */
function checkPublicJwk(jwk: unknown): Record<string, unknown> {
  const j = jwk as Record<string, unknown> | null;
  if (!j || typeof j !== 'object' || j['kty'] !== 'EC' || j['crv'] !== 'P-256' || 'd' in j) {
    throw invalid(
      'publicJwk must be the public half of an EC P-256 key as a JWK ({kty:"EC", crv:"P-256", x, y}); never send the private key.',
      { target: 'publicJwk' },
    );
  }
  try {
    createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: j['x'], y: j['y'] } as import('node:crypto').JsonWebKey,
      format: 'jwk',
    });
  } catch (e) {
    throw invalid(`publicJwk is not a valid P-256 public key: ${(e as Error).message}`, { target: 'publicJwk' });
  }
  return { kty: 'EC', crv: 'P-256', x: j['x'], y: j['y'] };
}

/** Binds a new agent to the resource its join token was created for. */
export class AgentEnrollment {
  constructor(
    private readonly store: Store,
    private readonly joinTokens: JoinTokenService,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  async enroll(r: EnrollRequest): Promise<AgentRecord> {
    const publicJwk = checkPublicJwk(r.publicJwk);
    const hostname = typeof r.hostname === 'string' ? r.hostname.slice(0, 255) : '';
    const token = await this.joinTokens.consume(String(r.joinToken ?? ''));
    const resource = await this.store.computeResources.get(token.resourceId);
    if (!resource) {
      throw new DomainError(
        'unauthenticated',
        `The resource '${token.resourceId}' this join token was made for no longer exists.`,
        { code: 'invalid_join_token' },
      );
    }
    const now = this.clock.now();
    const agent: AgentRecord = {
      id: this.random.uuid(),
      resourceId: resource.id,
      publicJwk,
      hostname,
      joinTokenId: token.id,
      createdAt: now,
      expiresAt: token.ephemeral ? now + EPHEMERAL_AGENT_TTL_MS : null,
    };
    await this.store.agents.create(agent);
    return agent;
  }
}
