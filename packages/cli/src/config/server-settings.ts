/**
 * The one schema of `tacet server`'s configuration: every key of the config
 * file, with its environment variable, its flag, its allowed values, its
 * default and where it goes in the server's config. The loader, the flags,
 * `--print-config` and docs/operations.md (checked by a test) all come from
 * this table. Defaults are the server library's own (resolveConfig), except
 * where noted.
 */
import type { RateLimit, ServerConfig } from '@tacet/server';
import { resolveConfig } from '@tacet/server';
import { boolean, cidrList, hexSecret, integer, oneOf, text, url, type ValueKind } from './value-kinds.js';

export interface Setting {
  /** Dotted key in the TOML file: `section.name`, or `name` at the top. */
  readonly key: string;
  readonly kind: ValueKind<unknown>;
  readonly env: string;
  /** Long flag without dashes; secrets have none (a command line shows in `ps`), except the two URL flags kept from before. */
  readonly flag?: string;
  readonly help: string;
  /** Never printed by --print-config. */
  readonly secret?: boolean;
  /** A file path: a relative value is taken relative to the config file (or the working directory). */
  readonly path?: boolean;
  /** Writes the value into the server config. */
  apply(config: MutableServerConfig, value: unknown): void;
  /** The default, if the setting has one; `undefined` means unset. */
  fallback(): unknown;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type MutableServerConfig = Mutable<ServerConfig> & { serveWeb?: boolean };

/** The server library's defaults. */
const LIB = resolveConfig({ dataDir: '.' });

/** The metrics listener's port for `tacet server` (the library picks a free one). */
export const DEFAULT_METRICS_PORT = 9464;

function field<K extends keyof MutableServerConfig>(
  key: string,
  name: K,
  kind: ValueKind<unknown>,
  env: string,
  flag: string | undefined,
  help: string,
  extra: Partial<Pick<Setting, 'secret' | 'path' | 'fallback'>> = {},
): Setting {
  return {
    key,
    kind,
    env,
    ...(flag ? { flag } : {}),
    help,
    apply: (c, v) => {
      c[name] = v as MutableServerConfig[K];
    },
    fallback: () => (LIB as Partial<MutableServerConfig>)[name],
    ...extra,
  };
}

type LimitName = 'registrationLimit' | 'challengeLimit' | 'prekeyFetchLimit' | 'prekeyTargetLimit';
function rate(name: LimitName, prefix: string, part: keyof RateLimit, what: string): Setting {
  const upper = prefix.toUpperCase();
  const suffix = part === 'burst' ? 'burst' : 'per_hour';
  return {
    key: `rate_limits.${prefix}_${suffix}`,
    kind: integer(part === 'burst' ? 1 : 0, 1_000_000),
    env: `TACET_${upper}_${suffix.toUpperCase()}`,
    flag: `${prefix.replace(/_/g, '-')}-${suffix.replace('_', '-')}`,
    help: part === 'burst' ? `${what} allowed at once` : `${what} refilled per hour`,
    apply: (c, v) => {
      c[name] = { ...(c[name] ?? LIB[name]), [part]: v as number };
    },
    fallback: () => LIB[name][part],
  };
}

export const SERVER_SETTINGS: readonly Setting[] = [
  field('data_dir', 'dataDir', text(), 'TACET_DATA_DIR', 'data', 'directory of the SQLite database', {
    path: true,
    fallback: () => undefined, // filled by the command: $XDG_DATA_HOME/tacet/server
  }),
  field(
    'serve_web',
    'serveWeb',
    boolean,
    'TACET_SERVE_WEB',
    'serve-web',
    'serve the bundled web client at /',
    {
      fallback: () => true,
    },
  ),
  field(
    'web_dir',
    'staticDir',
    text(),
    'TACET_WEB_DIR',
    'web-dir',
    'serve the web client from this directory instead of the bundled one',
    { path: true },
  ),
  {
    key: 'pow_secret',
    kind: hexSecret,
    env: 'TACET_POW_SECRET',
    help: 'HMAC key of proof-of-work challenges; nodes behind one address must share it (default: random per process)',
    secret: true,
    apply: (c, v) => {
      c.powSecret = Buffer.from(v as string, 'hex');
    },
    fallback: () => undefined,
  },
  field('listen.host', 'host', text(), 'TACET_HOST', 'host', 'interface of the API port'),
  field(
    'listen.port',
    'port',
    integer(0, 65535),
    'TACET_PORT',
    'port',
    'API port (HTTP or HTTPS, and the WebSocket); 0 picks a free one',
  ),
  field(
    'tls.cert',
    'tlsCertFile',
    text(),
    'TACET_TLS_CERT',
    'tls-cert',
    'PEM certificate chain: serve HTTPS and WSS (re-read on SIGHUP)',
    { path: true },
  ),
  field('tls.key', 'tlsKeyFile', text(), 'TACET_TLS_KEY', 'tls-key', 'PEM private key of tls.cert', {
    path: true,
  }),
  field(
    'tls.hsts_max_age_seconds',
    'hstsMaxAgeSeconds',
    integer(0, 2 * 365 * 24 * 3600),
    'TACET_HSTS_MAX_AGE_SECONDS',
    'hsts-max-age-seconds',
    'Strict-Transport-Security max-age sent over TLS; 0 sends none',
  ),
  field(
    'proxy.trust',
    'trustProxy',
    cidrList,
    'TACET_TRUST_PROXY',
    'trust-proxy',
    'reverse proxies (CIDR ranges, comma-separated in the environment) whose X-Forwarded-For names the client for the rate limits',
  ),
  field(
    'metrics.listen',
    'metricsListener',
    boolean,
    'TACET_METRICS_LISTEN',
    'metrics-listen',
    'open the metrics listener',
  ),
  field(
    'metrics.host',
    'metricsHost',
    text(),
    'TACET_METRICS_HOST',
    'metrics-host',
    'interface of the metrics listener (keep it private)',
  ),
  field(
    'metrics.port',
    'metricsPort',
    integer(0, 65535),
    'TACET_METRICS_PORT',
    'metrics-port',
    'port of the metrics listener (GET /metrics, Prometheus text)',
    {
      fallback: () => DEFAULT_METRICS_PORT,
    },
  ),
  field(
    'metrics.token',
    'metricsToken',
    text(16, 'a string of at least 16 characters'),
    'TACET_METRICS_TOKEN',
    undefined,
    'also serve /metrics on the API port to "Authorization: Bearer <token>"',
    { secret: true },
  ),
  field(
    'limits.max_retention_seconds',
    'maxRetentionSeconds',
    integer(1, 365 * 24 * 3600),
    'TACET_MAX_RETENTION_SECONDS',
    'max-retention-seconds',
    'longest a message or attachment waits for its recipient',
  ),
  field(
    'limits.max_queue_length',
    'maxQueueLength',
    integer(1, 10_000_000),
    'TACET_MAX_QUEUE_LENGTH',
    'max-queue-length',
    'messages waiting per device before sends to it fail with queue_full',
  ),
  field(
    'limits.max_attachment_bytes',
    'maxAttachmentBytes',
    integer(1, 2 ** 40),
    'TACET_MAX_ATTACHMENT_BYTES',
    'max-attachment-bytes',
    'largest attachment (its ciphertext) a client may upload',
  ),
  field(
    'limits.pow_bits',
    'powBits',
    integer(0, 32),
    'TACET_POW_BITS',
    'pow-bits',
    'proof-of-work difficulty of a registration, in bits',
  ),
  rate('registrationLimit', 'registration', 'burst', 'registrations per client address'),
  rate('registrationLimit', 'registration', 'perHour', 'registrations per client address'),
  rate('challengeLimit', 'challenge', 'burst', 'proof-of-work challenges per client address'),
  rate('challengeLimit', 'challenge', 'perHour', 'proof-of-work challenges per client address'),
  rate('prekeyFetchLimit', 'prekey_fetch', 'burst', 'prekey and identity lookups per requesting account'),
  rate('prekeyFetchLimit', 'prekey_fetch', 'perHour', 'prekey and identity lookups per requesting account'),
  rate('prekeyTargetLimit', 'prekey_target', 'burst', 'prekey fetches of one account per requesting account'),
  rate(
    'prekeyTargetLimit',
    'prekey_target',
    'perHour',
    'prekey fetches of one account per requesting account',
  ),
  field(
    'log.level',
    'logLevel',
    oneOf(['debug', 'info', 'warn', 'error']),
    'TACET_LOG_LEVEL',
    'log-level',
    'JSON log lines on stderr at or above this level; debug may record more than info (see docs/operations.md)',
  ),
  {
    key: 'log.error_summary_seconds',
    kind: integer(1, 86_400),
    env: 'TACET_LOG_ERROR_SUMMARY_SECONDS',
    flag: 'log-error-summary-seconds',
    help: 'how often failure counts by error code (code=rate_limited count=N) are logged at info',
    apply: (c, v) => {
      c.errorLogIntervalMs = (v as number) * 1000;
    },
    fallback: () => LIB.errorLogIntervalMs / 1000,
  },
  field(
    'storage.postgres_url',
    'postgresUrl',
    url(['postgres', 'postgresql']),
    'TACET_POSTGRES_URL',
    'postgres',
    'store in PostgreSQL instead of SQLite (several nodes share it)',
    { secret: true },
  ),
  field(
    'storage.redis_url',
    'redisUrl',
    url(['redis', 'rediss']),
    'TACET_REDIS_URL',
    'redis',
    'wake recipients on other nodes through Redis pub/sub',
    { secret: true },
  ),
  field(
    'storage.redis_prefix',
    'redisPrefix',
    text(),
    'TACET_REDIS_PREFIX',
    'redis-prefix',
    'Redis channel prefix, so deployments sharing one Redis stay apart',
    {
      fallback: () => 'tacet:',
    },
  ),
];
