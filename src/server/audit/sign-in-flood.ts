import type { Clock } from '../../kernel/clock.js';
import { TokenBuckets, type Rate } from '../../kernel/token-buckets.js';
import type { SignInEvent } from './sign-ins.js';
import { boundSignIn } from './sign-in-log.js';

/** How many refused requests get rows of their own, and how the rest are folded (docs/audit.md). */
export interface FloodLimits {
  /** Refusals written as rows of their own, all sources together. */
  rows: Rate;
  /** The same, per source: one flow, error code, client id, agent and identity. */
  perSource: Rate;
  /** Refusals over budget are collected this long into one row per fold key, then written. */
  windowMs: number;
  /** Sources whose budget is tracked (least recently seen forgotten first). */
  maxSources: number;
  /** Fold keys per window; past this, new ones fold by flow and error code alone. */
  maxFolds: number;
}

export const FLOOD_LIMITS: FloodLimits = {
  rows: { perSecond: 10, burst: 200 },
  perSource: { perSecond: 2, burst: 10 },
  windowMs: 1000,
  maxSources: 10_000,
  maxFolds: 1_000,
};

/** Fields that are kept on a folded row only when every folded request agreed on them. */
const COMMON = ['principalId', 'clientId', 'agentId', 'audience', 'identityResourceId', 'callingResourceId'] as const;

interface Fold {
  first: SignInEvent;
  count: number;
  lastAt: number;
  varies: Set<(typeof COMMON)[number]>;
  done: Promise<void>;
  settle: (written: Promise<void>) => void;
}

const low = (s: string | null): string => (s ?? '').toLowerCase();
const sourceKey = (e: SignInEvent): string =>
  [e.flow, e.errorCode, low(e.clientId), low(e.agentId), low(e.identityResourceId)].join('\n');
/** Identity and calling resource stay apart, so an identity's history still shows refused uses of it. */
const foldKey = (e: SignInEvent): string =>
  [e.flow, e.errorCode, low(e.identityResourceId), low(e.callingResourceId)].join('\n');
const coarseKey = (e: SignInEvent): string => [e.flow, e.errorCode].join('\n');

function newFold(first: SignInEvent): Fold {
  let settle!: (written: Promise<void>) => void;
  const done = new Promise<void>((resolve) => (settle = resolve));
  // A failed write is logged by the batch writer; nobody may be waiting on this fold any more.
  done.catch(() => undefined);
  return { first, count: 1, lastAt: first.at, varies: new Set(), done, settle };
}

function foldedEvent(f: Fold): SignInEvent {
  const e: SignInEvent = { ...f.first, count: f.count, lastAt: f.lastAt };
  for (const k of f.varies) e[k] = null;
  return e;
}

/**
 * Keeps anonymous floods from filling the store (docs/security.md, finding 3). Every refused request is
 * recorded, but only a budget of them as rows of their own: per source, and for all sources
 * together. The rest are folded, per flow, error code, identity and calling resource, into one
 * row per window that says how many there were. A folded request's answer waits for that row to
 * commit, as every answer waits for its row: so an acknowledged refusal is always counted, and a
 * flooding caller is slowed to one answer per window per connection.
 */
export class SignInFloodControl {
  private readonly rows: TokenBuckets;
  private readonly sources: TokenBuckets;
  private folds = new Map<string, Fold>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (e: SignInEvent) => Promise<void>,
    clock: Clock,
    private readonly limits: FloodLimits = FLOOD_LIMITS,
  ) {
    this.rows = new TokenBuckets(limits.rows, clock, 1);
    this.sources = new TokenBuckets(limits.perSource, clock, limits.maxSources);
  }

  /**
   * undefined when the refusal is within budget (the caller writes its row); otherwise it is
   * folded, and the promise resolves once the row it was folded into is committed.
   */
  fold(event: SignInEvent): Promise<void> | undefined {
    const e = boundSignIn(event);
    if (this.sources.take(sourceKey(e)) === 0 && this.rows.take('') === 0) return undefined;
    const fine = foldKey(e);
    const key = this.folds.has(fine) || this.folds.size < this.limits.maxFolds ? fine : coarseKey(e);
    const f = this.folds.get(key);
    if (!f) {
      const created = newFold(e);
      this.folds.set(key, created);
      this.timer ??= setTimeout(() => this.flush(), this.limits.windowMs);
      return created.done;
    }
    f.count += 1;
    f.lastAt = Math.max(f.lastAt, e.at);
    for (const k of COMMON) if (low(e[k]) !== low(f.first[k])) f.varies.add(k);
    return f.done;
  }

  /** Writes one row per fold and starts a new window; on shutdown, before the writer closes. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const folds = [...this.folds.values()];
    this.folds = new Map();
    for (const f of folds) f.settle(this.write(foldedEvent(f)));
  }
}
