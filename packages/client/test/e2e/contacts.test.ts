/**
 * Managing contacts against a real server: an id that does not exist is
 * refused on add (checked without claiming a prekey), a known id is not
 * silently renamed, rename is explicit, and deleting a contact shreds the
 * conversation from the store.
 */
import { randomBytes } from 'node:crypto';
import { ACCOUNT_ID_BYTES, formatAccountId } from '@tacet/wire';
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

/** Every prekey (of any kind) the server handed out so far. */
async function prekeysClaimed(metricsUrl: string | undefined): Promise<number> {
  const text = await (await fetch(metricsUrl as string)).text();
  return [...text.matchAll(/^tacet_prekeys_claimed_total\{[^}]*\} (\d+)$/gm)].reduce(
    (n, m) => n + Number(m[1]),
    0,
  );
}

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof ClientError ? e.code : String(e)),
  );

describe('contacts', { timeout: 60_000 }, () => {
  it('refuses unknown and mistyped ids, never renames silently, renames and deletes on request', async () => {
    await h.startServer({ metricsPort: 0 });
    const alice = await h.register('alice');
    const bob = await h.register('bob');
    const before = await prekeysClaimed(h.server.metricsUrl);

    const nobody = formatAccountId(randomBytes(ACCOUNT_ID_BYTES));
    const refused = await alice.client.addContact(nobody, 'ghost').catch((e: ClientError) => e);
    expect(refused).toBeInstanceOf(ClientError);
    expect((refused as ClientError).code).toBe('NoSuchAccount');
    expect((refused as ClientError).message).toMatch(/^no such account/);
    const typo = `${bob.client.accountId.slice(0, -1)}${bob.client.accountId.endsWith('a') ? 'b' : 'a'}`;
    const mistyped = await alice.client.addContact(typo, 'bob').catch((e: ClientError) => e);
    expect((mistyped as ClientError).message).toMatch(/looks mistyped/);
    expect((mistyped as ClientError).message).not.toMatch(/check character/);

    await alice.client.addContact(bob.client.accountId, 'bob');
    // Checking that bob exists claimed none of his prekeys.
    expect(await prekeysClaimed(h.server.metricsUrl)).toBe(before);
    expect(await code(alice.client.addContact(bob.client.accountId, 'robert'))).toBe('DuplicateContact');
    expect((await alice.client.contacts.list()).map((c) => c.name)).toEqual(['bob']);

    await bob.client.addContact(alice.client.accountId, 'alice');
    await alice.client.connect();
    await bob.client.connect();
    const sent = await alice.client.send('bob', 'soon to be shredded');
    await until(async () => (await bob.client.messages('alice')).length === 1, 20_000, 'bob receives');
    // The metric does count claims: starting the session claimed bob's prekeys.
    expect(await prekeysClaimed(h.server.metricsUrl)).toBeGreaterThan(before);

    await alice.client.renameContact('bob', 'robert');
    expect(await code(alice.client.messages('bob'))).toBe('UnknownContact');
    expect((await alice.client.messages('robert')).map((m) => m.body)).toEqual(['soon to be shredded']);

    const events: string[] = [];
    alice.client.on((e) => {
      if (e.type === 'expired') events.push(...e.ids);
    });
    await alice.client.deleteContact('robert');
    expect(events).toEqual([sent.id]);
    expect(await alice.client.store.getMessage(sent.id)).toBeUndefined();
    expect(await alice.client.contacts.list()).toEqual([]);
    // Added again, the conversation starts empty.
    await alice.client.addContact(bob.client.accountId, 'bob');
    expect(await alice.client.messages('bob')).toEqual([]);
  });
});
