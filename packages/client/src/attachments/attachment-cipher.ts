/**
 * Signal's attachment format, streamed. A random 64-byte key splits into an
 * AES-256 key and an HMAC-SHA256 key; the blob is
 *   IV (16) ‖ AES-256-CBC(plaintext ‖ zero padding to the bucket, PKCS#7) ‖ HMAC(IV ‖ ciphertext)
 * and its SHA-256 (the digest) travels in the encrypted message, so a
 * swapped, cut or extended blob is refused. Memory stays at one chunk.
 *
 * Decryption hands out plaintext before the MAC and digest are checked (that
 * is what streaming means); callers write it somewhere the user cannot see
 * and publish it only when `decryptAttachment` resolves (see file-sink).
 */

import { constantTimeEqual } from '@tacet/protocol';
import { backend } from '#stream-crypto';
import { ClientError } from '../errors.js';
import { attachmentCiphertextLength, paddedAttachmentLength } from './padding.js';
import type { StreamCrypto } from './stream-crypto.js';

/** AES-256 key ‖ HMAC-SHA256 key. */
export const ATTACHMENT_KEY_BYTES = 64;
const IV_BYTES = 16;
const MAC_BYTES = 32;
/** Zero padding is produced in pieces of this size, never all at once. */
const PAD_PIECE = 64 * 1024;

/** The selected backend (node:crypto on Node, noble elsewhere). */
export const streamCrypto: StreamCrypto = backend;

/** A fresh attachment key and IV. */
export function newAttachmentSecrets(): { key: Uint8Array; iv: Uint8Array } {
  return {
    key: crypto.getRandomValues(new Uint8Array(ATTACHMENT_KEY_BYTES)),
    iv: crypto.getRandomValues(new Uint8Array(IV_BYTES)),
  };
}

/** Result of an encryption, filled in once its chunks have all been read. */
export interface EncryptionResult {
  readonly ciphertextLength: number;
  /** SHA-256 of the whole blob; throws until the chunks are consumed. */
  digest(): Uint8Array;
}

function splitKey(key: Uint8Array): { aes: Uint8Array; mac: Uint8Array } {
  if (key.length !== ATTACHMENT_KEY_BYTES) throw new RangeError('attachment key must be 64 bytes');
  return { aes: key.subarray(0, 32), mac: key.subarray(32) };
}

/**
 * Encrypts exactly `size` bytes from `source`. The same key, IV and bytes give the
 * same blob, which is what lets an interrupted upload resume by re-encrypting.
 * @example
 * const { key, iv } = newAttachmentSecrets();
 * const { chunks, result } = encryptAttachment(fileChunks, size, key, iv);
 * for await (const c of chunks) upload(c);
 * const digest = result.digest();
 */
export function encryptAttachment(
  source: AsyncIterable<Uint8Array>,
  size: number,
  key: Uint8Array,
  iv: Uint8Array,
  sc: StreamCrypto = streamCrypto,
): { chunks: AsyncIterable<Uint8Array>; result: EncryptionResult } {
  if (iv.length !== IV_BYTES) throw new RangeError('attachment iv must be 16 bytes');
  const { aes, mac } = splitKey(key);
  let digest: Uint8Array | undefined;
  const result: EncryptionResult = {
    ciphertextLength: attachmentCiphertextLength(size),
    digest() {
      if (!digest) throw new Error('attachment encryption has not finished');
      return digest;
    },
  };
  async function* run(): AsyncGenerator<Uint8Array> {
    const cipher = sc.cbcEncryptor(aes, iv);
    const hmac = sc.hmacSha256(mac);
    const sha = sc.sha256();
    const emit = (b: Uint8Array) => {
      hmac.update(b);
      sha.update(b);
      return b;
    };
    yield emit(iv.slice());
    let read = 0;
    for await (const chunk of source) {
      read += chunk.length;
      if (read > size) throw new ClientError('InvalidContent', 'the file grew while it was being sent');
      const out = cipher.update(chunk);
      if (out.length > 0) yield emit(out);
    }
    if (read !== size) throw new ClientError('InvalidContent', 'the file shrank while it was being sent');
    for (let left = paddedAttachmentLength(size) - size; left > 0; left -= PAD_PIECE) {
      const out = cipher.update(new Uint8Array(Math.min(left, PAD_PIECE)));
      if (out.length > 0) yield emit(out);
    }
    yield emit(cipher.final());
    const tag = hmac.digest();
    sha.update(tag);
    digest = sha.digest();
    yield tag;
  }
  return { chunks: run(), result };
}

/** What the receiver needs from the pointer to check and open a blob. */
export interface BlobSecrets {
  readonly key: Uint8Array;
  readonly digest: Uint8Array;
  readonly size: number;
}

function corrupt(why: string): never {
  throw new ClientError(
    'AttachmentCorrupt',
    `the attachment was refused: ${why}. Ask the sender to send it again`,
  );
}

/**
 * Decrypts a blob, passing the first `size` plaintext bytes to `sink` as they come.
 * Resolves only if length, MAC and digest all match; otherwise throws
 * ClientError('AttachmentCorrupt') and the caller discards what the sink got.
 */
export async function decryptAttachment(
  source: AsyncIterable<Uint8Array>,
  secrets: BlobSecrets,
  sink: (plain: Uint8Array) => void | Promise<void>,
  sc: StreamCrypto = streamCrypto,
): Promise<void> {
  const { aes, mac } = splitKey(secrets.key);
  const total = attachmentCiphertextLength(secrets.size);
  const bodyEnd = total - MAC_BYTES;
  const hmac = sc.hmacSha256(mac);
  const sha = sc.sha256();
  const head = new Uint8Array(IV_BYTES);
  const tag = new Uint8Array(MAC_BYTES);
  let cipher: ReturnType<StreamCrypto['cbcDecryptor']> | undefined;
  let pos = 0;
  let written = 0;
  let paddingClean = true;
  const deliver = async (plain: Uint8Array) => {
    const keep = Math.max(0, Math.min(plain.length, secrets.size - written));
    if (keep > 0) await sink(plain.subarray(0, keep));
    for (let i = keep; i < plain.length; i++) if (plain[i] !== 0) paddingClean = false;
    written += plain.length;
  };
  for await (const chunk of source) {
    if (pos + chunk.length > total) corrupt('it is longer than the sender said');
    sha.update(chunk);
    let at = 0;
    while (at < chunk.length) {
      if (pos < IV_BYTES) {
        const n = Math.min(IV_BYTES - pos, chunk.length - at);
        head.set(chunk.subarray(at, at + n), pos);
        hmac.update(chunk.subarray(at, at + n));
        pos += n;
        at += n;
        if (pos === IV_BYTES) cipher = sc.cbcDecryptor(aes, head);
      } else if (pos < bodyEnd) {
        const n = Math.min(bodyEnd - pos, chunk.length - at);
        const part = chunk.subarray(at, at + n);
        hmac.update(part);
        await deliver((cipher as ChunkTransformLike).update(part));
        pos += n;
        at += n;
      } else {
        const n = chunk.length - at;
        tag.set(chunk.subarray(at), pos - bodyEnd);
        pos += n;
        at += n;
      }
    }
  }
  if (pos !== total) corrupt('it is shorter than the sender said');
  if (!constantTimeEqual(hmac.digest(), tag)) corrupt('its authentication code does not match');
  if (!constantTimeEqual(sha.digest(), secrets.digest)) corrupt('its digest does not match the message');
  try {
    await deliver((cipher as ChunkTransformLike).final());
  } catch (e) {
    if (e instanceof ClientError) throw e;
    corrupt('its padding is malformed');
  }
  if (written !== paddedAttachmentLength(secrets.size) || !paddingClean) corrupt('its padding is malformed');
}

type ChunkTransformLike = ReturnType<StreamCrypto['cbcDecryptor']>;
