/**
 * `Primitives.prepareHkdfSha256` on @noble/hashes (the browser's backend):
 * HKDF-SHA256 (RFC 5869) for many input keys under one salt and one info,
 * with at most 32 output bytes.
 *
 * Extract is HMAC(salt, ikm): the salt's two padded-key blocks are absorbed
 * once here and each derivation starts from a clone of those SHA-256 states
 * (`_cloneInto`, noble's own HMAC reuses them the same way), so a derivation
 * hashes its own blocks only. With ≤ 32 bytes out, Expand is the single block
 * T(1) = HMAC(PRK, info ‖ 0x01). Checked against RFC 5869's vectors and
 * against `hkdfSha256` on random inputs, on both backends
 * (test/kat/crypto-hkdf-prepared.test.ts).
 */
import { type _SHA256, sha256 } from '@noble/hashes/sha2.js';
import type { PreparedHkdf } from './primitives.js';

export const HKDF_BLOCK = 64;
export const HKDF_DIGEST = 32;
export const IPAD = 0x36;
export const OPAD = 0x5c;

/** HMAC's key as RFC 2104 uses it: an undefined salt is 32 zero bytes (RFC 5869 §2.2), a long one hashed. */
export function hmacKeyOf(salt: Uint8Array | undefined, hash: (data: Uint8Array) => Uint8Array): Uint8Array {
  if (salt === undefined) return new Uint8Array(HKDF_DIGEST);
  return salt.length > HKDF_BLOCK ? hash(salt) : salt.slice();
}

/** `info ‖ 0x01`: the whole input of T(1). */
export function expandInput(info: Uint8Array): Uint8Array {
  const input = new Uint8Array(info.length + 1);
  input.set(info);
  input[info.length] = 1;
  return input;
}

/** Throws a RangeError unless `length` bytes at `offset` fit in `out` and 1 ≤ length ≤ 32. */
export function checkOutput(out: Uint8Array, offset: number, length: number): void {
  if (!Number.isInteger(length) || length < 1 || length > HKDF_DIGEST)
    throw new RangeError('prepared HKDF: length must be 1..32');
  if (!Number.isInteger(offset) || offset < 0 || offset + length > out.length)
    throw new RangeError('prepared HKDF: output does not fit');
}

/** A SHA-256 state that has absorbed one block: `key` zero-padded to 64 bytes, XORed with `pad`. */
function keyedBlock(key: Uint8Array, pad: number): _SHA256 {
  const block = new Uint8Array(HKDF_BLOCK);
  block.set(key);
  for (let i = 0; i < HKDF_BLOCK; i++) block[i] = (block[i] as number) ^ pad;
  const state = sha256.create().update(block);
  block.fill(0);
  return state;
}

class NoblePreparedHkdf implements PreparedHkdf {
  readonly #extractInner: _SHA256;
  readonly #extractOuter: _SHA256;
  readonly #blank = sha256.create();
  readonly #expandInput: Uint8Array;
  #a: _SHA256 | undefined;
  #b: _SHA256 | undefined;
  readonly #pad = new Uint8Array(HKDF_BLOCK);
  readonly #prk = new Uint8Array(HKDF_DIGEST);
  readonly #t = new Uint8Array(HKDF_DIGEST);

  constructor(salt: Uint8Array | undefined, info: Uint8Array) {
    const key = hmacKeyOf(salt, sha256);
    this.#extractInner = keyedBlock(key, IPAD);
    this.#extractOuter = keyedBlock(key, OPAD);
    key.fill(0);
    this.#expandInput = expandInput(info);
  }

  deriveInto(ikm: Uint8Array, out: Uint8Array, offset: number, length: number): void {
    checkOutput(out, offset, length);
    const prk = this.#prk;
    const pad = this.#pad;
    const t = this.#t;
    // PRK = H((salt ⊕ opad) ‖ H((salt ⊕ ipad) ‖ ikm)), both first blocks already absorbed.
    const a = this.#extractInner._cloneInto(this.#a);
    a.update(ikm).digestInto(prk);
    const b = this.#extractOuter._cloneInto(this.#b);
    b.update(prk).digestInto(prk);
    // T(1) = H((PRK ⊕ opad) ‖ H((PRK ⊕ ipad) ‖ info ‖ 0x01)).
    pad.fill(IPAD);
    for (let i = 0; i < HKDF_DIGEST; i++) pad[i] = (prk[i] as number) ^ IPAD;
    this.#blank._cloneInto(a).update(pad).update(this.#expandInput).digestInto(t);
    for (let i = 0; i < HKDF_BLOCK; i++) pad[i] = (pad[i] as number) ^ (IPAD ^ OPAD);
    this.#blank._cloneInto(b).update(pad).update(t).digestInto(t);
    for (let i = 0; i < length; i++) out[offset + i] = t[i] as number;
    prk.fill(0);
    pad.fill(0);
    t.fill(0);
    // The scratch states end holding T(1)'s final state: wiped here, revived by the next clone.
    a.destroy();
    b.destroy();
    this.#a = a;
    this.#b = b;
  }
}

/**
 * @example
 * const kdf = prepareHkdfNoble(undefined, LABEL);
 * kdf.deriveInto(ikm, out, 0, 32);
 */
export function prepareHkdfNoble(salt: Uint8Array | undefined, info: Uint8Array): PreparedHkdf {
  return new NoblePreparedHkdf(salt, info);
}
