import { createPublicKey, type KeyObject } from 'node:crypto';
import { JwtVerifyError, verifyJwt } from '../tokens/jwt/verify.js';
import type { Clock } from '../../kernel/clock.js';
import { DomainError } from '../../kernel/errors.js';
import { parseJson } from '../../kernel/json.js';
import type { AgentRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';

/** Assertions are minted per call; a long-lived one would be a bearer token by another name. */
const MAX_ASSERTION_LIFETIME_S = 300;
const CLOCK_SKEW_S = 60;

const refuse = (why: string) =>
  new DomainError('unauthenticated', `Agent authentication failed: ${why}`, { code: 'invalid_agent' });

/** The `kid` of a compact JWS, read before verification only to find whose key to verify with. */
function headerKid(jws: string): string {
  try {
    const header = parseJson(Buffer.from(jws.slice(0, jws.indexOf('.')), 'base64url').toString('utf8')) as {
      kid?: unknown;
    };
    return typeof header.kid === 'string' ? header.kid : '';
  } catch {
    throw refuse('the assertion is not a compact JWS of base64url JSON.');
  }
}

/** jtis are the agent's own UUIDs; the bound keeps what one stored row can cost. */
const MAX_JTI_CHARS = 128;
/** How often a node purges expired jtis: rows live at most ~7 minutes anyway. */
const PRUNE_EVERY_MS = 60_000;

/**
 * Authenticates an agent by the ES256 assertion it signs for every call (docs/agent-protocol.md):
 * the key it generated at enrollment is its only credential — never its address. Replays inside
 * the assertion's short lifetime are refused by `jti`, recorded in the store so that neither a
 * restart nor another node on the same PostgreSQL forgets one.
 */
export class AgentAuthenticator {
  private readonly keys = new Map<string, KeyObject>();
  private lastPrune = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** The agent API under the public URL and under the node's own (docs/operations.md). */
    private readonly audiences: readonly string[],
  ) {}

  async authenticate(authorization: string | undefined): Promise<AgentRecord> {
    const m = /^OpenMI-Agent\s+(\S+)$/i.exec(authorization ?? '');
    if (!m) throw refuse("send 'Authorization: OpenMI-Agent <assertion>' (see docs/agent-protocol.md).");
    const kid = headerKid(m[1]!);
    const agent = kid ? await this.store.agents.get(kid) : undefined;
    const now = this.clock.now();
    if (!agent)
      throw refuse(
        `no enrolled agent '${kid}'. It may have been removed with its resource; enroll again with a new join token.`,
      );
    if (agent.expiresAt !== null && agent.expiresAt <= now)
      throw refuse(`agent '${kid}' was ephemeral and has expired; enroll again.`);
    const claims = this.verified(m[1]!, agent, now);
    this.checkClaims(claims, kid, Math.floor(now / 1000));
    await this.claimJti(agent.id, claims, now);
    return agent;
  }

  /** Signature (ES256 only, the agent's own key), issuer = the agent, audience, exp/nbf: the shared JWT verifier. */
  private verified(jws: string, agent: AgentRecord, now: number): Record<string, unknown> {
    const key = this.keyOf(agent);
    try {
      return verifyJwt(jws, {
        keyFor: (kid) => (kid === agent.id ? key : undefined),
        algorithms: ['ES256'],
        issuers: [agent.id],
        audiences: this.audiences,
        nowSeconds: Math.floor(now / 1000),
        clockSkewSeconds: CLOCK_SKEW_S,
      }).claims;
    } catch (e) {
      if (e instanceof JwtVerifyError)
        throw refuse(
          `${e.message} (agents sign with ES256, iss = their agent id, aud = ${this.audiences.map((a) => `'${a}'`).join(' or ')}; check the agent host clock).`,
        );
      throw e;
    }
  }

  private keyOf(agent: AgentRecord): KeyObject {
    let k = this.keys.get(agent.id);
    if (!k) {
      k = createPublicKey({ key: agent.publicJwk as import('node:crypto').JsonWebKey, format: 'jwk' });
      this.keys.set(agent.id, k);
    }
    return k;
  }

  /** What the shared verifier does not know: sub, a short assertion lifetime, and a usable jti. */
  private checkClaims(c: Record<string, unknown>, kid: string, now: number): void {
    if (c['sub'] !== kid) throw refuse('iss and sub must both be the agent id.');
    const iat = Number(c['iat']);
    const exp = Number(c['exp']);
    if (!Number.isFinite(iat) || exp - iat > MAX_ASSERTION_LIFETIME_S)
      throw refuse(`iat and exp are required and at most ${MAX_ASSERTION_LIFETIME_S} s apart.`);
    if (iat - CLOCK_SKEW_S > now) throw refuse('the assertion was issued in the future; check the agent host clock.');
    const jti = c['jti'];
    if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_CHARS)
      throw refuse(`jti is required: a unique string of at most ${MAX_JTI_CHARS} characters per assertion.`);
  }

  /**
   * One use per jti, decided by the store (insert-if-absent), kept until the assertion could no
   * longer verify: exp plus the skew the verifier allows. Runs last, so only a valid assertion
   * costs a row.
   */
  private async claimJti(agentId: string, c: Record<string, unknown>, now: number): Promise<void> {
    const until = (Number(c['exp']) + CLOCK_SKEW_S) * 1000;
    if (!(await this.store.agentAssertionJtis.claim(agentId, c['jti'] as string, until)))
      throw refuse('the assertion was already used (replay); sign a new one, with a new jti, for every call.');
    if (now - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = now;
      await this.store.agentAssertionJtis.deleteExpired(now);
    }
  }

  /** Forget a removed agent's cached key. */
  forget(agentId: string): void {
    this.keys.delete(agentId);
  }
}
