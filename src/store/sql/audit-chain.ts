import { createHash } from 'node:crypto';

/**
 * The chain link of one audit row. `at` and `seq` are covered so a row cannot be moved in time
 * or renumbered into a gap without breaking the chain; fields are separated by '\n', which
 * canonical JSON and numbers never contain, so two different rows cannot hash the same input.
 */
export function chainHash(prevHash: string, seq: number, at: number, data: string): string {
  return createHash('sha256').update(`${prevHash}\n${seq}\n${at}\n${data}`).digest('hex');
}

/**
 * JSON with object keys sorted at every level, so the hashed text of an event is unique. The
 * same text as `JSON.stringify(value, sortingReplacer)` (toJSON first, arrays kept in order,
 * integer-like keys first as every JS object orders them), made by sorting copies of the objects
 * and stringifying those without a replacer: a replacer is a call out of V8's serializer per
 * value, and made this 1.5–2× slower on a sign-in row, one per token (docs/performance.md).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortedCopy(value, ''));
}

function sortedCopy(v: unknown, key: string): unknown {
  if (v === null || typeof v !== 'object') return v;
  const withJson = v as { toJSON?: (key: string) => unknown };
  if (typeof withJson.toJSON === 'function') return sortedCopy(withJson.toJSON(key), key);
  if (Array.isArray(v)) return v.map((x, i) => sortedCopy(x, String(i)));
  const src = v as Record<string, unknown>;
  // Default sort: UTF-16 code unit order, as the replacer's `a < b` compared.
  const keys = Object.keys(src).sort();
  // No prototype when there is a "__proto__" key, so it stays an own property, as
  // Object.fromEntries kept it. Otherwise a plain object: a prototype-less one is a dictionary,
  // which JSON.stringify walks on its slow path (every sign-in row goes through here).
  const out = (keys.includes('__proto__') ? Object.create(null) : {}) as Record<string, unknown>;
  for (const k of keys) out[k] = sortedCopy(src[k], k);
  return out;
}
