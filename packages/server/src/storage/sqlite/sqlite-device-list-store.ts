/** SQLite adapter of {@link DeviceListStore}. */
import type {
  DeviceListStore,
  PutDeviceListResult,
  StoredDeviceList,
} from '../../devices/device-list-store.js';
import type { SqliteDatabase } from './database.js';
import type { GroupCommitter } from './group-commit.js';

export class SqliteDeviceListStore implements DeviceListStore {
  private readonly selectAccount;
  private readonly upsert;
  private readonly select;

  constructor(
    db: SqliteDatabase,
    private readonly committer: GroupCommitter,
  ) {
    this.selectAccount = db.prepare('SELECT 1 FROM accounts WHERE id = ?').pluck();
    // The WHERE on the update makes "only newer" part of the one statement.
    this.upsert = db.prepare(
      'INSERT INTO device_lists (account_id, version, list) VALUES (?, ?, ?) ' +
        'ON CONFLICT (account_id) DO UPDATE SET version = excluded.version, list = excluded.list ' +
        'WHERE excluded.version > device_lists.version',
    );
    this.select = db.prepare('SELECT version, list FROM device_lists WHERE account_id = ?');
  }

  putDeviceList(accountId: Uint8Array, version: number, list: Uint8Array): Promise<PutDeviceListResult> {
    return this.committer.run(() => {
      if (this.selectAccount.get(accountId) === undefined) return 'no_account';
      return this.upsert.run(accountId, version, list).changes === 1 ? 'ok' : 'stale';
    });
  }

  async getDeviceList(accountId: Uint8Array): Promise<StoredDeviceList | undefined> {
    const r = this.select.get(accountId) as { version: number; list: Buffer } | undefined;
    return r && { version: r.version, list: new Uint8Array(r.list) };
  }
}
