/**
 * Safety numbers (docs/protocol.md §7): an iterated SHA-512 over
 * each side's identity key and identifier, shown as 60 digits and encoded
 * for QR codes as a protobuf. Owns the hash chain; the two presentations
 * live in displayable.ts and scannable.ts.
 */
import { primitives } from '../crypto/index.js';
import type { PublicKey } from '../keys/public-key.js';
import {
  FINGERPRINT_DEFAULT_ITERATIONS,
  FINGERPRINT_MAX_IDENTIFIER_LENGTH,
  FINGERPRINT_MAX_ITERATIONS,
  FINGERPRINT_MIN_ITERATIONS,
} from '../limits.js';
import { DisplayableFingerprint } from './displayable.js';
import { ScannableFingerprint } from './scannable.js';

/** The 2-byte big-endian hash-chain version that starts h₀ (always 0). */
const CHAIN_VERSION = new Uint8Array(2);

/** Inputs of {@link Fingerprint.create}. */
export interface FingerprintOptions {
  /** SHA-512 calls per side; Signal uses 5200 (the default). 2 … 1 000 000. */
  readonly iterations?: number;
  /** Scannable-form version: 1 for E.164 identifiers, 2 for 16-byte ACI UUIDs. */
  readonly version: number;
  /** UTF-8 E.164 (version 1) or the 16 raw UUID bytes (version 2). */
  readonly localIdentifier: Uint8Array;
  readonly localKey: PublicKey;
  readonly remoteIdentifier: Uint8Array;
  readonly remoteKey: PublicKey;
}

/**
 * h₀ = SHA-512(0x0000 ‖ ser(IK) ‖ id ‖ ser(IK)); hᵢ = SHA-512(hᵢ₋₁ ‖ ser(IK)).
 * Returns the final 64-byte hash.
 */
export function fingerprintHash(iterations: number, identifier: Uint8Array, key: PublicKey): Uint8Array {
  const ik = key.serialize();
  let h = primitives.sha512(concat(CHAIN_VERSION, ik, identifier, ik));
  const block = new Uint8Array(64 + ik.length);
  block.set(ik, 64);
  for (let i = 1; i < iterations; i++) {
    block.set(h, 0);
    h = primitives.sha512(block);
  }
  return h;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function checkOptions(o: FingerprintOptions, iterations: number): void {
  if (
    !Number.isInteger(iterations) ||
    iterations < FINGERPRINT_MIN_ITERATIONS ||
    iterations > FINGERPRINT_MAX_ITERATIONS
  ) {
    throw new RangeError(
      `iterations must be an integer in ${FINGERPRINT_MIN_ITERATIONS}..${FINGERPRINT_MAX_ITERATIONS}`,
    );
  }
  if (!Number.isInteger(o.version) || o.version < 0 || o.version > 0xffff_ffff) {
    throw new RangeError('version must be a uint32');
  }
  for (const [name, id] of [
    ['localIdentifier', o.localIdentifier],
    ['remoteIdentifier', o.remoteIdentifier],
  ] as const) {
    if (!(id instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
    if (id.length > FINGERPRINT_MAX_IDENTIFIER_LENGTH) throw new RangeError(`${name} is too long`);
  }
}

/**
 * Both presentations of the safety number between a local and a remote identity.
 *
 * @example
 * const fp = Fingerprint.create({
 *   version: 2,
 *   localIdentifier: myAciBytes, localKey: myIdentity.publicKey,
 *   remoteIdentifier: theirAciBytes, remoteKey: theirIdentityKey,
 * });
 * show(fp.displayable.toString()); // 60 digits
 * const ok = fp.scannable.compare(scannedQrBytes);
 */
export class Fingerprint {
  private constructor(
    readonly displayable: DisplayableFingerprint,
    readonly scannable: ScannableFingerprint,
  ) {}

  static create(options: FingerprintOptions): Fingerprint {
    const iterations = options.iterations ?? FINGERPRINT_DEFAULT_ITERATIONS;
    checkOptions(options, iterations);
    const local = fingerprintHash(iterations, options.localIdentifier, options.localKey);
    const remote = fingerprintHash(iterations, options.remoteIdentifier, options.remoteKey);
    return new Fingerprint(
      DisplayableFingerprint.fromHashes(local, remote),
      ScannableFingerprint.fromHashes(options.version, local, remote),
    );
  }
}
