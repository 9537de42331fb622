import { describe, expect, it } from 'vitest';
import { type AttachmentPointer, decodePointer, encodePointer } from '../../src/attachments/pointer.js';
import { ClientError } from '../../src/errors.js';

const rnd = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const base: AttachmentPointer = {
  id: rnd(32),
  key: rnd(64),
  digest: rnd(32),
  size: 10 * 1024 * 1024,
  contentType: 'image/jpeg',
  fileName: 'harbour.jpg',
  width: 4032,
  height: 3024,
  thumbnail: rnd(900),
};

describe('attachment pointer', () => {
  it('round-trips every field, and the optional ones when absent', () => {
    expect(decodePointer(encodePointer(base))).toEqual(base);
    const { width: _w, height: _h, thumbnail: _t, ...plain } = base;
    expect(decodePointer(encodePointer(plain))).toEqual(plain);
  });

  it.each<[string, Partial<AttachmentPointer>]>([
    ['a short id', { id: rnd(16) }],
    ['a short key', { key: rnd(32) }],
    ['a short digest', { digest: rnd(31) }],
    ['an absurd size', { size: 2 ** 41 }],
    ['a long file name', { fileName: 'x'.repeat(256) }],
    ['a zero width', { width: 0 }],
    ['a huge thumbnail', { thumbnail: rnd(33 * 1024) }],
  ])('refuses %s with a typed error', (_why, change) => {
    expect(() => decodePointer(encodePointer({ ...base, ...change }))).toThrow(ClientError);
  });

  it('refuses garbage and missing fields', () => {
    expect(() => decodePointer(Uint8Array.of(0x0a, 0x40, 1))).toThrow(ClientError);
    expect(() => decodePointer(new Uint8Array(0))).toThrow(/malformed/);
  });
});
