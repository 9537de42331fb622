/**
 * `tacet server`: the server, configured from flags, `TACET_*` variables and
 * a TOML file (config/server-settings.ts is the schema), on the embedded
 * SQLite unless PostgreSQL is configured, serving the web client when one is
 * bundled. SIGHUP re-reads the TLS certificate; SIGINT/SIGTERM drain and stop.
 */
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { toServerConfig } from '../config/load-settings.js';
import { printSettings } from '../config/print-settings.js';
import { loadServerSettings, type ServerOptions } from '../config/server-options.js';
import { SERVER_SETTINGS } from '../config/server-settings.js';
import { registerBackupCommands } from './server-backup.js';

const repeatable = (value: string, previous?: string) => (previous ? `${previous},${value}` : value);

export function registerServerCommand(program: Command): void {
  const server = program.command('server').description('run, back up or restore a tacet server');
  registerBackupCommands(server);
  const cmd = server
    .command('run', { isDefault: true })
    .description('run a tacet server (the default; see docs/operations.md for every setting)')
    .option('--config <file>', 'TOML config file (env TACET_CONFIG)')
    .option('--print-config', 'print the effective configuration, without secrets, and exit');
  for (const s of SERVER_SETTINGS) {
    if (!s.flag) continue;
    const help = `${s.help} (env ${s.env})`;
    if (s.flag === 'trust-proxy') cmd.option(`--${s.flag} <cidr>`, `${help}; repeatable`, repeatable);
    else cmd.option(`--${s.flag} <value>`, help);
  }
  cmd.action(async (o: ServerOptions) => {
    const loaded = loadServerSettings(o);
    if (o.printConfig) {
      process.stdout.write(printSettings(loaded));
      return;
    }
    const { serveWeb, ...config } = toServerConfig(loaded);
    if (!serveWeb) delete config.staticDir;
    const { startServer } = await import('@tacet/server');
    const server = await startServer(config).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE')
        throw new CliError(
          'a port is in use (the API port or the metrics port); pick another with --port or --metrics-port',
          1,
        );
      if (e instanceof RangeError) throw new CliError(e.message, 2);
      throw e;
    });
    // URLs stay out of the output: they may carry a password.
    const where = config.postgresUrl ? 'data in PostgreSQL' : `data in ${config.dataDir}`;
    const fanout = config.redisUrl ? '; fan-out through Redis' : '';
    const metrics = server.metricsUrl ? `; metrics on ${server.metricsUrl}` : '';
    process.stderr.write(
      `${where}${fanout}${config.staticDir ? '; serving the web client' : ''}${metrics}\n`,
    );
    process.stdout.write(`tacet server listening on ${server.url}\n`);
    const reload = () => {
      if (!config.tlsCertFile) return;
      server
        .reloadTls()
        .catch((e: Error) =>
          process.stderr.write(`tacet: TLS reload failed, keeping the old certificate: ${e.message}\n`),
        );
    };
    process.on('SIGHUP', reload);
    await new Promise<void>((done) => {
      const stop = () => {
        process.stderr.write('stopping...\n');
        void server.close().then(done);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    process.off('SIGHUP', reload);
  });
}
