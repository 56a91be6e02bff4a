import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { Clock } from '../kernel/clock.js';
import { DomainError } from '../kernel/errors.js';
import type { AgentRecord } from '../store/records.js';
import type { Store } from '../store/store.js';

/** Assertions are minted per call; a long-lived one would be a bearer token by another name. */
const MAX_ASSERTION_LIFETIME_S = 300;
const CLOCK_SKEW_S = 60;

const refuse = (why: string) => new DomainError('unauthenticated', `Agent authentication failed: ${why}`, { code: 'invalid_agent' });

interface Parsed {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  signingInput: Buffer;
  signature: Buffer;
}

function parse(jws: string): Parsed {
  const parts = jws.split('.');
  if (parts.length !== 3) throw refuse('the assertion is not a compact JWS.');
  try {
    return {
      header: JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<string, unknown>,
      claims: JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>,
      signingInput: Buffer.from(`${parts[0]}.${parts[1]}`, 'latin1'),
      signature: Buffer.from(parts[2]!, 'base64url'),
    };
  } catch {
    throw refuse('the assertion is not valid base64url JSON.');
  }
}

/**
 * Authenticates an agent by the ES256 assertion it signs for every call (docs/agent-protocol.md):
 * the key it generated at enrollment is its only credential — never its address. Replays inside
 * the assertion's short lifetime are refused by `jti`.
 */
export class AgentAuthenticator {
  private readonly keys = new Map<string, KeyObject>();
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly audience: string,
  ) {}

  async authenticate(authorization: string | undefined): Promise<AgentRecord> {
    const m = /^OpenMI-Agent\s+(\S+)$/i.exec(authorization ?? '');
    if (!m) throw refuse("send 'Authorization: OpenMI-Agent <assertion>' (see docs/agent-protocol.md).");
    const p = parse(m[1]!);
    if (p.header['alg'] !== 'ES256') throw refuse(`algorithm '${String(p.header['alg'])}' is not accepted; agents sign with ES256.`);
    const kid = String(p.header['kid'] ?? '');
    const agent = kid ? await this.store.agents.get(kid) : undefined;
    const now = this.clock.now();
    if (!agent) throw refuse(`no enrolled agent '${kid}'. It may have been removed with its resource; enroll again with a new join token.`);
    if (agent.expiresAt !== null && agent.expiresAt <= now) throw refuse(`agent '${kid}' was ephemeral and has expired; enroll again.`);
    if (!verify('sha256', p.signingInput, { key: this.keyOf(agent), dsaEncoding: 'ieee-p1363' }, p.signature)) {
      throw refuse('the assertion signature does not match the key the agent enrolled with.');
    }
    this.checkClaims(p.claims, kid, Math.floor(now / 1000));
    return agent;
  }

  private keyOf(agent: AgentRecord): KeyObject {
    let k = this.keys.get(agent.id);
    if (!k) {
      k = createPublicKey({ key: agent.publicJwk as import('node:crypto').JsonWebKey, format: 'jwk' });
      this.keys.set(agent.id, k);
    }
    return k;
  }

  private checkClaims(c: Record<string, unknown>, kid: string, now: number): void {
    if (c['iss'] !== kid || c['sub'] !== kid) throw refuse('iss and sub must both be the agent id.');
    if (c['aud'] !== this.audience) throw refuse(`aud must be '${this.audience}'.`);
    const iat = Number(c['iat']);
    const exp = Number(c['exp']);
    if (!Number.isFinite(iat) || !Number.isFinite(exp) || exp - iat > MAX_ASSERTION_LIFETIME_S) {
      throw refuse(`iat and exp are required and at most ${MAX_ASSERTION_LIFETIME_S} s apart.`);
    }
    if (exp + CLOCK_SKEW_S <= now) throw refuse('the assertion has expired; check the agent host clock.');
    if (iat - CLOCK_SKEW_S > now) throw refuse('the assertion was issued in the future; check the agent host clock.');
    this.checkReplay(kid, String(c['jti'] ?? ''), exp, now);
  }

  private checkReplay(kid: string, jti: string, exp: number, now: number): void {
    if (!jti) throw refuse('jti is required.');
    const key = `${kid}:${jti}`;
    if (this.seen.has(key)) throw refuse('the assertion was already used (replay).');
    if (this.seen.size > 100_000) this.prune(now);
    this.seen.set(key, exp + CLOCK_SKEW_S);
  }

  private prune(now: number): void {
    for (const [k, until] of this.seen) if (until <= now) this.seen.delete(k);
  }

  /** Forget a removed agent's cached key. */
  forget(agentId: string): void {
    this.keys.delete(agentId);
  }
}
