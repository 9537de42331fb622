import { join } from 'node:path';
import { IdentityKeyPair } from '@tacet/protocol';
import { decodeClientFrame, parseAccountId } from '@tacet/wire';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientError, TacetClient, type WebSocketFactory } from '../../src/index.js';
import { nodeWebSocket, openSqliteStore } from '../../src/index.node.js';
import { Harness, until } from '../support/harness.js';
import { filesContaining } from '../support/scan.js';

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(async () => {
  await h.dispose();
});

describe('identity changes', { timeout: 60_000 }, () => {
  it('hold a new key apart, block sending to a verified contact until re-verified, then allow it', async () => {
    const { alice, bob } = await h.startConnectedPair();
    await alice.client.send('bob', 'hi');
    await until(async () => (await bob.client.messages('alice')).length === 1);
    await alice.client.verify('bob');
    expect((await alice.client.safetyNumber('bob')).verified).toBe(true);
    const account = await bob.client.store.getRecord('self', 'account');
    await h.closeClient(bob.client);

    // Bob's account now speaks with a different identity key (a reinstall the server agreed to: it lists
    // the new key, and certifies it). Alice holds his message apart until she accepts the key.
    const newKey = IdentityKeyPair.generate();
    const db = new Database(join(h.serverDir, 'tacet.sqlite'));
    db.pragma('busy_timeout = 5000');
    db.prepare('UPDATE accounts SET identity_key = ? WHERE id = ?').run(
      newKey.publicKey.serialize(),
      parseAccountId(bob.client.accountId),
    );
    db.close();
    const dir = h.tempDir('bob2');
    const store = await openSqliteStore({ dir, passphrase: 'pw', logN: 14 });
    await store.apply({
      records: [
        { ns: 'self', key: 'account', value: account as Uint8Array },
        { ns: 'self', key: 'identity-key-pair', value: newKey.serialize() },
        { ns: 'self', key: 'registration-id', value: new Uint8Array([0, 0, 0, 7]) },
      ],
    });
    const bob2 = await TacetClient.open({ store, webSocket: nodeWebSocket });
    h.clients.add(bob2);
    await bob2.addContact(alice.client.accountId, 'alice');
    await bob2.connect();
    await bob2.send('alice', 'new phone, who dis');

    const warning = await until(() => alice.events.find((e) => e.type === 'identity-claim'));
    expect(warning.type === 'identity-claim' && [warning.name, warning.claim.confirmed]).toEqual([
      'bob',
      true,
    ]);
    expect((await alice.client.messages('bob')).map((m) => m.body)).toEqual(['hi']);
    expect(await alice.client.acceptClaim('bob')).toBe(1);
    expect((await alice.client.messages('bob')).map((m) => m.body)).toEqual(['hi', 'new phone, who dis']);
    // Bob was verified: nothing goes to his new key until Alice verifies it; accepting it unverified is refused.
    expect(await alice.client.isUntrusted('bob')).toBe(true);
    const refused = await alice.client.send('bob', 'blocked?').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ClientError);
    expect((refused as ClientError).code).toBe('UntrustedIdentity');
    expect((refused as Error).message).toMatch(/safety number has changed.*tacet verify bob/);
    const unverified = await alice.client.acceptIdentity('bob').catch((e: unknown) => e);
    expect((unverified as ClientError).code).toBe('UntrustedIdentity');
    expect((unverified as Error).message).toMatch(/verified bob before.*tacet verify bob/);
    expect(await alice.client.isUntrusted('bob')).toBe(true);

    await alice.client.verify('bob');
    expect(await alice.client.isUntrusted('bob')).toBe(false);
    expect((await alice.client.contacts.get('bob')).verifiedKey).toBe(
      Buffer.from(newKey.publicKey.serialize()).toString('hex'),
    );
    expect((await alice.client.safetyNumber('bob')).verified).toBe(true);
    await alice.client.send('bob', 'accepted');
    await until(async () => (await bob2.messages('alice')).some((m) => m.body === 'accepted'));
  });
});

describe('disappearing messages', { timeout: 60_000 }, () => {
  it('are gone from the API 1 s after the deadline and from every file of both clients and the server', async () => {
    await h.startServer();
    const wire: Uint8Array[] = [];
    const tap: WebSocketFactory = (url, protocols, headers) => {
      const ws = nodeWebSocket(url, protocols, headers);
      const send = ws.send.bind(ws);
      ws.send = (data) => {
        const f = decodeClientFrame(data);
        if (f.kind.case === 'send') for (const e of f.kind.value.envelopes) wire.push(e.content);
        send(data);
      };
      return ws;
    };
    const aliceDir = h.tempDir('alice');
    const aliceStore = await openSqliteStore({ dir: aliceDir, passphrase: 'pw', logN: 14 });
    const alice = await TacetClient.register({ store: aliceStore, webSocket: tap, serverUrl: h.server.url });
    h.clients.add(alice);
    const bob = await h.register('bob');
    await alice.addContact(bob.client.accountId, 'bob');
    await alice.connect();
    await bob.client.connect();

    await alice.setTimer('bob', 5);
    const canary = 'self-destructing canary 7f3a';
    const sent = await alice.send('bob', canary);
    const envelope = wire[wire.length - 1] as Uint8Array;
    // Alice is a stranger to Bob until her first message makes her a contact: until then, nothing to list.
    const got = await until(async () =>
      (await bob.client.messages(alice.accountId).catch(() => [])).find((m) => m.body === canary),
    );
    expect(got.timerSeconds).toBe(5);
    // The timer change itself reached Bob as a conversation item, and his side of the conversation follows it.
    const items = await bob.client.messages(alice.accountId);
    expect(items.filter((m) => m.kind === 'timer').map((m) => m.timerSeconds)).toEqual([5]);
    expect((await bob.client.contacts.get(alice.accountId)).timerSeconds).toBe(5);
    expect(got.expiresAt).toBeNull(); // the recipient's countdown starts on display
    const [shown] = await bob.client.markDisplayed([got.id]);
    const deadline = Math.max(sent.expiresAt as number, shown?.expiresAt as number);

    await new Promise((r) => setTimeout(r, deadline + 1000 - Date.now()));
    expect((await alice.messages('bob')).some((m) => m.body === canary)).toBe(false);
    expect((await bob.client.messages(alice.accountId)).some((m) => m.body === canary)).toBe(false);
    expect(await alice.store.getMessage(sent.id)).toBeUndefined();
    expect(await bob.client.store.getMessage(got.id)).toBeUndefined();

    // Both clients and the server are still running: their files must already be clean
    // (the server truncates its WAL soon after Bob's ack deleted the envelope).
    const canaryBytes = new TextEncoder().encode(canary);
    const middle = envelope.subarray(envelope.length - 48, envelope.length - 16);
    const dirs = [aliceDir, bob.dir, h.serverDir];
    expect(filesContaining(dirs, canaryBytes)).toEqual([]);
    expect(filesContaining(dirs, middle)).toEqual([]);
  });
});
