/**
 * The ghost-device attack on two server nodes sharing PostgreSQL (and
 * Redis): Bob registers on one node, Alice sends through the other, the
 * shared database is edited to give Bob a ghost device and later to roll
 * his signed list back. Alice refuses both and nothing is queued for Bob.
 */
import { IdentityKeyPair, SignedDeviceList } from '@tacet/protocol';
import type { RunningServer } from '@tacet/server';
import { parseAccountId, toBase64Url } from '@tacet/wire';
import { describe, expect, it } from 'vitest';
import type { ClientError } from '../../src/index.js';
import type { Harness } from '../support/harness.js';
import { type TwoNodes, twoNodesEachTest } from '../support/two-nodes.js';

let h: Harness;
let nodes: TwoNodes;
let second: RunningServer;
const sql = (text: string, params: unknown[] = []) => nodes.sql(text, params);

twoNodesEachTest((harness, started) => {
  h = harness;
  nodes = started;
  second = started.second;
});

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as ClientError,
  );

describe('ghost devices on PostgreSQL across two nodes', { timeout: 60_000 }, () => {
  it('a ghost device and a rolled-back list are refused; Bob has nothing queued', async () => {
    const alice = await h.register('alice');
    const bob = await h.register('bob', second.url);
    await alice.client.addContact(bob.client.accountId, 'bob');
    const id = Buffer.from(parseAccountId(bob.client.accountId));
    const queued = async () =>
      Number((await sql('SELECT count(*) AS n FROM envelopes WHERE account_id = $1', [id]))[0]?.n);

    await sql(
      'INSERT INTO devices (account_id, device_id, credential_hash, registration_id) SELECT account_id, 2, credential_hash, registration_id FROM devices WHERE account_id = $1 AND device_id = 1',
      [id],
    );
    for (const table of ['signed_prekeys', 'kyber_last_resort_prekeys']) {
      const cols = (
        await sql('SELECT column_name FROM information_schema.columns WHERE table_name = $1', [table])
      )
        .map((r) => r.column_name as string)
        .filter((n) => n !== 'device_id');
      await sql(
        `INSERT INTO ${table} (device_id, ${cols.join(', ')}) SELECT 2, ${cols.join(', ')} FROM ${table} WHERE account_id = $1 AND device_id = 1`,
        [id],
      );
    }
    await alice.client.connect();
    const ghost = await refusal(alice.client.send('bob', 'for bob only'));
    expect(await queued()).toBe(0);
    expect(ghost?.code).toBe('UnlistedDevice');

    // The server drops the ghost; Bob signs version 2 and Alice verifies it by sending.
    await sql('DELETE FROM devices WHERE account_id = $1 AND device_id = 2', [id]);
    const identity = IdentityKeyPair.deserialize(
      (await bob.client.store.getRecord('self', 'identity-key-pair')) as Uint8Array,
    );
    const v1 = (await sql('SELECT list FROM device_lists WHERE account_id = $1', [id]))[0]?.list as Buffer;
    const v2 = SignedDeviceList.sign(
      { accountId: id, version: 2, devices: SignedDeviceList.decode(v1).devices },
      identity.privateKey,
    );
    const account = JSON.parse(
      new TextDecoder().decode((await bob.client.store.getRecord('self', 'account')) as Uint8Array),
    );
    const auth = Buffer.from(`${account.accountId}.${account.deviceId}:${account.credential}`).toString(
      'base64',
    );
    const put = await fetch(`${second.url}/v1/devices/list`, {
      method: 'PUT',
      headers: { authorization: `Basic ${auth}` },
      body: JSON.stringify({ deviceList: toBase64Url(v2.serialize()) }),
    });
    expect(put.status).toBe(204);
    await alice.client.send('bob', 'under version 2');
    expect(await queued()).toBe(1);

    await alice.client.store.apply({
      records: [{ ns: 'self', key: `devices:${bob.client.accountId}`, value: null }],
    });
    await sql('UPDATE device_lists SET version = 1, list = $2 WHERE account_id = $1', [id, v1]);
    const older = await refusal(alice.client.send('bob', 'under the rolled-back list'));
    expect(older?.code).toBe('DeviceListRefused');
    expect(await queued()).toBe(1);
  });
});
