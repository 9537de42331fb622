/** The attachment kind of message content: pointer and caption round-trip; a bad pointer is refused. */
import { describe, expect, it } from 'vitest';
import { decodeContent, encodeContent } from '../../src/content/content.js';
import { ClientError } from '../../src/errors.js';

const bytes = (n: number, v: number) => new Uint8Array(n).fill(v);
const pointer = {
  id: bytes(32, 1),
  key: bytes(64, 2),
  digest: bytes(32, 3),
  size: 1234,
  contentType: 'image/jpeg',
  fileName: 'a.jpg',
  width: 640,
  height: 480,
};

describe('attachment content', () => {
  it('round-trips pointer, caption and timer', () => {
    const c = {
      kind: 'attachment' as const,
      id: bytes(16, 9),
      sentAt: 1_700_000_000_000,
      clock: 3,
      body: 'look',
      timerSeconds: 30,
      pointer,
    };
    expect(decodeContent(encodeContent(c))).toEqual(c);
  });

  it('refuses an attachment whose pointer is malformed', () => {
    const c = encodeContent({
      kind: 'attachment',
      id: bytes(16, 9),
      sentAt: 1,
      clock: 1,
      body: '',
      timerSeconds: 0,
      pointer: { ...pointer, key: bytes(10, 2) },
    });
    expect(() => decodeContent(c)).toThrow(ClientError);
  });
});
