/** A FIFO async mutex. Release hands the lock straight to the next waiter, so newcomers queue behind it. */
export class Mutex {
  private held = false;
  private readonly waiters: (() => void)[] = [];

  get locked(): boolean {
    return this.held;
  }

  /**
   * Resolves once the lock is this caller's. With `limitMs`, a caller still queued after that long
   * leaves the queue and is rejected with `onLimit()`; the timer exists only while it waits, and
   * keeps the process alive so a waiter that can never be served still ends in an error.
   */
  acquire(limitMs?: number, onLimit?: () => Error): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    if (limitMs === undefined) return new Promise((resolve) => this.waiters.push(resolve));
    return new Promise((resolve, reject) => {
      const waiter = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(onLimit?.() ?? new Error(`lock not acquired within ${limitMs} ms`));
      }, limitMs);
      this.waiters.push(waiter);
    });
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held = false;
  }
}
