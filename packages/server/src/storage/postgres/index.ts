/**
 * The PostgreSQL storage for several server nodes sharing one database: a
 * bounded pool per node, migrations applied at start (under an advisory
 * lock, so nodes starting together do not race), and one group committer
 * for queue writes. See docs/scaling.md.
 */
import type { Storage, StorageStats } from '../storage.js';
import { createPool, type PgPool } from './driver.js';
import { PgGroupCommitter } from './group-commit.js';
import { migrate } from './migrate.js';
import { PostgresAccountStore } from './postgres-account-store.js';
import { PostgresAttachmentStore } from './postgres-attachment-store.js';
import { PostgresCertificateKeyStore } from './postgres-certificate-key-store.js';
import { PostgresDeviceListStore } from './postgres-device-list-store.js';
import { PostgresKeyStore } from './postgres-key-store.js';
import { PostgresProvisioningStore } from './postgres-provisioning-store.js';
import { PostgresQueueStore } from './postgres-queue-store.js';

/** Options of {@link openPostgresStorage}. */
export interface PostgresStorageOptions {
  /** `postgres://user@host:port/database`. */
  url: string;
  /** Pool size per node. Default 8. */
  maxConnections?: number;
  /** Told when an idle connection fails (a database restart); the pool reconnects by itself. */
  onConnectionError?: (err: Error) => void;
}

class PostgresStorage implements Storage {
  readonly accounts: PostgresAccountStore;
  readonly keys: PostgresKeyStore;
  readonly queue: PostgresQueueStore;
  readonly certificates: PostgresCertificateKeyStore;
  readonly attachments: PostgresAttachmentStore;
  readonly deviceLists: PostgresDeviceListStore;
  readonly provisioning: PostgresProvisioningStore;
  onCommit?: (batchSize: number) => void;
  private readonly committer: PgGroupCommitter;

  constructor(private readonly pool: PgPool) {
    this.committer = new PgGroupCommitter(pool, (n) => this.onCommit?.(n));
    this.accounts = new PostgresAccountStore(pool);
    this.keys = new PostgresKeyStore(pool);
    this.queue = new PostgresQueueStore(pool, this.committer);
    this.certificates = new PostgresCertificateKeyStore(pool);
    this.attachments = new PostgresAttachmentStore(pool);
    this.deviceLists = new PostgresDeviceListStore(pool);
    this.provisioning = new PostgresProvisioningStore(pool);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async stats(): Promise<StorageStats> {
    const { rows } = await this.pool.query(
      'SELECT (SELECT count(*) FROM accounts) AS accounts, (SELECT count(*) FROM devices) AS devices, (SELECT count(*) FROM envelopes) AS queued, pg_database_size(current_database()) AS bytes',
    );
    const r = rows[0] as Record<string, string>;
    return {
      accounts: Number(r.accounts),
      devices: Number(r.devices),
      queuedEnvelopes: Number(r.queued),
      bytesOnDisk: Number(r.bytes),
    };
  }

  async close(): Promise<void> {
    await this.committer.close();
    await this.queue.close();
    await this.pool.end();
  }
}

/**
 * Connects to PostgreSQL and migrates it.
 * @example const storage = await openPostgresStorage({ url: 'postgres://postgres@127.0.0.1/tacet' })
 */
export async function openPostgresStorage(options: PostgresStorageOptions): Promise<Storage> {
  const pool = createPool({
    connectionString: options.url,
    max: options.maxConnections,
    onIdleError: options.onConnectionError,
  });
  try {
    await migrate(pool);
  } catch (err) {
    await pool.end();
    throw err;
  }
  return new PostgresStorage(pool);
}
