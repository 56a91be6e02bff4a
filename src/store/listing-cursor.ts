import { invalid } from '../kernel/errors.js';

/**
 * Continuation of an ARM resource listing. Every resource table is listed in the same order, by
 * lower-cased name then lower-cased id (`name_key`, `id_key`), and continues after the keys of
 * the last row it returned; so a caller can merge several tables into one order (Resources –
 * List) and continue each of them after any row with `resourceCursor(name, id)`.
 */
export const encodeCursor = (nameKey: string, idKey: string): string =>
  Buffer.from(JSON.stringify([nameKey, idKey]), 'utf8').toString('base64url');

export function decodeCursor(after: string): [string, string] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || !parsed.every((s) => typeof s === 'string')) {
    throw invalid('The continuation token is not valid', { target: '$skipToken' });
  }
  return [parsed[0] as string, parsed[1] as string];
}

/** The continuation right after the resource `name` / `id` in any resource listing. */
export const resourceCursor = (name: string, id: string): string => encodeCursor(name.toLowerCase(), id.toLowerCase());

/**
 * The listing order itself: byte order of the lower-cased UTF-8 keys, as both stores sort them
 * (SQLite's BINARY, PostgreSQL's COLLATE "C").
 */
export function compareListingKeys(a: { name: string; id: string }, b: { name: string; id: string }): number {
  const byName = Buffer.compare(Buffer.from(a.name.toLowerCase(), 'utf8'), Buffer.from(b.name.toLowerCase(), 'utf8'));
  return byName !== 0
    ? byName
    : Buffer.compare(Buffer.from(a.id.toLowerCase(), 'utf8'), Buffer.from(b.id.toLowerCase(), 'utf8'));
}
