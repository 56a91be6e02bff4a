import { createHash } from 'node:crypto';

/**
 * The chain link of one audit row. `at` and `seq` are covered so a row cannot be moved in time
 * or renumbered into a gap without breaking the chain; fields are separated by '\n', which
 * canonical JSON and numbers never contain, so two different rows cannot hash the same input.
 */
export function chainHash(prevHash: string, seq: number, at: number, data: string): string {
  return createHash('sha256').update(`${prevHash}\n${seq}\n${at}\n${data}`).digest('hex');
}

/** JSON with object keys sorted at every level, so the hashed text of an event is unique. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
