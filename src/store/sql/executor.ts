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
