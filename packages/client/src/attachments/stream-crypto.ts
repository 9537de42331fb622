/**
 * Incremental primitives for attachments, which are too large to hold in
 * memory at once: AES-256-CBC (PKCS#7), HMAC-SHA256 and SHA-256, each fed
 * chunk by chunk. Two backends give identical bytes: node:crypto on Node
 * (selected by the `#stream-crypto` import condition) and @noble/* elsewhere.
 */

/** A running transform: `update` returns what is ready, `final` the rest. */
export interface ChunkTransform {
  update(chunk: Uint8Array): Uint8Array;
  /** Throws on bad PKCS#7 padding when decrypting. */
  final(): Uint8Array;
}

/** A running hash or MAC. */
export interface ChunkHash {
  update(chunk: Uint8Array): void;
  digest(): Uint8Array;
}

export interface StreamCrypto {
  readonly name: string;
  cbcEncryptor(key: Uint8Array, iv: Uint8Array): ChunkTransform;
  cbcDecryptor(key: Uint8Array, iv: Uint8Array): ChunkTransform;
  hmacSha256(key: Uint8Array): ChunkHash;
  sha256(): ChunkHash;
}
