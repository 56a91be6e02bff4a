import type { Clock } from '../../kernel/clock.js';
import type { Logger } from '../../kernel/log.js';
import type { PermissionKind, PermissionUsageDelta } from '../../store/permission-usage-repo.js';
import type { Store } from '../../store/store.js';

const DAY_MS = 86_400_000;
/** Every 10 s: a crash (not a clean shutdown) loses at most this much of the counts (docs/audit.md). */
export const USAGE_FLUSH_INTERVAL_MS = 10_000;
/** Distinct (principal, operation, scope, assignment, day) keys held between flushes; reaching it flushes early. */
export const USAGE_MAX_KEYS = 20_000;

/** Told of every allowed access check: who used which operation where, and which assignment allowed it. */
export interface UsageRecorder {
  granted(principalId: string, action: string, kind: PermissionKind, scope: string, assignmentId: string): void;
}

/**
 * Aggregates allowed checks in memory and upserts the counters every few seconds, so an
 * authorization pays a map increment, not a row (docs/audit.md, permission usage). The map is
 * keyed by the strings as given (no lower-casing on the hot path); the flush merges spellings.
 */
export class PermissionUsageRecorder implements UsageRecorder {
  private pending = new Map<string, PermissionUsageDelta>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Pick<Store, 'permissionUsage'>,
    private readonly clock: Clock,
    private readonly log: Pick<Logger, 'error'>,
    private readonly maxKeys = USAGE_MAX_KEYS,
  ) {}

  granted(principalId: string, action: string, kind: PermissionKind, scope: string, assignmentId: string): void {
    const now = this.clock.now();
    const day = now - (now % DAY_MS);
    const key = `${principalId}\n${action}\n${kind}\n${scope}\n${assignmentId}\n${day}`;
    const d = this.pending.get(key);
    if (d !== undefined) {
      d.count++;
      if (now > d.lastAt) d.lastAt = now;
      return;
    }
    this.pending.set(key, { principalId, kind, action, scope, assignmentId, day, count: 1, lastAt: now });
    if (this.pending.size >= this.maxKeys) void this.flush();
  }

  start(intervalMs = USAGE_FLUSH_INTERVAL_MS): this {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
    return this;
  }

  /** Writes what has been counted so far; flushes run one after another. Never rejects. */
  flush(): Promise<void> {
    if (this.pending.size === 0) return this.flushing;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.flushing = this.flushing.then(() => this.write(batch));
    return this.flushing;
  }

  /** Stops the timer and writes the rest: after the listener has drained, nothing is lost. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  private async write(batch: PermissionUsageDelta[]): Promise<void> {
    const merged = mergeSpellings(batch);
    try {
      await this.store.permissionUsage.add(merged);
    } catch (err) {
      // Put the counts back for the next flush (bounded: the surplus is dropped and said so).
      let dropped = 0;
      for (const d of merged) {
        if (this.pending.size < this.maxKeys) this.pending.set(keyOf(d), d);
        else dropped += d.count;
      }
      this.log.error({ err, dropped }, 'permission usage flush failed; retrying at the next flush');
    }
  }
}

const keyOf = (d: PermissionUsageDelta): string =>
  [d.principalId, d.action, d.kind, d.scope, d.assignmentId, d.day].map((v) => String(v).toLowerCase()).join('\n');

/** One delta per case-insensitive key: an upsert may not touch the same row twice. */
function mergeSpellings(batch: readonly PermissionUsageDelta[]): PermissionUsageDelta[] {
  const out = new Map<string, PermissionUsageDelta>();
  for (const d of batch) {
    const k = keyOf(d);
    const m = out.get(k);
    if (m === undefined) out.set(k, { ...d });
    else {
      m.count += d.count;
      m.lastAt = Math.max(m.lastAt, d.lastAt);
    }
  }
  return [...out.values()];
}
