/**
 * The README's "Two people chatting on one machine", step by step, with
 * TACET_HOME per person as the README sets it. Every command run here is
 * also checked to appear in the README, so the two cannot drift apart.
 * (The server runs on a free port instead of 8080.)
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTacetServer, tacet, tacetInPty, until } from './support/run.js';

const README = readFileSync(resolve(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');
const ARTIFACTS = resolve(import.meta.dirname, '..', '..', '..', 'test-artifacts');
const root = mkdtempSync(join(tmpdir(), 'tacet-readme-'));
const home = { alice: join(root, 'alice'), bob: join(root, 'bob') };
let server: Awaited<ReturnType<typeof startTacetServer>>;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escapes
const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

/** Runs a README command as `who`; the command (without ids) must be in the README. */
async function as(who: keyof typeof home, shown: string, args: string[], env: Record<string, string> = {}) {
  expect(README, `README shows: ${shown}`).toContain(shown);
  return tacet(args, { TACET_HOME: home[who], ...env });
}

beforeAll(async () => {
  server = await startTacetServer(join(root, 'server'));
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('the README walk-through', { timeout: 180_000 }, () => {
  it('works as written', async () => {
    const reg = `tacet register --server http://127.0.0.1:8080`;
    const a = await as('alice', reg, ['register', '--server', server.url]);
    expect(a.code, a.stderr).toBe(0);
    const aliceId = a.stdout.trim().split('\n').pop() as string;
    const b = await as('bob', reg, ['register', '--server', server.url]);
    expect(b.code, b.stderr).toBe(0);
    const bobId = b.stdout.trim().split('\n').pop() as string;
    expect((await as('bob', 'tacet add ALICE_ID alice', ['add', aliceId, 'alice'])).code).toBe(0);
    expect((await as('alice', 'tacet add BOB_ID bob', ['add', bobId, 'bob'])).code).toBe(0);
    const snA = await as('alice', 'tacet safety-number bob', ['safety-number', 'bob']);
    const snB = await as('bob', 'tacet safety-number alice', ['safety-number', 'alice']);
    expect(snA.stdout.replace(/\s/g, '')).toMatch(/^\d{60}$/);
    expect(snA.stdout).toBe(snB.stdout);
    expect((await as('alice', 'tacet verify bob', ['verify', 'bob'])).code).toBe(0);
    expect((await as('bob', 'tacet verify alice', ['verify', 'alice'])).code).toBe(0);

    // `tacet chat`: one passphrase prompt, then every conversation.
    expect(README).toContain('tacet chat                    # Alice');
    const env = (who: keyof typeof home) => ({ TACET_HOME: home[who], TACET_PASSPHRASE: '' });
    const aliceChat = tacetInPty(['chat'], env('alice'));
    const bobChat = tacetInPty(['chat'], env('bob'));
    try {
      for (const c of [aliceChat, bobChat]) {
        await until(() => c.output.includes('Passphrase: '), 40_000, 'passphrase prompt');
        c.type('test passphrase\r');
        await until(() => c.output.includes('● online'), 40_000, 'online');
      }
      aliceChat.type('hello bob\r');
      await until(() => plain(bobChat.output).includes('alice: hello bob'), 20_000, 'bob sees it');
      expect(README).toContain('/reply 2 text');
      bobChat.type('/reply 1 hello alice\r');
      await until(() => plain(aliceChat.output).includes('↳ replying to you: hello bob'), 20_000, 'quote');
      expect(README).toContain('/react 2 👍');
      aliceChat.type('/react 2 👍\r');
      await until(() => plain(bobChat.output).includes('[👍 them]'), 20_000, 'reaction');
      expect(README).toContain('`/help` lists every command');
      aliceChat.type('/help\r');
      await until(() => aliceChat.output.includes('/switch name'), 10_000, 'help');
      mkdirSync(ARTIFACTS, { recursive: true });
      // The terminal screen as text: the CLI's "screenshot".
      writeFileSync(join(ARTIFACTS, 'cli-chat-screen.txt'), plain(aliceChat.output.slice(-4000)));
      for (const c of [aliceChat, bobChat]) c.type('/quit\r');
      expect(await aliceChat.exited).toBe(0);
      expect(await bobChat.exited).toBe(0);
    } finally {
      aliceChat.child.kill();
      bobChat.child.kill();
    }

    // The same from scripts.
    expect((await as('alice', 'tacet send bob "see you at 6"', ['send', 'bob', 'see you at 6'])).code).toBe(
      0,
    );
    const got = await as('bob', 'tacet receive --wait 30 --json', ['receive', '--wait', '30', '--json']);
    expect(got.stdout).toContain('"body":"see you at 6"');
    expect((await as('alice', 'tacet timer bob 1d', ['timer', 'bob', '1d'])).code).toBe(0);
    expect((await as('alice', 'tacet contacts', ['contacts'])).stdout).toMatch(
      /bob\s+\S+\s+timer 1d\s+verified/,
    );
    expect((await as('alice', 'tacet rename bob bobby', ['rename', 'bob', 'bobby'])).code).toBe(0);
    expect((await as('alice', 'tacet remove bobby', ['remove', 'bobby'])).code).toBe(0);
    expect((await as('alice', 'tacet --version', ['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const del = await as('bob', 'tacet account delete', ['account', 'delete', '--yes']);
    expect(del.code, del.stderr).toBe(0);
    const gone = await as('alice', 'tacet add BOB_ID bob', ['add', bobId, 'bob']);
    expect(gone.stderr).toMatch(/no such account/);
  });
});
