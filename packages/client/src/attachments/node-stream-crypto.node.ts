/**
 * node:crypto StreamCrypto: native AES and SHA (AES-NI, SHA extensions), so
 * a 100 MiB attachment costs little CPU. Same bytes as the noble backend.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac } from 'node:crypto';
import type { ChunkHash, ChunkTransform, StreamCrypto } from './stream-crypto.js';

const u8 = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.length);

function transform(
  c: ReturnType<typeof createCipheriv> | ReturnType<typeof createDecipheriv>,
): ChunkTransform {
  return { update: (chunk) => u8(c.update(chunk)), final: () => u8(c.final()) };
}

function hash(h: ReturnType<typeof createHash> | ReturnType<typeof createHmac>): ChunkHash {
  return { update: (chunk) => void h.update(chunk), digest: () => u8(h.digest()) };
}

export const nodeStreamCrypto: StreamCrypto = {
  name: 'node:crypto',
  cbcEncryptor: (key, iv) => transform(createCipheriv('aes-256-cbc', key, iv)),
  cbcDecryptor: (key, iv) => transform(createDecipheriv('aes-256-cbc', key, iv)),
  hmacSha256: (key) => hash(createHmac('sha256', key)),
  sha256: () => hash(createHash('sha256')),
};

export const backend = nodeStreamCrypto;
