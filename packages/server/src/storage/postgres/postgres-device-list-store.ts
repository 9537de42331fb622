/** PostgreSQL adapter of {@link DeviceListStore}: one statement, so nodes racing cannot roll a list back. */
import type {
  DeviceListStore,
  PutDeviceListResult,
  StoredDeviceList,
} from '../../devices/device-list-store.js';
import type { PgPool } from './driver.js';

const FOREIGN_KEY_VIOLATION = '23503';

export class PostgresDeviceListStore implements DeviceListStore {
  constructor(private readonly pool: PgPool) {}

  async putDeviceList(
    accountId: Uint8Array,
    version: number,
    list: Uint8Array,
  ): Promise<PutDeviceListResult> {
    try {
      const res = await this.pool.query(
        'INSERT INTO device_lists (account_id, version, list) VALUES ($1, $2, $3) ' +
          'ON CONFLICT (account_id) DO UPDATE SET version = excluded.version, list = excluded.list ' +
          'WHERE excluded.version > device_lists.version',
        [accountId, version, list],
      );
      return res.rowCount === 1 ? 'ok' : 'stale';
    } catch (err) {
      if ((err as { code?: string }).code === FOREIGN_KEY_VIOLATION) return 'no_account';
      throw err;
    }
  }

  async getDeviceList(accountId: Uint8Array): Promise<StoredDeviceList | undefined> {
    const { rows } = await this.pool.query<{ version: string; list: Buffer }>(
      'SELECT version, list FROM device_lists WHERE account_id = $1',
      [accountId],
    );
    const r = rows[0];
    return r && { version: Number(r.version), list: new Uint8Array(r.list) };
  }

  async getDeviceLists(accountIds: readonly Uint8Array[]): Promise<Array<StoredDeviceList | undefined>> {
    if (accountIds.length === 0) return [];
    const { rows } = await this.pool.query<{ account_id: Buffer; version: string; list: Buffer }>(
      'SELECT account_id, version, list FROM device_lists WHERE account_id = ANY($1::bytea[])',
      [accountIds.map((a) => Buffer.from(a))],
    );
    const found = new Map(
      rows.map((r) => [
        r.account_id.toString('hex'),
        { version: Number(r.version), list: new Uint8Array(r.list) },
      ]),
    );
    return accountIds.map((a) => found.get(Buffer.from(a).toString('hex')));
  }
}
