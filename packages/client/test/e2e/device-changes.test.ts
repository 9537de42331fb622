/**
 * A contact that already talks to Alice reaches the device she links later
 * (issue 13 item 1): Bob's session names only her first device, the server
 * answers his next send with missing_device because her signed list names
 * device 2, Bob re-checks that list and encrypts for both. Every message
 * carries its sender's list version (issue 13 item 2): a contact holding an
 * older list re-checks it on receipt and is told; to a VERIFIED contact
 * sending pauses (DevicesChanged) until the user accepts the change.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClientError, ClientEvent } from '../../src/index.js';
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

/** Alice and Bob, each the other's contact, online; Bob wrote and Alice got it. */
async function chatting() {
  await h.startServer();
  const alice = await h.register('alice');
  const bob = await h.register('bob');
  await bob.client.addContact(alice.client.accountId, 'alice');
  await alice.client.addContact(bob.client.accountId, 'bob');
  await Promise.all([alice.client.connect(), bob.client.connect()]);
  await bob.client.send('alice', 'hi Alice');
  await until(() => texts(alice.events).includes('hi Alice'), 20_000, 'first message');
  return { alice, bob };
}

describe('a contact learns of a newly linked device', { timeout: 90_000 }, () => {
  it('Bob chats with Alice, Alice links device 2, Bob’s next message reaches both', async () => {
    const { alice, bob } = await chatting();
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

    // Alice answers from the laptop: Bob gets it, and her phone shows it as sent, with its timer.
    await laptop.client.setTimer('bob', 3600);
    await laptop.client.send('bob', 'from my laptop');
    await until(() => texts(bob.events).includes('from my laptop'), 20_000, 'Bob gets the laptop’s reply');
    const onPhone = async () => (await alice.client.messages('bob')).find((m) => m.body === 'from my laptop');
    await until(async () => (await onPhone()) !== undefined, 20_000, 'the reply shows on the phone');
    const mine = await onPhone();
    const sentThere = (await laptop.client.messages('bob')).find((m) => m.body === 'from my laptop');
    expect(mine).toMatchObject({
      direction: 'out',
      conversationId: bob.client.accountId,
      timerSeconds: 3600,
    });
    expect(mine?.contentId ?? mine?.id).toBe(sentThere?.id);
    expect(mine?.expiresAt).toBeGreaterThan(Date.now());
    expect(Math.abs((mine?.expiresAt ?? 0) - (sentThere?.expiresAt ?? 0))).toBeLessThan(60_000);
    expect((await alice.client.contacts.get('bob')).timerSeconds).toBe(3600);

    // Bob's disappearing message, displayed on the phone: the laptop's copy gets the same deadline.
    await bob.client.setTimer('alice', 600);
    await bob.client.send('alice', 'gone in ten minutes');
    await until(() => texts(alice.events).includes('gone in ten minutes'), 20_000, 'phone');
    await until(() => texts(laptop.events).includes('gone in ten minutes'), 20_000, 'laptop');
    const received = (await alice.client.messages('bob')).find((m) => m.body === 'gone in ten minutes');
    const [shown] = await alice.client.markDisplayed([received?.id ?? '']);
    expect(shown?.expiresAt).toBeGreaterThan(Date.now());
    const onLaptop = async () =>
      (await laptop.client.messages('bob')).find((m) => m.body === 'gone in ten minutes')?.expiresAt;
    await until(
      async () => (await onLaptop()) === shown?.expiresAt,
      20_000,
      'the same deadline on the laptop',
    );
  });

  it('a verified contact is told on receipt, and sending waits until the change is accepted', async () => {
    const { alice, bob } = await chatting();
    await bob.client.safetyNumber('alice');
    await bob.client.verify('alice');

    const laptop = await h.link(alice.client, 'alice-laptop');
    await laptop.client.connect();
    // Alice's phone writes: the message carries her list's version 2, Bob holds version 1.
    await alice.client.send('bob', 'I linked my laptop');
    await until(() => texts(bob.events).includes('I linked my laptop'), 20_000, 'announcement');
    await until(
      () =>
        bob.events.some(
          (e) => e.type === 'devices-changed' && e.paused === true && e.devices.join() === '1,2',
        ),
      20_000,
      'Bob is told, before he sends anything',
    );
    expect(await bob.client.devicesPaused('alice')).toBe(true);
    const refused = await bob.client.send('alice', 'held until I look').then(
      () => undefined,
      (e: unknown) => e as ClientError,
    );
    expect(refused?.code).toBe('DevicesChanged');
    expect(refused?.message).toMatch(/tacet accept alice/);
    expect(texts(laptop.events)).not.toContain('held until I look');
    expect(texts(alice.events)).not.toContain('held until I look');

    expect(await bob.client.acceptDevices('alice')).toBe(true);
    await until(() => texts(alice.events).includes('held until I look'), 20_000, 'device 1 after accepting');
    await until(() => texts(laptop.events).includes('held until I look'), 20_000, 'device 2 after accepting');
    expect(await bob.client.devicesPaused('alice')).toBe(false);
  });
});
