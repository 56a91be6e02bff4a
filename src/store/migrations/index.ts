import { checkOrder, type Migration } from './migration.js';
import { migration as postgres0001 } from './postgres/0001-init.js';
import { migration as sqlite0001 } from './sqlite/0001-init.js';

export type { Migration } from './migration.js';

/** Append new steps at the end; never edit or reorder a released one. */
export const sqliteMigrations: readonly Migration[] = checkOrder([sqlite0001]);
export const postgresMigrations: readonly Migration[] = checkOrder([postgres0001]);
