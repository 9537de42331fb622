/**
 * `tacet account delete`: removes the account from the server, then shreds
 * the local profile: the encrypted store with its journal, the reaper's pid
 * file and the attachment scratch directory. Only tacet's own files go (the
 * profile directory may be one the person chose). Asks for part of the
 * account id as confirmation unless --yes is given.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { TacetClient } from '@tacet/client';
import { nodeWebSocket, STORE_FILE } from '@tacet/client/node';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { PID_FILE } from '../reaper.js';
import { type GlobalOptions, openStore } from '../session.js';

async function confirmed(accountId: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  process.stderr.write(
    `This deletes your account ${accountId} on the server and every message and key on this machine.\n` +
      'It cannot be undone; your contacts will no longer reach you.\n',
  );
  const answer = await rl.question('Type the last 5 characters of your id to confirm: ');
  rl.close();
  return answer.trim() === accountId.slice(-5);
}

export function registerAccountDelete(program: Command, g: () => GlobalOptions): void {
  program
    .command('account')
    .description('manage your account')
    .command('delete')
    .description('delete your account on the server and shred this profile')
    .option('--yes', 'do not ask for confirmation (scripts)')
    .action(async (o: { yes?: boolean }) => {
      const { dir, store } = await openStore(g());
      let client: TacetClient;
      try {
        client = await TacetClient.open({ store, webSocket: nodeWebSocket });
      } catch (e) {
        await store.close();
        throw e;
      }
      if (!o.yes && !(await confirmed(client.accountId))) {
        await client.close();
        throw new CliError('not confirmed; nothing was deleted (use --yes in scripts)', 2);
      }
      const id = client.accountId;
      await client.deleteAccount(); // closes the client and its store
      for (const f of [
        STORE_FILE,
        `${STORE_FILE}-wal`,
        `${STORE_FILE}-shm`,
        `${STORE_FILE}-journal`,
        PID_FILE,
      ])
        rmSync(join(dir, f), { force: true });
      rmSync(join(dir, 'tmp'), { recursive: true, force: true });
      if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true, force: true });
      process.stderr.write(`deleted account ${id} on the server and shredded ${dir}\n`);
    });
}
