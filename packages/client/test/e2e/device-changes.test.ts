/**
 * A contact that already talks to Alice reaches the device she links later
 * (issue 13 item 1): Bob's session names only her first device, the server
 * answers his next send with missing_device because her signed list names
 * device 2, Bob re-checks that list and encrypts for both.
 */
import { afterEach, beforeEach, describe, it } from 'vitest';
import type { ClientEvent } from '../../src/index.js';
import { Harness, until } from '../support/harness.js';

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(async () => {
  await h.dispose();
});

const texts = (events: ClientEvent[]) =>
  events.flatMap((e) => (e.type === 'message' && e.message.direction === 'in' ? [e.message.body] : []));

describe('a contact learns of a newly linked device', { timeout: 90_000 }, () => {
  it('Bob chats with Alice, Alice links device 2, Bob’s next message reaches both', async () => {
    await h.startServer();
    const alice = await h.register('alice');
    const bob = await h.register('bob');
    await bob.client.addContact(alice.client.accountId, 'alice');
    await alice.client.addContact(bob.client.accountId, 'bob');
    await Promise.all([alice.client.connect(), bob.client.connect()]);
    await bob.client.send('alice', 'hi Alice');
    await until(() => texts(alice.events).includes('hi Alice'), 20_000, 'first message');
    await alice.client.send('bob', 'hi Bob');
    await until(() => texts(bob.events).includes('hi Bob'), 20_000, 'reply');

    const laptop = await h.link(alice.client, 'alice-laptop');
    await laptop.client.connect();
    await bob.client.send('alice', 'now both of you');
    await until(() => texts(alice.events).includes('now both of you'), 20_000, 'device 1');
    await until(() => texts(laptop.events).includes('now both of you'), 20_000, 'device 2');
    await until(
      () => bob.events.some((e) => e.type === 'devices-changed' && e.devices.join() === '1,2'),
      20_000,
      'Bob is told Alice’s devices changed',
    );
  });
});
