import fs from 'node:fs';
import { promisify } from 'node:util';
import { dirname } from 'node:path';

export interface Disk {
  /** fdatasync(path); false when it does not exist. */
  datasync(path: string): Promise<boolean>;
  close(): void;
}

/**
 * Makes committed WAL frames durable off the event loop, for a connection opened with
 * `synchronous = NORMAL`.
 *
 * Why: with `synchronous = FULL` every COMMIT calls fsync on the WAL inside better-sqlite3, which
 * blocks the event loop for the whole disk flush: at a few hundred token requests per second that
 * was 4–13% of the server's wall time with nothing else able to run (docs/performance.md). With
 * NORMAL, SQLite still write()s every frame at COMMIT and syncs the WAL before each checkpoint and
 * the database after it (https://www.sqlite.org/pragma.html#pragma_synchronous), but does not sync
 * at COMMIT; so after each commit the store awaits `sync()`, which runs fdatasync on a libuv
 * thread. A write is acknowledged only once that sync has finished, which is the guarantee FULL
 * gave, and commits that land while a sync runs share the next one (group commit).
 *
 * fdatasync on any descriptor of the file flushes its dirty pages, whichever descriptor wrote them.
 * The directory is synced once too, so a WAL file SQLite created survives a power cut.
 */
export class WalSync {
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private dirSynced = false;

  /** `disk` flushes files: tests pass one they can hold, to see which callers share a flush. */
  constructor(
    private readonly walPath: string,
    private readonly disk: Disk = new HeldFiles(),
  ) {}

  /** After the last write: waits for flushes under way, then releases the descriptors. */
  async close(): Promise<void> {
    await this.queued?.catch(() => undefined);
    await this.running?.catch(() => undefined);
    this.disk.close();
  }

  /** Resolves once every frame committed before the call is on disk. */
  sync(): Promise<void> {
    if (this.running === undefined) {
      this.running = this.flush().finally(() => (this.running = undefined));
      return this.running;
    }
    // The running flush may have started before this caller's commit: wait for the next one,
    // which every caller arriving meanwhile shares.
    const again = () => {
      this.queued = undefined;
      return this.sync();
    };
    this.queued ??= this.running.then(again, again);
    return this.queued;
  }

  private async flush(): Promise<void> {
    if (!(await this.disk.datasync(this.walPath))) return;
    if (!this.dirSynced) {
      await this.disk.datasync(dirname(this.walPath));
      this.dirSynced = true;
    }
  }
}

// Made once: promisify builds a new function per call, ~5% of a one-row commit's event-loop time.
const fdatasync = promisify(fs.fdatasync);

/**
 * fdatasync through a descriptor kept open per path: opening a FileHandle per flush cost more
 * event-loop time than the flush (bench profile). SQLite never replaces the WAL file while its
 * connection is open (it deletes it only when the last connection closes), so the descriptor
 * stays on the file SQLite writes.
 */
export class HeldFiles implements Disk {
  private readonly fds = new Map<string, number>();

  /** false when `path` does not exist (no write has created the WAL yet). */
  readonly datasync = async (path: string): Promise<boolean> => {
    let fd = this.fds.get(path);
    if (fd === undefined) {
      try {
        fd = await promisify(fs.open)(path, 'r');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw e;
      }
      this.fds.set(path, fd);
    }
    await fdatasync(fd);
    return true;
  };

  close(): void {
    for (const fd of this.fds.values()) fs.closeSync(fd);
    this.fds.clear();
  }
}
