import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeContent, encodeContent, stampDevicesVersion } from '../../src/content/content.js';
import { pad, unpad } from '../../src/content/padding.js';
import { ClientError } from '../../src/errors.js';

const id = new Uint8Array(16).fill(7);

function rejectsOnlyWithClientError(decode: (b: Uint8Array) => unknown) {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      try {
        decode(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(ClientError);
      }
    }),
    { numRuns: 500 },
  );
}

describe('message content', () => {
  it('round-trips texts, timer changes and receipts', () => {
    const text = {
      kind: 'text',
      id,
      sentAt: 1_700_000_000_123,
      clock: 41,
      body: 'héllo 👋',
      timerSeconds: 30,
    } as const;
    expect(decodeContent(encodeContent(text))).toEqual(text);
    const timer = { kind: 'timer', id, sentAt: 5, clock: 2 ** 52, timerSeconds: 0 } as const;
    expect(decodeContent(encodeContent(timer))).toEqual(timer);
    const receipt = { kind: 'receipt' as const, id, sentAt: 5, receiptIds: [id, new Uint8Array(16)] };
    expect(decodeContent(encodeContent(receipt))).toEqual(receipt);
  });

  it('rejects out-of-range timers, bad ids and random bytes with a typed error', () => {
    const bad = encodeContent({ kind: 'timer', id, sentAt: 5, clock: 1, timerSeconds: 3 });
    expect(() => decodeContent(bad)).toThrow(ClientError);
    const shortId = encodeContent({
      kind: 'text',
      id: id.subarray(0, 8),
      sentAt: 1,
      clock: 1,
      body: 'x',
      timerSeconds: 30,
    });
    expect(() => decodeContent(shortId)).toThrow(/bad id/);
    const runaway = encodeContent({ kind: 'timer', id, sentAt: 5, clock: 2 ** 52 + 2, timerSeconds: 60 });
    expect(() => decodeContent(runaway)).toThrow(/clock out of range/);
    rejectsOnlyWithClientError(decodeContent);
  });

  it('refuses a content whose single field appears twice, whichever field it is', () => {
    const text = encodeContent({ kind: 'text', id, sentAt: 1, clock: 3, body: 'pay Bob', timerSeconds: 0 });
    const again = [
      new BinaryWriter().tag(4, WireType.LengthDelimited).string('pay Mallory'),
      new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(id),
      new BinaryWriter().tag(2, WireType.Varint).uint64(2),
      new BinaryWriter().tag(3, WireType.Varint).uint32(1),
      new BinaryWriter().tag(5, WireType.Varint).uint32(0),
      new BinaryWriter().tag(7, WireType.Varint).uint64(4),
    ];
    for (const w of again) {
      const bytes = new Uint8Array([...text, ...w.finish()]);
      let caught: unknown;
      try {
        decodeContent(bytes);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ClientError);
      expect((caught as ClientError).data.reason).toBe('repeated');
    }
    expect(decodeContent(text)).toMatchObject({ body: 'pay Bob' });
  });

  it('carries the sender’s device-list version, stamped at send as encoding it would', () => {
    const text = { kind: 'text', id, sentAt: 1, clock: 3, body: 'hi', timerSeconds: 0 } as const;
    const stamped = stampDevicesVersion(encodeContent(text), 7);
    expect(stamped).toEqual(encodeContent({ ...text, devicesVersion: 7 }));
    expect(decodeContent(stamped)).toEqual({ ...text, devicesVersion: 7 });
    expect(decodeContent(encodeContent(text)).devicesVersion).toBeUndefined();
    const reason = (bytes: Uint8Array) => {
      try {
        decodeContent(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(ClientError);
        return (e as ClientError).message;
      }
      return 'decoded';
    };
    expect(reason(stampDevicesVersion(encodeContent(text), 0))).toMatch(/version 0/);
    expect(reason(stampDevicesVersion(stamped, 8))).toMatch(/appears twice/);
  });

  it('decodes content from clients that predate the clock as clock 0', () => {
    // Fields 1-5 only, as the first content schema wrote them: id, sentAt, kind=timer, timer.
    const w = new BinaryWriter();
    w.tag(1, WireType.LengthDelimited).bytes(id).tag(2, WireType.Varint).uint64(9);
    w.tag(3, WireType.Varint).uint32(2).tag(5, WireType.Varint).uint32(3600);
    const withoutClock = w.finish();
    expect(decodeContent(withoutClock)).toEqual({
      kind: 'timer',
      id,
      sentAt: 9,
      clock: 0,
      timerSeconds: 3600,
    });
  });

  it('carries the group of a reaction, edit or delete, and refuses a read receipt sent to a group', () => {
    const group = { id: new Uint8Array(32).fill(9), version: 4 };
    const edit = {
      kind: 'action' as const,
      id,
      sentAt: 5,
      action: { type: 'edit' as const, target: id, body: 'fixed' },
      group,
    };
    expect(decodeContent(encodeContent(edit))).toEqual(edit);
    const read = { kind: 'action' as const, id, sentAt: 5, action: { type: 'read' as const, targets: [id] } };
    expect(decodeContent(encodeContent(read))).toEqual(read);
    expect(() => decodeContent(encodeContent({ ...read, group }))).toThrow(/read receipt sent to a group/);
    expect(() =>
      decodeContent(encodeContent({ ...edit, group: { id: new Uint8Array(5), version: 4 } })),
    ).toThrow(ClientError);
  });

  it('pads to fixed buckets and strips the padding again', () => {
    expect(pad(new Uint8Array(0)).length).toBe(160);
    expect(pad(new Uint8Array(159)).length).toBe(160);
    expect(pad(new Uint8Array(160)).length).toBe(320);
    const body = new Uint8Array([1, 0, 0x80, 0]);
    expect(unpad(pad(body))).toEqual(body);
    expect(() => unpad(new Uint8Array(160))).toThrow(ClientError);
  });
});
