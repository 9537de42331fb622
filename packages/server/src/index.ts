/**
 * @tacet/server — accounts, prekey directory and durable WebSocket delivery.
 * Start one with {@link startServer}; plug other storage or fan-out adapters
 * in through the ports exported below.
 */
export type { AccountStore, DeviceRecord, NewAccount } from './accounts/account-store.js';
export type { RateLimit } from './accounts/rate-limiter.js';
export type {
  CertificateKeyStore,
  ServerKeyRow,
  TrustRootRow,
} from './certificates/certificate-key-store.js';
export {
  type CertificateSubject,
  rotateServerCertificateKey,
  SenderCertificateIssuer,
} from './certificates/sender-certificate-issuer.js';
export { type ResolvedConfig, resolveConfig, type ServerConfig } from './config.js';
export type {
  EnqueueRequest,
  EnqueueResult,
  OutgoingCopy,
  QueueStore,
  StoredEnvelope,
} from './delivery/queue-store.js';
export { HttpError } from './errors.js';
export { type DeviceKey, deviceKey, type Fanout } from './fanout/fanout.js';
export { LocalFanout } from './fanout/local/local-fanout.js';
export { openRedisFanout, type RedisFanoutOptions } from './fanout/redis/index.js';
export type {
  ClaimedBundle,
  ClaimedDeviceBundle,
  KeyStore,
  KeyUpload,
  PutKeysResult,
  StoredPreKey,
  StoredSignedPreKey,
} from './keys/key-store.js';
export type { LogLevel, LogSink } from './logger.js';
export { TrustedProxies } from './net/trusted-proxies.js';
export { type RunningServer, startServer } from './server.js';
export { openPostgresStorage, type PostgresStorageOptions } from './storage/postgres/index.js';
export { BackupError, backupSqlite, openSqliteStorage, restoreSqlite } from './storage/sqlite/index.js';
export type { Storage, StorageStats } from './storage/storage.js';
