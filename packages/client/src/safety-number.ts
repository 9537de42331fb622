/**
 * Safety numbers (specs/signal-protocol.md §7): 60 digits both people see,
 * derived from both identity keys and account ids, that match only if
 * nobody substituted a key. Version 2 identifiers: the 16 raw account-id bytes.
 * @TODO use @tacet/protocol's fingerprint module once it is exported; this is
 * the same construction (iterated SHA-512, 5200 rounds) on an audited hash.
 */
import { sha512 } from '@noble/hashes/sha2.js';

/** Signal's iteration count. */
export const FINGERPRINT_ITERATIONS = 5200;
const VERSION = 2;

function sideHash(identityKey: Uint8Array, identifier: Uint8Array): Uint8Array {
  const first = new Uint8Array(2 + identityKey.length + identifier.length + identityKey.length);
  first.set(identityKey, 2);
  first.set(identifier, 2 + identityKey.length);
  first.set(identityKey, 2 + identityKey.length + identifier.length);
  let h = sha512(first);
  const buf = new Uint8Array(64 + identityKey.length);
  for (let i = 1; i < FINGERPRINT_ITERATIONS; i++) {
    buf.set(h);
    buf.set(identityKey, 64);
    h = sha512(buf);
  }
  return h;
}

function digits(h: Uint8Array): string {
  let out = '';
  for (let i = 0; i < 30; i += 5) {
    let n = 0;
    for (let j = 0; j < 5; j++) n = n * 256 + (h[i + j] as number);
    out += String(n % 100_000).padStart(5, '0');
  }
  return out;
}

export interface SafetyNumber {
  /** 60 digits, shown as 12 groups of 5. */
  readonly digits: string;
  /** The scannable form (CombinedFingerprints protobuf, 74 bytes). */
  readonly scannable: Uint8Array;
}

/**
 * @example safetyNumber(myKey, myIdBytes, theirKey, theirIdBytes).digits // '05142...'
 */
export function safetyNumber(
  localKey: Uint8Array,
  localId: Uint8Array,
  remoteKey: Uint8Array,
  remoteId: Uint8Array,
): SafetyNumber {
  const local = sideHash(localKey, localId);
  const remote = sideHash(remoteKey, remoteId);
  const [a, b] = [digits(local), digits(remote)].sort();
  const scannable = new Uint8Array(74);
  scannable.set([0x08, VERSION, 0x12, 0x22, 0x0a, 0x20]);
  scannable.set(local.subarray(0, 32), 6);
  scannable.set([0x1a, 0x22, 0x0a, 0x20], 38);
  scannable.set(remote.subarray(0, 32), 42);
  return { digits: `${a}${b}`, scannable };
}
