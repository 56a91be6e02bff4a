/** One forward-only schema step. Versions are applied in ascending order, each once. */
export interface Migration {
  version: number;
  name: string;
  /** One or more statements, run inside the migration's transaction. */
  sql: string;
}

/** Fails fast on a mis-edited index rather than applying steps out of order. */
export function checkOrder(migrations: readonly Migration[]): readonly Migration[] {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migration '${m.name}' has version ${m.version}, expected ${i + 1}`);
  });
  return migrations;
}

/**
 * A store migrated by a newer openmi may hold tables and meanings this binary does not know;
 * writing to it could corrupt data the newer nodes rely on. Migrations are forward only, so
 * the one safe answer is to refuse to start and name the way out.
 */
export class NewerSchemaError extends Error {}

export function refuseNewerSchema(applied: number, known: readonly Migration[], store: string): void {
  const knownVersion = known.length;
  if (applied <= knownVersion) return;
  throw new NewerSchemaError(
    `The ${store} schema is at version ${applied}, but this openmi knows migrations up to version ${knownVersion} only: ` +
      'a newer openmi has upgraded this store. Upgrade this binary to the version the other nodes run ' +
      '(or restore a backup taken before the upgrade); openmi does not serve a schema newer than it knows.',
  );
}
