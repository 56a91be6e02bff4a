import type { Clock } from './clock.js';

/** A rate: `perSecond` on average, up to `burst` at once (a full bucket). */
export interface Rate {
  perSecond: number;
  burst: number;
}

/** Keys longer than this are cut: no real client id or agent id is, and memory stays bounded. */
const MAX_KEY_LENGTH = 256;

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets, one per key (a client id, an agent id), with bounded memory: at most `maxKeys`
 * buckets, the least recently used dropped first. A dropped bucket starts full again when its key
 * returns; to get there an attacker must send `maxKeys` requests under other keys in between,
 * which the limit on those keys and the cap keep from being a way around the limit. Time comes
 * from the injected clock, so tests can move it.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly rate: Rate,
    private readonly clock: Clock,
    private readonly maxKeys = 10_000,
  ) {
    if (!(rate.perSecond > 0) || !(rate.burst >= 1))
      throw new Error(`a rate needs perSecond > 0 and burst >= 1 (got ${rate.perSecond}/s, burst ${rate.burst})`);
  }

  /** Takes one token for `key`: 0 when there was one, else the milliseconds until there will be. */
  take(key: string): number {
    const k = key.length > MAX_KEY_LENGTH ? Buffer.from(key.slice(0, MAX_KEY_LENGTH)).toString() : key;
    const now = this.clock.now();
    const b = this.refilled(k, now);
    // Re-inserted on every use: Map iteration order is then least recently used first.
    this.buckets.set(k, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) * 1000) / this.rate.perSecond);
  }

  /** How many keys are tracked (never more than maxKeys). */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(k: string, now: number): Bucket {
    const b = this.buckets.get(k);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
      return { tokens: this.rate.burst, at: now };
    }
    this.buckets.delete(k);
    // A clock that moved back refills nothing (and takes nothing away).
    const elapsed = Math.max(0, now - b.at);
    return {
      tokens: Math.min(this.rate.burst, b.tokens + (elapsed * this.rate.perSecond) / 1000),
      at: Math.max(now, b.at),
    };
  }
}

/**
 * Thrown when a caller is over its rate. Each wire surface renders it in its own envelope with
 * HTTP 429 and `Retry-After` (the Azure SDKs retry a 429 only when that header is present).
 */
export class RateLimitExceeded extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'RateLimitExceeded';
  }
}

/** Whole seconds for Retry-After: at least 1, since 0 would invite an immediate retry. */
export const retryAfterSeconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));
