import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTacetServer, tacet, tacetInPty, until } from './support/run.js';

const root = mkdtempSync(join(tmpdir(), 'tacet-cli-'));
const alice = join(root, 'alice');
const bob = join(root, 'bob');
let server: Awaited<ReturnType<typeof startTacetServer>>;
let url = '';
const ids: Record<string, string> = {};

beforeAll(async () => {
  server = await startTacetServer(join(root, 'server'));
  url = server.url;
  for (const [name, dir] of [
    ['alice', alice],
    ['bob', bob],
  ] as const) {
    const r = await tacet(['--profile', dir, 'register', '--server', url]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/proof-of-work/);
    ids[name] = r.stdout.trim().split('\n').pop() as string;
    expect(ids[name]).toMatch(/^[0-9a-z]{27}$/);
  }
  expect((await tacet(['--profile', alice, 'add', ids.bob as string, 'bob'])).code).toBe(0);
  expect((await tacet(['--profile', bob, 'add', ids.alice as string, 'alice'])).code).toBe(0);
}, 90_000);

afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('tacet (scriptable)', { timeout: 60_000 }, () => {
  it('sends, and receive --json prints sender, body, sent time and seconds left', async () => {
    const sent = await tacet(['--profile', alice, 'send', 'bob', 'hello from the cli']);
    expect(sent.code, sent.stderr).toBe(0);
    const got = await tacet(['--profile', bob, 'receive', '--wait', '10', '--json']);
    expect(got.code, got.stderr).toBe(0);
    const lines = got.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      from: 'alice',
      fromId: ids.alice,
      kind: 'text',
      body: 'hello from the cli',
    });
    expect(Date.parse(lines[0].sentAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(lines[0].secondsLeft).toBeGreaterThan(25);
    expect(lines[0].secondsLeft).toBeLessThanOrEqual(30);
  });

  it('fails clearly with a non-zero exit code', async () => {
    const wrong = await tacet(['--profile', bob, 'contacts'], { TACET_PASSPHRASE: 'not it' });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/wrong passphrase/);
    const unknown = await tacet(['--profile', bob, 'send', 'carol', 'hi']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no contact "carol".*tacet add/);
    const badTimer = await tacet(['--profile', bob, 'timer', 'alice', '2s']);
    expect(badTimer.code).toBe(2);
    expect(badTimer.stderr).toMatch(/5s and 4w/);
    const noProfile = await tacet(['--profile', join(root, 'nobody'), 'id']);
    expect(noProfile.code).toBe(2);
    expect(noProfile.stderr).toMatch(/register --server/);
  });

  it('prints matching safety numbers on both sides', async () => {
    const a = await tacet(['--profile', alice, 'safety-number', 'bob']);
    const b = await tacet(['--profile', bob, 'safety-number', 'alice']);
    expect(a.code, a.stderr).toBe(0);
    // Signal's layout, as on the web: 3 rows of 4 groups of 5 digits.
    expect(a.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^(\d{5} ){3}\d{5}$/),
      expect.stringMatching(/^(\d{5} ){3}\d{5}$/),
      expect.stringMatching(/^(\d{5} ){3}\d{5}$/),
    ]);
    const digits = a.stdout.replace(/\s/g, '');
    expect(digits).toMatch(/^\d{60}$/);
    expect(b.stdout.replace(/\s/g, '')).toBe(digits);
    expect((await tacet(['--profile', alice, 'verify', 'bob'])).code).toBe(0);
    expect((await tacet(['--profile', alice, 'contacts'])).stdout).toMatch(
      /bob\s+\S+\s+timer 30s\s+verified/,
    );
  });
});

describe('disappearing messages after tacet has exited', { timeout: 120_000 }, () => {
  it('are shredded on time by the reaper, in both profiles, with no tacet command running', async () => {
    expect((await tacet(['--profile', alice, 'timer', 'bob', '5s'])).code).toBe(0);
    expect((await tacet(['--profile', alice, 'send', 'bob', 'short-lived'])).code).toBe(0);
    const got = await tacet(['--profile', bob, 'receive', '--wait', '10', '--json']);
    const lines = got.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.kind, l.body])).toEqual([
      ['timer', ''],
      ['text', 'short-lived'],
    ]);
    expect(lines[1].secondsLeft).toBeLessThanOrEqual(5);
    // The reaper, a detached process, must shred both profiles once the deadline passes. It is
    // waited for as an event (no command of ours runs meanwhile); a loaded machine may delay
    // its wake-up, so the bound is generous, but nothing else can remove the rows.
    const overdue = (dir: string): number => {
      const db = new Database(join(dir, 'tacet.db'), { readonly: true });
      try {
        const row = db
          .prepare('SELECT COUNT(*) AS n FROM messages WHERE expires_at <= ?')
          .get(Date.now()) as { n: number };
        return row.n;
      } finally {
        db.close();
      }
    };
    const past = Date.now() + 5_000;
    await until(() => Date.now() > past, 10_000, 'the deadline');
    for (const dir of [alice, bob]) {
      await until(() => overdue(dir) === 0, 30_000, `the reaper to shred ${dir}`);
    }
    expect((await tacet(['--profile', alice, 'timer', 'bob', '30s'])).code).toBe(0);
  });
});

describe('tacet chat in a pseudo-terminal', { timeout: 60_000 }, () => {
  it('shows an arriving message with its countdown and sends a typed one', async () => {
    const chat = tacetInPty(['--profile', bob, 'chat', 'alice']);
    try {
      await until(() => chat.output.includes('online'), 20_000, 'chat screen');
      const sent = await tacet(['--profile', alice, 'send', 'bob', 'ping into the chat']);
      expect(sent.code, sent.stderr).toBe(0);
      await until(() => chat.output.includes('ping into the chat'), 20_000, 'arriving message on screen');
      await until(() => /ping into the chat.*⏱ \d+s/.test(chat.output), 5_000, 'live countdown');
      chat.type('pong from the terminal\r');
      await until(() => /pong from the terminal.*✓/.test(chat.output), 20_000, 'sent mark');
      chat.type('\x03');
      expect(await chat.exited).toBe(0);
    } finally {
      chat.child.kill();
    }
    const got = await tacet(['--profile', alice, 'receive', '--wait', '10', '--json']);
    const bodies = got.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).body);
    expect(bodies).toContain('pong from the terminal');
  });
});
