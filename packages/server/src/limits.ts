/**
 * Server-side limits and defaults, each with its reason. Wire-level limits
 * (frame and body sizes, key counts) live in @tacet/wire so clients see them.
 */

/** Default and maximum retention of a queued message: docs/design.md, "Delivery semantics". */
export const DEFAULT_MAX_RETENTION_SECONDS = 7 * 24 * 3600;
/** Messages waiting for one device; beyond this sends fail with queue_full. */
export const DEFAULT_MAX_QUEUE_LENGTH = 10_000;
/** One-time EC and Kyber prekeys stored per device (each kind). */
export const MAX_STORED_ONE_TIME_KEYS = 1_000;
/** Default proof-of-work difficulty: about a second of hashing in a browser. */
export const DEFAULT_POW_BITS = 20;
/** How long a proof-of-work challenge stays valid. */
export const POW_CHALLENGE_TTL_MS = 5 * 60_000;
/** Envelopes read from storage per batch when draining a queue. */
export const DELIVERY_BATCH = 100;
/** Bytes handed to a socket but not yet flushed before delivery pauses (slow reader). */
export const DELIVERY_HIGH_WATER_BYTES = 1024 * 1024;
/** Sends of one connection awaiting commit before the server stops reading it. */
export const MAX_PENDING_SENDS_PER_CONNECTION = 256;
/** Interval between pings; a connection that has not answered the previous one is dropped. */
export const DEFAULT_PING_INTERVAL_MS = 30_000;
/** How often expired envelopes are swept. */
export const DEFAULT_SWEEP_INTERVAL_MS = 60_000;
/** Rows deleted per sweep transaction, so a big sweep never stalls sends for long. */
export const SWEEP_BATCH = 5_000;
/** Addresses remembered by a rate limiter; the oldest are forgotten first. */
export const RATE_LIMITER_MAX_KEYS = 100_000;
/** Time allowed for the HTTP request headers (slowloris). */
export const HEADERS_TIMEOUT_MS = 10_000;
/** Time allowed for a whole HTTP request. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** How long close() waits for connections to drain before cutting them. */
export const SHUTDOWN_GRACE_MS = 5_000;
/** Default largest attachment (ciphertext) a client may upload: Signal's own cap is of this order. */
export const DEFAULT_MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024;
/** How long an attachment upload credential stays valid: long enough for a slow 100 MiB upload with resumes. */
export const ATTACHMENT_UPLOAD_TTL_MS = 60 * 60_000;
/** Lifetime of a sender certificate: a day, as Signal's; a client refreshes at half of it. */
export const SENDER_CERTIFICATE_LIFETIME_MS = 24 * 3600 * 1000;
