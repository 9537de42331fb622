/** SQLite adapter of {@link AccountStore}. */
import {
  type AccountStore,
  DeviceIdsUsedUp,
  type DeviceRecord,
  MAX_DEVICE_ID,
  type NewAccount,
  registrationDay,
} from '../../accounts/account-store.js';
import type { SqliteDatabase } from './database.js';
import type { GroupCommitter } from './group-commit.js';

interface DeviceRow {
  account_id: Buffer;
  device_id: number;
  credential_hash: Buffer;
  registration_id: number;
}

export class SqliteAccountStore implements AccountStore {
  private readonly insertAccount;
  private readonly insertDevice;
  private readonly selectDevice;
  private readonly selectDeviceIds;
  private readonly deleteAccountRow;
  private readonly deleteDeviceRow;
  private readonly takeNextDeviceId;

  constructor(
    db: SqliteDatabase,
    private readonly committer: GroupCommitter,
    /** Called after a commit that deleted an account (schedules the WAL truncation). */
    private readonly onDeleted: () => void = () => {},
  ) {
    this.insertAccount = db.prepare('INSERT OR IGNORE INTO accounts (id, created_at) VALUES (?, ?)');
    this.insertDevice = db.prepare(
      'INSERT INTO devices (account_id, device_id, credential_hash, registration_id) VALUES (?, ?, ?, ?)',
    );
    this.selectDevice = db.prepare(
      'SELECT account_id, device_id, credential_hash, registration_id FROM devices WHERE account_id = ? AND device_id = ?',
    );
    this.selectDeviceIds = db
      .prepare('SELECT device_id FROM devices WHERE account_id = ? ORDER BY device_id')
      .pluck();
    // Devices, keys and envelopes go with it through ON DELETE CASCADE.
    this.deleteAccountRow = db.prepare('DELETE FROM accounts WHERE id = ?');
    // Its keys and envelopes go with it through ON DELETE CASCADE.
    this.deleteDeviceRow = db.prepare('DELETE FROM devices WHERE account_id = ? AND device_id = ?');
    this.takeNextDeviceId = db
      .prepare(
        'UPDATE accounts SET last_device_id = last_device_id + 1 WHERE id = ? RETURNING last_device_id',
      )
      .pluck();
  }

  createAccount(a: NewAccount): Promise<boolean> {
    return this.committer.run(() => {
      if (this.insertAccount.run(a.accountId, registrationDay(a.createdAt)).changes === 0) return false;
      this.insertDevice.run(a.accountId, 1, a.credentialHash, a.registrationId);
      return true;
    });
  }

  addDevice(accountId: Uint8Array, credentialHash: Uint8Array, registrationId: number, maxDevices: number) {
    return this.committer.run(() => {
      const ids = this.selectDeviceIds.all(accountId) as number[];
      if (ids.length === 0 || ids.length >= maxDevices) return undefined;
      const next = this.takeNextDeviceId.get(accountId) as number;
      if (next > MAX_DEVICE_ID) throw new DeviceIdsUsedUp();
      this.insertDevice.run(accountId, next, credentialHash, registrationId);
      return next;
    });
  }

  async getDevice(accountId: Uint8Array, deviceId: number): Promise<DeviceRecord | undefined> {
    const row = this.selectDevice.get(accountId, deviceId) as DeviceRow | undefined;
    if (!row) return undefined;
    return {
      accountId: row.account_id,
      deviceId: row.device_id,
      credentialHash: row.credential_hash,
      registrationId: row.registration_id,
    };
  }

  async removeDevice(accountId: Uint8Array, deviceId: number): Promise<boolean> {
    const deleted = await this.committer.run(() => this.deleteDeviceRow.run(accountId, deviceId).changes > 0);
    if (deleted) this.onDeleted();
    return deleted;
  }

  async listDeviceIds(accountId: Uint8Array): Promise<number[]> {
    return this.selectDeviceIds.all(accountId) as number[];
  }

  async deleteAccount(accountId: Uint8Array): Promise<boolean> {
    const deleted = await this.committer.run(() => this.deleteAccountRow.run(accountId).changes > 0);
    if (deleted) this.onDeleted();
    return deleted;
  }
}
