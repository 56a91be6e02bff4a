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
