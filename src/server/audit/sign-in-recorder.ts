import type { Clock } from '../../kernel/clock.js';
import type { SignInEvent, SignInRecorder } from './sign-ins.js';
import type { BatchedAuditWriter } from './batch-writer.js';
import { FLOOD_LIMITS, SignInFloodControl, type FloodLimits } from './sign-in-flood.js';
import { signInAppend } from './sign-in-log.js';

/**
 * Persists every token request to the hash-chained sign-in log through a group-commit writer.
 * Refusals the server made pass the flood control first; rows an agent uploads do not (an
 * authenticated agent already answered them, and each upload is bounded).
 */
export class PersistentSignInRecorder implements SignInRecorder {
  private readonly flood: SignInFloodControl;

  constructor(
    private readonly writer: BatchedAuditWriter,
    clock: Clock,
    limits: FloodLimits = FLOOD_LIMITS,
  ) {
    this.flood = new SignInFloodControl((e) => this.append(e), clock, limits);
  }

  record(event: SignInEvent): Promise<void> {
    if (event.result === 'failure' && event.source !== 'agentCache') {
      const folded = this.flood.fold(event);
      if (folded) return folded;
    }
    return this.append(event);
  }

  flushed(): Promise<void> {
    return this.writer.flushed();
  }

  /** Writes the folded rows still collecting; call before the writer closes. */
  close(): void {
    this.flood.flush();
  }

  private append(event: SignInEvent): Promise<void> {
    this.writer.add(signInAppend(event));
    return this.writer.flushed();
  }
}
