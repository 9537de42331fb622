/**
 * `tacet devices`: this account's devices as its signed device list names
 * them, the current one marked; `tacet devices link CODE` links a new device
 * from the code it shows; `tacet devices remove N` unlinks device N.
 */
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { confirmComparison } from '../link-confirm.js';
import { type GlobalOptions, withClient } from '../session.js';

export function registerDevicesCommand(program: Command, g: () => GlobalOptions): void {
  const devices = program
    .command('devices')
    .description('list the devices of your account (from its signed device list), this one marked')
    .action(async () => {
      await withClient(g(), async (c) => {
        for (const d of await c.devices()) {
          process.stdout.write(`${d.deviceId}${d.current ? '  (this device)' : ''}\n`);
        }
      });
    });

  devices
    .command('link <code>')
    .description('link a new device: enter the code that `tacet link` shows on it')
    .option('--confirm <code>', 'the comparison code the new device shows (scripts; default: ask)')
    .action(async (code: string, o: { confirm?: string }) => {
      await withClient(g(), async (c) => {
        const link = await c.linkDevice(code);
        try {
          await confirmComparison(link.comparison, 'new device', o.confirm);
        } catch (e) {
          link.cancel();
          throw e;
        }
        process.stderr.write('Waiting for the new device to confirm too...\n');
        const { deviceId } = await link.confirm();
        process.stderr.write(`Linked: the new device is device ${deviceId} of your account.\n`);
        process.stdout.write(`${deviceId}\n`);
      });
    });

  devices
    .command('remove <n>')
    .description('unlink device N: it gets no more messages and cannot sign in again')
    .action(async (n: string) => {
      const deviceId = Number(n);
      if (!/^[1-9][0-9]{0,2}$/.test(n))
        throw new CliError(`"${n}" is not a device number; tacet devices lists them`, 2);
      await withClient(g(), async (c) => {
        await c.removeDevice(deviceId);
        process.stderr.write(`Device ${deviceId} is unlinked: it gets no more messages.\n`);
      });
    });
}
