/**
 * The embedded SQLite storage: one database file in the data directory, one
 * group committer shared by every store so all writes batch together and
 * share one WAL sync, and a WAL truncator (checkpoints on a worker thread)
 * that deletions and a large WAL wake, so deleted envelopes leave the WAL soon.
 */
import { existsSync, statSync } from 'node:fs';
import type { Storage, StorageStats } from '../storage.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { GroupCommitter } from './group-commit.js';
import { removePidFile, writePidFile } from './pid-file.js';
import { SqliteAccountStore } from './sqlite-account-store.js';
import { SqliteAttachmentStore } from './sqlite-attachment-store.js';
import { SqliteCertificateKeyStore } from './sqlite-certificate-key-store.js';
import { SqliteDeviceListStore } from './sqlite-device-list-store.js';
import { SqliteKeyStore } from './sqlite-key-store.js';
import { SqliteProvisioningStore } from './sqlite-provisioning-store.js';
import { SqliteQueueStore } from './sqlite-queue-store.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import { type SyncFile, WalSync } from './wal-sync.js';
import { WAL_TRUNCATE_DELAY_MS, WalTruncator } from './wal-truncator.js';

export { BackupError, backupSqlite, restoreSqlite } from './backup.js';
export { DATABASE_FILE } from './database.js';

class SqliteStorage implements Storage {
  readonly accounts: SqliteAccountStore;
  readonly keys: SqliteKeyStore;
  readonly queue: SqliteQueueStore;
  readonly certificates: SqliteCertificateKeyStore;
  readonly attachments: SqliteAttachmentStore;
  readonly deviceLists: SqliteDeviceListStore;
  readonly provisioning: SqliteProvisioningStore;
  onCommit?: (batchSize: number) => void;
  private readonly committer: GroupCommitter;
  private readonly wal: WalTruncator;
  private readonly checkpointer: WalCheckpointer;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly dataDir: string,
    { syncFile, walLimitBytes }: SqliteStorageOptions,
  ) {
    const walSync = new WalSync(`${db.name}-wal`, syncFile);
    this.committer = new GroupCommitter(db, walSync, (n) => {
      this.onCommit?.(n);
      this.wal.committed();
    });
    writePidFile(dataDir);
    // The worker checkpoints instead (SQLite's automatic one would fsync the database on the event loop).
    db.pragma('wal_autocheckpoint = 0');
    this.checkpointer = new WalCheckpointer(db.name);
    this.wal = new WalTruncator(
      this.checkpointer,
      (work) => this.committer.exclusive(work),
      () => walSync.bytes,
      WAL_TRUNCATE_DELAY_MS,
      walLimitBytes,
    );
    const deleted = () => this.wal.schedule();
    this.accounts = new SqliteAccountStore(db, this.committer, deleted);
    this.keys = new SqliteKeyStore(db, this.committer);
    this.queue = new SqliteQueueStore(db, this.committer, deleted);
    this.certificates = new SqliteCertificateKeyStore(db, this.committer);
    this.attachments = new SqliteAttachmentStore(db, dataDir, this.committer, deleted);
    this.deviceLists = new SqliteDeviceListStore(db, this.committer);
    this.provisioning = new SqliteProvisioningStore(db, this.committer);
  }

  async ping(): Promise<void> {
    const failure = this.committer.failed ?? this.checkpointer.failed;
    if (failure) throw failure;
    this.db.prepare('SELECT 1').get();
  }

  async stats(): Promise<StorageStats> {
    const row = this.db
      .prepare(
        'SELECT (SELECT count(*) FROM accounts) AS accounts, (SELECT count(*) FROM devices) AS devices, (SELECT count(*) FROM envelopes) AS queuedEnvelopes',
      )
      .get() as Omit<StorageStats, 'bytesOnDisk'>;
    const size = (path: string) => (existsSync(path) ? statSync(path).size : 0);
    return { ...row, bytesOnDisk: size(this.db.name) + size(`${this.db.name}-wal`) };
  }

  async close(): Promise<void> {
    await this.wal.close();
    await this.checkpointer.close();
    await this.committer.close();
    if (!this.db.open) return;
    removePidFile(this.dataDir);
    // Fold the WAL back and truncate it so deleted envelopes do not linger there.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }
}

export interface SqliteStorageOptions {
  /** How the WAL reaches the disk; tests replace it to hold a sync or make it fail. */
  syncFile?: SyncFile;
  /** WAL size that asks for a checkpoint at once (default WAL_LIMIT_BYTES); tests lower it to see the bound hold. */
  walLimitBytes?: number;
}

/**
 * Opens the storage of `dataDir` (created if missing).
 * @example const storage = await openSqliteStorage('/var/lib/tacet')
 */
export async function openSqliteStorage(
  dataDir: string,
  options: SqliteStorageOptions = {},
): Promise<Storage> {
  const db = openDatabase(dataDir);
  try {
    return new SqliteStorage(db, dataDir, options);
  } catch (err) {
    db.close();
    throw err;
  }
}
