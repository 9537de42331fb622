import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeContent } from '../../src/content/content.js';
import { pad } from '../../src/content/padding.js';
import { ClientError } from '../../src/index.js';
import { nodeWebSocket } from '../../src/index.node.js';
import { encryptForPeer } from '../../src/messenger/peer-crypto.js';
import { ProtocolStores } from '../../src/sessions/protocol-stores.js';
import { Connection } from '../../src/transport/connection.js';
import { HttpApi, wsLogin } from '../../src/transport/http-api.js';
import { randomId } from '../../src/util.js';
import { Harness, until } from '../support/harness.js';

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(async () => {
  await h.dispose();
});

describe('first contact', { timeout: 60_000 }, () => {
  it('a sealed message claiming a stranger is dropped unless the server directory backs its key', async () => {
    await h.startServer();
    const alice = await h.register('alice');
    const bob = await h.register('bob');
    const mallory = await h.register('mallory');
    const aliceId = alice.client.accountId;

    // Mallory seals a real session message to Bob under her own identity key, but a certificate naming Alice.
    const stores = new ProtocolStores(mallory.client.store);
    const api = new HttpApi(h.server.url, mallory.client.account);
    const now = Date.now();
    const forged = pad(
      encodeContent({
        kind: 'text',
        id: randomId(),
        sentAt: now,
        clock: 1,
        body: 'it is me, alice',
        timerSeconds: 0,
      }),
    );
    const envelopes = await encryptForPeer(
      stores,
      api,
      { accountId: aliceId, deviceId: 1 },
      bob.client.accountId,
      'bob',
      forged,
      now,
    );
    const url = `${h.server.url.replace(/^http/, 'ws')}/v1/ws`;
    const conn = await Connection.open(url, wsLogin(mallory.client.account), nodeWebSocket, {
      onEnvelope: async () => undefined,
    });
    await conn.send({ id: randomId(), ttlSeconds: 0, envelopes });
    await conn.close();

    await bob.client.connect();
    const refused = await until(() =>
      bob.events.find((e) => e.type === 'error' && e.error instanceof ClientError),
    );
    expect(refused.type === 'error' && (refused.error as ClientError).code).toBe('ImpersonatedSender');
    const shown = await bob.client.messages(aliceId).catch(() => []);
    expect(shown).toEqual([]);
    expect(await bob.client.store.getRecord('identity', aliceId)).toBeUndefined();
    expect(await bob.client.store.getRecord('trusted-identity', aliceId)).toBeUndefined();

    // The real Alice is then accepted as a first contact, with no key-change warning.
    await alice.client.addContact(bob.client.accountId, 'bob');
    await alice.client.connect();
    await alice.client.send('bob', 'hi bob, really me');
    const got = await until(async () => (await bob.client.messages(aliceId).catch(() => [])).at(0));
    expect(got.body).toBe('hi bob, really me');
    const stored = await bob.client.store.getRecord('identity', aliceId);
    expect(stored).toEqual((await alice.client.identityKey()).publicKey.serialize());
    expect(bob.events.some((e) => e.type === 'identity-changed')).toBe(false);
    expect(await bob.client.isUntrusted(aliceId)).toBe(false);
  });
});
