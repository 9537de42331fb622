/**
 * A small cache of pre-expanded ML-KEM-1024 public keys (mlkem.ts
 * `prepareMlKemKey`): expanding the matrix Â from a key is a large part of an
 * encapsulation or decapsulation, and a last-resort Kyber prekey serves many
 * sessions. A key is prepared only on its second use, so one-time keys (used
 * once) never pay for preparation; only public data is cached.
 *
 * Lookups go by a cheap content tag and are confirmed by comparing the whole
 * key, so keys that arrive as fresh arrays (after a store round trip) hit too.
 */

import { KEM_PREPARED_CACHE_SIZE, KEM_SEEN_KEYS_SIZE } from '../limits.js';
import { sameBytes } from './bytes.js';
import { ML_KEM_1024, type PreparedMlKemKey, prepareMlKemKey } from './mlkem.js';

function tagOf(publicKey: Uint8Array): string {
  let s = '';
  for (let i = 0; i < 12; i++)
    s += String.fromCharCode(publicKey[i] as number, publicKey[publicKey.length - 1 - i] as number);
  return s;
}

/** Inserts into a Map used as an LRU, evicting the least recently used entries beyond `max`. */
function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value as string);
}

const prepared = new Map<string, PreparedMlKemKey>();
const seen = new Map<string, true>();

/**
 * The prepared form of a bare 1568-byte public key when it has been used
 * before, otherwise undefined (and the key is remembered as seen). Throws
 * InvalidKey for a key failing the modulus check.
 */
export function preparedKey(publicKey: Uint8Array): PreparedMlKemKey | undefined {
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
  const fresh = prepareMlKemKey(ML_KEM_1024, publicKey);
  remember(prepared, tag, fresh, KEM_PREPARED_CACHE_SIZE);
  return fresh;
}
