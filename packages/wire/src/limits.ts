/**
 * Sizes and counts the server enforces and clients should respect. Each has
 * its reason; the server may be configured lower, never higher.
 */

/** Largest WebSocket frame: a send to many devices plus their ciphertexts. */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** Largest ciphertext for one device: padded text plus sealed-sender overhead, well above Signal's. */
export const MAX_CONTENT_BYTES = 256 * 1024;
/** Devices one send may address (a group fan-out goes in several sends). */
export const MAX_ENVELOPES_PER_SEND = 64;
/** Envelope ids one ack frame may carry. */
export const MAX_ACK_IDS = 1024;
/** Bytes in a client-chosen message id. */
export const MESSAGE_ID_BYTES = 16;
/** Largest JSON body of any request except key upload. */
export const MAX_SMALL_BODY_BYTES = 4 * 1024;
/** Largest key upload: 100 Kyber prekeys in base64url are about 220 KiB. */
export const MAX_KEYS_BODY_BYTES = 512 * 1024;
/** One-time EC prekeys per upload. */
export const MAX_PREKEYS_PER_UPLOAD = 100;
/** One-time Kyber prekeys per upload. */
export const MAX_PQ_PREKEYS_PER_UPLOAD = 100;
/** Devices per account: a person links up to 5 (the signed device list's format allows 8). */
export const MAX_DEVICES_PER_ACCOUNT = 5;
/** Registration ids are 14-bit by Signal convention (1..16380). */
export const MAX_REGISTRATION_ID = 16380;
/** Serialized EC public key: 0x05 ‖ 32 bytes. */
export const EC_PUBLIC_KEY_BYTES = 33;
/** Serialized Kyber1024 public key: 0x08 ‖ 1568 bytes. */
export const KEM_PUBLIC_KEY_BYTES = 1569;
/** XEdDSA signature. */
export const SIGNATURE_BYTES = 64;
/** Type byte of a Curve25519 public key. */
export const EC_KEY_TYPE = 0x05;
/** Type byte of a Kyber1024 public key. */
export const KEM_KEY_TYPE = 0x08;
/** Bytes of a provisioning channel id: random, so the id itself is the capability to use it. */
export const PROVISIONING_CHANNEL_BYTES = 16;
/**
 * Largest message in a provisioning channel: the account's contacts and
 * trust records travel in one, about 300 bytes per contact.
 */
export const MAX_PROVISIONING_MESSAGE_BYTES = 512 * 1024;
/** Slots of a provisioning channel (docs/provisioning.md): hello, confirmation, provisioning message. */
export const PROVISIONING_SLOTS = 3;
/** Life of a provisioning channel: long enough to walk to the other device, short enough to leave nothing behind. */
export const PROVISIONING_TTL_MS = 10 * 60_000;
