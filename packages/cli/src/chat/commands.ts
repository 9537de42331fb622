/**
 * What a line typed into `tacet chat` means. A line starting with "/" is a
 * command and never a message: an unknown one is refused, so a mistyped
 * command is not sent to the contact. "//text" sends "/text"; "@name text"
 * sends to another conversation without leaving this one.
 */
import { MESSAGE_HELP, type MessageCommand, parseMessageCommand } from './message-commands.js';

export type ChatCommand =
  | { kind: 'none' }
  | { kind: 'send'; to?: string; text: string }
  | { kind: 'switch'; to: string }
  | { kind: 'timer'; duration: string }
  | { kind: 'file'; path: string }
  | { kind: 'accept' }
  | { kind: 'contacts' }
  | { kind: 'help' }
  | { kind: 'quit' }
  | { kind: 'refused'; message: string }
  | MessageCommand;

/** One line per command, shown by /help. */
export const HELP: readonly string[] = [
  'text + Enter       send to the open conversation',
  '@name text         send to name without switching',
  '/switch name       open the conversation with name (also: @name)',
  '/contacts          list conversations with unread counts',
  '/timer 5m          set the disappearing timer (30s, 5m, 1d, 4w or off)',
  '/file PATH         send a file or photo (photos lose their metadata first)',
  '/accept            accept a changed safety number (compare it first)',
  ...MESSAGE_HELP,
  '//text             send a message that starts with /',
  '/help              this list',
  '/quit              leave (also Ctrl-C)',
];

const UNKNOWN = 'unknown command, try /help';

function needs(arg: string, usage: string): string | null {
  return arg.length > 0 ? null : `usage: ${usage}`;
}

function command(name: string, arg: string): ChatCommand {
  const refuse = (message: string): ChatCommand => ({ kind: 'refused', message });
  switch (name) {
    case 'help':
    case '?':
      return { kind: 'help' };
    case 'quit':
    case 'q':
    case 'exit':
      return { kind: 'quit' };
    case 'accept':
      return { kind: 'accept' };
    case 'contacts':
    case 'c':
      return { kind: 'contacts' };
    case 'switch':
    case 's': {
      const bad = needs(arg, '/switch name');
      return bad ? refuse(bad) : { kind: 'switch', to: arg };
    }
    case 'timer': {
      const bad = needs(arg, '/timer 5m (or off)');
      return bad ? refuse(bad) : { kind: 'timer', duration: arg };
    }
    case 'file': {
      const bad = needs(arg, '/file PATH');
      return bad ? refuse(bad) : { kind: 'file', path: arg };
    }
    default: {
      const m = parseMessageCommand(name, arg);
      if (m === null) return refuse(UNKNOWN);
      return typeof m === 'string' ? refuse(m) : m;
    }
  }
}

/** @example parseLine('@bob hi') // { kind: 'send', to: 'bob', text: 'hi' } */
export function parseLine(line: string): ChatCommand {
  const text = line.trim();
  if (text.length === 0) return { kind: 'none' };
  if (text.startsWith('//')) return { kind: 'send', text: text.slice(1) };
  if (text.startsWith('/')) {
    const m = /^\/(\S+)\s*(.*)$/s.exec(text) as RegExpExecArray;
    return command((m[1] as string).toLowerCase(), (m[2] as string).trim());
  }
  if (text.startsWith('@')) {
    const m = /^@(\S+)\s*(.*)$/s.exec(text);
    if (!m) return { kind: 'refused', message: 'usage: @name text' };
    const [, to, body] = m as unknown as [string, string, string];
    return body.trim().length === 0 ? { kind: 'switch', to } : { kind: 'send', to, text: body.trim() };
  }
  return { kind: 'send', text };
}
