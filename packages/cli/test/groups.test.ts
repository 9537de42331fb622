/**
 * `tacet group ...`, `tacet groups`, and `send`/`timer`/`receive` with a
 * group name, against a real `tacet server` (issue 11, item 5).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTacetServer, tacet, tacetInPty, until } from './support/run.js';

const root = mkdtempSync(join(tmpdir(), 'tacet-cli-groups-'));
const dirs = { alice: join(root, 'alice'), bob: join(root, 'bob'), carol: join(root, 'carol') };
const ids: Record<string, string> = {};
let server: Awaited<ReturnType<typeof startTacetServer>>;

const as = (who: keyof typeof dirs, ...args: string[]) => tacet(['--profile', dirs[who], ...args]);
const jsonLines = (out: string) =>
  out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escapes
const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
const texts = (lines: Record<string, unknown>[]) => lines.filter((l) => l.kind === 'text');

beforeAll(async () => {
  server = await startTacetServer(join(root, 'server'));
  for (const who of ['alice', 'bob', 'carol'] as const) {
    const r = await as(who, 'register', '--server', server.url);
    expect(r.code, r.stderr).toBe(0);
    ids[who] = r.stdout.trim().split('\n').pop() as string;
  }
  for (const who of ['bob', 'carol'] as const) {
    expect((await as('alice', 'add', ids[who] as string, who)).code).toBe(0);
    expect((await as(who, 'add', ids.alice as string, 'alice')).code).toBe(0);
  }
}, 90_000);

afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('tacet groups (scriptable)', { timeout: 90_000 }, () => {
  it('create, send, receive --json with group and from, members, timer, remove, leave', async () => {
    const created = await as('alice', 'group', 'create', 'desk', 'bob', 'carol');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/created desk: /);

    const sent = await as('alice', 'send', 'desk', 'hello desk');
    expect(sent.code, sent.stderr).toBe(0);
    const got = await as('bob', 'receive', '--wait', '10', '--json');
    expect(got.code, got.stderr).toBe(0);
    const lines = jsonLines(got.stdout);
    expect(lines.find((l) => l.event === 'groupChanged')).toMatchObject({
      group: 'desk',
      change: 'create',
      by: 'alice',
    });
    expect(lines.filter((l) => l.kind === 'text')).toMatchObject([
      { group: 'desk', from: 'alice', body: 'hello desk' },
    ]);

    // Carol is not Bob's contact: `from` is her id.
    const carolSends = await as('carol', 'send', 'desk', 'hi from carol');
    expect(carolSends.code, carolSends.stderr).toBe(0);
    const again = jsonLines((await as('bob', 'receive', '--wait', '10', '--json')).stdout);
    expect(again.filter((l) => l.kind === 'text')).toMatchObject([
      { group: 'desk', from: ids.carol, body: 'hi from carol' },
    ]);

    const listed = await as('bob', 'groups');
    expect(listed.stdout).toMatch(/^desk\t3 members\ttimer 30s\n$/);
    const members = await as('alice', 'group', 'members', 'desk');
    expect(members.stdout.trim().split('\n').sort()).toEqual(
      [`bob\t${ids.bob}`, `carol\t${ids.carol}`, `you\t${ids.alice}\tadmin`].sort(),
    );

    expect((await as('alice', 'timer', 'desk', '5m')).stdout).toMatch(/set to 5m/);
    const notAdmin = await as('bob', 'group', 'remove', 'desk', 'carol');
    expect(notAdmin.code).not.toBe(0);
    expect(notAdmin.stderr).toMatch(/only an admin of "desk"/);
    expect((await as('alice', 'group', 'remove', 'desk', 'carol')).stdout).toMatch(/removed carol from desk/);
    expect((await as('bob', 'group', 'leave', 'desk')).stdout).toMatch(/you left desk/);
    const told = await as('alice', 'receive', '--json');
    expect(jsonLines(told.stdout)).toMatchObject([
      { event: 'groupChanged', group: 'desk', change: 'leave', by: 'bob' },
    ]);
    expect((await as('alice', 'group', 'members', 'desk')).stdout.trim()).toBe(`you\t${ids.alice}\tadmin`);
  });
});

/**
 * `tacet chat NAME` with a group's name, in a pseudo-terminal: the group opens
 * as a contact's conversation does, incoming lines carry their sender's name
 * (a member who is not a contact by id), a typed line goes to every member,
 * and /switch and @name reach a group too.
 */
describe('tacet chat with a group', { timeout: 120_000 }, () => {
  it('opens the group by name, shows who wrote each line, and sends to every member', async () => {
    const created = await as('alice', 'group', 'create', 'newsroom', 'bob', 'carol');
    expect(created.code, created.stderr).toBe(0);
    // Bob has not taken his invitation yet: the chat takes the queue to find the group.
    const chat = tacetInPty(['--profile', dirs.bob, 'chat', 'newsroom']);
    try {
      await until(() => plain(chat.output).includes('tacet · newsroom · group of 3'), 40_000, 'group header');
      await until(() => chat.output.includes('● online'), 40_000, 'online');

      expect((await as('alice', 'send', 'newsroom', 'hello desk')).code).toBe(0);
      await until(() => /alice: [^\n]*hello desk/.test(plain(chat.output)), 30_000, 'alice by name');
      expect((await as('carol', 'send', 'newsroom', 'carol here')).code).toBe(0);
      const carolLine = new RegExp(`${ids.carol}: [^\\n]*carol here`);
      await until(() => carolLine.test(plain(chat.output)), 30_000, 'carol by id');

      chat.type('hi all\r');
      await until(() => /you: [^\n]*hi all[^\n]*✓/.test(plain(chat.output)), 30_000, 'sent ✓');

      // From Alice's 1:1 conversation, @newsroom reaches the group without switching.
      chat.type('/switch alice\r');
      await until(() => plain(chat.output).includes('conversation with alice'), 10_000, 'switched');
      chat.type('@newsroom from elsewhere\r');
      await until(() => plain(chat.output).includes('sent to newsroom ✓'), 30_000, '@newsroom sent');
      chat.type('/contacts\r');
      await until(() => /newsroom · group of 3 · timer 30s/.test(plain(chat.output)), 10_000, 'listed');
      chat.type('/quit\r');
      expect(await chat.exited).toBe(0);
    } finally {
      chat.child.kill();
    }

    for (const who of ['alice', 'carol'] as const) {
      const got = await as(who, 'receive', '--wait', '10', '--json');
      expect(got.code, got.stderr).toBe(0);
      const bodies = texts(jsonLines(got.stdout)).filter(
        (l) => l.group === 'newsroom' && l.from !== undefined,
      );
      expect(bodies.map((l) => l.body)).toEqual(expect.arrayContaining(['hi all', 'from elsewhere']));
      // Nothing Bob typed went 1:1 to Alice instead of to the group.
      expect(texts(jsonLines(got.stdout)).filter((l) => l.group === undefined)).toEqual([]);
    }
  });
});

/**
 * /reply, /react, /edit and /delete inside a group chat, as in a 1:1 one:
 * each member sees the quote, the reaction under the reactor's name, the
 * edit and the deletion; someone else's message cannot be edited.
 */
describe('acting on messages in a group chat', { timeout: 120_000 }, () => {
  it('/reply, /react, /edit and /delete reach the other members', async () => {
    expect((await as('alice', 'group', 'create', 'wire', 'bob')).code).toBe(0);
    // No countdowns: the numbered messages must stay put for the whole test.
    expect((await as('alice', 'timer', 'wire', 'off')).code).toBe(0);
    expect((await as('alice', 'send', 'wire', 'meeting at 6')).code).toBe(0);
    const b = tacetInPty(['--profile', dirs.bob, 'chat', 'wire']);
    try {
      const screen = () => plain(b.output);
      await until(() => /1 \d\d:\d\d alice: meeting at 6/.test(screen()), 40_000, 'numbered message');
      b.type('/reply 1 make it 7\r');
      await until(() => screen().includes('↳ replying to alice: meeting at 6'), 20_000, 'quote');
      b.type('/react 1 👍\r');
      await until(() => screen().includes('meeting at 6 [👍 you]'), 20_000, 'reaction');
      b.type('typo mesage\r');
      await until(() => /typo mesage ✓/.test(screen()), 20_000, 'sent');
      b.type('/edit 3 typo message\r');
      await until(() => screen().includes('message 3 edited'), 20_000, 'edited');
      b.type('regret this\r');
      await until(() => /regret this ✓/.test(screen()), 20_000, 'sent');
      b.type('/delete 4\r');
      await until(() => screen().includes('message 4 deleted for everyone'), 20_000, 'deleted');
      b.type('/edit 1 not mine\r');
      await until(() => screen().includes('you can only edit your own messages'), 10_000, 'refused edit');
      b.type('/quit\r');
      expect(await b.exited).toBe(0);
    } finally {
      b.child.kill();
    }

    const a = tacetInPty(['--profile', dirs.alice, 'chat', 'wire']);
    try {
      const screen = () => plain(a.output);
      await until(() => screen().includes('typo message (edited)'), 30_000, 'the edit');
      await until(() => screen().includes('↳ replying to you: meeting at 6'), 10_000, 'the quote');
      await until(() => screen().includes('meeting at 6 [👍 bob]'), 10_000, 'bob’s reaction by name');
      expect(screen()).not.toContain('regret this');
      expect(screen()).not.toContain('not mine');
      a.type('/quit\r');
      expect(await a.exited).toBe(0);
    } finally {
      a.child.kill();
    }
    // The admin renames it, as the web client's members view does.
    expect((await as('alice', 'group', 'rename', 'wire', 'night wire')).stdout).toMatch(
      /wire is now night wire/,
    );
    expect((await as('alice', 'groups')).stdout).toMatch(/night wire/);
  });
});
