/**
 * The pure-JS StreamCrypto (@noble/ciphers, @noble/hashes) for browsers.
 * CBC is chained by hand across chunks the way the mode defines it: each
 * chunk of whole blocks is encrypted with the previous chunk's last
 * ciphertext block as IV (padding disabled), and only the final call pads.
 * The result is byte-identical to one-shot CBC.
 */
import { cbc } from '@noble/ciphers/aes.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { ChunkHash, ChunkTransform, StreamCrypto } from './stream-crypto.js';

const BLOCK = 16;

function join(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function encryptor(key: Uint8Array, iv0: Uint8Array): ChunkTransform {
  let iv = iv0.slice();
  let pending = new Uint8Array(0);
  return {
    update(chunk) {
      const data = join(pending, chunk);
      const whole = data.length - (data.length % BLOCK);
      pending = data.slice(whole);
      if (whole === 0) return new Uint8Array(0);
      const out = cbc(key, iv, { disablePadding: true }).encrypt(data.subarray(0, whole));
      iv = out.slice(out.length - BLOCK);
      return out;
    },
    final: () => cbc(key, iv).encrypt(pending),
  };
}

function decryptor(key: Uint8Array, iv0: Uint8Array): ChunkTransform {
  let iv = iv0.slice();
  let pending = new Uint8Array(0);
  return {
    update(chunk) {
      const data = join(pending, chunk);
      // Hold back at least one block: the last one carries the padding.
      const whole = Math.max(0, Math.floor((data.length - 1) / BLOCK) * BLOCK);
      pending = data.slice(whole);
      if (whole === 0) return new Uint8Array(0);
      const out = cbc(key, iv, { disablePadding: true }).decrypt(data.subarray(0, whole));
      iv = data.slice(whole - BLOCK, whole);
      return out;
    },
    final() {
      if (pending.length !== BLOCK) throw new RangeError('ciphertext is not a whole number of blocks');
      return cbc(key, iv).decrypt(pending);
    },
  };
}

function wrapHash(h: { update(b: Uint8Array): unknown; digest(): Uint8Array }): ChunkHash {
  return {
    update: (chunk) => void h.update(chunk),
    digest: () => h.digest(),
  };
}

export const nobleStreamCrypto: StreamCrypto = {
  name: 'noble',
  cbcEncryptor: encryptor,
  cbcDecryptor: decryptor,
  hmacSha256: (key) => wrapHash(hmac.create(sha256, key)),
  sha256: () => wrapHash(sha256.create()),
};

export const backend = nobleStreamCrypto;
