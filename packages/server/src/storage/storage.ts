/**
 * The storage bundle a server runs on: one adapter per port, opened and
 * closed together. `openSqliteStorage` (storage/sqlite) is the default.
 */
import type { AccountStore } from '../accounts/account-store.js';
import type { QueueStore } from '../delivery/queue-store.js';
import type { KeyStore } from '../keys/key-store.js';

export interface Storage {
  readonly accounts: AccountStore;
  readonly keys: KeyStore;
  readonly queue: QueueStore;
  /** Resolves when the backing store answers; rejects when it is unavailable. */
  ping(): Promise<void>;
  /** Flushes pending commits and releases the database. */
  close(): Promise<void>;
  /** Called with the number of operations in each commit (for metrics). */
  onCommit?: (batchSize: number) => void;
}
