import type { Clock } from '../kernel/clock.js';
import { systemRandom, type Random } from '../kernel/ids.js';
import type { Logger } from '../kernel/log.js';
import { UpstreamRefusal } from './upstream.js';

/**
 * One token request the agent answered without a server mint (cache hit or local refusal), as
 * uploaded to `POST /openmi/agent/v1/signins`. The server adds the agent and calling resource
 * from the authenticated agent, never from here.
 */
export interface AgentSignIn {
  at: number;
  /** The workload's x-ms-client-request-id; null until upload, when one is generated. */
  correlationId: string | null;
  audience: string | null;
  principalId: string | null;
  clientId: string | null;
  identityResourceId: string | null;
  result: 'success' | 'failure';
  errorCode: string | null;
  reason: string | null;
  latencyMs: number;
}

export type SignInUpload = (events: AgentSignIn[]) => Promise<void>;

export interface SignInBufferOptions {
  upload: SignInUpload;
  clock: Clock;
  log?: Logger;
  random?: Random;
  /** Events kept while the server is unreachable; older ones are dropped (and counted). */
  maxEvents?: number;
  batchSize?: number;
  intervalMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export const DEFAULT_MAX_EVENTS = 50_000;
/** The server refuses bigger batches (src/server/agents/agent-sign-ins.ts). */
export const MAX_BATCH = 500;
export const DROPPED_CODE = 'agent_signins_dropped';

/**
 * Collects the agent's own sign-in rows and uploads them every second or every 500 events.
 * `record` is on the cached-token hot path: it only pushes one object; ids, JSON and I/O all
 * happen at upload time.
 */
export class SignInBuffer {
  private pending: AgentSignIn[] = [];
  private droppedCount = 0;
  private sending: Promise<void> | undefined;
  private failures = 0;
  private retryAt = 0;
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  private readonly o: Required<Omit<SignInBufferOptions, 'log'>> & { log: Logger | undefined };

  constructor(opts: SignInBufferOptions) {
    this.o = { random: systemRandom, maxEvents: DEFAULT_MAX_EVENTS, batchSize: MAX_BATCH, intervalMs: 1_000, minBackoffMs: 1_000, maxBackoffMs: 30_000, ...opts, log: opts.log };
    this.timer = setInterval(() => this.kick(), this.o.intervalMs);
    this.timer.unref();
  }

  /** Events waiting for upload (for tests and the bench). */
  get size(): number {
    return this.pending.length;
  }

  /** Events dropped since the last successful upload of a "dropped" notice. */
  get dropped(): number {
    return this.droppedCount;
  }

  record(event: AgentSignIn): void {
    if (this.pending.push(event) > this.o.maxEvents) this.dropOldest();
    // A full batch goes at once rather than waiting for the tick; not from inside this call stack.
    if (this.pending.length === this.o.batchSize && this.sending === undefined) setImmediate(() => this.kick());
  }

  /** Stops the timer and uploads what is left (one attempt: the agent is going away). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.sending;
    this.retryAt = 0;
    await this.drain();
    if (this.pending.length + this.droppedCount > 0) {
      this.o.log?.warn({ lost: this.pending.length + this.droppedCount }, 'sign-in events not uploaded before the agent stopped');
    }
  }

  /** Starts an upload unless one is running or the server is being given time to come back. */
  private kick(): void {
    if (this.sending !== undefined || this.o.clock.now() < this.retryAt) return;
    if (this.pending.length === 0 && this.droppedCount === 0) return;
    this.sending = this.drain().finally(() => (this.sending = undefined));
  }

  // Dropping a tenth at a time keeps a full buffer from shifting 50,000 entries per request.
  private dropOldest(): void {
    const n = Math.max(1, Math.floor(this.o.maxEvents / 10));
    this.pending.splice(0, n);
    this.droppedCount += n;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0 || this.droppedCount > 0) {
      const { batch, dropped } = this.take();
      try {
        await this.o.upload(batch);
        this.failures = 0;
      } catch (err) {
        if (err instanceof UpstreamRefusal) {
          // The server read and refused this batch: sending it again would be refused again.
          this.o.log?.error({ err, events: batch.length }, 'the server refused a sign-in batch; it is dropped');
          continue;
        }
        this.giveBack(batch, dropped);
        this.backOff(err);
        return;
      }
    }
  }

  private take(): { batch: AgentSignIn[]; dropped: number } {
    const dropped = this.droppedCount;
    this.droppedCount = 0;
    const batch = this.pending.splice(0, this.o.batchSize - (dropped > 0 ? 1 : 0));
    for (const e of batch) e.correlationId ??= this.o.random.uuid();
    if (dropped > 0) batch.push(this.droppedNotice(dropped));
    return { batch, dropped };
  }

  private droppedNotice(n: number): AgentSignIn {
    const reason = `the agent dropped ${n} sign-in events: its buffer of ${this.o.maxEvents} was full while the server was unreachable`;
    return { at: this.o.clock.now(), correlationId: this.o.random.uuid(), audience: null, principalId: null, clientId: null, identityResourceId: null, result: 'failure', errorCode: DROPPED_CODE, reason, latencyMs: 0 };
  }

  /** Puts an unsent batch back in front (minus its notice, whose count is restored), still bounded. */
  private giveBack(batch: AgentSignIn[], dropped: number): void {
    const events = dropped > 0 ? batch.slice(0, -1) : batch;
    this.droppedCount += dropped;
    this.pending = events.concat(this.pending);
    const over = this.pending.length - this.o.maxEvents;
    if (over > 0) {
      this.pending.splice(0, over);
      this.droppedCount += over;
    }
  }

  private backOff(err: unknown): void {
    this.failures++;
    const wait = Math.min(this.o.maxBackoffMs, this.o.minBackoffMs * 2 ** (this.failures - 1));
    this.retryAt = this.closed ? 0 : this.o.clock.now() + wait;
    this.o.log?.warn({ err, pending: this.pending.length, retryInMs: wait }, 'sign-in upload failed; retrying');
  }
}
