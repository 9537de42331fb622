/**
 * PostgreSQL adapter of {@link KeyStore}. Uploads are one transaction each.
 * A claim takes one one-time key per kind with DELETE ... RETURNING over a
 * `FOR UPDATE SKIP LOCKED` pick: concurrent claims (on this node or another)
 * each lock a different row, so no key is handed out twice, and none waits
 * behind another claim's row only to find it gone.
 */
import type {
  ClaimedBundle,
  ClaimedDeviceBundle,
  KeyStore,
  KeyUpload,
  PutKeysResult,
} from '../../keys/key-store.js';
import { type KeyRow, toKey } from '../key-row.js';
import { int, type PgClient, type PgPool, withTransaction } from './driver.js';
import { claimOneTime, putOneTimeKeys, selectKey } from './key-queries.js';

export class PostgresKeyStore implements KeyStore {
  constructor(private readonly pool: PgPool) {}

  async getIdentityKey(accountId: Uint8Array): Promise<Uint8Array | undefined> {
    const { rows } = await this.pool.query<{ identity_key: Buffer | null }>(
      'SELECT identity_key FROM accounts WHERE id = $1',
      [accountId],
    );
    return rows[0]?.identity_key ?? undefined;
  }

  putKeys(
    accountId: Uint8Array,
    deviceId: number,
    upload: KeyUpload,
    maxOneTimeKeys: number,
  ): Promise<PutKeysResult> {
    return withTransaction(this.pool, (c) =>
      this.putKeysIn(c, accountId, deviceId, upload, maxOneTimeKeys),
    ).catch((err: unknown) => {
      if (err instanceof TooManyKeys) return 'too_many_keys';
      throw err;
    });
  }

  private async putKeysIn(
    c: PgClient,
    accountId: Uint8Array,
    deviceId: number,
    upload: KeyUpload,
    maxOneTimeKeys: number,
  ): Promise<PutKeysResult> {
    // Lock order accounts -> devices, as in account deletion; the account lock
    // serialises uploads, so the second first upload sees the first's identity key.
    const { rows } = await c.query<{ identity_key: Buffer | null }>(
      'SELECT identity_key FROM accounts WHERE id = $1 FOR NO KEY UPDATE',
      [accountId],
    );
    const device = await c.query('SELECT 1 FROM devices WHERE account_id = $1 AND device_id = $2', [
      accountId,
      deviceId,
    ]);
    if (!rows[0] || device.rowCount === 0) return 'no_device';
    const stored = rows[0].identity_key;
    if (!stored) {
      await c.query('UPDATE accounts SET identity_key = $1 WHERE id = $2', [upload.identityKey, accountId]);
    } else if (!stored.equals(upload.identityKey)) {
      return 'identity_key_mismatch';
    }
    const counts = await putOneTimeKeys(c, accountId, deviceId, upload.preKeys ?? [], upload.pqPreKeys ?? []);
    if (counts.preKeys > maxOneTimeKeys || counts.pqPreKeys > maxOneTimeKeys) throw new TooManyKeys();
    for (const [table, key] of [
      ['signed_prekeys', upload.signedPreKey],
      ['kyber_last_resort_prekeys', upload.pqLastResortPreKey],
    ] as const) {
      if (!key) continue;
      await c.query(
        `INSERT INTO ${table} (account_id, device_id, key_id, public_key, signature) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (account_id, device_id) DO UPDATE
         SET key_id = EXCLUDED.key_id, public_key = EXCLUDED.public_key, signature = EXCLUDED.signature`,
        [accountId, deviceId, key.keyId, key.publicKey, key.signature],
      );
    }
    return 'ok';
  }

  async countOneTimeKeys(accountId: Uint8Array, deviceId: number) {
    const { rows } = await this.pool.query<{ pre: string; pq: string }>(
      `SELECT (SELECT count(*) FROM one_time_prekeys WHERE account_id = $1 AND device_id = $2) AS pre,
              (SELECT count(*) FROM one_time_kyber_prekeys WHERE account_id = $1 AND device_id = $2) AS pq`,
      [accountId, deviceId],
    );
    return { preKeys: int(rows[0]?.pre), pqPreKeys: int(rows[0]?.pq) };
  }

  claimBundle(accountId: Uint8Array, deviceId: number | undefined): Promise<ClaimedBundle | undefined> {
    return withTransaction(this.pool, async (c) => {
      const { rows } = await c.query<{ identity_key: Buffer | null }>(
        'SELECT identity_key FROM accounts WHERE id = $1',
        [accountId],
      );
      const identityKey = rows[0]?.identity_key;
      if (!identityKey) return undefined;
      const all = await c.query<{ device_id: number; registration_id: number }>(
        'SELECT device_id, registration_id FROM devices WHERE account_id = $1 ORDER BY device_id',
        [accountId],
      );
      const wanted = deviceId === undefined ? all.rows : all.rows.filter((d) => d.device_id === deviceId);
      const devices: ClaimedDeviceBundle[] = [];
      for (const d of wanted) {
        const bundle = await this.claimDevice(c, accountId, d.device_id, d.registration_id);
        if (bundle) devices.push(bundle);
      }
      return devices.length > 0 ? { identityKey, devices } : undefined;
    });
  }

  private async claimDevice(
    c: PgClient,
    accountId: Uint8Array,
    deviceId: number,
    registrationId: number,
  ): Promise<ClaimedDeviceBundle | undefined> {
    const signed = await selectKey<KeyRow>(c, 'signed_prekeys', accountId, deviceId);
    const lastResort = await selectKey<KeyRow>(c, 'kyber_last_resort_prekeys', accountId, deviceId);
    if (!signed || !lastResort) return undefined;
    const oneTime = await claimOneTime<KeyRow>(c, 'one_time_prekeys', accountId, deviceId);
    const oneTimeKyber = await claimOneTime<KeyRow>(c, 'one_time_kyber_prekeys', accountId, deviceId);
    const bundle: ClaimedDeviceBundle = {
      deviceId,
      registrationId,
      signedPreKey: toKey(signed),
      pqPreKey: toKey(oneTimeKyber ?? lastResort),
      pqPreKeyIsLastResort: !oneTimeKyber,
    };
    if (oneTime) bundle.preKey = { keyId: oneTime.key_id, publicKey: oneTime.public_key };
    return bundle;
  }
}

/** Thrown inside the transaction so the whole upload rolls back. */
class TooManyKeys extends Error {
  override readonly name = 'TooManyKeysError';
}
