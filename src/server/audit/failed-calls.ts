import type { Clock } from '../../kernel/clock.js';
import { activityAppend } from './activity.js';
import type { BatchedAuditWriter } from './batch-writer.js';

export interface FailedCall {
  operation: string;
  resourceId: string;
  principalId: string;
  correlationId: string;
  httpStatus: number;
  code: string;
  message: string;
}

/**
 * Records refused or failed control-plane writes (AuthorizationFailed, validation errors …)
 * as `Failed` activity events. They have no transaction of their own, so they go through the
 * group-commit writer; `record` resolves once the row is durable, before the error is sent.
 */
export class FailedCallRecorder {
  constructor(
    private readonly writer: BatchedAuditWriter,
    private readonly clock: Clock,
  ) {}

  async record(f: FailedCall): Promise<void> {
    const change = {
      operation: f.operation,
      resourceId: f.resourceId,
      status: 'Failed' as const,
      actor: { principalId: f.principalId, correlationId: f.correlationId },
      at: this.clock.now(),
      detail: { error: { code: f.code, message: f.message } },
    };
    this.writer.add(activityAppend(change, f.httpStatus));
    await this.writer.flushed();
  }
}
