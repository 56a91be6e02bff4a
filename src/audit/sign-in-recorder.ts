import type { SignInEvent, SignInRecorder } from '../tokens/sign-ins.js';
import type { BatchedAuditWriter } from './batch-writer.js';
import { signInAppend } from './sign-in-log.js';

/** Persists every token request to the hash-chained sign-in log through a group-commit writer. */
export class PersistentSignInRecorder implements SignInRecorder {
  constructor(private readonly writer: BatchedAuditWriter) {}

  record(event: SignInEvent): void {
    this.writer.add(signInAppend(event));
  }

  flushed(): Promise<void> {
    return this.writer.flushed();
  }
}
