/**
 * A new key claiming a contact (issue 9, item 1) from a hostile server: it
 * signs a certificate naming Alice, Bob's verified contact, with Eve's key
 * (its own key, read from its database), and Eve seals PreKey messages (a
 * text and a timer change) under it. Bob holds them apart, unread and
 * unapplied, as "a new key claims to be alice"; acceptance is refused while
 * the directory lists Alice's real key, and offered once the server lists
 * Eve's. After acceptance the messages appear and their timer applies, but
 * nothing is sent to the new key until Bob verifies it again. A flood is
 * bounded per sender.
 */
import { join } from 'node:path';
import { parseAccountId } from '@tacet/wire';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeContent } from '../../src/content/content.js';
import { ClientError, type ClientEvent, MAX_HELD_PER_SENDER } from '../../src/index.js';
import { randomId } from '../../src/util.js';
import { certificate, forgedContents, sendSealed, stolenSigner } from '../support/forge.js';
import { Harness, until } from '../support/harness.js';

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(async () => {
  await h.dispose();
});

const claims = (events: ClientEvent[]) => events.filter((e) => e.type === 'identity-claim');

describe('a new key claiming a verified contact', { timeout: 60_000 }, () => {
  it('is held apart until the directory confirms it and the user accepts; sending waits for re-verification', async () => {
    const { alice, bob } = await h.startConnectedPair();
    const eve = await h.register('eve');
    const aliceId = alice.client.accountId;
    await alice.client.send('bob', 'hello bob');
    await until(async () => (await bob.client.messages('alice')).length === 1, 20_000, 'first message');
    await bob.client.verify('alice');

    const eveKey = (await eve.client.identityKey()).publicKey;
    const claim = certificate(stolenSigner(h.serverDir), aliceId, eveKey);
    await sendSealed(h.server.url, eve.client, bob.client.accountId, forgedContents(), claim);
    await until(() => claims(bob.events).length === 2, 20_000, 'claims');

    const [first] = claims(bob.events);
    expect(first?.type === 'identity-claim' && first.name).toBe('alice');
    expect(first?.type === 'identity-claim' && first.claim.confirmed).toBe(false);
    expect((await bob.client.messages('alice')).map((m) => m.body)).toEqual(['hello bob']);
    expect((await bob.client.contacts.get('alice')).timerSeconds).toBe(30);
    expect((await bob.client.safetyNumber('alice')).verified).toBe(true);
    expect(await bob.client.claims()).toMatchObject([{ name: 'alice', held: 2, confirmed: false }]);
    const refused = await bob.client.acceptClaim('alice').catch((e: unknown) => e);
    expect((refused as ClientError).code).toBe('ClaimNotConfirmed');

    // The server now lists Eve's key for Alice: the claim can be accepted.
    const db = new Database(join(h.serverDir, 'tacet.sqlite'));
    db.pragma('busy_timeout = 5000');
    db.prepare('UPDATE accounts SET identity_key = ? WHERE id = ?').run(
      eveKey.serialize(),
      parseAccountId(aliceId),
    );
    db.close();
    expect(await bob.client.acceptClaim('alice')).toBe(2);
    const shown = await bob.client.messages('alice');
    expect(shown.map((m) => m.body)).toEqual(['hello bob', 'it is me, alice', '']);
    expect((await bob.client.contacts.get('alice')).timerSeconds).toBe(5);
    expect(await bob.client.claims()).toEqual([]);
    expect(await bob.client.store.listRecords(`held-apart:${aliceId}`)).toEqual([]);

    // Verified Alice: nothing goes to the new key until Bob verifies again.
    expect((await bob.client.safetyNumber('alice')).verified).toBe(false);
    expect(await bob.client.isUntrusted('alice')).toBe(true);
    const blocked = await bob.client.send('alice', 'to whom?').catch((e: unknown) => e);
    expect((blocked as ClientError).code).toBe('UntrustedIdentity');
    await bob.client.verify('alice');
    expect(await bob.client.isUntrusted('alice')).toBe(false);
  });

  it(`keeps at most ${MAX_HELD_PER_SENDER} messages of one claim`, async () => {
    const { alice, bob } = await h.startConnectedPair();
    const eve = await h.register('eve');
    await alice.client.send('bob', 'hello bob');
    await until(async () => (await bob.client.messages('alice')).length === 1, 20_000, 'first message');
    const claim = certificate(
      stolenSigner(h.serverDir),
      alice.client.accountId,
      (await eve.client.identityKey()).publicKey,
    );
    const flood = Array.from({ length: MAX_HELD_PER_SENDER + 2 }, (_, i) =>
      encodeContent({
        kind: 'text',
        id: randomId(),
        sentAt: Date.now(),
        clock: i + 1,
        body: `flood ${i}`,
        timerSeconds: 0,
      }),
    );
    await sendSealed(h.server.url, eve.client, bob.client.accountId, flood, claim);
    const dropped = () => bob.events.filter((e) => e.type === 'error' && e.error instanceof ClientError);
    await until(() => dropped().length === 2, 20_000, 'overflow dropped');
    expect(claims(bob.events)).toHaveLength(MAX_HELD_PER_SENDER);
    expect(await bob.client.store.listRecords(`held-apart:${alice.client.accountId}`)).toHaveLength(
      MAX_HELD_PER_SENDER,
    );
    expect((await bob.client.messages('alice')).map((m) => m.body)).toEqual(['hello bob']);
  });
});
