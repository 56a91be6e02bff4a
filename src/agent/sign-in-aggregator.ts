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

/**
 * The key's fields, outermost first (result, error code, identity, principal, client id; then
 * audience and reason, which coarse keys leave out): a bucket is found by one map lookup per
 * field. A busy key's strings are the same objects on every request (the cached token's, the
 * memoized query's), whose hashes V8 keeps: far cheaper than building a key string per request.
 * Fields are read by a switch, not `e[name]`, which would make every read megamorphic.
 */
function keyField(e: AgentSignIn, i: number): string | null {
  switch (i) {
    case 0:
      return e.result;
    case 1:
      return e.errorCode;
    case 2:
      return e.identityResourceId;
    case 3:
      return e.principalId;
    case 4:
      return e.clientId;
    case 5:
      return e.audience;
    default:
      return e.reason;
  }
}
const FINE_DEPTH = 7;
const COARSE_DEPTH = 5;

type Level = Map<string | null, unknown>;

/** Buckets keyed by the first `depth` key fields, with how many there are. */
class KeyTree {
  private root: Level = new Map();
  size = 0;

  constructor(private readonly depth: number) {}

  get(e: AgentSignIn): Bucket | undefined {
    let level = this.root;
    for (let i = 0; i < this.depth - 1; i++) {
      const next = level.get(keyField(e, i)) as Level | undefined;
      if (next === undefined) return undefined;
      level = next;
    }
    return level.get(keyField(e, this.depth - 1)) as Bucket | undefined;
  }

  set(e: AgentSignIn, b: Bucket): void {
    let level = this.root;
    for (let i = 0; i < this.depth - 1; i++) {
      const k = keyField(e, i);
      let next = level.get(k) as Level | undefined;
      if (next === undefined) level.set(k, (next = new Map()));
      level = next;
    }
    level.set(keyField(e, this.depth - 1), b);
    this.size += 1;
  }

  clear(): void {
    this.root = new Map();
    this.size = 0;
  }
}

function seed(b: Bucket, e: AgentSignIn): void {
  b.at = e.at;
  b.lastAt = e.at;
  b.latencyMs = e.latencyMs;
  b.correlationId = e.correlationId;
  b.result = e.result;
  b.errorCode = e.errorCode;
  b.identityResourceId = e.identityResourceId;
  b.principalId = e.principalId;
  b.clientId = e.clientId;
  b.audience = e.audience;
  b.reason = e.reason;
}

/**
 * Counts one more request into a bucket. A field a request disagrees on becomes null (only a
 * coarse bucket's audience and reason can: the others are its key).
 */
function merge(b: Bucket, e: AgentSignIn): void {
  if (b.count === 0) seed(b, e);
  b.count += 1;
  if (e.at < b.at) b.at = e.at;
  if (e.at > b.lastAt) b.lastAt = e.at;
  if (e.latencyMs > b.latencyMs) b.latencyMs = e.latencyMs;
  b.correlationId ??= e.correlationId;
  if (b.audience !== e.audience) b.audience = null;
  if (b.reason !== e.reason) b.reason = null;
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
  private readonly fine = new KeyTree(FINE_DEPTH);
  private readonly coarse = new KeyTree(COARSE_DEPTH);
  /** Every bucket of the open window, for the roll. */
  private buckets: Bucket[] = [];
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

  /** Hot path (every cached answer): a few map lookups. False when dropped at the key bound. */
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
    const known = this.fine.get(e);
    if (known !== undefined) return known;
    if (this.fine.size < this.limits.maxKeys) return this.open(this.fine, e);
    const folded = this.coarse.get(e);
    if (folded !== undefined) return folded;
    return this.coarse.size < this.limits.maxCoarseKeys ? this.open(this.coarse, e) : undefined;
  }

  private open(tree: KeyTree, e: AgentSignIn): Bucket {
    const b = { count: 0 } as Bucket;
    tree.set(e, b);
    this.buckets.push(b);
    this.fresh.push(b);
    return b;
  }

  /** Ends the open window: every bucket that counted a request since it was last handed out becomes a row. */
  private roll(w: number): void {
    for (const b of this.buckets) if (b.count > 0) this.closed.push(row(b));
    this.buckets = [];
    this.fine.clear();
    this.coarse.clear();
    this.fresh = [];
    this.window = w;
  }
}
