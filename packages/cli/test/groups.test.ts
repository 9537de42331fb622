/**
 * `tacet group ...`, `tacet groups`, and `send`/`timer`/`receive` with a
 * group name, against a real `tacet server` (issue 11, item 5).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTacetServer, tacet } from './support/run.js';

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
