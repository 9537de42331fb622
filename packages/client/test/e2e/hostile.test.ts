import { parseAccountId } from '@tacet/wire';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeWebSocket } from '../../src/index.node.js';
import { Connection } from '../../src/transport/connection.js';
import { wsLogin } from '../../src/transport/http-api.js';
import { randomId } from '../../src/util.js';
import { Harness, until } from '../support/harness.js';

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(async () => {
  await h.dispose();
});

describe('what the server and hostile peers see', { timeout: 60_000 }, () => {
  it('envelopes are sealed: they carry no sender id; garbage is dropped without blocking the queue', async () => {
    await h.startServer();
    const alice = await h.register('alice');
    const bob = await h.register('bob');
    await alice.client.addContact(bob.client.accountId, 'bob');
    const url = `${h.server.url.replace(/^http/, 'ws')}/v1/ws`;
    const seen: Uint8Array[] = [];
    const spy = await Connection.open(url, wsLogin(bob.client.account), nodeWebSocket, {
      onEnvelope: async (e) => {
        seen.push(e.content);
      },
    });
    await alice.client.connect();
    await alice.client.send('bob', 'sealed');
    await until(() => seen.length === 1, 20_000, 'raw envelope');
    await spy.close();
    const raw = Buffer.from(seen[0] as Uint8Array);
    expect(raw.includes(Buffer.from(parseAccountId(alice.client.accountId)))).toBe(false);
    expect(raw.includes(Buffer.from(alice.client.accountId))).toBe(false);

    // A hostile sender queues junk for bob before a real message.
    const mallory = await h.register('mallory');
    const conn = await Connection.open(url, wsLogin(mallory.client.account), nodeWebSocket, {
      onEnvelope: async () => undefined,
    });
    const accountId = parseAccountId(bob.client.accountId);
    for (const junk of [new Uint8Array([0x11, 1, 2, 3]), new Uint8Array(300).fill(7), Uint8Array.of(0x0a)]) {
      await conn.send({
        id: randomId(),
        ttlSeconds: 0,
        envelopes: [{ accountId, deviceId: 1, content: junk }],
      });
    }
    await conn.close();
    await alice.client.send('bob', 'after the junk');

    await bob.client.connect();
    const got = await until(async () => {
      const all = await bob.client.messages(alice.client.accountId).catch(() => []);
      return all.length === 2 ? all : undefined;
    });
    expect(got.map((m) => m.body)).toEqual(['sealed', 'after the junk']);
    expect(bob.events.filter((e) => e.type === 'error')).toHaveLength(3);
  });
});
