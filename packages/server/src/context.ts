/** Everything a request or connection handler needs, built once per server. */
import type { PowIssuer } from './accounts/pow-issuer.js';
import type { RateLimiter } from './accounts/rate-limiter.js';
import type { SenderCertificateIssuer } from './certificates/sender-certificate-issuer.js';
import type { ResolvedConfig } from './config.js';
import type { ErrorTally } from './error-tally.js';
import type { Fanout } from './fanout/fanout.js';
import type { Logger } from './logger.js';
import type { ServerMetrics } from './metrics.js';
import type { TrustedProxies } from './net/trusted-proxies.js';
import type { Storage } from './storage/storage.js';
import type { ConnectionHub } from './ws/hub.js';

export interface ServerContext {
  config: ResolvedConfig;
  storage: Storage;
  /** Signs sender certificates; holds the trust root clients pin. */
  certificates: SenderCertificateIssuer;
  fanout: Fanout;
  metrics: ServerMetrics;
  logger: Logger;
  /** Failures by error code, logged as counts (error-tally.ts). */
  errors: ErrorTally;
  pow: PowIssuer;
  registrationLimiter: RateLimiter;
  challengeLimiter: RateLimiter;
  /** Keyed by the requesting account, not by address. */
  prekeyFetchLimiter: RateLimiter;
  /** Identity-key lookups, per requesting account, apart from prekey fetches (same limits). */
  identityLookupLimiter: RateLimiter;
  /** Bundle fetches per (requesting account, target account): what keeps one-time keys from being drained. */
  prekeyTargetLimiter: RateLimiter;
  hub: ConnectionHub;
  /** Proxies whose X-Forwarded-For names the client for the rate limiters. */
  proxies: TrustedProxies;
  /** True once close() has begun: new work is refused with `unavailable`. */
  draining: boolean;
}
