import { randomBytes, randomFillSync, randomUUID } from 'node:crypto';

/** Injected where identifiers and secrets are generated, so tests can make them predictable. */
export interface Random {
  uuid(): string;
  bytes(n: number): Buffer;
}

const POOL_BYTES = 4096;
const POOLED_MAX = 64;
let pool = Buffer.alloc(0);
let offset = 0;

/**
 * Small draws (every token's `uti`, ids) come from a pool refilled 4 KiB at a time, as Node's own
 * randomUUID does: one call into the CSPRNG per 4 KiB instead of one per token. Each draw is
 * copied out and its bytes are never handed out twice.
 */
function pooledBytes(n: number): Buffer {
  if (n > POOLED_MAX) return randomBytes(n);
  if (offset + n > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + n));
  offset += n;
  return out;
}

export const systemRandom: Random = {
  uuid: () => randomUUID(),
  bytes: pooledBytes,
};
