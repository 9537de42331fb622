#!/usr/bin/env node
/**
 * The `tacet` command. Every subcommand lives in src/commands; this file
 * only wires them, maps errors to one clear line and an exit code, and
 * exits once the command's own work is done.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { report } from './cli-error.js';
import { registerAccountCommands } from './commands/account.js';
import { registerAccountDelete } from './commands/account-delete.js';
import { registerAdminCommands } from './commands/admin.js';
import { registerChatCommand } from './commands/chat.js';
import { registerContactCommands } from './commands/contacts.js';
import { registerDevicesCommand } from './commands/devices.js';
import { registerGroupCommands } from './commands/groups.js';
import { registerLinkCommand } from './commands/link.js';
import { registerMessageCommands } from './commands/messages.js';
import { registerSendFileCommand } from './commands/send-file.js';
import { registerServerCommand } from './commands/server.js';
import { profileDir } from './paths.js';
import { runReaper } from './reaper.js';
import type { GlobalOptions } from './session.js';

// package.json sits one level above both src/bin.ts and dist/bin.js.
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command();
program
  .name('tacet')
  .description('private messaging that leaves nothing behind')
  .version(version, '-V, --version', 'print the tacet version')
  .option('--profile <dir>', 'profile directory (default $TACET_HOME or $XDG_DATA_HOME/tacet/profile)')
  .showHelpAfterError()
  .configureOutput({ outputError: (s, write) => write(s) });

const g = (): GlobalOptions => program.opts<GlobalOptions>();
registerServerCommand(program);
registerAdminCommands(program);
registerAccountCommands(program, g);
registerAccountDelete(program, g);
registerContactCommands(program, g);
registerGroupCommands(program, g);
registerDevicesCommand(program, g);
registerLinkCommand(program, g);
registerMessageCommands(program, g);
registerSendFileCommand(program, g);
registerChatCommand(program, g);
program.command('reap', { hidden: true }).action(() => runReaper(profileDir(g().profile)));

program.exitOverride();
try {
  await program.parseAsync(process.argv);
} catch (e) {
  const code = (e as { code?: string }).code;
  if (code === 'commander.helpDisplayed' || code === 'commander.version') process.exitCode = 0;
  else if (typeof code === 'string' && code.startsWith('commander.')) process.exitCode = 2;
  else process.exitCode = report(e);
}
// Every command has finished and closed what it opened; only fetch's idle
// keep-alive sockets remain, which would hold the process for seconds.
process.exit();
