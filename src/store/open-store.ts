import { openPostgresStore } from './postgres/postgres-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import { timedTx, type QueryTimings } from './query-timings.js';
import type { Store } from './store.js';

export type StoreSpec = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/** Opens the configured store and brings its schema up to date; with `timings`, every store call is timed. */
export async function openStore(spec: StoreSpec, timings?: QueryTimings): Promise<Store> {
  const opened =
    spec.kind === 'sqlite' ? await openSqliteStore(spec.path, timings) : await openPostgresStore(spec.url, timings);
  const store: Store =
    timings === undefined ? opened : { ...opened, tx: (fn) => timedTx(timings, () => opened.tx(fn)) };
  try {
    await store.migrate();
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}
