/**
 * Carrying out /reply, /react, /edit, /delete and /receipts in the chat
 * session, in a 1:1 conversation or a group alike. Each names a message by its number on screen (1 = the oldest of
 * the open conversation). They run in the background like sends: waiting
 * for the server never blocks the keyboard.
 */
import type { MessageRecord, TacetClient } from '@tacet/client';
import { sendText } from './chat-conversation.js';
import type { MessageCommand } from './message-commands.js';
import { type ChatState, messageNumbered } from './render.js';

/** Runs `cmd`; returns the notice to show now (its outcome replaces it later via `say`). */
export async function performMessageCommand(
  c: TacetClient,
  s: ChatState,
  cmd: MessageCommand,
  say: (notice: string) => void,
  redraw: () => void,
): Promise<string> {
  if (cmd.kind === 'receipts') {
    await c.setReadReceipts(cmd.on);
    // What is on screen now counts as read too: report it on the next redraw.
    if (cmd.on) s.readReported.clear();
    return cmd.on
      ? 'read receipts on: your contacts see when you have read their messages'
      : 'read receipts off';
  }
  const open = s.current;
  if (!open) return 'no conversation open; /switch name first';
  const m: MessageRecord | undefined = messageNumbered(s.messages, cmd.n);
  if (!m) return `no message ${cmd.n} here; the numbers are in front of each message`;
  const background = (work: Promise<unknown>, done: string) =>
    work.then(
      () => {
        say(done);
        redraw();
      },
      (e: Error) => {
        say(e.message);
        redraw();
      },
    );
  switch (cmd.kind) {
    case 'reply':
      void background(sendText(c, open, cmd.text, m.id), '');
      return '';
    case 'react':
      void background(
        c.react(m.id, cmd.emoji),
        cmd.emoji ? `reacted ${cmd.emoji} to ${cmd.n}` : 'reaction taken back',
      );
      return '';
    case 'edit':
      if (m.direction !== 'out') return 'you can only edit your own messages';
      void background(c.edit(m.id, cmd.text), `message ${cmd.n} edited`);
      return '';
    case 'delete':
      if (m.direction !== 'out') return 'you can only delete your own messages for everyone';
      void background(c.deleteForEveryone(m.id), `message ${cmd.n} deleted for everyone`);
      return '';
  }
}
