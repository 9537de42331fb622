/**
 * Replies, reactions, edits, delete for everyone and read receipts typed in
 * `tacet chat` (pseudo-terminal) and seen in the peer's chat; then
 * `tacet account delete` removes the account on the server and shreds the
 * profile.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTacetServer, tacet, tacetInPty, until } from './support/run.js';

const root = mkdtempSync(join(tmpdir(), 'tacet-actions-'));
const dir = (n: string) => join(root, n);
let server: Awaited<ReturnType<typeof startTacetServer>>;
const ids: Record<string, string> = {};
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escapes
const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

beforeAll(async () => {
  server = await startTacetServer(dir('server'));
  for (const name of ['alice', 'bob']) {
    const r = await tacet(['--profile', dir(name), 'register', '--server', server.url]);
    expect(r.code, r.stderr).toBe(0);
    ids[name] = r.stdout.trim().split('\n').pop() as string;
  }
  expect((await tacet(['--profile', dir('alice'), 'add', ids.bob as string, 'bob'])).code).toBe(0);
  expect((await tacet(['--profile', dir('bob'), 'add', ids.alice as string, 'alice'])).code).toBe(0);
  // No countdowns: the numbered messages must stay put for the whole test.
  expect((await tacet(['--profile', dir('alice'), 'timer', 'bob', 'off'])).code).toBe(0);
}, 90_000);

afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('acting on messages in tacet chat', { timeout: 120_000 }, () => {
  it('/reply, /react, /edit, /delete and /receipts reach the other side', async () => {
    expect((await tacet(['--profile', dir('bob'), 'send', 'alice', 'first from bob'])).code).toBe(0);
    const a = tacetInPty(['--profile', dir('alice'), 'chat', 'bob']);
    try {
      await until(() => /1 \d\d:\d\d bob: first from bob/.test(plain(a.output)), 30_000, 'numbered message');
      a.type('/receipts on\r');
      await until(() => a.output.includes('read receipts on'), 10_000, 'receipts on');
      a.type('/reply 1 a quoted answer\r');
      await until(() => plain(a.output).includes('↳ replying to bob: first from bob'), 20_000, 'quote');
      a.type('/react 1 👍\r');
      await until(() => plain(a.output).includes('first from bob [👍 you]'), 20_000, 'reaction');
      a.type('typo mesage\r');
      await until(() => /typo mesage ✓/.test(plain(a.output)), 20_000, 'sent');
      a.type('/edit 3 typo message\r');
      await until(() => a.output.includes('message 3 edited'), 20_000, 'edited');
      a.type('regret this\r');
      await until(() => /regret this ✓/.test(plain(a.output)), 20_000, 'sent');
      a.type('/delete 4\r');
      await until(() => a.output.includes('message 4 deleted for everyone'), 20_000, 'deleted');
      a.type('/edit 1 not mine\r');
      await until(() => a.output.includes('you can only edit your own messages'), 10_000, 'refused edit');
      a.type('/quit\r');
      expect(await a.exited).toBe(0);
    } finally {
      a.child.kill();
    }

    const b = tacetInPty(['--profile', dir('bob'), 'chat', 'alice']);
    try {
      const screen = () => plain(b.output);
      await until(() => screen().includes('typo message (edited)'), 30_000, 'the edit');
      await until(() => screen().includes('↳ replying to you: first from bob'), 10_000, 'the quote');
      await until(
        () => /first from bob \[👍 them\] ✓✓ read/.test(screen()),
        10_000,
        'reaction and read receipt',
      );
      expect(screen()).not.toContain('regret this');
      expect(screen()).not.toContain('not mine');
      b.type('/quit\r');
      expect(await b.exited).toBe(0);
    } finally {
      b.child.kill();
    }
  });

  it('tacet account delete removes the account on the server and shreds the profile', async () => {
    const refused = await tacet(['--profile', dir('bob'), 'account', 'delete']);
    expect(refused.code).toBe(2);
    expect(existsSync(join(dir('bob'), 'tacet.db'))).toBe(true);
    const del = await tacet(['--profile', dir('bob'), 'account', 'delete', '--yes']);
    expect(del.code, del.stderr).toBe(0);
    expect(existsSync(dir('bob'))).toBe(false);
    expect((await tacet(['--profile', dir('alice'), 'remove', 'bob'])).code).toBe(0);
    const add = await tacet(['--profile', dir('alice'), 'add', ids.bob as string, 'bob']);
    expect(add.code).toBe(2);
    expect(add.stderr).toMatch(/no such account/);
  });
});
