/**
 * PostgreSQL adapter of {@link AccountStore}. Account creation and device
 * addition are small transactions on the pool; adding a device locks the
 * account row so two concurrent additions cannot pick the same number, and
 * takes the number from the account's counter so a removed device's never returns.
 */
import {
  type AccountStore,
  DeviceIdsUsedUp,
  type DeviceRecord,
  MAX_DEVICE_ID,
  type NewAccount,
  registrationDay,
} from '../../accounts/account-store.js';
import { type PgPool, type PgQueryable, withTransaction } from './driver.js';

interface DeviceRow {
  account_id: Buffer;
  device_id: number;
  credential_hash: Buffer;
  registration_id: number;
}

export class PostgresAccountStore implements AccountStore {
  constructor(private readonly pool: PgPool) {}

  createAccount(a: NewAccount): Promise<boolean> {
    return withTransaction(this.pool, async (c) => {
      const inserted = await c.query(
        'INSERT INTO accounts (id, created_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING',
        [a.accountId, registrationDay(a.createdAt)],
      );
      if (inserted.rowCount === 0) return false;
      await c.query(
        'INSERT INTO devices (account_id, device_id, credential_hash, registration_id) VALUES ($1, 1, $2, $3)',
        [a.accountId, a.credentialHash, a.registrationId],
      );
      return true;
    });
  }

  addDevice(
    accountId: Uint8Array,
    credentialHash: Uint8Array,
    registrationId: number,
    maxDevices: number,
  ): Promise<number | undefined> {
    return withTransaction(this.pool, async (c) => {
      const locked = await c.query<{ last_device_id: number }>(
        'SELECT last_device_id FROM accounts WHERE id = $1 FOR UPDATE',
        [accountId],
      );
      const last = locked.rows[0]?.last_device_id;
      if (last === undefined) return undefined;
      const ids = await this.deviceIds(c, accountId);
      if (ids.length === 0 || ids.length >= maxDevices) return undefined;
      const next = last + 1;
      if (next > MAX_DEVICE_ID) throw new DeviceIdsUsedUp();
      await c.query('UPDATE accounts SET last_device_id = $2 WHERE id = $1', [accountId, next]);
      await c.query(
        'INSERT INTO devices (account_id, device_id, credential_hash, registration_id) VALUES ($1, $2, $3, $4)',
        [accountId, next, credentialHash, registrationId],
      );
      return next;
    });
  }

  async getDevice(accountId: Uint8Array, deviceId: number): Promise<DeviceRecord | undefined> {
    const { rows } = await this.pool.query<DeviceRow>(
      'SELECT account_id, device_id, credential_hash, registration_id FROM devices WHERE account_id = $1 AND device_id = $2',
      [accountId, deviceId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      accountId: row.account_id,
      deviceId: row.device_id,
      credentialHash: row.credential_hash,
      registrationId: row.registration_id,
    };
  }

  listDeviceIds(accountId: Uint8Array): Promise<number[]> {
    return this.deviceIds(this.pool, accountId);
  }

  async removeDevice(accountId: Uint8Array, deviceId: number): Promise<boolean> {
    // Its keys and envelopes go with it through ON DELETE CASCADE.
    const result = await this.pool.query('DELETE FROM devices WHERE account_id = $1 AND device_id = $2', [
      accountId,
      deviceId,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async deleteAccount(accountId: Uint8Array): Promise<boolean> {
    // Devices, keys and envelopes go with it through ON DELETE CASCADE, in this one statement.
    const result = await this.pool.query('DELETE FROM accounts WHERE id = $1', [accountId]);
    return (result.rowCount ?? 0) > 0;
  }

  private async deviceIds(q: PgQueryable, accountId: Uint8Array): Promise<number[]> {
    const { rows } = await q.query<{ device_id: number }>(
      'SELECT device_id FROM devices WHERE account_id = $1 ORDER BY device_id',
      [accountId],
    );
    return rows.map((r) => r.device_id);
  }
}
