/**
 * A wire surface's error codes, each with the HTTP status it is sent with: `{ Code: 404 }`, or
 * `{ Code: [400, 404] }` for a code the service answers with several statuses. Error classes take
 * a code of their table, so a misspelt code fails to compile, and take the status from the table,
 * so a code cannot drift from its status; only a code listed with several statuses names one.
 */
export type ErrorTable = Readonly<Record<string, number | readonly number[]>>;

/** The codes `T` gives exactly one status. */
export type FixedStatusCode<T extends ErrorTable> = {
  [K in keyof T & string]: T[K] extends number ? K : never;
}[keyof T & string];

/** The codes `T` lists with several statuses. */
export type MultiStatusCode<T extends ErrorTable> = Exclude<keyof T & string, FixedStatusCode<T>>;

/** The statuses `T` allows for `C`. */
export type StatusOf<T extends ErrorTable, C extends keyof T> = T[C] extends readonly (infer S)[] ? S : T[C];

/**
 * What an error constructor takes after a code of `T`: nothing when the table fixes its status,
 * one of its statuses otherwise. Tested as "is `C` one of the several-status codes" so that a
 * misspelt code is reported as a wrong code, not as a missing status.
 */
export type StatusArg<T extends ErrorTable, C extends keyof T> = [C] extends [MultiStatusCode<T>]
  ? [status: StatusOf<T, C> & number]
  : [];

/** The status of `code`: `given` for a code with several (its type checked by `StatusArg`), else the table's. */
export function statusOf<T extends ErrorTable>(table: T, code: keyof T, given?: number): number {
  const s = table[code] as number | readonly number[];
  return given ?? (typeof s === 'number' ? s : s[0]!);
}
