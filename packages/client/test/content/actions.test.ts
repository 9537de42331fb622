import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Action, decodeAction, encodeAction } from '../../src/content/actions.js';
import { decodeContent, encodeContent } from '../../src/content/content.js';
import { ClientError } from '../../src/errors.js';

const id = new Uint8Array(16).fill(3);

function reason(bytes: Uint8Array): unknown {
  try {
    decodeAction(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(ClientError);
    return (e as ClientError).data.reason;
  }
  return 'decoded';
}

describe('action content', () => {
  it('round-trips every action inside a content, and a reply inside a text', () => {
    const actions: Action[] = [
      { type: 'reaction', target: id, emoji: '👍🏽' },
      { type: 'reaction', target: id, emoji: '' },
      { type: 'edit', target: id, body: 'new words' },
      { type: 'delete', target: id },
      { type: 'read', targets: [id, new Uint8Array(16)] },
    ];
    for (const action of actions) {
      const c = { kind: 'action', id, sentAt: 9, action } as const;
      expect(decodeContent(encodeContent(c))).toEqual(c);
    }
    const reply = {
      kind: 'text',
      id,
      sentAt: 1,
      clock: 1,
      body: 'yes',
      timerSeconds: 0,
      replyTo: id,
    } as const;
    expect(decodeContent(encodeContent(reply))).toEqual(reply);
  });

  it('refuses malformed actions with a typed reason', () => {
    const w = (f: (w: BinaryWriter) => void) => {
      const x = new BinaryWriter();
      f(x);
      return x.finish();
    };
    expect(reason(w((x) => x.tag(2, WireType.Varint).uint32(1)))).toBe('version');
    expect(reason(w((x) => x.tag(1, WireType.Varint).uint32(99).tag(2, WireType.Varint).uint32(3)))).toBe(
      'version',
    );
    const v1 = (x: BinaryWriter) => x.tag(1, WireType.Varint).uint32(1);
    expect(reason(w((x) => v1(x).tag(2, WireType.Varint).uint32(3)))).toBe('target');
    expect(
      reason(
        w((x) =>
          v1(x).tag(2, WireType.Varint).uint32(3).tag(3, WireType.LengthDelimited).bytes(new Uint8Array(5)),
        ),
      ),
    ).toBe('target');
    expect(
      reason(w((x) => v1(x).tag(2, WireType.Varint).uint32(77).tag(3, WireType.LengthDelimited).bytes(id))),
    ).toBe('type');
    const long = 'x'.repeat(40);
    expect(reason(encodeAction({ type: 'reaction', target: id, emoji: long }))).toBe('text');
    expect(reason(encodeAction({ type: 'edit', target: id, body: '' }))).toBe('text');
    expect(reason(new Uint8Array([0xff, 0xff, 0xff]))).toBe('malformed');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeAction(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(ClientError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('accepts only the encoding it writes: version 0 and a single field twice are refused', () => {
    const reaction = encodeAction({ type: 'reaction', target: id, emoji: '👍' });
    const tail = (no: number, value: (x: BinaryWriter) => void) => {
      const x = new BinaryWriter();
      value(x.tag(no, no === 4 ? WireType.LengthDelimited : WireType.Varint));
      return new Uint8Array([...reaction, ...x.finish()]);
    };
    // A second text would win over the first if later fields overwrote earlier ones.
    expect(reason(tail(4, (x) => x.string('💀')))).toBe('repeated');
    expect(reason(tail(2, (x) => x.uint32(3)))).toBe('repeated');
    expect(reason(tail(1, (x) => x.uint32(1)))).toBe('repeated');
    const v0 = new BinaryWriter().tag(1, WireType.Varint).uint32(0).tag(2, WireType.Varint).uint32(3);
    expect(reason(v0.tag(3, WireType.LengthDelimited).bytes(id).finish())).toBe('version');
    expect(reason(encodeAction({ type: 'read', targets: [id, id] }))).toBe('repeated');
    expect(decodeAction(reaction)).toEqual({ type: 'reaction', target: id, emoji: '👍' });
  });
});
