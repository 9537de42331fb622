/**
 * Server configuration: what `startServer` accepts, and the defaults that
 * make `tacet server` work with no flags.
 */
import type { RateLimit } from './accounts/rate-limiter.js';
import type { Fanout } from './fanout/fanout.js';
import {
  DEFAULT_MAX_ATTACHMENT_BYTES,
  DEFAULT_MAX_QUEUE_LENGTH,
  DEFAULT_MAX_RETENTION_SECONDS,
  DEFAULT_PING_INTERVAL_MS,
  DEFAULT_POW_BITS,
  DEFAULT_SWEEP_INTERVAL_MS,
} from './limits.js';
import type { LogLevel, LogSink } from './logger.js';
import type { Storage } from './storage/storage.js';

export interface ServerConfig {
  /** Directory of the SQLite database (created if missing). */
  dataDir: string;
  /** TCP port; 0 picks a free one. Default 8080. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Longest a message may wait for its recipient. Default 7 days. */
  maxRetentionSeconds?: number;
  /** Proof-of-work difficulty for registration, in bits (0..32). Default 20. */
  powBits?: number;
  /** HMAC key for challenges; nodes sharing it accept each other's. Default: random per process. */
  powSecret?: Uint8Array;
  /** Serve the web client from this directory at `/`. */
  staticDir?: string;
  /** Largest attachment (its ciphertext) a client may upload, bytes. Default 100 MiB. Attachments are kept at most `maxRetentionSeconds`. */
  maxAttachmentBytes?: number;
  /** Messages waiting per device before sends to it fail with queue_full. Default 10,000. */
  maxQueueLength?: number;
  /** Registrations per client address. Default burst 5, 20 per hour. */
  registrationLimit?: RateLimit;
  /** Challenges per client address. Default burst 20, 200 per hour. */
  challengeLimit?: RateLimit;
  /**
   * Behind a reverse proxy: take the client address for the rate limiters from the last
   * X-Forwarded-For entry (the one the proxy appended). Never enable without a proxy that sets it.
   */
  trustProxy?: boolean;
  /** Prekey bundle fetches per requesting account, so no one drains another's one-time keys. Default burst 100, 1,000 per hour. */
  prekeyFetchLimit?: RateLimit;
  /** Ping interval; a connection that answers two pings in a row with silence is dropped. Default 30 s. */
  pingIntervalMs?: number;
  /** How often expired messages are deleted. Default 60 s. */
  sweepIntervalMs?: number;
  /** Default 'info'. */
  logLevel?: LogLevel;
  /** Where JSON log lines go. Default stderr. */
  logSink?: LogSink;
  /** Storage to use instead of SQLite in dataDir (e.g. PostgreSQL); the server closes it. */
  storage?: () => Promise<Storage>;
  /** Fan-out to use instead of the in-process one (e.g. Redis); the server closes it. */
  fanout?: Fanout;
  /** PostgreSQL URL: store in PostgreSQL instead of SQLite (several nodes share it). `storage` wins. */
  postgresUrl?: string;
  /** Redis URL: wake recipients on other nodes through Redis pub/sub. `fanout` wins. */
  redisUrl?: string;
  /** Channel prefix in Redis, so deployments sharing one Redis stay apart. Default `tacet:`. */
  redisPrefix?: string;
}

/** Config with every default filled in. */
type OptionalKeys =
  | 'powSecret'
  | 'staticDir'
  | 'storage'
  | 'fanout'
  | 'logSink'
  | 'postgresUrl'
  | 'redisUrl'
  | 'redisPrefix';
export type ResolvedConfig = Required<Omit<ServerConfig, OptionalKeys>> & Pick<ServerConfig, OptionalKeys>;

function check(ok: boolean, what: string): void {
  if (!ok) throw new RangeError(`invalid server config: ${what}`);
}

/** Fills defaults and rejects impossible values with a RangeError naming the field. */
export function resolveConfig(config: ServerConfig): ResolvedConfig {
  const r: ResolvedConfig = {
    ...config,
    port: config.port ?? 8080,
    host: config.host ?? '127.0.0.1',
    maxRetentionSeconds: config.maxRetentionSeconds ?? DEFAULT_MAX_RETENTION_SECONDS,
    powBits: config.powBits ?? DEFAULT_POW_BITS,
    maxQueueLength: config.maxQueueLength ?? DEFAULT_MAX_QUEUE_LENGTH,
    maxAttachmentBytes: config.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES,
    registrationLimit: config.registrationLimit ?? { burst: 5, perHour: 20 },
    challengeLimit: config.challengeLimit ?? { burst: 20, perHour: 200 },
    prekeyFetchLimit: config.prekeyFetchLimit ?? { burst: 100, perHour: 1000 },
    trustProxy: config.trustProxy ?? false,
    pingIntervalMs: config.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
    sweepIntervalMs: config.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS,
    logLevel: config.logLevel ?? 'info',
  };
  check(typeof r.dataDir === 'string' && r.dataDir.length > 0, 'dataDir');
  check(Number.isInteger(r.port) && r.port >= 0 && r.port <= 65535, 'port');
  check(Number.isInteger(r.maxRetentionSeconds) && r.maxRetentionSeconds >= 1, 'maxRetentionSeconds');
  check(Number.isInteger(r.powBits) && r.powBits >= 0 && r.powBits <= 32, 'powBits');
  check(Number.isInteger(r.maxQueueLength) && r.maxQueueLength >= 1, 'maxQueueLength');
  check(Number.isSafeInteger(r.maxAttachmentBytes) && r.maxAttachmentBytes >= 1, 'maxAttachmentBytes');
  check(r.pingIntervalMs >= 10 && r.sweepIntervalMs >= 10, 'pingIntervalMs / sweepIntervalMs');
  return r;
}
