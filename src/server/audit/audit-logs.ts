import type { Clock } from '../../kernel/clock.js';
import type { Logger } from '../../kernel/log.js';
import type { AuditLogName } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { BatchedAuditWriter, type AuditBatchObserver } from './batch-writer.js';
import { FailedCallRecorder } from './failed-calls.js';
import { PermissionUsageRecorder } from './permission-usage.js';
import { PersistentSignInRecorder } from './sign-in-recorder.js';

const DAY_MS = 86_400_000;
const RETENTION_INTERVAL_MS = 3_600_000;

/** Deletes rows older than the retention from both logs; each log in its own transaction. */
export async function pruneAuditLogs(
  store: Store,
  now: number,
  retentionDays: number,
): Promise<Record<AuditLogName, number>> {
  const before = now - retentionDays * DAY_MS;
  const activity = await store.tx((tx) => tx.audit.prune('activity', before));
  const signIns = await store.tx((tx) => tx.audit.prune('signIns', before));
  // Permission usage is kept as long as the logs it summarizes (whole UTC days).
  await store.permissionUsage.prune(before - (before % DAY_MS));
  return { activity, signIns };
}

/**
 * The persisted audit logs of one server: group-commit writers for sign-ins and failed calls,
 * and the hourly retention sweep. Successful control-plane writes do not come through here:
 * they are logged by their own transaction (changes-batch.ts).
 */
export class AuditLogs {
  readonly signIns: PersistentSignInRecorder;
  readonly failures: FailedCallRecorder;
  /** Which permissions each principal used, flushed every 10 s and on close (docs/audit.md). */
  readonly permissions: PermissionUsageRecorder;
  private readonly writers: BatchedAuditWriter[];
  private timer: NodeJS.Timeout | undefined;
  private sweep: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly retentionDays: number,
    /** Told of every group commit (metrics); absent, nobody is. */
    observer?: AuditBatchObserver,
  ) {
    const signIns = new BatchedAuditWriter(store, 'signIns', log, observer);
    const activity = new BatchedAuditWriter(store, 'activity', log, observer);
    this.writers = [signIns, activity];
    this.signIns = new PersistentSignInRecorder(signIns, clock);
    this.failures = new FailedCallRecorder(activity, clock);
    this.permissions = new PermissionUsageRecorder(store, clock, log);
  }

  /** Runs retention now and then every hour, on the housekeeping leader only (`lead`, Store.tryLead). */
  start(lead: () => Promise<boolean> = async () => true): this {
    const run = () => {
      this.sweep = lead()
        .then((leading) => (leading ? pruneAuditLogs(this.store, this.clock.now(), this.retentionDays) : undefined))
        .catch((err: unknown) => this.log.error({ err }, 'audit retention failed'));
    };
    run();
    this.permissions.start();
    this.timer = setInterval(run, RETENTION_INTERVAL_MS);
    this.timer.unref();
    return this;
  }

  /** After the listener has drained: writes what is queued. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweep;
    this.signIns.close();
    await Promise.all([...this.writers.map((w) => w.close()), this.permissions.close()]);
  }
}
