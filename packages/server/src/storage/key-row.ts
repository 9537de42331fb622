/** The row shape both SQL adapters read prekeys in, and its mapping to the port's type. */
import type { StoredSignedPreKey } from '../keys/key-store.js';

export type KeyRow = { key_id: number; public_key: Buffer; signature?: Buffer };

/** A stored prekey from its row; a one-time key has no signature. */
export function toKey(row: KeyRow): StoredSignedPreKey {
  return { keyId: row.key_id, publicKey: row.public_key, signature: row.signature ?? Buffer.alloc(0) };
}
