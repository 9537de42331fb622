/** `tacet add`, `tacet contacts`, `tacet safety-number`, `tacet verify`. */
import type { Contact, TacetClient } from '@tacet/client';
import { formatDuration, safetyNumberRows } from '@tacet/client';
import type { Command } from 'commander';
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
