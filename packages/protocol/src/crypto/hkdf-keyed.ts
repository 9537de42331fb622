/**
 * HKDF-SHA256 (RFC 5869 §2.2-2.3) on @noble/hashes' SHA-256 compression
 * with each HMAC key set up once (RFC 2104 §2: an HMAC key is two hash
 * states, after the key ⊕ ipad and key ⊕ opad blocks). The PRK's two states
 * serve every Expand block, and the all-zero salt's (an undefined salt, and
 * the 0^32 salt SPQR passes) are computed once for the process, so a 64-byte
 * HKDF of a 32-byte secret takes 9 SHA-256 compressions where an HMAC per
 * call takes 12, with no per-call native set-up. The states resume on one
 * engine (sha256-states.ts), without noble's per-digest object overhead:
 * an 80-byte HKDF 5.8 -> 4.7 µs CPU with the zero salt, 7.0 -> 5.7 µs with
 * a salt, the 64-byte SPQR chain step 5.0 -> 4.0 µs (Node 20, alternating
 * runs in one process). The ratchet runs several short HKDFs
 * per message (message keys, SPQR chain step), where this is the cheaper
 * form on both backends (measured in the module's test and `npm run bench`).
 *
 * States live in module scratch arrays, wiped after each call; the calls are
 * synchronous, so no two ever share them.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { newSha256State, Sha256Engine, type Sha256State } from './sha256-states.js';

const BLOCK = 64;
const DIGEST = 32;
const MAX_LENGTH = 255 * DIGEST;

/** An HMAC-SHA256 key as its two hash states, each after one block. */
interface KeyStates {
  readonly inner: Sha256State;
  readonly outer: Sha256State;
}

const engine = new Sha256Engine();
const pad = new Uint8Array(BLOCK);

/** Sets `into` to the states of `key` (hashed first when longer than a block, §2). */
function keyInto(key: Uint8Array, into: KeyStates): KeyStates {
  const k = key.length > BLOCK ? sha256(key) : key;
  pad.fill(0x36);
  for (let i = 0; i < k.length; i++) pad[i] = (pad[i] as number) ^ (k[i] as number);
  engine.resume(engine.initial, 0).absorb(pad).saveInto(into.inner);
  for (let i = 0; i < BLOCK; i++) pad[i] = (pad[i] as number) ^ (0x36 ^ 0x5c);
  engine.resume(engine.initial, 0).absorb(pad).saveInto(into.outer);
  pad.fill(0);
  if (k !== key) k.fill(0);
  return into;
}

const states = (): KeyStates => ({ inner: newSha256State(), outer: newSha256State() });

const ZERO_SALT_KEY = keyInto(new Uint8Array(DIGEST), states());
const saltKey = states();
const prkKey = states();
const innerDigest = new Uint8Array(DIGEST);
const block = new Uint8Array(DIGEST);
/** COUNTER[i] is the one byte i, the last input of T(i). */
const COUNTER = Array.from({ length: 256 }, (_, i) => Uint8Array.of(i));

/** HMAC(key, a ‖ b ‖ c) into `out` (32 bytes); empty parts are skipped. */
function macInto(key: KeyStates, out: Uint8Array, a: Uint8Array, b?: Uint8Array, c?: Uint8Array): void {
  engine.resume(key.inner, BLOCK).absorb(a);
  if (b !== undefined) engine.absorb(b);
  if (c !== undefined) engine.absorb(c);
  engine.finishInto(innerDigest);
  engine.resume(key.outer, BLOCK).absorb(innerDigest).finishInto(out);
}

/** Whether `salt` means the all-zero salt (§2.2); looks at every byte whatever it finds. */
function isZeroSalt(salt: Uint8Array | undefined): boolean {
  if (salt === undefined) return true;
  if (salt.length !== DIGEST) return false;
  let acc = 0;
  for (let i = 0; i < DIGEST; i++) acc |= salt[i] as number;
  return acc === 0;
}

/**
 * HKDF-SHA256; an undefined salt is 32 zero bytes (§2.2).
 *
 * @example
 * const okm = hkdfSha256Keyed(secret, undefined, info, 64);
 */
export function hkdfSha256Keyed(
  ikm: Uint8Array,
  salt: Uint8Array | undefined,
  info: Uint8Array,
  length: number,
): Uint8Array {
  if (length > MAX_LENGTH) throw new RangeError('HKDF: length beyond 255 blocks');
  const out = new Uint8Array(length);
  if (length === 0) return out;
  // Extract: PRK = HMAC(salt, ikm), then PRK becomes the key of every Expand block.
  const extractKey = isZeroSalt(salt) ? ZERO_SALT_KEY : keyInto(salt as Uint8Array, saltKey);
  macInto(extractKey, block, ikm);
  keyInto(block, prkKey);
  // Expand: T(i) = HMAC(PRK, T(i-1) ‖ info ‖ i), T(0) empty.
  for (let i = 1, at = 0; at < length; i++, at += DIGEST) {
    macInto(prkKey, block, i === 1 ? info : block, i === 1 ? undefined : info, COUNTER[i]);
    if (at + DIGEST <= length) out.set(block, at);
    else out.set(block.subarray(0, length - at), at);
  }
  block.fill(0);
  innerDigest.fill(0);
  for (const s of [saltKey, prkKey]) {
    s.inner.fill(0);
    s.outer.fill(0);
  }
  engine.wipe();
  return out;
}
