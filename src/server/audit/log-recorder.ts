import type { Logger } from '../../kernel/log.js';
import type { ChangeRecorder, ControlPlaneChange } from './changes.js';

/**
 * Writes each committed change as a structured log line (`msg: "control-plane change"`). The
 * queryable activity log is written by the change's own transaction (changes-batch.ts, docs/audit.md).
 */
export class LogChangeRecorder implements ChangeRecorder {
  constructor(private readonly log: Logger) {}

  record(change: ControlPlaneChange): void {
    this.log.info({ change }, 'control-plane change');
  }
}
