/** `tacet register` and `tacet id`: creating an anonymous account, showing its id. */
import { TacetClient } from '@tacet/client';
import { nodeWebSocket } from '@tacet/client/node';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { terminalQr } from '../qr.js';
import { type GlobalOptions, openStore, withClient } from '../session.js';

function progressPrinter(): (attempts: number, expected: number) => void {
  let last = -1;
  return (attempts, expected) => {
    if (last < 0)
      process.stderr.write(`Solving the proof-of-work (about ${expected.toLocaleString('en')} hashes)...\n`);
    const pct = Math.min(99, Math.floor((100 * attempts) / expected));
    if (pct === last) return;
    last = pct;
    if (process.stderr.isTTY) process.stderr.write(`\r${pct}%`);
    else if (pct % 25 === 0) process.stderr.write(`${pct}%\n`);
  };
}

export function registerAccountCommands(program: Command, g: () => GlobalOptions): void {
  program
    .command('register')
    .description('create an anonymous account on a server (no phone number, no e-mail)')
    .requiredOption('--server <url>', 'the tacet server, e.g. http://127.0.0.1:8080')
    .action(async (o: { server: string }) => {
      if (!/^https?:\/\/[^/]+/.test(o.server))
        throw new CliError(`"${o.server}" is not a server URL like http://host:port`, 2);
      const { store } = await openStore(g(), true);
      let client: TacetClient;
      try {
        client = await TacetClient.register({
          store,
          webSocket: nodeWebSocket,
          serverUrl: o.server,
          onProgress: progressPrinter(),
        });
      } catch (e) {
        await store.close();
        throw e;
      }
      process.stderr.write(process.stderr.isTTY ? '\r100%\n' : '100%\n');
      process.stderr.write('Registered. Share your tacet id with the people you want to talk to:\n');
      process.stdout.write(`${client.accountId}\n`);
      await client.close();
    });

  program
    .command('id')
    .description('print your tacet id, with a QR code')
    .action(async () => {
      await withClient(g(), async (c) => {
        process.stdout.write(`${c.accountId}\n`);
        if (process.stdout.isTTY || process.env.TACET_QR) process.stdout.write(await terminalQr(c.accountId));
      });
    });
}
