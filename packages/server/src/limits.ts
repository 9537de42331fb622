/**
 * Server-side limits and defaults, each with its reason. Wire-level limits
 * (frame and body sizes, key counts) live in @tacet/wire so clients see them.
 */

/**
 * Prekey bundle fetches per requesting account, whatever the target: the
 * first message to a 1,000-member group (the client's largest) fetches every
 * other member's bundle once (999), with room left for the sender's own
 * devices and a few retries. What keeps one account's one-time keys from
 * being drained is the per-target limit below, not this one.
 */
export const DEFAULT_PREKEY_FETCH_LIMIT = { burst: 1_100, perHour: 2_000 } as const;
/**
 * Prekey bundle fetches of one target account per requesting account: each
 * fetch claims a one-time key of every device of the target, so this bounds
 * how fast anyone can drain another's keys (10 at once, 30 an hour, of the
 * up to 1,000 a device keeps). A sender fetches a peer once per session, and
 * again when the peer's devices change.
 */
export const DEFAULT_PREKEY_TARGET_LIMIT = { burst: 10, perHour: 30 } as const;
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
