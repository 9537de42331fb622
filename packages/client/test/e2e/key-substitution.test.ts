import { join } from 'node:path';
import { IdentityKeyPair } from '@tacet/protocol';
import { parseAccountId } from '@tacet/wire';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientError } from '../../src/index.js';
import { Harness, until } from '../support/harness.js';

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(async () => {
  await h.dispose();
});

describe('a server that substitutes an identity key', { timeout: 60_000 }, () => {
  it('is caught: the safety number changes, a warning is raised, sending is refused', async () => {
    await h.startServer();
    const alice = await h.register('alice');
    const bob = await h.register('bob');
    await alice.client.addContact(bob.client.accountId, 'bob');
    const before = await alice.client.safetyNumber('bob'); // pins Bob's key on first use
    expect(before.changed).toBe(false);
    await alice.client.verify('bob');
    // Alice's session is gone (say, she reset it), so her next send fetches a fresh bundle...
    await alice.client.store.apply({
      records: [{ ns: 'self', key: `devices:${bob.client.accountId}`, value: null }],
    });

    // ...and the (seized) server now hands out a key of its own choosing for Bob.
    await h.server.close();
    const db = new Database(join(h.serverDir, 'tacet.sqlite'));
    db.prepare('UPDATE accounts SET identity_key = ? WHERE id = ?').run(
      IdentityKeyPair.generate().publicKey.serialize(),
      parseAccountId(bob.client.accountId),
    );
    db.close();
    await h.startServer();

    await alice.client.connect();
    const refused = await alice.client.send('bob', 'for bob only').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ClientError);
    expect((refused as ClientError).code).toBe('UntrustedIdentity');
    await until(() => alice.events.find((e) => e.type === 'identity-changed'), 5_000, 'warning');
    expect(await alice.client.isUntrusted('bob')).toBe(true);
    const after = await alice.client.safetyNumber('bob');
    expect(after.changed).toBe(true);
    expect(after.digits).not.toBe(before.digits);
    // Nothing was sent under the substituted key.
    const again = await alice.client.send('bob', 'still for bob only').catch((e: unknown) => e);
    expect((again as ClientError).code).toBe('UntrustedIdentity');
    // Bob was verified: the substituted key cannot be waved through unverified.
    const waved = await alice.client.acceptIdentity('bob').catch((e: unknown) => e);
    expect((waved as ClientError).code).toBe('UntrustedIdentity');
    expect(await alice.client.isUntrusted('bob')).toBe(true);
  });
});
