import type { Clock } from '../kernel/clock.js';
import { systemRandom, type Random } from '../kernel/ids.js';
import type { Logger } from '../kernel/log.js';
import type { SignInDropCause } from '../wire/agent-protocol.js';
import { SignInAggregator, type AgentSignIn, type AggregatorLimits } from './sign-in-aggregator.js';
import { SignInDropLedger } from './sign-in-drops.js';
import { UpstreamRefusal } from './upstream.js';

export type { AgentSignIn } from './sign-in-aggregator.js';
export { DROPPED_CODE } from './sign-in-drops.js';

export type SignInUpload = (events: AgentSignIn[]) => Promise<void>;

export interface SignInBufferOptions {
  upload: SignInUpload;
  clock: Clock;
  log?: Logger;
  random?: Random;
  /** Rows kept waiting for upload, each counting any number of requests; past it the oldest are dropped (and counted). */
  maxRows?: number;
  batchSize?: number;
  intervalMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** How requests are counted into rows (window, key bounds). */
  aggregation?: Partial<AggregatorLimits>;
}

/**
 * At most two rows per key and minute are waiting, so 50,000 rows outlast an outage of a day or
 * more for a few dozen keys; beyond that the oldest go.
 */
export const DEFAULT_MAX_ROWS = 50_000;
/** The server refuses bigger batches (src/server/agents/agent-sign-ins.ts). */
export const MAX_BATCH = 500;

/** Half the server's bound on an upload's body (MAX_UPLOAD_BYTES in src/server/agents/agent-sign-ins.ts). */
const MAX_BATCH_BYTES = 512 * 1024;
const textBytes = (v: string | null): number => (v === null ? 4 : v.length * 6);
/** An upper bound of a row's JSON: every character of its strings at most 6 bytes (a \uXXXX escape). */
const rowBytes = (r: AgentSignIn): number =>
  256 +
  textBytes(r.correlationId) +
  textBytes(r.audience) +
  textBytes(r.principalId) +
  textBytes(r.clientId) +
  textBytes(r.identityResourceId) +
  textBytes(r.errorCode) +
  textBytes(r.reason);

/** What the buffer did since the agent started (the agent's /metrics). */
export interface SignInBufferStats {
  /** Requests recorded, each counted into a row (SignInAggregator). */
  aggregated: number;
  /** Rows, and the requests they count, the server accepted. */
  uploadedRows: number;
  uploadedRequests: number;
}

const requestsIn = (rows: readonly AgentSignIn[]): number => rows.reduce((n, r) => n + (r.count ?? 1), 0);

/**
 * The agent's sign-in rows for requests it answers without the server (cache hits, its own
 * refusals): counted per identity, audience, result and minute (SignInAggregator), and uploaded
 * to `POST /openmi/agent/v1/signins` every second. What is uploaded grows with the distinct keys,
 * not the request rate, so the upload cannot fall behind a busy workload. `record` is on the
 * cached-token hot path: it only counts; ids, JSON and I/O happen at upload time.
 */
export class SignInBuffer {
  private readonly aggregator: SignInAggregator;
  private readonly drops: SignInDropLedger;
  private pending: AgentSignIn[] = [];
  private sending: Promise<void> | undefined;
  private failures = 0;
  private lastError = '';
  private retryAt = 0;
  private closed = false;
  /** Plain counters, read when /metrics is scraped: `record` only increments a number. */
  readonly stats: SignInBufferStats = { aggregated: 0, uploadedRows: 0, uploadedRequests: 0 };
  private readonly timer: NodeJS.Timeout;
  private readonly o: Required<Omit<SignInBufferOptions, 'log' | 'aggregation'>> & { log: Logger | undefined };

  constructor(opts: SignInBufferOptions) {
    this.o = {
      random: systemRandom,
      maxRows: DEFAULT_MAX_ROWS,
      batchSize: MAX_BATCH,
      intervalMs: 1_000,
      minBackoffMs: 1_000,
      maxBackoffMs: 30_000,
      ...opts,
      log: opts.log,
    };
    this.aggregator = new SignInAggregator(opts.aggregation);
    this.drops = new SignInDropLedger(opts.log);
    this.timer = setInterval(() => this.tick(), this.o.intervalMs);
    this.timer.unref();
  }

  /** Rows waiting for upload (for tests and the bench). */
  get size(): number {
    return this.pending.length;
  }

  /** Requests whose rows were dropped since the agent started, by cause (the agent's counters). */
  get dropped(): Readonly<Record<SignInDropCause, number>> {
    return this.drops.total;
  }

  record(event: AgentSignIn): void {
    this.stats.aggregated++;
    this.aggregator.add(event);
  }

  /** Collects and uploads what is ready now, as the timer does every second (tests). */
  async flush(): Promise<void> {
    this.tick();
    await this.sending;
  }

  /** Stops the timer and uploads everything, the open window too (one attempt: the agent is going away). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.sending;
    this.retryAt = 0;
    this.collect(true);
    await this.drain();
    if (this.pending.length > 0) {
      this.o.log?.warn(
        { cause: 'unreachable', requests: requestsIn(this.pending), rows: this.pending.length },
        `sign-in rows not uploaded before the agent stopped: the server was unreachable (${this.lastError})`,
      );
    }
  }

  private tick(): void {
    this.collect(false);
    this.kick();
  }

  /** Moves the rows the aggregator has ready into the upload queue, keeping it bounded. */
  private collect(all: boolean): void {
    const { rows, dropped } = this.aggregator.take(this.o.clock.now(), all);
    this.drops.add(
      'bound',
      dropped,
      `more distinct sign-in keys (identity, audience, result) in one window than the agent counts (${this.aggregator.describeBound()}): the workloads' requests, not the server`,
    );
    for (const r of rows) this.pending.push(r);
    this.trim();
  }

  /** Drops the oldest rows past maxRows, blaming what actually kept them from leaving. */
  private trim(): void {
    const over = this.pending.length - this.o.maxRows;
    if (over <= 0) return;
    const lost = requestsIn(this.pending.splice(0, over));
    if (this.failures > 0)
      this.drops.add(
        'unreachable',
        lost,
        `the server was unreachable (${this.lastError}) and ${this.o.maxRows} rows were waiting for upload`,
      );
    else
      this.drops.add(
        'bound',
        lost,
        `more than ${this.o.maxRows} rows were waiting for upload while the server was reachable`,
      );
  }

  /** Starts an upload unless one is running or the server is being given time to come back. */
  private kick(): void {
    if (this.sending !== undefined || this.o.clock.now() < this.retryAt) return;
    if (this.pending.length === 0 && !this.drops.pending) return;
    this.sending = this.drain().finally(() => (this.sending = undefined));
  }

  private async drain(): Promise<void> {
    let refused = false;
    // After a refusal the notice saying so waits for the next tick: whatever made the server
    // refuse (e.g. this agent was removed) would most likely refuse it too, at once.
    while (this.pending.length > 0 || (this.drops.pending && !refused)) {
      const { rows, notices } = this.take(!refused);
      try {
        await this.o.upload(rows.concat(notices));
        this.failures = 0;
        this.stats.uploadedRows += rows.length;
        this.stats.uploadedRequests += requestsIn(rows);
      } catch (err) {
        if (err instanceof UpstreamRefusal && err.definitive) {
          // The server read and refused this batch: sending it again would be refused again.
          this.drops.add(
            'refused',
            requestsIn(rows),
            `the server refused their upload (${err.status} ${err.error}: ${err.description})`,
          );
          refused = true;
          continue;
        }
        this.giveBack(rows, notices);
        this.backOff(err);
        return;
      }
    }
  }

  private take(withNotices: boolean): { rows: AgentSignIn[]; notices: AgentSignIn[] } {
    const notices = withNotices ? this.drops.take(this.o.clock.now(), () => this.o.random.uuid()) : [];
    const rows = this.pending.splice(0, this.fitting(Math.max(0, this.o.batchSize - notices.length)));
    for (const e of rows) e.correlationId ??= this.o.random.uuid();
    return { rows, notices };
  }

  /**
   * How many of the oldest rows (at most `max`, at least one) fit in half the server's body bound:
   * rows of refusals can carry a long audience or reason, and a body over the bound is refused.
   */
  private fitting(max: number): number {
    let bytes = 0;
    let n = 0;
    while (n < max && n < this.pending.length) {
      bytes += rowBytes(this.pending[n]!);
      if (n > 0 && bytes > MAX_BATCH_BYTES) break;
      n += 1;
    }
    return n;
  }

  /** Puts an unsent batch back in front (its notices' counts restored), still bounded. */
  private giveBack(rows: AgentSignIn[], notices: AgentSignIn[]): void {
    this.drops.restore(notices);
    this.pending = rows.concat(this.pending);
  }

  private backOff(err: unknown): void {
    this.failures++;
    this.lastError = err instanceof Error ? err.message : String(err);
    this.trim();
    const wait = Math.min(this.o.maxBackoffMs, this.o.minBackoffMs * 2 ** (this.failures - 1));
    this.retryAt = this.closed ? 0 : this.o.clock.now() + wait;
    this.o.log?.warn({ err, pending: this.pending.length, retryInMs: wait }, 'sign-in upload failed; retrying');
  }
}
