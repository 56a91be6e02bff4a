import type { AgentSignInRow } from '../wire/agent-protocol.js';

/** A row as the agent keeps it: a workload that sent no x-ms-client-request-id gets one at upload. */
export type AgentSignIn = Omit<AgentSignInRow, 'correlationId'> & { correlationId: string | null };

export interface AggregatorLimits {
  /** Requests are counted per window of this many ms (a minute; tests shorten it). */
  windowMs: number;
  /** Distinct keys per window; past this, requests of new keys are counted without audience and reason. */
  maxKeys: number;
  /** Distinct keys of those, per window; past this, requests are dropped (and counted as dropped). */
  maxCoarseKeys: number;
}

export const AGGREGATOR_LIMITS: AggregatorLimits = { windowMs: 60_000, maxKeys: 10_000, maxCoarseKeys: 1_000 };

type Bucket = AgentSignIn & { count: number; lastAt: number };

/** Fields a row keeps only while every request it counts agrees on them (else null). */
const VARYING = ['audience', 'principalId', 'clientId', 'identityResourceId', 'errorCode', 'reason'] as const;

const coarseKey = (e: AgentSignIn): string => `${e.result}\n${e.errorCode}\n${e.identityResourceId}\n${e.principalId}\n${e.clientId}`;
const fineKey = (e: AgentSignIn): string => `${coarseKey(e)}\n${e.audience}\n${e.reason}`;

function seed(b: Bucket, e: AgentSignIn): void {
  b.at = e.at;
  b.lastAt = e.at;
  b.latencyMs = e.latencyMs;
  b.correlationId = e.correlationId;
  for (const k of VARYING) b[k] = e[k];
}

/** Counts one more request into a bucket. Any field a request disagrees on becomes null. */
function merge(b: Bucket, e: AgentSignIn): void {
  if (b.count === 0) seed(b, e);
  b.count += 1;
  if (e.at < b.at) b.at = e.at;
  if (e.at > b.lastAt) b.lastAt = e.at;
  if (e.latencyMs > b.latencyMs) b.latencyMs = e.latencyMs;
  b.correlationId ??= e.correlationId;
  for (const k of VARYING) if (b[k] !== e[k]) b[k] = null;
}

const row = (b: Bucket): AgentSignIn => ({ ...b });

/**
 * The agent's sign-in rows for the requests it answers itself, counted instead of listed: one row
 * per identity, audience, result (error code, reason) and window, with how many requests, the first
 * and last time, the longest answer and one sample correlation id. Entra ID summarizes managed
 * identity sign-ins the same way (https://learn.microsoft.com/graph/api/resources/summarizedsignin),
 * so what the agent uploads grows with the distinct keys, not with the request rate. A key's first
 * requests in a window are handed out at the next `take` (a single request shows up in about a
 * second), the rest when the window ends: at most two rows per key and window.
 */
export class SignInAggregator {
  private readonly limits: AggregatorLimits;
  private window = Number.NEGATIVE_INFINITY;
  private fine = new Map<string, Bucket>();
  private coarse = new Map<string, Bucket>();
  /** Buckets opened since the last take: their first requests go out at once. */
  private fresh: Bucket[] = [];
  private closed: AgentSignIn[] = [];
  private droppedRequests = 0;

  constructor(limits: Partial<AggregatorLimits> = {}) {
    this.limits = { ...AGGREGATOR_LIMITS, ...limits };
  }

  /** Keys counted in the open window (for tests). */
  get keys(): number {
    return this.fine.size + this.coarse.size;
  }

  /** The key bound in words, for the log line and notice of a drop. */
  describeBound(): string {
    const l = this.limits;
    return `${l.maxKeys} keys, then ${l.maxCoarseKeys} without audience and reason, per ${l.windowMs / 1000} s window`;
  }

  /** Hot path (every cached answer): one key string and a map lookup. False when dropped at the key bound. */
  add(e: AgentSignIn): boolean {
    const w = Math.floor(e.at / this.limits.windowMs);
    // A clock stepping back counts into the open window rather than reopening a closed one.
    if (w > this.window) this.roll(w);
    const b = this.bucket(e);
    if (b === undefined) {
      this.droppedRequests += 1;
      return false;
    }
    merge(b, e);
    return true;
  }

  /**
   * Rows ready for upload: every window that ended by `now`, the first requests of keys opened
   * since the last take, and with `all` (the agent is stopping) the open window too. `dropped`
   * is how many requests the key bound refused since the last take.
   */
  take(now: number, all = false): { rows: AgentSignIn[]; dropped: number } {
    const w = Math.floor(now / this.limits.windowMs);
    if (all || w > this.window) this.roll(all ? Math.max(w, this.window + 1) : w);
    const rows = this.closed;
    this.closed = [];
    for (const b of this.fresh) {
      if (b.count === 0) continue;
      rows.push(row(b));
      b.count = 0;
    }
    this.fresh = [];
    const dropped = this.droppedRequests;
    this.droppedRequests = 0;
    return { rows, dropped };
  }

  private bucket(e: AgentSignIn): Bucket | undefined {
    const fine = fineKey(e);
    const known = this.fine.get(fine);
    if (known !== undefined) return known;
    if (this.fine.size < this.limits.maxKeys) return this.open(this.fine, fine);
    const coarse = coarseKey(e);
    const folded = this.coarse.get(coarse);
    if (folded !== undefined) return folded;
    return this.coarse.size < this.limits.maxCoarseKeys ? this.open(this.coarse, coarse) : undefined;
  }

  private open(map: Map<string, Bucket>, key: string): Bucket {
    const b = { count: 0 } as Bucket;
    map.set(key, b);
    this.fresh.push(b);
    return b;
  }

  /** Ends the open window: every bucket that counted a request since it was last handed out becomes a row. */
  private roll(w: number): void {
    for (const map of [this.fine, this.coarse]) for (const b of map.values()) if (b.count > 0) this.closed.push(row(b));
    this.fine = new Map();
    this.coarse = new Map();
    this.fresh = [];
    this.window = w;
  }
}
