/** Value conversions shared by the repositories. */

/**
 * The lower-cased lookup form of an ARM id or name. Done in JS, not with SQL LOWER(), because
 * SQLite's LOWER() folds ASCII only: both engines must agree on the key byte for byte.
 */
export const lookupKey = (s: string): string => s.toLowerCase();

export const toJson = (value: unknown): string => JSON.stringify(value);

export function fromJson<T>(text: string, column: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new Error(`Stored ${column} is not valid JSON`, { cause: e });
  }
}
