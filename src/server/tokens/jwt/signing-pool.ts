/**
 * RS256 signing on worker threads. An RSA-2048 signature costs about 260 µs and is most of a
 * token mint, so a server that signs on its event loop tops out at one core's worth of mints
 * (docs/performance.md, G6). The pool moves only the signature off the loop: the caller builds header and
 * claims (cheap) and sends the signing input; a worker answers the base64url signature.
 * Requests and answers travel in small batches (signing-protocol.ts).
 */
import { sign, type KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { DomainError } from '../../../kernel/errors.js';
import type { Logger } from '../../../kernel/log.js';
import type { FromWorker, ToWorker } from './signing-protocol.js';

/** A signing key as the pool needs it; the kid names it to the workers. */
export interface PoolSigningKey {
  kid: string;
  privateKey: KeyObject;
}

export interface SigningPoolOptions {
  /** Number of worker threads, at least 1. */
  workers: number;
  /**
   * Requests waiting on one worker before `sign` refuses more. At ~3.8k signatures/s per core,
   * 1024 is a quarter second of work: past that, failing fast beats answering after the
   * client timed out.
   */
  maxQueuePerWorker?: number;
  log?: Logger;
}

export const DEFAULT_MAX_QUEUE_PER_WORKER = 1024;
/**
 * Keys a worker holds at once. Two are enough in steady state (current, and the retired one that
 * requests queued across a rotation still name); a few more absorb reloads that flip back and forth.
 */
const MAX_KEYS_PER_WORKER = 4;
/** A worker that dies before it came online would die again at once: wait before replacing it. */
const STARTUP_CRASH_DELAY_MS = 1000;
const WORKER_URL = new URL('./signing-worker.js', import.meta.url);

export class SigningPoolClosedError extends Error {
  constructor() {
    super('the signing pool is closed (the server is shutting down)');
    this.name = 'SigningPoolClosedError';
  }
}

/** The worker a request was sent to died before answering; the request may simply be retried. */
export class SigningWorkerExitedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SigningWorkerExitedError';
  }
}

interface Pending {
  resolve(signature: string): void;
  reject(err: Error): void;
}

type SignBatch = Extract<ToWorker, { t: 'sign' }>;

interface Slot {
  readonly index: number;
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  /** Requests not posted yet (see `enqueue`). */
  outbox: SignBatch | undefined;
  /** The kids this worker holds, oldest first: mirrors the worker's map so a key is sent once. */
  readonly kids: string[];
  online: boolean;
  failure: Error | undefined;
}

export class SigningPool {
  private readonly slots: Array<Slot | undefined>;
  private readonly restartTimers = new Set<NodeJS.Timeout>();
  private readonly maxQueue: number;
  private nextId = 1;
  private nextSlot = 0;
  private closed = false;

  constructor(private readonly options: SigningPoolOptions) {
    if (!Number.isInteger(options.workers) || options.workers < 1)
      throw new Error(`a signing pool needs at least one worker, got ${options.workers}`);
    this.maxQueue = options.maxQueuePerWorker ?? DEFAULT_MAX_QUEUE_PER_WORKER;
    this.slots = Array.from({ length: options.workers }, (_, i) => this.start(i));
  }

  get size(): number {
    return this.slots.length;
  }

  /** The base64url RS256 signature of `signingInput` (ASCII: a JWT's `header.payload`). */
  sign(key: PoolSigningKey, signingInput: string): Promise<string> {
    if (this.closed) return Promise.reject(new SigningPoolClosedError());
    const slot = this.leastBusy();
    // Every worker is down and waiting to restart: slower on the event loop beats failing.
    if (slot === undefined) return new Promise((resolve) => resolve(signInline(key, signingInput)));
    if (slot.pending.size >= this.maxQueue) {
      return Promise.reject(
        new DomainError(
          'unavailable',
          `token signing is overloaded (${this.maxQueue} signatures queued per worker); retry shortly`,
          { code: 'signing_overloaded' },
        ),
      );
    }
    this.ensureKey(slot, key);
    const id = this.nextId++;
    return new Promise<string>((resolve, reject) => {
      // Referenced only while it owes answers, so an idle pool never keeps the process alive.
      if (slot.pending.size === 0) slot.worker.ref();
      slot.pending.set(id, { resolve, reject });
      this.enqueue(slot, id, key.kid, signingInput);
    });
  }

  /** Terminates the workers; requests still in flight are rejected with SigningPoolClosedError. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.restartTimers) clearTimeout(t);
    this.restartTimers.clear();
    const live = this.slots.filter((s): s is Slot => s !== undefined);
    this.slots.fill(undefined);
    for (const s of live) failAll(s, new SigningPoolClosedError());
    await Promise.all(live.map((s) => s.worker.terminate()));
  }

  /** Test hook: the live workers, e.g. to terminate one and watch the pool replace it. */
  workersForTest(): Worker[] {
    return this.slots.filter((s): s is Slot => s !== undefined).map((s) => s.worker);
  }

  /** Fewest requests owed; ties go round-robin so a lightly loaded pool still spreads its work. */
  private leastBusy(): Slot | undefined {
    const n = this.slots.length;
    const from = this.nextSlot++ % n;
    let best: Slot | undefined;
    for (let k = 0; k < n; k++) {
      const s = this.slots[(from + k) % n];
      if (s !== undefined && (best === undefined || s.pending.size < best.pending.size)) best = s;
    }
    return best;
  }

  /** Sends the key before the first request that names it: covers rotation, reload and restarts. */
  private ensureKey(slot: Slot, key: PoolSigningKey): void {
    if (slot.kids.includes(key.kid)) return;
    // Requests already batched go first: the key message may drop a key one of them needs.
    this.flush(slot);
    slot.kids.push(key.kid);
    const drop = slot.kids.length > MAX_KEYS_PER_WORKER ? slot.kids.shift() : undefined;
    const msg: ToWorker =
      drop === undefined
        ? { t: 'key', kid: key.kid, key: key.privateKey }
        : { t: 'key', kid: key.kid, key: key.privateKey, drop };
    slot.worker.postMessage(msg);
  }

  /**
   * Held until the current microtasks have run, then posted as one message: an answer message
   * resolves several mints at once, and the requests they make next then share a message too.
   */
  private enqueue(slot: Slot, id: number, kid: string, input: string): void {
    if (slot.outbox === undefined) {
      slot.outbox = { t: 'sign', ids: [], kids: [], inputs: [] };
      queueMicrotask(() => this.flush(slot));
    }
    slot.outbox.ids.push(id);
    slot.outbox.kids.push(kid);
    slot.outbox.inputs.push(input);
  }

  private flush(slot: Slot): void {
    if (slot.outbox === undefined) return;
    slot.worker.postMessage(slot.outbox);
    slot.outbox = undefined;
  }

  private start(index: number): Slot {
    // No inherited execArgv: flags meant for the main program (--input-type, --cpu-prof, …)
    // can stop a worker from starting, and signing needs none.
    const worker = new Worker(WORKER_URL, { name: `openmi-signing-${index}`, execArgv: [] });
    const slot: Slot = {
      index,
      worker,
      pending: new Map(),
      outbox: undefined,
      kids: [],
      online: false,
      failure: undefined,
    };
    worker.on('online', () => (slot.online = true));
    worker.on('message', (m: FromWorker) => this.answer(slot, m));
    worker.on('error', (err) => (slot.failure = err));
    worker.on('exit', (code) => this.exited(slot, code));
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref();
    return slot;
  }

  private answer(slot: Slot, m: FromWorker): void {
    for (let i = 0; i < m.ids.length; i++) {
      const p = slot.pending.get(m.ids[i]!);
      if (p === undefined) continue;
      slot.pending.delete(m.ids[i]!);
      const r = m.results[i]!;
      if (typeof r === 'string') p.resolve(r);
      else p.reject(new Error(r.error));
    }
    if (slot.pending.size === 0) slot.worker.unref();
  }

  /** A worker died (crash, out of memory, terminate): fail what it owed and put a new one in its place. */
  private exited(slot: Slot, code: number): void {
    if (this.closed || this.slots[slot.index] !== slot) return;
    this.slots[slot.index] = undefined;
    const why = slot.failure === undefined ? `exit code ${code}` : slot.failure.message;
    const owed = slot.pending.size;
    failAll(
      slot,
      new SigningWorkerExitedError(
        `signing worker ${slot.index} exited (${why}) with ${owed} signatures in flight; a replacement is starting`,
      ),
    );
    this.options.log?.error(
      { err: slot.failure, code, inFlight: owed, worker: slot.index },
      'signing worker exited; replacing it',
    );
    if (slot.online) {
      this.slots[slot.index] = this.start(slot.index);
      return;
    }
    const timer = setTimeout(() => {
      this.restartTimers.delete(timer);
      if (!this.closed) this.slots[slot.index] = this.start(slot.index);
    }, STARTUP_CRASH_DELAY_MS);
    timer.unref();
    this.restartTimers.add(timer);
  }
}

function failAll(slot: Slot, err: Error): void {
  const owed = [...slot.pending.values()];
  slot.pending.clear();
  slot.outbox = undefined;
  for (const p of owed) p.reject(err);
}

function signInline(key: PoolSigningKey, signingInput: string): string {
  return sign('sha256', Buffer.from(signingInput, 'latin1'), key.privateKey).toString('base64url');
}
