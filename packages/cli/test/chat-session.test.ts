/**
 * The terminal client as a person uses it, in a pseudo-terminal: a visible
 * passphrase prompt, one unlock for a session with every contact, commands
 * that are never sent, a status line that follows the connection through an
 * outage, the sender's countdown starting at ✓, and /quit giving the
 * terminal back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESTORE } from '../src/chat/terminal.js';
import { startTacetServer, tacet, tacetInPty, until } from './support/run.js';

const root = mkdtempSync(join(tmpdir(), 'tacet-chat-'));
const dir = (n: string) => join(root, n);
let server: Awaited<ReturnType<typeof startTacetServer>>;
const ids: Record<string, string> = {};
/** Screen output after the last mark, so a check sees only what was drawn since. */
type Pty = ReturnType<typeof tacetInPty>;
const since = (p: Pty, mark: number) => p.output.slice(mark);
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escapes
const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

beforeAll(async () => {
  server = await startTacetServer(dir('server'));
  for (const name of ['bob', 'carol']) {
    const r = await tacet(['--profile', dir(name), 'register', '--server', server.url]);
    expect(r.code, r.stderr).toBe(0);
    ids[name] = r.stdout.trim().split('\n').pop() as string;
  }
}, 90_000);

afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('tacet in a terminal', { timeout: 90_000 }, () => {
  it('prints its version', async () => {
    const r = await tacet(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('register shows its passphrase prompts, echoes nothing typed, and creates the account', async () => {
    const reg = tacetInPty(['--profile', dir('alice'), 'register', '--server', server.url], {
      TACET_PASSPHRASE: '',
      TACET_SCRYPT_LOG_N: '14',
    });
    await until(() => reg.output.includes('Choose a passphrase for this profile: '), 40_000, 'first prompt');
    reg.type('correct horse\r');
    await until(() => reg.output.includes('Type it again: '), 10_000, 'second prompt');
    reg.type('correct horse\r');
    expect(await reg.exited).toBe(0);
    // The prompts stayed on screen: nothing moved the cursor back over them or erased the line.
    expect(reg.output).not.toContain('\x1b[1G');
    expect(reg.output).not.toContain('\x1b[0J');
    expect(reg.output).not.toContain('correct horse');
    ids.alice = (/\b([0-9a-z]{27})\b/.exec(plain(reg.output)) as RegExpExecArray)[1] as string;
    for (const [who, other] of [
      ['alice', 'bob'],
      ['alice', 'carol'],
      ['bob', 'alice'],
      ['carol', 'alice'],
    ] as const) {
      const env: Record<string, string> = who === 'alice' ? { TACET_PASSPHRASE: 'correct horse' } : {};
      const r = await tacet(['--profile', dir(who), 'add', ids[other] as string, other], env);
      expect(r.code, r.stderr).toBe(0);
    }
  });

  it('one unlock opens every conversation: commands, @name, unread counts, /switch, outage, ✓ countdown, /quit', async () => {
    const chat = tacetInPty(['--profile', dir('alice'), 'chat'], { TACET_PASSPHRASE: '' });
    try {
      await until(() => chat.output.includes('Passphrase: '), 40_000, 'unlock prompt');
      chat.type('correct horse\r');
      await until(() => chat.output.includes('● online'), 40_000, 'status line online');
      expect(chat.output).toContain('tacet · bob');

      let mark = chat.output.length;
      chat.type('/help\r');
      await until(() => since(chat, mark).includes('/switch name'), 5_000, '/help list');
      mark = chat.output.length;
      chat.type('/frobnicate now\r');
      await until(() => since(chat, mark).includes('unknown command, try /help'), 5_000, 'refusal');

      // A message from carol while bob's conversation is open is counted, not shown.
      const fromCarol = await tacet(['--profile', dir('carol'), 'send', 'alice', 'carol says hi']);
      expect(fromCarol.code, fromCarol.stderr).toBe(0);
      await until(() => chat.output.includes('unread: carol 1'), 20_000, 'unread count');
      expect(chat.output).not.toContain('carol says hi');

      chat.type('@carol reply without switching\r');
      await until(() => chat.output.includes('sent to carol ✓'), 20_000, '@name send');
      chat.type('/switch carol\r');
      await until(() => chat.output.includes('carol says hi'), 10_000, 'switched conversation');
      mark = chat.output.length;
      await until(() => /● online · \/help/.test(since(chat, mark)), 5_000, 'unread cleared');

      // Outage: the status line says so, and says so again when the server is back.
      const port = new URL(server.url).port;
      await server.stop();
      await until(() => chat.output.includes('offline · reconnecting'), 20_000, 'status line offline');
      chat.type('/timer 5s\r');
      mark = chat.output.length;
      chat.type('written while offline\r');
      await until(() => /written while offline[^\n]*…/.test(plain(since(chat, mark))), 10_000, 'pending');
      expect(plain(since(chat, mark))).not.toMatch(/written while offline[^\n]*⏱/);
      server = await startTacetServer(dir('server'), ['--port', port]);
      mark = chat.output.length;
      await until(() => since(chat, mark).includes('● online'), 30_000, 'status line back online');
      // Its countdown starts only now that the server has it.
      await until(
        () => /written while offline[^\n]*✓+[^\n]*⏱ [45]s/.test(plain(since(chat, mark))),
        20_000,
        'countdown from ✓',
      );

      chat.type('/quit\r');
      expect(await chat.exited).toBe(0);
      expect(chat.output).toContain(RESTORE);
    } finally {
      chat.child.kill();
    }
    // Neither the refused command nor /help reached anyone; the @carol message did.
    const bob = await tacet(['--profile', dir('bob'), 'receive', '--wait', '5', '--json']);
    const bobBodies = bob.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).body);
    expect(bobBodies.some((b: string) => b.startsWith('/'))).toBe(false);
    const carol = await tacet(['--profile', dir('carol'), 'receive', '--wait', '10', '--json']);
    const carolBodies = carol.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).body);
    expect(carolBodies).toContain('reply without switching');
    expect(carolBodies).toContain('written while offline');
    expect(carolBodies.some((b: string) => b.startsWith('/'))).toBe(false);
  });
});
