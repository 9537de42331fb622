/**
 * Every limit of the protocol package, each with its reason. Decoders of
 * outside bytes check against these so that hostile input costs bounded time
 * and memory. Sections are owned by the helper that added them: append to
 * your own section, don't rewrite other sections' lines.
 */

// ---------------------------------------------------------------------------
// Foundation: keys, KEM, protobuf, fingerprints (owner: protocol foundation)
// ---------------------------------------------------------------------------

/** 0x05 ("DJB"): the only EC key type libsignal accepts (docs/protocol.md §1). */
export const EC_KEY_TYPE_DJB = 0x05;
/** Serialized EC public key: type byte + 32-byte u-coordinate (docs/protocol.md §1). */
export const EC_PUBLIC_KEY_LENGTH = 33;
/** Raw X25519 private scalar, no prefix (docs/protocol.md §1). */
export const EC_PRIVATE_KEY_LENGTH = 32;
/** XEdDSA signature R ‖ s; any other length verifies as false (docs/protocol.md §1). */
export const SIGNATURE_LENGTH = 64;

/** Kyber1024 / ML-KEM-1024 bare public key (docs/protocol.md §1); serialized adds a type byte. */
export const KEM_PUBLIC_KEY_LENGTH = 1568;
/** dk_pke(1536) ‖ pk(1568) ‖ H(pk)(32) ‖ z(32) (docs/protocol.md §1). */
export const KEM_SECRET_KEY_LENGTH = 3168;
/** Bare KEM ciphertext; serialized adds a type byte (docs/protocol.md §1). */
export const KEM_CIPHERTEXT_LENGTH = 1568;
/** KEM shared secret. */
export const KEM_SHARED_SECRET_LENGTH = 32;

/** A varint never needs more than 10 bytes for 64 bits; more is malformed (protobuf encoding). */
export const PROTOBUF_MAX_VARINT_BYTES = 10;
/**
 * Largest protobuf field number (2^29 − 1). Larger tags are malformed and
 * would otherwise exceed 32-bit arithmetic in the reader.
 */
export const PROTOBUF_MAX_FIELD_NUMBER = 0x1fff_ffff;

/** Signal's safety-number work factor (docs/protocol.md §7). */
export const FINGERPRINT_DEFAULT_ITERATIONS = 5200;
/** libsignal refuses 1 iteration (docs/protocol.md §7 [E]). */
export const FINGERPRINT_MIN_ITERATIONS = 2;
/** libsignal's upper bound; also caps the SHA-512 work an argument can demand (docs/protocol.md §7). */
export const FINGERPRINT_MAX_ITERATIONS = 1_000_000;
/**
 * An identifier in a fingerprint (E.164 string or 16-byte UUID) is short; the
 * cap bounds hashing cost for misuse. Chosen by tacet, not a libsignal limit.
 */
export const FINGERPRINT_MAX_IDENTIFIER_LENGTH = 1024;

// ---------------------------------------------------------------------------
// Groups and sealed sender (owner: protocol-groups helper)
// ---------------------------------------------------------------------------

/**
 * Furthest a sender-key message may jump ahead of its chain (libsignal
 * MAX_FORWARD_JUMPS, docs/protocol.md §4.5: 25 000 passes, 25 001 fails). Bounds the
 * HMACs a hostile iteration (up to 2^32 − 1) can demand.
 */
export const SENDER_KEY_MAX_FORWARD_JUMPS = 25_000;
/** Skipped message keys kept per sender-key state, newest kept (libsignal MAX_MESSAGE_KEYS, docs/protocol.md §4.5). */
export const SENDER_KEY_MAX_MESSAGE_KEYS = 2_000;
/** Chains kept per (sender, distribution id), newest first (libsignal MAX_SENDER_KEY_STATES, docs/protocol.md §4.5). */
export const SENDER_KEY_MAX_STATES = 5;
/** Server certificate key ids that are revoked; 0xDEADC357 is libsignal's test id (docs/protocol.md §8.1). */
export const SEALED_SENDER_REVOKED_SERVER_KEY_IDS: readonly number[] = Object.freeze([0xdeadc357]);
/**
 * Largest SenderKeyMessage accepted (tacet's bound, not libsignal's, matching
 * MAX_SIGNAL_MESSAGE_LENGTH): far above any padded group message, small
 * enough that a hostile one costs bounded memory before its signature is checked.
 */
export const SENDER_KEY_MESSAGE_MAX_LENGTH = 256 * 1024;
/** A distribution message is ~96 bytes; the cap leaves room for fields a later version may add. */
export const SENDER_KEY_DISTRIBUTION_MESSAGE_MAX_LENGTH = 4 * 1024;
/**
 * Largest sealed-sender message a device opens (v1 envelope or v2 received
 * format): a PreKey message plus certificate and framing, with headroom.
 */
export const SEALED_SENDER_MAX_LENGTH = 320 * 1024;
/**
 * Largest SSv2 sent message parsed (server side): the per-device payload plus
 * 66 bytes per recipient for groups of thousands of devices.
 */
export const SEALED_SENDER_V2_SENT_MAX_LENGTH = 2 * 1024 * 1024;

// ---------------------------------------------------------------------------
// 1:1 sessions: Double Ratchet, records, wire messages (owner: protocol sessions)
// ---------------------------------------------------------------------------

/**
 * Largest counter − chain index a receiver derives keys for (libsignal
 * MAX_FORWARD_JUMPS, docs/protocol.md §4.4–4.5; 25 000 passes, 25 001 fails). Checked
 * before any derivation, so a counter of 2^32 − 1 costs nothing.
 */
export const MAX_FORWARD_JUMPS = 25_000;
/**
 * libsignal sets no jump limit when both ends share an identity (note-to-self
 * across own devices, which may fall far behind). tacet still bounds it so
 * hostile input never costs billions of HMACs: ~1M HMACs, about a second.
 */
export const MAX_SELF_FORWARD_JUMPS = 500_000;
/** Skipped message keys kept per receiving chain, newest kept (libsignal MAX_MESSAGE_KEYS, docs/protocol.md §4.5). */
export const MAX_MESSAGE_KEYS = 2_000;
/** Receiving chains kept per session state, oldest dropped (libsignal MAX_RECEIVER_CHAINS, docs/protocol.md §4.5). */
export const MAX_RECEIVER_CHAINS = 5;
/** Archived session states per record, oldest dropped (libsignal ARCHIVED_STATES_MAX_LENGTH, docs/protocol.md §4.5). */
export const ARCHIVED_STATES_MAX_LENGTH = 40;
/** An unacknowledged (PreKey-sending) session older than this cannot send (docs/protocol.md §4.5: 30 days). */
export const MAX_UNACKNOWLEDGED_SESSION_AGE_MS = 30 * 24 * 60 * 60 * 1000;
/** Counters are uint32 on the wire; a sending chain stops before wrapping. */
export const MAX_COUNTER = 0xffff_ffff;
/**
 * Largest SignalMessage accepted (tacet's bound, not libsignal's): far above
 * any padded message the client sends, small enough that parsing a hostile
 * one costs bounded memory.
 */
export const MAX_SIGNAL_MESSAGE_LENGTH = 256 * 1024;
/** A PreKeySignalMessage is a SignalMessage plus keys, ids and a 1569-byte KEM ciphertext. */
export const MAX_PREKEY_SIGNAL_MESSAGE_LENGTH = MAX_SIGNAL_MESSAGE_LENGTH + 4096;
/**
 * Pre-expanded KEM public keys kept for reuse (about 12 KiB each): enough for
 * the last-resort keys of a device and its busiest peers, bounded in memory.
 */
export const KEM_PREPARED_CACHE_SIZE = 16;
/** KEM public keys remembered as used once, so a second use prepares them. */
export const KEM_SEEN_KEYS_SIZE = 256;

/**
 * A DecryptionErrorMessage holds a 33-byte key and two varints (about 50
 * bytes); a PlaintextContent wraps one. Anything far larger is not one, and
 * is refused before parsing.
 */
export const MAX_PLAINTEXT_CONTENT_LENGTH = 1024;
