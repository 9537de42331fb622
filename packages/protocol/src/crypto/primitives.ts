/**
 * The one small interface every primitive of the protocol goes through.
 *
 * Two implementations exist and must pass the same known-answer and interop
 * tests: an audited pure-JS one (@noble/*) that runs everywhere, and a native
 * one (node:crypto) that Node selects through the package's `#crypto-backend`
 * import condition, so a browser build never sees node:crypto.
 *
 * Everything is synchronous (WebCrypto is async-only and is therefore not a
 * backend). Byte arguments are never mutated; every result is a fresh array
 * the caller owns and may zeroize.
 */
/** One HKDF-SHA256 salt and info, ready for many input keys (`Primitives.prepareHkdfSha256`). */
export interface PreparedHkdf {
  /**
   * Writes the first `length` (1..32) bytes of HKDF(salt, ikm, info) into
   * `out` at `offset`; allocates nothing and leaves no key-derived byte in its
   * own buffers. Not reentrant (its scratch buffers are reused), which
   * synchronous code never is.
   */
  deriveInto(ikm: Uint8Array, out: Uint8Array, offset: number, length: number): void;
}

export interface Primitives {
  /** Name shown by benchmarks, e.g. "node:crypto" or "noble". */
  readonly name: string;

  randomBytes(length: number): Uint8Array;

  sha256(data: Uint8Array): Uint8Array;
  sha512(data: Uint8Array): Uint8Array;
  /** SHA3-256 (FIPS 202); used around the KEM (Kyber round 3's H). */
  sha3_256(data: Uint8Array): Uint8Array;
  /** SHA3-512 (FIPS 202); ML-KEM's G. */
  sha3_512(data: Uint8Array): Uint8Array;
  /** SHAKE128 (FIPS 202) with `length` output bytes; ML-KEM's XOF (matrix expansion). */
  shake128(data: Uint8Array, length: number): Uint8Array;
  /** SHAKE256 (FIPS 202) with `length` output bytes; around the KEM (Kyber round 3's KDF, ML-KEM's PRF and J). */
  shake256(data: Uint8Array, length: number): Uint8Array;
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array;
  /** HKDF-SHA256 (RFC 5869); an undefined salt means 32 zero bytes (§2.2). */
  hkdfSha256(ikm: Uint8Array, salt: Uint8Array | undefined, info: Uint8Array, length: number): Uint8Array;
  /**
   * HKDF-SHA256 prepared once for one salt and info, then run for many input
   * keys with 1..32 output bytes (sealed sender v2 derives two per recipient):
   * what depends on the salt and info alone is set up once, and the output
   * goes in place.
   */
  prepareHkdfSha256(salt: Uint8Array | undefined, info: Uint8Array): PreparedHkdf;

  /** AES-256-CBC with PKCS#7 padding. */
  aes256CbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** Throws a ProtocolError('InvalidMessage') on bad padding or length. */
  aes256CbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array;
  /** AES-256-CTR; encryption and decryption are the same operation. */
  aes256Ctr(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;

  /** A clamped 32-byte private scalar and its 32-byte u-coordinate. */
  x25519Generate(): { privateKey: Uint8Array; publicKey: Uint8Array };
  x25519PublicKey(privateKey: Uint8Array): Uint8Array;
  /** Raw 32-byte X25519 output; throws ProtocolError('InvalidKey') on a low-order point. */
  x25519Agree(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array;

  /** XEdDSA as libsignal computes it (docs/protocol.md §2); `random` is 64 bytes. */
  xeddsaSign(privateKey: Uint8Array, message: Uint8Array, random: Uint8Array): Uint8Array;
  /** `publicKey` is the raw 32-byte u-coordinate; a bad signature returns false. */
  xeddsaVerify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}
