/**
 * SQLite adapter of {@link KeyStore}. Claims run inside the group commit's
 * write transaction, and SQLite has one writer, so two claims can never read
 * the same one-time key; DELETE ... RETURNING makes each claim one statement.
 */
import type {
  ClaimedBundle,
  ClaimedDeviceBundle,
  KeyStore,
  KeyUpload,
  PutKeysResult,
} from '../../keys/key-store.js';
import { type KeyRow, toKey } from '../key-row.js';
import type { SqliteDatabase } from './database.js';
import type { GroupCommitter } from './group-commit.js';

export class SqliteKeyStore implements KeyStore {
  private readonly s;

  constructor(
    db: SqliteDatabase,
    private readonly committer: GroupCommitter,
  ) {
    const byDevice = 'WHERE account_id = ? AND device_id = ?';
    this.s = {
      identity: db.prepare('SELECT identity_key FROM accounts WHERE id = ?').pluck(),
      setIdentity: db.prepare('UPDATE accounts SET identity_key = ? WHERE id = ? AND identity_key IS NULL'),
      device: db.prepare(`SELECT registration_id FROM devices ${byDevice}`).pluck(),
      devices: db.prepare(
        'SELECT device_id, registration_id FROM devices WHERE account_id = ? ORDER BY device_id',
      ),
      putSigned: db.prepare(
        'INSERT OR REPLACE INTO signed_prekeys (account_id, device_id, key_id, public_key, signature) VALUES (?, ?, ?, ?, ?)',
      ),
      putLastResort: db.prepare(
        'INSERT OR REPLACE INTO kyber_last_resort_prekeys (account_id, device_id, key_id, public_key, signature) VALUES (?, ?, ?, ?, ?)',
      ),
      putOneTime: db.prepare(
        'INSERT OR REPLACE INTO one_time_prekeys (account_id, device_id, key_id, public_key) VALUES (?, ?, ?, ?)',
      ),
      putOneTimeKyber: db.prepare(
        'INSERT OR REPLACE INTO one_time_kyber_prekeys (account_id, device_id, key_id, public_key, signature) VALUES (?, ?, ?, ?, ?)',
      ),
      countOneTime: db.prepare(`SELECT count(*) FROM one_time_prekeys ${byDevice}`).pluck(),
      countOneTimeKyber: db.prepare(`SELECT count(*) FROM one_time_kyber_prekeys ${byDevice}`).pluck(),
      signed: db.prepare(`SELECT key_id, public_key, signature FROM signed_prekeys ${byDevice}`),
      lastResort: db.prepare(
        `SELECT key_id, public_key, signature FROM kyber_last_resort_prekeys ${byDevice}`,
      ),
      claimOneTime: db.prepare(
        `DELETE FROM one_time_prekeys WHERE (account_id, device_id, key_id) =
           (SELECT account_id, device_id, key_id FROM one_time_prekeys ${byDevice} ORDER BY key_id LIMIT 1)
         RETURNING key_id, public_key`,
      ),
      claimOneTimeKyber: db.prepare(
        `DELETE FROM one_time_kyber_prekeys WHERE (account_id, device_id, key_id) =
           (SELECT account_id, device_id, key_id FROM one_time_kyber_prekeys ${byDevice} ORDER BY key_id LIMIT 1)
         RETURNING key_id, public_key, signature`,
      ),
    };
  }

  async getIdentityKey(accountId: Uint8Array): Promise<Uint8Array | undefined> {
    return (this.s.identity.get(accountId) as Buffer | null | undefined) ?? undefined;
  }

  putKeys(
    accountId: Uint8Array,
    deviceId: number,
    upload: KeyUpload,
    maxOneTimeKeys: number,
  ): Promise<PutKeysResult> {
    return this.committer
      .run(() => {
        if (this.s.device.get(accountId, deviceId) === undefined) return 'no_device';
        this.s.setIdentity.run(upload.identityKey, accountId);
        const stored = this.s.identity.get(accountId) as Buffer;
        if (!stored.equals(upload.identityKey)) return 'identity_key_mismatch';
        const { preKeys = [], pqPreKeys = [] } = upload;
        const a = [accountId, deviceId] as const;
        for (const k of preKeys) this.s.putOneTime.run(...a, k.keyId, k.publicKey);
        for (const k of pqPreKeys) this.s.putOneTimeKyber.run(...a, k.keyId, k.publicKey, k.signature);
        if ((this.s.countOneTime.get(...a) as number) > maxOneTimeKeys) throw new TooManyKeys();
        if ((this.s.countOneTimeKyber.get(...a) as number) > maxOneTimeKeys) throw new TooManyKeys();
        const sp = upload.signedPreKey;
        if (sp) this.s.putSigned.run(...a, sp.keyId, sp.publicKey, sp.signature);
        const lr = upload.pqLastResortPreKey;
        if (lr) this.s.putLastResort.run(...a, lr.keyId, lr.publicKey, lr.signature);
        return 'ok' as const;
      })
      .catch((err: unknown) => {
        if (err instanceof TooManyKeys) return 'too_many_keys';
        throw err;
      });
  }

  async countOneTimeKeys(accountId: Uint8Array, deviceId: number) {
    return {
      preKeys: this.s.countOneTime.get(accountId, deviceId) as number,
      pqPreKeys: this.s.countOneTimeKyber.get(accountId, deviceId) as number,
    };
  }

  claimBundle(accountId: Uint8Array, deviceId: number | undefined): Promise<ClaimedBundle | undefined> {
    return this.committer.run(() => {
      const identityKey = this.s.identity.get(accountId) as Buffer | null | undefined;
      if (!identityKey) return undefined;
      const all = this.s.devices.all(accountId) as { device_id: number; registration_id: number }[];
      const wanted = deviceId === undefined ? all : all.filter((d) => d.device_id === deviceId);
      const devices: ClaimedDeviceBundle[] = [];
      for (const d of wanted) {
        const bundle = this.claimDevice(accountId, d.device_id, d.registration_id);
        if (bundle) devices.push(bundle);
      }
      return devices.length > 0 ? { identityKey, devices } : undefined;
    });
  }

  private claimDevice(
    accountId: Uint8Array,
    deviceId: number,
    registrationId: number,
  ): ClaimedDeviceBundle | undefined {
    const signed = this.s.signed.get(accountId, deviceId) as KeyRow | undefined;
    const lastResort = this.s.lastResort.get(accountId, deviceId) as KeyRow | undefined;
    if (!signed || !lastResort) return undefined;
    const oneTime = this.s.claimOneTime.get(accountId, deviceId) as KeyRow | undefined;
    const oneTimeKyber = this.s.claimOneTimeKyber.get(accountId, deviceId) as KeyRow | undefined;
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

/** Thrown inside the transaction so the savepoint rolls the upload back. */
class TooManyKeys extends Error {
  override readonly name = 'TooManyKeysError';
}
