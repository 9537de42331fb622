import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Harness, until } from '../support/harness.js';

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(async () => {
  await h.dispose();
});

describe('two clients and a real server', { timeout: 60_000 }, () => {
  it('messages go both ways, with delivery receipts', async () => {
    const { alice, bob } = await h.startConnectedPair();

    const sent = await alice.client.send('bob', 'hello bob');
    expect(sent.status).toBe('sent');
    const got = await until(async () => (await bob.client.messages('alice'))[0], 20_000, 'bob receives');
    expect(got.body).toBe('hello bob');
    expect(got.direction).toBe('in');
    await until(
      async () => (await alice.client.store.getMessage(sent.id))?.status === 'delivered',
      20_000,
      'receipt',
    );

    await bob.client.send('alice', 'hi alice');
    const back = await until(async () =>
      (await alice.client.messages('bob')).find((m) => m.direction === 'in'),
    );
    expect(back.body).toBe('hi alice');
    expect((await alice.client.messages('bob')).map((m) => m.body)).toEqual(['hello bob', 'hi alice']);
  });
});
