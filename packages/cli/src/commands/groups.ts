/**
 * `tacet group create|add|remove|leave|members|rename|promote|demote` and
 * `tacet groups`: groups kept only on members' devices (docs/groups.md).
 * Each change exits 0 once the server holds every member's copy.
 */
import { formatDuration, type GroupInfo, type TacetClient } from '@tacet/client';
import type { Command } from 'commander';
import { type GlobalOptions, withClient } from '../session.js';

function memberList(g: GroupInfo): string {
  return g.members.map((m) => `${m.name}${m.admin ? ' (admin)' : ''}`).join(', ');
}

/** Runs one group change on a connected client and prints its outcome. */
function change(
  g: () => GlobalOptions,
  work: (c: TacetClient) => Promise<GroupInfo>,
  done: (g: GroupInfo) => string,
) {
  return withClient(g(), async (c) => {
    // Offline: the change itself reports the unreachable server clearly.
    const online = await c.connect().then(
      () => true,
      () => false,
    );
    // Changes waiting on the server first: a change signed on a stale state could lose to them.
    if (online) await c.waitForDrain(10_000).catch(() => undefined);
    const info = await work(c);
    process.stdout.write(`${done(info)}\n`);
  });
}

export function registerGroupCommands(program: Command, g: () => GlobalOptions): void {
  const group = program.command('group').description('create and change groups (see tacet groups)');

  group
    .command('create')
    .description('create a group with you as its admin')
    .argument('<name>', 'the group name, as members will see it')
    .argument('<contacts...>', 'contacts to put in it (names or ids)')
    .action((name: string, contacts: string[]) =>
      change(
        g,
        (c) => c.groups.create(name, contacts),
        (i) => `created ${i.name}: ${memberList(i)}`,
      ),
    );

  group
    .command('add')
    .description('add contacts to a group (admins); they cannot read earlier messages')
    .argument('<group>')
    .argument('<contacts...>')
    .action((name: string, contacts: string[]) =>
      change(
        g,
        (c) => c.groups.add(name, contacts),
        (i) => `${i.name}: ${memberList(i)}`,
      ),
    );

  group
    .command('remove')
    .description('remove a member (admins); they can read nothing sent afterwards')
    .argument('<group>')
    .argument('<member>')
    .action((name: string, member: string) =>
      change(
        g,
        (c) => c.groups.remove(name, member),
        (i) => `removed ${member} from ${i.name}`,
      ),
    );

  group
    .command('leave')
    .description('leave a group')
    .argument('<group>')
    .action((name: string) =>
      change(
        g,
        (c) => c.groups.leave(name),
        (i) => `you left ${i.name}`,
      ),
    );

  group
    .command('rename')
    .description('rename a group (admins)')
    .argument('<group>')
    .argument('<new-name>')
    .action((name: string, next: string) =>
      change(
        g,
        (c) => c.groups.rename(name, next),
        (i) => `${name} is now ${i.name}`,
      ),
    );

  for (const [verb, what] of [
    ['promote', 'make a member an admin'],
    ['demote', 'make an admin a plain member'],
  ] as const)
    group
      .command(verb)
      .description(`${what} (admins)`)
      .argument('<group>')
      .argument('<member>')
      .action((name: string, member: string) =>
        change(
          g,
          (c) => c.groups[verb](name, member),
          (i) => `${i.name}: ${memberList(i)}`,
        ),
      );

  group
    .command('members')
    .description("list a group's members")
    .argument('<group>')
    .action(async (name: string) => {
      await withClient(g(), async (c) => {
        const info = await c.groups.get(name);
        if (!info.member) process.stderr.write(`you are no longer a member of ${info.name}\n`);
        for (const m of info.members)
          process.stdout.write(`${m.name}\t${m.accountId}${m.admin ? '\tadmin' : ''}\n`);
      });
    });

  program
    .command('groups')
    .description('list your groups')
    .action(async () => {
      await withClient(g(), async (c) => {
        const all = await c.groups.list();
        if (all.length === 0)
          process.stderr.write('no groups yet; create one with: tacet group create NAME CONTACT...\n');
        for (const i of all) {
          const left = i.member ? '' : '\t(left)';
          process.stdout.write(
            `${i.name}\t${i.members.length} members\ttimer ${formatDuration(i.timerSeconds)}${i.admin ? '\tadmin' : ''}${left}\n`,
          );
        }
      });
    });
}
