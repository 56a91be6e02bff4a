import { FixedHistogram } from '../kernel/histogram.js';
import type { Executor, SqlParams } from './sql/executor.js';

/** Upper bounds in seconds: a SQLite read takes microseconds, a PostgreSQL round trip a millisecond or more. */
export const QUERY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/**
 * How long store calls take, by kind: `read` (all, get), `write` (run), `tx` (a whole tx(fn),
 * BEGIN to COMMIT or ROLLBACK, waiting for the connection included). Kept here, with no metrics
 * library, so the store stays free of the server; the server's /metrics reads the histograms.
 */
export class QueryTimings {
  readonly read = new FixedHistogram(QUERY_BUCKETS);
  readonly write = new FixedHistogram(QUERY_BUCKETS);
  readonly tx = new FixedHistogram(QUERY_BUCKETS);
}

const since = (started: number): number => (performance.now() - started) / 1000;

/**
 * `inner` with every call timed: one performance.now() pair and a histogram increment per call
 * (the wait for the connection, SQLite's mutex included: that is what the caller waits).
 */
export function timedExecutor(inner: Executor, t: QueryTimings | undefined): Executor {
  if (t === undefined) return inner;
  return {
    async all<T>(sql: string, params?: SqlParams) {
      const started = performance.now();
      try {
        return await inner.all<T>(sql, params);
      } finally {
        t.read.observe(since(started));
      }
    },
    async get<T>(sql: string, params?: SqlParams) {
      const started = performance.now();
      try {
        return await inner.get<T>(sql, params);
      } finally {
        t.read.observe(since(started));
      }
    },
    async run(sql, params) {
      const started = performance.now();
      try {
        return await inner.run(sql, params);
      } finally {
        t.write.observe(since(started));
      }
    },
  };
}

/** Times one transaction, whatever its outcome. */
export async function timedTx<T>(t: QueryTimings | undefined, run: () => Promise<T>): Promise<T> {
  if (t === undefined) return run();
  const started = performance.now();
  try {
    return await run();
  } finally {
    t.tx.observe(since(started));
  }
}
