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
  DEFAULT_PREKEY_FETCH_LIMIT,
  DEFAULT_PREKEY_TARGET_LIMIT,
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
   * Reverse proxies, as CIDR ranges (`10.0.0.0/8`, `::1/128`): a request from one of them is
   * rate-limited by the rightmost X-Forwarded-For entry that is not itself a trusted proxy.
   * X-Forwarded-For from any other peer is ignored. Default none.
   */
  trustProxy?: readonly string[];
  /**
   * Prekey bundle fetches (and, in their own bucket, identity lookups) per requesting account,
   * whatever the target. Default burst 1,100, 2,000 per hour: a first message to a 1,000-member
   * group fetches every other member's bundle.
   */
  prekeyFetchLimit?: RateLimit;
  /**
   * Prekey bundle fetches of one target account per requesting account, so no one drains
   * another's one-time keys. Default burst 10, 30 per hour.
   */
  prekeyTargetLimit?: RateLimit;
  /** Ping interval; a connection that answers two pings in a row with silence is dropped. Default 30 s. */
  pingIntervalMs?: number;
  /** How often expired messages are deleted. Default 60 s. */
  sweepIntervalMs?: number;
  /** Interface of the metrics listener (Prometheus `/metrics`). Default 127.0.0.1. */
  metricsHost?: string;
  /** Port of the metrics listener; 0 picks a free one (see `metricsUrl`). Default 0. */
  metricsPort?: number;
  /** Open the metrics listener at all. Default true. */
  metricsListener?: boolean;
  /**
   * Also serve `/metrics` on the API port, to requests carrying `Authorization: Bearer <token>`
   * (at least 16 characters). Without it `/metrics` on the API port is 404.
   */
  metricsToken?: string;
  /** PEM certificate chain file: serve HTTPS and WSS. Needs `tlsKeyFile`; reloaded by `reloadTls()`. */
  tlsCertFile?: string;
  /** PEM private key file for `tlsCertFile`. */
  tlsKeyFile?: string;
  /** HSTS max-age in seconds sent over TLS; 0 sends none. Default 1 year. */
  hstsMaxAgeSeconds?: number;
  /** How often failure counts by error code are logged (error-tally.ts). Default 60 s. */
  errorLogIntervalMs?: number;
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
  | 'redisPrefix'
  | 'metricsToken'
  | 'tlsCertFile'
  | 'tlsKeyFile';
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
    prekeyFetchLimit: config.prekeyFetchLimit ?? { ...DEFAULT_PREKEY_FETCH_LIMIT },
    prekeyTargetLimit: config.prekeyTargetLimit ?? { ...DEFAULT_PREKEY_TARGET_LIMIT },
    trustProxy: config.trustProxy ?? [],
    metricsHost: config.metricsHost ?? '127.0.0.1',
    metricsPort: config.metricsPort ?? 0,
    metricsListener: config.metricsListener ?? true,
    hstsMaxAgeSeconds: config.hstsMaxAgeSeconds ?? 365 * 24 * 3600,
    pingIntervalMs: config.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
    sweepIntervalMs: config.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS,
    logLevel: config.logLevel ?? 'info',
    errorLogIntervalMs: config.errorLogIntervalMs ?? 60_000,
  };
  check(typeof r.dataDir === 'string' && r.dataDir.length > 0, 'dataDir');
  check(Number.isInteger(r.port) && r.port >= 0 && r.port <= 65535, 'port');
  check(Number.isInteger(r.maxRetentionSeconds) && r.maxRetentionSeconds >= 1, 'maxRetentionSeconds');
  check(Number.isInteger(r.powBits) && r.powBits >= 0 && r.powBits <= 32, 'powBits');
  check(Number.isInteger(r.maxQueueLength) && r.maxQueueLength >= 1, 'maxQueueLength');
  check(Number.isSafeInteger(r.maxAttachmentBytes) && r.maxAttachmentBytes >= 1, 'maxAttachmentBytes');
  check(Number.isInteger(r.metricsPort) && r.metricsPort >= 0 && r.metricsPort <= 65535, 'metricsPort');
  check(r.metricsToken === undefined || r.metricsToken.length >= 16, 'metricsToken (at least 16 characters)');
  check(
    (r.tlsCertFile === undefined) === (r.tlsKeyFile === undefined),
    'tlsCertFile and tlsKeyFile go together',
  );
  check(Number.isInteger(r.hstsMaxAgeSeconds) && r.hstsMaxAgeSeconds >= 0, 'hstsMaxAgeSeconds');
  check(Array.isArray(r.trustProxy), 'trustProxy (a list of CIDR ranges)');
  check(Number.isInteger(r.errorLogIntervalMs) && r.errorLogIntervalMs >= 1000, 'errorLogIntervalMs');
  check(r.pingIntervalMs >= 10 && r.sweepIntervalMs >= 10, 'pingIntervalMs / sweepIntervalMs');
  return r;
}
