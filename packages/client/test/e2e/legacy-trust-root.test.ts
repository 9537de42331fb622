/**
 * A profile registered before the server returned its trust root has none
 * pinned: on first use the client asks the server once, pins the answer in
 * the profile, and then seals and opens messages under it like any other.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Harness, until } from '../support/harness.js';

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(async () => {
  await h.dispose();
});

const td = new TextDecoder();

describe('a profile without a pinned trust root', { timeout: 60_000 }, () => {
  it('pins the server root on first use and keeps messaging', async () => {
    const { alice, bob } = await h.startConnectedPair();
    const pinned = JSON.parse(td.decode(await alice.client.store.getRecord('self', 'account'))).trustRoot;
    expect(typeof pinned).toBe('string');
    await h.closeClient(alice.client);

    // The account record as such a profile has it: no trustRoot.
    const old = await h.reopen(alice.dir, 'alice');
    const { trustRoot: _dropped, ...legacy } = old.client.account;
    await old.client.store.apply({
      records: [{ ns: 'self', key: 'account', value: new TextEncoder().encode(JSON.stringify(legacy)) }],
    });
    await h.closeClient(old.client);

    const again = await h.reopen(alice.dir, 'alice');
    expect(again.client.account.trustRoot).toBeUndefined();
    await again.client.connect();
    await again.client.send('bob', 'still here');
    await until(async () => (await bob.client.messages('alice')).some((m) => m.body === 'still here'));
    await bob.client.send('alice', 'welcome back');
    await until(async () => (await again.client.messages('bob')).some((m) => m.body === 'welcome back'));
    const account = JSON.parse(td.decode(await again.client.store.getRecord('self', 'account')));
    expect(account.trustRoot).toBe(pinned);
  });
});
