/**
 * A contact's device list changing, through the `tacet` command (issue 13
 * item 2): Bob verified Alice; she links a laptop and writes; `tacet receive
 * --json` prints a devicesChanged line, `tacet send` to her is refused in
 * plain words (exit 3) until `tacet accept alice`, and what waited then
 * reaches both of her devices.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linkProfiles } from './support/piped.js';
import { ok, startTacetServer, tacet } from './support/run.js';

const root = mkdtempSync(join(tmpdir(), 'tacet-device-changes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const profile = (name: string) => ['--profile', join(root, name)];
const jsonLines = (out: string) =>
  out
    .trim()
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('tacet and a verified contact’s new device', { timeout: 300_000 }, () => {
  it('receive shows devicesChanged, send waits, accept sends it to both devices', async () => {
    const server = await startTacetServer(join(root, 'server'));
    try {
      const id = async (name: string) =>
        (await ok([...profile(name), 'register', '--server', server.url])).trim().split('\n').pop() as string;
      const ids = { alice: await id('alice'), bob: await id('bob') };
      await ok([...profile('bob'), 'add', ids.alice, 'alice']);
      await ok([...profile('alice'), 'add', ids.bob, 'bob']);
      await ok([...profile('bob'), 'send', 'alice', 'hi Alice']);
      await ok([...profile('bob'), 'verify', 'alice']);

      expect(await linkProfiles(join(root, 'alice'), join(root, 'laptop'), server.url)).toBe(2);
      await ok([...profile('alice'), 'send', 'bob', 'I linked my laptop']);

      const got = jsonLines(await ok([...profile('bob'), 'receive', '--wait', '10', '--json']));
      expect(got).toContainEqual(expect.objectContaining({ from: 'alice', body: 'I linked my laptop' }));
      expect(got).toContainEqual({
        event: 'devicesChanged',
        from: 'alice',
        fromId: ids.alice,
        devices: [1, 2],
        version: 2,
        paused: true,
      });

      const refused = await tacet([...profile('bob'), 'send', 'alice', 'after I looked']);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/alice linked or removed a device .*tacet accept alice/);

      expect(await ok([...profile('bob'), 'accept', 'alice'])).toMatch(/accepted alice's changed devices/);
      for (const device of ['alice', 'laptop']) {
        const there = jsonLines(await ok([...profile(device), 'receive', '--wait', '10', '--json']));
        expect(there, device).toContainEqual(
          expect.objectContaining({ from: 'bob', body: 'after I looked' }),
        );
      }
    } finally {
      await server.stop();
    }
  });
});
