/** SQLite adapter of {@link DeviceListStore}. */
import type {
  DeviceListStore,
  PutDeviceListResult,
  StoredDeviceList,
} from '../../devices/device-list-store.js';
import type { SqliteDatabase } from './database.js';
import type { GroupCommitter } from './group-commit.js';

/** Accounts read per statement by getDeviceLists (well under SQLite's 32,766 parameters). */
const BATCH = 250;

export class SqliteDeviceListStore implements DeviceListStore {
  private readonly selectAccount;
  private readonly upsert;
  private readonly select;
  private readonly selectMany;

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
    this.selectMany = db.prepare(
      `SELECT account_id, version, list FROM device_lists WHERE account_id IN (${Array(BATCH).fill('?').join(',')})`,
    );
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

  async getDeviceLists(accountIds: readonly Uint8Array[]): Promise<Array<StoredDeviceList | undefined>> {
    const found = new Map<string, StoredDeviceList>();
    for (let i = 0; i < accountIds.length; i += BATCH) {
      const chunk = accountIds.slice(i, i + BATCH);
      // One prepared statement: a short last chunk repeats its first id (IN ignores repeats).
      const params = [...chunk, ...Array(BATCH - chunk.length).fill(chunk[0])];
      const rows = this.selectMany.all(...params) as { account_id: Buffer; version: number; list: Buffer }[];
      for (const r of rows)
        found.set(r.account_id.toString('hex'), { version: r.version, list: new Uint8Array(r.list) });
    }
    return accountIds.map((a) => found.get(Buffer.from(a).toString('hex')));
  }
}
