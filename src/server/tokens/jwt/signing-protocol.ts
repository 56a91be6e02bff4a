import type { KeyObject } from 'node:crypto';

/**
 * Messages between SigningPool and its workers (signing-worker.ts). Requests and answers travel
 * in batches: each message costs both threads a wake-up and an event dispatch, which at one per
 * signature added about a tenth to every mint.
 */
export type ToWorker =
  /** Install a key; `drop` names one the worker no longer needs (the pool mirrors its key set). */
  | { t: 'key'; kid: string; key: KeyObject; drop?: string }
  /** Parallel arrays: request `ids[i]` signs `inputs[i]` with key `kids[i]`. */
  | { t: 'sign'; ids: number[]; kids: string[]; inputs: string[] };

/** `results[i]` answers `ids[i]`: a base64url signature, or why there is none. */
export interface FromWorker {
  ids: number[];
  results: Array<string | { error: string }>;
}
