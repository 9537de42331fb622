/** `tacet add`, `tacet contacts`, `tacet safety-number`, `tacet verify`. */
import type { Contact, TacetClient } from '@tacet/client';
import { formatDuration, safetyNumberRows } from '@tacet/client';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { terminalQr } from '../qr.js';
import { type GlobalOptions, withClient } from '../session.js';

async function trustLabel(c: TacetClient, contact: Contact): Promise<string> {
  if (await c.isUntrusted(contact.accountId)) return 'SAFETY NUMBER CHANGED';
  const sn = await c.safetyNumber(contact.accountId).catch(() => undefined);
  return sn?.verified ? 'verified' : 'not verified';
}

export function registerContactCommands(program: Command, g: () => GlobalOptions): void {
  program
    .command('add')
    .description('add a contact by their tacet id')
    .argument('<id>', 'their tacet id')
    .argument('<name>', 'a name for them, used in other commands')
    .action(async (id: string, name: string) => {
      await withClient(g(), async (c) => {
        const contact = await c.addContact(id, name);
        process.stdout.write(`added ${contact.name} (${contact.accountId})\n`);
      });
    });

  program
    .command('rename')
    .description('give a contact a new name')
    .argument('<name>', 'their current name (or id)')
    .argument('<new-name>')
    .action(async (name: string, newName: string) => {
      await withClient(g(), async (c) => {
        const contact = await c.renameContact(name, newName);
        process.stdout.write(`${name} is now ${contact.name}\n`);
      });
    });

  program
    .command('remove')
    .description('delete a contact and shred your conversation with them')
    .argument('<name>')
    .action(async (name: string) => {
      await withClient(g(), async (c) => {
        await c.deleteContact(name);
        process.stdout.write(`removed ${name}; the conversation was shredded\n`);
      });
    });

  program
    .command('contacts')
    .description('list your contacts')
    .action(async () => {
      await withClient(g(), async (c) => {
        const all = await c.contacts.list();
        if (all.length === 0) process.stderr.write('no contacts yet; add one with: tacet add ID NAME\n');
        for (const contact of all) {
          const trust = await trustLabel(c, contact);
          process.stdout.write(
            `${contact.name}\t${contact.accountId}\ttimer ${formatDuration(contact.timerSeconds)}\t${trust}\n`,
          );
        }
      });
    });

  program
    .command('safety-number')
    .description('print the safety number to compare with a contact (in person or by a call)')
    .argument('<name>')
    .action(async (name: string) => {
      await withClient(g(), async (c) => {
        const sn = await c.safetyNumber(name);
        process.stdout.write(
          `${safetyNumberRows(sn.digits)
            .map((row) => row.join(' '))
            .join('\n')}\n`,
        );
        if (sn.changed)
          process.stderr.write(`${name}'s safety number has CHANGED since you last accepted it.\n`);
        if (process.stdout.isTTY || process.env.TACET_QR) process.stdout.write(await terminalQr(sn.digits));
        process.stderr.write(`If it matches what ${name} sees, run: tacet verify ${name}\n`);
      });
    });

  program
    .command('accept')
    .description(
      "accept a verified contact's changed devices (sending resumes), or the new key claiming to be a contact (its held-apart messages then appear)",
    )
    .argument('<name>')
    .action(async (name: string) => {
      await withClient(g(), async (c) => {
        const claim = (await c.claims()).find((k) => k.name === name || k.accountId === name);
        const devices = !claim && (await c.contacts.find(name)) && (await c.devicesPaused(name));
        if (devices) {
          await c.connect().catch(() => undefined); // what waited is sent on this connection
          await c.acceptDevices(name);
          process.stdout.write(`accepted ${name}'s changed devices; messages to ${name} are sent again\n`);
          return;
        }
        if (!claim)
          throw new CliError(`no new key claims to be ${name}, and ${name}'s devices did not change`, 1);
        process.stderr.write(
          `a new key claims to be ${claim.name}: ${claim.held} message(s) held apart, not shown.\n` +
            `It may be ${claim.name} on a new device, or someone else; accept it only if you expected it.\n`,
        );
        await c.connect().catch(() => undefined); // the directory is asked again before accepting
        const shown = await c.acceptClaim(claim.accountId);
        process.stdout.write(`accepted the new key of ${claim.name}; ${shown} held message(s) now shown\n`);
        if (await c.isUntrusted(claim.accountId))
          process.stderr.write(
            `${claim.name} was verified: nothing is sent to the new key until you compare the new safety number ` +
              `(tacet safety-number ${claim.name}) and run tacet verify ${claim.name}\n`,
          );
      });
    });

  program
    .command('verify')
    .description('mark a contact verified after comparing safety numbers (also accepts a changed one)')
    .argument('<name>')
    .action(async (name: string) => {
      await withClient(g(), async (c) => {
        await c.verify(name);
        process.stdout.write(`${name} is verified\n`);
      });
    });
}
