/**
 * Linking across two server nodes sharing PostgreSQL + Redis (issue 13
 * item 6): Alice's phone on one node links her laptop on the other (the
 * provisioning channel lives in the shared database), Bob on the second
 * node reaches both devices, and once the laptop is unlinked it gets
 * nothing and nothing is queued for it. Item 5: Bob already talking to the
 * phone reaches the laptop linked later (the missing-device answer comes from
 * the shared database), and the laptop's reply shows as sent on the phone.
 */
import { parseAccountId } from '@tacet/wire';
import { describe, expect, it } from 'vitest';
import type { ClientEvent } from '../../src/index.js';
import { type Harness, until } from '../support/harness.js';
import { type TwoNodes, twoNodesEachTest } from '../support/two-nodes.js';

let h: Harness;
let nodes: TwoNodes;
twoNodesEachTest((harness, started) => {
  h = harness;
  nodes = started;
});

const texts = (events: ClientEvent[]) =>
  events.flatMap((e) => (e.type === 'message' && e.message.direction === 'in' ? [e.message.body] : []));

describe('linking on PostgreSQL across two nodes', { timeout: 120_000 }, () => {
  it('links a laptop through the other node; Bob reaches both; the unlinked laptop gets nothing', async () => {
    const phone = await h.register('alice');
    const laptop = await h.link(phone.client, 'alice-laptop', nodes.second.url);
    expect(laptop.codes[1]).toBe(laptop.codes[0]);
    expect(laptop.client.account.deviceId).toBe(2);
    const id = Buffer.from(parseAccountId(phone.client.accountId));
    const devices = async () =>
      (await nodes.sql('SELECT device_id FROM devices WHERE account_id = $1 ORDER BY device_id', [id])).map(
        (r) => r.device_id,
      );
    expect(await devices()).toEqual([1, 2]);
    expect(await nodes.sql('SELECT 1 FROM provisioning_channels')).toEqual([]);

    const bob = await h.register('bob', nodes.second.url);
    await bob.client.addContact(phone.client.accountId, 'alice');
    await Promise.all([phone.client.connect(), laptop.client.connect(), bob.client.connect()]);
    await bob.client.send('alice', 'to both devices');
    await until(() => texts(phone.events).includes('to both devices'), 20_000, 'phone');
    await until(() => texts(laptop.events).includes('to both devices'), 20_000, 'laptop');

    await phone.client.removeDevice(2);
    expect(await devices()).toEqual([1]);
    await bob.client.send('alice', 'after unlinking');
    await until(() => texts(phone.events).includes('after unlinking'), 20_000, 'phone after removal');
    expect(texts(laptop.events)).not.toContain('after unlinking');
    const queued = await nodes.sql(
      'SELECT count(*) AS n FROM envelopes WHERE account_id = $1 AND device_id = 2',
      [id],
    );
    expect(Number(queued[0]?.n)).toBe(0);
  });

  it('Bob’s message reaches both devices; the laptop’s reply shows as sent on the phone', async () => {
    const phone = await h.register('alice');
    const bob = await h.register('bob', nodes.second.url);
    await bob.client.addContact(phone.client.accountId, 'alice');
    await phone.client.addContact(bob.client.accountId, 'bob');
    await Promise.all([phone.client.connect(), bob.client.connect()]);
    await bob.client.send('alice', 'before the laptop');
    await until(() => texts(phone.events).includes('before the laptop'), 20_000, 'phone');

    const laptop = await h.link(phone.client, 'alice-laptop', nodes.second.url);
    expect(laptop.client.account.deviceId).toBe(2);
    await laptop.client.connect();
    await bob.client.send('alice', 'to both of you');
    await until(() => texts(phone.events).includes('to both of you'), 20_000, 'phone gets it');
    await until(() => texts(laptop.events).includes('to both of you'), 20_000, 'laptop gets it');

    await laptop.client.send('bob', 'reply from the laptop');
    await until(() => texts(bob.events).includes('reply from the laptop'), 20_000, 'Bob gets the reply');
    const onPhone = async () =>
      (await phone.client.messages('bob')).find((m) => m.body === 'reply from the laptop');
    await until(async () => (await onPhone()) !== undefined, 20_000, 'the reply shows on the phone');
    expect(await onPhone()).toMatchObject({ direction: 'out', conversationId: bob.client.accountId });
  });
});
