/**
 * The only thing repositories know about a database. Both engines implement it, so every
 * repository is written once. SQL uses PostgreSQL-style `$1, $2…` placeholders, numbered
 * contiguously from 1 (PostgreSQL cannot type an unused `$n`, and the SQLite binding needs
 * every number present); the SQLite executor rewrites them.
 */
/** Buffers bind as SQLite BLOB / PostgreSQL bytea and come back as Buffers from both engines. */
export type SqlValue = string | number | null | Buffer;
export type SqlParams = readonly SqlValue[];

export interface Executor {
  all<T>(sql: string, params?: SqlParams): Promise<T[]>;
  get<T>(sql: string, params?: SqlParams): Promise<T | undefined>;
  run(sql: string, params?: SqlParams): Promise<{ changes: number }>;
}

/**
 * PostgreSQL refuses a NUL character in text ("invalid byte sequence for encoding UTF8: 0x00"),
 * so a `%00` in a name, a client_id or a query parameter made lookups and audit appends fail —
 * a whole group-commit batch with them, other callers' rows included (found by the fuzz suite,
 * docs/security.md). No name or key openmi stores may hold one, so every engine stores and looks up
 * U+FFFD in its place: the stores agree, a lookup simply finds nothing.
 */
export function storableText<T extends SqlValue>(v: T): T {
  return (typeof v === 'string' && v.includes('\u0000') ? v.replace(/\u0000/g, '\ufffd') : v) as T;
}

/** An executor whose string parameters are made storable first (see storableText). */
export function textSafe(inner: Executor): Executor {
  const clean = (params: SqlParams | undefined): SqlParams | undefined =>
    params?.some((p) => typeof p === 'string' && p.includes('\u0000')) ? params.map(storableText) : params;
  return {
    all: (sql, params) => inner.all(sql, clean(params)),
    get: (sql, params) => inner.get(sql, clean(params)),
    run: (sql, params) => inner.run(sql, clean(params)),
  };
}

/**
 * An executor that stops working when its transaction ends. A reference to the `tx` repos
 * that escapes `tx(fn)` would otherwise write outside any transaction (SQLite) or on a pooled
 * connection that now belongs to someone else (PostgreSQL).
 */
export function transactionScoped(inner: Executor): { executor: Executor; end(): void } {
  let open = true;
  const check = (): void => {
    if (!open) throw new Error('Store transaction already finished: use the tx repos only inside tx(fn)');
  };
  const executor: Executor = {
    all: async (sql, params) => (check(), inner.all(sql, params)),
    get: async (sql, params) => (check(), inner.get(sql, params)),
    run: async (sql, params) => (check(), inner.run(sql, params)),
  };
  return { executor, end: () => void (open = false) };
}
