/** `tacet server`: the server on its embedded SQLite, serving the web client when built. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { serverDataDir } from '../paths.js';

/** packages/web/dist, relative to this file in src/commands or dist/commands. */
function webDist(): string | undefined {
  const dir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'web', 'dist');
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}

interface ServerOptions {
  data?: string;
  port: string;
  host: string;
  powBits?: string;
  postgres?: string;
  redis?: string;
}

export function registerServerCommand(program: Command): void {
  program
    .command('server')
    .description('run a tacet server')
    .option('--data <dir>', 'data directory (default $XDG_DATA_HOME/tacet/server)')
    .option('--port <port>', 'TCP port', '8080')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--pow-bits <bits>', 'proof-of-work difficulty for registration (default 20)')
    .option('--postgres <url>', 'store in PostgreSQL instead of SQLite (env TACET_POSTGRES_URL)')
    .option('--redis <url>', 'wake other nodes through Redis pub/sub (env TACET_REDIS_URL)')
    .action(async (o: ServerOptions) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new CliError(`--port ${o.port} is not a port`, 2);
      }
      const powBits = o.powBits === undefined ? undefined : Number(o.powBits);
      if (powBits !== undefined && !(Number.isInteger(powBits) && powBits >= 0 && powBits <= 32)) {
        throw new CliError('--pow-bits takes an integer from 0 to 32', 2);
      }
      // Nodes behind one address must accept each other's proof-of-work challenges.
      // From the environment only: a secret on the command line shows in `ps`.
      const powSecret = process.env.TACET_POW_SECRET;
      if (powSecret !== undefined && !/^([0-9a-fA-F]{2}){16,}$/.test(powSecret)) {
        throw new CliError('TACET_POW_SECRET takes at least 16 bytes in hex', 2);
      }
      const { startServer } = await import('@tacet/server');
      const staticDir = webDist();
      const dataDir = resolve(o.data ?? serverDataDir());
      const config = {
        dataDir,
        port,
        host: o.host,
        ...(staticDir ? { staticDir } : {}),
        ...(powBits === undefined ? {} : { powBits }),
        // Several nodes share these; without them the embedded SQLite default stays.
        postgresUrl: o.postgres ?? process.env.TACET_POSTGRES_URL,
        redisUrl: o.redis ?? process.env.TACET_REDIS_URL,
        ...(powSecret ? { powSecret: Buffer.from(powSecret, 'hex') } : {}),
      };
      const server = await startServer(config).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'EADDRINUSE')
          throw new CliError(`port ${port} is in use; pick another with --port`, 1);
        throw e;
      });
      // URLs stay out of the output: they may carry a password.
      const where = config.postgresUrl ? 'data in PostgreSQL' : `data in ${dataDir}`;
      const fanout = config.redisUrl ? '; fan-out through Redis' : '';
      process.stderr.write(`${where}${fanout}${staticDir ? '; serving the web client' : ''}\n`);
      process.stdout.write(`tacet server listening on ${server.url}\n`);
      await new Promise<void>((done) => {
        const stop = () => {
          process.stderr.write('stopping...\n');
          void server.close().then(done);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
