/**
 * `tacet link --server URL`: makes this (empty) profile a new device of an
 * existing account. Prints the link code, waits for the other device, shows
 * the comparison code and asks for the other device's, then prints the
 * account id on its last line.
 */
import { TacetClient } from '@tacet/client';
import { nodeWebSocket, shredFile } from '@tacet/client/node';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { confirmComparison } from '../link-confirm.js';
import { type GlobalOptions, openStore } from '../session.js';

export function registerLinkCommand(program: Command, g: () => GlobalOptions): void {
  program
    .command('link')
    .description('make this profile a new device of your existing account (no camera needed)')
    .requiredOption('--server <url>', 'the tacet server your account is on')
    .option('--confirm <code>', 'the comparison code the other device shows (scripts; default: ask)')
    .action(async (o: { server: string; confirm?: string }) => {
      if (!/^https?:\/\/[^/]+/.test(o.server))
        throw new CliError(`"${o.server}" is not a server URL like http://host:port`, 2);
      const { store } = await openStore(g(), true);
      let link: Awaited<ReturnType<typeof TacetClient.beginLink>>;
      try {
        link = await TacetClient.beginLink({
          store,
          webSocket: nodeWebSocket,
          serverUrl: o.server,
          shredFile,
        });
      } catch (e) {
        await store.close();
        throw e;
      }
      const minutes = Math.round((link.expiresAt - Date.now()) / 60_000);
      process.stderr.write(
        `On a device already in your account, run (within ${minutes} minutes):\n  tacet devices link CODE\nwith this code:\n`,
      );
      process.stdout.write(`${link.code}\n`);
      process.stderr.write('Waiting for your other device...\n');
      let client: TacetClient;
      try {
        const mine = await link.comparison();
        await confirmComparison(mine, 'other device', o.confirm);
        process.stderr.write('Receiving your account...\n');
        client = await link.confirm();
      } catch (e) {
        await link.cancel().catch(() => undefined);
        await store.close();
        throw e;
      }
      process.stderr.write(`Linked as device ${client.account.deviceId} of your account:\n`);
      process.stdout.write(`${client.accountId}\n`);
      await client.close();
    });
}
