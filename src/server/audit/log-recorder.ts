import type { Logger } from '../../kernel/log.js';
import type { ChangeRecorder, ControlPlaneChange } from './changes.js';

/**
 * Writes each change as a structured log line (`msg: "control-plane change"`). This is the
 * recorder until the persisted, queryable activity log lands (issue F); services do not change.
 */
export class LogChangeRecorder implements ChangeRecorder {
  constructor(private readonly log: Logger) {}

  record(change: ControlPlaneChange): void {
    this.log.info({ change }, 'control-plane change');
  }
}
