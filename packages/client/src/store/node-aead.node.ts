/**
 * AES-256-GCM from node:crypto behind the store's Aead interface: the same
 * construction and byte layout as the @noble/ciphers one (12-byte random
 * nonce ‖ ciphertext ‖ 16-byte tag), so either can open the other's rows.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { primitives } from '@tacet/protocol';
import { ClientError } from '../errors.js';
import type { Aead } from './at-rest.js';

const NONCE = 12;
const TAG = 16;

export const nodeAead: Aead = {
  seal(key, plaintext, aad) {
    // The protocol's randomness on Node: CSPRNG bytes from one pooled refill, each handed out once
    // (a randomBytes call per nonce cost several µs, and a live message seals about ten rows).
    const nonce = primitives.randomBytes(NONCE);
    const c = createCipheriv('aes-256-gcm', key, nonce);
    c.setAAD(aad);
    const body = Buffer.concat([nonce, c.update(plaintext), c.final(), c.getAuthTag()]);
    return new Uint8Array(body.buffer, body.byteOffset, body.length);
  },
  open(key, blob, aad) {
    if (blob.length < NONCE + TAG) throw new ClientError('StoreCorrupt', 'a stored record is truncated');
    try {
      const d = createDecipheriv('aes-256-gcm', key, blob.subarray(0, NONCE));
      d.setAAD(aad);
      d.setAuthTag(blob.subarray(blob.length - TAG));
      const out = Buffer.concat([d.update(blob.subarray(NONCE, blob.length - TAG)), d.final()]);
      return new Uint8Array(out.buffer, out.byteOffset, out.length);
    } catch {
      throw new ClientError(
        'StoreCorrupt',
        'a stored record failed authentication (tampered or corrupt store)',
      );
    }
  },
};
