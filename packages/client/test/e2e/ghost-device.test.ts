/**
 * The ghost-device attack (issue 13): a server edits its storage to give
 * Bob an extra device (with copies of his real device's public keys), serves
 * an older signed device list, or withholds the list. Alice's client refuses
 * each with a typed error and no copy is queued for a device outside Bob's
 * newest verified list. Without the sender's rule the ghost gets a copy.
 */
import { join } from 'node:path';
import { IdentityKeyPair, SignedDeviceList } from '@tacet/protocol';
import { parseAccountId, toBase64Url } from '@tacet/wire';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientError, type TacetClient } from '../../src/index.js';
import { Harness } from '../support/harness.js';

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(async () => {
  await h.dispose();
});

/** Edits the server's database under it (WAL: the running server sees the commit). */
function editServer(sql: (db: Database.Database) => void): void {
  const db = new Database(join(h.serverDir, 'tacet.sqlite'));
  db.pragma('busy_timeout = 5000');
  sql(db);
  db.close();
}

function queuedFor(accountId: string): { device_id: number }[] {
  const db = new Database(join(h.serverDir, 'tacet.sqlite'), { readonly: true });
  try {
    return db
      .prepare('SELECT device_id FROM envelopes WHERE account_id = ?')
      .all(parseAccountId(accountId)) as { device_id: number }[];
  } finally {
    db.close();
  }
}

/** Forgets Alice's sessions with Bob so her next send fetches a fresh bundle. */
async function resetSessions(alice: TacetClient, bob: string): Promise<void> {
  await alice.store.apply({ records: [{ ns: 'self', key: `devices:${bob}`, value: null }] });
}

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('a server that adds a ghost device', { timeout: 60_000 }, () => {
  it('is refused: the send fails with UnlistedDevice and the ghost receives nothing', async () => {
    await h.startServer();
    const alice = await h.register('alice');
    const bob = await h.register('bob');
    await alice.client.addContact(bob.client.accountId, 'bob');
    const id = parseAccountId(bob.client.accountId);
    editServer((db) => {
      // Device 2 for Bob, answering with device 1's public keys and registration id.
      db.prepare(
        'INSERT INTO devices (account_id, device_id, credential_hash, registration_id) SELECT account_id, 2, credential_hash, registration_id FROM devices WHERE account_id = ? AND device_id = 1',
      ).run(id);
      for (const table of ['signed_prekeys', 'kyber_last_resort_prekeys']) {
        const cols = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[])
          .map((c) => c.name)
          .filter((n) => n !== 'device_id');
        db.prepare(
          `INSERT INTO ${table} (device_id, ${cols.join(', ')}) SELECT 2, ${cols.join(', ')} FROM ${table} WHERE account_id = ? AND device_id = 1`,
        ).run(id);
      }
    });
    await alice.client.connect();
    const err = await refusal(alice.client.send('bob', 'for bob only'));
    expect(queuedFor(bob.client.accountId)).toEqual([]);
    expect(err).toBeInstanceOf(ClientError);
    expect((err as ClientError).code).toBe('UnlistedDevice');
    expect((err as ClientError).data.deviceId).toBe(2);
  });

  it('serving an older signed list or withholding it is refused; nothing is queued', async () => {
    await h.startServer();
    const alice = await h.register('alice');
    const bob = await h.register('bob');
    await alice.client.addContact(bob.client.accountId, 'bob');
    // Bob signs version 2 of his list (still only device 1) and uploads it.
    const identity = IdentityKeyPair.deserialize(
      (await bob.client.store.getRecord('self', 'identity-key-pair')) as Uint8Array,
    );
    const id = parseAccountId(bob.client.accountId);
    const v1 = SignedDeviceList.decode(
      (await bob.client.store.getRecord('self', 'own-device-list')) as Uint8Array,
    );
    const v2 = SignedDeviceList.sign({ accountId: id, version: 2, devices: v1.devices }, identity.privateKey);
    const account = JSON.parse(
      new TextDecoder().decode((await bob.client.store.getRecord('self', 'account')) as Uint8Array),
    );
    const put = await fetch(`${h.server.url}/v1/devices/list`, {
      method: 'PUT',
      headers: {
        authorization: `Basic ${Buffer.from(`${account.accountId}.${account.deviceId}:${account.credential}`).toString('base64')}`,
      },
      body: JSON.stringify({ deviceList: toBase64Url(v2.serialize()) }),
    });
    expect(put.status).toBe(204);
    await alice.client.connect();
    await alice.client.send('bob', 'first, under version 2');
    const queued = queuedFor(bob.client.accountId).length;
    expect(queued).toBe(1);

    await resetSessions(alice.client, bob.client.accountId);
    editServer((db) => {
      db.prepare('UPDATE device_lists SET version = 1, list = ? WHERE account_id = ?').run(
        v1.serialize(),
        id,
      );
    });
    const older = await refusal(alice.client.send('bob', 'under the rolled-back list'));
    expect((older as ClientError).code).toBe('DeviceListRefused');
    expect((older as ClientError).message).toMatch(/older/);

    editServer((db) => {
      db.prepare('DELETE FROM device_lists WHERE account_id = ?').run(id);
    });
    const withheld = await refusal(alice.client.send('bob', 'with no list at all'));
    expect((withheld as ClientError).code).toBe('DeviceListRefused');
    expect(queuedFor(bob.client.accountId).length).toBe(queued);
  });
});

describe('a contact signing a newer device list', { timeout: 60_000 }, () => {
  it('raises a devices-changed notice when a send verifies it', async () => {
    await h.startServer();
    const alice = await h.register('alice');
    const bob = await h.register('bob');
    await alice.client.addContact(bob.client.accountId, 'bob');
    await alice.client.connect();
    await alice.client.send('bob', 'under version 1');
    expect(alice.events.some((e) => e.type === 'devices-changed')).toBe(false);
    const identity = IdentityKeyPair.deserialize(
      (await bob.client.store.getRecord('self', 'identity-key-pair')) as Uint8Array,
    );
    const v1 = SignedDeviceList.decode(
      (await bob.client.store.getRecord('self', 'own-device-list')) as Uint8Array,
    );
    const v2 = SignedDeviceList.sign(
      { accountId: v1.accountId, version: 2, devices: v1.devices },
      identity.privateKey,
    );
    const account = JSON.parse(
      new TextDecoder().decode((await bob.client.store.getRecord('self', 'account')) as Uint8Array),
    );
    const auth = Buffer.from(`${account.accountId}.${account.deviceId}:${account.credential}`).toString(
      'base64',
    );
    await fetch(`${h.server.url}/v1/devices/list`, {
      method: 'PUT',
      headers: { authorization: `Basic ${auth}` },
      body: JSON.stringify({ deviceList: toBase64Url(v2.serialize()) }),
    });
    await resetSessions(alice.client, bob.client.accountId);
    await alice.client.send('bob', 'under version 2');
    const notice = alice.events.find((e) => e.type === 'devices-changed');
    expect(notice).toMatchObject({
      type: 'devices-changed',
      devices: [1],
      version: 2,
      contact: { name: 'bob' },
    });
  });
});
