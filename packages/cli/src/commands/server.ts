/**
 * `tacet server`: the server, configured from flags, `TACET_*` variables and
 * a TOML file (config/server-settings.ts is the schema), on the embedded
 * SQLite unless PostgreSQL is configured, serving the web client when one is
 * bundled. SIGHUP re-reads the TLS certificate; SIGINT/SIGTERM drain and stop.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { loadSettings, toServerConfig } from '../config/load-settings.js';
import { printSettings } from '../config/print-settings.js';
import { SERVER_SETTINGS } from '../config/server-settings.js';
import { serverDataDir } from '../paths.js';

/**
 * The built web client: next to the installed package (`web/`, put there by
 * `npm pack`, see scripts/bundle-web.mjs) or packages/web/dist in a checkout.
 */
export function bundledWebDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [resolve(here, '..', '..', 'web'), resolve(here, '..', '..', '..', 'web', 'dist')])
    if (existsSync(join(dir, 'index.html'))) return dir;
  return undefined;
}

type ServerOptions = Record<string, string | undefined> & { config?: string; printConfig?: boolean };

const repeatable = (value: string, previous?: string) => (previous ? `${previous},${value}` : value);

export function registerServerCommand(program: Command): void {
  const cmd = program
    .command('server')
    .description('run a tacet server (see docs/operations.md for every setting)')
    .option('--config <file>', 'TOML config file (env TACET_CONFIG)')
    .option('--print-config', 'print the effective configuration, without secrets, and exit');
  for (const s of SERVER_SETTINGS) {
    if (!s.flag) continue;
    const help = `${s.help} (env ${s.env})`;
    if (s.flag === 'trust-proxy') cmd.option(`--${s.flag} <cidr>`, `${help}; repeatable`, repeatable);
    else cmd.option(`--${s.flag} <value>`, help);
  }
  cmd.action(async (o: ServerOptions) => {
    const file = o.config ?? process.env.TACET_CONFIG;
    const loaded = loadSettings({
      flags: o,
      env: process.env,
      ...(file ? { file } : {}),
      defaults: { data_dir: serverDataDir(), web_dir: bundledWebDir() },
    });
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
