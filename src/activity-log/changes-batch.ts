import type { Clock } from '../kernel/clock.js';
import type { Store, StoreRepos } from '../store/store.js';
import type { Actor, ChangeRecorder, ControlPlaneChange } from './changes.js';

/**
 * Collects the changes one operation makes inside a transaction and records them only after it
 * commits, so a rolled-back write never appears in the activity log.
 */
export class ChangeBatch {
  readonly pending: ControlPlaneChange[] = [];
  constructor(
    private readonly clock: Clock,
    readonly actor: Actor,
  ) {}

  add(operation: string, resourceId: string, detail?: Record<string, unknown>): void {
    this.pending.push({ operation, resourceId, status: 'Succeeded', actor: this.actor, at: this.clock.now(), ...(detail ? { detail } : {}) });
  }

  now(): number {
    return this.clock.now();
  }

  flush(recorder: ChangeRecorder): void {
    for (const c of this.pending.splice(0)) recorder.record(c);
  }
}

/** Where services record changes: the store, clock and recorder they share. */
export interface ChangeSink {
  store: Store;
  clock: Clock;
  recorder: ChangeRecorder;
}

/** Runs `fn` in one transaction with a change batch, and records the batch once it has committed. */
export async function changeInTransaction<T>(sink: ChangeSink, actor: Actor, fn: (tx: StoreRepos, batch: ChangeBatch) => Promise<T>): Promise<T> {
  const batch = new ChangeBatch(sink.clock, actor);
  const result = await sink.store.tx((tx) => fn(tx, batch));
  batch.flush(sink.recorder);
  return result;
}

/** Records one change that was made outside a transaction (a single-statement write). */
export function recordChange(sink: ChangeSink, actor: Actor, operation: string, resourceId: string, detail?: Record<string, unknown>): void {
  const batch = new ChangeBatch(sink.clock, actor);
  batch.add(operation, resourceId, detail);
  batch.flush(sink.recorder);
}
