/**
 * Chat commands that act on a message shown on screen, named by the number
 * in front of it: /reply 3 text, /react 3 👍 (/react 3 - takes it back),
 * /edit 3 text and /delete 3 (one's own messages), and /receipts on|off.
 */

export type MessageCommand =
  | { kind: 'reply'; n: number; text: string }
  | { kind: 'react'; n: number; emoji: string }
  | { kind: 'edit'; n: number; text: string }
  | { kind: 'delete'; n: number }
  | { kind: 'receipts'; on: boolean };

export const MESSAGE_HELP: readonly string[] = [
  '/reply N text      reply to message N (the number in front of it)',
  '/react N 👍        react to message N; /react N - takes it back',
  '/edit N text       change your message N (shown as edited)',
  '/delete N          delete your message N for everyone',
  '/receipts on|off   send read receipts (off unless turned on)',
];

/** Parses one of the commands above; null = not one of them; a string = refused, with usage. */
export function parseMessageCommand(name: string, arg: string): MessageCommand | string | null {
  const m = /^(\d+)\s*(.*)$/s.exec(arg);
  const n = m ? Number(m[1]) : 0;
  const rest = m ? (m[2] as string).trim() : '';
  switch (name) {
    case 'reply':
    case 'r':
      return n > 0 && rest ? { kind: 'reply', n, text: rest } : 'usage: /reply N text';
    case 'react':
      return n > 0 && rest && !/\s/.test(rest)
        ? { kind: 'react', n, emoji: rest === '-' ? '' : rest }
        : 'usage: /react N 👍 (or /react N - to take it back)';
    case 'edit':
      return n > 0 && rest ? { kind: 'edit', n, text: rest } : 'usage: /edit N new text';
    case 'delete':
      return n > 0 && !rest ? { kind: 'delete', n } : 'usage: /delete N';
    case 'receipts':
      return arg === 'on' || arg === 'off'
        ? { kind: 'receipts', on: arg === 'on' }
        : 'usage: /receipts on|off';
    default:
      return null;
  }
}
