/**
 * "A new key claims to be alice" through the `tacet` command (issue 9,
 * item 1): a hostile server signs a certificate naming Alice with Eve's
 * key; `tacet receive --json` prints a heldApart line instead of the
 * message, `tacet accept alice` is refused while the directory lists
 * Alice's real key, and accepted once it lists Eve's; the held message then
 * appears in the conversation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TacetClient } from '@tacet/client';
import { nodeWebSocket, openSqliteStore } from '@tacet/client/node';
import { parseAccountId } from '@tacet/wire';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { certificate, forgedContents, sendSealed, stolenSigner } from '../../client/test/support/forge.js';
import { ok, startTacetServer, tacet } from './support/run.js';

const root = mkdtempSync(join(tmpdir(), 'tacet-held-'));
const data = join(root, 'server');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const profile = (name: string) => ['--profile', join(root, name)];
const open = async (name: string) =>
  TacetClient.open({
    store: await openSqliteStore({ dir: join(root, name), passphrase: 'test passphrase', logN: 14 }),
    webSocket: nodeWebSocket,
  });

describe('tacet receive and tacet accept', { timeout: 120_000 }, () => {
  it('show a new key claiming a contact, and accept it only once the directory lists it', async () => {
    const server = await startTacetServer(data);
    try {
      const id = async (name: string) =>
        (await ok([...profile(name), 'register', '--server', server.url])).trim().split('\n').pop() as string;
      const ids = { alice: await id('alice'), bob: await id('bob'), eve: await id('eve') };
      await ok([...profile('bob'), 'add', ids.alice, 'alice']);
      await ok([...profile('bob'), 'safety-number', 'alice']); // pins Alice's real key on first use

      const eve = await open('eve');
      const eveKey = (await eve.identityKey()).publicKey;
      const claim = certificate(stolenSigner(data), ids.alice, eveKey);
      await sendSealed(server.url, eve, ids.bob, forgedContents().slice(0, 1), claim);
      await eve.close();

      const got = await tacet([...profile('bob'), 'receive', '--wait', '10', '--json']);
      expect(got.code, got.stderr).toBe(0);
      const lines = got.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toEqual([
        {
          event: 'heldApart',
          claim: 'a new key claims to be alice',
          from: 'alice',
          fromId: ids.alice,
          held: 1,
          confirmed: false,
        },
      ]);
      expect(got.stderr).toContain('a new key claims to be alice');

      const refused = await tacet([...profile('bob'), 'accept', 'alice']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/does not list the new key claiming to be alice/);

      const db = new Database(join(data, 'tacet.sqlite'));
      db.pragma('busy_timeout = 5000');
      db.prepare('UPDATE accounts SET identity_key = ? WHERE id = ?').run(
        eveKey.serialize(),
        parseAccountId(ids.alice),
      );
      db.close();
      expect(await ok([...profile('bob'), 'accept', 'alice'])).toBe(
        'accepted the new key of alice; 1 held message(s) now shown\n',
      );
      const bob = await open('bob');
      try {
        expect((await bob.messages('alice')).map((m) => m.body)).toEqual(['it is me, alice']);
        expect(await bob.claims()).toEqual([]);
      } finally {
        await bob.close();
      }
    } finally {
      await server.stop();
    }
  });
});
