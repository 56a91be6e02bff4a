import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { CheckpointWorkerData } from './checkpoint-worker.js';

/**
 * SQLite's own checkpoint trigger (wal_autocheckpoint, 1000 frames) runs inside the COMMIT that
 * crosses it, on the event loop: it copies the pages and makes two fsyncs there. Measured on a
 * sign-in row batch that was ~40% of the row's write cost (docs/performance.md). Here a worker
 * thread with its own connection checkpoints instead; the server's connection keeps a far higher
 * trigger only as a backstop (a worker that fell behind), and the usual one again if the worker
 * stops unexpectedly.
 */
export const BACKSTOP_PAGES = 10_000;
export const SQLITE_DEFAULT_AUTOCHECKPOINT = 1_000;
const WORKER_URL = new URL('./checkpoint-worker.js', import.meta.url);
const STOP_WAIT_MS = 5_000;

export interface CheckpointerOptions {
  /** How often the worker checkpoints (default 1 s, about SQLite's 1000 frames at full token load). */
  intervalMs?: number | undefined;
}

export class WalCheckpointer {
  private readonly worker: Worker;
  private stopped = false;
  /** Checkpoints the worker reported, for tests. */
  checkpoints = 0;

  constructor(
    private readonly db: Database.Database,
    path: string,
    options: CheckpointerOptions = {},
  ) {
    const data: CheckpointWorkerData = { path, intervalMs: options.intervalMs ?? 1_000 };
    this.worker = new Worker(WORKER_URL, { workerData: data });
    this.worker.unref();
    this.worker.on('message', (m: { t?: string }) => {
      if (m.t === 'checkpointed') this.checkpoints += 1;
    });
    this.worker.on('error', () => this.fallBack());
    this.worker.on('exit', () => this.fallBack());
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  }

  /** Stops the worker and waits for its connection to close (before the server's closes last). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage('stop');
    const timer = setTimeout(() => void this.worker.terminate(), STOP_WAIT_MS);
    await exited;
    clearTimeout(timer);
  }

  private fallBack(): void {
    if (this.stopped || !this.db.open) return;
    this.stopped = true;
    this.db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
  }
}
