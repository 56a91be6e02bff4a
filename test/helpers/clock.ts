import type { Clock } from '../../src/kernel/clock.js';

/**
 * Real time that a test can move ahead, for a server whose clients run on real time too: moving
 * it a second on stands in for sleeping a second (token times have second resolution), while
 * timers, caches and TLS keep working as on the system clock.
 */
export class AheadClock implements Clock {
  private ahead = 0;
  now(): number {
    return Date.now() + this.ahead;
  }
  advance(ms: number): void {
    this.ahead += ms;
  }
}
