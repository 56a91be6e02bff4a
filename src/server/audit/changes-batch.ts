import type { Clock } from '../../kernel/clock.js';
import type { Store, StoreRepos } from '../../store/store.js';
import { activityAppend } from './activity.js';
import type { Actor, ChangeRecorder, ControlPlaneChange } from './changes.js';

/**
 * Collects the changes one operation makes inside a transaction. They are written to the
 * activity log by the same transaction (so an acknowledged write always has its record, and a
 * rolled-back one never does) and handed to the recorder only after it commits.
 */
export class ChangeBatch {
  readonly pending: ControlPlaneChange[] = [];
  constructor(
    private readonly clock: Clock,
    readonly actor: Actor,
  ) {}

  add(operation: string, resourceId: string, detail?: Record<string, unknown>): void {
    this.pending.push({
      operation,
      resourceId,
      status: 'Succeeded',
      actor: this.actor,
      at: this.clock.now(),
      ...(detail ? { detail } : {}),
    });
  }

  now(): number {
    return this.clock.now();
  }

  /** Writes the collected changes through the transaction's repos, before it commits; `recorder` sees them there too. */
  async persist(tx: StoreRepos, recorder?: ChangeRecorder): Promise<void> {
    await tx.audit.append(
      'activity',
      this.pending.map((c) => activityAppend(c)),
    );
    await recorder?.inTransaction?.(tx, this.pending);
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

/**
 * The one way a control-plane change is recorded: runs `fn` in one transaction with a change
 * batch; the batch is logged by that transaction and announced once it has committed. A service
 * whose transaction is its own (key rotation) persists a ChangeBatch inside it the same way.
 */
export async function changeInTransaction<T>(
  sink: ChangeSink,
  actor: Actor,
  fn: (tx: StoreRepos, batch: ChangeBatch) => Promise<T>,
): Promise<T> {
  const batch = new ChangeBatch(sink.clock, actor);
  const result = await sink.store.tx(async (tx) => {
    const r = await fn(tx, batch);
    await batch.persist(tx, sink.recorder);
    return r;
  });
  batch.flush(sink.recorder);
  return result;
}
