import type { Logger } from '../../kernel/log.js';
import type { AuditLogName } from '../../store/records.js';
import type { AuditAppend, Store } from '../../store/store.js';

interface Pending {
  rows: AuditAppend[];
  done: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** Told of every group commit (the server's metrics): rows, seconds spent in the append transaction, success. */
export interface AuditBatchObserver {
  auditBatch(log: AuditLogName, rows: number, seconds: number, ok: boolean): void;
}

function pending(): Pending {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const done = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  // Nobody may be waiting on a batch (a caller that does not need durability): a failed
  // write is logged below and must not crash the process as an unhandled rejection.
  done.catch(() => undefined);
  return { rows: [], done, resolve, reject };
}

/**
 * Group commit for an audit log: rows queue in memory and are appended in one transaction, one
 * batch at a time, at most one batch per `intervalMs` (or at once when `maxRows` are waiting).
 * A row that arrives when no batch was cut for `intervalMs` goes at the end of the current
 * event-loop turn, with whatever else that turn added: a lone token request no longer waits out
 * a fixed 10 ms timer, which under a closed-loop load also capped tokens/s at (clients ÷ 10 ms)
 * on two cores (docs/performance.md, R6), while a busy server still commits every `intervalMs`.
 * `add` returns at once; `flushed()` resolves when the batch holding every row added so far has
 * committed, so a caller that awaits it before answering never acknowledges a request whose row
 * could be lost, while concurrent requests share one commit (one fsync).
 */
export class BatchedAuditWriter {
  private current: Pending | undefined;
  /** Cancels the scheduled cut, if one is scheduled. */
  private cancelCut: (() => void) | undefined;
  private lastCutAt = Number.NEGATIVE_INFINITY;
  private chain: Promise<void> = Promise.resolve();
  /** The newest batch handed to the writer; batches commit in order, so it finishes last. */
  private lastCut: Pending | undefined;

  constructor(
    private readonly store: Store,
    private readonly log: AuditLogName,
    private readonly logger: Logger,
    private readonly observer?: AuditBatchObserver,
    private readonly intervalMs = 10,
    private readonly maxRows = 500,
    /** Milliseconds, monotonic: when batches were cut (tests pass their own). */
    private readonly now: () => number = () => performance.now(),
  ) {}

  add(row: AuditAppend): void {
    this.current ??= pending();
    this.current.rows.push(row);
    if (this.current.rows.length >= this.maxRows) this.cut();
    else if (this.cancelCut === undefined) this.schedule(this.lastCutAt + this.intervalMs - this.now());
  }

  private schedule(waitMs: number): void {
    if (waitMs <= 0) {
      const t = setImmediate(() => this.cut());
      this.cancelCut = () => clearImmediate(t);
    } else {
      const t = setTimeout(() => this.cut(), waitMs);
      this.cancelCut = () => clearTimeout(t);
    }
  }

  /** Resolves once every row added so far is committed; rejects if their batch failed. */
  flushed(): Promise<void> {
    return this.current?.done ?? this.lastCut?.done ?? Promise.resolve();
  }

  /** Writes what is queued and waits for every batch: call on shutdown, after requests drained. */
  async close(): Promise<void> {
    this.cut();
    await this.chain;
  }

  private cut(): void {
    this.cancelCut?.();
    this.cancelCut = undefined;
    const batch = this.current;
    if (!batch) return;
    this.current = undefined;
    this.lastCutAt = this.now();
    this.lastCut = batch;
    this.chain = this.chain.then(() => this.write(batch));
  }

  private async write(batch: Pending): Promise<void> {
    const started = performance.now();
    try {
      await this.store.tx((tx) => tx.audit.append(this.log, batch.rows));
      this.observed(batch, started, true);
      batch.resolve();
    } catch (err) {
      this.observed(batch, started, false);
      this.logger.error({ err, log: this.log, rows: batch.rows.length }, 'audit batch write failed');
      batch.reject(err);
    }
  }

  private observed(batch: Pending, started: number, ok: boolean): void {
    this.observer?.auditBatch(this.log, batch.rows.length, (performance.now() - started) / 1000, ok);
  }
}
