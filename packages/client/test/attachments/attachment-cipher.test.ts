import { createHash } from 'node:crypto';
import { primitives } from '@tacet/protocol';
import { describe, expect, it } from 'vitest';
import {
  decryptAttachment,
  encryptAttachment,
  newAttachmentSecrets,
} from '../../src/attachments/attachment-cipher.js';
import { nobleStreamCrypto } from '../../src/attachments/noble-stream-crypto.js';
import { nodeStreamCrypto } from '../../src/attachments/node-stream-crypto.node.js';
import { attachmentCiphertextLength, paddedAttachmentLength } from '../../src/attachments/padding.js';
import type { StreamCrypto } from '../../src/attachments/stream-crypto.js';
import { ClientError } from '../../src/errors.js';

const BACKENDS: StreamCrypto[] = [nodeStreamCrypto, nobleStreamCrypto];

function random(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

/** Splits bytes into uneven chunks, so block boundaries fall everywhere. */
async function* chunked(b: Uint8Array, sizes = [1, 7, 16, 33, 4096, 65537]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let i = 0; at < b.length; i++) {
    const n = sizes[i % sizes.length] as number;
    yield b.subarray(at, at + n);
    at += n;
  }
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c.slice());
  return new Uint8Array(Buffer.concat(parts));
}

async function seal(plain: Uint8Array, sc: StreamCrypto = nodeStreamCrypto) {
  const { key, iv } = newAttachmentSecrets();
  const { chunks, result } = encryptAttachment(chunked(plain), plain.length, key, iv, sc);
  const blob = await collect(chunks);
  return { key, iv, blob, digest: result.digest(), ciphertextLength: result.ciphertextLength };
}

async function open(
  blob: Uint8Array,
  key: Uint8Array,
  digest: Uint8Array,
  size: number,
  sc = nodeStreamCrypto,
) {
  const parts: Uint8Array[] = [];
  await decryptAttachment(
    chunked(blob, [5, 4000, 17]),
    { key, digest, size },
    (p) => void parts.push(p.slice()),
    sc,
  );
  return new Uint8Array(Buffer.concat(parts));
}

async function refusal(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ClientError);
  expect((e as ClientError).code).toBe('AttachmentCorrupt');
  return (e as ClientError).message;
}

describe('attachment cipher (Signal layout)', () => {
  it.each([0, 1, 15, 16, 17, 541, 542, 100_003])(
    'round-trips %i bytes on both backends, identically',
    async (n) => {
      const plain = random(n);
      const { key, iv } = newAttachmentSecrets();
      const blobs: Uint8Array[] = [];
      for (const sc of BACKENDS) {
        const { chunks, result } = encryptAttachment(chunked(plain), n, key, iv, sc);
        const blob = await collect(chunks);
        expect(blob.length).toBe(result.ciphertextLength);
        expect(Buffer.from(result.digest()).equals(createHash('sha256').update(blob).digest())).toBe(true);
        for (const open_ of BACKENDS) {
          const parts: Uint8Array[] = [];
          await decryptAttachment(
            chunked(blob),
            { key, digest: result.digest(), size: n },
            (p) => void parts.push(p.slice()),
            open_,
          );
          expect(Buffer.concat(parts).equals(Buffer.from(plain))).toBe(true);
        }
        blobs.push(blob);
      }
      expect(Buffer.from(blobs[0] as Uint8Array).equals(Buffer.from(blobs[1] as Uint8Array))).toBe(true);
    },
  );

  it('is IV ‖ AES-256-CBC(zero-padded to the bucket) ‖ HMAC-SHA256(IV ‖ ciphertext), checked with one-shot primitives', async () => {
    const plain = random(1000);
    const { key, iv, blob } = await seal(plain);
    const padded = new Uint8Array(paddedAttachmentLength(1000));
    padded.set(plain);
    const ct = primitives.aes256CbcEncrypt(key.subarray(0, 32), iv, padded);
    const mac = primitives.hmacSha256(key.subarray(32), Buffer.concat([iv, ct]));
    expect(Buffer.from(blob).equals(Buffer.concat([iv, ct, mac]))).toBe(true);
    expect(blob.length).toBe(attachmentCiphertextLength(1000));
  });

  it('refuses every single flipped bit', async () => {
    const plain = random(20);
    const { key, blob, digest } = await seal(plain);
    for (let bit = 0; bit < blob.length * 8; bit++) {
      const bad = blob.slice();
      bad[bit >> 3] = (bad[bit >> 3] as number) ^ (1 << (bit & 7));
      await refusal(open(bad, key, digest, plain.length));
    }
  });

  it('refuses a truncated, an extended and a swapped blob, and a wrong digest', async () => {
    const plain = random(5000);
    const { key, blob, digest } = await seal(plain);
    expect(await refusal(open(blob.subarray(0, blob.length - 1), key, digest, 5000))).toMatch(/shorter/);
    expect(await refusal(open(Buffer.concat([blob, Uint8Array.of(0)]), key, digest, 5000))).toMatch(/longer/);
    const other = await seal(random(5000));
    await refusal(open(other.blob, key, digest, 5000));
    // Even a blob that authenticates under the key is refused when it is not the one the message names.
    const again = encryptAttachment(chunked(plain), 5000, key, newAttachmentSecrets().iv);
    await refusal(open(await collect(again.chunks), key, digest, 5000));
    await refusal(open(blob, key, new Uint8Array(32), 5000));
    // The right blob under a wrong size claim.
    await refusal(open(blob, key, digest, 4999));
    expect(Buffer.from(await open(blob, key, digest, 5000)).equals(Buffer.from(plain))).toBe(true);
  });

  it('refuses a source that is not the announced size', async () => {
    const { key, iv } = newAttachmentSecrets();
    const more = encryptAttachment(chunked(random(100)), 99, key, iv);
    await expect(collect(more.chunks)).rejects.toThrow(/grew/);
    const less = encryptAttachment(chunked(random(100)), 101, key, iv);
    await expect(collect(less.chunks)).rejects.toThrow(/shrank/);
  });
});

describe('attachment padding buckets', () => {
  it('pads to max(541, floor(1.05^ceil(log_1.05 n))), never below n, at most 5% above', () => {
    expect(paddedAttachmentLength(0)).toBe(541);
    expect(paddedAttachmentLength(541)).toBe(541);
    // 1.05^130 = 568.00..., 1.05^129 = 540.95: the first bucket above 541.
    expect(paddedAttachmentLength(542)).toBe(568);
    expect(paddedAttachmentLength(10 * 1024 * 1024)).toBe(Math.floor(1.05 ** 332));
    let last = 0;
    for (let n = 1; n < 5_000_000; n = Math.ceil(n * 1.013) + 1) {
      const p = paddedAttachmentLength(n);
      expect(p).toBeGreaterThanOrEqual(Math.max(n, last));
      if (n > 541) expect(p / n).toBeLessThanOrEqual(1.05);
      last = p;
    }
  });
});
