/**
 * The storage bundle a server runs on: one adapter per port, opened and
 * closed together. `openSqliteStorage` (storage/sqlite) is the default.
 */
import type { AccountStore } from '../accounts/account-store.js';
import type { AttachmentStore } from '../attachments/attachment-store.js';
import type { CertificateKeyStore } from '../certificates/certificate-key-store.js';
import type { QueueStore } from '../delivery/queue-store.js';
import type { DeviceListStore } from '../devices/device-list-store.js';
import type { KeyStore } from '../keys/key-store.js';
import type { ProvisioningStore } from '../provisioning/provisioning-store.js';

/** What an operator sees in `tacet admin stats`: counts only, no identifiers. */
export interface StorageStats {
  accounts: number;
  devices: number;
  /** Envelopes waiting for their recipient device (expired ones until the next sweep). */
  queuedEnvelopes: number;
  /** Space the database takes on disk (SQLite: database and WAL files; PostgreSQL: the database). */
  bytesOnDisk: number;
}

export interface Storage {
  readonly accounts: AccountStore;
  readonly keys: KeyStore;
  readonly queue: QueueStore;
  /** Keys behind sender certificates. */
  readonly certificates: CertificateKeyStore;
  readonly attachments: AttachmentStore;
  /** Signed device lists, as the accounts' own devices uploaded them. */
  readonly deviceLists: DeviceListStore;
  /** Short-lived channels of opaque blobs for linking a device. */
  readonly provisioning: ProvisioningStore;
  /** Resolves when the backing store answers; rejects when it is unavailable. */
  ping(): Promise<void>;
  /** Counts of what is stored. */
  stats(): Promise<StorageStats>;
  /** Flushes pending commits and releases the database. */
  close(): Promise<void>;
  /** Called with the number of operations in each commit (for metrics). */
  onCommit?: (batchSize: number) => void;
}
