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

const MAX_UNIX_MS = 2 ** 48 - 1;

/**
 * A UUIDv7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then 74 random bits. Rows keyed by it
 * are inserted at the right edge of their index instead of at a random leaf: a random id in the
 * sign-in log's id index dirtied one 4 KiB page per row, which SQLite then writes to the WAL and
 * checkpoints again (31 → 18 µs of CPU per row in 15-row batches, docs/performance.md).
 * The id stays a GUID, as Microsoft Graph's sign-in ids are; it is an address, not a secret.
 */
export function timeOrderedUuid(unixMs: number, random: Random = systemRandom): string {
  const ms = Math.min(Math.max(Math.trunc(Number.isFinite(unixMs) ? unixMs : 0), 0), MAX_UNIX_MS);
  const b = random.bytes(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = 0x70 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
