/**
 * A verified group member's device list changing, through the `tacet`
 * command: Alice verified Bob; he links a laptop and says nothing. Alice's
 * `tacet send desk ...` learns of it (the server holds the group upload to
 * the signed lists), is refused in plain words (exit 3) naming
 * `tacet accept bob`, keeps the message, and `tacet accept bob` sends it to
 * both of Bob's devices.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linkProfiles } from './support/piped.js';
import { ok, startTacetServer, tacet } from './support/run.js';

const root = mkdtempSync(join(tmpdir(), 'tacet-group-device-changes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const profile = (name: string) => ['--profile', join(root, name)];
const bodies = (out: string) =>
  out
    .trim()
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.kind === 'text')
    .map((l) => l.body);

describe('tacet and a verified group member’s new device', { timeout: 300_000 }, () => {
  it('the group send waits with plain words, accept sends it to both devices', async () => {
    const server = await startTacetServer(join(root, 'server'));
    try {
      const id = async (name: string) =>
        (await ok([...profile(name), 'register', '--server', server.url])).trim().split('\n').pop() as string;
      const ids = { alice: await id('alice'), bob: await id('bob') };
      await ok([...profile('bob'), 'add', ids.alice, 'alice']);
      await ok([...profile('alice'), 'add', ids.bob, 'bob']);
      await ok([...profile('alice'), 'group', 'create', 'desk', 'bob']);
      await ok([...profile('alice'), 'send', 'desk', 'before']);
      expect(bodies(await ok([...profile('bob'), 'receive', '--wait', '10', '--json']))).toContain('before');
      await ok([...profile('alice'), 'verify', 'bob']);

      expect(await linkProfiles(join(root, 'bob'), join(root, 'laptop'), server.url)).toBe(2);
      const refused = await tacet([...profile('alice'), 'send', 'desk', 'after I looked']);
      expect(refused.code, refused.stderr).toBe(3);
      expect(refused.stderr).toMatch(/bob linked or removed a device .*tacet accept bob/);

      expect(await ok([...profile('alice'), 'accept', 'bob'])).toMatch(/accepted bob's changed devices/);
      for (const device of ['bob', 'laptop']) {
        const there = bodies(await ok([...profile(device), 'receive', '--wait', '10', '--json']));
        expect(there, device).toContain('after I looked');
      }
    } finally {
      await server.stop();
    }
  });
});
