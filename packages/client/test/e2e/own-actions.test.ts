/**
 * Reactions, edits and deletes for everyone made on one of Alice's devices
 * reach her other device (sealed sync transcripts in the same server send)
 * and show there as on the first, by the same rules: an edit or a delete
 * only of her own messages. The attack acts as a modified client would
 * (sendAction): her phone "edits" and "deletes" Bob's message; neither Bob
 * nor her laptop changes it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TacetClient } from '../../src/index.js';
import { fromHex } from '../../src/util.js';
import { Harness, until } from '../support/harness.js';

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(async () => {
  await h.dispose();
});

const find = async (c: TacetClient, peer: string, body: string) =>
  until(async () => (await c.messages(peer)).find((m) => m.body === body), 20_000, `"${body}"`);

describe('actions sync between own devices', { timeout: 90_000 }, () => {
  it('a reaction, an edit and a delete made on the phone show on the laptop; only own messages change', async () => {
    const { alice, bob } = await h.startConnectedPair();
    const laptop = await h.link(alice.client, 'alice-laptop');
    await laptop.client.connect();
    const phone = alice.client;
    const lap = laptop.client;
    const bobId = bob.client.accountId;

    await bob.client.send('alice', 'from bob');
    const bobsOnPhone = await find(phone, bobId, 'from bob');
    const bobsOnLaptop = await find(lap, bobId, 'from bob');
    const mine = await phone.send('bob', 'my words');
    await find(lap, bobId, 'my words');
    await find(bob.client, phone.accountId, 'my words');

    await phone.react(bobsOnPhone.id, '👍');
    await phone.react(mine.id, '🎉');
    await until(
      async () => (await lap.store.getMessage(bobsOnLaptop.id))?.reactions?.mine === '👍',
      20_000,
      'my reaction to Bob’s message on the laptop',
    );
    await until(
      async () => (await lap.store.getMessage(mine.id))?.reactions?.mine === '🎉',
      20_000,
      'my reaction to my message on the laptop',
    );
    expect((await lap.store.getMessage(bobsOnLaptop.id))?.reactions).toEqual({ mine: '👍' });

    await phone.edit(mine.id, 'better words');
    const edited = await until(async () => {
      const m = await lap.store.getMessage(mine.id);
      return m?.body === 'better words' ? m : undefined;
    });
    expect(edited.editedAt).toBeGreaterThan(0);
    expect(edited.direction).toBe('out');

    // A modified phone client "edits" and "deletes" Bob's message: nobody changes it.
    await phone.sendAction('bob', {
      type: 'edit',
      target: fromHex(bobsOnPhone.contentId ?? ''),
      body: 'forged',
    });
    await phone.sendAction('bob', { type: 'delete', target: fromHex(bobsOnPhone.contentId ?? '') });
    await phone.send('bob', 'barrier');
    await find(lap, bobId, 'barrier');
    await find(bob.client, phone.accountId, 'barrier');
    expect((await lap.store.getMessage(bobsOnLaptop.id))?.body).toBe('from bob');

    const gone: string[] = [];
    lap.on((e) => {
      if (e.type === 'expired') gone.push(...e.ids);
    });
    await phone.deleteForEveryone(mine.id);
    await until(async () => (await lap.store.getMessage(mine.id)) === undefined, 20_000, 'deleted on laptop');
    expect(gone).toContain(mine.id);
    expect((await lap.messages(bobId)).map((m) => m.body)).toEqual(['from bob', 'barrier']);

    // Taking a reaction back syncs too.
    await phone.react(bobsOnPhone.id, '');
    await until(
      async () => (await lap.store.getMessage(bobsOnLaptop.id))?.reactions?.mine === undefined,
      20_000,
      'reaction taken back on the laptop',
    );
  });
});
