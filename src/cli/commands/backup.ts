import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { lockDataDir } from '../../kernel/data-dir.js';
import { backupSqlite, restoreSqlite } from '../../store/sqlite/sqlite-backup.js';
import { CliError } from '../cli-error.js';

const MASTER_KEY_WARNING = [
  'THE MASTER KEY IS NOT IN THE BACKUP. Every private key in it (token signing keys, the CA key,',
  'storage account keys, Key Vault secrets) is sealed under the master key: without the same key',
  'the backup cannot be used. Keep the master key ({data-dir}/master.key, or what OPENMI_MASTER_KEY',
  'or --master-key-file give) safe, and apart from the backup.',
];

/** pg_dump and pg_restore do this better than openmi could; say how (docs/operations.md). */
const POSTGRES_GUIDANCE = [
  "This installation keeps its store in PostgreSQL: back it up with PostgreSQL's own tools, which",
  'take a consistent snapshot while the servers keep running:',
  '  pg_dump --format=custom --file openmi.dump "<the postgres:// URL of OPENMI_STORE>"',
  '  (add --schema=<schema> if openmi lives in a schema of its own)',
  'and restore into an empty database (or schema), with every openmi node stopped:',
  '  pg_restore --no-owner --dbname "<postgres:// URL>" openmi.dump',
  ...MASTER_KEY_WARNING,
];

function config(o: { dataDir?: string; store?: string }): Config {
  try {
    return loadConfig({ dataDir: o.dataDir, store: o.store });
  } catch (e) {
    throw new CliError((e as Error).message, 2);
  }
}

function refusePostgres(cfg: Config): void {
  if (cfg.store !== 'sqlite') throw new CliError(POSTGRES_GUIDANCE.join('\n'), 2);
}

/** `openmi backup --out FILE`: a consistent copy of a SQLite store, also while the server runs. */
export function backupCommand(): Command {
  return new Command('backup')
    .description(
      'Write a consistent copy of the SQLite store to a file, also while the server runs (PostgreSQL: prints pg_dump guidance).',
    )
    .requiredOption('--out <file>', 'file to write the backup to')
    .option('--data-dir <dir>', 'data directory of the installation (default ./.openmi)')
    .option('--store <store>', 'sqlite (default) or a postgres:// URL')
    .action(async (o: { out: string; dataDir?: string; store?: string }) => {
      const cfg = config(o);
      refusePostgres(cfg);
      const db = join(cfg.dataDir, 'openmi.db');
      if (!existsSync(db)) throw new CliError(`no openmi store at ${db}; is --data-dir right?`);
      const out = resolve(o.out);
      if (existsSync(out)) throw new CliError(`${out} exists; choose another --out (a backup never overwrites a file)`);
      const { pages } = await backupSqlite(db, out).catch((e: Error) => {
        throw new CliError(`backup failed: ${e.message}`);
      });
      process.stdout.write(`backed up ${db} (${pages} pages) to ${out}\n`);
      process.stderr.write(`${MASTER_KEY_WARNING.join('\n')}\n`);
    });
}

/** `openmi restore --in FILE`: puts a backup in place as the data dir's store, with no server running on it. */
export function restoreCommand(): Command {
  return new Command('restore')
    .description(
      'Put a backup made by `openmi backup` in place as the store of a data directory no server is running on.',
    )
    .requiredOption('--in <file>', 'backup file to restore')
    .option('--data-dir <dir>', 'data directory to restore into (default ./.openmi)')
    .option('--store <store>', 'sqlite (default) or a postgres:// URL')
    .option('--force', 'replace the store the data directory already has')
    .action(async (o: { in: string; dataDir?: string; store?: string; force?: boolean }) => {
      const cfg = config(o);
      refusePostgres(cfg);
      const input = resolve(o.in);
      if (!existsSync(input)) throw new CliError(`no backup at ${input}`);
      const db = join(cfg.dataDir, 'openmi.db');
      // The server's own lock: a running server on this data dir makes this fail with its pid.
      let unlock: () => void;
      try {
        unlock = lockDataDir(cfg.dataDir);
      } catch (e) {
        throw new CliError(`refusing to restore: ${(e as Error).message}`);
      }
      try {
        if (existsSync(db) && !o.force)
          throw new CliError(
            `${db} exists; restore into an empty data directory, or add --force to replace that store`,
          );
        const { version } = await restoreSqlite(input, db).catch((e: Error) => {
          throw e instanceof CliError ? e : new CliError(`restore failed: ${e.message}`);
        });
        process.stdout.write(`restored ${input} (schema version ${version}) to ${db}\n`);
      } finally {
        unlock();
      }
      process.stderr.write(`${restoreNeeds(cfg.dataDir).join('\n')}\n`);
    });
}

/** What else the restored data dir needs before `openmi serve` can use it. */
function restoreNeeds(dataDir: string): string[] {
  const lines = [
    ...MASTER_KEY_WARNING,
    `Before starting the server, give it the master key the backup was made under: copy master.key into ${dataDir}`,
    '(mode 600), or set OPENMI_MASTER_KEY, or pass --master-key-file. With another key it refuses to start ("wrong master key").',
    `Copy admin-credentials.json too if you use 'openmi env --admin': its secret is stored only hashed. The CA and`,
    'server certificate are rebuilt from the store at start.',
  ];
  if (existsSync(join(dataDir, 'master.key')))
    lines.push(`(${join(dataDir, 'master.key')} exists: make sure it is the key the backup was made under.)`);
  return lines;
}
