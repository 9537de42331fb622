/**
 * `tacet server backup --out FILE` and `tacet server restore FILE`: the
 * embedded SQLite database, backed up online while the server runs and
 * restored (checked first) while it is stopped. PostgreSQL is backed up
 * with its own tools (docs/operations.md, "Backups").
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { toServerConfig } from '../config/load-settings.js';
import { loadServerSettings } from '../config/server-options.js';

interface BackupOptions {
  config?: string;
  data?: string;
  out?: string;
}

/** The SQLite data directory the options name; PostgreSQL deployments are pointed at pg_dump. */
function sqliteDataDir(o: BackupOptions, verb: string): string {
  const config = toServerConfig(loadServerSettings({ config: o.config, data: o.data }));
  if (config.postgresUrl)
    throw new CliError(
      `this server stores in PostgreSQL; ${verb} it with pg_dump / pg_restore (docs/operations.md, "Backups")`,
      2,
    );
  return config.dataDir;
}

async function run(task: () => Promise<void>): Promise<void> {
  const { BackupError } = await import('@tacet/server');
  try {
    await task();
  } catch (e) {
    if (e instanceof BackupError) throw new CliError(e.message, 1);
    throw e;
  }
}

export function registerBackupCommands(server: Command): void {
  server
    .command('backup')
    .description(
      'write a consistent copy of the database to FILE, while the server runs (it holds ciphertext and credential hashes: protect it)',
    )
    .requiredOption('--out <file>', 'the backup file to write (mode 0600)')
    .option('--config <file>', 'TOML config file (env TACET_CONFIG)')
    .option('--data <dir>', 'data directory (env TACET_DATA_DIR)')
    .action(async (o: BackupOptions) => {
      const dataDir = sqliteDataDir(o, 'back up');
      const out = resolve(o.out as string);
      const { backupSqlite } = await import('@tacet/server');
      await run(() => backupSqlite(dataDir, out));
      process.stderr.write(`backed up ${dataDir} to ${out}\n`);
    });
  server
    .command('restore <file>')
    .description('replace the database with a backup; stop the server first')
    .option('--config <file>', 'TOML config file (env TACET_CONFIG)')
    .option('--data <dir>', 'data directory (env TACET_DATA_DIR)')
    .action(async (file: string, o: BackupOptions) => {
      const dataDir = sqliteDataDir(o, 'restore');
      const { restoreSqlite } = await import('@tacet/server');
      await run(() => restoreSqlite(resolve(file), dataDir));
      process.stderr.write(`restored ${dataDir} from ${resolve(file)}; start the server again\n`);
    });
}
