/**
 * `tacet admin`: the operator's view of a server's data, opened directly
 * (a data directory or a PostgreSQL URL, from the same settings as
 * `tacet server`): counts of what is stored, deleting an account, and
 * rotating the sender-certificate key. It works while the server runs;
 * counts only, never identifiers.
 */
import type { Storage } from '@tacet/server';
import { parseAccountId } from '@tacet/wire';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { toServerConfig } from '../config/load-settings.js';
import { loadServerSettings } from '../config/server-options.js';

interface AdminOptions {
  config?: string;
  data?: string;
  postgres?: string;
}

async function withStorage<T>(o: AdminOptions, work: (s: Storage) => Promise<T>): Promise<T> {
  const config = toServerConfig(loadServerSettings({ config: o.config, data: o.data, postgres: o.postgres }));
  const server = await import('@tacet/server');
  const storage = config.postgresUrl
    ? await server.openPostgresStorage({ url: config.postgresUrl, maxConnections: 1 })
    : await server.openSqliteStorage(config.dataDir);
  try {
    return await work(storage);
  } finally {
    await storage.close();
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function registerAdminCommands(program: Command): void {
  const admin = program
    .command('admin')
    .description("inspect and manage a server's data (the data directory or PostgreSQL of `tacet server`)")
    .option('--config <file>', 'TOML config file of the server (env TACET_CONFIG)')
    .option('--data <dir>', 'data directory (env TACET_DATA_DIR)')
    .option('--postgres <url>', 'PostgreSQL instead of a data directory (env TACET_POSTGRES_URL)');
  const opts = () => admin.opts<AdminOptions>();

  admin
    .command('stats')
    .description('accounts, devices, queued messages and disk use')
    .option('--json', 'one JSON object')
    .action(async (o: { json?: boolean }) => {
      const stats = await withStorage(opts(), (s) => s.stats());
      if (o.json) process.stdout.write(`${JSON.stringify(stats)}\n`);
      else
        process.stdout.write(
          `accounts          ${stats.accounts}\ndevices           ${stats.devices}\nqueued messages   ${stats.queuedEnvelopes}\ndisk              ${mib(stats.bytesOnDisk)}\n`,
        );
    });

  admin
    .command('delete-account <id>')
    .description(
      'delete an account with its devices, keys and queued messages (its open connections fail from then on)',
    )
    .action(async (id: string) => {
      let accountId: Uint8Array;
      try {
        accountId = parseAccountId(id);
      } catch {
        throw new CliError(`"${id}" is not a tacet id (27 characters, as \`tacet id\` prints it)`, 2);
      }
      const deleted = await withStorage(opts(), (s) => s.accounts.deleteAccount(accountId));
      if (!deleted) throw new CliError('no such account on this server', 1);
      process.stderr.write('account deleted\n');
    });

  admin
    .command('rotate-sender-key')
    .description(
      'make a new sender-certificate key signed by the trust root; certificates issued before stay valid until they expire (a day)',
    )
    .action(async () => {
      const server = await import('@tacet/server');
      const keyId = await withStorage(opts(), (s) => server.rotateServerCertificateKey(s.certificates));
      process.stderr.write(`new sender-certificate key ${keyId}: the server signs with it from now on\n`);
    });
}
