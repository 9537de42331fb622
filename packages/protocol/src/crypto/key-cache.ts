import { sameBytes } from './bytes.js';

/**
 * A per-array memo for values derived from key bytes (native key handles,
 * decoded points). Keys live in long-lived objects (PrivateKey, PublicKey)
 * that hand the same Uint8Array to every call, so the array's identity is a
 * cheap cache key; a stored copy of the bytes guards against a caller that
 * rewrote the array since (e.g. zeroized it). Entries die with their arrays.
 */
export class KeyCache<V> {
  private readonly entries = new WeakMap<Uint8Array, { copy: Uint8Array; value: V }>();

  /** The cached value for `bytes`, computing and storing it with `make` on a miss. */
  get(bytes: Uint8Array, make: (bytes: Uint8Array) => V): V {
    const hit = this.entries.get(bytes);
    if (hit !== undefined && sameBytes(hit.copy, bytes)) return hit.value;
    const value = make(bytes);
    this.entries.set(bytes, { copy: bytes.slice(), value });
    return value;
  }

  /** Stores a value computed elsewhere (e.g. a key handle returned by key generation). */
  set(bytes: Uint8Array, value: V): void {
    this.entries.set(bytes, { copy: bytes.slice(), value });
  }
}
