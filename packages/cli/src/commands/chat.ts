/**
 * `tacet chat [NAME]`: one full-screen session for all conversations
 * (chat/session.ts), opened on NAME or on the first contact. The profile is
 * unlocked once for the whole session.
 */
import type { Command } from 'commander';
import { runChatSession } from '../chat/session.js';
import { type GlobalOptions, withClient } from '../session.js';

export function registerChatCommand(program: Command, g: () => GlobalOptions): void {
  program
    .command('chat')
    .description('full-screen chat with all your contacts (@name text, /switch name, /help)')
    .argument('[name]', 'the conversation to open first')
    .action(async (name: string | undefined) => {
      await withClient(g(), (c) => runChatSession(c, name));
    });
}
