import { openPostgresStore } from './postgres/postgres-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export type StoreSpec = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/** Opens the configured store and brings its schema up to date. */
export async function openStore(spec: StoreSpec): Promise<Store> {
  const store = spec.kind === 'sqlite' ? await openSqliteStore(spec.path) : await openPostgresStore(spec.url);
  try {
    await store.migrate();
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}
