import type { Clock } from '../kernel/clock.js';
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
