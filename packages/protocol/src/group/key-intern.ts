/**
 * Interning of sender-key signing keys across record loads. A client that
 * keeps records in a database deserializes them for every message; without
 * this, each load makes new key objects and the crypto backend, which caches
 * its prepared key handles per key object (crypto/key-cache.ts), would redo
 * that preparation — an Edwards decompression per verify and a base-point
 * multiplication per signature, several times the cost of the message itself.
 * A small bounded map hands back the same objects for the same bytes.
 */
import { constantTimeEqual, toHex } from '../crypto/index.js';
import { PrivateKey, PublicKey } from '../keys/index.js';

/** Distinct signing keys remembered (a client talks to a bounded set of group members). */
const MAX_ENTRIES = 512;

const publicKeys = new Map<string, PublicKey>();
const privateKeys = new Map<string, { bytes: Uint8Array; key: PrivateKey }>();

function remember<V>(map: Map<string, V>, id: string, value: V): V {
  map.delete(id);
  map.set(id, value); // most recent last; evict from the front
  if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value as string);
  return value;
}

/**
 * PublicKey.deserialize, returning the same object for the same bytes.
 *
 * @example
 * const signingKey = internPublicKey(storedBytes); // throws ProtocolError('InvalidKey') like deserialize
 */
export function internPublicKey(serialized: Uint8Array): PublicKey {
  const id = toHex(serialized);
  const hit = publicKeys.get(id);
  return remember(publicKeys, id, hit ?? PublicKey.deserialize(serialized));
}

/**
 * PrivateKey.deserialize for the private half of `publicKey`, returning the
 * same object while the bytes match (compared in constant time; the map is
 * keyed by the public key so no secret becomes a map key).
 *
 * @example
 * const signingPrivateKey = internPrivateKey(signingKey, storedPrivateBytes);
 */
export function internPrivateKey(publicKey: PublicKey, serialized: Uint8Array): PrivateKey {
  const id = toHex(publicKey.bytes);
  const hit = privateKeys.get(id);
  if (hit !== undefined && constantTimeEqual(hit.bytes, serialized))
    return remember(privateKeys, id, hit).key;
  const key = PrivateKey.deserialize(serialized);
  return remember(privateKeys, id, { bytes: serialized.slice(), key }).key;
}
