import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';

/**
 * Cross-node change notifications. Several `openmi serve` nodes may share one PostgreSQL store;
 * what one of them changes in memory-cached state (revocations, signing keys, which identities an
 * agent may hold) must reach the others within a second (docs/architecture.md, "Several nodes").
 * PostgreSQL carries them with LISTEN/NOTIFY; SQLite has one node, so its bus is in-process.
 *
 * Delivery is at most once: an event published while a listener is reconnecting is lost, which
 * is why every listener gets `MISSED_CHANGES` after a reconnect and then re-reads what it caches.
 */
export interface ChangeEvent {
  kind: string;
  /** Ids and small facts only: the whole encoded event must stay under MAX_CHANGE_EVENT_BYTES. */
  payload: Record<string, unknown>;
}

export type ChangeHandler = (event: ChangeEvent) => void;

/**
 * Tells every other node sharing this store. On the store, at once; on a transaction's repos
 * (`tx.changes`), when that transaction commits and never if it rolls back, so that no crash
 * between a commit and its notification can lose the notification.
 */
export interface ChangePublisher {
  publish(kind: string, payload: Record<string, unknown>): Promise<void>;
}

export interface ChangeBus extends ChangePublisher {
  /** Events published by other nodes (never this one's own); returns the unsubscribe function. */
  subscribe(handler: ChangeHandler): () => void;
  /** Resolves once other nodes' events are being received; rejects if the first attempt failed (retries go on). */
  ready(): Promise<void>;
}

/** Sent to handlers after the listener reconnected: events may have been lost meanwhile. */
export const MISSED_CHANGES = 'missed';

/**
 * PostgreSQL refuses NOTIFY payloads of 8000 bytes or more
 * (https://www.postgresql.org/docs/current/sql-notify.html); the envelope takes some of it.
 */
export const MAX_CHANGE_EVENT_BYTES = 7_000;

interface Envelope {
  o: string;
  k: string;
  p: Record<string, unknown>;
}

/** The wire form shared by both buses: the origin lets a node skip its own events. */
export function encodeChange(origin: string, kind: string, payload: Record<string, unknown>): string {
  const text = JSON.stringify({ o: origin, k: kind, p: payload } satisfies Envelope);
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_CHANGE_EVENT_BYTES + 512)
    throw new RangeError(`change event '${kind}' is ${bytes} bytes; split it (limit ${MAX_CHANGE_EVENT_BYTES})`);
  return text;
}

export function decodeChange(text: string): (ChangeEvent & { origin: string }) | undefined {
  try {
    const e = JSON.parse(text) as Partial<Envelope>;
    if (typeof e.o !== 'string' || typeof e.k !== 'string' || typeof e.p !== 'object' || e.p === null) return undefined;
    return { origin: e.o, kind: e.k, payload: e.p };
  } catch {
    return undefined;
  }
}

/** Calls every handler; one that throws must not keep the event from the others. */
export function dispatchChange(handlers: Iterable<ChangeHandler>, event: ChangeEvent): void {
  for (const h of [...handlers]) {
    try {
      h(event);
    } catch {
      // Handlers log their own failures; the bus has no logger and must keep delivering.
    }
  }
}

/** Buses on the same SQLite file within this process (a restart in tests); ':memory:' stores share nothing. */
const groups = new Map<string, Set<InProcessChangeBus>>();

/** SQLite's bus: one process per database file (the data-dir lock), so delivery is in-process. */
export class InProcessChangeBus implements ChangeBus {
  private readonly handlers = new Set<ChangeHandler>();
  private readonly origin = randomUUID();
  private readonly key: string;

  constructor(path: string) {
    this.key = path === ':memory:' ? `:memory:${this.origin}` : resolve(path);
    const group = groups.get(this.key) ?? new Set();
    group.add(this);
    groups.set(this.key, group);
  }

  /** A transaction's publisher: events wait in `queue` until the caller has committed (then `send` them). */
  transactional(): ChangePublisher & { send(): void } {
    const queue: Array<[string, Record<string, unknown>]> = [];
    return {
      // Size-checked now, as PostgreSQL's pg_notify would refuse it inside the transaction.
      publish: async (kind, payload) => void (encodeChange(this.origin, kind, payload), queue.push([kind, payload])),
      send: () => queue.splice(0).forEach(([kind, payload]) => void this.publish(kind, payload)),
    };
  }

  async publish(kind: string, payload: Record<string, unknown>): Promise<void> {
    // Through the wire form, so SQLite handlers get what PostgreSQL ones would: a copy, size-checked.
    const { origin: _o, ...event } = decodeChange(encodeChange(this.origin, kind, payload))!;
    for (const bus of groups.get(this.key) ?? []) {
      if (bus !== this) setImmediate(() => dispatchChange(bus.handlers, event));
    }
  }

  subscribe(handler: ChangeHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async ready(): Promise<void> {}

  close(): void {
    this.handlers.clear();
    const group = groups.get(this.key);
    group?.delete(this);
    if (group?.size === 0) groups.delete(this.key);
  }
}
