import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** What is awaited, for the failure message: "timed out after 5000 ms waiting for <what>". */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
}

type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/** Thrown by a condition to stop waiting at once (what it waits for can no longer happen). */
export class GiveUp extends Error {}

/**
 * Polls `condition` until it returns a truthy value, and returns that value. A condition that
 * throws counts as not yet met, and its last error is quoted if the wait times out; a GiveUp it
 * throws ends the wait at once. Tests wait on what they need instead of sleeping a fixed time,
 * which is too short on a loaded machine and too long on an idle one.
 */
export async function waitFor<T>(condition: () => T | Promise<T>, opts: WaitOptions): Promise<Truthy<T>> {
  const { what, timeoutMs = 5_000, intervalMs = 20 } = opts;
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await condition();
      if (v) return v as Truthy<T>;
    } catch (e) {
      if (e instanceof GiveUp) throw e;
      last = e;
    }
    if (Date.now() >= end) break;
    await sleep(intervalMs);
  }
  const why = last === undefined ? '' : ` (last error: ${last instanceof Error ? last.message : String(last)})`;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
}
