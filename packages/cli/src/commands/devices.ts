/** `tacet devices`: this account's devices as its signed device list names them, the current one marked. */
import type { Command } from 'commander';
import { type GlobalOptions, withClient } from '../session.js';

export function registerDevicesCommand(program: Command, g: () => GlobalOptions): void {
  program
    .command('devices')
    .description('list the devices of your account (from its signed device list), this one marked')
    .action(async () => {
      await withClient(g(), async (c) => {
        for (const d of await c.devices()) {
          process.stdout.write(`${d.deviceId}${d.current ? '  (this device)' : ''}\n`);
        }
      });
    });
}
