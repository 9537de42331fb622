/**
 * A small cache of pre-expanded ML-KEM public keys (@noble/post-quantum's
 * `prepare`): expanding the matrix Â from a key is about half the cost of an
 * encapsulation or decapsulation, and a last-resort Kyber prekey serves many
 * sessions. A key is prepared only on its second use, so one-time keys (used
 * once) never pay for preparation; only public data is cached.
 *
 * Lookups go by a cheap content tag and are confirmed by comparing the whole
 * key, so keys that arrive as fresh arrays (after a store round trip) hit too.
 */
import { ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import { KEM_PREPARED_CACHE_SIZE, KEM_SEEN_KEYS_SIZE } from '../limits.js';

/** The part of noble's prepared key we use. */
interface Prepared {
  readonly publicKey: Uint8Array;
  encapsulate(msg?: Uint8Array): { cipherText: Uint8Array; sharedSecret: Uint8Array };
  decapsulate(cipherText: Uint8Array, secretKey: Uint8Array): Uint8Array;
}

function tagOf(publicKey: Uint8Array): string {
  let s = '';
  for (let i = 0; i < 12; i++)
    s += String.fromCharCode(publicKey[i] as number, publicKey[publicKey.length - 1 - i] as number);
  return s;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Inserts into a Map used as an LRU, evicting the least recently used entries beyond `max`. */
function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value as string);
}

const prepared = new Map<string, Prepared>();
const seen = new Map<string, true>();

/**
 * The prepared form of a bare 1568-byte public key when it has been used
 * before, otherwise undefined (and the key is remembered as seen). Throws
 * what `prepare` throws for a key failing the modulus check.
 */
export function preparedKey(publicKey: Uint8Array): Prepared | undefined {
  const tag = tagOf(publicKey);
  const hit = prepared.get(tag);
  if (hit !== undefined && sameBytes(hit.publicKey, publicKey)) {
    remember(prepared, tag, hit, KEM_PREPARED_CACHE_SIZE);
    return hit;
  }
  if (!seen.has(tag)) {
    remember(seen, tag, true, KEM_SEEN_KEYS_SIZE);
    return undefined;
  }
  const fresh: Prepared = ml_kem1024.prepare(publicKey);
  remember(prepared, tag, fresh, KEM_PREPARED_CACHE_SIZE);
  return fresh;
}
