/** What a typed chat line means: commands are never messages; unknown ones are refused. */
import { describe, expect, it } from 'vitest';
import { parseLine } from '../src/chat/commands.js';

describe('tacet chat input', () => {
  it('sends text, //text and @name text; switches with /switch and a bare @name', () => {
    expect(parseLine('  hello  ')).toEqual({ kind: 'send', text: 'hello' });
    expect(parseLine('//help is literal')).toEqual({ kind: 'send', text: '/help is literal' });
    expect(parseLine('@bob see you')).toEqual({ kind: 'send', to: 'bob', text: 'see you' });
    expect(parseLine('@bob')).toEqual({ kind: 'switch', to: 'bob' });
    expect(parseLine('/switch carol')).toEqual({ kind: 'switch', to: 'carol' });
    expect(parseLine('')).toEqual({ kind: 'none' });
  });

  it('never turns a command into a message', () => {
    for (const line of ['/help', '/HELP', '/quit', '/frobnicate', '/x y z', '/switch', '/timer', '/reply x'])
      expect(parseLine(line).kind, line).not.toBe('send');
    expect(parseLine('/frobnicate now')).toEqual({ kind: 'refused', message: 'unknown command, try /help' });
    expect(parseLine('/switch')).toEqual({ kind: 'refused', message: 'usage: /switch name' });
  });

  it('parses the message actions with their numbers', () => {
    expect(parseLine('/reply 2 yes please')).toEqual({ kind: 'reply', n: 2, text: 'yes please' });
    expect(parseLine('/react 3 👍')).toEqual({ kind: 'react', n: 3, emoji: '👍' });
    expect(parseLine('/react 3 -')).toEqual({ kind: 'react', n: 3, emoji: '' });
    expect(parseLine('/edit 4 fixed')).toEqual({ kind: 'edit', n: 4, text: 'fixed' });
    expect(parseLine('/delete 5')).toEqual({ kind: 'delete', n: 5 });
    expect(parseLine('/receipts on')).toEqual({ kind: 'receipts', on: true });
    expect(parseLine('/delete 5 extra').kind).toBe('refused');
    expect(parseLine('/receipts maybe').kind).toBe('refused');
  });
});
